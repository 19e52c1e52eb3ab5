"""`chophien validate` warns when a Vietnamese text changed in git after its translations.en twin."""

import os
import subprocess
import time

import pytest
from conftest import PRODUCT, minimal_tree

from chophien.catalogue.stale import blame_times, pairs, stale_translations

SOURCE = "content/products/htx-che-na-hang/che-shan-tuyet.md"
TRANSLATED = PRODUCT.replace(
    "---\nBúp chè",
    "translations:\n  en:\n    name: Ancient Shan Tuyết tea\n    unit: 200 g box\n"
    "    summary: Buds picked from ancient trees.\n"
    "    story: |\n      Buds picked from ancient trees.\n\n      Brew at 90 °C.\n---\nBúp chè",
).replace("Búp chè hái từ cây cổ thụ.\n", "Búp chè hái từ cây cổ thụ.\n\nPha ở 90 °C.\n")


def git(repo, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{when} +0000"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo, message, when):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


@pytest.fixture
def repo(tree):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": TRANSLATED}))
    git(content.parent, "init", "-q")
    commit(content.parent, "first", 1_700_000_000)
    return content


def edit(content, old, new):
    path = content.parent / SOURCE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def warnings(content):
    return stale_translations(content, [SOURCE]).warnings


def test_pairs_locate_each_vietnamese_text_and_its_english_twin():
    found = {p.field: (p.vi_lines, p.en_lines) for p in pairs(TRANSLATED.encode())}
    # name on line 2, unit on 5; translations.en.* from line 11; the body's paragraphs on 19 and 21.
    assert found == {
        "name": ((2, 2), (11, 11)),
        "unit": ((5, 5), (12, 12)),
        "summary": ((19, 19), (13, 13)),
        "story": ((19, 21), (14, 17)),
    }


def test_a_summary_changed_in_a_later_commit_warns_until_its_translation_follows(repo):
    assert not warnings(repo)  # one commit: everything the same age
    edit(repo, "Búp chè hái từ cây cổ thụ.", "Búp chè hái tay từ cây chè cổ thụ.")
    commit(repo.parent, "vi summary", 1_700_100_000)
    found = warnings(repo)
    assert [(p.field, p.line) for p in found] == [
        ("translations.en.summary", 13),
        ("translations.en.story", 14),
    ]
    message = found[0].render("vi")
    assert "che-shan-tuyet.md:13" in message and "(dòng 19)" in message
    assert "hãy cập nhật translations.en.summary" in message and "16/11/2023" in message
    assert "update translations.en.summary" in found[0].render("en")
    assert all(p.severity == "warning" for p in found)
    edit(repo, "summary: Buds picked from ancient trees.", "summary: Buds hand-picked from ancient trees.")
    edit(repo, "      Buds picked from ancient trees.", "      Buds hand-picked from ancient trees.")
    commit(repo.parent, "en follows", 1_700_200_000)
    assert not warnings(repo)


def test_uncommitted_vietnamese_lines_count_as_now(repo):
    edit(repo, "name: Chè Shan tuyết cổ thụ", "name: Chè Shan tuyết cổ thụ Nà Hang")
    (found,) = warnings(repo)
    assert (found.field, found.line) == ("translations.en.name", 11)
    assert "chưa commit" in found.render("vi") and "not committed yet" in found.render("en")
    edit(repo, "name: Ancient Shan Tuyết tea", "name: Nà Hang ancient Shan Tuyết tea")
    assert not warnings(repo)  # both uncommitted: the same age


def test_an_english_change_after_the_vietnamese_one_is_no_warning(repo):
    edit(repo, "unit: hộp 200 g", "unit: hộp 250 g")
    commit(repo.parent, "vi unit", 1_700_100_000)
    assert [p.field for p in warnings(repo)] == ["translations.en.unit"]
    edit(repo, "unit: 200 g box", "unit: 250 g box")
    commit(repo.parent, "en unit", 1_700_050_000)  # committed with an older date: still older
    assert [p.field for p in warnings(repo)] == ["translations.en.unit"]
    edit(repo, "unit: 250 g box", "unit: box of 250 g")
    commit(repo.parent, "en unit again", 1_700_200_000)
    assert not warnings(repo)


def test_untracked_missing_or_untranslated_files_are_not_compared(repo):
    new = "content/products/htx-che-na-hang/moi.md"
    (repo.parent / new).write_text(TRANSLATED.replace("name: Chè", "name: Chè mới"), encoding="utf-8")
    assert not stale_translations(repo, [new, "content/products/khong-co.md"])  # untracked, missing
    assert pairs(PRODUCT.encode()) == []  # no translations.en: not even read by git


def test_outside_a_git_checkout_nothing_is_said_and_nothing_breaks(tree, monkeypatch):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": TRANSLATED}))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(content.parent.parent))  # git looks no higher
    assert subprocess.run(["git", "rev-parse"], cwd=content, capture_output=True).returncode != 0
    assert pairs((content.parent / SOURCE).read_bytes())  # there is something to compare
    assert not stale_translations(content, [SOURCE])
    monkeypatch.setenv("PATH", "")  # no git installed at all
    assert not stale_translations(content, [SOURCE])


def test_blame_porcelain_is_read_per_line_and_uncommitted_is_now():
    sha, zero = "a" * 40, "0" * 40
    text = (
        f"{sha} 1 1 1\ncommitter-time 100\nfilename x\n\tline one\n"
        f"{zero} 2 2 1\ncommitter-time 999\nfilename x\n\tline two\n"
        f"{sha} 3 3\nfilename x\n\tline three\n"
    )
    assert blame_times(text, now=5000) == {1: 100, 2: 5000, 3: 100}


def test_a_thousand_translated_files_are_checked_quickly(tree):
    files = {f"products/htx-che-na-hang/che-{n}.md": TRANSLATED for n in range(1000)}
    content = tree(minimal_tree(**files))
    git(content.parent, "init", "-q")
    commit(content.parent, "first", 1_700_000_000)
    sources = [f"content/products/htx-che-na-hang/che-{n}.md" for n in range(1000)]
    started = time.perf_counter()
    assert not stale_translations(content, sources)
    assert time.perf_counter() - started < 10  # one git log, no blame: ~1 s


def test_chophien_validate_prints_the_warning_and_still_passes(repo, capsys):
    from chophien.cli import main as cli_main

    edit(repo, "unit: hộp 200 g", "unit: hộp 250 g")
    commit(repo.parent, "vi unit", 1_700_100_000)
    assert (
        cli_main(["validate", str(repo), "--format", "human", "--no-images"]) == 0
    )  # a warning, not an error
    out = capsys.readouterr().out
    assert f"{SOURCE}:12: cảnh báo: translations.en.unit: đơn vị (unit) (dòng 5) đã sửa (16/11/2023)" in out
    assert "0 lỗi" in out.strip().splitlines()[-1]


# --- the cache of blames (catalogue/stale_cache.py) ------------------------------------------------

SOURCES = [f"content/products/htx-che-na-hang/che-{n}.md" for n in range(3)]


@pytest.fixture
def history(tree):
    """Three translated files whose Vietnamese summary changed after their English: two warnings each."""
    content = tree(minimal_tree(**{source.removeprefix("content/"): TRANSLATED for source in SOURCES}))
    git(content.parent, "init", "-q")
    commit(content.parent, "first", 1_700_000_000)
    for source in SOURCES:
        edit_file(content, source, "Búp chè hái từ cây cổ thụ.", "Búp chè hái tay từ cây chè cổ thụ.")
    commit(content.parent, "vi summaries", 1_700_100_000)
    return content


def edit_file(content, source, old, new):
    path = content.parent / source
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def blamed(monkeypatch):
    """The files `git blame` is run on, in order, by wrapping core.git.git as stale.py calls it."""
    import chophien.catalogue.stale as stale
    from chophien.core.git import git as real_git

    calls = []

    def counting(cwd, *args):
        if args[0] == "blame":
            calls.append(args[-1])
        return real_git(cwd, *args)

    monkeypatch.setattr(stale, "git", counting)
    return calls


def shown(problems):
    return [(p.path, p.line, p.field, p.render("vi"), p.render("en")) for p in problems.items]


def test_a_second_run_with_the_cache_blames_nothing_and_warns_the_same(history, blamed, tmp_path):
    cache = tmp_path / "cache"
    without = shown(stale_translations(history, SOURCES))
    assert sorted(blamed) == SOURCES and len(without) == 6
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == without  # the first run fills it
    assert sorted(blamed) == SOURCES and (cache / "stale-translations.json").is_file()
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == without
    assert blamed == []


def test_a_new_commit_to_one_file_blames_that_file_only(history, blamed, tmp_path):
    cache = tmp_path / "cache"
    stale_translations(history, SOURCES, cache)
    edit_file(history, SOURCES[1], "summary: Buds picked", "summary: Buds hand-picked")
    edit_file(history, SOURCES[1], "      Buds picked", "      Buds hand-picked")
    commit(history.parent, "en follows", 1_700_200_000)
    blamed.clear()
    found = stale_translations(history, SOURCES, cache)
    assert blamed == [SOURCES[1]]
    assert sorted({p.path for p in found.items}) == [SOURCES[0], SOURCES[2]]
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == shown(found) and blamed == []


def test_a_file_with_uncommitted_changes_is_blamed_every_time_and_never_kept(history, blamed, tmp_path):
    cache = tmp_path / "cache"
    before = shown(stale_translations(history, SOURCES, cache))
    kept = (cache / "stale-translations.json").read_bytes()
    edit_file(history, SOURCES[0], "summary: Buds picked", "summary: Buds hand-picked")
    for _ in range(2):
        blamed.clear()
        found = stale_translations(history, SOURCES, cache)
        assert blamed == [SOURCES[0]]
        assert [p.field for p in found.items if p.path == SOURCES[0]] == ["translations.en.story"]
    assert (cache / "stale-translations.json").read_bytes() == kept  # nothing new to keep
    git(history.parent, "checkout", "--", SOURCES[0])  # back as committed: the kept blame is right again
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == before and blamed == []


def test_the_same_commit_with_other_bytes_is_not_a_hit(history, blamed, tmp_path):
    """The key is the last commit and the blob: a merge or a rewritten file never reuses a blame."""
    from chophien.catalogue.stale_cache import BlameCache

    cache = tmp_path / "cache"
    stale_translations(history, SOURCES, cache)
    store = BlameCache.load(cache)
    entry = store.files[SOURCES[0]]
    assert store.get(SOURCES[0], (entry["commit"], entry["blob"])) is not None
    assert store.get(SOURCES[0], (entry["commit"], "f" * 40)) is None
    assert store.get(SOURCES[0], ("f" * 40, entry["blob"])) is None


def _rewrite(cache, change):
    """Write the cache file again, framed as it is, after *change*(its JSON)."""
    import json

    from chophien.core.files import read_checked, write_checked

    path = cache / "stale-translations.json"
    data = json.loads(read_checked(path))
    write_checked(path, json.dumps(change(data)).encode())


def _entry(data):
    return data["files"][SOURCES[0]]


HOSTILE = {
    "a time past year 9999": lambda d: _entry(d)["pairs"].update(summary=[10**30, 0]) or d,
    "a time that is text": lambda d: _entry(d)["pairs"].update(summary=["1", 0]) or d,
    "a time that is true": lambda d: _entry(d)["pairs"].update(summary=[True, 0]) or d,
    "three times": lambda d: _entry(d)["pairs"].update(summary=[1, 2, 3]) or d,
    "a commit that is no sha": lambda d: _entry(d).update(commit="HEAD") or d,
    "an extra key": lambda d: _entry(d).update(extra=1) or d,
    "files as a list": lambda d: {**d, "files": []},
    "not an object": lambda d: [d],
    "another format": lambda d: {**d, "format": "something else"},
}


@pytest.mark.parametrize("damage", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_cache_is_ignored_with_one_line_at_most(
    history, blamed, tmp_path, damage, capsys, monkeypatch
):
    from chophien.core import files

    monkeypatch.setattr(files, "_reported", set())
    cache = tmp_path / "cache"
    expected = shown(stale_translations(history, SOURCES, cache))
    # What a hostile cache would make the run say if it were believed: the first file's pairs as fresh.
    _rewrite(cache, lambda d: _entry(d)["pairs"].update({k: [0, 1] for k in _entry(d)["pairs"]}) or d)
    assert len(shown(stale_translations(history, SOURCES, cache))) == 4  # a believable entry is believed
    _rewrite(cache, damage)
    capsys.readouterr()
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected
    assert sorted(blamed) == SOURCES  # nothing of it was used
    assert len(capsys.readouterr().err.splitlines()) <= 1
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and blamed == []  # rewritten whole


def test_a_damaged_or_truncated_cache_file_is_one_line_and_a_miss(
    history, blamed, tmp_path, capsys, monkeypatch
):
    from chophien.core import files

    monkeypatch.setattr(files, "_reported", set())
    cache = tmp_path / "cache"
    expected = shown(stale_translations(history, SOURCES, cache))
    path = cache / "stale-translations.json"
    path.write_bytes(path.read_bytes()[:-20])
    capsys.readouterr()
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and sorted(blamed) == SOURCES
    (line,) = capsys.readouterr().err.splitlines()
    assert "stale-translations.json" in line and "damaged cache" in line
    path.write_bytes(b"\x00\xff not json at all")  # no frame: an unknown file, a quiet miss
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and sorted(blamed) == SOURCES
    assert capsys.readouterr().err == ""


def test_a_cache_from_another_version_is_a_quiet_miss(history, blamed, tmp_path, capsys, monkeypatch):
    import chophien.catalogue.stale_cache as stale_cache

    cache = tmp_path / "cache"
    expected = shown(stale_translations(history, SOURCES, cache))
    monkeypatch.setattr(stale_cache, "cache_version", lambda: "0123456789abcdef")
    capsys.readouterr()
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and sorted(blamed) == SOURCES
    assert capsys.readouterr().err == ""
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and blamed == []


def test_ignore_cache_reads_nothing_and_keeps_what_it_finds(history, blamed, tmp_path, monkeypatch):
    from chophien.core import cache_version

    cache = tmp_path / "cache"
    expected = shown(stale_translations(history, SOURCES, cache))
    monkeypatch.setattr(cache_version, "_ignore", True)
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and sorted(blamed) == SOURCES
    monkeypatch.setattr(cache_version, "_ignore", False)
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, cache)) == expected and blamed == []


