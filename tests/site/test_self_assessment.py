"""The self-assessment pages (/danh-gia/tu-danh-gia/): addresses, which models get a page, the no-JS questionnaire, links, the worker, the budget."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from dataclasses import replace
from html import unescape

import pytest
from conftest import ROOT, theme_environment
from self_assessment_site import two_survey_content
from survey_samples import GOOD, check, survey_tree

from chophien.assessment.model import Assessments
from chophien.quality.budgets import SELF_ASSESSMENT_BUDGET, self_assessment_weights
from chophien.site import self_assessment, urls
from chophien.site.catalogue_pages import build_pages
from chophien.site.self_assessment import least_points, primary_model, questionnaires, self_assessment_pages

TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The two-survey tree (dbi-2021 newest, thu-3 older), loaded as a build loads it."""
    return two_survey_content(tmp_path_factory.mktemp("two"))[1]


def _render(page) -> str:
    return (
        theme_environment()
        .get_template(page.template)
        .render(SITEURL="", SITENAME="Chợ phiên", page_url=page.url, **page.context)
    )


def test_addresses():
    assert urls.self_assessment() == "danh-gia/tu-danh-gia/"
    assert urls.self_assessment("thu-3") == "danh-gia/tu-danh-gia/thu-3/"
    assert urls.self_assessment_worker() == "danh-gia/tu-danh-gia/sw.js"


def test_the_primary_model_is_the_newest_survey_with_microdata(loaded):
    assessments = loaded.assessments
    assert [s.slug for s in assessments.surveys] == ["khao-sat-60", "thu"]
    assert primary_model(assessments).slug == "dbi-2021"
    assert [(m.slug, url) for m, url in questionnaires(assessments)] == [
        ("dbi-2021", "danh-gia/tu-danh-gia/"),
        ("thu-3", "danh-gia/tu-danh-gia/thu-3/"),
    ]
    newest_without_data = replace(assessments.surveys[0], responses=None)
    older = Assessments(assessments.models, [newest_without_data, assessments.surveys[1]])
    assert primary_model(older).slug == "thu-3"  # the newest survey *with microdata*
    only_published = Assessments(assessments.models, [newest_without_data])
    assert primary_model(only_published).slug == "dbi-2021"  # none has microdata: the newest survey
    assert primary_model(Assessments()) is None and primary_model(None) is None


def test_no_survey_no_questionnaire_and_no_link(loaded):
    assert list(self_assessment_pages(Assessments(), loaded)) == []
    assert self_assessment.self_assessment_url(Assessments()) is None
    assert self_assessment.self_assessment_url(loaded.assessments) == "danh-gia/tu-danh-gia/"


def test_pages_and_worker(loaded):
    pages = list(self_assessment_pages(loaded.assessments, loaded))
    assert [(p.url, p.template) for p in pages] == [
        ("danh-gia/tu-danh-gia/", "self_assessment.html"),
        ("danh-gia/tu-danh-gia/thu-3/", "self_assessment.html"),
        ("danh-gia/tu-danh-gia/sw.js", "self_assessment_sw.html"),
        ("en/assessment/self-assessment/sw.js", "self_assessment_sw.html"),  # the English pages' worker
    ]
    first = pages[0].context
    assert [s.slug for s in first["surveys"]] == ["khao-sat-60"]
    assert first["open_data"] == ["danh-gia/khao-sat-60/du-lieu.json"]
    assert first["cooperatives"] == [
        {"slug": "htx-che-na-hang", "name": loaded.cooperatives["htx-che-na-hang"].name,
         "province": loaded.cooperatives["htx-che-na-hang"].province.slug,
         "province_name": loaded.cooperatives["htx-che-na-hang"].province.name, "kind": "hop-tac-xa"}
    ]  # fmt: skip
    assert len(first["provinces"]) == 34 and ("tuyen-quang", "Tuyên Quang") in first["provinces"]
    assert [k for k, _ in first["sectors"]][:2] == ["nong-nghiep", "lam-nghiep"]
    assert [k for k, _ in first["kinds"]][0] == "hop-tac-xa" and first["equipment"][0].key == "khong-co"
    worker = _render(pages[2])
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", worker).group(1))
    assert files == [
        "/danh-gia/tu-danh-gia/",
        "/danh-gia/tu-danh-gia/thu-3/",
        "/theme/css/site.css",
        "/theme/css/self-assessment.css",
        "/theme/js/order.js",  # base.html's scripts: the page loads them too
        "/theme/js/offline.js",
        "/theme/js/assessment-score.js",
        "/theme/js/self-assessment.js",
        "/danh-gia/khao-sat-60/du-lieu.json",
        "/danh-gia/thu/du-lieu.json",
    ]
    assert re.search(r"const VERSION = '[0-9a-f]{16}';", worker)
    english = _render(pages[3])
    english_files = json.loads(re.search(r"const FILES = (\[.*?\]);", english).group(1))
    assert english_files[:2] == ["/en/assessment/self-assessment/", "/en/assessment/self-assessment/thu-3/"]
    assert english_files[2:] == files[2:]
    assert pages[3].context["version"] != pages[2].context["version"]
    assert first["english"]["worker"] == "en/assessment/self-assessment/sw.js"


