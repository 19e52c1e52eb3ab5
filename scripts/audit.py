#!/usr/bin/env python3
"""`make audit`: build the site twice, run every quality gate, print one table, write audit-report/.

Gates (docs/quality-gates.md): determinism, budgets, first-view, html, links, a11y, lighthouse,
originals, metadata, file-size. Exit 1 when any gate fails. `--skip GATE,...` is for local use
when a tool is missing; under CI (CI=true) skipping is refused, so CI always runs every gate.
The checks themselves are in chophien/quality/ (links, budgets, determinism, photo_metadata,
reports, server); this script runs the builds and the tools
(Java for the Nu checker, Playwright + Chromium for axe-core and page weights, Node for Lighthouse).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from chophien.core.settings import Settings
from chophien.quality.budgets import (
    EXEMPT_REASON,
    FILE_SIZE_LIMIT,
    LISTING_FIRST_VIEW_BUDGET,
    PRODUCT_FIRST_VIEW_BUDGET,
    kb,
    largest_files,
    limit_of,
    measure_budgets,
    oversized_files,
    pages_of_kind,
    representative_pages,
)
from chophien.quality.determinism import compare_trees, tolerated_differences, tree_files
from chophien.quality.links import broken_links, html_files, page_url
from chophien.quality.photo_metadata import IMAGE_SUFFIXES, images_with_metadata, published_originals
from chophien.quality.reports import (
    LIGHTHOUSE_CATEGORIES,
    SEVERE,
    Gate,
    axe_failures,
    lighthouse_scores,
    lighthouse_table,
    summary_table,
    vnu_messages,
)
from chophien.quality.server import serve

ROOT = Path(__file__).resolve().parent.parent
GATES = (
    "determinism",
    "budgets",
    "first-view",
    "html",
    "links",
    "a11y",
    "lighthouse",
    "originals",
    "metadata",
    "file-size",
)
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 360, "height": 640}
LIGHTHOUSE_A11Y_MIN = 0.9  # gated; the other scores are recorded only


def find_chrome() -> str | None:
    if os.environ.get("CHROME_PATH"):
        return os.environ["CHROME_PATH"]
    for name in (
        "/usr/bin/chromium",
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ):
        found = shutil.which(name)
        if found:
            return found
    return None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------- builds


def build(content: Path, settings: Path, out: Path, cache: Path, today: str) -> float:
    env = dict(
        os.environ,
        CHOPHIEN_TODAY=today,
        CHOPHIEN_CACHE_PATH=str(cache),
        CHOPHIEN_SHOW_ERRORS="",
        CHOPHIEN_SITEURL="",  # root-relative links: the local server serves the site at /
    )
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(out), "-s", str(settings)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit(f"audit: the build into {out} failed (exit {result.returncode})")
    return time.monotonic() - start


def determinism_gate(first: Path, second: Path, seconds: tuple[float, float]) -> Gate:
    differences, tolerated = tolerated_differences(compare_trees(first, second), first, second)
    files = len(tree_files(first))
    figure = f"{files} files, {len(differences)} differ"
    if tolerated:
        figure += f" ({len(tolerated)} Pagefind filter files reordered, tolerated)"
    figure += f"; builds {seconds[0]:.0f} s + {seconds[1]:.0f} s"
    details = differences + [
        f"tolerated (same filter data, Pagefind's hash-map order): {d}" for d in tolerated
    ]
    return Gate("determinism", not differences, figure, details)


# ---------------------------------------------------------------------------------- pure gates


def budgets_gate(site: Path, reports: Path) -> Gate:
    report = measure_budgets(site)
    (reports / "budgets.md").write_text(
        "# Page weights (DESIGN §5)\n\n" + report.table() + "\n", encoding="utf-8"
    )
    failures = report.failures()
    worst = max(report.pages, key=lambda w: w.served / w.budget)
    figure = (
        f"{len(report.pages)} pages; worst {kb(worst.served)}/{kb(worst.budget)} ({worst.kind}); "
        f"CSS {kb(report.css_total)}; JS {kb(report.js_max[1])}"
    )
    if report.self_assessment:  # page + scripts + styles together (SELF_ASSESSMENT_BUDGET)
        figure += f"; self-assessment {kb(max(w.total for w in report.self_assessment))}"
    return Gate("budgets", not failures, figure, [report.table(), *failures])


def links_gate(site: Path) -> Gate:
    broken = broken_links(site)
    pages = len(html_files(site))
    return Gate("links", not broken, f"{pages} pages, {len(broken)} broken", broken)


def originals_gate(site: Path, content: Path) -> Gate:
    found = published_originals(site, content)
    photos = sum(1 for p in content.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    return Gate("originals", not found, f"{photos} originals, {len(found)} published", found)


def metadata_gate(site: Path) -> Gate:
    checked, found = images_with_metadata(site)
    return Gate("metadata", not found, f"{checked} images, {len(found)} with EXIF/XMP/GPS/IPTC", found)


def file_size_gate(site: Path) -> Gate:
    over = oversized_files(site)
    top = largest_files(site, 5)
    figure = f"largest {kb(top[0][1])} ({top[0][0]}), limit {kb(FILE_SIZE_LIMIT)}" if top else "no files"
    details = [f"{rel}: {kb(size)} > {kb(limit_of(rel))}" for rel, size in over]
    details += ["largest files: " + ", ".join(f"{rel} {kb(size)}" for rel, size in top)]
    details += [f"not counted: {EXEMPT_REASON}"]
    return Gate("file-size", not over, figure, details)


# ----------------------------------------------------------------------------------- Nu checker


def html_gate(site: Path, tools: Path, reports: Path) -> Gate:
    jar = tools / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not jar.is_file() or not java:
        return Gate("html", False, "Nu checker unavailable", [f"need java and {jar} (npm ci --prefix audit)"])
    pages = len(list(site.rglob("*.html")))
    start = time.monotonic()
    result = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--stdout",
            "--skip-non-html",
            str(site),
        ],
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - start
    (reports / "html.json").write_text(result.stdout, encoding="utf-8")
    try:
        errors = vnu_messages(result.stdout, site)
    except json.JSONDecodeError:
        return Gate(
            "html", False, "Nu checker output unreadable", [result.stdout[-2000:], result.stderr[-2000:]]
        )
    if result.returncode not in (0, 1) or (result.returncode == 1 and not errors):
        errors.append(f"vnu exit {result.returncode}: {result.stderr.strip()[-2000:]}")
    (reports / "html.txt").write_text("\n".join(errors) + "\n", encoding="utf-8")
    return Gate("html", not errors, f"{pages} pages, {len(errors)} errors (vnu, {seconds:.0f} s)", errors)


# -------------------------------------------------------------------------------- browser gates


class Browser:
    """One headless Chromium (Debian's, never a downloaded one) for the Playwright checks."""

    def __init__(self, chrome: str):
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=chrome, headless=True, args=CHROME_ARGS)

    def close(self):
        self.browser.close()
        self._pw.stop()

    def first_view(self, url: str, scale: float) -> dict:
        """Bytes transferred (headers included) by every request made while the page loads."""
        context = self.browser.new_context(
            viewport=VIEWPORT,
            device_scale_factor=scale,
            is_mobile=True,
            has_touch=True,
            service_workers="block",
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        requests: dict[str, str] = {}
        finished: dict[str, int] = {}
        failed_ids: list[str] = []
        cdp.on(
            "Network.requestWillBeSent", lambda e: requests.__setitem__(e["requestId"], e["request"]["url"])
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: finished.__setitem__(e["requestId"], int(e["encodedDataLength"])),
        )
        cdp.on("Network.loadingFailed", lambda e: failed_ids.append(e["requestId"]))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(url, wait_until="load")
        deadline = time.monotonic() + 10
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:  # lazy images start after load: wait for 250 ms of quiet
            pending = (
                {r for r, u in requests.items() if u.startswith("http")} - set(finished) - set(failed_ids)
            )
            if pending:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 0.25:
                break
            page.wait_for_timeout(25)
        context.close()
        host = urlsplit(url).netloc
        own = {host, "", *media_hosts()}  # the site, and the photos' bucket or CDN its owner chose
        third_party = sorted({u for u in requests.values() if urlsplit(u).netloc not in own})
        by_url = {requests.get(rid, rid): size for rid, size in finished.items()}
        return {
            "bytes": sum(finished.values()),
            "requests": len(requests),
            "third_party": third_party,
            "failed": [requests.get(rid, rid) for rid in failed_ids],
            "files": dict(sorted(by_url.items(), key=lambda x: -x[1])),
        }

    def axe(self, url: str, axe_js: Path, viewport: dict) -> dict:
        context = self.browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.add_script_tag(path=str(axe_js))
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        context.close()
        return results


def media_hosts() -> set[str]:
    """CHOPHIEN_MEDIA_URL's host (docs/publishing.md): the one other origin pages may fetch from."""
    url = Settings.from_environ().media_url
    return {urlsplit(url).netloc} if url else set()


def first_view_gate(browser: Browser, base: str, site: Path, reports: Path, limit: int) -> Gate:
    budgets = {"product": PRODUCT_FIRST_VIEW_BUDGET, "listing": LISTING_FIRST_VIEW_BUDGET}
    lines = [
        "# First view at 360 × 640 px",
        "",
        "Bytes transferred (compressed, headers included) by every request Chromium makes while the",
        "page loads, from a local server that sends the `.br`/`.gz` siblings as a host does. Images",
        "below the fold and outside Chromium's lazy-loading distance are not fetched.",
        "",
        "| type | device pixel ratio | pages | median | largest | largest page | budget | result |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    details, figures, ok = [], [], True
    third_party: set[str] = set()
    heaviest: dict[tuple[str, float], dict] = {}
    for kind, budget in budgets.items():
        pages = pages_of_kind(site, kind, limit)
        for scale in (1, 2):
            sizes = []
            for rel in pages:
                result = browser.first_view(base + page_url(rel).lstrip("/"), scale)
                sizes.append((result["bytes"], rel))
                third_party.update(result["third_party"])
                details.extend(f"{rel}: request failed: {u}" for u in result["failed"])
                if (kind, scale) not in heaviest or result["bytes"] > heaviest[(kind, scale)]["bytes"]:
                    heaviest[(kind, scale)] = result | {"page": rel}
            sizes.sort()
            top_size, top_page = sizes[-1]
            median = statistics.median(s for s, _ in sizes)
            passed = top_size <= budget
            gated = scale == 1
            ok &= passed or not gated
            result = ("pass" if passed else "FAIL") + ("" if gated else " (recorded)")
            lines.append(
                f"| {kind} | {scale} | {len(sizes)} | {kb(int(median))} | {kb(top_size)} | {top_page} | "
                f"{kb(budget)} | {result} |"
            )
            if gated:
                figures.append(f"{kind} ≤ {kb(top_size)}/{kb(budget)}")
                details.extend(f"{rel}: {kb(size)} > {kb(budget)}" for size, rel in sizes if size > budget)
    lines += ["", "Requests of the heaviest page of each kind:", ""]
    for (kind, scale), result in heaviest.items():
        lines.append(
            f"- {kind} at ×{scale}, {result['page']}: {kb(result['bytes'])} in {result['requests']} requests"
        )
        lines.extend(f"  - {kb(size)} {urlsplit(u).path}" for u, size in result["files"].items())
    if third_party:
        ok = False
        details.extend(f"third-party request: {u}" for u in sorted(third_party))
    ok &= not any("request failed" in d for d in details)
    (reports / "first-view.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    figures.append(f"{len(third_party)} third-party")
    return Gate("first-view", ok, "; ".join(figures) + " (360 px, ×1)", ["\n".join(lines[6:])] + details)


def a11y_gate(browser: Browser, base: str, pages: dict[str, str], tools: Path, reports: Path) -> Gate:
    axe_js = tools / "axe-core" / "axe.min.js"
    if not axe_js.is_file():
        return Gate("a11y", False, "axe-core unavailable", [f"need {axe_js} (npm ci --prefix audit)"])
    version = json.loads((tools / "axe-core" / "package.json").read_text())["version"]
    all_results, failures, minor = {}, [], 0
    for kind, rel in pages.items():
        for label, viewport in (("360", VIEWPORT), ("1280", {"width": 1280, "height": 800})):
            results = browser.axe(base + page_url(rel).lstrip("/"), axe_js, viewport)
            all_results[f"{kind} {label}px {rel}"] = results["violations"]
            failures.extend(f"{kind} ({rel}, {label} px): {f}" for f in axe_failures(results))
            minor += sum(1 for v in results["violations"] if v.get("impact") not in SEVERE)
    (reports / "a11y.json").write_text(
        json.dumps(all_results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    figure = f"{len(pages)} pages × 2 widths, {len(failures)} serious/critical, {minor} minor/moderate (axe {version})"
    return Gate("a11y", not failures, figure, failures)


def lighthouse_gate(base: str, pages: dict[str, str], tools: Path, chrome: str, reports: Path) -> Gate:
    cli = tools / "lighthouse" / "cli" / "index.js"
    node = shutil.which("node")
    if not cli.is_file() or not node:
        return Gate(
            "lighthouse", False, "Lighthouse unavailable", [f"need node and {cli} (npm ci --prefix audit)"]
        )
    version = json.loads((tools / "lighthouse" / "package.json").read_text())["version"]
    folder = reports / "lighthouse"
    folder.mkdir(exist_ok=True)
    rows, problems = {}, []
    flags = " ".join(["--headless=new", *CHROME_ARGS])
    for kind, rel in pages.items():
        out = folder / f"{kind}.json"
        url = base + page_url(rel).lstrip("/")
        log(f"audit: Lighthouse {kind}: {url}")
        result = subprocess.run(
            [
                node,
                str(cli),
                url,
                "--output=json",
                f"--output-path={out}",
                "--quiet",
                "--only-categories=" + ",".join(LIGHTHOUSE_CATEGORIES),
                f"--chrome-flags={flags}",
            ],
            env=dict(os.environ, CHROME_PATH=chrome),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0 or not out.is_file():
            problems.append(
                f"{kind} ({rel}): Lighthouse exit {result.returncode}: {result.stderr.strip()[-1500:]}"
            )
            continue
        report = json.loads(out.read_text(encoding="utf-8"))
        rows[kind] = (rel, report)
        if report.get("runtimeError"):
            problems.append(f"{kind} ({rel}): {report['runtimeError'].get('message')}")
    table = lighthouse_table(rows)
    (reports / "lighthouse.md").write_text(
        f"# Lighthouse {version}\n\nMobile emulation (Lighthouse's default: simulated slow 4G, 4× CPU slowdown), "
        f"headless Chromium, local server with precompressed files. Scores 0–100; one page of each type "
        f"(the heaviest).\nReports: `lighthouse/<type>.json`.\n\n{table}\n",
        encoding="utf-8",
    )
    scores = {k: lighthouse_scores(r) for k, (_p, r) in rows.items()}
    low = [
        f"{k}: accessibility {s['accessibility']:.2f} < {LIGHTHOUSE_A11Y_MIN}"
        for k, s in scores.items()
        if s["accessibility"] is not None and s["accessibility"] < LIGHTHOUSE_A11Y_MIN
    ]

    def lowest(category: str) -> str:
        values = [s[category] for s in scores.values() if s[category] is not None]
        return str(round(min(values) * 100)) if values else "–"

    figure = "min " + ", ".join(f"{c} {lowest(c)}" for c in LIGHTHOUSE_CATEGORIES) + f" ({len(rows)} pages)"
    return Gate("lighthouse", not (problems or low), figure, [table, *problems, *low])


# ------------------------------------------------------------------------------------------- main


def run_gate(gates: list[Gate], name: str, skip: set[str], func, *args) -> None:
    if name in skip:
        gates.append(Gate(name, None, "skipped (--skip)"))
        return
    log(f"audit: {name} …")
    start = time.monotonic()
    try:
        gate = func(*args)
    except Exception as error:  # a tool that crashed fails its gate, the others still run
        gate = Gate(
            name, False, f"error: {type(error).__name__}: {str(error)[:80]}", [traceback.format_exc()]
        )
    log(f"audit: {name}: {gate.result} ({time.monotonic() - start:.0f} s)")
    gates.append(gate)


def write_summary(gates: list[Gate], reports: Path, intro: list[str]) -> str:
    table = summary_table(gates)
    parts = ["# Quality gates (`make audit`)", "", *intro, "", table, ""]
    for gate in gates:
        if gate.details:
            parts += [f"## {gate.name}: {gate.result}", ""]
            parts += [d if "\n" in d else f"- {d}" for d in gate.details[:500]]
            if len(gate.details) > 500:
                parts.append(f"- … and {len(gate.details) - 500} more")
            parts.append("")
    (reports / "summary.md").write_text("\n".join(parts), encoding="utf-8")
    return table


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--content", default="content", help="content folder (default: content)")
    parser.add_argument(
        "--settings",
        default="publishconf.py" if (ROOT / "publishconf.py").is_file() else "pelicanconf.py",
        help="Pelican settings file (default: publishconf.py, the production build)",
    )
    parser.add_argument("--site", help="audit this built folder instead of building (no determinism gate)")
    parser.add_argument("--report", default="audit-report", help="folder for the detailed report")
    parser.add_argument(
        "--tools", default=str(ROOT / "audit" / "node_modules"), help="npm tools (npm ci --prefix audit)"
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated gates to skip (refused under CI): " + ",".join(GATES)
    )
    parser.add_argument(
        "--today", default=os.environ.get("CHOPHIEN_TODAY") or datetime.date.today().isoformat()
    )
    parser.add_argument("--first-view-pages", type=int, default=20, help="at most this many pages per type")
    parser.add_argument("--keep", action="store_true", help="keep the two builds (their folder is printed)")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    refused = refused_skip(skip)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    content = Path(args.content).resolve()
    settings = Path(args.settings).resolve()
    reports = Path(args.report)
    if reports.exists():
        shutil.rmtree(reports)
    reports.mkdir(parents=True)
    chrome = find_chrome()

    tmp = Path(tempfile.mkdtemp(prefix="chophien-audit-"))
    gates: list[Gate] = []
    try:
        site = built_site(args, content, settings, tmp, skip, reports, gates)
        run_gate(gates, "budgets", skip, budgets_gate, site, reports)
        pages = representative_pages(site)
        served_gates(args, site, pages, chrome, skip, reports, gates)
        run_gate(gates, "originals", skip, originals_gate, site, content)
        run_gate(gates, "metadata", skip, metadata_gate, site)
        run_gate(gates, "file-size", skip, file_size_gate, site)
    finally:
        if args.keep:
            log(f"audit: builds kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    gates.sort(key=lambda g: GATES.index(g.name))
    intro = [
        f"Content `{os.path.relpath(content, ROOT)}`, settings `{os.path.relpath(settings, ROOT)}`, "
        f"CHOPHIEN_TODAY={args.today}, Chromium `{chrome}`.",
        "Representative pages (the heaviest of each type): "
        + ", ".join(f"{k} `{page_url(v)}`" for k, v in pages.items())
        + ".",
    ]
    print(write_summary(gates, reports, intro))
    failed = [g for g in gates if g.ok is False]
    print_failures(failed, reports)
    print(
        f"\nReport: {reports}/summary.md"
        + (f"; {len(failed)} gate(s) failed" if failed else "; every gate passed")
    )
    return 1 if failed else 0


def refused_skip(skip: set[str]) -> str | None:
    """Why `--skip` is refused: an unknown gate, or any skipping under CI."""
    unknown = skip - set(GATES)
    if unknown:
        return f"audit: unknown gate(s): {', '.join(sorted(unknown))}; gates: {', '.join(GATES)}"
    if skip and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return "audit: --skip is for local use; CI runs every gate"
    return None


def built_site(
    args, content: Path, settings: Path, tmp: Path, skip: set[str], reports: Path, gates: list
) -> Path:
    """The site to audit: `--site` as given, else built once (determinism skipped) or twice and
    compared (the determinism gate)."""
    if args.site:
        gates.append(Gate("determinism", None, "skipped (--site: no build)"))
        return Path(args.site).resolve()
    site, second = tmp / "first" / "output", tmp / "second" / "output"
    if "determinism" in skip:
        log(f"audit: building into {site} (CHOPHIEN_TODAY={args.today}) …")
        build(content, settings, site, tmp / "first" / "cache", args.today)
        gates.append(Gate("determinism", None, "skipped (--skip)"))
        return site
    seconds = []
    for n, out in enumerate((site, second), 1):
        log(f"audit: build {n} of 2 into {out} (CHOPHIEN_TODAY={args.today}, empty photo cache) …")
        seconds.append(build(content, settings, out, out.parent / "cache", args.today))
    gates.append(determinism_gate(site, second, (seconds[0], seconds[1])))
    (reports / "determinism.txt").write_text("\n".join(gates[-1].details) + "\n", encoding="utf-8")
    return site


def served_gates(
    args, site: Path, pages: dict[str, str], chrome, skip: set[str], reports: Path, gates: list
) -> None:
    """The gates that need the site served locally: first-view, html, links, a11y, lighthouse."""
    tools = Path(args.tools)
    browser_gates = {"first-view", "a11y", "lighthouse"} - skip
    with serve(site) as base:
        browser = None
        if browser_gates & {"first-view", "a11y"}:
            if not chrome:
                for name in browser_gates & {"first-view", "a11y"}:
                    gates.append(Gate(name, False, "no Chromium (set CHROME_PATH)"))
            else:
                try:
                    browser = Browser(chrome)
                except Exception as error:
                    for name in browser_gates & {"first-view", "a11y"}:
                        gates.append(Gate(name, False, f"Chromium via Playwright failed: {error}"[:100]))
        if browser or "first-view" in skip:
            run_gate(
                gates,
                "first-view",
                skip,
                first_view_gate,
                browser,
                base,
                site,
                reports,
                args.first_view_pages,
            )
        run_gate(gates, "html", skip, html_gate, site, tools, reports)
        run_gate(gates, "links", skip, links_gate, site)
        if browser or "a11y" in skip:
            run_gate(gates, "a11y", skip, a11y_gate, browser, base, pages, tools, reports)
        if browser:
            browser.close()
        if chrome or "lighthouse" in skip:
            run_gate(gates, "lighthouse", skip, lighthouse_gate, base, pages, tools, chrome, reports)
        else:
            gates.append(Gate("lighthouse", False, "no Chromium (set CHROME_PATH)"))


def print_failures(failed: list[Gate], reports: Path) -> None:
    """Each failed gate's first 20 one-line details (the rest are in the summary)."""
    for gate in failed:
        print(f"\n{gate.name}: FAIL")
        for detail in gate.details[:20]:
            if "\n" not in detail:
                print(f"  {detail}")
        if len(gate.details) > 20:
            print(f"  … {len(gate.details) - 20} more in {reports}/summary.md")


if __name__ == "__main__":
    sys.exit(main())
