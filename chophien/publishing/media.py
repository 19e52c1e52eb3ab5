"""`make publish-media`: a release's photos uploaded to an S3-compatible bucket, its manifest, and the collection of old photos.

A build with CHOPHIEN_MEDIA_URL lists the photos its pages use in `media/.chophien-media.json`
(site/media_list.py). Publishing them (docs/publishing.md, "Photos on object storage"):

1. `releases/pending/<release>.json` (the manifest of step 3, marked pending) is written first: a
   garbage collection running meanwhile keeps what it names, though the release is not live yet;
2. the bucket is listed once, and every photo of the list that is missing is uploaded (`Cache-Control:
   public, max-age=31536000, immutable` and its Content-Type). The names are content-addressed
   (photos/names.py: the photo's hash, its width, its format), so a name already in the bucket is
   never uploaded again: publishing the same release twice makes no PUT of a photo;
3. `releases/<release>.json`, the release's manifest (every photo its pages use), is written after
   its photos and before its pages go live (scripts/publish.py uploads the pages after this), and
   the pending copy is deleted.

Keys: `<prefix><photo name>` (CHOPHIEN_MEDIA_URL is the public address of `<prefix>`),
`<prefix>releases/…` and `<prefix>cache/<settings_key>/<key>.json`, each photo's photo-cache index
(publishing/media_cache.py: the bucket as the photo cache; collected with its photos). Garbage collection (`collect`) deletes the photos that none of the newest
CHOPHIEN_MEDIA_KEEP manifests names, nor a pending manifest younger than the grace period, and only
photos older than the grace period (CHOPHIEN_MEDIA_GRACE_DAYS): never what a kept release uses,
never a key that is not a photo name. It also deletes the manifests older than the kept ones and
pending ones older than the grace period (abandoned publishes).

boto3 (docs/publishing.md says why) with its usual credentials chain. Every failure (no credentials,
server down, bucket missing, access denied) is a MediaError: one line, Vietnamese then English, and
no manifest is written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from chophien.photos.names import SAFE_NAME, TAG_LENGTH, tag_of
from chophien.publishing.common import RELEASE_NAME, PublishError, shown
from chophien.site import urls
from chophien.site.media_list import MediaListError, parse_media_list
from chophien.site.postprocess import LONG_CACHE

CONTENT_TYPES = {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg"}
MANIFEST_FORMAT = "chophien-media-release"
RELEASES = "releases/"
PENDING = "releases/pending/"
UPLOAD_THREADS = 8  # boto3 clients are thread-safe; photos are small, the round trips are what costs
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes
_MANIFEST_KEY = re.compile(r"(" + RELEASE_NAME.pattern + r")\.json")
CACHE = "cache/"  # the photo cache's indexes (publishing/media_cache.py)
# `cache/<settings_key>/<key>.json`: the only keys under cache/ that garbage collection may delete.
INDEX_KEY = re.compile(r"cache/([0-9a-f]{8})/[0-9a-f]{24}-\1\.json")
# (store, photo names, name → size in the bucket, the listing) → how many indexes it uploaded
IndexUploader = Callable[["Store", list[str], dict[str, int], dict[str, "Stored"]], int]


class MediaError(PublishError):
    """One line for the operator (Vietnamese, then English), never a traceback."""


@dataclass(frozen=True)
class Bucket:
    """`s3://bucket` or `s3://bucket/prefix` (CHOPHIEN_MEDIA_BUCKET)."""

    name: str
    prefix: str  # "" or "folder/"

    @classmethod
    def parse(cls, text: str) -> Bucket:
        match = re.fullmatch(
            r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/([A-Za-z0-9._~/-]*))?", text.strip()
        )
        if not match:
            raise MediaError(
                f"CHOPHIEN_MEDIA_BUCKET phải là s3://TÊN-BUCKET hoặc s3://TÊN-BUCKET/THƯ-MỤC, không phải "
                f"“{shown(text)}”. Ví dụ: s3://cho-phien-anh/media (must be s3://BUCKET[/FOLDER])"
            )
        prefix = "/".join(part for part in (match.group(2) or "").split("/") if part)
        if any(part in (".", "..") for part in prefix.split("/")):
            raise MediaError(f"CHOPHIEN_MEDIA_BUCKET: thư mục “{shown(prefix)}” không hợp lệ (bad folder)")
        return cls(match.group(1), f"{prefix}/" if prefix else "")

    def key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def manifest(self, release: str, pending: bool = False) -> str:
        return f"{self.prefix}{PENDING if pending else RELEASES}{release}.json"

    def __str__(self) -> str:
        return f"s3://{self.name}/{self.prefix}"


@dataclass(frozen=True)
class Stored:
    size: int
    modified: dt.datetime


def client(endpoint: str = ""):
    """An S3 client for AWS (no *endpoint*) or any S3-compatible server; credentials from boto3's chain."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": "path"} if endpoint else {},
    )
    return boto3.client("s3", endpoint_url=endpoint or None, config=config)


