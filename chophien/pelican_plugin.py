"""The only module that imports Pelican: registers the catalogue generator and template helpers.

Content is loaded and checked when the generator is created, which Pelican does *before*
it empties the output folder: invalid content stops the build with every problem listed
and the previous site untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sys
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from . import __version__, templating
from . import fingerprint as fingerprints
from .build import prepare
from .cms import write_admin
from .fingerprint import PageState, files_digest, fingerprint
from .markup import sanitize
from .problems import render_human
from .text import collation_key
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
        fingerprints.reset()
        cache_dir = self.settings.get("CHOPHIEN_CACHE_PATH") or str(
            Path(self.settings["PATH"]).parent / ".cache"
        )
        self.prepared = prepare(self.settings["PATH"], cache_dir, self.today)
        output_key = hashlib.sha256(os.path.realpath(self.output_path).encode()).hexdigest()[:12]
        self.state = PageState(Path(cache_dir) / f"pages-{output_key}.json")
        self.rendered = self.unchanged = 0
        lang = self.settings.get("CHOPHIEN_LANG", "vi")
        problems = self.prepared.problems
        if problems:
            print(render_human(problems, lang, self.prepared.files_checked), file=sys.stderr)
        if not self.prepared.ok and not self.settings.get("CHOPHIEN_SHOW_ERRORS"):
            # SystemExit, not an exception: Pelican would log a traceback for content mistakes.
            raise SystemExit(1)
        templating.install(self.env, self.prepared.images, self.settings)
        self.build_digest = self._build_digest()

    def _build_digest(self) -> str:
        """Everything besides a page's own context that changes its bytes."""
        settings = {}
        for key in sorted(k for k in self.settings if k.isupper()):
            try:  # plain values only: function objects (filters, plugins) repr with memory addresses
                settings[key] = json.dumps(self.settings[key], sort_keys=True)
            except TypeError:
                continue
        photos = sorted(
            (source, [d.name for d in image.files()]) for source, image in self.prepared.images.items()
        )
        parts = [
            __version__,
            self.today.isoformat(),
            files_digest(self.env.loader.searchpath if hasattr(self.env.loader, "searchpath") else []),
            files_digest(sorted(Path(__file__).parent.glob("*.py"))),  # rendering code
            json.dumps(settings, sort_keys=True),
            json.dumps(photos),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]

    def generate_context(self):
        self.context["chophien_catalogue"] = self.prepared.catalogue

    def _write(self, writer, page: Page) -> None:
        value = fingerprint(page.context, self.build_digest)
        if self.state.unchanged(page.save_as, value, Path(self.output_path) / page.save_as):
            self.unchanged += 1
            return
        self.rendered += 1
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
            self.state.forget()  # the error page replaces the home page: nothing is current
            problems = [Markup.escape(p.render()) for p in self.prepared.problems.sorted()]
            self._write(writer, Page("", "errors.html", {"title": "Nội dung có lỗi", "problems": problems}))
            return
        for page in build_pages(self.prepared.catalogue, self.today):
            self._write(writer, page)
        coops = sorted(self.prepared.catalogue.cooperatives.values(), key=lambda c: collation_key(c.name))
        write_admin(Path(self.output_path), [(c.slug, c.name) for c in coops], self.settings)
        media = Path(self.output_path) / "media"
        media.mkdir(parents=True, exist_ok=True)
        cache = self.prepared.image_cache
        for processed in self.prepared.images.values():
            for derivative in processed.files():
                target = media / derivative.name
                self.state.current[f"media/{derivative.name}"] = "media"
                if not target.exists():
                    shutil.copyfile(cache.path_of(derivative), target)
        output = Path(self.output_path)
        root = os.path.realpath(output)
        for written in writer._written_files:  # Pelican's own pages (content/pages)
            name = os.path.relpath(os.path.realpath(written), root)
            if not name.startswith(".."):
                self.state.current.setdefault(Path(name).as_posix(), "pelican")
        removed = remove_stale(output, set(self.state.previous) - set(self.state.current))
        self.state.save()
        print(
            f"Trang: {self.rendered} dựng mới, {self.unchanged} không đổi, {removed} tệp cũ đã xoá",
            file=sys.stderr,
        )


def remove_stale(output: Path, names: set[str]) -> int:
    """Delete files an earlier build wrote that this build no longer produces."""
    removed = 0
    for name in sorted(names):
        path = output / name
        if path.is_file():
            path.unlink()
            removed += 1
            parent = path.parent
            while parent != output and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    return removed


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
