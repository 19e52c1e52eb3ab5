"""The content schema as data: field specs drive validation, docs, templates and CMS config.

Each Field has a type (a scalar's FieldType from chophien/catalogue/field_types.py converts raw
text and gives the CMS widget), whether it is required, help text in Vietnamese and English,
and an example. `check_mapping` walks a parsed front matter against a list of Fields,
converts every value and collects every problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chophien import reference
from chophien.catalogue.field_types import (
    BOOL,
    CATEGORY,
    CERTIFICATION,
    DATE,
    EMAIL,
    ETHNIC_GROUP,
    FACEBOOK,
    FILE_NAME,
    MARKDOWN,
    MESSENGER,
    MONTH,
    MONTHS,
    PHONE,
    PLATFORM,
    PRICE,
    PRODUCT_CODE,
    PROVINCE,
    URL,
    YEAR,
    EnumType,
    FieldType,
    TextType,
    Warned,
    WholeType,
)
from chophien.catalogue.model import KINDS, STATUSES
from chophien.core.text import Bilingual, character_name, did_you_mean, hint, slugify
from chophien.formats.strictyaml import REPLACEMENT, Document, FrontMatter, UnsafeCharacter
from chophien.formats.weblinks import parse_web_address

LANGUAGES_EXAMPLE = "[vi, tày]"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # the field type's name (scalars), or the shape: mapping, list, images, …
    help_vi: str
    help_en: str
    example: str
    required: bool = False
    item: Field | None = None  # for lists
    fields: tuple[Field, ...] = ()  # for mappings
    # For scalars: a FieldType (catalogue/field_types.py: converter and CMS widget), or any
    # function of the raw text (the assessment files' own keys).
    convert: Callable[[str], Any] | None = None
    also_scalar: bool = False  # a list/mapping field that also accepts one scalar keyword
    # For mappings: checks that need several sub-fields at once, given the converted values.
    check: Callable[[dict, tuple, Any], None] | None = None


# --- field specs -----------------------------------------------------------------


def F(name, type_, help_vi, help_en, example, **extra) -> Field:
    return Field(name, type_, help_vi, help_en, example, **extra)


def scalar(name, type_, convert, help_vi, help_en, example, **extra) -> Field:
    return Field(name, type_, help_vi, help_en, example, convert=convert, **extra)


def typed(name: str, field_type: FieldType, help_vi: str, help_en: str, example: str, **extra) -> Field:
    """A scalar field of *field_type*: its name is the field's type, it converts and gives the widget."""
    return Field(name, field_type.name, help_vi, help_en, example, convert=field_type, **extra)


CONTACT_FIELDS = (
    typed("phone", PHONE, "Số điện thoại để gọi và nhắn SMS", "Phone number for calls and SMS", "0912 345 678"),
    typed("zalo", PHONE, "Số điện thoại có Zalo", "Phone number registered on Zalo", "0912 345 678"),
    typed("messenger", MESSENGER, "Tên trang Facebook để nhắn Messenger (m.me/…)", "Facebook page name for Messenger (m.me/…)", "htxchenahang"),
    typed("email", EMAIL, "Địa chỉ email", "Email address", "htxchenahang@example.com"),
    typed("website", URL, "Trang web (https://…)", "Website (https://…)", "https://chenahang.vn"),
    typed("facebook", FACEBOOK, "Trang Facebook (https://…)", "Facebook page (https://…)", "https://www.facebook.com/htxchenahang"),
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
    typed("platform", PLATFORM, "Sàn bán hàng: shopee, lazada, tiki, tiktok-shop, postmart, voso, vcamart hoặc tên sàn khác", "Marketplace: shopee, lazada, tiki, tiktok-shop, postmart, voso, vcamart or another name", "shopee", required=True),
    typed("url", URL, "Địa chỉ gian hàng hoặc sản phẩm trên sàn", "Shop or listing address on the marketplace", "https://shopee.vn/htxchenahang", required=True),
)  # fmt: skip

IMAGE_FIELDS = (
    typed("file", FILE_NAME, "Tên tệp ảnh, đặt cạnh tệp nội dung", "Image file name, beside the content file", "che-shan-tuyet.jpg", required=True),
    typed("alt", TextType(200), "Mô tả ảnh cho người không xem được ảnh", "Image description for people who cannot see it", "Búp chè Shan tuyết phủ lông tơ trắng"),
)  # fmt: skip

