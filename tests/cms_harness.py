"""Drive the real /admin/ CMS in a browser against a throw-away git repository (docs/cms.md).

Used by tests/volunteer/test_cms_e2e.py and runnable by hand for the figures in docs/cms.md:

    python tests/cms_harness.py roundtrip [--width 360] [--limit N] [--kind products|cooperatives]
    python tests/cms_harness.py slowphone        # /admin/ to an editable form, slow phone emulated
    python tests/cms_harness.py screenshot DIR   # login, list and form at 360 px and 1280 px

What runs: the CMS bundle from cms/node_modules (npm, pinned in cms/package-lock.json),
`decap-server` (Decap's documented local backend) in *git* mode on a copy of content/ made into
a git repository, so every save goes through the editorial workflow: a `cms/<collection>/<slug>`
branch per entry, as a pull request would be on GitHub. Debian's Chromium, driven by Playwright.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import search_bytes  # noqa: E402

CMS_DIR = ROOT / "cms"
NODE_MODULES = CMS_DIR / "node_modules"
DECAP_SERVER = NODE_MODULES / "decap-server" / "dist" / "index.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
GIT = ["git", "-c", "user.name=Chợ phiên CMS test", "-c", "user.email=cms@chophien.invalid"]


def installed() -> bool:
    return DECAP_SERVER.is_file() and (NODE_MODULES / "decap-cms" / "dist" / "decap-cms.js").is_file()


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(target: Path, content: Path = ROOT / "content") -> Path:
    """A git repository holding a copy of *content* as content/, one commit on main.

    With the project's `.gitattributes` and, where git-lfs is installed, Git LFS set up in the
    repository: new photos go to LFS as in the real one (docs/scale.md §3).
    """
    target.mkdir(parents=True)
    shutil.copytree(content, target / "content")
    shutil.copyfile(ROOT / ".gitattributes", target / ".gitattributes")
    git(target, "init", "-q", "-b", "main")
    if shutil.which("git-lfs"):
        git(target, "lfs", "install", "--local")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "sample content")
    return target


def cooperatives(content: Path) -> list[tuple[str, str]]:
    """[(slug, name)] of the cooperatives, as the build passes them to write_admin."""
    from chophien.catalogue.loader import load_catalogue
    from chophien.core.text import collation_key

    catalogue, _problems, _ = load_catalogue(content)
    coops = sorted(catalogue.cooperatives.values(), key=lambda c: collation_key(c.name))
    return [(c.slug, c.name) for c in coops]


def build_admin(site: Path, content: Path, proxy_port: int) -> Path:
    """output/admin/ as the build writes it, with the local backend pointed at *proxy_port*."""
    from chophien.core.settings import Settings
    from chophien.volunteer.cms import write_admin

    write_admin(site, cooperatives(content), Settings(sitename="Chợ phiên"))
    config_path = site / "admin" / "config.yml"
    text = config_path.read_text(encoding="utf-8")
    assert "\nlocal_backend: true\n" in text, "the generated config must enable the local backend"
    text = text.replace(
        "\nlocal_backend: true\n", f"\nlocal_backend:\n  url: http://127.0.0.1:{proxy_port}/api/v1\n"
    )
    config_path.write_text(text, encoding="utf-8")
    return site / "admin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def decap_server(repo: Path, port: int, mode: str = "git"):
    """`decap-server` on 127.0.0.1:*port* serving *repo* (git mode: editorial workflow branches)."""
    env = {
        **os.environ,
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MODE": mode,
        "GIT_REPO_DIRECTORY": str(repo),
        "LOG_LEVEL": "error",
    }
    log = (repo.parent / "decap-server.log").open("w")
    proc = subprocess.Popen(["node", str(DECAP_SERVER)], cwd=repo, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "decap-server did not start: " + (repo.parent / "decap-server.log").read_text()
                )
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Setup:
    repo: Path
    base: str  # the site's address; /admin/ below it
    traffic: search_bytes.Traffic
    proxy: str  # decap-server's API address


@contextlib.contextmanager
def cms_site(workdir: Path, content: Path = ROOT / "content"):
    """The whole rig: repository, decap-server, built /admin/ served over HTTP."""
    repo = make_repo(workdir / "repo", content)
    port = free_port()
    site = workdir / "site"
    build_admin(site, repo / "content", port)
    with decap_server(repo, port) as proxy, search_bytes.serve(site) as (base, traffic):
        yield Setup(repo, base, traffic, proxy)


@contextlib.contextmanager
def browser(viewport: dict = PHONE):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=search_bytes.CHROMIUM, args=search_bytes.CHROMIUM_ARGS
        )
        try:
            context = chromium.new_context(viewport=viewport, locale="vi-VN")
            yield context
        finally:
            chromium.close()


def login(page, base: str) -> None:
    """Open /admin/ and enter through the local backend's login button."""
    page.goto(f"{base}/admin/")
    page.get_by_role("button", name="Đăng nhập").click(timeout=60_000)
    page.wait_for_selector("text=Hợp tác xã", timeout=60_000)


