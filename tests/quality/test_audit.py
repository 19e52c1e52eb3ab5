"""The pure parts of `make audit` (chophien/quality/audit.py) on tiny trees; no npm, Java or browser."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import jpeg_bytes
from PIL import Image

from chophien.quality import audit
from chophien.quality.budgets import HTML_BUDGET

PAGE = '<!doctype html><html lang="vi"><head><title>t</title>{head}</head><body>{body}</body></html>'


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def page(body: str = "", head: str = "") -> str:
    return PAGE.format(head=head, body=body)


# ----------------------------------------------------------------------------------------- links


def test_link_checker_finds_broken_links_in_a_tiny_tree(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page(
                '<a href="/san-pham/">ok</a> <a href="/khong-co/">missing</a> <a href="#top">no id</a>'
                '<a href="/san-pham/#main">ok fragment</a> <a href="https://example.com/x">external</a>'
                '<a href="tel:+84912345678">tel</a> <a href="mailto:a@b.vn">mail</a>'
                '<img src="/media/a.jpg" alt="" srcset="/media/a.jpg 240w, /media/b.jpg 480w">',
                head='<link rel="stylesheet" href="/theme/site.css">',
            ),
            "san-pham/index.html": page(
                '<main id="main"><a href="../">up</a> <a href="sp/">relative</a></main>'
            ),
            "media/a.jpg": b"x",
            "theme/site.css": "a{background:url(../media/a.jpg)}b{background:url('missing.png')}"
            "i{background:url(data:image/png;base64,AAAA)}",
            "admin/index.html": page('<a href="/nowhere/">the CMS is not checked</a>'),
        },
    )
    assert audit.broken_links(site) == [
        "index.html → /khong-co/",
        "index.html → #top (no id “top”)",
        "index.html → /media/b.jpg",
        "san-pham/index.html → sp/",
        "theme/site.css → missing.png",
    ]


def test_links_resolve_under_a_sub_path():
    assert audit.resolve_link("index.html", "/repo/san-pham/", base="/repo/") == ("san-pham/", "")
    assert audit.resolve_link("a/index.html", "../b/#x", base="/repo/") == ("b/", "x")
    assert audit.resolve_link("a/index.html", "/elsewhere/", base="/repo/")[0].startswith("\0outside")
    assert audit.resolve_link("index.html", "//cdn.example/x.js") is None
    assert audit.resolve_link("index.html", "sms:0912?body=x") is None
    assert audit.resolve_link("a/b.html", "c%20d.html") == ("a/c d.html", "")


def test_a_link_to_a_file_with_a_trailing_slash_is_broken(tmp_path):
    site = write(tmp_path, {"index.html": page('<a href="/f.txt/">x</a>'), "f.txt": "x"})
    assert audit.broken_links(site) == ["index.html → /f.txt/"]


# --------------------------------------------------------------------------------------- budgets


@pytest.mark.parametrize(
    "rel, kind",
    [
        ("index.html", "home"),
        ("san-pham/htx-a/che/index.html", "product"),
        ("san-pham/index.html", "listing"),
        ("san-pham/page/2/index.html", "listing"),
        ("hop-tac-xa/htx-a/index.html", "cooperative"),
        ("hop-tac-xa/index.html", "directory"),
        ("hop-tac-xa/page/2/index.html", "directory"),
        ("hop-tac-xa/htx-a/in/index.html", "page"),
        ("danh-muc/index.html", "directory"),
        ("tinh/index.html", "directory"),
        ("dan-toc/index.html", "directory"),
        ("danh-muc/che/index.html", "listing"),
        ("tinh/lao-cai/page/2/index.html", "listing"),
        ("ocop/index.html", "listing"),
        ("ocop/5-sao/index.html", "listing"),
        ("danh-gia/index.html", "assessment"),
        ("danh-gia/khao-sat/theo-tinh/index.html", "assessment"),
        ("gioi-thieu/index.html", "page"),
        ("404.html", "page"),
        ("en/san-pham/htx-a/che/index.html", "product"),
        ("theme/css/site.1234567890.css", "css"),
        ("theme/js/copy.js", "js"),
        ("tim-kiem/pagefind/pagefind.js", None),
        ("admin/index.html", None),
        ("media/a.avif", None),
    ],
)
def test_budget_classification(rel, kind):
    assert audit.classify(rel) == kind


def test_budgets_measure_the_precompressed_sibling_a_host_serves(tmp_path):
    big = "".join(f"<p>{i} {i * 7919 % 10007}</p>" for i in range(6000))  # compresses to > 14 KB
    site = write(
        tmp_path,
        {
            "index.html": page("<p>home</p>", head='<link rel="stylesheet" href="/theme/site.1.css">'),
            "index.html.br": b"b" * 100,
            "index.html.gz": b"g" * 200,
            "san-pham/a/b/index.html": page(big, head='<script src="/theme/copy.js"></script>'),
            "gioi-thieu/index.html": page("x"),
            "gioi-thieu/index.html.gz": b"g" * 300,
            "theme/site.1.css": "body{color:red}" * 10,
            "theme/site.css": "not linked from any page, not counted" * 1000,
            "theme/copy.js": "console.log(1)",
        },
    )
    report = audit.measure_budgets(site)
    by_path = {w.path: w for w in report.pages}
    assert (by_path["index.html"].served, by_path["index.html"].encoding) == (100, "br")
    assert (by_path["gioi-thieu/index.html"].served, by_path["gioi-thieu/index.html"].encoding) == (
        300,
        "gzip",
    )
    product = by_path["san-pham/a/b/index.html"]
    assert product.kind == "product" and product.encoding == "gzip (in memory)" and product.over
    assert [w.path for w in report.css] == ["theme/site.1.css"]
    assert report.css_total == len(gzip.compress(b"body{color:red}" * 10, compresslevel=9, mtime=0))
    failures = report.failures()
    assert (
        failures[0].startswith("san-pham/a/b/index.html: ") and f"> {HTML_BUDGET} B (product)" in failures[0]
    )
    assert "san-pham/a/b/index.html: script not deferred: /theme/copy.js" in failures
    assert "| product | 1 |" in report.table() and "FAIL" in report.table()


def test_representative_page_is_the_heaviest_of_its_type(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page(),
            "404.html": page("x" * 5000),
            "gioi-thieu/index.html": page("a"),
            "cach-dat-hang/index.html": page("".join(f"{i}," for i in range(900))),
            "san-pham/c/p/index.html": page(),
        },
    )
    assert audit.representative_pages(site) == {
        "home": "index.html",
        "product": "san-pham/c/p/index.html",
        "page": "cach-dat-hang/index.html",
    }
    assert audit.pages_of_kind(site, "page") == ["cach-dat-hang/index.html", "gioi-thieu/index.html"]


# ------------------------------------------------------------------------------ identical bytes


def test_compare_trees_reports_every_difference(tmp_path):
    first = write(
        tmp_path / "a", {"same.html": "x", "differs.css": "a{}", "only-a.txt": "1", "d/deep.js": "1"}
    )
    second = write(
        tmp_path / "b", {"same.html": "x", "differs.css": "b{}", "only-b.txt": "1", "d/deep.js": "2"}
    )
    assert audit.compare_trees(first, second) == [
        "only in first build: only-a.txt",
        "only in second build: only-b.txt",
        "differs: d/deep.js",
        "differs: differs.css",
    ]
    assert audit.compare_trees(first, first) == []


def test_pagefind_filter_files_in_another_order_are_tolerated_and_nothing_else(tmp_path):
    def build(name: str, filters: dict[str, bytes], page_text: str) -> Path:
        files = {
            f"tim-kiem/pagefind/filter/{k}.pf_filter": gzip.compress(v, mtime=0) for k, v in filters.items()
        }
        files["tim-kiem/pagefind/pagefind-entry.json"] = json.dumps(sorted(filters))
        files["index.html"] = page_text
        return write(tmp_path / name, files)

    first = build("a", {"vi_1": b"province:lao-cai,ha-giang"}, "x")
    shuffled = build("b", {"vi_2": b"province:ha-giang,lao-cai"}, "x")
    failures, tolerated = audit.tolerated_differences(audit.compare_trees(first, shuffled), first, shuffled)
    assert failures == [] and len(tolerated) == 3
    changed = build("c", {"vi_3": b"province:ha-giang,son-la"}, "x")
    failures, tolerated = audit.tolerated_differences(audit.compare_trees(first, changed), first, changed)
    assert len(failures) == 3 and tolerated == []
    page_differs = build("d", {"vi_2": b"province:ha-giang,lao-cai"}, "y")
    failures, tolerated = audit.tolerated_differences(
        audit.compare_trees(first, page_differs), first, page_differs
    )
    assert failures == ["differs: index.html"] and len(tolerated) == 3


# ---------------------------------------------------------------------------------------- photos


def exif_jpeg(gps: bool = True) -> bytes:
    image = Image.new("RGB", (32, 24), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if gps:
        exif[audit.GPS_IFD] = {1: "N", 2: (21.0, 2.0, 3.0), 3: "E", 4: (105.0, 50.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_exif_detector_finds_exif_and_gps_in_a_crafted_jpeg(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(exif_jpeg())
    assert audit.image_metadata(path) == ["EXIF", "GPS"]
    path.write_bytes(exif_jpeg(gps=False))
    assert audit.image_metadata(path) == ["EXIF"]
    path.write_bytes(jpeg_bytes(32, 24))
    assert audit.image_metadata(path) == []


def test_exif_detector_finds_xmp_and_metadata_in_webp(tmp_path):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", xmp=xmp)
    (tmp_path / "x.jpg").write_bytes(buffer.getvalue())
    assert audit.image_metadata(tmp_path / "x.jpg") == ["XMP"]
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "WEBP", exif=Image.open(io.BytesIO(exif_jpeg())).getexif())
    (tmp_path / "e.webp").write_bytes(buffer.getvalue())
    assert "EXIF" in audit.image_metadata(tmp_path / "e.webp")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert audit.image_metadata(tmp_path / "broken.png")[0].startswith("unreadable")


def test_images_with_metadata_lists_only_the_tainted_ones(tmp_path):
    site = write(
        tmp_path, {"media/clean.jpg": jpeg_bytes(32, 24), "media/gps.jpg": exif_jpeg(), "a.html": "x"}
    )
    assert audit.images_with_metadata(site) == (2, ["media/gps.jpg: EXIF, GPS"])


def test_published_originals_are_found_by_bytes_and_heic_by_name(tmp_path):
    photo = jpeg_bytes(64, 48)
    content = write(tmp_path / "content", {"products/htx/che.jpg": photo, "products/htx/b.png": b"png"})
    site = write(
        tmp_path / "output",
        {"media/renamed.jpg": photo, "media/che-480.jpg": jpeg_bytes(48, 36), "media/x.HEIC": b"h"},
    )
    assert audit.published_originals(site, content) == [
        "media/renamed.jpg: same bytes as content/products/htx/che.jpg",
        "media/x.HEIC: a camera original format (.HEIC)",
    ]


def test_oversized_files(tmp_path):
    site = write(tmp_path, {"small.txt": b"x" * 10, "big.json": b"x" * (audit.FILE_SIZE_LIMIT + 1)})
    assert audit.oversized_files(site) == [("big.json", audit.FILE_SIZE_LIMIT + 1)]
    assert audit.largest_files(site, 1) == [("big.json", audit.FILE_SIZE_LIMIT + 1)]


# ------------------------------------------------------------------------- outside tools' output


def test_vnu_messages(tmp_path):
    report = {
        "messages": [
            {
                "type": "error",
                "url": f"file:{tmp_path.resolve()}/a/index.html",
                "lastLine": 3,
                "firstColumn": 5,
                "message": "Bad value.",
            },
            {"type": "info", "subType": "warning", "url": "file:/x", "message": "just a warning"},
            {"type": "non-document-error", "url": "file:/y.html", "message": "IO error"},
        ]
    }
    assert audit.vnu_messages(json.dumps(report), tmp_path) == [
        "a/index.html:3:5: Bad value.",
        "/y.html:?:?: IO error",
    ]
    assert audit.vnu_messages("") == []


def test_axe_failures_keep_only_serious_and_critical():
    results = {
        "violations": [
            {"id": "region", "impact": "moderate", "help": "landmarks", "nodes": [{"target": [".sample"]}]},
            {
                "id": "color-contrast",
                "impact": "serious",
                "help": "contrast",
                "nodes": [{"target": [".btn small"]}, {"target": ["#a"]}],
            },
            {"id": "image-alt", "impact": "critical", "help": "alt", "nodes": [{"target": ["img"]}]},
        ]
    }
    assert audit.axe_failures(results) == [
        "color-contrast (serious): contrast — 2 element(s): .btn small, #a",
        "image-alt (critical): alt — 1 element(s): img",
    ]


def test_lighthouse_scores_and_table():
    report = {
        "categories": {
            "performance": {"score": 0.98},
            "accessibility": {"score": 1},
            "best-practices": {"score": 0.96},
            "seo": {"score": None},
        },
        "audits": {
            "largest-contentful-paint": {"displayValue": "1.2\u00a0s"},
            "total-byte-weight": {"numericValue": 35840, "displayValue": "Total size was 35\u00a0KiB"},
        },
    }
    assert audit.lighthouse_scores(report) == {
        "performance": 0.98,
        "accessibility": 1,
        "best-practices": 0.96,
        "seo": None,
    }
    table = audit.lighthouse_table({"product": ("san-pham/a/b/index.html", report)})
    assert "| product | /san-pham/a/b/ | 98 | 100 | 96 | – |  | 1.2 s |  |  | 35.0 KB |" in table


def test_summary_table():
    gates = [
        audit.Gate("links", True, "0 broken"),
        audit.Gate("html", False, "2 errors"),
        audit.Gate("x", None, ""),
    ]
    lines = audit.summary_table(gates).splitlines()
    assert lines[0].split("|")[1:4] == [" gate  ", " result  ", " figure   "]
    assert [line.split("|")[2].strip() for line in lines[2:]] == ["pass", "FAIL", "skipped"]


# --------------------------------------------------------------------------------- local server


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
    with audit.serve(site) as base:
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
    assert audit.accepted_encodings("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert audit.accepted_encodings("br;q=0, gzip;q=0.5") == {"gzip"}
    assert audit.accepted_encodings(None) == set()


# ------------------------------------------------------------------------------------ the runner

RUNNER = Path(__file__).resolve().parents[2] / "scripts" / "audit.py"


def run_audit(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(RUNNER), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "", **(env or {})},  # CI=true (as .ci/run sets) refuses --skip
        timeout=120,
    )


def test_runner_refuses_unknown_gates_and_skipping_under_ci(tmp_path):
    assert run_audit("--skip", "nope", "--report", str(tmp_path / "r")).returncode == 2
    result = run_audit("--skip", "lighthouse", "--report", str(tmp_path / "r"), env={"CI": "true"})
    assert result.returncode == 2 and "CI runs every gate" in result.stderr


def test_runner_reports_a_failing_gate_in_the_table_and_exits_1(tmp_path):
    site = write(
        tmp_path / "site",
        {"index.html": page('<main id="main"><a href="/khong-co/">x</a></main>'), "media/a.jpg": exif_jpeg()},
    )
    reports = tmp_path / "report"
    result = run_audit(
        "--site",
        str(site),
        "--content",
        str(write(tmp_path / "content", {"pages/a.md": "x"})),
        "--report",
        str(reports),
        "--skip",
        "first-view,html,a11y,lighthouse",
    )
    assert result.returncode == 1, result.stderr
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip() for line in result.stdout.splitlines()[2:12]
    }
    assert rows == {
        "determinism": "skipped",
        "budgets": "pass",
        "first-view": "skipped",
        "html": "skipped",
        "links": "FAIL",
        "a11y": "skipped",
        "lighthouse": "skipped",
        "originals": "pass",
        "metadata": "FAIL",
        "file-size": "pass",
    }
    summary = (reports / "summary.md").read_text(encoding="utf-8")
    assert "- index.html → /khong-co/" in summary and "- media/a.jpg: EXIF, GPS" in summary
