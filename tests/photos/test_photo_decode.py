"""chophien.photos.decode: hard cases of decoding (orientation, colour, bit depth, transparency, HEIC, AVIF), damaged and too-large photos."""

from __future__ import annotations

import io

import pytest
from photo_samples import (
    GS_CMYK_PROFILE,
    ROOT,
    bomb_png,
    phone_photo_with_gps,
    png_bytes,
    saved,
    truncated_jpeg,
)
from PIL import Image

from chophien.photos.decode import decode
from chophien.photos.limits import MAX_PIXELS
from chophien.photos.model import ImageProblem


def test_exif_orientation_is_applied():
    image = decode(phone_photo_with_gps())
    assert image.size == (300, 400)
    # Orientation 6 = rotate 90° clockwise to display: the stored left (blue) half ends on top.
    top, bottom = image.getpixel((150, 20)), image.getpixel((150, 380))
    assert top[2] > 150 and bottom[0] > 150


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
    pixel = decode(png_bytes(wide)).getpixel((16, 16))
    assert all(abs(channel - 128) <= 1 for channel in pixel)


def test_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    image.paste((10, 120, 10, 255), (0, 0, 16, 32))
    decoded = decode(png_bytes(image))
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


BOMB = "ảnh quá lớn (nghi là “bom giải nén”), không thể mở an toàn"


@pytest.mark.parametrize(
    "data, message",
    [
        (bomb_png(), "ảnh quá lớn (8000×7000 điểm ảnh, tối đa 48 triệu điểm ảnh)"),
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
        decode(truncated_jpeg())
    assert error.value.vi.startswith("ảnh bị hỏng hoặc không đầy đủ (")
    assert error.value.vi.endswith("); hãy chụp hoặc tải lên lại")


def test_a_48_megapixel_photo_is_admitted():
    assert 8000 * 6000 <= MAX_PIXELS


def test_avif_is_read():
    assert decode(saved("AVIF", quality=90)).size == (64, 48)


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


# --- the pixel limit is ours, not the process's ------------------------------------------------

SCOPE_CHECK = """
import io, sys
from PIL import Image
default = Image.MAX_IMAGE_PIXELS
import chophien.photos.cache, chophien.photos.decode, chophien.photos.encode
from chophien.photos.decode import decode
from chophien.photos.model import ImageProblem
after_import = Image.MAX_IMAGE_PIXELS
buffer = io.BytesIO()
Image.new("RGB", (64, 48), (10, 120, 40)).save(buffer, "JPEG")
decode(buffer.getvalue())
buffer = io.BytesIO()
Image.new("1", (8000, 7000)).save(buffer, "PNG")
try:
    decode(buffer.getvalue())
except ImageProblem as problem:
    refused = problem.vi
print(default, after_import, Image.MAX_IMAGE_PIXELS, refused, sep="\\n")
"""


def test_importing_and_decoding_leave_pillows_pixel_limit_alone():
    """A fresh interpreter: Pillow's process-wide limit is its default after import, a decode and a refusal."""
    import subprocess
    import sys

    from PIL import Image

    result = subprocess.run(
        [sys.executable, "-c", SCOPE_CHECK], capture_output=True, text=True, check=True, cwd=ROOT
    )
    default, after_import, after_decode, refused = result.stdout.splitlines()
    assert int(default) == int(1024 * 1024 * 1024 // 4 // 3)  # Pillow's documented default
    assert after_import == after_decode == default
    assert refused == "ảnh quá lớn (8000×7000 điểm ảnh, tối đa 48 triệu điểm ảnh)"
    assert Image.MAX_IMAGE_PIXELS == int(default)  # and in this process, after every test above


@pytest.mark.parametrize(
    "size, message",
    [
        ((8000, 6000), None),  # 48 MP: a phone photo
        ((8000, 6251), "ảnh quá lớn (8000×6251 điểm ảnh, tối đa 48 triệu điểm ảnh)"),  # just over MAX_PIXELS
        ((10000, 10000), "ảnh quá lớn (10000×10000 điểm ảnh, tối đa 48 triệu điểm ảnh)"),  # 2× exactly
        ((10000, 10001), BOMB),  # over twice the limit, under Pillow's own default error
        ((15000, 12000), BOMB),  # over Pillow's own default error (2 × 89 478 485)
    ],
)
def test_the_pixel_limit_is_checked_on_the_header(size, message):
    from chophien.photos.decode import refuse_too_large

    if message is None:
        refuse_too_large(*size)
        return
    with pytest.raises(ImageProblem) as error:
        refuse_too_large(*size)
    assert error.value.vi == message


@pytest.mark.parametrize("size", [(10000, 10001), (15000, 12000)])
def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(size, monkeypatch):
    """Bombs over twice the limit, on either side of Pillow's own error, never reach `load`."""
    from PIL import ImageFile

    def no_load(self):
        raise AssertionError("a bomb was decoded")

    data = png_bytes(Image.new("1", size))  # all zeros: a few KB on disk
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_load)
    with pytest.raises(ImageProblem) as error:
        decode(data)
    assert error.value.vi == BOMB
