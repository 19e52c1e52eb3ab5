"""Photo pipeline: geometry, decoding hard cases, metadata stripping, cache and determinism."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import PRODUCT, jpeg_bytes, minimal_tree
from PIL import ExifTags, Image

from chophien.build import prepare
from chophien.images import (
    MAX_PIXELS,
    ImageCache,
    ImageProblem,
    cover_box,
    decode,
    derivative_widths,
    scaled_size,
)

ROOT = Path(__file__).resolve().parent.parent
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
            "tệp không phải là ảnh, hoặc định dạng không đọc được (dùng JPEG, PNG, WebP hoặc HEIC)",
        ),
        (b"", "tệp không phải là ảnh, hoặc định dạng không đọc được (dùng JPEG, PNG, WebP hoặc HEIC)"),
    ],
)
def test_bad_images_are_problems(data, message):
    with pytest.raises(ImageProblem) as error:
        decode(data)
    assert error.value.vi == message


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
            "tệp không phải là ảnh, hoặc định dạng không đọc được (dùng JPEG, PNG, WebP hoặc HEIC)",
        ),
    ],
)
def test_bad_image_is_reported_at_its_reference(tree, data, message):
    lines = _check(tree, minimal_tree(**{"products/htx-che-na-hang/che.jpg": data}))
    assert lines == [f"{PATH}:7:5: lỗi: images[1]: “che.jpg”: {message}."]


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
    from chophien.images import Progress

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
