"""Turn the photos a branch added as ordinary git files into Git LFS pointers, in one new commit.

A volunteer on a phone adds a photo on GitHub's web page or in the /admin/ forms (Decap CMS):
neither speaks Git LFS, so the photo arrives as an ordinary git file although `.gitattributes`
puts it in LFS (docs/scale.md §3). The pull-request workflow (.github/workflows/lfs.yml) runs

    python3 scripts/lfs_convert.py BASE      # BASE: the pull request's base commit

on the branch: every photo changed since BASE whose path `.gitattributes` puts in LFS and whose
committed bytes are not a pointer is converted by `git lfs migrate import --no-rewrite` (history
is not rewritten: one commit on top), the paths are printed one a line, and the workflow pushes
the branch (git-lfs's pre-push hook uploads the photos). Squash-merging the pull request then
keeps the full photo out of main's history. `--check` converts nothing and exits 1 when some
photo would be converted (pull requests from forks, which the workflow cannot push to).
Standard library only: the workflow runs it before anything is installed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

LFS_VERSION_LINE = b"version https://git-lfs.github.com/spec/v1"  # chophien.photos.formats
MESSAGE = "Chuyển ảnh gốc sang Git LFS (scripts/lfs_convert.py)"


def git(*args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", *args], input=data, capture_output=True, check=True).stdout


def changed_paths(base: str) -> list[str]:
    """Files added or modified on this branch since its merge base with *base*."""
    out = git("diff", "--name-only", "--no-renames", "--diff-filter=AM", "-z", f"{base}...HEAD")
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def in_lfs(paths: list[str]) -> set[str]:
    """The paths whose `filter` attribute is `lfs` (as the committed .gitattributes say)."""
    if not paths:
        return set()
    data = b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths) + b"\0"
    out = git("check-attr", "--cached", "-z", "--stdin", "filter", data=data).split(b"\0")
    return {
        out[i].decode("utf-8", "surrogateescape")
        for i in range(0, len(out) - 2, 3)
        if out[i + 1] == b"filter" and out[i + 2] == b"lfs"
    }


def is_pointer(path: str) -> bool:
    blob = git("cat-file", "blob", f"HEAD:{path}")
    return blob.startswith(LFS_VERSION_LINE) and len(blob) < 1024


def to_convert(base: str) -> list[str]:
    changed = changed_paths(base)
    tracked = in_lfs(changed)
    return [path for path in changed if path in tracked and not is_pointer(path)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the pull request's base commit (or branch)")
    parser.add_argument("--check", action="store_true", help="convert nothing; exit 1 if something would be")
    args = parser.parse_args(argv)
    try:
        paths = to_convert(args.base)
        if paths and not args.check:
            git("lfs", "migrate", "import", "--no-rewrite", "--yes", "--message", MESSAGE, "--", *paths)
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode("utf-8", "replace").strip().splitlines()
        print(
            f"lfs_convert: {' '.join(error.cmd[:4])} failed: {detail[-1] if detail else error.returncode}",
            file=sys.stderr,
        )
        return 2
    for path in paths:
        print(path)
    return 1 if paths and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
