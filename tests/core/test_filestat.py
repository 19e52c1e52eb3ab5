"""File hashes remembered by stat signature: unchanged files are not read again, edits always are."""

import hashlib
import os
from pathlib import Path

import pytest

from chophien.core.filestat import RACY_SECONDS, FileHashes

OLD = 1_700_000_000  # a modification time long past


def old_file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    os.utime(path, (OLD, OLD))
    return path


def later(hashes: FileHashes) -> FileHashes:
    """As if hashing happened 10 s from now: the files' ctimes (just now) are no longer racy."""
    hashes.now += 10
    return hashes


def test_an_unchanged_file_is_not_read_again(tmp_path, monkeypatch):
    path = old_file(tmp_path / "che.md", b"name: Ch\xc3\xa8\n")
    memo = tmp_path / "hashes.pickle"
    first = later(FileHashes(memo))
    digest = first.sha256(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    first.save()

    def refuse(self):
        raise AssertionError(f"read {self} again")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert FileHashes(memo).sha256(path) == digest


@pytest.fixture
def stat_of(monkeypatch):
    """Give the stat results of a file: mtime and ctime as set here, size and inode as they are.

    Whether the kernel's timestamp tick has passed between two writes is not the tests' business:
    with the signature given, each test moves exactly one field and nothing else.
    """
    given = {}
    real_stat = os.stat

    def fake_stat(name, *args, **kwargs):
        result = real_stat(name, *args, **kwargs)
        if os.fspath(name) not in given:
            return result
        return os.stat_result(list(result), given[os.fspath(name)])

    monkeypatch.setattr("chophien.core.filestat.os.stat", fake_stat)

    def give(path: Path, mtime_s: int = OLD, ctime_s: int = OLD) -> None:
        given[os.fspath(path)] = {"st_mtime_ns": mtime_s * 10**9, "st_ctime_ns": ctime_s * 10**9}

    return give


def test_an_edit_is_seen_when_only_the_mtime_moved_by_one_second(tmp_path, stat_of):
    path = old_file(tmp_path / "che.md", b"price: 450.000\n")
    stat_of(path)
    memo = tmp_path / "hashes.pickle"
    first = later(FileHashes(memo))
    before = first.sha256(path)
    first.save()
    assert first.used  # remembered
    path.write_bytes(b"price: 460.000\n")  # same size, same inode, ctime held still
    assert later(FileHashes(memo)).sha256(path) == before  # unchanged signature: the memo answers
    stat_of(path, mtime_s=OLD + 1)
    assert later(FileHashes(memo)).sha256(path) == hashlib.sha256(b"price: 460.000\n").hexdigest() != before


def test_an_edit_is_seen_even_with_the_same_size_mtime_and_inode(tmp_path, stat_of):
    # A tool that restores the mtime still moves the ctime: one second of ctime apart is seen.
    path = old_file(tmp_path / "che.md", b"price: 450.000\n")
    stat_of(path)
    memo = tmp_path / "hashes.pickle"
    first = later(FileHashes(memo))
    before = first.sha256(path)
    first.save()
    assert first.used  # remembered
    path.write_bytes(b"price: 460.000\n")  # same size; the given stat keeps mtime, inode and size
    assert later(FileHashes(memo)).sha256(path) == before  # unchanged signature: the memo answers
    stat_of(path, ctime_s=OLD + 1)
    assert later(FileHashes(memo)).sha256(path) == hashlib.sha256(b"price: 460.000\n").hexdigest() != before


@pytest.mark.parametrize("age", [0.0, 1.0, 2.0])
def test_a_file_changed_within_the_racy_window_is_never_remembered(tmp_path, stat_of, age):
    path = tmp_path / "che.md"
    path.write_bytes(b"name: Ch\xc3\xa8\n")
    stat_of(path, mtime_s=OLD, ctime_s=OLD)
    hashes = FileHashes(tmp_path / "hashes.pickle")
    hashes.now = OLD + age  # hashed this long after its last change: an edit could still hide
    assert hashes.sha256(path) == hashlib.sha256(b"name: Ch\xc3\xa8\n").hexdigest()
    assert hashes.used == {}
    hashes.now = OLD + RACY_SECONDS + 0.5  # past the window: remembered
    hashes.sha256(path)
    assert list(hashes.used) == [os.fspath(path)]


def test_a_broken_memo_is_ignored(tmp_path):
    memo = tmp_path / "hashes.pickle"
    memo.write_bytes(b"not a pickle")
    path = old_file(tmp_path / "che.md", b"x")
    assert FileHashes(memo).sha256(path) == hashlib.sha256(b"x").hexdigest()


def test_a_missing_file_raises_for_the_caller_to_report(tmp_path):
    with pytest.raises(OSError):
        FileHashes().sha256(tmp_path / "missing.md")
