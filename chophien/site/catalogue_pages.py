"""From a Catalogue to the list of pages to render: one generator per page family, composed in FAMILIES.

Each family yields its pages (URL from urls.py, template, context); titles and intros are written
in the templates, the context carries data only. Every listing paginates; related products come
from the indexes, so the whole pass is linear in the number of products.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from chophien import reference
from chophien.catalogue.model import Catalogue, Product
from chophien.catalogue.orders import needs_copied_message, order_links, order_message
from chophien.core.text import collation_key, vi_sorted
from chophien.site import urls
from chophien.site.assessment_pages import assessment_pages, cooperative_results
from chophien.site.figures_pages import figures_pages
from chophien.site.i18n import N_
from chophien.site.offline import offline_pages
from chophien.site.order_list import order_list_pages
from chophien.site.page import Named, Page, crumbs, paginate
from chophien.site.self_assessment import self_assessment_pages, self_assessment_url

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
    return bool(product.ocop and product.ocop.valid_on(today))


@dataclass(frozen=True)
class Site:
    """The catalogue and what several families share: reference lists in display order, counts."""

    catalogue: Catalogue
    today: dt.date
    groups: list
    categories: list
    group_counts: dict
    category_counts: dict
    provinces: list  # with at least one product, Vietnamese order
    ethnic_groups: list  # with at least one product, Vietnamese order
    cooperatives: list  # Vietnamese order
    # When each content file was first committed (history.first_commits; /so-lieu/'s growth), and
    # whether the content is sample data (CHOPHIEN_SAMPLE_DATA: the figures' downloads say so).
    first_commits: Mapping[str, dt.datetime] = field(default_factory=dict)
    sample_data: bool = False

    @classmethod
    def of(
        cls,
        catalogue: Catalogue,
        today: dt.date,
        first_commits: Mapping[str, dt.datetime] | None = None,
        sample_data: bool = False,
    ) -> Site:
        groups = reference.category_groups()
        categories = reference.categories()
        return cls(
            catalogue=catalogue,
            today=today,
            groups=groups,
            categories=categories,
            group_counts={g.slug: len(catalogue.by_group.get(g.slug, ())) for g in groups},
            category_counts={c.slug: len(catalogue.by_category.get(c.slug, ())) for c in categories},
            provinces=[
                p
                for p in vi_sorted(reference.provinces(), key=lambda p: p.name)
                if catalogue.by_province.get(p.slug)
            ],
            ethnic_groups=[
                g
                for g in vi_sorted(reference.ethnic_groups(), key=lambda g: g.name)
                if catalogue.by_ethnic_group.get(g.slug)
            ],
            cooperatives=vi_sorted(catalogue.cooperatives.values(), key=lambda c: c.name),
            first_commits=first_commits or {},
            sample_data=sample_data,
        )


def listing_pages(items, base_url: str, kind: str, breadcrumbs, extra=None) -> Iterator[Page]:
    """A listing and its pagination; listing.html names it from *kind* and *extra*."""
    for paginator in paginate(items, base_url):
        context = {
            "listing_kind": kind,
            "paginator": paginator,
            "products": paginator.items,
            "breadcrumbs": breadcrumbs,
        }
        context.update(extra or {})
        yield Page(paginator.url_for(paginator.number), "listing.html", context)


# --- the families, in the order of FAMILIES ----------------------------------------------------------


def home_page(site: Site) -> Iterator[Page]:
    catalogue = site.catalogue
    yield Page(
        urls.home(),
        "index.html",
        {
            "featured": [p for p in catalogue.products if p.featured][:FEATURED_COUNT],
            "category_groups": site.groups,
            "group_counts": site.group_counts,
            "provinces": site.provinces,
            "province_counts": {p.slug: len(catalogue.by_province[p.slug]) for p in site.provinces},
            "product_count": len(catalogue.products),
            "cooperative_count": len(site.cooperatives),
            "breadcrumbs": [],
        },
    )


def product_pages(site: Site) -> Iterator[Page]:
    catalogue = site.catalogue
    for product in catalogue.products:
        links = order_links(product)
        group = reference.category_group_by_slug(product.category.group)
        yield Page(
            urls.product(product),
            "product.html",
            {
                "product": product,
                "coop": product.cooperative,
                "order_links": links,
                "order_message": order_message(product),
                "show_message": needs_copied_message(links),
                "related": related_products(product, catalogue),
                "ocop_valid": ocop_is_valid(product, site.today),
                "breadcrumbs": crumbs(
                    (group, urls.category(group.slug)),
                    (product.category, urls.category(product.category.slug)),
                ),
            },
        )


def cooperative_pages(site: Site) -> Iterator[Page]:
    """The directory of cooperatives, then each cooperative's page."""
    catalogue = site.catalogue
    yield Page(
        urls.cooperatives(),
        "cooperatives.html",
        {
            "cooperatives": site.cooperatives,
            "product_counts": {
                c.slug: len(catalogue.by_cooperative.get(c.slug, ())) for c in site.cooperatives
            },
            "breadcrumbs": crumbs(),
        },
    )
    for coop in site.cooperatives:
        yield Page(
            urls.cooperative(coop),
            "cooperative.html",
            {
                "coop": coop,
                "products": catalogue.by_cooperative.get(coop.slug, []),
                "assessment_results": cooperative_results(catalogue.assessments, coop.slug),
                "self_assessment": self_assessment_url(catalogue.assessments),
                "breadcrumbs": crumbs(
                    (N_("Hợp tác xã"), urls.cooperatives()),
                    (coop.province, urls.province(coop.province.slug)),
                ),
            },
        )


