"""Tiny built sites for the quality tests: files written from a dict, a page, a photo with EXIF."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from chophien.quality.photo_metadata import GPS_IFD

PAGE = '<!doctype html><html lang="vi"><head><title>t</title>{head}</head><body>{body}</body></html>'


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


def page(body: str = "", head: str = "") -> str:
    return PAGE.format(head=head, body=body)


def exif_jpeg(gps: bool = True) -> bytes:
    image = Image.new("RGB", (32, 24), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (21.0, 2.0, 3.0), 3: "E", 4: (105.0, 50.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()
