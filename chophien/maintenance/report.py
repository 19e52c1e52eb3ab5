"""The maintenance report: findings grouped by cooperative, most urgent first, as JSON or Markdown (vi/en).

The JSON follows the contract in docs/maintenance.md (format "chophien-report", version 1): content
text stays raw (its consumers escape it), invisible and control characters as \\u escapes, and the
same tree on the same day gives the same bytes. The Markdown is for people (a terminal, a file, a
GitHub issue): every text from the content is escaped as core/problems escapes a CI summary, and a
word GitHub would link (`@name`, `#12`) is a code span, so a name can forge no mention, reference,
link, HTML or CI-log command.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from chophien.core.problems import markdown_code, markdown_text
from chophien.core.text import collation_key, printable, unsafe_characters
from chophien.maintenance.findings import SEVERITIES, Finding, Scan, cooperative_of
from chophien.site.i18n import date_en

FORMAT, VERSION = "chophien-report", 1

_WORDS = {
    "vi": {
        "title": "Báo cáo bảo trì nội dung",
        "high": "cần làm ngay",
        "medium": "sắp tới",
        "low": "nên xem",
        "example": "Ví dụ",
        "other": "Ngoài hợp tác xã",
        "where": "Ở đâu",
        "what": "Vấn đề",
        "do": "Cần làm",
        "level": "Mức",
        "nothing": "Không có việc gì cần làm.",
        "links_off": "Chưa kiểm tra liên kết (chạy `chophien report --check-links`, cần mạng).",
        "links_on": "Đã kiểm tra liên kết tới sàn và trang web.",
    },
    "en": {
        "title": "Content maintenance report",
        "high": "act now",
        "medium": "soon",
        "low": "worth a look",
        "example": "Example",
        "other": "Not tied to a cooperative",
        "where": "Where",
        "what": "Problem",
        "do": "To do",
        "level": "Level",
        "nothing": "Nothing to do.",
        "links_off": "Links not checked (run `chophien report --check-links`, which needs the network).",
        "links_on": "Marketplace and website links checked.",
    },
}


def _action(finding: Finding, lang: str) -> str:
    action = finding.action(lang)
    if finding.example:
        action += f". {_WORDS[lang]['example']}: {finding.example}"
    return action


def _finding_json(finding: Finding, lang: str) -> dict:
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "field": finding.field,
        "message": finding.message(lang),
        "action": _action(finding, lang),
        "url": finding.url,
    }


def _groups(
    result: Scan, content_name: str, lang: str
) -> list[tuple[str | None, str, str | None, list[Finding]]]:
    """(slug, name, path, findings) per cooperative (None: the rest), most urgent group first."""
    by_slug: dict[str | None, list[Finding]] = {}
    for finding in result.findings:
        by_slug.setdefault(cooperative_of(finding.path), []).append(finding)
    groups = []
    for slug, findings in by_slug.items():
        coop = result.catalogue.cooperatives.get(slug) if slug else None
        name = ((lang == "en" and coop.name_en) or coop.name) if coop else (slug or "")
        path = coop.source if coop else (f"{content_name}/cooperatives/{slug}.md" if slug else None)
        groups.append((slug, name, path, sorted(findings, key=Finding.sort_key)))
    groups.sort(
        key=lambda g: (
            min(SEVERITIES.index(f.severity) for f in g[3]),
            g[0] is None,
            collation_key(g[1]),
            g[0] or "",
        )
    )
    return groups


def build(result: Scan, today: dt.date, lang: str, content_label: str) -> dict:
    """The report as data, in the JSON contract's shape."""
    content_name = content_label.rstrip("/").split("/")[-1] or content_label
    groups = _groups(result, content_name, lang)
    counts = {s: sum(f.severity == s for f in result.findings) for s in SEVERITIES}
    return {
        "format": FORMAT,
        "version": VERSION,
        "date": today.isoformat(),
        "lang": lang,
        "content": content_label,
        "links_checked": result.links_checked,
        "summary": {
            **counts,
            "total": len(result.findings),
            "cooperatives": sum(1 for g in groups if g[0] is not None),
            "files": len({f.path for f in result.findings}),
        },
        "groups": [
            {
                "cooperative": slug,
                "name": name,
                "path": path,
                "findings": [_finding_json(f, lang) for f in findings],
            }
            for slug, name, path, findings in groups
        ],
    }


