"""The content schema as data: field specs drive validation, docs, templates and CMS config.

Each Field has a type (a converter from raw text), whether it is required, help text in
Vietnamese and English, and an example. `check_mapping` walks a parsed front matter
against a list of Fields, converts every value and collects every problem.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chophien import reference
from chophien.catalogue.model import KINDS, STATUSES
from chophien.core.text import (
    Bilingual,
    character_name,
    did_you_mean,
    hint,
    nfc,
    parse_date,
    parse_phone,
    parse_price,
    slugify,
)
from chophien.formats.strictyaml import REPLACEMENT, Document, FrontMatter, UnsafeCharacter
from chophien.formats.weblinks import parse_web_address
from chophien.photos.images import ACCEPTED_LIST, ACCEPTED_SUFFIXES

LANGUAGES_EXAMPLE = "[vi, tày]"


class Invalid(Bilingual):
    """A value that a converter rejects: messages in vi/en and a correct example."""


@dataclass
class Warned:
    """A converted value that also carries a warning for the volunteer."""

    value: Any
    vi: str
    en: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # name of the converter, also used by docs and the CMS config
    help_vi: str
    help_en: str
    example: str
    required: bool = False
    item: Field | None = None  # for lists
    fields: tuple[Field, ...] = ()  # for mappings
    choices: tuple[str, ...] = ()  # for enums
    convert: Callable[[str], Any] | None = None  # for scalars
    also_scalar: bool = False  # a list/mapping field that also accepts one scalar keyword
    # For mappings: checks that need several sub-fields at once, given the converted values.
    check: Callable[[dict, tuple, Any], None] | None = None


# --- scalar converters -----------------------------------------------------------


def _text(max_length: int) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        value = " ".join(raw.split())
        if not value:
            raise Invalid("không được để trống", "must not be empty")
        if len(value) > max_length:
            raise Invalid(
                f"dài quá {max_length} ký tự ({len(value)})",
                f"longer than {max_length} characters ({len(value)})",
            )
        return value

    return convert


def _enum(choices: dict) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        value = raw.strip()
        if value in choices:
            return value
        for slug, labels in choices.items():
            if slugify(value) in (slug, slugify(labels[0]), slugify(labels[1])):
                return slug
        guess = did_you_mean(value, list(choices))
        hint_vi, hint_en = hint(guess, "`")
        raise Invalid(
            f"“{raw}” không nằm trong danh sách ({', '.join(choices)}){hint_vi}",
            f"“{raw}” is not one of {', '.join(choices)}{hint_en}",
        )

    return convert


def _whole(minimum: int, maximum: int, what_vi: str, what_en: str) -> Callable[[str], int]:
    def convert(raw: str) -> int:
        text = raw.strip()
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"\d+", text):
            raise Invalid(
                f"“{raw}” không phải {what_vi} (một số nguyên)",
                f"“{raw}” is not {what_en} (a whole number)",
            )
        value = int(text)
        if not minimum <= value <= maximum:
            raise Invalid(
                f"{value} nằm ngoài khoảng {minimum}–{maximum}",
                f"{value} is outside {minimum}–{maximum}",
            )
        return value

    return convert


def _year(raw: str) -> int:
    import datetime

    return _whole(1900, datetime.date.today().year, "một năm", "a year")(raw)


def _price(raw: str) -> int | None:
    return None if slugify(raw) == "lien-he" else parse_price(raw)


_phone = parse_phone
_date = parse_date


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _email(raw: str) -> str:
    value = raw.strip()
    if not _EMAIL.fullmatch(value):
        raise Invalid(f"“{raw}” không phải địa chỉ email", f"“{raw}” is not an email address")
    return value


def _url(raw: str) -> str:
    """An https address (weblinks.parse_web_address) whose host imitates no known platform."""
    address = parse_web_address(raw)
    imitated = reference.imitated_by_host(address.host)
    if imitated is not None:
        raise Invalid(
            f"“{address.host}” trông giống {imitated.name} nhưng không phải địa chỉ của {imitated.name} "
            f"({', '.join(imitated.hosts)}); hãy kiểm tra lại đường dẫn",
            f"“{address.host}” looks like {imitated.name} but is not one of its addresses "
            f"({', '.join(imitated.hosts)}); check the link",
        )
    return address.url


def _facebook(raw: str) -> str:
    """A Facebook page: an https address on one of Facebook's own hosts."""
    url = _url(raw)
    facebook = next(site for site in reference.other_sites() if site.slug == "facebook")
    host = parse_web_address(url).host
    if host not in facebook.hosts:
        raise Invalid(
            f"“{raw}” không phải trang Facebook: đường dẫn dẫn tới “{host}”, không phải {', '.join(facebook.hosts[:2])}",
            f"“{raw}” is not a Facebook page: the link goes to “{host}”, not {', '.join(facebook.hosts[:2])}",
        )
    return url


