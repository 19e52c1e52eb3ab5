"""Hostile or careless flags: a message on one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import minimal_tree, write_tree

from chophien.cli import main


@pytest.fixture
def places(tmp_path):
    content = write_tree(tmp_path / "content", minimal_tree())
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "emptydir").mkdir()
    return tmp_path, content


@pytest.mark.parametrize(
    "argv, shown",
    [
        (["validate", "{content}", "--no-images", "--summary", "{tmp}/missing/x.md"], "{tmp}/missing/x.md"),
        (["validate", "{content}", "--no-images", "--summary", "{tmp}/emptydir"], "{tmp}/emptydir"),
        (["validate", "{content}", "--no-images", "--cache-dir", "{tmp}/afile"], "{tmp}/afile/parsed-"),
        (["docs", "--root", "{tmp}/emptydir"], "{tmp}/emptydir/docs/"),
        (["docs", "--root", "{tmp}/afile"], "{tmp}/afile/docs/"),
    ],
)
def test_a_path_that_cannot_be_used_is_one_line_of_message(places, capsys, argv, shown):
    tmp, content = places
    argv = [a.format(tmp=tmp, content=content) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"lỗi: “{shown.format(tmp=tmp)}")
    assert "không đọc hoặc ghi được" in err


def test_a_file_name_with_a_newline_cannot_forge_a_second_line(places, capsys):
    tmp, content = places
    target = f"{tmp}/missing\n::error::forged/x.md"
    assert main(["validate", str(content), "--no-images", "--summary", target]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\\n::error" in err


def test_english_message_when_asked(places, capsys):
    tmp, content = places
    assert main(["validate", str(content), "--no-images", "--lang", "en", "--summary", f"{tmp}/x/y.md"]) == 2
    assert capsys.readouterr().err == f"error: “{tmp}/x/y.md”: No such file or directory\n"


def test_a_folder_without_content_is_an_error_not_zero_files(places, capsys):
    tmp, _ = places
    assert main(["validate", str(tmp / "emptydir"), "--no-images"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "emptydir: lỗi: thư mục này không có nội dung: không có thư mục cooperatives/, products/, "
        "pages/ hay assessments/ nào; hãy chỉ đúng thư mục nội dung. Ví dụ: chophien validate content",
        "1 lỗi trong 1 tệp (đã kiểm tra 0 tệp)",
    ]


@pytest.mark.parametrize("value", ["2026-13-45", "$(rm -rf /)", "x\n::error::forged", "27/11/2026"])
def test_a_bad_chophien_today_is_one_line_of_message(places, capsys, monkeypatch, value):
    tmp, content = places
    monkeypatch.setenv("CHOPHIEN_TODAY", value)
    assert main(["validate", str(content), "--no-images"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("lỗi: CHOPHIEN_TODAY: “") and "Ví dụ: CHOPHIEN_TODAY=2026-11-27" in err


def test_a_bad_chophien_today_stops_a_build_before_anything_is_written(places, tmp_path):
    tmp, content = places
    root = Path(__file__).resolve().parent.parent
    output = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(output),
            "-s",
            str(root / "pelicanconf.py"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env={
            **os.environ,
            "CHOPHIEN_TODAY": "nope",
            "CHOPHIEN_CACHE_PATH": str(tmp_path / "c"),
        },
        timeout=300,
    )
    assert result.returncode == 1
    assert "lỗi: CHOPHIEN_TODAY: “nope” phải là một ngày" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not output.exists()
