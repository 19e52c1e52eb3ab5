"""The photo cache: derivatives on disk keyed by content hash and pipeline settings, encoded in parallel.

`.cache/images/<2 hex>/`: each photo's derivatives and a JSON index written last and checked on
read (an index exists only when every file it lists is whole). The key is the SHA-256 of the
original's bytes and `settings_key()`; identical files are encoded once; new photos are encoded
in a process pool on every core.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

from chophien.core.cache_version import cache_version
from chophien.core.files import read_checked, remove_litter, report_damaged, write_atomic, write_checked
from chophien.core.filestat import FileHashes
from chophien.photos.encode import FALLBACK_FORMAT, FORMATS, SHARE_QUALITY, render_derivatives
from chophien.photos.formats import ACCEPTED_FORMATS, HEAD_BYTES, lfs_pointer_oid, suffix_problem
from chophien.photos.geometry import FALLBACK_WIDTH, SHARE_SIZE, WIDTHS
from chophien.photos.model import Derivative, ImageProblem, ProcessedImage
from chophien.photos.names import SAFE_NAME, output_stem, tag_of
from chophien.photos.progress import Progress

UNREADABLE = "unreadable:"  # key prefix of a photo whose hash could not be read: its job reports why
UNFETCHED = (
    "lfs:"  # key prefix of a Git LFS pointer whose derivatives are not cached: its job says `git lfs pull`
)
COLOUR = re.compile(r"#[0-9a-f]{6}")  # encode.dominant_colour: written into a style attribute
POINTER_MAX = 1024  # a Git LFS pointer is smaller than this (the LFS specification)


def lfs_oid(path: Path) -> str | None:
    """The oid of the Git LFS pointer at *path* (the SHA-256 of the photo it stands for), else None.

    Only a file smaller than POINTER_MAX is opened; a photo is never read here.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size >= POINTER_MAX:
            return None  # a FIFO or device is refused by the content walk, never opened here
        with open(path, "rb") as handle:
            return lfs_pointer_oid(handle.read(HEAD_BYTES))
    except OSError:
        return None


def settings_key() -> str:
    """Hash of everything that changes the output bytes, part of every cache key: the one cache
    version (this code, Pillow's and pillow-heif's versions, Python) and the encoder settings,
    including which widths each format is made at (one JPEG: a cache of three-JPEG photos is not reused)."""
    settings = [cache_version(), WIDTHS, FORMATS, FALLBACK_FORMAT, FALLBACK_WIDTH, SHARE_SIZE, SHARE_QUALITY]
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:8]


def _cache_key(data: bytes) -> str:
    return _key_of(hashlib.sha256(data).hexdigest())


def _key_of(sha256: str) -> str:
    return sha256[:24] + "-" + settings_key()


def _index_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}.json"


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


