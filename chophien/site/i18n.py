"""The site's two editions: Vietnamese at the root, English under /en/ (DESIGN §4, docs/i18n.md).

One module owns what makes a page English: which pages have an English twin, the twin's address
(English section words, the file names as slugs: a printed QR code's page has one English twin),
the message catalogue (gettext through Babel, compiled in memory), and English number and date
forms. Templates are the same for both editions: they translate UI text with `_()` / `{% trans %}`
(message ids are the Vietnamese text), show data through the `tr` and `lang_of` filters, and spell
addresses through `urls`, which on English pages is `EnglishUrls`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from io import BytesIO
from types import ModuleType

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup

from chophien.site import urls
from chophien.site.page import Page

VI, EN = "vi", "en"
LANGS = (VI, EN)
DEFAULT_LANG = VI
EN_ROOT = "en/"
HTML_LANG = {VI: "vi", EN: "en"}
OG_LOCALE = {VI: "vi_VN", EN: "en_US"}
LANGUAGE_NAMES = {VI: "Tiếng Việt", EN: "English"}

# Section words: the first segment of a Vietnamese address and its English word.
SECTIONS = {
    "san-pham": "products",
    "hop-tac-xa": "cooperatives",
    "danh-muc": "categories",
    "tinh": "provinces",
    "dan-toc": "ethnic-groups",
    "ocop": "ocop",
    "danh-gia": "assessment",
    "tim-kiem": "search",
    "don-hang": "order-list",
    "so-lieu": "figures",
}
# The content pages every site has (content/pages/<slug>.md and content/pages/en/<slug>.md).
CONTENT_PAGES = {
    "gioi-thieu": "about",
    "cach-dat-hang": "how-to-order",
    "dong-gop-noi-dung": "contributing",
    "chinh-sach-rieng-tu": "privacy",
}
# Second segments under a section that are words, not slugs.
ASSESSMENT_WORDS = {"phuong-phap": "methodology", "so-sanh": "comparison", "tu-danh-gia": "self-assessment"}
# A survey's breakdowns: /danh-gia/<survey>/theo-tinh/ → /en/assessment/<survey>/by-province/.
BREAKDOWN_WORDS = {
    "theo-tinh": "by-province",
    "theo-vung": "by-region",
    "theo-loai-hinh": "by-kind",
    "theo-quy-mo": "by-size",
    "theo-linh-vuc": "by-sector",
}
_STARS = re.compile(r"(\d)-sao")
# Addresses that stay Vietnamese-only (files, printed sheets, the offline machinery): an English page
# links to them as they are.
_NOT_MIRRORED_LAST = re.compile(r"(^|/)in/$")


def english_path(url: str) -> str | None:
    """The English twin of a Vietnamese page address ("" for the home page), or None when the address
    has no twin (a file such as du-lieu.csv, a print sheet, the offline pages). Idempotent: an English
    address is returned as it is."""
    if url.startswith(EN_ROOT) or url == "en":
        return url
    if url == "":
        return EN_ROOT
    if url == "404.html":
        return f"{EN_ROOT}404.html"
    if not url.endswith("/") or _NOT_MIRRORED_LAST.search(url):
        return None
    parts = url[:-1].split("/")
    first = parts[0]
    if first in CONTENT_PAGES and len(parts) == 1:
        return f"{EN_ROOT}{CONTENT_PAGES[first]}/"
    if first not in SECTIONS:
        return None
    words = [SECTIONS[first], *parts[1:]]
    if first == "ocop" and len(parts) > 1:
        words[1] = _STARS.sub(r"\1-stars", parts[1])
    if first == "danh-gia" and len(parts) > 1:
        words[1] = ASSESSMENT_WORDS.get(parts[1], parts[1])
        if len(parts) > 2 and parts[1] not in ASSESSMENT_WORDS:
            words[2] = BREAKDOWN_WORDS.get(parts[2], parts[2])
    return EN_ROOT + "/".join(words) + "/"


def content_page_english(slug: str) -> str:
    """The English address of a content page: its English word for the four every site has, else
    its own slug under /en/."""
    return f"{EN_ROOT}{CONTENT_PAGES.get(slug, slug)}/"


def english_self_assessment_worker() -> str:
    """The English questionnaires' worker, in their folder (/en/assessment/self-assessment/sw.js): the
    Vietnamese worker's scope is its own folder, so it cannot keep the English pages."""
    return f"{english_path(urls.self_assessment())}sw.js"


def twin(url: str, lang: str) -> str | None:
    """The address of *url*'s page in *lang* (english_path for English; the Vietnamese addresses are
    the site's own)."""
    return english_path(url) if lang == EN else url


# Functions of urls.py that return a page address: on English pages they return the English twin.
PAGE_ADDRESSES = frozenset(
    {
        "home",
        "products",
        "product",
        "product_path",
        "cooperatives",
        "cooperative",
        "cooperative_path",
        "categories",
        "category",
        "provinces",
        "province",
        "ethnic_groups",
        "ethnic_group",
        "ocop",
        "ocop_stars",
        "search",
        "search_query",
        "order_list",
        "not_found",
        "content_page",
        "assessments",
        "assessment_comparison",
        "survey",
        "survey_path",
        "self_assessment",
        "figures",
        "method",
        "method_path",
        "survey_breakdown",
    }
)