def _json_escape(ch: str) -> str:
    return json.dumps(ch)[1:-1]  # ensure_ascii: \\u escapes, a surrogate pair for astral characters


def render_json(report: dict) -> str:
    """The report as JSON, valid and safe to print in a CI log (as core/problems.render_json)."""
    text = json.dumps(report, ensure_ascii=False, indent=2)
    chars = list(text)
    for index, ch in unsafe_characters(text):
        chars[index] = _json_escape(ch)
    return "".join(chars).replace("##[", "#\\u0023[") + "\n"


# What GitHub links in plain text whatever escapes surround it: @mentions, #12, owner/repo#12, GH-12,
# commit hashes. A word holding one is shown as code, where GitHub links nothing.
_REFERENCE = re.compile(r"[@#]|(?i:gh-[0-9])|\b[0-9a-f]{7,40}\b")


def _text(text: str) -> str:
    """Content-bearing text for Markdown: escaped, and every word GitHub would link a code span."""
    pieces = re.split(r"( +)", printable(text))
    return "".join(
        markdown_code(piece) if _REFERENCE.search(piece) else markdown_text(piece) if piece.strip() else piece
        for piece in pieces
    )


def _summary_line(report: dict, lang: str) -> str:
    words, summary = _WORDS[lang], report["summary"]
    counts = ", ".join(f"**{summary[s]}** {words[s]}" for s in SEVERITIES)
    where = markdown_code(report["content"])
    if lang == "en":
        coops, files = summary["cooperatives"], summary["files"]
        return (
            f"{where}: {counts}; {coops} cooperative{'s' if coops != 1 else ''}, "
            f"{files} file{'s' if files != 1 else ''}."
        )
    return f"{where}: {counts}; {summary['cooperatives']} hợp tác xã, {summary['files']} tệp."


def render_markdown(report: dict) -> str:
    """The report for people: a summary, then one table per cooperative, most urgent first."""
    lang = report["lang"]
    words = _WORDS[lang]
    day = dt.date.fromisoformat(report["date"])
    said = date_en(day) if lang == "en" else f"{day:%d/%m/%Y}"  # "December 2, 2026": no dd/mm or mm/dd doubt
    lines = [f"# {words['title']}: {said}", "", _summary_line(report, lang)]
    lines += ["", words["links_on"] if report["links_checked"] else words["links_off"]]
    if not report["groups"]:
        lines += ["", words["nothing"]]
    for group in report["groups"]:
        title = _text(group["name"]) if group["cooperative"] else words["other"]
        if group["path"]:
            title += f" ({markdown_code(group['path'])})"
        lines += ["", f"## {title}", ""]
        lines.append(f"| {words['level']} | {words['where']} | {words['what']} | {words['do']} |")
        lines.append("|---|---|---|---|")
        for f in group["findings"]:
            where = markdown_code(f"{f['path']}:{f['line']}" if f["line"] else f["path"])
            if f["field"]:
                where += " " + markdown_code(f["field"])
            lines.append(
                f"| {words[f['severity']]} | {where} | {_text(f['message'])} | {_text(f['action'])} |"
            )
    # GitHub's older workflow-command syntax starts anywhere in a line, a code span included.
    return "\n".join(lines).replace("##[", "#\\x23[") + "\n"


def worst(report: dict) -> str | None:
    """The most urgent severity in the report, or None when it is empty."""
    return next((s for s in SEVERITIES if report["summary"][s]), None)
