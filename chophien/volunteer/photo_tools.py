"""`chophien images`: check the original photos volunteers add, and shrink oversized ones in place."""

from __future__ import annotations

import io
import stat
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from chophien.catalogue.model import Catalogue
from chophien.core.files import write_atomic
from chophien.core.problems import WARNING, ProblemList
from chophien.core.text import group_thousands
from chophien.photos.decode import bomb_problem, decode, open_accepted
from chophien.photos.formats import HEAD_BYTES, not_accepted, sniff, suffix_problem
from chophien.photos.geometry import MAX_ASPECT, display_box
from chophien.photos.limits import (
    CHECK_MAX_BYTES,
    CHECK_MAX_PIXELS,
    CHECK_MIN_WIDTH,
    FIX_LONG_EDGE,
    FIX_QUALITY,
)
from chophien.photos.model import ImageProblem, report_at_reference


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _dimensions(path: Path) -> tuple[int, int]:
    """Displayed size (after EXIF rotation), read from the header only; ImageProblem if unusable."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with open_accepted(path) as image:
                width, height = image.size
                orientation = image.getexif().get(0x0112, 1)
    except ImageProblem:
        raise
    except Image.DecompressionBombError:
        raise bomb_problem() from None
    except OSError:
        raise  # unreadable: `chophien validate` says so at the reference
    except Exception as error:  # noqa: BLE001 - a damaged header, whatever the decoder raises
        raise ImageProblem(
            f"ảnh bị hỏng, không đọc được kích thước ({type(error).__name__}); hãy chụp hoặc tải lên lại",
            f"damaged image, its size cannot be read ({type(error).__name__}); take or upload it again",
        ) from None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def inspect(path: Path) -> tuple[str, int, int]:
    """(format, displayed width, height) of an accepted photo from its header, without decoding it.

    Raises ImageProblem for a file that is not an accepted photo or whose extension does not say
    what it is; OSError when it cannot be read.
    """
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    kind = sniff(head)
    if kind is None:
        raise not_accepted(head)
    problem = suffix_problem(path.name, kind)
    if problem:
        raise problem
    return (kind, *_dimensions(path))


def check_photos(catalogue: Catalogue, content_dir: Path, problems: ProblemList) -> int:
    """Report photos too small, too large for git, or without alt text; return how many were looked at."""
    seen = 0
    for image in catalogue.referenced_images():
        seen += 1
        label = image.referenced_at[3]
        file = content_dir / image.source
        report = partial(report_at_reference, problems, image, severity=WARNING)
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
            _kind, width, height = inspect(file)
        except ImageProblem as error:
            path, line, column, field = image.referenced_at
            vi, en = f"“{image.file}”: {error.vi}", f"“{image.file}”: {error.en}"
            if not any(
                (p.path, p.line, p.message_vi) == (path, line, vi) for p in problems.items
            ):  # --fix said so
                problems.add(path, line, column, field, vi, en, error.example)
            continue
        except OSError:  # unreadable: `chophien validate` reports it at the reference
            continue
        shown = display_box(width, height)
        if shown != (0, 0, width, height):
            part_vi, part_en = ("phần trên", "the top") if height > width else ("phần giữa", "the middle")
            report(
                f"ảnh quá dài hoặc quá rộng ({width}×{height}); trên trang chỉ hiện {part_vi}, "
                f"{shown[2] - shown[0]}×{shown[3] - shown[1]} (tối đa {MAX_ASPECT} lần cạnh ngắn); "
                "hãy tự cắt ảnh, hoặc chạy `chophien images --fix` để cắt như trên trang",
                f"image very long or very wide ({width}×{height}); pages show only {part_en}, "
                f"{shown[2] - shown[0]}×{shown[3] - shown[1]} (at most {MAX_ASPECT}× the short side); "
                "crop it, or run `chophien images --fix` to crop it as pages show it",
            )
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
    too_long = display_box(width, height) != (0, 0, width, height)  # pages show only part of it
    return max(width, height) > FIX_LONG_EDGE or size > CHECK_MAX_BYTES or too_long


def shrink_in_place(path: Path) -> Shrunk | None:
    """Resize a photo to at most FIX_LONG_EDGE px, upright, metadata stripped, same format and name.

    A photo too long or too wide for pages is cropped first to the part pages show (`display_box`).

    Raises ImageProblem, before anything is written, for a file that is not an accepted photo or
    whose extension does not say what it is.
    """
    from PIL import Image

    kind, width, height = inspect(path)
    data = path.read_bytes()
    if not needs_shrinking(width, height, len(data)):
        return None
    image = decode(data)  # upright, sRGB, 8-bit, no metadata (transparency flattened on white)
    box = display_box(*image.size)
    if box != (0, 0, *image.size):  # keep what pages show, at full resolution, not a 120 px sliver
        image = image.crop(box)
    scale = min(1.0, FIX_LONG_EDGE / max(image.size))
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if size != image.size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if kind == "HEIF":
        import pillow_heif

        pillow_heif.from_pillow(image).save(buffer, quality=FIX_QUALITY)
    elif kind == "PNG":
        image.save(buffer, "PNG", optimize=True)
    elif kind == "WEBP":
        image.save(buffer, "WEBP", quality=FIX_QUALITY, method=6)
    elif kind == "AVIF":
        image.save(buffer, "AVIF", quality=FIX_QUALITY)
    else:
        image.save(buffer, "JPEG", quality=FIX_QUALITY, optimize=True, progressive=True)
    write_atomic(
        path, buffer.getvalue(), mode=stat.S_IMODE(path.stat().st_mode)
    )  # a content file keeps its mode
    return Shrunk(path, (width, height, len(data)), (image.width, image.height, len(buffer.getvalue())))


def fix_photos(catalogue: Catalogue, content_dir: Path, problems: ProblemList) -> list[Shrunk]:
    done: list[Shrunk] = []
    first_reference = {}
    for image in catalogue.referenced_images():
        first_reference.setdefault(image.source, image)
    for source, image in first_reference.items():
        try:
            shrunk = shrink_in_place(content_dir / source)
        except ImageProblem as error:
            report_at_reference(problems, image, error.vi, error.en, error.example)
            continue
        except OSError as error:
            report_at_reference(
                problems,
                image,
                f"không đọc hoặc ghi được ảnh ({error.strerror or error})",
                f"cannot read or write the photo ({error.strerror or error})",
            )
            continue
        if shrunk:
            done.append(shrunk)
    return done
