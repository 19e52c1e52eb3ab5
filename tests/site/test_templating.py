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


def _processed(jpeg_widths):
    from chophien.photos.model import Derivative, ProcessedImage

    derivatives = tuple(
        Derivative(w, w * 3 // 4, fmt, f"che-abc-{w}.{fmt}")
        for w in (240, 480, 960)
        for fmt in ("avif", "webp", "jpg")
        if fmt != "jpg" or w in jpeg_widths
    )
    return ProcessedImage("che.jpg", 960, 720, "#808080", derivatives)


def test_picture_has_avif_and_webp_at_every_width_and_the_one_jpeg_as_src():
    html = str(picture_markup(_processed([480]), "Búp chè", "", "100vw", False, "thumb"))
    assert (
        '<source type="image/avif" srcset="/media/che-abc-240.avif 240w, /media/che-abc-480.avif 480w, '
        in html
    )
    assert (
        'srcset="/media/che-abc-240.webp 240w, /media/che-abc-480.webp 480w, /media/che-abc-960.webp 960w"'
        in html
    )
    img = html[html.index("<img ") :]
    assert 'src="/media/che-abc-480.jpg" width="480" height="360"' in img and "srcset" not in img
    assert html.count(".jpg") == 1


def test_picture_keeps_a_jpeg_srcset_when_several_jpegs_exist():
    html = str(picture_markup(_processed([240, 480, 960]), "Búp chè", "", "100vw", True, "hero"))
    img = html[html.index("<img ") :]
    assert (
        'srcset="/media/che-abc-240.jpg 240w, /media/che-abc-480.jpg 480w, /media/che-abc-960.jpg 960w"'
        in img
    )
    assert 'sizes="100vw"' in img and 'fetchpriority="high"' in img
