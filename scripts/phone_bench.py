#!/usr/bin/env python3
"""Phone figures of a built site (issue 14): visits on emulated 2G with and without the service worker,
the bytes of a first visit, and the bytes "Lưu để xem khi mất sóng" downloads.

    python scripts/phone_bench.py OUTPUT [--baseline OUTPUT_OLD] [--runs 3] [--json FILE]

Builds nothing: serves OUTPUT (and OUTPUT_OLD) on 127.0.0.1 as a host does (chophien.quality.server:
precompressed siblings or gzip -9, the site's `_headers`, ETag and 304) and drives Debian's Chromium
with Playwright at 360 px. The page measured is the first product page (by slug) of the largest
cooperative (most product pages; ties by slug), the same URL in both folders.

- Profile "2G" (DevTools protocol): Network.emulateNetworkConditions 800 ms latency, 35,000 B/s
  (280 kbit/s) down and up, on the page AND on every service worker target (a page's emulation does
  not reach the requests its worker makes: attached to each worker through Target.attachToTarget);
  Emulation.setCPUThrottlingRate 6 on the page.
- Each run, in a fresh browser context with service workers allowed, then one with them blocked:
  a first visit; a repeat visit "later" (as on the bus home hours later: the page and its files
  are fetched again past the worker, uncounted, while the server adds `Age: 86400` to what is not
  immutable, so the HTTP cache holds copies past their max-age and the browser must revalidate);
  the page offline (still a day old: only a service worker can show it); back
  online, one visit that refreshes the HTML, then a repeat visit "soon" (the HTML fresh in the
  HTTP cache, as when going back to a page within its 5 minutes). Each visit opens a new tab;
  times come from the page itself (first-contentful-paint, the navigation entry's
  DOMContentLoaded and load), the median of --runs.
- Bytes: what the server sends (status line and headers, and bodies as encoded: the
  `encodedDataLength` Chromium reports), from the first request of a first visit until the worker
  is active and nothing has moved for 1.5 s, so what the worker fetches for itself is included;
  "fetched" = requests with `Sec-Fetch-Dest: empty` (a script's or the worker's fetch()) and sw.js.
- "Lưu": the largest cooperative's page, unthrottled (bytes only); the button is clicked until the
  page says "Đã lưu"; bytes from the first click until the network is quiet.

Prints a Markdown table; --json writes the figures. Exit 2 with a message when Chromium or
Playwright is missing or a folder is not a built site.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bytes  # noqa: E402  (CHROMIUM, CHROMIUM_ARGS, PHONE)

from chophien.quality.budgets import KB  # noqa: E402
from chophien.quality.server import PrecompressedHandler, serve  # noqa: E402

FIRST_VISIT_TARGET = 3 * KB  # the issue: a first visit costs under 3 KB gzip more than before it
SHOWN_TARGET_MS = 1000  # the issue: a visited page shows in under 1 s offline or on 2G
LATER_AGE = 86_400  # seconds: "later" = a day after the first visit
QUIET_SECONDS = 1.5
SAVE_BUTTON = re.compile("Lưu để xem khi mất sóng")
FINGERPRINT = re.compile(r"\.[0-9a-f]{10}(?=\.[a-z0-9]+$)")
MODES = ("worker", "no-worker")
VISITS = ("first", "later", "soon", "offline")


class BenchError(Exception):
    """A problem the user can fix (no Chromium, not a build): printed without a traceback."""


@dataclass(frozen=True)
class Profile:
    name: str
    latency_ms: int
    down: int  # bytes per second; -1 = no limit
    up: int
    cpu: float

    def conditions(self, offline: bool = False) -> dict:
        return {"offline": offline, "latency": self.latency_ms, "downloadThroughput": self.down,
                "uploadThroughput": self.up}  # fmt: skip

    def describe(self) -> str:
        if self.down < 0:
            return f"{self.name}: no network throttling, CPU {self.cpu:g}×"
        return (
            f"{self.name}: {self.latency_ms} ms latency, {self.down:,} B/s ({self.down * 8 // 1000} kbit/s) "
            f"down, {self.up:,} B/s up, CPU {self.cpu:g}×"
        )


TWO_G = Profile("2G", 800, 35_000, 35_000, 6)
UNTHROTTLED = Profile("local", 0, -1, -1, 1)


# ------------------------------------------------------------------------------ the built folder


def check_build(site: Path) -> None:
    """Raise BenchError unless *site* is a built Chợ phiên site with product pages."""
    if not site.is_dir():
        raise BenchError(f"{site} is not a folder (build one: .venv/bin/pelican content -o {site})")
    if not (site / "index.html").is_file() or not any(site.glob("san-pham/*/*/index.html")):
        raise BenchError(f"{site} is not a built site: no index.html or no san-pham/<coop>/<product>/ page")


def largest_cooperative(site: Path) -> tuple[str, list[str]]:
    """(slug, its product pages 'san-pham/<coop>/<p>/' by slug) of the cooperative with most products."""
    products: dict[str, list[str]] = {}
    for page in sorted(site.glob("san-pham/*/*/index.html")):
        coop, slug = page.parent.parent.name, page.parent.name
        if slug != "page":  # pagination of a listing, not a product
            products.setdefault(coop, []).append(f"san-pham/{coop}/{slug}/")
    if not products:
        raise BenchError(f"{site} has no product page")
    slug = min(products, key=lambda c: (-len(products[c]), c))
    return slug, products[slug]


def unversioned(path: str) -> str:
    """A served path without its fingerprint, to compare the same file across two builds."""
    return FINGERPRINT.sub("", path.split("?", 1)[0])


# ----------------------------------------------------------------------------- what is sent


@dataclass(frozen=True)
class Sent:
    path: str
    status: int
    headers: int  # status line and headers, bytes
    body: int  # body as encoded (gzip, br or identity), bytes
    fetched: bool = (
        False  # by a script's fetch() or a service worker (Sec-Fetch-Dest: empty), or sw.js itself
    )


@dataclass
class Traffic:
    """Every response the server sent, in order, and how many requests are still being answered."""

    sent: list[Sent] = field(default_factory=list)
    busy: int = 0
    age: int | None = None  # an Age header on what is not immutable (86400: stale; 0: fresh again)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def mark(self) -> int:
        with self.lock:
            return len(self.sent)

    def since(self, mark: int) -> list[Sent]:
        with self.lock:
            return list(self.sent[mark:])

    def state(self) -> tuple[int, int]:
        with self.lock:
            return len(self.sent), self.busy


def counting_handler(traffic: Traffic) -> type[PrecompressedHandler]:
    class Counting(PrecompressedHandler):
        def handle_one_request(self):
            self._status, self._headers, self._body, self._busy = 0, 0, 0, False
            try:
                super().handle_one_request()
            finally:
                with traffic.lock:
                    traffic.busy -= self._busy
                    if self._status:
                        path = urlpath(getattr(self, "path", ""))
                        asked = getattr(self, "headers", None) or {}
                        fetched = (
                            asked.get("Sec-Fetch-Dest") == "empty" or asked.get("Service-Worker") == "script"
                        )
                        traffic.sent.append(Sent(path, self._status, self._headers, self._body, fetched))

        def parse_request(self):
            parsed = super().parse_request()  # an open connection with no request yet is not busy
            if parsed:
                with traffic.lock:
                    traffic.busy += 1
                self._busy = True
            return parsed

        def send_response_only(self, code, message=None):
            self._status = code
            super().send_response_only(code, message)

        def end_headers(self):
            if traffic.age is not None and not any(
                b"immutable" in line for line in getattr(self, "_headers_buffer", [])
            ):
                self.send_header("Age", str(traffic.age))  # a fingerprinted file stays fresh for a year
            super().end_headers()

        def flush_headers(self):
            self._headers += sum(len(chunk) for chunk in getattr(self, "_headers_buffer", []))
            super().flush_headers()

        def copyfile(self, source, outputfile):
            data = source.read()
            self._body += len(data)
            outputfile.write(data)

    return Counting


def urlpath(path: str) -> str:
    return path.split("?", 1)[0].split("#", 1)[0]


def summarize(sent: list[Sent]) -> dict:
    """Totals of a list of responses: bodies, headers, responses, and bytes per unversioned path."""
    files: dict[str, int] = {}
    for s in sent:
        key = unversioned(s.path)
        files[key] = files.get(key, 0) + s.body
    return {
        "body": sum(s.body for s in sent),
        "headers": sum(s.headers for s in sent),
        "responses": len(sent),
        "files": dict(sorted(files.items())),
    }


def wait_quiet(traffic: Traffic, quiet: float = QUIET_SECONDS, cap: float = 120) -> None:
    """Until no request is being answered and none has come for *quiet* seconds (at most *cap*)."""
    start = last_change = time.monotonic()
    last = traffic.state()
    while time.monotonic() - start < cap:
        time.sleep(0.1)
        now = traffic.state()
        if now != last:
            last, last_change = now, time.monotonic()
        elif now[1] == 0 and time.monotonic() - last_change >= quiet:
            return


# --------------------------------------------------------------------------------- the browser

TIMES = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const p = performance.getEntriesByName('first-contentful-paint')[0];
  return {fcp: p ? p.startTime : null, dcl: n ? n.domContentLoadedEventEnd : null,
          load: n ? n.loadEventEnd : null, title: document.title,
          controlled: !!(navigator.serviceWorker && navigator.serviceWorker.controller)};
}"""