def test_the_worker_version_follows_the_content(loaded):
    before = list(self_assessment_pages(loaded.assessments, loaded))[-2].context["version"]
    survey = loaded.assessments.surveys[1]
    model = survey.model
    renamed = replace(model, pillars=(replace(model.pillars[0], name="Trụ A mới"), *model.pillars[1:]))
    changed = Assessments(
        loaded.assessments.models, [loaded.assessments.surveys[0], replace(survey, model=renamed)]
    )
    after = list(self_assessment_pages(changed, loaded))[-2].context["version"]
    assert before != after
    # English words count for the English worker only: the Vietnamese worker ignores `english`
    pages = list(self_assessment_pages(loaded.assessments, loaded))
    moved = [replace(p, context={**p.context, "english": {}}) for p in pages[:2]]
    assert self_assessment._version(moved) == pages[2].context["version"]
    assert self_assessment._version(moved, english=True) != pages[3].context["version"]


def test_a_survey_cannot_take_the_self_assessment_address(tree):
    files = survey_tree(GOOD)
    files = {k.replace("assessments/thu/", "assessments/tu-danh-gia/"): v for k, v in files.items()}
    lines, _ = check(tree, files)
    assert lines == [
        "content/assessments/tu-danh-gia: lỗi: tên “tu-danh-gia” đã dùng cho trang khác; hãy đặt tên khác. "
        "Ví dụ: khao-sat-tu-danh-gia"
    ]


# --- the questionnaire without JavaScript ------------------------------------------------------------


def _criterion_blocks(html: str) -> dict[str, str]:
    """criterion key → its <fieldset class="q…">…</fieldset> markup."""
    blocks = re.findall(r'<fieldset class="q[^"]*">.*?</fieldset>', html, re.S)
    return {re.search(r"<legend><b>([^<]+)</b>", b).group(1): b for b in blocks}


@pytest.mark.parametrize("which", [0, 1])
def test_every_criterion_and_option_with_its_points(loaded, which):
    page = list(self_assessment_pages(loaded.assessments, loaded))[which]
    model = page.context["model"]
    html = _render(page)
    blocks = _criterion_blocks(html)
    assert list(blocks) == [c.key for c in model.criteria]
    for criterion in model.criteria:
        block = blocks[criterion.key]
        radios = re.findall(r'<input type="radio" name="([^"]+)" value="(\d+)">', block)
        assert radios == [(criterion.key, str(p)) for p in criterion.allowed_points]  # lowest first
        assert [int(v) for _, v in radios] == sorted(int(v) for _, v in radios)
        assert unescape(block).count(" đ</span>") == len(criterion.allowed_points)
        for option in criterion.options:
            assert f'{unescape(option.label).strip()} <span class="pts">{option.points} đ</span>' in unescape(
                block
            )
        assert unescape(criterion.name) in unescape(block)
        if (
            criterion.help and criterion.help != criterion.name
        ):  # a hint that only repeats the name is left out
            assert f'<p class="help">{criterion.help}</p>' in unescape(block)
        else:
            assert 'class="help"' not in block
        assert ("chưa xác minh" in block) == criterion.unverified, criterion.key
    for pillar in model.pillars:
        assert f'data-pillar="{pillar.key}" data-max="{pillar.maximum}"' in html
    form = re.search(r'<form id="tu-danh-gia"[^>]*>', html).group(0)
    assert f'data-model="{model.slug}"' in form
    rules = json.loads(unescape(re.search(r'data-rules="([^"]+)"', form).group(1)))
    assert rules == [
        [lv.number, lv.pillar_above, lv.total_above, lv.pillars_at_level] for lv in model.levels[1:]
    ]
    assert "<script>" not in html and " style=" not in html  # strict CSP: nothing inline
    assert "Không gửi đi đâu." in html and "Nothing is sent anywhere" in html


