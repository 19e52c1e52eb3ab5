"""Content trees with a real git history for the maintenance tests: commits at chosen dates."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

TODAY = dt.date(2026, 12, 2)


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    if when is not None:  # "2025-01-15": that day at noon UTC
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{when}T12:00:00+0000"
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def commit(content: Path, when: str, message: str = "edit") -> str:
    """Commit everything under *content*'s parent on *when*; the new commit's hash."""
    repo = content.parent
    if not (repo / ".git").exists():
        git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, start: str, after: str = "") -> int:
    """1-based number of the first line of *path* starting with *start* (after a line starting with *after*)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    begin = next(i for i, line in enumerate(lines) if line.startswith(after)) if after else 0
    return next(i for i in range(begin, len(lines)) if lines[i].startswith(start)) + 1