WORKER_READY = """async ([appear, active]) => {
  const sw = navigator.serviceWorker;
  if (!sw) return 'none';
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  let reg, waited = 0;
  while (!(reg = await sw.getRegistration()) && waited < appear) { await sleep(250); waited += 250; }
  if (!reg) return 'none';
  await Promise.race([sw.ready, sleep(active)]);
  return reg.active ? 'active' : 'installing';
}"""


@contextmanager
def chromium():
    """(browser, browser CDP session) of Debian's Chromium, headless."""
    if not Path(search_bytes.CHROMIUM).exists():
        raise BenchError(
            f"Chromium not found at {search_bytes.CHROMIUM} (apt-get install chromium, or set CHROME_PATH)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise BenchError("Playwright is not installed (make audit installs it into .venv)") from error
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=search_bytes.CHROMIUM, args=search_bytes.CHROMIUM_ARGS
        )
        try:
            yield browser, browser.new_browser_cdp_session()
        finally:
            browser.close()


class Throttle:
    """The profile on each page and on each service worker (its own target: the page's emulation
    does not reach the worker's fetches)."""

    def __init__(self, session, profile: Profile):
        self.session, self.profile, self.workers = session, profile, {}
        self.offline = False

    def page(self, page) -> None:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", self.profile.conditions(self.offline))
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": self.profile.cpu})

    def workers_now(self) -> int:
        """Throttle every service worker target not yet attached; returns how many are attached."""
        for target in self.session.send("Target.getTargets")["targetInfos"]:
            if target["type"] != "service_worker" or target["targetId"] in self.workers:
                continue
            attached = self.session.send(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": False}
            )
            self.workers[target["targetId"]] = attached["sessionId"]
            self._send(attached["sessionId"], "Network.enable", {})
            self._send(
                attached["sessionId"],
                "Network.emulateNetworkConditions",
                self.profile.conditions(self.offline),
            )
        return len(self.workers)

    def set_offline(self, context, offline: bool) -> None:
        """Playwright's offline switch (pages and workers), then the profile again on the workers."""
        context.set_offline(offline)
        self.offline = offline
        for session in self.workers.values():
            self._send(session, "Network.emulateNetworkConditions", self.profile.conditions(offline))

    def _send(self, session: str, method: str, params: dict) -> None:
        message = json.dumps({"id": 1, "method": method, "params": params})
        try:
            self.session.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})
        except Exception:  # noqa: BLE001  (the worker target went away: it has nothing left to throttle)
            pass


