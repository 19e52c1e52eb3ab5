"""Search and QR codes in a real browser: headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import io
import sys

# Playwright is a test dependency (pyproject's [test] extra, installed by `make install`):
# imported plainly, so a missing package fails the run instead of skipping the browser tests.
import playwright.sync_api  # noqa: F401
import pytest
from conftest import ROOT, minimal_tree, needs_chromium, run_pelican, write_tree
from PIL import Image
from qrdecode import decode

sys.path.insert(0, str(ROOT / "scripts"))
import search_bytes  # noqa: E402

pytestmark = [
    pytest.mark.build,
    needs_chromium,
]

FIRST_SEARCH_BUDGET = 300 * 1024  # DESIGN §5 (for 10,000 products; the sample must be well within)


@pytest.fixture(scope="module")
def site(built_demo):
    with search_bytes.serve(built_demo) as (base, traffic):
        yield base, traffic


@pytest.fixture
def page():
    with search_bytes.chromium() as page:
        yield page


def test_mat_ong_and_dien_bien_find_the_right_products(site, page):
    base, _ = site
    page.goto(f"{base}/tim-kiem/")
    honey = search_bytes.search_results(page, "mat ong")
    assert len(honey) >= 3
    assert all(r["name"].startswith("Mật ong") for r in honey[:3]), honey[:3]
    first = honey[0]
    assert first["href"].startswith("/san-pham/") and first["price"].endswith("₫ / chai 500 ml")
    assert " · " in first["meta"] and first["image"]  # producer · province, thumbnail
    rice = search_bytes.search_results(page, "dien bien")
    assert rice[0]["name"] == "Gạo tám thơm Điện Biên"
    assert rice[0]["href"] == "/san-pham/cong-ty-nong-san-nam-rom/gao-tam-dien-bien/"
    marked = search_bytes.search_results(page, "Điện Biên")
    assert marked[0]["name"] == "Gạo tám thơm Điện Biên"
    specialities = search_bytes.search_results(page, "dac san")
    assert any("Mật ong hoa bạc hà" in r["name"] for r in specialities)  # "đặc sản" in its tags
    assert page.url.endswith("/tim-kiem/?q=dac+san")  # the address keeps the query


def test_the_english_search_finds_english_and_vietnamese_names_in_english(site, page):
    """/en/search/ reads the English index (Pagefind: one per <html lang>): English names, the
    Vietnamese name with or without marks, English prices and English product pages."""
    base, _ = site
    page.goto(f"{base}/en/search/")
    honey = search_bytes.search_results(page, "honey")
    assert honey and any(r["name"] == "Karst plateau mint-flower honey" for r in honey), honey
    assert all(r["href"].startswith(("/en/products/", "/en/cooperatives/")) for r in honey), honey
    named = next(r for r in honey if r["name"] == "Karst plateau mint-flower honey")
    assert named["price"] == "650,000 ₫ / 500 ml bottle"
    for query in ("mat ong", "mật ong"):
        found = search_bytes.search_results(page, query)
        assert any(r["href"] == "/en/products/to-hop-tac-ong-mat-dong-van/mat-ong-bac-ha/" for r in found), (
            query
        )
        assert not any(r["href"].startswith("/san-pham/") for r in found)
    assert "results for" in page.locator("#trang-thai").inner_text()


def test_filters_narrow_the_results(site, page):
    base, _ = site
    page.goto(f"{base}/tim-kiem/?tinh=%C4%90i%E1%BB%87n+Bi%C3%AAn")  # tinh=Điện Biên, no query
    page.wait_for_function("() => document.querySelectorAll('#ket-qua li').length > 0")
    metas = page.eval_on_selector_all("#ket-qua li .meta", "els => els.map(e => e.textContent)")
    assert metas and all(m.endswith("Điện Biên") for m in metas)
    page.select_option("select[name=tinh]", "")
    page.select_option("select[name=ocop]", "5 sao")
    five_stars = search_bytes.search_results(page, "che")
    assert five_stars and all(r["href"].startswith("/san-pham/") for r in five_stars)
    page.select_option("select[name=ocop]", "")
    everything = search_bytes.search_results(page, "che shan")
    assert len(everything) > len(five_stars)
    assert any(r["href"].startswith("/hop-tac-xa/") for r in everything)


def test_search_code_loads_only_when_the_box_is_used(site, page):
    base, _ = site
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{base}/tim-kiem/", wait_until="networkidle")
    assert not [u for u in requested if "/pagefind/" in u or "/js/search." in u]
    assert [u for u in requested if "/js/search-loader." in u]
    page.focus("#q")
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some(e => e.name.includes('pagefind.js'))"
    )
    assert [u for u in requested if u.endswith("/tim-kiem/pagefind/pagefind.js")]
    home: list[str] = []
    page.on("request", lambda request: home.append(request.url))
    page.goto(f"{base}/", wait_until="networkidle")
    # Browsing needs no JavaScript: only the small scripts of every page load (the order list's
    # js/order.js, js/offline.js and the service worker it registers), never the search's.
    every_page = ("/js/order.", "/js/offline.", "/sw.js")
    assert [u for u in home if u.endswith(".js") and not any(s in u for s in every_page)] == []


def test_without_javascript_the_form_leads_to_the_browse_pages(site):
    base, _ = site
    with search_bytes.chromium(javascript=False) as page:
        page.goto(f"{base}/")
        page.fill("form.find input[name=q]", "mat ong")
        page.click("form.find button")
        page.wait_for_load_state()
        assert page.url == f"{base}/tim-kiem/?q=mat+ong"
        assert "cần JavaScript" in page.inner_text("main")
        links = page.eval_on_selector_all("main a", "els => els.map(a => a.getAttribute('href'))")
        for browse in (
            "/san-pham/",
            "/danh-muc/",
            "/tinh/",
            "/dan-toc/",
            "/ocop/",
            "/hop-tac-xa/",
            "/danh-muc/thuc-pham/",
        ):
            assert browse in links
        page.click("text=Theo tỉnh, thành phố")
        assert page.url == f"{base}/tinh/"


def test_first_search_bytes_on_the_sample_site(built_demo):
    total, sent, results = search_bytes.first_search(built_demo, "mat ong")
    assert results
    paths = [path for path, _ in sent]
    assert any(p.endswith("/pagefind.js") for p in paths) and any(p.endswith(".pagefind") for p in paths)
    assert not any(p.endswith("pagefind-worker.js") for p in paths)  # runs on the page: one file less
    assert total < FIRST_SEARCH_BUDGET, sent
    print(f"\nfirst search “mat ong” on the sample site: {total / 1024:.1f} KB in {len(sent)} responses")


def test_qr_code_on_the_page_decodes_to_its_address(site, page):
    base, _ = site
    url = "san-pham/to-hop-tac-ong-mat-dong-van/mat-ong-bac-ha/"
    page.goto(f"{base}/{url}")
    image = page.locator(".qr img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.qr img').complete")
    shot = Image.open(io.BytesIO(image.screenshot()))
    assert decode(shot) == [f"http://127.0.0.1:8000/{url}"]
    page.goto(f"{base}/hop-tac-xa/to-hop-tac-ong-mat-dong-van/in/")
    labels = page.locator(".labels img")
    assert labels.count() >= 3
    first = labels.first
    page.wait_for_function("() => [...document.querySelectorAll('.labels img')].every(i => i.complete)")
    assert decode(Image.open(io.BytesIO(first.screenshot())))[0].startswith("http://127.0.0.1:8000/san-pham/")


def test_search_works_under_a_sub_path(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    served = tmp_path / "served"
    out = served / "cho"
    result = run_pelican(content, out, "-e", 'SITEURL="/cho"')
    assert result.returncode == 0, result.stderr
    with search_bytes.serve(served) as (base, _), search_bytes.chromium() as page:
        page.goto(f"{base}/cho/tim-kiem/")
        found = search_bytes.search_results(page, "che shan tuyet")
        hrefs = [r["href"] for r in found]
        assert sorted(hrefs) == [
            "/cho/hop-tac-xa/htx-che-na-hang/",
            "/cho/san-pham/htx-che-na-hang/che-shan-tuyet/",
        ]
        assert all(r["image"] for r in found)
        page.click("#ket-qua li a >> nth=0")
        assert page.url == f"{base}{hrefs[0]}"
