"""What the catalogue generator calls besides rendering: one build's head and search globals, extra files, search index.

A facade over head.py (each page's head), extras.py (QR codes, feeds, sitemap, robots.txt) and
search.py (the Pagefind index), so the Pelican adapter makes one object per build:
- `page_head`: the adapter puts it into the context every page is rendered with (ours and
  Pelican's content pages); nothing of a build is kept at module level;
- `install(env)`: `search_record(…)` and the public address, for the catalogue's templates;
- `write_files(…)` and `index_search(…)`, after the pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from chophien.core.settings import Settings
from chophien.site import i18n, seo
from chophien.site.extras import Extras
from chophien.site.fingerprint import PageState
from chophien.site.head import PageHeads
from chophien.site.search import (
    INDEXED_PAGE,
    cooperative_record,
    index_placeholder,
    index_site,
    inputs_digest,
    pagefind_version,
    product_record,
)


@dataclass(frozen=True)
class DiscoveryOptions:
    """The settings discovery reads, from the build's typed Settings."""

    base: str  # the public address (seo.public_base)
    siteurl: str  # what links start with (SITEURL; "" in development)
    sitename: str
    tagline: str
    content_dir: str
    search_index: bool = True  # False skips Pagefind (the previous bundle stays)
    national: bool = False  # a national site (CHOPHIEN_FEDERATION): a bundle to merge members' into
    media_url: str = ""  # CHOPHIEN_MEDIA_URL: where the photos of previews, feeds and search results are
    tagline_en: str = ""  # CHOPHIEN_TAGLINE_EN: the description of English pages
    english: bool = True  # CHOPHIEN_ENGLISH (and not a national site): the English edition is built
    preview: bool = False  # CHOPHIEN_PREVIEW: a pull request's preview (noindex, no sitemap)

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscoveryOptions:
        return cls(
            base=seo.public_base(settings),
            siteurl=settings.siteurl,
            sitename=settings.sitename,
            tagline=settings.tagline,
            tagline_en=settings.tagline_en,
            english=settings.english and not settings.federation,
            content_dir=settings.content_path,
            search_index=settings.search_index,  # False: quick local rebuilds of huge catalogues
            national=bool(settings.federation),
            media_url=settings.media_url,
            preview=settings.preview is not None,
        )


class Discovery:
    """One build's page heads, search-index blocks, extra files and search index."""

    def __init__(self, env, options: DiscoveryOptions, prepared, cache_dir, output_path, today: dt.date):
        self.options = options
        self.images = prepared.images
        self.heads = PageHeads(
            options.base,
            options.sitename,
            options.tagline,
            prepared.images,
            today,
            options.media_url,
            options.tagline_en,
            options.preview,
        )
        self.page_head = self.heads.page_head
        self.install(env)
        self.extras = Extras(
            prepared.catalogue,
            prepared.images,
            options.content_dir,
            cache_dir,
            today,
            base=options.base,
            sitename=options.sitename,
            tagline=options.tagline,
            media_url=options.media_url,
            english=options.english,
            preview=options.preview,
        )
        output_key = hashlib.sha256(os.path.realpath(output_path).encode()).hexdigest()[:12]
        self.marker = Path(cache_dir) / f"search-{output_key}.json"
        self.search_enabled = options.search_index

    def install(self, env, lang: str = i18n.VI) -> None:
        """`search_record(…)` and the public address, as globals of the catalogue's templates (of the
        *lang* edition: each language has its own search index)."""
        env.globals.update(
            search_record=functools.partial(self.search_record, lang=lang),
            public_base=self.options.base,
            public_base_is_placeholder=seo.is_placeholder(self.options.base),
        )

    def search_record(self, product=None, coop=None, products=(), lang: str = i18n.VI):
        """What a product's or a cooperative's (with its *products*) page gives the search index."""
        siteurl, media_url = self.options.siteurl, self.options.media_url
        if product is not None:
            return product_record(product, self.images, siteurl, media_url, lang)
        image = seo.cooperative_image(coop, products)
        return cooperative_record(coop, len(products), image, self.images, siteurl, media_url, lang)

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

    def index_search(self, output: Path, state: PageState) -> str | None:
        """Run Pagefind over the product and cooperative pages, unless none of them changed;
        return its summary when it ran."""
        if not self.search_enabled:
            return None
        indexed = {name: value for name, value in state.current.items() if INDEXED_PAGE.fullmatch(name)}
        if not indexed and self.options.national:
            run = index_placeholder(output, self.marker)  # the members' indexes are merged into it
        elif not indexed:
            return None  # with no page carrying data-pagefind-body, Pagefind would index whole pages
        else:
            run = index_site(output, self.marker, inputs_digest(indexed))
        if not run.skipped:
            print(
                f"Tìm kiếm: Pagefind {pagefind_version()} · {run.summary} · {run.seconds:.1f} s",
                file=sys.stderr,
            )
            return run.summary
        return None
