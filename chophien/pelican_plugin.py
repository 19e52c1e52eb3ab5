"""The only module that imports Pelican: registers the catalogue generator and template helpers.

Content is loaded and checked when the generator is created, which Pelican does *before*
it empties the output folder: invalid content stops the build with every problem listed
and the previous site untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sys
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from . import templating
from .build import prepare
from .markup import sanitize
from .problems import render_human
from .views import Page, build_pages

logger = logging.getLogger(__name__)


def _today(settings) -> dt.date:
    value = settings.get("CHOPHIEN_TODAY")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else dt.date.today()


class CatalogueGenerator(Generator):
    """Writes product, cooperative, listing and home pages from content/ (not Pelican articles)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = _today(self.settings)
        cache_dir = self.settings.get("CHOPHIEN_CACHE_PATH") or str(
            Path(self.settings["PATH"]).parent / ".cache"
        )
        self.prepared = prepare(self.settings["PATH"], cache_dir, self.today)
        lang = self.settings.get("CHOPHIEN_LANG", "vi")
        problems = self.prepared.problems
        if problems:
            print(render_human(problems, lang, self.prepared.files_checked), file=sys.stderr)
        if not self.prepared.ok and not self.settings.get("CHOPHIEN_SHOW_ERRORS"):
            # SystemExit, not an exception: Pelican would log a traceback for content mistakes.
            raise SystemExit(1)
        templating.install(self.env, self.prepared.images, self.settings)

    def generate_context(self):
        self.context["chophien_catalogue"] = self.prepared.catalogue

    def _write(self, writer, page: Page) -> None:
        template = self.get_template(page.template.removesuffix(".html"))
        writer.write_file(
            page.save_as,
            template,
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            override_output=False,
            page_url=page.url,
            **page.context,
        )

    def generate_output(self, writer):
        if not self.prepared.ok:
            problems = [Markup.escape(p.render()) for p in self.prepared.problems.sorted()]
            self._write(writer, Page("", "errors.html", {"title": "Nội dung có lỗi", "problems": problems}))
            return
        for page in build_pages(self.prepared.catalogue, self.today):
            self._write(writer, page)
        media = Path(self.output_path) / "media"
        media.mkdir(parents=True, exist_ok=True)
        cache = self.prepared.image_cache
        for processed in self.prepared.images.values():
            for derivative in processed.files():
                target = media / derivative.name
                if not target.exists():
                    shutil.copyfile(cache.path_of(derivative), target)


def _sanitise_page(instance) -> None:
    """Pelican's own pages (content/pages) pass through the same HTML allowlist."""
    if getattr(instance, "_content", None):
        instance._content = sanitize(instance._content)


def _add_template_helpers(pelican) -> None:
    pelican.settings.setdefault("JINJA_FILTERS", {}).update(templating.FILTERS)
    pelican.settings.setdefault("JINJA_GLOBALS", {}).update(templating.GLOBALS)


def get_generators(_pelican):
    return CatalogueGenerator


def register() -> None:
    signals.initialized.connect(_add_template_helpers)
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(_sanitise_page)
