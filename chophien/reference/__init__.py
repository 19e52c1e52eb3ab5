"""Load the reference data (provinces, ethnic groups, categories, certifications, marketplaces); look up.

The data are YAML files in ``chophien/reference/data/`` (sources and unverified items are
noted at the top of each file; see docs/reference-data.md). They are read through
``importlib.resources`` so they are found when the package is installed, parsed once with
``yaml.safe_load`` and returned as tuples of frozen dataclasses, in file order.

Text lookups (``find_*``) compare with :func:`chophien.core.text.search_key`, which folds case,
diacritics (đ → d) and punctuation, so ``"Khánh Hoà"``, ``"Khánh Hòa"`` and ``"khanh-hoa"``
are the same key. ``*_by_slug`` functions take an exact slug and raise ``KeyError``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml

from chophien.core.text import fold, nfc, search_key, slugify

_PACKAGE = "chophien.reference"
_DATA_DIR = "data"

_T = TypeVar("_T")


class ReferenceDataError(ValueError):
    """A reference data file is malformed (raised when it is first loaded)."""


# --- records ---------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    """One of the 6 socio-economic regions (vùng kinh tế - xã hội)."""

    slug: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Province:
    """A provincial-level unit after the 2025 merger; ``kind`` is ``city`` or ``province``.

    ``former`` lists the pre-2025 provinces it absorbed, as written in the data;
    ``former_en`` the same names in English (without diacritics, see provinces.yaml).
    ``name_en``/``full_name_en`` are the English names ("Tuyen Quang", "Tuyen Quang Province").
    """

    code: str
    name: str
    full_name: str
    slug: str
    kind: str
    region: str
    former: tuple[str, ...]
    name_en: str
    full_name_en: str
    former_en: tuple[str, ...]


@dataclass(frozen=True)
class EthnicGroup:
    """One of the 54 ethnic groups; ``code`` is the 1979 GSO code ("01".."54")."""

    code: str
    name: str
    slug: str
    aliases: tuple[str, ...]
    very_small: bool
    name_en: str


@dataclass(frozen=True)
class CategoryGroup:
    """One of the 6 OCOP product groups (top-level filter)."""

    slug: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Category:
    """One of the 26 OCOP leaf categories; ``group`` is a CategoryGroup slug."""

    slug: str
    name: str
    name_en: str
    group: str


@dataclass(frozen=True)
class Certification:
    """A certification or protected mark (not OCOP, which has its own fields)."""

    slug: str
    name: str
    name_en: str
    description: str
    description_en: str


@dataclass(frozen=True)
class Marketplace:
    """A known online marketplace; ``hosts`` are the exact URL host names it uses."""

    slug: str
    name: str
    hosts: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    """Another known site content links to (Facebook, Messenger, Zalo), by exact host names."""

    slug: str
    name: str
    hosts: tuple[str, ...]


# --- loading ----------------------------------------------------------------------


def _error(file_name: str, message: str) -> ReferenceDataError:
    return ReferenceDataError(f"{_DATA_DIR}/{file_name}: {message}")


def _read_text(file_name: str) -> str:
    return (resources.files(_PACKAGE) / _DATA_DIR / file_name).read_text(encoding="utf-8")


@functools.cache
def _load(file_name: str) -> dict[str, Any]:
    # libyaml's loader when PyYAML was built with it: ~5× the pure-Python one on these files.
    data = yaml.load(_read_text(file_name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict):
        raise _error(file_name, "expected a mapping at the top")
    return data


def _records(file_name: str, key: str) -> list[dict[str, Any]]:
    items = _load(file_name).get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise _error(file_name, f"`{key}` must be a list of mappings")
    return items


def _text(record: dict[str, Any], field: str, file_name: str) -> str:
    value = record.get(field)
    if not isinstance(value, str) or not value.strip():
        where = record.get("slug") or record.get("name") or record
        raise _error(file_name, f"{where}: `{field}` must be text")
    return nfc(value.strip())


def _texts(record: dict[str, Any], field: str, file_name: str) -> tuple[str, ...]:
    value = record.get(field) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        where = record.get("slug") or record.get("name") or record
        raise _error(file_name, f"{where}: `{field}` must be a list of text")
    return tuple(nfc(v.strip()) for v in value)


def _unique_by_slug(items: Iterable[_T], file_name: str) -> dict[str, _T]:
    table: dict[str, _T] = {}
    for item in items:
        slug = item.slug  # type: ignore[attr-defined]
        if slug in table:
            raise _error(file_name, f"duplicate slug {slug!r}")
        table[slug] = item
    return table


def _key_index(entries: Iterable[tuple[_T, Iterable[str]]]) -> dict[str, _T]:
    """Map search_key(text) → item; a key claimed by two different items is a data error."""
    index: dict[str, _T] = {}
    for item, texts in entries:
        for text in texts:
            key = search_key(text)
            if not key:
                continue
            if key in index and index[key] != item:
                raise ReferenceDataError(f"reference data: {text!r} matches both {index[key]!r} and {item!r}")
            index[key] = item
    return index


def _find(index: dict[str, _T], text: str) -> _T | None:
    if not isinstance(text, str):
        return None
    key = search_key(nfc(text))
    return index.get(key) if key else None


# --- regions and provinces --------------------------------------------------------

_PROVINCES = "provinces.yaml"
_KINDS = ("city", "province")
# "Tỉnh …", "Thành phố …", "TP. …", "Thủ đô …" (compared on folded text).
_ADMIN_PREFIX = re.compile(r"^\s*(?:tinh|thanh\s+pho|thu\s+do|tp)(?![a-z0-9])[\s.:,-]*")


@functools.cache
def regions() -> tuple[Region, ...]:
    """The 6 socio-economic regions, in the conventional north-to-south order."""
    return tuple(
        Region(
            slug=_text(r, "slug", _PROVINCES),
            name=_text(r, "name", _PROVINCES),
            name_en=_text(r, "name_en", _PROVINCES),
        )
        for r in _records(_PROVINCES, "regions")
    )


@functools.cache
def _regions_by_slug() -> dict[str, Region]:
    return _unique_by_slug(regions(), _PROVINCES)


def region_by_slug(slug: str) -> Region:
    """The region with this slug; ``KeyError`` if unknown."""
    return _regions_by_slug()[slug]


@functools.cache
def _province_records() -> tuple[tuple[Province, dict[str, Any]], ...]:
    pairs = []
    for unit in _records(_PROVINCES, "units"):
        code = unit.get("code")
        if not isinstance(code, str) or not re.fullmatch(r"\d{2}", code):
            raise _error(_PROVINCES, f"{unit.get('name')}: `code` must be a quoted 2-digit string")
        province = Province(
            code=code,
            name=_text(unit, "name", _PROVINCES),
            full_name=_text(unit, "full_name", _PROVINCES),
            slug=_text(unit, "slug", _PROVINCES),
            kind=_text(unit, "type", _PROVINCES),
            region=_text(unit, "region", _PROVINCES),
            former=_texts(unit, "former", _PROVINCES),
            name_en=_text(unit, "name_en", _PROVINCES),
            full_name_en=_text(unit, "full_name_en", _PROVINCES),
            former_en=tuple(
                _text(unit, "name_en", _PROVINCES)
                if old == _text(unit, "name", _PROVINCES)
                else english_place_name(old)
                for old in _texts(unit, "former", _PROVINCES)
            ),
        )
        if province.kind not in _KINDS:
            raise _error(_PROVINCES, f"{province.name}: type must be city or province")
        if province.region not in _regions_by_slug():
            raise _error(_PROVINCES, f"{province.name}: unknown region {province.region!r}")
        pairs.append((province, unit))
    return tuple(pairs)


@functools.cache
def provinces() -> tuple[Province, ...]:
    """The 34 provincial-level units (grouped by region in the data file)."""
    return tuple(province for province, _ in _province_records())


@functools.cache
def _provinces_by_slug() -> dict[str, Province]:
    return _unique_by_slug(provinces(), _PROVINCES)


def province_by_slug(slug: str) -> Province:
    """The unit with this slug; ``KeyError`` if unknown."""
    return _provinces_by_slug()[slug]


def english_place_name(text: str) -> str:
    """A Vietnamese place name as the official English-language sources write it: no diacritics.

    >>> english_place_name("Bà Rịa - Vũng Tàu")
    'Ba Ria - Vung Tau'
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return nfc(stripped.replace("đ", "d").replace("Đ", "D"))


