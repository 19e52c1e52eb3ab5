"""Small factories for the catalogue's model: realistic Vietnamese objects built directly, no files.

Tests of pure parts (order links, SEO data, feeds, search records, fingerprints, filters, pages)
build what they need here instead of writing Markdown and running the loader::

    product = make_product(price=None, status="theo-mua", season=(9, 10, 11))
    catalogue = make_catalogue(product, make_product(slug="mat-ong", name="Mật ong bạc hà"))

The defaults are the objects the loader builds from conftest's COOP and PRODUCT templates
(tests/test_suite_shape.py checks that they stay equal), so a file test and a factory test
speak of the same cooperative and product. Every field can be overridden by keyword; the
reference fields (province, category, ethnic groups, certifications) also take a slug.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from chophien.catalogue.loader import product_code  # the code the loader derives from the path
from chophien.catalogue.model import (
    OCOP_VALIDITY_MONTHS,
    Catalogue,
    CertificationHeld,
    Contact,
    Cooperative,
    Image,
    MarketplaceLink,
    Ocop,
    Product,
)
from chophien.core.text import add_months, collation_key
from chophien.formats.markup import summary
from chophien.reference import (
    category_by_slug,
    ethnic_group_by_slug,
    find_certification,
    find_marketplace,
    marketplace_for_url,
    province_by_slug,
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def make_contact(**fields) -> Contact:
    """The cooperative's channels in COOP: one phone that is also its Zalo, a page, an address."""
    values = {
        "phone": "+84912345678",
        "zalo": "+84912345678",
        "messenger": "htxchenahang",
        "email": "htxchenahang@example.com",
    }
    values.update(fields)
    return Contact(**values)


def make_image(
    file: str = "che.jpg", alt: str = "Búp chè Shan tuyết", folder: str = "products/htx-che-na-hang", **fields
) -> Image:
    return Image(file=file, alt=alt, source=fields.pop("source", f"{folder}/{file}"), **fields)


def make_ocop(stars: int = 4, year: int = 2024, date: dt.date | None = None, **fields) -> Ocop:
    """An OCOP rating; with a decision *date*, it expires 36 months later, as the loader computes."""
    expires = fields.pop("expires", None)
    if date is not None and expires is None:
        expires = add_months(date, OCOP_VALIDITY_MONTHS)
    return Ocop(stars=stars, year=year, date=date, expires=expires, **fields)


def make_certification(slug: str = "vietgap", **fields) -> CertificationHeld:
    certification = find_certification(slug)
    assert certification is not None, f"no certification {slug!r} in the reference data"
    return CertificationHeld(certification=certification, **fields)


def make_marketplace(platform: str, url: str) -> MarketplaceLink:
    """A marketplace link as the loader makes it: a known platform's name, or the label as written."""
    known = find_marketplace(platform)
    if known is not None:
        return MarketplaceLink(known.name, url, known)
    return MarketplaceLink(platform, url, marketplace_for_url(url))


def make_cooperative(**fields) -> Cooperative:
    """HTX Chè Nà Hang (Tuyên Quang, Tày and Dao), as in conftest.COOP."""
    slug = fields.pop("slug", "htx-che-na-hang")
    name = fields.pop("name", "Hợp tác xã Chè Shan tuyết Nà Hang")
    province = fields.pop("province", "tuyen-quang")
    groups = fields.pop("ethnic_groups", ("tay", "dao"))
    source = fields.pop("source", f"content/cooperatives/{slug}.md")
    values = {
        "slug": slug,
        "name": name,
        "short_name": "HTX Chè Nà Hang" if name == "Hợp tác xã Chè Shan tuyết Nà Hang" else name,
        "kind": "hop-tac-xa",
        "province": province_by_slug(province) if isinstance(province, str) else province,
        "commune": "Xã Nà Hang",
        "address": "",
        "ethnic_groups": tuple(ethnic_group_by_slug(g) if isinstance(g, str) else g for g in groups),
        "founded": 2016,
        "members": 32,
        "contact": make_contact(),
        "logo": None,
        "photos": (),
        "certifications": (),
        "marketplaces": (),
        "languages": (),
        "name_en": "",
        "body_html": "<p>Hợp tác xã trồng chè trên núi cao.</p>",
        "source": source,
        "digest": _digest(source),
    }
    values.update(fields)
    return Cooperative(**values)


def make_product(**fields) -> Product:
    """Chè Shan tuyết cổ thụ, 450.000 ₫ a 200 g box, of make_cooperative(), as in conftest.PRODUCT.

    The derived fields follow the loader: the code from the province and the path, the contact
    from the cooperative's, the summary from the body, the sort key from the name.
    """
    coop = fields.pop("cooperative", None) or make_cooperative()
    slug = fields.pop("slug", "che-shan-tuyet")
    name = fields.pop("name", "Chè Shan tuyết cổ thụ")
    category = fields.pop("category", "che")
    origin = fields.pop("origin_province", None)
    body_html = fields.pop("body_html", "<p>Búp chè hái từ cây cổ thụ.</p>")
    source = fields.pop("source", f"content/products/{coop.slug}/{slug}.md")
    key = f"{coop.slug}/{slug}"
    values = {
        "slug": slug,
        "cooperative": coop,
        "code": product_code(coop.province.code, key),
        "name": name,
        "category": category_by_slug(category) if isinstance(category, str) else category,
        "price": 450000,
        "unit": "hộp 200 g",
        "min_order": "",
        "images": (make_image(folder=f"products/{coop.slug}"),),
        "status": "con-hang",
        "season": (),
        "ocop": None,
        "certifications": (),
        "shelf_life": "",
        "origin_commune": "",
        "origin_province": province_by_slug(origin) if isinstance(origin, str) else origin,
        "contact": coop.contact,
        "marketplaces": (),
        "featured": False,
        "tags": (),
        "name_en": "",
        "body_html": body_html,
        "source": source,
        "summary": summary(body_html),
        "digest": _digest(source) + coop.digest,
        "sort_key": (collation_key(name), key),
    }
    values.update(fields)
    return Product(**values)


def make_catalogue(*products: Product, cooperatives: tuple[Cooperative, ...] = ()) -> Catalogue:
    """A catalogue of *products* (make_product() when none), indexed as the loader leaves it.

    Their cooperatives are in it, and *cooperatives* besides (a cooperative without products).
    """
    products = products or (make_product(),)
    catalogue = Catalogue()
    for coop in (*cooperatives, *(p.cooperative for p in products)):
        catalogue.cooperatives.setdefault(coop.slug, coop)
    catalogue.products.extend(products)
    catalogue.index()
    return catalogue
