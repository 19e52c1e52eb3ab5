"""Field types: each one converts a value's raw text and describes the CMS form field that asks for it.

As Lektor's field types do (`value_from_raw` beside the admin widget), one object per kind of value
holds both sides, so the CMS form (chophien/volunteer/cms.py) can only accept what the converter
accepts in its canonical form (chophien/catalogue/canonical.py). Calling a type converts: it
returns the value, raises Invalid (a message in Vietnamese and English), or returns Warned (a
value with a warning). `form()` gives the Decap CMS widget; a `string` widget carries a JavaScript
pattern (Decap runs `RegExp(pattern).test(value)`) and the message the form shows when the
pattern refuses a value. tests/catalogue/test_field_types.py runs every pattern under Node.js
beside its converter over one shared list of values, so the two cannot drift.

The assessment loader (chophien/assessment/loader.py) builds its own fields from these types.
"""

from __future__ import annotations

import abc
import datetime
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from chophien import reference
from chophien.core.settings import today
from chophien.core.text import (
    MAX_PRICE,
    MIN_PRICE,
    PHONE_INVALID_VI,
    PHONE_RULE_VI,
    PRICE_UNCLEAR_VI,
    Bilingual,
    did_you_mean,
    hint,
    nfc,
    parse_date,
    parse_phone,
    parse_price,
    slugify,
)
from chophien.formats.weblinks import parse_web_address
from chophien.photos.formats import ACCEPTED_LIST, ACCEPTED_SUFFIXES


class Invalid(Bilingual):
    """A value that a converter rejects: messages in vi/en and a correct example."""


@dataclass
class Warned:
    """A converted value that also carries a warning for the volunteer."""

    value: Any
    vi: str
    en: str


# --- JavaScript patterns ---------------------------------------------------------------------


def _whole_range(low: int, high: int) -> str:
    """A regex for the decimal integers low..high (no sign, no leading zero); low, high ≥ 1."""
    parts = []
    for digits in range(len(str(low)), len(str(high)) + 1):
        start = max(low, 10 ** (digits - 1))
        end = min(high, 10**digits - 1)
        parts.extend(_span(str(start), str(end)))
    return "(?:" + "|".join(parts) + ")"


