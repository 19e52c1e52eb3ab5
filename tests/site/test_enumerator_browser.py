"""The enumerator mode in Chromium: two responses kept across a reopened page, the CSV/JSON export, the response code and its QR, `assessment add` of the export, then a build.

The mode is tested on the self-assessment page when the build has one (theme/templates/
self_assessment.html includes _enumerator.html); otherwise on a harness page rendered from
_enumerator.html with the build's own data and scripts, and a small stand-in questionnaire
implementing the page's contract (window.ChophienSelf; radios name=<criterion> value=<points>).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path

import playwright.sync_api  # noqa: F401
import pytest
from conftest import ROOT, needs_chromium, run_pelican
from PIL import Image
from qrdecode import decode as read_qr

from chophien.assessment.response_code import Codebook
from chophien.assessment.response_code import decode as decode_code
from chophien.cli import main as chophien
from chophien.site.build import prepare
from chophien.site.postprocess import CSP_META
from chophien.site.templating import GLOBALS

sys.path.insert(0, str(ROOT / "scripts"))
import search_bytes  # noqa: E402

pytestmark = [
    pytest.mark.build,
    needs_chromium,
]

# the bundled survey with responses (the sample survey, whatever its name)
SURVEY = sorted(p.parent.name for p in (ROOT / "content/assessments").glob("*/responses.csv"))[0]
REAL_PAGE = "danh-gia/tu-danh-gia"

STAND_IN = """
(function () {
  var form = document.getElementById("tu-danh-gia"), key = "stand-in", listeners = [];
  function get() { var a = {}; form.querySelectorAll("input:checked").forEach(function (i) { a[i.name] = Number(i.value); }); return a; }
  function set(a) { form.querySelectorAll("input").forEach(function (i) { i.checked = a[i.name] === Number(i.value); }); }
  form.addEventListener("change", function () {
    try { localStorage.setItem(key, JSON.stringify(get())); } catch (e) {}
    listeners.forEach(function (f) { f(get()); });
  });
  window.ChophienSelf = {
    getAnswers: get, setAnswers: set, reset: function () { set({}); },
    onChange: function (f) { listeners.push(f); }, onComplete: function () {},
    useStore: function (k) { key = k || "stand-in"; try { set(JSON.parse(localStorage.getItem(key) || "{}")); } catch (e) { set({}); } }
  };
})();
"""


def _model_and_data(content: Path, cache: Path, slug: str = SURVEY):
    prepared = prepare(content, cache, with_images=False)
    assert prepared.ok, [p.render() for p in prepared.problems.sorted()]
    surveys = prepared.catalogue.assessments.surveys
    survey = next(s for s in surveys if s.slug == slug)
    return survey, surveys, list(prepared.catalogue.cooperatives.values())


def _harness(output: Path, folder: Path, survey, surveys, cooperatives) -> None:
    """A page with _enumerator.html, the build's fingerprinted scripts and the stand-in questionnaire."""
    import jinja2

    def asset(relative: str) -> str:
        stem, suffix = relative.rsplit(".", 1)
        found = sorted((output / "theme").glob(f"{stem}.*.{suffix}")) or [output / "theme" / relative]
        return "theme/" + found[0].relative_to(output / "theme").as_posix()

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "theme/templates"), autoescape=True)
    env.globals.update(GLOBALS, asset=asset, SITEURL="")
    section = env.get_template("_enumerator.html").render(
        model=survey.model, surveys=surveys, cooperatives=cooperatives
    )
    questions = "".join(
        f"<fieldset data-pillar><legend>{c.key}</legend>"
        + "".join(
            f'<label><input type="radio" name="{c.key}" value="{p}">{p}</label>' for p in c.allowed_points
        )
        + "</fieldset>"
        for c in survey.model.criteria
    )
    (folder / "thu").mkdir(parents=True)
    (folder / "thu/stand-in.js").write_text(STAND_IN, encoding="utf-8")
    (folder / "thu/index.html").write_text(
        f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP_META}"><title>thử</title></head><body>'
        f'<form id="tu-danh-gia" data-model="{survey.model.slug}">{questions}</form>{section}'
        f'<script src="/thu/stand-in.js" defer></script><script src="/{asset("js/enumerator-loader.js")}" defer></script>'
        "</body></html>",
        encoding="utf-8",
    )
    (folder / "theme").symlink_to(output / "theme")


@pytest.fixture(scope="module")
def served(built_demo, tmp_path_factory):
    root = tmp_path_factory.mktemp("enumerator")
    real = built_demo / REAL_PAGE / "index.html"
    html = real.read_text(encoding="utf-8") if real.is_file() else ""
    if "khao-sat-nhieu-don-vi" in html:  # the self-assessment page: its first survey taking responses
        data = json.loads(
            re.search(r'<script type="application/json" id="enum-data">(.*?)</script>', html, re.S)[1]
        )
        survey, surveys, cooperatives = _model_and_data(
            ROOT / "content", root / ".cache", data["surveys"][0]["slug"]
        )
        folder, path = built_demo, f"/{REAL_PAGE}/"
    else:
        survey, surveys, cooperatives = _model_and_data(ROOT / "content", root / ".cache")
        folder, path = root / "site", "/thu/"
        _harness(built_demo, folder, survey, surveys, cooperatives)
    with search_bytes.serve(folder) as (base, _):
        yield base + path, survey, cooperatives


