"""Page-weight budgets of DESIGN §5, measured on a built site (gzip bytes, as a host serves them)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

HTML_BUDGET = 14 * 1024
ASSESSMENT_HTML_BUDGET = 30 * 1024  # /danh-gia/ pages carry charts and tables (DESIGN §5)
CSS_BUDGET = 8 * 1024
JS_BUDGET = 6 * 1024
# /admin/ is the editors' CMS (docs/cms.md), not a page buyers load: outside the budgets.
# The Pagefind bundle loads only when the search box is used: its budget is the first-search
# total (DESIGN §5), measured in a browser by tests/site/test_search_browser.py (docs/search.md).
EXCLUDED = ("admin/", "tim-kiem/pagefind/")


@dataclass(frozen=True)
class Measure:
    path: str
    kind: str
    raw: int
    gzipped: int
    budget: int

    @property
    def over(self) -> bool:
        return self.gzipped > self.budget


def gzip_size(data: bytes) -> int:
    # mtime=0 keeps the measure deterministic; level 9 is what precompression uses.
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def page_kind(rel: str) -> str:
    rel = rel.removeprefix("en/")  # English pages (/en/...) have the same types
    top = rel.split("/", 1)[0]
    if rel == "index.html":
        return "home"
    if rel.count("/") == 1 and top in ("danh-muc", "tinh", "dan-toc"):
        return "directory"  # the lists of categories, provinces, ethnic groups (no product cards)
    if top in ("hop-tac-xa", "san-pham") and rel.endswith("/in/index.html"):
        return "page"  # a printable sheet with QR codes (/hop-tac-xa/<coop>/in/)
    return {
        "san-pham": "product" if rel.count("/") == 3 and "/page/" not in rel else "listing",
        "hop-tac-xa": "cooperative" if rel.count("/") == 2 else "directory",
        "danh-muc": "listing",
        "tinh": "listing",
        "dan-toc": "listing",
        "ocop": "listing",
        "danh-gia": "assessment",
    }.get(top, "page")


def measure_site(output: Path) -> list[Measure]:
    measures = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(output).as_posix()
        if rel.startswith(EXCLUDED):
            continue
        data = path.read_bytes()
        if path.suffix == ".html":
            kind = page_kind(rel)
            budget = ASSESSMENT_HTML_BUDGET if kind == "assessment" else HTML_BUDGET
        elif path.suffix == ".css":
            kind, budget = "css", CSS_BUDGET
        elif path.suffix == ".js":
            kind, budget = "js", JS_BUDGET
        else:
            continue
        measures.append(Measure(rel, kind, len(data), gzip_size(data), budget))
    return measures


def css_total(measures: list[Measure]) -> int:
    return sum(m.gzipped for m in measures if m.kind == "css")


def report(measures: list[Measure]) -> str:
    """A Markdown table: per page type, count, largest and median gzip size, budget."""
    lines = [
        "| type | files | median gzip | largest gzip | largest file | budget |",
        "|---|---:|---:|---:|---|---:|",
    ]
    kinds = sorted({m.kind for m in measures})
    for kind in kinds:
        group = sorted((m for m in measures if m.kind == kind), key=lambda m: m.gzipped)
        largest = group[-1]
        median = group[len(group) // 2]
        lines.append(
            f"| {kind} | {len(group)} | {median.gzipped / 1024:.1f} KB | {largest.gzipped / 1024:.1f} KB | "
            f"{largest.path} | {largest.budget // 1024} KB |"
        )
    return "\n".join(lines)
