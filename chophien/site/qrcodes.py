"""QR codes (segno, SVG) that open a product's or a cooperative's page, for labels and market stalls.

Each code encodes the page's absolute URL; slugs never change, so printed codes keep working.
Error correction M survives a creased or dirty label. segno tries all eight masks (the QR
standard's choice, the most robust print), which takes a few milliseconds per code: codes are
cached on disk by content, and a large first build makes them on every core.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import segno

from chophien.core.cache_version import cache_version, ignoring
from chophien.core.files import PUBLISHED, remove_litter, report_damaged, write_atomic

ERROR = "m"
BORDER = 4  # the quiet zone the standard asks for: scanners need it on busy packaging
SETTINGS = f"segno-{segno.__version__}-{ERROR}-{BORDER}-1"
PARALLEL_FROM = 200


def qr_svg(url: str) -> bytes:
    """A black-on-white SVG QR code for *url*, scalable, with its quiet zone."""
    code = segno.make_qr(url, error=ERROR, boost_error=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        border=BORDER,
        xmldecl=False,
        nl=False,
        omitsize=True,
        svgclass=None,
        lineclass=None,
        light="#fff",
        title=url,
    )
    return buffer.getvalue()


def cache_key(url: str) -> str:
    """The code's name in the cache, and its key in the page state: URL, settings, cache version."""
    return hashlib.sha256(f"{cache_version()}\x1f{SETTINGS}\x1f{url}".encode()).hexdigest()[:32]


class QrCache:
    """SVGs on disk under cache_dir/qr/<cache version>/, keyed by (URL, settings, cache version).

    Codes of another version are never read; their folders (and the older flat layout's files)
    are removed when codes are made. Output files are hard links, so removing them loses nothing.
    """

    def __init__(self, cache_dir: str | os.PathLike):
        self.root = Path(cache_dir) / "qr"
        self.folder = self.root / cache_version()
        self.made: set[str] = set()  # codes made by this build

    def path_of(self, url: str) -> Path:
        return self.folder / f"{cache_key(url)}.svg"

    def ensure(self, urls: list[str]) -> None:
        """Make the codes that are not cached yet (in parallel when there are many)."""
        missing = sorted({url for url in urls if not self.intact(url)})
        if not missing:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_litter(self.folder)
        for old in self.root.iterdir():
            if old != self.folder:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        if len(missing) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
            with ProcessPoolExecutor() as pool:
                svgs = pool.map(qr_svg, missing, chunksize=64)
                for url, svg in zip(missing, svgs, strict=True):
                    self._store(url, svg)
        else:
            for url in missing:
                self._store(url, qr_svg(url))

    def intact(self, url: str) -> bool:
        """Cached, whole (an SVG document from its start to its end tag) and readable by others.

        Output files are hard links to these: a truncated one would be published as it is.
        """
        path = self.path_of(url)
        if ignoring() and url not in self.made:
            return False  # --ignore-cache: made again once in this build
        try:
            with path.open("rb") as handle:
                mode = os.fstat(handle.fileno()).st_mode
                data = handle.read()
        except OSError:
            return False
        if not (data.startswith(b"<svg") and data.rstrip().endswith(b"</svg>")):
            report_damaged(path, f"{len(data)} bytes, not a whole SVG")
            return False
        return stat.S_IMODE(mode) == PUBLISHED  # written 0600 by an older version: written again

    def _store(self, url: str, svg: bytes) -> None:
        # Not fsynced (thousands of codes): a code cut short by a power cut fails intact() and is made again.
        write_atomic(self.path_of(url), svg, durable=False)
        self.made.add(url)

    def read(self, url: str) -> bytes:
        if not self.intact(url):
            self.ensure([url])
        return self.path_of(url).read_bytes()
