"""The bucket as the photo cache, against a real S3 server (SeaweedFS, test_publish_media's fixtures).

One server and one small site built with CHOPHIEN_MEDIA_URL per module; each test uploads it under
its own prefix, wipes the local photo cache and fetches it back from the bucket.
"""

# ruff: noqa: F811  (`server` is test_publish_media's module fixture, imported: one SeaweedFS here too)

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PRODUCT, ROOT, jpeg_bytes, minimal_tree, run_pelican, write_tree
from test_publish_media import BUCKET, DAY, fake_build, free_port, server, store_for  # noqa: F401

from chophien.cli import main as cli_main
from chophien.photos.cache import ImageCache, settings_key
from chophien.publishing import media
from chophien.publishing.media_cache import fetch_cache, index_key, index_uploader
from chophien.site import urls
from chophien.site.build import prepare

PHOTOS = ("products/htx-che-na-hang/che.jpg", "products/htx-che-na-hang/mat-ong.jpg")


@pytest.fixture(scope="module")
def world(server, tmp_path_factory):
    """(content, cache folder, first build's output): two photos, built cold with CHOPHIEN_MEDIA_URL."""
    root = tmp_path_factory.mktemp("seed-site")
    second = PRODUCT.replace("Chè Shan tuyết", "Mật ong bạc hà").replace("che.jpg", "mat-ong.jpg")
    content = write_tree(
        root,
        minimal_tree(
            **{
                "products/htx-che-na-hang/mat-ong.md": second.replace("code: ", "code: M").replace(
                    "HG-", "MO-"
                ),
                PHOTOS[1]: jpeg_bytes(800, 600, (200, 160, 40)),
            }
        ),
    )
    output = root / "output"
    env = {"CHOPHIEN_MEDIA_URL": f"{server.endpoint}/{BUCKET}/seed/"}
    result = run_pelican(content, output, env_extra=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return content, root / ".cache", output


def keys_of(content: Path) -> list[str]:
    return sorted(ImageCache.key_for(content / photo) for photo in PHOTOS)


def fresh_upload(world, server, prefix: str) -> media.Store:
    """The site's photos and cache indexes uploaded under *prefix*, then the local photo cache wiped."""
    content, cache, output = world
    store = store_for(server, prefix)
    if not ImageCache(cache / "images").has(keys_of(content)[0]):  # a test before this one wiped it
        assert ImageCache(cache / "images").process_all([(content / p, p) for p in PHOTOS])
    media.upload(output, store, "20261201-100000", index_uploader(cache / "images"))
    shutil.rmtree(cache / "images")
    return store


def fetch_command(content: Path, cache: Path, prefix: str, server, **env) -> subprocess.CompletedProcess:
    full = dict(
        os.environ,
        CHOPHIEN_CACHE_PATH=str(cache),
        CHOPHIEN_MEDIA_BUCKET=f"s3://{BUCKET}/{prefix}",
        CHOPHIEN_MEDIA_ENDPOINT=server.endpoint,
    )
    full.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts/publish_media.py"), "fetch-cache", str(content)],
        env=full, capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip


def test_upload_puts_each_photos_cache_index_once_beside_its_photos(server, world):
    content, cache, output = world
    store = store_for(server, "index/")
    log = media.upload(output, store, "20261201-100000", index_uploader(cache / "images"))
    names = json.loads((output / urls.media_list()).read_text())["files"]
    keys = keys_of(content)
    indexes = [f"/{index_key(store, key)}" for key in keys]
    assert sorted(p for p in store.put_requests if "/cache/" in p) == sorted(indexes)
    assert len(store.put_requests) == len(names) + 2 + 2  # photos, two manifests, two indexes
    assert "2 bản chỉ mục" in log[1]
    assert index_key(store, keys[0]) == f"index/cache/{settings_key()}/{keys[0]}.json"
    local = ImageCache(cache / "images").index_path(keys[0]).read_bytes()
    remote = store.s3.get_object(Bucket=BUCKET, Key=index_key(store, keys[0]))
    assert local.endswith(remote["Body"].read())  # the index's JSON, without the local frame
    assert remote["CacheControl"].endswith("immutable")
    again = store_for(server, "index/")
    media.upload(output, again, "20261201-110000", index_uploader(cache / "images"))
    assert [p for p in again.put_requests if "/cache/" in p] == []  # only missing ones


def test_a_wiped_cache_is_fetched_back_and_the_rebuild_encodes_nothing(server, world, tmp_path):
    content, cache, output = world
    fresh_upload(world, server, "seed/")
    shutil.rmtree(cache)  # a cold CI runner: nothing cached at all
    result = fetch_command(content, cache, "seed/", server)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith("(seeded 2, already cached 0, to encode 0)")
    assert len(result.stdout.splitlines()) == 1
    prepared = prepare(content, cache)
    assert prepared.ok and prepared.image_cache.encoded == 0
    rebuilt = tmp_path / "output"
    env = {"CHOPHIEN_MEDIA_URL": f"{server.endpoint}/{BUCKET}/seed/", "CHOPHIEN_CACHE_PATH": str(cache)}
    assert run_pelican(content, rebuilt, env_extra=env).returncode == 0
    first = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    second = {p.relative_to(rebuilt): p.read_bytes() for p in rebuilt.rglob("*") if p.is_file()}
    assert first.keys() == second.keys() and len(first) > 20
    assert [name for name in first if first[name] != second[name]] == []
    # Everything cached: the bucket is not even asked (a closed port would fail otherwise).
    closed = fetch_command(
        content, cache, "seed/", server, CHOPHIEN_MEDIA_ENDPOINT=f"http://127.0.0.1:{free_port()}"
    )
    assert closed.returncode == 0 and "(seeded 0, already cached 2, to encode 0)" in closed.stdout


def test_pointers_instead_of_originals_are_enough_and_lfs_needed_lists_nothing(
    server, world, tmp_path, capsys, monkeypatch
):
    content, cache, _output = world
    store = fresh_upload(world, server, "lfs/")
    pointers = tmp_path / "content"
    shutil.copytree(content, pointers)
    for photo in PHOTOS:
        data = (pointers / photo).read_bytes()
        oid = hashlib.sha256(data).hexdigest()
        pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(data)}\n"
        (pointers / photo).write_text(pointer)
    monkeypatch.setenv("CHOPHIEN_CACHE_PATH", str(cache))
    assert cli_main(["images", str(pointers), "--lfs-needed"]) == 0
    assert sorted(capsys.readouterr().out.splitlines()) == sorted((pointers / p).as_posix() for p in PHOTOS)
    assert fetch_cache(pointers, store, cache / "images") == [
        f"ảnh: lấy 2 ảnh từ {store.bucket}, 0 ảnh đã có, 0 ảnh cần mã hoá (seeded 2, already cached 0, to encode 0)"
    ]
    assert cli_main(["images", str(pointers), "--lfs-needed"]) == 0
    assert capsys.readouterr().out == ""  # nothing to `git lfs pull`
    prepared = prepare(pointers, cache)
    assert prepared.ok and prepared.image_cache.encoded == 0
    assert prepared.images[PHOTOS[1]].width == 800


