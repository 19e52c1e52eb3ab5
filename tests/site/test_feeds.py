"""feeds.py: sitemaps, robots.txt, Atom and Merchant feeds (pure text builders)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from factories import make_catalogue, make_ocop, make_product
from small_site import TODAY

from chophien.site import feeds

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def catalogue():
    """The tea with tags and an OCOP rating, and a product sold at a price given on request."""
    tea = make_product(tags=("đặc sản",), ocop=make_ocop(4, 2024))
    return make_catalogue(tea, make_product(slug="che-lien-he", price=None))


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
    cat = catalogue
    early = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    late = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    dates = {p.source: (early, late if p.slug == "che-lien-he" else early) for p in cat.products}
    atom = ET.fromstring(feeds.site_feed("https://x.vn", "Chợ phiên", cat.products, dates, {}, early))
    entries = atom.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Chè Shan tuyết cổ thụ",  # same name: both from make_product(); che-lien-he is newer
        "Chè Shan tuyết cổ thụ",
    ]
    assert entries[0].find(f"{ATOM}id").text.endswith("/che-lien-he/")
    assert atom.find(f"{ATOM}updated").text == "2026-06-01T00:00:00Z"
    merchant = feeds.merchant_feed("https://x.vn", "Chợ phiên", "", cat.products, {}, TODAY)
    assert ET.fromstring(merchant).find("channel").findall("item") == []  # no processed photos, no items


def test_feed_paths_are_unique_per_cooperative(catalogue):
    cat = catalogue
    coop = next(iter(cat.cooperatives.values()))
    dates = {p.source: (dt.datetime(2026, 1, 1, tzinfo=dt.UTC),) * 2 for p in cat.products}
    dates[coop.source] = (dt.datetime(2025, 1, 1, tzinfo=dt.UTC),) * 2
    text = feeds.cooperative_feed("https://x.vn", coop, cat.by_cooperative[coop.slug], dates, {})
    root = ET.fromstring(text)
    self_link = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link == ["https://x.vn/hop-tac-xa/htx-che-na-hang/atom.xml"]
    assert len(root.findall(f"{ATOM}entry")) == 2
