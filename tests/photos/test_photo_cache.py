"""chophien.photos.cache and progress: what is cached is reused, what changed is encoded again, identical files once."""

from __future__ import annotations

import io

from conftest import jpeg_bytes

from chophien.photos.cache import ImageCache
from chophien.photos.model import ImageProblem


def test_second_run_encodes_nothing_and_changed_photo_is_encoded_again(tmp_path):
    sources = []
    for index in range(3):
        path = tmp_path / f"p{index}.jpg"
        path.write_bytes(jpeg_bytes(600, 400, (index * 60, 90, 90)))
        sources.append((path, f"products/x/p{index}.jpg"))
    first = ImageCache(tmp_path / "cache", workers=2)
    first.process_all(sources)
    assert first.encoded == 3
    second = ImageCache(tmp_path / "cache", workers=2)
    second.process_all(sources)
    assert second.encoded == 0
    sources[1][0].write_bytes(jpeg_bytes(600, 400, (1, 2, 3)))
    third = ImageCache(tmp_path / "cache", workers=2)
    third.process_all(sources)
    assert third.encoded == 1


def test_progress_lines_in_ci(tmp_path):
    from chophien.photos.progress import Progress

    stream = io.StringIO()
    progress = Progress(20, stream)
    for _ in range(20):
        progress.step()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11  # one line per tenth, plain text (not a terminal)
    assert lines[-1].startswith("Ảnh: 20/20 · xong trong ")
    assert lines[0].startswith("Ảnh: 1/20 · còn khoảng ")


def test_unreadable_file_is_a_problem(tmp_path):
    unreadable = tmp_path / "locked.jpg"
    unreadable.mkdir()  # reading a directory fails like a permission or disk error would
    result = ImageCache(tmp_path / "cache", workers=1).process_all([(unreadable, "products/x/locked.jpg")])
    problem = result["products/x/locked.jpg"]
    assert isinstance(problem, ImageProblem)
    assert problem.vi == "không đọc được tệp ảnh (Is a directory)"


def test_identical_files_in_different_folders_are_encoded_once(tmp_path):
    data = jpeg_bytes(500, 400)
    jobs = []
    for folder in ("a", "b", "c"):
        path = tmp_path / folder / "same.jpg"
        path.parent.mkdir()
        path.write_bytes(data)
        jobs.append((path, f"products/{folder}/same.jpg"))
    cache = ImageCache(tmp_path / "cache", workers=2)
    results = cache.process_all(jobs)
    assert cache.encoded == 1
    assert [results[source].source for _path, source in jobs] == [source for _path, source in jobs]


def test_a_cached_index_with_unsafe_names_is_not_reused(tmp_path):
    import json

    from chophien.core.files import read_checked, write_checked

    photo = tmp_path / "IMG 1.jpg"
    photo.write_bytes(jpeg_bytes())
    cache = ImageCache(tmp_path / "cache", workers=1)
    processed = cache.process(photo, "products/x/IMG 1.jpg")
    index = next((tmp_path / "cache").rglob("*.json"))
    raw = json.loads(read_checked(index))  # indexes are framed with their length and hash
    for derivative in raw["derivatives"]:  # as an older pipeline named them
        old = derivative["name"]
        derivative["name"] = old.replace("img-1-", "IMG 1-")
        (cache.path_of(processed.derivatives[0]).parent / derivative["name"]).write_bytes(b"x")
    write_checked(index, json.dumps(raw).encode())  # intact, but with names an older pipeline made
    again = ImageCache(tmp_path / "cache", workers=1)
    assert again.process(photo, "products/x/IMG 1.jpg") == processed
    assert again.encoded == 1


def test_a_change_of_which_widths_a_format_is_made_at_changes_the_key(tmp_path, monkeypatch):
    """A cache filled when JPEG came at every width is not reused by the one-JPEG pipeline (and back)."""
    from chophien.photos import cache as cache_module

    photo = tmp_path / "p.jpg"
    photo.write_bytes(jpeg_bytes(1200, 900))
    ImageCache(tmp_path / "cache", workers=1).process(photo, "products/x/p.jpg")
    key = cache_module.settings_key()
    monkeypatch.setattr(cache_module, "FALLBACK_WIDTH", 960)
    assert cache_module.settings_key() != key
    again = ImageCache(tmp_path / "cache", workers=1)
    again.process(photo, "products/x/p.jpg")
    assert again.encoded == 1
