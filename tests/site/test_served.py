"""The published site, served by Debian's nginx running as another user: every file of it works.

`make publish` (production build, then scripts/publish.py) into a folder nginx's `www-data`
worker can reach; then over HTTP: every sitemap URL, every photo/script/stylesheet/font/icon the
pages and the CSS reference, every file of the release, and every precompressed sibling.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import brotli
import pytest
from conftest import ROOT, TODAY

pytestmark = pytest.mark.build

SITEURL = "https://chophien.example.vn"
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
WORKER_USER = "www-data"
TYPES = {  # what a browser needs to see (nosniff): extension → Content-Type without parameters
    ".html": {"text/html"},
    ".css": {"text/css"},
    ".js": {"application/javascript", "text/javascript"},
    ".svg": {"image/svg+xml"},
    ".jpg": {"image/jpeg"},
    ".webp": {"image/webp"},
    ".avif": {"image/avif"},
    ".png": {"image/png"},
    ".ico": {"image/x-icon", "image/vnd.microsoft.icon"},
    ".woff2": {"font/woff2"},
    ".woff": {"font/woff"},
    ".xml": {"text/xml", "application/xml"},
    ".atom": {"application/atom+xml"},
    ".json": {"application/json"},
    ".webmanifest": {"application/manifest+json"},
    ".txt": {"text/plain"},
}


def require(condition: bool, why: str) -> None:
    """CI has everything (.ci/run installs it): there a missing piece fails; elsewhere it skips."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{why}: .ci/run installs it, so on CI this is a failure, not a skip")
    pytest.skip(why)


def has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def docs_server_block() -> str:
    text = (ROOT / "docs/publishing.md").read_text(encoding="utf-8")
    return re.search(r"```nginx\n(.*?)```", text, re.S).group(1)


def nginx_config(root: Path, port: int, logs: Path, brotli_static: bool) -> str:
    """The documented server block, on 127.0.0.1:<port> with root <root>, in a minimal main config."""
    server = docs_server_block()
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};")
    server = server.replace("root /srv/chophien/current;", f"root {root};")
    if brotli_static:
        server = server.replace("# brotli_static on;", "brotli_static on;")
    temp = "\n".join(
        f"    {kind}_temp_path {logs / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        (f"load_module {BROTLI_MODULE};\n" if brotli_static else "")
        + f"user {WORKER_USER};\nworker_processes 1;\ndaemon off;\npid {logs / 'nginx.pid'};\n"
        + f"error_log {logs / 'error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        + "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        + f"    access_log off;\n{temp}\n{server}}}\n"
    )


def worker_users(master: int) -> set[str]:
    users = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields["PPid"]) == master:
            users.add(pwd.getpwuid(int(fields["Uid"].split()[1])).pw_name)
    return users


