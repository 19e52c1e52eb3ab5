"""The sample site's danh-muc.json: valid against docs/schemas/danh-muc.v1.json, parsed back without a problem, and true to the build."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT

from chophien.catalogue.model import KINDS, STATUSES
from chophien.federation.model import Member, parse

pytestmark = pytest.mark.build

SCHEMA = ROOT / "docs" / "schemas" / "danh-muc.v1.json"
DEV_BASE = "http://127.0.0.1:8000/"  # the public address of a development build (seo.public_base)


@pytest.fixture(scope="module")
def schema() -> dict:
    data = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(data)
    return data


def test_the_schema_names_the_same_kinds_and_statuses_as_the_catalogue(schema):
    definitions = schema["$defs"]
    assert definitions["cooperative"]["properties"]["kind"]["enum"] == list(KINDS)
    assert definitions["product"]["properties"]["status"]["enum"] == list(STATUSES)


def test_the_example_and_a_hostile_file_against_the_schema(schema):
    validator = jsonschema.Draft202012Validator(schema)
    example = json.loads((Path(__file__).parent / "data" / "danh-muc.example.json").read_bytes())
    assert list(validator.iter_errors(example)) == []
    example["products"][0]["url"] = "javascript:alert(1)"
    example["products"][1]["price"] = -1
    assert len(list(validator.iter_errors(example))) == 2


def test_the_sample_build_publishes_a_valid_catalogue_of_every_product(built_demo, schema):
    raw = (built_demo / "danh-muc.json").read_bytes()
    data = json.loads(raw)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft202012Validator(schema).iter_errors(data)
    ]
    assert errors == []
    catalogue, problems = parse(raw, Member("mau", "Mẫu", DEV_BASE, "tuyen-quang"))
    assert problems == []
    # every product and cooperative page of the build, and nothing else
    pages = {
        p.parent.relative_to(built_demo).as_posix()
        for p in (built_demo / "san-pham").glob("*/*/index.html")
        if p.parent.parent.name != "page"  # the listing's own pages: san-pham/page/2/
    }
    assert {p.url.removeprefix(DEV_BASE).rstrip("/") for p in catalogue.products} == pages
    coops = {p.parent.name for p in (built_demo / "hop-tac-xa").glob("*/index.html")}
    assert {c.slug for c in catalogue.cooperatives} == coops
    # every photo is a file of the build; most products have one
    photos = [p.photo for p in catalogue.products if p.photo]
    assert len(photos) > len(catalogue.products) // 2
    for photo in photos:
        for url in (photo.jpg, photo.webp, photo.avif):
            assert url is None or (built_demo / url.removeprefix(DEV_BASE)).is_file(), url
    assert catalogue.generated.isoformat() == data["site"]["generated"]
