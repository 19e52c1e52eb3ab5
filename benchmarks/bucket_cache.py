#!/usr/bin/env python3
"""The bucket as the photo cache, measured: a cold photo encode against fetching the same cache from a bucket.

On a content folder (default: the sample catalogue), with a SeaweedFS S3 server on 127.0.0.1 (the
tests' server, tests/publishing/test_publish_media.py):
1. cold encode: every referenced photo encoded into an empty cache (`prepare`, the build's own
   step, the ImageCache's process pool); CPU seconds of this process and its children, wall time;
2. the release's photos and cache indexes uploaded (`media.upload` with `index_uploader`);
3. fetch: an empty cache filled from the bucket (`media_cache.fetch_cache`, its threads); CPU and
   wall time, bytes fetched; then `prepare` again must encode nothing.
Run with `nice -n 10`: CPU time is robust against the shared machine's load, wall time is not.

    nice -n 10 .venv/bin/python benchmarks/bucket_cache.py [content]
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests/publishing")]


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def folder_bytes(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> int:
    from test_publish_media import BUCKET, ENV, KEY, SECRET, SeaweedS3

    from chophien.publishing import media
    from chophien.publishing.media_cache import fetch_cache, index_uploader
    from chophien.site import urls
    from chophien.site.build import prepare
    from chophien.site.media_list import media_list_text

    content = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "content").resolve()
    work = Path(tempfile.mkdtemp(prefix="bench-bucket-cache-"))
    server = SeaweedS3(work / "seaweed")
    server.start()
    os.environ.update(ENV, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    try:
        store = media.Store(media.Bucket(BUCKET, "bench/"), server.endpoint)
        store.s3.create_bucket(Bucket=BUCKET)

        cold = work / "cold"
        start_cpu, start = cpu(), time.perf_counter()
        prepared = prepare(content, cold)
        encode_cpu, encode_wall = cpu() - start_cpu, time.perf_counter() - start
        photos = prepared.image_cache.encoded
        assert prepared.ok, prepared.problems.sorted()[:3]

        # What a build with CHOPHIEN_MEDIA_URL leaves in output/: media/ and the list of its photos.
        output = work / "output"
        (output / urls.MEDIA).mkdir(parents=True)
        for image in prepared.images.values():
            for derivative in image.files():
                target = output / urls.MEDIA / derivative.name
                if not target.exists():
                    os.link(prepared.image_cache.path_of(derivative), target)
        (output / urls.media_list()).write_text(
            media_list_text(f"{server.endpoint}/{BUCKET}/bench/", prepared.images)
        )
        start = time.perf_counter()
        media.upload(output, store, "20261202-030000", index_uploader(cold / "images"))
        upload_wall = time.perf_counter() - start

        warm = work / "fetched"
        start_cpu, start = cpu(), time.perf_counter()
        (line,) = fetch_cache(content, store, warm / "images")
        fetch_cpu, fetch_wall = cpu() - start_cpu, time.perf_counter() - start
        files, size = folder_bytes(warm / "images")
        again = prepare(content, warm)
        assert again.ok and again.image_cache.encoded == 0, "the fetched cache must need no encode"
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(line)
    print(f"content: {content} ({photos} distinct photos encoded cold)")
    print(
        f"cold encode: {encode_cpu:.1f} CPU s, {encode_wall:.1f} s wall ({encode_cpu / photos:.3f} CPU s a photo)"
    )
    print(f"upload (photos + indexes, 127.0.0.1): {upload_wall:.1f} s wall")
    print(
        f"fetch: {files} files, {size / 1e6:.1f} MB ({size / photos / 1e3:.0f} KB a photo): "
        f"{fetch_cpu:.1f} CPU s, {fetch_wall:.1f} s wall ({fetch_cpu / photos * 1e3:.1f} CPU ms a photo, "
        f"{size / 1e6 / fetch_wall:.1f} MB/s, {photos / fetch_wall:.1f} photos/s)"
    )
    print(f"cold encode / fetch: {encode_cpu / fetch_cpu:.0f}× CPU, {encode_wall / fetch_wall:.0f}× wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