def _place_keys(text: str) -> list[str]:
    """search_key of *text*, then of *text* without a leading "Tỉnh"/"Thành phố"/"TP."."""
    keys = [search_key(text)]
    stripped = _ADMIN_PREFIX.sub("", fold(text), count=1)
    keys.append(search_key(stripped))
    return [key for i, key in enumerate(keys) if key and key not in keys[:i]]


@functools.cache
def _province_indexes() -> tuple[dict[str, Province], dict[str, tuple[Province, str]]]:
    current: dict[str, Province] = {}
    former: dict[str, tuple[Province, str]] = {}
    for province, unit in _province_records():
        names = [province.name, province.full_name, province.slug, province.name_en, province.full_name_en]
        names += list(_texts(unit, "aliases", _PROVINCES))
        if unit.get("previous_full_name"):
            names.append(_text(unit, "previous_full_name", _PROVINCES))
        for name in names:
            for key in _place_keys(name):
                if current.get(key, province) != province:
                    raise _error(_PROVINCES, f"{name!r} matches two units")
                current[key] = province
        for old in province.former:
            for key in _place_keys(old):
                if key in former and former[key][0] != province:
                    raise _error(_PROVINCES, f"former province {old!r} listed twice")
                former[key] = (province, old)
    return current, former


def find_province(text: str) -> tuple[Province | None, str | None]:
    """Find a unit by current name, full name, slug, or a pre-2025 province name.

    Returns ``(unit, None)`` for a current name; ``(unit, old_name)`` when *text* is only a
    pre-2025 name (e.g. "Hà Giang" → Tuyên Quang, "Hà Giang"); ``(None, None)`` otherwise.
    Diacritics, tone-mark placement, case, punctuation and a leading "Tỉnh"/"Thành phố"/
    "TP." are ignored.
    """
    if not isinstance(text, str) or not text.strip():
        return None, None
    current, former = _province_indexes()
    keys = _place_keys(nfc(text))
    for key in keys:
        if key in current:
            return current[key], None
    for key in keys:
        if key in former:
            return former[key]
    return None, None


