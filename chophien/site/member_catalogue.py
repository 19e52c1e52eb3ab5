"""The site's member catalogue `danh-muc.json` (schema v1, docs/federation.md): what a national site reads of it.

One JSON file at the site root (urls.member_catalogue()): the site's name and addresses, every
cooperative and product with absolute URLs on the public address, codes, prices, reference slugs,
the narrowest photo in each format and the date each file last changed in git (history.file_dates;
null when git does not know it). Deterministic: cooperatives by slug, products by cooperative and
slug, keys in the schema's order, "generated" is the build's date (Settings.current_date), never
the clock. It is an extra file (extras.py) like the Merchant feed, because it needs what the page
families do not have: the public address and the files' git dates.
"""

from __future__ import annotations

import datetime as dt
import json

from chophien.catalogue.model import Catalogue, Cooperative, Product
from chophien.federation.model import FORMAT, VERSION
from chophien.photos.model import ProcessedImage
from chophien.site import urls
from chophien.site.urls import absolute

FORMATS = ("jpg", "webp", "avif")
Dates = dict[str, tuple[dt.datetime, dt.datetime]]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _updated(source: str, dates: Dates) -> str | None:
    found = dates.get(source)
    return found[1].date().isoformat() if found else None


def photo_address(name: str, base: str, media_url: str = "") -> str:
    """A photo's absolute address: under the media address (MEDIA_URL) when set, else the site's media/ folder."""
    return urls.media_address(name, base, media_url)


def photo_entry(
    product: Product, images: dict[str, ProcessedImage], base: str, media_url: str = ""
) -> dict | None:
    """The product's first photo: the narrowest derivative of each format (JPEG required), its size and alt."""
    image = product.images[0] if product.images else None
    info = images.get(image.source) if image else None
    if info is None or not info.variants("jpg"):
        return None
    narrowest = {
        fmt: min(info.variants(fmt), key=lambda d: (d.width, d.name)) if info.variants(fmt) else None
        for fmt in FORMATS
    }
    entry: dict = {fmt: photo_address(d.name, base, media_url) if d else None for fmt, d in narrowest.items()}
    entry.update(w=narrowest["jpg"].width, h=narrowest["jpg"].height, alt=image.alt)
    return entry


def cooperative_entry(coop: Cooperative, base: str, dates: Dates) -> dict:
    return {
        "slug": coop.slug,
        "name": coop.name,
        "short_name": coop.short_name,
        "kind": coop.kind,
        "province": coop.province.slug,
        "commune": coop.commune,
        "ethnic_groups": [group.slug for group in coop.ethnic_groups],
        "url": absolute(base, urls.cooperative(coop)),
        "updated": _updated(coop.source, dates),
    }


def product_entry(
    product: Product, images: dict[str, ProcessedImage], base: str, dates: Dates, media_url: str = ""
) -> dict:
    ocop = product.ocop
    return {
        "slug": product.slug,
        "cooperative": product.cooperative.slug,
        "code": product.code,
        "name": product.name,
        "name_en": product.name_en,
        "category": product.category.slug,
        "group": product.category.group,
        "price": product.price,
        "unit": product.unit,
        "status": product.status,
        "province": (product.origin_province or product.cooperative.province).slug,
        "ocop": {"stars": ocop.stars, "year": ocop.year, "expires": _date(ocop.expires)} if ocop else None,
        "certifications": [held.certification.slug for held in product.certifications],
        "url": absolute(base, urls.product(product)),
        "summary": product.summary,
        "photo": photo_entry(product, images, base, media_url),
        "updated": _updated(product.source, dates),
    }


def catalogue_data(
    catalogue: Catalogue,
    images: dict[str, ProcessedImage],
    base: str,
    sitename: str,
    today: dt.date,
    dates: Dates,
    media_url: str = "",
) -> dict:
    """`danh-muc.json` as a dictionary. *base*: the public address (seo.public_base); *media_url*:
    where the photos are when not on the site itself (the MEDIA_URL setting, ending with "/"), else ""."""
    cooperatives = sorted(catalogue.cooperatives.values(), key=lambda c: c.slug)
    products = sorted(catalogue.products, key=lambda p: (p.cooperative.slug, p.slug))
    return {
        "format": FORMAT,
        "version": VERSION,
        "site": {
            "name": sitename,
            "url": absolute(base, urls.home()),
            "search": absolute(base, urls.search_bundle()),
            "media": media_url or None,
            "generated": today.isoformat(),
        },
        "cooperatives": [cooperative_entry(coop, base, dates) for coop in cooperatives],
        "products": [product_entry(product, images, base, dates, media_url) for product in products],
    }


def catalogue_json(data: dict) -> bytes:
    """The file's bytes: UTF-8, one cooperative or product per line (readable, diffable), `<`, `>`
    and `&` escaped so that no text can close a `<script>` element it is pasted into."""
    head = _dumps({key: data[key] for key in ("format", "version", "site")})[:-1]
    lists = [
        f'"{key}":[' + ("\n" + ",\n".join(_dumps(e) for e in data[key]) + "\n" if data[key] else "") + "]"
        for key in ("cooperatives", "products")
    ]
    return (head + ",\n" + ",\n".join(lists) + "}\n").encode("utf-8")


def _dumps(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