def collection_of(path: str) -> str:
    """The CMS collection of a content path: content/cooperatives/x.md or content/products/<coop>/x.md."""
    parts = Path(path).parts
    return "hop-tac-xa" if parts[1] == "cooperatives" else f"san-pham-{parts[2]}"


def entry_url(base: str, path: str) -> str:
    return f"{base}/admin/#/collections/{collection_of(path)}/entries/{Path(path).stem}"


def open_entry(page, base: str, path: str, timeout: float = 30_000) -> None:
    """Open *path*'s form through its collection's list, as a volunteer does: going from one
    form straight to another by address keeps the first one's validation errors in Decap."""
    page.goto(f"{base}/admin/#/collections/{collection_of(path)}")
    page.wait_for_selector("[class*=ListCard], [class*=GridCard], a[href*='/entries/']", timeout=timeout)
    page.goto(entry_url(base, path))
    page.wait_for_selector("input[id^='name-field']", timeout=timeout)


def errors_shown(page) -> list[str]:
    """Every validation message Decap shows in the form (including in collapsed objects)."""
    return page.eval_on_selector_all(
        "[class*=ControlErrorsList] li", "items => items.map(li => li.textContent.trim())"
    )


SAVED = "Mục đã được lưu"  # Decap's vi toast after a save (ui.toast.entrySaved)


def save(page, timeout: float = 30_000) -> tuple[bool, list[str]]:
    """Press the toolbar's save button; (saved, validation messages shown if refused)."""
    page.locator("button[class*=SaveButton]").first.click(timeout=timeout)
    page.wait_for_function(
        """saved => document.body.innerText.includes(saved)
            || document.querySelector('[class*=ControlErrorsList] li')""",
        arg=SAVED,
        timeout=timeout,
    )
    errors = errors_shown(page)
    if errors:
        return False, errors
    page.wait_for_selector("text=Thay đổi đã được lưu", timeout=timeout)  # the toolbar's status
    return True, []


def dismiss_toasts(page) -> None:
    page.evaluate("() => document.querySelectorAll('.Toastify__toast').forEach(t => t.remove())")


def touch_name(page, suffix: str = " x") -> None:
    """The smallest edit a volunteer makes: append to the name (Decap saves nothing unchanged)."""
    name = page.locator("input[id^='name-field']").first
    name.click()
    name.press("End")
    name.press_sequentially(suffix)


@dataclass
class Roundtrip:
    """One entry opened, its name touched and saved. state: intact (only the name line changed),
    restyled (same data as the loader reads it, other lines rewritten: list style, quotes, lost
    comments), changed (data differs), refused (the form would not save), closed (did not open)."""

    path: str
    state: str = "closed"
    detail: str = ""
    after: bytes | None = None

    @property
    def kept(self) -> bool:
        return self.state in ("intact", "restyled")

    def line(self) -> str:
        return f"{self.state:9} {self.path}  {self.detail}".rstrip()


def _diff(before: bytes, after: bytes) -> list[str]:
    import difflib

    old, new = before.decode("utf-8").splitlines(), after.decode("utf-8").splitlines()
    return [
        d for d in difflib.unified_diff(old, new, lineterm="", n=0) if not d.startswith(("---", "+++", "@@"))
    ]


def compare(before: bytes, after: bytes, suffix: str = " x") -> tuple[str, str]:
    """(state, detail) of a saved file against the original whose name got *suffix*."""
    from chophien.formats.strictyaml import parse_front_matter

    diff = _diff(before, after)
    removed = [d[1:] for d in diff if d.startswith("-")]
    added = [d[1:] for d in diff if d.startswith("+")]
    if (
        len(removed) == len(added) == 1
        and removed[0].startswith("name:")
        and added[0].startswith("name:")
        and yaml.safe_load(added[0])["name"] == str(yaml.safe_load(removed[0])["name"]) + suffix
    ):
        return "intact", ""
    old, new = parse_front_matter(before), parse_front_matter(after)
    expected = {**old.data, "name": old.data.get("name", "") + suffix}
    if dict(new.data) == expected and new.body == old.body:
        comments = sum(1 for line in removed if line.lstrip().startswith("#"))
        return "restyled", (f"{comments} comment lines lost; " if comments else "") + " | ".join(diff[:6])
    return "changed", " | ".join(diff[:10]) or "(nothing written)"


def roundtrip_entry(page, setup: Setup, path: str, timeout: float = 30_000) -> Roundtrip:
    """Open *path* in the CMS, append to its name, save through the editorial workflow, compare."""
    result = Roundtrip(path)
    before = (setup.repo / path).read_bytes()
    try:
        open_entry(page, setup.base, path, timeout)
    except Exception as error:  # noqa: BLE001 - reported per entry
        result.detail = type(error).__name__
        return result
    touch_name(page)
    try:
        saved, errors = save(page, timeout)
    except Exception as error:  # noqa: BLE001
        result.state, result.detail = "refused", f"save: {type(error).__name__}"
        return result
    finally:
        dismiss_toasts(page)
    if not saved:
        result.state, result.detail = "refused", "; ".join(dict.fromkeys(errors))
        return result
    result.after = branch_file(setup.repo, path)
    if result.after is None:
        result.state, result.detail = "changed", "no editorial-workflow branch"
        return result
    result.state, result.detail = compare(before, result.after)
    return result


