"""From a Catalogue to the list of pages to render: URL, template and context for each.

URLs follow DESIGN §4 (directory style). Every listing paginates; related products come
from the indexes, so the whole pass is linear in the number of products.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from chophien import reference
from chophien.catalogue.loader import Catalogue
from chophien.catalogue.model import Product
from chophien.catalogue.orders import needs_copied_message, order_links, order_message
from chophien.core.text import collation_key, vi_sorted
from chophien.site.assessment_pages import assessment_pages, cooperative_results
from chophien.site.discovery import discovery_pages
from chophien.site.page import Page, crumbs, paginate

RELATED_COUNT = 4
FEATURED_COUNT = 8


def related_products(product: Product, catalogue: Catalogue, count: int = RELATED_COUNT) -> list[Product]:
    """Same cooperative first, then same category; never the product itself."""
    chosen: list[Product] = []
    seen = {product.key}
    for pool in (
        catalogue.by_cooperative[product.cooperative.slug],
        catalogue.by_category[product.category.slug],
    ):
        for candidate in pool:
            if len(chosen) == count:
                return chosen
            if candidate.key not in seen:
                seen.add(candidate.key)
                chosen.append(candidate)
    return chosen


def ocop_is_valid(product: Product, today: dt.date) -> bool:
    ocop = product.ocop
    return bool(ocop and (ocop.expires is None or ocop.expires >= today))


def _listing_pages(items, base_url, title, kind, breadcrumbs, intro="", extra=None) -> Iterator[Page]:
    for paginator in paginate(items, base_url):
        url = paginator.url_for(paginator.number)
        page_title = title if paginator.number == 1 else f"{title} – trang {paginator.number}"
        context = {
            "title": page_title,
            "heading": title,
            "listing_kind": kind,
            "paginator": paginator,
            "products": paginator.items,
            "breadcrumbs": breadcrumbs,
            "intro": intro,
        }
        context.update(extra or {})
        yield Page(url, "listing.html", context)


def build_pages(catalogue: Catalogue, today: dt.date) -> Iterator[Page]:
    """Every page of the catalogue, in a stable order."""
    products = catalogue.products
    groups = reference.category_groups()
    categories = reference.categories()
    category_counts = {c.slug: len(catalogue.by_category.get(c.slug, ())) for c in categories}
    group_counts = {g.slug: len(catalogue.by_group.get(g.slug, ())) for g in groups}
    provinces = [
        p for p in vi_sorted(reference.provinces(), key=lambda p: p.name) if catalogue.by_province.get(p.slug)
    ]
    ethnic = [
        g
        for g in vi_sorted(reference.ethnic_groups(), key=lambda g: g.name)
        if catalogue.by_ethnic_group.get(g.slug)
    ]
    cooperatives = vi_sorted(catalogue.cooperatives.values(), key=lambda c: c.name)

    featured = [p for p in products if p.featured][:FEATURED_COUNT]
    yield Page(
        "",
        "index.html",
        {
            "title": "Chợ phiên – đặc sản hợp tác xã vùng cao",
            "featured": featured,
            "category_groups": groups,
            "group_counts": group_counts,
            "provinces": provinces,
            "province_counts": {p.slug: len(catalogue.by_province[p.slug]) for p in provinces},
            "product_count": len(products),
            "cooperative_count": len(cooperatives),
            "breadcrumbs": [],
        },
    )

    for product in products:
        links = order_links(product)
        yield Page(
            product.url,
            "product.html",
            {
                "title": product.name,
                "product": product,
                "coop": product.cooperative,
                "order_links": links,
                "order_message": order_message(product),
                "show_message": needs_copied_message(links),
                "related": related_products(product, catalogue),
                "ocop_valid": ocop_is_valid(product, today),
                "breadcrumbs": crumbs(
                    (
                        reference.category_group_by_slug(product.category.group).name,
                        f"danh-muc/{product.category.group}/",
                    ),
                    (product.category.name, f"danh-muc/{product.category.slug}/"),
                ),
            },
        )

    yield Page(
        "hop-tac-xa/",
        "cooperatives.html",
        {
            "title": "Hợp tác xã và cơ sở sản xuất",
            "cooperatives": cooperatives,
            "product_counts": {c.slug: len(catalogue.by_cooperative.get(c.slug, ())) for c in cooperatives},
            "breadcrumbs": crumbs(),
        },
    )
    for coop in cooperatives:
        yield Page(
            coop.url,
            "cooperative.html",
            {
                "title": coop.name,
                "coop": coop,
                "products": catalogue.by_cooperative.get(coop.slug, []),
                "assessment_results": cooperative_results(catalogue.assessments, coop.slug),
                "breadcrumbs": crumbs(
                    ("Hợp tác xã", "hop-tac-xa/"), (coop.province.name, f"tinh/{coop.province.slug}/")
                ),
            },
        )

    yield from _listing_pages(products, "san-pham/", "Tất cả sản phẩm", "all", crumbs())

    yield Page(
        "danh-muc/",
        "directory.html",
        {
            "title": "Danh mục sản phẩm",
            "directory_kind": "categories",
            "category_groups": groups,
            "categories": categories,
            "group_counts": group_counts,
            "category_counts": category_counts,
            "breadcrumbs": crumbs(),
        },
    )
    for group in groups:
        if not group_counts[group.slug]:
            continue  # nothing links to an empty listing
        subcategories = [c for c in categories if c.group == group.slug and category_counts[c.slug]]
        yield from _listing_pages(
            catalogue.by_group.get(group.slug, []),
            f"danh-muc/{group.slug}/",
            group.name,
            "group",
            crumbs(("Danh mục", "danh-muc/")),
            extra={"subcategories": subcategories, "category_counts": category_counts},
        )
    for category in categories:
        if not category_counts[category.slug]:
            continue
        group = reference.category_group_by_slug(category.group)
        yield from _listing_pages(
            catalogue.by_category.get(category.slug, []),
            f"danh-muc/{category.slug}/",
            category.name,
            "category",
            crumbs(("Danh mục", "danh-muc/"), (group.name, f"danh-muc/{group.slug}/")),
        )

    yield Page(
        "tinh/",
        "directory.html",
        {
            "title": "Sản phẩm theo tỉnh, thành phố",
            "directory_kind": "provinces",
            "entries": [
                (
                    p.name,
                    f"tinh/{p.slug}/",
                    len(catalogue.by_province[p.slug]),
                    ", ".join(p.former) if p.former and len(p.former) > 1 else "",
                )
                for p in provinces
            ],
            "breadcrumbs": crumbs(),
        },
    )
    for province in provinces:
        former = [name for name in province.former if name != province.name]
        intro = f"Gồm địa bàn các tỉnh cũ: {', '.join(province.former)}." if former else ""
        yield from _listing_pages(
            catalogue.by_province[province.slug],
            f"tinh/{province.slug}/",
            province.full_name,
            "province",
            crumbs(("Tỉnh, thành phố", "tinh/")),
            intro=intro,
        )

    yield Page(
        "dan-toc/",
        "directory.html",
        {
            "title": "Sản phẩm theo dân tộc",
            "directory_kind": "ethnic_groups",
            "entries": [
                (g.name, f"dan-toc/{g.slug}/", len(catalogue.by_ethnic_group[g.slug]), "") for g in ethnic
            ],
            "breadcrumbs": crumbs(),
        },
    )
    for group in ethnic:
        yield from _listing_pages(
            catalogue.by_ethnic_group[group.slug],
            f"dan-toc/{group.slug}/",
            f"Dân tộc {group.name}",
            "ethnic_group",
            crumbs(("Dân tộc", "dan-toc/")),
            intro=f"Sản phẩm của các hợp tác xã có thành viên là người {group.name}.",
        )

    star_levels = sorted(catalogue.by_ocop, reverse=True)
    ocop_products = sorted(
        (p for stars in star_levels for p in catalogue.by_ocop[stars]),
        key=lambda p: (-p.ocop.stars, collation_key(p.name)),
    )
    star_links = [
        (f"{stars} sao", f"ocop/{stars}-sao/", len(catalogue.by_ocop[stars])) for stars in star_levels
    ]
    ocop_intro = (
        "OCOP (Chương trình mỗi xã một sản phẩm) xếp hạng sản phẩm từ 3 đến 5 sao; "
        "giấy chứng nhận có hiệu lực 36 tháng."
    )
    yield from _listing_pages(
        ocop_products,
        "ocop/",
        "Sản phẩm OCOP",
        "ocop",
        crumbs(),
        intro=ocop_intro,
        extra={"star_links": star_links},
    )
    for stars in star_levels:
        yield from _listing_pages(
            catalogue.by_ocop[stars],
            f"ocop/{stars}-sao/",
            f"Sản phẩm OCOP {stars} sao",
            "ocop",
            crumbs(("OCOP", "ocop/")),
            intro=ocop_intro,
            extra={"star_links": star_links},
        )

    yield from assessment_pages(catalogue.assessments, catalogue)
    yield from discovery_pages(catalogue)  # /tim-kiem/ and the printable QR sheets

    yield Page(
        "404.html",
        "404.html",
        {"title": "Không tìm thấy trang", "category_groups": groups, "breadcrumbs": []},
    )
