"""The national site: members' catalogues as listing cards, and the page families of a national build.

A national build (`CHOPHIEN_FEDERATION`, docs/federation.md) publishes no product pages of its
own: its listings (all products, categories, provinces, ethnic groups, OCOP) and its search link
to the members' product pages. The members' products are adapted here into objects with the
attributes the theme's product card reads (`NationalProduct`, `NationalCooperative`,
`NationalPhoto`), put into an ordinary `Catalogue` whose indexes the existing listing families
(catalogue_pages) page through unchanged. Whatever a member sent is re-checked: slugs against the
reference data, every address must be http(s) and on an origin the owner named in
federation.yaml; an item that fails is left out, never the build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from chophien import reference
from chophien.catalogue.model import STATUSES, Catalogue
from chophien.core.text import collation_key, vi_sorted
from chophien.federation.model import origin_of
from chophien.site import urls
from chophien.site.catalogue_pages import (
    Site,
    all_products_pages,
    category_pages,
    ethnic_group_pages,
    home_page,
    not_found_page,
    ocop_pages,
    offline_family,
    province_pages,
    search_page,
)
from chophien.site.i18n import N_
from chophien.site.page import Page

CERTIFICATIONS = {c.slug: c for c in reference.certifications()}
# How a member's catalogue came to this build (shown on the home page).
FRESH, PREVIOUS, MISSING = "fresh", "previous", "missing"


@dataclass(frozen=True)
class MemberState:
    """One member of federation.yaml and what this build has of it."""

    name: str
    url: str  # the member site's address, ending in "/"
    province: object  # reference.Province, or None when federation.yaml names none
    search: str  # the member's Pagefind folder (absolute), "" when unknown
    status: str  # FRESH, PREVIOUS (the copy of an earlier build: member down) or MISSING
    generated: str = ""  # the member catalogue's date
    products: int = 0


@dataclass(frozen=True)
class NationalPhoto:
    """A member's photo, by its absolute addresses (the card's <picture>, templating.remote_picture)."""

    jpg: str
    webp: str
    avif: str
    width: int
    height: int
    alt: str
    remote: bool = True
    source: str = ""  # no local file: templating's photo() finds nothing under it


@dataclass(frozen=True)
class NationalOcop:
    stars: int
    year: int | None = None
    expires: dt.date | None = None


@dataclass(frozen=True)
class NationalHeld:
    """A certification a member's product holds (the search page's filter lists its name)."""

    certification: object  # reference.Certification


@dataclass(frozen=True)
class NationalCooperative:
    key: str  # "<member number>/<slug>": unique across members
    slug: str
    name: str
    short_name: str
    province: object  # reference.Province
    ethnic_groups: tuple = ()
    certifications: tuple = ()
    url: str = ""  # absolute, on the member's site


@dataclass(frozen=True)
class NationalProduct:
    """A member's product, with what the product card and the listings read."""

    key: str
    slug: str
    code: str
    name: str
    url: str  # absolute: the member's product page
    price: int | None
    unit: str
    status: str
    category: object  # reference.Category
    origin_province: object  # reference.Province
    cooperative: NationalCooperative
    member: str  # the member site's name, shown on the card
    ocop: NationalOcop | None = None
    certifications: tuple = ()
    images: tuple = ()
    summary: str = ""
    remote: bool = True
    featured: bool = False
    sort_key: tuple | None = field(default=None, compare=False)


