"""Identical bytes: two builds of the same content compared file by file (Pagefind's reordered
filter files tolerated when they hold the same bytes)."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path


def tree_files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def compare_trees(first: Path, second: Path) -> list[str]:
    """Every difference between two builds: a file only in one, or with different bytes."""
    a, b = tree_files(first), tree_files(second)
    out = [f"only in first build: {rel}" for rel in sorted(a.keys() - b.keys())]
    out += [f"only in second build: {rel}" for rel in sorted(b.keys() - a.keys())]
    for rel in sorted(a.keys() & b.keys()):
        pa, pb = a[rel], b[rel]
        if pa.is_symlink() or pb.is_symlink():
            if not (pa.is_symlink() and pb.is_symlink() and os.readlink(pa) == os.readlink(pb)):
                out.append(f"differs: {rel} (symlink)")
        elif pa.stat().st_size != pb.stat().st_size or pa.read_bytes() != pb.read_bytes():
            out.append(f"differs: {rel}")
    return out


# Pagefind 1.5 writes filter values in hash-map order: two runs on the same pages give the same
# filter index shuffled, under new content-hashed names (and so a new meta file and entry).
PAGEFIND_REORDERED = re.compile(
    r"(^|/)pagefind/(filter/[^/]+\.pf_filter|pagefind\.[^/]+\.pf_meta|pagefind-entry\.json)$"
)


def _filter_contents(root: Path) -> list[bytes]:
    """Every Pagefind filter file's bytes, decompressed and sorted (order-free), sorted."""
    out = []
    for path in root.rglob("*.pf_filter"):
        try:
            out.append(bytes(sorted(gzip.decompress(path.read_bytes()))))
        except (OSError, EOFError):
            out.append(path.read_bytes())
    return sorted(out)


def tolerated_differences(differences: list[str], first: Path, second: Path) -> tuple[list[str], list[str]]:
    """(failures, tolerated): Pagefind's shuffled filter files are tolerated when both builds'
    filter files hold the same bytes in another order; every other difference is a failure."""
    reordered = [d for d in differences if PAGEFIND_REORDERED.search(d.rpartition(": ")[2])]
    if not reordered or _filter_contents(first) != _filter_contents(second):
        return differences, []
    return [d for d in differences if d not in reordered], reordered