STORY_EN_EXAMPLE = (
    "|\n  Our tea comes from ancient Shan Tuyết trees growing wild above 1,300 metres.\n\n"
    "  **How to brew:** rinse the pot with boiling water, add 5–7 g of tea, pour water at 90–95 °C."
)
# translations.en: the English counterpart of each Vietnamese text a buyer reads. Every field is
# optional; what is missing shows in Vietnamese on the English page, marked as not yet translated.
TRANSLATION_EN_NAME = typed(
    "name", TextType(160), "Tên tiếng Anh", "English name", "Nà Hang ancient Shan Tuyết tea"
)
TRANSLATION_EN_STORY = typed(
    "story", MARKDOWN,
    "Câu chuyện / mô tả bằng tiếng Anh: bản dịch đầy đủ phần mô tả (Markdown) tiếng Việt; giữ nguyên tên "
    "riêng tiếng Việt có dấu. Trong tệp: viết sau `story: |`, mỗi dòng thụt vào thêm 2 dấu cách",
    "The story in English: a full translation of the Vietnamese story (Markdown); keep Vietnamese proper "
    "names with their diacritics. In the file: written after `story: |`, each line indented 2 more spaces",
    STORY_EN_EXAMPLE,
)  # fmt: skip
TRANSLATION_EN_FIELDS = (
    TRANSLATION_EN_NAME,
    typed("unit", TextType(40), "Đơn vị bán bằng tiếng Anh", "Unit of sale in English", "200 g box"),
    typed(
        "summary", TextType(200),
        "Tóm tắt tiếng Anh một hai câu cho thẻ sản phẩm và kết quả tìm kiếm (để trống: lấy đoạn đầu của story)",
        "A one- or two-sentence English summary for product cards and search results (empty: the story's first paragraph)",
        "Hand-rolled green tea from century-old trees in the hills of Nà Hang, Tuyên Quang.",
    ),
    TRANSLATION_EN_STORY,
)  # fmt: skip
COOPERATIVE_TRANSLATION_EN_FIELDS = (
    typed("name", TextType(160), "Tên tiếng Anh", "English name", "Nà Hang Shan Tuyết Tea Cooperative"),
    typed(
        "story", MARKDOWN, TRANSLATION_EN_STORY.help_vi, TRANSLATION_EN_STORY.help_en,
        "|\n  Nà Khà is a Tày and Dao village in the hills of Nà Hang, Tuyên Quang.\n\n"
        "  Today the cooperative has 32 members, who pick and roll the tea by hand.",
    ),
)  # fmt: skip


def _translations(fields: tuple[Field, ...]) -> Field:
    """translations: en: …, its example every English field filled in (the `new` templates show it)."""
    lines = []
    for spec in fields:
        first, *rest = spec.example.split("\n")
        lines += [f"{spec.name}: {first}", *rest]
    english = "\n".join(lines)
    return F(
        "translations", "mapping", "Bản dịch (hiện có: en)", "Translations (currently: en)",
        "en:\n" + "\n".join(f"  {line}" if line else "" for line in lines),
        fields=(F("en", "mapping", "Bản tiếng Anh", "English version", english, fields=fields),),
    )  # fmt: skip


TRANSLATIONS = _translations(TRANSLATION_EN_FIELDS)
COOPERATIVE_TRANSLATIONS = _translations(COOPERATIVE_TRANSLATION_EN_FIELDS)


def _image_list(help_vi, help_en, name="images", required=False, allow_none=False):
    return F(
        name, "images", help_vi, help_en,
        "- file: che-shan-tuyet.jpg\n  alt: Búp chè Shan tuyết",
        required=required,
        item=F("file", "image", "Một ảnh: tên tệp, hoặc file + alt", "One image: file name, or file + alt", "file: che.jpg", fields=IMAGE_FIELDS),
        also_scalar=allow_none,
    )  # fmt: skip


