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


def cmd_images(args) -> int:
    from .loader import load_catalogue
    from .photo_tools import check_photos, fix_photos

    content = Path(args.content_dir)
    catalogue, problems, _files = load_catalogue(content)
    if problems.errors:
        print(render_human(problems, args.lang))
        return 1
    if args.fix:
        for shrunk in fix_photos(catalogue, content, problems):
            print(("Đã thu nhỏ " if args.lang == "vi" else "Shrunk ") + shrunk.render(content))
    seen = check_photos(catalogue, content, problems)
    for problem in problems.sorted():
        print(problem.render(args.lang))
    if args.lang == "en":
        print(f"{len(problems)} photo problem{'s' if len(problems) != 1 else ''} in {seen} photos checked")
    else:
        print(f"{len(problems)} vấn đề về ảnh (đã kiểm tra {seen} ảnh)")
    return 1 if problems else 0


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
    images = sub.add_parser(
        "images",
        help="kiểm tra ảnh gốc: quá nhỏ, quá nặng, thiếu mô tả; --fix thu nhỏ ảnh quá lớn (check original photos)",
    )
    images.add_argument(
        "content_dir", nargs="?", default=_default_content(), help="thư mục nội dung (default: content)"
    )
    images.add_argument("--check", action="store_true", help="chỉ kiểm tra (mặc định) / only check (default)")
    images.add_argument(
        "--fix",
        action="store_true",
        help="thu nhỏ ảnh quá lớn tại chỗ (2048 px, chất lượng 85, bỏ siêu dữ liệu)",
    )
    images.add_argument("--lang", choices=("vi", "en"), default=os.environ.get("CHOPHIEN_LANG", "vi"))
    images.set_defaults(func=cmd_images)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
