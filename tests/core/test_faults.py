"""Faults while writing: a full disk, a killed build, damaged caches, two builds at once.

Each fault is real where it can be: a build process killed with SIGKILL, a tmpfs that is
really full, files really truncated on disk. A full disk at an exact byte is simulated by a
wrapper around os.write that only the build process loads (tests/.. FAULTY_PELICAN below).
After every fault the next ordinary build must give the same bytes as a clean build.
"""

from __future__ import annotations

import errno
import os
import pickle
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, TODAY, jpeg_bytes, minimal_tree, write_tree

from chophien.core import files
from chophien.core.files import Damaged, read_checked, share_file, tidy_output, write_atomic, write_checked

SETTINGS = ("-e", "CHOPHIEN_PRECOMPRESS=true", "CHOPHIEN_MINIFY=true")

# Runs Pelican with every write into a regular file counted: os.write, and files opened for
# writing with open()/io.open()/os.fdopen()/Path.write_*, whichever way the code writes.
# FAULT=enospc:N fails writes with ENOSPC once N bytes have been written (the write that crosses
# N is cut short first, as a disk does); FAULT=kill:N sends this process SIGKILL half-way
# through the write that crosses N (the whole build: its process group, photo workers included);
# FAULT=slow:S sleeps S seconds before each write. Forked workers share the one byte count.
FAULTY_PELICAN = r"""
import atexit, builtins, errno, io, os, signal, stat, sys, time
import multiprocessing, multiprocessing.connection  # binds the real os.write for its pipes first
kind, _, amount = os.environ.get("FAULT", "none:0").partition(":")
real_write, real_open = os.write, io.open
written = multiprocessing.Value("q", 0)  # shared memory: forked workers count into it too

def kill_build():
    os.killpg(os.getpgid(0), signal.SIGKILL)

def allowance(size):
    # How many of *size* bytes may be written now (raises or kills at the limit).
    if kind == "slow":
        time.sleep(float(amount))
    if kind not in ("enospc", "kill"):
        return size
    room = int(amount) - written.value
    if room >= size:
        return size
    if kind == "kill":
        return -1
    if room <= 0:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return room

def write(fd, data):
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        return real_write(fd, data)
    data = bytes(data)
    room = allowance(len(data))
    if room < 0:
        real_write(fd, data[: max(1, len(data) // 2)])
        kill_build()
    count = real_write(fd, data[:room])
    with written.get_lock():
        written.value += count
    return count

class Counted:
    def __init__(self, handle):
        self._handle = handle
    def write(self, data):
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        room = allowance(len(raw))
        if room < 0:
            self._handle.write(data[: max(1, len(data) // 2)])
            self._handle.flush()
            kill_build()
        if room < len(raw):
            self._handle.write(raw[:room] if isinstance(data, bytes) else raw[:room].decode("utf-8", "ignore"))
            self._handle.flush()
            with written.get_lock():
                written.value += room
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        with written.get_lock():
            written.value += len(raw)
        return self._handle.write(data)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)
    def __iter__(self):
        return iter(self._handle)
    def __getattr__(self, name):
        return getattr(self._handle, name)

def counted_open(file, mode="r", *args, **kwargs):
    handle = real_open(file, mode, *args, **kwargs)
    if any(flag in mode for flag in "wax+") and stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        return Counted(handle)
    return handle

os.write = write
io.open = builtins.open = counted_open
atexit.register(lambda: print(f"FAULT-WRITTEN {written.value}", file=sys.stderr))
from pelican import main
sys.argv = ["pelican", *sys.argv[1:]]
main()
"""


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def litter(*folders: Path) -> list[str]:
    return [str(p) for folder in folders for p in folder.rglob(f"{files.TEMP_PREFIX}*")]


