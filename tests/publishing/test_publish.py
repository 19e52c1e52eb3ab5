"""Atomic publishing, tested against a local target folder (the same scripts run over SSH)."""

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

from chophien.publishing import rsync as publish_module
from chophien.publishing.common import (
    MANIFEST,
    TRASH,
    PublishError,
)
from chophien.publishing.rsync import Target, _switch_script, publish, rollback


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
    reads, stop = [], threading.Event()

    def visitor():
        while not stop.is_set():
            try:
                page = (root / "current/index.html").read_text()
                reads.append(page[:1] if page in ("A" * 5000, "B" * 5000) else f"mixed {page[:20]!r}")
            except FileNotFoundError:
                reads.append("missing")

    def wait_for_reads(count):
        deadline = time.monotonic() + 10
        while len(reads) < count and time.monotonic() < deadline:
            time.sleep(0.001)

    thread = threading.Thread(target=visitor)
    thread.start()
    try:
        wait_for_reads(1)  # the reader is running before the first switch
        for i in range(1, 6):
            publish(
                site(tmp_path, f"next{i}", ("B" if i % 2 else "A") * 5000),
                target,
                f"20261127-00000{i}",
                keep=2,
            )
            wait_for_reads(len(reads) + 1)  # ... and reads again after each switch
    finally:
        stop.set()
        thread.join()
    # Every release was read, in publishing order, and nothing else (no missing or mixed page, no
    # going back): the reads, with repeats collapsed, are exactly the six releases.
    assert [page for i, page in enumerate(reads) if i == 0 or reads[i - 1] != page] == list("ABABAB"), reads