# --- ethnic groups ----------------------------------------------------------------

_ETHNIC = "ethnic_groups.yaml"


@functools.cache
def _ethnic_records() -> tuple[tuple[EthnicGroup, dict[str, Any]], ...]:
    pairs = []
    for record in _records(_ETHNIC, "groups"):
        very_small = record.get("very_small")
        if not isinstance(very_small, bool):
            raise _error(_ETHNIC, f"{record.get('name')}: very_small must be true or false")
        group = EthnicGroup(
            code=_text(record, "code", _ETHNIC),
            name=_text(record, "name", _ETHNIC),
            slug=_text(record, "slug", _ETHNIC),
            aliases=_texts(record, "aliases", _ETHNIC),
            very_small=very_small,
            name_en=_text(record, "name_en", _ETHNIC),
        )
        pairs.append((group, record))
    return tuple(pairs)


@functools.cache
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    """The 54 ethnic groups in 1979 code order."""
    return tuple(group for group, _ in _ethnic_records())


@functools.cache
def _ethnic_by_slug() -> dict[str, EthnicGroup]:
    return _unique_by_slug(ethnic_groups(), _ETHNIC)


@functools.cache
def _ethnic_index() -> dict[str, EthnicGroup]:
    return _key_index((g, (g.name, g.slug, g.name_en, *g.aliases)) for g in ethnic_groups())


def find_ethnic_group(text: str) -> EthnicGroup | None:
    """The group whose name, slug or alias matches *text* (``"Hmong"`` → H'Mông), or None."""
    return _find(_ethnic_index(), text)


def ethnic_group_by_slug(slug: str) -> EthnicGroup:
    """The group with this slug; ``KeyError`` if unknown."""
    return _ethnic_by_slug()[slug]


# --- categories -------------------------------------------------------------------

_CATEGORIES = "categories.yaml"


@functools.cache
def category_groups() -> tuple[CategoryGroup, ...]:
    """The 6 top-level OCOP product groups."""
    return tuple(
        CategoryGroup(
            slug=_text(g, "slug", _CATEGORIES),
            name=_text(g, "name", _CATEGORIES),
            name_en=_text(g, "name_en", _CATEGORIES),
        )
        for g in _records(_CATEGORIES, "groups")
    )


@functools.cache
def _category_groups_by_slug() -> dict[str, CategoryGroup]:
    return _unique_by_slug(category_groups(), _CATEGORIES)