_MESSENGER_URL = re.compile(
    r"https://(?:www\.)?(?:m\.me|facebook\.com|fb\.com|m\.facebook\.com)/([A-Za-z0-9.]{5,50})/?"
)


def _messenger(raw: str) -> str:
    value = raw.strip()
    match = _MESSENGER_URL.fullmatch(value)
    if match:
        return match.group(1)
    if re.fullmatch(r"[A-Za-z0-9.]{5,50}", value):
        return value
    raise Invalid(
        f"“{raw}” không phải tên trang Facebook (chữ không dấu, số, dấu chấm, từ 5 ký tự)",
        f"“{raw}” is not a Facebook page name (ASCII letters, digits, dots, 5+ characters)",
    )


_TRUE = {"yes", "true", "co", "1", "x"}
_FALSE = {"no", "false", "khong", "0"}


def _bool(raw: str) -> bool:
    key = slugify(raw)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise Invalid(f"“{raw}” phải là có/không (yes/no)", f"“{raw}” must be yes or no")


def _file_name(raw: str) -> str:
    value = nfc(raw.strip())
    if not value:
        raise Invalid("thiếu tên tệp", "file name missing")
    if "/" in value or "\\" in value or value.startswith(".") or ".." in value:
        raise Invalid(
            f"“{raw}” phải là tên tệp nằm ngay cạnh tệp nội dung, không có thư mục",
            f"“{raw}” must be a file name beside the content file, without folders",
        )
    if os.path.splitext(value)[1].lower() not in ACCEPTED_SUFFIXES:
        raise Invalid(
            f"“{raw}” không phải tệp ảnh ({ACCEPTED_LIST})",
            f"“{raw}” is not an image file ({ACCEPTED_LIST})",
        )
    return value


def _product_code(raw: str) -> str:
    value = raw.strip().upper()
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,15}", value):
        raise Invalid(
            f"“{raw}” không phải mã sản phẩm (3–16 chữ cái không dấu, số, dấu -)",
            f"“{raw}” is not a product code (3–16 ASCII letters, digits, -)",
        )
    return value


def _reference(find: Callable, slugs: Callable, what_vi: str, what_en: str) -> Callable:
    def convert(raw: str):
        found = find(raw)
        if found is not None:
            return found
        names = [item.name for item in slugs()] + [item.slug for item in slugs()]
        guess = did_you_mean(raw, names)
        hint_vi, hint_en = hint(guess)
        raise Invalid(
            f"không có {what_vi} “{raw}” trong danh mục{hint_vi}",
            f"there is no {what_en} “{raw}” in the reference list{hint_en}",
        )

    return convert


def _province(raw: str):
    province, former = reference.find_province(raw)
    if province is None:
        return _reference(lambda _: None, reference.provinces, "tỉnh/thành phố", "province")(raw)
    if former:
        return Warned(
            province,
            f"“{raw}” là tên tỉnh trước năm 2025; nay thuộc {province.full_name}. Hãy ghi `{province.name}`",
            f"“{raw}” is a pre-2025 province name; it is now part of {province.full_name}. "
            f"Write `{province.name}`",
        )
    return province


