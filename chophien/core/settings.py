"""The build's settings: every `CHOPHIEN_*` name, with its type, default and meaning, in one place.

The Pelican plugin (chophien/pelican_plugin.py) builds one `Settings` per build from Pelican's
settings dict and the environment (`Settings.from_pelican`) and passes it down; no other module
reads `os.environ` for a `CHOPHIEN_*` name or sees Pelican's settings dict. The command line
(chophien/cli.py) reads the few it needs through `Settings.from_environ`.

Each field's metadata names its setting, whether an environment variable of the same name is
read too (after the settings file), and its meaning; docs/settings.md is generated from them
(`python -m chophien.core.settings > docs/settings.md`; a test fails when the page drifts).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path

logger = logging.getLogger(__name__)

YES = ("1", "true", "yes", "on", "co", "có")
# Old spellings still read for one release, with a warning: old name → current name.
RENAMED = {"CHOPHIEN_SITE_URL": "CHOPHIEN_SITEURL"}


def _field(name: str, default, meaning: str, *, environ: bool = False, kind: str = "", factory=None):
    metadata = {"name": name, "environ": environ, "meaning": meaning, "kind": kind}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class Settings:
    """What a build of Chợ phiên is told: Pelican's few settings the domain needs, and its own."""

    # --- Pelican's own settings that the catalogue uses
    sitename: str = _field(
        "SITENAME", "Chợ phiên", "Site name (titles, feeds, the /admin/ page).", kind="Pelican"
    )
    tagline: str = _field(
        "SITE_TAGLINE", "", "One-line description (home page, sharing previews).", kind="Pelican"
    )
    siteurl: str = _field(
        "SITEURL",
        "",
        "Prefix of every link: empty in development, the public address in production.",
        kind="Pelican",
    )
    content_path: str = _field("PATH", "content", "The content folder.", kind="Pelican")
    load_content_cache: bool = _field(
        "LOAD_CONTENT_CACHE",
        True,
        "False (`pelican --ignore-cache`): no cache is read this build.",
        kind="Pelican",
    )
    # --- Chợ phiên's settings
    public_url: str = _field(
        "CHOPHIEN_SITEURL",
        "",
        "The site's public address (canonical links, previews, feeds, sitemap.xml, printed QR codes); "
        "publishconf.py also makes it SITEURL. Empty: SITEURL when absolute, else http://127.0.0.1:8000. "
        "Formerly also spelled CHOPHIEN_SITE_URL (still read, with a warning).",
        environ=True,
    )
    sample_data: bool = _field(
        "CHOPHIEN_SAMPLE_DATA",
        False,
        'Mark every page as sample data ("Dữ liệu mẫu"); read by the templates.',
    )
    cache_path: str = _field(
        "CHOPHIEN_CACHE_PATH",
        "",
        "Folder of the build caches (photos, parsed files, page fingerprints). Empty: `.cache` beside the content folder.",
        environ=True,
    )
    federation: str = _field(
        "CHOPHIEN_FEDERATION",
        "",
        "Path of a federation.yaml: the build becomes a national site, whose listings and search join the "
        "member sites it names (docs/federation.md). Empty: an ordinary site.",
        environ=True,
    )
    federation_timeout: int = _field(
        "CHOPHIEN_FEDERATION_TIMEOUT",
        20,
        "National site: seconds to wait for a member site at each step of fetching its danh-muc.json (the whole "
        "file within 3 times that); a slower member's previous copy is used (docs/federation.md).",
        environ=True,
    )
    federation_max_mb: int = _field(
        "CHOPHIEN_FEDERATION_MAX_MB",
        32,
        "National site: the largest member catalogue read, in MB once decompressed (32 MB is some 30,000 products).",
        environ=True,
    )
    today: dt.date | None = _field(
        "CHOPHIEN_TODAY",
        None,
        '"Today" (ISO date, e.g. 2026-11-27) for OCOP expiry, seasons and year checks: reproducible builds. '
        "Empty: the wall clock.",
        environ=True,
    )
    lang: str = _field("CHOPHIEN_LANG", "vi", "Language of problem reports: `vi` or `en`.", environ=True)
    jobs: int | None = _field(
        "CHOPHIEN_JOBS",
        None,
        "Processes rendering pages. Empty: the cores this process may use.",
        environ=True,
    )
    show_errors: bool = _field(
        "CHOPHIEN_SHOW_ERRORS",
        False,
        "Invalid content still builds a site showing the problems (`make devserver`) instead of stopping.",
    )
    minify: bool = _field("CHOPHIEN_MINIFY", False, "Minify HTML and CSS (publishconf.py turns it on).")
    precompress: bool = _field(
        "CHOPHIEN_PRECOMPRESS",
        False,
        "Write .br and .gz siblings of text files (publishconf.py turns it on).",
    )
    search_index: bool = _field(
        "CHOPHIEN_SEARCH_INDEX",
        True,
        "False skips the Pagefind search index (the previous one stays): quick local rebuilds.",
    )
    ignore_cache: bool = _field(
        "CHOPHIEN_IGNORE_CACHE",
        False,
        "Read no cache this build (like `--ignore-cache`); `1`, `true`, `yes`, `on`, `có` in the environment.",
        environ=True,
    )
    cms_repo: str = _field(
        "CHOPHIEN_CMS_REPO",
        "",
        "GitHub repository (owner/name) the /admin/ editor opens pull requests on; pelicanconf.py falls back "
        "to GITHUB_REPOSITORY. Empty: OWNER/REPO.",
        environ=True,
    )
    cms_branch: str = _field(
        "CHOPHIEN_CMS_BRANCH", "main", "Branch the /admin/ editor works against.", environ=True
    )
    cms_auth_url: str = _field(
        "CHOPHIEN_CMS_AUTH_URL",
        "",
        "Address of the OAuth proxy that logs editors in (docs/cms.md).",
        environ=True,
    )
    cms_auth_endpoint: str = _field(
        "CHOPHIEN_CMS_AUTH_ENDPOINT", "", "Path of the login endpoint on that proxy.", environ=True
    )
    cms_dist: str = _field(
        "CHOPHIEN_CMS_DIST", "", "Folder of the Decap CMS bundle to copy (tests). Empty: the bundled copy."
    )
    assets: Mapping[str, str] = _field(
        "CHOPHIEN_ASSETS",
        None,
        "Set by the plugin, not by hand: theme file (css/site.css) → its fingerprinted name.",
        factory=dict,
    )

    @classmethod
    def from_pelican(cls, pelican: Mapping, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of a Pelican build: its settings dict, then the environment where allowed."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in dataclasses.fields(cls):
            name, value = field.metadata["name"], pelican.get(field.metadata["name"])
            if value in (None, "") and field.metadata["environ"]:
                value = environ.get(name) or None
            if value is not None:
                values[field.name] = value
        for old, new in RENAMED.items():
            if pelican.get(old) not in (None, ""):
                logger.warning(
                    "Thiết lập %s đã đổi tên thành %s; tên cũ sẽ thôi được đọc ở phiên bản sau. "
                    "The %s setting is renamed %s; the old name will stop being read in the next release.",
                    old, new, old, new,
                )  # fmt: skip
                if not pelican.get(new):  # the old setting beat the environment variable
                    values[FIELD_OF[new]] = pelican[old]
        return cls(**{name: _convert(cls, name, value) for name, value in values.items()})

    def cache_folder(self, content: str | os.PathLike | None = None) -> str:
        """CHOPHIEN_CACHE_PATH, else `.cache` beside the content folder (*content*, else PATH)."""
        return self.cache_path or str(
            Path(self.content_path if content is None else content).parent / ".cache"
        )

    def current_date(self) -> dt.date:
        """This build's "today": CHOPHIEN_TODAY, else the wall clock."""
        return self.today or dt.date.today()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives (the command line, which has no settings file)."""
        return cls.from_pelican({}, environ)


class SettingsError(ValueError):
    """A setting's value cannot be used: one line, Vietnamese then English, with an example."""


# field → (what the value must be, vi / en, an example)
_EXPECTED = {
    "today": ("một ngày dạng NĂM-THÁNG-NGÀY", "a date as YEAR-MONTH-DAY", "2026-11-27"),
    "jobs": ("một số nguyên dương", "a positive whole number", "2"),
    "federation_timeout": ("một số giây nguyên dương", "a positive whole number of seconds", "20"),
    "federation_max_mb": ("một số MB nguyên dương", "a positive whole number of MB", "32"),
}


def _refuse(cls, name: str, value) -> SettingsError:
    setting = next(f for f in dataclasses.fields(cls) if f.name == name).metadata["name"]
    vi, en, example = _EXPECTED[name]
    shown = str(value).encode("unicode_escape").decode("ascii")[:60]  # one line, whatever it holds
    return SettingsError(
        f"lỗi: {setting}: “{shown}” phải là {vi}. Ví dụ: {setting}={example} "
        f"(error: {setting} must be {en}, e.g. {example})"
    )


def _convert(cls, name: str, value):
    """A settings-file or environment value as the field's type (settings files give typed values)."""
    try:
        if name == "today":
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
        if name == "jobs":
            return max(1, int(value))
        if name in ("federation_timeout", "federation_max_mb"):
            number = int(str(value).strip())
            if number < 1:
                raise ValueError(value)
            return number
    except (TypeError, ValueError):
        raise _refuse(cls, name, value) from None
    if name == "search_index":  # only False turns it off (as `-e CHOPHIEN_SEARCH_INDEX=false` gives)
        return value is not False
    if name == "ignore_cache" and isinstance(value, str):
        return value.strip().lower() in YES
    if name == "public_url":
        return str(value).strip().rstrip("/")
    default = next(f for f in dataclasses.fields(cls) if f.name == name).default
    if isinstance(default, bool):
        return bool(value)
    return value


_today: ContextVar[dt.date | None] = ContextVar("chophien_today", default=None)


def today() -> dt.date:
    """The build's "today" for code that is not handed a date (a year's upper bound in the schema):
    the build's `Settings.current_date()` inside `today_is`, else the wall clock."""
    return _today.get() or dt.date.today()


@contextlib.contextmanager
def today_is(date: dt.date):
    """Within the block, `today()` is *date* (set by the entry points around the content check)."""
    token = _today.set(date)
    try:
        yield date
    finally:
        _today.reset(token)


FIELD_OF = {field.metadata["name"]: field.name for field in dataclasses.fields(Settings)}
NAMES = frozenset(FIELD_OF) | frozenset(RENAMED)  # every name a settings file or environment may give


def markdown_table() -> str:
    """docs/settings.md, generated from the fields of `Settings`."""
    lines = [
        "# Settings",
        "",
        "<!-- Generated by `python -m chophien.core.settings > docs/settings.md`; do not edit by hand. -->",
        "",
        "Set them in pelicanconf.py / publishconf.py, with `pelican -e NAME=value`, or — where the",
        "*Environment* column says so — as an environment variable of the same name (a value in the",
        "settings file wins). The plugin reads them once per build into `chophien.core.settings.Settings`.",
        "",
        "| Name | Field | Type | Default | Environment | Meaning |",
        "|---|---|---|---|---|---|",
    ]
    for field in dataclasses.fields(Settings):
        meta = field.metadata
        default = field.default if field.default is not dataclasses.MISSING else field.default_factory()
        kind = str(field.type).replace("dt.", "").replace("|", "\\|")
        environ = "yes" if meta["environ"] else ""
        name = f"`{meta['name']}`" + (" (Pelican)" if meta["kind"] == "Pelican" else "")
        lines.append(
            f"| {name} | `{field.name}` | `{kind}` | `{default!r}` | {environ} | {meta['meaning']} |"
        )
    lines += ["", "Renamed (the old name is still read for one release, with a warning):", ""]
    lines += [f"- `{old}` → `{new}`" for old, new in RENAMED.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