def all_products_pages(site: Site) -> Iterator[Page]:
    yield from listing_pages(site.catalogue.products, urls.products(), "all", crumbs())


def category_pages(site: Site) -> Iterator[Page]:
    """The directory of categories, then each group's and each category's listing (not empty ones)."""
    catalogue, counts = site.catalogue, site.category_counts
    yield Page(
        urls.categories(),
        "directory.html",
        {
            "directory_kind": "categories",
            "category_groups": site.groups,
            "categories": site.categories,
            "group_counts": site.group_counts,
            "category_counts": counts,
            "breadcrumbs": crumbs(),
        },
    )
    for group in site.groups:
        if not site.group_counts[group.slug]:
            continue  # nothing links to an empty listing
        subcategories = [c for c in site.categories if c.group == group.slug and counts[c.slug]]
        yield from listing_pages(
            catalogue.by_group.get(group.slug, []),
            urls.category(group.slug),
            "group",
            crumbs((N_("Danh mục"), urls.categories())),
            extra={"group": group, "subcategories": subcategories, "category_counts": counts},
        )
    for category in site.categories:
        if not counts[category.slug]:
            continue
        group = reference.category_group_by_slug(category.group)
        yield from listing_pages(
            catalogue.by_category.get(category.slug, []),
            urls.category(category.slug),
            "category",
            crumbs((N_("Danh mục"), urls.categories()), (group, urls.category(group.slug))),
            extra={"category": category},
        )


def _directory_and_listings(kind: str, items, index: dict, url_of, directory_url: str, label: str, note):
    """A directory of *items* (name, listing address, product count, note), then one listing per item."""
    yield Page(
        directory_url,
        "directory.html",
        {
            "directory_kind": f"{kind}s",
            "entries": [
                (Named(item), url_of(item.slug), len(index[item.slug]), note(item)) for item in items
            ],
            "breadcrumbs": crumbs(),
        },
    )
    for item in items:
        yield from listing_pages(
            index[item.slug], url_of(item.slug), kind, crumbs((label, directory_url)), extra={kind: item}
        )


def province_pages(site: Site) -> Iterator[Page]:
    """Provinces with their former names (after the 2025 merger), then one listing per province."""
    yield from _directory_and_listings(
        "province",
        site.provinces,
        site.catalogue.by_province,
        urls.province,
        urls.provinces(),
        N_("Tỉnh, thành phố"),
        lambda p: ", ".join(p.former) if p.former and len(p.former) > 1 else "",
    )


def ethnic_group_pages(site: Site) -> Iterator[Page]:
    yield from _directory_and_listings(
        "ethnic_group",
        site.ethnic_groups,
        site.catalogue.by_ethnic_group,
        urls.ethnic_group,
        urls.ethnic_groups(),
        N_("Dân tộc"),
        lambda _group: "",
    )


