"""Writing many files all or none (the import's changes, the exported workbook)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from chophien.core.files import stage


def _new_file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_files_atomically(files: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: all go to temporary files first, then each is renamed into place.

    A full disk or a missing permission shows while the temporary files are written, before any
    file is replaced; the folders this made are removed again. (chophien/core/files.py's writer
    does one file; this is the all-or-nothing step over many.)
    """
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            staged.append((stage(path, data, _new_file_mode(path)), path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    for temporary, path in staged:
        os.replace(temporary, path)
