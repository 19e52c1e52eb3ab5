"""Fetching members' catalogues from real HTTP servers on 127.0.0.1: ok, 304, down, slow, oversize, gzip bomb, hostile JSON."""

from __future__ import annotations

import functools
import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from chophien.core.problems import WARNING
from chophien.core.settings import Settings, SettingsError
from chophien.federation.fetch import (
    FRESH,
    MISSING,
    NOT_MODIFIED,
    PREVIOUS,
    Cache,
    FetchOptions,
    fetch_all,
    fetch_member,
    summary,
)
from chophien.federation.model import MAX_BYTES, Member

EXAMPLE = (Path(__file__).parent / "data" / "danh-muc.example.json").read_text(encoding="utf-8")
FAST = FetchOptions(timeout=0.5, max_bytes=1024 * 1024, workers=4)


class Handler(BaseHTTPRequestHandler):
    """Answers each path as the test's `routes` say: a function of the handler."""

    protocol_version = "HTTP/1.1"
    routes: dict = {}
    seen: list = []

    def do_GET(self):
        self.seen.append((self.path, dict(self.headers)))
        route = self.routes.get(self.path)
        if route is None:
            self.send(404, b"not found")
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def send(self, status: int, body: bytes = b"", **headers):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def routes():
    Handler.routes, Handler.seen = {}, []
    return Handler.routes


def member(server: str, name: str) -> Member:
    return Member(name, f"Chợ phiên {name}", f"{server}/{name}/", "tuyen-quang")


def catalogue_for(m: Member) -> bytes:
    return EXAMPLE.replace("https://tuyen-quang.example.vn/", m.url).encode()


def serve(body: bytes, etag: str = '"v1"'):
    def route(handler):
        if handler.headers.get("If-None-Match") == etag:
            handler.send(304, ETag=etag)
        else:
            handler.send(200, body, ETag=etag, Content_Type="application/json")

    return route


def test_ok_then_not_modified_then_down_then_the_previous_copy(server, routes, tmp_path):
    m = member(server, "tq")
    routes["/tq/danh-muc.json"] = serve(catalogue_for(m))
    cache = Cache(tmp_path)
    first = fetch_member(m, cache, FAST)
    assert (first.status, first.problems) == (FRESH, ())
    assert [p.code for p in first.catalogue.products] == ["TQ-CHE01", "TQ-MIEN01"]
    assert Handler.seen[-1][1].get("Accept-Encoding") == "gzip"

    second = fetch_member(m, cache, FAST)
    assert Handler.seen[-1][1].get("If-None-Match") == '"v1"'
    assert (second.status, second.catalogue) == (NOT_MODIFIED, first.catalogue)

    routes["/tq/danh-muc.json"] = lambda h: h.send(503, b"busy")
    later = time.time() + 3 * 3600
    down = fetch_member(m, cache, FAST, now=lambda: later)
    assert (down.status, down.catalogue) == (PREVIOUS, first.catalogue)
    assert round(down.age / 3600) == 3
    [warning] = down.problems
    assert warning.severity == WARNING
    assert "Chợ phiên tq (tq)" in warning.message_vi and "HTTP 503" in warning.message_vi
    assert "3 giờ trước" in warning.message_vi and "3 hours ago" in warning.message_en


def test_a_member_that_moved_does_not_reuse_its_old_copy(server, routes, tmp_path):
    m = member(server, "tq")
    routes["/tq/danh-muc.json"] = serve(catalogue_for(m))
    assert fetch_member(m, Cache(tmp_path), FAST).status == FRESH
    moved = Member("tq", m.name, f"{server}/moi/", "tuyen-quang")
    result = fetch_member(moved, Cache(tmp_path), FAST)
    assert (result.status, result.catalogue) == (MISSING, None)
    assert "If-None-Match" not in Handler.seen[-1][1]
    assert "HTTP 404" in result.problems[0].message_en


def test_gzip_is_accepted(server, routes, tmp_path):
    m = member(server, "gz")
    routes["/gz/danh-muc.json"] = lambda h: h.send(
        200, gzip.compress(catalogue_for(m)), Content_Encoding="gzip"
    )
    result = fetch_member(m, Cache(tmp_path), FAST)
    assert result.status == FRESH and len(result.catalogue.products) == 2


def slow_headers(handler):
    time.sleep(1.5)
    handler.send(200, b"{}")


def trickle(handler):
    handler.send_response(200)
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.2)  # each read is within the timeout; the whole body is not


def endless(handler):
    """A body without Content-Length that never ends (HTTP/1.0 style: until the connection closes)."""
    handler.send_response(200)
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b" " * 65536
    for _ in range(60 * 16):  # 60 MB
        handler.wfile.write(chunk)


@functools.cache
def bomb_bytes() -> bytes:
    """50 MB of spaces, gzipped to about 50 KB."""
    return gzip.compress(b" " * (50 * 1024 * 1024), compresslevel=1)


def bomb(handler):
    handler.send(200, bomb_bytes(), Content_Encoding="gzip")


