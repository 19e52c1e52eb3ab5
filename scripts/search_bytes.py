#!/usr/bin/env python3
"""Bytes of a first search on a built site (DESIGN §5: ≤ 300 KB on a 10,000-product catalogue).

Serves the site on 127.0.0.1 the way a static host does (gzip for text files; Pagefind's own
files are already compressed), opens /tim-kiem/ in headless Chromium at phone size, types a
query into the search box and adds up every byte the server sends from the first focus of the
box until the results have settled: search code, WebAssembly, index chunks, result fragments
and the thumbnails in view.

    python scripts/search_bytes.py output ["mat ong" …]

Needs Playwright's Python package and Debian's `chromium` (never `playwright install`).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")  # Debian's package; CI may point elsewhere
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
COMPRESSIBLE = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt"}
PHONE = {"width": 360, "height": 740}


@dataclass
class Traffic:
    """Body bytes sent per path, in request order."""

    sent: list[tuple[str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, size: int) -> None:
        with self.lock:
            self.sent.append((path, size))

    def mark(self) -> int:
        with self.lock:
            return len(self.sent)

    def since(self, mark: int) -> list[tuple[str, int]]:
        with self.lock:
            return list(self.sent[mark:])


class _Handler(http.server.SimpleHTTPRequestHandler):
    traffic: Traffic

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSIBLE and accepts_gzip):
            return super().send_head()
        if self.path.split("?", 1)[0].endswith("/") is False and path.name == "index.html":
            return super().send_head()  # let the base class redirect /dir to /dir/
        body = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def copyfile(self, source, outputfile) -> None:
        data = source.read()
        outputfile.write(data)
        self.traffic.add(self.path.split("?", 1)[0], len(data))


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self) -> bytes:
        return self.data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path):
    """An HTTP server for *site* on 127.0.0.1 (a free port): yields (base URL, Traffic)."""
    traffic = Traffic()
    handler = type("Handler", (_Handler,), {"traffic": traffic})
    handler.extensions_map = {**handler.extensions_map, ".js": "text/javascript", ".svg": "image/svg+xml"}
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", traffic
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(javascript: bool = True):
    """A phone-sized page in Debian's Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
            yield context.new_page()
        finally:
            browser.close()


def search_results(page, query: str, timeout: float = 20_000) -> list[dict]:
    """Type *query* into /tim-kiem/'s box (the page must be open) and return the shown results."""
    box = page.locator("#q")
    box.click()
    box.fill("")
    page.evaluate("() => { document.getElementById('trang-thai').textContent = ''; }")  # no stale answer
    box.press_sequentially(query, delay=30)
    page.wait_for_function(
        "q => document.getElementById('trang-thai').textContent.includes(q)"
        " && !document.getElementById('trang-thai').textContent.startsWith('Đang')",
        arg=query,
        timeout=timeout,
    )
    return page.eval_on_selector_all(
        "#ket-qua li",
        "items => items.map(li => ({name: li.querySelector('.name').textContent,"
        " href: li.querySelector('a').getAttribute('href'),"
        " price: (li.querySelector('.price') || {}).textContent || '',"
        " meta: (li.querySelector('.meta') || {}).textContent || '',"
        " image: !!li.querySelector('img')}))",
    )


def first_search(site: Path, query: str) -> tuple[int, list[tuple[str, int]], list[dict]]:
    """(total bytes, [(path, bytes)], results) of typing *query* on a fresh visit to /tim-kiem/."""
    with serve(site) as (base, traffic), chromium() as page:
        page.goto(f"{base}/tim-kiem/", wait_until="networkidle")
        mark = traffic.mark()
        results = search_results(page, query)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        sent = traffic.since(mark)
    return sum(size for _, size in sent), sent, results


def main(argv: list[str]) -> int:
    site = Path(argv[1] if len(argv) > 1 else "output")
    for query in argv[2:] or ["mat ong"]:
        total, sent, results = first_search(site, query)
        print(f"“{query}”: {len(results)} results shown, {total / 1024:.1f} KB in {len(sent)} responses")
        groups: dict[str, int] = {}
        for path, size in sent:
            kind = (
                "thumbnails" if path.startswith("/media/")
                else "index chunks" if "/index/" in path
                else "fragments" if "/fragment/" in path
                else "filters" if "/filter/" in path
                else Path(path).name
            )  # fmt: skip
            groups[kind] = groups.get(kind, 0) + size
        for kind, size in sorted(groups.items(), key=lambda item: -item[1]):
            print(f"  {size / 1024:7.1f} KB  {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
