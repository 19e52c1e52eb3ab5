"""Quality gates on a built site (`make audit`, docs/quality-gates.md): the parts that are plain Python.

Every check here reads a finished output folder and returns findings; nothing imports Pelican or
drives a browser. `scripts/audit.py` builds the site, runs the outside tools (Nu HTML checker,
axe-core and Lighthouse in Chromium) and uses the parsers below to turn their output into gates.

- links: every internal `href`/`src`/`srcset` (and CSS `url()`) resolves to a file, and every
  `#fragment` to an id (the one link checker: tests/site/test_build.py uses it too);
- budgets: DESIGN §5 per page type on the bytes a host sends (the `.br`, else `.gz` sibling
  when the build wrote one, else gzip in memory);
- identical bytes: two builds compared file by file;
- photos: no original from `content/` and no `.heic` published; no EXIF/XMP/GPS/IPTC in any image;
- file size: no single file over a limit;
- a local HTTP server that serves precompressed siblings with `Content-Encoding`, as a host does.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import mimetypes
import os
import re
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from chophien.photos.formats import ACCEPTED_FORMATS, ACCEPTED_SUFFIXES
from chophien.quality.budgets import (
    ASSESSMENT_HTML_BUDGET,
    CSS_BUDGET,
    EXCLUDED,
    HTML_BUDGET,
    JS_BUDGET,
    gzip_size,
    page_kind,
)

KB = 1024
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
# Accepted photo formats, plus image files that must never be published at all.
IMAGE_SUFFIXES = ACCEPTED_SUFFIXES | {".gif", ".tif", ".tiff"}
CAMERA_ONLY_SUFFIXES = {".heic", ".heif"}  # never served to buyers: always re-encoded
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


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


def kb(size: int) -> str:
    return f"{size / KB:.1f} KB"


# ---------------------------------------------------------------------------------------- pages


def is_excluded(rel: str) -> bool:
    """/admin/ is the editors' CMS (docs/cms.md), not a page buyers load."""
    return rel.startswith(EXCLUDED)


def html_files(site: Path) -> list[Path]:
    """Pages buyers load, sorted; /admin/ is left out (checked in tests/volunteer/test_cms.py)."""
    return sorted(p for p in site.rglob("*.html") if not is_excluded(p.relative_to(site).as_posix()))


class PageParser(HTMLParser):
    """Links (tag, attribute, value), ids, stylesheets and scripts of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.stylesheets: list[str] = []
        self.scripts: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.links.append((tag, name, value))
            elif name == "srcset":
                self.links.extend((tag, name, part.strip().split(" ")[0]) for part in value.split(","))
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split() and values.get("href"):
            self.stylesheets.append(values["href"])
        if tag == "script" and values.get("src"):
            self.scripts.append((values["src"], values))


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def page_url(rel: str) -> str:
    """The URL path a host serves a file at: 'a/b/index.html' → '/a/b/'."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel.removesuffix("index.html")
    return "/" + rel


def resolve_link(page_rel: str, link: str, base: str = "/") -> tuple[str, str] | None:
    """(site-relative path, fragment) that an internal link points at; None when external.

    `base` is the path the site is served under ('/' at a domain root, '/repo/' on a project
    site); root-relative links outside it count as broken (they leave the site).
    """
    link = link.strip()
    if not link or link.startswith("//") or SCHEME.match(link):
        return None
    if not base.endswith("/"):
        base += "/"
    absolute = urljoin(base.rstrip("/") + page_url(page_rel), link)
    parts = urlsplit(absolute)
    path = unquote(parts.path)
    if not path.startswith(base):
        return ("\0outside " + base, parts.fragment)
    return (path[len(base) :], parts.fragment)


def target_file(site: Path, rel: str) -> Path | None:
    """The file a host serves for a site-relative URL path (directories serve index.html)."""
    candidate = site / rel if rel else site
    if rel and not rel.endswith("/") and candidate.is_file():
        return candidate
    if (candidate / "index.html").is_file():
        return candidate / "index.html"
    return None


