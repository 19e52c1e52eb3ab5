"""The programme's figures (/so-lieu/): counts, shares and monthly growth of a Catalogue, as plain values.

Pure functions over the loaded Catalogue, "today" and each content file's first commit (git
history, site/history.py); no page, no template, no I/O. Only what the catalogue already
publishes is counted: cooperatives and products, never people. A figure is what is online
now: a product removed since is not counted, not even in the month it was added.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from chophien import reference
from chophien.catalogue.model import KINDS, Catalogue, Contact, Cooperative, Product
from chophien.catalogue.orders import contact_links
from chophien.core.text import vi_sorted
from chophien.site.i18n import EN, text_in

# Months are counted in Vietnam's time (UTC+7, no daylight saving): a file committed at 20:00 UTC
# on 30 November was added on 1 December for the people who added it.
VIETNAM = dt.timezone(dt.timedelta(hours=7))
# A phone number is one channel however many ways it is used (call, SMS); Zalo, Messenger, email
# and the marketplaces (all together) are one channel each.
CHANNEL_OF = {"call": "phone", "sms": "phone"}


@dataclass(frozen=True)
class Row:
    """One group (a province, a region, …): its names and what it counts."""

    key: str  # the slug, as in the site's addresses and the reference data
    name: str
    name_en: str
    cooperatives: int
    products: int


@dataclass(frozen=True)
class Stars:
    stars: int
    products: int  # every rated product, as the /ocop/ pages list them
    valid: int  # of which the rating is still valid today (catalogue_pages.ocop_is_valid)


@dataclass(frozen=True)
class Month:
    month: str  # "2026-11"
    cooperatives: int  # added that month
    products: int
    cooperatives_total: int  # online at the end of the month (of those online today)
    products_total: int


@dataclass(frozen=True)
class Figures:
    today: dt.date
    cooperatives: int
    products: int
    by_province: tuple[Row, ...]
    by_region: tuple[Row, ...]
    by_ethnic_group: tuple[Row, ...]
    by_kind: tuple[Row, ...]
    by_category: tuple[Row, ...]
    ocop: tuple[Stars, ...]
    with_photo: int  # products with at least one photo
    with_channels: int  # products a buyer can order through two or more channels
    with_marketplace: int  # cooperatives with a marketplace listing (their own or a product's)
    growth: tuple[Month, ...]
    undated_cooperatives: int  # files git does not know yet: counted above, not in any month
    undated_products: int


def product_province(product: Product):
    """Where a product comes from: its origin province, else its cooperative's (the site's rule)."""
    return product.origin_province or product.cooperative.province


def channels(product: Product) -> set[str]:
    """The distinct ways to order *product* (order_links): phone, zalo, messenger, email, marketplace."""
    found = set(contact_channels(product.contact))
    return found | {"marketplace"} if product.marketplaces else found


@lru_cache(maxsize=4096)
def contact_channels(contact: Contact) -> frozenset[str]:
    """A contact's channels (orders.contact_links, the buttons a product page shows), once per contact:
    most products share their cooperative's."""
    return frozenset(CHANNEL_OF.get(link.channel, link.channel) for link in contact_links(contact))


def has_marketplace(coop: Cooperative, products: Iterable[Product]) -> bool:
    return bool(coop.marketplaces) or any(p.marketplaces for p in products)


@dataclass(frozen=True)
class Kind:
    """A kind of organisation (catalogue.model.KINDS) as a named thing, like the reference data's."""

    slug: str
    name: str
    name_en: str


def kinds() -> tuple[Kind, ...]:
    return tuple(Kind(slug, vi, en) for slug, (vi, en) in KINDS.items())


def _rows(items, coop_keys, product_keys, coops, products, keep_empty: bool) -> tuple[Row, ...]:
    """One Row per item (reference things in display order) with the cooperatives and products whose
    keys (*coop_keys*, *product_keys*: thing → slugs) include it; empty ones only if *keep_empty*."""
    coop_counts = Counter(key for c in coops for key in coop_keys(c))
    product_counts = Counter(key for p in products for key in product_keys(p))
    return tuple(
        Row(
            item.slug, item.name, text_in(item, "name", EN), coop_counts[item.slug], product_counts[item.slug]
        )
        for item in items
        if keep_empty or coop_counts[item.slug] or product_counts[item.slug]
    )


