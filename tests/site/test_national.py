"""A national site over three member sites built from parts of the sample content, on 127.0.0.1.

Each member is an ordinary build of this project (its own CHOPHIEN_SITEURL, served by
chophien.quality.server with its own `_headers`); the national build (CHOPHIEN_FEDERATION) reads
their `danh-muc.json`. Also: a member going down (previous copy, then none), a member sending
hostile JSON, and the merged search in Chromium finding products of two provinces.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import json
import re
import shutil
import sys
import threading
from pathlib import Path

import playwright.sync_api  # noqa: F401  (a test dependency: a missing package fails the run)
import pytest
from conftest import ROOT, needs_chromium, run_pelican

from chophien.quality.budgets import measure_site
from chophien.quality.links import broken_links
from chophien.quality.server import free_port, serve

sys.path.insert(0, str(ROOT / "scripts"))
import search_bytes  # noqa: E402

pytestmark = pytest.mark.build

MEMBERS = {  # id → (province slug, cooperatives taken from content/)
    "tuyen-quang": ("tuyen-quang", ["htx-che-shan-tuyet-ho-thau", "to-hop-tac-ong-mat-dong-van"]),
    "tay-bac": ("dien-bien", ["cong-ty-nong-san-nam-rom", "lien-hiep-htx-nong-san-son-la"]),
    "tay-nguyen": ("dak-lak", ["cong-ty-cacao-ea-kar", "htx-ca-phe-buon-ky"]),
}



def member_content(root: Path, cooperatives: list[str]) -> Path:
    """A content folder with *cooperatives* (their files, photos and products) and the pages."""
    source, content = ROOT / "content", root / "content"
    shutil.copytree(source / "pages", content / "pages")
    for slug in cooperatives:
        (content / "cooperatives").mkdir(parents=True, exist_ok=True)
        shutil.copy(source / "cooperatives" / f"{slug}.md", content / "cooperatives")
        if (source / "cooperatives" / slug).is_dir():
            shutil.copytree(source / "cooperatives" / slug, content / "cooperatives" / slug)
        shutil.copytree(source / "products" / slug, content / "products" / slug)
    return content


def federation_yaml(entries: list[tuple[str, str, str, str]]) -> str:
    lines = ["members:"]
    for member_id, name, url, province in entries:
        lines += [f"  - id: {member_id}", f"    name: {name}", f"    url: {url}", f"    province: {province}"]
    return "\n".join(lines) + "\n"


class Hostile(http.server.BaseHTTPRequestHandler):
    """A member whose danh-muc.json tries everything (its own origin, CORS)."""

    body = b""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


def hostile_catalogue(base: str) -> bytes:
    good = {
        "slug": "mat-ong-rung", "cooperative": "htx-doc", "code": "HX-00001", "name": "Mật ong rừng Hiểm",
        "name_en": "", "category": "mat-ong-nong-san-khac", "group": "", "price": 250000, "unit": "chai", "status": "con-hang",
        "province": "lao-cai", "ocop": None, "certifications": [], "url": f"{base}san-pham/htx-doc/mat-ong-rung/",
        "summary": "", "photo": None, "updated": None,
    }  # fmt: skip
    bad = [
        {**good, "slug": "kich-ban", "code": "HX-00002", "name": "<script>alert('xss')</script>Kịch bản",
         "url": f"{base}san-pham/htx-doc/kich-ban/\" onmouseover=\"alert(1)"},
        {**good, "slug": "js", "code": "HX-00003", "name": "Liên kết JS", "url": "javascript:alert(1)"},
        {**good, "slug": "noi-khac", "code": "HX-00004", "name": "Trang nơi khác", "url": "https://evil.example/x/"},
        {**good, "slug": "khong-danh-muc", "code": "HX-00005", "name": "Danh mục bịa", "category": "vu-khi"},
        {**good, "slug": "gia-am", "code": "HX-00006", "name": "Giá âm", "price": -5},
        {**good, "slug": "anh-la", "code": "HX-00007", "name": "Ảnh nơi khác",
         "url": f"{base}san-pham/htx-doc/anh-la/",
         "photo": {"jpg": "https://tracker.example/pixel.jpg", "webp": None, "avif": None, "w": 1, "h": 1,
                   "alt": "x"}},
        "not an object",
        {**good, "slug": "kich-ban-2", "code": "HX-00009", "name": "<script>alert('xss')</script>Kịch bản",
         "url": f"{base}san-pham/htx-doc/kich-ban-2/"},  # kept: its name is text, shown escaped
        {**good, "slug": "mat-ong-rung-2", "name": "Trùng mã"},  # the same code as the good one
    ]  # fmt: skip
    catalogue = {
        "format": "chophien-catalogue", "version": 1,
        "site": {"name": "Hiểm</title><script>", "url": base, "search": f"{base}tim-kiem/pagefind/",
                 "media": None, "generated": "2026-11-27"},
        "cooperatives": [
            {"slug": "htx-doc", "name": "HTX <b>Độc</b>", "short_name": "HTX Độc", "kind": "hop-tac-xa",
             "province": "lao-cai", "commune": "", "ethnic_groups": ["khong-co"], "url": f"{base}hop-tac-xa/htx-doc/",
             "updated": None}],
        "products": [good, *bad],
    }  # fmt: skip
    return json.dumps(catalogue, ensure_ascii=False).encode()


@contextlib.contextmanager
def hostile_member(port: int, body: bytes | None = None):
    body = hostile_catalogue(f"http://127.0.0.1:{port}/") if body is None else body
    handler = type("HostileHandler", (Hostile,), {"body": body})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    """The three member sites, built and served; yields {id: (url, output, stop)}."""
    root = tmp_path_factory.mktemp("members")
    cache = root / ".cache"  # one photo cache for the three builds: each photo encoded once
    built = {}
    for member_id, (_province, cooperatives) in MEMBERS.items():
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        content = member_content(root / member_id, cooperatives)
        output = root / member_id / "output"
        result = run_pelican(
            content,
            output,
            "-e",
            f'SITEURL="{url.rstrip("/")}"',
            env_extra={"CHOPHIEN_SITEURL": url, "CHOPHIEN_CACHE_PATH": str(cache)},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        built[member_id] = (url, output, port)
    with contextlib.ExitStack() as stack:
        servers = {}
        for member_id, (_url, output, port) in built.items():
            servers[member_id] = contextlib.ExitStack()
            servers[member_id].enter_context(serve(output, port=port))
            stack.callback(servers[member_id].close)
        yield {member_id: (url, output, servers[member_id].close) for member_id, (url, output, _) in built.items()}


def national_build(root: Path, members: dict, extra: list | None = None, cache: Path | None = None):
    """Build the national site over *members* (+ *extra* federation entries) into root/output."""
    entries = [(member_id, f"Chợ phiên {member_id}", url, MEMBERS[member_id][0]) for member_id, (url, *_) in members.items()]
    federation = root / "federation.yaml"
    federation.write_text(federation_yaml(entries + (extra or [])), encoding="utf-8")
    content = root / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content" / "pages", content / "pages")
    output = root / "output"
    result = run_pelican(
        content,
        output,
        env_extra={"CHOPHIEN_FEDERATION": str(federation), "CHOPHIEN_CACHE_PATH": str(cache or root / ".cache")},
    )
    return result, output


@pytest.fixture(scope="module")
def national(members, tmp_path_factory):
    root = tmp_path_factory.mktemp("national")
    result, output = national_build(root, members)
    assert result.returncode == 0, result.stderr[-3000:]
    return output


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="card">.*?</li>', html, re.S)


def test_national_listings_link_to_the_members_product_pages(national, members):
    home = (national / "index.html").read_text(encoding="utf-8")
    for member_id, (url, *_rest) in members.items():
        assert f'<a href="{url}">Chợ phiên {member_id}</a>' in home
    assert home.index("<h3>Điện Biên</h3>") < home.index("<h3>Tuyên Quang</h3>")  # by province
    tuyen_quang = (national / "tinh" / "tuyen-quang" / "index.html").read_text(encoding="utf-8")
    found = cards(tuyen_quang)
    url = members["tuyen-quang"][0]
    assert len(found) == 8 and all(f'<a href="{url}san-pham/' in card for card in found)
    honey = next(card for card in found if "Mật ong hoa bạc hà" in card)
    assert re.search(rf'<img class="thumb" src="{url}media/[^"]+\.jpg" width="\d+" height="\d+"', honey)
    assert "₫" in honey and "Chợ phiên tuyen-quang" in honey and "data-o=" not in honey
    # every member's products, 24 a page, as the site's own listings
    everything = (national / "san-pham" / "index.html").read_text(encoding="utf-8")
    assert len(cards(everything)) == 24 and (national / "san-pham" / "page" / "2" / "index.html").is_file()
    assert (national / "danh-muc" / "mat-ong-nong-san-khac" / "index.html").is_file()
    assert (national / "ocop" / "index.html").is_file() and (national / "dan-toc" / "index.html").is_file()
    assert not (national / "san-pham" / "htx-ca-phe-buon-ky").exists()  # no product pages of its own
    assert (national / "gioi-thieu" / "index.html").is_file()  # the national site's own pages
    assert not broken_links(national)  # no link to a cooperative, survey or order page it does not have
    measures = measure_site(national)
    assert len([m for m in measures if m.kind == "listing"]) > 10 and not [m for m in measures if m.over]
    # CSP: the members' origins in img-src and connect-src, nothing else added
    policy = next(line for line in (national / "_headers").read_text().splitlines() if "Content-Security" in line)
    origins = sorted(url.rstrip("/") for url, *_rest in members.values())
    directives = dict(d.strip().split(" ", 1) for d in policy.split(":", 1)[1].split(";"))
    assert sorted(directives["img-src"].split()[1:]) == origins
    assert sorted(directives["connect-src"].split()[1:]) == origins
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'" and directives["default-src"] == "'self'"
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', home).group(1)
    assert html.unescape(meta) == policy.split(": ", 1)[1].removesuffix("; frame-ancestors 'none'")


@needs_chromium
def test_one_search_finds_products_of_two_provinces_on_their_members(national, members):
    tuyen_quang, tay_nguyen = members["tuyen-quang"][0], members["tay-nguyen"][0]
    with serve(national) as base, search_bytes.chromium() as page:
        page.goto(f"{base}tim-kiem/")
        honey = search_bytes.search_results(page, "mat ong")
        links = [r["href"] for r in honey]
        assert any(link.startswith(f"{tuyen_quang}san-pham/to-hop-tac-ong-mat-dong-van/") for link in links), links
        assert any(link.startswith(f"{tay_nguyen}san-pham/htx-ca-phe-buon-ky/") for link in links), links
        assert all(r["image"] and "₫" in r["price"] and " · " in r["meta"] for r in honey[:2]), honey[:2]
    with serve(national) as base, search_bytes.chromium(javascript=False) as page:
        page.goto(f"{base}tim-kiem/")
        hrefs = page.eval_on_selector_all(".directory a", "els => els.map(e => e.getAttribute('href'))")
        assert "/tinh/" in hrefs and "/danh-muc/" in hrefs  # without JavaScript: the listings


def test_a_member_down_keeps_its_previous_copy_or_is_shown_unavailable(national, members, tmp_path):
    url, _output, stop = members["tay-nguyen"]
    stop()  # the Tây Nguyên member goes down (the module's last use of it)
    again, output = national_build(national.parent, members)
    assert again.returncode == 0, again.stderr[-3000:]
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "trang tạm thời không trả lời" in home  # the previous copy, said so
    assert (output / "tinh" / "dak-lak" / "index.html").is_file()
    first, fresh = national_build(tmp_path, members)  # a national site that never fetched it
    assert first.returncode == 0, first.stderr[-3000:]
    home = (fresh / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{url}">Chợ phiên tay-nguyen</a> – <strong>tạm thời chưa xem được</strong>' in home
    assert not (fresh / "tinh" / "dak-lak").exists()
    assert "htx-ca-phe-buon-ky" not in (fresh / "san-pham" / "index.html").read_text(encoding="utf-8")


@needs_chromium
def test_the_search_still_answers_when_a_members_bundle_is_down(national, members):
    url, _output, stop = members["tay-nguyen"]
    stop()  # its products are listed (previous copy), its search bundle does not answer
    assert f'"search": "{url}tim-kiem/pagefind/"' in html.unescape((national / "tim-kiem" / "index.html").read_text())
    with serve(national) as base, search_bytes.chromium() as page:
        page.goto(f"{base}tim-kiem/")
        honey = search_bytes.search_results(page, "mat ong")
    links = [r["href"] for r in honey]
    assert any(link.startswith(members["tuyen-quang"][0]) for link in links), links  # the others answer
    assert not [link for link in links if link.startswith(url)], links


def test_a_hostile_member_loses_its_bad_items_and_injects_nothing(members, tmp_path):
    port, garbage_port = free_port(), free_port()
    alive = {k: v for k, v in members.items() if k != "tay-nguyen"}
    with hostile_member(port) as url, hostile_member(garbage_port, b'\xff{"format": [[[[[[[[') as garbage:
        extra = [("hiem", "Chợ phiên Hiểm", url, "lao-cai"), ("rac", "Chợ phiên Rác", garbage, "lai-chau")]
        result, output = national_build(tmp_path, alive, extra=extra)
    assert result.returncode == 0, result.stderr[-3000:]
    home = (output / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{garbage}">Chợ phiên Rác</a> – <strong>tạm thời chưa xem được</strong>' in home
    listing = (output / "tinh" / "lao-cai" / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'<span class="name">(.*?)</span>', listing)
    # every bad item left out, the good one kept once; a photo from elsewhere dropped, not its product
    assert sorted(names) == sorted(["&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;Kịch bản", "Ảnh nơi khác",
                                    "Mật ong rừng Hiểm"]), names  # fmt: skip
    assert listing.count("<img ") == 0 and "Chưa có ảnh" in listing
    written = "\n".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    written += (output / "_headers").read_text() + (output / "tim-kiem" / "index.html").read_text()
    assert "<script>alert" not in written and "javascript:" not in written and "onmouseover" not in written
    assert "evil.example" not in written and "tracker.example" not in written


def test_the_national_side_rechecks_what_a_member_catalogue_holds():
    """join() re-checks even a parsed catalogue: addresses on other origins, unknown slugs."""
    import dataclasses

    from chophien.federation.model import Member, parse
    from chophien.site.national import join

    example = (ROOT / "tests" / "federation" / "data" / "danh-muc.example.json").read_bytes()
    member = Member(id="tuyen-quang", name="Chợ phiên Tuyên Quang", url="https://tuyen-quang.example.vn/",
                    province="tuyen-quang")  # fmt: skip
    catalogue, _problems = parse(example, member)
    first = catalogue.products[0]
    assert first.photo is not None
    planted = [
        dataclasses.replace(first, slug="ngoai", code="TQ-X1", url="https://evil.example/x/"),
        dataclasses.replace(first, slug="danh-muc-bia", code="TQ-X2", category="vu-khi"),
        dataclasses.replace(first, slug="anh-ngoai", code="TQ-X3",
                            photo=dataclasses.replace(first.photo, jpg="https://tracker.example/p.jpg")),
    ]  # fmt: skip
    national = join([(member, dataclasses.replace(catalogue, products=(*catalogue.products, *planted)), "fresh")])
    by_slug = {p.slug: p for p in national.catalogue.products}
    assert set(by_slug) == {p.slug for p in catalogue.products} | {"anh-ngoai"}
    assert by_slug["anh-ngoai"].images == () and by_slug[first.slug].images[0].jpg == first.photo.jpg
    assert national.img_origins == ("https://tuyen-quang.example.vn",)
    assert national.connect_origins == ("https://tuyen-quang.example.vn",)
    assert national.members[0].search == "https://tuyen-quang.example.vn/tim-kiem/pagefind/"
    down = join([(member, None, "missing")])
    assert down.members[0].status == "missing" and not down.catalogue.products and not down.members[0].search
