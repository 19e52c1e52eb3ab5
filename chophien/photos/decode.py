"""Pillow decoding of an accepted photo: one decoder only, size limit, upright 8-bit sRGB, no metadata.

The format is decided from the first bytes (chophien.photos.formats) before Pillow sees them.
The pixel limit (MAX_PIXELS) is checked here, on the header, for our own decoding only: Pillow's
process-wide `Image.MAX_IMAGE_PIXELS` is left at its default, so importing or using this package
changes nothing for other code in the process.
"""

from __future__ import annotations

import io
import warnings

from chophien.photos.formats import HEAD_BYTES, not_accepted, sniff
from chophien.photos.limits import MAX_PIXELS
from chophien.photos.model import ImageProblem


def _register_heif() -> None:
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - declared dependency
        pass


def open_accepted(source, head: bytes | None = None):
    """Pillow image for an accepted photo (header read only), never handing it to another decoder.

    *source* is bytes or a path. The format is decided from the first bytes, then Pillow is told
    to try that one decoder only: an EPS, PDF, SVG or TIFF renamed `.jpg` never reaches
    Ghostscript or any other plugin. Raises ImageProblem when the bytes are not an accepted format.
    """
    from PIL import Image

    if isinstance(source, bytes):
        head, stream = source[:HEAD_BYTES], io.BytesIO(source)
    else:
        with open(source, "rb") as handle:
            head = handle.read(HEAD_BYTES)
        stream = source
    kind = sniff(head)
    if kind is None:
        raise not_accepted(head)
    if kind == "HEIF":
        _register_heif()
    return Image.open(stream, formats=[kind])


def bomb_problem() -> ImageProblem:
    return ImageProblem(
        "ảnh quá lớn (nghi là “bom giải nén”), không thể mở an toàn",
        "image too large (a decompression bomb); it cannot be opened safely",
    )


def refuse_too_large(width: int, height: int, limit: int = MAX_PIXELS) -> None:
    """Raise ImageProblem for a photo over *limit* pixels; over twice the limit it is a bomb (as Pillow counts)."""
    if width * height > 2 * limit:
        raise bomb_problem()
    if width * height > limit:
        raise ImageProblem(
            f"ảnh quá lớn ({width}×{height} điểm ảnh, tối đa 48 triệu điểm ảnh)",
            f"image too large ({width}×{height} pixels, at most 48 megapixels)",
        )


def _to_srgb(image):
    """RGB(A) or CMYK through the embedded ICC profile, else a plain conversion."""
    from PIL import ImageCms

    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
            return ImageCms.profileToProfile(image, source, target, outputMode=output_mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to Pillow's conversion
    return image


def _to_8bit_rgb(image):
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit grey: scale 0–65535 to 0–255 instead of clipping everything above 255 to white.
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    elif image.mode == "F":
        image = image.point(lambda v: v * 255).convert("L")
    if image.mode in ("P", "PA", "LA", "RGBA", "La", "RGBa") or "transparency" in image.info:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _decode_pixels(data: bytes):
    """Open (header only), refuse a too-large photo before any pixel is decoded, then load and convert."""
    from PIL import ImageOps

    with warnings.catch_warnings():
        # A bomb is refused just below; "corrupt EXIF" and the like are the photo's business.
        warnings.simplefilter("ignore")
        image = open_accepted(data)
        refuse_too_large(image.width, image.height)
        image.load()
        image = ImageOps.exif_transpose(image)
        return _to_8bit_rgb(_to_srgb(image))


def decode(data: bytes):
    """Bytes of any accepted photo → an 8-bit sRGB image, upright, with no metadata attached."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = _decode_pixels(data)
    except ImageProblem:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, at its default, caught first on open
        raise bomb_problem() from None
    except UnidentifiedImageError:  # right signature, unreadable inside
        raise ImageProblem(
            "ảnh bị hỏng: đầu tệp đúng định dạng ảnh nhưng không đọc được; hãy chụp hoặc tải lên lại",
            "damaged image: the file starts like a photo but cannot be read; take or upload it again",
        ) from None
    except Exception as error:  # noqa: BLE001 - hostile bytes make decoders raise anything (RuntimeError, TypeError, …)
        reason = str(error) or type(error).__name__
        raise ImageProblem(
            f"ảnh bị hỏng hoặc không đầy đủ ({reason}); hãy chụp hoặc tải lên lại",
            f"image is damaged or truncated ({reason}); take or upload it again",
        ) from None
    # Rebuild from raw pixels: no EXIF, GPS, XMP, ICC or comment can ride along.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def decode_kind(data: bytes) -> str:
    """The accepted format of *data* (call after decode() succeeded)."""
    return sniff(data[:HEAD_BYTES]) or ""
