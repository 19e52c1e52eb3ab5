"""What a build did, counted: pages rendered, unchanged and removed, photos, compression, search.

The catalogue generator fills one `BuildReport` per build, prints it as one Vietnamese line and
saves it as JSON in the cache folder beside the page state, where tests and tools read it
(`BuildReport.load`) instead of parsing the line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from chophien.core.files import write_atomic


@dataclasses.dataclass
class BuildReport:
    rendered: int = 0  # pages rendered and written this build
    workers: int = 1  # processes that rendered them (more than 1: forked workers)
    unchanged: int = 0  # pages kept as they were (same fingerprint, file intact)
    removed: int = 0  # files of an earlier build this one no longer makes, deleted
    compressed: int = 0  # .br/.gz siblings written (CHOPHIEN_PRECOMPRESS)
    litter: int = 0  # temporary files of an interrupted build, deleted
    photos: int = 0  # photo derivatives the site has (output/media)
    photos_linked: int = 0  # of which (re)linked from the photo cache this build
    search: str = ""  # Pagefind's summary when the search index was rebuilt, else ""

    @staticmethod
    def file_name(output_key: str) -> str:
        return f"build-{output_key}.json"

    @classmethod
    def path_for(cls, cache_dir: str | os.PathLike, output: str | os.PathLike) -> Path:
        """Where the build into *output* with caches in *cache_dir* saves its report."""
        key = hashlib.sha256(os.path.realpath(output).encode()).hexdigest()[:12]
        return Path(cache_dir) / cls.file_name(key)

    @classmethod
    def load(cls, cache_dir: str | os.PathLike, output: str | os.PathLike) -> BuildReport:
        """The report of the last finished build into *output*."""
        return cls(**json.loads(cls.path_for(cache_dir, output).read_text(encoding="utf-8")))

    def save(self, path: Path) -> None:
        text = json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1)
        write_atomic(path, text.encode("utf-8"), durable=False)

    def line(self) -> str:
        """The line the build prints (Vietnamese, as the rest of its messages)."""
        return (
            f"Trang: {self.rendered} dựng mới"
            + (f" ({self.workers} tiến trình)" if self.workers > 1 else "")
            + f", {self.unchanged} không đổi, {self.removed} tệp cũ đã xoá"
            + (f", {self.compressed} tệp nén mới" if self.compressed else "")
            + (f", {self.litter} tệp tạm của lần dựng bị ngắt đã xoá" if self.litter else "")
        )