def visit(context, url: str, throttle: Throttle, traffic: Traffic) -> tuple[object, dict]:
    """Open *url* in a new tab of *context*: (page, {fcp, dcl, load, title, controlled, shown, sent})."""
    from playwright.sync_api import Error as PlaywrightError

    page = context.new_page()
    throttle.page(page)
    mark = traffic.mark()
    try:
        page.goto(url, wait_until="load", timeout=120_000)
    except PlaywrightError as error:
        return page, {"shown": False, "error": str(error).splitlines()[0][:120]}
    try:
        page.wait_for_function(
            "() => performance.getEntriesByName('first-contentful-paint').length", timeout=5000
        )
    except PlaywrightError:
        pass  # nothing painted: fcp stays null
    sent = traffic.since(mark)  # until load (a worker's own later fetches are not in it)
    return page, {
        "shown": True,
        "saved_copy": page.locator(".ban-luu").count() > 0,  # the worker's copy, with its note
        **page.evaluate(TIMES),
        "sent": sum(x.body + x.headers for x in sent),
        "sent_files": {f"{x.status} {x.path}": x.body + x.headers for x in sent},
    }


AGE = """async () => {
  const urls = [location.href].concat(performance.getEntriesByType('resource').map((e) => e.name));
  await Promise.all(urls.filter((u) => u.startsWith(location.origin)).map(
    (u) => fetch(u, {cache: 'reload'}).then((r) => r.arrayBuffer()).catch(() => null)));
}"""


