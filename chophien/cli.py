"""The `chophien` command: validate content (more commands arrive with later issues)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .build import prepare
from .problems import render_github, render_human, render_json


def _default_content() -> str:
    return "content"


def cmd_validate(args) -> int:
    content = Path(args.content_dir)
    cache = (
        args.cache_dir or os.environ.get("CHOPHIEN_CACHE_PATH") or str(content.resolve().parent / ".cache")
    )
    prepared = prepare(content, cache, with_images=not args.no_images)
    problems = prepared.problems
    if args.format == "json":
        print(render_json(problems))
    else:
        if args.format == "github" or (args.format == "auto" and os.environ.get("GITHUB_ACTIONS") == "true"):
            annotations = render_github(problems, args.lang)
            if annotations:
                print(annotations)
        print(render_human(problems, args.lang, prepared.files_checked))
    return 1 if problems.errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chophien",
        description="Chợ phiên: kiểm tra nội dung và xây dựng trang (content tools).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser(
        "validate",
        help="kiểm tra mọi tệp nội dung, báo mọi lỗi (check every content file, report every problem)",
    )
    validate.add_argument(
        "content_dir", nargs="?", default=_default_content(), help="thư mục nội dung (default: content)"
    )
    validate.add_argument("--lang", choices=("vi", "en"), default=os.environ.get("CHOPHIEN_LANG", "vi"))
    validate.add_argument("--format", choices=("auto", "human", "github", "json"), default="auto")
    validate.add_argument(
        "--cache-dir", default=None, help="photo cache folder (default: .cache beside content)"
    )
    validate.add_argument("--no-images", action="store_true", help="skip decoding photos (faster)")
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
