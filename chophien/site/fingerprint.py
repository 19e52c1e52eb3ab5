"""Page fingerprints: a page is re-rendered only when something it shows has changed.

A page's fingerprint hashes its whole context, with each cooperative and product replaced by
the hash of its source file(s), plus a build-wide part (templates, settings, photos, code).
Content hashes, not mtimes: a fresh clone in CI has new mtimes and the same fingerprints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from chophien.catalogue.model import Cooperative, Product
from chophien.core.files import read_checked, report_damaged, signature_of, write_atomic, write_checked

_PLAIN = (str, int, float, bool, dt.date, type(None))
_PLAIN_TYPES = frozenset({str, int, float, bool, dt.date, dt.datetime, type(None)})
# id → (object, text) for frozen records (provinces, categories, order links…: the same objects on
# thousands of pages). Keyed by id() because hashing a record hashes all its fields, and not all
# are hashable; correct because each entry holds its object: while it is in the memo it cannot
# die, so no other object can be given its id (tests/site/test_fingerprint_memo.py). reset() empties
# it at the start of every build, releasing the previous build's objects.
_memo: dict[int, tuple[object, str]] = {}
_fields: dict[type, tuple[tuple[str, ...], bool] | None] = {}  # dataclass → (field names, frozen)


def _dataclass_fields(kind: type) -> tuple[tuple[str, ...], bool] | None:
    if kind not in _fields:
        _fields[kind] = (
            (tuple(f.name for f in dataclasses.fields(kind)), kind.__dataclass_params__.frozen)
            if dataclasses.is_dataclass(kind)
            else None
        )
    return _fields[kind]


def _walk(value, out: list) -> None:
    kind = type(value)  # exact types first: this runs ~50 times per page
    if kind in _PLAIN_TYPES:
        out.append(repr(value))
    elif kind is Product or kind is Cooperative:
        out.append(f"<{value.digest}>")
    elif kind is list or kind is tuple:
        out.append("[")
        for item in value:
            _walk(item, out)
        out.append("]")
    elif kind is dict:
        out.append("{")
        for key in sorted(value, key=repr):
            out.append(repr(key))
            _walk(value[key], out)
        out.append("}")
    elif (described := _dataclass_fields(kind)) is not None:
        names, frozen = described
        memo = _memo.get(id(value)) if frozen else None
        if memo is not None and memo[0] is value:  # always the same object (see _memo)
            out.append(memo[1])
            return
        parts = [kind.__name__ + "("]
        for name in names:
            _walk(getattr(value, name), parts)
        parts.append(")")
        text = "\x1f".join(parts)
        if frozen:
            _memo[id(value)] = (value, text)  # the object too: it keeps its id to itself
        out.append(text)
    elif isinstance(value, _PLAIN):  # subclasses (a str enum, a bool-like int)
        out.append(repr(value))
    elif isinstance(value, (Product, Cooperative)):
        out.append(f"<{value.digest}>")
    elif isinstance(value, (list, tuple)):
        _walk(list(value), out)
    elif isinstance(value, dict):
        _walk(dict(value), out)
    else:
        out.append(repr(value))


def reset() -> None:
    """Forget memoised records (between builds of a long-running devserver)."""
    _memo.clear()
    _fields.clear()


def fingerprint(context: dict, build_digest: str) -> str:
    parts: list = [build_digest]
    _walk(context, parts)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


def files_digest(paths) -> str:
    """Hash of the bytes of every file under the given paths (templates, static assets), each
    named relative to its root: the same theme gives the same digest wherever it is checked out
    (the service worker's cache version, site/offline.py, must be equal on every machine)."""
    digest = hashlib.sha256()
    for root in paths:
        root = Path(root)
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in files:
            digest.update((path.relative_to(root).as_posix() if root.is_dir() else path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


class PageState:
    """The fingerprint each output file had when written, and its size and mtime at the end.

    Kept in the cache folder, framed and checked (files.write_checked). A file is skipped as
    unchanged only when its fingerprint is the same *and* it still has the size and mtime it had
    when the last build ended: a page truncated or replaced since then is rendered again, not
    kept because it exists. Compressed siblings (.gz, .br) are recorded the same way.

    A marker file beside the state exists while a build runs: found at the start, it says the
    last build into this output was interrupted (killed, disk full), and `interrupted` is True.
    """

    def __init__(self, path: Path):
        self.path = path
        self.marker = path.with_name(path.name + ".building")
        self.previous: dict[str, str] = {}
        self.signatures: dict[str, list[int]] = {}
        payload = read_checked(path)
        if payload is not None:
            try:  # name → [fingerprint, size, mtime_ns] (no size and mtime: a sibling, or not a file)
                for name, entry in json.loads(payload).items():
                    if not isinstance(entry, list) or not entry:
                        raise TypeError(name)
                    value, *signature = entry
                    if value is not None:
                        self.previous[name] = value
                    if signature:
                        self.signatures[name] = signature
            except (ValueError, TypeError, AttributeError):
                report_damaged(path, "unknown format")
                self.previous, self.signatures = {}, {}
        self.interrupted = payload is None or self.marker.exists()
        self.current: dict[str, str] = {}
        self.checked: dict[str, tuple[int, int] | None] = {}  # name → signature seen (None: written)
        self.siblings: dict[str, tuple[int, int]] = {}

    def begin(self) -> None:
        """Mark this output as being written (until save)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.marker, b"", mode=None)

    def recorded(self, name: str, signature: tuple[int, int] | None) -> bool:
        """Whether the file *name* still has the size and mtime the last build recorded."""
        return signature is not None and self.signatures.get(name) == list(signature)

    def unchanged(self, name: str, value: str, output_file: str | os.PathLike) -> bool:
        self.current[name] = value
        self.checked[name] = None
        if self.previous.get(name) != value:
            return False
        signature = signature_of(output_file)
        if not self.recorded(name, signature):
            return False
        self.checked[name] = signature
        return True

    def sibling(self, name: str, signature: tuple[int, int]) -> None:
        """Record a .gz/.br sibling as it is at the end of this build."""
        self.siblings[name] = signature

    def save(self, output: str | os.PathLike) -> None:
        """Record the state: the size and mtime of every checked file in *output* and of the siblings."""
        entries = {name: [None, *signature] for name, signature in self.siblings.items()}
        for name, value in self.current.items():
            signature = self.checked.get(name, ())
            if signature is None:  # written this build
                signature = signature_of(os.path.join(output, name)) or ()
            entries[name] = [value, *signature]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # dumps, not dump: the C encoder, ~10× faster
        payload = json.dumps(entries, sort_keys=True)
        write_checked(self.path, payload.encode("utf-8"))
        self.marker.unlink(missing_ok=True)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
