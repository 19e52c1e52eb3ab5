"""The one way files are written: whole or not at all, verified, readable by the web server.

A full disk, a killed build or a power cut must never leave a truncated page, photo, QR code
or cache entry that a later build keeps because it "exists". Every writer in the package goes
through `write_atomic`: the bytes go to a temporary file in the target's folder, every byte is
counted, the mode is set explicitly, and `os.replace` puts the whole file in place in one step.

Modes: files that are published are 0644 and folders 0755 whatever the umask (`mkstemp`
creates 0600, and a web server running as another user could not read the site, DESIGN §8);
cache files that are never published (`mode=None`) follow the umask like any other file.

Caches that are read back whole (pickles, JSON indexes) are framed by `write_checked`: a header
line with the payload's length and SHA-256, checked by `read_checked`, so a damaged entry is a
miss, rebuilt and reported once, never unpickled or trusted.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import secrets
import stat
import sys
import tempfile
import time
from pathlib import Path

from chophien.core.cache_version import ignoring

logger = logging.getLogger(__name__)

PUBLISHED = 0o644
FOLDER = 0o755
TEMP_PREFIX = ".tmp-"
CHECKED_MAGIC = b"chophien-checked 1"


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def stage(path: str | os.PathLike, data: bytes, mode: int | None = PUBLISHED, durable: bool = True) -> Path:
    """*data* whole in a new temporary file beside *path*, ready for `os.replace(tmp, path)`.

    Every byte is counted; *mode* None follows the umask; *durable* fsyncs the file. Any
    exception, KeyboardInterrupt included, removes the temporary file. For writing several
    files all or nothing (stage them all, then rename each); one file: `write_atomic`.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMP_PREFIX}{os.getpid()}-")
    try:
        view = memoryview(data)
        written = 0
        while written < len(view):
            count = os.write(fd, view[written:])
            if count <= 0:  # a file system that accepts nothing and reports no error
                raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
            written += count
        if written != len(data):
            raise OSError(errno.EIO, f"{written} of {len(data)} bytes written", str(path))
        os.fchmod(fd, _umask_mode() if mode is None else mode)
        if durable:
            os.fsync(fd)
        os.close(fd)
        fd = -1
    except BaseException as error:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError) and error.filename is None:
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    return Path(tmp)


def write_atomic(
    path: str | os.PathLike, data: bytes, mode: int | None = PUBLISHED, durable: bool = True
) -> int:
    """Write *data* to *path* whole or not at all; return the number of bytes written.

    *mode* None follows the umask (cache files never published). *durable* fsyncs the file
    before it is renamed into place (a power cut then leaves the old or the new file, never an
    empty one); bulk output (pages and their compressed siblings) passes False, because the
    build records each page's size and a size that differs makes the next build rewrite it.
    Any exception, KeyboardInterrupt included, removes the temporary file.
    """
    tmp = stage(path, data, mode, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(data)


def write_text(path: str | os.PathLike, text: str, mode: int | None = PUBLISHED, durable: bool = True) -> int:
    return write_atomic(path, text.encode("utf-8"), mode, durable)


def make_folders(path: str | os.PathLike) -> None:
    """Like os.makedirs(exist_ok=True), with every folder it creates at 0755 whatever the umask."""
    path = Path(path)
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        os.chmod(folder, FOLDER)


def share_file(source: str | os.PathLike, target: str | os.PathLike) -> bool:
    """Make *target* hold *source*'s bytes, as a hard link when the file system allows, else a copy.

    An existing target is kept only when it is that very file (same inode), or a copy this
    function made (same size and mtime, rsync's quick check): a truncated or stale one is
    replaced, atomically. True when it was (re)placed.
    """
    source_stat = os.stat(source)
    try:
        target_stat = os.stat(target)
    except FileNotFoundError:
        target_stat = None
    if target_stat is not None and (
        (target_stat.st_ino, target_stat.st_dev) == (source_stat.st_ino, source_stat.st_dev)
        or (target_stat.st_size, target_stat.st_mtime_ns) == (source_stat.st_size, source_stat.st_mtime_ns)
    ):
        return False
    folder = os.path.dirname(os.fspath(target)) or "."
    temporary = os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}")
    try:
        os.link(source, temporary)
    except OSError:  # another file system, or links not allowed: copy the bytes
        with open(source, "rb") as handle:
            write_atomic(target, handle.read())
        os.utime(target, ns=(source_stat.st_atime_ns, source_stat.st_mtime_ns))
        return True
    try:
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise
    return True


