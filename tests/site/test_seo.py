"""seo.py: the public address, availability and JSON-LD."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from small_site import TODAY, small_catalogue

from chophien.core.settings import Settings
from chophien.site import seo


@pytest.fixture
def catalogue(tree):
    return small_catalogue(tree)


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
def test_availability_from_status_and_season(catalogue, status, season, month, expected):
    from dataclasses import replace

    product = replace(catalogue[0].products[0], status=status, season=season)
    assert seo.availability(product, dt.date(2026, month, 1)) == expected


def test_json_ld_cannot_close_its_script_element():
    text = seo.json_ld([{"name": "</script><script>alert(1)</script> & co"}])
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & co"


def test_product_without_price_has_no_offer(catalogue):
    products = {p.slug: p for p in catalogue[0].products}
    priced = seo.product_data(products["che-shan-tuyet"], "https://x.vn", {}, TODAY)
    assert priced["offers"]["price"] == "450000" and priced["offers"]["priceCurrency"] == "VND"
    assert priced["offers"]["seller"]["name"] == "Hợp tác xã Chè Shan tuyết Nà Hang"
    assert "offers" not in seo.product_data(products["che-lien-he"], "https://x.vn", {}, TODAY)
