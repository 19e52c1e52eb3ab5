"""When each content file was first published and last changed, for feeds, the sitemap and /so-lieu/'s growth.

Products have no date field: the dates come from git — the first and the last commit that
touched the file — so a clean checkout always gives the same feeds. A file git does not know
(a tree outside a repository, a new file not yet committed) falls back to its modification time.
CI needs the full history (`fetch-depth: 0`): in a shallow clone every file dates from the one
commit it has. Commits listed in `.git-blame-ignore-revs` (git's convention for formatting-only
commits, such as `chophien fmt` migrations) do not count as a change, only as a creation.

One build asks twice (feeds and the sitemap through file_dates, /so-lieu/ through first_commits):
the dates are kept per (content folder, HEAD commit, shallow or not, ignored revisions), so the
`git log` over the whole content folder runs once per build; `make devserver` rebuilds in the
same process after a new commit, which moves HEAD and so reads the history again.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chophien.core.git import git, log_files

UTC = dt.UTC
MEMO_SIZE = 4  # histories kept in one process (a key per content folder and HEAD)
_memo: dict[tuple, dict[str, tuple[dt.datetime, dt.datetime]]] = {}


def git_dates(content_dir: Path) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """{path: (first commit time, last commit time)} for committed files under *content_dir*.

    Paths are relative to the content folder's parent, as the loader shows them
    ("content/products/htx-a/che.md").
    """
    content_dir = Path(content_dir).resolve()
    root = content_dir.parent
    about = git(root, "rev-parse", "--show-prefix", "--is-shallow-repository", "HEAD")
    if about is None:  # not a checkout, or no commit yet
        return {}
    prefix, shallow, head = (about.split("\n") + ["", ""])[:3]
    ignored = ignored_revisions(root)
    key = (content_dir, head, shallow, frozenset(ignored))
    if key not in _memo:
        commits = log_files(root, prefix, "--", content_dir.name)
        if commits is None:  # git failed: nothing to keep
            return {}
        while len(_memo) >= MEMO_SIZE:
            del _memo[next(iter(_memo))]  # the oldest: a devserver moves HEAD forward
        _memo[key] = _dates(commits, ignored)
    return dict(_memo[key])  # a copy: callers may change theirs


def _dates(commits, ignored: set[str]) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    dates: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    changed: dict[str, bool] = {}  # the last date is a real change, not a formatting commit
    for sha, stamp, names in commits:  # newest first
        when = dt.datetime.fromtimestamp(stamp, UTC)
        real = sha not in ignored
        for rel in names:
            if rel not in dates:
                dates[rel], changed[rel] = (when, when), real
                continue
            last = dates[rel][1]
            if real and not changed[rel]:
                last, changed[rel] = when, True
            dates[rel] = (when, last)  # older commits come later: the first one wins last
    return dates


def ignored_revisions(root: Path) -> set[str]:
    """The commits `.git-blame-ignore-revs` lists (formatting only: a creation, never a change)."""
    try:
        text = (root / ".git-blame-ignore-revs").read_text(encoding="utf-8")
    except OSError:
        return set()
    return {line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()}


def first_commits(content_dir: Path) -> dict[str, dt.datetime]:
    """{path: first commit time} of the committed files under *content_dir* (git_dates' first date).

    A file git does not know is not in it: unlike file_dates, no modification time stands in, so
    what counts the files by date (/so-lieu/'s growth, site/figures.py) is the same on every checkout."""
    return {path: dates[0] for path, dates in git_dates(content_dir).items()}


def file_dates(content_dir: Path, sources) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """(published, updated) for each of *sources* (paths relative to the content folder's parent)."""
    known = git_dates(content_dir)
    root = Path(content_dir).resolve().parent
    dates = {}
    for source in sources:
        if source in known:
            dates[source] = known[source]
            continue
        try:
            mtime = dt.datetime.fromtimestamp(int((root / source).stat().st_mtime), UTC)
        except OSError:
            mtime = dt.datetime.fromtimestamp(0, UTC)
        dates[source] = (mtime, mtime)
    return dates
