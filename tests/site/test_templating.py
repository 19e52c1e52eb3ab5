"""The theme's filters (Vietnamese formats) and the photo markup, on products from tests/factories.py."""

import datetime as dt

import pytest
from conftest import theme_environment
from factories import make_cooperative, make_product

from chophien.site.templating import date_vi, months_vi, picture_markup

NBSP = "\u00a0"


def render(source: str, **context) -> str:
    return theme_environment().from_string(source).render(**context)


def test_price_and_phone_as_a_buyer_reads_them():
    line = "{{ p.price|money }} / {{ p.unit }} · {{ p.contact.phone|phone }}"
    assert render(line, p=make_product()) == f"450.000{NBSP}₫ / hộp 200 g · 0912 345 678"
    assert render("{{ p.price|money }}", p=make_product(price=None)) == "Liên hệ"
    assert render("{{ p.price|money }}", p=make_product(price=1_250_000)) == f"1.250.000{NBSP}₫"
    assert render("{{ 12000|number }}") == "12.000"


def test_labels_of_kinds_and_statuses():
    coop = make_cooperative(kind="to-hop-tac")
    product = make_product(cooperative=coop, status="theo-mua")
    text = render("{{ p.cooperative.kind|kind_label }}; {{ p.status|status_label }}", p=product)
    assert text == "Tổ hợp tác; Theo mùa"


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        ((), ""),
        ((9,), "tháng 9"),
        ((9, 10), "tháng 9, 10"),  # two months are listed, not a range
        ((9, 10, 11, 12), "tháng 9–12"),
        ((1, 5, 6), "tháng 1, 5, 6"),
        ((11, 12, 1), "tháng 11, 12, 1"),  # not consecutive numbers: listed as written
    ],
)
def test_season_months(months, expected):
    assert months_vi(months) == expected
    assert render("{{ p.season|months_vi }}", p=make_product(season=months)) == expected


def test_dates_day_first_and_missing_dates_empty():
    assert date_vi(dt.date(2025, 7, 1)) == "01/07/2025"
    assert date_vi(None) == ""


def test_text_from_content_is_escaped():
    product = make_product(name="Chè <script>alert(1)</script> & mật")
    assert render("{{ p.name }}", p=product) == "Chè &lt;script&gt;alert(1)&lt;/script&gt; &amp; mật"


def test_a_product_without_a_processed_photo_shows_a_labelled_placeholder():
    markup = picture_markup(None, "Búp chè", "", "100vw", False, 'thumb" onclick="x')
    assert str(markup) == (
        '<span class="thumb&#34; onclick=&#34;x nophoto" role="img" aria-label="Chưa có ảnh">Chưa có ảnh</span>'
    )
