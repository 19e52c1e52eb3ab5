"""Sample photo bytes and the tree check shared by the photo tests (no tests here)."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import jpeg_bytes
from PIL import ExifTags, Image

from chophien.site.build import prepare

ROOT = Path(__file__).resolve().parents[2]
GS_CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")  # Debian libgs-common


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def phone_photo_with_gps() -> bytes:
    """Stored 400×300 (landscape) with Orientation=6: shown as 300×400, with GPS and a comment."""
    image = Image.new("RGB", (400, 300), (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, 200, 300))  # left half blue when stored
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (21.0, 1.0, 2.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"secret comment", quality=90)
    return buffer.getvalue()


def bomb_png() -> bytes:
    return png_bytes(Image.new("1", (8000, 7000)))  # 56 MP of zeros: a few KB on disk


def truncated_jpeg() -> bytes:
    return jpeg_bytes(800, 600)[:3000]


def check_tree(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache")
    return [p.render() for p in prepared.problems.sorted()]


PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\n"
    b"newpath 0 0 moveto 64 64 lineto stroke showpage\n%%EOF\n"
)
REFUSED = (
    "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là {}); hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó"
)


def saved(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 90, 200)).save(buffer, fmt, **options)
    return buffer.getvalue()
