"""Run git read-only in a content folder: its output, or None outside a checkout or without git."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(cwd: Path, *args: str) -> str | None:
    """`git <args>` in *cwd* (paths unquoted): its standard output, or None when git is missing or fails
    (not a checkout, an untracked file): callers then do without history, never stop."""
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except OSError:  # no git on this machine
        return None
    return result.stdout if result.returncode == 0 else None


def log_files(root: Path, prefix: str, *args: str) -> list[tuple[str, int, list[str]]] | None:
    """`git log <args>` as (commit, commit time, the files it touched relative to *prefix*), newest
    first: the one reader of a file history (feeds' dates, price dates, stale translations).
    Files outside *prefix* (`git rev-parse --show-prefix`) are left out; None when git fails."""
    log = git(root, "log", "--format=\x1e%H %ct", "--name-only", "--no-renames", *args)
    if log is None:
        return None
    found = []
    for commit in log.split("\x1e")[1:]:
        sha, stamp, *names = commit.strip("\n").replace(" ", "\n", 1).split("\n")
        found.append((sha, int(stamp), [n[len(prefix) :] for n in names if n and n.startswith(prefix)]))
    return found