_ethnic_group = _reference(reference.find_ethnic_group, reference.ethnic_groups, "dân tộc", "ethnic group")
_category = _reference(reference.find_category, reference.categories, "danh mục", "category")
_certification = _reference(
    reference.find_certification, reference.certifications, "chứng nhận", "certification"
)


def _platform(raw: str):
    """A known marketplace (slug or name), or any short label for another platform."""
    found = reference.find_marketplace(raw)
    if found is not None:
        return found
    return _text(40)(raw)


def _months(raw: str) -> tuple[int, ...]:
    match = re.fullmatch(r"\s*(\d{1,2})\s*[-–]\s*(\d{1,2})\s*", raw)
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        if 1 <= start <= 12 and 1 <= end <= 12:
            if start <= end:
                return tuple(range(start, end + 1))
            return tuple(range(start, 13)) + tuple(range(1, end + 1))
    raise Invalid(
        f"“{raw}” không phải khoảng tháng (từ tháng-đến tháng, 1–12)",
        f"“{raw}” is not a range of months (from-to, 1–12)",
    )


def _month(raw: str) -> int:
    return _whole(1, 12, "một tháng", "a month")(raw)


# --- field specs -----------------------------------------------------------------


def F(name, type_, help_vi, help_en, example, **extra) -> Field:
    return Field(name, type_, help_vi, help_en, example, **extra)


def scalar(name, type_, convert, help_vi, help_en, example, **extra) -> Field:
    return Field(name, type_, help_vi, help_en, example, convert=convert, **extra)


CONTACT_FIELDS = (
    scalar("phone", "phone", _phone, "Số điện thoại để gọi và nhắn SMS", "Phone number for calls and SMS", "0912 345 678"),
    scalar("zalo", "phone", _phone, "Số điện thoại có Zalo", "Phone number registered on Zalo", "0912 345 678"),
    scalar("messenger", "messenger", _messenger, "Tên trang Facebook để nhắn Messenger (m.me/…)", "Facebook page name for Messenger (m.me/…)", "htxchenahang"),
    scalar("email", "email", _email, "Địa chỉ email", "Email address", "htxchenahang@example.com"),
    scalar("website", "url", _url, "Trang web (https://…)", "Website (https://…)", "https://chenahang.vn"),
    scalar("facebook", "url", _facebook, "Trang Facebook (https://…)", "Facebook page (https://…)", "https://www.facebook.com/htxchenahang"),
)  # fmt: skip


def _check_listing(values: dict, where: tuple, ctx) -> None:
    """A marketplace button says "Mua trên <platform>": its link must go to that platform.

    A known platform's link must be on one of its hosts; a label of our own may neither
    point at a known platform (write its slug instead) nor name or imitate one.
    """
    if "platform" not in values or "url" not in values:
        return
    platform, host = values["platform"], parse_web_address(values["url"]).host
    owner = reference.site_for_host(host)
    if isinstance(platform, reference.Marketplace):
        if host in platform.hosts:
            return
        if isinstance(owner, reference.Marketplace):
            vi = f"đường dẫn dẫn tới {owner.name}, không phải {platform.name}; hãy ghi `platform: {owner.slug}`"
            en = f"the link goes to {owner.name}, not {platform.name}; write `platform: {owner.slug}`"
        else:
            vi = (
                f"nút ghi “{platform.name}” nhưng đường dẫn dẫn tới “{host}”, không phải địa chỉ của "
                f"{platform.name} ({', '.join(platform.hosts)})"
            )
            en = (
                f"the button says “{platform.name}” but the link goes to “{host}”, not one of "
                f"{platform.name}'s addresses ({', '.join(platform.hosts)})"
            )
        ctx.report(where + ("url",), vi, en, f"url: https://{platform.hosts[0]}/…")
        return
    if isinstance(owner, reference.Marketplace):
        ctx.report(
            where + ("platform",),
            f"đường dẫn là của {owner.name}; hãy ghi `platform: {owner.slug}`",
            f"the link is a {owner.name} link; write `platform: {owner.slug}`",
            f"platform: {owner.slug}",
        )
        return
    named = reference.imitated_by_label(platform)
    if named is not None:
        ctx.report(
            where + ("platform",),
            f"tên sàn “{platform}” giống {named.name} nhưng đường dẫn dẫn tới “{host}”, không phải địa chỉ "
            f"của {named.name} ({', '.join(named.hosts)})",
            f"the platform “{platform}” looks like {named.name} but the link goes to “{host}”, not one "
            f"of {named.name}'s addresses ({', '.join(named.hosts)})",
            f"platform: {named.slug}",
        )