def age_copies(context, url: str, throttle: Throttle) -> None:
    """A day passes: the page and what it loaded are fetched again, past the service worker, while
    the server adds `Age: 86400`; the HTTP cache now holds copies past their max-age (the
    fingerprinted files stay fresh: a year). Not counted, but on the same profile: unthrottled
    fetches would tell Chromium's connection estimate (navigator.connection, which the worker
    reads) that the phone's network is fast."""
    page = context.new_page()
    throttle.page(page)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    page.goto(url, wait_until="load")
    page.evaluate(AGE)
    page.close()


def run_mode(
    browser, session, base: str, page_path: str, worker: bool, profile: Profile, traffic: Traffic
) -> dict:
    """One run of first visit, later, soon and offline in a fresh context."""
    context = browser.new_context(viewport=search_bytes.PHONE, service_workers="allow" if worker else "block")
    throttle = Throttle(session, profile)
    url = base + page_path
    try:
        mark = traffic.mark()
        page, first = visit(context, url, throttle, traffic)
        first["worker"] = page.evaluate(WORKER_READY, [5000, 120_000]) if worker else "blocked"
        throttle.workers_now()
        wait_quiet(traffic)
        sent = traffic.since(mark)
        first["bytes"] = summarize(sent)
        first["bytes_worker"] = sum(s.body for s in sent if s.fetched)
        page.close()
        results = {"first": first}
        traffic.age = LATER_AGE
        age_copies(context, url, throttle)
        # The profile again on the workers: closing the ageing tab drops its emulation, and with it
        # Chromium's connection estimate (navigator.connection, which the worker reads) went back
        # to the unthrottled loopback ('4g', rtt 100) until another emulation call.
        throttle.set_offline(context, False)
        throttle.workers_now()
        page, results["later"] = visit(context, url, throttle, traffic)
        page.close()
        throttle.set_offline(context, True)
        page, results["offline"] = visit(context, url, throttle, traffic)
        results["offline"]["same_page"] = results["offline"].get("title") == first.get("title")
        page.close()
        throttle.set_offline(context, False)
        traffic.age = 0  # the 304 says Age: 0: the copy is fresh for its max-age again
        page, _ = visit(context, url, throttle, traffic)
        page.close()
        traffic.age = None
        page, results["soon"] = visit(context, url, throttle, traffic)
        page.close()
        return results
    finally:
        traffic.age = None
        context.close()


def click_save(browser, base: str, coop_path: str, traffic: Traffic) -> dict | None:
    """Bytes of "Lưu để xem khi mất sóng" on *coop_path*; None when the page has no such button."""
    context = browser.new_context(viewport=search_bytes.PHONE)
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(base + coop_path, wait_until="load")
        worker = page.evaluate(WORKER_READY, [5000, 60_000])
        wait_quiet(traffic)
        button = page.get_by_role("button", name=SAVE_BUTTON)
        if not button.count():
            return None
        handle = button.first.element_handle()  # its text changes ("Lưu (khoảng 1,2 MB)"): keep the element
        mark = traffic.mark()
        estimate, clicks, status = None, 0, ""
        while clicks < 3 and "Đã lưu" not in status:
            handle.click()
            clicks += 1
            page.wait_for_function("b => !b.disabled", arg=handle, timeout=180_000)
            status = handle.evaluate("b => b.parentElement.innerText")
            found = re.search(r"khoảng ([\d.,]+\s?[KM]B)", status)
            estimate = estimate or (found.group(1) if found else None)
        wait_quiet(traffic)
        sent = summarize(traffic.since(mark))
        return {"bytes": sent["body"], "headers": sent["headers"], "responses": sent["responses"],
                "estimate": estimate, "saved": "Đã lưu" in status, "clicks": clicks, "worker": worker}  # fmt: skip
    finally:
        context.close()


def median(values: list) -> float | None:
    numbers = [v for v in values if isinstance(v, (int, float))]
    return round(statistics.median(numbers)) if numbers else None


