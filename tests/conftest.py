"""Shared fixtures: content trees written from dicts, and the sample site built once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-27"

COOP = """\
---
name: Hợp tác xã Chè Shan tuyết Nà Hang
short_name: HTX Chè Nà Hang
kind: hop-tac-xa
province: Tuyên Quang
commune: Xã Nà Hang
ethnic_groups: [Tày, Dao]
founded: 2016
members: 32
contact:
  phone: 0912 345 678
  zalo: 0912 345 678
  messenger: htxchenahang
  email: htxchenahang@example.com
---
Hợp tác xã trồng chè trên núi cao.
"""

PRODUCT = """\
---
name: Chè Shan tuyết cổ thụ
category: che
price: 450000
unit: hộp 200 g
images:
  - file: che.jpg
    alt: Búp chè Shan tuyết
---
Búp chè hái từ cây cổ thụ.
"""


def jpeg_bytes(width: int = 640, height: int = 480, colour=(60, 120, 60)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Text as Windows saves it in Windows-1258: base letters, tone marks as combining characters."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


def write_tree(root: Path, files: dict) -> Path:
    """Write {relative path: str | bytes} under root/content and return the content folder."""
    content = root / "content"
    for name, data in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, encoding="utf-8")
    (content / "pages").mkdir(parents=True, exist_ok=True)
    return content


def minimal_tree(**overrides) -> dict:
    """A valid one-cooperative, one-product tree; overrides replace or add files (None deletes)."""
    files = {
        "cooperatives/htx-che-na-hang.md": COOP,
        "products/htx-che-na-hang/che-shan-tuyet.md": PRODUCT,
        "products/htx-che-na-hang/che.jpg": jpeg_bytes(),
    }
    for name, value in overrides.items():
        name = name.replace("__", "/")
        if value is None:
            files.pop(name, None)
        else:
            files[name] = value
    return files


@pytest.fixture
def tree(tmp_path):
    def make(files: dict) -> Path:
        return write_tree(tmp_path, files)

    return make


def run_pelican(
    content: Path, output: Path, *extra: str, env_extra: dict | None = None, settings: str = "pelicanconf.py"
) -> subprocess.CompletedProcess:
    """`pelican content -o output -s settings` as a separate process, on a fixed day, with the build
    cache beside *output* (*env_extra* may name another; an empty CHOPHIEN_PREVIEW is an ordinary build)."""
    env = dict(os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(output.parent / ".cache"))
    env.pop("CHOPHIEN_PREVIEW", None)
    env.update(env_extra or {})
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(output),
            "-s",
            str(ROOT / settings),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """The bundled sample catalogue, built once per test run."""
    out = tmp_path_factory.mktemp("site") / "output"
    result = run_pelican(ROOT / "content", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def yamljs() -> Path:
    """tests/yamljs with the CMS's npm YAML parsers installed (pinned by its package-lock.json)."""
    folder = ROOT / "tests" / "yamljs"
    if not (folder / "node_modules" / "yaml1").exists():
        subprocess.run(
            ["npm", "ci", "--prefix", str(folder), "--ignore-scripts", "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
        )
    return folder


# --- In CI, a skip is a failure ------------------------------------------------------------------
# CI (.ci/run) installs everything the suite uses (Chromium, lftp, nginx, the CMS bundle, the npm
# YAML parsers), so there a skipped test hides a broken install instead of testing: it fails. Only
# skips about the machine itself, which no install can give, are allowed; their reasons start with:
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")  # as scripts/search_bytes.py
# Browser tests are skipped only on a developer machine without Chromium; in CI (.ci/run installs
# it) a missing browser fails the run instead of hiding the tests.
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)

CI_MAY_SKIP = ("cannot mount a tmpfs here",)  # tests/core/test_faults.py: an unprivileged container


def _skip_fails_in_ci(report) -> None:
    if not (report.skipped and os.environ.get("CI")) or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr).removeprefix("Skipped: ")
    if reason.startswith(CI_MAY_SKIP):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped in CI: {reason}\n.ci/run installs everything the tests use, so in CI a skip hides a "
        "broken install; fix the install, or add a reason about the machine itself to conftest.CI_MAY_SKIP"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    _skip_fails_in_ci(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield  # a module-level pytest.importorskip or pytest.skip(allow_module_level=True)
    _skip_fails_in_ci(report)
    return report


def theme_environment():
    """The theme's templates with the site's filters and globals, as the build renders them
    (autoescape on), for tests that render pages without Pelican."""
    import jinja2

    from chophien.site import templating

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ROOT / "theme/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters.update(templating.FILTERS)
    env.globals.update(templating.GLOBALS)
    templating.install_gettext(env)
    return env
