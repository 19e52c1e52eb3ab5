"""GitHub Pages with a pull request's preview, served by Debian's nginx under a project site's sub-path.

Production is built for `https://owner.github.io/cho`, a pull request's content for
`…/cho/pr-preview/7/` with CHOPHIEN_PREVIEW=7; both are zipped (as upload-artifact does), the
preview recorded in a pr-previews branch of a real git remote and the site assembled by
scripts/pages_site.py, as the workflows do. nginx (the documented server block, its worker running
as www-data) serves the assembled site at /cho/: both home pages, and every stylesheet, script,
photo and icon they load, answer 200 with the bytes assembled.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from conftest import PRODUCT, ROOT, minimal_tree, run_pelican, write_tree
from test_served import (
    BROTLI_MODULE,
    NGINX,
    WORKER_USER,
    References,
    has_user,
    require,
    running_nginx,
)

pytestmark = pytest.mark.build

HOST = "https://owner.github.io"
SITE = f"{HOST}/cho"
NUMBER = 7
GIT_ENV = {"GIT_AUTHOR_DATE": "2026-12-01T10:00:00+07:00", "GIT_COMMITTER_DATE": "2026-12-01T10:00:00+07:00"}


def build(content: Path, output: Path, siteurl: str, cache: Path, preview: int | None = None) -> None:
    env = {
        "CHOPHIEN_CACHE_PATH": str(cache),
        "CHOPHIEN_SITEURL": siteurl,
        "CHOPHIEN_PREVIEW": str(preview or ""),
    }
    result = run_pelican(content, output, env_extra=env, settings="publishconf.py")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder).as_posix())
    return archive


def script(*args: str, cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-I", str(ROOT / "scripts/pages_site.py"), *args],
        cwd=cwd,
        env=dict(os.environ, **GIT_ENV),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(cwd), *args], check=True, capture_output=True, env=dict(os.environ, **GIT_ENV)
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(connection factory, assembled site folder)."""
    require(NGINX is not None, "nginx is not installed (Debian: apt-get install nginx)")
    require(os.geteuid() == 0, "nginx must start as root to run its workers as another user")
    require(has_user(WORKER_USER), f"no user {WORKER_USER}")
    brotli_static = BROTLI_MODULE.exists()
    work = tmp_path_factory.mktemp("pages")
    cache = work / ".cache"
    production = write_tree(work / "main", minimal_tree())
    build(production, work / "production", SITE, cache)
    changed = PRODUCT.replace("name: Chè Shan tuyết cổ thụ", "name: Chè Shan tuyết cổ thụ loại đặc biệt")
    pull = write_tree(work / "pull", minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": changed}))
    build(pull, work / "preview", f"{SITE}/pr-preview/{NUMBER}", cache, preview=NUMBER)
    # the repository, its remote, and the two artifacts as upload-artifact zips them
    git(work, "init", "-q", "--bare", "-b", "main", str(work / "remote.git"))
    git(work, "clone", "-q", str(work / "remote.git"), str(work / "repo"))
    script(
        "record",
        "--number",
        str(NUMBER),
        "--artifact",
        str(zip_folder(work / "preview", work / "p.zip")),
        cwd=work / "repo",
    )
    base = Path(tempfile.mkdtemp(prefix="chophien-pages-", dir="/tmp"))  # www-data must reach it
    base.chmod(0o755)
    try:
        assembled = base / "cho"
        production_zip = zip_folder(work / "production", work / "production.zip")
        script("assemble", "--production", str(production_zip), "--out", str(assembled), cwd=work / "repo")
        with running_nginx(base, work / "nginx", brotli_static) as connect:  # the site is /cho/ of it
            yield connect, assembled
    finally:
        shutil.rmtree(base, ignore_errors=True)


def get(connect, path: str) -> tuple[int, bytes, str]:
    connection = connect()
    try:
        connection.request("GET", path, headers={"Host": "owner.github.io", "Accept-Encoding": "identity"})
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Content-Type") or ""
    finally:
        connection.close()


def loads(connect, site: Path, page: str) -> list[str]:
    """GET *page* and everything it loads from this host: the paths fetched (each checked)."""
    status, body, kind = get(connect, page)
    assert (status, kind.split(";")[0]) == (200, "text/html"), page
    assert body == (site / unquote(page).removeprefix("/cho/") / "index.html").read_bytes()
    parser = References()
    parser.feed(body.decode("utf-8"))
    fetched = []
    for url in parser.urls:
        absolute = urlsplit(urljoin(HOST + page, url))
        if f"{absolute.scheme}://{absolute.netloc}" != HOST:
            continue
        assert absolute.path.startswith("/cho/"), url
        status, data, _kind = get(connect, absolute.path)
        assert status == 200, absolute.path
        local = site / unquote(absolute.path).removeprefix("/cho/")
        assert data == (local / "index.html" if absolute.path.endswith("/") else local).read_bytes(), (
            absolute.path
        )
        fetched.append(absolute.path)
    return fetched


def test_production_and_the_preview_both_load_with_their_assets_under_the_sub_path(served):
    connect, site = served
    home = loads(connect, site, "/cho/")
    preview = loads(connect, site, f"/cho/pr-preview/{NUMBER}/")
    assert any(path.endswith(".css") for path in home) and any(path.endswith(".js") for path in home)
    assert all(not path.startswith("/cho/pr-preview/") for path in home)
    assert all(path.startswith(f"/cho/pr-preview/{NUMBER}/") for path in preview)
    assert any(path.endswith(".css") for path in preview) and any(path.endswith(".js") for path in preview)
    product = f"/cho/pr-preview/{NUMBER}/san-pham/htx-che-na-hang/che-shan-tuyet/"
    photos = [path for path in loads(connect, site, product) if "/media/" in path]
    assert photos and all(path.startswith(f"/cho/pr-preview/{NUMBER}/media/") for path in photos)


def test_only_the_preview_says_so_and_is_kept_out_of_search_engines(served):
    connect, _site = served
    production = get(connect, "/cho/san-pham/htx-che-na-hang/che-shan-tuyet/")[1].decode("utf-8")
    preview = get(connect, f"/cho/pr-preview/{NUMBER}/san-pham/htx-che-na-hang/che-shan-tuyet/")[1].decode(
        "utf-8"
    )
    assert "loại đặc biệt" in preview and "loại đặc biệt" not in production  # the pull request's content
    assert f"Bản xem trước của pull request #{NUMBER}" in preview and "Bản xem trước" not in production
    assert "content=noindex" in preview and "noindex" not in production
    english = get(connect, f"/cho/pr-preview/{NUMBER}/en/")[1].decode("utf-8")
    assert f"Preview of pull request #{NUMBER} — not the live site" in english
    assert get(connect, f"/cho/pr-preview/{NUMBER}/admin/")[0] == 404
    assert get(connect, "/cho/admin/")[0] == 200
    assert get(connect, f"/cho/pr-preview/{NUMBER}/sw.js")[0] == 404 and get(connect, "/cho/sw.js")[0] == 200
    assert get(connect, "/cho/pr-preview/8/")[0] == 404
