"""The public address, sharing previews (Open Graph, Twitter cards) and JSON-LD structured data.

Pages link to each other through SITEURL, which is empty in development. What leaves the site —
canonical links, previews pasted into Zalo or Facebook, structured data, feeds, the sitemap and
printed QR codes — needs absolute URLs: `public_base` decides the site's public address and
`urls.absolute` puts it in front of a page's URL.
Pure functions; the images they mention come from the photo pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from markupsafe import Markup

from chophien import reference
from chophien.catalogue.model import KINDS, Cooperative, Image, Product
from chophien.core.settings import Settings
from chophien.core.text import remove_unsafe
from chophien.photos.model import ProcessedImage
from chophien.site import i18n, urls
from chophien.site.urls import absolute

# Where `make devserver` serves the site: the address used when no public one is configured.
DEV_SITE_URL = "http://127.0.0.1:8000"
CURRENCY = "VND"
DESCRIPTION_LENGTH = 200


def public_base(settings: Settings) -> str:
    """The site's public root URL without a trailing slash.

    An absolute SITEURL wins (publishconf.py sets it from CHOPHIEN_SITEURL). Otherwise — a
    development build, whose links stay relative — CHOPHIEN_SITEURL (setting or environment
    variable); otherwise the devserver address (followed by SITEURL when that is a sub-path
    such as "/repo").
    """
    siteurl = settings.siteurl.rstrip("/")
    if siteurl.startswith(("http://", "https://")):
        return siteurl
    if settings.public_url:
        return settings.public_url
    return DEV_SITE_URL + siteurl


def is_placeholder(base: str) -> bool:
    """True when *base* is the devserver fallback, not a real public address."""
    return base.startswith(DEV_SITE_URL)


# --- availability -------------------------------------------------------------------------


def availability(product: Product, today: dt.date) -> str:
    """in_stock | out_of_stock | preorder, from `status` (and `season` for seasonal products)."""
    if product.status == "het-hang":
        return "out_of_stock"
    if product.status == "dat-truoc":
        return "preorder"
    if product.status == "theo-mua" and product.season and today.month not in product.season:
        return "out_of_stock"
    return "in_stock"


SCHEMA_AVAILABILITY = {
    "in_stock": "https://schema.org/InStock",
    "out_of_stock": "https://schema.org/OutOfStock",
    "preorder": "https://schema.org/PreOrder",
}


# --- images -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    width: int
    height: int
    alt: str


def share_image(
    image: Image | None, images: dict[str, ProcessedImage], base: str, media_url: str = ""
) -> ShareImage | None:
    """The 1200×630 JPEG made for previews, as an absolute URL (CHOPHIEN_MEDIA_URL's when set)."""
    processed = images.get(image.source) if image else None
    if processed is None or processed.share is None:
        return None
    share = processed.share
    return ShareImage(urls.media_address(share.name, base, media_url), share.width, share.height, image.alt)


def largest_jpeg(
    image: Image, images: dict[str, ProcessedImage], base: str, media_url: str = ""
) -> str | None:
    processed = images.get(image.source)
    if processed is None or not processed.variants("jpg"):
        return None
    return urls.media_address(max(processed.variants("jpg"), key=lambda d: d.width).name, base, media_url)


def product_image_urls(
    product: Product, images: dict[str, ProcessedImage], base: str, media_url: str = ""
) -> list[str]:
    """Absolute JPEG URLs: the sharing crop of the first photo, then every photo at full size."""
    found = []
    first = share_image(product.images[0] if product.images else None, images, base, media_url)
    if first:
        found.append(first.url)
    for image in product.images:
        url = largest_jpeg(image, images, base, media_url)
        if url:
            found.append(url)
    return found


def cooperative_image(coop: Cooperative, products: list[Product]) -> Image | None:
    """The picture that stands for a cooperative: its first photo, its logo, or a product's photo."""
    if coop.photos:
        return coop.photos[0]
    if coop.logo:
        return coop.logo
    return next((p.images[0] for p in products if p.images), None)


# --- text ---------------------------------------------------------------------------------


def clip(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:–- ") + "…"


_text = i18n.text_in


def _in_english(obj, field: str) -> str:
    return i18n.translation_of(obj, field, i18n.EN)


def _english(lang: str) -> bool:
    return lang == i18n.EN


_ENGLISH_URLS = i18n.EnglishUrls(urls)


def _urls(lang: str):
    return _ENGLISH_URLS if _english(lang) else urls


def place(product: Product, lang: str = i18n.VI) -> str:
    return _text(product.origin_province or product.cooperative.province, "name", lang)


def product_description(product: Product, lang: str = i18n.VI) -> str:
    """What a preview shows under the name: price, producer, place, then the summary (on English
    pages only an English summary: a Vietnamese one would not be this page's language)."""
    price = i18n.money_en(product.price) if _english(lang) else product.price_display
    unit = _text(product, "unit", lang)
    if product.price is not None and unit:
        price += f" / {unit}"
    lead = f"{price} · {product.cooperative.short_name}, {place(product, lang)}."
    summary = _in_english(product, "summary") if _english(lang) else product.summary
    return clip(f"{lead} {summary}" if summary else lead)


def cooperative_description(coop: Cooperative, product_count: int, lang: str = i18n.VI) -> str:
    from chophien.formats.markup import summary

    if _english(lang):
        kind = KINDS[coop.kind][1]
        noun = "product" if product_count == 1 else "products"
        lead = f"{kind} in {_text(coop.province, 'name', lang)} · {product_count} {noun}."
        body = _in_english(coop, "body_html")
    else:
        lead = f"{coop.kind_label} ở {coop.province.name} · {product_count} sản phẩm."
        body = coop.body_html
    story = summary(body) if body else ""
    return clip(f"{lead} {story}" if story else lead)


# --- JSON-LD ------------------------------------------------------------------------------


def breadcrumb_list(base: str, trail: list[tuple[str, str]], current: tuple[str, str]) -> dict:
    """BreadcrumbList from (label, url) pairs relative to the site root, ending at the current page."""
    items = list(trail) + [current]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": label, "item": absolute(base, url)}
            for i, (label, url) in enumerate(items, 1)
        ],
    }