def validate_saved(repo: Path, results: list[Roundtrip], workdir: Path) -> list[str]:
    """Errors `chophien validate` finds in the saved files (put into a copy of the content)."""
    from chophien.catalogue.loader import load_catalogue

    check = workdir / "validate"
    shutil.copytree(repo / "content", check)
    for result in results:
        if result.after is not None:
            (check / Path(result.path).relative_to("content")).write_bytes(result.after)
    _catalogue, problems, _ = load_catalogue(check)
    return [f"{p.path}:{p.line}: {p.field}: {p.message_vi}" for p in problems.errors]


def branch_file(repo: Path, path: str) -> bytes | None:
    """The file *path* as the editorial workflow's branch for its entry holds it (None: no branch)."""
    branch = f"cms/{collection_of(path)}/{Path(path).stem}"
    branches = git(repo, "branch", "--list", branch).strip()
    if not branches:
        return None
    return subprocess.run(
        [*GIT, "show", f"{branch}:{path}"], cwd=repo, check=True, capture_output=True
    ).stdout


def content_paths(content: Path, kind: str) -> list[str]:
    folder = content / kind
    files = sorted(folder.glob("*.md") if kind == "cooperatives" else folder.glob("*/*.md"))
    return [f"content/{p.relative_to(content).as_posix()}" for p in files]


SLOW_PHONE = {  # a slow 3G-class phone: ~1.6 Mbps down, 150 ms latency, CPU 4× slower
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}


def slow_phone_timings(setup: Setup, path: str) -> dict[str, float]:
    """Seconds on an emulated slow phone, cold cache, for an editor already signed in: /admin/ to
    the list of collections, and an entry's address to its editable form; with the bytes sent."""
    timings = {}
    with browser(PHONE) as context:
        page = context.new_page()
        login(page, setup.base)  # once, unthrottled: the sign-in is kept in localStorage
        page.close()
        for what, url, selector in (
            ("admin_to_list_s", f"{setup.base}/admin/", "a[href*='#/collections/san-pham-']"),
            ("entry_to_form_s", entry_url(setup.base, path), "input[id^='name-field']"),
        ):
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            cdp.send("Network.emulateNetworkConditions", SLOW_PHONE)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            mark = setup.traffic.mark()
            started = time.monotonic()
            page.goto(url, wait_until="commit", timeout=180_000)
            page.locator(selector).first.wait_for(state="visible", timeout=180_000)
            assert what != "entry_to_form_s" or page.locator(selector).first.is_editable()
            timings[what] = round(time.monotonic() - started, 1)
            timings[what.replace("_s", "_bytes")] = sum(size for _, size in setup.traffic.since(mark))
            page.close()
    return timings


def main(argv: list[str]) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["roundtrip", "screenshot", "slowphone"])
    parser.add_argument("out", nargs="?", default="cms-shots")
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--kind", default="products")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="content folder to copy")
    args = parser.parse_args(argv[1:])
    viewport = PHONE if args.width == 360 else {"width": args.width, "height": 900}
    if args.what == "slowphone":
        with tempfile.TemporaryDirectory() as tmp, cms_site(Path(tmp), args.content) as setup:
            path = content_paths(setup.repo / "content", "products")[0]
            print(slow_phone_timings(setup, path))
        return 0
    with (
        tempfile.TemporaryDirectory() as tmp,
        cms_site(Path(tmp), args.content) as setup,
        browser(viewport) as context,
    ):
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "leave with unsaved changes?"
        if args.what == "screenshot":
            out = Path(args.out)
            out.mkdir(exist_ok=True)
            page.goto(f"{setup.base}/admin/")
            page.wait_for_timeout(4000)
            page.screenshot(path=out / f"login-{args.width}.png")
            login(page, setup.base)
            page.screenshot(path=out / f"list-{args.width}.png")
            path = content_paths(setup.repo / "content", "products")[0]
            open_entry(page, setup.base, path)
            page.wait_for_timeout(1500)
            page.screenshot(path=out / f"form-{args.width}.png")
            page.screenshot(path=out / f"form-full-{args.width}.png", full_page=True)
            return 0
        if args.what == "roundtrip":
            login(page, setup.base)
            paths = content_paths(setup.repo / "content", args.kind)
            if args.limit:
                paths = paths[: args.limit]
            started = time.monotonic()
            results = []
            for path in paths:
                results.append(roundtrip_entry(page, setup, path))
                print(results[-1].line(), flush=True)
            states = {
                s: sum(r.state == s for r in results)
                for s in ("intact", "restyled", "changed", "refused", "closed")
            }
            print(
                f"{states['intact'] + states['restyled']} of {len(paths)} {args.kind} open and save "
                f"with their data intact {states} ({time.monotonic() - started:.0f} s, {args.width} px)"
            )
            print("validate:", validate_saved(setup.repo, results, Path(tmp)) or "clean")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    sys.exit(main(sys.argv))
