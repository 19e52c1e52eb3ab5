"""chophien.photos.encode: derivatives carry no metadata, are deterministic, and stay small whatever the shape."""

from __future__ import annotations

import io

import pytest
from conftest import jpeg_bytes
from photo_samples import phone_photo_with_gps, png_bytes
from PIL import Image

from chophien.photos.cache import ImageCache


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


@pytest.mark.parametrize(
    "size, webp_widths, jpeg_width", [((4032, 3024), [240, 480, 960], 480), ((300, 400), [240, 300], 300)]
)
def test_avif_and_webp_at_every_width_one_jpeg_and_the_share_image(tmp_path, size, webp_widths, jpeg_width):
    """Fewer files (docs/photos.md): AVIF and WebP at each width, the JPEG fallback at one width."""
    source = tmp_path / "photo.jpg"
    source.write_bytes(jpeg_bytes(*size))
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(source, "products/x/photo.jpg")
    assert [d.width for d in processed.variants("avif")] == webp_widths
    assert [d.width for d in processed.variants("webp")] == webp_widths
    assert [d.width for d in processed.variants("jpg")] == [jpeg_width]
    assert len(list(processed.files())) == 2 * len(webp_widths) + 2  # + the JPEG + the sharing JPEG
    # Every caller's JPEG exists: `src` (480), the search thumbnail (240), the largest (feeds).
    for asked in (240, 480, 960):
        chosen = processed.fallback(asked)
        assert chosen.width == jpeg_width and cache.path_of(chosen).is_file()
    with Image.open(cache.path_of(processed.fallback())) as out:
        assert out.format == "JPEG" and out.size == (processed.fallback().width, processed.fallback().height)


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


@pytest.mark.parametrize("size", [(1080, 18500), (18500, 1080), (1, 5000), (5000, 1), (1, 1), (16384, 2)])
def test_very_long_or_wide_photos_give_small_derivatives(tmp_path, size):
    from chophien.photos.geometry import MAX_ASPECT, MAX_OUTPUT_SIDE

    source = tmp_path / "screenshot.png"
    source.write_bytes(png_bytes(Image.new("L", size, 128)))
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
    source.write_bytes(png_bytes(image))
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(source, "products/x/shot.png")
    assert (processed.width, processed.height) == (1080, 3240)
    top = processed.fallback(480)
    with Image.open(cache.path_of(top)) as out:
        assert out.convert("RGB").getpixel((10, 10))[0] > 150
