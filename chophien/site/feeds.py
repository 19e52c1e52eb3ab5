"""sitemap.xml, robots.txt, Atom feeds of new and updated products, and a Google Merchant feed.

Pure text builders: every URL is absolute (seo.public_base, urls.absolute) and every date comes from
history.file_dates, so the same content and history give byte-identical files. Every value
goes through `_text`/`_attr`: XML 1.0 forbids most control characters even escaped, so one
stray character would make a whole feed unreadable; the strict reader already rejects them
in content, this keeps settings, page titles and anything else from breaking a feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from chophien import reference
from chophien.catalogue.model import Cooperative, Product
from chophien.core.text import remove_unsafe
from chophien.photos.model import ProcessedImage
from chophien.site import urls
from chophien.site.seo import availability, largest_jpeg, product_description, share_image
from chophien.site.urls import absolute

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org); past it, an index of several files
FEED_ENTRIES = 50
MERCHANT_IMAGES = 10  # Google: up to 10 additional_image_link
MERCHANT_AVAILABILITY = {
    "in_stock": "in_stock",
    "out_of_stock": "out_of_stock",
    # "Đặt trước" products are ordered now and made or harvested for the buyer. Google's
    # `preorder` requires a release date the content does not have, so they are offered in stock.
    "preorder": "in_stock",
}

Dates = dict[str, tuple[dt.datetime, dt.datetime]]  # content path → (published, updated)


def _text(value: str) -> str:
    """Character data: no control, invisible or non-XML character, `&<>` escaped."""
    return escape(remove_unsafe(value))


def _attr(value: str) -> str:
    """A quoted attribute value, cleaned like `_text`."""
    return quoteattr(remove_unsafe(value))


# RFC 3986 characters a sitemap URL may keep; anything else (spaces, non-ASCII) is %-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def _loc(url: str) -> str:
    return _text(quote(remove_unsafe(url), safe=_URL_SAFE))


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- sitemap and robots.txt ---------------------------------------------------------------


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # absolute
    lastmod: dt.date | None = None
    # The page in every edition, itself included, as (hreflang, absolute URL); the first is x-default.
    alternates: tuple[tuple[str, str], ...] = ()


def _alternates(entry: SitemapEntry) -> str:
    """Google's form for a multilingual sitemap: every URL lists all its editions, itself included."""
    if not entry.alternates:
        return ""
    links = [(lang, url) for lang, url in entry.alternates] + [("x-default", entry.alternates[0][1])]
    return "".join(
        f'<xhtml:link rel="alternate" hreflang="{lang}" href="{_loc(url)}"/>' for lang, url in links
    )


def _urlset(entries: list[SitemapEntry]) -> str:
    multilingual = any(entry.alternates for entry in entries)
    xhtml = ' xmlns:xhtml="http://www.w3.org/1999/xhtml"' if multilingual else ""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{xhtml}>',
    ]
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        lines.append(f"<url><loc>{_loc(entry.url)}</loc>{lastmod}{_alternates(entry)}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemaps(base: str, entries: Iterable[SitemapEntry], limit: int = SITEMAP_LIMIT) -> dict[str, str]:
    """{file name: XML}: `sitemap.xml`, or an index of `sitemap-N.xml` past *limit* URLs.

    Each URL appears once (the first entry wins).
    """
    seen: dict[str, SitemapEntry] = {}
    for entry in entries:
        seen.setdefault(entry.url, entry)
    unique = list(seen.values())
    if len(unique) <= limit:
        return {urls.sitemap(): _urlset(unique)}
    files = {}
    for number, start in enumerate(range(0, len(unique), limit), 1):
        files[urls.sitemap_part(number)] = _urlset(unique[start : start + limit])
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    index += [f"<sitemap><loc>{_loc(absolute(base, name))}</loc></sitemap>" for name in files]
    index.append("</sitemapindex>")
    files[urls.sitemap()] = "\n".join(index) + "\n"
    return files


# A pull request's preview (CHOPHIEN_PREVIEW): nothing of it is for crawlers. Under a sub-path
# crawlers never read it; every page's `<meta name="robots" content="noindex">` is what counts.
PREVIEW_ROBOTS_TXT = "User-agent: *\nDisallow: /\n"


def robots_txt(base: str, path: str) -> str:
    """Allow everything buyers read; keep the editors' CMS and the search bundle out.

    Crawlers read robots.txt only at a host's root: under a sub-path (a GitHub project site)
    this file is ignored and the sitemap must be submitted to search engines directly.
    """
    return (
        "User-agent: *\n"
        f"Disallow: {path}/{urls.admin()}\n"
        f"Disallow: {path}/{urls.search_bundle()}\n"
        "\n"
        f"Sitemap: {absolute(base, urls.sitemap())}\n"
    )


# --- Atom ---------------------------------------------------------------------------------


def recent(products: Iterable[Product], dates: Dates, limit: int = FEED_ENTRIES) -> list[Product]:
    """Most recently changed first; ties by the product's path, so the order is stable."""
    ordered = sorted(products, key=lambda p: p.key)
    ordered.sort(key=lambda p: dates[p.source][1], reverse=True)
    return ordered[:limit]


def _entry(
    product: Product, base: str, dates: Dates, images: dict[str, ProcessedImage], media_url: str = ""
) -> str:
    url = absolute(base, urls.product(product))
    published, updated = dates[product.source]
    picture = share_image(product.images[0] if product.images else None, images, base, media_url)
    html = ""
    if picture:
        html += f'<p><img src="{_text(picture.url)}" width="{picture.width}" height="{picture.height}" alt={_attr(picture.alt)}></p>'
    html += f"<p>{_text(product_description(product))}</p>"
    coop = product.cooperative
    return (
        "<entry>"
        f"<id>{_text(url)}</id>"
        f"<title>{_text(product.name)}</title>"
        f'<link rel="alternate" type="text/html" href={_attr(url)}/>'
        f"<published>{_iso(published)}</published>"
        f"<updated>{_iso(updated)}</updated>"
        f"<author><name>{_text(coop.name)}</name><uri>{_text(absolute(base, urls.cooperative(coop)))}</uri></author>"
        f"<category term={_attr(product.category.slug)} label={_attr(product.category.name)}/>"
        f"<summary>{_text(product_description(product))}</summary>"
        f'<content type="html">{_text(html)}</content>'
        "</entry>"
    )


def atom_feed(
    *,
    base: str,
    path: str,
    title: str,
    page_url: str,
    products: list[Product],
    dates: Dates,
    images: dict[str, ProcessedImage],
    fallback_updated: dt.datetime,
    media_url: str = "",
) -> str:
    """An Atom feed (RFC 4287) at *path*, linking to the HTML page at *page_url* (photos from
    *media_url*, CHOPHIEN_MEDIA_URL, when set)."""
    updated = max((dates[p.source][1] for p in products), default=fallback_updated)
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">'
        f"<id>{_text(absolute(base, path))}</id>"
        f"<title>{_text(title)}</title>"
        f"<updated>{_iso(updated)}</updated>"
        f'<link rel="self" type="application/atom+xml" href={_attr(absolute(base, path))}/>'
        f'<link rel="alternate" type="text/html" href={_attr(absolute(base, page_url))}/>'
        "<generator>Chợ phiên</generator>"
    )
    body = "\n".join(_entry(p, base, dates, images, media_url) for p in products)
    return f"{head}\n{body}\n</feed>\n"


