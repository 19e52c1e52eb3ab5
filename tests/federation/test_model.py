"""parse(): a member's danh-muc.json is untrusted input; the example parses, hostile files are refused or trimmed."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

from chophien.core.problems import ERROR, WARNING
from chophien.federation.model import MAX_PRODUCTS, Member, MemberCatalogue, parse

EXAMPLE = Path(__file__).parent / "data" / "danh-muc.example.json"
MEMBER = Member("tuyen-quang", "Chợ phiên Tuyên Quang", "https://tuyen-quang.example.vn/", "tuyen-quang")
OTHER = Member("son-la", "Chợ phiên Sơn La", "https://son-la.example.vn/", "son-la")


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(EXAMPLE.read_bytes())


def encoded(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_the_example_parses_without_problems():
    catalogue, problems = parse(EXAMPLE.read_bytes(), MEMBER)
    assert problems == []
    assert isinstance(catalogue, MemberCatalogue)
    assert [c.slug for c in catalogue.cooperatives] == ["htx-che-na-hang"]
    tea = catalogue.products[0]
    assert (tea.key, tea.price, tea.group, tea.ocop.stars) == ("tuyen-quang/TQ-CHE01", 250000, "thuc-pham", 4)
    assert tea.photo.w == 320 and catalogue.products[1].photo is None


def test_the_same_code_on_two_members_is_two_products():
    mine, _ = parse(EXAMPLE.read_bytes(), MEMBER)
    data = EXAMPLE.read_text().replace("tuyen-quang.example.vn", "son-la.example.vn")
    theirs, problems = parse(data.encode(), OTHER)
    assert problems == []
    assert mine.products[0].code == theirs.products[0].code
    assert mine.products[0].key != theirs.products[0].key


def error_of(data: bytes) -> str:
    catalogue, problems = parse(data, MEMBER)
    assert catalogue is None
    assert [p.severity for p in problems] == [ERROR]
    assert problems[0].message_vi  # every problem is told in Vietnamese
    return problems[0].message_en


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested deeper"),
        (b'{"a": ' * 50 + b"1" + b"}" * 50, "nested deeper"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"format": "chophien-catalogue", "version": 1, "site": {"name": "\xc3\x28"}}', "not UTF-8"),
        (b'{"format": "chophien-catalogue", "version": NaN}', "NaN is not a JSON number"),
        (b'{"format": "chophien-catalogue", "version": Infinity}', "Infinity is not a JSON number"),
        (b'{"format": "chophien-catalogue", "format": "x"}', "appears twice"),
        (b'{"version": 1' + b"0" * 5000 + b"}", "too many digits"),
        (b"", "not valid JSON"),
        (b"<html>Bad gateway</html>", "not valid JSON"),
        (b'"just a string"', "must be an object"),
        (b'{"format": "chophien-catalogue", "version": 2}', "version 1"),
        (gzip.compress(b"{}"), "not UTF-8"),
    ],
)
def test_unusable_files_are_refused_with_one_error(data, expected):
    assert expected in error_of(data)


def test_a_body_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr("chophien.federation.model.MAX_BYTES", 1_000)
    assert "at most 1,000" in error_of(b" " * 1_001)


def test_a_bom_is_tolerated():
    catalogue, problems = parse(b"\xef\xbb\xbf" + EXAMPLE.read_bytes(), MEMBER)
    assert catalogue is not None and problems == []


def with_site(example, **site):
    data = copy.deepcopy(example)
    data["site"].update(site)
    return encoded(data)


@pytest.mark.parametrize(
    "site, expected",
    [
        ({"url": "javascript:alert(1)//"}, "site.url"),
        ({"url": "https://evil.example/"}, "site.url"),
        ({"name": 12}, "site.name"),
        ({"name": "x" * 201}, "site.name"),
        ({"generated": "27/11/2026"}, "site.generated"),
        ({"search": "https://tuyen-quang.example.vn.evil.example/pagefind/"}, "site.search"),
    ],
)
def test_a_broken_site_block_refuses_the_catalogue(example, site, expected):
    catalogue, problems = parse(with_site(example, **site), MEMBER)
    assert catalogue is None and [p.field for p in problems] == [expected]


def with_product(example, **fields):
    data = copy.deepcopy(example)
    data["products"][0].update(fields)
    return encoded(data)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"url": "javascript:alert(1)"}, "products[0].url"),
        ({"url": "https://other.example.vn/san-pham/a/b/"}, "products[0].url"),
        ({"url": "https://user:pw@tuyen-quang.example.vn/"}, "products[0].url"),
        ({"url": 'https://tuyen-quang.example.vn/"><script>'}, "products[0].url"),
        ({"price": -1}, "products[0].price"),
        ({"price": 10**12}, "products[0].price"),
        ({"price": 1.5}, "products[0].price"),
        ({"price": True}, "products[0].price"),
        ({"price": "250000"}, "products[0].price"),
        ({"name": ["a"]}, "products[0].name"),
        ({"name": "Chè\u202eabc"}, "products[0].name"),
        ({"name": "Chè\x00"}, "products[0].name"),
        ({"name": "x" * 201}, "products[0].name"),
        ({"category": "vu-khi"}, "products[0].category"),
        ({"province": "sai-gon"}, "products[0].province"),
        ({"cooperative": "htx-khac"}, "products[0].cooperative"),
        ({"code": "a b"}, "products[0].code"),
        ({"status": "<b>"}, "products[0].status"),
        ({"updated": "hôm qua"}, "products[0].updated"),
    ],
)
def test_a_bad_product_is_dropped_with_a_warning(example, fields, field):
    catalogue, problems = parse(with_product(example, **fields), MEMBER)
    assert [p.code for p in catalogue.products] == ["TQ-MIEN01"]
    assert [(p.field, p.severity) for p in problems] == [(field, WARNING)]
    assert "bỏ qua" in problems[0].message_vi


def test_html_stays_plain_text(example):
    name = "</script><script>alert(1)</script> Chè"
    catalogue, problems = parse(
        with_product(example, name=name, summary="<img src=x onerror=alert(1)>"), MEMBER
    )
    assert problems == [] and catalogue.products[0].name == name  # kept as text: templates escape it


@pytest.mark.parametrize(
    "fields, field",
    [
        (
            {
                "photo": {
                    "jpg": "https://cdn.evil.example/a.jpg",
                    "webp": None,
                    "avif": None,
                    "w": 1,
                    "h": 1,
                    "alt": "",
                }
            },
            "products[0].photo.jpg",
        ),
        (
            {
                "photo": {
                    "jpg": "data:image/png;base64,AAAA",
                    "webp": None,
                    "avif": None,
                    "w": 1,
                    "h": 1,
                    "alt": "",
                }
            },
            "products[0].photo.jpg",
        ),
        ({"photo": "https://tuyen-quang.example.vn/a.jpg"}, "products[0].photo"),
        ({"ocop": {"stars": 7, "year": 2024, "expires": None}}, "products[0].ocop.stars"),
        ({"certifications": ["vietgap", "sach-100"]}, "products[0].certifications[1]"),
    ],
)
def test_a_bad_part_is_left_out_and_the_product_kept(example, fields, field):
    catalogue, problems = parse(with_product(example, **fields), MEMBER)
    assert len(catalogue.products) == 2
    assert [(p.field, p.severity) for p in problems] == [(field, WARNING)]


def test_photos_may_come_from_the_declared_media_origin_only(example):
    photo = dict(example["products"][0]["photo"], jpg="https://cdn.example.vn/m/a-320.jpg")
    data = with_product(example, photo=photo)
    assert parse(data, MEMBER)[0].products[0].photo is None
    with_media = Member(**{**MEMBER.__dict__, "media": "https://cdn.example.vn"})
    assert parse(data, with_media)[0].products[0].photo.jpg == "https://cdn.example.vn/m/a-320.jpg"


def test_duplicates_within_a_member_keep_the_first(example):
    data = copy.deepcopy(example)
    data["products"].append(dict(data["products"][0], slug="che-2", name="Bản sao"))
    data["cooperatives"].append(dict(data["cooperatives"][0], name="Bản sao"))
    catalogue, problems = parse(encoded(data), MEMBER)
    assert [p.name for p in catalogue.products if p.code == "TQ-CHE01"] == ["Chè Shan tuyết cổ thụ Nà Hang"]
    assert len(catalogue.cooperatives) == 1
    assert sorted(p.field for p in problems) == ["cooperatives[1].slug", "products[2].code"]


def test_too_many_products_refuse_the_catalogue(example):
    data = copy.deepcopy(example)
    data["products"] = [0] * (MAX_PRODUCTS + 1)
    catalogue, problems = parse(encoded(data), MEMBER)
    assert catalogue is None and "at most 100000" in problems[0].message_en


def test_warnings_are_capped_for_a_file_full_of_bad_entries(example):
    data = copy.deepcopy(example)
    data["products"] = [{"slug": 1}] * 5_000
    catalogue, problems = parse(encoded(data), MEMBER)
    assert catalogue.products == ()
    assert len(problems) == 51 and "4950 more" in problems[-1].message_en


def test_brackets_inside_text_are_not_nesting(example):
    name = '[[[[[[[[{{{{{{{{ \\"[[[[[[[['
    catalogue, problems = parse(with_product(example, name=json.loads(f'"{name}"')), MEMBER)
    assert problems == [] and catalogue.products[0].name.startswith("[[[[")
    assert "not valid JSON" in error_of(b"[[[")  # unbalanced: the JSON parser's to refuse


def test_a_member_under_a_path_keeps_to_its_path(example):
    """Two members on one host (owner.github.io/tinh-a/, …/tinh-b/): neither may point into the other."""
    shared = Member("tinh-a", "Tỉnh A", "https://owner.example.io/tinh-a/", "tuyen-quang")
    text = EXAMPLE.read_text().replace("https://tuyen-quang.example.vn/", shared.url)
    data = json.loads(text)
    data["products"][0]["url"] = "https://owner.example.io/tinh-b/san-pham/x/y/"
    data["products"][1]["url"] = "https://owner.example.io/tinh-a/../tinh-b/san-pham/x/y/"
    data["cooperatives"].append(
        dict(
            data["cooperatives"][0],
            slug="htx-b",
            url="https://owner.example.io/tinh-a/%2e%2e/tinh-b/hop-tac-xa/x/",
        )
    )
    catalogue, problems = parse(encoded(data), shared)
    assert catalogue.products == () and [c.slug for c in catalogue.cooperatives] == ["htx-che-na-hang"]
    messages = {p.field: p.message_en for p in problems}
    assert "/tinh-b/san-pham/x/y/” is not on the member's own site" in messages["products[0].url"]
    assert "a /./ or /../ segment" in messages["products[1].url"]
    assert "a /./ or /../ segment" in messages["cooperatives[1].url"]
    assert parse(text.encode(), shared)[1] == []
