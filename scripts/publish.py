#!/usr/bin/env python3
"""`make publish` / `make rollback`: atomic release switch on SSH or local hosting (chophien/publish.py).

PUBLISH_TARGET=user@host:/srv/chophien scripts/publish.py publish output [--keep 5]
PUBLISH_TARGET=user@host:/srv/chophien scripts/publish.py rollback
"""

import argparse
import datetime as dt
import os
import subprocess
import sys

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
        target = Target.parse(args.target)
        if args.action == "rollback":
            print(f"current → releases/{rollback(target)}")
            return 0
        commit = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        name = release_name(dt.datetime.now(dt.UTC), commit)
        for line in publish(args.output, target, name, args.keep, dry_run=args.dry_run):
            print(line)
    except PublishError as error:
        print(f"Lỗi xuất bản: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
