"""The enumerator mode's server side: its data (lists in the codes' order), the template, the pinned QR library."""

from __future__ import annotations

import hashlib
import json
import re

import jinja2
import pytest
from conftest import ROOT

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.model import SECTORS
from chophien.assessment.response_code import Codebook
from chophien.assessment.schema import BASE_COLUMNS
from chophien.assessment.scoring_models import load_model
from chophien.core.problems import ProblemList
from chophien.site import templating
from chophien.site.enumerator import QRCODE_SHA384, QRCODE_VERSION, enumerator_data, exportable
from chophien.site.templating import GLOBALS

QR_JS = ROOT / "theme/static/js/qrcode-generator.js"


@pytest.fixture(scope="module")
def model():
    problems = ProblemList()
    model = load_model(
        AssessmentFiles(ROOT / "content", problems), ROOT / "content/assessments/models/dbi-2021.yaml"
    )
    assert model is not None
    return model


class FakeSurvey:
    def __init__(self, model, slug="khao-sat", responses=(), own_results=True):
        self.model, self.slug, self.responses, self.own_results = model, slug, responses, own_results
        self.title, self.consent_statement, self.sample_data = "Khảo sát </script><b>", "Đồng ý", True


def test_the_vendored_qr_library_is_the_pinned_npm_file():
    data = QR_JS.read_bytes()
    assert hashlib.sha384(data).hexdigest() == QRCODE_SHA384
    assert b"Licensed under the MIT license" in data and b"Copyright (c) 2009 Kazuhiko Arase" in data
    assert re.fullmatch(r"\d+\.\d+\.\d+", QRCODE_VERSION)
    assert b"eval(" not in data and b"new Function" not in data  # the strict CSP forbids both


def test_the_data_lists_are_in_the_codes_order_and_every_exported_cell_is_safe(model):
    cooperatives = [
        {"slug": "htx-b", "name": "HTX Bản B", "province": "Lào Cai", "kind": "hop-tac-xa"},
        {"slug": "htx-a", "name": "HTX An", "province": "Điện Biên", "kind": "to-hop-tac"},
        {"slug": "htx-c", "name": "HTX Cao", "province": "cao-bang", "kind": "to-hop-tac"},
    ]
    data = enumerator_data(model, [FakeSurvey(model), FakeSurvey(model, "cu", responses=None)], cooperatives)
    book = Codebook.of(model)
    assert data["codebook"] == book.as_json()
    assert [p[0] for p in data["provinces"]] == list(book.provinces)
    assert [s[0] for s in data["sectors"]] == list(book.sectors) and set(book.sectors) == set(SECTORS)
    assert [e[0] for e in data["equipment"]] == list(book.equipment)
    assert [s["slug"] for s in data["surveys"]] == [
        "khao-sat"
    ]  # a survey of published figures takes no responses
    assert data["cooperatives"] == [
        ["htx-a", "HTX An", "dien-bien", "to-hop-tac"],
        ["htx-b", "HTX Bản B", "lao-cai", "hop-tac-xa"],
        ["htx-c", "HTX Cao", "cao-bang", "to-hop-tac"],
    ]
    # every value an export can write comes from these lists: none can start a formula
    cells = list(BASE_COLUMNS) + [
        v
        for key in ("provinces", "sectors", "kinds", "sizes", "equipment")
        for item in data[key]
        for v in item
    ]
    cells += [str(p) for _, points in book.criteria for p in points] + ["yes", "no"]
    assert all(exportable(c) for c in cells)
    assert (
        not exportable("=HYPERLINK(1)")
        and not exportable("-1")
        and not exportable("@x")
        and not exportable("+1")
    )


def test_the_template_hides_the_mode_until_its_script_runs_and_keeps_the_data_inert(model):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "theme/templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.globals.update(GLOBALS, SITEURL="")
    templating.install_gettext(env)
    html = env.get_template("_enumerator.html").render(
        model=model, surveys=[FakeSurvey(model)], cooperatives=[]
    )
    assert re.search(r'<section id="khao-sat-nhieu-don-vi"[^>]* hidden', html)
    assert "<noscript>" in html and "cần JavaScript" in html
    block = re.search(r'<script type="application/json" id="enum-data">(.*?)</script>', html, re.S).group(1)
    assert "</script>" not in block and json.loads(block)["surveys"][0]["title"].startswith(
        "Khảo sát </script>"
    )
    assert "Tải tệp CSV" in html and re.search(r'<div id="enum-body" hidden>', html)
    # the including page loads enumerator-loader.js; the mode's own code is loaded only when opened
    assert re.findall(r"<script([^>]*)>", html) == [' type="application/json" id="enum-data"']
    assert not re.search(r"<[^>]+\s(style|on[a-z]+)=", html)  # no inline style or handler
    english = templating.english_env(env)
    templating.install_language(english, "en")
    in_english = english.get_template("_enumerator.html").render(
        model=model, surveys=[FakeSurvey(model)], cooperatives=[]
    )
    assert '<h2 id="enum-title">Surveying several organisations</h2>' in in_english
    assert "Download the CSV file" in in_english and "Tải tệp CSV" not in in_english
    assert "Tải tệp CSV" in env.get_template("_enumerator.html").render(
        model=model, surveys=[FakeSurvey(model)], cooperatives=[]
    )  # the Vietnamese environment stays Vietnamese once the English one has its catalogue
    # no survey taking responses with this model: no mode at all
    assert "khao-sat-nhieu-don-vi" not in env.get_template("_enumerator.html").render(
        model=model, surveys=[], cooperatives=[]
    )


def test_the_export_header_in_the_script_is_the_reader_s():
    script = (ROOT / "theme/static/js/enumerator.js").read_text(encoding="utf-8")
    base = re.search(r"var BASE = \[([^\]]*)\];", script)[1]
    assert json.loads(f"[{base}]") == list(BASE_COLUMNS)


def test_the_english_page_gets_english_names_and_the_same_codes(model):
    """On /en/assessment/self-assessment/ the lists show English names; codes, order and the codebook
    (what is exported) are those of the Vietnamese page."""
    cooperatives = [{"slug": "htx-a", "name": "HTX An", "province": "Điện Biên", "kind": "to-hop-tac"}]
    survey = FakeSurvey(model)
    survey.title_en = "Survey in English"
    vietnamese = enumerator_data(model, [survey], cooperatives)
    english = enumerator_data(model, [survey], cooperatives, "en")
    for key in ("codebook", "cooperatives", "version"):
        assert english[key] == vietnamese[key], key
    for key in ("provinces", "sectors", "kinds", "sizes", "equipment"):
        assert [row[0] for row in english[key]] == [row[0] for row in vietnamese[key]], key
    assert dict(english["sectors"])["nong-nghiep"] == SECTORS["nong-nghiep"][1] == "Crops and livestock"
    assert dict(vietnamese["sectors"])["nong-nghiep"] == SECTORS["nong-nghiep"][0]
    assert dict(english["kinds"])["to-hop-tac"] == "Cooperative group"
    assert dict(english["equipment"]) == {e.key: e.name_en or e.name for e in model.equipment}
    assert english["surveys"][0]["title"] == "Survey in English"
    assert vietnamese["surveys"][0]["title"] == "Khảo sát </script><b>"
