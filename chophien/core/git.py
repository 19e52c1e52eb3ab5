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
