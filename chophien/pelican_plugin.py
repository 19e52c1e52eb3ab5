"""The only module that imports Pelican: registers the catalogue generator and template helpers.

Content is loaded and checked when the generator is created, which Pelican does *before*
it empties the output folder: invalid content stops the build with every problem listed
and the previous site untouched. Pelican's own generators read only what that check passed:
the pages generator is handed the checked content/pages files, the article and static
generators none, and every page Pelican is about to write is checked once more for its output
path before any generator writes (`CatalogueGenerator.generate_context`).

Pelican's settings dict stops here: the generator reads it once into a typed `Settings`
(chophien/core/settings.py) and hands that down. Its counts (pages rendered, unchanged, removed…)
are a `BuildReport`, logged as one line and saved beside the page state for tests and tools.
"""

from __future__ import annotations

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
from chophien.core.problems import log_line, render_human
from chophien.core.settings import Settings, SettingsError, today_is
from chophien.core.text import collation_key, remove_unsafe
from chophien.formats.markup import sanitize
from chophien.photos.cache import settings_key
from chophien.site import fingerprint as fingerprints
from chophien.site import i18n, offline, postprocess, templating, urls
from chophien.site.build import prepare
from chophien.site.build_report import BuildReport
from chophien.site.catalogue_pages import build_pages
from chophien.site.content_pages import check_pelican_pages
from chophien.site.discovery import Discovery, DiscoveryOptions
from chophien.site.fingerprint import PageState, files_digest, fingerprint
from chophien.site.history import first_commits
from chophien.site.media_list import media_list_text
from chophien.site.national import gather, national_pages
from chophien.site.page import Page
from chophien.site.urls import member_catalogue, service_worker
from chophien.volunteer.cms import write_admin

logger = logging.getLogger(__name__)
# Pelican's `finalized` signal hands over only the Pelican object: the catalogue generator of
# the build in progress is kept here from the end of its __init__ until its finish().
_active = None
_worker = None  # (generator, pages) of a forked render worker: set only in the workers (_adopt)
CHECKED_PAGES = "chophien_checked_pages"  # context key: content/pages files the check passed
SITE_FILES = (
    "_headers",
    ".htaccess",
    "robots.txt",
    "sitemap.xml",
    "admin/index.html",
    "admin/config.yml",
    member_catalogue(),
)
_lock: files.OutputLock | None = None  # held from a build's start to its end (released by the next one too)
# Faults of the machine, not of the content: a message, not a traceback.
WRITE_FAULTS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
PARALLEL_FROM = 200  # fewer pages render faster in this process than a fork costs


def render_workers(settings: Settings) -> int:
    """CHOPHIEN_JOBS (setting or environment variable), else the cores this process may use."""
    if settings.jobs:
        return settings.jobs
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _adopt(generator, pages) -> None:
    """Initializer of a forked render worker: the generator and pages it inherited (not pickled)."""
    global _worker
    _worker = (generator, pages)


def _render_chunk(indices: range) -> int:
    generator, pages = _worker
    for index in indices:
        generator._render(pages[index])
    return len(indices)


class CatalogueGenerator(Generator):
    """Writes product, cooperative, listing and home pages from content/ (not Pelican articles)."""

    def __init__(self, *args, **kwargs):
        global _active
        super().__init__(*args, **kwargs)
        if _active is not None:  # a devserver build that stopped before its finish (another
            _active._abandon()  # generator failed): collection back as it was before that build
        self.started_ns = time.time_ns()
        try:
            self.config = Settings.from_pelican(self.settings)  # the only read of Pelican's settings
        except SettingsError as error:  # a bad CHOPHIEN_* value: one line, no traceback, nothing written
            print(log_line(str(error)), file=sys.stderr)
            raise SystemExit(1) from None
        self.pelican_written: list[str] = []  # what Pelican's writer wrote (content_written)
        self.gc_was_enabled = pause_gc()
        try:
            self._start(self.config)
        except BaseException:
            self._abandon()
            raise
        _active = self

    def _start(self, config: Settings) -> None:
        """Check the content, lock the output folder, prepare templates and discovery."""
        self.today = config.current_date()
        fingerprints.reset()
        cache_dir = config.cache_folder()
        # `pelican --ignore-cache` sets LOAD_CONTENT_CACHE False (pelicanconf sets it True, as
        # Pelican's default is False): then no cache is read this build, and each is written afresh.
        cache_version.set_ignore(not config.load_content_cache or config.ignore_cache)
        if cache_version.ignoring():
            print("Bộ nhớ đệm: bỏ qua, dựng lại tất cả (--ignore-cache)", file=sys.stderr)
        with reported_write_faults():  # caches: parsed files, Markdown, photos
            with today_is(self.today):  # the year checks of the content (catalogue/schema.py)
                self.prepared = prepare(config.content_path, cache_dir, self.today)
        self.report = BuildReport()
        self._folders: set[str] = set()  # output folders known to exist
        self.our_paths: set[str] = set()  # files this generator rendered (the writer lists them too)
        lang = config.lang
        # Pelican's pages generator reads these only (_read_checked_pages_only): the context is
        # shared by this build's generators, and Pelican reads pages after every __init__.
        self.context[CHECKED_PAGES] = frozenset(page.source for page in self.prepared.pages)
        signals.content_written.connect(self._pelican_wrote)
        self.pages: list[Page] = []
        problems = self.prepared.problems
        if problems:
            print(render_human(problems, lang, self.prepared.files_checked), file=sys.stderr)
        if not self.prepared.ok and not config.show_errors:
            # SystemExit, not an exception: Pelican would log a traceback for content mistakes.
            raise SystemExit(1)
        # A national site (CHOPHIEN_FEDERATION): the members' catalogues, fetched before anything is
        # written; a member that fails is left out or its previous copy used, never the build.
        self.national = None
        self.origins: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # the members' (img, connect)
        if config.federation:
            with reported_write_faults():
                self.national = gather(config, cache_dir)
            self.origins = (self.national.img_origins, self.national.connect_origins)
        output_key = hashlib.sha256(os.path.realpath(self.output_path).encode()).hexdigest()[:12]
        self.report_path = BuildReport.path_for(cache_dir, self.output_path)
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
        cache = self.prepared.image_cache
        media_bytes = cache.size_of if cache else None
        _add_i18n(self.env)
        templating.install(self.env, self.prepared.images, config, media_bytes)
        self.env.globals["ENGLISH"] = config.english and self.national is None
        if self.national is not None:  # the members' origins too (content pages keep the stricter one)
            self.env.globals["CSP"] = postprocess.csp_meta(config.media_url, *self.origins)
        # Page heads, search-index blocks, QR codes, feeds, sitemap and the search index (discovery.py).
        self.discovery = Discovery(
            self.env,
            DiscoveryOptions.from_settings(config),
            self.prepared,
            cache_dir,
            self.output_path,
            self.today,
        )
        # This build's page heads, in the context shared by every generator (content/pages too).
        self.context["page_head"] = self.discovery.page_head
        # English pages (site/i18n.py): the same templates in an environment of their own, with
        # every global above; `install` then gives it English urls, formats and messages.
        self.env_en = templating.english_env(self.env)
        templating.install(self.env_en, self.prepared.images, config, media_bytes, lang=i18n.EN)
        self.discovery.install(self.env_en, lang=i18n.EN)
        self.envs = {i18n.VI: self.env, i18n.EN: self.env_en}
        self._templates_by_lang: dict[tuple[str, str], object] = {}
        # The theme's templates, read once: in the build digest and in the release's cache version.
        self.templates_digest = files_digest(getattr(self.env.loader, "searchpath", []))
        self.build_digest = self._build_digest()

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
            self.templates_digest,
            cache_version.cache_version(),  # all the package's code and data, libraries, Python
            json.dumps(settings, sort_keys=True),
            json.dumps(photos),
            self.config.media_url,  # also when it comes from the environment, not the settings file
            json.dumps(self.origins),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]

    def _release_parts(self) -> list[str]:
        """What changes the site's bytes besides the pages' contexts, without this machine's paths
        (the build digest has them): the release's cache version must be the same on any machine."""
        content = Path(self.config.content_path)
        sources = [
            f"{page.source}:{hashlib.sha256((content / page.source).read_bytes()).hexdigest()}"
            for page in self.prepared.pages
            if (content / page.source).is_file()
        ]
        photos = sorted(d.name for image in self.prepared.images.values() for d in image.files())
        return [
            __version__,
            self.today.isoformat(),
            self.config.siteurl,
            json.dumps(self.config.assets, sort_keys=True),
            self.templates_digest,
            json.dumps(sources),
            json.dumps(photos),
            self.config.media_url,
            json.dumps(self.origins),
        ]

    def generate_context(self):
        """Runs after Pelican has read its pages and before any generator writes: check owners."""
        try:
            self._check_owners()
        except BaseException:
            self._abandon()
            raise

    def _check_owners(self) -> None:
        self.context["chophien_catalogue"] = self.prepared.catalogue
        if self.prepared.ok and self.national is not None:
            self.pages = list(national_pages(self.national, self.today))
        elif self.prepared.ok:
            content = self.config.content_path
            pages = build_pages(
                self.prepared.catalogue, self.today, first_commits(content), self.config.sample_data
            )
            if self.config.english:
                self.pages = list(i18n.editions(pages)) + english_content_pages(self.context)
            else:
                self.pages = list(pages)
        outputs = {page.save_as for page in self.pages} | set(SITE_FILES) | {"index.html"}
        written = []
        for attribute in ("pages", "hidden_pages", "draft_pages"):  # Pelican's pages generator's
            for page in self.context.get(attribute, ()):
                for item in (page, *page.translations):
                    written.append((item.get_relative_source_path(), item.save_as or "", item.template))
        problems = check_pelican_pages(written, self.prepared.pages, outputs, Path(self.path).name)
        for link in sorted(self.context.get("static_links", ())):  # {static} links are turned off
            problems.add(link, vi="Pelican sẽ chép tệp này lên trang web", en="Pelican would copy this file")
        if problems:
            print(render_human(problems, self.config.lang), file=sys.stderr)
            raise SystemExit(1)

    def _changed(self, page: Page, value: str | None = None) -> bool:
        value = value or fingerprint(page.context, self.build_digest)
        if self.state.unchanged(page.save_as, value, os.path.join(self.output_path, page.save_as)):
            self.report.unchanged += 1
            return False
        return True

    def _template(self, page: Page):
        """The page's template in its edition's environment (compiled once per build)."""
        key = (page.lang, page.template)
        if key not in self._templates_by_lang:
            self._templates_by_lang[key] = self.envs[page.lang].get_template(page.template)
        return self._templates_by_lang[key]

    def _render(self, page: Page) -> None:
        """Render one page and write it (minified and compressed when the settings ask)."""
        template = self._template(page)
        context = dict(self.context)
        context.update(localsiteurl=None, output_file=page.save_as, page_url=page.url)
        if page.lang == i18n.EN:
            context["SITE_TAGLINE"] = self.config.tagline_en
        context.update(page.context)
        path = os.path.join(self.output_path, page.save_as)
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        postprocess.write_page(
            Path(path),
            template.render(context),
            minify=self.config.minify and page.save_as.endswith(".html"),
            precompress=self.config.precompress,
        )

    def _render_all(self, writer, pages: list[Page]) -> None:
        """Render *pages*, on every core when there are many (forked workers share the context)."""
        paths = [os.path.join(self.output_path, page.save_as) for page in pages]
        # Owners were checked in generate_context, before Pelican wrote its pages; claimed, any
        # later write to these paths through Pelican's writer fails loudly.
        claim_output_files(writer, paths)
        self.our_paths.update(paths)
        self.report.rendered += len(pages)
        workers = render_workers(self.config)
        if workers < 2 or len(pages) < PARALLEL_FROM:
            for page in pages:
                self._render(page)
            return
        for page in {(page.lang, page.template): page for page in pages}.values():
            self._template(page)  # compiled once, before forking
        size = max(16, len(pages) // (workers * 8))
        chunks = [range(start, min(start + size, len(pages))) for start in range(0, len(pages), size)]
        self.report.workers = workers
        # Forked workers inherit the generator and pages: only the chunks' ranges are pickled.
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            workers, mp_context=fork, initializer=_adopt, initargs=(self, pages)
        ) as pool:
            for _done in pool.map(_render_chunk, chunks):
                pass

    def generate_output(self, writer):
        try:
            with reported_write_faults():
                self._generate_output(writer)
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """A build that stops half-way leaves collection as it found it and no finish pending."""
        global _active
        if _active is self:
            _active = None
        signals.content_written.disconnect(self._pelican_wrote)
        resume_gc(self.gc_was_enabled)

    def _generate_output(self, writer):
        if not self.prepared.ok:
            self.state.forget()  # the error page replaces the home page: nothing is current
            problems = [Markup.escape(p.render()) for p in self.prepared.problems.sorted()]
            error_page = Page("", "errors.html", {"title": "Nội dung có lỗi", "problems": problems})
            self._render_all(writer, [error_page])
            return
        pages = self.pages
        # Each page's context digested once: for the service worker's cache version (site/offline.py,
        # with the release's own parts), then with the build digest for the page's fingerprint.
        contents = {page.save_as: fingerprint(page.context, "") for page in pages}
        offline.set_version(pages, offline.build_version(contents, self._release_parts()))
        for page in pages:
            if page.url == service_worker():
                contents[page.save_as] = fingerprint(page.context, "")
        digest = self.build_digest
        values = {
            name: hashlib.sha256(f"{digest}\x1f{value}".encode()).hexdigest()[:24]
            for name, value in contents.items()
        }
        self._render_all(writer, [page for page in pages if self._changed(page, values[page.save_as])])
        coops = sorted(self.prepared.catalogue.cooperatives.values(), key=lambda c: collation_key(c.name))
        write_admin(Path(self.output_path), [(c.slug, c.name) for c in coops], self.config)
        media = Path(self.output_path) / urls.MEDIA
        media.mkdir(parents=True, exist_ok=True)
        cache = self.prepared.image_cache
        encoding = f"media:{settings_key()}"  # names carry the photo's hash, not the encoder settings
        for processed in self.prepared.images.values():
            for derivative in processed.files():
                target = media / derivative.name
                # Kept when it has the size and mtime recorded; else a hard link to the (checked)
                # cache file replaces it, whatever truncated or replaced it.
                self.report.photos += 1
                if not self.state.unchanged(urls.media(derivative.name), encoding, target):
                    files.share_file(cache.path_of(derivative), target)
                    self.report.photos_linked += 1
        if (
            self.config.media_url
        ):  # served from a bucket: `make publish` reads this list (publishing/media.py)
            self._write_site_file(
                urls.media_list(), media_list_text(self.config.media_url, self.prepared.images), "media-list"
            )
        self.discovery.write_files(
            Path(self.output_path), self.state, pages, self.pelican_files(), self.build_digest
        )

    def _write_site_file(self, name: str, text: str, kind: str = "headers") -> None:
        """A small generated file of the site (headers files, the media list): kept by the page state,
        written when its text changed, removed by the next build that does not write it."""
        self.state.current[name] = kind
        path = Path(self.output_path) / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            files.write_text(path, text)

    def _pelican_wrote(self, path, **_context) -> None:
        """Pelican's `content_written` signal: one file its writer wrote."""
        self.pelican_written.append(path)

    def pelican_files(self) -> list[str]:
        """Files Pelican's own generators wrote (content/pages), not the catalogue's."""
        return [name for name in self.pelican_written if name not in self.our_paths]

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
            signals.content_written.disconnect(self._pelican_wrote)
            resume_gc(self.gc_was_enabled, freeze=True)
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
        minify = self.config.minify
        for relative, hashed in self.config.assets.items():
            source, target = output / "theme" / relative, output / "theme" / hashed
            self.state.current[f"theme/{hashed}"] = "asset"
            if source.is_file():  # a few small files: compared by bytes, so a damaged one is redone
                text = source.read_bytes()
                if minify and target.suffix == ".css":
                    text = postprocess.minify_css(text.decode("utf-8")).encode("utf-8")
                if not target.is_file() or target.read_bytes() != text:
                    files.write_atomic(target, text)
        for name, text in (
            ("_headers", postprocess.headers_file(self.config.media_url, *self.origins)),
            (".htaccess", postprocess.htaccess_file(self.config.media_url, *self.origins)),
        ):
            self._write_site_file(name, text)
        if minify:  # pages written by Pelican itself; the catalogue's were minified as rendered
            for path in output.rglob("*.html"):
                relative = path.relative_to(output)
                if (
                    path.stat().st_mtime_ns >= self.started_ns
                    and relative.parts[0] != "admin"
                    and self.state.current.get(relative.as_posix(), "pelican") == "pelican"
                ):
                    postprocess.minify_file(path)
        report = self.report
        report.removed = remove_stale(output, set(self.state.previous) - set(self.state.current))
        # after stale pages are gone, before compression
        report.search = self.discovery.index_search(output, self.state) or ""
        if self.config.precompress:
            for path in postprocess.compressible(output):
                report.compressed += postprocess.compress_file(
                    path, self._trusted_sibling, self._record_sibling
                )
            postprocess.remove_orphan_siblings(output)
        # Pelican copies the theme's files with their modes; after an interrupted build (or a
        # first one), the whole output: litter removed, every mode 0644/0755.
        report.litter = files.tidy_output(output if self.state.interrupted else output / "theme")
        self.state.save(output)
        report.save(self.report_path)
        print(report.line(), file=sys.stderr)


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


def pause_gc() -> bool:
    """Pause cyclic garbage collection for one build (reference counting frees memory as usual);
    returns whether it was on, for resume_gc, which every way out of the build calls.

    Collections walk every live object: with a 10,000-product catalogue loaded, they cost
    ~0.4 s of a 2.5 s rebuild, and a build makes little cyclic garbage. A devserver's previous
    build was frozen by resume_gc: its leftovers are collected here, once.
    """
    enabled = gc.isenabled()
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.disable()
    return enabled


def resume_gc(enabled: bool = True, freeze: bool = False) -> None:
    """Collection as it was before the build (*enabled*); *freeze* first moves this build's
    objects out of its reach, so re-enabling does not start a collection over all of them before
    the process ends (the next build, in a devserver, unfreezes and collects them)."""
    if freeze:
        gc.freeze()
    if enabled:
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
    body = page_body(instance)
    if body:
        set_page_body(instance, remove_unsafe(sanitize(body)))
    if isinstance(getattr(instance, "title", None), str):
        instance.title = remove_unsafe(instance.title)
    summary = page_summary(instance)
    if isinstance(summary, str):
        set_page_summary(instance, remove_unsafe(summary))


# --- Pelican's private attributes -------------------------------------------------------------
# Pelican 4.x offers no public way for these; tests/test_pelican_plugin.py fails loudly
# when a Pelican release renames or drops an attribute used here.