class Project:
    """A small content tree, its output and cache folders, and ways to build it (with faults)."""

    def __init__(self, root: Path, content: Path | None = None):
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.content = content or write_tree(root, self.files())
        self.output = root / "output"
        self.cache = root / ".cache"
        self.script = root / "faulty_pelican.py"
        self.script.write_text(FAULTY_PELICAN)

    @staticmethod
    def files() -> dict:
        return minimal_tree(
            **{
                "products/htx-che-na-hang/tra-xanh.md": "---\nname: Trà xanh\ncategory: che\nprice: 120000\n"
                "images:\n  - file: tra.jpg\n    alt: Trà xanh\n---\nTrà xanh sao suốt.\n",
                "products/htx-che-na-hang/tra.jpg": jpeg_bytes(800, 600, (90, 140, 70)),
            }
        )

    def command(self, output: Path | None = None, extra: tuple = ()) -> list[str]:
        output = output or self.output
        return [
            str(self.script),
            str(self.content),
            "-o",
            str(output),
            "-s",
            str(ROOT / "pelicanconf.py"),
            *SETTINGS,
            *extra,
        ]

    def env(self, fault: str = "none:0", cache: Path | None = None) -> dict:
        return dict(
            os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(cache or self.cache), FAULT=fault
        )

    def build(
        self, fault="none:0", output: Path | None = None, cache: Path | None = None, umask=None, extra=()
    ):
        return subprocess.run(
            [sys.executable, *self.command(output, extra)],
            cwd=ROOT,
            env=self.env(fault, cache),
            capture_output=True,
            text=True,
            start_new_session=True,  # its own process group, for FAULT=kill
            preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
        )

    def start(self, fault: str = "none:0") -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, *self.command()],
            cwd=ROOT,
            env=self.env(fault),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )


def written_bytes(result: subprocess.CompletedProcess) -> int:
    return int(result.stderr.rsplit("FAULT-WRITTEN ", 1)[1].split()[0])


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """One content tree for the module (feed dates come from the files' times: keep them)."""
    return write_tree(tmp_path_factory.mktemp("content"), Project.files())


@pytest.fixture(scope="module")
def clean(tmp_path_factory, content):
    """The reference: a clean build into a fresh folder with a fresh cache, and the bytes it writes."""
    project = Project(tmp_path_factory.mktemp("clean"), content)
    result = project.build()
    assert result.returncode == 0, result.stderr
    return tree_bytes(project.output), written_bytes(result)


@pytest.fixture
def project(tmp_path, content):
    return Project(tmp_path, content)


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


def assert_rebuild_is_clean(project: Project, clean) -> subprocess.CompletedProcess:
    again = project.build()
    assert again.returncode == 0, again.stderr
    assert_no_traceback(again)
    reference, _ = clean
    rebuilt = tree_bytes(project.output)
    assert sorted(rebuilt) == sorted(reference)
    differing = [name for name in reference if rebuilt[name] != reference[name]]
    assert differing == []
    assert litter(project.output, project.cache) == []
    return again


# --- the writer itself ---------------------------------------------------------------------------


def test_write_atomic_writes_whole_files_readable_by_others(tmp_path):
    old = os.umask(0o077)
    try:
        assert write_atomic(tmp_path / "page.html", b"<p>xin chao</p>") == 15
        assert write_atomic(tmp_path / "cache.bin", b"abc", mode=None) == 3
    finally:
        os.umask(old)
    assert (tmp_path / "page.html").read_bytes() == b"<p>xin chao</p>"
    assert stat.S_IMODE((tmp_path / "page.html").stat().st_mode) == 0o644  # not mkstemp's 0600
    assert stat.S_IMODE((tmp_path / "cache.bin").stat().st_mode) == 0o600  # the umask, for caches
    assert litter(tmp_path) == []


def test_write_atomic_continues_after_short_writes(tmp_path, monkeypatch):
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data)[:3]))
    assert write_atomic(tmp_path / "f", b"0123456789") == 10
    assert (tmp_path / "f").read_bytes() == b"0123456789"