MARKETPLACE_FIELDS = (
    scalar("platform", "platform", _platform, "Sàn bán hàng: shopee, lazada, tiki, tiktok-shop, postmart, voso, vcamart hoặc tên sàn khác", "Marketplace: shopee, lazada, tiki, tiktok-shop, postmart, voso, vcamart or another name", "shopee", required=True),
    scalar("url", "url", _url, "Địa chỉ gian hàng hoặc sản phẩm trên sàn", "Shop or listing address on the marketplace", "https://shopee.vn/htxchenahang", required=True),
)  # fmt: skip

IMAGE_FIELDS = (
    scalar("file", "file", _file_name, "Tên tệp ảnh, đặt cạnh tệp nội dung", "Image file name, beside the content file", "che-shan-tuyet.jpg", required=True),
    scalar("alt", "text", _text(200), "Mô tả ảnh cho người không xem được ảnh", "Image description for people who cannot see it", "Búp chè Shan tuyết phủ lông tơ trắng"),
)  # fmt: skip

TRANSLATION_EN_FIELDS = (
    scalar("name", "text", _text(160), "Tên tiếng Anh", "English name", "Na Hang Shan Tuyet tea"),
)

TRANSLATIONS = F(
    "translations", "mapping", "Bản dịch (hiện có: en)", "Translations (currently: en)",
    "en:\n  name: Na Hang Shan Tuyet tea",
    fields=(F("en", "mapping", "Bản tiếng Anh", "English version", "name: …", fields=TRANSLATION_EN_FIELDS),),
)  # fmt: skip


def _image_list(help_vi, help_en, name="images", required=False, allow_none=False):
    return F(
        name, "images", help_vi, help_en,
        "- file: che-shan-tuyet.jpg\n  alt: Búp chè Shan tuyết",
        required=required,
        item=F("file", "image", "Một ảnh: tên tệp, hoặc file + alt", "One image: file name, or file + alt", "file: che.jpg", fields=IMAGE_FIELDS),
        also_scalar=allow_none,
    )  # fmt: skip