def _read_index(path: Path, source: str) -> tuple[ProcessedImage, dict[str, int]] | None:
    """The index at *path* as (processed photo, file name → size), or None (reported when damaged)."""
    payload = read_checked(path)
    if payload is None:
        return None
    try:
        raw = json.loads(payload)
        processed = _from_dict(dict(raw, source=source))
        sizes = {name: int(size) for name, size in raw["sizes"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        report_damaged(path, "unknown format")
        return None
    return processed, sizes


def _files_intact(folder: Path, processed: ProcessedImage, sizes: dict[str, int]) -> bool:
    """Every file the index lists is there with the size it was written with."""
    for derivative in processed.files():
        file = folder / derivative.name
        try:
            size = file.stat().st_size
        except OSError:
            return False  # removed (a cleaned cache): encoded again, nothing to report
        if size != sizes.get(derivative.name):
            report_damaged(file, f"{size} of {sizes.get(derivative.name)} bytes")
            return False
    return True


def _load_index(cache_dir: Path, key: str, source: str) -> ProcessedImage | None:
    """The cached result, if its index is intact and every file has the size it was written with."""
    found = _read_index(_index_path(cache_dir, key), source)
    if found is None:
        return None
    processed, sizes = found
    if not all(SAFE_NAME.fullmatch(d.name) for d in processed.files()):  # from an older pipeline
        return None
    return processed if _files_intact(cache_dir / key[:2], processed, sizes) else None


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


def parse_index(payload: bytes) -> tuple[ProcessedImage, dict[str, int]] | None:
    """An index's JSON (from anywhere: the bucket's copy is untrusted) as (processed photo, file name →
    size), or None when it is not one this pipeline wrote (names, formats, sizes, dimensions checked)."""
    try:
        raw = json.loads(payload)
        processed = _from_dict(dict(raw, source=""))
        sizes = {str(name): size for name, size in raw["sizes"].items()}  # ints: checked below
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    files = list(processed.files())
    if not all(isinstance(v, str) for d in files for v in (d.name, d.format)):
        return None
    if (
        not files
        or {d.name for d in files} != set(sizes)
        or not all(SAFE_NAME.fullmatch(d.name) and d.name.endswith(f".{d.format}") for d in files)
        or not all(
            type(v) is int and 0 < v
            for v in (
                processed.width,
                processed.height,
                *(x for d in files for x in (d.width, d.height, sizes[d.name])),
            )
        )
        or len({tag_of(d.name) for d in files}) != 1
        or not COLOUR.fullmatch(str(processed.colour))
        or processed.kind not in ("", *ACCEPTED_FORMATS)
    ):
        return None
    return processed, sizes


class ImageCache:
    """Derivatives on disk, keyed by content hash and pipeline settings; counts what it encodes."""

    def __init__(self, cache_dir: str | os.PathLike, workers: int | None = None, progress_stream=None):
        self.dir = Path(cache_dir)
        self.workers = workers or os.cpu_count() or 1
        self.encoded = 0
        self.progress_stream = progress_stream

    def path_of(self, derivative: Derivative) -> Path:
        return self.dir / tag_of(derivative.name)[:2] / derivative.name

    def size_of(self, derivative: Derivative) -> int:
        """The derivative's size in bytes (its cached file, checked against the index on load)."""
        return self.path_of(derivative).stat().st_size

    def process_all(
        self, jobs: list[tuple[Path, str]], hashes: FileHashes | None = None
    ) -> dict[str, ProcessedImage | ImageProblem]:
        """Process every (path, source); cached ones are read back, new ones encoded in parallel.

        Identical files (same bytes under different names or folders) are encoded once.
        *hashes* remembers each photo's content hash between builds (read only when changed).
        """
        results, pending = self._read_cached(jobs, hashes or FileHashes())
        for folder in {key[:2] for key in pending if not key.startswith((UNREADABLE, UNFETCHED))}:
            remove_litter(self.dir / folder)  # a build killed while encoding into it
        outcomes = self._encode([group[0] for group in pending.values()])
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

    def _read_cached(self, jobs, hashes: FileHashes) -> tuple[dict, dict[str, list[tuple[Path, str]]]]:
        """(cached results by source, the rest grouped by cache key, or by path when unreadable)."""
        results: dict[str, ProcessedImage | ImageProblem] = {}
        pending: dict[str, list[tuple[Path, str]]] = {}
        for path, source in jobs:
            oid = lfs_oid(path)
            try:
                key = _key_of(oid or hashes.sha256(path))
            except OSError:
                key = f"{UNREADABLE}{path}"  # the job reports the read error
            cached = _load_index(self.dir, key, source) if not key.startswith(UNREADABLE) else None
            if cached is None:
                # A pointer not cached is never grouped with the real photo: its job reads the pointer.
                pending.setdefault(f"{UNFETCHED}{path}" if oid else key, []).append((path, source))
            else:
                results[source] = cached
        return results, pending

    def _encode(self, firsts: list[tuple[Path, str]]) -> list[tuple]:
        """Run `_job` on each (path, source), in a process pool when there are several and cores to spare."""
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
        return outcomes

    def _collect(self, outcome, results) -> None:
        source, processed, problem, encoded = outcome
        if encoded:
            self.encoded += 1
        results[source] = ImageProblem(*problem) if problem else _from_dict(processed)

    # --- the cache seen from outside (chophien/publishing/media_cache.py: the bucket as the cache) ---

    @staticmethod
    def key_for(path: Path, hashes: FileHashes | None = None) -> str:
        """The cache key of the photo at *path*: from its Git LFS pointer's oid, else its bytes (OSError)."""
        return _key_of(lfs_oid(path) or (hashes or FileHashes()).sha256(path))

    def index_path(self, key: str) -> Path:
        return _index_path(self.dir, key)

    def has(self, key: str) -> bool:
        """An intact entry: its index and every file it lists, whole."""
        return _load_index(self.dir, key, "") is not None

    def put_entry(self, key: str, payload: bytes, files: dict[str, bytes]) -> None:
        """An entry made elsewhere (its index's JSON and its files), written like an encode writes
        one: each file whole (atomic), the index last, so a half-written entry is never intact."""
        folder = self.dir / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            write_atomic(folder / name, data)  # 0644 like an encode's: output files link to them
        write_checked(_index_path(self.dir, key), payload)

    def lfs_needed(self, jobs: list[tuple[Path, str]]) -> list[Path]:
        """The paths among *jobs* that are Git LFS pointers with no cached derivatives: the photos a
        build must fetch (`git lfs pull --include`), and no others."""
        return [
            path
            for path, source in jobs
            if (oid := lfs_oid(path)) and _load_index(self.dir, _key_of(oid), source) is None
        ]

    def process(self, path: Path, source: str) -> ProcessedImage:
        """One photo (raises ImageProblem)."""
        result = self.process_all([(path, source)])[source]
        if isinstance(result, ImageProblem):
            raise result
        return result
