#!/usr/bin/env python3
"""`make publish-media` / `make publish-media-gc`: a build's photos to an S3-compatible bucket, old ones collected.

CHOPHIEN_MEDIA_BUCKET=s3://bucket/prefix [CHOPHIEN_MEDIA_ENDPOINT=https://…] scripts/publish_media.py upload output
CHOPHIEN_MEDIA_BUCKET=… scripts/publish_media.py gc [--dry-run]      (CHOPHIEN_MEDIA_KEEP, CHOPHIEN_MEDIA_GRACE_DAYS)
CHOPHIEN_MEDIA_BUCKET=… scripts/publish_media.py cors https://cho.example.vn   (the bucket's CORS for the site)
CHOPHIEN_MEDIA_BUCKET=… scripts/publish_media.py fetch-cache [content]   (the photo cache from the bucket, before a build)
`make publish` uploads the photos itself (before the pages) when the build used CHOPHIEN_MEDIA_URL.
See chophien/publishing/media.py and docs/publishing.md.
"""

import argparse
import datetime as dt
import sys
from pathlib import Path

from chophien.core.settings import Settings, SettingsError
from chophien.publishing import media, media_cache
from chophien.publishing.common import PublishError, release_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("upload", "gc", "cors", "fetch-cache"))
    parser.add_argument(
        "argument",
        nargs="?",
        help="upload: the built site (output); cors: the site's origin; fetch-cache: the content (content)",
    )
    parser.add_argument(
        "--release", help="the release's name (default: the time and the commit, as make publish)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="gc: say what would be deleted, delete nothing"
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environ()
        log = run(args, settings)
    except SettingsError as error:
        print(str(error), file=sys.stderr)
        return 2
    except PublishError as error:
        print(f"Lỗi xuất bản ảnh: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "Đã dừng giữa chừng: chưa ghi bản kê; chạy lại để tải tiếp (stopped: run again).", file=sys.stderr
        )
        return 130
    for line in log:
        print(line)
    return 0


def store_of(settings: Settings) -> media.Store:
    if not settings.media_bucket:
        raise PublishError(
            "thiếu CHOPHIEN_MEDIA_BUCKET (nơi tải ảnh lên), ví dụ s3://cho-phien-anh/media "
            "(CHOPHIEN_MEDIA_BUCKET is not set)"
        )
    return media.Store(media.Bucket.parse(settings.media_bucket), settings.media_endpoint)


def run(args, settings: Settings) -> list[str]:
    from publish import commit  # scripts/publish.py: the release is named as make publish names it

    store = store_of(settings)
    if args.action == "upload":
        release = args.release or release_name(dt.datetime.now(dt.UTC), commit())
        indexes = media_cache.index_uploader(Path(settings.cache_folder()) / "images")
        return media.upload(args.argument or "output", store, release, indexes)
    if args.action == "fetch-cache":
        content = Path(args.argument or settings.content_path)
        if not content.is_dir():
            raise PublishError(f"không có thư mục nội dung “{content}” (no such content folder)")
        return media_cache.fetch_cache(
            content, store, Path(settings.cache_folder(content.resolve())) / "images"
        )
    if args.action == "cors":
        origin = (args.argument or "").rstrip("/")
        if (
            not origin.startswith(("https://", "http://127.0.0.1", "http://localhost"))
            or "/" in origin.split("://")[1]
        ):
            raise PublishError(
                f"cors cần địa chỉ gốc của trang, ví dụ https://cho.example.vn, không phải “{origin}”"
            )
        store.set_cors([origin])
        return [f"ảnh: {store.bucket.name} cho phép {origin} đọc ảnh (CORS GET, HEAD)"]
    grace = dt.timedelta(days=settings.media_grace_days)
    return media.collect(store, settings.media_keep, grace, dt.datetime.now(dt.UTC), dry_run=args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