def origin(url: str) -> str:
    """ "https://a.example.vn:443/x/" → "https://a.example.vn" (federation.model.origin_of, so both
    sides compare the same forms); "" for anything not http(s) or with a user name in it."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.username or parts.password:
        return ""
    return origin_of(url)


def _safe_url(url, origins: frozenset[str]) -> str:
    """*url* when it is an http(s) address on one of *origins*, without spaces or quotes; else ""."""
    if not isinstance(url, str) or len(url) > 2000 or any(c in url for c in " \"'<>\\`\n\r\t"):
        return ""
    return url if origin(url) in origins else ""


def _lookup(find, slug):
    try:
        return find(slug) if isinstance(slug, str) else None
    except (KeyError, ValueError, LookupError):
        return None


def _text(value, limit: int = 300) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


def _photo(photo, image_origins: frozenset[str]) -> NationalPhoto | None:
    if photo is None:
        return None
    jpg = _safe_url(getattr(photo, "jpg", None), image_origins)
    width, height = getattr(photo, "w", None), getattr(photo, "h", None)
    if not jpg or not all(isinstance(v, int) and 0 < v <= 10_000 for v in (width, height)):
        return None  # no photo rather than a request to an origin the owner did not name
    return NationalPhoto(
        jpg=jpg,
        webp=_safe_url(getattr(photo, "webp", None), image_origins),
        avif=_safe_url(getattr(photo, "avif", None), image_origins),
        width=width,
        height=height,
        alt=_text(getattr(photo, "alt", ""), 200),
    )


def member_products(
    number: int, member_name: str, catalogue, page_origins: frozenset[str], image_origins: frozenset[str]
) -> tuple[list[NationalCooperative], list[NationalProduct]]:
    """One member's cooperatives and products, re-checked: what fails a check is left out."""
    coops: dict[str, NationalCooperative] = {}
    for remote in getattr(catalogue, "cooperatives", ()) or ():
        slug = getattr(remote, "slug", None)
        province = _lookup(reference.province_by_slug, getattr(remote, "province", None))
        url = _safe_url(getattr(remote, "url", None), page_origins)
        name = _text(getattr(remote, "name", ""), 200)
        if not isinstance(slug, str) or not slug or province is None or not name or slug in coops:
            continue
        groups = tuple(
            g
            for g in (
                _lookup(reference.ethnic_group_by_slug, s) for s in getattr(remote, "ethnic_groups", ()) or ()
            )
            if g is not None
        )
        coops[slug] = NationalCooperative(
            key=f"{number}/{slug}",
            slug=slug,
            name=name,
            short_name=_text(getattr(remote, "short_name", ""), 100) or name,
            province=province,
            ethnic_groups=groups,
            url=url,
        )
    products: list[NationalProduct] = []
    seen: set[str] = set()
    for remote in getattr(catalogue, "products", ()) or ():
        coop = coops.get(getattr(remote, "cooperative", None))
        slug = getattr(remote, "slug", None)
        url = _safe_url(getattr(remote, "url", None), page_origins)
        category = _lookup(reference.category_by_slug, getattr(remote, "category", None))
        name = _text(getattr(remote, "name", ""), 200)
        if coop is None or not isinstance(slug, str) or not url or category is None or not name:
            continue
        key = f"{coop.key}/{slug}"
        if key in seen:
            continue
        seen.add(key)
        price = getattr(remote, "price", None)
        if not (isinstance(price, int) and not isinstance(price, bool) and 0 <= price < 10**12):
            price = None
        status = getattr(remote, "status", "")
        ocop = getattr(remote, "ocop", None)
        stars = getattr(ocop, "stars", None)
        year = getattr(ocop, "year", None)
        expires = getattr(ocop, "expires", None)
        province = _lookup(reference.province_by_slug, getattr(remote, "province", None)) or coop.province
        photo = _photo(getattr(remote, "photo", None), image_origins)
        held = tuple(
            NationalHeld(CERTIFICATIONS[slug])
            for slug in getattr(remote, "certifications", ()) or ()
            if isinstance(slug, str) and slug in CERTIFICATIONS
        )
        products.append(
            NationalProduct(
                key=key,
                slug=slug,
                code=_text(getattr(remote, "code", ""), 40),
                name=name,
                url=url,
                price=price,
                unit=_text(getattr(remote, "unit", ""), 60) if price is not None else "",
                status=status if status in STATUSES else "con-hang",
                category=category,
                origin_province=province,
                cooperative=coop,
                member=member_name,
                ocop=NationalOcop(
                    stars,
                    year if isinstance(year, int) else None,
                    expires if isinstance(expires, dt.date) else None,
                )
                if stars in (3, 4, 5)
                else None,
                certifications=held,
                images=(photo,) if photo else (),
                summary=_text(getattr(remote, "summary", ""), 300),
                sort_key=(collation_key(name), key),
            )
        )
    return list(coops.values()), products


@dataclass
class National:
    """What a national build publishes: the members' states and one catalogue of their products."""

    members: list[MemberState]
    catalogue: Catalogue
    img_origins: tuple[str, ...]  # for the CSP's img-src (federation.yaml's page and media origins)
    connect_origins: tuple[str, ...]  # for connect-src: the members' search bundles


