"""history.py: the first and last change of a content file, from git or its mtime."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

from conftest import COOP, write_tree

from chophien.site.history import file_dates


def test_dates_come_from_git_and_fall_back_to_mtime(tmp_path):
    content = write_tree(tmp_path, {"cooperatives/a.md": COOP, "cooperatives/b.md": COOP})
    os.utime(content / "cooperatives/b.md", (1_700_000_000, 1_700_000_000))
    outside = file_dates(content, ["content/cooperatives/b.md"])
    assert outside["content/cooperatives/b.md"][1] == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)

    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@x",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@x",
    )

    def git(*args, when):
        subprocess.run(
            ["git", *args], cwd=tmp_path, check=True, capture_output=True,
            env=dict(env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when),
        )  # fmt: skip

    git("init", "-q", when="2025-01-01T00:00:00Z")
    git("add", "content/cooperatives/a.md", when="2025-01-01T00:00:00Z")
    git("commit", "-qm", "a", when="2025-01-01T00:00:00Z")
    (content / "cooperatives/a.md").write_text(COOP + "\nThêm.\n", encoding="utf-8")
    git("commit", "-qam", "a again", when="2025-03-01T00:00:00Z")
    dates = file_dates(content, ["content/cooperatives/a.md", "content/cooperatives/b.md"])
    first, last = dates["content/cooperatives/a.md"]
    assert (first.date(), last.date()) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    assert dates["content/cooperatives/b.md"][0].year == 2023  # not committed: its mtime

    # A formatting-only commit listed in .git-blame-ignore-revs is no change for feeds and sitemap.
    (content / "cooperatives/a.md").write_text(COOP + "\nThêm.\n\n", encoding="utf-8")
    git("commit", "-qam", "chophien fmt", when="2025-06-01T00:00:00Z")
    sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert file_dates(content, ["content/cooperatives/a.md"])["content/cooperatives/a.md"][1].month == 6
    (tmp_path / ".git-blame-ignore-revs").write_text(f"# chophien fmt\n{sha}", encoding="utf-8")
    first, last = file_dates(content, ["content/cooperatives/a.md"])["content/cooperatives/a.md"]
    assert (first.date(), last.date()) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))


def test_first_commits_leave_out_what_git_does_not_know(tmp_path):
    """/so-lieu/ counts a file in the month of its first commit; an uncommitted file has none (no mtime)."""
    from chophien.site.history import first_commits

    content = write_tree(tmp_path, {"cooperatives/a.md": COOP, "cooperatives/b.md": COOP})
    assert first_commits(content) == {}  # not a repository
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@x")  # fmt: skip
    for args, when in ((["init", "-q"], "2025-01-01T00:00:00Z"), (["add", "content/cooperatives/a.md"], "2025-01-01T00:00:00Z"),
                       (["commit", "-qm", "a"], "2025-02-03T04:05:06Z")):  # fmt: skip
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env=dict(env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when))  # fmt: skip
    (content / "cooperatives/a.md").write_text(COOP + "\nThêm.\n", encoding="utf-8")
    subprocess.run(["git", "commit", "-qam", "again"], cwd=tmp_path, check=True, capture_output=True,
                   env=dict(env, GIT_AUTHOR_DATE="2025-06-01T00:00:00Z", GIT_COMMITTER_DATE="2025-06-01T00:00:00Z"))  # fmt: skip
    assert first_commits(content) == {
        "content/cooperatives/a.md": dt.datetime(2025, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    }


def test_one_build_reads_the_history_once_and_sees_a_new_commit(tmp_path, monkeypatch):
    """feeds/sitemap (file_dates) and /so-lieu/ (first_commits) share one `git log`; `make devserver`
    rebuilds in the same process after a commit, which moves HEAD: the history is read again."""
    from chophien.core import git as core_git
    from chophien.core.git import git as real_git
    from chophien.site import history

    logs = []

    def counting(cwd, *args):
        if args[0] == "log":
            logs.append(cwd)
        return real_git(cwd, *args)

    monkeypatch.setattr(core_git, "git", counting)  # every `git log` goes through core.git.log_files
    monkeypatch.setattr(history, "_memo", {})
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@x")  # fmt: skip

    def commit(folder, message, when):
        for args in (["add", "-A"], ["commit", "-qm", message]):
            subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                           env=dict(env, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when))  # fmt: skip

    content = write_tree(tmp_path / "one", {"cooperatives/a.md": COOP})
    subprocess.run(["git", "init", "-q"], cwd=content.parent, check=True)
    commit(content.parent, "a", "2025-01-01T00:00:00Z")
    a, b = "content/cooperatives/a.md", "content/cooperatives/b.md"
    assert list(history.file_dates(content, [a])) == [a]
    assert list(history.first_commits(content)) == [a] and len(logs) == 1
    history.git_dates(content).clear()  # a caller's copy: the kept history is untouched
    assert list(history.git_dates(content)) == [a] and len(logs) == 1

    (content / "cooperatives/b.md").write_text(COOP, encoding="utf-8")
    assert list(history.first_commits(content)) == [a]  # not committed: HEAD has not moved
    commit(content.parent, "b", "2025-03-01T00:00:00Z")
    assert history.first_commits(content) == {
        a: dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        b: dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    }
    assert len(logs) == 2

    other = write_tree(content.parent / "site2", {"cooperatives/c.md": COOP})  # another site, same commit
    commit(content.parent, "c", "2025-05-01T00:00:00Z")
    assert list(history.first_commits(other)) == ["content/cooperatives/c.md"]
    assert sorted(history.first_commits(content)) == [a, b] and len(logs) == 4