class EnglishUrls:
    """The `urls` module as English pages see it: page addresses are the English twins; everything
    else (photos, files beside pages, feeds, the search bundle) is the same address."""

    lang = EN

    def __init__(self, module: ModuleType):
        self._module = module

    def __getattr__(self, name: str):
        value = getattr(self._module, name)
        if name not in PAGE_ADDRESSES:
            return value

        def english(*args, **kwargs):
            address = value(*args, **kwargs)
            if name == "search_query":  # "tim-kiem/?q={…}"
                path, _, query = address.partition("?")
                return f"{english_path(path)}?{query}"
            return english_path(address) or address

        setattr(self, name, english)  # made once: templates call these on every English page
        return english

    def local(self, url: str) -> str:
        """A page address from the context (breadcrumbs, listings) as this edition's address."""
        return english_path(url) or url


def local_identity(url: str) -> str:
    return url


def editions(pages: Iterable[Page]) -> Iterator[Page]:
    """Every page of the Vietnamese site, then the English twins of those that have one. Both carry
    `alternates` (language → address), for the language switch, hreflang links and the sitemap."""
    english: list[Page] = []
    for page in pages:
        twin_url = english_path(page.url) if page.lang == VI else None
        if twin_url is None:
            yield page
            continue
        alternates = {VI: page.url, EN: twin_url}
        yield Page(page.url, page.template, {**page.context, "alternates": alternates}, page.lang)
        english.append(Page(twin_url, page.template, {**page.context, "alternates": alternates}, EN))
    yield from english


def edition_links(ctx) -> dict[str, str]:
    """Language → address of the page a template context describes, in both editions when it has a
    twin: the catalogue's pages carry `alternates`; a content/pages page (Pelican's) has an English
    twin when content/pages/en/ has its translation."""
    found = ctx.get("alternates")
    if found:
        return dict(found)
    page = ctx.get("page")
    slug = getattr(page, "slug", None)
    if page is None or not slug:
        return {}
    links = {VI: f"{slug}/"}
    if any(getattr(t, "lang", "") == EN for t in getattr(page, "translations", ())):
        links[EN] = content_page_english(slug)
    return links


def switch_target(ctx, lang: str) -> str:
    """Where the language switch of a *lang* page leads: the same page in the other edition, or that
    edition's home page when the page has no twin."""
    other = EN if lang == VI else VI
    return edition_links(ctx).get(other) or (EN_ROOT if other == EN else "")


# --- the message catalogue -----------------------------------------------------------------------

LOCALE_PACKAGE = "chophien"
LOCALE_DIR = "locale"
DOMAIN = "messages"


def catalogue_path(lang: str):
    return resources.files(LOCALE_PACKAGE) / LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of *lang* (the .po compiled in memory: no .mo in git or in the
    package); Vietnamese, the source language, translates nothing."""
    if lang == DEFAULT_LANG:
        return NullTranslations()
    with catalogue_path(lang).open("rb") as po:
        catalogue = read_po(po, locale=lang, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def N_(message: str) -> str:  # noqa: N802 - gettext_noop's usual name; `make messages` extracts it
    """Marks a message in Python code for extraction; it is translated where it is shown."""
    return message


# --- data texts in the page's language -----------------------------------------------------------


def translation_of(obj, field: str, lang: str) -> str:
    """*obj*'s *field* written in *lang* (`name_en`, …), "" where it has none (or in Vietnamese)."""
    return "" if lang == DEFAULT_LANG else getattr(obj, f"{field}_{lang}", "")


def text_in(obj, field: str, lang: str):
    """*obj*'s *field* in *lang* where the data has it, else the Vietnamese text: the one rule of the
    templates' `tr`, the heads, the search records and the assessment figures."""
    return translation_of(obj, field, lang) or getattr(obj, field)


def text_filters(lang: str) -> dict:
    """`tr` and `lang_of` for *lang*: `{{ product|tr("name") }}` and `<p{{ product|lang_of("summary") }}>`."""

    def tr(obj, field: str):
        return text_in(obj, field, lang)

    def lang_of(obj, field: str) -> Markup:
        if lang == DEFAULT_LANG or translation_of(obj, field, lang):
            return Markup("")
        return Markup(' lang="vi"')

    def translated(obj, field: str = "name") -> bool:
        return lang == DEFAULT_LANG or bool(translation_of(obj, field, lang))

    return {"tr": tr, "lang_of": lang_of, "translated": translated}


# --- English numbers and dates ---------------------------------------------------------------------

MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def money_en(amount: int | None) -> str:
    """Prices stay in đồng, written the English way: 450,000 ₫."""
    return "Price on request" if amount is None else f"{format_decimal(amount, locale='en')} ₫"


def number_en(value: int) -> str:
    return format_decimal(value, locale="en")


def date_en(day: dt.date | None) -> str:
    return babel_format_date(day, format="long", locale="en") if day else ""


def months_text(months, name=str, before: str = "") -> str:
    """A season's months: a run of three or more as a range, else a list; *name* writes one month."""
    months = list(months)
    if not months:
        return ""
    if len(months) > 2 and months == list(range(months[0], months[0] + len(months))):
        return f"{before}{name(months[0])}–{name(months[-1])}"
    return before + ", ".join(name(m) for m in months)


def months_en(months) -> str:
    """(9, 10, 11, 12) → 'September–December'; (1, 5, 6) → 'January, May, June'."""
    return months_text(months, lambda m: MONTHS_EN[m - 1])
