"""Photo derivatives: pure size maths, and Pillow re-encoding with a content-hash cache.

Originals are never published. Every output is re-encoded from pixels after applying EXIF
orientation, converted to sRGB (CMYK through its ICC profile, 16-bit scaled to 8-bit,
transparency flattened on white) and saved with no metadata at all. Problems with a photo
become content Problems, never crashes. Derivatives are cached by (content hash, pipeline
settings) outside output/, and encoded in parallel on every core.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import time
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from chophien.core.cache_version import cache_version
from chophien.core.files import read_checked, remove_litter, report_damaged, write_atomic, write_checked
from chophien.core.filestat import FileHashes
from chophien.core.problems import ERROR, ProblemList
from chophien.core.text import Bilingual, slugify

WIDTHS = (240, 480, 960)
# (extension, MIME type, Pillow save options). Order = order of <source> elements: best first.
FORMATS = (
    ("avif", "image/avif", {"quality": 52, "speed": 6, "subsampling": "4:2:0"}),
    ("webp", "image/webp", {"quality": 70, "method": 6}),
    ("jpg", "image/jpeg", {"quality": 72, "optimize": True, "progressive": True}),
)
SHARE_SIZE = (1200, 630)  # Open Graph / Zalo preview
SHARE_QUALITY = 80
MAX_PIXELS = 50_000_000  # admits a 48 MP phone photo (8000×6000), refuses decompression bombs
CHECK_MIN_WIDTH = 480
CHECK_MAX_BYTES = 8 * 1024 * 1024
CHECK_MAX_PIXELS = 48_000_000
FIX_LONG_EDGE = 2048
FIX_QUALITY = 85
PLACEHOLDER_SIZE = 1
# The one list of photo formats the project accepts (Pillow's format name → file extensions).
# The loader, the schema, `chophien images`, `chophien new` and the audit all use it, and no
# other decoder is ever run: a file is recognised by its first bytes before Pillow sees it.
ACCEPTED_FORMATS = {
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
    "WEBP": (".webp",),
    "AVIF": (".avif",),
    "HEIF": (".heic", ".heif"),
}
ACCEPTED_SUFFIXES = frozenset(suffix for suffixes in ACCEPTED_FORMATS.values() for suffix in suffixes)
ACCEPTED_LIST = ".jpg, .jpeg, .png, .webp, .avif, .heic, .heif"  # as volunteers read it
HEAD_BYTES = 512  # enough for every signature below, including a long ISO-BMFF `ftyp` box
MAX_ASPECT = 3  # longest side at most 3× the shortest on a page; a longer photo is cropped
MAX_OUTPUT_SIDE = 16383  # WebP's limit, the smallest of the three encoders'
MAX_STEM = 60  # characters of the original name kept in derivative names
# Every derivative's name: what templating, seo and search_index put into URLs and srcset unencoded.
SAFE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:avif|webp|jpg)")


def settings_key() -> str:
    """Hash of everything that changes the output bytes, part of every cache key: the one cache
    version (this code, Pillow's and pillow-heif's versions, Python) and the encoder settings."""
    settings = [cache_version(), WIDTHS, FORMATS, SHARE_SIZE, SHARE_QUALITY]
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:8]


# --- pure geometry -----------------------------------------------------------------------


def scaled_size(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Size at *target_width*, keeping the aspect ratio; never upscales."""
    if target_width >= width:
        return width, height
    return target_width, max(1, round(height * target_width / width))


def derivative_widths(width: int, widths: tuple[int, ...] = WIDTHS) -> tuple[int, ...]:
    """Widths to produce: each target below the original, plus the original when it is smaller than the largest."""
    chosen = {w for w in widths if w <= width}
    if width < max(widths):
        chosen.add(width)
    return tuple(sorted(chosen))


def cover_box(width: int, height: int, target_width: int, target_height: int) -> tuple[int, int, int, int]:
    """The centred crop of a width×height image that has the target's aspect ratio."""
    target_ratio = target_width / target_height
    if width / height > target_ratio:  # too wide: trim the sides
        crop_width = round(height * target_ratio)
        left = (width - crop_width) // 2
        return left, 0, left + crop_width, height
    crop_height = max(1, round(width / target_ratio))
    top = (height - crop_height) // 2
    return 0, top, width, top + crop_height