@functools.cache
def _category_records() -> tuple[tuple[Category, dict[str, Any]], ...]:
    pairs = []
    for record in _records(_CATEGORIES, "categories"):
        category = Category(
            slug=_text(record, "slug", _CATEGORIES),
            name=_text(record, "name", _CATEGORIES),
            name_en=_text(record, "name_en", _CATEGORIES),
            group=_text(record, "group", _CATEGORIES),
        )
        if category.group not in _category_groups_by_slug():
            raise _error(_CATEGORIES, f"{category.slug}: unknown group {category.group!r}")
        if category.slug in _category_groups_by_slug():
            raise _error(_CATEGORIES, f"{category.slug}: a leaf slug must differ from group slugs")
        pairs.append((category, record))
    return tuple(pairs)


@functools.cache
def categories() -> tuple[Category, ...]:
    """The 26 leaf categories (OCOP "bộ sản phẩm"), grouped by their group."""
    return tuple(category for category, _ in _category_records())


@functools.cache
def _categories_by_slug() -> dict[str, Category]:
    return _unique_by_slug(categories(), _CATEGORIES)


@functools.cache
def _category_index() -> dict[str, Category]:
    return _key_index(
        (c, (c.slug, c.name, *_texts(record, "legacy_names", _CATEGORIES)))
        for c, record in _category_records()
    )


def find_category(text: str) -> Category | None:
    """The leaf category whose slug or name (or 2019-era label) matches *text*; never a group."""
    return _find(_category_index(), text)


def category_by_slug(slug: str) -> Category:
    """The leaf category with this slug; ``KeyError`` if unknown (group slugs included)."""
    return _categories_by_slug()[slug]


def category_group_by_slug(slug: str) -> CategoryGroup:
    """The top-level group with this slug; ``KeyError`` if unknown."""
    return _category_groups_by_slug()[slug]


# --- certifications ---------------------------------------------------------------

_CERTIFICATIONS = "certifications.yaml"


@functools.cache
def _certification_records() -> tuple[tuple[Certification, dict[str, Any]], ...]:
    return tuple(
        (
            Certification(
                slug=_text(r, "slug", _CERTIFICATIONS),
                name=_text(r, "name", _CERTIFICATIONS),
                name_en=_text(r, "name_en", _CERTIFICATIONS),
                description=_text(r, "description", _CERTIFICATIONS),
                description_en=_text(r, "description_en", _CERTIFICATIONS),
            ),
            r,
        )
        for r in _records(_CERTIFICATIONS, "certifications")
    )


@functools.cache
def certifications() -> tuple[Certification, ...]:
    """Known certifications and protected marks."""
    return tuple(c for c, _ in _certification_records())


@functools.cache
def _certification_index() -> dict[str, Certification]:
    _unique_by_slug(certifications(), _CERTIFICATIONS)
    return _key_index(
        (c, (c.slug, c.name, c.name_en, *_texts(r, "aliases", _CERTIFICATIONS)))
        for c, r in _certification_records()
    )


def find_certification(text: str) -> Certification | None:
    """The certification whose slug, name, English name or alias matches *text*, or None."""
    return _find(_certification_index(), text)


# --- marketplaces -----------------------------------------------------------------

_MARKETPLACES = "marketplaces.yaml"


def _hosts(record: dict[str, Any]) -> tuple[str, ...]:
    hosts = _texts(record, "hosts", _MARKETPLACES)
    if not hosts or any(h != h.lower() or "/" in h or ":" in h for h in hosts):
        raise _error(_MARKETPLACES, f"{record.get('slug')}: hosts must be lowercase host names")
    return hosts


@functools.cache
def _marketplace_records() -> tuple[tuple[Marketplace, dict[str, Any]], ...]:
    pairs = []
    for r in _records(_MARKETPLACES, "marketplaces"):
        hosts = _hosts(r)
        pairs.append(
            (
                Marketplace(
                    slug=_text(r, "slug", _MARKETPLACES),
                    name=_text(r, "name", _MARKETPLACES),
                    hosts=hosts,
                ),
                r,
            )
        )
    return tuple(pairs)


@functools.cache
def marketplaces() -> tuple[Marketplace, ...]:
    """Known marketplace platforms."""
    return tuple(m for m, _ in _marketplace_records())


@functools.cache
def _marketplace_index() -> dict[str, Marketplace]:
    _unique_by_slug(marketplaces(), _MARKETPLACES)
    return _key_index(
        (m, (m.slug, m.name, *_texts(r, "aliases", _MARKETPLACES))) for m, r in _marketplace_records()
    )


# "mailto:…", "tel:…" but not "shopee.vn:443/…" (a host with a port).
_OTHER_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


