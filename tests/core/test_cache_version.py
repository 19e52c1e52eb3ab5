"""The one cache version: it moves with any code, library or Python change, and every cache follows it.

The key property is tested on real builds: a warm build after a code change (in a module of a
new sub-package) or after a (simulated) library upgrade gives the same bytes as a cold build, and
`--ignore-cache` really reads no cache (a poisoned entry under the current version is not used).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, minimal_tree, write_tree

from chophien import cli
from chophien.catalogue import loader
from chophien.core import cache_version as cv
from chophien.core import files
from chophien.core.filestat import FileHashes
from chophien.core.settings import Settings
from chophien.formats import markup
from chophien.photos import cache as photo_cache
from chophien.site import qrcodes, search

PACKAGE = ROOT / "chophien"
PRODUCT_PAGE = "san-pham/htx-che-na-hang/che-shan-tuyet/index.html"
QR_CODE = "san-pham/htx-che-na-hang/che-shan-tuyet/qr.svg"


def copy_package(target: Path) -> Path:
    """A copy of the package (no bytecode) under target/chophien; returns that folder.

    The CMS bundle is looked up beside the package (cms/node_modules, installed by .ci/run), so
    the copy gets a link to the checkout's, as the checkout's own builds see it.
    """
    copy = Path(shutil.copytree(PACKAGE, target / "chophien", ignore=shutil.ignore_patterns("__pycache__")))
    (target / "cms").symlink_to(PACKAGE.parent / "cms", target_is_directory=True)
    return copy


@pytest.fixture
def fresh_version():
    """Forget the memoised version before and after (a test may change what it is made of)."""
    cv.reset()
    yield
    cv.reset()
    cv.set_ignore(False)


# --- what the version is made of -----------------------------------------------------------


def test_the_version_is_the_package_contents_not_its_place(tmp_path):
    copy = copy_package(tmp_path)
    assert cv.compute(copy) == cv.compute(PACKAGE) == cv.compute(copy)
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "loader.cpython-311.pyc").write_bytes(b"bytecode")
    (copy / "catalogue" / "__pycache__").mkdir(exist_ok=True)
    (copy / "catalogue" / "__pycache__" / "loader.cpython-311.pyc").write_bytes(b"bytecode")
    (copy / "catalogue" / ".loader.py.swp").write_bytes(b"editor")
    assert cv.compute(copy) == cv.compute(PACKAGE), "bytecode and dotfiles are not sources"


def test_the_version_changes_with_any_module_data_file_or_new_sub_package(tmp_path):
    copy = copy_package(tmp_path)
    seen = {cv.compute(copy)}

    def changed() -> None:
        version = cv.compute(copy)
        assert version not in seen
        seen.add(version)

    problems = copy / "core" / "problems.py"
    problems.write_text(problems.read_text() + "\n# pickled objects' class\n")
    changed()
    provinces = copy / "reference" / "data" / "provinces.yaml"
    provinces.write_bytes(provinces.read_bytes() + b"\n")
    changed()
    site = copy / "shop"  # a sub-package that did not exist
    site.mkdir()
    (site / "__init__.py").write_text("")
    changed()
    (site / "urls.py").write_text("BASE = '/'\n")
    changed()
    (site / "urls.py").write_text("BASE = '/cho/'\n")
    changed()
    (site / "urls.py").rename(site / "links.py")  # same bytes, another module
    changed()
    (site / "templates").mkdir()
    (site / "templates" / "page.html").write_text("<p>{{ x }}</p>")  # package data of any kind
    changed()


def test_the_version_changes_with_each_library_that_makes_cached_output(monkeypatch):
    real = importlib.metadata.version
    before = cv.compute()
    names = cv.library_names()
    for library in (
        "PyYAML",
        "Markdown",
        "nh3",
        "Pillow",
        "pillow-heif",
        "Jinja2",
        "MarkupSafe",
        "segno",
        "minify-html",
        "Brotli",
        "pagefind",
        "pagefind-bin",
        "pelican",
        "openpyxl",  # not in LIBRARIES: found through the package's declared requirements
        "feedgenerator",  # nor in pyproject.toml: a requirement of a requirement
    ):
        canonical = library.lower().replace("_", "-")
        assert canonical in names
        monkeypatch.setattr(
            importlib.metadata,
            "version",
            lambda name, c=canonical: "999.0" if name == c else real(name),
        )
        assert cv.compute() != before, library
    monkeypatch.setattr(importlib.metadata, "version", real)
    assert cv.compute() == before
    assert "pytest" not in names and "ruff" not in names, "test tools change no output"


def test_the_version_changes_with_python(monkeypatch):
    before = cv.compute()
    monkeypatch.setattr(sys, "version", sys.version.replace(".", ".9", 1))
    after_version = cv.compute()
    assert after_version != before
    monkeypatch.setattr(sys.implementation, "name", "pypy")
    assert cv.compute() not in (before, after_version)


def test_every_cache_key_follows_the_version(monkeypatch, tmp_path, fresh_version):
    """Parse cache, Markdown, photos, QR codes, file hashes, search marker: none outlives a version."""
    today = dt.date(2026, 11, 27)
    stamp = tmp_path / "stamp.txt"
    stamp.write_text("x")
    hashes = FileHashes(tmp_path / "file-hashes.pickle")
    hashes.now += 60  # hashed well after its last change: remembered
    hashes.sha256(stamp)
    hashes.save()
    renderer = markup.MarkdownRenderer()
    renderer.render("Chè **ngon**.")
    keys = lambda: (  # noqa: E731
        loader.parse_cache_key(today),
        photo_cache.settings_key(),
        qrcodes.cache_key("https://example.org/"),
        search.inputs_digest({"a": "b"}),
    )
    before = keys()
    assert FileHashes(tmp_path / "file-hashes.pickle").entries  # read back under the same version

    monkeypatch.setattr(cv, "compute", lambda root=None: "0123456789abcdef")
    cv.reset()
    after = keys()
    assert all(old != new for old, new in zip(before, after, strict=True)), (before, after)
    assert FileHashes(tmp_path / "file-hashes.pickle").entries == {}
    poisoned = markup.MarkdownRenderer({key: "<p>cũ</p>" for key in renderer.cache})
    assert poisoned.render("Chè **ngon**.") == "<p>Chè <strong>ngon</strong>.</p>"
    assert qrcodes.QrCache(tmp_path).folder.name == "0123456789abcdef"


def test_qr_codes_of_other_versions_are_removed(tmp_path, fresh_version):
    old = tmp_path / "qr" / "fedcba9876543210"
    old.mkdir(parents=True)
    (old / "x.svg").write_text("<svg></svg>")
    (tmp_path / "qr" / "flat-layout.svg").write_text("<svg></svg>")
    cache = qrcodes.QrCache(tmp_path)
    cache.ensure(["https://example.org/a/"])
    assert [p.name for p in (tmp_path / "qr").iterdir()] == [cv.cache_version()]
    assert cache.intact("https://example.org/a/")


# --- bypassing the caches --------------------------------------------------------------------


def test_ignoring_makes_every_checked_cache_and_qr_code_a_miss(monkeypatch, tmp_path, fresh_version):
    path = tmp_path / "entry"
    files.write_checked(path, b"payload")
    cache = qrcodes.QrCache(tmp_path)
    cache.ensure(["https://example.org/"])
    assert files.read_checked(path) == b"payload" and cache.intact("https://example.org/")
    monkeypatch.setenv("CHOPHIEN_IGNORE_CACHE", "1")  # read by the entry points, not by the caches
    assert files.read_checked(path) == b"payload"
    for value in ("1", "true"):
        cv.set_ignore(Settings.from_environ({"CHOPHIEN_IGNORE_CACHE": value}).ignore_cache)
        assert files.read_checked(path) is None
        assert not qrcodes.QrCache(tmp_path).intact("https://example.org/")
    cv.set_ignore(Settings.from_environ({"CHOPHIEN_IGNORE_CACHE": "0"}).ignore_cache)
    assert files.read_checked(path) == b"payload"
    cv.set_ignore(True)
    fresh = qrcodes.QrCache(tmp_path)
    assert files.read_checked(path) is None and not fresh.intact("https://example.org/")
    fresh.ensure(["https://example.org/"])
    assert fresh.intact("https://example.org/"), "made once in this build, then used"


def test_validate_ignore_cache_flag_and_cache_version_command(monkeypatch, tmp_path, capsys, fresh_version):
    content = write_tree(tmp_path, minimal_tree())
    seen = []
    real = cli.prepare
    monkeypatch.setattr(cli, "prepare", lambda *a, **k: (seen.append(cv.ignoring()), real(*a, **k))[1])
    monkeypatch.delenv("CHOPHIEN_IGNORE_CACHE", raising=False)
    cache = str(tmp_path / ".cache")
    assert cli.main(["validate", str(content), "--cache-dir", cache, "--no-images"]) == 0
    assert cli.main(["validate", str(content), "--cache-dir", cache, "--no-images", "--ignore-cache"]) == 0
    monkeypatch.setenv("CHOPHIEN_IGNORE_CACHE", "yes")
    assert cli.main(["validate", str(content), "--cache-dir", cache, "--no-images"]) == 0
    assert seen == [False, True, True]
    capsys.readouterr()
    assert cli.main(["cache-version"]) == 0
    assert capsys.readouterr().out.strip() == cv.cache_version() == cv.compute()


# --- real builds: warm after a change == cold ------------------------------------------------

# Code that changes what the build makes at three depths: Markdown (nh3: parse and Markdown
# caches), QR codes (their cache and the output's state) and each rendered page (page state).
POISON = """\
def apply():
    import jinja2
    import nh3

    from chophien.site import qrcodes

    clean, make, render = nh3.clean, qrcodes.qr_svg, jinja2.Template.render
    nh3.clean = lambda *a, **k: clean(*a, **k) + "<!--MARK-->"
    qrcodes.qr_svg = lambda url: make(url).replace(b"</svg>", b"<!--MARK--></svg>")
    jinja2.Template.render = lambda self, *a, **k: render(self, *a, **k) + "<!--MARK-->"
