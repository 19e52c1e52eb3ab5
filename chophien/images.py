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
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .filestat import FileHashes
from .text import Bilingual

WIDTHS = (240, 480, 960)
# (extension, MIME type, Pillow save options). Order = order of <source> elements: best first.
FORMATS = (
    ("avif", "image/avif", {"quality": 52, "speed": 6, "subsampling": "4:2:0"}),
    ("webp", "image/webp", {"quality": 70, "method": 6}),
    ("jpg", "image/jpeg", {"quality": 72, "optimize": True, "progressive": True}),
)
SHARE_SIZE = (1200, 630)  # Open Graph / Zalo preview
SHARE_QUALITY = 80
PIPELINE_VERSION = 2  # bump when decoding or encoding changes: every cache key changes
MAX_PIXELS = 50_000_000  # admits a 48 MP phone photo (8000×6000), refuses decompression bombs
CHECK_MIN_WIDTH = 480
CHECK_MAX_BYTES = 8 * 1024 * 1024
CHECK_MAX_PIXELS = 48_000_000
FIX_LONG_EDGE = 2048
FIX_QUALITY = 85
PLACEHOLDER_SIZE = 1


def settings_key() -> str:
    """Hash of everything that changes the output bytes, part of every cache key."""
    settings = [PIPELINE_VERSION, WIDTHS, FORMATS, SHARE_SIZE, SHARE_QUALITY]
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
    crop_height = round(width / target_ratio)
    top = (height - crop_height) // 2
    return 0, top, width, top + crop_height


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


def decode(data: bytes):
    """Bytes of any supported photo → an 8-bit sRGB image, upright, with no metadata attached."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused just below
            image = Image.open(io.BytesIO(data))
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
        raise ImageProblem(
            "ảnh quá lớn (nghi là “bom giải nén”), không thể mở an toàn",
            "image too large (a decompression bomb); it cannot be opened safely",
        ) from None
    except UnidentifiedImageError:
        raise ImageProblem(
            "tệp không phải là ảnh, hoặc định dạng không đọc được (dùng JPEG, PNG, WebP hoặc HEIC)",
            "not an image, or a format that cannot be read (use JPEG, PNG, WebP or HEIC)",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageProblem(
            f"ảnh bị hỏng hoặc không đầy đủ ({error}); hãy chụp hoặc tải lên lại",
            f"image is damaged or truncated ({error}); take or upload it again",
        ) from None
    # Rebuild from raw pixels: no EXIF, GPS, XMP, ICC or comment can ride along.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _encode(image, fmt: str, options: dict) -> bytes:
    buffer = io.BytesIO()
    pil_format = {"jpg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt]
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def dominant_colour(image) -> str:
    from PIL import Image

    r, g, b = image.resize((PLACEHOLDER_SIZE, PLACEHOLDER_SIZE), Image.Resampling.BOX).getpixel((0, 0))[:3]
    return f"#{r:02x}{g:02x}{b:02x}"


def render_derivatives(data: bytes, stem: str, key: str, out_dir: Path) -> ProcessedImage:
    """Decode once, write every derivative and the share image into *out_dir*."""
    from PIL import Image

    image = decode(data)
    width, height = image.size
    tag = key[:10]
    derivatives = []
    for target in derivative_widths(width):
        w, h = scaled_size(width, height, target)
        resized = image if (w, h) == (width, height) else image.resize((w, h), Image.Resampling.LANCZOS)
        for fmt, _mime, options in FORMATS:
            name = f"{stem}-{tag}-{w}.{fmt}"
            _write_atomic(out_dir / name, _encode(resized, fmt, options))
            derivatives.append(Derivative(w, h, fmt, name))
    share_image = image.crop(cover_box(width, height, *SHARE_SIZE)).resize(
        SHARE_SIZE, Image.Resampling.LANCZOS
    )
    share_name = f"{stem}-{tag}-share.jpg"
    _write_atomic(
        out_dir / share_name, _encode(share_image, "jpg", {"quality": SHARE_QUALITY, "optimize": True})
    )
    share = Derivative(*SHARE_SIZE, "jpg", share_name)
    return ProcessedImage("", width, height, dominant_colour(image), tuple(derivatives), share)


# --- the cache and the parallel runner -----------------------------------------------------------


def _cache_key(data: bytes) -> str:
    return _key_of(hashlib.sha256(data).hexdigest())


def _key_of(sha256: str) -> str:
    return sha256[:24] + "-" + settings_key()


def _index_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


def _load_index(cache_dir: Path, key: str, source: str) -> ProcessedImage | None:
    path = _index_path(cache_dir, key)
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text())
        derivatives = tuple(Derivative(**d) for d in raw["derivatives"])
        share = Derivative(**raw["share"]) if raw.get("share") else None
        processed = ProcessedImage(source, raw["width"], raw["height"], raw["colour"], derivatives, share)
    except (ValueError, KeyError, TypeError):
        return None
    if all((cache_dir / key[:2] / d.name).exists() for d in processed.files()):
        return processed
    return None


def _job(path: str, source: str, cache_dir: str) -> tuple[str, dict | None, tuple[str, str] | None, bool]:
    """Worker: (source, processed as dict, problem (vi, en), whether it encoded)."""
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
    try:
        processed = render_derivatives(data, Path(source).stem, key, cache / key[:2])
    except ImageProblem as problem:
        return source, None, (problem.vi, problem.en), False
    index = asdict(processed)
    _write_atomic(_index_path(cache, key), json.dumps(index, sort_keys=True).encode())
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
