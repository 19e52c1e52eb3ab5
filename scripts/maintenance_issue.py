"""Open, update or close the weekly maintenance issue on GitHub from the report JSON, with the `gh` command.

    python scripts/maintenance_issue.py bao-cao.json [--repo OWNER/REPO] [--sha SHA] [--run-url URL]
                                        [--issues-json FILE] [--dry-run]

The decision and the body are chophien.maintenance.issue's (docs/maintenance.md, "the weekly run");
this script only runs `gh`: `gh issue list` (the open issues with the label), then `gh issue create`
(after `gh label create --force`, so the label exists), `gh issue edit`, or `gh issue comment` +
`gh issue close`; bodies and comments always through `--body-file`, never on the command line.
--repo, --sha and --run-url default to GitHub Actions' GITHUB_REPOSITORY, GITHUB_SHA and the run's
address. --issues-json reads the open issues from a file instead of `gh issue list`; --dry-run prints
the decision and the body and changes nothing. gh needs GH_TOKEN (issues: write).
Exit 0 when done (or nothing to do), 1 when gh fails, 2 when the report cannot be read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from chophien.core.problems import log_line
from chophien.maintenance import issue


def gh(*args: str) -> str:
    """Run `gh` with *args*; its output. GhFailed when it fails (its message, one safe line)."""
    try:
        done = subprocess.run(["gh", *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GhFailed(f"gh {args[0]} {args[1]}: {error}") from None
    if done.returncode != 0:
        raise GhFailed(f"gh {args[0]} {args[1]} (exit {done.returncode}): {done.stderr.strip()[:300]}")
    return done.stdout


class GhFailed(Exception):
    pass


def open_issues(repo: str, issues_json: str | None) -> list:
    if issues_json:
        return json.loads(Path(issues_json).read_text(encoding="utf-8"))
    out = gh("issue", "list", "--repo", repo, "--label", issue.LABEL, "--state", "open",
             "--json", "number,title,body,labels,state", "--limit", "100")  # fmt: skip
    return json.loads(out or "[]")


def apply(decision: issue.Decision, repo: str, folder: Path) -> None:
    """The `gh` commands for *decision*; texts through --body-file."""

    def body_file(name: str, content: str) -> str:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    if decision.action == issue.CREATE:
        gh("label", "create", issue.LABEL, "--repo", repo, "--color", issue.LABEL_COLOUR,
           "--description", issue.LABEL_DESCRIPTION, "--force")  # fmt: skip
        gh("issue", "create", "--repo", repo, "--title", decision.title,
           "--body-file", body_file("body.md", decision.body), "--label", issue.LABEL)  # fmt: skip
    elif decision.action == issue.UPDATE:
        gh("issue", "edit", str(decision.number), "--repo", repo, "--title", decision.title,
           "--body-file", body_file("body.md", decision.body))  # fmt: skip
    elif decision.action == issue.CLOSE:
        gh(
            "issue",
            "comment",
            str(decision.number),
            "--repo",
            repo,
            "--body-file",
            body_file("close.md", decision.comment),
        )
        gh("issue", "close", str(decision.number), "--repo", repo, "--reason", "completed")
    for number in decision.duplicates:
        gh("issue", "comment", str(number), "--repo", repo,
           "--body-file", body_file("duplicate.md", decision.duplicate_comment))  # fmt: skip
        gh("issue", "close", str(number), "--repo", repo, "--reason", "not planned")


def run_url(environ) -> str:
    parts = [environ.get(k, "") for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    return f"{parts[0]}/{parts[1]}/actions/runs/{parts[2]}" if all(parts) else ""


def main(argv=None, environ=os.environ) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", help="bao-cao.json from `chophien report --format json`")
    parser.add_argument("--repo", default=environ.get("GITHUB_REPOSITORY", ""))
    parser.add_argument("--sha", default=environ.get("GITHUB_SHA", ""))
    parser.add_argument("--run-url", default=run_url(environ))
    parser.add_argument("--issues-json", help="the open issues as `gh issue list --json` gives them")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the decision and the body, change nothing"
    )
    args = parser.parse_args(argv)
    if not args.repo or not args.sha:
        print(
            "Thiếu --repo hoặc --sha · --repo and --sha are needed (outside GitHub Actions)", file=sys.stderr
        )
        return 2
    try:
        report = issue.read_report(args.report)
    except issue.ReportError as error:
        print(log_line(f"{error.vi} · {error.en}"), file=sys.stderr)
        return 2
    try:
        decision = issue.decide(report, open_issues(args.repo, args.issues_json),
                                repo=args.repo, sha=args.sha, run_url=args.run_url)  # fmt: skip
        print(decision.explain())
        if args.dry_run:
            print(decision.body or decision.comment, end="")
            return 0
        with tempfile.TemporaryDirectory(prefix="bao-tri-") as folder:
            apply(decision, args.repo, Path(folder))
    except GhFailed as error:
        print(log_line(f"gh thất bại · gh failed: {error}"), file=sys.stderr)
        return 1
    except (OSError, ValueError) as error:
        print(
            log_line(f"Không đọc được danh sách issue · cannot read the issue list: {error}"), file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
