"""The buyer's order list: the /don-hang/ page and each cooperative's order data (`don-hang.json`) it re-reads.

`hop-tac-xa/<slug>/don-hang.json` (version 1, docs/phone.md) carries what the list on a phone needs
to check its lines against the current release: each product's code, name, unit, price (None for
"Liên hệ"), status and smallest photo; the cooperative's channels, as orders.contact_links gives them
(bare `sms:`/`mailto:` addresses the list's script fills with its own message); and what "Lưu để xem
khi mất sóng" downloads for the cooperative (its pages, the smallest photo of each product in each
format with its real size in bytes, an estimate of the pages' bytes as transferred).

The file keeps one name from release to release (a list saved on a phone must find it again), so it
is served with the pages' short cache and revalidated, not fingerprinted. It is rendered as a Page
from a template (`tojson`); the template asks the `order_data` global (templating.install), which
knows the processed photos and their sizes, for the dictionary built here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from chophien.catalogue.model import Cooperative, Image, Product
from chophien.catalogue.orders import contact_links
from chophien.photos.model import Derivative, ProcessedImage
from chophien.site import urls
from chophien.site.page import Page, crumbs

VERSION = 1
TEMPLATE = "order_list.html"
DATA_TEMPLATE = "order_data.html"
FORMATS = ("avif", "webp", "jpg")
# Estimated bytes of a page as a phone receives it (gzip, a little more than Brotli), measured on the sample site's pages
# (docs/phone.md): a product page, a cooperative page without products, and each product card it shows.
PRODUCT_PAGE_BYTES = 4_800
COOPERATIVE_PAGE_BYTES = 3_200
CARD_BYTES = 300

PhotoOf = Callable[[Image | None], ProcessedImage | None]
BytesOf = Callable[[Derivative], int]


def smallest(info: ProcessedImage | None) -> dict[str, Derivative] | None:
    """The narrowest derivative of *info* in every format, or None without a usable photo."""
    if info is None or not all(info.variants(fmt) for fmt in FORMATS):
        return None
    return {fmt: min(info.variants(fmt), key=lambda d: (d.width, d.name)) for fmt in FORMATS}


def photo_entry(thumbs: dict[str, Derivative] | None, media_url: str = "") -> dict | None:
    """The smallest photo in each format: relative to the site root, or absolute under CHOPHIEN_MEDIA_URL."""
    if thumbs is None:
        return None
    entry: dict = {fmt: urls.media_address(d.name, None, media_url) for fmt, d in thumbs.items()}
    entry.update(w=thumbs["jpg"].width, h=thumbs["jpg"].height)
    return entry


def channels(coop: Cooperative) -> list[dict]:
    """The cooperative's direct channels (orders.contact_links, without a message)."""
    return [
        {"channel": link.channel, "label": link.label, "href": link.href, "detail": link.detail}
        for link in contact_links(coop.contact)
    ]


def estimated_page_bytes(product_count: int) -> int:
    return COOPERATIVE_PAGE_BYTES + product_count * (CARD_BYTES + PRODUCT_PAGE_BYTES)


def cooperative_data(
    coop: Cooperative, products: list[Product], photo_of: PhotoOf, bytes_of: BytesOf, media_url: str = ""
) -> dict:
    """The content of `don-hang.json` for *coop* and its *products* (in the catalogue's order)."""
    entries = []
    photos: dict[str, dict[str, int]] = {fmt: {} for fmt in FORMATS}
    for product in products:
        thumbs = smallest(photo_of(product.images[0] if product.images else None))
        for fmt, derivative in (thumbs or {}).items():
            photos[fmt][urls.media_address(derivative.name, None, media_url)] = bytes_of(derivative)
        entries.append(
            {
                "slug": product.slug,
                "code": product.code,
                "name": product.name,
                "unit": product.unit,
                "price": product.price,
                "status": product.status,
                "url": urls.product(product),
                "photo": photo_entry(thumbs, media_url),
            }
        )
    return {
        "v": VERSION,
        "slug": coop.slug,
        "name": coop.name,
        "short_name": coop.short_name,
        "url": urls.cooperative(coop),
        "channels": channels(coop),
        "products": entries,
        "save": {
            "pages": [urls.cooperative(coop)] + [urls.product(p) for p in products],
            "photos": {
                fmt: [[path, size] for path, size in sorted(found.items())] for fmt, found in photos.items()
            },
            "page_bytes": estimated_page_bytes(len(products)),
        },
    }


def order_list_pages(
    cooperatives: list[Cooperative], by_cooperative: dict[str, list[Product]]
) -> Iterator[Page]:
    """/don-hang/, then every cooperative's `don-hang.json` (also those without products: a list
    saved before a cooperative's last product was removed learns that they are gone)."""
    yield Page(
        urls.order_list(),
        TEMPLATE,
        {"noindex": True, "breadcrumbs": crumbs()},
    )
    for coop in cooperatives:
        yield Page(
            urls.cooperative_orders(coop),
            DATA_TEMPLATE,
            {"coop": coop, "products": list(by_cooperative.get(coop.slug, []))},
        )