def site_feed(
    base: str, sitename: str, products, dates: Dates, images, fallback_updated, media_url: str = ""
) -> str:
    return atom_feed(
        base=base,
        path=urls.site_feed(),
        title=f"{sitename} – sản phẩm mới và cập nhật",
        page_url=urls.products(),
        products=recent(products, dates),
        dates=dates,
        images=images,
        fallback_updated=fallback_updated,
        media_url=media_url,
    )


def cooperative_feed(
    base: str, coop: Cooperative, products, dates: Dates, images, media_url: str = ""
) -> str:
    return atom_feed(
        base=base,
        path=urls.cooperative_feed(coop),
        title=f"{coop.name} – sản phẩm mới và cập nhật",
        page_url=urls.cooperative(coop),
        products=recent(products, dates),
        dates=dates,
        images=images,
        fallback_updated=dates[coop.source][1],
        media_url=media_url,
    )


# --- Google Merchant Center ---------------------------------------------------------------


def merchant_item(
    product: Product, base: str, images: dict[str, ProcessedImage], today: dt.date, media_url: str = ""
) -> str | None:
    """One <item>, or None when Google would reject it (no price, or no photo)."""
    if product.price is None:
        return None
    pictures = [url for url in (largest_jpeg(i, images, base, media_url) for i in product.images) if url]
    if not pictures:
        return None
    group = reference.category_group_by_slug(product.category.group)
    description = product.summary or product.name
    fields = [
        ("g:id", product.code),
        ("g:title", product.name[:150]),
        ("g:description", description[:5000]),
        ("g:link", absolute(base, urls.product(product))),
        ("g:image_link", pictures[0]),
        *[("g:additional_image_link", url) for url in pictures[1 : 1 + MERCHANT_IMAGES]],
        ("g:availability", MERCHANT_AVAILABILITY[availability(product, today)]),
        ("g:price", f"{product.price} VND"),
        ("g:condition", "new"),
        ("g:brand", product.cooperative.short_name[:70]),
        ("g:identifier_exists", "no"),
        ("g:product_type", f"{group.name} > {product.category.name}"),
    ]
    return "<item>" + "".join(f"<{tag}>{_text(value)}</{tag}>" for tag, value in fields) + "</item>"


def merchant_feed(
    base: str, sitename: str, tagline: str, products, images, today: dt.date, media_url: str = ""
) -> str:
    """Google Merchant Center product data in RSS 2.0 with the `g:` namespace.

    Products priced "Liên hệ" or without a photo are left out: Google requires both.
    """
    items = [item for item in (merchant_item(p, base, images, today, media_url) for p in products) if item]
    left_out = len(list(products)) - len(items)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n'
        f"<channel><title>{_text(sitename)}</title><link>{_text(absolute(base, urls.home()))}</link>"
        f"<description>{_text(tagline)}</description>\n"
        f"<!-- {len(items)} sản phẩm; {left_out} sản phẩm giá Liên hệ hoặc chưa có ảnh không có trong nguồn này -->\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )
