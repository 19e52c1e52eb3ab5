"""The Pelican adapter: the Pelican internals it relies on, and the process state it leaves.

Pelican 4.x has no public way to claim output paths in its writer or to replace a page's body:
chophien/pelican_plugin.py does both in one small function each, and these tests fail loudly
when a Pelican release renames what they use.
"""

from __future__ import annotations

import gc
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT
from pelican import signals
from pelican.contents import Page as PelicanPage
from pelican.settings import DEFAULT_CONFIG, read_settings
from pelican.writers import FileOverwriteFailedError, Writer

from chophien import pelican_plugin as plugin


def pelican_page(body: str, **metadata) -> PelicanPage:
    metadata.setdefault("title", "Giới thiệu")
    return PelicanPage(
        body, metadata=metadata, settings=dict(DEFAULT_CONFIG), source_path="content/pages/a.md"
    )


def test_a_claimed_path_cannot_be_written_again_through_pelicans_writer(tmp_path):
    writer = Writer(str(tmp_path), settings=dict(DEFAULT_CONFIG))
    template = jinja2.Template("<p>x</p>")
    writer.write_file("free.html", template, {})
    assert (tmp_path / "free.html").read_text() == "<p>x</p>"
    plugin.claim_output_files(writer, [str(tmp_path / "ours.html")])
    with pytest.raises(FileOverwriteFailedError):
        writer.write_file("ours.html", template, {})
    assert not (tmp_path / "ours.html").exists()


def test_pelicans_writer_announces_each_file_it_writes(tmp_path):
    written = []

    def receiver(path, **_context):
        written.append(path)

    signals.content_written.connect(receiver)
    try:
        Writer(str(tmp_path), settings=dict(DEFAULT_CONFIG)).write_file(
            "a/index.html", jinja2.Template(""), {}
        )
    finally:
        signals.content_written.disconnect(receiver)
    assert written == [str(tmp_path / "a/index.html")]


def test_a_pages_body_is_read_and_replaced():
    page = pelican_page("<p>cũ</p>")
    assert plugin.page_body(page) == "<p>cũ</p>"
    plugin.set_page_body(page, "<p>mới</p>")
    assert page.content == "<p>mới</p>"


def test_pelican_pages_lose_unsafe_markup_and_invisible_characters_also_in_the_summary():
    page = pelican_page(
        '<p onclick="x()">Chè\u200b</p><script>alert(1)</script>',
        title="Giới\u200b thiệu",
        summary="Tóm\u202e tắt",
    )
    plugin._sanitise_page(page)
    assert "script" not in page.content and "onclick" not in page.content and "\u200b" not in page.content
    assert page.title == "Giới thiệu"
    assert page.summary == "Tóm tắt"
    page.refresh_metadata_intersite_links()  # as Pelican does after reading: _summary → metadata
    assert page.summary == "Tóm tắt" and page.metadata["summary"] == "Tóm tắt"


def test_a_pages_summary_is_read_and_replaced_where_pelican_takes_it_from():
    page = pelican_page("<p>x</p>", summary="<p>cũ</p>")
    assert plugin.page_summary(page) == "<p>cũ</p>"
    plugin.set_page_summary(page, "<p>mới</p>")
    page.refresh_metadata_intersite_links()
    assert page.summary == "<p>mới</p>"
    assert plugin.page_summary(pelican_page("<p>x</p>")) is None


def test_collection_is_as_before_the_build_after_it_and_after_a_failed_one(tmp_path, monkeypatch):
    assert gc.isenabled()
    assert plugin.pause_gc() is True and not gc.isenabled()
    plugin.resume_gc(True)
    assert gc.isenabled()
    gc.disable()
    try:
        assert plugin.pause_gc() is False
        plugin.resume_gc(False)
        assert not gc.isenabled(), "a caller's own choice is kept"
    finally:
        gc.enable()

    def fail(self, config):
        signals.content_written.connect(self._pelican_wrote)  # as _start does
        raise RuntimeError("disk on fire")

    receivers = len(signals.content_written.receivers)

    monkeypatch.setattr(plugin.CatalogueGenerator, "_start", fail)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(tmp_path)})
    with pytest.raises(RuntimeError) as failed:  # its traceback keeps the generator alive
        plugin.CatalogueGenerator(
            context={},
            settings=settings,
            path=str(tmp_path),
            theme=settings["THEME"],
            output_path=str(tmp_path / "o"),
        )
    assert gc.isenabled()
    assert plugin._active is None
    assert failed.traceback and len(signals.content_written.receivers) == receivers


def test_forked_workers_get_the_generator_from_their_initializer_not_from_the_building_process():
    assert plugin._worker is None
    rendered = []

    class Generator:
        def _render(self, page):
            rendered.append(page)

    plugin._adopt(Generator(), ["a", "b", "c"])
    try:
        assert plugin._render_chunk(range(1, 3)) == 2 and rendered == ["b", "c"]
    finally:
        plugin._worker = None


def test_settings_are_read_once_into_the_typed_object(tmp_path):
    settings = read_settings(str(ROOT / "publishconf.py"), override={"PATH": str(tmp_path)})
    config = plugin.Settings.from_pelican(settings, {"CHOPHIEN_SITEURL": "https://cho.example.vn"})
    assert config.minify and config.precompress and config.sample_data
    assert config.public_url == "https://cho.example.vn"
    assert Path(config.cache_folder()).name == ".cache"


def test_a_build_that_stopped_before_its_finish_is_abandoned_by_the_next(monkeypatch):
    """Another generator failed after ours started (a devserver goes on): the next build puts
    collection back as the stopped one found it, and that one never finishes."""

    class Stopped:
        abandoned = 0

        def _abandon(self):
            Stopped.abandoned += 1
            plugin._active = None

    monkeypatch.setattr(plugin, "_active", Stopped())
    monkeypatch.setattr(plugin.CatalogueGenerator, "_start", lambda self, config: None)
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    generator = plugin.CatalogueGenerator(
        context={}, settings=settings, path="content", theme=settings["THEME"], output_path="output"
    )
    try:
        assert Stopped.abandoned == 1 and plugin._active is generator
    finally:
        generator._abandon()
    assert gc.isenabled() and plugin._active is None


def test_an_english_content_page_is_fingerprinted_by_its_text_not_its_address_in_memory():
    """English content pages are rendered by the catalogue generator with the Pelican page in their
    context: its fingerprint (and so the service worker's version) must be the same in every build."""
    from chophien.site.fingerprint import fingerprint

    def page(text):
        made = PelicanPage(text, metadata={"title": "About", "slug": "gioi-thieu", "lang": "en"})
        made.source_path = "pages/en/gioi-thieu.md"
        return plugin._PelicanPage(made)

    one, same, other = page("<p>Hello</p>"), page("<p>Hello</p>"), page("<p>Hello!</p>")
    assert "0x" not in repr(one) and one.title == "About"  # the template reads it as it is
    assert fingerprint({"page": one}, "") == fingerprint({"page": same}, "")
    assert fingerprint({"page": one}, "") != fingerprint({"page": other}, "")
