"""The files written beside the pages: QR codes, Atom and Merchant feeds, sitemap.xml, robots.txt, danh-muc.json.

Each is an `ExtraFile` with a key that changes whenever its bytes would; `Extras.write` writes
only what changed and registers every file in the page state, so a later build removes what it
no longer makes. The text of feeds, sitemaps and robots.txt comes from feeds.py, the QR codes
from qrcodes.py; this module decides which files a build has and what each depends on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from chophien.catalogue.model import Catalogue
from chophien.core.files import share_file, write_atomic
from chophien.site import feeds, i18n, member_catalogue, urls
from chophien.site.fingerprint import PageState
from chophien.site.history import file_dates
from chophien.site.qrcodes import QrCache
from chophien.site.qrcodes import cache_key as qr_cache_key
from chophien.site.urls import absolute

NOINDEX_TEMPLATES = {"search.html", "print_sheet.html", "404.html", "errors.html"}


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


class Extras:
    """QR codes, feeds, the sitemap and robots.txt of one build.

    *base* is the public address (seo.public_base); *sitename* and *tagline* name the site in
    the feeds; *media_url* (CHOPHIEN_MEDIA_URL) is where their photos are.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        images,
        content_dir,
        cache_dir,
        today: dt.date,
        base: str,
        sitename: str,
        tagline: str,
        media_url: str = "",
        english: bool = True,
        preview: bool = False,
    ):
        self.catalogue = catalogue
        self.preview = preview  # CHOPHIEN_PREVIEW: no sitemap, a robots.txt that disallows everything
        self.english = english  # CHOPHIEN_ENGLISH: the English pages' QR codes too
        self.media_url = media_url  # CHOPHIEN_MEDIA_URL: the feeds' photo addresses
        self.images = images
        self.content_dir = Path(content_dir)
        self.qr = QrCache(cache_dir)
        self.today = today
        self.base = base
        self.sitename = sitename
        self.tagline = tagline
        self.written = 0

    def files(self, pages, pelican_pages: list[str], build_digest: str = "") -> Iterator[ExtraFile]:
        """Every extra file with a key that changes whenever its bytes would.

        QR codes and feeds are keyed by what they are made from (the address; the content hashes
        and dates of the products shown, plus *build_digest*: code, templates, settings, photos),
        so an unchanged one costs a comparison, not a rendering.
        """
        yield from self.qr_codes()
        dates = self.dates()
        yield from self.feeds(dates, build_digest)
        if self.preview:
            yield _text_file(urls.robots(), feeds.PREVIEW_ROBOTS_TXT)
        else:
            yield from self.sitemaps(dates, pages, pelican_pages)
            yield _text_file(urls.robots(), feeds.robots_txt(self.base, urls.base_path(self.base)))
        yield self.member_catalogue(dates, build_digest)

    def qr_codes(self) -> Iterator[ExtraFile]:
        """One per product and cooperative page, keyed by the cached code's name."""
        catalogue = self.catalogue
        pages = [urls.product(p) for p in catalogue.products]
        pages += [urls.cooperative(c) for c in catalogue.cooperatives.values()]
        if self.english:
            pages += [i18n.english_path(url) for url in pages]  # the English pages show their own code
        for url in pages:
            address = absolute(self.base, url)
            yield ExtraFile(
                urls.qr_code(url),
                f"qr:{qr_cache_key(address)}",  # the cached code's name: URL, settings, cache version
                lambda a=address: self.qr.read(a),
                self.qr.path_of(address),
                address,
            )

    def dates(self) -> dict:
        """(first, last) change of every product's and cooperative's file (history.file_dates)."""
        catalogue = self.catalogue
        sources = [p.source for p in catalogue.products] + [c.source for c in catalogue.cooperatives.values()]
        return file_dates(self.content_dir, sources)

    def feeds(self, dates: dict, build_digest: str) -> Iterator[ExtraFile]:
        """The site's Atom feed, one per cooperative, and the Merchant feed."""
        catalogue, base, images = self.catalogue, self.base, self.images
        sitename, tagline, media = self.sitename, self.tagline, self.media_url
        newest = max(
            (d[1] for d in dates.values()), default=dt.datetime(self.today.year, 1, 1, tzinfo=dt.UTC)
        )

        def inputs(products, *more) -> str:
            parts = [build_digest, base, sitename, tagline, media, self.today.isoformat(), *map(str, more)]
            parts += [f"{p.digest}{dates[p.source]}" for p in products]
            return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]

        everything = inputs(catalogue.products, newest)
        yield ExtraFile(
            urls.site_feed(),
            f"feed:{everything}",
            lambda: feeds.site_feed(
                base, sitename, catalogue.products, dates, images, newest, media
            ).encode(),
        )
        for coop in catalogue.cooperatives.values():
            products = catalogue.by_cooperative.get(coop.slug, [])
            yield ExtraFile(
                urls.cooperative_feed(coop),
                f"feed:{inputs(products, coop.digest, dates[coop.source])}",
                lambda c=coop, ps=products: feeds.cooperative_feed(
                    base, c, ps, dates, images, media
                ).encode(),
            )
        yield ExtraFile(
            urls.merchant_feed(),
            f"merchant:{everything}",
            lambda: feeds.merchant_feed(
                base, sitename, tagline, catalogue.products, images, self.today, media
            ).encode(),
        )

    def member_catalogue(self, dates: dict, build_digest: str) -> ExtraFile:
        """danh-muc.json (member_catalogue.py): keyed like the feeds, by every product's and
        cooperative's content hash and dates, the address, the site's name and the build's date."""
        catalogue = self.catalogue
        parts = [build_digest, self.base, self.sitename, self.media_url, self.today.isoformat()]
        parts += [f"{p.digest}{dates[p.source]}" for p in catalogue.products]
        parts += [f"{c.digest}{dates[c.source]}" for c in catalogue.cooperatives.values()]
        key = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
        return ExtraFile(
            urls.member_catalogue(),
            f"members:{key}",
            lambda: member_catalogue.catalogue_json(
                member_catalogue.catalogue_data(
                    catalogue, self.images, self.base, self.sitename, self.today, dates, self.media_url
                )
            ),
        )

    def sitemaps(self, dates: dict, pages, pelican_pages: list[str]) -> Iterator[ExtraFile]:
        """sitemap.xml (split past the limit): every indexed page, with its last change when known."""
        catalogue, base = self.catalogue, self.base
        lastmod = {urls.product(p): dates[p.source][1].date() for p in catalogue.products}
        for coop in catalogue.cooperatives.values():
            changed = [dates[coop.source][1]] + [
                dates[p.source][1] for p in catalogue.by_cooperative.get(coop.slug, [])
            ]
            lastmod[urls.cooperative(coop)] = max(changed).date()
        # Each indexed page with its editions (hreflang alternates), the Vietnamese one first (x-default).
        editions: dict[str, dict] = {}
        for page in pages:
            for url in page.context.get("alternates", {}).values():
                editions[url] = page.context["alternates"]

        def entry(url: str) -> feeds.SitemapEntry:
            alternates = editions.get(url, {})
            vietnamese = alternates.get(i18n.VI, url)
            return feeds.SitemapEntry(
                absolute(base, url),
                lastmod.get(vietnamese),
                tuple((lang, absolute(base, other)) for lang, other in alternates.items()),
            )

        entries = [
            entry(page.url)
            for page in pages
            if urls.is_html_page(page.url)
            and page.template not in NOINDEX_TEMPLATES
            and not page.context.get("noindex")
        ]
        entries += [entry(urls.page_url_of(name)) for name in sorted(pelican_pages)]
        for name, text in feeds.sitemaps(base, entries).items():
            yield _text_file(name, text)

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