COOPERATIVE_FIELDS = (
    scalar("name", "text", _text(160), "Tên đầy đủ của hợp tác xã / cơ sở", "Full name of the cooperative / producer", "Hợp tác xã Chè Shan tuyết Nà Hang", required=True),
    scalar("short_name", "text", _text(60), "Tên ngắn, dùng trong tin nhắn đặt hàng", "Short name used in order messages", "HTX Chè Nà Hang"),
    scalar("kind", "enum", _enum(KINDS), "Loại hình: " + ", ".join(KINDS), "Kind: " + ", ".join(KINDS), "hop-tac-xa", required=True, choices=tuple(KINDS)),
    scalar("province", "province", _province, "Tỉnh/thành phố (34 đơn vị sau sắp xếp 2025)", "Province or city (one of the 34 units after 2025)", "Tuyên Quang", required=True),
    scalar("commune", "text", _text(80), "Xã/phường", "Commune or ward", "Xã Nà Hang"),
    scalar("address", "text", _text(200), "Địa chỉ (thôn/bản, xã, tỉnh)", "Address (village, commune, province)", "Thôn Nà Khà, xã Nà Hang, tỉnh Tuyên Quang"),
    F("ethnic_groups", "list", "Các dân tộc của thành viên", "Ethnic groups of the members", "[Tày, Dao]", item=scalar("ethnic_group", "ethnic_group", _ethnic_group, "Một dân tộc trong 54 dân tộc", "One of the 54 ethnic groups", "Tày")),
    scalar("founded", "year", _year, "Năm thành lập", "Year founded", "2016"),
    scalar("members", "int", _whole(1, 100000, "số thành viên", "a member count"), "Số thành viên", "Number of members", "32"),
    F("contact", "mapping", "Liên hệ đặt hàng (cần ít nhất một cách)", "Order contacts (at least one)", "phone: 0912 345 678", required=True, fields=CONTACT_FIELDS),
    scalar("logo", "file", _file_name, "Logo, đặt trong thư mục cùng tên với tệp", "Logo, in the folder named like the file", "logo.png"),
    _image_list("Ảnh của hợp tác xã, đặt trong thư mục cùng tên với tệp", "Photos of the cooperative, in the folder named like the file", name="photos"),
    F("certifications", "list", "Chứng nhận của hợp tác xã", "Certifications held", "[vietgap]", item=None),
    F("marketplaces", "list", "Gian hàng trên sàn thương mại điện tử", "Shops on online marketplaces", "- platform: shopee\n  url: https://shopee.vn/htxchenahang", item=F("marketplace", "mapping", "Một gian hàng", "One shop", "platform: shopee", fields=MARKETPLACE_FIELDS, check=_check_listing)),
    F("languages", "list", "Ngôn ngữ dùng khi liên hệ", "Languages spoken with buyers", LANGUAGES_EXAMPLE, item=scalar("language", "text", _text(30), "Một ngôn ngữ", "A language", "tày")),
    TRANSLATIONS,
)  # fmt: skip

CERTIFICATION_DETAIL_FIELDS = (
    scalar("type", "certification", _certification, "Loại chứng nhận", "Certification", "huu-co", required=True),
    scalar("number", "text", _text(60), "Số giấy chứng nhận", "Certificate number", "HC-123/2024"),
    scalar("issuer", "text", _text(120), "Tổ chức cấp", "Issued by", "Trung tâm Chứng nhận Phù hợp"),
    scalar("valid_until", "date", _date, "Hiệu lực đến (ngày/tháng/năm)", "Valid until (dd/mm/yyyy)", "30/06/2027"),
)  # fmt: skip

CERTIFICATIONS = F(
    "certifications", "certifications",
    "Chứng nhận: tên (vietgap, huu-co, …) hoặc type + số + nơi cấp + hiệu lực",
    "Certifications: a slug (vietgap, huu-co, …) or type + number + issuer + validity",
    "[vietgap]",
    item=F("certification", "certification", "Một chứng nhận", "One certification", "vietgap", convert=_certification, fields=CERTIFICATION_DETAIL_FIELDS),
)  # fmt: skip

COOPERATIVE_FIELDS = tuple(CERTIFICATIONS if f.name == "certifications" else f for f in COOPERATIVE_FIELDS)

OCOP_FIELDS = (
    scalar("stars", "int", _whole(3, 5, "số sao OCOP", "an OCOP star rating"), "Số sao OCOP (3–5)", "OCOP stars (3–5)", "4", required=True),
    scalar("year", "year", _year, "Năm được công nhận", "Year awarded", "2023", required=True),
    scalar("decision", "text", _text(80), "Số quyết định công nhận", "Decision number", "1523/QĐ-UBND"),
    scalar("date", "date", _date, "Ngày quyết định (ngày/tháng/năm); hết hạn sau 36 tháng", "Decision date (dd/mm/yyyy); valid for 36 months", "15/11/2023"),
)  # fmt: skip

