"""The summary table and the outside tools' output read into findings (chophien/quality/reports.py)."""

from __future__ import annotations

import json

from chophien.quality.reports import (
    Gate,
    axe_failures,
    lighthouse_scores,
    lighthouse_table,
    summary_table,
    vnu_messages,
)


def test_vnu_messages(tmp_path):
    report = {
        "messages": [
            {
                "type": "error",
                "url": f"file:{tmp_path.resolve()}/a/index.html",
                "lastLine": 3,
                "firstColumn": 5,
                "message": "Bad value.",
            },
            {"type": "info", "subType": "warning", "url": "file:/x", "message": "just a warning"},
            {"type": "non-document-error", "url": "file:/y.html", "message": "IO error"},
        ]
    }
    assert vnu_messages(json.dumps(report), tmp_path) == [
        "a/index.html:3:5: Bad value.",
        "/y.html:?:?: IO error",
    ]
    assert vnu_messages("") == []


def test_axe_failures_keep_only_serious_and_critical():
    results = {
        "violations": [
            {"id": "region", "impact": "moderate", "help": "landmarks", "nodes": [{"target": [".sample"]}]},
            {
                "id": "color-contrast",
                "impact": "serious",
                "help": "contrast",
                "nodes": [{"target": [".btn small"]}, {"target": ["#a"]}],
            },
            {"id": "image-alt", "impact": "critical", "help": "alt", "nodes": [{"target": ["img"]}]},
        ]
    }
    assert axe_failures(results) == [
        "color-contrast (serious): contrast — 2 element(s): .btn small, #a",
        "image-alt (critical): alt — 1 element(s): img",
    ]


def test_lighthouse_scores_and_table():
    report = {
        "categories": {
            "performance": {"score": 0.98},
            "accessibility": {"score": 1},
            "best-practices": {"score": 0.96},
            "seo": {"score": None},
        },
        "audits": {
            "largest-contentful-paint": {"displayValue": "1.2\u00a0s"},
            "total-byte-weight": {"numericValue": 35840, "displayValue": "Total size was 35\u00a0KiB"},
        },
    }
    assert lighthouse_scores(report) == {
        "performance": 0.98,
        "accessibility": 1,
        "best-practices": 0.96,
        "seo": None,
    }
    table = lighthouse_table({"product": ("san-pham/a/b/index.html", report)})
    assert "| product | /san-pham/a/b/ | 98 | 100 | 96 | – |  | 1.2 s |  |  | 35.0 KB |" in table


def test_summary_table():
    gates = [
        Gate("links", True, "0 broken"),
        Gate("html", False, "2 errors"),
        Gate("x", None, ""),
    ]
    lines = summary_table(gates).splitlines()
    assert lines[0].split("|")[1:4] == [" gate  ", " result  ", " figure   "]
    assert [line.split("|")[2].strip() for line in lines[2:]] == ["pass", "FAIL", "skipped"]
