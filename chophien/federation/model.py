"""A member's catalogue (`danh-muc.json`, schema v1) as frozen objects, and `parse`, which validates it as untrusted input.

A member site is another team's site: what it publishes is checked like content, never trusted
(docs/federation.md). `parse(data, member)` returns `(MemberCatalogue | None, problems)`:
- None with an error when the whole file cannot be used: not UTF-8 JSON, deeper than the schema,
  NaN/Infinity, a duplicate key, too big, not `chophien-catalogue` version 1, a broken `site` block;
- otherwise the catalogue without the entries that failed, each dropped with a warning naming the
  field (a product of an unknown category, a price out of range, a page on another origin, a
  second product with the same code, …); a bad optional part (a photo, the OCOP block, an unknown
  certification or ethnic group) is left out of its entry with a warning, the entry is kept.

Text stays plain text (templates escape it; nothing here is ever marked safe), NFC-normalised,
without control or invisible characters; every address is absolute http(s) on the member's own
origin (pages, search) or on the media origin federation.yaml declares for it (photos).
Products are told apart by `RemoteProduct.key` (member id + code): two members may use one code.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from chophien import reference
from chophien.catalogue.model import KINDS, STATUSES
from chophien.core.problems import ERROR, WARNING, Problem
from chophien.core.text import MAX_PRICE, nfc, unsafe_characters

FORMAT = "chophien-catalogue"
VERSION = 1
FILE_NAME = "danh-muc.json"

MAX_BYTES = 32 * 1024 * 1024  # what parse accepts (fetch stops reading at its own limit, the same by default)
MAX_PRODUCTS = 100_000
MAX_COOPERATIVES = 20_000
MAX_DEPTH = 6  # the schema's deepest value: products[i].photo.jpg is at depth 4
MAX_WARNINGS = 50  # per member: a hostile file with 100,000 bad entries gives one line for the rest
MAX_URL = 2_000
MAX_NUMBER_DIGITS = 20
LENGTHS = {  # longest text accepted per field (the content schema's limits, with room to spare)
    "name": 200, "short_name": 200, "name_en": 200, "commune": 200, "unit": 80, "summary": 500,
    "alt": 300, "slug": 100, "code": 16, "cooperative": 100,
}  # fmt: skip
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,15}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_PIXELS = 20_000
OCOP_STARS = (3, 4, 5)
OCOP_YEARS = (2018, 2100)


@dataclass(frozen=True)
class Member:
    """One member site as federation.yaml lists it."""

    id: str  # a slug, unique in federation.yaml: the key of its products and its cache file
    name: str
    url: str  # the site's public address, ending in "/"
    province: str  # a province slug (chophien.reference)
    media: str | None = None  # the origin its photos may come from besides its own ("https://cdn.example.vn")
    line: int = field(default=0, compare=False)  # where federation.yaml lists it

    @property
    def catalogue_url(self) -> str:
        return f"{self.url}{FILE_NAME}"

    @property
    def origin(self) -> str:
        return origin_of(self.url)


@dataclass(frozen=True)
class RemotePhoto:
    jpg: str
    webp: str | None
    avif: str | None
    w: int
    h: int
    alt: str


@dataclass(frozen=True)
class RemoteOcop:
    stars: int
    year: int
    expires: dt.date | None


@dataclass(frozen=True)
class RemoteCooperative:
    member: Member
    slug: str
    name: str
    short_name: str
    kind: str  # catalogue.model.KINDS
    province: str  # a province slug
    commune: str
    ethnic_groups: tuple[str, ...]  # ethnic group slugs
    url: str  # absolute, on the member's origin
    updated: dt.date | None

    @property
    def key(self) -> str:
        return f"{self.member.id}/{self.slug}"


@dataclass(frozen=True)
class RemoteProduct:
    member: Member
    slug: str
    cooperative: str  # the slug of a cooperative of the same catalogue
    code: str
    name: str
    name_en: str
    category: str  # a category slug
    group: str  # its category group (from the reference data, whatever the member wrote)
    price: int | None  # whole đồng; None: "Liên hệ"
    unit: str
    status: str  # catalogue.model.STATUSES
    province: str  # a province slug
    ocop: RemoteOcop | None
    certifications: tuple[str, ...]
    url: str
    summary: str
    photo: RemotePhoto | None
    updated: dt.date | None

    @property
    def key(self) -> str:
        """Unique across members: the member's id and the product's code."""
        return f"{self.member.id}/{self.code}"


@dataclass(frozen=True)
class MemberCatalogue:
    member: Member
    name: str
    url: str
    search: str | None
    media: str | None
    generated: dt.date
    cooperatives: tuple[RemoteCooperative, ...]
    products: tuple[RemoteProduct, ...]


# --- helpers -----------------------------------------------------------------------------------


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of an absolute http(s) URL, lower-cased; "" if it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{parts.hostname}" + (f":{port}" if port and port != default else "")


def prefix_of(url: str) -> str:
    """*url*'s origin (origin_of) and path, ending in "/": what every address of a member starts with."""
    path = urlsplit(url).path or "/"
    return origin_of(url) + (path if path.endswith("/") else path + "/")