def broken_links(site: Path, base: str = "/") -> list[str]:
    """Every internal link of every page (and CSS file) that points at nothing: 'page → link'."""
    pages = {p: parse_page(p.read_text(encoding="utf-8")) for p in html_files(site)}
    ids: dict[Path, set[str]] = {p: parsed.ids for p, parsed in pages.items()}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = parse_page(path.read_text(encoding="utf-8", errors="replace")).ids
        return ids[path]

    broken = []
    sources: list[tuple[Path, list[str]]] = [
        (p, [v for _t, _a, v in parsed.links]) for p, parsed in pages.items()
    ]
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        sources.append(
            (css, [m.group(2) for m in CSS_URL.finditer(text) if not m.group(2).startswith("data:")])
        )
    for page, links in sources:
        rel = page.relative_to(site).as_posix()
        for link in links:
            resolved = resolve_link(rel, link, base)
            if resolved is None:
                continue
            path, fragment = resolved
            target = None if path.startswith("\0") else target_file(site, path)
            if target is None:
                broken.append(f"{rel} → {link}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                broken.append(f"{rel} → {link} (no id “{unquote(fragment)}”)")
    return broken


# -------------------------------------------------------------------------------------- budgets


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


def classify(rel: str) -> str | None:
    """Budget type of an output file: a page type, 'css', 'js', or None (not budgeted)."""
    if is_excluded(rel):
        return None
    suffix = Path(rel).suffix
    if suffix == ".html":
        return page_kind(rel)
    if SEARCH_ASSETS.search(rel):
        return None
    return {".css": "css", ".js": "js", ".mjs": "js"}.get(suffix)


@dataclass
class BudgetReport:
    pages: list[Weight]
    css: list[Weight]  # the stylesheets pages link to (all of them are loaded on every page)
    scripts: list[tuple[str, int, list[str]]]  # (page, JS bytes it loads, scripts not deferred)

    @property
    def css_total(self) -> int:
        return sum(w.served for w in self.css)

    @property
    def js_max(self) -> tuple[str, int]:
        return max(((p, n) for p, n, _ in self.scripts), key=lambda x: x[1], default=("", 0))

    def failures(self) -> list[str]:
        out = [
            f"{w.path}: {w.served} B ({w.encoding}) > {w.budget} B ({w.kind})" for w in self.pages if w.over
        ]
        if self.css_total > CSS_BUDGET:
            out.append(f"CSS total: {self.css_total} B > {CSS_BUDGET} B")
        for page, size, blocking in self.scripts:
            if size > JS_BUDGET:
                out.append(f"{page}: {size} B of JavaScript > {JS_BUDGET} B")
            out.extend(f"{page}: script not deferred: {src}" for src in blocking)
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
        encodings = sorted({w.encoding for w in self.pages + self.css})
        lines.append("")
        lines.append(f"Measured as served: {', '.join(encodings) or 'nothing'}.")
        return "\n".join(lines)


def measure_budgets(site: Path, base: str = "/") -> BudgetReport:
    """DESIGN §5 page weights on the bytes a host sends (brotli or gzip), per page type."""
    pages, stylesheets, scripts = [], {}, []
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
        pages.append(Weight(rel, kind, len(data), size, encoding, HTML_BUDGETS.get(kind, HTML_BUDGET)))
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
    if not stylesheets:  # no page links a stylesheet: budget whatever CSS there is
        stylesheets = {p.relative_to(site).as_posix(): None for p in sorted(site.rglob("*.css"))}
    css = []
    for rel in sorted(stylesheets):
        if is_excluded(rel):
            continue
        data = (site / rel).read_bytes()
        size, encoding = served_size(site / rel, data)
        css.append(Weight(rel, "css", len(data), size, encoding, CSS_BUDGET))
    return BudgetReport(pages, css, scripts)


def representative_pages(site: Path) -> dict[str, str]:
    """One page of each type for the browser checks: the heaviest one (served bytes).

    The 404 page is a 'page' too but is never the representative one.
    """
    chosen: dict[str, tuple[int, str]] = {}
    for path in html_files(site):
        rel = path.relative_to(site).as_posix()
        if rel == "404.html":
            continue
        kind = page_kind(rel)
        size = served_size(path)[0]
        if kind not in chosen or (size, rel) > chosen[kind]:
            chosen[kind] = (size, rel)
    return {kind: chosen[kind][1] for kind in PAGE_TYPES if kind in chosen}


def pages_of_kind(site: Path, kind: str, limit: int | None = None) -> list[str]:
    """Site-relative paths of every page of a type; at most `limit`, evenly spread, when given."""
    rels = [p.relative_to(site).as_posix() for p in html_files(site)]
    rels = [r for r in rels if page_kind(r) == kind and r != "404.html"]
    if limit and len(rels) > limit:
        step = len(rels) / limit
        rels = [rels[int(i * step)] for i in range(limit)]
    return rels


# ------------------------------------------------------------------------------ identical bytes


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


# ------------------------------------------------------------------------------------- photos


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_originals(site: Path, content: Path) -> list[str]:
    """Output files whose bytes equal a photo under content/, and any .heic/.heif in output."""
    originals: dict[int, list[Path]] = {}
    for path in content.rglob("*"):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            originals.setdefault(path.stat().st_size, []).append(path)
    found = []
    digests: dict[Path, str] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        if path.suffix.lower() in CAMERA_ONLY_SUFFIXES:
            found.append(f"{rel}: a camera original format ({path.suffix})")
            continue
        same_size = originals.get(path.stat().st_size)
        if not same_size:
            continue
        digest = _digest(path)
        for original in same_size:
            if original not in digests:
                digests[original] = _digest(original)
            if digests[original] == digest:
                found.append(f"{rel}: same bytes as {original.relative_to(content.parent).as_posix()}")
    return found


# XMP packets, EXIF blocks (JPEG APP1, WebP/AVIF/HEIF item) and IPTC (Photoshop APP13) in raw bytes.
RAW_MARKERS = {
    b"Exif\x00\x00": "EXIF",
    b"http://ns.adobe.com/xap/1.0/": "XMP",
    b"<x:xmpmeta": "XMP",
    b"Photoshop 3.0\x00": "IPTC",
}
GPS_IFD = 0x8825


def image_metadata(path: Path) -> list[str]:
    """What metadata an image file carries: 'EXIF', 'GPS', 'XMP', 'IPTC' (empty when clean)."""
    from PIL import Image

    found: set[str] = set()
    data = path.read_bytes()
    for marker, name in RAW_MARKERS.items():
        if marker in data:
            found.add(name)
    try:
        # Only the accepted decoders: the audit must not run Ghostscript on a published file either.
        with Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS)) as im:
            exif = im.getexif()
            if len(exif):
                found.add("EXIF")
            if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
                found.add("GPS")
            info = im.info
            if info.get("exif"):
                found.add("EXIF")
            if info.get("xmp") or info.get("XML:com.adobe.xmp"):
                found.add("XMP")
            if info.get("photoshop") or info.get("iptc"):
                found.add("IPTC")
    except Exception as error:  # an image the browser may not show either
        found.add(f"unreadable ({type(error).__name__})")
    return sorted(found)