def display_box(width: int, height: int, max_aspect: int = MAX_ASPECT) -> tuple[int, int, int, int]:
    """The part of a photo shown on pages: all of it, unless one side is over *max_aspect* × the other.

    A long phone screenshot (1080×18500) keeps its top (where it starts to make sense); a very wide
    panorama keeps its centre. Every derivative then stays far inside the encoders' size limits and a
    page never holds a 10-screen-long image.
    """
    if height > width * max_aspect:
        return 0, 0, width, width * max_aspect
    if width > height * max_aspect:
        crop_width = height * max_aspect
        left = (width - crop_width) // 2
        return left, 0, left + crop_width, height
    return 0, 0, width, height


def output_stem(source: str) -> str:
    """ASCII part of derivative names from a photo's file name: 'IMG 2024-05-01 (1).jpg' → 'img-2024-05-01-1'.

    Derived names are safe in URLs, `srcset` (no spaces or commas) and every file system, whatever
    the phone called the original; the content hash that follows keeps them unique.
    """
    stem = slugify(Path(source).stem)[:MAX_STEM].strip("-")
    return stem or "anh"


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derivative:
    width: int
    height: int
    format: str  # avif | webp | jpg
    name: str  # file name in the cache and in the output media folder


@dataclass(frozen=True)
class ProcessedImage:
    source: str  # content-relative path
    width: int
    height: int
    colour: str  # dominant colour "#rrggbb": the placeholder shown while loading
    derivatives: tuple[Derivative, ...]
    share: Derivative | None = None
    kind: str = ""  # the original's format, as recognised from its bytes (a key of ACCEPTED_FORMATS)

    def variants(self, fmt: str) -> tuple[Derivative, ...]:
        return tuple(d for d in self.derivatives if d.format == fmt)

    def fallback(self, width: int = 480) -> Derivative:
        """The JPEG closest to *width* (for `src`)."""
        jpegs = self.variants("jpg")
        return min(jpegs, key=lambda d: (abs(d.width - width), d.width))

    def files(self) -> Iterable[Derivative]:
        yield from self.derivatives
        if self.share:
            yield self.share


class ImageProblem(Bilingual):
    """A photo that cannot be used, as a content problem."""


# --- decoding -----------------------------------------------------------------------------------


def _register_heif() -> None:
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - declared dependency
        pass


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


_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_AVIF_BRANDS = {b"avif", b"avis"}
_CONTAINER_BRANDS = {b"mif1", b"msf1"}
# What a refused file most likely is, so the message can say so (first bytes → vi, en).
_KNOWN_OTHERS = (
    (b"%!PS", "tệp PostScript/EPS", "a PostScript/EPS file"),
    (b"\xc5\xd0\xd3\xc6", "tệp PostScript/EPS", "a PostScript/EPS file"),
    (b"%PDF", "tệp PDF", "a PDF file"),
    (b"<svg", "tệp SVG", "an SVG file"),
    (b"<?xml", "tệp XML/SVG", "an XML/SVG file"),
    (b"II*\x00", "ảnh TIFF", "a TIFF image"),
    (b"MM\x00*", "ảnh TIFF", "a TIFF image"),
    (b"BM", "ảnh BMP", "a BMP image"),
    (b"GIF8", "ảnh GIF", "a GIF image"),
    (b"PK\x03\x04", "tệp nén ZIP", "a ZIP archive"),
)


