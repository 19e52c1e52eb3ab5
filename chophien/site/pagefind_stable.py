"""Make a Pagefind 1.5 bundle byte-identical from one build to the next.

Pagefind keeps filters in hash maps with a random seed: each run writes the filter values (and
the list of filters in its metadata file) in a different order, under different names. Index
chunks and fragments are already stable. This rewrites the filter files with their values
sorted, names every rewritten file by a hash of its bytes, and updates the metadata file and
pagefind-entry.json to match. The files are CBOR behind a `pagefind_dcd` signature, gzipped;
the small codec below handles the subset Pagefind writes and is checked by a round trip before
anything is changed — on any surprise the bundle is left exactly as Pagefind wrote it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from chophien.core.files import write_atomic

SIGNATURE = b"pagefind_dcd"


class Unsupported(ValueError):
    """A CBOR item outside the subset Pagefind writes."""


class Float:
    """A float kept with its encoded width, so it re-encodes to the same bytes."""

    def __init__(self, raw: bytes):
        self.raw = raw


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if info < 24:
        return major, info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise Unsupported(f"indefinite or reserved length at {pos - 1}")
    return major, int.from_bytes(data[pos : pos + size], "big"), pos + size


def decode(data: bytes, pos: int = 0):
    """(item, next position) of the CBOR item at *pos*."""
    initial = data[pos]
    if initial >> 5 == 7:
        info = initial & 0x1F
        if info in (20, 21, 22):
            return (False, True, None)[info - 20], pos + 1
        if info in (25, 26, 27):
            size = {25: 2, 26: 4, 27: 8}[info]
            return Float(data[pos : pos + 1 + size]), pos + 1 + size
        raise Unsupported(f"simple value {info}")
    major, value, pos = _head(data, pos)
    if major == 0:
        return value, pos
    if major == 1:
        return -1 - value, pos
    if major == 2:
        return bytes(data[pos : pos + value]), pos + value
    if major == 3:
        return data[pos : pos + value].decode("utf-8"), pos + value
    if major == 4:
        items = []
        for _ in range(value):
            item, pos = decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(value):
            key, pos = decode(data, pos)
            item, pos = decode(data, pos)
            pairs.append((key, item))
        return {"__map__": pairs}, pos
    raise Unsupported(f"major type {major}")


def _encode_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise Unsupported("integer too large")


def encode(item) -> bytes:
    if item is False or item is True or item is None:
        return bytes([0xF4 + (False, True, None).index(item)])
    if isinstance(item, Float):
        return item.raw
    if isinstance(item, int):
        return _encode_head(0, item) if item >= 0 else _encode_head(1, -1 - item)
    if isinstance(item, bytes):
        return _encode_head(2, len(item)) + item
    if isinstance(item, str):
        raw = item.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    if isinstance(item, list):
        return _encode_head(4, len(item)) + b"".join(encode(i) for i in item)
    if isinstance(item, dict) and "__map__" in item:
        pairs = item["__map__"]
        return _encode_head(5, len(pairs)) + b"".join(encode(k) + encode(v) for k, v in pairs)
    raise Unsupported(type(item).__name__)


def read(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise Unsupported(f"{path.name}: no Pagefind signature")
    item, end = decode(raw, len(SIGNATURE))
    if end != len(raw) or SIGNATURE + encode(item) != raw:
        raise Unsupported(f"{path.name}: does not survive a round trip")
    return item


def _gzip(item) -> bytes:
    return gzip.compress(SIGNATURE + encode(item), compresslevel=9, mtime=0)


def _short_hash(data: bytes, length: int) -> str:
    return hashlib.sha256(data).hexdigest()[:length]


def stabilise(bundle: Path) -> bool:
    """Rewrite *bundle*'s filter and metadata files in a stable order; False if left untouched."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    try:
        plans = []
        for language, info in entry["languages"].items():
            meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
            meta = read(meta_path)
            filters = next(i for i, part in enumerate(meta) if _is_filter_list(part, bundle))
            rewritten = []
            for name, file_hash in meta[filters]:
                path = bundle / "filter" / f"{file_hash}.pf_filter"
                filter_name, values = read(path)
                values = sorted(values, key=lambda pair: pair[0])
                data = _gzip([filter_name, values])
                rewritten.append((name, path, data))
            plans.append((language, info, meta_path, meta, filters, rewritten))
    except (Unsupported, KeyError, StopIteration, ValueError, TypeError, IndexError, OSError):
        return False

    for language, info, meta_path, meta, filters, rewritten in plans:
        new_filters = []
        for name, path, data in sorted(rewritten, key=lambda plan: plan[0]):
            new_hash = f"{language}_{_short_hash(data, 7)}"
            path.unlink()
            write_atomic(bundle / "filter" / f"{new_hash}.pf_filter", data, durable=False)
            new_filters.append([name, new_hash])
        meta[filters] = new_filters
        data = _gzip(meta)
        new_meta = f"{language}_{_short_hash(data, 10)}"
        meta_path.unlink()
        write_atomic(bundle / f"pagefind.{new_meta}.pf_meta", data, durable=False)
        info["hash"] = new_meta
    # One index per page language (vi, en): Pagefind lists them in a random order too.
    entry["languages"] = dict(sorted(entry["languages"].items()))
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    write_atomic(entry_path, text.encode("utf-8"), durable=False)
    return True


def _is_filter_list(part, bundle: Path) -> bool:
    """The metadata's list of [filter name, file hash] pairs (empty when a site has no filters)."""
    return (
        isinstance(part, list)
        and bool(part)
        and all(
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(x, str) for x in pair)
            and (bundle / "filter" / f"{pair[1]}.pf_filter").is_file()
            for pair in part
        )
    )