ORIGIN_FIELDS = (
    scalar("commune", "text", _text(80), "Xã/phường nơi sản xuất", "Commune of production", "Xã Thượng Giáp"),
    scalar("province", "province", _province, "Tỉnh nơi sản xuất", "Province of production", "Tuyên Quang"),
)  # fmt: skip

SEASON = F(
    "season", "months", "Tháng thu hoạch / có hàng: danh sách tháng hoặc khoảng “9-12”",
    "Harvest / availability months: a list or a range “9-12”", "[3, 4, 5]",
    item=scalar("month", "int", _month, "Một tháng (1–12)", "A month (1–12)", "9"), convert=_months, also_scalar=True,
)  # fmt: skip

PRODUCT_FIELDS = (
    scalar("name", "text", _text(160), "Tên sản phẩm", "Product name", "Chè Shan tuyết cổ thụ Nà Hang", required=True),
    scalar("code", "code", _product_code, "Mã sản phẩm (tự sinh nếu để trống)", "Product code (generated when empty)", "TQ-CHE01"),
    scalar("category", "category", _category, "Danh mục (theo nhóm sản phẩm OCOP)", "Category (from the OCOP product groups)", "che", required=True),
    scalar("price", "price", _price, "Giá, số đồng tròn; hoặc lien-he", "Price in whole đồng; or lien-he", "450000", required=True),
    scalar("unit", "text", _text(40), "Đơn vị bán", "Unit of sale", "hộp 200 g"),
    scalar("min_order", "text", _text(40), "Đặt tối thiểu", "Minimum order", "2 hộp"),
    _image_list("Ảnh sản phẩm, đặt cạnh tệp; hoặc `none` nếu chưa có", "Product photos beside the file; or `none`", required=True, allow_none=True),
    scalar("status", "enum", _enum(STATUSES), "Tình trạng: " + ", ".join(STATUSES), "Status: " + ", ".join(STATUSES), "con-hang", choices=tuple(STATUSES)),
    SEASON,
    F("ocop", "mapping", "Xếp hạng OCOP", "OCOP rating", "stars: 4\nyear: 2023", fields=OCOP_FIELDS),
    CERTIFICATIONS,
    scalar("shelf_life", "text", _text(40), "Hạn sử dụng", "Shelf life", "12 tháng"),
    F("origin", "mapping", "Nơi sản xuất, khi khác địa chỉ hợp tác xã", "Place of production, when different", "province: Tuyên Quang", fields=ORIGIN_FIELDS),
    F("order", "mapping", "Kênh đặt hàng riêng cho sản phẩm này (thay kênh của hợp tác xã)", "Order channels for this product (override the cooperative's)", "zalo: 0987 654 321", fields=CONTACT_FIELDS),
    F("marketplaces", "list", "Sản phẩm trên sàn thương mại điện tử", "Listings on online marketplaces", "- platform: postmart\n  url: https://postmart.vn/p/…", item=F("marketplace", "mapping", "Một sàn", "One listing", "platform: shopee", fields=MARKETPLACE_FIELDS, check=_check_listing)),
    scalar("featured", "bool", _bool, "Nổi bật trên trang chủ (có/không)", "Featured on the home page (yes/no)", "yes"),
    F("tags", "list", "Từ khoá", "Tags", "[chè, quà biếu]", item=scalar("tag", "text", _text(40), "Một từ khoá", "A tag", "quà biếu")),
    TRANSLATIONS,
)  # fmt: skip


# --- checking ------------------------------------------------------------------


def field_label(path: tuple) -> str:
    """('images', 0, 'file') → 'images[1].file' (1-based, as a volunteer counts)."""
    label = ""
    for part in path:
        if isinstance(part, int):
            label += f"[{part + 1}]"
        else:
            label += ("." if label else "") + part
    return label