COOPERATIVE_FIELDS = (
    typed("name", TextType(160), "Tên đầy đủ của hợp tác xã / cơ sở", "Full name of the cooperative / producer", "Hợp tác xã Chè Shan tuyết Nà Hang", required=True),
    typed("short_name", TextType(60), "Tên ngắn, dùng trong tin nhắn đặt hàng", "Short name used in order messages", "HTX Chè Nà Hang"),
    typed("kind", EnumType(KINDS), "Loại hình: " + ", ".join(KINDS), "Kind: " + ", ".join(KINDS), "hop-tac-xa", required=True),
    typed("province", PROVINCE, "Tỉnh/thành phố (34 đơn vị sau sắp xếp 2025)", "Province or city (one of the 34 units after 2025)", "Tuyên Quang", required=True),
    typed("commune", TextType(80), "Xã/phường", "Commune or ward", "Xã Nà Hang"),
    typed("address", TextType(200), "Địa chỉ (thôn/bản, xã, tỉnh)", "Address (village, commune, province)", "Thôn Nà Khà, xã Nà Hang, tỉnh Tuyên Quang"),
    F("ethnic_groups", "list", "Các dân tộc của thành viên", "Ethnic groups of the members", "[Tày, Dao]", item=typed("ethnic_group", ETHNIC_GROUP, "Một dân tộc trong 54 dân tộc", "One of the 54 ethnic groups", "Tày")),
    typed("founded", YEAR, "Năm thành lập", "Year founded", "2016"),
    typed("members", WholeType(1, 100000, "số thành viên", "a member count"), "Số thành viên", "Number of members", "32"),
    F("contact", "mapping", "Liên hệ đặt hàng (cần ít nhất một cách)", "Order contacts (at least one)", "phone: 0912 345 678", required=True, fields=CONTACT_FIELDS),
    typed("logo", FILE_NAME, "Logo, đặt trong thư mục cùng tên với tệp", "Logo, in the folder named like the file", "logo.png"),
    _image_list("Ảnh của hợp tác xã, đặt trong thư mục cùng tên với tệp", "Photos of the cooperative, in the folder named like the file", name="photos"),
    F("certifications", "list", "Chứng nhận của hợp tác xã", "Certifications held", "[vietgap]", item=None),
    F("marketplaces", "list", "Gian hàng trên sàn thương mại điện tử", "Shops on online marketplaces", "- platform: shopee\n  url: https://shopee.vn/htxchenahang", item=F("marketplace", "mapping", "Một gian hàng", "One shop", "platform: shopee", fields=MARKETPLACE_FIELDS, check=_check_listing)),
    F("languages", "list", "Ngôn ngữ dùng khi liên hệ", "Languages spoken with buyers", LANGUAGES_EXAMPLE, item=typed("language", TextType(30), "Một ngôn ngữ", "A language", "tày")),
    COOPERATIVE_TRANSLATIONS,
)  # fmt: skip

CERTIFICATION_DETAIL_FIELDS = (
    typed("type", CERTIFICATION, "Loại chứng nhận", "Certification", "huu-co", required=True),
    typed("number", TextType(60), "Số giấy chứng nhận", "Certificate number", "HC-123/2024"),
    typed("issuer", TextType(120), "Tổ chức cấp", "Issued by", "Trung tâm Chứng nhận Phù hợp"),
    typed("valid_until", DATE, "Hiệu lực đến (ngày/tháng/năm)", "Valid until (dd/mm/yyyy)", "30/06/2027"),
)  # fmt: skip

CERTIFICATIONS = F(
    "certifications", "certifications",
    "Chứng nhận: tên (vietgap, huu-co, …) hoặc type + số + nơi cấp + hiệu lực",
    "Certifications: a slug (vietgap, huu-co, …) or type + number + issuer + validity",
    "[vietgap]",
    item=F("certification", "certification", "Một chứng nhận", "One certification", "vietgap", convert=CERTIFICATION, fields=CERTIFICATION_DETAIL_FIELDS),
)  # fmt: skip

COOPERATIVE_FIELDS = tuple(CERTIFICATIONS if f.name == "certifications" else f for f in COOPERATIVE_FIELDS)