@pytest.fixture(scope="module")
def served(tmp_path_factory, request):
    """(http connection factory, release folder): the sample site published and served by nginx."""
    require(NGINX is not None, "nginx is not installed (Debian: apt-get install nginx)")
    require(os.geteuid() == 0, "nginx must start as root to run its workers as another user")
    require(has_user(WORKER_USER), f"no user {WORKER_USER}")
    require(shutil.which("make") is not None, "make is not installed")
    brotli_static = BROTLI_MODULE.exists()
    require(brotli_static, "libnginx-mod-http-brotli-static is not installed")
    work = tmp_path_factory.mktemp("served")  # 0700: build output and logs, root only
    # The publish target must be reachable by www-data: pytest's own folders are 0700.
    base = Path(tempfile.mkdtemp(prefix="chophien-served-", dir="/tmp"))
    base.chmod(0o755)
    try:
        target = base / "host"
        outer_make = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")  # under `make test`
        env = dict(
            {name: value for name, value in os.environ.items() if name not in outer_make},
            CHOPHIEN_TODAY=TODAY,
            # the sample's photos are encoded once per run: share the development build's cache
            CHOPHIEN_CACHE_PATH=str(request.getfixturevalue("built_demo").parent / ".cache"),
            CHOPHIEN_SITEURL=SITEURL,
        )
        # `make publish` itself (the test's interpreter; the venv's install stamp left alone), under
        # umask 077: every file the build writes is private unless publishing makes it readable.
        result = subprocess.run(
            [
                "make",
                "-C",
                str(ROOT),
                "-o",
                ".venv/.installed",
                "publish",
                f"PELICAN={sys.executable} -m pelican",
                f"BIN={Path(sys.executable).parent}",
                f"INPUTDIR={ROOT / 'content'}",
                f"OUTPUTDIR={work / 'output'}",
                f"PUBLISH_TARGET={target}",
            ],
            env=env,
            capture_output=True,
            text=True,
            preexec_fn=lambda: os.umask(0o077),
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "current → releases/" in result.stdout
        release = (target / "current").resolve()
        with running_nginx(target / "current", work / "nginx", brotli_static) as connect:
            yield connect, release
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def running_nginx(root: Path, logs: Path, brotli_static: bool):
    """Debian's nginx serving *root* with the documented server block on a free port of 127.0.0.1,
    its worker running as www-data (the files are read as another user): yields a connection maker."""
    port = free_port()
    logs.mkdir()
    config = logs / "nginx.conf"
    config.write_text(nginx_config(root, port, logs, brotli_static))
    process = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(logs), "-e", str(logs / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx did not start: {process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not listen within 15 s"
                time.sleep(0.05)
        assert worker_users(process.pid) == {WORKER_USER}
        yield lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=10)


class Client:
    """GETs over one keep-alive connection; remembers every failure instead of stopping at the first."""

    def __init__(self, connect):
        self.connect = connect
        self.connection = connect()
        self.failures: list[str] = []
        self.count = 0

    def get(self, path: str, encoding: str | None = None) -> http.client.HTTPResponse | None:
        headers = {"Host": urlsplit(SITEURL).hostname, "Accept-Encoding": encoding or "identity"}
        for attempt in range(2):
            try:
                self.connection.request("GET", path, headers=headers)
                response = self.connection.getresponse()
                response.body = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = self.connect()
                if attempt:
                    raise
        self.count += 1
        return response

    def check(
        self, path: str, expected: bytes, suffix: str, encoding: str | None = None, sent: bytes | None = None
    ):
        """GET *path*: 200, the right type, and *sent* (default: *expected*) as the body."""
        response = self.get(path, encoding)
        what = f"{path}" + (f" (Accept-Encoding: {encoding})" if encoding else "")
        if response.status != 200:
            self.failures.append(f"{what}: HTTP {response.status}")
            return
        body = sent if sent is not None else expected
        if response.body != body:
            self.failures.append(f"{what}: {len(response.body)} bytes, not the {len(body)} on disk")
        if encoding and response.getheader("Content-Encoding") != encoding:
            self.failures.append(f"{what}: Content-Encoding {response.getheader('Content-Encoding')}")
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip()
        if suffix in TYPES and kind not in TYPES[suffix]:
            self.failures.append(f"{what}: Content-Type {kind}, expected {sorted(TYPES[suffix])}")


class References(HTMLParser):
    """Every URL a page loads or links as a resource: img/source (src, srcset), script, link, og:image."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("img", "source", "script", "video", "audio", "iframe") and attrs.get("src"):
            self.urls.append(attrs["src"])
        for name in ("srcset", "imagesrcset"):
            if attrs.get(name):
                self.urls += [part.strip().split()[0] for part in attrs[name].split(",") if part.strip()]
        if tag == "link" and attrs.get("href") and attrs.get("rel") != "canonical":
            self.urls.append(attrs["href"])
        if (
            tag == "meta"
            and attrs.get("property", "").startswith("og:image")
            and attrs.get("content", "").startswith("http")
        ):
            self.urls.append(attrs["content"])
        if tag == "object" and attrs.get("data"):
            self.urls.append(attrs["data"])


def site_path(url: str, base: str) -> str | None:
    """The path on this site of a URL found at *base*, or None for another site."""
    absolute = urljoin(base, url)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}" != SITEURL:
        return None
    return parts.path or "/"


def file_of(release: Path, path: str) -> Path:
    local = release / unquote(path).lstrip("/")
    return local / "index.html" if path.endswith("/") else local


def test_every_file_of_the_published_site_is_served_by_nginx_as_another_user(served):
    connect, release = served
    client = Client(connect)

    # 1. every page in the sitemap
    sitemap = (release / "sitemap.xml").read_bytes()
    client.check("/sitemap.xml", sitemap, ".xml")
    pages = re.findall(r"<loc>([^<]+)</loc>", sitemap.decode())
    assert len(pages) > 100, len(pages)
    assets: dict[str, str] = {}
    for url in pages:
        path = site_path(url, SITEURL + "/")
        assert path is not None, url
        page = file_of(release, path)
        client.check(path, page.read_bytes(), ".html")
        parser = References()
        parser.feed(page.read_text(encoding="utf-8"))
        for reference in parser.urls:
            found = site_path(reference, SITEURL + path)
            if found is not None:
                assets.setdefault(found, url)

    # 2. every photo, script, stylesheet, icon, feed they reference, and what the CSS loads (fonts)
    for css in [p for p in list(assets) if p.endswith(".css")]:
        text = file_of(release, css).read_text(encoding="utf-8")
        for reference in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
            if not reference.startswith("data:"):
                found = site_path(reference, SITEURL + css)
                if found is not None:
                    assets.setdefault(found, css)
    kinds = {Path(p).suffix for p in assets}
    assert {".css", ".js", ".jpg", ".webp", ".avif"} <= kinds, kinds
    for path, referrer in sorted(assets.items()):
        local = file_of(release, path)
        if not local.is_file():
            client.failures.append(f"{path} (from {referrer}): not in the release")
            continue
        client.check(path, local.read_bytes(), Path(local.name).suffix)

    # 3. every file of the release by its own path (dot files are refused on purpose)
    files = [
        p
        for p in release.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(release).parts)
    ]
    for local in files:
        relative = local.relative_to(release).as_posix()
        client.check("/" + quote(relative), local.read_bytes(), Path(relative).suffix)

    # 4. precompressed siblings, chosen by nginx from Accept-Encoding
    siblings = 0
    for local in files:
        for suffix, encoding, decode in ((".gz", "gzip", gzip.decompress), (".br", "br", brotli.decompress)):
            packed = local.with_name(local.name + suffix)
            if local.suffix in (".gz", ".br") or not packed.is_file():
                continue
            relative = local.relative_to(release).as_posix()
            path = "/" + quote(relative.removesuffix("index.html"))  # pages by their directory URL too
            data, sent = local.read_bytes(), packed.read_bytes()
            assert decode(sent) == data, relative
            client.check(path, data, local.suffix, encoding=encoding, sent=sent)
            siblings += 1
    assert siblings > 200, siblings

    # 5. the manifest and the Apache file stay private; an unknown URL is the site's 404 page
    for private in ("/.chophien-release.json", "/.htaccess"):
        assert client.get(private).status == 404, private
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status == 404 and missing.body == (release / "404.html").read_bytes()

    # 6. service workers are asked again at every visit, still nosniff; pages keep their headers
    for worker in ("/sw.js", "/danh-gia/tu-danh-gia/sw.js"):
        response = client.get(worker)
        assert response.getheader("Cache-Control") == "no-cache", worker
        assert response.getheader("X-Content-Type-Options") == "nosniff", worker
    assert client.get("/").getheader("Cache-Control") is None

    # 7. what a national site reads from another origin (docs/federation.md), and only that
    for path, encoding in (
        ("/danh-muc.json", None),
        ("/danh-muc.json", "br"),
        ("/tim-kiem/pagefind/pagefind-entry.json", "gzip"),
        ("/tim-kiem/pagefind/pagefind.js", None),
    ):
        response = client.get(path, encoding)
        assert response.status == 200, path
        assert response.getheader("Access-Control-Allow-Origin") == "*", (path, encoding)
        assert response.getheader("X-Content-Type-Options") == "nosniff", path
    assert client.get("/").getheader("Access-Control-Allow-Origin") is None

    assert client.failures == [], f"{len(client.failures)} of {client.count} requests failed:\n" + "\n".join(
        client.failures[:40]
    )
    assert client.count > len(files) + siblings
