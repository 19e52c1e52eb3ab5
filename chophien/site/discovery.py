"""Discovery: the search page, printable QR sheets, page heads (previews, JSON-LD) and the extra files.

Three entry points for the Pelican adapter:
- `discovery_pages(catalogue)`: `/tim-kiem/` and one A4 sheet per cooperative (`/hop-tac-xa/<coop>/in/`);
- `install(env, …)`: template globals for each page's head and search-index block;
- `Extras.write(…)`: QR codes, Atom and Merchant feeds, sitemap.xml and robots.txt, written beside
  the pages and registered in the page state, so a later build removes what it no longer makes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup

from chophien import reference
from chophien.catalogue.loader import Catalogue
from chophien.core.files import share_file, write_atomic
from chophien.core.text import vi_sorted
from chophien.photos.model import ProcessedImage
from chophien.site import feeds, seo
from chophien.site.fingerprint import PageState
from chophien.site.history import file_dates
from chophien.site.page import Page, crumbs
from chophien.site.qrcodes import QrCache
from chophien.site.qrcodes import cache_key as qr_cache_key
from chophien.site.search import (
    cooperative_record,
    index_site,
    inputs_digest,
    pagefind_version,
    product_record,
)

NOINDEX_TEMPLATES = {"search.html", "print_sheet.html", "404.html", "errors.html"}
QR_FILE = "qr.svg"
SITE_FEED = "san-pham/atom.xml"
MERCHANT_FEED = "san-pham/google-merchant.xml"
FEED_FILE = "atom.xml"
INDEXED_PAGE = re.compile(r"san-pham/(?!page/)[^/]+/[^/]+/index\.html|hop-tac-xa/[^/]+/index\.html")


# --- pages --------------------------------------------------------------------------------


def discovery_pages(catalogue: Catalogue) -> Iterator:
    """The search page and each cooperative's printable sheet."""
    products = catalogue.products
    groups = reference.category_groups()
    used_categories = {p.category.slug for p in products}
    category_options = [
        (g.name, [c.name for c in reference.categories() if c.group == g.slug and c.slug in used_categories])
        for g in groups
    ]
    provinces = {p.name for p in (pr.origin_province or pr.cooperative.province for pr in products)}
    provinces |= {c.province.name for c in catalogue.cooperatives.values()}
    certifications = {h.certification.name for p in products for h in p.certifications}
    certifications |= {
        h.certification.name for c in catalogue.cooperatives.values() for h in c.certifications
    }
    yield Page(
        "tim-kiem/",
        "search.html",
        {
            "title": "Tìm kiếm",
            "noindex": True,
            "category_options": [(group, names) for group, names in category_options if names],
            "province_options": vi_sorted(provinces),
            "ocop_options": [f"{stars} sao" for stars in sorted(catalogue.by_ocop, reverse=True)],
            "certification_options": vi_sorted(certifications),
            "category_groups": groups,
            "group_counts": {g.slug: len(catalogue.by_group.get(g.slug, ())) for g in groups},
            "breadcrumbs": crumbs(),
        },
    )
    for coop in vi_sorted(catalogue.cooperatives.values(), key=lambda c: c.name):
        yield Page(
            f"{coop.url}in/",
            "print_sheet.html",
            {
                "title": f"Bảng giá có mã QR – {coop.name}",
                "heading": "Bảng giá in",
                "noindex": True,
                "coop": coop,
                "products": catalogue.by_cooperative.get(coop.slug, []),
                "breadcrumbs": crumbs(("Hợp tác xã", "hop-tac-xa/"), (coop.name, coop.url)),
            },
        )


# --- template globals ---------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    canonical: str
    title: str
    description: str
    og_type: str
    image: seo.ShareImage | None
    price: int | None
    noindex: bool
    feed: tuple[str, str] | None  # (title, absolute URL)
    json_ld: Markup


_current: dict = {}  # the build in progress: Pelican's own generators render base.html too


@pass_context
def page_head_global(ctx) -> Head | None:
    """`page_head()` for every Jinja environment (Pelican's page generator has its own)."""
    head = _current.get("page_head")
    return head(ctx) if head else None


