"""Two builds compared (chophien/quality/determinism.py)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from site_files import write

from chophien.quality.determinism import compare_trees, tolerated_differences


def test_compare_trees_reports_every_difference(tmp_path):
    first = write(
        tmp_path / "a", {"same.html": "x", "differs.css": "a{}", "only-a.txt": "1", "d/deep.js": "1"}
    )
    second = write(
        tmp_path / "b", {"same.html": "x", "differs.css": "b{}", "only-b.txt": "1", "d/deep.js": "2"}
    )
    assert compare_trees(first, second) == [
        "only in first build: only-a.txt",
        "only in second build: only-b.txt",
        "differs: d/deep.js",
        "differs: differs.css",
    ]
    assert compare_trees(first, first) == []


def test_pagefind_filter_files_in_another_order_are_tolerated_and_nothing_else(tmp_path):
    def build(name: str, filters: dict[str, bytes], page_text: str) -> Path:
        files = {
            f"tim-kiem/pagefind/filter/{k}.pf_filter": gzip.compress(v, mtime=0) for k, v in filters.items()
        }
        files["tim-kiem/pagefind/pagefind-entry.json"] = json.dumps(sorted(filters))
        files["index.html"] = page_text
        return write(tmp_path / name, files)

    first = build("a", {"vi_1": b"province:lao-cai,ha-giang"}, "x")
    shuffled = build("b", {"vi_2": b"province:ha-giang,lao-cai"}, "x")
    failures, tolerated = tolerated_differences(compare_trees(first, shuffled), first, shuffled)
    assert failures == [] and len(tolerated) == 3
    changed = build("c", {"vi_3": b"province:ha-giang,son-la"}, "x")
    failures, tolerated = tolerated_differences(compare_trees(first, changed), first, changed)
    assert len(failures) == 3 and tolerated == []
    page_differs = build("d", {"vi_2": b"province:ha-giang,lao-cai"}, "y")
    failures, tolerated = tolerated_differences(compare_trees(first, page_differs), first, page_differs)
    assert failures == ["differs: index.html"] and len(tolerated) == 3