OCOP_FIELDS = (
    typed("stars", WholeType(3, 5, "số sao OCOP", "an OCOP star rating"), "Số sao OCOP (3–5)", "OCOP stars (3–5)", "4", required=True),
    typed("year", YEAR, "Năm được công nhận", "Year awarded", "2023", required=True),
    typed("decision", TextType(80), "Số quyết định công nhận", "Decision number", "1523/QĐ-UBND"),
    typed("date", DATE, "Ngày quyết định (ngày/tháng/năm); hết hạn sau 36 tháng", "Decision date (dd/mm/yyyy); valid for 36 months", "15/11/2023"),
)  # fmt: skip

ORIGIN_FIELDS = (
    typed("commune", TextType(80), "Xã/phường nơi sản xuất", "Commune of production", "Xã Thượng Giáp"),
    typed("province", PROVINCE, "Tỉnh nơi sản xuất", "Province of production", "Tuyên Quang"),
)  # fmt: skip

SEASON = F(
    "season", "months", "Tháng thu hoạch / có hàng: danh sách tháng hoặc khoảng “9-12”",
    "Harvest / availability months: a list or a range “9-12”", "[3, 4, 5]",
    item=typed("month", MONTH, "Một tháng (1–12)", "A month (1–12)", "9"), convert=MONTHS, also_scalar=True,
)  # fmt: skip

PRODUCT_FIELDS = (
    typed("name", TextType(160), "Tên sản phẩm", "Product name", "Chè Shan tuyết cổ thụ Nà Hang", required=True),
    typed("code", PRODUCT_CODE, "Mã sản phẩm (tự sinh nếu để trống)", "Product code (generated when empty)", "TQ-CHE01"),
    typed("category", CATEGORY, "Danh mục (theo nhóm sản phẩm OCOP)", "Category (from the OCOP product groups)", "che", required=True),
    typed("price", PRICE, "Giá, số đồng tròn; hoặc lien-he", "Price in whole đồng; or lien-he", "450000", required=True),
    typed("unit", TextType(40), "Đơn vị bán", "Unit of sale", "hộp 200 g"),
    typed("min_order", TextType(40), "Đặt tối thiểu", "Minimum order", "2 hộp"),
    _image_list("Ảnh sản phẩm, đặt cạnh tệp; hoặc `none` nếu chưa có", "Product photos beside the file; or `none`", required=True, allow_none=True),
    typed("status", EnumType(STATUSES), "Tình trạng: " + ", ".join(STATUSES), "Status: " + ", ".join(STATUSES), "con-hang"),
    SEASON,
    F("ocop", "mapping", "Xếp hạng OCOP", "OCOP rating", "stars: 4\nyear: 2023", fields=OCOP_FIELDS),
    CERTIFICATIONS,
    typed("shelf_life", TextType(40), "Hạn sử dụng", "Shelf life", "12 tháng"),
    F("origin", "mapping", "Nơi sản xuất, khi khác địa chỉ hợp tác xã", "Place of production, when different", "province: Tuyên Quang", fields=ORIGIN_FIELDS),
    F("order", "mapping", "Kênh đặt hàng riêng cho sản phẩm này (thay kênh của hợp tác xã)", "Order channels for this product (override the cooperative's)", "zalo: 0987 654 321", fields=CONTACT_FIELDS),
    F("marketplaces", "list", "Sản phẩm trên sàn thương mại điện tử", "Listings on online marketplaces", "- platform: postmart\n  url: https://postmart.vn/p/…", item=F("marketplace", "mapping", "Một sàn", "One listing", "platform: shopee", fields=MARKETPLACE_FIELDS, check=_check_listing)),
    typed("featured", BOOL, "Nổi bật trên trang chủ (có/không)", "Featured on the home page (yes/no)", "yes"),
    F("tags", "list", "Từ khoá", "Tags", "[chè, quà biếu]", item=typed("tag", TextType(40), "Một từ khoá", "A tag", "quà biếu")),
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


def key_order(fields: tuple[Field, ...], path: tuple = ()) -> dict[tuple, list[str]]:
    """The schema's key order: for each mapping's path (() for the top), its keys in field order."""
    order = {path: [spec.name for spec in fields]}
    for spec in fields:
        if spec.type == "mapping":
            order.update(key_order(spec.fields, path + (spec.name,)))
    return order
