"""extras.py: the files beside the pages, each keyed by what it is made from."""

from __future__ import annotations

import pytest
from small_site import TODAY, small_catalogue

from chophien.site import i18n, urls
from chophien.site.extras import Extras
from chophien.site.page import Page


@pytest.fixture
def catalogue(tree):
    return small_catalogue(tree)


def extras(cat, content, tmp_path, base="https://x.vn") -> Extras:
    return Extras(cat, {}, content, tmp_path / "cache", TODAY, base=base, sitename="Chợ phiên", tagline="")


def test_files_are_qr_codes_feeds_sitemap_and_robots(catalogue, tmp_path):
    cat, content = catalogue
    coop = next(iter(cat.cooperatives.values()))
    pages = [Page(urls.home(), "index.html"), Page(urls.search(), "search.html", {"noindex": True})]
    names = [extra.name for extra in extras(cat, content, tmp_path).files(pages, ["gioi-thieu/index.html"])]
    english = i18n.EnglishUrls(urls)
    assert names == [
        *[urls.qr_code(urls.product(p)) for p in cat.products],
        urls.qr_code(urls.cooperative(coop)),
        *[urls.qr_code(english.product(p)) for p in cat.products],  # English pages show their own
        urls.qr_code(english.cooperative(coop)),
        urls.site_feed(),
        urls.cooperative_feed(coop),
        urls.merchant_feed(),
        urls.sitemap(),
        urls.robots(),
        urls.member_catalogue(),  # danh-muc.json (site/member_catalogue.py)
    ]
    sitemap = next(
        e
        for e in extras(cat, content, tmp_path).files(pages, ["gioi-thieu/index.html"])
        if e.name == "sitemap.xml"
    )
    text = sitemap.produce().decode()
    assert "<loc>https://x.vn/</loc>" in text and "https://x.vn/gioi-thieu/" in text
    assert "tim-kiem" not in text  # noindex pages stay out


def test_keys_follow_the_public_address(catalogue, tmp_path):
    cat, content = catalogue

    def keys(base):
        return {
            e.name: e.key
            for e in extras(cat, content, tmp_path, base).files(
                [Page(urls.home(), "index.html")], [], "digest"
            )
        }

    one, same, other = keys("https://x.vn"), keys("https://x.vn"), keys("https://y.vn")
    assert one == same
    assert all(one[name] != other[name] for name in one)  # every file names the address