def page_body(instance) -> str | None:
    """The HTML body of a Pelican content object as its reader made it (`Content._content`;
    the public `content` property returns it with {filename} links already rewritten)."""
    return getattr(instance, "_content", None)


def set_page_body(instance, html: str) -> None:
    """Replace a content object's body (no public setter: `content` is read-only)."""
    instance._content = html


def page_summary(instance) -> str | None:
    """The `Summary:` metadata of a content object, None when it has none."""
    return getattr(instance, "_summary", None)


def set_page_summary(instance, text: str) -> None:
    """Replace it: in `Content._summary`, which Pelican copies back into metadata["summary"]
    (what `summary` returns) in refresh_metadata_intersite_links, "for plugins writing to it"."""
    instance._summary = text
    instance.metadata["summary"] = text


def claim_output_files(writer, paths: list[str]) -> None:
    """Mark *paths* as written in Pelican's writer, so that a later write of the same path
    through it fails with FileOverwriteFailedError (`Writer._written_files`, which `_open_w` checks)."""
    writer._written_files.update(paths)


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
    # Pelican's own pages (content/pages) get the same policy as the catalogue's; a national site
    # (site/national.py) has no cooperative, survey or order pages: base.html leaves their links out.
    try:
        chosen = Settings.from_pelican(settings)
        media_url, national, english = chosen.media_url, bool(chosen.federation), chosen.english
    except SettingsError:  # reported by the catalogue generator, which stops the build
        media_url, national, english = "", False, False
    settings.setdefault("JINJA_GLOBALS", {}).update(
        templating.GLOBALS,
        asset=asset,
        NATIONAL=national,
        ENGLISH=english and not national,  # a national site is Vietnamese only (docs/i18n.md)
        **templating.media_globals(media_url),
    )