@dataclass
class CheckContext:
    path: str  # display path of the file
    doc: Document
    problems: Any  # ProblemList

    def report(
        self,
        where: tuple,
        vi: str,
        en: str,
        example: str = "",
        severity: str = "error",
        at: tuple[int, int] | None = None,
    ):
        line, column = at or self.doc.where(where)
        self.problems.add(self.path, line, column, field_label(where), vi, en, example, severity)


def _type_name(value) -> tuple[str, str]:
    if isinstance(value, dict):
        return "nhiều trường con", "a mapping"
    if isinstance(value, list):
        return "một danh sách", "a list"
    return "một giá trị", "a single value"


FAILED = object()  # a value that could not be converted (None is a valid value: price lien-he)


def _wrong_shape(ctx: CheckContext, where: tuple, value, expected_vi: str, expected_en: str, example: str):
    """Report a value of the wrong shape (e.g. a list where sub-fields were expected); return FAILED."""
    got_vi, got_en = _type_name(value)
    ctx.report(
        where,
        f"cần {expected_vi}, nhưng ở đây là {got_vi}",
        f"expected {expected_en}, found {got_en}",
        example,
    )
    return FAILED


def check_value(spec: Field, value, where: tuple, ctx: CheckContext):
    """Convert *value* per *spec*; on failure report and return FAILED."""
    if spec.type in ("mapping",) or (spec.fields and spec.convert is None and spec.type != "image"):
        if not isinstance(value, dict):
            return _wrong_shape(ctx, where, value, "các trường con", "sub-fields", spec.example)
        return _checked_mapping(spec, value, where, ctx)
    if spec.item is not None:
        if isinstance(value, str) and spec.also_scalar:
            if spec.type == "images" and slugify(value) in ("none", "khong", "chua-co"):
                return ()
            if spec.convert is not None:
                return _convert(spec, value, where, ctx)
        if isinstance(value, str) and spec.type == "list" and value.strip():
            value = [value]  # `tags: chè` means a one-item list
        if not isinstance(value, list):
            return _wrong_shape(ctx, where, value, "một danh sách", "a list", spec.example)
        results = []
        for index, item in enumerate(value):
            converted = check_item(spec.item, item, where + (index,), ctx)
            if converted is not FAILED:
                results.append(converted)
        return tuple(results)
    if not isinstance(value, str):
        return _wrong_shape(ctx, where, value, "một giá trị", "one value", spec.example)
    return _convert(spec, value, where, ctx)


def check_item(spec: Field, item, where: tuple, ctx: CheckContext):
    """A list item: a scalar converted by spec.convert, or a mapping checked by spec.fields."""
    if isinstance(item, dict) and spec.fields:
        return _checked_mapping(spec, item, where, ctx)
    if isinstance(item, str) and spec.type == "image":
        file_spec = spec.fields[0]
        converted = _convert(file_spec, item, where, ctx)
        return FAILED if converted is FAILED else {"file": converted}
    if isinstance(item, str) and spec.convert is not None:
        return _convert(spec, item, where, ctx)
    return check_value(spec, item, where, ctx)


def _checked_mapping(spec: Field, value: dict, where: tuple, ctx: CheckContext) -> dict:
    checked = check_mapping(spec.fields, value, where, ctx)
    if spec.check is not None:
        spec.check(checked, where, ctx)
    return checked


def _convert(spec: Field, value: str, where: tuple, ctx: CheckContext):
    try:
        converted = spec.convert(value)
    except Bilingual as error:  # Invalid, or a text helper's TextValueError
        ctx.report(where, error.vi, error.en, spec.example)
        return FAILED
    if isinstance(converted, Warned):
        ctx.report(where, converted.vi, converted.en, "", severity="warning")
        return converted.value
    return converted


