"""Photo derivatives: pure size maths, and Pillow re-encoding with a content-hash cache.

Originals are never published: every output is re-encoded from pixels after applying EXIF
orientation, with no metadata. Decoding problems become content Problems, not crashes.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .text import Bilingual

WIDTHS = (240, 480, 960)
JPEG_QUALITY = 72
PIPELINE_VERSION = "jpeg-1"  # part of every cache key: bump when encoding changes
MAX_PIXELS = 50_000_000  # admits a 48 MP phone photo, refuses decompression bombs


@dataclass(frozen=True)
class Derivative:
    width: int
    height: int
    name: str  # file name in the cache and in the output media folder


@dataclass(frozen=True)
class ProcessedImage:
    source: str  # content-relative path
    width: int
    height: int
    colour: str  # dominant colour "#rrggbb" for the placeholder
    derivatives: tuple[Derivative, ...]


class ImageProblem(Bilingual):
    """A photo that cannot be used, as a content problem."""


def scaled_size(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Size at *target_width*, keeping the aspect ratio; never upscales."""
    if target_width >= width:
        return width, height
    return target_width, max(1, round(height * target_width / width))


def derivative_widths(width: int, widths: tuple[int, ...] = WIDTHS) -> tuple[int, ...]:
    """Widths to produce: each target below the original, plus the original if smaller than the largest."""
    chosen = [w for w in widths if w < width]
    if width < max(widths):
        chosen.append(width)
    return tuple(sorted(set(chosen)))


def _open(data: bytes):
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ImageProblem(
                f"ảnh quá lớn ({image.width}×{image.height} điểm ảnh; tối đa 48 MP)",
                f"image too large ({image.width}×{image.height} pixels; at most 48 MP)",
            )
        image.load()
    except ImageProblem:
        raise
    except Image.DecompressionBombError:
        raise ImageProblem(
            "ảnh quá lớn, nghi là tệp độc hại", "image too large (decompression bomb)"
        ) from None
    except Image.UnidentifiedImageError:
        raise ImageProblem(
            "tệp không phải ảnh hoặc định dạng không đọc được", "not an image, or an unreadable format"
        ) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageProblem(
            f"ảnh bị hỏng hoặc thiếu dữ liệu ({error})", f"image is damaged or truncated ({error})"
        ) from None
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    return image


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


class ImageCache:
    """Encodes derivatives once per (content hash, pipeline settings); counts encodes."""

    def __init__(self, cache_dir: str | os.PathLike):
        self.dir = Path(cache_dir)
        self.encoded = 0

    def process(self, source_path: Path, source: str) -> ProcessedImage:
        data = source_path.read_bytes()
        digest = hashlib.sha256(data + PIPELINE_VERSION.encode()).hexdigest()[:20]
        stem = Path(source).stem
        index_path = self.dir / f"{digest}.txt"
        if index_path.exists():
            return self._from_index(index_path, source)
        from PIL import Image

        image = _open(data)
        width, height = image.size
        colour = image.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        derivatives = []
        for target in derivative_widths(width):
            w, h = scaled_size(width, height, target)
            resized = image if (w, h) == (width, height) else image.resize((w, h), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            resized.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
            name = f"{stem}-{digest[:8]}-{w}.jpg"
            _write_atomic(self.dir / name, buffer.getvalue())
            derivatives.append(Derivative(w, h, name))
        self.encoded += 1
        hex_colour = "#{:02x}{:02x}{:02x}".format(*colour[:3])
        lines = [f"{width} {height} {hex_colour}"] + [f"{d.width} {d.height} {d.name}" for d in derivatives]
        _write_atomic(index_path, ("\n".join(lines) + "\n").encode())
        return ProcessedImage(source, width, height, hex_colour, tuple(derivatives))

    def _from_index(self, index_path: Path, source: str) -> ProcessedImage:
        first, *rest = index_path.read_text().splitlines()
        width, height, colour = first.split()
        derivatives = []
        for line in rest:
            w, h, name = line.split()
            derivatives.append(Derivative(int(w), int(h), name))
        return ProcessedImage(source, int(width), int(height), colour, tuple(derivatives))

    def path_of(self, derivative: Derivative) -> Path:
        return self.dir / derivative.name
