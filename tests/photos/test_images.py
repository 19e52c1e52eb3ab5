"""Photo pipeline: geometry, decoding hard cases, metadata stripping, cache and determinism."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import PRODUCT, jpeg_bytes, minimal_tree
from PIL import ExifTags, Image

from chophien.photos.images import (
    MAX_PIXELS,
    ImageCache,
    ImageProblem,
    cover_box,
    decode,
    derivative_widths,
    scaled_size,
)
from chophien.site.build import prepare

ROOT = Path(__file__).resolve().parents[2]
GS_CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")  # Debian libgs-common


@pytest.mark.parametrize(
    "size, target, expected",
    [((4000, 3000), 480, (480, 360)), ((3000, 4000), 480, (480, 640)), ((300, 200), 480, (300, 200)),
     ((1000, 333), 240, (240, 80)), ((1, 5000), 240, (1, 5000)), ((5000, 1), 240, (240, 1))],
)  # fmt: skip
def test_scaled_size_keeps_ratio_and_never_upscales(size, target, expected):
    assert scaled_size(*size, target) == expected


@pytest.mark.parametrize(
    "width, expected",
    [
        (4000, (240, 480, 960)),
        (960, (240, 480, 960)),
        (700, (240, 480, 700)),
        (480, (240, 480)),
        (200, (200,)),
    ],
)
def test_derivative_widths(width, expected):
    assert derivative_widths(width) == expected


@pytest.mark.parametrize(
    "size, expected",
    [((1200, 630), (0, 0, 1200, 630)), ((2400, 630), (600, 0, 1800, 630)), ((1200, 1200), (0, 285, 1200, 915)),
     ((1000, 1000), (0, 237, 1000, 762))],
)  # fmt: skip
def test_cover_box_for_the_sharing_image(size, expected):
    assert cover_box(*size, 1200, 630) == expected


def _png(image: Image.Image) -> bytes:
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


def test_exif_orientation_is_applied():
    image = decode(phone_photo_with_gps())
    assert image.size == (300, 400)
    # Orientation 6 = rotate 90° clockwise to display: the stored left (blue) half ends on top.
    top, bottom = image.getpixel((150, 20)), image.getpixel((150, 380))
    assert top[2] > 150 and bottom[0] > 150


def test_outputs_carry_no_metadata(tmp_path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(phone_photo_with_gps())
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(source, "products/x/photo.jpg")
    files = list(processed.files())
    assert {d.format for d in files} == {"avif", "webp", "jpg"}
    for derivative in files:
        data = cache.path_of(derivative).read_bytes()
        for marker in (
            b"Exif\x00\x00",
            b"secret comment",
            b"xmpmeta",
            b"http://ns.adobe.com/xap",
            b"ICC_PROFILE",
        ):
            assert marker not in data, (derivative.name, marker)
        with Image.open(io.BytesIO(data)) as out:
            assert not out.getexif(), derivative.name
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"} & set(out.info), (
                out.info
            )


def test_cmyk_without_profile_is_converted():
    buffer = io.BytesIO()
    Image.new("CMYK", (64, 64), (0, 255, 255, 0)).save(buffer, "JPEG")  # pure red ink
    red = decode(buffer.getvalue()).getpixel((32, 32))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60


def test_cmyk_uses_its_icc_profile():
    from PIL import ImageCms

    profile = GS_CMYK_PROFILE.read_bytes()
    cmyk = Image.new("CMYK", (64, 64), (0, 100, 200, 30))
    buffer = io.BytesIO()
    cmyk.save(buffer, "JPEG", icc_profile=profile, quality=95)
    decoded = decode(buffer.getvalue()).getpixel((32, 32))
    with Image.open(io.BytesIO(buffer.getvalue())) as reread:
        expected = ImageCms.profileToProfile(
            reread,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode="RGB",
        ).getpixel((32, 32))
        naive = reread.convert("RGB").getpixel((32, 32))
    assert max(abs(a - b) for a, b in zip(decoded, expected, strict=True)) <= 2
    assert max(abs(a - b) for a, b in zip(decoded, naive, strict=True)) > 10  # the profile made a difference


def test_16_bit_grey_is_scaled_not_clipped():
    wide = Image.new("I;16", (32, 32))
    wide.putdata([128 * 257] * (32 * 32))
    pixel = decode(_png(wide)).getpixel((16, 16))
    assert all(abs(channel - 128) <= 1 for channel in pixel)


def test_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    image.paste((10, 120, 10, 255), (0, 0, 16, 32))
    decoded = decode(_png(image))
    assert decoded.mode == "RGB"
    assert decoded.getpixel((24, 16)) == (255, 255, 255)
    assert decoded.getpixel((4, 16)) == (10, 120, 10)


def test_heic_is_read():
    import pillow_heif

    heif = pillow_heif.from_pillow(Image.new("RGB", (320, 240), (30, 160, 90)))
    buffer = io.BytesIO()
    heif.save(buffer, quality=90)
    decoded = decode(buffer.getvalue())
    assert decoded.size == (320, 240)
    assert abs(decoded.getpixel((160, 120))[1] - 160) < 12


def _bomb() -> bytes:
    return _png(Image.new("1", (8000, 7000)))  # 56 MP of zeros: a few KB on disk


def _truncated() -> bytes:
    return jpeg_bytes(800, 600)[:3000]


@pytest.mark.parametrize(
    "data, message",
    [
        (_bomb(), "ảnh quá lớn (8000×7000 điểm ảnh, tối đa 48 triệu điểm ảnh)"),
        (
            b"Xin chao, day la van ban\n" * 20,
            "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là tệp văn bản); "
            "hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó",
        ),
        (
            b"",
            "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là tệp rỗng (0 byte)); "
            "hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó",
        ),
        (b"\xff\xd8\xff", "ảnh bị hỏng"),  # a JPEG signature and nothing else
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "ảnh bị hỏng"),
    ],
)
def test_bad_images_are_problems(data, message):
    with pytest.raises(ImageProblem) as error:
        decode(data)
    assert error.value.vi == message or (
        message.endswith(("(", "hỏng")) and error.value.vi.startswith(message)
    )


def test_truncated_jpeg_is_a_problem():
    with pytest.raises(ImageProblem) as error:
        decode(_truncated())
    assert error.value.vi.startswith("ảnh bị hỏng hoặc không đầy đủ (")
    assert error.value.vi.endswith("); hãy chụp hoặc tải lên lại")


def test_a_48_megapixel_photo_is_admitted():
    assert 8000 * 6000 <= MAX_PIXELS


def _check(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache")
    return [p.render() for p in prepared.problems.sorted()]


PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


@pytest.mark.parametrize(
    "data, message",
    [
        (_bomb(), "ảnh quá lớn (8000×7000 điểm ảnh, tối đa 48 triệu điểm ảnh)"),
        (
            b"not an image",
            "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là tệp văn bản); "
            "hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó. Ví dụ: che-shan-tuyet.jpg",
        ),
    ],
)
def test_bad_image_is_reported_at_its_reference(tree, data, message):
    lines = _check(tree, minimal_tree(**{"products/htx-che-na-hang/che.jpg": data}))
    assert lines == [
        f"{PATH}:7:5: lỗi: images[1]: “che.jpg”: {message}" + ("" if "Ví dụ" in message else ".")
    ]


def test_symlinked_photo_is_refused(tree, tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(jpeg_bytes())
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che.jpg": None}))
    (content / "products/htx-che-na-hang/che.jpg").symlink_to(outside)
    prepared = prepare(content, content.parent / ".cache")
    assert [p.render() for p in prepared.problems.sorted()] == [
        f"{PATH}:7:5: lỗi: images[1]: “che.jpg” là liên kết tượng trưng (symlink); hãy đặt tệp ảnh thật.",
        "content/products/htx-che-na-hang/che.jpg: lỗi: là liên kết tượng trưng (symlink); trong content/ chỉ dùng "
        "tệp và thư mục thật (liên kết có thể trỏ ra ngoài content/): hãy đặt tệp thật vào đây.",
    ]


def test_second_run_encodes_nothing_and_changed_photo_is_encoded_again(tmp_path):
    sources = []
    for index in range(3):
        path = tmp_path / f"p{index}.jpg"
        path.write_bytes(jpeg_bytes(600, 400, (index * 60, 90, 90)))
        sources.append((path, f"products/x/p{index}.jpg"))
    first = ImageCache(tmp_path / "cache", workers=2)
    first.process_all(sources)
    assert first.encoded == 3
    second = ImageCache(tmp_path / "cache", workers=2)
    second.process_all(sources)
    assert second.encoded == 0
    sources[1][0].write_bytes(jpeg_bytes(600, 400, (1, 2, 3)))
    third = ImageCache(tmp_path / "cache", workers=2)
    third.process_all(sources)
    assert third.encoded == 1


def test_identical_input_gives_identical_bytes(tmp_path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(phone_photo_with_gps())
    outputs = []
    for run in ("a", "b"):
        cache = ImageCache(tmp_path / run, workers=1)
        processed = cache.process(source, "products/x/photo.jpg")
        outputs.append({d.name: cache.path_of(d).read_bytes() for d in processed.files()})
    assert outputs[0] == outputs[1]


def test_sharing_image_is_1200_by_630(tmp_path):
    source = tmp_path / "tall.jpg"
    source.write_bytes(jpeg_bytes(900, 1200))
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(source, "products/x/tall.jpg")
    with Image.open(cache.path_of(processed.share)) as share:
        assert share.size == (1200, 630) and share.format == "JPEG"


def test_progress_lines_in_ci(tmp_path):
    from chophien.photos.images import Progress

    stream = io.StringIO()
    progress = Progress(20, stream)
    for _ in range(20):
        progress.step()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # one line per tenth, plain text (not a terminal)
    assert lines[-1].startswith("Ảnh: 20/20 · xong trong ")
    assert lines[0].startswith("Ảnh: 1/20 · còn khoảng ")


def test_photo_with_product_names_in_vietnamese_file_names(tree):
    text = PRODUCT.replace("file: che.jpg", "file: chè.jpg")
    lines = _check(
        tree,
        minimal_tree(
            **{
                "products/htx-che-na-hang/che-shan-tuyet.md": text,
                "products/htx-che-na-hang/chè.jpg": jpeg_bytes(),
                "products/htx-che-na-hang/che.jpg": None,
            }
        ),
    )
    assert lines == []


def test_unreadable_file_is_a_problem(tmp_path):
    unreadable = tmp_path / "locked.jpg"
    unreadable.mkdir()  # reading a directory fails like a permission or disk error would
    result = ImageCache(tmp_path / "cache", workers=1).process_all([(unreadable, "products/x/locked.jpg")])
    problem = result["products/x/locked.jpg"]
    assert isinstance(problem, ImageProblem)
    assert problem.vi == "không đọc được tệp ảnh (Is a directory)"


def test_identical_files_in_different_folders_are_encoded_once(tmp_path):
    data = jpeg_bytes(500, 400)
    jobs = []
    for folder in ("a", "b", "c"):
        path = tmp_path / folder / "same.jpg"
        path.parent.mkdir()
        path.write_bytes(data)
        jobs.append((path, f"products/{folder}/same.jpg"))
    cache = ImageCache(tmp_path / "cache", workers=2)
    results = cache.process_all(jobs)
    assert cache.encoded == 1
    assert [results[source].source for _path, source in jobs] == [source for _path, source in jobs]


# --- only accepted formats are ever decoded -------------------------------------------------------

EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\n"
    b"newpath 0 0 moveto 64 64 lineto stroke showpage\n%%EOF\n"
)
REFUSED = (
    "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là {}); hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó"
)


def _saved(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 90, 200)).save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, what",
    [
        (EPS, "tệp PostScript/EPS"),
        (b"\xc5\xd0\xd3\xc6" + b"\x00" * 40, "tệp PostScript/EPS"),  # binary EPS with a TIFF preview
        (b"%PDF-1.7\n1 0 obj\n", "tệp PDF"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "tệp SVG"),
        (b'\n  <?xml version="1.0"?><svg/>', "tệp XML/SVG"),
        (_saved("TIFF"), "ảnh TIFF"),
        (_saved("BMP"), "ảnh BMP"),
        (_saved("GIF"), "ảnh GIF"),
        (_saved("PPM"), "định dạng không rõ"),  # "P6\n64 48\n255\n", then binary pixels
        (_saved("ICO"), "định dạng không rõ"),
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
    """No `Image.open(` in the package without `formats=` (or outside images.open_accepted)."""
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
    lines = _check(tree, minimal_tree(**{"products/htx-che-na-hang/che.jpg": EPS}))
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
        (_saved("PNG"), "PNG"),
        (_saved("WEBP"), "WEBP"),
        (_saved("AVIF"), "AVIF"),
        (b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1avif\x00\x00\x00\x00", "AVIF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIF"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "HEIF"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", None),  # a QuickTime video
        (b"\x00\x00\x00\x14ftypisom\x00\x00\x00\x00isom", None),  # an MP4 video
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
    ],
)
def test_formats_are_recognised_by_their_first_bytes(data, kind):
    from chophien.photos.images import sniff

    assert sniff(data[:512]) == kind


def test_avif_is_read():
    assert decode(_saved("AVIF", quality=90)).size == (64, 48)


@pytest.mark.parametrize(
    "name, data, right",
    [
        ("che.jpg", _saved("PNG"), "che.png"),
        ("che.png", jpeg_bytes(), "che.jpg"),
        ("che.webp", jpeg_bytes(), "che.jpg"),
    ],
)
def test_an_extension_that_does_not_match_the_content_is_a_problem(tree, name, data, right):
    text = PRODUCT.replace("file: che.jpg", f"file: {name}")
    files = {"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None}
    files[f"products/htx-che-na-hang/{name}"] = data
    lines = _check(tree, minimal_tree(**files))
    label = "PNG" if right.endswith(".png") else "JPEG"
    suffix = Path(name).suffix
    assert lines == [
        f"{PATH}:7:5: lỗi: images[1]: “{name}”: đuôi tên tệp “{suffix}” không khớp nội dung (đây là ảnh {label}); "
        f"hãy đổi tên tệp thành “{right}” và sửa tên ở đây. Ví dụ: {right}"
    ]


def test_extension_is_checked_even_when_the_same_bytes_are_cached_under_a_right_name(tmp_path):
    data = _saved("PNG")
    right, wrong = tmp_path / "a.png", tmp_path / "b.jpg"
    right.write_bytes(data)
    wrong.write_bytes(data)
    ImageCache(tmp_path / "cache", workers=1).process_all([(right, "products/x/a.png")])
    results = ImageCache(tmp_path / "cache", workers=1).process_all([(wrong, "products/x/b.jpg")])
    assert isinstance(results["products/x/b.jpg"], ImageProblem)
    assert results["products/x/b.jpg"].example == "b.png"


def test_heic_holding_avif_is_accepted(tmp_path):
    source = tmp_path / "iphone.heic"
    source.write_bytes(_saved("AVIF"))
    processed = ImageCache(tmp_path / "cache", workers=1).process(source, "products/x/iphone.heic")
    assert processed.kind == "AVIF"


# --- photo shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size, box",
    [((1080, 18500), (0, 0, 1080, 3240)), ((18500, 1080), (7630, 0, 10870, 1080)), ((1, 5000), (0, 0, 1, 3)),
     ((5000, 1), (2498, 0, 2501, 1)), ((1000, 3000), (0, 0, 1000, 3000)), ((3000, 1000), (0, 0, 3000, 1000)),
     ((4000, 3000), (0, 0, 4000, 3000)), ((1, 1), (0, 0, 1, 1))],
)  # fmt: skip
def test_display_box_limits_the_aspect_ratio(size, box):
    from chophien.photos.images import display_box

    assert display_box(*size) == box


@pytest.mark.parametrize("size", [(1080, 18500), (18500, 1080), (1, 5000), (5000, 1), (1, 1), (16384, 2)])
def test_very_long_or_wide_photos_give_small_derivatives(tmp_path, size):
    from chophien.photos.images import MAX_ASPECT, MAX_OUTPUT_SIDE

    source = tmp_path / "screenshot.png"
    source.write_bytes(_png(Image.new("L", size, 128)))
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(source, "products/x/screenshot.png")
    long_side, short_side = max(processed.width, processed.height), min(processed.width, processed.height)
    assert long_side <= MAX_ASPECT * short_side
    for derivative in processed.files():
        assert max(derivative.width, derivative.height) <= min(MAX_OUTPUT_SIDE, 960 * MAX_ASPECT)
        with Image.open(cache.path_of(derivative)) as out:
            assert out.size == (derivative.width, derivative.height)
            out.load()


def test_a_long_screenshot_keeps_its_top(tmp_path):
    image = Image.new("RGB", (1080, 18500), (250, 250, 250))
    image.paste((200, 0, 0), (0, 0, 1080, 1000))  # the top of the screenshot is red
    source = tmp_path / "shot.png"
    source.write_bytes(_png(image))
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(source, "products/x/shot.png")
    assert (processed.width, processed.height) == (1080, 3240)
    top = processed.fallback(480)
    with Image.open(cache.path_of(top)) as out:
        assert out.convert("RGB").getpixel((10, 10))[0] > 150


def test_cmyk_16bit_truncated_bomb_and_empty_photos_are_problems_at_their_reference(tree):
    cmyk = io.BytesIO()
    Image.new("CMYK", (640, 480), (0, 255, 255, 0)).save(cmyk, "JPEG")
    wide = Image.new("I;16", (640, 480))
    wide.putdata([40000] * (640 * 480))
    photos = {"cmyk.jpg": cmyk.getvalue(), "xam16.png": _png(wide), "cut.jpg": _truncated(),
              "bom.png": _bomb(), "rong.jpg": b""}  # fmt: skip
    entries = "".join(f"  - file: {name}\n    alt: Ảnh\n" for name in photos)
    text = PRODUCT.replace("  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", entries)
    files = {f"products/htx-che-na-hang/{name}": data for name, data in photos.items()}
    lines = _check(
        tree,
        minimal_tree(
            **{"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None},
            **files,
        ),
    )
    assert [line.split(": lỗi: ")[1][:40] for line in lines] == [
        "images[3]: “cut.jpg”: ảnh bị hỏng hoặc k",
        "images[4]: “bom.png”: ảnh quá lớn (8000×",
        "images[5]: “rong.jpg”: không phải ảnh JP",
    ]


# --- names that would break URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, stem",
    [("products/x/IMG 2024-05-01 (1).jpg", "img-2024-05-01-1"), ("products/x/chè, 50% #1?.png", "che-50-1"),
     ("products/x/Ảnh \"đẹp\" 'mới'.heic", "anh-dep-moi"), ("products/x/cha\u0300.jpg", "cha"),
     ("products/x/%20%2C.jpg", "20-2c"), ("products/x/照片.jpg", "anh"), ("products/x/" + "a" * 200 + ".jpg", "a" * 60)],
)  # fmt: skip
def test_output_names_are_plain_ascii(source, stem, tmp_path):
    from chophien.photos.images import SAFE_NAME, output_stem

    assert output_stem(source) == stem
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes(300, 200))
    processed = ImageCache(tmp_path / "cache", workers=1).process(
        photo, source.replace(".png", ".jpg").replace(".heic", ".jpg")
    )
    assert all(SAFE_NAME.fullmatch(d.name) and d.name.startswith(f"{stem}-") for d in processed.files())


def test_a_cached_index_with_unsafe_names_is_not_reused(tmp_path):
    import json

    from chophien.core.files import read_checked, write_checked

    photo = tmp_path / "IMG 1.jpg"
    photo.write_bytes(jpeg_bytes())
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(photo, "products/x/IMG 1.jpg")
    index = next((tmp_path / "cache").rglob("*.json"))
    raw = json.loads(read_checked(index))  # indexes are framed with their length and hash
    for derivative in raw["derivatives"]:  # as an older pipeline named them
        old = derivative["name"]
        derivative["name"] = old.replace("img-1-", "IMG 1-")
        (cache.path_of(processed.derivatives[0]).parent / derivative["name"]).write_bytes(b"x")
    write_checked(index, json.dumps(raw).encode())  # intact, but with names an older pipeline made
    again = ImageCache(tmp_path / "cache", workers=1)
    assert again.process(photo, "products/x/IMG 1.jpg") == processed
    assert again.encoded == 1


def _urls_in(html: str) -> tuple[list[str], list[str]]:
    """(every src, every srcset candidate URL) of <img>/<source>, parsed like a browser would."""
    from html.parser import HTMLParser

    srcs, candidates = [], []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag not in ("img", "source"):
                return
            if attrs.get("src"):
                srcs.append(attrs["src"])
            for candidate in (attrs.get("srcset") or "").split(","):
                parts = candidate.split()
                if parts:
                    assert len(parts) == 2 and parts[1][:-1].isdigit() and parts[1].endswith("w"), candidate
                    candidates.append(parts[0])

    Collect().feed(html)
    return srcs, candidates


def test_phone_file_names_give_srcset_and_src_that_resolve(tree, tmp_path):
    """Spaces, commas, %, #, ?, quotes, Vietnamese (NFC) in photo names: every URL parses back to a file."""
    from urllib.parse import unquote, urlsplit

    from conftest import run_pelican

    names = ["IMG 2024-05-01 (1).jpg", "Ảnh chè, 50% #2?.png", "a 'b' \"c\".webp", "%20%2C.jpg"]
    data = {".jpg": jpeg_bytes(1200, 900), ".png": _saved("PNG"), ".webp": _saved("WEBP")}
    entries = "".join("  - file: '{}'\n    alt: Ảnh\n".format(name.replace("'", "''")) for name in names)
    text = PRODUCT.replace("  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", entries)
    files = {"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None}
    files.update({f"products/htx-che-na-hang/{name}": data[Path(name).suffix] for name in names})
    content = tree(minimal_tree(**files))
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stderr
    page = out / "san-pham/htx-che-na-hang/che-shan-tuyet/index.html"
    srcs, candidates = _urls_in(page.read_text(encoding="utf-8"))
    assert len(srcs) >= len(names) and len(candidates) >= 3 * len(names)
    for url in srcs + candidates:
        path = urlsplit(url).path
        assert not urlsplit(url).query and not urlsplit(url).fragment, url
        assert set(path) <= set("abcdefghijklmnopqrstuvwxyz0123456789-./"), url
        assert (out / unquote(path).lstrip("/")).is_file(), url


# Found by mutating valid photos for a minute (random byte flips, deletions and
# insertions on JPEG/PNG/WebP/AVIF/HEIC seeds); each raised something other than a problem.
FUZZED = [
    # RuntimeError in load before the fix
    "AAAAIGZ0eXBhdmlmAAAAAGF2aWZtaWYxbWlhZk1BMUIAAAE2bWV0YQAAAAAAAAAhaGRscgAAAAAAAAAAcGljdAAA"
    "AAAAAAAAAAAAAAAAAAAOcGl0bQAAAAAAAQAAACxpbG9jAAAAAEQAAAIAAQAAAAEAAAGUAAAAMAACAAAAAQAAAV4A"
    "AAA2AAAAQWlpbmYAAAAAAAIAAAAaaW5mZQIAAAAAAQAAYXYwMUNvbG9yAAAAABlpbmZlAgAAAAACAABFeGlmRXhp"
    "ZgAAAAAaaXJlZgAAAAAAAAAOY2RzYwACAAEAAQAAAHRpcHJwAAAAVGlwY28AAAAUaXNwZQAAAAAAAABAAAAAMAAA"
    "ABBwaXhpAAAAAAMICAgAAAAMYXYxQ4EADAAAAAATY29scm5jbHgAAQANAAaAAAAACWlyb3QDAAAAGGlwbWEAAAAA"
    "AAAAAQABBQECgwSFAAAAbm1kYXQAAAAGRXhpZgAATU0AKgAAAAgAAYglAAQAAAABAAAAGhUAAAAAAQABAAIAAAAC"
    "TgAAAAAAAAASAAoJGBV/vaICGg0IMiEUx4eGZQIIYFhhxbhkd7ggnlAAAADCEWjWlReVrMkJgSrraTOicibsXw==",
    # RuntimeError in _open before the fix
    "AAAAIGZ0eXBhdmlmAAAAAGF2aWZtaWYxbWlhZk1BMUIAAAE2bWV0YQAAAAAAAAAhaGRscgAAAAAAAAAAcGljdAAA"
    "AAAAAAAAAAAAAAAAAAAOcGl0bQAAAAAAAQAAACxpbG9jAAAAAEQAAAIAAQAAAAEAAAGUAAAAMAACAAAAAQAAAV4A"
    "AAA2AAAAQWlpVmYAAAAAAAIAAAAaaW5mZQIAAAAAAQAAYXYwMUNvbG9yAAAAABlpbmZlAgAAAAACAABFeGlmRXhp"
    "ZgAAAAAaaXJlZgAAAAAAAAAOY2RzYwACAAEAAQAAAHRpcHJwAAAAVGlwY28AAAAUaXNwZQAAAAAAAABAAAAAMAAA"
    "ABBwaXhpAAAAAAMICAgAAAAMYXYxQ4EADAAAAAATY29scm5jbHgAAQANAAaAAAAACWlyb3QDAAAAGGlwbWEAAAAA"
    "AAAAAQABBQECgwSFAAAAbm1kYXQAAAAGRXhpZgAATU0AKgAAAAgAAYglAAQAAAABAAAAGgAAAAAAAQABAAIAAAAC"
    "TgAAAAAAAAASAAoJGBV/vaICGg0IMiEUx4eGZQIIIJ5QAAAAwhFo1pUXlazJCYEq62kzonIm7F8=",
    # TypeError in _limit_rational before the fix
    "/9j/4AAQSkZJRgABAQAAAQABAAD/4QBARXhpZgAATU0AKgAAAAgAAgESAAMAAAABAAYAAIglAAQAAAABAAAAJgAA"
    "AAAAAQAfAAIAAAACTgAAAAAAAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIs"
    "IxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjKqMjIyMjIyMjIyMjIy"
    "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAAwAEADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA"
    "AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk"
    "M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT"
    "lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA"
    "HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh"
    "cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp"
    "anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk"
    "5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDn6KKK+0PiAooooAKKKKACiiigAooooAKKKKACiiigAooooAKK"
    "KKACiiigAooooAKKKKAP/9k=",
]


@pytest.mark.parametrize("encoded", FUZZED)
def test_fuzzed_photos_are_problems_not_tracebacks(encoded):
    import base64

    with pytest.raises(ImageProblem) as error:
        decode(base64.b64decode(encoded))
    assert error.value.vi.startswith("ảnh bị hỏng")