def test_a_cache_that_cannot_be_written_changes_nothing_but_one_line(
    history, blamed, tmp_path, capsys, monkeypatch
):
    import errno

    import chophien.catalogue.stale_cache as stale_cache

    expected = shown(stale_translations(history, SOURCES))
    not_a_folder = tmp_path / "cache"
    not_a_folder.write_text("a file where the cache folder should be", encoding="utf-8")
    capsys.readouterr()
    assert shown(stale_translations(history, SOURCES, not_a_folder)) == expected
    (line,) = capsys.readouterr().err.splitlines()
    assert "could not write the cache" in line
    assert not_a_folder.read_text(encoding="utf-8") == "a file where the cache folder should be"

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(stale_cache, "write_checked", disk_full)
    blamed.clear()
    assert shown(stale_translations(history, SOURCES, tmp_path / "full")) == expected
    assert sorted(blamed) == SOURCES and "No space left on device" in capsys.readouterr().err
    assert not (tmp_path / "full" / "stale-translations.json").exists()


def test_a_shallow_clone_keeps_nothing(history, blamed, tmp_path):
    """Fetching more history later gives the same last commit other blame dates: no cache there."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{history.parent}", str(clone)], check=True)
    cache = tmp_path / "cache"
    found = stale_translations(clone / "content", SOURCES, cache)
    assert sorted({p.path for p in found.items}) == SOURCES and sorted(blamed) == SOURCES
    assert not (cache / "stale-translations.json").exists()


def test_files_git_no_longer_tracks_leave_the_cache(history, tmp_path):
    from chophien.catalogue.stale_cache import BlameCache

    cache = tmp_path / "cache"
    stale_translations(history, SOURCES, cache)
    assert sorted(BlameCache.load(cache).files) == SOURCES
    git(history.parent, "rm", "-q", SOURCES[2])
    commit(history.parent, "removed", 1_700_300_000)
    stale_translations(history, SOURCES[:2], cache)
    assert sorted(BlameCache.load(cache).files) == SOURCES[:2]


def test_chophien_validate_keeps_the_blames_in_its_cache_folder(history, blamed, tmp_path, capsys):
    from chophien.cli import main

    cache = tmp_path / "validate-cache"
    for expected_blames in (SOURCES, []):
        blamed.clear()
        assert main(["validate", str(history), "--no-images", "--cache-dir", str(cache)]) == 0
        assert sorted(blamed) == expected_blames
        assert capsys.readouterr().out.count("cảnh báo: translations.en.summary:") == 3
    assert (cache / "stale-translations.json").is_file()
