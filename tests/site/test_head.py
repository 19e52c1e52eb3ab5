"""head.py: each page's head from its context; one build's heads never reach another build's pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, TODAY, minimal_tree, theme_environment, write_tree
from small_site import TODAY as TODAY_DATE
from small_site import small_catalogue

from chophien.site import urls
from chophien.site.discovery import Discovery, DiscoveryOptions
from chophien.site.head import PageHeads

BASE = "https://x.vn"


@pytest.fixture
def catalogue(tree):
    return small_catalogue(tree)


def heads(sitename="Chợ phiên", tagline="Đặc sản") -> PageHeads:
    return PageHeads(BASE, sitename, tagline, {}, TODAY_DATE)


def ld(head) -> list:
    data = json.loads(str(head.json_ld))
    return data if isinstance(data, list) else [data]


def test_a_product_page_has_its_offer_its_trail_and_a_product_preview(catalogue):
    cat, _ = catalogue
    product = next(p for p in cat.products if p.price is not None)
    head = heads().of(
        {
            "output_file": urls.save_as(urls.product(product)),
            "title": product.name,
            "product": product,
            "breadcrumbs": [("Trang chủ", urls.home())],
        }
    )
    assert head.canonical == urls.absolute(BASE, urls.product(product))
    assert head.og_type == "product" and head.price == product.price and not head.noindex
    assert [item["@type"] for item in ld(head)] == ["Product", "BreadcrumbList"]
    assert ld(head)[1]["itemListElement"][-1]["name"] == product.name


def test_a_product_shown_on_another_page_does_not_make_it_a_product_page(catalogue):
    cat, _ = catalogue
    product = cat.products[0]
    head = heads().of({"output_file": "tim-kiem/index.html", "product": product, "noindex": True})
    assert head.og_type == "website" and head.price is None and head.noindex
    assert str(head.json_ld) == ""


def test_a_cooperative_page_has_its_feed_and_organization(catalogue):
    cat, _ = catalogue
    coop = next(iter(cat.cooperatives.values()))
    head = heads().of({"output_file": urls.save_as(urls.cooperative(coop)), "coop": coop, "products": []})
    assert head.feed == (f"{coop.name} – sản phẩm mới", urls.absolute(BASE, urls.cooperative_feed(coop)))
    assert [item["@type"] for item in ld(head)] == ["Organization"]


def test_the_home_page_the_listings_and_the_404():
    home = heads().of({"output_file": "index.html", "breadcrumbs": []})
    assert home.title == "Chợ phiên" and home.description == "Đặc sản"
    assert home.feed == ("Chợ phiên – sản phẩm mới", urls.absolute(BASE, urls.site_feed()))
    assert [item["@type"] for item in ld(home)] == ["WebSite", "BreadcrumbList"]
    listing = heads().of(
        {"output_file": "dan-toc/dao/index.html", "title": "Dân tộc Dao", "intro": "Sản phẩm  của người Dao."}
    )
    assert listing.description == "Sản phẩm của người Dao." and listing.feed is None
    assert heads().of({"output_file": urls.not_found(), "breadcrumbs": []}).noindex


def test_two_builds_alive_in_one_process_keep_their_own_heads(catalogue, tmp_path):
    """Each build's page_head travels in that build's context: nothing is kept at module level."""
    from chophien.site.build import prepare

    _, content = catalogue
    prepared = prepare(content, tmp_path / "cache", TODAY_DATE, with_images=False)
    env = theme_environment()
    builds = [
        Discovery(
            theme_environment(),
            DiscoveryOptions(base, "", name, "", str(content), search_index=False),
            prepared,
            tmp_path / "cache",
            tmp_path / name,
            TODAY_DATE,
        )
        for base, name in (("https://one.vn", "Một"), ("https://two.vn", "Hai"))
    ]
    template = env.get_template("_discovery_head.html")
    rendered = [
        template.render(page_head=build.page_head, output_file="gioi-thieu/index.html", SITENAME="x")
        for build in builds
    ]
    assert '<link rel="canonical" href="https://one.vn/gioi-thieu/">' in rendered[0]
    assert '<link rel="canonical" href="https://two.vn/gioi-thieu/">' in rendered[1]


BUILD_TWICE = textwrap.dedent(
    """
    import sys
    from pelican import Pelican
    from pelican.settings import read_settings

    conf, content, out = sys.argv[1:4]
    for name, address in (("Một", "https://one.vn"), ("Hai", "https://two.vn")):
        settings = read_settings(conf, override={
            "PATH": content, "OUTPUT_PATH": f"{out}/{name}", "SITENAME": name,
            "CHOPHIEN_SITEURL": address, "CHOPHIEN_SEARCH_INDEX": False,
        })
        Pelican(settings).run()
    """
)


def test_two_builds_in_one_process_with_different_settings_do_not_leak(tmp_path):
    """Content pages (rendered by Pelican's own generator) and catalogue pages, two builds in a row."""
    page = "---\nTitle: Giới thiệu\nSlug: gioi-thieu\n---\nChợ phiên là gì.\n"
    content = write_tree(tmp_path, minimal_tree(**{"pages/gioi-thieu.md": page}))
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            BUILD_TWICE,
            str(ROOT / "pelicanconf.py"),
            str(content),
            str(tmp_path / "out"),
        ],
        cwd=ROOT,
        env=dict(os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(tmp_path / ".cache")),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name, address in (("Một", "https://one.vn"), ("Hai", "https://two.vn")):
        out = tmp_path / "out" / name
        about = (out / "gioi-thieu" / "index.html").read_text(encoding="utf-8")
        home = (out / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{address}/gioi-thieu/">' in about, name
        assert f'<link rel="canonical" href="{address}/">' in home, name
        assert f'<meta property="og:site_name" content="{name}">' in about, name
