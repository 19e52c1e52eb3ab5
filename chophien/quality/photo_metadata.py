"""Photos as published: no original from `content/` and no `.heic` in the output, no EXIF, GPS,
XMP or IPTC in any image."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from chophien.photos.formats import ACCEPTED_FORMATS, ACCEPTED_SUFFIXES

# Accepted photo formats, plus image files that must never be published at all.
IMAGE_SUFFIXES = ACCEPTED_SUFFIXES | {".gif", ".tif", ".tiff"}
CAMERA_ONLY_SUFFIXES = {".heic", ".heif"}  # never served to buyers: always re-encoded


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_originals(site: Path, content: Path) -> list[str]:
    """Output files whose bytes equal a photo under content/, and any .heic/.heif in output."""
    originals: dict[int, list[Path]] = {}
    for path in content.rglob("*"):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            originals.setdefault(path.stat().st_size, []).append(path)
    found = []
    digests: dict[Path, str] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        if path.suffix.lower() in CAMERA_ONLY_SUFFIXES:
            found.append(f"{rel}: a camera original format ({path.suffix})")
            continue
        same_size = originals.get(path.stat().st_size)
        if not same_size:
            continue
        digest = _digest(path)
        for original in same_size:
            if original not in digests:
                digests[original] = _digest(original)
            if digests[original] == digest:
                found.append(f"{rel}: same bytes as {original.relative_to(content.parent).as_posix()}")
    return found


# XMP packets, EXIF blocks (JPEG APP1, WebP/AVIF/HEIF item) and IPTC (Photoshop APP13) in raw bytes.
RAW_MARKERS = {
    b"Exif\x00\x00": "EXIF",
    b"http://ns.adobe.com/xap/1.0/": "XMP",
    b"<x:xmpmeta": "XMP",
    b"Photoshop 3.0\x00": "IPTC",
}
GPS_IFD = 0x8825


def image_metadata(path: Path) -> list[str]:
    """What metadata an image file carries: 'EXIF', 'GPS', 'XMP', 'IPTC' (empty when clean)."""
    from PIL import Image

    found: set[str] = set()
    data = path.read_bytes()
    for marker, name in RAW_MARKERS.items():
        if marker in data:
            found.add(name)
    try:
        # Only the accepted decoders: the audit must not run Ghostscript on a published file either.
        with Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS)) as im:
            exif = im.getexif()
            if len(exif):
                found.add("EXIF")
            if exif.get_ifd(GPS_IFD) or GPS_IFD in exif:
                found.add("GPS")
            info = im.info
            if info.get("exif"):
                found.add("EXIF")
            if info.get("xmp") or info.get("XML:com.adobe.xmp"):
                found.add("XMP")
            if info.get("photoshop") or info.get("iptc"):
                found.add("IPTC")
    except Exception as error:  # an image the browser may not show either
        found.add(f"unreadable ({type(error).__name__})")
    return sorted(found)


def images_with_metadata(site: Path) -> tuple[int, list[str]]:
    """(images checked, 'file: EXIF, GPS' for every image that carries metadata)."""
    checked, found = 0, []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            checked += 1
            meta = image_metadata(path)
            if meta:
                found.append(f"{path.relative_to(site).as_posix()}: {', '.join(meta)}")
    return checked, found
