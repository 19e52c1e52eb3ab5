import datetime as dt

import pytest
from conftest import PRODUCT, minimal_tree
from factories import make_catalogue, make_cooperative, make_ocop, make_product

from chophien.site.build import prepare
from chophien.site.catalogue_pages import FAMILIES, Site, build_pages, ocop_is_valid, related_products
from chophien.site.page import Paginator, paginate


def test_paginate_counts_and_urls():
    pages = list(paginate(list(range(50)), "tinh/lao-cai/", per_page=24))
    assert [len(p.items) for p in pages] == [24, 24, 2]
    assert [p.url_for(p.number) for p in pages] == [
        "tinh/lao-cai/",
        "tinh/lao-cai/page/2/",
        "tinh/lao-cai/page/3/",
    ]
    assert pages[0].prev_url is None and pages[0].next_url == "tinh/lao-cai/page/2/"
    assert pages[1].prev_url == "tinh/lao-cai/" and pages[2].next_url is None
    assert (pages[1].first_index, pages[1].last_index) == (25, 48)


def test_empty_listing_has_one_page():
    (only,) = paginate([], "ocop/")
    assert isinstance(only, Paginator) and only.total_pages == 1 and only.items == []


def _catalogue(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    assert prepared.ok, [p.render() for p in prepared.problems.sorted()]
    return prepared.catalogue


OTHER_COOP = """\
---
name: Hợp tác xã Mật ong Đồng Văn
kind: hop-tac-xa
province: Tuyên Quang
ethnic_groups: [H'Mông]
contact:
  phone: 0987 000 111
---
"""


def test_related_same_cooperative_first_then_same_category():
    other = make_cooperative(slug="htx-mat-ong-dong-van", name="Hợp tác xã Mật ong Đồng Văn")
    honey = "mat-ong-nong-san-khac"
    products = [
        make_product(slug="che-a", name="Chè A"),
        make_product(slug="mat-ong", name="Mật ong B", category=honey),
        make_product(slug="che-c", name="Chè C"),
        make_product(cooperative=other, slug="che-d", name="Chè D"),
        make_product(cooperative=other, slug="mat-ong-e", name="Mật ong E", category=honey),
    ]
    catalogue = make_catalogue(*products)
    tea = products[0]
    assert [p.name for p in related_products(tea, catalogue, count=3)] == ["Chè C", "Mật ong B", "Chè D"]
    assert [p.name for p in related_products(tea, catalogue)][:3] == ["Chè C", "Mật ong B", "Chè D"]
    assert tea not in related_products(tea, catalogue)
    assert [p.name for p in related_products(tea, catalogue, count=1)] == ["Chè C"]


@pytest.mark.parametrize(
    ("ocop", "valid"),
    [
        (None, False),
        (make_ocop(4, 2024), True),  # no decision date: no known expiry
        (make_ocop(4, 2023, dt.date(2023, 11, 27)), True),  # expires 2026-11-27: still valid that day
        (make_ocop(4, 2023, dt.date(2023, 11, 26)), False),
    ],
)
def test_ocop_is_valid_until_its_expiry_day(ocop, valid):
    assert ocop_is_valid(make_product(ocop=ocop), dt.date(2026, 11, 27)) is valid


def test_pages_cover_every_listing_and_sort_in_vietnamese_order(tree):
    files = minimal_tree(
        **{
            "cooperatives/htx-mat-ong-dong-van.md": OTHER_COOP,
            "products/htx-mat-ong-dong-van/dua.md": PRODUCT.replace(
                "Chè Shan tuyết cổ thụ", "Đũa tre"
            ).replace("images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", "images: none\n"),
            "products/htx-mat-ong-dong-van/dau.md": PRODUCT.replace(
                "Chè Shan tuyết cổ thụ", "Dầu quế"
            ).replace("images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", "images: none\n"),
        }
    )
    catalogue = _catalogue(tree, files)
    assert [p.name for p in catalogue.products] == ["Chè Shan tuyết cổ thụ", "Dầu quế", "Đũa tre"]
    urls = [page.url for page in build_pages(catalogue, dt.date(2026, 11, 27))]
    assert len(urls) == len(set(urls))
    for expected in [
        "",
        "san-pham/htx-che-na-hang/che-shan-tuyet/",
        "hop-tac-xa/",
        "hop-tac-xa/htx-mat-ong-dong-van/",
        "danh-muc/",
        "danh-muc/thuc-pham/",
        "danh-muc/che/",
        "tinh/",
        "tinh/tuyen-quang/",
        "dan-toc/",
        "dan-toc/h-mong/",
        "dan-toc/tay/",
        "ocop/",
        "san-pham/",
        "404.html",
    ]:
        assert expected in urls
    assert "danh-muc/ruou-trang/" not in urls  # empty listings are not generated


def test_build_pages_is_the_families_in_order_and_titles_live_in_the_templates(tree):
    catalogue = _catalogue(tree, minimal_tree(**{"cooperatives/htx-mat-ong-dong-van.md": OTHER_COOP}))
    today = dt.date(2026, 11, 27)
    pages = list(build_pages(catalogue, today))
    site = Site.of(catalogue, today)
    assert pages == [page for family in FAMILIES for page in family(site)]
    first_of = {family.__name__: next(iter(family(site)), None) for family in FAMILIES}
    assert first_of["home_page"].url == "" and first_of["not_found_page"].url == "404.html"
    assert first_of["search_page"].url == "tim-kiem/" and first_of["print_sheets"].url.endswith("/in/")
    assert pages[0] == first_of["home_page"] and pages[-1].url == "sw.js"
    # The worker comes last: its cache version digests every page before it (offline.py).
    assert [f.__name__ for f in FAMILIES][-2:] == ["not_found_page", "offline_family"]
    # Page titles, headings and intros are written in the templates, not passed from Python.
    assert [p.url for p in pages if {"title", "heading", "intro"} & set(p.context)] == []
