"""Discovery without Pelican: search records, đ variants, public URLs, JSON-LD, feeds, sitemaps, QR codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import COOP, PRODUCT, minimal_tree, write_tree
from qrdecode import decode, rasterise

from chophien.core.settings import Settings
from chophien.site import feeds, seo
from chophien.site.build import prepare
from chophien.site.history import file_dates
from chophien.site.qrcodes import QrCache, qr_svg
from chophien.site.search import distinctive_name, index_terms, inputs_digest, product_record

TODAY = dt.date(2026, 11, 27)
ATOM = "{http://www.w3.org/2005/Atom}"


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
def catalogue(tree):
    product = PRODUCT.replace(
        "category: che", "category: che\ntags: [đặc sản]\nocop:\n  stars: 4\n  year: 2024"
    )
    content = tree(
        minimal_tree(
            **{
                "products/htx-che-na-hang/che-shan-tuyet.md": product,
                "products/htx-che-na-hang/che-lien-he.md": PRODUCT.replace("450000", "lien-he"),
            }
        )
    )
    prepared = prepare(content, content.parent / ".cache", TODAY, with_images=False)
    assert prepared.ok, prepared.problems
    return prepared.catalogue, content


def test_search_record_holds_names_taxonomy_and_summary_only(catalogue):
    products, _ = catalogue
    product = next(p for p in products.products if p.slug == "che-shan-tuyet")
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


def test_base_path():
    assert seo.base_path("https://o.github.io/cho") == "/cho"
    assert seo.base_path("https://chophien.vn") == ""


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


def test_sitemap_lists_each_url_once_and_splits_past_the_limit():
    entries = [feeds.SitemapEntry(f"https://x.vn/p{i}/") for i in range(5)] + [
        feeds.SitemapEntry("https://x.vn/p0/")
    ]
    single = feeds.sitemaps("https://x.vn", entries)
    assert list(single) == ["sitemap.xml"]
    assert single["sitemap.xml"].count("<loc>https://x.vn/p0/</loc>") == 1
    split = feeds.sitemaps("https://x.vn", entries, limit=2)
    assert sorted(split) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ET.fromstring(split["sitemap.xml"])
    assert index.tag.endswith("sitemapindex") and len(index) == 3
    urls = [
        u.text
        for name in ("sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml")
        for u in ET.fromstring(split[name]).iter()
        if u.tag.endswith("loc")
    ]
    assert urls == [f"https://x.vn/p{i}/" for i in range(5)]


def test_robots_txt_under_a_sub_path():
    text = feeds.robots_txt("https://o.github.io/cho", "/cho")
    assert "Disallow: /cho/admin/" in text and "Sitemap: https://o.github.io/cho/sitemap.xml" in text


def test_feeds_order_by_last_change_and_skip_what_google_rejects(catalogue):
    cat, content = catalogue
    early = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    late = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    dates = {p.source: (early, late if p.slug == "che-lien-he" else early) for p in cat.products}
    atom = ET.fromstring(feeds.site_feed("https://x.vn", "Chợ phiên", cat.products, dates, {}, early))
    entries = atom.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Chè Shan tuyết cổ thụ",  # same name: both products from PRODUCT; che-lien-he is newer
        "Chè Shan tuyết cổ thụ",
    ]
    assert entries[0].find(f"{ATOM}id").text.endswith("/che-lien-he/")
    assert atom.find(f"{ATOM}updated").text == "2026-06-01T00:00:00Z"
    merchant = feeds.merchant_feed("https://x.vn", "Chợ phiên", "", cat.products, {}, TODAY)
    assert ET.fromstring(merchant).find("channel").findall("item") == []  # no processed photos, no items


def test_dates_come_from_git_and_fall_back_to_mtime(tmp_path):
    content = write_tree(tmp_path, {"cooperatives/a.md": COOP, "cooperatives/b.md": COOP})
    os.utime(content / "cooperatives/b.md", (1_700_000_000, 1_700_000_000))
    outside = file_dates(content, ["content/cooperatives/b.md"])
    assert outside["content/cooperatives/b.md"][1] == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)

    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@x",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@x",
    )

    def git(*args, when):
        subprocess.run(
            ["git", *args], cwd=tmp_path, check=True, capture_output=True,
            env=dict(env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when),
        )  # fmt: skip

    git("init", "-q", when="2025-01-01T00:00:00Z")
    git("add", "content/cooperatives/a.md", when="2025-01-01T00:00:00Z")
    git("commit", "-qm", "a", when="2025-01-01T00:00:00Z")
    (content / "cooperatives/a.md").write_text(COOP + "\nThêm.\n", encoding="utf-8")
    git("commit", "-qam", "a again", when="2025-03-01T00:00:00Z")
    dates = file_dates(content, ["content/cooperatives/a.md", "content/cooperatives/b.md"])
    first, last = dates["content/cooperatives/a.md"]
    assert (first.date(), last.date()) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    assert dates["content/cooperatives/b.md"][0].year == 2023  # not committed: its mtime

    # A formatting-only commit listed in .git-blame-ignore-revs is no change for feeds and sitemap.
    (content / "cooperatives/a.md").write_text(COOP + "\nThêm.\n\n", encoding="utf-8")
    git("commit", "-qam", "chophien fmt", when="2025-06-01T00:00:00Z")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert file_dates(content, ["content/cooperatives/a.md"])["content/cooperatives/a.md"][1].month == 6
    (tmp_path / ".git-blame-ignore-revs").write_text(f"# chophien fmt\n{sha}", encoding="utf-8")
    first, last = file_dates(content, ["content/cooperatives/a.md"])["content/cooperatives/a.md"]
    assert (first.date(), last.date()) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))


def test_qr_codes_decode_to_the_url_and_are_cached(tmp_path):
    url = "https://o.github.io/cho/san-pham/htx-che-na-hang/che-shan-tuyet/"
    assert decode(rasterise(qr_svg(url))) == [url]
    cache = QrCache(tmp_path)
    cache.ensure([url])
    assert cache.read(url) == qr_svg(url)
    assert len(list((tmp_path / "qr").iterdir())) == 1


def test_search_index_digest_follows_the_indexed_pages():
    one = inputs_digest({"san-pham/a/b/index.html": "x"})
    assert one == inputs_digest({"san-pham/a/b/index.html": "x"})
    assert one != inputs_digest({"san-pham/a/b/index.html": "y"})


def test_feed_paths_are_unique_per_cooperative(catalogue):
    cat, _ = catalogue
    coop = next(iter(cat.cooperatives.values()))
    dates = {p.source: (dt.datetime(2026, 1, 1, tzinfo=dt.UTC),) * 2 for p in cat.products}
    dates[coop.source] = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC),) * 2
    text = feeds.cooperative_feed("https://x.vn", coop, cat.by_cooperative[coop.slug], dates, {})
    root = ET.fromstring(text)
    self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["https://x.vn/hop-tac-xa/htx-che-na-hang/atom.xml"]
    assert len(root.findall(f"{ATOM}entry")) == 2


def test_extras_module_paths():
    assert Path(seo.page_url_of("san-pham/a/b/index.html")) == Path("san-pham/a/b/")
