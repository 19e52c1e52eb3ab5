"""What every way of publishing shares (chophien/publishing/common.py): names, manifest, keep, rollback."""

import datetime as dt

import pytest

from chophien.publishing.common import (
    MANIFEST,
    TRASH,
    PublishError,
    build_manifest,
    check_keep,
    check_no_control,
    differences,
    manifest_text,
    no_rollback,
    parse_manifest,
    parse_state,
    previous_release,
    release_name,
    releases_to_prune,
    rollback_candidates,
    skipped_partials,
)


def test_release_names_and_pruning():
    assert (
        release_name(dt.datetime(2026, 11, 27, 10, 15, 0), "ab12cd34ef56aa") == "20261127-101500-ab12cd34ef56"
    )
    releases = ["20261101-000000", "20261102-000000", "20261103-000000", "20261104-000000", "junk"]
    assert releases_to_prune(releases, "20261104-000000", keep=2) == ["20261101-000000", "20261102-000000"]
    assert releases_to_prune(releases, "20261101-000000", keep=2) == [
        "20261102-000000"
    ]  # never the current one
    assert previous_release(releases, "20261103-000000") == "20261102-000000"
    assert previous_release(releases, "20261101-000000") is None


def test_the_manifest_lists_every_file_and_reads_back_only_for_its_release(tmp_path):
    (tmp_path / "san-pham").mkdir()
    (tmp_path / "index.html").write_bytes(b"A")
    (tmp_path / "san-pham/index.html").write_bytes(b"")
    manifest = build_manifest(tmp_path, "20261127-100000")
    assert manifest == {
        "format": 1,
        "release": "20261127-100000",
        "count": 2,
        "files": {
            "index.html": [1, "559aead08264d5795d3909718cdd05abd49572e84fe55590eef31a88a08fdffd"],
            "san-pham/index.html": [0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
        },
    }
    text = manifest_text(manifest)
    assert parse_manifest(text, "20261127-100000") == manifest
    assert parse_manifest(text, "20261128-100000") is None  # another release's manifest
    assert parse_manifest(text.replace('"count": 2', '"count": 3'), "20261127-100000") is None
    assert parse_manifest(text[:-5], "20261127-100000") is None  # cut short
    (tmp_path / MANIFEST).write_text(text)
    with pytest.raises(PublishError, match=f"không được có tệp {MANIFEST}"):
        build_manifest(tmp_path, "20261127-100000")


def test_differences_name_what_is_missing_extra_or_changed():
    manifest = {"files": {"a": [1, "x"], "b": [2, "y"], "c": [3, "z"]}}
    assert differences(manifest, {"a": "x", "b": "y", "c": "z"}, 1) is None
    assert differences(manifest, {"a": 1, "b": 2, "c": 3}, 0) is None
    assert differences(manifest, {"a": "x", "c": "Z", "d": "w"}, 1) == (
        "thiếu 1 tệp (vd. b); thừa 1 tệp (vd. d); khác nội dung 1 tệp (vd. c)"
    )


def test_state_sorts_complete_and_partial_releases_and_leaves_other_names_alone():
    state = parse_state(
        "20261103-000000",
        [
            ("20261103-000000", True),
            ("20261101-000000", True),
            ("20261102-000000", False),
            (TRASH + "20261100-000000", False),
            ("not-ours", True),
        ],
    )
    assert state.complete == ["20261101-000000", "20261103-000000"]
    assert state.partial == [TRASH + "20261100-000000", "20261102-000000"]
    assert state.names == ["20261101-000000", "20261103-000000", TRASH + "20261100-000000", "20261102-000000"]


def test_rollback_goes_to_an_older_complete_release_and_names_the_partial_ones_it_skips():
    state = parse_state(
        "20261104-000000",
        [
            (name, True)
            for name in ("20261101-000000", "20261102-000000", "20261104-000000", "20261105-000000")
        ]
        + [("20261103-000000", False)],
    )
    assert rollback_candidates(state) == (["20261102-000000", "20261101-000000"], ["20261103-000000"])
    assert skipped_partials(["20261103-000000"], "20261102-000000") == [
        f"bỏ qua releases/20261103-000000: tải chưa xong (không có {MANIFEST})"
    ]
    assert skipped_partials(["20261103-000000"], "20261103-000000") == []
    assert str(no_rollback(state, ["x"])) == (
        "không có bản phát hành hoàn chỉnh nào cũ hơn releases/20261104-000000 để quay lại (x); current giữ nguyên"
    )
    with pytest.raises(PublishError, match="không có current"):
        rollback_candidates(parse_state(None, []))


@pytest.mark.parametrize(("keep", "expected"), [(1, 1), ("5", 5), (" 12 ", 12)])
def test_keep_is_a_whole_number_from_one(keep, expected):
    assert check_keep(keep) == expected


@pytest.mark.parametrize("keep", [0, "0", "-1", "1.5", "abc", ""])
def test_keep_refuses_anything_else(keep):
    with pytest.raises(PublishError, match="PUBLISH_KEEP phải là một số nguyên từ 1 trở lên"):
        check_keep(keep)


def test_a_control_character_in_a_setting_is_named_and_shown():
    check_no_control("/srv/chợ phiên", "PUBLISH_TARGET")
    with pytest.raises(PublishError) as error:
        check_no_control("/srv/a\nb\x7f", "PUBLISH_TARGET")
    assert str(error.value) == (
        "PUBLISH_TARGET chứa ký tự điều khiển (U+000A, U+007F): “/srv/a\\nb\\x7f”. Ví dụ đúng: /srv/cho phien"
    )