def ocop_pages(site: Site) -> Iterator[Page]:
    """Every OCOP product (most stars first), then one listing per star level."""
    by_ocop = site.catalogue.by_ocop
    star_levels = sorted(by_ocop, reverse=True)
    ocop_products = sorted(
        (p for stars in star_levels for p in by_ocop[stars]),
        key=lambda p: (-p.ocop.stars, collation_key(p.name)),
    )
    star_links = [(stars, urls.ocop_stars(stars), len(by_ocop[stars])) for stars in star_levels]
    yield from listing_pages(
        ocop_products, urls.ocop(), "ocop", crumbs(), extra={"star_links": star_links, "stars": None}
    )
    for stars in star_levels:
        yield from listing_pages(
            by_ocop[stars],
            urls.ocop_stars(stars),
            "ocop",
            crumbs(("OCOP", urls.ocop())),
            extra={"star_links": star_links, "stars": stars},
        )


def assessment_family(site: Site) -> Iterator[Page]:
    yield from assessment_pages(site.catalogue.assessments, site.catalogue)
    yield from self_assessment_pages(site.catalogue.assessments, site.catalogue)


def figures_family(site: Site) -> Iterator[Page]:
    """/so-lieu/, the programme's figures, and their downloads (site/figures_pages.py)."""
    yield from figures_pages(site.catalogue, site.today, site.first_commits, site.sample_data)


def search_page(site: Site) -> Iterator[Page]:
    """/tim-kiem/ and its filters: only values some product or cooperative has."""
    catalogue = site.catalogue
    products = catalogue.products
    used_categories = {p.category.slug for p in products}
    category_options = [
        (g, [c for c in site.categories if c.group == g.slug and c.slug in used_categories])
        for g in site.groups
    ]
    # Reference objects, not names: each edition's page shows (and filters by) their name in its
    # language, the value its records carry (site/search.py).
    provinces = {pr.origin_province or pr.cooperative.province for pr in products}
    provinces |= {c.province for c in catalogue.cooperatives.values()}
    certifications = {h.certification for p in products for h in p.certifications}
    certifications |= {h.certification for c in catalogue.cooperatives.values() for h in c.certifications}
    yield Page(
        urls.search(),
        "search.html",
        {
            "noindex": True,
            "category_options": [(group, items) for group, items in category_options if items],
            "province_options": vi_sorted(provinces, key=lambda p: p.name),
            "ocop_options": sorted(catalogue.by_ocop, reverse=True),
            "certification_options": vi_sorted(certifications, key=lambda c: c.name),
            "category_groups": site.groups,
            "group_counts": site.group_counts,
            "breadcrumbs": crumbs(),
        },
    )


def print_sheets(site: Site) -> Iterator[Page]:
    """Each cooperative's printable A4 price list with QR codes."""
    for coop in site.cooperatives:
        yield Page(
            urls.print_sheet(coop),
            "print_sheet.html",
            {
                "noindex": True,
                "coop": coop,
                "products": site.catalogue.by_cooperative.get(coop.slug, []),
                "breadcrumbs": crumbs(
                    (N_("Hợp tác xã"), urls.cooperatives()), (coop, urls.cooperative(coop))
                ),
            },
        )


def order_list_family(site: Site) -> Iterator[Page]:
    """/don-hang/ and each cooperative's don-hang.json (site/order_list.py)."""
    yield from order_list_pages(site.cooperatives, site.catalogue.by_cooperative)


def not_found_page(site: Site) -> Iterator[Page]:
    yield Page(
        urls.not_found(),
        "404.html",
        {"category_groups": site.groups, "group_counts": site.group_counts, "breadcrumbs": []},
    )


def offline_family(_site: Site) -> Iterator[Page]:
    """The offline page, the web app manifest and the site's service worker (offline.py)."""
    yield from offline_pages()


FAMILIES: tuple[Callable[[Site], Iterator[Page]], ...] = (
    home_page,
    product_pages,
    cooperative_pages,
    all_products_pages,
    category_pages,
    province_pages,
    ethnic_group_pages,
    ocop_pages,
    assessment_family,
    figures_family,
    search_page,
    print_sheets,
    order_list_family,
    not_found_page,
    offline_family,
)


def build_pages(
    catalogue: Catalogue,
    today: dt.date,
    first_commits: Mapping[str, dt.datetime] | None = None,
    sample_data: bool = False,
) -> Iterator[Page]:
    """Every page of the catalogue, in a stable order: FAMILIES, one after the other.

    *first_commits*: each content file's first commit (history.first_commits), for /so-lieu/."""
    site = Site.of(catalogue, today, first_commits, sample_data)
    for family in FAMILIES:
        yield from family(site)
