"""The only module that imports Pelican: registers the catalogue generator and template helpers.

Content is loaded and checked when the generator is created, which Pelican does *before*
it empties the output folder: invalid content stops the build with every problem listed
and the previous site untouched. Pelican's own generators read only what that check passed:
the pages generator is handed the checked content/pages files, the article and static
generators none, and every page Pelican is about to write is checked once more for its output
path before any generator writes (`CatalogueGenerator.generate_context`).
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator

from chophien import __version__
from chophien.core import cache_version, files
from chophien.core.problems import render_human
from chophien.core.text import collation_key, remove_unsafe
from chophien.formats.markup import sanitize
from chophien.photos.cache import settings_key
from chophien.site import fingerprint as fingerprints
from chophien.site import postprocess, templating
from chophien.site.build import prepare
from chophien.site.catalogue_pages import build_pages
from chophien.site.content_pages import check_pelican_pages
from chophien.site.discovery import Discovery, DiscoveryOptions
from chophien.site.fingerprint import PageState, files_digest, fingerprint
from chophien.site.page import Page
from chophien.volunteer.cms import write_admin

logger = logging.getLogger(__name__)
_active = None  # the catalogue generator of the build in progress (for the `finalized` step)
_forked = None  # (generator, pages) that forked render workers inherit
_checked_pages: set[str] = set()  # content/pages files (as Pelican names them) the check passed
_pelican_pages = None  # this build's PagesGenerator
SITE_FILES = ("_headers", ".htaccess", "robots.txt", "sitemap.xml", "admin/index.html", "admin/config.yml")
_lock: files.OutputLock | None = None  # held from a build's start to its end (released by the next one too)
# Faults of the machine, not of the content: a message, not a traceback.
WRITE_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
PARALLEL_FROM = 200  # fewer pages render faster in this process than a fork costs


def render_workers(settings) -> int:
    """CHOPHIEN_JOBS (setting or environment variable), else the cores this process may use."""
    value = settings.get("CHOPHIEN_JOBS") or os.environ.get("CHOPHIEN_JOBS")
    if value:
        return max(1, int(value))
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _render_chunk(indices: range) -> int:
    generator, pages = _forked
    for index in indices:
        generator._render(pages[index])
    return len(indices)


def _today(settings) -> dt.date:
    value = settings.get("CHOPHIEN_TODAY")
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else dt.date.today()


class CatalogueGenerator(Generator):
    """Writes product, cooperative, listing and home pages from content/ (not Pelican articles)."""

    def __init__(self, *args, **kwargs):
        global _active
        super().__init__(*args, **kwargs)
        _active = None
        _checked_pages.clear()
        self.started_ns = time.time_ns()
        pause_gc()
        self.writer = None
        self.today = _today(self.settings)
        fingerprints.reset()
        cache_dir = self.settings.get("CHOPHIEN_CACHE_PATH") or str(
            Path(self.settings["PATH"]).parent / ".cache"
        )
        # `pelican --ignore-cache` sets LOAD_CONTENT_CACHE False (pelicanconf sets it True, as
        # Pelican's default is False): then no cache is read this build, and each is written afresh.
        cache_version.set_ignore(self.settings.get("LOAD_CONTENT_CACHE") is False)
        if cache_version.ignoring():
            print("Bộ nhớ đệm: bỏ qua, dựng lại tất cả (--ignore-cache)", file=sys.stderr)
        with reported_write_faults():  # caches: parsed files, Markdown, photos
            self.prepared = prepare(self.settings["PATH"], cache_dir, self.today)
        self.rendered = self.unchanged = 0
        self.workers_used = 1
        self._folders: set[str] = set()  # output folders known to exist
        self.our_paths: set[str] = set()  # files this generator rendered (the writer lists them too)
        self.minify = bool(self.settings.get("CHOPHIEN_MINIFY"))
        self.precompress = bool(self.settings.get("CHOPHIEN_PRECOMPRESS"))
        lang = self.settings.get("CHOPHIEN_LANG", "vi")
        _checked_pages.update(page.source for page in self.prepared.pages)
        self.pages: list[Page] = []
        problems = self.prepared.problems
        if problems:
            print(render_human(problems, lang, self.prepared.files_checked), file=sys.stderr)
        if not self.prepared.ok and not self.settings.get("CHOPHIEN_SHOW_ERRORS"):
            # SystemExit, not an exception: Pelican would log a traceback for content mistakes.
            resume_gc()
            raise SystemExit(1)
        output_key = hashlib.sha256(os.path.realpath(self.output_path).encode()).hexdigest()[:12]
        with reported_write_faults():
            _lock_output(self.output_path)
            self.state = PageState(Path(cache_dir) / f"pages-{output_key}.json")
            self.state.begin()
        # Whatever the user's umask, what the build and Pelican create is 0644/0755 (a web server
        # runs as another user); restored at the end. Copies keep their source's mode: see _finish.
        self.umask = os.umask(0o022)
        # Templates cannot change during a build (each devserver rebuild makes a new generator):
        # without this, Jinja stats every template file on every include, ~25 times per page.
        self.env.auto_reload = False
        templating.install(self.env, self.prepared.images, self.settings)
        # Page heads, search-index blocks, QR codes, feeds, sitemap and the search index (discovery.py).
        self.discovery = Discovery(
            self.env,
            DiscoveryOptions.from_settings(self.settings),
            self.prepared,
            cache_dir,
            self.output_path,
            self.today,
        )
        # This build's page heads, in the context shared by every generator (content/pages too).
        self.context["page_head"] = self.discovery.page_head
        self.build_digest = self._build_digest()
        _active = self

    def _build_digest(self) -> str:
        """Everything besides a page's own context that changes its bytes: the one cache version,
        the theme's templates (not part of the package), the settings, today and the photos."""
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
            cache_version.cache_version(),  # all the package's code and data, libraries, Python
            json.dumps(settings, sort_keys=True),
            json.dumps(photos),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]

    def generate_context(self):
        """Runs after Pelican has read its pages and before any generator writes: check owners."""
        self.context["chophien_catalogue"] = self.prepared.catalogue
        if self.prepared.ok:
            self.pages = list(build_pages(self.prepared.catalogue, self.today))
        outputs = {page.save_as for page in self.pages} | set(SITE_FILES) | {"index.html"}
        written = []
        if _pelican_pages is not None:
            for attribute in ("pages", "hidden_pages", "draft_pages"):
                for page in getattr(_pelican_pages, attribute, ()):
                    for item in (page, *page.translations):
                        written.append((item.get_relative_source_path(), item.save_as or "", item.template))
        problems = check_pelican_pages(written, self.prepared.pages, outputs, Path(self.path).name)
        for link in sorted(self.context.get("static_links", ())):  # {static} links are turned off
            problems.add(link, vi="Pelican sẽ chép tệp này lên trang web", en="Pelican would copy this file")
        if problems:
            print(render_human(problems, self.settings.get("CHOPHIEN_LANG", "vi")), file=sys.stderr)
            resume_gc()
            raise SystemExit(1)

    def _changed(self, page: Page) -> bool:
        value = fingerprint(page.context, self.build_digest)
        if self.state.unchanged(page.save_as, value, os.path.join(self.output_path, page.save_as)):
            self.unchanged += 1
            return False
        return True

    def _render(self, page: Page) -> None:
        """Render one page and write it (minified and compressed when the settings ask)."""
        template = self.get_template(page.template.removesuffix(".html"))
        context = dict(self.context)
        context.update(localsiteurl=None, output_file=page.save_as, page_url=page.url)
        context.update(page.context)
        path = os.path.join(self.output_path, page.save_as)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        postprocess.write_page(
            Path(path),
            template.render(context),
            minify=self.minify and page.save_as.endswith(".html"),
            precompress=self.precompress,
        )

    def _render_all(self, writer, pages: list[Page]) -> None:
        """Render *pages*, on every core when there are many (forked workers share the context)."""
        global _forked
        paths = [os.path.join(self.output_path, page.save_as) for page in pages]
        # Owners were checked in generate_context, before Pelican wrote its pages; the writer's
        # list makes any later write to these paths fail loudly.
        writer._written_files.update(paths)
        self.our_paths.update(paths)
        self.rendered += len(pages)
        workers = render_workers(self.settings)
        if workers < 2 or len(pages) < PARALLEL_FROM:
            for page in pages:
                self._render(page)
            return
        for name in {page.template for page in pages}:
            self.get_template(name.removesuffix(".html"))  # compiled once, before forking
        size = max(16, len(pages) // (workers * 8))
        chunks = [range(start, min(start + size, len(pages))) for start in range(0, len(pages), size)]
        _forked = (self, pages)
        self.workers_used = workers
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for _done in pool.map(_render_chunk, chunks):
                    pass
        finally:
            _forked = None

    def generate_output(self, writer):
        with reported_write_faults():
            self._generate_output(writer)

    def _generate_output(self, writer):
        self.writer = writer
        if not self.prepared.ok:
            self.state.forget()  # the error page replaces the home page: nothing is current
            problems = [Markup.escape(p.render()) for p in self.prepared.problems.sorted()]
            error_page = Page("", "errors.html", {"title": "Nội dung có lỗi", "problems": problems})
            self._render_all(writer, [error_page])
            return
        pages = self.pages
        self._render_all(writer, [page for page in pages if self._changed(page)])
        coops = sorted(self.prepared.catalogue.cooperatives.values(), key=lambda c: collation_key(c.name))
        write_admin(Path(self.output_path), [(c.slug, c.name) for c in coops], self.settings)
        media = Path(self.output_path) / "media"
        media.mkdir(parents=True, exist_ok=True)
        cache = self.prepared.image_cache
        encoding = f"media:{settings_key()}"  # names carry the photo's hash, not the encoder settings
        for processed in self.prepared.images.values():
            for derivative in processed.files():
                target = media / derivative.name
                # Kept when it has the size and mtime recorded; else a hard link to the (checked)
                # cache file replaces it, whatever truncated or replaced it.
                if not self.state.unchanged(f"media/{derivative.name}", encoding, target):
                    files.share_file(cache.path_of(derivative), target)
        self.discovery.write_files(
            Path(self.output_path), self.state, pages, self.pelican_files(), self.build_digest
        )

    def pelican_files(self) -> list[str]:
        """Files Pelican's own generators wrote (content/pages), not the catalogue's."""
        written = getattr(self.writer, "_written_files", ())
        return [name for name in written if name not in self.our_paths]

    def _trusted_sibling(self, sibling: Path, signature: tuple[int, int]) -> bool:
        """Written by this build, or as the last build recorded it (not truncated since)."""
        if signature[1] >= self.started_ns:
            return True
        return self.state.recorded(sibling.relative_to(self.output_path).as_posix(), signature)

    def _record_sibling(self, sibling: Path, signature: tuple[int, int]) -> None:
        self.state.sibling(sibling.relative_to(self.output_path).as_posix(), signature)

    def finish(self) -> None:
        """After every generator: assets, headers files, minify, stale files, compression, state."""
        try:
            with reported_write_faults():
                self._finish()
        finally:
            resume_gc(freeze=True)
            os.umask(self.umask)
            _unlock_output()

    def _finish(self) -> None:
        output = Path(self.output_path)
        if not self.prepared.ok:
            return
        root = os.path.realpath(output)
        for written in self.pelican_files():
            name = os.path.relpath(os.path.realpath(written), root)
            if not name.startswith(".."):
                self.state.current.setdefault(Path(name).as_posix(), "pelican")
        minify = bool(self.settings.get("CHOPHIEN_MINIFY"))
        for relative, hashed in self.settings.get("CHOPHIEN_ASSETS", {}).items():
            source, target = output / "theme" / relative, output / "theme" / hashed
            self.state.current[f"theme/{hashed}"] = "asset"
            if source.is_file():  # a few small files: compared by bytes, so a damaged one is redone
                text = source.read_bytes()
                if minify and target.suffix == ".css":
                    text = postprocess.minify_css(text.decode("utf-8")).encode("utf-8")
                if not target.is_file() or target.read_bytes() != text:
                    files.write_atomic(target, text)
        for name, text in (
            ("_headers", postprocess.headers_file()),
            (".htaccess", postprocess.htaccess_file()),
        ):
            self.state.current[name] = "headers"
            path = output / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                files.write_text(path, text)
        if minify:  # pages written by Pelican itself; the catalogue's were minified as rendered
            for path in output.rglob("*.html"):
                relative = path.relative_to(output)
                if (
                    path.stat().st_mtime_ns >= self.started_ns
                    and relative.parts[0] != "admin"
                    and self.state.current.get(relative.as_posix(), "pelican") == "pelican"
                ):
                    postprocess.minify_file(path)
        removed = remove_stale(output, set(self.state.previous) - set(self.state.current))
        self.discovery.index_search(output, self.state)  # after stale pages are gone, before compression
        compressed = 0
        if self.settings.get("CHOPHIEN_PRECOMPRESS"):
            for path in postprocess.compressible(output):
                compressed += postprocess.compress_file(path, self._trusted_sibling, self._record_sibling)
            postprocess.remove_orphan_siblings(output)
        # Pelican copies the theme's files with their modes; after an interrupted build (or a
        # first one), the whole output: litter removed, every mode 0644/0755.
        litter = files.tidy_output(output if self.state.interrupted else output / "theme")
        self.state.save(output)
        print(
            f"Trang: {self.rendered} dựng mới"
            + (f" ({self.workers_used} tiến trình)" if self.workers_used > 1 else "")
            + f", {self.unchanged} không đổi, {removed} tệp cũ đã xoá"
            + (f", {compressed} tệp nén mới" if compressed else "")
            + (f", {litter} tệp tạm của lần dựng bị ngắt đã xoá" if litter else ""),
            file=sys.stderr,
        )


def _lock_output(output_path) -> None:
    """One build at a time per output folder (a second one waits, saying so)."""
    global _lock
    _unlock_output()  # a devserver build that failed half-way still holds it
    _lock = files.OutputLock(output_path)
    _lock.acquire()


def _unlock_output() -> None:
    global _lock
    if _lock is not None:
        _lock.release()
        _lock = None


class reported_write_faults:
    """A full disk, a read-only or unwritable folder: one plain message and exit status 1.

    Every file is written whole or not at all (files.write_atomic), so what is already in the
    output folder is intact; the next build redoes whatever this one did not finish.
    """

    def __enter__(self):
        return self

    def __exit__(self, kind, error, _traceback):
        if not isinstance(error, OSError) or error.errno not in WRITE_FAULTS:
            return False
        where = f" {error.filename}" if error.filename else ""
        print(
            f"Lỗi: không ghi được{where}: {error.strerror}. Các tệp đã ghi đều nguyên vẹn; "
            "giải phóng chỗ trống (hoặc sửa quyền ghi) rồi dựng lại.\n"
            f"Error: cannot write{where}: {error.strerror}. Every file written is whole; "
            "free some space (or fix the permissions) and build again.",
            file=sys.stderr,
        )
        _unlock_output()
        raise SystemExit(1) from None


def pause_gc() -> None:
    """Pause cyclic garbage collection for a build (reference counting frees memory as usual).

    Collections walk every live object: with a 10,000-product catalogue loaded, they cost
    ~0.4 s of a 2.5 s rebuild, and a build makes little cyclic garbage. A devserver's previous
    build was frozen by resume_gc: its leftovers are collected here, once.
    """
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.disable()


def resume_gc(freeze: bool = False) -> None:
    """Collection on again; *freeze* first moves this build's objects out of its reach, so
    re-enabling does not start a collection over all of them before the process ends."""
    if freeze:
        gc.freeze()
    gc.enable()


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
    """Pelican's own pages (content/pages) pass through the same HTML allowlist, and lose
    control and invisible characters: Pelican reads them, not the strict reader."""
    if getattr(instance, "_content", None):
        instance._content = remove_unsafe(sanitize(instance._content))
    for name in ("title", "_summary"):
        value = getattr(instance, name, None)
        if isinstance(value, str):
            setattr(instance, name, remove_unsafe(value))


def _add_template_helpers(pelican) -> None:
    settings = pelican.settings
    static = Path(settings["THEME"]) / "static"
    assets = {
        path.relative_to(static).as_posix(): postprocess.asset_name(path.relative_to(static).as_posix(), path)
        for pattern in ("css/*.css", "js/*.js")
        for path in sorted(static.glob(pattern))
    }
    settings["CHOPHIEN_ASSETS"] = assets

    def asset(relative: str) -> str:
        """URL path of a theme file under its fingerprinted name (long-cached by hosts)."""
        return f"theme/{assets.get(relative, relative)}"

    settings.setdefault("JINJA_FILTERS", {}).update(templating.FILTERS)
    settings.setdefault("JINJA_GLOBALS", {}).update(templating.GLOBALS, asset=asset)


def _finalize(_pelican) -> None:
    if _active is not None:
        _active.finish()


def get_generators(_pelican):
    return CatalogueGenerator


def _read_checked_pages_only(generator) -> None:
    """Pelican's pages generator reads the content/pages files the check passed, nothing else."""
    global _pelican_pages
    _pelican_pages = generator
    find = generator.get_files

    def get_files(paths, exclude=None, extensions=None):
        return {path for path in find(paths, exclude, extensions) if Path(path).as_posix() in _checked_pages}

    generator.get_files = get_files


def _read_nothing(generator) -> None:
    """Articles and static files are never taken from content/ (photos are re-encoded, DESIGN §6)."""
    generator.get_files = lambda *_args, **_kwargs: set()


def register() -> None:
    signals.initialized.connect(_add_template_helpers)
    signals.get_generators.connect(get_generators)
    signals.page_generator_init.connect(_read_checked_pages_only)
    signals.article_generator_init.connect(_read_nothing)
    signals.static_generator_init.connect(_read_nothing)
    signals.content_object_init.connect(_sanitise_page)
    signals.finalized.connect(_finalize)