def is_blank(value) -> bool:
    """'' or an empty list, or a mapping of blanks: what a form saves for a group left empty."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(is_blank(v) for v in value.values())
    return value == []


MAX_UNSAFE_REPORTED = 10  # per file: a binary file pasted as text has thousands


def report_unsafe(unsafe: tuple[UnsafeCharacter, ...], ctx) -> None:
    """One error per invisible or control character, at its own line and column."""
    for item in unsafe[:MAX_UNSAFE_REPORTED]:
        name = character_name(item.char)
        if item.char == REPLACEMENT:
            vi = f"có ký tự thay thế {name}: chữ ở đây bị hỏng (sai bảng mã), hoặc có ký tự ẩn đã bị thay"
            en = f"a replacement character {name}: the text here is damaged (wrong encoding) or held an invisible character"
            if item.path is None:
                vi, en = "phần mô tả (Markdown) " + vi, "the story (Markdown) contains " + en
            _report_at(ctx, item, vi + "; hãy gõ lại", en + "; retype it")
            continue
        if item.path is None:
            vi = f"phần mô tả (Markdown) có ký tự ẩn hoặc ký tự điều khiển {name}"
            en = f"the story (Markdown) contains an invisible or control character {name}"
        else:
            vi = f"có ký tự ẩn hoặc ký tự điều khiển {name}"
            en = f"an invisible or control character {name}"
        vi += ", thường lẫn vào khi chép chữ từ trang web hay tin nhắn; hãy xoá nó"
        en += ", usually pasted in with text copied from a web page or a message; delete it"
        _report_at(ctx, item, vi, en)
    if len(unsafe) > MAX_UNSAFE_REPORTED:
        more = len(unsafe) - MAX_UNSAFE_REPORTED
        vi = f"còn {more} ký tự ẩn hoặc ký tự điều khiển nữa trong tệp này; hãy xoá hết"
        en = f"{more} more invisible or control characters in this file; delete them all"
        _report_at(ctx, unsafe[MAX_UNSAFE_REPORTED], vi, en)


def _report_at(ctx, item: UnsafeCharacter, vi: str, en: str) -> None:
    # Other contexts (a spreadsheet row) place the problem by field path alone.
    if isinstance(ctx, CheckContext):
        ctx.report(item.path or (), vi, en, at=(item.line, item.column))
    else:
        ctx.report(item.path or (), vi, en)


def check_mapping(fields: tuple[Field, ...], data: dict, where: tuple, ctx: CheckContext) -> dict:
    """Check every key of *data* against *fields*; unknown keys get a "did you mean".

    At the top of a file, the invisible or control characters the strict reader found in it
    (strictyaml.FrontMatter.unsafe) are reported first, wherever they stand.
    """
    if not where and isinstance(data, FrontMatter) and data.unsafe:
        report_unsafe(data.unsafe, ctx)
    by_name = {spec.name: spec for spec in fields}
    result: dict = {}
    for key, value in data.items():
        spec = by_name.get(key)
        if spec is None:
            guess = did_you_mean(key, list(by_name), cutoff=0.5)
            hint_vi, hint_en = hint(guess, "`")
            allowed = ", ".join(by_name)
            ctx.report(
                where + (key,),
                f"trường không có trong mẫu{hint_vi} (các trường: {allowed})",
                f"unknown field{hint_en} (fields: {allowed})",
                f"{guess}: {by_name[guess].example}" if guess else "",
            )
            continue
        if value is None or (isinstance(value, str) and not value.strip() and spec.required):
            ctx.report(
                where + (key,),
                "không được để trống",
                "must not be empty",
                f"{key}: {spec.example}",
            )
            continue
        if is_blank(value) and not spec.required:
            continue  # an optional field left empty (as a CMS form may save it) is the same as leaving it out
        converted = check_value(spec, value, where + (key,), ctx)
        if converted is not FAILED:
            result[key] = converted
    for spec in fields:
        if spec.required and spec.name not in data:
            ctx.report(
                where,
                f"thiếu trường bắt buộc `{spec.name}` ({spec.help_vi})",
                f"required field `{spec.name}` is missing ({spec.help_en})",
                f"{spec.name}: {spec.example}",
            )
    return result


SCHEMAS = {"cooperative": COOPERATIVE_FIELDS, "product": PRODUCT_FIELDS}