def install(env, images: dict[str, ProcessedImage], settings, today: dt.date) -> None:
    """Add `page_head()`, `search_record(…)` and the public address to the Jinja environment."""
    base = seo.public_base(settings)
    sitename = settings.get("SITENAME", "")
    tagline = settings.get("SITE_TAGLINE", "")

    @pass_context
    def page_head(ctx) -> Head:
        output_file = ctx.get("output_file") or ""
        url = seo.page_url_of(output_file)
        product, coop, page = ctx.get("product"), ctx.get("coop"), ctx.get("page")
        title = ctx.get("title") or (getattr(page, "title", "") if page else "") or sitename
        heading = ctx.get("heading") or title
        noindex = bool(ctx.get("noindex")) or output_file in ("404.html",) or ctx.get("problems") is not None
        description, og_type, picture, price, feed = tagline, "website", None, None, None
        items: list[dict] = []
        if product is not None and url == product.url:
            description = seo.product_description(product)
            og_type = "product"
            picture = seo.share_image(product.images[0] if product.images else None, images, base)
            price = product.price
            items.append(seo.product_data(product, base, images, today))
        elif coop is not None and url == coop.url:
            products = ctx.get("products") or []
            description = seo.cooperative_description(coop, len(products))
            picture = seo.share_image(seo.cooperative_image(coop, products), images, base)
            items.append(seo.organization(coop, base, images))
            feed = (f"{coop.name} – sản phẩm mới", seo.absolute(base, f"{coop.url}{FEED_FILE}"))
        else:
            shown = ctx.get("featured") or ctx.get("products") or []
            first = next((p for p in shown if p.images), None)
            if first is not None:
                picture = seo.share_image(first.images[0], images, base)
            if page is not None and getattr(page, "summary", ""):
                from chophien.formats.markup import summary

                description = seo.clip(summary(f"<p>{page.summary}</p>")) or tagline
            elif ctx.get("intro"):
                description = seo.clip(ctx.get("intro"))
            if url in ("", "san-pham/"):
                feed = (f"{sitename} – sản phẩm mới", seo.absolute(base, SITE_FEED))
            if url == "":
                items.append(seo.website(base, sitename))
        crumbs = ctx.get("breadcrumbs")
        if not noindex and crumbs is not None:
            current = ("Trang chủ", "") if url == "" else (heading, url)
            trail = [] if url == "" else list(crumbs)
            items.append(seo.breadcrumb_list(base, trail, current))
        return Head(
            canonical=seo.absolute(base, url),
            title=title,
            description=description,
            og_type=og_type,
            image=picture,
            price=price,
            noindex=noindex,
            feed=feed,
            json_ld=seo.json_ld(items) if items else Markup(""),
        )

    siteurl = settings.get("SITEURL", "")

    def search_record(product=None, coop=None, products=()):
        """What a product's or a cooperative's (with its *products*) page gives the search index."""
        if product is not None:
            return product_record(product, images, siteurl)
        image = seo.cooperative_image(coop, products)
        return cooperative_record(coop, len(products), image, images, siteurl)

    _current["page_head"] = page_head
    env.globals.update(
        page_head=page_head,
        search_record=search_record,
        public_base=base,
        public_base_is_placeholder=seo.is_placeholder(base),
    )


# --- files beside the pages ---------------------------------------------------------------


def is_html_page(url: str) -> bool:
    """Directory-style URLs are pages; anything else (a CSV download, 404.html) is a file."""
    return url == "" or url.endswith("/")


def _place(path: Path, extra: ExtraFile) -> None:
    if extra.cached is not None:  # a QR code: hard-linked (or copied), replaced atomically
        share_file(extra.cached, path)
        return
    write_atomic(path, extra.produce())


def _write(path: Path, extra: ExtraFile) -> None:
    """Most extra files land in a page's folder, which exists: make folders only when needed."""
    try:
        _place(path, extra)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        _place(path, extra)


@dataclass(frozen=True)
class ExtraFile:
    name: str  # relative to the output folder
    key: str  # changes whenever the bytes would
    produce: Callable[[], bytes]
    cached: Path | None = None  # an immutable cache file with these bytes
    source: str = ""  # what the cached file is made from (a QR code's address)


def _text_file(name: str, text: str) -> ExtraFile:
    data = text.encode("utf-8")
    return ExtraFile(name, hashlib.sha256(data).hexdigest()[:24], lambda: data)