def _add_i18n(env) -> None:
    """Jinja's i18n extension with no translation: every environment renders `_()` and `{% trans %}`
    (Vietnamese, the message ids' language); the catalogue generator installs English on its own."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    templating.install_gettext(env, i18n.VI)


def _generator_i18n(generator) -> None:
    _add_i18n(generator.env)


class _PelicanPage:
    """A Pelican page in one of the catalogue's page contexts: the template reads it as it is; its
    fingerprint (site/fingerprint.py walks the context) is its source and text, not Pelican's default
    repr, which holds a memory address (the service worker's version then changed every build)."""

    def __init__(self, page):
        self._page = page

    def __getattr__(self, name):
        return getattr(self._page, name)

    def __repr__(self) -> str:
        page = self._page
        text = repr((page.get_relative_source_path(), page.lang, page.title, page.content, page.summary))
        return f"<page {hashlib.sha256(text.encode()).hexdigest()[:24]}>"


def english_content_pages(context) -> list[Page]:
    """The English versions of content/pages (content/pages/en/<slug>.md, `lang: en`, a translation of
    the Vietnamese page of the same slug): Pelican does not write them (PAGE_LANG_SAVE_AS is empty);
    the catalogue generator renders them with the English environment at their English address."""
    pages = []
    for page in context.get("pages", ()):
        for translation in page.translations:
            if translation.lang != i18n.EN:
                continue
            vi_url = urls.content_page(page.slug)
            alternates = {i18n.VI: vi_url, i18n.EN: i18n.content_page_english(page.slug)}
            context_of = {
                "page": _PelicanPage(translation),
                "alternates": alternates,
                "title": translation.title,
            }
            pages.append(Page(alternates[i18n.EN], translation.template + ".html", context_of, i18n.EN))
    return pages


def _finalize(_pelican) -> None:
    global _active
    generator, _active = _active, None
    if generator is not None:
        generator.finish()


def get_generators(_pelican):
    return CatalogueGenerator


def _read_checked_pages_only(generator) -> None:
    """Pelican's pages generator reads the content/pages files the check passed, nothing else."""
    find = generator.get_files

    def get_files(paths, exclude=None, extensions=None):
        checked = generator.context.get(CHECKED_PAGES, frozenset())  # set by CatalogueGenerator
        return {path for path in find(paths, exclude, extensions) if Path(path).as_posix() in checked}

    generator.get_files = get_files


def _read_nothing(generator) -> None:
    """Articles and static files are never taken from content/ (photos are re-encoded, DESIGN §6)."""
    generator.get_files = lambda *_args, **_kwargs: set()


def register() -> None:
    signals.initialized.connect(_add_template_helpers)
    signals.get_generators.connect(get_generators)
    signals.page_generator_init.connect(_read_checked_pages_only)
    signals.generator_init.connect(_generator_i18n)
    signals.article_generator_init.connect(_read_nothing)
    signals.static_generator_init.connect(_read_nothing)
    signals.content_object_init.connect(_sanitise_page)
    signals.finalized.connect(_finalize)
