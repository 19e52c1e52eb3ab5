import datetime as dt

from conftest import PRODUCT, minimal_tree

from chophien.site.build import prepare
from chophien.site.catalogue_pages import FAMILIES, Site, build_pages, related_products
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


def test_related_same_cooperative_first_then_same_category(tree):
    def product(name, category="che"):
        return (
            PRODUCT.replace("Chè Shan tuyết cổ thụ", name)
            .replace("category: che", f"category: {category}")
            .replace("images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", "images: none\n")
        )

    files = minimal_tree(
        **{
            "products/htx-che-na-hang/che-shan-tuyet.md": product("Chè A"),
            "products/htx-che-na-hang/mat-ong.md": product("Mật ong B", "mat-ong-nong-san-khac"),
            "products/htx-che-na-hang/che-c.md": product("Chè C"),
            "cooperatives/htx-mat-ong-dong-van.md": OTHER_COOP,
            "products/htx-mat-ong-dong-van/che-d.md": product("Chè D"),
            "products/htx-mat-ong-dong-van/mat-ong-e.md": product("Mật ong E", "mat-ong-nong-san-khac"),
        }
    )
    catalogue = _catalogue(tree, files)
    by_name = {p.name: p for p in catalogue.products}
    related = related_products(by_name["Chè A"], catalogue, count=3)
    assert [p.name for p in related] == ["Chè C", "Mật ong B", "Chè D"]
    assert by_name["Chè A"] not in related_products(by_name["Chè A"], catalogue)


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
    assert pages[0] == first_of["home_page"] and pages[-1] == first_of["not_found_page"]
    # Page titles, headings and intros are written in the templates, not passed from Python.
    assert [p.url for p in pages if {"title", "heading", "intro"} & set(p.context)] == []