"""


def pelican(cwd: Path, content: Path, out: Path, cache: Path, *extra: str, env: dict | None = None):
    environment = dict(os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(cache))
    environment.pop("CHOPHIEN_IGNORE_CACHE", None)
    environment.update(env or {})
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-o",
        str(out),
        "-s",
        str(ROOT / "pelicanconf.py"),
    ]
    result = subprocess.run(
        [*command, *extra], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One content tree (feed dates come from its files) and its cold build with the current code."""
    root = tmp_path_factory.mktemp("cache-version")
    content = write_tree(root, minimal_tree())
    cold = root / "cold"
    pelican(ROOT, content, cold, root / "cold-cache")
    return content, snapshot(cold)


def test_a_warm_build_after_a_change_in_a_new_sub_package_equals_a_cold_build(site, tmp_path):
    """Old code and new code differ only in chophien/extra/flavour.py, a sub-package of its own."""
    content, cold = site
    for name, body in (("old", POISON.replace("MARK", "old code")), ("new", "def apply():\n    pass\n")):
        package = copy_package(tmp_path / name)
        (package / "extra").mkdir()
        (package / "extra" / "__init__.py").write_text("")
        (package / "extra" / "flavour.py").write_text(body)
        with (package / "pelican_plugin.py").open("a") as plugin:
            plugin.write("\nfrom .extra.flavour import apply as _flavour\n\n_flavour()\n")
    cache, out = tmp_path / ".cache", tmp_path / "output"
    pelican(tmp_path / "old", content, out, cache)
    stale = snapshot(out)
    assert b"<!--old code-->" in stale[PRODUCT_PAGE] and b"<!--old code-->" in stale[QR_CODE]
    pelican(tmp_path / "new", content, out, cache)  # warm: same output folder, same cache
    assert snapshot(out) == cold


