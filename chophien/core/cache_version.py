"""The one cache version: every cache in .cache/ is keyed by it, so no upgrade can serve stale output.

A cached object (a parsed product, rendered Markdown, a photo derivative, a QR code, a page's
fingerprint, the search index's marker) is only as good as the code and the libraries that made
it. The version is a hash of everything of that kind, computed once per process:

- every file of the package, found by walking the package folder recursively (Python modules in
  any sub-package, reference/data/*.yaml, any package data added later): no list to keep up to
  date, so a module moved into a sub-folder still invalidates;
- the package version, the Python implementation and its full version string;
- the installed version of every library the package depends on (its declared requirements and
  theirs, transitively) plus those named in LIBRARIES (whose output is in a cached object).

What is not code is not in it: the theme's templates and the Pelican settings are part of each
page's fingerprint (pelican_plugin._build_digest), content bytes are part of each entry's key.

`set_ignore(True)` (pelican --ignore-cache, `chophien validate --ignore-cache`) or
CHOPHIEN_IGNORE_CACHE=1 makes every cache a miss for this build; what the build makes is stored
as usual, so the next build is warm again.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from importlib import metadata
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # chophien/, walked recursively
DISTRIBUTION = "chophien"
# Libraries whose output ends up in a cached object, named even if a requirement is dropped
# from pyproject.toml (the transitive closure of the declared requirements is added to these).
LIBRARIES = (
    "pelican",
    "PyYAML",
    "Markdown",
    "nh3",
    "Pillow",
    "pillow-heif",
    "Jinja2",
    "MarkupSafe",
    "segno",
    "minify-html",
    "rcssmin",
    "Brotli",
    "pagefind",
    "pagefind-bin",
)
# Extra salt, never needed for a code or library change (those change the version by themselves):
# change it only to discard every cache for a reason outside the package (e.g. a system library).
SALT = "1"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_ignore = False


def source_files(root: Path | None = None) -> list[Path]:
    """Every file of the package under *root*, recursively, sorted; no bytecode, no dotfiles."""
    root = Path(root or PACKAGE_ROOT)
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        for name in names:
            if name.endswith((".pyc", ".pyo")) or name.startswith("."):
                continue
            found.append(Path(folder) / name)
    return sorted(found, key=lambda path: path.relative_to(root).as_posix())


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def library_names() -> list[str]:
    """LIBRARIES plus the package's requirements and theirs (extras excluded), canonical names."""
    seen: set[str] = set()
    todo = [DISTRIBUTION, *LIBRARIES]
    while todo:
        name = _canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requirements:
            if re.search(r"\bextra\s*==", requirement):
                continue  # test and optional tools: their versions change no output
            match = _NAME.match(requirement)
            if match:
                todo.append(match.group())
    seen.discard(DISTRIBUTION)
    return sorted(seen)


def library_versions() -> dict[str, str]:
    versions = {}
    for name in library_names():
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def python_identity() -> str:
    return f"{sys.implementation.name} {sys.version_info[:]} {sys.version}"


def compute(root: Path | None = None) -> str:
    """The version as it is now (not memoised): 16 hex digits."""
    from chophien import __version__

    digest = hashlib.sha256(f"chophien-cache\x1f{SALT}\x1f{__version__}\x1f{python_identity()}".encode())
    for name, version in library_versions().items():
        digest.update(f"\x1e{name}=={version}".encode())
    root = Path(root or PACKAGE_ROOT)
    for path in source_files(root):
        data = path.read_bytes()
        digest.update(f"\x1e{path.relative_to(root).as_posix()}\x1f{len(data)}\x1f".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


@functools.cache
def cache_version() -> str:
    """The version of this process's code and libraries (computed once; `reset` for tests)."""
    return compute()


def reset() -> None:
    cache_version.cache_clear()


def set_ignore(value: bool) -> None:
    """Whether this build reads no cache (set by each entry point from its flag)."""
    global _ignore
    _ignore = bool(value)


def ignoring() -> bool:
    """True when caches must not be read: --ignore-cache, or CHOPHIEN_IGNORE_CACHE=1/true/yes
    (the entry points read both: `Settings.ignore_cache`)."""
    return _ignore
