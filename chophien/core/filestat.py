"""Content hashes of files, re-read only when a file's stat signature changed (git's index trick).

A rebuild after one edit must not read and hash 10,000 product files and 1,500 photos again.
The signature is (size, mtime, ctime, inode): an edit, a checkout or a copy changes at least one
of them, and ctime cannot be set back by tools that restore mtimes. A file whose mtime is within
RACY_SECONDS of when it was hashed could still change within the clock's granularity without
changing its signature ("racily clean" in git): it is not remembered and is hashed again next time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

from chophien.core.cache_version import cache_version
from chophien.core.files import read_checked, report_damaged, write_checked

RACY_SECONDS = 2.0
VERSION = 2  # 2: framed by files.write_checked; the one cache version is stored beside it


class FileHashes:
    def __init__(self, path: Path | None = None):
        self.path = path
        self.entries: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        if path is not None:
            payload = read_checked(path)  # length and hash checked: a damaged file is never unpickled
            try:
                version, entries = pickle.loads(payload) if payload is not None else (None, {})
                if version == (VERSION, cache_version()) and isinstance(entries, dict):
                    self.entries = entries
            except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
                report_damaged(path, "unknown format")
        self.used: dict[str, tuple[tuple[int, int, int, int], str]] = {}
        self.now = time.time()

    def sha256(self, path: Path, data: bytes | None = None) -> str:
        """SHA-256 (hex) of the file's bytes; *data*, when the caller already read them."""
        key = os.fsdecode(path)
        stat = os.stat(key)
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        entry = self.entries.get(key)
        if entry is not None and entry[0] == signature:
            self.used[key] = entry
            return entry[1]
        if data is None:
            data = Path(key).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if (
            self.now - max(stat.st_mtime_ns, stat.st_ctime_ns) / 1e9 > RACY_SECONDS
            and len(data) == stat.st_size
        ):
            self.used[key] = (signature, digest)
        return digest

    def save(self) -> None:
        if self.path is None or self.used == self.entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_checked(
            self.path, pickle.dumps(((VERSION, cache_version()), self.used), protocol=pickle.HIGHEST_PROTOCOL)
        )
