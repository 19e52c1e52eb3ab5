"""What a pull request changes in the published assessment figures: the open data of two builds compared.

    python scripts/assessment_diff.py BASE_OUTPUT HEAD_OUTPUT [--limit 40]

Reads every survey's open data (danh-gia/<survey>/du-lieu.csv, chophien.assessment.open_data: one
row per published figure, an empty value with status `suppressed` where the pages say "ẩn") in
both built sites and prints Markdown for the pull request's Summary page: per survey the number
of respondents before → after, and the figures whose value or status changed (at most --limit
per survey). Only published figures are compared, so this shows nothing the pages do not.
Exit 0, also when nothing changed; 2 when a folder is not a built site.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

KEY = ("table", "dimension", "group", "measure")
HIDDEN = "ẩn"


def figures(output: Path) -> dict[str, dict[tuple, dict]]:
    """survey slug → (table, dimension, group, measure) → row, from a built site's open data."""
    surveys = {}
    for path in sorted((output / "danh-gia").glob("*/du-lieu.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            surveys[path.parent.name] = {tuple(row[k] for k in KEY): row for row in csv.DictReader(handle)}
    return surveys


def shown(row: dict | None) -> str:
    if row is None:
        return "—"
    return HIDDEN if row.get("status") == "suppressed" else row.get("value", "")


def respondents(rows: dict[tuple, dict]) -> str:
    return shown(rows.get(("respondents", "all", "all", "n")))


def cell(text: str) -> str:
    """Text safe in a Markdown table cell and in a CI log: no pipe, line break, HTML or `##[` command."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("<", "&lt;")
        .replace("\r", " ")
        .replace("\n", " ")
        .replace("##[", "#&#35;[")
    )


def changes(base: dict[tuple, dict], head: dict[tuple, dict]) -> list[tuple[tuple, dict | None, dict | None]]:
    return [
        (key, base.get(key), head.get(key))
        for key in sorted(set(base) | set(head))
        if shown(base.get(key)) != shown(head.get(key))
    ]


def report(base_output: Path, head_output: Path, limit: int = 40) -> str:
    base, head = figures(base_output), figures(head_output)
    lines = ["### Số liệu đánh giá thay đổi (Changed assessment figures)", ""]
    slugs = sorted(set(base) | set(head))
    changed = [s for s in slugs if changes(base.get(s, {}), head.get(s, {}))]
    if not changed:
        lines.append("Không số liệu công bố nào thay đổi. (No published figure changes.)")
        return "\n".join(lines) + "\n"
    lines += [
        "| Khảo sát | Số đơn vị trả lời: trước → sau | Số liệu thay đổi |",
        "|---|---:|---:|",
    ]
    for slug in changed:
        before, after = base.get(slug, {}), head.get(slug, {})
        lines.append(
            f"| {cell(slug)} | {respondents(before)} → {respondents(after)} | {len(changes(before, after))} |"
        )
    for slug in changed:
        diff = changes(base.get(slug, {}), head.get(slug, {}))
        lines += [
            "",
            f"#### {cell(slug)}",
            "",
            "| Bảng | Nhóm | Số liệu | Trước | Sau |",
            "|---|---|---|---:|---:|",
        ]
        for (table, _dimension, _group, _measure), old, new in diff[:limit]:
            row = new or old
            lines.append(
                f"| {cell(table)} | {cell(row['group_name'])} | {cell(row['measure_name'])} | {cell(shown(old))} | {cell(shown(new))} |"
            )
        if len(diff) > limit:
            lines.append(f"| … | và {len(diff) - limit} số liệu khác | | | |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("base", type=Path)
    parser.add_argument("head", type=Path)
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    for folder in (args.base, args.head):
        if not (folder / "index.html").is_file():
            print(f"{folder}: không phải một trang đã dựng (not a built site)", file=sys.stderr)
            return 2
    sys.stdout.write(report(args.base, args.head, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
