"""The built site's discovery surfaces: structured data, previews, sitemap, feeds, QR codes, search blocks."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import extruct
import pytest
from conftest import COOP, PRODUCT, ROOT, TODAY, jpeg_bytes, minimal_tree, run_pelican, write_tree
from PIL import Image
from qrdecode import decode, rasterise

from chophien.core.text import format_money
from chophien.site import i18n
from chophien.site.build import prepare
from chophien.site.seo import DEV_SITE_URL

pytestmark = pytest.mark.build

CONTENT = ROOT / "content"
BASE = DEV_SITE_URL  # the tests build without a public address
ATOM = "{http://www.w3.org/2005/Atom}"
G = "{http://base.google.com/ns/1.0}"
SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def catalogue():
    import datetime as dt

    prepared = prepare(CONTENT, ROOT / ".cache", dt.date.fromisoformat(TODAY), with_images=False)
    assert prepared.ok
    return prepared.catalogue


def page_of(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def metadata(html: str) -> dict:
    data = extruct.extract(html, base_url=BASE, syntaxes=["json-ld", "opengraph"], uniform=True)
    by_type: dict = {}
    for item in data["json-ld"]:
        by_type.setdefault(item["@type"], []).append(item)
    og = data["opengraph"][0] if data["opengraph"] else {}
    return {"ld": by_type, "og": og}


def public_pages(site: Path) -> dict[str, Path]:
    """{absolute URL: file} for every HTML page meant for search engines."""
    pages = {}
    for path in site.rglob("*.html"):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("admin/") or rel == "404.html":
            continue
        if '<meta name="robots" content="noindex">' in path.read_text(encoding="utf-8"):
            continue
        pages[f"{BASE}/{rel.removesuffix('index.html')}"] = path
    return pages


def test_products_carry_product_offer_and_breadcrumbs(built_demo, catalogue):
    checked = 0
    for product in catalogue.products:
        html = page_of(built_demo, product.url)
        found = metadata(html)["ld"]
        [data] = found["Product"]
        url = f"{BASE}/{product.url}"
        assert data["name"] == product.name and data["url"] == url and data["sku"] == product.code
        assert data["image"] and all(i.startswith(f"{BASE}/media/") for i in data["image"])
        assert data["manufacturer"]["name"] == product.cooperative.name
        if product.price is None:
            assert "offers" not in data  # "Liên hệ": no price, so no Offer
        else:
            offer = data["offers"]
            assert offer["@type"] == "Offer" and offer["price"] == str(product.price)
            assert offer["priceCurrency"] == "VND"
            expected = {"het-hang": "OutOfStock", "dat-truoc": "PreOrder"}.get(product.status)
            assert offer["availability"].startswith(SCHEMA)
            if expected:
                assert offer["availability"] == SCHEMA + expected
            assert offer["seller"] == {
                "@type": "Organization",
                "name": product.cooperative.name,
                "url": f"{BASE}/{product.cooperative.url}",
            }
            checked += 1
        [crumbs] = found["BreadcrumbList"]
        items = crumbs["itemListElement"]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert (
            items[0]["item"] == f"{BASE}/" and items[-1]["item"] == url and items[-1]["name"] == product.name
        )
    assert checked > 60


def test_cooperatives_carry_organization(built_demo, catalogue):
    for coop in catalogue.cooperatives.values():
        found = metadata(page_of(built_demo, coop.url))["ld"]
        [org] = found["Organization"]
        assert org["name"] == coop.name and org["url"] == f"{BASE}/{coop.url}"
        assert org["address"]["addressRegion"] == coop.province.full_name
        assert org["address"]["addressCountry"] == "VN"
        if coop.contact.phone:
            assert org["telephone"] == coop.contact.phone
        assert found["BreadcrumbList"][0]["itemListElement"][-1]["item"] == f"{BASE}/{coop.url}"


def test_every_public_page_has_a_breadcrumb_list_and_a_canonical_url(built_demo):
    for url, path in public_pages(built_demo).items():
        html = path.read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{url}">' in html, path
        found = metadata(html)["ld"]
        assert len(found.get("BreadcrumbList", [])) == 1, path
        assert found["BreadcrumbList"][0]["itemListElement"][-1]["item"] == url
    home = metadata((built_demo / "index.html").read_text(encoding="utf-8"))["ld"]
    assert home["WebSite"][0]["potentialAction"]["target"]["urlTemplate"] == f"{BASE}/tim-kiem/?q={{q}}"


def test_sharing_previews_use_the_1200x630_image(built_demo, catalogue):
    for product in catalogue.products:
        html = page_of(built_demo, product.url)
        og = metadata(html)["og"]
        assert og["@type"] == "product" and og["og:title"] == product.name  # extruct: og:type → @type
        assert og["og:url"] == f"{BASE}/{product.url}"
        description = og["og:description"].replace("\xa0", " ")
        assert description.startswith(product.price_display.replace("\xa0", " ")) and len(description) <= 201
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        image = og["og:image"]
        assert image.startswith(f"{BASE}/media/") and image.endswith("-share.jpg")
        with Image.open(built_demo / image.removeprefix(f"{BASE}/")) as shared:
            assert shared.size == (1200, 630) and shared.format == "JPEG"
        assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
        assert f'<meta name="twitter:image" content="{image}">' in html
    for coop in catalogue.cooperatives.values():
        og = metadata(page_of(built_demo, coop.url))["og"]
        assert og["og:title"] == coop.name and og["og:image"].endswith("-share.jpg")


def test_sitemap_lists_every_public_page_exactly_once(built_demo):
    root = ET.parse(built_demo / "sitemap.xml").getroot()
    listed = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(public_pages(built_demo))
    for noindex in ("tim-kiem/", "hop-tac-xa/htx-ca-phe-buon-ky/in/", "404.html"):
        assert f"{BASE}/{noindex}" not in listed
    assert f"{BASE}/gioi-thieu/" in listed  # Pelican's own pages too
    robots = (built_demo / "robots.txt").read_text()
    assert f"Sitemap: {BASE}/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_atom_feeds_are_well_formed_with_the_right_entries(built_demo, catalogue):
    site = ET.parse(built_demo / "san-pham/atom.xml").getroot()
    entries = site.findall(f"{ATOM}entry")
    assert len(entries) == min(50, len(catalogue.products))
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    product_urls = {f"{BASE}/{p.url}" for p in catalogue.products}
    assert {e.find(f"{ATOM}id").text for e in entries} <= product_urls
    for coop in catalogue.cooperatives.values():
        feed = ET.parse(built_demo / coop.url / "atom.xml").getroot()
        ids = {e.find(f"{ATOM}id").text for e in feed.findall(f"{ATOM}entry")}
        assert ids == {f"{BASE}/{p.url}" for p in catalogue.by_cooperative.get(coop.slug, [])}
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        assert links == {"self": f"{BASE}/{coop.url}atom.xml", "alternate": f"{BASE}/{coop.url}"}
        assert f'href="{BASE}/{coop.url}atom.xml"' in page_of(built_demo, coop.url)


def test_merchant_feed_lists_priced_products_with_photos(built_demo, catalogue):
    channel = ET.parse(built_demo / "san-pham/google-merchant.xml").getroot().find("channel")
    items = {item.find(f"{G}id").text: item for item in channel.findall("item")}
    expected = {p.code: p for p in catalogue.products if p.price is not None and p.images}
    assert set(items) == set(expected)
    for code, item in items.items():
        product = expected[code]
        assert item.find(f"{G}price").text == f"{product.price} VND"
        assert item.find(f"{G}link").text == f"{BASE}/{product.url}"
        assert item.find(f"{G}title").text == product.name
        assert item.find(f"{G}availability").text in {"in_stock", "out_of_stock"}
        if product.status == "het-hang":
            assert item.find(f"{G}availability").text == "out_of_stock"
        image = item.find(f"{G}image_link").text
        assert (built_demo / image.removeprefix(f"{BASE}/")).is_file()
        assert item.find(f"{G}condition").text == "new"


def test_qr_codes_decode_to_the_page_url(built_demo, catalogue):
    pages = [p.url for p in catalogue.products] + [c.url for c in catalogue.cooperatives.values()]
    for url in pages:
        svg = (built_demo / url / "qr.svg").read_bytes()
        assert decode(rasterise(svg)) == [f"{BASE}/{url}"], url
        assert f'<img src="/{url}qr.svg" width="128" height="128"' in page_of(built_demo, url)


def test_printable_sheet_lists_names_prices_codes_and_qr_codes(built_demo, catalogue):
    for coop in catalogue.cooperatives.values():
        html = page_of(built_demo, f"{coop.url}in/")
        assert '<meta name="robots" content="noindex">' in html
        assert re.search(r'<link rel="stylesheet" href="/theme/css/print-sheet\.[0-9a-f]{10}\.css">', html)
        assert f'<img src="/{coop.url}qr.svg"' in html
        for product in catalogue.by_cooperative.get(coop.slug, []):
            assert f'<img src="/{product.url}qr.svg"' in html
            assert f"<code>{product.code}</code>" in html
            assert format_money(product.price) in html if product.price else "Liên hệ" in html
        assert "127.0.0.1:8000, chỉ mở được trên máy này" in html  # a dev build warns before printing
        assert f'href="/{coop.url}in/"' in page_of(built_demo, coop.url)


def test_only_product_and_cooperative_pages_feed_the_search_index(built_demo, catalogue):
    indexed = {p.url for p in catalogue.products} | {c.url for c in catalogue.cooperatives.values()}
    indexed |= {i18n.english_path(url) for url in indexed}  # each edition has its own index
    for path in built_demo.rglob("*.html"):
        rel = path.relative_to(built_demo).as_posix().removesuffix("index.html")
        html = path.read_text(encoding="utf-8")
        assert html.count("data-pagefind-body") == (1 if rel in indexed else 0), rel
    html = page_of(built_demo, "san-pham/cong-ty-nong-san-nam-rom/gao-tam-dien-bien/")
    block = re.search(r"<div data-pagefind-body hidden>(.*?)</div>", html, re.S).group(1)
    words = re.sub(r"<[^>]+>", " ", block).split()
    assert {"gao", "tam", "đien", "dien", "bien"} <= set(words)
    assert len(words) == len(set(words))  # each word once
    assert "Giao đến" not in block and "Chào" not in block  # no order message, no story
    bundle = built_demo / "tim-kiem/pagefind"
    assert (bundle / "pagefind-entry.json").is_file() and (bundle / "pagefind.js").is_file()
    assert not (bundle / "pagefind-ui.js").exists()
    assert not list((built_demo / "tim-kiem").glob(".pagefind-*"))


def _two_coops(tmp_path):
    second = COOP.replace("Hợp tác xã Chè Shan tuyết Nà Hang", "Hợp tác xã Mật ong Đồng Văn").replace(
        "HTX Chè Nà Hang", "HTX Ong Đồng Văn"
    )
    files = minimal_tree(
        **{
            "cooperatives/htx-ong-dong-van.md": second,
            "products/htx-ong-dong-van/mat-ong.md": PRODUCT.replace(
                "Chè Shan tuyết cổ thụ", "Mật ong bạc hà"
            ),
            "products/htx-ong-dong-van/che.jpg": jpeg_bytes(colour=(200, 160, 40)),
        }
    )
    return write_tree(tmp_path, files)


def test_rebuild_removes_a_deleted_cooperatives_files_and_reindexes(tmp_path):
    content = _two_coops(tmp_path)
    out = tmp_path / "output"
    first = run_pelican(content, out)
    assert first.returncode == 0, first.stderr
    assert "Tìm kiếm: Pagefind" in first.stderr
    gone = ["hop-tac-xa/htx-ong-dong-van/qr.svg", "hop-tac-xa/htx-ong-dong-van/atom.xml",
            "hop-tac-xa/htx-ong-dong-van/in/index.html", "san-pham/htx-ong-dong-van/mat-ong/qr.svg"]  # fmt: skip
    assert all((out / name).is_file() for name in gone)
    again = run_pelican(content, out)
    assert "Tìm kiếm: Pagefind" not in again.stderr  # nothing indexed changed: Pagefind not run
    shutil.rmtree(content / "products/htx-ong-dong-van")
    (content / "cooperatives/htx-ong-dong-van.md").unlink()
    removed = run_pelican(content, out)
    assert removed.returncode == 0, removed.stderr
    assert "Tìm kiếm: Pagefind" in removed.stderr
    assert not any((out / name).exists() for name in gone)
    assert not (out / "hop-tac-xa/htx-ong-dong-van").exists()
    sitemap = (out / "sitemap.xml").read_text()
    assert "htx-ong-dong-van" not in sitemap and "htx-che-na-hang" in sitemap
    assert "htx-ong-dong-van" not in (out / "san-pham/atom.xml").read_text()


def test_a_site_under_a_sub_path_uses_its_public_address(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    out = tmp_path / "output"
    result = run_pelican(content, out, "-e", 'SITEURL="https://o.github.io/cho"')
    assert result.returncode == 0, result.stderr
    base = "https://o.github.io/cho"
    url = "san-pham/htx-che-na-hang/che-shan-tuyet/"
    html = (out / url / "index.html").read_text()
    assert f'<link rel="canonical" href="{base}/{url}">' in html
    assert f'<meta property="og:image" content="{base}/media/' in html
    assert decode(rasterise((out / url / "qr.svg").read_bytes())) == [f"{base}/{url}"]
    assert "Disallow: /cho/admin/" in (out / "robots.txt").read_text()
    assert f"<loc>{base}/{url}</loc>" in (out / "sitemap.xml").read_text()
    search = (out / "tim-kiem/index.html").read_text()
    assert f'data-base="{base}"' in search and f'action="{base}/tim-kiem/"' in search
    assert "chỉ mở được trên máy này" not in (out / "hop-tac-xa/htx-che-na-hang/in/index.html").read_text()


def test_search_bundle_is_byte_identical_across_builds(tmp_path):
    """Pagefind writes filters in random order; the bundle is rewritten in a stable one."""
    from chophien.site.search import index_site

    content = _two_coops(tmp_path)
    out = tmp_path / "output"
    assert run_pelican(content, out).returncode == 0
    bundle = out / "tim-kiem/pagefind"
    first = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    for _ in range(2):
        index_site(out)
        again = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
        assert again == first
    assert list((bundle / "filter").iterdir())


def test_qr_codes_are_linked_from_the_cache_and_replaced_when_the_address_changes(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    out = tmp_path / "output"
    url = "san-pham/htx-che-na-hang/che-shan-tuyet/"
    for base in ("https://a.example.vn", "https://b.example.vn/cho"):
        result = run_pelican(content, out, "-e", f'SITEURL="{base}"')
        assert result.returncode == 0, result.stderr
        qr = out / url / "qr.svg"
        assert decode(rasterise(qr.read_bytes())) == [f"{base}/{url}"]
        assert qr.stat().st_nlink == 2  # the output file is the cache file: no copy written


def test_feeds_follow_an_edit_and_only_the_edited_cooperatives_feed_is_rewritten(tmp_path):
    content = _two_coops(tmp_path)
    out = tmp_path / "output"
    assert run_pelican(content, out, "-e", "CHOPHIEN_SEARCH_INDEX=false").returncode == 0
    feeds = {
        name: (out / name).stat().st_mtime_ns
        for name in ("hop-tac-xa/htx-che-na-hang/atom.xml", "hop-tac-xa/htx-ong-dong-van/atom.xml")
    }
    product = content / "products/htx-che-na-hang/che-shan-tuyet.md"
    product.write_text(product.read_text().replace("450000", "480000"), encoding="utf-8")
    assert run_pelican(content, out, "-e", "CHOPHIEN_SEARCH_INDEX=false").returncode == 0
    assert (out / "hop-tac-xa/htx-ong-dong-van/atom.xml").stat().st_mtime_ns == feeds[
        "hop-tac-xa/htx-ong-dong-van/atom.xml"
    ]
    assert (out / "hop-tac-xa/htx-che-na-hang/atom.xml").stat().st_mtime_ns > feeds[
        "hop-tac-xa/htx-che-na-hang/atom.xml"
    ]
    assert "480.000" in (out / "hop-tac-xa/htx-che-na-hang/atom.xml").read_text()
    assert "<g:price>480000 VND</g:price>" in (out / "san-pham/google-merchant.xml").read_text()
