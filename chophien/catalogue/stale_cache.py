"""Keeps catalogue.stale's git blame dates per file and last commit, so a run blames only what changed since.

What stale_translations learns from one `git blame` of a committed file — for each translated
field, the time of the newest Vietnamese line and of the newest English line — depends only on
the file's bytes and on the history behind the last commit that touched it, which never changes.
So it is kept in `<cache folder>/stale-translations.json`, per file, under that key: (the last
commit that touched the file, the file's blob). A later run with the same key for a file reads
the times from here instead of running `git blame`; a new commit to the file gives a new key
and one new blame. A file with uncommitted changes is never kept (its lines count as "now").

The file is framed and checked (core/files.write_checked) and keyed by the one cache version
(core/cache_version): another version of the code, a damaged or hand-edited file is a miss
(at most one warning line), never a crash, never a wrong warning. It is written atomically,
only when something changed; a write that fails (a read-only or full disk) costs one warning
line and the next run's blames, nothing else.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from chophien.core.cache_version import cache_version
from chophien.core.files import read_checked, report_damaged, write_checked
from chophien.core.problems import log_line

FILE_NAME = "stale-translations.json"
FORMAT = "chophien-stale-translations"
# datetime.fromtimestamp's range (years 1 to 9999): a cached time outside it is damage.
EARLIEST, LATEST = -62135596800, 253402300799
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")  # SHA-1 or SHA-256 object names

Key = tuple[str, str]  # (last commit that touched the file, the file's blob)
Times = dict[str, tuple[int | None, int | None]]  # field → (newest Vietnamese line, newest English line)


class BlameCache:
    """The cached times of one cache folder (or of none: *path* None keeps nothing)."""

    def __init__(self, path: Path | None, files: dict | None = None):
        self.path = path
        self.files: dict[str, dict] = files or {}
        self.changed = False

    @classmethod
    def load(cls, folder) -> BlameCache:
        """The cache kept in *folder*; an empty one when there is none, or it is damaged or another version's."""
        path = Path(folder) / FILE_NAME
        payload = read_checked(path)  # damaged: reported once; --ignore-cache: a quiet miss
        if payload is None:
            return cls(path)
        try:
            data = json.loads(payload)
        except ValueError:
            data = None
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or not isinstance(data.get("files"), dict)
        ):
            report_damaged(path, "unknown format")
            return cls(path)
        if data.get("version") != cache_version():
            return cls(path)  # another version of the code: every entry is a miss, silently
        files = {source: entry for source, entry in data["files"].items() if _valid(entry)}
        if len(files) != len(data["files"]):
            report_damaged(path, "unknown format")
            return cls(path)
        return cls(path, files)

    def get(self, source: str, key: Key) -> Times | None:
        entry = self.files.get(source)
        if entry is None or (entry["commit"], entry["blob"]) != key:
            return None
        return {field: (vi, en) for field, (vi, en) in entry["pairs"].items()}

    def put(self, source: str, key: Key, times: Times) -> None:
        if self.path is None:
            return
        self.files[source] = {
            "commit": key[0],
            "blob": key[1],
            "pairs": {f: list(t) for f, t in times.items()},
        }
        self.changed = True

    def save(self, tracked: set[str]) -> None:
        """Write the cache back when it changed, without the files git no longer tracks."""
        if self.path is None:
            return
        gone = [source for source in self.files if source not in tracked]
        for source in gone:
            del self.files[source]
        if not (self.changed or gone):
            return
        data = {"format": FORMAT, "version": cache_version(), "files": dict(sorted(self.files.items()))}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_checked(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
        except OSError as error:
            print(
                log_line(
                    f"không ghi được bộ nhớ đệm {self.path} ({error.strerror or error}): lần sau sẽ so lại · "
                    "could not write the cache: the next run compares again"
                ),
                file=sys.stderr,
            )


def _valid(entry) -> bool:
    if not isinstance(entry, dict) or set(entry) != {"commit", "blob", "pairs"}:
        return False
    if not all(isinstance(entry[k], str) and _SHA.fullmatch(entry[k]) for k in ("commit", "blob")):
        return False
    pairs = entry["pairs"]
    return isinstance(pairs, dict) and all(
        isinstance(field, str) and isinstance(times, list) and len(times) == 2 and all(map(_time, times))
        for field, times in pairs.items()
    )


def _time(value) -> bool:
    return value is None or (type(value) is int and EARLIEST <= value <= LATEST)
