"""Fetch every member's `danh-muc.json` at build time: in parallel, bounded in time and size, cached, never failing the build.

Per member (`fetch_member`): a GET of `<url>danh-muc.json` (gzip accepted; `If-None-Match` /
`If-Modified-Since` from the last good copy), a timeout on every network wait plus a deadline for
the whole body (a server sending a byte every few seconds is cut off too), at most `max_bytes`
read and at most `max_bytes` once decompressed (a gzip bomb stops there), redirects only to http(s).
What came back is checked by model.parse. A good catalogue is kept in the build cache
(`<cache>/federation/<id>.json` and `.meta.json`: ETag, Last-Modified, address, when it was fetched);
a `304 Not Modified` re-uses it. When the member is down, slow, too big or sends a catalogue that
cannot be used, the previous good copy is used with a warning naming the member and the copy's age;
without one the member is left out with a warning. Nothing a member does raises: every outcome is
a `Fetched` with warnings (`fetch_all` runs the members on a small thread pool, in federation.yaml's order).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from chophien import __version__
from chophien.core.files import make_folders, write_atomic
from chophien.core.problems import WARNING, Problem
from chophien.core.settings import Settings
from chophien.federation.model import MAX_BYTES, Member, MemberCatalogue, parse

CACHE_FOLDER = "federation"
TIMEOUT = 20.0  # seconds: each connect and each read
DEADLINE_FACTOR = 3  # the whole body within 3 timeouts
WORKERS = 4
CHUNK = 64 * 1024
MAX_REDIRECTS = 5
USER_AGENT = f"chophien/{__version__} (national catalogue; +docs/federation.md)"

# How the catalogue used was obtained.
FRESH = "fresh"  # a 200 just now
NOT_MODIFIED = "not-modified"  # a 304: the cached copy is current
PREVIOUS = "previous"  # the member failed: the last good copy
MISSING = "missing"  # the member failed and there is no copy


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = TIMEOUT
    max_bytes: int = MAX_BYTES
    workers: int = WORKERS

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchOptions:
        """CHOPHIEN_FEDERATION_TIMEOUT and CHOPHIEN_FEDERATION_MAX_MB."""
        return cls(
            timeout=float(settings.federation_timeout), max_bytes=settings.federation_max_mb * 1024 * 1024
        )

    @property
    def deadline(self) -> float:
        return self.timeout * DEADLINE_FACTOR


@dataclass(frozen=True)
class Fetched:
    """One member's outcome: its catalogue (None when missing) and the warnings about it."""

    member: Member
    catalogue: MemberCatalogue | None
    status: str  # FRESH, NOT_MODIFIED, PREVIOUS, MISSING
    problems: tuple[Problem, ...] = ()
    age: float | None = None  # seconds since the copy used was fetched (PREVIOUS)
    seconds: float = 0.0  # time spent on the member


class FetchFailed(Exception):
    """The member could not give a usable body: (vi, en)."""

    def __init__(self, vi: str, en: str):
        super().__init__(en)
        self.vi, self.en = vi, en


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) addresses only, at most MAX_REDIRECTS."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise FetchFailed(
                f"chuyển hướng tới địa chỉ không phải http(s) ({newurl[:60]})",
                f"redirected to a non-http(s) address ({newurl[:60]})",
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_Redirects())


# --- the cache -----------------------------------------------------------------------------------


class Cache:
    """The last good copy of each member's catalogue, under the build cache folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder) / CACHE_FOLDER

    def _body(self, member: Member) -> Path:
        return self.folder / f"{member.id}.json"

    def _meta(self, member: Member) -> Path:
        return self.folder / f"{member.id}.meta.json"

    def load(self, member: Member) -> tuple[bytes, dict] | None:
        """(body, meta) of the member's last good copy from its current address, or None."""
        try:
            meta = json.loads(self._meta(member).read_bytes())
            body = self._body(member).read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != member.catalogue_url:
            return None  # the member moved: its old copy names the old origin
        return body, meta

    def store(self, member: Member, body: bytes | None, meta: dict) -> None:
        make_folders(self.folder)
        if body is not None:
            write_atomic(self._body(member), body, mode=None)
        write_atomic(self._meta(member), json.dumps(meta, sort_keys=True).encode(), mode=None)


