"""`chophien report` and `make report`: formats, languages, --output, --fail-on, content with errors,
hostile names, and --check-links against a real local HTTP server."""

from __future__ import annotations

import http.server
import json
import os
import stat
import subprocess
import sys
import threading

import pytest
from conftest import COOP, PRODUCT, ROOT, minimal_tree
from factories import make_catalogue, make_contact, make_cooperative, make_marketplace, make_product
from git_history import TODAY

from chophien.cli import main
from chophien.maintenance.findings import Lines, link_findings

PRODUCT_FILE = "products/htx-che-na-hang/che-shan-tuyet.md"
EXPIRED = PRODUCT.replace(
    "---\nBúp chè",
    "ocop:\n  stars: 4\n  year: 2022\n  decision: 1016/QĐ-UBND\n  date: 20/05/2022\n---\nBúp chè",
)
NO_ALT = PRODUCT.replace("    alt: Búp chè Shan tuyết\n", "")


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CHOPHIEN_TODAY", TODAY.isoformat())
    monkeypatch.setenv("CHOPHIEN_CACHE_PATH", str(tmp_path / "cache"))
    monkeypatch.delenv("CHOPHIEN_LANG", raising=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_and_markdown_in_both_languages(tree, capsys):
    content = tree(minimal_tree(**{PRODUCT_FILE: EXPIRED}))
    code, out, _ = run(capsys, str(content), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["date"] == "2026-12-02" and data["lang"] == "vi"
    assert [f["kind"] for g in data["groups"] for f in g["findings"]] == ["ocop-expired"]
    assert "đã hết hạn ngày 20/05/2025" in data["groups"][0]["findings"][0]["message"]
    code, out, _ = run(capsys, str(content), "--format", "json", "--lang", "en")
    assert "expired on 20/05/2025" in json.loads(out)["groups"][0]["findings"][0]["message"]
    code, out, _ = run(capsys, str(content), "--lang", "en")
    assert out.startswith("# Content maintenance report: December 2, 2026") and "| act now |" in out
    code, out, _ = run(capsys, str(content))
    assert out.startswith("# Báo cáo bảo trì nội dung: 02/12/2026") and "| cần làm ngay |" in out


@pytest.mark.parametrize(
    ("fail_on", "files", "code"),
    [
        (None, {PRODUCT_FILE: EXPIRED}, 0),
        ("high", {PRODUCT_FILE: EXPIRED}, 1),
        ("high", {PRODUCT_FILE: NO_ALT}, 0),
        ("medium", {PRODUCT_FILE: NO_ALT}, 0),
        ("low", {PRODUCT_FILE: NO_ALT}, 1),
        ("low", {}, 0),
    ],
)
def test_exit_code_only_with_fail_on(tree, capsys, fail_on, files, code):
    content = tree(minimal_tree(**files))
    args = [str(content)] + (["--fail-on", fail_on] if fail_on else [])
    assert run(capsys, *args)[0] == code


def test_output_is_written_whole_and_said(tree, capsys):
    content = tree(minimal_tree(**{PRODUCT_FILE: EXPIRED}))
    _, printed, _ = run(capsys, str(content), "--format", "json")
    target = content.parent / "bao-cao.json"
    code, out, _ = run(capsys, str(content), "--format", "json", "--output", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == printed
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert out == f"Đã ghi {target} (1 việc)\n"
    assert [p.name for p in content.parent.iterdir() if p.name.startswith(".tmp")] == []


def test_an_unwritable_output_is_one_line_not_a_traceback(tree, capsys):
    content = tree(minimal_tree())
    code, _, err = run(capsys, str(content), "--output", str(content.parent / "no" / "such" / "bao-cao.md"))
    assert code == 2 and err.count("\n") == 1 and "lỗi:" in err and "Traceback" not in err


def test_stale_months_must_be_a_positive_number(tree, capsys):
    content = tree(minimal_tree())
    for bad in ("0", "-3", "mười"):
        with pytest.raises(SystemExit) as stopped:
            main(["report", str(content), "--stale-months", bad])
        assert stopped.value.code == 2
        assert "lớn hơn 0" in capsys.readouterr().err


HOSTILE_NAME = "HTX <b>đậm</b> [x](javascript:alert(1)) @octocat #1 ##[error]x"


def test_content_with_errors_and_hostile_names_is_reported_safely(tree):
    """A real process: errors are findings (exit 0), nothing in a name forges output, no traceback."""
    files = minimal_tree(**{
        "cooperatives/htx-che-na-hang.md": COOP.replace("name: Hợp tác xã Chè Shan tuyết Nà Hang",
                                                       f"name: '{HOSTILE_NAME}'"),
        PRODUCT_FILE: EXPIRED,
        "products/htx-che-na-hang/hong.md": PRODUCT.replace(
            "price: 450000", 'price: "<i>x</i> @octocat ##[error]y\\n## giả\\u001b[31m"'
        ),
    })  # fmt: skip
    content = tree(files)
    env = {**os.environ, "CHOPHIEN_TODAY": TODAY.isoformat()}
    outputs = {}
    for fmt in ("markdown", "json"):
        done = subprocess.run(
            [sys.executable, "-m", "chophien.cli", "report", str(content), "--format", fmt],
            capture_output=True,
            text=True,
            env=env,
            cwd=content.parent,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert "\x1b" not in done.stdout and "##[" not in done.stdout
        assert not any(line.lstrip().startswith("::") for line in done.stdout.split("\n"))
        outputs[fmt] = done.stdout
    data = json.loads(outputs["json"])
    assert data["groups"][0]["name"] == HOSTILE_NAME
    found = {f["path"].split("/")[-1]: f for g in data["groups"] for f in g["findings"]}
    assert (
        found["che-shan-tuyet.md"]["kind"] == "ocop-expired" and found["hong.md"]["kind"] == "content-error"
    )
    assert "@octocat" in found["hong.md"]["message"]
    markdown = outputs["markdown"]
    assert "## HTX &lt;b&gt;đậm&lt;/b&gt; \\[x\\]" in markdown and "`@octocat`" in markdown
    assert "<b>" not in markdown and "<i>" not in markdown and "\n## giả" not in markdown


def test_make_report_runs_the_command():
    done = subprocess.run(
        # --no-print-directory: under `make test` the inherited MAKEFLAGS would print "Entering directory"
        ["make", "--no-print-directory", "-n", "report", "INPUTDIR=noi-dung", "REPORT_ARGS=--lang en"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("chophien report noi-dung --lang en")
    help_text = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "make report" in help_text


class _Links(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):  # noqa: N802 - http.server's name
        self.send_response({"/ok": 200, "/gone": 404, "/members": 403}.get(self.path, 503))
        self.end_headers()

    do_GET = do_HEAD  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def link_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_check_links_on_a_machine_without_network_is_one_line_and_no_report(tree, capsys, monkeypatch):
    """Every link failing while the probe host does not resolve: exit 2, one line, no file written
    (the weekly workflow then leaves the issue as it was), and nothing cached."""
    from chophien.maintenance import links

    monkeypatch.setattr(links, "PROBE_HOST", "no-network.invalid")
    coop = COOP.replace("  email: htxchenahang@example.com\n", "  website: https://htx-che-na-hang.invalid/\n")
    content = tree(minimal_tree(**{"cooperatives/htx-che-na-hang.md": coop}))
    output = content.parent / "bao-cao.json"
    code, out, err = run(capsys, str(content), "--check-links", "--output", str(output))
    assert code == 2 and out == "" and not output.exists()
    (line,) = err.strip().splitlines()[-1:]
    assert line.startswith("lỗi: không có mạng: không liên kết nào trong 1 liên kết mở được")
    assert not list(content.parent.rglob("links.json"))


def test_check_links_maps_the_checkers_results_to_findings(tmp_path, link_server):
    listings = [make_marketplace("shopee", f"{link_server}/{path}") for path in ("ok", "members")]
    coop = make_cooperative(marketplaces=tuple(listings), contact=make_contact(website=f"{link_server}/down"))
    gone = (make_marketplace("shopee", f"{link_server}/gone"),)
    product = make_product(cooperative=coop, marketplaces=gone)
    catalogue = make_catalogue(product, cooperatives=(coop,))
    found = link_findings(
        catalogue,
        TODAY,
        tmp_path / "links.json",
        Lines(tmp_path),
        "test-agent",
        allow_private=True,
        retries=0,
    )
    assert sorted((f.kind, f.severity, f.path, f.field, f.url) for f in found) == [
        ("link-broken", "high", product.source, "marketplaces[1].url", f"{link_server}/gone"),
        ("link-suspicious", "low", coop.source, "marketplaces[2].url", f"{link_server}/members"),
        ("link-unreachable", "medium", coop.source, "contact.website", f"{link_server}/down"),
    ]
    said = {f.kind: f.message_vi for f in found}
    assert said["link-broken"] == "liên kết hỏng: HTTP 404 (kiểm tra ngày 2026-12-02)"
    assert said["link-suspicious"] == "liên kết đáng ngờ: HTTP 403 (kiểm tra ngày 2026-12-02)"
    assert (tmp_path / "links.json").exists()
