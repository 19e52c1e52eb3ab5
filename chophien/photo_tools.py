"""`chophien images`: check the original photos volunteers add, and shrink oversized ones in place."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .images import (
    CHECK_MAX_BYTES,
    CHECK_MAX_PIXELS,
    CHECK_MIN_WIDTH,
    FIX_LONG_EDGE,
    FIX_QUALITY,
    ImageProblem,
    _register_heif,
    _write_atomic,
    decode,
)
from .loader import Catalogue
from .problems import WARNING, ProblemList
from .text import group_thousands


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _dimensions(path: Path) -> tuple[int, int]:
    """Displayed size (after EXIF rotation), read from the header only."""
    from PIL import Image

    _register_heif()
    with Image.open(path) as image:
        width, height = image.size
        orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _report(problems: ProblemList, image, vi: str, en: str, example: str = "") -> None:
    path, line, column, label = image.referenced_at
    problems.add(
        path, line, column, label, f"“{image.file}”: {vi}", f"“{image.file}”: {en}", example, WARNING
    )


def check_photos(catalogue: Catalogue, content_dir: Path, problems: ProblemList) -> int:
    """Report photos too small, too large for git, or without alt text; return how many were looked at."""
    from .build import referenced_images

    seen = 0
    for image in referenced_images(catalogue):
        seen += 1
        label = image.referenced_at[3]
        file = content_dir / image.source
        report = partial(_report, problems, image)
        is_logo = label == "logo"  # logos are small by nature and get their alt from the name
        if image.alt_missing and not is_logo:
            report(
                "thiếu mô tả ảnh (alt) cho người không xem được ảnh",
                "alt text is missing, for people who cannot see the photo",
                "alt: Búp chè Shan tuyết phủ lông tơ trắng",
            )
        size = file.stat().st_size
        if size > CHECK_MAX_BYTES:
            report(
                f"tệp quá nặng để đưa vào kho ({_megabytes(size)}, tối đa {_megabytes(CHECK_MAX_BYTES)}); "
                "chạy `chophien images --fix` để thu nhỏ",
                f"file too heavy for the repository ({_megabytes(size)}, at most {_megabytes(CHECK_MAX_BYTES)}); "
                "run `chophien images --fix` to shrink it",
            )
        try:
            width, height = _dimensions(file)
        except Exception:  # noqa: BLE001 - any decoder failure is reported by validate
            continue
        if width * height > CHECK_MAX_PIXELS:
            report(
                f"ảnh quá lớn ({width}×{height}, {group_thousands(width * height)} điểm ảnh; tối đa 48 triệu); "
                "chạy `chophien images --fix` để thu nhỏ",
                f"image too large ({width}×{height}, over 48 megapixels); run `chophien images --fix` to shrink it",
            )
        if width < CHECK_MIN_WIDTH and not is_logo:
            report(
                f"ảnh quá nhỏ ({width} điểm ảnh chiều ngang, cần ít nhất {CHECK_MIN_WIDTH}); "
                "hãy gửi ảnh gốc từ điện thoại",
                f"image too small ({width} pixels wide, at least {CHECK_MIN_WIDTH} needed); "
                "send the original photo from the phone",
            )
    return seen


@dataclass(frozen=True)
class Shrunk:
    path: Path
    before: tuple[int, int, int]  # width, height, bytes
    after: tuple[int, int, int]

    def render(self, root: Path) -> str:
        (w0, h0, b0), (w1, h1, b1) = self.before, self.after
        return f"{self.path.relative_to(root).as_posix()}: {w0}×{h0}, {_megabytes(b0)} → {w1}×{h1}, {_megabytes(b1)}"


def needs_shrinking(width: int, height: int, size: int) -> bool:
    return max(width, height) > FIX_LONG_EDGE or size > CHECK_MAX_BYTES


def shrink_in_place(path: Path) -> Shrunk | None:
    """Resize a photo to at most FIX_LONG_EDGE px, upright, metadata stripped, same format and name."""
    from PIL import Image

    data = path.read_bytes()
    width, height = _dimensions(path)
    if not needs_shrinking(width, height, len(data)):
        return None
    image = decode(data)  # upright, sRGB, 8-bit, no metadata (transparency flattened on white)
    scale = min(1.0, FIX_LONG_EDGE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    suffix = path.suffix.lower()
    if suffix in (".heic", ".heif"):
        import pillow_heif

        pillow_heif.from_pillow(image).save(buffer, quality=FIX_QUALITY)
    elif suffix == ".png":
        image.save(buffer, "PNG", optimize=True)
    elif suffix == ".webp":
        image.save(buffer, "WEBP", quality=FIX_QUALITY, method=6)
    else:
        image.save(buffer, "JPEG", quality=FIX_QUALITY, optimize=True, progressive=True)
    _write_atomic(path, buffer.getvalue())
    return Shrunk(path, (width, height, len(data)), (image.width, image.height, len(buffer.getvalue())))


def fix_photos(catalogue: Catalogue, content_dir: Path, problems: ProblemList) -> list[Shrunk]:
    from .build import referenced_images

    done: list[Shrunk] = []
    for source in dict.fromkeys(image.source for image in referenced_images(catalogue)):
        path = content_dir / source
        try:
            shrunk = shrink_in_place(path)
        except ImageProblem as error:
            problems.add(os.fspath(path), 0, 0, "", error.vi, error.en)
            continue
        except OSError:
            continue
        if shrunk:
            done.append(shrunk)
    return done