def test_a_missing_rsync_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("sh", "mkdir", "readlink", "ls"):  # what reading the target needs; no rsync
        (tools / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(PublishError, match="chưa cài rsync .*apt-get install rsync"):
        publish(site(tmp_path, "one", "x"), Target.parse(str(tmp_path / "host")), "20261127-100000-aaaa")


# --- interrupted uploads never go live ----------------------------------------------------------

SCRIPT = ROOT / "scripts/publish.py"


def run_script(*args, env=None, umask=None):
    """scripts/publish.py as `make publish` / `make rollback` run it."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        env=dict(os.environ, **(env or {})),
        capture_output=True,
        text=True,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def releases(root):
    return sorted(p.name for p in (root / "releases").iterdir())


def complete(root):
    return sorted(p.parent.name for p in (root / "releases").glob(f"*/{MANIFEST}"))


def test_a_publish_killed_mid_upload_never_goes_live_and_rollback_skips_it(tmp_path):
    """The bug: a killed upload left releases/<B> half full; after <C>, rollback switched to <B>."""
    root = tmp_path / "host"
    target = Target(None, str(root))
    publish(site(tmp_path, "a", "release A"), target, "20261127-100000", keep=5)
    # An rsync that copies part of the site, then the publisher dies (power cut, lost SSH, kill -9).
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "rsync").write_text(
        f'#!/bin/sh\n{shutil.which("rsync")} --exclude=san-pham/ "$@"\nkill -9 $PPID\nsleep 5\n'
    )
    (shim / "rsync").chmod(0o755)
    killed = run_script(
        "publish",
        site(tmp_path, "b", "release B"),
        env={"PUBLISH_TARGET": str(root), "PATH": f"{shim}:{os.environ['PATH']}"},
    )
    assert killed.returncode == -9
    partial = [name for name in releases(root) if name != "20261127-100000"]
    assert len(partial) == 1 and (root / "releases" / partial[0] / "index.html").read_text() == "release B"
    assert (
        complete(root) == ["20261127-100000"] and os.readlink(root / "current") == "releases/20261127-100000"
    )

    log = publish(site(tmp_path, "c", "release C"), target, "20991231-000000", keep=5)
    assert f"đã xoá bản tải dở releases/{partial[0]}" in log
    assert releases(root) == complete(root) == ["20261127-100000", "20991231-000000"]
    assert rollback(target) == "20261127-100000"
    assert (root / "current/index.html").read_text() == "release A"


def test_rollback_skips_partial_and_damaged_releases_or_refuses(tmp_path):
    root = tmp_path / "host"
    target = Target(None, str(root))
    publish(site(tmp_path, "a", "release A"), target, "20261127-100000")
    publish(site(tmp_path, "b", "release B"), target, "20261127-110000")
    publish(site(tmp_path, "c", "release C"), target, "20261127-130000")
    # between B and C: an upload interrupted before its manifest (older code left these behind)
    (root / "releases/20261127-120000").mkdir()
    (root / "releases/20261127-120000/index.html").write_text("half")
    # B lost a file after it was published
    (root / "releases/20261127-110000/san-pham/index.html").unlink()
    log = []
    assert rollback(target, log=log) == "20261127-100000"
    assert log == [
        f"bỏ qua releases/20261127-120000: tải chưa xong (không có {MANIFEST})",
        "bỏ qua releases/20261127-110000: thiếu 1 tệp (vd. san-pham/index.html)",
    ]
    assert (root / "current/index.html").read_text() == "release A"
    with pytest.raises(PublishError) as error:
        rollback(target)
    assert str(error.value) == (
        "không có bản phát hành hoàn chỉnh nào cũ hơn releases/20261127-100000 để quay lại; current giữ nguyên"
    )
    assert os.readlink(root / "current") == "releases/20261127-100000"


def test_rollback_refuses_when_only_partial_releases_are_older(tmp_path):
    root = tmp_path / "host"
    target = Target(None, str(root))
    (root / "releases/20261127-090000").mkdir(parents=True)  # interrupted, never completed
    publish(site(tmp_path, "a", "release A"), target, "20261127-100000")
    # (it was not cleaned: the interrupted upload came after, from a second publisher)
    (root / "releases/20261127-095000").mkdir()
    result = run_script("rollback", env={"PUBLISH_TARGET": str(root)})
    assert result.returncode == 1
    assert result.stderr == (
        "Lỗi xuất bản: không có bản phát hành hoàn chỉnh nào cũ hơn releases/20261127-100000 để quay lại "
        f"(bỏ qua releases/20261127-095000: tải chưa xong (không có {MANIFEST})); current giữ nguyên\n"
    )
    assert os.readlink(root / "current") == "releases/20261127-100000"


def test_the_switch_itself_refuses_a_release_without_its_manifest(tmp_path):
    root = tmp_path / "host"
    target = Target(None, str(root))
    publish(site(tmp_path, "a", "release A"), target, "20261127-100000")
    (root / "releases/20261127-110000").mkdir()
    with pytest.raises(PublishError, match="releases/20261127-110000 chưa hoàn chỉnh"):
        target.shell(_switch_script(str(root), "20261127-110000"), [])
    assert os.readlink(root / "current") == "releases/20261127-100000"


def test_partial_releases_do_not_count_toward_keep_and_are_cleaned(tmp_path):
    root = tmp_path / "host"
    target = Target(None, str(root))
    publish(site(tmp_path, "a", "A"), target, "20261127-100000", keep=2)
    for name in (
        "20261127-110000",
        "20261127-120000",
        f"{TRASH}20261127-090000",
    ):  # interrupted uploads / deletes
        (root / "releases" / name / "theme").mkdir(parents=True)
    publish(site(tmp_path, "b", "B"), target, "20261127-130000", keep=2)
    # Counting the two partial folders, keep=2 would have deleted A, the only release to go back to.
    assert releases(root) == complete(root) == ["20261127-100000", "20261127-130000"]
    publish(site(tmp_path, "c", "C"), target, "20261127-140000", keep=2)
    assert releases(root) == ["20261127-130000", "20261127-140000"]


def test_an_upload_that_does_not_match_the_build_is_not_switched_to(tmp_path, monkeypatch):
    root = tmp_path / "host"
    target = Target(None, str(root))
    publish(site(tmp_path, "a", "A"), target, "20261127-100000")
    real = publish_module.run_tool

    def lossy(command, **kwargs):  # the upload "succeeds" but a file arrives truncated
        result = real(command, **kwargs)
        if command[0] == "rsync" and MANIFEST not in command[-1]:
            (root / "releases/20261127-110000/index.html").write_text("")
        return result

    monkeypatch.setattr(publish_module, "run_tool", lossy)
    with pytest.raises(PublishError) as error:
        publish(site(tmp_path, "b", "B"), target, "20261127-110000")
    assert str(error.value) == (
        "releases/20261127-110000 trên máy chủ không khớp với bản đã dựng: "
        "khác nội dung 1 tệp (vd. index.html); chưa chuyển"
    )
    assert os.readlink(root / "current") == "releases/20261127-100000"
    assert complete(root) == ["20261127-100000"]


def test_published_files_are_readable_by_the_web_server_whatever_the_build_wrote(tmp_path):
    """tempfile.mkstemp writes 0600 (DESIGN §8): a web server running as another user gets 403."""
    out = Path(site(tmp_path, "a", "A"))
    (out / "private.css").write_text("body{}")
    (out / "private.css").chmod(0o600)
    (out / "san-pham").chmod(0o700)
    root = tmp_path / "new host"  # created by the publish, under a umask of 077
    result = run_script("publish", str(out), env={"PUBLISH_TARGET": str(root)}, umask=0o077)
    assert result.returncode == 0, result.stderr
    release = root / "releases" / complete(root)[0]
    modes = {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}
    for path, mode in modes.items():
        if (root / path).is_symlink():
            continue
        assert mode & 0o444 == 0o444, (path, oct(mode))
        if (root / path).is_dir():
            assert mode & 0o111 == 0o111, (path, oct(mode))
    assert stat.S_IMODE((release / "private.css").stat().st_mode) == 0o644


def test_the_build_must_be_a_site_of_regular_files(tmp_path):
    target = Target(None, str(tmp_path / "host"))
    with pytest.raises(PublishError, match="không có thư mục trang đã dựng"):
        publish(str(tmp_path / "missing"), target, "20261127-100000")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PublishError, match="không có index.html"):
        publish(str(tmp_path / "empty"), target, "20261127-100000")
    out = Path(site(tmp_path, "a", "A"))
    (out / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(PublishError, match="liên kết tượng trưng .*“passwd”"):
        publish(str(out), target, "20261127-100000")
    assert not (tmp_path / "host/releases").exists() or releases(tmp_path / "host") == []


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"PUBLISH_KEEP": "abc"}, [], "Lỗi xuất bản: PUBLISH_KEEP phải là một số nguyên từ 1 trở lên"),
        ({"PUBLISH_KEEP": "0"}, [], "Lỗi xuất bản: PUBLISH_KEEP phải là một số nguyên từ 1 trở lên"),
        ({"PUBLISH_KEEP": "-1"}, [], "Lỗi xuất bản: PUBLISH_KEEP phải là một số nguyên từ 1 trở lên"),
        ({}, ["--keep", "1.5"], "Lỗi xuất bản: PUBLISH_KEEP phải là một số nguyên từ 1 trở lên"),
        (
            {"PUBLISH_TARGET": "relative/host"},
            [],
            "Lỗi xuất bản: PUBLISH_TARGET phải là user@host:/đường/dẫn",
        ),
        ({"PUBLISH_TARGET": "/srv/a\nb"}, [], "Lỗi xuất bản: PUBLISH_TARGET chứa ký tự điều khiển (U+000A)"),
        ({"PUBLISH_TARGET": "ftp://u@h:99999/"}, [], "Lỗi xuất bản: PUBLISH_TARGET cho FTP không đọc được"),
        ({"PUBLISH_TARGET": "ftp://u@[::1/"}, [], "Lỗi xuất bản: PUBLISH_TARGET cho FTP không đọc được"),
        ({"PUBLISH_TARGET": ""}, [], "Thiếu PUBLISH_TARGET"),
        ({}, ["no-such-output"], "Lỗi xuất bản: không có thư mục trang đã dựng “no-such-output”"),
    ],
)
def test_bad_settings_are_a_message_not_a_traceback(tmp_path, env, args, message):
    out = site(tmp_path, "a", "A")
    env = {"PUBLISH_TARGET": str(tmp_path / "host"), "PUBLISH_FTP_PASSWORD": "x", **env}
    result = run_script("publish", *(args if args and not args[0].startswith("-") else [out, *args]), env=env)
    assert result.returncode in (1, 2)
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "host/current").exists()


def test_a_target_with_spaces_and_accents_works(tmp_path):
    root = tmp_path / "máy chủ" / "chợ phiên"
    result = run_script(
        "publish", site(tmp_path, "a", "A"), env={"PUBLISH_TARGET": str(root), "PUBLISH_KEEP": "3"}
    )
    assert result.returncode == 0, result.stderr
    assert (root / "current/index.html").read_text() == "A"
    result = run_script("rollback", env={"PUBLISH_TARGET": str(root)})
    assert result.returncode == 1 and "không có bản phát hành hoàn chỉnh nào cũ hơn" in result.stderr


def test_a_target_that_is_a_file_or_an_output_with_a_newline_is_one_line_of_message(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    result = run_script("publish", site(tmp_path, "a", "A"), env={"PUBLISH_TARGET": str(tmp_path / "a-file")})
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Lỗi xuất bản: không đọc hay tạo được thư mục xuất bản “{tmp_path}/a-file/releases” trên máy này: mkdir:"
    )
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    result = run_script(
        "publish", str(tmp_path / "out\nLỗi giả"), env={"PUBLISH_TARGET": str(tmp_path / "host")}
    )
    assert result.returncode == 1
    assert result.stderr == (
        f"Lỗi xuất bản: không có thư mục trang đã dựng “{tmp_path}/out\\nLỗi giả”: "
        "hãy chạy `make html` (hoặc `make publish`) trước\n"
    )


def test_ctrl_c_during_the_upload_is_a_message_and_leaves_the_site_alone(tmp_path):
    root = tmp_path / "host"
    publish(site(tmp_path, "a", "release A"), Target(None, str(root)), "20261127-100000")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "rsync").write_text(
        f'#!/bin/sh\n{shutil.which("rsync")} --exclude=san-pham/ "$@"\nkill -INT $PPID\nsleep 5\n'
    )
    (shim / "rsync").chmod(0o755)
    result = run_script(
        "publish",
        site(tmp_path, "b", "release B"),
        env={"PUBLISH_TARGET": str(root), "PATH": f"{shim}:{os.environ['PATH']}"},
    )
    assert result.returncode == 130
    assert result.stderr == (
        "Đã dừng giữa chừng: trang đang chạy không đổi; bản tải dở (nếu có) sẽ bị xoá ở lần xuất bản sau.\n"
    )
    assert complete(root) == ["20261127-100000"] and len(releases(root)) == 2
    assert (root / "current/index.html").read_text() == "release A"
