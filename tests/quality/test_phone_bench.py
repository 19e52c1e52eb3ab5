"""scripts/phone_bench.py: the phone figures of a built site (issue 14) — the folder checks, the
byte counting server, the comparison arithmetic and the Markdown/JSON report; one browser run on a
tiny build. No timing is asserted anywhere: timings depend on the machine."""

from __future__ import annotations

import json
import sys
import urllib.request

import pytest
from conftest import ROOT, minimal_tree, needs_chromium, run_pelican, write_tree
from site_files import page, write

sys.path.insert(0, str(ROOT / "scripts"))
import phone_bench  # noqa: E402

from chophien.quality.server import serve  # noqa: E402


def fake_build(root, coops: dict[str, list[str]]):
    files = {"index.html": page("<h1>Chợ phiên</h1>")}
    for coop, products in coops.items():
        for product in products:
            files[f"san-pham/{coop}/{product}/index.html"] = page(f"<h1>{product}</h1>")
    return write(root, files)


def visit(fcp=500, load=900, shown=True, controlled=False, sent=1000, title="Cà phê"):
    return {"fcp": fcp, "dcl": load - 100, "load": load, "shown": shown, "controlled": controlled,
            "sent": sent, "title": title, "same_page": shown}  # fmt: skip


def run(files: dict[str, int], fcp=500, offline_shown=False, headers=3000):
    sent = [phone_bench.Sent(path, 200, headers // len(files), size) for path, size in files.items()]
    first = visit(fcp) | {"bytes": phone_bench.summarize(sent), "bytes_worker": 0, "worker": "none"}
    return {"first": first, "later": visit(fcp + 2000), "soon": visit(fcp - 100),
            "offline": visit(300, shown=offline_shown)}  # fmt: skip


def result(files: dict[str, int], site="output", page_path="san-pham/htx/ca-phe/", save=None, fcps=(500,)):
    runs = [run(files, fcp) for fcp in fcps]
    return {
        "site": site,
        "page": page_path,
        "cooperative": {"slug": "htx", "products": 6},
        "profile": {"name": "2G", "latency_ms": 800, "down_Bps": 35000, "up_Bps": 35000, "cpu": 6},
        "runs": len(runs),
        "modes": {mode: phone_bench.combine(runs) for mode in phone_bench.MODES},
        "save": save,
    }


BASE_FILES = {"/san-pham/htx/ca-phe/": 5000, "/theme/css/site.0123456789.css": 2755, "/media/a.avif": 1445}


# ------------------------------------------------------------------------------- the folder


def test_a_folder_that_is_not_a_build_is_refused(tmp_path):
    with pytest.raises(phone_bench.BenchError, match="not a folder"):
        phone_bench.check_build(tmp_path / "khong-co")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "README.md").write_text("x", encoding="utf-8")
    with pytest.raises(phone_bench.BenchError, match="not a built site"):
        phone_bench.check_build(tmp_path / "src")
    only_home = write(tmp_path / "home", {"index.html": page()})
    with pytest.raises(phone_bench.BenchError, match="no san-pham"):
        phone_bench.check_build(only_home)
    phone_bench.check_build(fake_build(tmp_path / "ok", {"htx": ["ca-phe"]}))  # no error


def test_the_command_says_what_is_wrong_without_a_traceback(tmp_path, capsys, monkeypatch):
    assert phone_bench.main([str(tmp_path / "khong-co")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("phone_bench: ") and "not a folder" in err and "Traceback" not in err
    site = fake_build(tmp_path / "ok", {"htx": ["ca-phe"]})
    assert phone_bench.main([str(site), "--baseline", str(tmp_path)]) == 2  # the baseline is checked too
    assert "not a built site" in capsys.readouterr().err
    monkeypatch.setattr(phone_bench.search_bytes, "CHROMIUM", str(tmp_path / "no-chromium"))
    assert phone_bench.main([str(site), "--runs", "1"]) == 2
    err = capsys.readouterr().err
    assert "Chromium not found" in err and "apt-get install chromium" in err and "Traceback" not in err


def test_the_largest_cooperative_and_its_first_product(tmp_path):
    site = fake_build(
        tmp_path,
        {
            "htx-b": ["mien", "gao", "page"],
            "htx-a": ["tra", "mat-ong"],
            "htx-c": ["che"],
            "htx-0": ["x", "y"],
        },
    )
    # htx-b has 2 products (its "page" folder is a listing's pagination); htx-0 and htx-a also 2: by slug
    assert phone_bench.largest_cooperative(site) == ("htx-0", ["san-pham/htx-0/x/", "san-pham/htx-0/y/"])
    (site / "san-pham" / "htx-a" / "bo").mkdir()
    (site / "san-pham" / "htx-a" / "bo" / "index.html").write_text(page(), encoding="utf-8")
    slug, products = phone_bench.largest_cooperative(site)
    assert (slug, products[0], len(products)) == ("htx-a", "san-pham/htx-a/bo/", 3)


def test_fingerprints_are_removed_to_compare_two_builds():
    assert phone_bench.unversioned("/theme/css/site.0123456789.css") == "/theme/css/site.css"
    assert phone_bench.unversioned("/theme/js/order.abcdef0123.js?v=1") == "/theme/js/order.js"
    assert phone_bench.unversioned("/media/ca-phe-73ec0eaa1f-240.avif") == "/media/ca-phe-73ec0eaa1f-240.avif"
    assert phone_bench.unversioned("/san-pham/x/") == "/san-pham/x/"


# ------------------------------------------------------------------------------ the bytes sent


def test_the_server_counts_every_byte_it_sends_and_ages_copies_on_request(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page("<p>" + "chợ phiên " * 300 + "</p>"),
            "a.avif": b"\0" * 700,
            "_headers": "/a.avif\n  Cache-Control: public, max-age=31536000, immutable\n",
        },
    )
    traffic = phone_bench.Traffic()

    def get(path: str, **headers) -> tuple[bytes, dict]:
        request = urllib.request.Request(base + path, headers=headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read(), response.headers

    with serve(site, handler=phone_bench.counting_handler(traffic)) as base:
        body, head = get("?x=1", **{"Accept-Encoding": "gzip"})
        traffic.age = 86_400
        photo, photo_head = get("a.avif")
        _, aged = get("", **{"Sec-Fetch-Dest": "empty"})
        traffic.age = 0
        _, fresh = get("")
    assert "Age" not in head and aged["Age"] == "86400" and fresh["Age"] == "0"
    assert len(photo) == 700 and "Age" not in photo_head  # immutable: fresh for a year whatever the day
    first, second, third, _ = traffic.sent
    assert (first.path, first.status, first.body) == ("/", 200, len(body))
    assert head["Content-Encoding"] == "gzip"
    # the status line and every header line, each with its CRLF, and the blank line
    assert (
        first.headers == len("HTTP/1.1 200 OK\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in head.items()) + 2
    )
    assert (second.path, second.body) == ("/a.avif", 700) and traffic.state() == (4, 0)
    assert [s.fetched for s in traffic.sent] == [False, False, True, False]  # Sec-Fetch-Dest: empty
    totals = phone_bench.summarize([first, second])
    assert totals == {
        "body": len(body) + 700,
        "headers": first.headers + second.headers,
        "responses": 2,
        "files": {"/": len(body), "/a.avif": 700},
    }


# ------------------------------------------------------------------------ comparison and report


def test_extra_first_visit_bytes_are_compared_file_by_file():
    before = result(BASE_FILES, site="/tmp/old")
    after_files = {
        "/san-pham/htx/ca-phe/": 5200,  # +200 B of HTML
        "/theme/css/site.9876543210.css": 2800,  # same file, new fingerprint: +45 B
        "/media/a.avif": 1445,
        "/theme/js/order.abcdef0123.js": 1900,
        "/sw.js": 900,
    }
    after = result(after_files, site="/tmp/new")
    comparison = phone_bench.compare(after, before)
    assert comparison["extra_body"] == 200 + 45 + 1900 + 900 == 3045
    assert comparison["extra_met"] is True and comparison["extra_target"] == 3072
    assert comparison["extra_responses"] == 2
    assert comparison["changed_files"] == {
        "/san-pham/htx/ca-phe/": 200,
        "/sw.js": 900,
        "/theme/css/site.css": 45,
        "/theme/js/order.js": 1900,
    }
    heavier = result(after_files | {"/manifest.webmanifest": 28}, site="/tmp/new")
    assert phone_bench.compare(heavier, before)["extra_met"] is False  # 3073 B: not under 3 KB
    with pytest.raises(phone_bench.BenchError, match="differ in the page"):
        phone_bench.compare(result(BASE_FILES, page_path="san-pham/htx/mat-ong/"), before)


def test_the_shown_target_needs_both_a_day_later_on_2g_and_offline():
    slow = result(BASE_FILES, fcps=(900, 1500, 700))  # median first visit 900 → later 2,900 ms
    comparison = phone_bench.compare(slow, None)
    assert comparison["shown_later_ms"] == 2900 and comparison["shown_offline_ms"] is None
    assert comparison["shown_met"] is False and "extra_body" not in comparison
    for mode in phone_bench.MODES:
        slow["modes"][mode]["offline"]["shown"] = True
    assert phone_bench.compare(slow, None)["shown_offline_ms"] == 300
    assert phone_bench.compare(slow, None)["shown_met"] is False  # offline fast, 2G slow: both must be < 1 s
    slow["modes"]["worker"]["later"]["fcp_ms"] = 999
    assert phone_bench.compare(slow, None)["shown_met"] is True
    slow["modes"]["worker"]["later"]["fcp_ms"] = 1000
    assert phone_bench.compare(slow, None)["shown_met"] is False


def test_combine_takes_medians_and_ignores_missing_times():
    runs = [run(BASE_FILES, fcp) for fcp in (400, 1200, 800)]
    runs[1]["offline"] = {"shown": False, "error": "net::ERR_INTERNET_DISCONNECTED"}
    combined = phone_bench.combine(runs)
    assert combined["first"]["fcp_ms"] == 800 and combined["later"]["fcp_ms"] == 2800
    assert combined["offline"]["fcp_ms"] == 300 and combined["offline"]["shown"] is False
    assert combined["first"]["bytes"]["body"] == sum(BASE_FILES.values())


def test_the_markdown_table_has_one_row_per_measure_in_a_fixed_order():
    alone = phone_bench.to_markdown(result(BASE_FILES))
    table = [line for line in alone.splitlines() if line.startswith("| ")]
    labels = [label for label, _, _ in phone_bench.rows(result(BASE_FILES))]
    assert len(table) == 2 + len(labels) and table[0] == "| measure | value |"
    assert "| First visit: bodies sent (encoded) | 9,200 B |" in table
    assert "| “Lưu để xem khi mất sóng”: size the page announced | not available |" in table
    assert "| Offline, with worker: first contentful paint | — |" in table
    assert "Profile 2G: 800 ms latency, 35,000 B/s (280 kbit/s) down" in alone and "not met" in alone
    saved = {"bytes": 1_234_567, "headers": 9000, "responses": 40, "estimate": "1,2 MB", "saved": True}
    both = phone_bench.to_markdown(
        result(BASE_FILES | {"/sw.js": 900}, site="new", save=saved), result(BASE_FILES, site="old")
    )
    assert "| measure | before (old) | after (new) | change |" in both
    assert "| First visit: bodies sent (encoded) | 9,200 B | 10,100 B | +900 B |" in both
    assert "| “Lưu để xem khi mất sóng”: bytes downloaded | — | 1,205.6 KB |  |" in both
    assert "| “Lưu để xem khi mất sóng”: size the page announced | not available | 1,2 MB |  |" in both
    assert "costs under 3 KB gzip more”: +900 B in bodies (+1 responses" in both and ": met." in both
    assert "| /sw.js | +900 B |" in both


def test_the_json_is_deterministic_and_carries_both_builds():
    new, old = result(BASE_FILES, site="new"), result(BASE_FILES, site="old")
    text = phone_bench.to_json(new, old)
    assert text == phone_bench.to_json(new, old) and text.endswith("\n")
    data = json.loads(text)
    assert data["version"] == 1 and data["after"]["site"] == "new" and data["before"]["site"] == "old"
    assert data["targets"]["extra_body"] == 0 and data["targets"]["extra_met"] is True
    assert list(data) == sorted(data)
    assert json.loads(phone_bench.to_json(new))["before"] is None


# ------------------------------------------------------------------------------- in a browser


@pytest.mark.build
@needs_chromium
def test_the_bench_measures_a_tiny_build(tmp_path):
    """The whole run on a one-product build, unthrottled: every figure is there and above zero."""
    content = write_tree(tmp_path, minimal_tree())
    output = tmp_path / "output"
    built = run_pelican(content, output)
    assert built.returncode == 0, built.stdout + built.stderr
    figures = phone_bench.measure(output, runs=1, profile=phone_bench.UNTHROTTLED)
    assert figures["page"] == "san-pham/htx-che-na-hang/che-shan-tuyet/"
    for mode in phone_bench.MODES:
        visits = figures["modes"][mode]
        assert visits["first"]["bytes"]["body"] > 1000 and visits["first"]["bytes"]["responses"] >= 3
        assert visits["first"]["bytes"]["files"]["/san-pham/htx-che-na-hang/che-shan-tuyet/"] > 500
        for name in ("first", "later", "soon"):
            assert visits[name]["shown"] and visits[name]["fcp_ms"] > 0 and visits[name]["load_ms"] > 0
        assert visits["later"]["sent"] > 0  # revalidated: at least the 304 of the page
    report = phone_bench.to_markdown(figures)
    assert report.count("\n| ") == len(phone_bench.rows(figures)) + 2