@pytest.mark.parametrize("fault", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_write_atomic_leaves_the_old_file_and_no_litter_on_any_exception(tmp_path, monkeypatch, fault):
    target = tmp_path / "index.html"
    target.write_bytes(b"old page")
    real = os.write
    calls = []

    def failing(fd, data):
        if calls:
            raise fault
        calls.append(1)
        return real(fd, bytes(data)[:4])  # half the page reaches the disk, then the fault

    monkeypatch.setattr(os, "write", failing)
    with pytest.raises(type(fault)) as raised:
        write_atomic(target, b"new page, longer")
    assert target.read_bytes() == b"old page"
    assert litter(tmp_path) == []
    if isinstance(fault, OSError):
        assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(target)


def test_a_write_that_accepts_nothing_is_an_error_not_a_loop(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "write", lambda fd, data: 0)
    with pytest.raises(OSError) as raised:
        write_atomic(tmp_path / "f", b"data")
    assert raised.value.errno == errno.EIO
    assert not (tmp_path / "f").exists() and litter(tmp_path) == []


def test_checked_cache_files_detect_truncation_and_damage(tmp_path, capsys):
    path = tmp_path / "shard.pickle"
    payload = pickle.dumps({"key": "value"})
    write_checked(path, payload)
    assert read_checked(path) == payload
    whole = path.read_bytes()
    path.write_bytes(whole[:-5])
    assert read_checked(path) is None
    path.write_bytes(whole[:-1] + bytes([whole[-1] ^ 1]))
    assert read_checked(path) is None
    with pytest.raises(Damaged, match="checksum mismatch"):
        files.unframe(path.read_bytes())
    assert read_checked(tmp_path / "missing") is None
    err = capsys.readouterr().err
    assert err.count("Bộ nhớ đệm hỏng, sẽ tạo lại") == 1  # once per file, however often it is read
    assert f"{path} (" in err and "damaged cache entry, rebuilding it" in err


def test_share_file_replaces_a_truncated_copy_and_keeps_a_good_link(tmp_path):
    source = tmp_path / "cache.webp"
    source.write_bytes(b"x" * 1000)
    target = tmp_path / "out.webp"
    assert share_file(source, target) is True
    assert target.stat().st_ino == source.stat().st_ino
    assert share_file(source, target) is False
    target.unlink()
    target.write_bytes(b"x" * 400)  # a copy cut short (another file system: no hard links)
    assert share_file(source, target) is True
    assert target.read_bytes() == b"x" * 1000
    assert litter(tmp_path) == []


def test_share_file_copies_across_file_systems_and_keeps_its_own_copy(tmp_path, monkeypatch):
    source = tmp_path / "cache.svg"
    source.write_bytes(b"<svg>" + b"x" * 500 + b"</svg>")
    target = tmp_path / "qr.svg"

    def cross_device(*_args):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(os, "link", cross_device)
    assert share_file(source, target) is True
    assert target.read_bytes() == source.read_bytes() and target.stat().st_ino != source.stat().st_ino
    assert share_file(source, target) is False  # same size and mtime: the copy it made
    with target.open("r+b") as handle:
        handle.truncate(100)
    assert share_file(source, target) is True
    assert target.read_bytes() == source.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and litter(tmp_path) == []


def test_tidy_output_removes_litter_and_opens_modes(tmp_path):
    (tmp_path / "san-pham").mkdir(mode=0o700)
    (tmp_path / "san-pham" / "index.html").write_text("x")
    (tmp_path / "san-pham" / "index.html").chmod(0o600)
    (tmp_path / "san-pham" / ".tmp-k2j4h1").write_text("half a pa")
    tmp_path.chmod(0o700)
    assert tidy_output(tmp_path) == 1 and litter(tmp_path) == []
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "san-pham").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "san-pham" / "index.html").stat().st_mode) == 0o644


def test_cache_litter_of_dead_processes_is_removed_and_live_ones_are_kept(tmp_path):
    """Caches are shared by builds into other outputs: only a dead process's temporary file goes."""
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = tmp_path / f".tmp-{gone.stdout.strip()}-abc123"
    live = tmp_path / f".tmp-{os.getpid()}-def456"
    for path in (dead, live):
        path.write_bytes(b"half")
    assert files.remove_litter(tmp_path) == 1
    assert not dead.exists() and live.exists()
    assert files.remove_litter(tmp_path / "missing") == 0


# --- a full disk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.02, 0.3, 0.6, 0.95])
def test_full_disk_mid_build_then_a_normal_build_equals_a_clean_one(project, clean, share):
    """ENOSPC after a share of the bytes a clean build writes: photos, pages, caches, siblings."""
    _, total = clean
    result = project.build(f"enospc:{int(total * share)}")
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert "Lỗi: không ghi được" in result.stderr and "No space left on device" in result.stderr
    assert litter(project.output, project.cache) == []
    assert_rebuild_is_clean(project, clean)