# A path segment a browser resolves away (".", "..", also percent-encoded): it could step out of a prefix.
_DOT_SEGMENT = re.compile(r"(?i)(?:^|/)(?:\.|%2e){1,2}(?:/|$)")


class Refused(ValueError):
    """A value that cannot be used: (message_vi, message_en, example)."""

    def __init__(self, vi: str, en: str, example: str = ""):
        super().__init__(en)
        self.vi, self.en, self.example = vi, en, example


class _Reader:
    """Checks one catalogue, collecting problems (warnings capped at MAX_WARNINGS)."""

    def __init__(self, member: Member):
        self.member = member
        self.path = member.catalogue_url
        self.problems: list[Problem] = []
        self.dropped_warnings = 0
        self.entry = ""  # the entry being read ("products[3]"), for problems about a part of it
        # Where its addresses may point: under the member's own address (two members may share a host,
        # e.g. owner.github.io/tinh-a/ and owner.github.io/tinh-b/), photos also on its declared media origin.
        self.page_origins = {prefix_of(member.url)}
        self.photo_origins = self.page_origins | ({prefix_of(member.media)} if member.media else set())

    def problem(self, where: str, refused: Refused, severity: str = WARNING, dropped: str = "") -> None:
        if severity == WARNING and len([p for p in self.problems if p.severity == WARNING]) >= MAX_WARNINGS:
            self.dropped_warnings += 1
            return
        vi, en = refused.vi, refused.en
        if dropped:
            vi, en = f"{vi} ({_DROPPED[dropped][0]})", f"{en} ({_DROPPED[dropped][1]})"
        self.problems.append(Problem(self.path, 0, 0, where, vi, en, refused.example, severity))

    # --- typed values; each raises Refused

    def text(self, value, name: str, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise Refused(
                f"phải là chữ, không phải {_kind(value)}",
                f"must be text, not {_kind(value)}",
                '"Chè Shan tuyết"',
            )
        value = nfc(value.strip())
        if required and not value:
            raise Refused("không được để trống", "must not be empty", '"Chè Shan tuyết"')
        limit = LENGTHS.get(name, 200)
        if len(value) > limit:
            raise Refused(
                f"dài {len(value)} ký tự, tối đa {limit}", f"is {len(value)} characters long, at most {limit}"
            )
        if unsafe_characters(value) or "\n" in value or "\t" in value:
            raise Refused(
                "chứa ký tự điều khiển hoặc ký tự vô hình", "contains control or invisible characters"
            )
        return value

    def slug(self, value, name: str, known=None) -> str:
        value = self.text(value, name)
        if not SLUG.fullmatch(value) or len(value) > LENGTHS["slug"]:
            raise Refused(f"“{value[:40]}” không phải slug (chữ thường không dấu, số, dấu -)",
                          f"“{value[:40]}” is not a slug (lowercase ASCII letters, digits, -)", '"tuyen-quang"')  # fmt: skip
        if known is not None and value not in known:
            raise Refused(f"“{value}” không có trong dữ liệu tham chiếu", f"“{value}” is not in the reference data",
                          f'"{next(iter(known))}"')  # fmt: skip
        return value

    def date(self, value, *, required: bool = False) -> dt.date | None:
        if value is None and not required:
            return None
        if isinstance(value, str) and DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise Refused("phải là ngày dạng NĂM-THÁNG-NGÀY", "must be a date as YEAR-MONTH-DAY", '"2026-11-27"')

    def integer(self, value, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Refused(
                f"phải là số nguyên, không phải {_kind(value)}",
                f"must be a whole number, not {_kind(value)}",
                str(low),
            )
        if not low <= value <= high:
            raise Refused(f"phải từ {low} đến {high}", f"must be between {low} and {high}", str(low))
        return value

    def url(self, value, origins: set[str], *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise Refused(f"phải là địa chỉ web, không phải {_kind(value)}", f"must be a web address, not {_kind(value)}",
                          f'"{self.member.url}"')  # fmt: skip
        if len(value) > MAX_URL or unsafe_characters(value) or any(c in value for c in " \t\n\\\"'<>`"):
            raise Refused(
                "không phải địa chỉ web hợp lệ", "is not a valid web address", f'"{self.member.url}"'
            )
        if _DOT_SEGMENT.search(urlsplit(value).path):
            raise Refused(f"“{value[:60]}” có đoạn /./ hay /../ trong đường dẫn", f"“{value[:60]}” has a /./ or /../ segment",
                          f'"{self.member.url}"')  # fmt: skip
        if any(value.startswith(prefix) for prefix in origins):
            return value  # exactly under an allowed address: no user name, no other host or port
        found = origin_of(value)
        if not found:
            raise Refused(f"“{value[:60]}” không phải địa chỉ http(s) đầy đủ", f"“{value[:60]}” is not an absolute http(s) address",
                          f'"{self.member.url}"')  # fmt: skip
        parts = urlsplit(value)
        if parts.username or parts.password:
            raise Refused(
                "địa chỉ web không được chứa tên đăng nhập", "a web address must not carry a user name"
            )
        if not any(prefix_of(value).startswith(prefix) for prefix in origins):
            raise Refused(f"“{value[:60]}” không thuộc trang của thành viên ({', '.join(sorted(origins))})",
                          f"“{value[:60]}” is not on the member's own site ({', '.join(sorted(origins))})",
                          f'"{self.member.url}"')  # fmt: skip
        return value

    def mapping(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            raise Refused(
                f"phải là một đối tượng {{…}}, không phải {_kind(value)}",
                f"must be an object {{…}}, not {_kind(value)}",
            )
        return value

    def listing(self, value, limit: int) -> list:
        if not isinstance(value, list):
            raise Refused(
                f"phải là danh sách […], không phải {_kind(value)}", f"must be a list […], not {_kind(value)}"
            )
        if len(value) > limit:
            raise Refused(f"có {len(value)} mục, tối đa {limit}", f"has {len(value)} items, at most {limit}")
        return value

    # --- parts

    def site(self, data) -> dict:
        site = self.mapping(data.get("site"), "site")
        values = {}
        for name, check in (
            ("name", lambda v: self.text(v, "name")),
            ("url", lambda v: self.url(v, self.page_origins)),
            ("search", lambda v: self.url(v, self.page_origins, required=False)),
            ("media", lambda v: self._media(v)),
            ("generated", lambda v: self.date(v, required=True)),
        ):
            try:
                values[name] = check(site.get(name))
            except Refused as refused:
                raise _At(f"site.{name}", refused) from None
        return values

    def _media(self, value) -> str | None:
        if value is None:
            return None
        try:
            return self.url(value, self.photo_origins)
        except Refused:
            # Informative only: photos are checked one by one against the origins federation.yaml allows.
            self.problem("site.media", Refused(
                "nguồn ảnh này chưa được khai trong federation.yaml (media:), ảnh từ đó bị bỏ",
                "this media origin is not declared in federation.yaml (media:), photos from it are left out",
                f"media: {origin_of(value) or 'https://anh.tinh.example.vn'}"))  # fmt: skip
            return None

    def cooperative(self, raw) -> RemoteCooperative:
        entry = self.mapping(raw, "")
        return RemoteCooperative(
            member=self.member,
            slug=self._field(entry, "slug", lambda v: self.slug(v, "slug")),
            name=self._field(entry, "name", lambda v: self.text(v, "name")),
            short_name=self._field(entry, "short_name", lambda v: self.text(v, "short_name", required=False)),
            kind=self._field(entry, "kind", lambda v: self.slug(v, "slug", KINDS)),
            province=self._field(entry, "province", lambda v: self.slug(v, "slug", _provinces())),
            commune=self._field(entry, "commune", lambda v: self.text(v, "commune", required=False)),
            ethnic_groups=self._slugs(entry, "ethnic_groups", _ethnic()),
            url=self._field(entry, "url", lambda v: self.url(v, self.page_origins)),
            updated=self._field(entry, "updated", self.date),
        )

    def product(self, raw, cooperatives: set[str]) -> RemoteProduct:
        entry = self.mapping(raw, "")
        category = self._field(entry, "category", lambda v: self.slug(v, "slug", _categories()))
        return RemoteProduct(
            member=self.member,
            slug=self._field(entry, "slug", lambda v: self.slug(v, "slug")),
            cooperative=self._field(entry, "cooperative", lambda v: self._cooperative(v, cooperatives)),
            code=self._field(entry, "code", self._code),
            name=self._field(entry, "name", lambda v: self.text(v, "name")),
            name_en=self._field(entry, "name_en", lambda v: self.text(v, "name_en", required=False)),
            category=category,
            group=_categories()[category],
            price=self._field(entry, "price", lambda v: None if v is None else self.integer(v, 0, MAX_PRICE)),
            unit=self._field(entry, "unit", lambda v: self.text(v, "unit", required=False)),
            status=self._field(entry, "status", lambda v: self.slug(v, "slug", STATUSES)),
            province=self._field(entry, "province", lambda v: self.slug(v, "slug", _provinces())),
            ocop=self._optional(entry, "ocop", self._ocop),
            certifications=self._slugs(entry, "certifications", _certifications()),
            url=self._field(entry, "url", lambda v: self.url(v, self.page_origins)),
            summary=self._field(entry, "summary", lambda v: self.text(v, "summary", required=False)),
            photo=self._optional(entry, "photo", self._photo),
            updated=self._field(entry, "updated", self.date),
        )

    def _cooperative(self, value, known: set[str]) -> str:
        slug = self.slug(value, "cooperative")
        if slug not in known:
            raise Refused(
                f"không có hợp tác xã “{slug}” trong danh mục này",
                f"no cooperative “{slug}” in this catalogue",
            )
        return slug

    def _code(self, value) -> str:
        code = self.text(value, "code")
        if not CODE.fullmatch(code):
            raise Refused(f"“{code[:40]}” không phải mã sản phẩm (3–16 chữ hoa không dấu, số, dấu -)",
                          f"“{code[:40]}” is not a product code (3–16 uppercase ASCII letters, digits, -)", '"TQ-CHE01"')  # fmt: skip
        return code

    def _ocop(self, value) -> RemoteOcop:
        ocop = self.mapping(value, "ocop")
        return RemoteOcop(
            stars=self._field(
                ocop, "stars", lambda v: self.integer(v, OCOP_STARS[0], OCOP_STARS[-1]), "ocop."
            ),
            year=self._field(ocop, "year", lambda v: self.integer(v, *OCOP_YEARS), "ocop."),
            expires=self._field(ocop, "expires", self.date, "ocop."),
        )

    def _photo(self, value) -> RemotePhoto:
        photo = self.mapping(value, "photo")
        return RemotePhoto(
            jpg=self._field(photo, "jpg", lambda v: self.url(v, self.photo_origins), "photo."),
            webp=self._field(
                photo, "webp", lambda v: self.url(v, self.photo_origins, required=False), "photo."
            ),
            avif=self._field(
                photo, "avif", lambda v: self.url(v, self.photo_origins, required=False), "photo."
            ),
            w=self._field(photo, "w", lambda v: self.integer(v, 1, MAX_PIXELS), "photo."),
            h=self._field(photo, "h", lambda v: self.integer(v, 1, MAX_PIXELS), "photo."),
            alt=self._field(photo, "alt", lambda v: self.text(v, "alt", required=False), "photo."),
        )

    def _list(self, value, limit: int) -> list:
        return [] if value is None else self.listing(value, limit)

    def _slugs(self, entry: dict, name: str, known) -> tuple[str, ...]:
        found = []
        for i, value in enumerate(self._field(entry, name, lambda v: self._list(v, 60))):
            try:
                found.append(self.slug(value, "slug", known))
            except Refused as refused:
                self.problem(f"{self.entry}.{name}[{i}]", refused, dropped="item")
        return tuple(dict.fromkeys(found))

    def _field(self, entry: dict, name: str, check, prefix: str = ""):
        try:
            return check(entry.get(name))
        except Refused as refused:
            raise _At(prefix + name, refused) from None

    def _optional(self, entry: dict, name: str, check):
        """An optional block: when it is wrong, it is left out (with a warning), the entry stays."""
        if entry.get(name) is None:
            return None
        try:
            return check(entry[name])
        except (Refused, _At) as wrong:
            at = wrong if isinstance(wrong, _At) else _At(name, wrong)
            where = at.where if at.where.startswith(name) else f"{name}.{at.where}"
            self.problem(f"{self.entry}.{where}", at.refused, dropped="part")
            return None


class _At(Exception):
    """A Refused value and where it is."""

    def __init__(self, where: str, refused: Refused):
        super().__init__(where)
        self.where, self.refused = where, refused


_DROPPED = {
    "entry": ("mục này bị bỏ qua", "this entry is left out"),
    "part": ("phần này bị bỏ qua, mục vẫn được giữ", "this part is left out, the entry is kept"),
    "item": ("giá trị này bị bỏ qua", "this value is left out"),
}


def _kind(value) -> str:
    return {bool: "true/false", int: "số", float: "số", str: "chữ", list: "danh sách", dict: "đối tượng"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


@functools.cache
def _provinces() -> dict[str, object]:
    return {p.slug: p for p in reference.provinces()}


@functools.cache
def _ethnic() -> dict[str, object]:
    return {g.slug: g for g in reference.ethnic_groups()}


@functools.cache
def _categories() -> dict[str, str]:
    """Category slug → its group slug."""
    return {c.slug: c.group for c in reference.categories()}


@functools.cache
def _certifications() -> dict[str, object]:
    return {c.slug: c for c in reference.certifications()}


# --- JSON decoding -----------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise Refused(f"khoá “{key[:40]}” xuất hiện hai lần trong một đối tượng",
                              f"the key “{key[:40]}” appears twice in one object")  # fmt: skip
            seen.add(key)
    return result


def _no_constant(name: str):
    raise Refused(f"{name} không phải là số JSON", f"{name} is not a JSON number", "12000")


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise Refused("số quá dài", "a number with too many digits", "12000")
    return int(text)


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


def _depth_ok(text: str) -> bool:
    """No value nested deeper than MAX_DEPTH (checked before json.loads, which recurses).

    Strings and everything but brackets are removed, then innermost pairs MAX_DEPTH times over
    (each pass at the regex engine's speed); a pair still there is nested deeper. Unbalanced
    brackets are left for the JSON parser to refuse."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(MAX_DEPTH):
        brackets = _INNERMOST.sub("", brackets)
        if not brackets:
            return True
    return _INNERMOST.search(brackets) is None


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> object:
    """The JSON value of *data* (UTF-8, a leading BOM tolerated), or Refused."""
    if len(data) > max_bytes:
        raise Refused(
            f"tệp nặng {len(data):,} byte, tối đa {max_bytes:,}",
            f"the file is {len(data):,} bytes, at most {max_bytes:,}",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused(
            f"không phải văn bản UTF-8 (byte {error.start})", f"not UTF-8 text (byte {error.start})"
        ) from None
    if not _depth_ok(text):
        raise Refused(f"lồng nhau quá {MAX_DEPTH} tầng", f"nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant, parse_int=_integer
        )
    except json.JSONDecodeError as error:
        raise Refused(f"không phải JSON hợp lệ: dòng {error.lineno}, cột {error.colno}",
                      f"not valid JSON: line {error.lineno}, column {error.colno} ({error.msg})") from None  # fmt: skip
    except RecursionError:
        raise Refused(f"lồng nhau quá {MAX_DEPTH} tầng", f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # int conversion limits
        raise Refused("số không đọc được", f"a number that cannot be read ({str(error)[:60]})") from None


# --- parse -------------------------------------------------------------------------------------


def parse(
    data: bytes, member: Member, max_bytes: int | None = None
) -> tuple[MemberCatalogue | None, list[Problem]]:
    """*data* (a `danh-muc.json` from *member*) checked: the usable catalogue and every problem found.
    *max_bytes*: the largest file accepted (MAX_BYTES unless the build's setting says otherwise)."""
    reader = _Reader(member)
    try:
        value = decode(data, MAX_BYTES if max_bytes is None else max_bytes)
        top = reader.mapping(value, "")
        if top.get("format") != FORMAT or top.get("version") != VERSION:
            raise Refused(
                f"không phải danh mục Chợ phiên phiên bản {VERSION} (format, version)",
                f"not a Chợ phiên catalogue version {VERSION} (format, version)",
                f'{{"format": "{FORMAT}", "version": {VERSION}, …}}',
            )
        site = reader.site(top)
        raw_coops = reader.listing(top.get("cooperatives"), MAX_COOPERATIVES)
        raw_products = reader.listing(top.get("products"), MAX_PRODUCTS)
    except Refused as refused:
        reader.problem("", refused, ERROR)
        return None, reader.problems
    except _At as at:
        reader.problem(at.where, at.refused, ERROR)
        return None, reader.problems

    cooperatives: dict[str, RemoteCooperative] = {}
    for i, raw in enumerate(raw_coops):
        coop = _entry(reader, f"cooperatives[{i}]", lambda raw=raw: reader.cooperative(raw))
        if coop is None:
            continue
        if coop.slug in cooperatives:
            reader.problem(f"cooperatives[{i}].slug", Refused(f"hợp tác xã “{coop.slug}” đã có ở trên",
                           f"cooperative “{coop.slug}” is listed twice"), dropped="entry")  # fmt: skip
            continue
        cooperatives[coop.slug] = coop
    products: dict[str, RemoteProduct] = {}
    pages: set[tuple[str, str]] = set()
    for i, raw in enumerate(raw_products):
        product = _entry(reader, f"products[{i}]", lambda raw=raw: reader.product(raw, set(cooperatives)))
        if product is None:
            continue
        if product.code in products or (product.cooperative, product.slug) in pages:
            twice = "code" if product.code in products else "slug"
            reader.problem(f"products[{i}].{twice}", Refused(
                f"sản phẩm trùng {'mã' if twice == 'code' else 'slug'} với một sản phẩm ở trên của thành viên này",
                f"a product above has the same {twice} on this member", '"TQ-CHE02"'), dropped="entry")  # fmt: skip
            continue
        products[product.code] = product
        pages.add((product.cooperative, product.slug))
    if reader.dropped_warnings:
        reader.problems.append(Problem(
            reader.path, 0, 0, "", f"và {reader.dropped_warnings} cảnh báo nữa (không liệt kê)",
            f"and {reader.dropped_warnings} more warnings (not listed)", "", WARNING))  # fmt: skip
    return (
        MemberCatalogue(
            member=member,
            name=site["name"],
            url=site["url"],
            search=site["search"],
            media=site["media"],
            generated=site["generated"],
            cooperatives=tuple(sorted(cooperatives.values(), key=lambda c: c.slug)),
            products=tuple(sorted(products.values(), key=lambda p: p.code)),
        ),
        reader.problems,
    )


def _entry(reader: _Reader, where: str, build):
    reader.entry = where
    try:
        return build()
    except Refused as refused:
        reader.problem(where, refused, dropped="entry")
    except _At as at:
        reader.problem(f"{where}.{at.where}", at.refused, dropped="entry")
    return None