def _message(error: BaseException, bucket: Bucket, endpoint: str) -> str:
    """What went wrong, in one line (Vietnamese, then English)."""
    from botocore import exceptions as e

    where = endpoint or "AWS S3"
    if isinstance(error, e.NoCredentialsError | e.PartialCredentialsError):
        return (
            "không tìm thấy khoá truy cập bucket: đặt AWS_ACCESS_KEY_ID và AWS_SECRET_ACCESS_KEY "
            "(hoặc AWS_PROFILE) (no credentials for the bucket)"
        )
    if isinstance(error, e.EndpointConnectionError | e.ConnectTimeoutError | e.ReadTimeoutError):
        return f"không kết nối được máy chủ ảnh {shown(where)} (cannot reach the media server)"
    if isinstance(error, e.ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in ("NoSuchBucket", "404"):
            return f"không có bucket {shown(bucket.name)} trên {shown(where)} (no such bucket)"
        if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
            return f"bucket {shown(bucket.name)} từ chối khoá truy cập này ({shown(code)}) (access denied)"
        return f"máy chủ ảnh trả lời lỗi {shown(code) or '?'} (the media server answered an error)"
    if isinstance(error, e.BotoCoreError):
        return f"lỗi khi nói chuyện với máy chủ ảnh {shown(where)}: {shown(error)}"
    return f"lỗi mạng với máy chủ ảnh {shown(where)}: {shown(error)}"


class Store:
    """The bucket, through one client; every call's failure becomes a MediaError."""

    def __init__(self, bucket: Bucket, endpoint: str = "", s3=None):
        self.bucket = bucket
        self.endpoint = endpoint
        self.s3 = s3 if s3 is not None else client(endpoint)
        self.puts = 0  # photos uploaded (the tests read it: a second upload makes none)
        self._counting = threading.Lock()  # puts happen on UPLOAD_THREADS threads

    def _call(self, action: Callable):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return action()
        except (BotoCoreError, ClientError, OSError) as error:
            raise MediaError(_message(error, self.bucket, self.endpoint)) from None

    def check(self) -> None:
        """The bucket exists and the keys open it (a server that would create a bucket on the first
        PUT must not get photos into a misspelt one)."""
        self._call(lambda: self.s3.head_bucket(Bucket=self.bucket.name))

    def list(self, under: str = "") -> dict[str, Stored]:
        """Every key under the prefix (and its folder *under*), listed once (pages of 1,000)."""

        def listing():
            found = {}
            pages = self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket.name, Prefix=self.bucket.prefix + under
            )
            for page in pages:
                for entry in page.get("Contents", []):
                    found[entry["Key"]] = Stored(int(entry["Size"]), entry["LastModified"])
            return found

        return self._call(listing)

    def put_photo(self, name: str, path: Path) -> None:
        fmt = name.rsplit(".", 1)[-1]

        def put():
            with path.open("rb") as body:
                self.s3.put_object(
                    Bucket=self.bucket.name,
                    Key=self.bucket.key(name),
                    Body=body,
                    ContentType=CONTENT_TYPES[fmt],
                    CacheControl=LONG_CACHE,
                )

        self._call(put)
        with self._counting:
            self.puts += 1

    def put_bytes(self, key: str, body: bytes, content_type: str = "application/json") -> None:
        """An immutable object (a photo cache index: its key names its content)."""
        self._call(
            lambda: self.s3.put_object(
                Bucket=self.bucket.name, Key=key, Body=body, ContentType=content_type, CacheControl=LONG_CACHE
            )
        )

    def put_json(self, key: str, data: dict) -> None:
        body = (json.dumps(data, ensure_ascii=True, indent=0, sort_keys=True) + "\n").encode()
        self._call(
            lambda: self.s3.put_object(
                Bucket=self.bucket.name,
                Key=key,
                Body=body,
                ContentType="application/json",
                CacheControl="no-cache",
            )
        )

    def get_json(self, key: str) -> object:
        body = self._call(lambda: self.s3.get_object(Bucket=self.bucket.name, Key=key)["Body"].read())
        try:
            return json.loads(body)
        except ValueError:
            return None

    def get_bytes(self, key: str, size: int | None = None, limit: int = 1 << 20) -> bytes | None:
        """The object at *key*, or None when it is missing, is not *size* bytes long (when given) or
        is larger than *limit*: never read further than its announced length allows."""
        from botocore.exceptions import ClientError

        def get():
            try:
                answer = self.s3.get_object(Bucket=self.bucket.name, Key=key)
            except ClientError as error:
                if str(error.response.get("Error", {}).get("Code", "")) in ("NoSuchKey", "404"):
                    return None
                raise
            body = answer["Body"]
            length = int(answer.get("ContentLength", -1))
            if length != (length if size is None else size) or not 0 <= length <= limit:
                body.close()
                return None
            data = body.read(length + 1)
            body.close()
            return data if len(data) == length else None

        return self._call(get)

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": key} for key in keys[start : start + DELETE_BATCH]]
            answer = self._call(
                lambda b=batch: self.s3.delete_objects(
                    Bucket=self.bucket.name, Delete={"Objects": b, "Quiet": True}
                )
            )
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise MediaError(
                    f"không xoá được {len(errors)} tệp (vd. {shown(first.get('Key'))}: {shown(first.get('Code'))}) "
                    "(could not delete)"
                )

    def set_cors(self, origins: list[str]) -> None:
        """Let the site's pages (their service worker) fetch the photos with CORS: GET and HEAD only."""
        rules = {
            "CORSRules": [
                {
                    "AllowedOrigins": origins,
                    "AllowedMethods": ["GET", "HEAD"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 86400,
                }
            ]
        }
        self._call(lambda: self.s3.put_bucket_cors(Bucket=self.bucket.name, CORSConfiguration=rules))


# --- the release's photos ----------------------------------------------------------------------


def read_list(output: str | Path) -> tuple[str, list[str]] | None:
    """(CHOPHIEN_MEDIA_URL, photo names) of a built site whose photos are served from a bucket;
    None when it was built without CHOPHIEN_MEDIA_URL (its photos go with its pages)."""
    path = Path(output) / urls.media_list()
    if not path.is_file():
        return None
    try:
        return parse_media_list(path.read_text(encoding="utf-8"))
    except (MediaListError, UnicodeDecodeError) as error:
        raise MediaError(f"{shown(path)}: {error}; hãy dựng lại trang (build the site again)") from None


def manifest(release: str, media_url: str, names: Iterable[str]) -> dict:
    return {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "release": release,
        "media_url": media_url,
        "files": sorted(names),
    }


def upload(output: str | Path, store: Store, release: str, indexes: IndexUploader | None = None) -> list[str]:
    """Upload the photos of the build in *output* that the bucket lacks, then its manifest; return a log.

    *indexes* (publishing/media_cache.py `index_uploader`: the bucket as the photo cache) uploads
    each photo's cache index after its photos, given what the bucket then holds."""
    if not RELEASE_NAME.fullmatch(release):
        raise MediaError(f"tên bản phát hành không hợp lệ: {shown(release)} (bad release name)")
    found = read_list(output)
    if found is None:
        raise MediaError(
            f"“{shown(output)}” không được dựng với CHOPHIEN_MEDIA_URL: ảnh của nó đi cùng các trang "
            "(`make publish`). (the site was not built with CHOPHIEN_MEDIA_URL)"
        )
    media_url, names = found
    folder = Path(output) / urls.MEDIA
    absent = [name for name in names if not (folder / name).is_file()]
    if absent:
        raise MediaError(
            f"thiếu {len(absent)} ảnh trong {shown(folder)} (vd. {absent[0]}): hãy dựng lại trang "
            "(photos missing from the build: build again)"
        )
    record = manifest(release, media_url, names)
    store.check()
    store.put_json(store.bucket.manifest(release, pending=True), record)
    stored = store.list()
    missing = [name for name in names if store.bucket.key(name) not in stored]
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        for _ in pool.map(lambda name: store.put_photo(name, folder / name), missing):
            pass
    indexed = []
    if indexes is not None:
        in_bucket = {name: stored[store.bucket.key(name)].size for name in names if name not in missing}
        in_bucket.update((name, (folder / name).stat().st_size) for name in missing)
        count = indexes(store, names, in_bucket, stored)
        indexed = [f"ảnh: {count} bản chỉ mục bộ nhớ đệm mới tải lên (cache indexes)"]
    store.put_json(store.bucket.manifest(release), record)
    store.delete([store.bucket.manifest(release, pending=True)])
    size = sum((folder / name).stat().st_size for name in missing)
    return [
        f"ảnh: {len(missing)} tệp mới tải lên {store.bucket} ({size / 1e6:.1f} MB), "
        f"{len(names) - len(missing)} tệp đã có",
        *indexed,
        f"ảnh: bản kê {store.bucket.manifest(release)} ({len(names)} ảnh)",
    ]


# --- garbage collection ------------------------------------------------------------------------


def index_tag(bucket_key: str, prefix: str) -> str | None:
    """The photo tag (photos/names.py) of a cache index's bucket key, else None (not an index)."""
    rest = bucket_key.removeprefix(prefix) if bucket_key.startswith(prefix) else ""
    return rest.split("/")[-1][:TAG_LENGTH] if INDEX_KEY.fullmatch(rest) else None


def _release_of(key: str, folder: str) -> str | None:
    rest = key.removeprefix(folder)
    match = _MANIFEST_KEY.fullmatch(rest) if key.startswith(folder) else None
    return match.group(1) if match else None


def _names_in(store: Store, key: str) -> set[str]:
    data = store.get_json(key)
    files = data.get("files") if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else None
    if not isinstance(files, list) or not all(isinstance(n, str) for n in files):
        # A kept release whose list cannot be read: nothing is safe to delete.
        raise MediaError(
            f"bản kê {shown(key)} hỏng: không xoá gì (a kept manifest is damaged: nothing deleted)"
        )
    return set(files)


def collect(
    store: Store, keep: int, grace: dt.timedelta, now: dt.datetime, dry_run: bool = False
) -> list[str]:
    """Delete the photos no kept release uses and older than *grace*; return a log (what would go, in a dry run)."""
    if keep < 1:
        raise MediaError("CHOPHIEN_MEDIA_KEEP phải từ 1 trở lên (must be at least 1)")
    bucket = store.bucket
    store.check()
    stored = store.list()
    releases = sorted(r for r in (_release_of(k, bucket.prefix + RELEASES) for k in stored) if r is not None)
    if not releases:
        return [
            f"ảnh: chưa có bản kê nào trong {bucket}{RELEASES}: không xoá gì (no release manifest: nothing deleted)"
        ]
    kept = releases[-keep:]
    pending = {
        r: stored[bucket.manifest(r, pending=True)]
        for r in (_release_of(k, bucket.prefix + PENDING) for k in stored)
        if r is not None
    }
    live_pending = [r for r, entry in pending.items() if now - entry.modified < grace]
    used: set[str] = set()
    for release in kept:
        used |= _names_in(store, bucket.manifest(release))
    for release in live_pending:
        used |= _names_in(store, bucket.manifest(release, pending=True))
    photos = [
        key
        for key, entry in stored.items()
        if key.startswith(bucket.prefix)
        and SAFE_NAME.fullmatch(key.removeprefix(bucket.prefix))  # a photo name directly in the folder
        and key.removeprefix(bucket.prefix) not in used
        and now - entry.modified >= grace
    ]
    young = sum(
        1
        for key, entry in stored.items()
        if SAFE_NAME.fullmatch(key.removeprefix(bucket.prefix))
        and key.removeprefix(bucket.prefix) not in used
        and now - entry.modified < grace
    )
    # The photo cache's indexes (publishing/media_cache.py) go with their photos: kept while a kept
    # release uses a photo of theirs, or while young; never a key under cache/ of another shape.
    used_tags = {tag_of(name) for name in used if SAFE_NAME.fullmatch(name)}
    indexes = [
        key
        for key, entry in stored.items()
        if (tag := index_tag(key, bucket.prefix)) is not None
        and tag not in used_tags
        and now - entry.modified >= grace
    ]
    old_manifests = [bucket.manifest(r) for r in releases[:-keep]]
    old_manifests += [bucket.manifest(r, pending=True) for r in pending if r not in live_pending]
    photos.sort()
    freed = sum(stored[key].size for key in photos)
    verb = "sẽ xoá (chạy thử)" if dry_run else "đã xoá"
    log = [
        f"ảnh: giữ {len(kept)} bản phát hành ({kept[0]} … {kept[-1]}), {len(used)} ảnh đang dùng",
        f"ảnh: {verb} {len(photos)} ảnh không còn bản nào dùng ({freed / 1e6:.1f} MB), "
        f"{len(old_manifests)} bản kê cũ, {len(indexes)} chỉ mục bộ nhớ đệm; "
        f"{young} ảnh chưa dùng nhưng mới hơn {grace.days} ngày: để lại",
    ]
    if dry_run:
        log += [f"  {key}" for key in photos + sorted(indexes) + old_manifests]
        return log
    store.delete(sorted(indexes))  # before their photos: an index never outlives a file it lists
    store.delete(photos)
    store.delete(old_manifests)  # after the photos: an interrupted run is redone whole next time
    return log