def join(entries: Sequence) -> National:
    """*entries*: (member, catalogue or None, status) per member of federation.yaml, in its order.

    A member is any object with `name`, `url`, optionally `province` (slug), `media` (its media
    origin, when photos are served elsewhere) and `search`.
    """
    catalogue = Catalogue()
    members: list[MemberState] = []
    img_origins: list[str] = []
    connect_origins: list[str] = []
    for number, (member, remote, status) in enumerate(entries, start=1):
        url = getattr(member, "url", "")
        site_origin = origin(url)
        media = [origin(m) for m in _as_list(getattr(member, "media", None))]
        pages = frozenset(o for o in (site_origin,) if o)
        images = frozenset(o for o in (site_origin, *media) if o)
        for o in sorted(images, key=lambda o: (o != site_origin, o)):
            if o not in img_origins:
                img_origins.append(o)
        search = _safe_url(getattr(remote, "search", None), pages) if remote is not None else ""
        search = search or (f"{url}{urls.search_bundle()}" if site_origin else "")
        if site_origin and site_origin not in connect_origins:
            connect_origins.append(site_origin)
        count = 0
        if remote is not None and site_origin:
            coops, products = member_products(number, member.name, remote, pages, images)
            for coop in coops:
                catalogue.cooperatives[coop.key] = coop
            catalogue.products.extend(products)
            count = len(products)
        generated = getattr(remote, "generated", "") if remote is not None else ""
        members.append(
            MemberState(
                name=_text(getattr(member, "name", ""), 200),
                url=url if site_origin else "",
                province=_lookup(reference.province_by_slug, getattr(member, "province", None)),
                search=search if remote is not None else "",
                status=status if remote is not None else MISSING,
                generated=str(generated or ""),
                products=count,
            )
        )
    catalogue.index()
    return National(members, catalogue, tuple(img_origins), tuple(connect_origins))


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value or () if isinstance(v, str)]


# --- the page families of a national build --------------------------------------------------------


def members_by_province(members: list[MemberState]) -> list[tuple[str, list[MemberState]]]:
    """The home page's list: provinces in Vietnamese order, members by name; members without one last."""
    groups: dict[str, list[MemberState]] = {}
    for member in members:
        groups.setdefault(member.province.name if member.province else "", []).append(member)
    named = vi_sorted((name for name in groups if name), key=lambda n: n)
    ordered = [(name, vi_sorted(groups[name], key=lambda m: m.name)) for name in named]
    if "" in groups:
        ordered.append((N_("Khác"), vi_sorted(groups[""], key=lambda m: m.name)))
    return ordered


def national_home(site: Site, national: National) -> Iterator[Page]:
    """The site's own home page, without featured products, with the members by province."""
    for page in home_page(site):
        context = {**page.context, "featured": [], "members": members_by_province(national.members)}
        yield Page(page.url, page.template, context)


def national_search(site: Site, national: National) -> Iterator[Page]:
    """/tim-kiem/ with the members' search bundles, for search.js to merge (mergeIndex)."""
    searchable = [{"url": m.url, "search": m.search} for m in national.members if m.search and m.url]
    for page in search_page(site):
        yield Page(page.url, page.template, {**page.context, "search_members": searchable})


def national_pages(national: National, today: dt.date) -> Iterator[Page]:
    """Every page of a national build, in a stable order (no product or cooperative pages)."""
    site = Site.of(national.catalogue, today)
    yield from national_home(site, national)
    for family in (all_products_pages, category_pages, province_pages, ethnic_group_pages, ocop_pages):
        yield from family(site)
    yield from national_search(site, national)
    yield from not_found_page(site)
    yield from offline_family(site)


# --- the members' catalogues for a build -----------------------------------------------------------


def gather(settings, cache_dir: str) -> National:
    """federation.yaml read and every member's catalogue fetched (chophien/federation), joined.

    A mistake in federation.yaml stops the build with every problem listed (it is the site's own
    content); a member that fails only costs its products (its previous copy when there is one),
    with a warning naming it.
    """
    import sys
    from pathlib import Path

    from chophien.core.problems import render_human
    from chophien.federation.fetch import NOT_MODIFIED, FetchOptions, fetch_all, summary
    from chophien.federation.members import read_members

    members, problems = read_members(Path(settings.federation))
    if problems:
        print(render_human(problems, settings.lang), file=sys.stderr)
    if problems.errors:
        raise SystemExit(1)
    fetched = fetch_all(members, cache_dir, FetchOptions.from_settings(settings))
    for result in fetched:
        for problem in result.problems:
            print(problem.render(settings.lang), file=sys.stderr)
    print(summary(fetched), file=sys.stderr)
    return join([(f.member, f.catalogue, FRESH if f.status == NOT_MODIFIED else f.status) for f in fetched])
