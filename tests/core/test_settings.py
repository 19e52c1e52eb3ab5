"""Settings: every CHOPHIEN_* name declared once, read once by the entry points, documented."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import logging
import re
import subprocess
from pathlib import Path

import pytest

from chophien.core import settings as settings_module
from chophien.core.settings import NAMES, RENAMED, Settings, SettingsError, markdown_table, today, today_is

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"\bCHOPHIEN_[A-Z0-9_]*[A-Z0-9]\b")
# The entry points read Pelican's settings and the environment; core/settings.py declares them.
READERS = {"chophien/pelican_plugin.py", "chophien/cli.py", "chophien/core/settings.py"}


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    return [ROOT / name for name in listed if name and (ROOT / name).is_file()]


def undeclared(paths) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for name in set(NAME.findall(text)) - NAMES:
            found.setdefault(name, set()).add(path.relative_to(ROOT).as_posix())
    return found


def test_every_chophien_name_in_the_repository_is_declared_in_settings():
    files = repository_files()
    assert len(files) > 100 and any(p.name == "pelicanconf.py" for p in files)
    assert undeclared(files) == {}


def test_an_undeclared_name_is_found(tmp_path):
    planted = tmp_path / "x.md"
    planted.write_text("set CHOPHIEN_" + "NOT_A_SETTING=1, and CHOPHIEN_SITEURL\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert undeclared([planted]) == {"CHOPHIEN_" + "NOT_A_SETTING": {"x.md"}}
    finally:
        ROOT = saved


def test_docs_settings_md_is_generated_from_settings():
    text = (ROOT / "docs/settings.md").read_text(encoding="utf-8")
    assert text == markdown_table(), "run: python -m chophien.core.settings > docs/settings.md"
    for field in dataclasses.fields(Settings):
        assert f"`{field.metadata['name']}`" in text and field.metadata["meaning"]


def constant_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value)
    }


def test_only_the_entry_points_read_chophien_names():
    """No domain module looks a CHOPHIEN_* name up (in os.environ or a settings dict)."""
    readers = {}
    for path in sorted((ROOT / "chophien").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        names = constant_names(path)
        if names and relative not in READERS:
            readers[relative] = names
    assert readers == {}
    assert constant_names(ROOT / "chophien/pelican_plugin.py") == {"CHOPHIEN_ASSETS"}


def test_the_check_sees_a_lookup(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('import os\nos.environ.get("CHOPHIEN_JOBS")\n"""Docs about CHOPHIEN_JOBS."""\n')
    assert constant_names(module) == {"CHOPHIEN_JOBS"}


def test_defaults():
    settings = Settings.from_pelican({}, {})
    assert settings == Settings()
    assert (settings.lang, settings.search_index, settings.minify, settings.jobs) == ("vi", True, False, None)
    assert settings.cache_folder("/srv/site/content") == "/srv/site/.cache"


def test_a_setting_wins_over_the_environment_where_the_environment_is_read():
    environ = {"CHOPHIEN_JOBS": "3", "CHOPHIEN_TODAY": "2026-11-27", "CHOPHIEN_CACHE_PATH": "/c"}
    settings = Settings.from_pelican({"CHOPHIEN_LANG": "en"}, environ)
    assert (settings.jobs, settings.today, settings.cache_path, settings.lang) == (
        3,
        dt.date(2026, 11, 27),
        "/c",
        "en",
    )
    assert Settings.from_pelican({"CHOPHIEN_JOBS": 1, "CHOPHIEN_TODAY": None}, environ).jobs == 1
    assert Settings.from_pelican({"CHOPHIEN_JOBS": "0"}, {}).jobs == 1


def test_settings_only_names_ignore_the_environment():
    environ = {"CHOPHIEN_MINIFY": "1", "CHOPHIEN_SHOW_ERRORS": "true", "CHOPHIEN_SEARCH_INDEX": "false"}
    assert Settings.from_pelican({}, environ) == Settings()
    pelican = {"CHOPHIEN_MINIFY": True, "CHOPHIEN_SHOW_ERRORS": True, "CHOPHIEN_SEARCH_INDEX": False}
    settings = Settings.from_pelican(pelican, environ)
    assert (settings.minify, settings.show_errors, settings.search_index) == (True, True, False)


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("có", True), ("yes", True), ("0", False), ("", False)]
)
def test_ignore_cache_from_the_environment(value, expected):
    assert Settings.from_environ({"CHOPHIEN_IGNORE_CACHE": value}).ignore_cache is expected


def test_the_old_site_url_name_still_works_with_a_bilingual_warning(caplog):
    with caplog.at_level(logging.WARNING, logger=settings_module.__name__):
        settings = Settings.from_pelican(
            {"CHOPHIEN_SITE_URL": "https://a.vn/"}, {"CHOPHIEN_SITEURL": "https://b.vn"}
        )
    assert settings.public_url == "https://a.vn"
    (record,) = caplog.records
    assert "đã đổi tên thành CHOPHIEN_SITEURL" in record.getMessage()
    assert "is renamed CHOPHIEN_SITEURL" in record.getMessage()
    assert RENAMED == {"CHOPHIEN_SITE_URL": "CHOPHIEN_SITEURL"}
    caplog.clear()
    assert Settings.from_pelican({}, {"CHOPHIEN_SITEURL": " https://b.vn/ "}).public_url == "https://b.vn"
    assert not caplog.records


def test_today_comes_from_the_settings_inside_today_is():
    assert today() == dt.date.today()
    with today_is(dt.date(2031, 5, 1)):
        assert today() == dt.date(2031, 5, 1)
    assert today() == dt.date.today()
    fixed = Settings.from_environ({"CHOPHIEN_TODAY": "2026-11-27"})
    assert fixed.current_date() == dt.date(2026, 11, 27)
    assert Settings().current_date() == dt.date.today()


def test_the_content_year_check_uses_the_builds_today():
    from chophien.catalogue.field_types import YEAR as _year
    from chophien.catalogue.field_types import Invalid

    next_year = str(dt.date.today().year + 1)
    with pytest.raises(Invalid):
        _year(next_year)
    with today_is(dt.date(int(next_year), 1, 1)):
        assert _year(next_year) == int(next_year)


@pytest.mark.parametrize(
    "name, value", [("CHOPHIEN_TODAY", "2026-02-30"), ("CHOPHIEN_TODAY", ""), ("CHOPHIEN_JOBS", "hai")]
)
def test_an_unusable_value_is_a_settings_error_naming_the_setting(name, value):
    pelican = {name: value} if value else {name: " "}
    with pytest.raises(settings_module.SettingsError) as raised:
        Settings.from_pelican(pelican, environ={})
    message = str(raised.value)
    assert message.startswith(f"lỗi: {name}: “") and "Ví dụ:" in message and "\n" not in message


@pytest.mark.parametrize(
    "value",
    [
        "https://anh.example.vn/cho",  # no closing /
        "http://anh.example.vn/cho/",  # http away from this machine
        "//anh.example.vn/cho/",
        "javascript:alert(1)//",
        "https://anh.example.vn/cho/?v=1/",
        "https://anh.example.vn/cho/#x/",
        "https://user:pass@anh.example.vn/",
        "https://anh.example.vn/a b/",
        'https://anh.example.vn/"onerror="x/',
        "https://anh.example.vn/x;script-src *;/",  # would add a directive to the CSP header
        "https://anh.example.vn/a,b/",  # would split a srcset entry
        "https://anh.example.vn/../",
        "https://anh.example.vn//",
        "https://ảnh.example.vn/",
        "https://anh.example.vn/\nX-Injected: 1/",
    ],
)
def test_a_media_url_that_could_break_an_address_or_the_policy_is_refused(value):
    with pytest.raises(settings_module.SettingsError) as raised:
        Settings.from_pelican({}, environ={"CHOPHIEN_MEDIA_URL": value})
    message = str(raised.value)
    assert message.startswith("lỗi: CHOPHIEN_MEDIA_URL: “") and "https://anh.example.vn/cho/" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "value, kept",
    [
        ("https://anh.example.vn/cho/", "https://anh.example.vn/cho/"),
        ("HTTPS://Anh.Example.VN/Lao-Cai/", "https://anh.example.vn/Lao-Cai/"),
        ("http://127.0.0.1:9000/anh/", "http://127.0.0.1:9000/anh/"),
        ("http://localhost:8333/b/p/", "http://localhost:8333/b/p/"),
        ("  https://cdn.example.vn/  ", "https://cdn.example.vn/"),
    ],
)
def test_a_usable_media_url_is_kept(value, kept):
    assert Settings.from_pelican({"CHOPHIEN_MEDIA_URL": value}, environ={}).media_url == kept


@pytest.mark.parametrize(
    "name, value",
    [
        ("CHOPHIEN_MEDIA_BUCKET", "cho-anh"),
        ("CHOPHIEN_MEDIA_BUCKET", "s3://UPPER/x"),
        ("CHOPHIEN_MEDIA_ENDPOINT", "ftp://s3.example.vn"),
        ("CHOPHIEN_MEDIA_KEEP", "0"),
        ("CHOPHIEN_MEDIA_GRACE_DAYS", "-1"),
        ("CHOPHIEN_MEDIA_GRACE_DAYS", "ba"),
    ],
)
def test_unusable_media_bucket_settings_are_one_line(name, value):
    with pytest.raises(settings_module.SettingsError) as raised:
        Settings.from_environ({name: value})
    assert str(raised.value).startswith(f"lỗi: {name}: “") and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("word", "expected"), [("false", False), ("0", False), ("không", False), ("true", True), ("1", True)]
)
def test_a_yes_or_no_setting_from_the_environment_means_what_it_says(word, expected):
    assert Settings.from_pelican({}, {"CHOPHIEN_ENGLISH": word}).english is expected


def test_a_yes_or_no_setting_that_is_neither_is_refused_in_one_line():
    with pytest.raises(SettingsError) as refused:
        Settings.from_pelican({}, {"CHOPHIEN_ENGLISH": "maybe\nrm -rf"})
    message = str(refused.value)
    assert "\n" not in message and "CHOPHIEN_ENGLISH" in message and "CHOPHIEN_ENGLISH=false" in message
