"""chophien.photos.formats: only accepted formats are ever decoded, recognised by their first bytes; extensions must match."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PRODUCT, jpeg_bytes, minimal_tree
from photo_samples import EPS, PATH, REFUSED, ROOT, check_tree, saved

from chophien.photos.cache import ImageCache
from chophien.photos.decode import decode
from chophien.photos.model import ImageProblem


@pytest.mark.parametrize(
    "data, what",
    [
        (EPS, "tệp PostScript/EPS"),
        (b"\xc5\xd0\xd3\xc6" + b"\x00" * 40, "tệp PostScript/EPS"),  # binary EPS with a TIFF preview
        (b"%PDF-1.7\n1 0 obj\n", "tệp PDF"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "tệp SVG"),
        (b'\n  <?xml version="1.0"?><svg/>', "tệp XML/SVG"),
        (saved("TIFF"), "ảnh TIFF"),
        (saved("BMP"), "ảnh BMP"),
        (saved("GIF"), "ảnh GIF"),
        (saved("PPM"), "định dạng không rõ"),  # "P6\n64 48\n255\n", then binary pixels
        (saved("ICO"), "định dạng không rõ"),
        (b"PK\x03\x04zip", "tệp nén ZIP"),
    ],
)
def test_files_in_other_formats_are_refused_before_any_decoder(data, what, monkeypatch):
    from PIL import Image as PILImage

    def no_decoder(*args, **kwargs):
        raise AssertionError("a decoder was started for a refused file")

    monkeypatch.setattr(PILImage, "open", no_decoder)
    with pytest.raises(ImageProblem) as error:
        decode(data)
    assert error.value.vi == REFUSED.format(what)
    assert error.value.example == "che-shan-tuyet.jpg"


def test_every_open_names_the_accepted_formats_only():
    """No `Image.open(` in the package without `formats=` (or outside decode.open_accepted)."""
    import re

    calls = []
    for path in sorted((ROOT / "chophien").rglob("*.py")):
        for match in re.finditer(r"Image\.open\(.*", path.read_text(encoding="utf-8")):
            calls.append((path.name, match.group(0)))
    assert len(calls) >= 2 and all("formats=" in line for _name, line in calls), calls


def test_an_eps_named_jpg_never_reaches_ghostscript(tree, tmp_path, monkeypatch):
    import subprocess

    def no_process(*args, **kwargs):
        raise AssertionError(f"content started a program: {args}")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    lines = check_tree(tree, minimal_tree(**{"products/htx-che-na-hang/che.jpg": EPS}))
    assert lines == [
        f"{PATH}:7:5: lỗi: images[1]: “che.jpg”: {REFUSED.format('tệp PostScript/EPS')}. Ví dụ: che-shan-tuyet.jpg"
    ]


def test_validate_on_an_eps_photo_starts_no_ghostscript(tmp_path):
    """The pull-request check, end to end, with a fake `gs` first on PATH that leaves a mark."""
    import os
    import subprocess
    import sys

    from conftest import write_tree

    content = write_tree(tmp_path, minimal_tree(**{"products/htx-che-na-hang/che.jpg": EPS}))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "gs-was-run"
    fake = bin_dir / "gs"
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 0\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", CHOPHIEN_TODAY="2026-11-27")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from chophien.cli import entry; entry()",
            "validate",
            "--lang",
            "en",
            str(content),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert not marker.exists()
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert (
        "content/products/htx-che-na-hang/che-shan-tuyet.md:7:5: error: images[1]: “che.jpg”: not a JPEG, PNG, "
        "WebP, AVIF or HEIC photo (this is a PostScript/EPS file); save the photo again as JPEG under that name. "
        "Example: che-shan-tuyet.jpg"
    ) in result.stdout


@pytest.mark.parametrize(
    "data, kind",
    [
        (jpeg_bytes(32, 24), "JPEG"),
        (saved("PNG"), "PNG"),
        (saved("WEBP"), "WEBP"),
        (saved("AVIF"), "AVIF"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avif\x00\x00\x00\x00", "AVIF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIF"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "HEIF"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", None),  # a QuickTime video
        (b"\x00\x00\x00\x14ftypisom\x00\x00\x00\x00isom", None),  # an MP4 video
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_formats_are_recognised_by_their_first_bytes(data, kind):
    from chophien.photos.formats import sniff

    assert sniff(data[:512]) == kind


@pytest.mark.parametrize(
    "name, data, right",
    [
        ("che.jpg", saved("PNG"), "che.png"),
        ("che.png", jpeg_bytes(), "che.jpg"),
        ("che.webp", jpeg_bytes(), "che.jpg"),
    ],
)
def test_an_extension_that_does_not_match_the_content_is_a_problem(tree, name, data, right):
    text = PRODUCT.replace("file: che.jpg", f"file: {name}")
    files = {"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None}
    files[f"products/htx-che-na-hang/{name}"] = data
    lines = check_tree(tree, minimal_tree(**files))
    label = "PNG" if right.endswith(".png") else "JPEG"
    suffix = Path(name).suffix
    assert lines == [
        f"{PATH}:7:5: lỗi: images[1]: “{name}”: đuôi tên tệp “{suffix}” không khớp nội dung (đây là ảnh {label}); "
        f"hãy đổi tên tệp thành “{right}” và sửa tên ở đây. Ví dụ: {right}"
    ]


def test_extension_is_checked_even_when_the_same_bytes_are_cached_under_a_right_name(tmp_path):
    data = saved("PNG")
    right, wrong = tmp_path / "a.png", tmp_path / "b.jpg"
    right.write_bytes(data)
    wrong.write_bytes(data)
    ImageCache(tmp_path / "cache", workers=1).process_all([(right, "products/x/a.png")])
    results = ImageCache(tmp_path / "cache", workers=1).process_all([(wrong, "products/x/b.jpg")])
    assert isinstance(results["products/x/b.jpg"], ImageProblem)
    assert results["products/x/b.jpg"].example == "b.png"


def test_heic_holding_avif_is_accepted(tmp_path):
    source = tmp_path / "iphone.heic"
    source.write_bytes(saved("AVIF"))
    processed = ImageCache(tmp_path / "cache", workers=1).process(source, "products/x/iphone.heic")
    assert processed.kind == "AVIF"