def _mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir(exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        # Permission to mount belongs to the machine (an unprivileged container has none), not
        # to anything CI could install; the simulated full disk above covers the same writers.
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")


@pytest.mark.parametrize("size", ["300k", "700k"])  # full while writing pages; while Pagefind runs
def test_full_disk_on_a_real_small_file_system(project, content, tmp_path, size):
    """A tmpfs too small for the site: the build fails with a message, leaves only whole files,
    and the next build, with room, equals a clean one. (Pagefind 1.5 exits 0 on a full disk
    with an empty pagefind-entry.json: the bundle is checked before it is used.)"""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    # The reference is built on a tmpfs too: Pagefind's index depends on the folder listing order.
    reference_project = Project(tmp_path / "reference", content)
    try:
        _mount_tmpfs(reference_project.output, "64m")
        assert reference_project.build().returncode == 0
        reference = tree_bytes(reference_project.output)
        _mount_tmpfs(project.output, size)
        full = project.build()
        assert full.returncode == 1
        assert_no_traceback(full)
        assert "Lỗi: không ghi được" in full.stderr and "Error: cannot write" in full.stderr
        assert litter(project.output) == []
        for name, data in tree_bytes(project.output).items():
            assert name in reference, name
            # Pelican copies the theme's files itself; every file the catalogue writes is whole.
            if not name.startswith("theme/"):
                assert data == reference[name], name
        subprocess.run(["mount", "-o", "remount,size=64m", str(project.output)], check=True)
        assert_rebuild_is_clean(project, (reference, 0))
    finally:
        for folder in (project.output, reference_project.output):
            subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


# --- an interrupted build ------------------------------------------------------------------------


@pytest.mark.parametrize("share", [0.05, 0.25, 0.5, 0.75, 0.95])
def test_build_killed_mid_write_then_rebuild_equals_clean(project, clean, share):
    """SIGKILL half-way through a write, at several points of a build (photos, pages, siblings)."""
    _, total = clean
    killed = project.build(f"kill:{int(total * share)}")
    assert killed.returncode == -signal.SIGKILL
    assert_rebuild_is_clean(project, clean)


def test_build_killed_from_outside_once_pages_exist(project, clean):
    build = project.start("slow:0.01")
    deadline = time.monotonic() + 60
    while not any(project.output.rglob("index.html")) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(build.pid, signal.SIGKILL)  # the build and its workers, as a cancelled CI job
    build.communicate()
    assert build.returncode == -signal.SIGKILL, "the build ended before it could be killed"
    assert_rebuild_is_clean(project, clean)


# --- damaged caches and outputs ------------------------------------------------------------------


def _truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(max(1, path.stat().st_size // 2))


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(p for p in folder.rglob(pattern) if p.is_file())
    assert found, pattern
    return found[0]


DAMAGE = {
    # a photo derivative in the cache (the output file is a hard link to it: both are cut short)
    "photo derivative": lambda p: _truncate(_one(p.cache / "images", "*-480.webp")),
    "photo index": lambda p: _truncate(_one(p.cache / "images", "*.json")),
    "parsed-file shard": lambda p: _truncate(_one(p.cache, "htx-che-na-hang.pickle")),
    "rendered Markdown": lambda p: _truncate(p.cache / "markdown.json"),
    "file hashes": lambda p: _truncate(p.cache / "file-hashes.pickle"),
    "page state": lambda p: _truncate(_one(p.cache, "pages-*.json")),
    "QR code": lambda p: _truncate(_one(p.cache / "qr", "*.svg")),
    "page in output": lambda p: _truncate(p.output / "san-pham" / "index.html"),
    "compressed sibling": lambda p: _truncate(p.output / "san-pham" / "index.html.br"),
    "feed in output": lambda p: _truncate(_one(p.output, "*.xml")),
    "search bundle file": lambda p: _truncate(_one(p.output / "tim-kiem" / "pagefind", "*.pf_meta")),
    "theme asset": lambda p: _truncate(_one(p.output / "theme" / "css", "*.*.css")),
    "media copy in output": lambda p: _cut_copy(_one(p.output / "media", "*-480.jpg")),
}


def _cut_copy(path: Path) -> None:
    """Replace a hard link to the cache with a copy cut short (as a copy to another disk leaves)."""
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 2])


REPORTED = {
    "photo derivative",
    "photo index",
    "parsed-file shard",
    "rendered Markdown",
    "file hashes",
    "page state",
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_cache_or_output_is_repaired_by_the_next_build(project, clean, damage):
    first = project.build()
    assert first.returncode == 0, first.stderr
    DAMAGE[damage](project)
    again = assert_rebuild_is_clean(project, clean)
    if damage in REPORTED:
        assert again.stderr.count("Bộ nhớ đệm hỏng, sẽ tạo lại") >= 1, again.stderr


def test_parse_cache_shard_with_a_good_length_but_flipped_byte_is_not_unpickled(project, clean):
    assert project.build().returncode == 0
    shard = _one(project.cache, "htx-che-na-hang.pickle")
    data = bytearray(shard.read_bytes())
    data[-3] ^= 0xFF
    shard.write_bytes(bytes(data))
    again = assert_rebuild_is_clean(project, clean)
    assert "checksum mismatch" in again.stderr


# --- two builds at once --------------------------------------------------------------------------


def _finish(*builds: subprocess.Popen) -> list[str]:
    errors = []
    for build in builds:
        stdout, stderr = build.communicate(timeout=300)
        assert build.returncode == 0, stderr
        assert "Traceback" not in stderr + stdout
        errors.append(stderr)
    return errors


def test_two_builds_started_together_into_one_output(project, clean):
    """Both load and write the shared cache at once, then take turns on the output folder."""
    errors = _finish(project.start("slow:0.005"), project.start("slow:0.005"))
    assert tree_bytes(project.output) == clean[0]
    assert litter(project.output, project.cache) == []
    assert sum("Đang chờ: một bản dựng khác đang ghi vào" in e for e in errors) <= 1


def test_a_second_build_waits_for_the_one_writing_the_output(project, clean):
    first = project.start("slow:0.02")  # writing its pages takes seconds
    deadline = time.monotonic() + 60
    while not project.output.exists() and time.monotonic() < deadline:  # made when it takes the lock
        time.sleep(0.01)
    second = project.start()
    errors = _finish(first, second)
    assert "Đang chờ: một bản dựng khác đang ghi vào" in errors[1]
    assert "waiting for another build writing into this folder" in errors[1]
    assert tree_bytes(project.output) == clean[0]
    assert litter(project.output, project.cache) == []


# --- modes ---------------------------------------------------------------------------------------


def _wrong_modes(output: Path) -> list[str]:
    wrong = []
    for path in [output, *output.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode != (0o755 if path.is_dir() else 0o644):
            wrong.append(f"{path.relative_to(output)} {oct(mode)}")
    return wrong


def test_every_output_file_is_readable_by_a_web_server_user(tmp_path):
    """Built under umask 077 (a hardened server or CI), theme files checked out 0600: still
    0644 files and 0755 folders, on a first build and on a rebuild that adds pages and folders."""
    project = Project(tmp_path)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    for path in theme.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    pages = project.content / "pages"
    (pages / "gioi-thieu.md").write_text("Title: Giới thiệu\n\nVề chợ.\n", encoding="utf-8")
    extra = ("-e", f'THEME="{theme}"')
    first = project.build(umask=0o077, extra=extra)
    assert first.returncode == 0, first.stderr
    assert _wrong_modes(project.output) == []
    # The second build is neither a first nor an interrupted one: no whole-output pass fixes modes.
    (pages / "lien-he.md").write_text("Title: Liên hệ\n\nGọi điện.\n", encoding="utf-8")
    (project.content / "products" / "htx-che-na-hang" / "tra-den.md").write_text(
        "---\nname: Trà đen\ncategory: che\nprice: 90000\nimages: none\n---\nTrà đen.\n", encoding="utf-8"
    )
    second = project.build(umask=0o077, extra=extra)
    assert second.returncode == 0, second.stderr
    assert (project.output / "lien-he" / "index.html").is_file()
    assert any(project.output.rglob("tra-den/index.html"))
    assert _wrong_modes(project.output) == []
