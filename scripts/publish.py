#!/usr/bin/env python3
"""`make publish` / `make rollback`: atomic release switch on SSH, local or FTP(S) hosting.

PUBLISH_TARGET=user@host:/srv/chophien scripts/publish.py publish output [--keep 5]   (rsync, symlink)
PUBLISH_TARGET=ftp://user@ftp.host.vn/public_html PUBLISH_FTP_PASSWORD=… scripts/publish.py publish
PUBLISH_TARGET=… scripts/publish.py rollback
A build made with CHOPHIEN_MEDIA_URL sends its photos and the release's manifest to CHOPHIEN_MEDIA_BUCKET
first (scripts/publish_media.py, chophien/publishing/media.py), then its pages without media/.
See chophien/publishing/ (common, rsync, ftp) and docs/publishing.md.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from chophien.core.settings import Settings, SettingsError
from chophien.publishing import ftp as publish_ftp
from chophien.publishing.common import PublishError, check_keep, photos_elsewhere, release_name
from chophien.publishing.rsync import Target, publish, rollback


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("publish", "rollback"))
    parser.add_argument("output", nargs="?", default="output")
    parser.add_argument("--target", default=os.environ.get("PUBLISH_TARGET"))
    parser.add_argument("--keep", default=os.environ.get("PUBLISH_KEEP", "5"))
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if not args.target:
        print("Thiếu PUBLISH_TARGET (user@host:/đường/dẫn hoặc /đường/dẫn).", file=sys.stderr)
        return 2
    log: list[str] = []
    try:
        keep = check_keep(args.keep)
        name = release_name(dt.datetime.now(dt.UTC), commit())
        if args.action == "publish" and photos_elsewhere(args.output):
            # Built with CHOPHIEN_MEDIA_URL: the photos and the release's manifest go to the bucket
            # first (scripts/publish_media.py), then the pages, without media/ (docs/publishing.md).
            log += publish_photos(args.output, name, args.dry_run)
        if args.target.startswith("ftp://"):
            log += ftp(args, name, keep)
        else:
            target = Target.parse(args.target)
            if args.action == "rollback":
                log.append(f"current → releases/{rollback(target, log=log)}")
            else:
                log += publish(args.output, target, name, keep, dry_run=args.dry_run)
    except PublishError as error:
        print(f"Lỗi xuất bản: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"Lỗi xuất bản: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print(
            "Đã dừng giữa chừng: trang đang chạy không đổi; bản tải dở (nếu có) sẽ bị xoá ở lần xuất bản sau.",
            file=sys.stderr,
        )
        return 130
    for line in log:
        print(line)
    return 0


def publish_photos(output: str, release: str, dry_run: bool) -> list[str]:
    from publish_media import store_of

    from chophien.publishing import media, media_cache

    try:
        settings = Settings.from_environ()
        store = store_of(settings)
    except SettingsError as error:
        raise PublishError(str(error)) from None
    if dry_run:
        return [f"ảnh → {store.bucket} (bản kê {store.bucket.manifest(release)})"]
    indexes = media_cache.index_uploader(Path(settings.cache_folder()) / "images")
    return media.upload(output, store, release, indexes)


def commit() -> str:
    try:
        result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    except OSError:  # no git on this machine: the release is named by its time alone
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def ftp(args, name: str, keep: int) -> list[str]:
    tls = os.environ.get("PUBLISH_FTP_TLS", "on").lower() not in ("off", "0", "no")
    target = publish_ftp.FtpTarget.parse(args.target, tls=tls)
    password = os.environ.get("PUBLISH_FTP_PASSWORD")
    if password is None:
        raise PublishError("thiếu PUBLISH_FTP_PASSWORD (mật khẩu FTP)")
    if args.dry_run:
        return [f"lftp mirror -R {args.output}/ → ftp://{target.host}{target.path('releases/' + name)}/"]
    if args.action == "rollback":
        log: list[str] = []
        previous = publish_ftp.rollback(target, password, log=log)
        return [*log, f".htaccess → releases/{previous}"]
    return publish_ftp.publish(args.output, target, name, password, keep)


if __name__ == "__main__":
    sys.exit(main())
