"""The programme's figures (/so-lieu/): counts, shares and monthly growth of a Catalogue, as plain values.

Pure functions over the loaded Catalogue, "today" and each content file's first commit (git
history, site/history.py); no page, no template, no I/O. Only what the catalogue already
publishes is counted: cooperatives and products, never people. A figure is what is online
now: a product removed since is not counted, not even in the month it was added.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from chophien import reference
from chophien.catalogue.model import KINDS, Catalogue, Cooperative, Product
from chophien.catalogue.orders import order_links
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
    return {CHANNEL_OF.get(link.channel, link.channel) for link in order_links(product)}


def has_marketplace(coop: Cooperative, products: Iterable[Product]) -> bool:
    return bool(coop.marketplaces) or any(p.marketplaces for p in products)


def _rows(items, key_of, name_of, coops_of: Callable, products_of: Callable, keep_empty=False):
    """One Row per item (in the given order); items with nothing are left out unless *keep_empty*."""
    rows = []
    for item in items:
        key = key_of(item)
        coops, products = coops_of(key), products_of(key)
        if coops or products or keep_empty:
            rows.append(Row(key, name_of(item, "vi"), name_of(item, EN), coops, products))
    return tuple(rows)


def _named(item, lang: str) -> str:
    return text_in(item, "name", lang)


def breakdowns(catalogue: Catalogue) -> dict[str, tuple[Row, ...]]:
    """Cooperatives and products by province, region, ethnic group, kind and category."""
    coops = list(catalogue.cooperatives.values())
    products = catalogue.products
    coop_province = Counter(c.province.slug for c in coops)
    product_province_ = Counter(product_province(p).slug for p in products)
    region_of = {p.slug: p.region for p in reference.provinces()}
    coop_region = Counter(region_of[c.province.slug] for c in coops)
    product_region = Counter(region_of[product_province(p).slug] for p in products)
    coop_group = Counter(g.slug for c in coops for g in c.ethnic_groups)
    product_group = Counter(g.slug for p in products for g in p.cooperative.ethnic_groups)
    coop_kind = Counter(c.kind for c in coops)
    product_kind = Counter(p.cooperative.kind for p in products)
    coop_category = Counter(
        slug for c in coops for slug in {p.category.slug for p in catalogue.by_cooperative.get(c.slug, ())}
    )
    product_category = Counter(p.category.slug for p in products)
    slug = lambda item: item.slug  # noqa: E731
    return {
        "province": _rows(
            vi_sorted(reference.provinces(), key=lambda p: p.name), slug, _named,
            coop_province.__getitem__, product_province_.__getitem__,
        ),
        "region": _rows(
            reference.regions(), slug, _named, coop_region.__getitem__, product_region.__getitem__, True
        ),
        "ethnic_group": _rows(
            vi_sorted(reference.ethnic_groups(), key=lambda g: g.name), slug, _named,
            coop_group.__getitem__, product_group.__getitem__,
        ),
        "kind": _rows(
            KINDS, lambda k: k, lambda k, lang: KINDS[k][1 if lang == EN else 0],
            coop_kind.__getitem__, product_kind.__getitem__, True,
        ),
        "category": _rows(
            reference.categories(), slug, _named, coop_category.__getitem__, product_category.__getitem__
        ),
    }  # fmt: skip


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