def test_a_warm_build_after_a_library_upgrade_equals_a_cold_build(site, tmp_path):
    """The 'old' libraries: nh3, segno and Jinja2 that report another version and behave otherwise."""
    content, cold = site
    old = tmp_path / "old-libraries"
    old.mkdir()
    (old / "sitecustomize.py").write_text(
        POISON.replace("MARK", "old library")
        + textwrap.dedent(
            """
            import importlib.metadata

            _version = importlib.metadata.version
            importlib.metadata.version = (
                lambda name: "0.0.1" if name in ("nh3", "segno", "jinja2") else _version(name)
            )
            apply()
            """
        )
    )
    cache, out = tmp_path / ".cache", tmp_path / "output"
    pelican(ROOT, content, out, cache, env={"PYTHONPATH": str(old)})
    assert b"<!--old library-->" in snapshot(out)[PRODUCT_PAGE]
    pelican(ROOT, content, out, cache)
    assert snapshot(out) == cold


def test_ignore_cache_reads_no_cache(site, tmp_path):
    """A cache poisoned under the current version is used by a plain build, never with --ignore-cache."""
    content, cold = site
    poison = tmp_path / "poison"
    poison.mkdir()
    (poison / "sitecustomize.py").write_text(POISON.replace("MARK", "poisoned") + "\napply()\n")
    cache = tmp_path / ".cache"
    pelican(ROOT, content, tmp_path / "poisoned", cache, env={"PYTHONPATH": str(poison)})
    plain = snapshot(pelican_into(tmp_path / "plain", content, cache))
    assert b"<!--poisoned-->" in plain[PRODUCT_PAGE] and b"<!--poisoned-->" in plain[QR_CODE]
    result = pelican(ROOT, content, tmp_path / "ignored", cache, "--ignore-cache")
    assert snapshot(tmp_path / "ignored") == cold
    assert "--ignore-cache" in result.stderr
    # What the bypassing build made was stored: the next plain build is clean and warm.
    assert snapshot(pelican_into(tmp_path / "after", content, cache)) == cold


def pelican_into(out: Path, content: Path, cache: Path) -> Path:
    pelican(ROOT, content, out, cache)
    return out
