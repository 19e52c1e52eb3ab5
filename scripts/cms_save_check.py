#!/usr/bin/env python3
"""Open every cooperative and product in the real Decap CMS, change its name, save: did only that line change?

Issue 18's measure of the CMS forms. Runs Decap CMS (the version /admin/ pins, from npm) in
Debian's Chromium through Playwright, against `decap-server` (Decap's local backend, file-system
mode) on a throw-away git copy of CONTENT_DIR, with the /admin/config.yml that chophien/cms.py
generates (publish mode "simple": decap-server's file-system mode has no editorial workflow).
For each entry: open the form, append " x" to the name, publish, and compare the file with git:
the one name line must be the only change. Prints the count and each entry that failed.

    python scripts/cms_save_check.py [CONTENT_DIR] [--first N] [--width 1280]

Needs node/npm (installs decap-server and packs decap-cms into .cache/cms-check/ once).
At 360 px Decap's publish button is off-screen, so the default width is a desktop's.
"""

from __future__ import annotations

import argparse
import http.server
import shutil
import socketserver
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chophien.cms import DECAP_VERSION, admin_html, config  # noqa: E402

DECAP_SERVER_VERSION = "3.11.3"


def _tools(cache: Path) -> tuple[Path, Path]:
    """(decap-server entry script, folder with decap-cms's dist files), installed once."""
    cache.mkdir(parents=True, exist_ok=True)
    server = cache / "node_modules/decap-server/dist/index.js"
    if not server.exists():
        subprocess.run(
            ["npm", "install", "--prefix", str(cache), "--no-audit", "--no-fund", f"decap-server@{DECAP_SERVER_VERSION}"],
            check=True, capture_output=True,
        )  # fmt: skip
    dist = cache / f"decap-cms-{DECAP_VERSION}"
    if not (dist / "package/dist/decap-cms.js").exists():
        packed = subprocess.run(
            ["npm", "pack", f"decap-cms@{DECAP_VERSION}", "--pack-destination", str(cache)],
            check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]  # fmt: skip
        with tarfile.open(cache / packed) as archive:
            archive.extractall(dist, filter="data")
    return server, dist / "package/dist"


def _admin(folder: Path, dist: Path, cooperatives: list[tuple[str, str]]) -> None:
    folder.mkdir(parents=True)
    for script in dist.glob("*.js"):
        shutil.copy(script, folder / script.name)
    settings = config(cooperatives, {})
    settings.pop("publish_mode")
    (folder / "config.yml").write_text(
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    html = admin_html().split("<script ")[0] + '<script src="decap-cms.js"></script>\n</body>\n</html>\n'
    (folder / "index.html").write_text(html, encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path, port: int) -> socketserver.TCPServer:
    handler = lambda *a: _Quiet(*a, directory=str(folder))  # noqa: E731
    socketserver.TCPServer.allow_reuse_address = True
    httpd = socketserver.TCPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True).stdout


def check(content: Path, first: int | None, width: int) -> int:
    from playwright.sync_api import sync_playwright

    server_js, dist = _tools(ROOT / ".cache/cms-check")
    work = Path(tempfile.mkdtemp(prefix="cms-check-"))
    repo = work / "repo"
    shutil.copytree(content, repo / "content")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=check", "-c", "user.email=check@invalid", "commit", "-qm", "start")
    coops = [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["name"])
             for p in sorted((repo / "content/cooperatives").glob("*.md"))]  # fmt: skip
    _admin(work / "admin", dist, coops)
    entries = [(f"hop-tac-xa/entries/{p.stem}", p, "Tên đầy đủ của hợp tác xã / cơ sở")
               for p in sorted((repo / "content/cooperatives").glob("*.md"))]  # fmt: skip
    entries += [(f"san-pham-{p.parent.name}/entries/{p.stem}", p, "Tên sản phẩm")
                for p in sorted((repo / "content/products").glob("*/*.md"))]  # fmt: skip
    entries = entries[:first] if first else entries
    backend = subprocess.Popen(
        ["node", str(server_js)], env={"PATH": "/usr/bin:/bin", "GIT_REPO_DIRECTORY": str(repo), "PORT": "8081"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    good, bad = 0, []
    httpd = None
    try:
        httpd = _serve(work / "admin", 8765)
        time.sleep(2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto("http://localhost:8765/index.html")
            page.get_by_role("button").first.click()
            page.wait_for_timeout(1500)
            for route, path, label in entries:
                rel = str(path.relative_to(repo))
                try:
                    page.goto(f"http://localhost:8765/index.html#/collections/{route}")
                    page.reload()
                    field = page.get_by_label(label, exact=True).first
                    field.wait_for(timeout=8000)
                    page.wait_for_timeout(500)
                    field.fill(field.input_value() + " x")
                    page.get_by_text("Công bố", exact=True).first.click()
                    page.get_by_text("Công bố ngay").first.click()
                    for _ in range(25):
                        time.sleep(0.2)
                        if _git(repo, "diff", "--numstat", "--", rel):
                            break
                    time.sleep(0.5)
                    diff = _git(repo, "diff", "-U0", "--", rel).splitlines()
                    changed = [
                        line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))
                    ]
                    if (
                        len(changed) == 2
                        and changed[0].startswith("-name: ")
                        and changed[1] == "+" + changed[0][1:] + " x"
                    ):
                        good += 1
                    else:
                        bad.append((rel, changed[:4] or ["not saved (the form refused it)"]))
                except Exception as error:  # a form that never opened
                    bad.append((rel, [f"{type(error).__name__}: {str(error).splitlines()[0]}"]))
                _git(repo, "checkout", "-q", "--", "content")
                _git(repo, "clean", "-qfd", "--", "content")
            browser.close()
    finally:
        if httpd is not None:
            httpd.shutdown()
        backend.terminate()
        backend.wait()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{good} of {len(entries)} entries saved with only the edited line changed (Decap {DECAP_VERSION}, {width} px)"
    )
    for rel, changed in bad:
        print(f"  {rel}: {' | '.join(changed)}")
    return 0 if good == len(entries) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content_dir", nargs="?", default=str(ROOT / "content"))
    parser.add_argument("--first", type=int, help="only the first N entries (cooperatives come first)")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    return check(Path(args.content_dir), args.first, args.width)


if __name__ == "__main__":
    sys.exit(main())
