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
