"""Page-weight budgets of DESIGN §5 on a built site: which file has which budget, and its weight.

Two measures share one classification (`classify`) and one budget table (`budget_of`):
- `measure_budgets` (`make audit`): the bytes a host sends (the `.br`, else `.gz` sibling when
  the build wrote one, else gzip in memory), stylesheets and scripts as the pages load them;
- `measure_site` (the build tests, scripts/budgets.py): every budgeted file gzipped in memory.
Also the limit on any single published file, and the pages the browser checks measure.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from pathlib import Path

from chophien.federation.model import MAX_BYTES
from chophien.quality.links import html_files, is_excluded, parse_page, resolve_link
from chophien.site import i18n

HTML_BUDGET = 14 * 1024
ASSESSMENT_HTML_BUDGET = 30 * 1024  # /danh-gia/ pages carry charts and tables (DESIGN §5)
# The chart pages (type "assessment", 30 KB): /danh-gia/… and the programme's figures, /so-lieu/.
CHART_SECTIONS = ("danh-gia", "so-lieu")
CSS_BUDGET = 8 * 1024
JS_BUDGET = 6 * 1024
KB = 1024
# The self-assessment questionnaire (/danh-gia/tu-danh-gia/, issue 13): its HTML, scripts and
# stylesheets together, as served; it has this one budget instead of the per-page JS budget.
SELF_ASSESSMENT_BUDGET = 40 * KB
SELF_ASSESSMENT = "danh-gia/tu-danh-gia/"
SELF_ASSESSMENT_PAGES = (SELF_ASSESSMENT, i18n.english_path(SELF_ASSESSMENT))  # both editions
# DESIGN §5, first view at 360 px: everything the browser fetches while loading the page.
PRODUCT_FIRST_VIEW_BUDGET = 60 * KB
LISTING_FIRST_VIEW_BUDGET = 120 * KB
# No single published file over this: a 480 px photo is budgeted at 35 KB, a page at 14 KB
# compressed; an accidental original, a stray archive or a runaway data file is caught here.
FILE_SIZE_LIMIT = 300 * KB
PAGE_TYPES = ("home", "product", "cooperative", "listing", "directory", "page", "assessment")
HTML_BUDGETS = {kind: HTML_BUDGET for kind in PAGE_TYPES} | {"assessment": ASSESSMENT_HTML_BUDGET}
# Loaded only when the search box is used, and budgeted as "first search query ≤ 300 KB"
# (DESIGN §5), not as an optional enhancement.
SEARCH_ASSETS = re.compile(r"(^|/)pagefind/")
# The QR library of the self-assessment page's enumerator mode (theme/static/js/qrcode-generator.js,
# npm qrcode-generator vendored byte for byte and hash-pinned in chophien/site/enumerator.py): no page
# links it; enumerator.js loads it only when a response code is shown. Its own budget, as Pagefind's.
ON_DEMAND_JS = re.compile(r"(^|/)theme/js/qrcode-generator(\.[0-9a-f]{10})?\.js$")
ON_DEMAND_JS_BUDGET = 14 * 1024
# Service workers (issue 14: the site's /sw.js; the self-assessment's /danh-gia/tu-danh-gia/sw.js): no
# page links them, the browser fetches each once per visit that checks for a release. Their own budget.
SERVICE_WORKER = re.compile(r"(^|/)sw\.js$")
SERVICE_WORKER_BUDGET = 6 * KB
BUDGETS = HTML_BUDGETS | {
    "css": CSS_BUDGET,
    "js": JS_BUDGET,
    "js-on-demand": ON_DEMAND_JS_BUDGET,
    "service-worker": SERVICE_WORKER_BUDGET,
}


def budget_of(kind: str) -> int:
    """The budget of a file of *kind* (a page type, 'css' or 'js'), in bytes as served."""
    return BUDGETS.get(kind, HTML_BUDGET)


def kb(size: int) -> str:
    return f"{size / KB:.1f} KB"


def gzip_size(data: bytes) -> int:
    # mtime=0 keeps the measure deterministic; level 9 is what precompression uses.
    return len(gzip.compress(data, compresslevel=9, mtime=0))


# An English page's section word → the Vietnamese one: /en/products/… is a product page like /san-pham/….
_VIETNAMESE_SECTION = {english: vietnamese for vietnamese, english in i18n.SECTIONS.items()}


def page_kind(rel: str) -> str:
    if rel.startswith(i18n.EN_ROOT):  # English pages (/en/...) have the same types and budgets
        top, _, rest = rel.removeprefix(i18n.EN_ROOT).partition("/")
        rel = f"{_VIETNAMESE_SECTION.get(top, top)}/{rest}" if rest else top
    top = rel.split("/", 1)[0]
    if rel == "index.html":
        return "home"
    if rel.count("/") == 1 and top in ("danh-muc", "tinh", "dan-toc"):
        return "directory"  # the lists of categories, provinces, ethnic groups (no product cards)
    if top in ("hop-tac-xa", "san-pham") and rel.endswith("/in/index.html"):
        return "page"  # a printable sheet with QR codes (/hop-tac-xa/<coop>/in/)
    kinds = {
        "san-pham": "product" if rel.count("/") == 3 and "/page/" not in rel else "listing",
        "hop-tac-xa": "cooperative" if rel.count("/") == 2 else "directory",
        "danh-muc": "listing",
        "tinh": "listing",
        "dan-toc": "listing",
        "ocop": "listing",
    } | dict.fromkeys(CHART_SECTIONS, "assessment")
    return kinds.get(top, "page")


def classify(rel: str) -> str | None:
    """Budget type of an output file: a page type, 'css', 'js', 'js-on-demand', 'service-worker', or None."""
    if is_excluded(rel):
        return None
    suffix = Path(rel).suffix
    if suffix == ".html":
        return page_kind(rel)
    if SEARCH_ASSETS.search(rel):
        return None
    if ON_DEMAND_JS.search(rel):
        return "js-on-demand"
    if SERVICE_WORKER.search(rel):
        return "service-worker"
    return {".css": "css", ".js": "js", ".mjs": "js"}.get(suffix)


# -------------------------------------------------------------------- quick measure (gzip in memory)


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


def measure_site(output: Path) -> list[Measure]:
    """Every budgeted file of *output*, gzipped in memory (level 9, as precompression does)."""
    measures = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(output).as_posix()
        kind = classify(rel)
        if kind is None:
            continue
        data = path.read_bytes()
        measures.append(Measure(rel, kind, len(data), gzip_size(data), budget_of(kind)))
    return measures


FINGERPRINT = re.compile(r"\.[0-9a-f]{10}(?=\.css$)")


def css_total(measures: list[Measure]) -> int:
    """Every stylesheet once: the theme's copy under its own name and its fingerprinted twin
    (the one pages link) hold the same bytes, so each name counts once, at its larger size."""
    sizes: dict[str, int] = {}
    for m in measures:
        if m.kind == "css":
            name = FINGERPRINT.sub("", m.path)
            sizes[name] = max(sizes.get(name, 0), m.gzipped)
    return sum(sizes.values())


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


# --------------------------------------------------------------------------- as a host serves it


def served_size(path: Path, data: bytes | None = None) -> tuple[int, str]:
    """Bytes a host sends for this file and how: its .br sibling, else .gz, else gzip in memory."""
    for suffix, encoding in ((".br", "br"), (".gz", "gzip")):
        sibling = path.with_name(path.name + suffix)
        if sibling.is_file():
            return sibling.stat().st_size, encoding
    return gzip_size(path.read_bytes() if data is None else data), "gzip (in memory)"


@dataclass(frozen=True)
class Weight:
    path: str
    kind: str
    raw: int
    served: int
    encoding: str
    budget: int

    @property
    def over(self) -> bool:
        return self.served > self.budget


@dataclass
class BudgetReport:
    pages: list[Weight]
    css: list[Weight]  # the stylesheets pages link to (all of them are loaded on every page)
    scripts: list[tuple[str, int, list[str]]]  # (page, JS bytes it loads, scripts not deferred)
    self_assessment: list[PageWeight] = field(default_factory=list)
    workers: list[Weight] = field(default_factory=list)  # sw.js files, as served

    @property
    def css_total(self) -> int:
        return sum(w.served for w in self.css)

    @property
    def js_max(self) -> tuple[str, int]:
        return max(
            ((p, n) for p, n, _ in self.scripts if not p.startswith(SELF_ASSESSMENT_PAGES)),
            key=lambda x: x[1],
            default=("", 0),
        )

    def failures(self) -> list[str]:
        out = [
            f"{w.path}: {w.served} B ({w.encoding}) > {w.budget} B ({w.kind})" for w in self.pages if w.over
        ]
        if self.css_total > CSS_BUDGET:
            out.append(f"CSS total: {self.css_total} B > {CSS_BUDGET} B")
        for page, size, blocking in self.scripts:
            if size > JS_BUDGET and not page.startswith(SELF_ASSESSMENT_PAGES):
                out.append(f"{page}: {size} B of JavaScript > {JS_BUDGET} B")
            out.extend(f"{page}: script not deferred: {src}" for src in blocking)
        out += [
            f"{w.path}: page, scripts and styles {w.total} B > {SELF_ASSESSMENT_BUDGET} B (self-assessment)"
            for w in self.self_assessment
            if w.total > SELF_ASSESSMENT_BUDGET
        ]
        out += [
            f"{w.path}: {w.served} B ({w.encoding}) > {w.budget} B (service worker)"
            for w in self.workers
            if w.over
        ]
        return out

    def by_kind(self) -> dict[str, list[Weight]]:
        groups: dict[str, list[Weight]] = {}
        for w in sorted(self.pages, key=lambda w: (w.served, w.path)):
            groups.setdefault(w.kind, []).append(w)
        return {k: groups[k] for k in PAGE_TYPES if k in groups} | {
            k: v for k, v in groups.items() if k not in PAGE_TYPES
        }

    def table(self) -> str:
        lines = [
            "| type | files | median | largest | largest file | budget | result |",
            "|---|---:|---:|---:|---|---:|---|",
        ]
        for kind, group in self.by_kind().items():
            top, median = group[-1], group[len(group) // 2]
            ok = "pass" if not any(w.over for w in group) else "FAIL"
            lines.append(
                f"| {kind} | {len(group)} | {kb(median.served)} | {kb(top.served)} | {top.path} | "
                f"{kb(top.budget)} | {ok} |"
            )
        css_ok = "pass" if self.css_total <= CSS_BUDGET else "FAIL"
        css_files = ", ".join(w.path for w in self.css) or "none"
        lines.append(
            f"| css, total | {len(self.css)} | | {kb(self.css_total)} | {css_files} | {kb(CSS_BUDGET)} | {css_ok} |"
        )
        page, js = self.js_max
        js_ok = "pass" if js <= JS_BUDGET and not any(b for _, _, b in self.scripts) else "FAIL"
        lines.append(
            f"| js, per page | {len(self.scripts)} | | {kb(js)} | {page or 'none'} | {kb(JS_BUDGET)} | {js_ok} |"
        )
        if self.self_assessment:
            top = max(self.self_assessment, key=lambda w: w.total)
            ok = "pass" if top.total <= SELF_ASSESSMENT_BUDGET else "FAIL"
            lines.append(
                f"| self-assessment: page + js + css | {len(self.self_assessment)} | | {kb(top.total)} | "
                f"{top.path} | {kb(SELF_ASSESSMENT_BUDGET)} | {ok} |"
            )
        if self.workers:
            top = max(self.workers, key=lambda w: w.served)
            ok = "pass" if not any(w.over for w in self.workers) else "FAIL"
            lines.append(
                f"| service workers | {len(self.workers)} | | {kb(top.served)} | {top.path} | "
                f"{kb(SERVICE_WORKER_BUDGET)} | {ok} |"
            )
        encodings = sorted({w.encoding for w in self.pages + self.css})
        lines.append("")
        lines.append(f"Measured as served: {', '.join(encodings) or 'nothing'}.")
        return "\n".join(lines)


def measure_budgets(site: Path, base: str = "/") -> BudgetReport:
    """DESIGN §5 page weights on the bytes a host sends (brotli or gzip), per page type."""
    pages, stylesheets, scripts, self_assessment = [], {}, [], []
    served_cache: dict[str, int] = {}

    def served_of(rel: str) -> int:
        if rel not in served_cache:
            served_cache[rel] = served_size(site / rel)[0]
        return served_cache[rel]

    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        kind = page_kind(rel)
        size, encoding = served_size(path, data)
        pages.append(Weight(rel, kind, len(data), size, encoding, budget_of(kind)))
        parsed = parse_page(data.decode("utf-8", errors="replace"))
        for href in parsed.stylesheets:
            resolved = resolve_link(rel, href, base)
            if resolved and not resolved[0].startswith("\0") and (site / resolved[0]).is_file():
                stylesheets.setdefault(resolved[0], None)
        js, blocking = 0, []
        for src, attrs in parsed.scripts:
            resolved = resolve_link(rel, src, base)
            if not resolved or resolved[0].startswith("\0") or not (site / resolved[0]).is_file():
                continue
            if SEARCH_ASSETS.search(resolved[0]):
                continue
            js += served_of(resolved[0])
            if "defer" not in attrs and "async" not in attrs and attrs.get("type") != "module":
                blocking.append(src)
        if parsed.scripts:
            scripts.append((rel, js, blocking))
        if rel.startswith(SELF_ASSESSMENT_PAGES):
            own_css = sum(served_of(r) for r in _local(rel, parsed.stylesheets, site, base))
            self_assessment.append(PageWeight(rel, size, js, own_css))
    if not stylesheets:  # no page links a stylesheet: budget whatever CSS there is
        stylesheets = {p.relative_to(site).as_posix(): None for p in sorted(site.rglob("*.css"))}
    css = []
    for rel in sorted(stylesheets):
        if is_excluded(rel):
            continue
        data = (site / rel).read_bytes()
        size, encoding = served_size(site / rel, data)
        css.append(Weight(rel, "css", len(data), size, encoding, budget_of("css")))
    workers = []
    for path in sorted(site.rglob("sw.js")):
        rel = path.relative_to(site).as_posix()
        if classify(rel) == "service-worker":
            size, encoding = served_size(path)
            workers.append(
                Weight(rel, "service-worker", path.stat().st_size, size, encoding, SERVICE_WORKER_BUDGET)
            )
    return BudgetReport(pages, css, scripts, self_assessment, workers)


@dataclass(frozen=True)
class PageWeight:
    """A page with everything it loads: HTML, scripts and stylesheets, in bytes as measured."""

    path: str
    html: int
    scripts: int
    css: int

    @property
    def total(self) -> int:
        return self.html + self.scripts + self.css


def _local(rel: str, links, site: Path, base: str) -> list[str]:
    """The site files *links* (src/href values of page *rel*) point at, in order, each once."""
    out = []
    for link in links:
        resolved = resolve_link(rel, link, base)
        if resolved and not resolved[0].startswith("\0") and (site / resolved[0]).is_file():
            if resolved[0] not in out:
                out.append(resolved[0])
    return out


def self_assessment_weights(site: Path, base: str = "/") -> list[PageWeight]:
    """Each self-assessment page with its scripts and stylesheets, gzipped in memory (level 9)."""
    weights = []
    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        if not rel.startswith(SELF_ASSESSMENT_PAGES):
            continue
        data = path.read_bytes()
        parsed = parse_page(data.decode("utf-8", errors="replace"))

        def size(files: list[str]) -> int:
            return sum(gzip_size((site / f).read_bytes()) for f in files)

        scripts = _local(rel, [src for src, _ in parsed.scripts], site, base)
        weights.append(
            PageWeight(rel, gzip_size(data), size(scripts), size(_local(rel, parsed.stylesheets, site, base)))
        )
    return weights


ENGLISH_SUFFIX = " (en)"


def representative_pages(site: Path) -> dict[str, str]:
    """One page of each type and edition for the browser checks: the heaviest one (served bytes);
    English pages under "<type> (en)".

    The 404 pages are 'page's too but are never the representative ones.
    """
    chosen: dict[str, tuple[int, str]] = {}
    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        if rel in ("404.html", f"{i18n.EN_ROOT}404.html"):
            continue
        kind = page_kind(rel) + (ENGLISH_SUFFIX if rel.startswith(i18n.EN_ROOT) else "")
        size = served_size(path)[0]
        if kind not in chosen or (size, rel) > chosen[kind]:
            chosen[kind] = (size, rel)
    order = [kind + suffix for suffix in ("", ENGLISH_SUFFIX) for kind in PAGE_TYPES]
    return {kind: chosen[kind][1] for kind in order if kind in chosen}


def pages_of_kind(site: Path, kind: str, limit: int | None = None) -> list[str]:
    """Site-relative paths of every page of a type; at most `limit`, evenly spread, when given."""
    rels = [p.relative_to(site).as_posix() for p in html_files(site)]
    rels = [r for r in rels if page_kind(r) == kind and r not in ("404.html", f"{i18n.EN_ROOT}404.html")]
    if limit and len(rels) > limit:
        step = len(rels) / limit
        rels = [rels[int(i * step)] for i in range(limit)]
    return rels


# ------------------------------------------------------------------------------------ file size


# The one kind of file allowed over the limit: the editors' CMS bundle (Decap CMS from npm, pinned in
# cms/package-lock.json and sha384-checked when copied, ~5 MB, with the chunks webpack loads beside
# it). Only /admin/ loads it, and buyers never open /admin/ (docs/cms.md). Anything else there counts.
EXEMPT = re.compile(r"admin/(?:\d+\.)?decap-cms\.js(?:\.br|\.gz)?")
EXEMPT_REASON = "admin/decap-cms.js: the editors' CMS bundle, pinned and checked; buyers never load /admin/"


# The member catalogue (danh-muc.json, docs/federation.md) grows with the catalogue (about 1 KB a
# product) and is read by national sites' builds, not by buyers' pages: its limit is what those builds
# accept (federation.model.MAX_BYTES, 32 MB: some 30,000 products; the whole OCOP programme has ~17,000).
MEMBER_CATALOGUE = re.compile(r"danh-muc\.json(?:\.br|\.gz)?")
MEMBER_CATALOGUE_LIMIT = MAX_BYTES


def limit_of(rel: str, limit: int = FILE_SIZE_LIMIT) -> int:
    """The size limit of the published file *rel*: *limit*, or the member catalogue's own."""
    return MEMBER_CATALOGUE_LIMIT if MEMBER_CATALOGUE.fullmatch(rel) else limit


def _published_sizes(site: Path) -> list[tuple[str, int]]:
    return sorted(
        (rel, p.stat().st_size)
        for p in site.rglob("*")
        if p.is_file() and not EXEMPT.fullmatch(rel := p.relative_to(site).as_posix())
    )


def largest_files(site: Path, count: int = 5) -> list[tuple[str, int]]:
    """The largest published files, the CMS bundle (EXEMPT) left out."""
    return sorted(_published_sizes(site), key=lambda x: (-x[1], x[0]))[:count]


def oversized_files(site: Path, limit: int = FILE_SIZE_LIMIT) -> list[tuple[str, int]]:
    """(file, size) of every published file over the limit, the CMS bundle (EXEMPT) left out."""
    return [(rel, size) for rel, size in _published_sizes(site) if size > limit_of(rel, limit)]