# --- one request ---------------------------------------------------------------------------------


def _read_body(response, options: FetchOptions, started: float) -> bytes:
    """The response's body, decompressed, within the size limit and the deadline."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchFailed(f"nén kiểu lạ ({encoding[:20]})", f"an unknown Content-Encoding ({encoding[:20]})")
    declared = response.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > options.max_bytes:
        raise _too_big(options)
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    parts: list[bytes] = []
    received = size = 0
    while True:
        if time.monotonic() - started > options.deadline:
            raise FetchFailed(
                f"gửi quá chậm (chưa xong sau {options.deadline:.0f} giây)",
                f"too slow (not done after {options.deadline:.0f} seconds)",
            )
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            break
        received += len(chunk)
        if received > options.max_bytes:
            raise _too_big(options)
        if inflate is not None:
            try:
                chunk = inflate.decompress(chunk, options.max_bytes + 1 - size)
            except zlib.error:
                raise FetchFailed("dữ liệu gzip hỏng", "damaged gzip data") from None
            if inflate.unconsumed_tail:
                raise _too_big(options)
        size += len(chunk)
        if size > options.max_bytes:
            raise _too_big(options)
        parts.append(chunk)
    if inflate is not None and not inflate.eof:
        raise FetchFailed("dữ liệu gzip bị cắt ngang", "truncated gzip data")
    return b"".join(parts)


def _too_big(options: FetchOptions) -> FetchFailed:
    mb = options.max_bytes / 1024 / 1024
    return FetchFailed(f"danh mục lớn quá {mb:g} MB", f"the catalogue is over {mb:g} MB")


def _request(member: Member, meta: dict | None, options: FetchOptions) -> tuple[int, bytes, dict]:
    """(status, body, headers kept) of one GET; raises FetchFailed for anything but 200 and 304."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json", "Accept-Encoding": "gzip"}
    if meta:
        if meta.get("etag"):
            headers["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            headers["If-Modified-Since"] = meta["last_modified"]
    request = urllib.request.Request(member.catalogue_url, headers=headers)
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=options.timeout) as response:
            body = _read_body(response, options, started)
            kept = {
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
            }
            return response.status, body, kept
    except urllib.error.HTTPError as error:
        error.close()
        if error.code == 304 and meta:
            return 304, b"", {}
        raise FetchFailed(f"trả lời HTTP {error.code}", f"answered HTTP {error.code}") from None
    except FetchFailed:
        raise
    except (TimeoutError, urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise FetchFailed(
                f"không trả lời trong {options.timeout:g} giây",
                f"no answer within {options.timeout:g} seconds",
            ) from None
        text = str(reason)[:80]
        raise FetchFailed(f"không kết nối được ({text})", f"cannot be reached ({text})") from None
    except Exception as error:  # http.client's own (IncompleteRead, BadStatusLine, …)
        text = f"{type(error).__name__}: {str(error)[:60]}"
        raise FetchFailed(f"trả lời hỏng ({text})", f"a broken answer ({text})") from None


# --- one member, all members ---------------------------------------------------------------------


def _warning(member: Member, vi: str, en: str) -> Problem:
    return Problem(
        member.catalogue_url,
        0,
        0,
        "",
        f"{member.name} ({member.id}): {vi}",
        f"{member.name} ({member.id}): {en}",
        "",
        WARNING,
    )


def _as_warnings(problems) -> tuple[Problem, ...]:
    """A member's problems never stop the national build: they are the member's to fix."""
    return tuple(replace(p, severity=WARNING) for p in problems)


def age_text(seconds: float) -> tuple[str, str]:
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"{minutes} phút", f"{minutes} minute{'s' * (minutes != 1)}"
    if seconds < 2 * 86400:
        hours = round(seconds / 3600)
        return f"{hours} giờ", f"{hours} hour{'s' * (hours != 1)}"
    days = round(seconds / 86400)
    return f"{days} ngày", f"{days} days"


def fetch_member(
    member: Member, cache: Cache, options: FetchOptions = FetchOptions(), now=time.time
) -> Fetched:
    """One member's catalogue: fetched, or not modified, or the previous copy, or missing; never raises."""
    started = time.monotonic()
    cached = cache.load(member)
    meta = cached[1] if cached else None
    try:
        status, body, kept = _request(member, meta, options)
        if status == 304:
            body = cached[0]
        catalogue, problems = parse(body, member, max_bytes=options.max_bytes)
        if catalogue is None:
            raise _Unusable(problems)
        if status == 304:
            cache.store(member, None, dict(meta, fetched=now()))
        else:
            cache.store(member, body, dict(kept, url=member.catalogue_url, fetched=now()))
        outcome = FRESH if status != 304 else NOT_MODIFIED
        return Fetched(member, catalogue, outcome, _as_warnings(problems), seconds=time.monotonic() - started)
    except FetchFailed as failed:
        reason_vi, reason_en, more = failed.vi, failed.en, ()
    except _Unusable as unusable:
        reason_vi, reason_en = "gửi danh mục không dùng được", "sent a catalogue that cannot be used"
        more = _as_warnings(unusable.problems)
    return _previous(member, cached, reason_vi, reason_en, more, options, now, time.monotonic() - started)


class _Unusable(Exception):
    def __init__(self, problems):
        super().__init__("unusable catalogue")
        self.problems = problems


def _previous(member, cached, reason_vi, reason_en, more, options, now, seconds) -> Fetched:
    if cached is not None:
        body, meta = cached
        catalogue, problems = parse(body, member, max_bytes=options.max_bytes)
        if catalogue is not None:
            age = max(0.0, now() - float(meta.get("fetched") or 0))
            age_vi, age_en = age_text(age)
            warning = _warning(
                member,
                f"{reason_vi}; dùng bản đã lưu từ {age_vi} trước",
                f"{reason_en}; using the copy saved {age_en} ago",
            )
            return Fetched(
                member, catalogue, PREVIOUS, (warning, *more, *_as_warnings(problems)), age, seconds
            )
    warning = _warning(
        member, f"{reason_vi}; chưa có bản lưu nào, trang này bị bỏ qua lần dựng này",
        f"{reason_en}; no saved copy, the member is left out of this build",
    )  # fmt: skip
    return Fetched(member, None, MISSING, (warning, *more), None, seconds)


def fetch_all(members, cache_folder: str | Path, options: FetchOptions = FetchOptions()) -> list[Fetched]:
    """Every member's outcome, in the order given, fetched on a small thread pool."""
    members = list(members)
    if not members:
        return []
    cache = Cache(cache_folder)
    with ThreadPoolExecutor(max_workers=max(1, min(options.workers, len(members)))) as pool:
        return list(pool.map(lambda member: _guarded(member, cache, options), members))


def _guarded(member: Member, cache: Cache, options: FetchOptions) -> Fetched:
    """fetch_member, and a warning instead of an exception for anything unforeseen (a full disk)."""
    try:
        return fetch_member(member, cache, options)
    except Exception as error:  # one member never breaks the build
        text = f"{type(error).__name__}: {str(error)[:80]}"
        warning = _warning(member, f"lỗi không lường trước ({text})", f"an unexpected error ({text})")
        return Fetched(member, None, MISSING, (warning,))


def summary(results: list[Fetched]) -> str:
    """One line for the build log: how many members, and how each was obtained."""
    counts = {
        status: sum(1 for r in results if r.status == status)
        for status in (FRESH, NOT_MODIFIED, PREVIOUS, MISSING)
    }
    products = sum(len(r.catalogue.products) for r in results if r.catalogue)
    return (
        f"Thành viên: {len(results)} · mới {counts[FRESH]}, không đổi {counts[NOT_MODIFIED]}, "
        f"bản lưu {counts[PREVIOUS]}, thiếu {counts[MISSING]} · {products} sản phẩm"
    )
