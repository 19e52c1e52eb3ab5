"""File hashes remembered by stat signature: unchanged files are not read again, edits always are."""

import hashlib
import os
from pathlib import Path

import pytest

from chophien.core.filestat import FileHashes

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


def test_an_edit_is_seen_when_the_mtime_moved_by_one_second(tmp_path):
    # mtimes set explicitly (1 s apart: every filesystem keeps that), never left to the clock's tick.
    path = old_file(tmp_path / "che.md", b"price: 450.000\n")
    memo = tmp_path / "hashes.pickle"
    first = later(FileHashes(memo))
    before = first.sha256(path)
    first.save()
    assert first.used  # remembered
    path.write_bytes(b"price: 460.000\n")  # same size
    os.utime(path, ns=((OLD + 1) * 10**9, (OLD + 1) * 10**9))
    assert FileHashes(memo).sha256(path) == hashlib.sha256(b"price: 460.000\n").hexdigest() != before


def test_an_edit_is_seen_even_with_the_same_size_mtime_and_inode(tmp_path, monkeypatch):
    # A tool that restores the mtime still moves the ctime. Whether the kernel's ctime tick has
    # passed between two writes is not the test's business: the stat results are given, one
    # nanosecond of ctime apart, so only the signature logic is under test.
    path = old_file(tmp_path / "che.md", b"price: 450.000\n")
    real_stat = os.stat
    real = real_stat(path)
    fields = list(real)
    ctime_ns = [real.st_ctime_ns]

    def fake_stat(name, *args, **kwargs):
        if os.fspath(name) != os.fspath(path):
            return real_stat(name, *args, **kwargs)
        return os.stat_result(fields, {"st_mtime_ns": OLD * 10**9, "st_ctime_ns": ctime_ns[0]})

    monkeypatch.setattr("chophien.core.filestat.os.stat", fake_stat)
    memo = tmp_path / "hashes.pickle"
    first = later(FileHashes(memo))
    before = first.sha256(path)
    first.save()
    assert first.used  # remembered
    path.write_bytes(b"price: 460.000\n")  # same size; fake_stat keeps mtime, inode and size
    assert later(FileHashes(memo)).sha256(path) == before  # unchanged signature: the memo answers
    ctime_ns[0] += 1
    assert later(FileHashes(memo)).sha256(path) == hashlib.sha256(b"price: 460.000\n").hexdigest() != before


def test_a_file_changed_just_now_is_never_remembered(tmp_path):
    path = tmp_path / "che.md"
    path.write_bytes(b"name: Ch\xc3\xa8\n")  # ctime is now: an edit within the clock tick could hide
    hashes = FileHashes(tmp_path / "hashes.pickle")
    hashes.sha256(path)
    assert hashes.used == {}


def test_a_broken_memo_is_ignored(tmp_path):
    memo = tmp_path / "hashes.pickle"
    memo.write_bytes(b"not a pickle")
    path = old_file(tmp_path / "che.md", b"x")
    assert FileHashes(memo).sha256(path) == hashlib.sha256(b"x").hexdigest()


def test_a_missing_file_raises_for_the_caller_to_report(tmp_path):
    with pytest.raises(OSError):
        FileHashes().sha256(tmp_path / "missing.md")