def sniff(head: bytes) -> str | None:
    """The accepted format (a key of ACCEPTED_FORMATS) whose signature *head* starts with, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":  # ISO base media file: AVIF or HEIF, told apart by the brands
        size = int.from_bytes(head[:4], "big")
        major = head[8:12]
        compatible = {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
        if major in _AVIF_BRANDS or (major in _CONTAINER_BRANDS and compatible & _AVIF_BRANDS):
            return "AVIF"
        if major in _HEIF_BRANDS or (major in _CONTAINER_BRANDS and compatible & _HEIF_BRANDS):
            return "HEIF"
    return None


def _what_it_is(head: bytes) -> tuple[str, str]:
    if not head:
        return "tệp rỗng (0 byte)", "an empty file (0 bytes)"
    stripped = head.lstrip()
    for signature, vi, en in _KNOWN_OTHERS:
        if stripped.startswith(signature):
            return vi, en
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:  # the head may end inside a character
        text = head[: error.start].decode("utf-8") if error.start > len(head) - 4 else ""
    if text and all(ch.isprintable() or ch in "\t\r\n" for ch in text):
        return "tệp văn bản", "a text file"
    return "định dạng không rõ", "an unknown format"


def not_accepted(head: bytes) -> ImageProblem:
    """The problem for a file that is not in an accepted format (nothing has decoded it)."""
    vi, en = _what_it_is(head)
    return ImageProblem(
        f"không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là {vi}); hãy lưu lại ảnh dạng JPEG "
        "rồi đặt đúng tên đó",
        f"not a JPEG, PNG, WebP, AVIF or HEIC photo (this is {en}); save the photo again as JPEG "
        "under that name",
        "che-shan-tuyet.jpg",
    )


def suffix_problem(name: str, kind: str) -> ImageProblem | None:
    """A problem when *name*'s extension does not say what its bytes are (a PNG named .jpg)."""
    suffix = Path(name).suffix.lower()
    if suffix in ACCEPTED_FORMATS.get(kind, ()) or (kind == "AVIF" and suffix in ACCEPTED_FORMATS["HEIF"]):
        return None  # AVIF is a kind of HEIF: an iPhone-style .heic holding AVIF is fine
    right = Path(name).stem + ACCEPTED_FORMATS[kind][0]
    label = {"WEBP": "WebP", "HEIF": "HEIC/HEIF"}.get(kind, kind)
    return ImageProblem(
        f"đuôi tên tệp “{suffix or '(không có)'}” không khớp nội dung (đây là ảnh {label}); "
        f"hãy đổi tên tệp thành “{right}” và sửa tên ở đây",
        f"the extension “{suffix or '(none)'}” does not match the content (this is a {label} image); "
        f"rename the file to “{right}” and change the name here",
        right,
    )


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


def decode(data: bytes):
    """Bytes of any accepted photo → an 8-bit sRGB image, upright, with no metadata attached."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            # A bomb is refused just below; "corrupt EXIF" and the like are the photo's business.
            warnings.simplefilter("ignore")
            image = open_accepted(data)
            if image.width * image.height > MAX_PIXELS:
                raise ImageProblem(
                    f"ảnh quá lớn ({image.width}×{image.height} điểm ảnh, tối đa 48 triệu điểm ảnh)",
                    f"image too large ({image.width}×{image.height} pixels, at most 48 megapixels)",
                )
            image.load()
            image = ImageOps.exif_transpose(image)
            image = _to_8bit_rgb(_to_srgb(image))
    except ImageProblem:
        raise
    except Image.DecompressionBombError:
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


def _encode(image, fmt: str, options: dict) -> bytes:
    buffer = io.BytesIO()
    pil_format = {"jpg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt]
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def _write_atomic(path: Path, data: bytes, record: dict | None = None) -> None:
    """Whole or not at all, 0644 (output files are hard links to these); *record* gets the size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    if record is not None:
        record[path.name] = len(data)