def combine(runs: list[dict]) -> dict:
    """The runs of one mode: the median time of each visit, the first run's bytes."""
    out = {}
    for name in VISITS:
        visits = [run[name] for run in runs]
        out[name] = {
            "fcp_ms": median([v.get("fcp") for v in visits]),
            "dcl_ms": median([v.get("dcl") for v in visits]),
            "load_ms": median([v.get("load") for v in visits]),
            "shown": all(v.get("shown") for v in visits),
            "controlled": all(v.get("controlled") for v in visits),
            "sent": median([v.get("sent") for v in visits]),
            "saved_copy": sum(bool(v.get("saved_copy")) for v in visits),  # visits that showed it
        }
        if name == "offline":
            out[name]["shown"] = all(v.get("shown") and v.get("same_page") for v in visits)
    for name in ("later", "soon"):
        out[name]["sent_files"] = dict(sorted(runs[0][name].get("sent_files", {}).items()))
    out["first"]["bytes"] = runs[0]["first"]["bytes"]
    out["first"]["bytes_worker"] = runs[0]["first"]["bytes_worker"]
    out["first"]["worker"] = runs[0]["first"]["worker"]
    return out


def measure(site: Path, runs: int = 3, profile: Profile = TWO_G, save: bool = True) -> dict:
    """Every figure of one built folder (see the module docstring)."""
    check_build(site)
    coop, products = largest_cooperative(site)
    page_path = products[0]
    traffic = Traffic()
    with serve(site, handler=counting_handler(traffic)) as base, chromium() as (browser, session):
        modes = {
            mode: combine(
                [
                    run_mode(browser, session, base, page_path, mode == "worker", profile, traffic)
                    for _ in range(runs)
                ]
            )  # fmt: skip
            for mode in MODES
        }
        saved = click_save(browser, base, f"hop-tac-xa/{coop}/", traffic) if save else None
    return {
        "site": str(site),
        "page": page_path,
        "cooperative": {"slug": coop, "products": len(products)},
        "profile": {
            "name": profile.name,
            "latency_ms": profile.latency_ms,
            "down_Bps": profile.down,
            "up_Bps": profile.up,
            "cpu": profile.cpu,
        },  # fmt: skip
        "runs": runs,
        "modes": modes,
        "save": saved,
    }


# ------------------------------------------------------------------------------------ reporting


def compare(new: dict, old: dict | None) -> dict:
    """The issue's targets: extra first-visit bytes (with the worker allowed) and shown in < 1 s."""
    worker = new["modes"]["worker"]
    out = {
        "shown_later_ms": worker["later"]["fcp_ms"],
        "shown_offline_ms": worker["offline"]["fcp_ms"] if worker["offline"]["shown"] else None,
        "shown_target_ms": SHOWN_TARGET_MS,
    }
    shown = (out["shown_later_ms"], out["shown_offline_ms"])
    out["shown_met"] = all(v is not None and v < SHOWN_TARGET_MS for v in shown)  # offline and on 2G
    if old is None:
        return out
    if old["page"] != new["page"]:
        raise BenchError(f"the two folders differ in the page measured: {old['page']} and {new['page']}")
    before, after = old["modes"]["worker"]["first"]["bytes"], worker["first"]["bytes"]
    files = sorted(set(before["files"]) | set(after["files"]))
    changed = {
        f: after["files"].get(f, 0) - before["files"].get(f, 0)
        for f in files
        if after["files"].get(f, 0) != before["files"].get(f, 0)
    }
    out.update(
        extra_body=after["body"] - before["body"],
        extra_headers=after["headers"] - before["headers"],
        extra_responses=after["responses"] - before["responses"],
        extra_target=FIRST_VISIT_TARGET,
        extra_met=after["body"] - before["body"] < FIRST_VISIT_TARGET,
        changed_files=changed,
    )
    return out


def fmt_bytes(value) -> str:
    if value is None:
        return "—"
    return f"{value:,} B" if abs(value) < 10 * KB else f"{value / KB:,.1f} KB"


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:,} ms"


def fmt_change(new, old, unit) -> str:
    if new is None or old is None:
        return ""
    delta = new - old
    text = {"B": fmt_bytes, "ms": fmt_ms}.get(unit, lambda v: f"{v:,}")(delta)
    return ("+" if delta > 0 else "") + text


