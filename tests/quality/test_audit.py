"""The `make audit` runner (scripts/audit.py): gates chosen, refused under CI, reported in one table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from site_files import exif_jpeg, page, write

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