@pytest.mark.parametrize(
    "route, options, expected",
    [
        (slow_headers, FAST, "no answer within 0.5 seconds"),
        (trickle, FAST, "too slow (not done after 2 seconds)"),
        (lambda h: h.send(200, b" " * (1024 * 1024 + 1)), FAST, "over 1 MB"),
        (endless, FetchOptions(timeout=5), "over 32 MB"),  # the default limit, a 60 MB body
        (bomb, FAST, "over 1 MB"),
        (lambda h: h.send(200, b"\x1f\x8b" + b"x" * 50, Content_Encoding="gzip"), FAST, "damaged gzip"),
        (lambda h: h.send(200, b"{}", Content_Encoding="br"), FAST, "unknown Content-Encoding"),
        (lambda h: h.send(302, Location="ftp://127.0.0.1/danh-muc.json"), FAST, "non-http(s) address"),
        (lambda h: h.send(200, b"[" * 100_000), FAST, "cannot be used"),
        (lambda h: h.send(200, b'{"format": "chophien-catalogue", "version": NaN}'), FAST, "cannot be used"),
        (lambda h: h.wfile.write(b"garbage\r\n\r\n"), FAST, "broken answer"),
    ],
    ids=[
        "slow",
        "trickle",
        "oversize",
        "endless-60MB",
        "gzip-bomb",
        "bad-gzip",
        "brotli",
        "redirect-file",
        "deep",
        "nan",
        "not-http",
    ],
)
def test_a_failing_member_gives_the_previous_copy_or_nothing(
    server, routes, tmp_path, route, options, expected
):
    m = member(server, "x")
    routes["/x/danh-muc.json"] = serve(catalogue_for(m), etag='"good"')
    cache = Cache(tmp_path)
    assert fetch_member(m, cache, options).status == FRESH
    routes["/x/danh-muc.json"] = route
    started = time.monotonic()
    result = fetch_member(m, cache, options)
    assert time.monotonic() - started < options.deadline + 2
    assert result.status == PREVIOUS and len(result.catalogue.products) == 2
    assert expected in result.problems[0].message_en, result.problems[0].message_en
    assert all(p.severity == WARNING for p in result.problems)
    empty = Cache(tmp_path / "empty")
    missing = fetch_member(m, empty, options)
    assert (missing.status, missing.catalogue) == (MISSING, None)
    assert "left out of this build" in missing.problems[0].message_en


def test_a_hostile_catalogue_is_trimmed_not_trusted(server, routes, tmp_path):
    m = member(server, "h")
    data = json.loads(catalogue_for(m))
    data["products"][0]["url"] = "javascript:alert(1)"
    data["products"][1]["photo"] = {
        "jpg": "https://evil.example/x.jpg",
        "webp": None,
        "avif": None,
        "w": 1,
        "h": 1,
        "alt": "",
    }
    routes["/h/danh-muc.json"] = lambda h: h.send(200, json.dumps(data).encode())
    result = fetch_member(m, Cache(tmp_path), FAST)
    assert result.status == FRESH
    assert [(p.code, p.photo) for p in result.catalogue.products] == [("TQ-MIEN01", None)]
    assert [p.field for p in result.problems] == ["products[0].url", "products[1].photo.jpg"]
    # redirects to file:// are refused by urllib itself (HTTP 302), to ftp:// by fetch (above)


def test_all_members_in_parallel_one_broken_never_breaks_the_rest(server, routes, tmp_path):
    members = [member(server, name) for name in ("a", "b", "c", "d")]
    for m in members[:3]:
        routes[f"/{m.id}/danh-muc.json"] = serve(catalogue_for(m))
    routes["/b/danh-muc.json"] = slow_headers
    down = Member("e", "E", "http://127.0.0.1:9/", "hue")  # nothing listens on the discard port
    started = time.monotonic()
    results = fetch_all([*members, down], tmp_path, FAST)
    assert time.monotonic() - started < 3  # the slow one did not hold the others
    assert [(r.member.id, r.status) for r in results] == [
        ("a", FRESH), ("b", MISSING), ("c", FRESH), ("d", MISSING), ("e", MISSING)
    ]  # fmt: skip
    assert "cannot be reached" in results[4].problems[0].message_en
    assert summary(results).startswith("Thành viên: 5 · mới 2, không đổi 0, bản lưu 0, thiếu 3 · 4 sản phẩm")
    assert fetch_all([], tmp_path) == []


def test_the_limits_come_from_the_settings():
    settings = Settings.from_environ({"CHOPHIEN_FEDERATION_TIMEOUT": "5", "CHOPHIEN_FEDERATION_MAX_MB": "2"})
    assert FetchOptions.from_settings(settings) == FetchOptions(timeout=5.0, max_bytes=2 * 1024 * 1024)
    assert FetchOptions.from_settings(Settings()).max_bytes == MAX_BYTES == 32 * 1024 * 1024
    with pytest.raises(SettingsError, match="CHOPHIEN_FEDERATION_TIMEOUT"):
        Settings.from_environ({"CHOPHIEN_FEDERATION_TIMEOUT": "-1"})
