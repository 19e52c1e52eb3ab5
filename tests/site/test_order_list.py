"""The order list's data file (hop-tac-xa/<slug>/don-hang.json) and its pages, on products from tests/factories.py."""

import json

from conftest import theme_environment
from factories import make_catalogue, make_contact, make_cooperative, make_product

from chophien.catalogue.orders import contact_links
from chophien.photos.model import Derivative, ProcessedImage
from chophien.site import order_list, urls
from chophien.site.catalogue_pages import build_pages
from chophien.site.order_list import cooperative_data, estimated_page_bytes, order_list_pages

HOSTILE = "HTX \"Nà\" </script><script>alert(1)</script> & 'Co'"


def processed(stem: str, widths=(240, 480)) -> ProcessedImage:
    derivatives = tuple(
        Derivative(w, w * 3 // 4, fmt, f"{stem}-{w}.{fmt}") for w in widths for fmt in ("avif", "webp", "jpg")
    )
    return ProcessedImage(f"{stem}.jpg", 960, 720, "#808080", derivatives)


def sizes(derivative: Derivative) -> int:
    """A stand-in for the image cache: a size that tells formats and widths apart."""
    return {"avif": 1000, "webp": 2000, "jpg": 3000}[derivative.format] + derivative.width


def data_of(coop, products, images=None):
    images = images or {}
    return cooperative_data(coop, products, lambda image: images.get(image.source) if image else None, sizes)


def test_the_shape_of_version_1():
    coop = make_cooperative()
    tea = make_product(cooperative=coop)
    honey = make_product(cooperative=coop, slug="mat-ong", name="Mật ong bạc hà", price=None, images=())
    data = data_of(coop, [tea, honey], {tea.images[0].source: processed("che")})
    assert data["v"] == 1
    assert (data["slug"], data["name"], data["short_name"]) == (coop.slug, coop.name, coop.short_name)
    assert data["url"] == urls.cooperative(coop) == "hop-tac-xa/htx-che-na-hang/"
    first, second = data["products"]
    assert first == {
        "slug": "che-shan-tuyet",
        "code": tea.code,
        "name": "Chè Shan tuyết cổ thụ",
        "unit": "hộp 200 g",
        "price": 450000,
        "status": "con-hang",
        "url": "san-pham/htx-che-na-hang/che-shan-tuyet/",
        # the smallest derivative of each format, sizes of its JPEG
        "photo": {
            "avif": "media/che-240.avif",
            "webp": "media/che-240.webp",
            "jpg": "media/che-240.jpg",
            "w": 240,
            "h": 180,
        },
    }
    assert second["price"] is None  # "Liên hệ"
    assert second["photo"] is None  # no photo: the list shows its placeholder
    save = data["save"]
    assert save["pages"] == [
        "hop-tac-xa/htx-che-na-hang/",
        "san-pham/htx-che-na-hang/che-shan-tuyet/",
        "san-pham/htx-che-na-hang/mat-ong/",
    ]
    assert save["photos"] == {
        "avif": [["media/che-240.avif", 1240]],
        "webp": [["media/che-240.webp", 2240]],
        "jpg": [["media/che-240.jpg", 3240]],
    }
    assert save["page_bytes"] == estimated_page_bytes(2) > 0
    assert not any(u.startswith("/") for u in save["pages"] + [p["url"] for p in data["products"]])


def test_channels_are_the_cooperatives_from_orders_without_a_message():
    coop = make_cooperative()
    data = data_of(coop, [make_product(cooperative=coop)])
    expected = [
        {"channel": link.channel, "label": link.label, "href": link.href, "detail": link.detail}
        for link in contact_links(coop.contact)
    ]
    assert data["channels"] == expected
    assert [c["channel"] for c in expected] == ["zalo", "call", "sms", "messenger", "email"]
    hrefs = {c["channel"]: c["href"] for c in expected}
    assert hrefs["sms"] == "sms:+84912345678"  # the list's script adds ?body=
    assert hrefs["email"] == "mailto:htxchenahang@example.com"
    assert hrefs["messenger"] == "https://m.me/htxchenahang"
    only_email = make_cooperative(contact=make_contact(phone=None, zalo=None, messenger=None))
    assert [c["channel"] for c in data_of(only_email, [])["channels"]] == ["email"]


def test_a_photo_shared_by_two_products_is_counted_once():
    coop = make_cooperative()
    a = make_product(cooperative=coop)
    b = make_product(cooperative=coop, slug="che-2")
    data = data_of(coop, [a, b], {a.images[0].source: processed("che")})
    assert data["products"][0]["photo"] == data["products"][1]["photo"]
    assert [len(v) for v in data["save"]["photos"].values()] == [1, 1, 1]


def test_a_photo_missing_a_format_is_left_out_rather_than_half_given():
    coop = make_cooperative()
    tea = make_product(cooperative=coop)
    broken = ProcessedImage("x.jpg", 10, 10, "#000000", (Derivative(240, 180, "jpg", "x-240.jpg"),))
    data = data_of(coop, [tea], {tea.images[0].source: broken})
    assert data["products"][0]["photo"] is None
    assert data["save"]["photos"] == {"avif": [], "webp": [], "jpg": []}


def test_hostile_names_stay_data_in_the_rendered_file():
    coop = make_cooperative(name=HOSTILE, short_name='HTX "Nà"</script>')
    product = make_product(cooperative=coop, name="<img src=x onerror=alert(1)>", unit='hộp "200 g"', price=0)
    env = theme_environment()
    env.globals["order_data"] = lambda c, ps: data_of(c, ps)
    text = env.get_template(order_list.DATA_TEMPLATE).render(coop=coop, products=[product])
    assert "<" not in text and ">" not in text  # tojson escapes them: safe even if sniffed as HTML
    data = json.loads(text)
    assert data["name"] == HOSTILE
    assert data["short_name"] == 'HTX "Nà"</script>'
    assert data["products"][0]["name"] == "<img src=x onerror=alert(1)>"
    assert data["products"][0]["unit"] == 'hộp "200 g"'
    assert data["products"][0]["price"] == 0  # a price of 0 is a price, not "Liên hệ"


def test_one_data_file_per_cooperative_beside_its_page_and_the_list_page():
    coop = make_cooperative()
    empty = make_cooperative(slug="htx-khong-co-san-pham", name="HTX Trống")
    pages = list(order_list_pages([coop, empty], {coop.slug: [make_product(cooperative=coop)]}))
    assert [p.url for p in pages] == [
        "don-hang/",
        "hop-tac-xa/htx-che-na-hang/don-hang.json",
        "hop-tac-xa/htx-khong-co-san-pham/don-hang.json",
    ]
    assert pages[0].save_as == "don-hang/index.html"
    assert pages[2].context["products"] == []  # a list that still holds its products learns they are gone
    assert urls.order_list() == "don-hang/"
    assert urls.cooperative_orders(coop) == "hop-tac-xa/htx-che-na-hang/don-hang.json"


def test_the_catalogue_builds_the_order_pages():
    import datetime as dt

    catalogue = make_catalogue(make_product())
    found = [p.url for p in build_pages(catalogue, dt.date(2026, 1, 1))]
    assert "don-hang/" in found
    assert "hop-tac-xa/htx-che-na-hang/don-hang.json" in found


def test_the_scripts_stay_within_their_share_of_the_page_budget():
    """order.js loads on every page (≤ 2 KB gzip); /don-hang/ adds its own script, and with
    offline.js the page stays under the 6 KB of JavaScript a page may load (budgets.JS_BUDGET)."""
    import gzip

    from conftest import ROOT

    from chophien.quality.budgets import JS_BUDGET

    def size(name: str) -> int:
        return len(gzip.compress((ROOT / "theme/static/js" / name).read_bytes(), compresslevel=9, mtime=0))

    assert size("order.js") <= 2 * 1024
    assert size("order-list.js") <= 3.5 * 1024
    every_page = size("order.js") + (
        size("offline.js") if (ROOT / "theme/static/js/offline.js").exists() else 0
    )
    assert every_page + size("order-list.js") <= JS_BUDGET
