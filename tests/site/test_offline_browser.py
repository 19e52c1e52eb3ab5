"""The site offline and installable in a real browser (headless Debian Chromium, Playwright): the service worker's saved copies and their note, the offline page, "Lưu để xem khi mất sóng", a new release, a sub-path, the manifest."""

from __future__ import annotations

import json
import re
import shutil
import sys
import time

import playwright.sync_api  # noqa: F401  (a missing package fails the run, as in the search tests)
import pytest
from conftest import COOP, PRODUCT, ROOT, jpeg_bytes, minimal_tree, needs_chromium, run_pelican, write_tree

from chophien.quality.server import serve
from chophien.site.offline import THEME_COLOR

sys.path.insert(0, str(ROOT / "scripts"))
from search_bytes import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402  (Debian's Chromium, as every browser test)

pytestmark = [pytest.mark.build, needs_chromium]

NOTE = re.compile(r"^Bạn đang xem bản lưu lúc \d\d:\d\d, \d\d/\d\d/\d{4}$")
COOP_URL = "hop-tac-xa/htx-che-na-hang/"
PRODUCTS = {  # slug: (name, photo colour)
    "che-shan-tuyet": ("Chè Shan tuyết cổ thụ", (60, 120, 60)),
    "che-vang": ("Chè vàng Nà Hang", (200, 160, 40)),
    "hong-tra": ('Hồng trà "Nà Hang" <đặc biệt>', (150, 50, 40)),
}
OTHER_COOP = COOP.replace("Hợp tác xã Chè Shan tuyết Nà Hang", "Hợp tác xã Mật ong Bắc Kạn").replace(
    "HTX Chè Nà Hang", "HTX Mật ong"
)


def product(name: str, slug: str) -> str:
    return PRODUCT.replace("Chè Shan tuyết cổ thụ", name).replace("che.jpg", f"{slug}.jpg")


def content_files(rename: str | None = None) -> dict:
    """Two cooperatives; the first with three products with photos. *rename*: the first product's new name."""
    files = minimal_tree()
    for slug, (name, colour) in PRODUCTS.items():
        shown = rename if rename and slug == "che-shan-tuyet" else name
        files[f"products/htx-che-na-hang/{slug}.md"] = product(shown, slug)
        files[f"products/htx-che-na-hang/{slug}.jpg"] = jpeg_bytes(800, 600, colour)
    del files["products/htx-che-na-hang/che.jpg"]
    files["cooperatives/htx-mat-ong.md"] = OTHER_COOP
    files["products/htx-mat-ong/mat-ong.md"] = product("Mật ong bạc hà", "mat-ong")
    files["products/htx-mat-ong/mat-ong.jpg"] = jpeg_bytes(800, 600, (220, 180, 30))
    return files


def build(root, output, files: dict, *extra: str):
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    write_tree(root, files)
    result = run_pelican(content, output, *extra, env_extra={"CHOPHIEN_CACHE_PATH": str(root / ".cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("offline")
    return root, build(root, root / "site", content_files())


@pytest.fixture(scope="module")
def site(built):
    with serve(built[1]) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=PHONE)
    yield context
    context.close()


def open_page(context):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


KEPT = """async (url) => {
  for (const name of await caches.keys()) {
    const hit = await (await caches.open(name)).match(url);
    if (hit && hit.headers.get('x-saved')) return true;
  }
  return false;
}"""
CACHE_NAMES = "async () => (await caches.keys()).sort()"


def until(page, script: str, arg=None, timeout: float = 20.0):
    """Poll *script* (it may be async: Playwright's wait_for_function does not await promises) until truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        assert time.monotonic() < deadline, f"not true after {timeout} s: {script}"
        time.sleep(0.1)


def visit(page, url: str) -> None:
    """Open *url* online and wait until the worker controls the site and has kept the page."""
    page.goto(url)
    until(page, "() => navigator.serviceWorker.ready.then(r => !!r.active)")
    until(page, KEPT, url)


def brand_header(page) -> bool:
    """The stylesheet is there: the header has the brand colour (a page without CSS would be white)."""
    colour = page.evaluate("getComputedStyle(document.querySelector('header.site')).backgroundColor")
    r, g, b = (int(THEME_COLOR[i : i + 2], 16) for i in (1, 3, 5))
    return colour == f"rgb({r}, {g}, {b})"


def test_visited_pages_open_offline_with_the_note_and_others_give_the_offline_page(site, context):
    page = open_page(context)
    visited = {
        "": "Chợ phiên",
        "san-pham/": "Tất cả sản phẩm",
        "san-pham/htx-che-na-hang/che-vang/": "Chè vàng Nà Hang",
    }
    for url in visited:
        visit(page, site + url)
    assert page.evaluate("!!navigator.serviceWorker.controller")
    assert page.locator(".ban-luu").count() == 0  # online: the page itself, no note

    context.set_offline(True)
    for url, heading in visited.items():
        page.goto(site + url)
        assert NOTE.match(page.locator("main .ban-luu").inner_text()), url
        if url:
            assert page.locator("h1").first.inner_text() == heading
        assert brand_header(page), url  # the stylesheet came from the cache too
    page.reload()
    assert page.locator(".ban-luu").count() == 1

    page.goto(site + "danh-muc/")  # never visited
    assert page.locator("h1").inner_text() == "Đang mất sóng"
    assert brand_header(page)
    links = page.eval_on_selector_all(
        "#da-luu a", "as => as.map(a => [a.textContent, a.getAttribute('href')])"
    )
    assert sorted(href for _, href in links) == sorted(site + url for url in visited)
    assert ("Chè vàng Nà Hang", site + "san-pham/htx-che-na-hang/che-vang/") in [tuple(x) for x in links]
    assert page.locator("#da-luu script").count() == 0
    assert page.errors == []
    context.set_offline(False)


SAVED_AT = """async (url) => {
  for (const name of await caches.keys()) {
    const hit = await (await caches.open(name)).match(url);
    if (hit && hit.headers.get('x-saved')) return +hit.headers.get('x-saved');
  }
  return 0;
}"""


def test_a_very_slow_network_gives_the_saved_copy_then_updates_it(site, context):
    """No answer in 4 s (at once on 2G or with Save-Data): the saved copy; the late answer is kept."""
    page = open_page(context)
    url = site + "san-pham/htx-che-na-hang/che-vang/"
    visit(page, url)
    visit(page, site + "san-pham/")  # the worker controls the pages from here
    cdp = context.new_cdp_session(page)

    def slow(route):
        time.sleep(2)
        route.continue_()

    context.route(url, slow)
    cdp.send("Network.clearBrowserCache")  # else the HTTP cache answers at once
    page.goto(url)
    assert page.locator(".ban-luu").count() == 0  # 2 s: slow, not very slow on a good connection
    [worker] = context.service_workers
    # What Chromium reports on the 2G profile (800 ms, 280 kbit/s): '3g' with an 850 ms
    # round trip ('2g' starts at 1,400 ms); then a browser that says '2g'.
    for connection in ("{effectiveType: '3g', rtt: 850}", "{effectiveType: '2g', rtt: 1500}"):
        worker.evaluate(f"Object.defineProperty(navigator, 'connection', {{value: {connection}, configurable: true}}); 1")
        before = page.evaluate(SAVED_AT, url)
        cdp.send("Network.clearBrowserCache")
        page.goto(url)
        assert NOTE.match(page.locator(".ban-luu").inner_text()), connection  # 2 s on 2G: the saved copy
        until(page, f"async (url) => ({SAVED_AT})(url).then(t => t > {before})", url)  # then the late answer
    context.unroute(url)
    assert page.errors == []


def plan(page) -> dict:
    return json.loads(
        page.locator("html").evaluate(
            "(_, src) => fetch(src).then(r => r.text())", page.get_attribute("[data-luu]", "data-luu")
        )
    )


def test_a_saved_cooperative_opens_offline_with_its_products_and_photos(site, context):
    page = open_page(context)
    page.goto(site + COOP_URL)
    button = page.locator(".luu button")
    button.wait_for()  # shown once the worker answers
    assert button.inner_text() == "Lưu để xem khi mất sóng"
    data = plan(page)
    button.click()
    page.wait_for_function("() => document.querySelector('.luu button').textContent.startsWith('Lưu (')")
    status = page.locator(".luu [role=status]").inner_text()
    assert re.fullmatch(r"Trang hợp tác xã, 3 sản phẩm và ảnh nhỏ: khoảng \d+ KB\.", status), status
    button.click()
    page.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent.startsWith('Đã lưu lúc')"
    )
    assert button.inner_text() == "Xoá bản lưu"
    page.reload()  # the state comes back from the worker
    page.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent.startsWith('Đã lưu lúc')"
    )

    context.set_offline(True)
    names = {p["url"]: p["name"] for p in data["products"]}
    assert len(names) == 3
    for url, name in names.items():
        page.goto(site + url)  # never visited: saved by the button
        assert page.locator("h1").first.inner_text() == name
        assert NOTE.match(page.locator(".ban-luu").inner_text())
        page.wait_for_function("() => [...document.querySelectorAll('main img')].every(i => i.complete)")
        # the product page asks for a wider photo; the worker answers with the kept small one
        assert page.evaluate("document.querySelector('main img').naturalWidth") > 0, url
    page.goto(site + COOP_URL)
    page.wait_for_function("() => [...document.querySelectorAll('main img')].every(i => i.complete)")
    assert (
        page.evaluate(
            "[...document.querySelectorAll('main .card img, main img')].filter(i => i.naturalWidth > 0).length"
        )
        >= 3
    )
    page.goto(site + "danh-muc/")
    assert page.locator("#da-luu h3").first.inner_text() == "Hợp tác xã đã lưu"
    assert page.locator("#da-luu ul").first.inner_text().startswith("Hợp tác xã Chè Shan tuyết Nà Hang")
    # a title with quotes and angle brackets is text in the list, not markup
    assert PRODUCTS["hong-tra"][0] in page.locator("#da-luu").inner_text()
    assert page.locator("#da-luu li").count() == 1 + 4 and "<đặc" not in page.locator("#da-luu").inner_html()
    assert page.errors == []

    context.set_offline(False)
    page.goto(site + COOP_URL)
    page.wait_for_function("() => document.querySelector('.luu button').textContent == 'Xoá bản lưu'")
    page.click(".luu button")
    page.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent == 'Đã xoá bản lưu.'"
    )
    assert not page.evaluate(KEPT, site + "san-pham/htx-che-na-hang/hong-tra/")


def test_no_room_and_save_data_give_a_message_not_a_broken_page(site, context):
    page = open_page(context)
    page.goto(site + COOP_URL)
    page.locator(".luu button").wait_for()
    [worker] = context.service_workers  # the worker itself, as a full phone would make it
    worker.evaluate(
        "self.realEstimate = navigator.storage.estimate.bind(navigator.storage); navigator.storage.estimate = async () => ({quota: 5000, usage: 4000}); 1"
    )
    page.click(".luu button")
    page.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent.includes('không đủ chỗ')"
    )
    assert page.locator(".luu button").inner_text() == "Lưu để xem khi mất sóng"  # nothing saved, can retry
    # the estimate said yes, then the cache is full half-way
    worker.evaluate(
        "navigator.storage.estimate = self.realEstimate; self.realPut = Cache.prototype.put; let n = 0;"
        "Cache.prototype.put = function (...a) { return ++n > 2 ? Promise.reject(new DOMException('full', 'QuotaExceededError')) : self.realPut.apply(this, a); }; 1"
    )
    page.click(".luu button")
    page.wait_for_function("() => document.querySelector('.luu button').textContent.startsWith('Lưu (')")
    page.click(".luu button")
    page.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent.startsWith('Điện thoại không đủ chỗ để lưu.')"
    )
    assert page.locator(".luu button").inner_text() == "Lưu để xem khi mất sóng"
    assert page.locator("h1").inner_text() == "Hợp tác xã Chè Shan tuyết Nà Hang"
    worker.evaluate("Cache.prototype.put = self.realPut; 1")

    # Save-Data on (the worker reads it): a warning, and saving waits for a second tap
    worker.evaluate(
        "Object.defineProperty(navigator, 'connection', {value: {saveData: true, effectiveType: '4g'}}); 1"
    )
    saver = open_page(context)
    saver.goto(site + COOP_URL)
    saver.locator(".luu button").wait_for()
    saver.click(".luu button")
    saver.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent.includes('tiết kiệm dữ liệu')"
    )
    assert saver.locator(".luu button").inner_text().startswith("Lưu (khoảng")  # asks: a second tap saves

    # a message from elsewhere: another site's file, a corrupt list of saved cooperatives
    reply = saver.evaluate(
        """() => new Promise((done) => { const c = new MessageChannel(); c.port1.onmessage = (e) => done(e.data);
        navigator.serviceWorker.controller.postMessage({type: 'save', src: 'https://evil.example/don-hang.json'}, [c.port2]); })"""
    )
    assert reply == {"text": "Chưa lưu được: mất sóng. Hãy thử lại khi có sóng."}
    saver.evaluate(
        """async () => { for (const k of await caches.keys()) if (k.endsWith(':meta'))
        await (await caches.open(k)).put(new URL('__da-luu__.json', (await navigator.serviceWorker.ready).scope).href, new Response('{"coops": [<script>'));}"""
    )
    saver.reload()
    saver.locator(".luu button").wait_for()
    assert saver.locator(".luu button").inner_text() == "Lưu để xem khi mất sóng"
    assert page.errors == [] and saver.errors == []


def test_the_manifest_icons_and_worker_headers(site, context):
    page = open_page(context)
    page.goto(site)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == site + "manifest.webmanifest" and manifest["errors"] == []
    data = json.loads(manifest["data"])
    assert (
        data["name"].startswith("Chợ phiên – ") and data["lang"] == "vi" and data["display"] == "standalone"
    )
    assert data["theme_color"] == THEME_COLOR == page.get_attribute('meta[name="theme-color"]', "content")
    response = page.request.get(site + "manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    from io import BytesIO

    from PIL import Image

    for icon in data["icons"]:
        got = page.request.get(site + icon["src"])
        assert got.status == 200 and got.headers["content-type"] == "image/png"
        width, height = Image.open(BytesIO(got.body())).size
        assert f"{width}x{height}" == icon["sizes"]
    assert {i["purpose"] for i in data["icons"]} == {"any", "maskable"}
    worker = page.request.get(site + "sw.js")
    assert (
        worker.headers["cache-control"] == "public, max-age=300, must-revalidate, no-cache"
        or "no-cache" in worker.headers["cache-control"]
    )
    assert page.errors == []


def test_under_a_sub_path_the_worker_and_manifest_work(built, browser):
    root = built[0]
    build(root, root / "sub" / "repo", content_files(), "-e", 'SITEURL="/repo"')
    with serve(root / "sub") as base:
        context = browser.new_context(viewport=PHONE)
        try:
            page = open_page(context)
            site = base + "repo/"
            visit(page, site)
            assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == site
            visit(page, site + COOP_URL)
            manifest = context.new_cdp_session(page).send("Page.getAppManifest")
            assert manifest["url"] == site + "manifest.webmanifest" and manifest["errors"] == []
            start = page.evaluate(
                "([m, u]) => new URL(JSON.parse(m).start_url, u).href", [manifest["data"], manifest["url"]]
            )
            assert start == site
            names = page.evaluate(CACHE_NAMES)
            assert names and all(name.startswith("chophien:/repo/:") for name in names)
            context.set_offline(True)
            page.goto(site + COOP_URL)
            assert NOTE.match(page.locator(".ban-luu").inner_text()) and brand_header(page)
            page.goto(site + "danh-muc/")
            assert page.locator("h1").inner_text() == "Đang mất sóng"
            assert page.errors == []
        finally:
            context.close()


def test_a_new_release_replaces_the_old_caches_and_saved_cooperatives_follow(built, site, context):
    """Last in this module: it rebuilds the site with a renamed product."""
    root, output = built
    page = open_page(context)
    product_url = site + "san-pham/htx-che-na-hang/che-shan-tuyet/"
    visit(page, product_url)
    page.goto(site + COOP_URL)
    page.locator(".luu button").wait_for()
    page.click(".luu button")
    page.wait_for_function("() => document.querySelector('.luu button').textContent.startsWith('Lưu (')")
    page.click(".luu button")
    page.wait_for_function(
        "() => document.querySelector('.luu [role=status]').textContent.startsWith('Đã lưu lúc')"
    )
    before = page.evaluate(CACHE_NAMES)
    old_worker = (output / "sw.js").read_text(encoding="utf-8")

    build(root, output, content_files(rename="Chè Shan tuyết cổ thụ – vụ mới"))
    new_worker = (output / "sw.js").read_text(encoding="utf-8")
    version = re.search(r"const VERSION = '([0-9a-f]{16})'", new_worker).group(1)
    assert version not in old_worker

    # Pages have a 5-minute HTTP cache (postprocess.SHORT_CACHE): the next visit comes later than that.
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.goto(product_url)  # online: the new page; the visit finds the new worker
    assert page.locator("h1").first.inner_text() == "Chè Shan tuyết cổ thụ – vụ mới"
    until(
        page,
        "async (v) => { const k = await caches.keys(); return k.some(n => n.endsWith(':' + v)) && k.length == 2; }",
        version,
    )
    assert len(before) == 2 and "chophien:/:meta" in before  # the release's cache and the saved list
    assert page.evaluate(CACHE_NAMES) == ["chophien:/:" + version, "chophien:/:meta"]
    until(page, KEPT, site + "san-pham/htx-che-na-hang/hong-tra/")  # re-saved for the new release
    context.set_offline(True)
    page.goto(product_url)
    assert page.locator("h1").first.inner_text() == "Chè Shan tuyết cổ thụ – vụ mới"
    assert NOTE.match(page.locator(".ban-luu").inner_text()) and brand_header(page)
    page.goto(site + "san-pham/htx-che-na-hang/hong-tra/")
    assert page.locator("h1").first.inner_text() == PRODUCTS["hong-tra"][0]
    assert page.errors == []