def test_a_tampered_photo_or_a_hostile_index_in_the_bucket_is_encoded_again(server, world):
    content, cache, _output = world
    store = fresh_upload(world, server, "tamper/")
    first, second = keys_of(content)
    index = json.loads(store.s3.get_object(Bucket=BUCKET, Key=index_key(store, first))["Body"].read())
    victim = index["derivatives"][0]["name"]
    store.s3.put_object(Bucket=BUCKET, Key=store.bucket.key(victim), Body=b"\xff\xd8\xff not the photo")
    hostile = json.loads(store.s3.get_object(Bucket=BUCKET, Key=index_key(store, second))["Body"].read())
    hostile["colour"] = "#000;background:url(//evil.example/x)"  # written into a style attribute
    store.s3.put_object(Bucket=BUCKET, Key=index_key(store, second), Body=json.dumps(hostile).encode())
    (line,) = fetch_cache(content, store, cache / "images")
    assert line.endswith("bị từ chối (hỏng hoặc sai kích thước) (seeded 0, already cached 0, to encode 2)")
    images = ImageCache(cache / "images")
    assert not images.has(first) and not images.has(second)
    assert not images.index_path(first).exists() and not images.index_path(second).exists()
    prepared = prepare(content, cache)
    assert prepared.ok and prepared.image_cache.encoded == 2
    # An index naming another photo's files, or too big to be one, is refused the same way.
    hostile = dict(index, sizes={}, derivatives=[])
    store.s3.put_object(Bucket=BUCKET, Key=index_key(store, second), Body=b" " * (1 << 20))
    store.s3.put_object(Bucket=BUCKET, Key=index_key(store, first), Body=json.dumps(hostile).encode())
    shutil.rmtree(cache / "images")
    assert fetch_cache(content, store, cache / "images")[0].endswith("to encode 2)")