def rows(result: dict) -> list[tuple[str, object, str]]:
    """(label, value, unit 'B' | 'ms' | 'text') in a fixed order."""
    out = []
    first = result["modes"]["worker"]["first"]
    out += [
        ("First visit: bodies sent (encoded)", first["bytes"]["body"], "B"),
        (
            "First visit: of which fetched by scripts and the worker (sw.js, fetch())",
            first["bytes_worker"],
            "B",
        ),
        ("First visit: status lines and headers", first["bytes"]["headers"], "B"),
        ("First visit: responses", first["bytes"]["responses"], "n"),
    ]
    for mode, label in (("worker", "with worker"), ("no-worker", "no worker")):
        visits = result["modes"][mode]
        for name, what in (
            ("first", "first visit"),
            ("later", "repeat a day later"),
            ("soon", "repeat within 5 min"),
        ):
            out.append(
                (f"{what.capitalize()}, {label}: first contentful paint", visits[name]["fcp_ms"], "ms")
            )
            out.append((f"{what.capitalize()}, {label}: load", visits[name]["load_ms"], "ms"))
            if name != "first":
                out.append(
                    (
                        f"{what.capitalize()}, {label}: bytes until load (headers too)",
                        visits[name]["sent"],
                        "B",
                    )
                )
        offline = visits["offline"]
        out.append(
            (
                f"Offline, {label}: first contentful paint",
                offline["fcp_ms"] if offline["shown"] else None,
                "ms",
            )
        )
    save = result["save"]
    out.append(("“Lưu để xem khi mất sóng”: bytes downloaded", save["bytes"] if save else None, "B"))
    out.append(
        ("“Lưu để xem khi mất sóng”: size the page announced", save["estimate"] if save else None, "text")
    )
    return out


def fmt(value, unit) -> str:
    if unit == "B":
        return fmt_bytes(value)
    if unit == "ms":
        return fmt_ms(value)
    if value is None:
        return "not available" if unit == "text" else "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


def to_markdown(new: dict, old: dict | None = None) -> str:
    comparison = compare(new, old)
    profile = TWO_G if new["profile"]["name"] == TWO_G.name else Profile(**{
        "name": new["profile"]["name"], "latency_ms": new["profile"]["latency_ms"],
        "down": new["profile"]["down_Bps"], "up": new["profile"]["up_Bps"], "cpu": new["profile"]["cpu"]})  # fmt: skip
    lines = [
        f"Page: /{new['page']} (first product of the largest cooperative, {new['cooperative']['slug']}, "
        f"{new['cooperative']['products']} products). Profile {profile.describe()}; median of {new['runs']} run(s).",
        "",
    ]
    if old is None:
        lines += ["| measure | value |", "| --- | ---: |"]
        lines += [f"| {label} | {fmt(value, unit)} |" for label, value, unit in rows(new)]
    else:
        lines += [
            f"| measure | before ({old['site']}) | after ({new['site']}) | change |",
            "| --- | ---: | ---: | ---: |",
        ]
        for (label, after, unit), (_, before, _) in zip(rows(new), rows(old), strict=True):
            lines.append(
                f"| {label} | {fmt(before, unit)} | {fmt(after, unit)} | {fmt_change(after, before, unit)} |"
            )
    lines.append("")
    shown = comparison["shown_later_ms"], comparison["shown_offline_ms"]
    lines.append(
        f"Target “a visited page shows in under 1 s offline or on 2G” (with the worker): a day later on 2G "
        f"{fmt_ms(shown[0])}, offline {fmt_ms(shown[1]) if shown[1] is not None else 'not shown'}: "
        f"{'met' if comparison['shown_met'] else 'not met'}."
    )
    if old is not None:
        lines.append(
            f"Target “a first visit costs under 3 KB gzip more”: {fmt_change(new_first(new), new_first(old), 'B') or '0 B'} "
            f"in bodies ({comparison['extra_responses']:+d} responses, {comparison['extra_headers']:+,} B of headers): "
            f"{'met' if comparison['extra_met'] else 'not met'}."
        )
        if comparison["changed_files"]:
            lines += ["", "| file (fingerprint removed) | change |", "| --- | ---: |"]
            lines += [f"| {f} | {fmt_change(d, 0, 'B')} |" for f, d in comparison["changed_files"].items()]
    return "\n".join(lines) + "\n"


def new_first(result: dict) -> int:
    return result["modes"]["worker"]["first"]["bytes"]["body"]


def to_json(new: dict, old: dict | None = None) -> str:
    return json.dumps({"version": 1, "after": new, "before": old, "targets": compare(new, old)},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"  # fmt: skip


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built output folder")
    parser.add_argument("--baseline", type=Path, help="an older build to compare with")
    parser.add_argument("--runs", type=int, default=3, help="runs per mode; times are the median")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        for folder in filter(None, (args.site, args.baseline)):
            check_build(folder)
        old = measure(args.baseline, args.runs) if args.baseline else None
        new = measure(args.site, args.runs)
        markdown = to_markdown(new, old)
    except BenchError as error:
        print(f"phone_bench: {error}", file=sys.stderr)
        return 2
    print(markdown, end="")
    if args.json:
        args.json.write_text(to_json(new, old), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
