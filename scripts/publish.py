#!/usr/bin/env python3
"""`make publish` / `make rollback`: atomic release switch on SSH, local or FTP(S) hosting.

PUBLISH_TARGET=user@host:/srv/chophien scripts/publish.py publish output [--keep 5]   (rsync, symlink)
PUBLISH_TARGET=ftp://user@ftp.host.vn/public_html PUBLISH_FTP_PASSWORD=… scripts/publish.py publish
PUBLISH_TARGET=… scripts/publish.py rollback
See chophien/publish.py and chophien/publish_ftp.py, and docs/publishing.md.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys

from chophien import publish_ftp
from chophien.publish import PublishError, Target, publish, release_name, rollback


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("publish", "rollback"))
    parser.add_argument("output", nargs="?", default="output")
    parser.add_argument("--target", default=os.environ.get("PUBLISH_TARGET"))
    parser.add_argument("--keep", type=int, default=int(os.environ.get("PUBLISH_KEEP", "5")))
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if not args.target:
        print("Thiếu PUBLISH_TARGET (user@host:/đường/dẫn hoặc /đường/dẫn).", file=sys.stderr)
        return 2
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        name = release_name(dt.datetime.now(dt.UTC), commit)
        if args.target.startswith("ftp://"):
            lines = ftp(args, name)
        else:
            target = Target.parse(args.target)
            if args.action == "rollback":
                print(f"current → releases/{rollback(target)}")
                return 0
            lines = publish(args.output, target, name, args.keep, dry_run=args.dry_run)
        for line in lines:
            print(line)
    except PublishError as error:
        print(f"Lỗi xuất bản: {error}", file=sys.stderr)
        return 1
    return 0


def ftp(args, name: str) -> list[str]:
    tls = os.environ.get("PUBLISH_FTP_TLS", "on").lower() not in ("off", "0", "no")
    target = publish_ftp.FtpTarget.parse(args.target, tls=tls)
    password = os.environ.get("PUBLISH_FTP_PASSWORD")
    if password is None:
        raise PublishError("thiếu PUBLISH_FTP_PASSWORD (mật khẩu FTP)")
    if args.dry_run:
        return [f"lftp mirror -R {args.output}/ → ftp://{target.host}{target.path('releases/' + name)}/"]
    if args.action == "rollback":
        return [f".htaccess → releases/{publish_ftp.rollback(target, password)}"]
    return publish_ftp.publish(args.output, target, name, password, args.keep)


if __name__ == "__main__":
    sys.exit(main())