def dominant_colour(image) -> str:
    from PIL import Image

    r, g, b = image.resize((PLACEHOLDER_SIZE, PLACEHOLDER_SIZE), Image.Resampling.BOX).getpixel((0, 0))[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


def render_derivatives(
    data: bytes, stem: str, key: str, out_dir: Path, sizes: dict | None = None
) -> ProcessedImage:
    """Decode once, write every derivative and the share image into *out_dir* (*sizes*: name → bytes).

    *stem* starts every derivative's name (`output_stem` of the original's name). A photo far
    longer than wide (or wider than long) is first cropped to `display_box`.
    """
    from PIL import Image

    image = decode(data)
    box = display_box(*image.size)
    if box != (0, 0, *image.size):
        image = image.crop(box)
    width, height = image.size
    tag = key[:10]
    derivatives = []
    try:
        for target in derivative_widths(width):
            w, h = scaled_size(width, height, target)
            resized = image if (w, h) == (width, height) else image.resize((w, h), Image.Resampling.LANCZOS)
            for fmt, _mime, options in FORMATS:
                name = f"{stem}-{tag}-{w}.{fmt}"
                _write_atomic(out_dir / name, _encode(resized, fmt, options), sizes)
                derivatives.append(Derivative(w, h, fmt, name))
        share_image = image.crop(cover_box(width, height, *SHARE_SIZE)).resize(
            SHARE_SIZE, Image.Resampling.LANCZOS
        )
        share_name = f"{stem}-{tag}-share.jpg"
        _write_atomic(
            out_dir / share_name,
            _encode(share_image, "jpg", {"quality": SHARE_QUALITY, "optimize": True}),
            sizes,
        )
    except (
        ValueError,
        MemoryError,
    ) as error:  # an encoder's limit; OSError (disk full) is not the photo's fault
        raise ImageProblem(
            f"không tạo được ảnh thu nhỏ ({error}); hãy gửi ảnh chụp bình thường từ điện thoại",
            f"cannot make the smaller copies ({error}); send an ordinary photo from the phone",
        ) from None
    share = Derivative(*SHARE_SIZE, "jpg", share_name)
    kind = decode_kind(data)
    return ProcessedImage("", width, height, dominant_colour(image), tuple(derivatives), share, kind)


# --- the cache and the parallel runner -----------------------------------------------------------


def _cache_key(data: bytes) -> str:
    return _key_of(hashlib.sha256(data).hexdigest())


def _key_of(sha256: str) -> str:
    return sha256[:24] + "-" + settings_key()


def _index_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


def _load_index(cache_dir: Path, key: str, source: str) -> ProcessedImage | None:
    """The cached result, if its index is intact and every file has the size it was written with."""
    path = _index_path(cache_dir, key)
    payload = read_checked(path)
    if payload is None:
        return None
    try:
        raw = json.loads(payload)
        derivatives = tuple(Derivative(**d) for d in raw["derivatives"])
        share = Derivative(**raw["share"]) if raw.get("share") else None
        processed = ProcessedImage(
            source, raw["width"], raw["height"], raw["colour"], derivatives, share, raw.get("kind", "")
        )
        sizes = {name: int(size) for name, size in raw["sizes"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        report_damaged(path, "unknown format")
        return None
    if not all(SAFE_NAME.fullmatch(d.name) for d in processed.files()):  # from an older pipeline
        return None
    for derivative in processed.files():
        file = cache_dir / key[:2] / derivative.name
        try:
            size = file.stat().st_size
        except OSError:
            return None  # removed (a cleaned cache): encoded again, nothing to report
        if size != sizes.get(derivative.name):
            report_damaged(file, f"{size} of {sizes.get(derivative.name)} bytes")
            return None
    return processed


def _job(path: str, source: str, cache_dir: str) -> tuple[str, dict | None, tuple[str, ...] | None, bool]:
    """Worker: (source, processed as dict, problem (vi, en[, example]), whether it encoded)."""
    cache = Path(cache_dir)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return (
            source,
            None,
            (f"không đọc được tệp ảnh ({error.strerror})", f"cannot read image ({error.strerror})"),
            False,
        )
    key = _cache_key(data)
    sizes: dict[str, int] = {}
    try:
        processed = render_derivatives(data, output_stem(source), key, cache / key[:2], sizes)
    except ImageProblem as problem:
        return source, None, (problem.vi, problem.en, problem.example), False
    index = asdict(processed)
    # Written last and checked on read: an index exists only when every file it lists is whole.
    write_checked(_index_path(cache, key), json.dumps(dict(index, sizes=sizes), sort_keys=True).encode())
    index["source"] = source
    return source, index, None, True


def _from_dict(raw: dict) -> ProcessedImage:
    return ProcessedImage(
        raw["source"],
        raw["width"],
        raw["height"],
        raw["colour"],
        tuple(Derivative(**d) for d in raw["derivatives"]),
        Derivative(**raw["share"]) if raw.get("share") else None,
        raw.get("kind", ""),
    )


class Progress:
    """`Ảnh: 12/130 · còn khoảng 8 giây` rewritten in place on a terminal, plain lines in CI."""

    def __init__(self, total: int, stream=None, label: str = "Ảnh"):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.label = label
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_decile = -1

    def line(self) -> str:
        elapsed = time.monotonic() - self.start
        text = f"{self.label}: {self.done}/{self.total}"
        if 0 < self.done < self.total:
            remaining = elapsed / self.done * (self.total - self.done)
            text += f" · còn khoảng {remaining:.0f} giây"
        elif self.done == self.total:
            text += f" · xong trong {elapsed:.1f} giây"
        return text

    def step(self) -> None:
        self.done += 1
        if self.tty:
            end = "\n" if self.done == self.total else ""
            print("\r" + self.line().ljust(60), end=end, file=self.stream, flush=True)
            return
        decile = self.done * 10 // self.total
        if decile != self.last_decile:
            self.last_decile = decile
            print(self.line(), file=self.stream, flush=True)


class ImageCache:
    """Derivatives on disk, keyed by content hash and pipeline settings; counts what it encodes."""

    def __init__(self, cache_dir: str | os.PathLike, workers: int | None = None, progress_stream=None):
        self.dir = Path(cache_dir)
        self.workers = workers or os.cpu_count() or 1
        self.encoded = 0
        self.progress_stream = progress_stream

    def path_of(self, derivative: Derivative) -> Path:
        tag = derivative.name.rsplit("-", 2)[-2]  # "<stem>-<tag>-<width>.<ext>"
        return self.dir / tag[:2] / derivative.name

    def process_all(
        self, jobs: list[tuple[Path, str]], hashes: FileHashes | None = None
    ) -> dict[str, ProcessedImage | ImageProblem]:
        """Process every (path, source); cached ones are read back, new ones encoded in parallel.

        Identical files (same bytes under different names or folders) are encoded once.
        *hashes* remembers each photo's content hash between builds (read only when changed).
        """
        hashes = hashes or FileHashes()
        results: dict[str, ProcessedImage | ImageProblem] = {}
        pending: dict[str, list[tuple[Path, str]]] = {}  # cache key (or path when unreadable) → jobs
        for path, source in jobs:
            try:
                key = _key_of(hashes.sha256(path))
            except OSError:
                key = f"unreadable:{path}"  # the job reports the read error
            cached = _load_index(self.dir, key, source) if not key.startswith("unreadable:") else None
            if cached is None:
                pending.setdefault(key, []).append((path, source))
            else:
                results[source] = cached
        firsts = [group[0] for group in pending.values()]
        for folder in {key[:2] for key in pending if not key.startswith("unreadable:")}:
            remove_litter(self.dir / folder)  # a build killed while encoding into it
        progress = Progress(len(firsts), self.progress_stream) if len(firsts) > 1 else None
        outcomes = []
        if self.workers > 1 and len(firsts) > 1:
            with ProcessPoolExecutor(max_workers=min(self.workers, len(firsts))) as pool:
                futures = [pool.submit(_job, str(path), source, str(self.dir)) for path, source in firsts]
                for future in futures:
                    outcomes.append(future.result())
                    if progress:
                        progress.step()
        else:
            for path, source in firsts:
                outcomes.append(_job(str(path), source, str(self.dir)))
                if progress:
                    progress.step()
        for outcome, group in zip(outcomes, pending.values(), strict=True):
            self._collect(outcome, results)
            first = results[group[0][1]]
            for _path, source in group[1:]:
                results[source] = first if isinstance(first, ImageProblem) else replace(first, source=source)
        # Checked here, not in the worker: the same bytes may be cached under another name.
        for source, result in results.items():
            if isinstance(result, ProcessedImage):
                results[source] = suffix_problem(source, result.kind) or result
        return results

    def _collect(self, outcome, results) -> None:
        source, processed, problem, encoded = outcome
        if encoded:
            self.encoded += 1
        results[source] = ImageProblem(*problem) if problem else _from_dict(processed)

    def process(self, path: Path, source: str) -> ProcessedImage:
        """One photo (raises ImageProblem)."""
        result = self.process_all([(path, source)])[source]
        if isinstance(result, ImageProblem):
            raise result
        return result


def report_at_reference(
    problems: ProblemList, image, vi: str, en: str, example: str = "", severity: str = ERROR
) -> None:
    """A problem with photo *image*, placed on the front-matter line that names it."""
    path, line, column, label = image.referenced_at
    problems.add(
        path, line, column, label, f"“{image.file}”: {vi}", f"“{image.file}”: {en}", example, severity
    )