def breakdowns(catalogue: Catalogue) -> dict[str, tuple[Row, ...]]:
    """Cooperatives and products by province, region, ethnic group, kind and category. Regions and
    kinds are few and all shown (zeros too); provinces, ethnic groups and categories only when used."""

    def categories_of(coop: Cooperative) -> set[str]:
        return {p.category.slug for p in catalogue.by_cooperative.get(coop.slug, ())}

    dimensions = {  # items in display order, a cooperative's keys, a product's keys, keep empty rows
        "province": (vi_sorted(reference.provinces(), key=lambda p: p.name),
                     lambda c: (c.province.slug,), lambda p: (product_province(p).slug,), False),
        "region": (reference.regions(), lambda c: (c.province.region,),
                   lambda p: (product_province(p).region,), True),
        "ethnic_group": (vi_sorted(reference.ethnic_groups(), key=lambda g: g.name),
                         lambda c: [g.slug for g in c.ethnic_groups],
                         lambda p: [g.slug for g in p.cooperative.ethnic_groups], False),
        "kind": (kinds(), lambda c: (c.kind,), lambda p: (p.cooperative.kind,), True),
        "category": (reference.categories(), categories_of, lambda p: (p.category.slug,), False),
    }  # fmt: skip
    coops = list(catalogue.cooperatives.values())
    return {
        name: _rows(items, coop_keys, product_keys, coops, catalogue.products, keep_empty)
        for name, (items, coop_keys, product_keys, keep_empty) in dimensions.items()
    }


def ocop_stars(catalogue: Catalogue, today: dt.date) -> tuple[Stars, ...]:
    """Rated products by stars (most first): all ratings, as /ocop/ lists them, and the valid ones."""
    return tuple(
        Stars(stars, len(rated), sum(1 for p in rated if p.ocop.valid_on(today)))
        for stars, rated in sorted(catalogue.by_ocop.items(), reverse=True)
        if rated
    )


def month_of(when: dt.datetime) -> str:
    """'2026-11': the month of *when* in Vietnam's time."""
    return when.astimezone(VIETNAM).strftime("%Y-%m")


def months_between(first: str, last: str) -> list[str]:
    """Every month from *first* to *last* ('2026-11', '2027-01' → three months)."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def growth(
    coop_sources: Iterable[str],
    product_sources: Iterable[str],
    first: Mapping[str, dt.datetime],
    today: dt.date,
) -> tuple[tuple[Month, ...], int, int]:
    """Cooperatives and products added per month (by their file's first commit), from the first
    month any of them was added to today's month, months without additions included (zeros);
    and how many files git does not know (not committed yet: in no month)."""
    coop_sources, product_sources = list(coop_sources), list(product_sources)
    coop_months = Counter(month_of(first[s]) for s in coop_sources if s in first)
    product_months = Counter(month_of(first[s]) for s in product_sources if s in first)
    undated = (
        sum(1 for s in coop_sources if s not in first),
        sum(1 for s in product_sources if s not in first),
    )
    known = sorted(coop_months | product_months)
    if not known:
        return (), *undated
    last = max(known[-1], f"{today.year:04d}-{today.month:02d}")
    months, coops_total, products_total = [], 0, 0
    for month in months_between(known[0], last):
        coops_total += coop_months[month]
        products_total += product_months[month]
        months.append(Month(month, coop_months[month], product_months[month], coops_total, products_total))
    return tuple(months), *undated


def compute(catalogue: Catalogue, today: dt.date, first: Mapping[str, dt.datetime]) -> Figures:
    """Every figure of /so-lieu/ from the catalogue, *today* and the first commit of each file
    (*first*: content path → datetime, as history.git_dates gives; a file not in it is undated)."""
    coops = list(catalogue.cooperatives.values())
    products = catalogue.products
    by = breakdowns(catalogue)
    months, undated_coops, undated_products = growth(
        (c.source for c in coops), (p.source for p in products), first, today
    )
    return Figures(
        today=today,
        cooperatives=len(coops),
        products=len(products),
        by_province=by["province"],
        by_region=by["region"],
        by_ethnic_group=by["ethnic_group"],
        by_kind=by["kind"],
        by_category=by["category"],
        ocop=ocop_stars(catalogue, today),
        with_photo=sum(1 for p in products if p.images),
        with_channels=sum(1 for p in products if len(channels(p)) >= 2),
        with_marketplace=sum(
            1 for c in coops if has_marketplace(c, catalogue.by_cooperative.get(c.slug, ()))
        ),
        growth=months,
        undated_cooperatives=undated_coops,
        undated_products=undated_products,
    )