def remove_litter(folder: str | os.PathLike) -> int:
    """Remove temporary files that killed processes left in *folder* (not in its sub-folders).

    Caches are shared by builds into different outputs, so a temporary file is removed only
    when the process named in it (`.tmp-<pid>-…`) is gone, or after a day (a reused pid).
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder (yet), or not one: the writes that follow say what is wrong
        return 0
    for entry in entries:
        if not entry.name.startswith(TEMP_PREFIX) or not entry.is_file(follow_symlinks=False):
            continue
        pid = entry.name[len(TEMP_PREFIX) :].split("-", 1)[0]
        try:
            stale = not pid.isdigit() or not _alive(int(pid)) or time.time() - entry.stat().st_mtime > 86400
            if stale:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # renamed into place or removed meanwhile
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    try:  # a killed worker stays a zombie until it is reaped: it writes nothing more
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


# --- caches that detect damage ---------------------------------------------------------------


class Damaged(Exception):
    """A cache file whose header, length or hash does not match its bytes."""


_reported: set[str] = set()


def report_damaged(path: str | os.PathLike, reason: str) -> None:
    """One line per damaged cache file per process: it is rebuilt, not a reason to stop."""
    key = os.fsdecode(path)
    if key in _reported:
        return
    _reported.add(key)
    print(
        f"Bộ nhớ đệm hỏng, sẽ tạo lại: {key} ({reason}) · damaged cache entry, rebuilding it",
        file=sys.stderr,
    )


def write_checked(
    path: str | os.PathLike, payload: bytes, mode: int | None = None, durable: bool = True
) -> int:
    """A cache file: a header line with the payload's length and SHA-256, then the payload.

    *durable* False skips the fsync for many small entries: one a power cut tears is a miss.
    """
    digest = hashlib.sha256(payload).hexdigest()
    header = CHECKED_MAGIC + b" %d %s\n" % (len(payload), digest.encode())
    return write_atomic(path, header + payload, mode, durable)


def read_checked(path: str | os.PathLike) -> bytes | None:
    """The payload of a file written by write_checked; None when there is no such file.

    A file that is there but truncated or damaged is reported once (report_damaged) and
    returned as None: the caller rebuilds the entry. A file in an older format (written before
    these checks, no header) is a quiet miss. Every cache read back whole goes through here:
    with --ignore-cache (cache_version.ignoring) each is a quiet miss, and is written afresh.
    """
    if ignoring():
        return None
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except (
        FileNotFoundError,
        NotADirectoryError,
    ):  # no such entry (a cache folder that is not one: writing says so)
        return None
    except OSError as error:
        report_damaged(path, error.strerror or str(error))
        return None
    if raw and not raw.startswith(CHECKED_MAGIC[:9]):
        return None
    try:
        return unframe(raw)
    except Damaged as error:
        report_damaged(path, str(error))
        return None


def unframe(raw: bytes) -> bytes:
    header, newline, payload = raw.partition(b"\n")
    parts = header.split(b" ")
    if not newline or len(parts) != 4 or b" ".join(parts[:2]) != CHECKED_MAGIC:
        raise Damaged("unknown format")
    try:
        length = int(parts[2])
    except ValueError:
        raise Damaged("unknown format") from None
    if len(payload) != length:
        raise Damaged(f"{len(payload)} of {length} bytes")
    if hashlib.sha256(payload).hexdigest().encode() != parts[3]:
        raise Damaged("checksum mismatch")
    return payload


# --- the output folder ------------------------------------------------------------------------


def tidy_output(folder: str | os.PathLike) -> int:
    """Remove temporary-file litter an interrupted build left, and make everything readable.

    Files become 0644 and folders 0755 (copies keep their source's mode, a build under another
    umask or an older version left others). Returns how many temporary files were removed.
    """
    removed = 0
    try:
        if stat.S_IMODE(os.stat(folder).st_mode) != FOLDER:
            os.chmod(folder, FOLDER)
    except FileNotFoundError:
        return 0
    stack = [os.fspath(folder)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.name.startswith(TEMP_PREFIX) and entry.is_file():
                os.unlink(entry.path)
                removed += 1
                continue
            is_dir = entry.is_dir()
            wanted = FOLDER if is_dir else PUBLISHED
            if stat.S_IMODE(entry.stat().st_mode) != wanted:
                os.chmod(entry.path, wanted)
            if is_dir:
                stack.append(entry.path)
    return removed


def signature_of(path: str | os.PathLike) -> tuple[int, int] | None:
    """(size, mtime_ns), or None when there is no such file."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_size, info.st_mtime_ns


class OutputLock:
    """An exclusive lock on the output folder for the length of a build (flock on the folder).

    A second build into the same folder waits, saying so, instead of interleaving its writes
    with the first. The lock belongs to the open folder, so it disappears with the process,
    however the process ends; there is no lock file to leave behind or to publish.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.fd = -1

    def acquire(self, stream=None) -> None:
        make_folders(self.folder)
        self.fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"Đang chờ: một bản dựng khác đang ghi vào {self.folder} · "
                "waiting for another build writing into this folder",
                file=stream or sys.stderr,
                flush=True,
            )
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except OSError as error:  # a file system without flock (some network mounts)
            logger.warning("cannot lock %s (%s): builds into it must not overlap", self.folder, error)

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the last descriptor releases the lock
            self.fd = -1