class Extras:
    """QR codes, feeds, the sitemap and robots.txt of one build."""

    def __init__(self, settings, catalogue: Catalogue, images, content_dir, cache_dir, today: dt.date):
        self.settings = settings
        self.catalogue = catalogue
        self.images = images
        self.content_dir = Path(content_dir)
        self.qr = QrCache(cache_dir)
        self.today = today
        self.base = seo.public_base(settings)
        self.written = 0

    def files(self, pages, pelican_pages: list[str], build_digest: str = "") -> Iterator[ExtraFile]:
        """Every extra file with a key that changes whenever its bytes would.

        QR codes and feeds are keyed by what they are made from (the address; the content hashes
        and dates of the products shown, plus *build_digest*: code, templates, settings, photos),
        so an unchanged one costs a comparison, not a rendering.
        """
        catalogue, base, images = self.catalogue, self.base, self.images
        qr_pages = [p.url for p in catalogue.products] + [c.url for c in catalogue.cooperatives.values()]
        for url in qr_pages:
            address = seo.absolute(base, url)
            yield ExtraFile(
                f"{url}{QR_FILE}",
                f"qr:{qr_cache_key(address)}",  # the cached code's name: URL, settings, cache version
                lambda a=address: self.qr.read(a),
                self.qr.path_of(address),
                address,
            )

        sources = [p.source for p in catalogue.products] + [c.source for c in catalogue.cooperatives.values()]
        dates = file_dates(self.content_dir, sources)
        newest = max(
            (d[1] for d in dates.values()), default=dt.datetime(self.today.year, 1, 1, tzinfo=dt.UTC)
        )

        sitename = self.settings.get("SITENAME", "")
        tagline = self.settings.get("SITE_TAGLINE", "")

        def inputs(products, *more) -> str:
            parts = [build_digest, base, sitename, tagline, self.today.isoformat(), *map(str, more)]
            parts += [f"{p.digest}{dates[p.source]}" for p in products]
            return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]

        everything = inputs(catalogue.products, newest)
        yield ExtraFile(
            SITE_FEED,
            f"feed:{everything}",
            lambda: feeds.site_feed(base, sitename, catalogue.products, dates, images, newest).encode(),
        )
        for coop in catalogue.cooperatives.values():
            products = catalogue.by_cooperative.get(coop.slug, [])
            yield ExtraFile(
                f"{coop.url}{FEED_FILE}",
                f"feed:{inputs(products, coop.digest, dates[coop.source])}",
                lambda c=coop, ps=products: feeds.cooperative_feed(base, c, ps, dates, images).encode(),
            )
        yield ExtraFile(
            MERCHANT_FEED,
            f"merchant:{everything}",
            lambda: feeds.merchant_feed(
                base, sitename, tagline, catalogue.products, images, self.today
            ).encode(),
        )

        lastmod = {p.url: dates[p.source][1].date() for p in catalogue.products}
        for coop in catalogue.cooperatives.values():
            changed = [dates[coop.source][1]] + [
                dates[p.source][1] for p in catalogue.by_cooperative.get(coop.slug, [])
            ]
            lastmod[coop.url] = max(changed).date()
        entries = [
            feeds.SitemapEntry(seo.absolute(base, page.url), lastmod.get(page.url))
            for page in pages
            if is_html_page(page.url)
            and page.template not in NOINDEX_TEMPLATES
            and not page.context.get("noindex")
        ]
        entries += [
            feeds.SitemapEntry(seo.absolute(base, seo.page_url_of(name))) for name in sorted(pelican_pages)
        ]
        for name, text in feeds.sitemaps(base, entries).items():
            yield _text_file(name, text)
        yield _text_file("robots.txt", feeds.robots_txt(base, seo.base_path(base)))

    def write(
        self, output: Path, state: PageState, pages, pelican_pages: list[str], build_digest: str = ""
    ) -> int:
        """Write what changed; every file is registered in *state* (written or not)."""
        output = Path(output)
        todo = [
            extra
            for extra in self.files(pages, pelican_pages, build_digest)
            if not state.unchanged(extra.name, extra.key, os.path.join(output, extra.name))
        ]
        self.qr.ensure([extra.source for extra in todo if extra.cached is not None])
        for extra in todo:
            _write(output / extra.name, extra)
            self.written += 1
        return self.written


class Discovery:
    """What the catalogue generator calls: template globals, extra files, the search index."""

    def __init__(self, env, settings, prepared, cache_dir, output_path, today: dt.date):
        install(env, prepared.images, settings, today)
        self.extras = Extras(
            settings, prepared.catalogue, prepared.images, settings["PATH"], cache_dir, today
        )
        output_key = hashlib.sha256(os.path.realpath(output_path).encode()).hexdigest()[:12]
        self.marker = Path(cache_dir) / f"search-{output_key}.json"
        # False skips Pagefind (the previous bundle stays): quick local rebuilds of huge catalogues.
        self.search_enabled = settings.get("CHOPHIEN_SEARCH_INDEX", True) is not False

    def write_files(
        self, output: Path, state: PageState, pages, written_files, build_digest: str = ""
    ) -> None:
        """QR codes, feeds, sitemap and robots.txt, after the pages (*written_files*: Pelican's own)."""
        root = os.path.realpath(output)
        ours = {page.save_as for page in pages}
        pelican_pages = []
        for written in written_files:  # the writer's list holds the catalogue's pages too
            name = Path(os.path.relpath(os.path.realpath(written), root)).as_posix()
            if not name.startswith("..") and name.endswith(".html") and name not in ours:
                pelican_pages.append(name)
        self.extras.write(output, state, pages, pelican_pages, build_digest)

    def index_search(self, output: Path, state: PageState) -> None:
        """Run Pagefind over the product and cooperative pages, unless none of them changed."""
        if not self.search_enabled:
            return
        indexed = {name: value for name, value in state.current.items() if INDEXED_PAGE.fullmatch(name)}
        if not indexed:
            return  # with no page carrying data-pagefind-body, Pagefind would index whole pages
        run = index_site(output, self.marker, inputs_digest(indexed))
        if not run.skipped:
            print(
                f"Tìm kiếm: Pagefind {pagefind_version()} · {run.summary} · {run.seconds:.1f} s",
                file=sys.stderr,
            )
