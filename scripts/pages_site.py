#!/usr/bin/env python3
"""GitHub Pages with pull requests' previews: record or remove a preview in the pr-previews branch, assemble the site.

Run by .github/workflows/pr-preview.yml and pages.yml with the runner's own Python (standard library
only, the package is not installed); chophien/publishing/pages_site.py does the work and
docs/publishing.md ("Previews of pull requests") explains it.

  pages_site.py record --number N --artifact preview.zip      # pr-preview/N/ := the checked build
  pages_site.py remove --number N --open "3 5 8" --newest 9   # pr-preview/N/ and every closed one go
  pages_site.py prune --open "3 5 8" --newest 9               # every preview whose pull request closed
  pages_site.py assemble --production site.zip --out _site    # production + every preview
  pages_site.py comment --number N --site URL --sha SHA [--code-changed true] [--removed true]

`--changed-to FILE` appends `changed=true|false` (GitHub's step output). The branch's remote is
`origin`, reached with $TOKEN (never stored in git's configuration). Numbers come from trusted event
data (the workflow's environment), never from an artifact.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the package, without installing it

from chophien.core.problems import log_line  # noqa: E402
from chophien.publishing import pages_site  # noqa: E402
from chophien.publishing.pages_site import PagesSiteError  # noqa: E402


def numbers(text: str) -> set[int]:
    return {pages_site.preview_number(word) for word in text.split()}


def branch(args) -> pages_site.Branch:
    return pages_site.Branch(Path(args.repo), args.remote, args.branch, os.environ.get("TOKEN", ""))


def changed_to(path: str | None, changed: bool) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"changed={'true' if changed else 'false'}\n")
    print(f"changed={'true' if changed else 'false'}")


def record(args) -> bool:
    number = pages_site.preview_number(args.number)
    with tempfile.TemporaryDirectory(prefix="chophien-preview-") as work:
        site = Path(work) / "site"
        files, size = pages_site.extract_zip(Path(args.artifact), site)
        print(f"Bản xem trước #{number}: {files} tệp, {size / pages_site.MB:.1f} MB")

        def change(tree: Path) -> bool:
            pages_site.record(tree, number, site)
            return True

        return branch(args).update(change, f"Bản xem trước của pull request #{number}")


def remove(args) -> bool:
    gone = {pages_site.preview_number(args.number)} if args.number else set()
    still_open = numbers(args.open) - gone
    newest = pages_site.preview_number(args.newest) if args.newest else None

    def change(tree: Path) -> bool:
        removed = pages_site.remove(tree, gone) + pages_site.prune(tree, still_open, newest)
        print(f"Gỡ bản xem trước: {', '.join(f'#{n}' for n in sorted(set(removed))) or 'không có'}")
        return bool(removed)

    message = (
        f"Gỡ bản xem trước #{args.number}" if args.number else "Gỡ bản xem trước của pull request đã đóng"
    )
    return branch(args).update(change, message)


def assemble(args) -> None:
    with tempfile.TemporaryDirectory(prefix="chophien-pages-") as work:
        production = Path(args.production)
        if production.is_file():
            folder = Path(work) / "production"
            pages_site.extract_zip(production, folder, pages_site.PRODUCTION_LIMITS)
            production = folder
        previews = Path(work) / "previews"
        if args.previews:
            previews = Path(args.previews)
        else:
            branch(args).fetch(previews)
        done = pages_site.assemble(production, previews, Path(args.out))
        shown = ", ".join(f"#{n}" for n in done.previews) or "không có"
        print(
            f"Trang GitHub Pages: {done.files} tệp, {done.bytes / pages_site.MB:.1f} MB; bản xem trước: {shown}"
        )
        for number, why in done.left_out:
            # our own workflow command, then the reason as one escaped line (it names no file of the artifact's
            # choosing that could start a command: log_line)
            print("::warning::" + log_line(f"Bỏ bản xem trước #{number}: {why}"))


def comment(args) -> None:
    removed = args.removed == "true"
    number = pages_site.preview_number(args.number)
    address = "" if removed else pages_site.preview_address(args.site, number)
    code_changed = args.code_changed == "true"
    print(pages_site.comment_body(number, address, args.sha, code_changed, removed), end="")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "remove", "prune", "assemble", "comment"))
    parser.add_argument("--number", default="")
    parser.add_argument("--artifact")
    parser.add_argument("--open", default="")
    parser.add_argument("--newest", default="", help="the highest pull request number when --open was listed")
    parser.add_argument("--production")
    parser.add_argument("--previews", help="a folder instead of the branch (tests)")
    parser.add_argument("--out")
    parser.add_argument("--site", default="")
    parser.add_argument("--sha", default="")
    parser.add_argument("--code-changed", default="false")
    parser.add_argument("--removed", default="false", help="true: the pull request closed")
    parser.add_argument("--repo", default=".")
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--branch", default=pages_site.BRANCH)
    parser.add_argument("--changed-to")
    args = parser.parse_args(argv)
    try:
        if args.action == "record":
            changed_to(args.changed_to, record(args))
        elif args.action in ("remove", "prune"):
            if args.action == "prune":
                args.number = ""
            changed_to(args.changed_to, remove(args))
        elif args.action == "assemble":
            assemble(args)
        else:
            comment(args)
    except (PagesSiteError, OSError) as error:
        print(log_line(str(error)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng (interrupted).", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
