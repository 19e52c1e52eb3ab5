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
import re
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path

logger = logging.getLogger(__name__)

YES = ("1", "true", "yes", "on", "co", "có")
NO = ("0", "false", "no", "off", "khong", "không")
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
    tagline_en: str = _field(
        "CHOPHIEN_TAGLINE_EN",
        "Specialities from the cooperatives of Vietnam's ethnic-minority and mountain areas",
        "The one-line description on English pages (/en/: home page, sharing previews).",
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
    media_url: str = _field(
        "CHOPHIEN_MEDIA_URL",
        "",
        "Public address the photos are served from (an S3-compatible bucket or a CDN in front of it, "
        "docs/publishing.md), ending with `/`: `https://anh.example.vn/cho/`. https, or http only for "
        "127.0.0.1/localhost. Every photo address the site writes (pages, previews, feeds, search, "
        "don-hang.json, the service worker) starts with it, and the CSP allows its origin for images; "
        "`make publish` then leaves `media/` off the page host (`make publish-media` uploads it). "
        "Empty: `media/` on the site itself.",
        environ=True,
    )
    media_bucket: str = _field(
        "CHOPHIEN_MEDIA_BUCKET",
        "",
        "Where `make publish-media` uploads the photos: `s3://bucket` or `s3://bucket/prefix` "
        "(CHOPHIEN_MEDIA_URL is this folder's public address). Credentials: boto3's usual chain "
        "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/credentials, an instance role).",
        environ=True,
    )
    media_endpoint: str = _field(
        "CHOPHIEN_MEDIA_ENDPOINT",
        "",
        "The S3 API address of a provider other than AWS (`https://<account>.r2.cloudflarestorage.com`, "
        "`https://s3.<region>.wasabisys.com`, a MinIO or SeaweedFS server). Empty: AWS S3.",
        environ=True,
    )
    media_keep: int = _field(
        "CHOPHIEN_MEDIA_KEEP",
        5,
        "`make publish-media-gc` keeps every photo that one of the newest this many releases uses.",
        environ=True,
    )
    media_grace_days: int = _field(
        "CHOPHIEN_MEDIA_GRACE_DAYS",
        3,
        "`make publish-media-gc` never deletes a photo uploaded less than this many days ago "
        "(a publish still running elsewhere may need it).",
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
    english: bool = _field(
        "CHOPHIEN_ENGLISH",
        True,
        "The English edition under /en/ (docs/i18n.md). False: Vietnamese pages only, no language switch.",
        environ=True,
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
    preview: int | None = _field(
        "CHOPHIEN_PREVIEW",
        None,
        "A pull request's preview (docs/publishing.md, \"Previews of pull requests\"): the pull request's number. "
        "Every page says so in a banner and carries `noindex`; no /admin/, no sitemap, a robots.txt that "
        "disallows everything, no service worker. Empty: an ordinary build.",
        environ=True,
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
_YES_OR_NO = ("true hoặc false (1/0, yes/no, có/không)", "true or false (1/0, yes/no)", "false")
_EXPECTED = {
    "today": ("một ngày dạng NĂM-THÁNG-NGÀY", "a date as YEAR-MONTH-DAY", "2026-11-27"),
    "jobs": ("một số nguyên dương", "a positive whole number", "2"),
    "federation_timeout": ("một số giây nguyên dương", "a positive whole number of seconds", "20"),
    "federation_max_mb": ("một số MB nguyên dương", "a positive whole number of MB", "32"),
    "media_url": (
        "một địa chỉ https đầy đủ kết thúc bằng / (http chỉ cho 127.0.0.1 hoặc localhost), "
        "không có ?, #, tên đăng nhập hay dấu cách",
        "an absolute https address ending with / (http only for 127.0.0.1 or localhost), "
        "without ?, #, user name or spaces",
        "https://anh.example.vn/cho/",
    ),
    "media_bucket": (
        "s3://TÊN-BUCKET hoặc s3://TÊN-BUCKET/THƯ-MỤC",
        "s3://BUCKET or s3://BUCKET/FOLDER",
        "s3://cho-phien-anh/media",
    ),
    "media_endpoint": (
        "một địa chỉ http(s) đầy đủ của máy chủ S3",
        "the absolute http(s) address of the S3 server",
        "https://s3.ap-southeast-1.wasabisys.com",
    ),
    "preview": ("số của một pull request (số nguyên dương)", "a pull request's number (a positive whole number)", "42"),
    "media_keep": ("một số nguyên từ 1 trở lên", "a whole number of at least 1", "5"),
    "media_grace_days": ("một số nguyên từ 0 trở lên", "a whole number of at least 0", "3"),
}

# CHOPHIEN_MEDIA_URL goes into attributes, srcset, JSON and the CSP header unencoded: only characters
# that are harmless in all of them (no quote, space, comma, semicolon; docs/publishing.md).
_MEDIA_URL = re.compile(r"(https?)://([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)")
_LOCAL_HOSTS = ("127.0.0.1", "localhost")
_BUCKET = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[A-Za-z0-9._~/-]*)?")
_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?")


def media_url_value(value: str) -> str | None:
    """CHOPHIEN_MEDIA_URL with its scheme and host in lower case, or None when it cannot be used (_EXPECTED)."""
    host, slash, path = value.partition("://")[2].partition("/")
    value = f"{value.partition('://')[0].lower()}://{host.lower()}{slash}{path}" if "://" in value else value
    match = _MEDIA_URL.fullmatch(value)
    if not match or not value.endswith("/") or "//" in match.group(4) or "/." in match.group(4):
        return None
    if match.group(1) == "http" and match.group(2) not in _LOCAL_HOSTS:
        return None
    return value


def _refuse(cls, name: str, value) -> SettingsError:
    setting = next(f for f in dataclasses.fields(cls) if f.name == name).metadata["name"]
    vi, en, example = _EXPECTED.get(name, _YES_OR_NO)
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
        if name == "preview":
            text = str(value).strip() if not isinstance(value, bool) else "x"
            if not text:
                return None
            if not re.fullmatch(r"[1-9][0-9]{0,8}", text):
                raise ValueError(value)
            return int(text)
        if name in ("federation_timeout", "federation_max_mb"):
            number = int(str(value).strip())
            if number < 1:
                raise ValueError(value)
            return number
        if name in ("media_keep", "media_grace_days"):
            number = int(str(value).strip()) if not isinstance(value, bool) else None
            if number is None or number < (1 if name == "media_keep" else 0):
                raise ValueError(value)
            return number
        if name == "media_url":
            text = str(value).strip()
            if text and media_url_value(text) is None:
                raise ValueError(value)
            return media_url_value(text) if text else ""
        if name == "media_bucket":
            text = str(value).strip()
            if text and not _BUCKET.fullmatch(text):
                raise ValueError(value)
            return text
        if name == "media_endpoint":
            text = str(value).strip()
            if text and not _ENDPOINT.fullmatch(text):
                raise ValueError(value)
            return text.rstrip("/")
    except (TypeError, ValueError):
        raise _refuse(cls, name, value) from None
    if name == "search_index":  # only False turns it off (as `-e CHOPHIEN_SEARCH_INDEX=false` gives)
        return value is not False
    if name == "ignore_cache" and isinstance(value, str):
        return value.strip().lower() in YES
    if name == "public_url":
        return str(value).strip().rstrip("/")
    default = next(f for f in dataclasses.fields(cls) if f.name == name).default
    if isinstance(default, bool) and isinstance(value, str):  # from the environment: "false" is False
        word = value.strip().lower()
        if word not in YES + NO:
            raise _refuse(cls, name, value)
        return word in YES
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
