"""danh-muc.json (site/member_catalogue.py) on products from tests/factories.py: shape, order, URLs, dates, escaping, round trip."""

import datetime as dt
import json

from factories import make_catalogue, make_certification, make_cooperative, make_ocop, make_product

from chophien.catalogue.model import Catalogue
from chophien.federation.model import Member, parse
from chophien.photos.model import Derivative, ProcessedImage
from chophien.site.member_catalogue import catalogue_data, catalogue_json

BASE = "https://tinh.example.vn"
TODAY = dt.date(2026, 11, 27)
HOSTILE = 'Chè "Nà" </script><script>alert(1)</script> & <!--'
MEMBER = Member("tinh", "Tỉnh", f"{BASE}/", "tuyen-quang")


def processed(stem: str, widths=(240, 480), formats=("avif", "webp", "jpg")) -> ProcessedImage:
    derivatives = tuple(
        Derivative(w, w * 3 // 4, fmt, f"{stem}-{w}.{fmt}") for w in reversed(widths) for fmt in formats
    )
    return ProcessedImage(f"{stem}.jpg", 960, 720, "#808080", derivatives)


def catalogue():
    coop = make_cooperative()
    other = make_cooperative(slug="htx-a-dau", name="HTX A Đầu", source="content/cooperatives/htx-a-dau.md")
    tea = make_product(
        cooperative=coop,
        ocop=make_ocop(stars=4, year=2024, date=dt.date(2024, 5, 10)),
        certifications=(make_certification("vietgap"),),
    )
    honey = make_product(
        cooperative=other, slug="mat-ong", code="AD-MAT01", name=HOSTILE, price=None, images=(),
        source="content/products/htx-a-dau/mat-ong.md",
    )  # fmt: skip
    return make_catalogue(honey, tea, cooperatives=(coop, other)), tea, honey


def test_the_shape_of_version_1():
    cat, tea, honey = catalogue()
    changed = dt.datetime(2026, 10, 2, 9, tzinfo=dt.UTC)
    dates = {tea.source: (changed, changed)}
    data = catalogue_data(cat, {tea.images[0].source: processed("che")}, BASE, "Chợ phiên Tỉnh", TODAY, dates)
    assert (data["format"], data["version"]) == ("chophien-catalogue", 1)
    assert data["site"] == {
        "name": "Chợ phiên Tỉnh",
        "url": f"{BASE}/",
        "search": f"{BASE}/tim-kiem/pagefind/",
        "media": None,
        "generated": "2026-11-27",
    }
    # sorted by slug / (cooperative, slug), whatever the catalogue's order
    assert [c["slug"] for c in data["cooperatives"]] == ["htx-a-dau", "htx-che-na-hang"]
    assert [p["code"] for p in data["products"]] == ["AD-MAT01", tea.code]
    entry = data["products"][1]
    assert entry["url"] == f"{BASE}/san-pham/htx-che-na-hang/che-shan-tuyet/"
    assert entry["ocop"] == {"stars": 4, "year": 2024, "expires": "2027-05-10"}
    assert entry["certifications"] == ["vietgap"]
    assert entry["updated"] == "2026-10-02" and data["products"][0]["updated"] is None  # not in git: null
    # the narrowest derivative in each format, the JPEG's size, the photo's alt
    assert entry["photo"] == {
        "jpg": f"{BASE}/media/che-240.jpg",
        "webp": f"{BASE}/media/che-240.webp",
        "avif": f"{BASE}/media/che-240.avif",
        "w": 240,
        "h": 180,
        "alt": tea.images[0].alt,
    }
    assert data["products"][0]["photo"] is None and data["products"][0]["price"] is None


def test_a_photo_with_jpeg_only_has_null_webp_and_avif():
    cat, tea, _ = catalogue()
    data = catalogue_data(
        cat, {tea.images[0].source: processed("che", formats=("jpg",))}, BASE, "S", TODAY, {}
    )
    photo = data["products"][1]["photo"]
    assert (photo["jpg"], photo["webp"], photo["avif"]) == (f"{BASE}/media/che-240.jpg", None, None)


def test_the_bytes_are_one_entry_a_line_escaped_and_parse_back():
    cat, tea, _ = catalogue()
    data = catalogue_data(cat, {tea.images[0].source: processed("che")}, BASE, "Chợ phiên Tỉnh", TODAY, {})
    text = catalogue_json(data).decode("utf-8")
    assert json.loads(text) == data
    # never closes a <script> element it is pasted into
    assert "<" not in text and ">" not in text and "&" not in text
    assert "Chè" in text  # UTF-8, not \\u escapes
    # the head, "cooperatives":[, one line each, ], "products":[, one line each, ]}
    assert len(text.splitlines()) == 1 + 1 + 2 + 1 + 1 + 2 + 1
    assert catalogue_json(data) == catalogue_json(
        catalogue_data(cat, {tea.images[0].source: processed("che")}, BASE, "Chợ phiên Tỉnh", TODAY, {})
    )
    parsed, problems = parse(catalogue_json(data), MEMBER)
    assert problems == []
    assert {p.code: p.name for p in parsed.products} == {"AD-MAT01": HOSTILE, tea.code: tea.name}


def test_an_empty_catalogue_is_valid():
    data = catalogue_data(Catalogue(), {}, BASE, "S", TODAY, {})
    parsed, problems = parse(catalogue_json(data), MEMBER)
    assert problems == [] and parsed.products == () and parsed.cooperatives == ()


def test_photos_from_a_media_address():
    cat, tea, _ = catalogue()
    media = "https://anh.example.vn/cho/"
    data = catalogue_data(cat, {tea.images[0].source: processed("che")}, BASE, "S", TODAY, {}, media)
    assert data["site"]["media"] == media
    assert data["products"][1]["photo"]["jpg"] == f"{media}che-240.jpg"
    assert data["products"][1]["url"].startswith(f"{BASE}/san-pham/")  # pages stay on the site
    # a national site that declares the media origin for this member accepts the photos
    member = Member("tinh", "Tỉnh", f"{BASE}/", "tuyen-quang", media="https://anh.example.vn")
    parsed, problems = parse(catalogue_json(data), member)
    photos = {p.code: p.photo for p in parsed.products}
    assert problems == [] and photos[tea.code].jpg == f"{media}che-240.jpg"