@pytest.mark.parametrize(
    "env, message",
    [
        ({"CHOPHIEN_MEDIA_ENDPOINT": "http://127.0.0.1:{closed}"}, "không kết nối được"),
        ({"CHOPHIEN_MEDIA_BUCKET": "s3://khong-co-bucket/x"}, "khong-co-bucket"),
        ({"CHOPHIEN_MEDIA_BUCKET": ""}, "thiếu CHOPHIEN_MEDIA_BUCKET"),
    ],
)
def test_a_bucket_out_of_reach_is_one_line_and_a_failure(server, world, tmp_path, env, message):
    content, _cache, _output = world
    cold = tmp_path / "cold-cache"
    result = fetch_command(
        content, cold, "seed/", server, **{k: v.format(closed=free_port()) for k, v in env.items()}
    )
    assert result.returncode != 0 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert message in result.stderr
    assert not (cold / "images").exists() or not any((cold / "images").rglob("*.json"))
    missing = fetch_command(tmp_path / "khong-co", cold, "seed/", server)
    assert missing.returncode == 1 and "khong-co" in missing.stderr and "Traceback" not in missing.stderr


def test_garbage_collection_keeps_the_indexes_of_kept_photos_only(server, world, tmp_path):
    content, cache, output = world
    store = fresh_upload(world, server, "gcc/")
    indexes = [index_key(store, key) for key in keys_of(content)]
    url = f"{server.endpoint}/{BUCKET}/gcc/"
    for number in (2, 3):
        media.upload(
            fake_build(tmp_path / f"r{number}", ["c-0123456789-240.jpg"], url),
            store,
            f"2026120{number}-100000",
        )
    strays = ["gcc/cache/ghi-chu.txt", f"gcc/cache/{settings_key()}/khong-phai.json"]
    for stray in strays:
        store.s3.put_object(Bucket=BUCKET, Key=stray, Body=b"not an index")
    later = dt.datetime.now(dt.UTC) + 4 * DAY
    media.collect(store, keep=3, grace=3 * DAY, now=later)  # release 1 still kept: its indexes too
    assert set(indexes) <= set(store.list())
    media.collect(store, keep=2, grace=3 * DAY, now=dt.datetime.now(dt.UTC))  # unused, but young
    assert set(indexes) <= set(store.list())
    dry = media.collect(store, keep=2, grace=3 * DAY, now=later, dry_run=True)
    assert f"  {indexes[0]}" in dry and "2 chỉ mục bộ nhớ đệm" in dry[1]
    media.collect(store, keep=2, grace=3 * DAY, now=later)
    left = set(store.list())
    assert not set(indexes) & left
    assert set(strays) <= left and "gcc/c-0123456789-240.jpg" in left


def hostile_indexes(index: dict) -> list[object]:
    first = index["derivatives"][0]
    renamed = dict(first, name="../../../etc/" + first["name"])
    other = dict(first, name=first["name"].replace(first["name"].rsplit("-", 2)[-2], "0123456789"))
    return [
        dict(index, derivatives=[renamed, *index["derivatives"][1:]]),  # a path, not a photo name
        dict(index, derivatives=[other, *index["derivatives"][1:]]),  # two photos' files in one index
        dict(index, derivatives=[dict(first, format="webp"), *index["derivatives"][1:]]),
        dict(index, sizes=dict(index["sizes"], **{first["name"]: -1})),
        dict(index, sizes=dict(index["sizes"], **{first["name"]: "12"})),
        dict(index, width="800"),
        dict(index, derivatives=[dict(first, name=5), *index["derivatives"][1:]]),
        dict(index, derivatives=[dict(first, name=[first["name"]]), *index["derivatives"][1:]]),
        dict(index, share=dict(first, extra=1)),
        dict(index, colour=["#000000"]),
        dict(index, kind="SVG"),
        {k: v for k, v in index.items() if k != "sizes"},
        [index],
        "x",
    ]


def test_a_hostile_index_never_parses(world):
    from chophien.core.files import read_checked
    from chophien.photos.cache import parse_index

    content, cache, _output = world
    images = ImageCache(cache / "images")
    key = keys_of(content)[0]
    if not images.has(key):
        images.process_all([(content / p, p) for p in PHOTOS])
    payload = read_checked(images.index_path(key))
    assert parse_index(payload) is not None  # the real one does
    for hostile in hostile_indexes(json.loads(payload)):
        assert parse_index(json.dumps(hostile).encode()) is None, hostile
    assert parse_index(b"[" * 100_000 + b"]" * 100_000) is None
    assert parse_index(b"\xff\xfe not json") is None
