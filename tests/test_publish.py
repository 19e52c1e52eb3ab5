"""Atomic publishing, tested against a local target folder (the same scripts run over SSH)."""

import datetime as dt
import os
import shutil
import threading
import time

import pytest

from chophien.publish import (
    PublishError,
    Target,
    previous_release,
    publish,
    release_name,
    releases_to_prune,
    rollback,
)


def site(tmp_path, name, text):
    out = tmp_path / name
    (out / "san-pham").mkdir(parents=True)
    (out / "index.html").write_text(text)
    same = out / "san-pham/index.html"
    same.write_text("same in every release")
    # Builds skip unchanged pages, so an unchanged file keeps its mtime between releases; rsync
    # hard-links a file only when its attributes match too.
    os.utime(same, (1_700_000_000, 1_700_000_000))
    return str(out)


def test_target_parsing():
    assert Target.parse("deploy@host.example.vn:/srv/cho/") == Target("deploy@host.example.vn", "/srv/cho")
    assert Target.parse("/srv/cho") == Target(None, "/srv/cho")
    with pytest.raises(PublishError):
        Target.parse("relative/path")


def test_release_names_and_pruning():
    assert (
        release_name(dt.datetime(2026, 11, 27, 10, 15, 0), "ab12cd34ef56aa") == "20261127-101500-ab12cd34ef56"
    )
    releases = ["20261101-000000", "20261102-000000", "20261103-000000", "20261104-000000", "junk"]
    assert releases_to_prune(releases, "20261104-000000", keep=2) == ["20261101-000000", "20261102-000000"]
    assert releases_to_prune(releases, "20261101-000000", keep=2) == [
        "20261102-000000"
    ]  # never the current one
    assert previous_release(releases, "20261103-000000") == "20261102-000000"
    assert previous_release(releases, "20261101-000000") is None


def test_publish_switches_atomically_keeps_n_and_rolls_back(tmp_path):
    root = tmp_path / "host"
    target = Target(None, str(root))
    names = [f"20261127-10000{i}" for i in range(4)]
    for i, name in enumerate(names):
        publish(site(tmp_path, f"out{i}", f"release {i}"), target, name, keep=3)
        assert (root / "current/index.html").read_text() == f"release {i}"
    assert os.readlink(root / "current") == f"releases/{names[3]}"
    assert sorted(os.listdir(root / "releases")) == names[1:]
    # unchanged files are hard links to the previous release, not new copies
    assert (
        os.stat(root / f"releases/{names[3]}/san-pham/index.html").st_ino
        == os.stat(root / f"releases/{names[2]}/san-pham/index.html").st_ino
    )
    assert rollback(target) == names[2]
    assert (root / "current/index.html").read_text() == "release 2"
    with pytest.raises(PublishError):
        publish(site(tmp_path, "again", "x"), target, names[2])


def test_visitors_never_see_a_missing_or_half_site(tmp_path):
    root = tmp_path / "host"
    target = Target(None, str(root))
    publish(site(tmp_path, "first", "A" * 5000), target, "20261127-000000")
    seen, stop = set(), threading.Event()

    def visitor():
        while not stop.is_set():
            try:
                seen.add((root / "current/index.html").read_text()[:1])
            except FileNotFoundError:
                seen.add("missing")

    thread = threading.Thread(target=visitor)
    thread.start()
    try:
        for i in range(1, 6):
            publish(
                site(tmp_path, f"next{i}", ("B" if i % 2 else "A") * 5000),
                target,
                f"20261127-00000{i}",
                keep=2,
            )
        time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert seen <= {"A", "B"}


def test_a_missing_rsync_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("sh", "mkdir", "readlink", "ls"):  # what reading the target needs; no rsync
        (tools / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(PublishError, match="chưa cài rsync .*apt-get install rsync"):
        publish(site(tmp_path, "one", "x"), Target.parse(str(tmp_path / "host")), "20261127-100000-aaaa")