def _answer(page, survey, pick) -> dict:
    answers = {}
    for index, criterion in enumerate(survey.model.criteria):
        points = pick(index, criterion.allowed_points)
        radio = page.locator(f'#tu-danh-gia input[name="{criterion.key}"][value="{points}"]')
        while not radio.is_visible():  # the page's stepper shows one pillar at a time
            page.click('#tu-danh-gia button[data-step="1"]')
        radio.check()
        answers[criterion.key] = points
    return answers


def _unit(
    page,
    coop="",
    name="",
    province="",
    kind="",
    sector="che-bien",
    size="10-29",
    equipment=None,
    consent=False,
):
    page.click("#enum-new")
    page.select_option("#enum-coop", coop)
    if name:
        page.fill("#enum-name", name)
    if province:
        page.select_option("#enum-province", province)
    if kind:
        page.select_option("#enum-kind", kind)
    page.select_option("#enum-sector", sector)
    page.select_option("#enum-size", size)
    page.select_option("#enum-equipment", index=equipment or 1)
    page.select_option("#enum-consent", "yes" if consent else "no")
    page.click("#enum-unit button[type=submit]")
    page.wait_for_selector("#enum-answering:not([hidden])")


def test_two_responses_are_kept_exported_coded_and_added(served, tmp_path):
    url, survey, cooperatives = served
    coop = sorted(cooperatives, key=lambda c: c.slug)[0]
    assert coop.slug in {r.respondent for r in survey.responses}
    header = (
        (ROOT / f"content/assessments/{survey.slug}/responses.csv")
        .read_text(encoding="utf-8")
        .split("\n", 1)[0]
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=search_bytes.CHROMIUM, args=search_bytes.CHROMIUM_ARGS
        )
        context = browser.new_context(viewport=search_bytes.PHONE, accept_downloads=True)
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        context.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico")
                else None
            ),
        )
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url, wait_until="networkidle")
        page.wait_for_selector("#khao-sat-nhieu-don-vi:not([hidden])")
        assert [u for u in requested if "/js/enumerator-loader." in u]
        assert not [
            u for u in requested if re.search(r"/js/(enumerator|response-code|qrcode-generator)\.", u)
        ]
        page.click("#enum-open")  # the mode's code comes only now
        page.wait_for_selector("#enum-body:not([hidden])")
        assert "Chưa có phiếu nào" in page.inner_text("#enum-list")
        real = url.endswith(f"/{REAL_PAGE}/")
        if real:  # opened once with signal: the page's service worker now keeps the mode's files
            page.wait_for_function(
                "() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
                ".then(all => ['enumerator.', 'response-code.', 'qrcode-generator.']"
                ".every(n => all.flat().some(r => r.url.includes('/js/' + n))))"
            )

        _unit(page, coop=coop.slug, consent=True)
        first = _answer(page, survey, lambda i, points: points[-1] if i % 2 else points[0])
        page.click("#enum-next")
        _unit(page, name="HTX Thử Nghiệm Bản Mới", province="lao-cai", kind="to-hop-tac", size="duoi-10")
        second = _answer(page, survey, lambda i, points: points[min(1, len(points) - 1)])
        page.click("#enum-save")
        page.close()

        context.set_offline(real)  # in the field: no signal (the self-assessment page works offline)
        page = context.new_page()  # closed and opened again: both are still there
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url)  # responses on the device: the mode opens by itself
        page.wait_for_selector("#enum-list li")
        items = page.eval_on_selector_all(
            "#enum-list li", "els => els.map(e => e.getAttribute('data-respondent'))"
        )
        assert items[0] == coop.slug and re.fullmatch(r"an-[0-9a-z]{8}", items[1]), items
        assert "2 phiếu lưu trên máy này, 2 phiếu đủ câu trả lời" in page.inner_text("#enum-list")

        with page.expect_download() as download:
            page.click("#enum-csv")
        raw = Path(download.value.path()).read_bytes()
        with page.expect_download() as download_json:
            page.click("#enum-json")
        items_json = json.loads(Path(download_json.value.path()).read_text(encoding="utf-8"))

        page.click(f'#enum-list li[data-respondent="{coop.slug}"] button[data-action="code"]')
        page.wait_for_selector("#enum-qr svg path")
        shown = page.inner_text("#enum-code-text")
        png = page.locator("#enum-qr svg").screenshot()
        context.set_offline(False)
        browser.close()
    assert not errors, errors

    # the CSV: the survey's header, UTF-8 with a BOM, no typed name, no formula cell
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]) == header
    assert len(rows) == 3 and "Thử Nghiệm" not in text
    assert not [c for row in rows for c in row if c[:1] in "=+-@"]
    assert rows[1][:8] == [
        coop.slug,
        coop.province.name,
        coop.province.region,
        "che-bien",
        coop.kind,
        "10-29",
        survey.model.equipment[0].key,
        "yes",
    ]
    assert [int(c) for c in rows[1][8:]] == list(first.values())
    assert rows[2][1:3] == ["Lào Cai", "trung-du-mien-nui-phia-bac"] and rows[2][7] == "no"
    assert [int(c) for c in rows[2][8:]] == list(second.values())
    assert [item["respondent"] for item in items_json] == [rows[1][0], rows[2][0]]

    # the code, as text and as QR, holds the same answers
    book = Codebook.of(survey.model)
    slugs = [c.slug for c in cooperatives]
    decoded = decode_code(book, shown, slugs)
    assert decoded["respondent"] == coop.slug and decoded["answers"] == first and decoded["consent"] is True
    assert read_qr(Image.open(io.BytesIO(png))) == [shown.replace("-", "")]

    # assessment add into a copy of the content, then a build shows two more respondents
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    export = tmp_path / "phieu.csv"
    export.write_bytes(raw)
    target = content / "assessments" / survey.slug
    before = (target / "responses.csv").read_bytes()
    # every catalogue cooperative already answered the sample survey: the visit is a second response
    assert chophien(["assessment", "add", str(export), "--survey", str(target)]) == 1
    assert (target / "responses.csv").read_bytes() == before
    assert chophien(["assessment", "add", str(export), "--survey", str(target), "--replace"]) == 0
    assert (target / "responses.csv").read_text(encoding="utf-8").count(",".join(rows[1])) == 1
    output = tmp_path / "output"
    result = run_pelican(content, output)
    assert result.returncode == 0, result.stdout + result.stderr
    page_html = (output / "danh-gia" / survey.slug / "index.html").read_text(encoding="utf-8")
    assert f"tổng hợp từ {survey.sample_size + 1} phiếu trả lời" in page_html


