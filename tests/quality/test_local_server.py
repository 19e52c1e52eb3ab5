"""The local server serves a built site as a host does (chophien/quality/server.py)."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request

import pytest
from site_files import page, write

from chophien.quality.server import accepted_encodings, serve


def fetch(url: str, encoding: str | None) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding} if encoding else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), dict(response.headers)


def test_server_sends_precompressed_siblings_as_a_host_does(tmp_path):
    html = page("<p>" + "chợ phiên " * 200 + "</p>").encode("utf-8")
    site = write(
        tmp_path,
        {
            "index.html": html,
            "index.html.br": b"BROTLI",
            "index.html.gz": gzip.compress(html),
            "theme/site.css": "body{margin:0}" * 100,
            "media/a.avif": b"\0" * 500,
            "_headers": "/*\n  X-Content-Type-Options: nosniff\n/theme/*\n  Cache-Control: immutable\n",
        },
    )
    with serve(site) as base:
        body, headers = fetch(base, "gzip, deflate, br")
        assert (body, headers["Content-Encoding"], headers["Vary"]) == (b"BROTLI", "br", "Accept-Encoding")
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["X-Content-Type-Options"] == "nosniff" and "Cache-Control" not in headers
        body, headers = fetch(base + "index.html", "gzip")
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == html
        body, headers = fetch(base, None)
        assert body == html and "Content-Encoding" not in headers
        body, headers = fetch(base + "theme/site.css", "br;q=1, gzip")  # no sibling: gzip on the fly
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == b"body{margin:0}" * 100
        assert headers["Cache-Control"] == "immutable"
        body, headers = fetch(base + "media/a.avif", "gzip, br")
        assert headers["Content-Type"] == "image/avif" and "Content-Encoding" not in headers
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(base + "khong-co/", "gzip")
        assert missing.value.code == 404


def test_accepted_encodings():
    assert accepted_encodings("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert accepted_encodings("br;q=0, gzip;q=0.5") == {"gzip"}
    assert accepted_encodings(None) == set()


def test_a_revalidation_with_the_same_etag_gets_304_without_a_body(tmp_path):
    site = write(tmp_path, {"index.html": page("<p>" + "x" * 400 + "</p>"), "a.css": "body{}"})
    with serve(site) as base:
        _, first = fetch(base, "gzip")
        _, plain = fetch(base, None)
        assert first["ETag"] != plain["ETag"]  # a different body (gzip or not): a different tag
        request = urllib.request.Request(
            base, headers={"Accept-Encoding": "gzip", "If-None-Match": f'"other", {first["ETag"]}'}
        )
        with pytest.raises(urllib.error.HTTPError) as revalidated:
            urllib.request.urlopen(request, timeout=10)
        assert revalidated.value.code == 304 and revalidated.value.read() == b""
        assert revalidated.value.headers["ETag"] == first["ETag"]
        request = urllib.request.Request(base + "a.css", headers={"If-None-Match": first["ETag"]})
        with urllib.request.urlopen(request, timeout=10) as response:  # another file: the whole body
            assert (response.status, response.read()) == (200, b"body{}")
