#!/usr/bin/env python3
"""Give a synthetic catalogue (benchmarks/synthetic.py) a realistic two-year git history, for benchmarks.

The folder's parent becomes a git repository: one commit of everything dated --start, then
--commits commits three weeks apart, each editing --per-commit random products (every other one
its price, the others its unit line), with GIT_COMMITTER_DATE/GIT_AUTHOR_DATE set, so the dates
`chophien report` and `chophien validate` read from git are the same on every run.

    python benchmarks/synthetic.py /tmp/bench/content --products 10000
    python benchmarks/history.py /tmp/bench/content [--commits 40] [--per-commit 250] [--start 2024-06-01]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path

UNITS = ["gói 500 g", "hộp 200 g", "kg", "chai 500 ml", "túi 1 kg", "hộp quà", "chiếc", "bộ", "hũ 300 g"]
PRICE = re.compile(r"^price: .*$", re.M)
UNIT = re.compile(r"^unit: .*$", re.M)


def run_git(repo: Path, *args: str, when: dt.datetime | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@chophien.invalid"}
    env.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@chophien.invalid")
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{int(when.timestamp())} +0000"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def edit(path: Path, rng: random.Random, price: bool) -> None:
    text = path.read_text(encoding="utf-8")
    if price:
        value = f"{rng.randrange(10, 2000) * 1000:,}".replace(",", ".")
        text = PRICE.sub(f"price: {value}", text, count=1)
    else:
        text = UNIT.sub(f"unit: {rng.choice(UNITS)}", text, count=1)
    path.write_text(text, encoding="utf-8")


def history(content: Path, commits: int, per_commit: int, start: dt.date, seed: int = 17) -> None:
    repo = content.resolve().parent
    rng = random.Random(seed)
    when = dt.datetime(start.year, start.month, start.day, 9, tzinfo=dt.UTC)
    run_git(repo, "init", "-q")
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-qm", "catalogue", when=when)
    products = sorted((content / "products").glob("*/*.md"))
    for number in range(commits):
        when += dt.timedelta(weeks=3)
        for index, path in enumerate(rng.sample(products, min(per_commit, len(products)))):
            edit(path, rng, price=index % 2 == 0)
        run_git(repo, "commit", "-qam", f"edit {number + 1}", when=when)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("--commits", type=int, default=40)
    parser.add_argument("--per-commit", type=int, default=250)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2024, 6, 1))
    args = parser.parse_args()
    if (args.content.resolve().parent / ".git").exists():
        print(f"{args.content.resolve().parent} is already a git repository", file=sys.stderr)
        return 2
    history(args.content, args.commits, args.per_commit, args.start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