@functools.cache
def other_sites() -> tuple[Site, ...]:
    """Facebook, Messenger, Zalo: not marketplaces, but known by their hosts too."""
    return tuple(
        Site(_text(r, "slug", _MARKETPLACES), _text(r, "name", _MARKETPLACES), _hosts(r))
        for r in _records(_MARKETPLACES, "other_sites")
    )


@functools.cache
def _host_index() -> dict[str, Marketplace | Site]:
    index: dict[str, Marketplace | Site] = {}
    for m in (*marketplaces(), *other_sites()):
        for host in m.hosts:
            if host in index:
                raise _error(_MARKETPLACES, f"host {host!r} listed twice")
            index[host] = m
    return index


def site_for_host(host: str) -> Marketplace | Site | None:
    """The marketplace or site whose exact host name *host* is (lowercase, no port)."""
    return _host_index().get(host)


# --- look-alikes -------------------------------------------------------------------

# Host labels that say nothing about whose site it is.
_GENERIC_LABELS = {"www", "m", "s", "vt", "vm", "shop", "chat", "web", "mbasic", "com", "vn", "me"}
# Digits typed for the letters they resemble, and letter pairs that read as one letter.
_SKELETON = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "i": "l"})


def _skeleton(word: str) -> str:
    return word.translate(_SKELETON).replace("rn", "m").replace("vv", "w")


def _one_edit_apart(a: str, b: str) -> bool:
    """True when *a* and *b* differ by one inserted, deleted or replaced character."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    for i in range(len(a)):
        if a[i] != b[i]:
            return a[i:] == b[i + 1 :] or a[i + 1 :] == b[i + 1 :]
    return True


@functools.cache
def _brands() -> tuple[tuple[str, Marketplace | Site], ...]:
    """(brand word, owner): the distinctive labels of every known host (shopee, tiktok, zalo…)."""
    words = []
    for owner in (*marketplaces(), *other_sites()):
        for host in owner.hosts:
            for label in host.split(".")[:-1]:
                if label not in _GENERIC_LABELS and len(label) >= 3 and (label, owner) not in words:
                    words.append((label, owner))
    return tuple(words)


def imitated(words: Iterable[str]) -> Marketplace | Site | None:
    """The known marketplace or site that *words* (host labels, or a label's words) name or
    imitate: the same word, the same word with look-alike characters (sh0pee), one
    character off (shoppe, lazda; brands of 5+ letters), or containing a brand of 6+
    letters (myshopee, shopeevn). None when nothing resembles one."""
    for word in words:
        shape = _skeleton(word.lower())
        for brand, owner in _brands():
            target = _skeleton(brand)
            if (
                shape == target
                or (len(target) >= 5 and _one_edit_apart(shape, target))
                or (len(target) >= 6 and target in shape)
            ):
                return owner
    return None


def imitated_by_host(host: str) -> Marketplace | Site | None:
    """The known marketplace or site *host* imitates without being one of its hosts."""
    if site_for_host(host) is not None:
        return None
    return imitated(re.split(r"[.-]", host))


def imitated_by_label(label: str) -> Marketplace | None:
    """The known marketplace a free platform label names or imitates ("Shopee Mall", "Shoppe")."""
    owner = imitated(slugify(label).split("-"))
    return owner if isinstance(owner, Marketplace) else None


def find_marketplace(text: str) -> Marketplace | None:
    """The platform whose slug, name or alias matches *text* ("TikTok Shop", "tiktok-shop")."""
    return _find(_marketplace_index(), text)


def marketplace_for_url(url: str) -> Marketplace | None:
    """The known platform serving *url*, by exact host name; None for other hosts.

    Only http(s) URLs are considered; a URL written without a scheme ("shopee.vn/abc") is
    read as https. Subdomains are not guessed: only the hosts listed in the data match.
    """
    if not isinstance(url, str) or not url.strip():
        return None
    text = nfc(url).strip()
    if "://" not in text:
        if _OTHER_SCHEME.match(text):  # mailto:, tel:, javascript:, …
            return None
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    found = _host_index().get(host.rstrip("."))
    return found if isinstance(found, Marketplace) else None


def check() -> None:
    """Load every reference file and build every index; raise ReferenceDataError on bad data."""
    for loader in (
        _regions_by_slug,
        _provinces_by_slug,
        _province_indexes,
        _ethnic_by_slug,
        _ethnic_index,
        _category_groups_by_slug,
        _categories_by_slug,
        _category_index,
        _certification_index,
        _marketplace_index,
        other_sites,
        _host_index,
        _brands,
    ):
        loader()
