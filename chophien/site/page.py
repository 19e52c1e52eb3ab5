"""A page to render (URL, template, context), listing pagination and breadcrumbs: shared by every page family.

The page families (catalogue_pages, assessment_pages) import this module; it imports none of
them, so the families never import each other through it. Addresses come from urls.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from chophien.site import urls

PER_PAGE = 24
# The enhancement scripts base.html loads on every page (docs/phone.md): the order list's button and
# count, and the offline worker's registration. A page kept offline by another worker keeps them too.
EVERY_PAGE_SCRIPTS = ("js/order.js", "js/offline.js")
OFFLINE_SCRIPTS = ("js/offline.js",)  # registers the worker: left out of a pull request's preview


@dataclass(frozen=True)
class Page:
    url: str  # relative to SITEURL, "" for the home page
    template: str
    context: dict = field(default_factory=dict)
    lang: str = "vi"  # the edition (site/i18n.py): English pages are rendered with the English environment

    @property
    def save_as(self) -> str:
        return urls.save_as(self.url)


@dataclass(frozen=True)
class Paginator:
    number: int
    total_pages: int
    total_items: int
    items: list
    base_url: str

    def url_for(self, number: int) -> str:
        return urls.page(self.base_url, number)

    @property
    def prev_url(self) -> str | None:
        return self.url_for(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url_for(self.number + 1) if self.number < self.total_pages else None

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PER_PAGE + 1 if self.items else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1 if self.items else 0


def paginate(items: list, base_url: str, per_page: int = PER_PAGE) -> Iterator[Paginator]:
    total_pages = max(1, -(-len(items) // per_page))
    for number in range(1, total_pages + 1):
        chunk = items[(number - 1) * per_page : number * per_page]
        yield Paginator(number, total_pages, len(items), chunk, base_url)


# gettext_noop, as i18n.N_ (`make messages` extracts N_ calls): this module cannot import i18n, which
# imports Page. Labels are translated where they are shown (base.html).
N_ = str


class Named(str):
    """A thing's name (a category group, a province, a cooperative) where a page shows it, e.g. in a
    breadcrumb or a directory: the Vietnamese name as the string (JSON-LD, Vietnamese pages), the
    thing as `source`, so an English page shows `source|tr("name")`."""

    source: object

    def __new__(cls, source) -> Named:
        crumb = super().__new__(cls, source.name)
        crumb.source = source
        return crumb

    def __reduce__(self):
        return Named, (self.source,)


def crumbs(*pairs) -> list[tuple[str, str]]:
    """A breadcrumb trail of (label, url) pairs, from the home page. A label is a UI word (marked
    with N_, translated in the template) or a thing with a `name` (made Named)."""
    trail = [(N_("Trang chủ"), urls.home())]
    return trail + [(label if isinstance(label, str) else Named(label), url) for label, url in pairs]
