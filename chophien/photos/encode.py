"""Pillow re-encoding: every derivative width in AVIF and WebP, one JPEG, the sharing image and the placeholder colour.

Outputs are written whole or not at all; each is made from pixels decoded by
chophien.photos.decode, so no metadata reaches them. JPEG is only the fallback of browsers
without WebP (docs/photos.md, "Fewer files"): one width (`geometry.fallback_width`), not three.
"""

from __future__ import annotations

import io
from pathlib import Path

from chophien.core.files import write_atomic
from chophien.photos.decode import decode, decode_kind
from chophien.photos.geometry import (
    SHARE_SIZE,
    cover_box,
    derivative_widths,
    display_box,
    fallback_width,
    scaled_size,
)
from chophien.photos.model import Derivative, ImageProblem, ProcessedImage
from chophien.photos.names import derivative_name, share_name

# (extension, MIME type, Pillow save options). Order = order of <source> elements: best first.
FORMATS = (
    ("avif", "image/avif", {"quality": 52, "speed": 6, "subsampling": "4:2:0"}),
    ("webp", "image/webp", {"quality": 70, "method": 6}),
    ("jpg", "image/jpeg", {"quality": 72, "optimize": True, "progressive": True}),
)
FALLBACK_FORMAT = "jpg"  # made at one width only (geometry.FALLBACK_WIDTH); AVIF and WebP at every width
SHARE_QUALITY = 80
PLACEHOLDER_SIZE = 1


def _encode(image, fmt: str, options: dict) -> bytes:
    buffer = io.BytesIO()
    pil_format = {"jpg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt]
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def _write_atomic(path: Path, data: bytes, record: dict | None = None) -> None:
    """Whole or not at all, 0644 (output files are hard links to these); *record* gets the size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    if record is not None:
        record[path.name] = len(data)


def dominant_colour(image) -> str:
    from PIL import Image

    r, g, b = image.resize((PLACEHOLDER_SIZE, PLACEHOLDER_SIZE), Image.Resampling.BOX).getpixel((0, 0))[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


def _write_widths(image, stem: str, key: str, out_dir: Path, sizes: dict | None) -> list[Derivative]:
    """Every width of `derivative_widths` in AVIF and WebP; the JPEG at `fallback_width` only."""
    from PIL import Image

    width, height = image.size
    derivatives = []
    widths = derivative_widths(width)
    for target in widths:
        w, h = scaled_size(width, height, target)
        resized = image if (w, h) == (width, height) else image.resize((w, h), Image.Resampling.LANCZOS)
        for fmt, _mime, options in FORMATS:
            if fmt == FALLBACK_FORMAT and target != fallback_width(widths):
                continue
            name = derivative_name(stem, key, w, fmt)
            _write_atomic(out_dir / name, _encode(resized, fmt, options), sizes)
            derivatives.append(Derivative(w, h, fmt, name))
    return derivatives


def _write_share(image, stem: str, key: str, out_dir: Path, sizes: dict | None) -> Derivative:
    """The SHARE_SIZE JPEG for link previews, a centred crop."""
    from PIL import Image

    share_image = image.crop(cover_box(*image.size, *SHARE_SIZE)).resize(SHARE_SIZE, Image.Resampling.LANCZOS)
    name = share_name(stem, key)
    _write_atomic(
        out_dir / name, _encode(share_image, "jpg", {"quality": SHARE_QUALITY, "optimize": True}), sizes
    )
    return Derivative(*SHARE_SIZE, "jpg", name)


def render_derivatives(
    data: bytes, stem: str, key: str, out_dir: Path, sizes: dict | None = None
) -> ProcessedImage:
    """Decode once, write every derivative and the share image into *out_dir* (*sizes*: name → bytes).

    *stem* starts every derivative's name (`output_stem` of the original's name). A photo far
    longer than wide (or wider than long) is first cropped to `display_box`.
    """
    image = decode(data)
    box = display_box(*image.size)
    if box != (0, 0, *image.size):
        image = image.crop(box)
    try:
        derivatives = _write_widths(image, stem, key, out_dir, sizes)
        share = _write_share(image, stem, key, out_dir, sizes)
    # An encoder's limit is the photo's problem; OSError (disk full) is not the photo's fault.
    except (ValueError, MemoryError) as error:
        raise ImageProblem(
            f"không tạo được ảnh thu nhỏ ({error}); hãy gửi ảnh chụp bình thường từ điện thoại",
            f"cannot make the smaller copies ({error}); send an ordinary photo from the phone",
        ) from None
    width, height = image.size
    kind = decode_kind(data)
    return ProcessedImage("", width, height, dominant_colour(image), tuple(derivatives), share, kind)
