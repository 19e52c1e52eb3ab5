"""A pull request's preview beside the live site in a real browser (headless Debian Chromium): the
preview registers no service worker, and the live site's worker, whose scope covers `/pr-preview/`,
neither keeps nor serves preview pages."""

from __future__ import annotations

import time

import pytest
from conftest import needs_chromium, run_pelican, write_tree
from test_offline_browser import CACHE_NAMES, KEPT, PHONE, content_files, open_page, until, visit

from chophien.publishing import pages_site
from chophien.quality.server import serve

pytestmark = [pytest.mark.build, needs_chromium]

NUMBER = 7
REGISTRATIONS = "async () => (await navigator.serviceWorker.getRegistrations()).map(r => r.scope).sort()"


@pytest.fixture(scope="module")
def assembled(tmp_path_factory):
    """The served folder: `repo/` is the live site (a development build under /repo) with the
    preview of pull request 7 under `repo/pr-preview/7/`, assembled as the deploy does."""
    root = tmp_path_factory.mktemp("previews")
    builds = {}
    for name, env in (("production", {}), ("preview", {"CHOPHIEN_PREVIEW": str(NUMBER)})):
        content = write_tree(root / name, content_files(rename="Chè của pull request" if env else None))
        siteurl = "/repo" + (f"/pr-preview/{NUMBER}" if env else "")
        result = run_pelican(
            content,
            root / name / "output",
            "-e",
            f'SITEURL="{siteurl}"',
            env_extra={"CHOPHIEN_CACHE_PATH": str(root / ".cache"), **env},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        builds[name] = root / name / "output"
    previews = root / "previews"
    previews.mkdir()
    pages_site.record(previews, NUMBER, builds["preview"])
    served = root / "served"
    served.mkdir()
    assert pages_site.assemble(builds["production"], previews, served / "repo").previews == [NUMBER]
    return served


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    from search_bytes import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def settle(page) -> None:
    """offline.js registers the worker when the browser is idle after load: give it that chance."""
    page.wait_for_load_state("load")
    page.evaluate(
        "() => new Promise(done => (window.requestIdleCallback || setTimeout)(() => setTimeout(done, 500)))"
    )
    time.sleep(0.5)


def test_the_preview_registers_no_worker(assembled, browser):
    with serve(assembled) as base:
        context = browser.new_context(viewport=PHONE)
        try:
            page = open_page(context)
            page.goto(f"{base}repo/pr-preview/{NUMBER}/")
            settle(page)
            assert "Bản xem trước của pull request #7" in page.locator("aside.preview").inner_text()
            assert page.evaluate(REGISTRATIONS) == []
            assert page.evaluate("!!navigator.serviceWorker.controller") is False
            assert page.errors == []
        finally:
            context.close()


def test_the_live_site_s_worker_neither_keeps_nor_serves_preview_pages(assembled, browser):
    with serve(assembled) as base:
        context = browser.new_context(viewport=PHONE)
        try:
            page = open_page(context)
            site = base + "repo/"
            visit(page, site)  # the live site's worker controls /repo/, previews included
            assert page.evaluate(REGISTRATIONS) == [site]
            preview = f"{site}pr-preview/{NUMBER}/"
            page.goto(preview)
            settle(page)
            assert page.evaluate("!!navigator.serviceWorker.controller")  # in scope…
            assert page.locator("aside.preview").count() == 1
            page.goto(site + "san-pham/")
            until(page, KEPT, site + "san-pham/")  # …and the worker keeps what it should
            assert page.evaluate(KEPT, preview) is False  # but never the preview
            names = page.evaluate(CACHE_NAMES)
            for name in names:
                keys = page.evaluate(
                    "async (n) => (await (await caches.open(n)).keys()).map(r => r.url)", name
                )
                assert not [url for url in keys if "/pr-preview/" in url], name
            context.set_offline(True)
            page.goto(site + "san-pham/")
            assert page.locator("aside.preview").count() == 0  # the live page, kept
            response = None
            try:
                response = page.goto(preview)
            except Exception as error:  # the network's own failure: no copy to give
                assert "ERR_INTERNET_DISCONNECTED" in str(error)
            assert response is None
            context.set_offline(False)
            assert page.errors == []
        finally:
            context.close()