def test_corrupt_storage_is_set_aside_and_the_mode_still_starts(served):
    url, survey, _ = served
    with search_bytes.chromium() as page:
        page.goto(url)
        page.wait_for_selector("#khao-sat-nhieu-don-vi:not([hidden])")
        page.click("#enum-open")
        page.wait_for_selector("#enum-body:not([hidden])")
        page.evaluate(
            "() => localStorage.setItem('chophien-enum:v1:' + (document.getElementById("
            "'khao-sat-nhieu-don-vi').getAttribute('data-site') || location.origin) + "
            f"':{survey.slug}', '{{not json')"
        )
        page.reload()
        page.wait_for_selector("#enum-body:not([hidden])")
        assert "bị hỏng" in page.inner_text("#enum-status")
        assert "Chưa có phiếu nào" in page.inner_text("#enum-list")
        kept = page.evaluate("() => Object.keys(localStorage).filter(k => k.includes(':hong:')).length")
        assert kept == 1


def test_without_javascript_a_note_points_to_the_paper_questionnaire(served):
    url, _, _ = served
    with search_bytes.chromium(javascript=False) as page:
        page.goto(url)
        assert page.is_hidden("#khao-sat-nhieu-don-vi")
        assert "cần JavaScript" in page.inner_text("body") and "Phiếu giấy" in page.inner_text("body")


def test_a_response_can_be_corrected_and_deleted_with_confirmation(served):
    url, survey, _ = served
    with search_bytes.chromium() as page:
        page.goto(url)
        page.click("#enum-open")
        page.wait_for_selector("#enum-body:not([hidden])")
        _unit(page, name="Tổ Dệt <b>Thử</b>", province="dien-bien", kind="to-hop-tac")
        answers = _answer(page, survey, lambda i, points: points[-1])
        page.click("#enum-save")
        assert (
            page.inner_text("#enum-list li strong") == "Tổ Dệt <b>Thử</b> – Điện Biên"
        )  # text, never markup
        page.click('#enum-list button[data-action="edit"]')  # corrected: another sector, answers kept
        assert page.input_value("#enum-name") == "Tổ Dệt <b>Thử</b>"
        page.select_option("#enum-sector", "thu-cong")
        page.click("#enum-unit button[type=submit]")
        page.wait_for_selector("#enum-answering:not([hidden])")
        assert page.evaluate("() => ChophienSelf.getAnswers()") == answers
        page.click("#enum-save")
        with page.expect_download() as download:
            page.click("#enum-csv")
        rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
        assert len(rows) == 2 and rows[1].split(",")[3] == "thu-cong"
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click('#enum-list button[data-action="delete"]')
        assert page.locator("#enum-list li").count() == 1  # not confirmed: kept
        page.once("dialog", lambda dialog: dialog.accept())
        page.click('#enum-list button[data-action="delete"]')
        page.wait_for_selector("#enum-list li", state="detached")
        assert "Chưa có phiếu nào" in page.inner_text("#enum-list")
        assert not page.evaluate("() => Object.keys(localStorage).filter(k => k.includes(':phieu:'))")