def _span(low: str, high: str) -> list[str]:
    """Regexes for the equal-length decimal strings low..high."""
    if low == high:
        return [low]
    if len(low) == 1:
        return [f"[{low}-{high}]"]
    common = 0
    while low[common] == high[common]:
        common += 1
    prefix, low, high = low[:common], low[common:], high[common:]
    rest = len(low) - 1
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return [f"{prefix}[{low[0]}-{high[0]}][0-9]{{{rest}}}"]
    out = [prefix + p for p in _span(low, low[0] + "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        middle = f"[{int(low[0]) + 1}-{int(high[0]) - 1}]"
        out.append(f"{prefix}{middle}[0-9]{{{rest}}}")
    out.extend(prefix + p for p in _span(high[0] + "0" * rest, high))
    return out


def text_pattern(max_length: int) -> str:
    """Non-empty text of at most *max_length* characters once runs of spaces count as one."""
    return rf"^\s*(?:\S|\s+(?=\S)){{1,{max_length}}}\s*$"


# --- the base --------------------------------------------------------------------------------


class FieldType(abc.ABC):
    """One kind of value: `type(raw)` converts raw text, `form()` is the CMS form field's widget."""

    name = ""  # what the schema calls this type (docs, the volunteer guide, canonical forms)
    pattern = ""  # for a `string` widget: a JavaScript regex, anchored
    message_vi = ""  # shown by the form when the pattern refuses a value

    @abc.abstractmethod
    def __call__(self, raw: str) -> Any:
        """The value of *raw*, or `Warned(value, …)`; raises `Invalid` (a Bilingual) when refused."""

    def options(self) -> list[dict] | None:
        """The choices, as Decap select options (value = what the file holds); None: free input."""
        return None

    def form(self) -> dict:
        """The Decap widget and its settings for one value of this type."""
        choices = self.options()
        if choices is not None:
            return {"widget": "select", "options": choices}
        if not self.pattern:
            raise TypeError(f"{type(self).__name__} has no CMS form")
        return {"widget": "string", "pattern": [self.pattern, self.message_vi]}

    def accepts(self, raw: str) -> bool:
        """True when the converter takes *raw* (with or without a warning)."""
        try:
            self(raw)
        except Bilingual:  # Invalid, or a text helper's TextValueError
            return False
        return True


# --- text ------------------------------------------------------------------------------------


class TextType(FieldType):
    """Free text on one line, runs of spaces counting as one, at most *max_length* characters."""

    name = "text"

    def __init__(self, max_length: int):
        self.max_length = max_length
        self.pattern = text_pattern(max_length)
        self.message_vi = f"Không để trống, tối đa {max_length} ký tự"

    def __call__(self, raw: str) -> str:
        value = " ".join(raw.split())
        if not value:
            raise Invalid("không được để trống", "must not be empty")
        if len(value) > self.max_length:
            raise Invalid(
                f"dài quá {self.max_length} ký tự ({len(value)})",
                f"longer than {self.max_length} characters ({len(value)})",
            )
        return value


class MarkdownType(FieldType):
    """A Markdown story in a front-matter field (a YAML block scalar `|`), e.g. translations.en.story.

    It is kept as written (lines and spacing matter in Markdown); the loader renders and
    sanitises it with chophien.formats.markup exactly like a file's Markdown body, and the
    file's size limit (formats.strictyaml.MAX_FILE_BYTES) bounds it as it bounds the body.
    """

    name = "markdown"

    def __call__(self, raw: str) -> str:
        value = raw.rstrip().lstrip("\n")  # blank lines around it mean nothing; inside, all is kept
        if not value:
            raise Invalid("không được để trống", "must not be empty")
        return value

    def form(self) -> dict:
        return {"widget": "markdown"}


class ProductCodeType(FieldType):
    name = "code"
    pattern = r"^\s*[A-Za-z0-9][A-Za-z0-9-]{2,15}\s*$"
    message_vi = "3–16 chữ cái không dấu, số hoặc dấu -, ví dụ TQ-CHE01"

    def __call__(self, raw: str) -> str:
        value = raw.strip().upper()
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{2,15}", value):
            raise Invalid(
                f"“{raw}” không phải mã sản phẩm (3–16 chữ cái không dấu, số, dấu -)",
                f"“{raw}” is not a product code (3–16 ASCII letters, digits, -)",
            )
        return value


class FileNameType(FieldType):
    """An image file's bare name, beside the content file."""

    name = "file"

    def __call__(self, raw: str) -> str:
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

    def form(self) -> dict:
        return {"widget": "image", "choose_url": False}


# --- numbers, dates, yes/no -----------------------------------------------------------------------


class WholeType(FieldType):
    """A whole number from *minimum* to *maximum*; `450.000` (dots grouping thousands) is read too."""

    name = "int"

    def __init__(self, minimum: int, maximum: int, what_vi: str, what_en: str):
        self._minimum, self._maximum = minimum, maximum
        self.what_vi, self.what_en = what_vi, what_en

    @property
    def minimum(self) -> int:
        return self._minimum

    @property
    def maximum(self) -> int:
        return self._maximum

    def __call__(self, raw: str) -> int:
        text = raw.strip()
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"\d+", text):
            raise Invalid(
                f"“{raw}” không phải {self.what_vi} (một số nguyên)",
                f"“{raw}” is not {self.what_en} (a whole number)",
            )
        value = int(text)
        minimum, maximum = self.minimum, self.maximum
        if not minimum <= value <= maximum:
            raise Invalid(
                f"{value} nằm ngoài khoảng {minimum}–{maximum}",
                f"{value} is outside {minimum}–{maximum}",
            )
        return value

    def form(self) -> dict:
        return {"widget": "number", "value_type": "int", "min": self.minimum, "max": self.maximum, "step": 1}


class YearType(WholeType):
    """A year from 1900 to this year (the build's CHOPHIEN_TODAY, else the wall clock)."""

    name = "year"

    def __init__(self):
        super().__init__(1900, 0, "một năm", "a year")

    @property
    def maximum(self) -> int:
        return today().year


class MonthType(WholeType):
    """A month, 1–12; the form offers the twelve as numbers, as YAML reads `season: [9, 10]`."""

    def __init__(self):
        super().__init__(1, 12, "một tháng", "a month")

    def options(self) -> list[dict]:
        return [{"label": f"Tháng {m}", "value": m} for m in range(self.minimum, self.maximum + 1)]

    def form(self) -> dict:
        return FieldType.form(self)


class MonthsType(FieldType):
    """A range of months, `9-12` or `11-2` (across the new year): the months in order."""

    name = "months"

    def __call__(self, raw: str) -> tuple[int, ...]:
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


class PriceType(FieldType):
    """A whole number of đồng (core.text.parse_price), or `lien-he` (None: ask the seller)."""

    name = "price"
    pattern = rf"^(?:{_whole_range(MIN_PRICE, MAX_PRICE)}|lien-he)$"
    message_vi = (
        f"Giá {PRICE_UNCLEAR_VI}: ghi số đồng tròn, không dấu chấm, từ {MIN_PRICE} đến {MAX_PRICE}, "
        "ví dụ 450000; hoặc lien-he"
    )

    def __call__(self, raw: str) -> int | None:
        return None if slugify(raw) == "lien-he" else parse_price(raw)


class DateType(FieldType):
    """A real date, day/month/year (core.text.parse_date)."""

    name = "date"
    _day_month = (
        r"(?:(?:0?[1-9]|1[0-9]|2[0-8])/(?:0?[1-9]|1[0-2])"
        r"|(?:29|30)/(?:0?[13-9]|1[0-2])"
        r"|31/(?:0?[13578]|1[02]))/(?!0000)[0-9]{4}"
    )
    _leap = r"29/0?2/(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
    pattern = rf"^\s*(?:{_day_month}|{_leap})\s*$"
    message_vi = "Ngày có thật, ghi ngày/tháng/năm, ví dụ 15/11/2023"

    def __call__(self, raw: str) -> datetime.date:
        return parse_date(raw)


_TRUE = {"yes", "true", "co", "1", "x"}
_FALSE = {"no", "false", "khong", "0"}


class BoolType(FieldType):
    """Yes or no: yes/no, true/false, có/không, 1/0 (x for yes, as in a spreadsheet)."""

    name = "bool"

    def __call__(self, raw: str) -> bool:
        key = slugify(raw)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise Invalid(f"“{raw}” phải là có/không (yes/no)", f"“{raw}” must be yes or no")

    def form(self) -> dict:
        return {"widget": "boolean"}


# --- contact channels ----------------------------------------------------------------------------

_SEP = r"[\s.()-]*"  # what parse_phone removes between digits
_D = rf"{_SEP}[0-9]"


class PhoneType(FieldType):
    """A Vietnamese phone number (core.text.parse_phone), converted to E.164."""

    name = "phone"
    pattern = (
        rf"^{_SEP}(?:\+{_SEP}8{_SEP}4|8{_SEP}4|0){_SEP}"
        rf"(?:[35789](?:{_D}){{8}}|2(?:{_D}){{9}}){_SEP}$"
    )
    message_vi = f"Số này {PHONE_INVALID_VI}: {PHONE_RULE_VI}. Ví dụ 0912 345 678"

    def __call__(self, raw: str) -> str:
        return parse_phone(raw)


_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class EmailType(FieldType):
    name = "email"
    pattern = r"^\s*[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\s*$"
    message_vi = "Địa chỉ email, ví dụ ten@example.com"

    def __call__(self, raw: str) -> str:
        value = raw.strip()
        if not _EMAIL.fullmatch(value):
            raise Invalid(f"“{raw}” không phải địa chỉ email", f"“{raw}” is not an email address")
        return value


class UrlType(FieldType):
    """An https address (weblinks.parse_web_address) whose host imitates no known platform."""

    name = "url"
    pattern = r"^\s*https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::[0-9]+)?(?:/[^\s<>\"'`]*)?\s*$"
    message_vi = "Địa chỉ web bắt đầu bằng https://, ví dụ https://chenahang.vn"

    def __call__(self, raw: str) -> str:
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


def _any_case(text: str) -> str:
    """A JavaScript regex for *text* in any letter case (Decap's patterns take no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in text)


def _facebook() -> reference.Site:
    return next(site for site in reference.other_sites() if site.slug == "facebook")


class FacebookType(UrlType):
    """A Facebook page: an https address on one of Facebook's own hosts."""

    message_vi = (
        "Trang Facebook bắt đầu bằng https://www.facebook.com/, ví dụ https://www.facebook.com/htxchenahang"
    )

    @property
    def pattern(self) -> str:
        hosts = "|".join(_any_case(host) for host in _facebook().hosts)
        return rf"^\s*https://(?:{hosts})(?::[0-9]+)?(?:/[^\s<>\"'`]*)?\s*$"

    def __call__(self, raw: str) -> str:
        url = super().__call__(raw)
        facebook = _facebook()
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


class MessengerType(FieldType):
    """A Facebook page name for Messenger (m.me/<name>), or a link to the page: the name."""

    name = "messenger"
    pattern = (
        r"^\s*(?:https://(?:www\.)?(?:m\.me|facebook\.com|fb\.com|m\.facebook\.com)/[A-Za-z0-9.]{5,50}/?"
        r"|[A-Za-z0-9.]{5,50})\s*$"
    )
    message_vi = "Tên trang Facebook: chữ không dấu, số, dấu chấm, từ 5 ký tự, ví dụ htxchenahang"

    def __call__(self, raw: str) -> str:
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


# --- choices ---------------------------------------------------------------------------------------


class EnumType(FieldType):
    """One of *choices* (slug → (Vietnamese label, English label)), by slug or by either label."""

    name = "enum"

    def __init__(self, choices: Mapping[str, tuple[str, str]]):
        self.choices = choices

    def __call__(self, raw: str) -> str:
        value = raw.strip()
        if value in self.choices:
            return value
        for slug, labels in self.choices.items():
            if slugify(value) in (slug, slugify(labels[0]), slugify(labels[1])):
                return slug
        guess = did_you_mean(value, list(self.choices))
        hint_vi, hint_en = hint(guess, "`")
        raise Invalid(
            f"“{raw}” không nằm trong danh sách ({', '.join(self.choices)}){hint_vi}",
            f"“{raw}” is not one of {', '.join(self.choices)}{hint_en}",
        )

    def options(self) -> list[dict]:
        return [{"label": vi, "value": slug} for slug, (vi, _en) in self.choices.items()]


class ReferenceType(FieldType):
    """An entry of a reference list (chophien/reference), by slug or name, with a "did you mean"."""

    find: Callable[[str], Any]  # a staticmethod in each subclass: raw text → entry or None
    entries: Callable[[], list]  # a staticmethod: every entry
    what_vi = what_en = ""

    def __call__(self, raw: str):
        found = self.find(raw)
        if found is not None:
            return found
        raise self._unknown(raw)

    def _unknown(self, raw: str) -> Invalid:
        entries = self.entries()
        guess = did_you_mean(raw, [item.name for item in entries] + [item.slug for item in entries])
        hint_vi, hint_en = hint(guess)
        return Invalid(
            f"không có {self.what_vi} “{raw}” trong danh mục{hint_vi}",
            f"there is no {self.what_en} “{raw}” in the reference list{hint_en}",
        )

    def options(self) -> list[dict]:
        return [{"label": item.name, "value": item.slug} for item in self.entries()]


class ProvinceType(ReferenceType):
    """One of the 34 provinces; a pre-2025 name is read, with a warning naming the new one."""

    name = "province"
    entries = staticmethod(reference.provinces)
    what_vi, what_en = "tỉnh/thành phố", "province"

    def __call__(self, raw: str):
        province, former = reference.find_province(raw)
        if province is None:
            raise self._unknown(raw)
        if former:
            return Warned(
                province,
                f"“{raw}” là tên tỉnh trước năm 2025; nay thuộc {province.full_name}. Hãy ghi `{province.name}`",
                f"“{raw}” is a pre-2025 province name; it is now part of {province.full_name}. "
                f"Write `{province.name}`",
            )
        return province

    def options(self) -> list[dict]:
        return [{"label": p.name, "value": p.name} for p in reference.provinces()]


class EthnicGroupType(ReferenceType):
    name = "ethnic_group"
    find, entries = staticmethod(reference.find_ethnic_group), staticmethod(reference.ethnic_groups)
    what_vi, what_en = "dân tộc", "ethnic group"

    def options(self) -> list[dict]:
        return [{"label": g.name, "value": g.name} for g in reference.ethnic_groups()]


class CategoryType(ReferenceType):
    name = "category"
    find, entries = staticmethod(reference.find_category), staticmethod(reference.categories)
    what_vi, what_en = "danh mục", "category"

    def options(self) -> list[dict]:
        groups = {g.slug: g.name for g in reference.category_groups()}
        return [{"label": f"{groups[c.group]} › {c.name}", "value": c.slug} for c in reference.categories()]


class CertificationType(ReferenceType):
    name = "certification"
    find, entries = staticmethod(reference.find_certification), staticmethod(reference.certifications)
    what_vi, what_en = "chứng nhận", "certification"


class PlatformType(FieldType):
    """A known marketplace (slug or name), or any short label for another platform."""

    name = "platform"
    label = TextType(40)
    pattern, message_vi = label.pattern, label.message_vi

    def __call__(self, raw: str):
        found = reference.find_marketplace(raw)
        if found is not None:
            return found
        return self.label(raw)


# The types without parameters, one object each.
PRODUCT_CODE = ProductCodeType()
MARKDOWN = MarkdownType()
FILE_NAME = FileNameType()
YEAR = YearType()
MONTH = MonthType()
MONTHS = MonthsType()
PRICE = PriceType()
DATE = DateType()
BOOL = BoolType()
PHONE = PhoneType()
EMAIL = EmailType()
URL = UrlType()
FACEBOOK = FacebookType()
MESSENGER = MessengerType()
PROVINCE = ProvinceType()
ETHNIC_GROUP = EthnicGroupType()
CATEGORY = CategoryType()
CERTIFICATION = CertificationType()
PLATFORM = PlatformType()
