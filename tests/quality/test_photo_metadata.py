"""Originals and metadata in published photos (chophien/quality/photo_metadata.py)."""

from __future__ import annotations

import io

from conftest import jpeg_bytes
from PIL import Image
from site_files import exif_jpeg, write

from chophien.quality.photo_metadata import image_metadata, images_with_metadata, published_originals


def test_exif_detector_finds_exif_and_gps_in_a_crafted_jpeg(tmp_path):
    path = tmp_path / "a.jpg"
    path.write_bytes(exif_jpeg())
    assert image_metadata(path) == ["EXIF", "GPS"]
    path.write_bytes(exif_jpeg(gps=False))
    assert image_metadata(path) == ["EXIF"]
    path.write_bytes(jpeg_bytes(32, 24))
    assert image_metadata(path) == []


def test_exif_detector_finds_xmp_and_metadata_in_webp(tmp_path):
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", xmp=xmp)
    (tmp_path / "x.jpg").write_bytes(buffer.getvalue())
    assert image_metadata(tmp_path / "x.jpg") == ["XMP"]
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "WEBP", exif=Image.open(io.BytesIO(exif_jpeg())).getexif())
    (tmp_path / "e.webp").write_bytes(buffer.getvalue())
    assert "EXIF" in image_metadata(tmp_path / "e.webp")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert image_metadata(tmp_path / "broken.png")[0].startswith("unreadable")


def test_images_with_metadata_lists_only_the_tainted_ones(tmp_path):
    site = write(
        tmp_path, {"media/clean.jpg": jpeg_bytes(32, 24), "media/gps.jpg": exif_jpeg(), "a.html": "x"}
    )
    assert images_with_metadata(site) == (2, ["media/gps.jpg: EXIF, GPS"])


def test_published_originals_are_found_by_bytes_and_heic_by_name(tmp_path):
    photo = jpeg_bytes(64, 48)
    content = write(tmp_path / "content", {"products/htx/che.jpg": photo, "products/htx/b.png": b"png"})
    site = write(
        tmp_path / "output",
        {"media/renamed.jpg": photo, "media/che-480.jpg": jpeg_bytes(48, 36), "media/x.HEIC": b"h"},
    )
    assert published_originals(site, content) == [
        "media/renamed.jpg: same bytes as content/products/htx/che.jpg",
        "media/x.HEIC: a camera original format (.HEIC)",
    ]
