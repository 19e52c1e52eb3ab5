"""What the photo pipeline gives: a processed photo and its derivatives, or an ImageProblem at its reference.

Originals are never published. Every output is re-encoded from pixels (chophien.photos.decode,
chophien.photos.encode) and cached by content hash (chophien.photos.cache); problems with a
photo become content Problems, never crashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chophien.core.problems import ERROR, ProblemList
from chophien.core.text import Bilingual


@dataclass(frozen=True)
class Derivative:
    width: int
    height: int
    format: str  # avif | webp | jpg
    name: str  # file name in the cache and in the output media folder


@dataclass(frozen=True)
class ProcessedImage:
    source: str  # content-relative path
    width: int
    height: int
    colour: str  # dominant colour "#rrggbb": the placeholder shown while loading
    derivatives: tuple[Derivative, ...]
    share: Derivative | None = None
    kind: str = ""  # the original's format, as recognised from its bytes (a key of ACCEPTED_FORMATS)

    def variants(self, fmt: str) -> tuple[Derivative, ...]:
        return tuple(d for d in self.derivatives if d.format == fmt)

    def fallback(self, width: int = 480) -> Derivative:
        """The JPEG closest to *width* (for `src`); the pipeline makes one JPEG per photo, so that one."""
        jpegs = self.variants("jpg")
        return min(jpegs, key=lambda d: (abs(d.width - width), d.width))

    def files(self) -> Iterable[Derivative]:
        yield from self.derivatives
        if self.share:
            yield self.share


class ImageProblem(Bilingual):
    """A photo that cannot be used, as a content problem."""


def report_at_reference(
    problems: ProblemList, image, vi: str, en: str, example: str = "", severity: str = ERROR
) -> None:
    """A problem with photo *image*, placed on the front-matter line that names it."""
    path, line, column, label = image.referenced_at
    problems.add(
        path, line, column, label, f"“{image.file}”: {vi}", f"“{image.file}”: {en}", example, severity
    )