def test_the_real_model_marks_its_29_unverified_criteria(loaded):
    page = list(self_assessment_pages(loaded.assessments, loaded))[0]
    blocks = _criterion_blocks(_render(page))
    marked = [k for k, b in blocks.items() if 'class="unv">chưa xác minh' in b]
    assert len(blocks) == 60 and len(marked) == 29 and "kh03" in marked and "kh01" not in marked


def test_the_level_tables_let_a_paper_form_be_scored(loaded):
    page = list(self_assessment_pages(loaded.assessments, loaded))[0]
    model = page.context["model"]
    html = unescape(_render(page))
    pillar_table = html[
        html.index('id="bang-tru-cot"') : html.index("</table>", html.index('id="bang-tru-cot"'))
    ]
    for pillar in model.pillars:
        row = re.search(
            rf"<th scope=\"row\">{re.escape(pillar.short_name)} <small>/{pillar.maximum}</small></th>(.*?)</tr>",
            pillar_table,
        )
        assert re.findall(r"<td>≥ (\d+)</td>", row.group(1)) == [
            str(above * pillar.maximum // 100 + 1) for _, above in model.pillar_thresholds
        ]
    assert least_points(20, 65) == 14 and least_points(10, 25) == 3  # 13/65 is exactly 20%: not above
    overall = html[html.index('id="bang-muc"') : html.index("</table>", html.index('id="bang-muc"'))]
    assert re.findall(r"<td>≥ (\d+)</td><td>≥ (\d+)</td>", overall) == [
        (str(total + 1), str(needed)) for _, total, needed in model.overall_rules
    ]
    for pillar in model.pillars:
        for steps in pillar.next_steps:
            for step in steps.steps:
                assert step in html


def test_other_models_are_linked_from_each_questionnaire(loaded):
    pages = list(self_assessment_pages(loaded.assessments, loaded))
    first, second = _render(pages[0]), _render(pages[1])
    assert 'href="/danh-gia/tu-danh-gia/thu-3/">Thử 3</a>' in first
    assert 'href="/danh-gia/tu-danh-gia/">DBI 2021 (60 tiêu chí)</a>' in second


def test_overview_and_cooperative_pages_link_to_it(loaded):
    pages = {p.url: p for p in build_pages(loaded, TODAY)}
    overview = _render(pages["danh-gia/"])
    assert 'href="/danh-gia/tu-danh-gia/">Tự đánh giá mức chuyển đổi số' in overview
    coop = pages["hop-tac-xa/htx-che-na-hang/"]
    assert coop.context["self_assessment"] == "danh-gia/tu-danh-gia/"


# --- on the built sample site ------------------------------------------------------------------------


@pytest.mark.build
def test_the_built_site_has_the_page_its_links_and_its_worker(built_demo):
    page = (built_demo / "danh-gia/tu-danh-gia/index.html").read_text(encoding="utf-8")
    assert 'id="tu-danh-gia"' in page
    assert 'href="/danh-gia/tu-danh-gia/"' in (built_demo / "danh-gia/index.html").read_text(encoding="utf-8")
    for coop in (built_demo / "hop-tac-xa").glob("*/index.html"):
        assert 'href="/danh-gia/tu-danh-gia/">Tự đánh giá' in coop.read_text(encoding="utf-8"), coop
    worker = (built_demo / "danh-gia/tu-danh-gia/sw.js").read_text(encoding="utf-8")
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", worker).group(1))
    scripts = re.findall(r'<script src="([^"]+)" defer>', page)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
    assert scripts and set(scripts) | set(styles) <= set(files)
    assert all(re.search(r"\.[0-9a-f]{10}\.(js|css)$", f) for f in scripts + styles)  # fingerprinted
    for name in files:
        assert (built_demo / urls.save_as(name.lstrip("/"))).is_file(), name
    english = (built_demo / "en/assessment/self-assessment/sw.js").read_text(encoding="utf-8")
    english_files = json.loads(re.search(r"const FILES = (\[.*?\]);", english).group(1))
    assert english_files[0] == "/en/assessment/self-assessment/" and english_files[1:] == files[1:]
    english_page = (built_demo / "en/assessment/self-assessment/index.html").read_text(encoding="utf-8")
    assert 'data-sw="/en/assessment/self-assessment/sw.js"' in english_page


@pytest.mark.build
def test_page_and_scripts_within_40_kb(built_demo):
    weights = self_assessment_weights(built_demo)
    assert weights and all(w.total <= SELF_ASSESSMENT_BUDGET for w in weights), weights
    page = built_demo / "danh-gia/tu-danh-gia/index.html"
    assert weights[0].html == len(gzip.compress(page.read_bytes(), 9, mtime=0))


def test_the_scripts_are_plain_deferred_files():
    for name in ("assessment-score.js", "self-assessment.js"):
        text = (ROOT / "theme/static/js" / name).read_text(encoding="utf-8")
        assert (
            "eval(" not in text
            and "innerHTML" not in text
            and "http" not in text.replace("http://www.w3.org/2000/svg", "")
        )


def test_hostile_model_text_stays_text(loaded):
    """Names, option labels and level names from a model file are escaped in markup and in data attributes."""
    hostile = "\"'><script>alert(1)</script>&amp;"
    survey = loaded.assessments.surveys[1]
    model = survey.model
    pillar = model.pillars[0]
    criterion = replace(pillar.criteria[0], name=hostile, help=hostile)
    model = replace(
        model,
        levels=(replace(model.levels[0], name=hostile), *model.levels[1:]),
        pillars=(
            replace(pillar, name=hostile, short_name=hostile, criteria=(criterion,)),
            *model.pillars[1:],
        ),
    )
    assessments = Assessments(loaded.assessments.models, [replace(survey, model=model)])
    html = _render(list(self_assessment_pages(assessments, loaded))[0])
    assert "<script>alert" not in html and "'><" not in html
    form = re.search(r'<form id="tu-danh-gia"[^>]*>', html).group(0)
    assert json.loads(unescape(re.search(r'data-levels="([^"]*)"', form).group(1)))[0] == hostile
    assert unescape(re.search(r'data-short="([^"]*)"', html).group(1)) == hostile


def test_the_worker_lists_paths_under_a_sub_path_site(loaded):
    worker = list(self_assessment_pages(loaded.assessments, loaded))[-2]
    text = (
        theme_environment()
        .get_template(worker.template)
        .render(SITEURL="https://owner.github.io/repo", page_url=worker.url, **worker.context)
    )
    files = json.loads(re.search(r"const FILES = (\[.*?\]);", text).group(1))
    assert files[0] == "/repo/danh-gia/tu-danh-gia/" and all(f.startswith("/repo/") for f in files)


def test_the_english_questionnaire_is_the_same_form_in_english(built_demo):
    """/en/assessment/self-assessment/: English words, and everything the scripts score by (the form's
    data attributes, the pillars, the radios' names and points, the scripts) as on the Vietnamese page."""
    vietnamese = (built_demo / "danh-gia/tu-danh-gia/index.html").read_text(encoding="utf-8")
    english = (built_demo / "en/assessment/self-assessment/index.html").read_text(encoding="utf-8")

    def form(html: str) -> dict[str, str]:
        tag = re.search(r'<form id="tu-danh-gia"[^>]*>', html).group(0)
        return dict(re.findall(r' (data-[a-z-]+)="([^"]*)"', tag))

    def scored(html: str) -> list:
        pillars = re.findall(
            r'<fieldset class="sa-pillar" id="([^"]+)" data-pillar="([^"]+)" data-max="(\d+)"', html
        )
        radios = re.findall(r'<input type="radio" name="([^"]+)" value="(\d+)">', html)
        levels = re.findall(r'<tr data-level="(\d+)">', html)
        scripts = re.findall(r'<script src="([^"]+)" defer>', html)
        return [pillars, radios, levels, scripts]

    vi_form, en_form = form(vietnamese), form(english)
    own = ("data-levels", "data-sw")  # the level names, and each edition's own worker
    assert {k: v for k, v in en_form.items() if k not in own} == {
        k: v for k, v in vi_form.items() if k not in own
    }
    assert (vi_form["data-sw"], en_form["data-sw"]) == (
        "/danh-gia/tu-danh-gia/sw.js",
        "/en/assessment/self-assessment/sw.js",
    )
    assert json.loads(unescape(en_form["data-levels"]))[2] == "Beginning"
    assert json.loads(unescape(vi_form["data-levels"]))[2] == "Bắt đầu"
    assert scored(english) == scored(vietnamese) and len(scored(english)[1]) > 200
    assert '<html lang="en"' in english and "<h1>Digital transformation self-assessment</h1>" in english
    assert (
        "<legend>Pillar 1/6: Digital customer experience <small>(at most 65 points)</small></legend>"
        in english
    )
    assert '<span class="pts">0 pts</span>' in english and '<span class="pts">1 pt</span>' in english
    assert (
        '<span class="pts">0 đ</span>' in vietnamese
        and '<h2 id="cach-tinh-h">How levels are calculated</h2>' in english
    )
    assert "Nothing is sent anywhere." in english and "Tỉnh, thành phố của đơn vị" not in english