def images_with_metadata(site: Path) -> tuple[int, list[str]]:
    """(images checked, 'file: EXIF, GPS' for every image that carries metadata)."""
    checked, found = 0, []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            checked += 1
            meta = image_metadata(path)
            if meta:
                found.append(f"{path.relative_to(site).as_posix()}: {', '.join(meta)}")
    return checked, found


# ----------------------------------------------------------------------------------- file size


def largest_files(site: Path, count: int = 5) -> list[tuple[str, int]]:
    sizes = [(p.relative_to(site).as_posix(), p.stat().st_size) for p in site.rglob("*") if p.is_file()]
    return sorted(sizes, key=lambda x: (-x[1], x[0]))[:count]


def oversized_files(site: Path, limit: int = FILE_SIZE_LIMIT) -> list[tuple[str, int]]:
    """(file, size) of every published file over the limit."""
    files = sorted((p.relative_to(site).as_posix(), p.stat().st_size) for p in site.rglob("*") if p.is_file())
    return [(rel, size) for rel, size in files if size > limit]


# --------------------------------------------------------------------------- outside tools' output


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


# ------------------------------------------------------------------------------- local server

COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml|wasm|manifest\+json)|image/svg\+xml)")
EXTRA_TYPES = {
    ".avif": "image/avif",
    ".webp": "image/webp",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".csv": "text/csv",
}


def read_headers_file(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Rules of a Netlify/Cloudflare-style `_headers` file: [(path pattern, [(name, value)])]."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    if not path.is_file():
        return rules
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), []))
        elif rules and ":" in line:
            name, _, value = line.strip().partition(":")
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def accepted_encodings(header: str | None) -> set[str]:
    accepted = set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=")
        if name and not (params and q.replace(".", "").replace("0", "") == ""):  # q=0 refuses
            accepted.add(name.strip().lower())
    return accepted


class PrecompressedHandler(SimpleHTTPRequestHandler):
    """Serves a built site the way a static host does: `.br`/`.gz` siblings with
    Content-Encoding when the client accepts them, other text compressed with gzip on the fly,
    `index.html` for directories, and the headers of the site's own `_headers` file.
    """

    headers_rules: list = []
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def log_message(self, format, *args):  # quiet: the audit reports what matters
        pass

    def send_head(self):
        url_path = urlsplit(self.path).path
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not url_path.endswith("/"):
                return super().send_head()  # 301 to the slash, as hosts do
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # 404
        ctype = self.guess_type(str(path))
        accepted = accepted_encodings(self.headers.get("Accept-Encoding"))
        body, encoding = None, None
        for suffix, name in ((".br", "br"), (".gz", "gzip")):
            sibling = path.with_name(path.name + suffix)
            if name in accepted and sibling.is_file():
                body, encoding = sibling.read_bytes(), name
                break
        if body is None:
            body = path.read_bytes()
            if "gzip" in accepted and COMPRESSIBLE.match(ctype) and len(body) > 256:
                body, encoding = gzip.compress(body, compresslevel=9, mtime=0), "gzip"
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Vary", "Accept-Encoding")
        for pattern, values in self.headers_rules:
            if fnmatchcase(url_path, pattern):
                for name, value in values:
                    self.send_header(name, value)
        self.end_headers()
        return io.BytesIO(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):  # the browser dropped a request: normal
            return
        super().handle_error(request, client_address)


@contextmanager
def serve(site: Path, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `site` on a free local port in a thread; yields the base URL ('http://127.0.0.1:N/')."""
    rules = read_headers_file(site / "_headers")
    handler = type("SiteHandler", (PrecompressedHandler,), {"headers_rules": rules})
    server = _Server((host, port), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


mimetypes.add_type("image/avif", ".avif")
mimetypes.add_type("image/webp", ".webp")
