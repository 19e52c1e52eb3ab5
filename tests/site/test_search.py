"""search.py: what a page gives the Pagefind index, and when the index is rebuilt."""

from __future__ import annotations

import pytest
from factories import make_catalogue, make_ocop, make_product

from chophien.site.search import distinctive_name, index_terms, inputs_digest, product_record


@pytest.mark.parametrize(
    ("name", "parts", "expected"),
    [
        ("Gạo tám Điện Biên", [], ("gao tam đien dien bien", "")),
        (
            "Mật ong",
            ["Đặc sản vùng cao, đặc sản Đồng Văn"],
            ("mat ong", "đac dac san vung cao đong dong van"),
        ),
        ("Chè", ["Chè của người Dao và Tày, có cỏ ngọt"], ("che", "nguoi dao tay co ngot")),
        ("Ư Ơ Ă Â", ["ĐỒ UỐNG"], ("u o a", "đo do uong")),
    ],
)
def test_index_terms_are_distinct_folded_and_without_function_words(name, parts, expected):
    assert index_terms(name, parts) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hợp tác xã Chè Shan tuyết Nà Hang", "Chè Shan tuyết Nà Hang"),
        ("Tổ hợp tác Nuôi ong Sà Phìn", "Nuôi ong Sà Phìn"),
        ("Công ty TNHH Nông sản Nậm Rốm", "Nông sản Nậm Rốm"),
        ("HTX Hồi Văn Quan", "Hồi Văn Quan"),
        ("Hợp tác xã", "Hợp tác xã"),
    ],
)
def test_products_index_the_producer_without_its_legal_form(name, expected):
    assert distinctive_name(name) == expected


@pytest.fixture
def catalogue():
    """The tea with tags and an OCOP rating, and a product sold at a price given on request."""
    tea = make_product(tags=("đặc sản",), ocop=make_ocop(4, 2024))
    return make_catalogue(tea, make_product(slug="che-lien-he", price=None))


def test_search_record_holds_names_taxonomy_and_summary_only(catalogue):
    product = next(p for p in catalogue.products if p.slug == "che-shan-tuyet")
    record = product_record(product, {}, "/repo")
    assert record.name == "Chè Shan tuyết cổ thụ"
    assert record.name_terms == "che shan tuyet co thu"
    terms = record.terms.split()
    for expected in ("tuyen", "quang", "tay", "dao", "na", "hang", "ocop", "4", "sao", "đac", "dac"):
        assert expected in terms, expected
    assert "hop" not in terms  # "Hợp tác xã" stays on the cooperative's own page
    assert {"bup", "hai", "cay"} <= set(terms)  # the summary, "Búp chè hái từ cây cổ thụ."
    assert "che" not in terms and "tu" not in terms  # in the name; a function word
    assert ("ocop", "4 sao") in record.filters and ("tinh", "Tuyên Quang") in record.filters
    assert dict(record.meta)["price"] == "450.000\u00a0₫ / hộp 200 g"
    assert dict(record.meta)["coop"] == "HTX Chè Nà Hang"


def test_search_index_digest_follows_the_indexed_pages():
    one = inputs_digest({"san-pham/a/b/index.html": "x"})
    assert one == inputs_digest({"san-pham/a/b/index.html": "x"})
    assert one != inputs_digest({"san-pham/a/b/index.html": "y"})
