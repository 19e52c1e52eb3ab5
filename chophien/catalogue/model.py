"""The catalogue's domain model: cooperatives, products and the Catalogue that indexes them; no I/O."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from chophien.core.text import collation_key, format_money, format_phone
from chophien.reference import Category, Certification, EthnicGroup, Marketplace, Province

OCOP_VALIDITY_MONTHS = 36

# Enumerations: slug → (Vietnamese label, English label). The schema's enum fields take their
# choices from here.
KINDS = {
    "hop-tac-xa": ("Hợp tác xã", "Cooperative"),
    "to-hop-tac": ("Tổ hợp tác", "Cooperative group"),
    "lien-hiep-hop-tac-xa": ("Liên hiệp hợp tác xã", "Union of cooperatives"),
    "doanh-nghiep": ("Doanh nghiệp", "Enterprise"),
    "ho-kinh-doanh": ("Hộ kinh doanh", "Household business"),
}

STATUSES = {
    "con-hang": ("Còn hàng", "In stock"),
    "het-hang": ("Hết hàng", "Out of stock"),
    "theo-mua": ("Theo mùa", "Seasonal"),
    "dat-truoc": ("Đặt trước", "Pre-order"),
}


@dataclass(frozen=True)
class Image:
    file: str  # file name as written in the content
    alt: str
    source: str  # content-relative POSIX path, e.g. "products/htx-a/che.jpg"
    # Where the content references it: (file, line, column, field), for image problems.
    referenced_at: tuple = field(default=(), compare=False)
    alt_missing: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Contact:
    phone: str | None = None  # E.164
    zalo: str | None = None  # E.164
    messenger: str | None = None  # Facebook page name
    email: str | None = None
    website: str | None = None
    facebook: str | None = None

    @property
    def phone_display(self) -> str | None:
        return format_phone(self.phone) if self.phone else None

    @property
    def zalo_display(self) -> str | None:
        return format_phone(self.zalo) if self.zalo else None

    @property
    def zalo_url(self) -> str | None:
        """https://zalo.me/<national number>: the form Zalo's own share links use."""
        return f"https://zalo.me/0{self.zalo[3:]}" if self.zalo else None

    @property
    def messenger_url(self) -> str | None:
        return f"https://m.me/{self.messenger}" if self.messenger else None

    def merged_with(self, override: Contact | None) -> Contact:
        """This contact with *override*'s channels taking precedence where given."""
        if override is None:
            return self
        return Contact(
            **{
                name: getattr(override, name) or getattr(self, name)
                for name in ("phone", "zalo", "messenger", "email", "website", "facebook")
            }
        )

    def any(self) -> bool:
        return any((self.phone, self.zalo, self.messenger, self.email))


@dataclass(frozen=True)
class MarketplaceLink:
    label: str
    url: str
    platform: Marketplace | None = None


@dataclass(frozen=True)
class CertificationHeld:
    certification: Certification
    number: str = ""
    issuer: str = ""
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Ocop:
    stars: int
    year: int
    decision: str = ""
    date: dt.date | None = None
    expires: dt.date | None = None  # decision date + 36 months; None if the date is unknown

    def valid_on(self, today: dt.date) -> bool:
        """Still valid on *today*: not expired (a rating without a known date counts as valid)."""
        return self.expires is None or self.expires >= today


@dataclass(frozen=True)
class Cooperative:
    slug: str
    name: str
    short_name: str
    kind: str
    province: Province
    commune: str
    address: str
    ethnic_groups: tuple[EthnicGroup, ...]
    founded: int | None
    members: int | None
    contact: Contact
    logo: Image | None
    photos: tuple[Image, ...]
    certifications: tuple[CertificationHeld, ...]
    marketplaces: tuple[MarketplaceLink, ...]
    languages: tuple[str, ...]
    name_en: str
    body_html: str
    source: str  # content-relative path of the .md file
    digest: str = field(default="", compare=False)  # content hash: what its pages depend on
    # translations.en (schema.COOPERATIVE_TRANSLATION_EN_FIELDS); "" where not translated yet.
    body_html_en: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind][0]

    @property
    def url(self) -> str:
        return f"hop-tac-xa/{self.slug}/"


@dataclass(frozen=True)
class Product:
    slug: str
    cooperative: Cooperative
    code: str
    name: str
    category: Category
    price: int | None  # whole đồng; None means "Liên hệ"
    unit: str
    min_order: str
    images: tuple[Image, ...]
    status: str
    season: tuple[int, ...]
    ocop: Ocop | None
    certifications: tuple[CertificationHeld, ...]
    shelf_life: str
    origin_commune: str
    origin_province: Province | None
    contact: Contact  # effective channels: the cooperative's, overridden by the product's
    marketplaces: tuple[MarketplaceLink, ...]
    featured: bool
    tags: tuple[str, ...]
    name_en: str
    body_html: str
    source: str
    summary: str = field(default="", compare=False)
    digest: str = field(default="", compare=False)  # own and cooperative's content hashes
    sort_key: tuple = field(default=(), compare=False, repr=False)  # Vietnamese order, then key
    # translations.en (schema.TRANSLATION_EN_FIELDS); "" where not translated yet. summary_en is
    # translations.en.summary, else the English story's first paragraph (as summary is the body's).
    unit_en: str = ""
    summary_en: str = field(default="", compare=False)
    body_html_en: str = ""

    @property
    def key(self) -> str:
        return f"{self.cooperative.slug}/{self.slug}"

    @property
    def url(self) -> str:
        return f"san-pham/{self.cooperative.slug}/{self.slug}/"

    @property
    def price_display(self) -> str:
        return "Liên hệ" if self.price is None else format_money(self.price)

    @property
    def status_label(self) -> str:
        return STATUSES[self.status][0]


@dataclass
class Catalogue:
    """Everything the site is built from, with the indexes listings need."""

    cooperatives: dict[str, Cooperative] = field(default_factory=dict)
    products: list[Product] = field(default_factory=list)
    by_cooperative: dict[str, list[Product]] = field(default_factory=lambda: defaultdict(list))
    by_category: dict[str, list[Product]] = field(default_factory=lambda: defaultdict(list))
    by_group: dict[str, list[Product]] = field(default_factory=lambda: defaultdict(list))
    by_province: dict[str, list[Product]] = field(default_factory=lambda: defaultdict(list))
    by_ethnic_group: dict[str, list[Product]] = field(default_factory=lambda: defaultdict(list))
    by_ocop: dict[int, list[Product]] = field(default_factory=lambda: defaultdict(list))
    # Surveys and scoring models (chophien.assessment.model.Assessments), set by build.prepare.
    assessments: object = None

    def index(self) -> None:
        """Sort products (Vietnamese order) and build every index in one pass."""
        self.products.sort(key=lambda p: p.sort_key or (collation_key(p.name), p.key))
        for product in self.products:
            self.by_cooperative[product.cooperative.slug].append(product)
            self.by_category[product.category.slug].append(product)
            self.by_group[product.category.group].append(product)
            province = product.origin_province or product.cooperative.province
            self.by_province[province.slug].append(product)
            for group in product.cooperative.ethnic_groups:
                self.by_ethnic_group[group.slug].append(product)
            if product.ocop:
                self.by_ocop[product.ocop.stars].append(product)

    def referenced_images(self) -> Iterator[Image]:
        """Every image the content references: logos and photos of cooperatives, then product photos."""
        for coop in self.cooperatives.values():
            if coop.logo:
                yield coop.logo
            yield from coop.photos
        for product in self.products:
            yield from product.images
