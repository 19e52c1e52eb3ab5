"""The /danh-gia/ pages on the built sample site and on small trees: figures, privacy, charts, budgets."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import ROOT, minimal_tree, run_pelican, theme_environment, write_tree
from htmlcheck import own_scripts
from markupsafe import escape

from chophien.assessment.aggregate import PillarAverages, aggregate
from chophien.assessment.charts import number
from chophien.assessment.publish import average_key, hidden_cells, published_view
from chophien.quality.budgets import ASSESSMENT_HTML_BUDGET, measure_site
from chophien.site import assessment_pages, templating
from chophien.site.assessment_pages import publish_all
from chophien.site.build import prepare
from chophien.site.catalogue_pages import build_pages

pytestmark = pytest.mark.build

SAMPLE = "khao-sat-mau-2026"
BASELINE = "khao-sat-htx-2022"
RESPONSES = ROOT / "content/assessments" / SAMPLE / "responses.csv"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    prepared = prepare(ROOT / "content", tmp_path_factory.mktemp("cache"), with_images=False)
    assert prepared.ok
    return prepared.catalogue


def outputs(site: Path) -> list[Path]:
    return sorted(p for p in (site / "danh-gia").rglob("*") if p.is_file())


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_every_assessment_page_is_built(built_demo):
    found = {p.relative_to(built_demo).as_posix() for p in outputs(built_demo)}
    expected = {
        "danh-gia/index.html",
        "danh-gia/so-sanh/index.html",
        "danh-gia/phuong-phap/dbi-2021/index.html",
        "danh-gia/tu-danh-gia/index.html",  # the self-assessment (test_self_assessment.py)
        "danh-gia/tu-danh-gia/sw.js",
        f"danh-gia/{BASELINE}/index.html",
        f"danh-gia/{BASELINE}/du-lieu.csv",
        f"danh-gia/{BASELINE}/du-lieu.json",
        f"danh-gia/{SAMPLE}/index.html",
        f"danh-gia/{SAMPLE}/du-lieu.csv",
        f"danh-gia/{SAMPLE}/du-lieu.json",
    } | {
        f"danh-gia/{SAMPLE}/{d}/index.html"
        for d in ("theo-tinh", "theo-vung", "theo-linh-vuc", "theo-loai-hinh", "theo-quy-mo")
    }
    assert found == expected
    assert 'href="/danh-gia/">Đánh giá</a>' in read(built_demo, "index.html")


def test_the_2022_page_shows_70_23_7_percent_of_200(built_demo):
    html = read(built_demo, f"danh-gia/{BASELINE}/index.html")
    table = html[html.index("<table") : html.index("</table>")]
    assert "Tỉ lệ trên tổng số 200 đơn vị được khảo sát" in table
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td>', table)
    assert rows == [
        ("Không có thiết bị sản xuất", "70%"),
        ("Bán tự động", "23%"),
        ("Tự động (chương trình cố định hoặc linh hoạt)", "7%"),
    ]
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")][1::2] == [
        "70%",
        "23%",
        "7%",
    ]
    assert "Mức 2 – Bắt đầu" in html and "vietnamnet.vn" in html
    rows = list(csv.DictReader(io.StringIO(read(built_demo, f"danh-gia/{BASELINE}/du-lieu.csv"))))
    shares = {r["measure"]: r["value"] for r in rows if r["table"] == "equipment_percent"}
    assert shares == {"khong-co": "70.0", "ban-tu-dong": "23.0", "tu-dong-co-dinh+tu-dong-linh-hoat": "7.0"}


def test_sample_data_is_labelled_on_pages_and_downloads(built_demo):
    for rel in [
        f"danh-gia/{SAMPLE}/index.html",
        f"danh-gia/{SAMPLE}/theo-tinh/index.html",
        "danh-gia/index.html",
    ]:
        assert "<strong>Dữ liệu mẫu</strong> – số liệu do máy sinh ra" in read(built_demo, rel), rel
    assert "Dữ liệu mẫu" not in read(built_demo, f"danh-gia/{BASELINE}/index.html").split("</header>", 1)[
        1
    ].split("</nav>", 1)[1].replace("<strong>Dữ liệu mẫu</strong> – các hợp tác xã", "")
    first = next(csv.DictReader(io.StringIO(read(built_demo, f"danh-gia/{SAMPLE}/du-lieu.csv"))))
    assert (first["table"], first["measure"], first["value"]) == ("metadata", "sample_data", "1")
    document = json.loads(read(built_demo, f"danh-gia/{SAMPLE}/du-lieu.json"))
    assert document["survey"]["sample_data"] is True and "Dữ liệu mẫu" in document["notes"][0]


def test_downloads_hide_exactly_the_hidden_cells(built_demo, catalogue):
    published = publish_all(catalogue.assessments)[SAMPLE]
    hidden = {key for key, value in published.values.items() if value is None}
    assert len(hidden) > 20
    rows = list(csv.DictReader(io.StringIO(read(built_demo, f"danh-gia/{SAMPLE}/du-lieu.csv"))))
    document = json.loads(read(built_demo, f"danh-gia/{SAMPLE}/du-lieu.json"))
    assert [{k: ("" if v is None else str(v)) for k, v in r.items()} for r in document["rows"]] == rows

    def key_of(row):
        scope = () if row["dimension"] == "all" else (row["dimension"], row["group"])
        if row["table"] == "respondents":
            return scope + ("n",)
        if row["table"] == "overall_level":
            return scope + ("level", int(row["measure"].removeprefix("level-")))
        if row["table"] == "equipment":
            return scope + ("equipment", row["measure"])
        if row["table"] == "equipment_group":
            return ("equipment-group", row["measure"])
        return None

    counted = 0
    for row in rows:
        key = key_of(row)
        if key is None:
            continue
        counted += 1
        if key in hidden:
            assert (row["value"], row["status"]) == ("", "suppressed"), row
        else:
            assert row["value"] == str(published.value(key)) and row["status"] == "", row
    assert counted == len(published.values)
    for row in rows:
        if row["table"].startswith("pillar_average") and row["dimension"] != "all":
            withheld = published.averages[(row["dimension"], row["group"])] is None
            assert (row["status"] == "suppressed") == withheld, row
            assert withheld or (row["dimension"], row["group"], "n") not in hidden, row


def _render(pages) -> dict[tuple[str, str], str]:
    """Every page in both editions: the English twin is rendered from the same context."""
    vietnamese = theme_environment()
    english = templating.english_env(vietnamese)
    templating.install_language(english, "en")
    return {
        (lang, page.url): env.get_template(page.template).render(
            SITEURL="", SITENAME="Chợ phiên", page_url=page.url, **page.context
        )
        for page in pages
        for lang, env in (("vi", vietnamese), ("en", english))
    }


def test_no_page_or_download_depends_on_a_hidden_value(catalogue, monkeypatch):
    """Change every hidden count and average to something else: every output stays byte-identical."""
    real = _render(assessment_pages.assessment_pages(catalogue.assessments, catalogue))
    survey = next(s for s in catalogue.assessments.surveys if s.slug == SAMPLE)
    groups = [
        e.categories for s in catalogue.assessments.surveys if s.published for e in s.published.equipment
    ]
    aggregates = aggregate(survey, groups)
    hidden = hidden_cells(aggregates, survey.threshold)
    cells = dict(aggregates.cells)
    for index, key in enumerate(sorted(hidden & set(cells), key=repr)):
        cells[key] = 98765 + index
    averages = {
        key: PillarAverages((4.44,) * 6, (77.77,) * 6)
        if average_key(() if key == ("all",) else key) in hidden
        else value
        for key, value in aggregates.averages.items()
    }
    mutated = replace(aggregates, cells=cells, averages=averages)
    assert mutated.cells != aggregates.cells
    fake = publish_all(catalogue.assessments) | {SAMPLE: published_view(mutated, hidden, survey.threshold)}
    monkeypatch.setattr(assessment_pages, "publish_all", lambda _assessments: fake)
    changed = _render(assessment_pages.assessment_pages(catalogue.assessments, catalogue))
    assert changed.keys() == real.keys()
    assert [url for url in real if real[url] != changed[url]] == []
    assert not any("9876" in text or "77,8%" in text or "77.8%" in text for text in changed.values())
    assert any(
        "Organisations by overall level" in text for (lang, _url), text in real.items() if lang == "en"
    )


def test_no_respondent_level_data_or_participation_is_published(built_demo):
    rows = list(csv.DictReader(RESPONSES.open(encoding="utf-8")))
    silent = {r["respondent"] for r in rows if not r["respondent"].startswith("an-") and r["consent"] == "no"}
    consenting = {r["respondent"] for r in rows if r["consent"] == "yes"}
    assert silent and consenting
    catalogue = {p.parent.name for p in (built_demo / "hop-tac-xa").glob("*/index.html")}
    for path in outputs(built_demo):
        text = path.read_text(encoding="utf-8")
        picker = re.search(r'<script type="application/json" id="enum-data">(.*?)</script>', text, re.S)
        if picker:  # the enumerator's cooperative picker: the whole public catalogue, so it tells nothing
            assert {c[0] for c in json.loads(picker[1])["cooperatives"]} == catalogue, path
            text = text.replace(picker[0], "")
            text = re.sub(r'<select id="enum-coop">.*?</select>', "", text, flags=re.S)
        assert not re.search(r"\ban-\d{3}\b", text), path
        assert not re.search(r"(\+84|\b0)\d{9}\b", text), path
        assert not re.search(r"\brespondent\b", text), path
        leaked = [slug for slug in silent if slug in text]
        assert leaked == [], (path, leaked)
    for slug in silent:
        assert "Kết quả đánh giá chuyển đổi số" not in read(built_demo, f"hop-tac-xa/{slug}/index.html")
    for slug in consenting:
        html = read(built_demo, f"hop-tac-xa/{slug}/index.html")
        assert "Kết quả đánh giá chuyển đổi số" in html and "(dữ liệu mẫu)" in html, slug
        assert f'href="/hop-tac-xa/{slug}/"' in read(built_demo, f"danh-gia/{SAMPLE}/index.html")
    assert "Kết quả đánh giá" not in read(built_demo, "hop-tac-xa/cong-ty-cacao-ea-kar/index.html")


def test_own_result_on_the_cooperative_page_is_its_score(built_demo, catalogue):
    (result,) = catalogue.assessments.results_for("htx-nong-san-y-ty")
    html = read(built_demo, "hop-tac-xa/htx-nong-san-y-ty/index.html")
    level = result.survey.model.level(result.score.level).label
    assert f"<strong>{level}</strong> · {result.score.total}/320 điểm" in html


def test_the_result_card_names_the_pillar_holding_the_level_back_and_its_next_steps(built_demo, catalogue):
    cards = 0
    for slug in catalogue.cooperatives:
        for card in assessment_pages.cooperative_results(catalogue.assessments, slug):
            cards += 1
            model, score = card.survey.model, card.score
            index = model.pillars.index(card.weakest)
            # no pillar is lower, and none at the same level has a smaller share of its maximum
            ranks = [
                (level, Fraction(points, pillar.maximum))
                for level, points, pillar in zip(
                    score.pillar_levels, score.pillar_points, model.pillars, strict=True
                )
            ]
            assert min(ranks) == ranks[index], slug
            assert card.steps == card.weakest.steps_at(score.pillar_levels[index]) and card.steps
            html = read(built_demo, f"hop-tac-xa/{slug}/index.html")
            card_html = html[html.index('id="dx-h"') : html.index("</section>", html.index('id="dx-h"'))]
            assert f"Trụ cột cần làm trước: <strong>{card.weakest.name}</strong>" in card_html
            assert all(str(escape(step)) in card_html for step in card.steps)
            assert 'href="/danh-gia/phuong-phap/dbi-2021/"' in card_html
            # the self-assessment is linked exactly when its page is built
            self_page = (built_demo / "danh-gia/tu-danh-gia/index.html").is_file()
            assert ('href="/danh-gia/tu-danh-gia/"' in card_html) == self_page
    assert cards == 7


def test_the_methodology_page_shows_the_questionnaire(built_demo, catalogue):
    html = read(built_demo, "danh-gia/phuong-phap/dbi-2021/index.html")
    model = catalogue.assessments.models["dbi-2021"]
    assert len(model.criteria) == 60 and html.count("<details") == 6
    assert html.count("<li><code>") == 60
    unverified = [c for c in model.criteria if c.unverified]
    assert len(unverified) == 29
    assert html.count('<span class="badge uv">chưa xác minh</span>') == 29 + 1  # + the legend
    assert "Các khoảng điểm là đề xuất của Chợ phiên" in html
    for criterion in model.criteria:
        item = html[html.index(f"<li><code>{criterion.key}</code>") :].split("</li>", 1)[0]
        assert ('class="badge uv"' in item) == criterion.unverified, criterion.key
        if criterion.option_set:
            assert f'href="#bo-{criterion.option_set}"' in item
        else:
            assert all(f"<b>{o.points}</b> {escape(o.label)}" in item for o in criterion.options), (
                criterion.key
            )
    for option_set in model.option_sets:
        assert f'<li id="bo-{option_set.key}"><strong>{option_set.name}:</strong>' in html
    for pillar in model.pillars:
        for component in pillar.components:
            assert f" {component.name} <small>" in html
        for steps in pillar.next_steps:
            assert all(str(escape(step)) in html for step in steps.steps)
    assert html.count("<p><strong>Trụ cột đang ở Mức ") == sum(len(p.next_steps) for p in model.pillars)


def test_charts_are_valid_svg_and_pages_have_no_script(built_demo):
    charts_seen = 0
    for path in outputs(built_demo):
        if path.suffix != ".html":
            continue
        html = path.read_text(encoding="utf-8")
        # The self-assessment has its scripts (test_self_assessment.py).
        if "/tu-danh-gia/" not in path.as_posix():
            assert "<script" not in own_scripts(html), path
        for svg in re.findall(r"<svg .*?</svg>", html, re.S):
            root = ET.fromstring(svg)
            chart_id = root.get("aria-labelledby").split()[0].removesuffix("-t")
            assert f'id="{chart_id}-t"' in svg and f'id="{chart_id}-d"' in svg
            assert " data-" not in svg
            charts_seen += 1
        ids = re.findall(r' id="([^"]+)"', html)
        assert len(ids) == len(set(ids)), path
    assert charts_seen >= 15


def test_every_hidden_national_cell_is_marked_on_the_survey_page(built_demo, catalogue):
    published = publish_all(catalogue.assessments)[SAMPLE]
    national = [k for k, v in published.values.items() if v is None and k[0] in ("level", "equipment")]
    html = read(built_demo, f"danh-gia/{SAMPLE}/index.html")
    assert html.count('<td class="sup">ẩn</td>') == 2 * len(national)  # count and share columns
    assert "“ẩn”: ô bị ẩn để không ai suy ra được câu trả lời của một đơn vị: số nhỏ hơn 5" in html


def test_assessment_pages_are_within_their_budget(built_demo):
    measures = [
        m
        for m in measure_site(built_demo)
        if m.path.startswith("danh-gia/") and not m.path.startswith("danh-gia/tu-danh-gia/")
    ]  # the self-assessment's page, scripts and styles have one budget together (test_self_assessment.py)
    assert len(measures) == 10
    assert all(m.kind == "assessment" and m.budget == ASSESSMENT_HTML_BUDGET for m in measures)
    assert max(m.gzipped for m in measures) <= ASSESSMENT_HTML_BUDGET


# --- small trees -------------------------------------------------------------------------------------

MODEL = (ROOT / "content/assessments/models/dbi-2021.yaml").read_text(encoding="utf-8")
HOSTILE = "<script>alert(1)</script>"
SURVEY = f"""\
title: 'Khảo sát {HOSTILE}'
organiser: Nhóm thử
period: "2025"
year: 2025
method: Phỏng vấn
sample_size: 10
model: dbi-2021
source: Kiểm thử
"""
CRITERIA = re.findall(r"^      - key: (\w+)$", MODEL, re.M)


def _csv(rows: int, broken: bool = False) -> str:
    lines = [f"respondent,province,sector,kind,size,equipment,{','.join(CRITERIA)}"]
    for index in range(rows):
        # Two answers, five respondents each: no group shares one answer (that would disclose it).
        # 0 and 5 are the points of an option of every criterion (cl01: 0, 5, …, 25).
        points = ",".join(["0" if index % 2 else "5"] * len(CRITERIA))
        equipment = "khong-co" if index % 2 else "thu-cong"
        lines.append(f"an-{index},Tuyên Quang,nong-nghiep,hop-tac-xa,10-29,{equipment},{points}")
    if broken:
        lines[2] = lines[2].replace("Tuyên Quang", "Tuyen Kwang")
    return "\n".join(lines) + "\n"


def test_a_small_tree_builds_its_assessment_pages_and_escapes_content(tmp_path):
    hostile_option = 'label: Không có trang web, label_en: "No website"}'
    assert hostile_option in MODEL
    model = MODEL.replace("short_name: Khách hàng", "short_name: '<b>KH</b>'").replace(
        hostile_option, "label: '<img src=x onerror=alert(1)>', label_en: '<img src=y onerror=alert(2)>'}"
    )
    content = write_tree(
        tmp_path,
        minimal_tree(
            **{
                "assessments/models/dbi-2021.yaml": model,
                "assessments/thu/survey.yaml": SURVEY,
                "assessments/thu/responses.csv": _csv(10),
            }
        ),
    )
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stderr
    html = (out / "danh-gia/thu/index.html").read_text(encoding="utf-8")
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>KH</b>" not in html and "&lt;b&gt;KH&lt;/b&gt;" in html
    method = (out / "danh-gia/phuong-phap/dbi-2021/index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in method and "&lt;img src=x onerror=alert(1)&gt;" in method
    english = (out / "en/assessment/methodology/dbi-2021/index.html").read_text(encoding="utf-8")
    assert "<img src=y" not in english and "&lt;img src=y onerror=alert(2)&gt;" in english
    assert "<script" not in own_scripts(html)
    assert (out / "danh-gia/thu/du-lieu.csv").is_file()
    # one province with 10 respondents in two answers: its level and equipment counts are all published
    tinh = (out / "danh-gia/thu/theo-tinh/index.html").read_text(encoding="utf-8")
    assert "Tuyên Quang" in tinh and 'class="sup"' not in tinh


def test_a_broken_survey_stops_the_build_with_file_row_column(tmp_path):
    content = write_tree(
        tmp_path,
        minimal_tree(
            **{
                "assessments/models/dbi-2021.yaml": MODEL,
                "assessments/thu/survey.yaml": SURVEY,
                "assessments/thu/responses.csv": _csv(10, broken=True),
            }
        ),
    )
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 1
    assert (
        "content/assessments/thu/responses.csv:3:2: lỗi: province: không có tỉnh/thành phố “Tuyen Kwang”"
        in (result.stderr)
    )
    assert not out.exists() or not any(out.rglob("*"))


def test_the_overview_exists_without_any_survey(tree):
    content = tree(minimal_tree())
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    import datetime as dt

    pages = {p.url: p for p in build_pages(prepared.catalogue, dt.date(2026, 11, 27))}
    assert pages["danh-gia/"].context["surveys"] == []
    assert not [url for url in pages if url.startswith("danh-gia/") and url != "danh-gia/"]


# --- the English edition (issue 16) ---------------------------------------------------------------

ENGLISH = "en/assessment"
VI_TO_EN = {
    "danh-gia/index.html": f"{ENGLISH}/index.html",
    "danh-gia/so-sanh/index.html": f"{ENGLISH}/comparison/index.html",
    "danh-gia/phuong-phap/dbi-2021/index.html": f"{ENGLISH}/methodology/dbi-2021/index.html",
    f"danh-gia/{BASELINE}/index.html": f"{ENGLISH}/{BASELINE}/index.html",
    f"danh-gia/{SAMPLE}/index.html": f"{ENGLISH}/{SAMPLE}/index.html",
    **{
        f"danh-gia/{SAMPLE}/{vi}/index.html": f"{ENGLISH}/{SAMPLE}/{en}/index.html"
        for vi, en in (
            ("theo-tinh", "by-province"),
            ("theo-vung", "by-region"),
            ("theo-linh-vuc", "by-sector"),
            ("theo-loai-hinh", "by-kind"),
            ("theo-quy-mo", "by-size"),
        )
    },
}


def without_vietnamese_data(html: str) -> str:
    """The page without its elements marked lang="vi" (data that has no English text yet)."""
    return re.sub(r'<(\w+)[^>]* lang="vi"[^>]*>.*?</\1>', "", html, flags=re.S)


def svg_texts(html: str) -> list[str]:
    return [
        "".join(node.itertext())
        for svg in re.findall(r"<svg .*?</svg>", html, re.S)
        for node in ET.fromstring(svg).iter()
        if node.tag.rsplit("}", 1)[-1] in ("title", "desc", "text")
    ]


def test_the_english_survey_page_has_english_labels_and_number_forms(built_demo, catalogue):
    html = read(built_demo, VI_TO_EN[f"danh-gia/{SAMPLE}/index.html"])
    published = publish_all(catalogue.assessments)[SAMPLE]
    assert '<html lang="en"' in html
    for words in (
        '<h2 id="so-lieu-h">Key figures</h2>',
        "<dt>Organisations responding</dt><dd>180</dd>",
        "<dt>Median overall level</dt><dd>Level 2 – Beginning</dd>",
        f"<dt>Average total points</dt><dd>{number(published.mean_total, lang='en')}/320</dd>",
        "<caption>Organisations by overall level</caption>",
        '<th scope="col">Level</th><th scope="col">Organisations</th><th scope="col">Share</th>',
        '<h2 id="tai-ve-h">Open data</h2>',
    ):
        assert words in html, words
    assert "." in number(published.mean_total, lang="en")
    national = [k for k, v in published.values.items() if v is None and k[0] in ("level", "equipment")]
    assert html.count('<td class="sup">hidden</td>') == 2 * len(national)
    assert (
        "“hidden”: a cell is hidden so that no one can work out an organisation’s answers: counts under 5"
        in html
    )
    shown = without_vietnamese_data(html)
    for vietnamese in ("Số liệu chính", "Số đơn vị", ">ẩn<", "Tải CSV", "Mức 2 –", "Trụ cột", "Theo nhóm"):
        assert vietnamese not in shown, vietnamese


def test_the_english_charts_are_english_and_the_vietnamese_ones_unchanged(built_demo, catalogue):
    level = publish_all(catalogue.assessments)[SAMPLE].value(("level", 2))
    share = publish_all(catalogue.assessments)[SAMPLE].percent(("level", 2))
    english = svg_texts(read(built_demo, VI_TO_EN[f"danh-gia/{SAMPLE}/index.html"]))
    assert "Organisations by overall digital transformation level, 180 organisations" in english
    assert f"{level} ({number(share, lang='en')}%)" in english and "," not in number(share, lang="en")
    assert "Average level of each pillar (0–5)" in english
    assert any(text.startswith("Radar chart, one axis per pillar. ") for text in english)
    assert not [t for t in english if re.search(r"\d,\d|đơn vị|Mức \d|Biểu đồ|ẩn", t)]
    vietnamese = svg_texts(read(built_demo, f"danh-gia/{SAMPLE}/index.html"))
    assert "Số đơn vị theo mức chuyển đổi số chung, 180 đơn vị" in vietnamese
    assert f"{level} ({number(share)}%)" in vietnamese and "," in number(share)
    assert any(text.startswith("Biểu đồ mạng nhện, mỗi trục một trụ cột. ") for text in vietnamese)
    by_province = svg_texts(read(built_demo, VI_TO_EN[f"danh-gia/{SAMPLE}/theo-tinh/index.html"]))
    assert "Share of organisations by overall level, by province" in by_province
    assert "hidden: too few responses" in by_province and "ẩn: quá ít phiếu" not in by_province


def test_the_english_pages_publish_exactly_what_the_vietnamese_ones_do(built_demo):
    """Same tables, same hidden cells, same chart marks: only the words and number forms differ."""
    compared = 0
    for vi, en in VI_TO_EN.items():
        vietnamese, english = read(built_demo, vi), read(built_demo, en)
        for pattern in (
            r'<td class="sup">',
            r"<td[ >]",
            r"<tr[ >]",
            r"<svg ",
            r"<rect ",
            r"<polygon ",
            r"<circle ",
        ):
            assert len(re.findall(pattern, vietnamese)) == len(re.findall(pattern, english)), (en, pattern)
        # the bars' lengths (the legend's layout follows its words' lengths)
        bars = [
            re.findall(r'<rect x="[^"]*" y="[^"]*" width="([^"]*)" height="1[58]"', page)
            for page in (vietnamese, english)
        ]
        assert bars[0] == bars[1], en
        compared += len(bars[0])
    assert compared > 100


def test_the_english_overview_method_comparison_and_breakdowns(built_demo):
    overview = read(built_demo, f"{ENGLISH}/index.html")
    assert "<h1>Technology and digital transformation assessment</h1>" in overview
    assert "<dt>Organisations surveyed</dt><dd>200</dd>" in overview
    method = read(built_demo, f"{ENGLISH}/methodology/dbi-2021/index.html")
    for words in ("<h2>How levels are calculated</h2>", "<h2>Pillars and criteria</h2>", "Level 5 – Leading"):
        assert words in method, words
    assert "<h2>Protecting the respondents</h2>" in method and "Bảo vệ người trả lời" not in method
    comparison = read(built_demo, f"{ENGLISH}/comparison/index.html")
    assert "<h1>Comparing the surveys</h1>" in comparison and "2022: 200 organisations" in comparison
    breakdown = without_vietnamese_data(read(built_demo, f"{ENGLISH}/{SAMPLE}/by-kind/index.html"))
    assert "<h1>By type of organisation <small>" in breakdown
    assert "Cooperative group" in breakdown or "Cooperative" in breakdown
    assert '<a href="/en/assessment/khao-sat-mau-2026/by-size/">Size</a>' in breakdown
    assert "Theo " not in breakdown and "Tải CSV" not in breakdown


def test_the_cooperative_result_block_in_english(built_demo, catalogue):
    slug = sorted(
        {r.cooperative for s in catalogue.assessments.surveys for r in (s.responses or ()) if r.consent}
    )[0]
    html = read(built_demo, f"en/cooperatives/{slug}/index.html")
    assert '<h2 id="dx-h">Digital transformation assessment results</h2>' in html
    assert re.search(r"<p><strong>Level \d – [A-Z][a-z ]+</strong> · \d+/320 points · equipment: ", html)
    assert "Kết quả đánh giá" not in html and "The cooperative agreed to publish this result." in html
