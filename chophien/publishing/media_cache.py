"""The bucket as the durable photo cache: each photo's cache index beside its photos, and a cold cache filled from them.

A photo's derivatives in the bucket (`<prefix><name>`, chophien/publishing/media.py) are the very
files the photo cache (chophien/photos/cache.py) keeps under the same names; what the bucket lacked
is the cache's index (dimensions, colour, file sizes). `make publish-media` now uploads it too:

- `<prefix>cache/<settings_key>/<key>.json`: the index's JSON, `<key>` the photo's cache key (the
  first 24 hex digits of the original's SHA-256, then `settings_key()`), uploaded once (immutable),
  and only when the bucket holds every file it lists at the size it lists;
- `scripts/publish_media.py fetch-cache [content]`: for every photo the content references whose
  local cache entry is not intact, the index and its files are fetched back into the local cache
  (`<cache>/images/…`), in threads, each file checked against the index's size and written whole,
  the index last, so a half-fetched entry is never taken as cached. Photos the bucket lacks, or
  whose files there are not the sizes the index gives, are left for the build to encode.

A photo's key needs only the SHA-256 of its original: from the file, or from its Git LFS pointer
(the pointer's oid), so CI fetches the cache first and then only the originals still to encode
(`chophien images --lfs-needed`). An index from the bucket is untrusted: `parse_index` checks it,
and every name it gives must carry the photo's own key.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from chophien.core.files import read_checked
from chophien.photos.cache import ImageCache, parse_index, settings_key
from chophien.photos.names import TAG_LENGTH, tag_of
from chophien.publishing.common import shown
from chophien.publishing.media import CACHE, UPLOAD_THREADS, IndexUploader, MediaError, Store

INDEX_LIMIT = 64 * 1024  # an index is a few hundred bytes
FILE_LIMIT = 16 * 1024 * 1024  # a derivative is a few hundred KB; 8 threads hold one each


def index_key(store: Store, key: str) -> str:
    return store.bucket.key(f"{CACHE}{key.rsplit('-', 1)[-1]}/{key}.json")


def upload_indexes(
    store: Store, cache_dir: Path, names: Iterable[str], in_bucket: dict[str, int], listed
) -> int:
    """Upload the cache index of each photo among *names* that the bucket lacks, when the bucket holds
    every file the index lists at its size (*in_bucket*: name → size); return how many were uploaded.

    An index whose files differ in the bucket (made by another encoder version under the same names)
    is not uploaded: a fetch would only find files of the wrong size.
    """
    cache = ImageCache(cache_dir)
    current = settings_key()
    payloads: dict[str, bytes] = {}
    for tag in sorted({tag_of(name) for name in names}):
        for path in sorted((cache.dir / tag[:2]).glob(f"{tag}*-{current}.json")):
            key = path.name.removesuffix(".json")
            if index_key(store, key) in listed or key in payloads:
                continue
            payload = read_checked(path)
            parsed = parse_index(payload) if payload is not None else None
            if parsed is not None and all(in_bucket.get(n) == size for n, size in parsed[1].items()):
                payloads[key] = payload
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        for _ in pool.map(lambda key: store.put_bytes(index_key(store, key), payloads[key]), payloads):
            pass
    return len(payloads)


def index_uploader(cache_dir: Path) -> IndexUploader:
    """`media.upload`'s *indexes*: the indexes of the local photo cache in *cache_dir* (`<cache>/images`)."""
    return lambda store, names, in_bucket, listed: upload_indexes(store, cache_dir, names, in_bucket, listed)


def _fetch_entry(store: Store, cache: ImageCache, key: str) -> bool:
    """The entry of *key* from the bucket into *cache*; False when the bucket's copy is not whole."""
    payload = store.get_bytes(index_key(store, key), limit=INDEX_LIMIT)
    parsed = parse_index(payload) if payload is not None else None
    if parsed is None:
        return False
    _processed, sizes = parsed
    if any(tag_of(name) != key[:TAG_LENGTH] for name in sizes):
        return False  # an index naming another photo's files
    files: dict[str, bytes] = {}
    for name, size in sorted(sizes.items()):
        data = store.get_bytes(store.bucket.key(name), size=size, limit=FILE_LIMIT)
        if data is None:
            return False  # missing, or not the size the index gives: encoded again
        files[name] = data
    try:
        cache.put_entry(key, payload, files)
    except OSError as error:
        raise MediaError(
            f"không ghi được bộ nhớ đệm ảnh {shown(error.filename or cache.dir)}: {shown(error.strerror)} "
            "(cannot write the photo cache)"
        ) from None
    return True


def fetch_cache(content: Path, store: Store, cache_dir: Path, threads: int = UPLOAD_THREADS) -> list[str]:
    """Fill the local photo cache from the bucket for every photo *content* references; return one line."""
    from chophien.catalogue.loader import load_catalogue

    catalogue, _problems, _files = load_catalogue(content)  # the build reports the content's problems
    cache = ImageCache(cache_dir)
    keys: set[str] = set()
    unreadable = 0
    for source in dict.fromkeys(image.source for image in catalogue.referenced_images()):
        try:
            keys.add(cache.key_for(content / source))
        except OSError:
            unreadable += 1  # the build says why
    wanted = sorted(key for key in keys if not cache.has(key))
    seeded = refused = 0
    if wanted:
        store.check()
        listed = store.list(CACHE)
        available = [key for key in wanted if index_key(store, key) in listed]
        with ThreadPoolExecutor(max(1, threads)) as pool:
            seeded = sum(pool.map(lambda key: _fetch_entry(store, cache, key), available))
        refused = len(available) - seeded
    left = len(wanted) - seeded + unreadable
    cached = len(keys) - len(wanted)
    why = f", {refused} bản trong bucket bị từ chối (hỏng hoặc sai kích thước)" if refused else ""
    return [
        f"ảnh: lấy {seeded} ảnh từ {store.bucket}, {cached} ảnh đã có, {left} ảnh cần mã hoá{why} "
        f"(seeded {seeded}, already cached {cached}, to encode {left})"
    ]
