"""A local HTTP server for the browser checks that serves a built site as a static host does:
precompressed siblings with `Content-Encoding`, the site's own `_headers` rules, an `ETag`."""

from __future__ import annotations

import gzip
import hashlib
import io
import mimetypes
import re
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml|wasm|manifest\+json)|image/svg\+xml)")
EXTRA_TYPES = {
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".csv": "text/csv",
}


def read_headers_file(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Rules of a Netlify/Cloudflare-style `_headers` file: [(path pattern, [(name, value)])]."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        elif rules and ":" in line:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def accepted_encodings(header: str | None) -> set[str]:
    accepted = set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=")
        if name and not (params and q.replace(".", "").replace("0", "") == ""):  # q=0 refuses
            accepted.add(name.strip().lower())
    return accepted


class PrecompressedHandler(SimpleHTTPRequestHandler):
    """Serves a built site the way a static host does: `.br`/`.gz` siblings with
    Content-Encoding when the client accepts them, other text compressed with gzip on the fly,
    `index.html` for directories, and the headers of the site's own `_headers` file. Each
    response carries an `ETag` (a hash of the bytes sent) and a matching `If-None-Match` gets
    `304 Not Modified` without a body, as GitHub Pages, Netlify and Cloudflare answer a browser
    revalidating a page whose max-age has run out.
    """

    headers_rules: list = []
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}
    # HTTP/1.1 as hosts speak it: kept-alive connections, and Chromium ignores an ETag sent over HTTP/1.0
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet: the audit reports what matters
        pass

    def send_head(self):
        url_path = urlsplit(self.path).path
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # 301 to the slash, as hosts do
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # 404
        ctype = self.guess_type(str(path))
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        body, encoding = None, None
        for suffix, name in ((".br", "br"), (".gz", "gzip")):
            sibling = path.with_name(path.name + suffix)
            if name in accepted and sibling.is_file():
                body, encoding = sibling.read_bytes(), name
                break
        if body is None:
            body = path.read_bytes()
            if "gzip" in accepted and COMPRESSIBLE.match(ctype) and len(body) > 256:
                body, encoding = gzip.compress(body, compresslevel=9, mtime=0), "gzip"
        etag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
        unchanged = etag in {t.strip() for t in (self.headers.get("If-None-Match") or "").split(",")}
        self.send_response(304 if unchanged else 200)
        if not unchanged:
            self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
            self.send_header("Content-Length", str(len(body)))
            if encoding:
                self.send_header("Content-Encoding", encoding)
        self.send_header("ETag", etag)
        self.send_header("Vary", "Accept-Encoding")
        for pattern, values in self.headers_rules:
            if fnmatchcase(url_path, pattern):
                for name, value in values:
                    self.send_header(name, value)
        self.end_headers()
        return None if unchanged else io.BytesIO(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):  # the browser dropped a request: normal
            return
        super().handle_error(request, client_address)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now: for a server a test or benchmark starts at a known address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serve(
    site: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    handler: type[PrecompressedHandler] = PrecompressedHandler,
) -> Iterator[str]:
    """Serve `site` on a free local port in a thread; yields the base URL ('http://127.0.0.1:N/').

    *handler*: a subclass of PrecompressedHandler to use (scripts/phone_bench.py counts the bytes sent).
    """
    rules = read_headers_file(site / "_headers")
    handler = type("SiteHandler", (handler,), {"headers_rules": rules})
    server = _Server((host, port), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


mimetypes.add_type("image/avif", ".avif")
mimetypes.add_type("image/webp", ".webp")
