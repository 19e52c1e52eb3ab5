"""Gates and reports: the `make audit` summary table, and the outside tools' output (Nu HTML
checker, axe-core, Lighthouse) turned into findings."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from chophien.quality.budgets import kb
from chophien.quality.links import page_url


@dataclass
class Gate:
    """One quality gate: ok is True (pass), False (fail) or None (skipped)."""

    name: str
    ok: bool | None
    figure: str
    details: list[str] = field(default_factory=list)

    @property
    def result(self) -> str:
        return {True: "pass", False: "FAIL", None: "skipped"}[self.ok]


def summary_table(gates: Iterable[Gate]) -> str:
    """The table `make audit` prints: gate, result, figure (Markdown, readable as plain text)."""
    gates = list(gates)
    rows = [("gate", "result", "figure")] + [(g.name, g.result, g.figure) for g in gates]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def vnu_messages(report: str, site: Path | None = None) -> list[str]:
    """'page:line:col: message' for every error in the Nu checker's JSON (--format json)."""
    data = json.loads(report) if report.strip() else {"messages": []}
    out = []
    for message in data.get("messages", []):
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = unquote(url.removeprefix("file:"))
        if site is not None:
            root = str(site.resolve())
            path = path.removeprefix(root).lstrip("/") if path.startswith(root) else path
        where = f"{path}:{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"
        out.append(f"{where}: {message.get('message', '').strip()}")
    return out


SEVERE = ("serious", "critical")


def axe_failures(results: dict) -> list[str]:
    """Serious and critical violations in one axe-core result: 'rule (impact): help — n nodes: targets'."""
    out = []
    for violation in results.get("violations", []):
        if violation.get("impact") not in SEVERE:
            continue
        nodes = violation.get("nodes", [])
        targets = ", ".join(" ".join(map(str, n.get("target", []))) for n in nodes[:3])
        out.append(
            f"{violation['id']} ({violation['impact']}): {violation.get('help', '')} — "
            f"{len(nodes)} element(s): {targets}"
        )
    return out


LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "total-byte-weight": "bytes",
}


def lighthouse_scores(report: dict) -> dict[str, float | None]:
    categories = report.get("categories", {})
    return {name: (categories.get(name) or {}).get("score") for name in LIGHTHOUSE_CATEGORIES}


def lighthouse_metrics(report: dict) -> dict[str, str]:
    audits = report.get("audits", {})
    out = {}
    for key, short in LIGHTHOUSE_METRICS.items():
        entry = audits.get(key) or {}
        if key == "total-byte-weight" and entry.get("numericValue") is not None:
            out[short] = kb(int(entry["numericValue"]))
        else:
            out[short] = str(entry.get("displayValue", "")).replace("\u00a0", " ")
    return out


def lighthouse_table(rows: dict[str, tuple[str, dict]]) -> str:
    """rows: page type → (page, Lighthouse JSON report). Scores 0–100, as Lighthouse shows them."""
    head = ["type", "page", *LIGHTHOUSE_CATEGORIES, *LIGHTHOUSE_METRICS.values()]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind, (page, report) in rows.items():
        scores = lighthouse_scores(report)
        metrics = lighthouse_metrics(report)
        cells = [kind, page_url(page)]
        cells += ["–" if scores[c] is None else str(round(scores[c] * 100)) for c in LIGHTHOUSE_CATEGORIES]
        cells += [metrics[m] for m in LIGHTHOUSE_METRICS.values()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
