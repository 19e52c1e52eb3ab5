"""seo.py: the public address, availability and JSON-LD."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from factories import make_catalogue, make_ocop, make_product
from small_site import TODAY

from chophien.core.settings import Settings
from chophien.site import seo


@pytest.fixture
def catalogue():
    """The tea with tags and an OCOP rating, and a product sold at a price given on request."""
    tea = make_product(tags=("đặc sản",), ocop=make_ocop(4, 2024))
    return make_catalogue(tea, make_product(slug="che-lien-he", price=None))


@pytest.mark.parametrize(
    ("settings", "environ", "expected"),
    [
        (
            {"SITEURL": "https://chophien.vn/"},
            {"CHOPHIEN_SITEURL": "https://other.vn"},
            "https://chophien.vn",
        ),
        ({"SITEURL": ""}, {"CHOPHIEN_SITEURL": "https://o.github.io/cho/"}, "https://o.github.io/cho"),
        (
            {"SITEURL": "", "CHOPHIEN_SITEURL": "https://a.vn"},
            {"CHOPHIEN_SITEURL": "https://b.vn"},
            "https://a.vn",
        ),
        (
            {"SITEURL": "", "CHOPHIEN_SITE_URL": "https://a.vn"},
            {"CHOPHIEN_SITEURL": "https://b.vn"},
            "https://a.vn",
        ),
        ({"SITEURL": ""}, {}, "http://127.0.0.1:8000"),
        ({"SITEURL": "/cho"}, {}, "http://127.0.0.1:8000/cho"),
    ],
)
def test_public_base(settings, environ, expected):
    assert seo.public_base(Settings.from_pelican(settings, environ)) == expected


@pytest.mark.parametrize(
    ("status", "season", "month", "expected"),
    [
        ("con-hang", (), 5, "in_stock"),
        ("het-hang", (), 5, "out_of_stock"),
        ("dat-truoc", (), 5, "preorder"),
        ("theo-mua", (9, 10, 11), 10, "in_stock"),
        ("theo-mua", (9, 10, 11), 5, "out_of_stock"),
        ("theo-mua", (), 5, "in_stock"),
    ],
)
def test_availability_from_status_and_season(status, season, month, expected):
    product = make_product(status=status, season=season)
    assert seo.availability(product, dt.date(2026, month, 1)) == expected


def test_json_ld_cannot_close_its_script_element():
    text = seo.json_ld([{"name": "</script><script>alert(1)</script> & co"}])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & co"


def test_product_without_price_has_no_offer(catalogue):
    products = {p.slug: p for p in catalogue.products}
    priced = seo.product_data(products["che-shan-tuyet"], "https://x.vn", {}, TODAY)
    assert priced["offers"]["price"] == "450000" and priced["offers"]["priceCurrency"] == "VND"
    assert priced["offers"]["seller"]["name"] == "Hợp tác xã Chè Shan tuyết Nà Hang"
    assert "offers" not in seo.product_data(products["che-lien-he"], "https://x.vn", {}, TODAY)


def test_product_data_names_code_category_brand_award_and_availability():
    product = make_product(ocop=make_ocop(4, 2024), status="theo-mua", season=(9, 10, 11))
    data = seo.product_data(product, "https://x.vn", {}, TODAY)
    assert data["@id"] == "https://x.vn/san-pham/htx-che-na-hang/che-shan-tuyet/#product"
    assert (data["sku"], data["brand"]["name"]) == ("08-9388SH", "HTX Chè Nà Hang")
    assert data["category"] == "Thực phẩm > Chè tươi, chế biến"
    assert data["award"] == "OCOP 4 sao (2024)" and data["description"] == "Búp chè hái từ cây cổ thụ."
    assert data["offers"]["availability"] == "https://schema.org/InStock"  # November: in season
    assert "image" not in data  # no processed photo given
    plain = seo.product_data(make_product(body_html="", summary=""), "https://x.vn", {}, TODAY)
    assert "award" not in plain and "description" not in plain