def _postal_address(coop: Cooperative) -> dict:
    address = {"@type": "PostalAddress", "addressRegion": coop.province.full_name, "addressCountry": "VN"}
    if coop.commune:
        address["addressLocality"] = coop.commune
    if coop.address:
        address["streetAddress"] = coop.address
    return address


def seller(coop: Cooperative, base: str, lang: str = i18n.VI) -> dict:
    address = absolute(base, _urls(lang).cooperative(coop))
    return {"@type": "Organization", "name": _text(coop, "name", lang), "url": address}


def organization(
    coop: Cooperative, base: str, images: dict[str, ProcessedImage], media_url: str = "", lang: str = i18n.VI
) -> dict:
    """schema.org Organization, in the page's language (English name and story when it has them)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": absolute(base, urls.cooperative(coop)) + "#org",  # one organisation in both editions
        "name": _text(coop, "name", lang),
        "url": absolute(base, _urls(lang).cooperative(coop)),
        "address": _postal_address(coop),
    }
    alternate = [name for name in (coop.name, coop.short_name) if name and name != data["name"]]
    if alternate:
        data["alternateName"] = alternate[0] if len(alternate) == 1 else alternate
    if coop.logo:
        logo = largest_jpeg(coop.logo, images, base, media_url)
        if logo:
            data["logo"] = logo
    contact = coop.contact
    if contact.phone:
        data["telephone"] = contact.phone
    if contact.email:
        data["email"] = contact.email
    if coop.founded:
        data["foundingDate"] = str(coop.founded)
    same_as = [url for url in (contact.website, contact.facebook) if url]
    same_as += [m.url for m in coop.marketplaces]
    if same_as:
        data["sameAs"] = same_as
    body = _in_english(coop, "body_html") if _english(lang) else coop.body_html
    if body:
        from chophien.formats.markup import summary

        data["description"] = summary(body)
    return data


def product_data(
    product: Product,
    base: str,
    images: dict[str, ProcessedImage],
    today: dt.date,
    media_url: str = "",
    lang: str = i18n.VI,
) -> dict:
    """schema.org Product with an Offer (price in VND, availability, seller), in the page's language.

    A product priced "Liên hệ" has no Offer: an Offer without a price is an error for Google.
    """
    url = absolute(base, _urls(lang).product(product))
    group = reference.category_group_by_slug(product.category.group)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": url + "#product",
        "name": _text(product, "name", lang),
        "url": url,
        "sku": product.code,
        "category": f"{_text(group, 'name', lang)} > {_text(product.category, 'name', lang)}",
        "brand": {"@type": "Brand", "name": product.cooperative.short_name},
        "manufacturer": seller(product.cooperative, base, lang),
        "countryOfOrigin": {"@type": "Country", "name": "VN"},
    }
    if _english(lang) and _in_english(product, "name"):
        data["alternateName"] = product.name
    summary = _in_english(product, "summary") if _english(lang) else product.summary
    if summary:
        data["description"] = summary
    pictures = product_image_urls(product, images, base, media_url)
    if pictures:
        data["image"] = pictures
    if product.ocop and _english(lang):
        data["award"] = f"OCOP {product.ocop.stars}-star ({product.ocop.year})"
    elif product.ocop:
        data["award"] = f"OCOP {product.ocop.stars} sao ({product.ocop.year})"
    if product.price is not None:
        offer = {
            "@type": "Offer",
            "url": url,
            "price": str(product.price),
            "priceCurrency": CURRENCY,
            "availability": SCHEMA_AVAILABILITY[availability(product, today)],
            "itemCondition": "https://schema.org/NewCondition",
            "seller": seller(product.cooperative, base, lang),
        }
        data["offers"] = offer
    return data


def website(base: str, name: str, lang: str = i18n.VI) -> dict:
    addresses = _urls(lang)
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": name,
        "url": absolute(base, addresses.home()),
        "inLanguage": i18n.HTML_LANG[lang],
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute(base, addresses.search_query("{q}"))},
            "query-input": "required name=q",
        },
    }


def _clean(value):
    """Strings in *value* without control or invisible characters (text.remove_unsafe)."""
    if isinstance(value, str):
        return remove_unsafe(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def json_ld(items: list[dict]) -> Markup:
    """JSON for a `<script type="application/ld+json">` element.

    `<`, `>` and `&` are written as \\u escapes, so no value can close the element; control
    and invisible characters (U+2028 included, which older JavaScript reads as a line end)
    are dropped.
    """
    data = _clean(items[0] if len(items) == 1 else items)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
