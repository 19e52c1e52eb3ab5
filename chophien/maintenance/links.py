"""Check that the web links content gives (marketplaces, websites) still work: politely, with a dated cache.

`check_links` checks each distinct address at most once every `max_age_days` (7: a weekly run
checks each link once a week), the dates kept in a JSON cache written atomically. Polite: at most
`per_host` requests at a time to one host, a timeout on every wait (and a deadline for a whole
answer), retries with exponential backoff after a 5xx, a timeout or a dropped connection (a
`Retry-After` is honoured up to a cap), a User-Agent naming the site, HEAD first and a GET (whose
first bytes only are read) when HEAD is refused. Redirects are followed here, one hop at a time,
so that a listing that now redirects to a login or search page (a marketplace's answer for a
removed product) is "suspicious", not "ok" and not "broken".

Only http(s) addresses of public hosts are fetched: every name is resolved first and the
connection goes to the address that was checked (no second lookup), so a link or a redirect to
127.0.0.1, a private network or a cloud metadata address is refused (`allow_private` is for tests
with a local server). Nothing a server or the cache file does raises: every outcome is a LinkResult.
Outcomes (the report's severities: broken → high, unreachable → medium, suspicious → low):
- broken: 404, 410 and other 4xx except 401/403/429; a name that does not resolve; not http(s);
- unreachable: timeouts, refused or dropped connections, TLS failures, 5xx after the retries, a
  resolver that fails for now ("dns-temporary");
- suspicious: a redirect to a login, search or home page, 401/403/429, a redirect loop.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from itertools import zip_longest
from pathlib import Path
from urllib.parse import parse_qsl, quote, urljoin, urlsplit

from chophien.core.files import make_folders, write_atomic
from chophien.core.problems import log_line
from chophien.core.settings import Settings

OK, BROKEN, SUSPICIOUS, UNREACHABLE = "ok", "broken", "suspicious", "unreachable"
STATUSES = (OK, BROKEN, SUSPICIOUS, UNREACHABLE)
CACHE_FORMAT, CACHE_VERSION = "chophien-links", 1
MAX_CACHE_BYTES = 32 * 1024 * 1024
MAX_REDIRECTS = 8
MAX_URL = 2048  # characters of a redirect target kept
MAX_CACHED_URL = 4096
WORKERS = 8  # threads in all; each host still gets at most `per_host` of them at a time
DEADLINE_FACTOR = 3  # a whole answer within three timeouts
FIRST_BYTES = 1024  # what a GET reads of a body: enough to know the server answers
RETRY_AFTER_CAP = 60.0  # seconds: a longer Retry-After ends the retries
AGENT_NAME = "ChoPhien-LinkCheck/1"
# Failures that an offline machine gives for every address; when all of a run's checks fail so,
# the probe host (where the weekly run itself lives: its name always resolves when there is a
# network; only resolved, never fetched) tells an offline machine from dead links.
NETWORK_REASONS = frozenset({"dns", "dns-temporary", "refused", "timeout", "connection-dropped"})
PROBE_HOST = "github.com"
# HEAD answers that do not say anything about the page: servers refuse or mishandle HEAD this way.
# 410 (gone) and 429 (slow down) are believed.
_HEAD_NOT_BELIEVED = frozenset({*range(400, 410), *range(411, 429), *range(430, 500), 501})

# Where a marketplace sends a listing it no longer has, or a visitor it wants to sign in
# (chophien/reference/data/marketplaces.yaml: Shopee /buyer/login and /verify/traffic, Lazada
# member.lazada.vn/user/login and /catalog/?q=, Tiki /search?q=, Facebook /login.php and
# /checkpoint/, TikTok /login): path segments, then query keys.
_LOGIN_SEGMENTS = frozenset(
    "login login.php signin sign-in log-in logon dang-nhap dangnhap checkpoint verify authorize "
    "oauth sso auth".split()
)  # fmt: skip
_SEARCH_SEGMENTS = frozenset("search tim-kiem timkiem catalog find".split())
_SEARCH_KEYS = frozenset("q keyword keywords query search searchterm k".split())


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: str  # "ok" | "broken" | "suspicious" | "unreachable"
    code: int | None  # last HTTP status, None when no answer
    final_url: str  # after redirects ("" when none)
    checked: str  # ISO date of the check ("2026-12-02")
    reason: str  # short English machine word: "404", "timeout", "login-redirect", "dns", …


@dataclass(frozen=True)
class _Options:
    user_agent: str
    per_host: int
    timeout: float
    retries: int
    backoff: float
    retry_after_cap: float
    allow_private: bool


def user_agent(site_url: str = "") -> str:
    """`ChoPhien-LinkCheck/1 (+https://site/)`: the User-Agent naming the site (its address when set)."""
    site = "".join(ch for ch in site_url.strip() if "!" <= ch <= "~")[:200]
    return f"{AGENT_NAME} (+{site})" if site.startswith(("http://", "https://")) else AGENT_NAME


def default_user_agent(settings: Settings, environ: Mapping[str, str] = os.environ) -> str:
    """The User-Agent for this site: its public address (CHOPHIEN_SITEURL, else an absolute SITEURL),
    else, in GitHub Actions, the repository's address, so a marketplace can always see who asks."""
    site = settings.public_url or (
        settings.siteurl if settings.siteurl.startswith(("http://", "https://")) else ""
    )
    if not site and environ.get("GITHUB_SERVER_URL") and environ.get("GITHUB_REPOSITORY"):
        site = f"{environ['GITHUB_SERVER_URL']}/{environ['GITHUB_REPOSITORY']}"
    return user_agent(site)


def check_links(
    urls: Iterable[str],
    cache_file: Path,
    *,
    today: dt.date,
    max_age_days: int = 7,
    user_agent: str,
    per_host: int = 2,
    timeout: float = 10.0,
    retries: int = 2,
    progress: Callable[[int, int, LinkResult], None] | None = None,
    backoff: float = 1.0,
    retry_after_cap: float = RETRY_AFTER_CAP,
    allow_private: bool = False,
    workers: int = WORKERS,
    probe_host: str | None = None,
) -> dict[str, LinkResult]:
    """Check each distinct URL at most once per max_age_days (the cache keeps dates); write the cache atomically.

    *progress* (done, total, result) is called in the caller's thread after each address, cached
    ones included. *allow_private* lets loopback and private addresses through: tests only.
    When every address checked failed at the network level (no name, no connection, no answer)
    and *probe_host* (default PROBE_HOST) does not resolve either, NoNetwork is raised and nothing is cached.
    """
    wanted = list(dict.fromkeys(urls))
    cached = load_cache(cache_file, today, max_age_days)
    results = {url: cached[url] for url in wanted if url in cached}
    to_check = [url for url in wanted if url not in results]
    options = _Options(
        user_agent, max(1, per_host), timeout, max(0, retries), backoff, retry_after_cap, allow_private
    )
    done = 0
    for url in [u for u in wanted if u in results]:
        done += 1
        if progress:
            progress(done, len(wanted), results[url])
    if to_check:
        hosts = _HostLimits(options.per_host)
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(to_check)))) as pool:
            futures = [pool.submit(_check_one, url, options, hosts, today) for url in _interleaved(to_check)]
            for future in as_completed(futures):
                result = future.result()
                results[result.url] = result
                done += 1
                if progress:
                    progress(done, len(wanted), result)
        fresh = [results[url] for url in to_check]
        probe_host = probe_host or PROBE_HOST
        if all(r.reason in NETWORK_REASONS for r in fresh) and not _resolves(probe_host):
            raise NoNetwork(len(fresh), probe_host)  # nothing cached: next run checks them again
        save_cache(cache_file, {**cached, **{url: results[url] for url in to_check}})
    return {url: results[url] for url in wanted}


class NoNetwork(RuntimeError):
    """Not one address answered and the probe host does not resolve: this machine has no network,
    which says nothing about the links (a weekly run would otherwise report every link broken)."""

    def __init__(self, checked: int, probe_host: str):
        super().__init__(f"no network: none of {checked} address(es) answered and {probe_host} does not resolve")
        self.checked, self.probe_host = checked, probe_host


def _resolves(host: str) -> bool:
    try:
        return bool(socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM))
    except (OSError, UnicodeError):
        return False


def _interleaved(urls: list[str]) -> list[str]:
    """One address of each host in turn: threads waiting for a busy host's turn do not hold the others up."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        by_host.setdefault(host, []).append(url)
    return [url for turn in zip_longest(*by_host.values()) for url in turn if url is not None]


# --- one address -----------------------------------------------------------------------------------


class _HostLimits:
    """One semaphore per host name: at most *per_host* requests to it at a time."""

    def __init__(self, per_host: int):
        self.per_host = per_host
        self.lock = threading.Lock()
        self.semaphores: dict[str, threading.Semaphore] = {}

    def __call__(self, host: str) -> threading.Semaphore:
        with self.lock:
            return self.semaphores.setdefault(host.lower(), threading.Semaphore(self.per_host))


class _Failed(Exception):
    """No usable answer: the outcome's status and reason word; *retry* when trying again may help."""

    def __init__(self, status: str, reason: str, retry: bool = False, code: int | None = None):
        super().__init__(reason)
        self.status, self.reason, self.retry, self.code = status, reason, retry, code


@dataclass(frozen=True)
class _Answer:
    code: int
    location: str | None
    retry_after: float | None


def _check_one(url: str, options: _Options, hosts: _HostLimits, today: dt.date) -> LinkResult:
    """One address's outcome; never raises."""
    try:
        status, code, final, reason = _follow(url, options, hosts)
    except _Failed as failed:
        status, code, final, reason = failed.status, failed.code, "", failed.reason
    except Exception as error:  # one odd answer never stops the report
        status, code, final, reason = UNREACHABLE, None, "", f"error-{type(error).__name__}"[:40].lower()
    reason = "".join(ch for ch in reason if ch.isascii() and (ch.isalnum() or ch == "-"))[:40] or "error"
    return LinkResult(url, status, code, final[:MAX_URL], today.isoformat(), reason)


def _follow(url: str, options: _Options, hosts: _HostLimits) -> tuple[str, int | None, str, str]:
    """(status, code, final URL, reason) after following redirects one hop at a time."""
    current, method, final = url, "HEAD", ""
    for _ in range(MAX_REDIRECTS + 1):
        answer = _with_retries(current, method, options, hosts)
        if method == "HEAD" and answer.code in _HEAD_NOT_BELIEVED:
            method = "GET"
            answer = _with_retries(current, method, options, hosts)
        if answer.code not in (301, 302, 303, 307, 308):
            status, code = _by_code(answer.code)
            return status, code, final, _reason(answer.code)
        if not answer.location:
            return SUSPICIOUS, answer.code, final, "redirect-without-location"
        target = urljoin(current, answer.location.strip())
        final = target
        where = redirect_kind(current, target)
        if where:
            return SUSPICIOUS, answer.code, final, where
        current = target
    return SUSPICIOUS, answer.code, final, "too-many-redirects"


def _by_code(code: int) -> tuple[str, int]:
    if 200 <= code < 300:
        return OK, code
    if code in (401, 403, 429):
        return SUSPICIOUS, code
    if 400 <= code < 500:
        return BROKEN, code
    return UNREACHABLE, code


def _reason(code: int) -> str:
    return OK if 200 <= code < 300 else str(code)


def redirect_kind(source: str, target: str) -> str:
    """Why a redirect from *source* to *target* is suspicious ("login-redirect", "search-redirect",
    "home-redirect", "not-http-redirect"), or "" when it is an ordinary move."""
    parts = urlsplit(target)
    if parts.scheme.lower() not in ("http", "https"):
        return "not-http-redirect"
    segments = {s.lower() for s in parts.path.split("/") if s}
    host = (parts.hostname or "").lower()
    if segments & _LOGIN_SEGMENTS or host.split(".")[0] in ("login", "accounts", "signin", "auth"):
        return "login-redirect"
    keys = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if segments & _SEARCH_SEGMENTS or keys & _SEARCH_KEYS:
        return "search-redirect"
    if parts.path in ("", "/") and not parts.query and urlsplit(source).path not in ("", "/"):
        return "home-redirect"  # a listing that now opens the shop's home page
    return ""


def _with_retries(url: str, method: str, options: _Options, hosts: _HostLimits) -> _Answer:
    """One request, tried again after a 5xx (and a 429 with Retry-After), a timeout or a dropped connection."""
    for attempt in range(options.retries + 1):
        last = attempt == options.retries
        try:
            answer = _request(url, method, options, hosts)
        except _Failed as failed:
            if not failed.retry or last:
                raise
            time.sleep(options.backoff * 2**attempt)
            continue
        retry = answer.code >= 500 or (answer.code == 429 and answer.retry_after is not None)
        if not retry or last:
            return answer
        wait = options.backoff * 2**attempt
        if answer.retry_after is not None:
            if answer.retry_after > options.retry_after_cap:
                return answer  # asked to come back much later: next week's run will
            wait = max(wait, answer.retry_after)
        time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


# --- one request -----------------------------------------------------------------------------------


def _target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path?query) of an http(s) address, non-ASCII quoted; _Failed otherwise."""
    try:
        url = url.strip()
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        raise _Failed(BROKEN, "bad-url") from None
    if scheme not in ("http", "https"):
        raise _Failed(BROKEN, "not-http")
    if not host or parts.username is not None or any(ch in url for ch in "\r\n\t\0 "):
        raise _Failed(BROKEN, "bad-url")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise _Failed(BROKEN, "bad-url") from None
    safe = "/%:@!$&'()*+,;=-._~"
    path = quote(parts.path or "/", safe=safe) + (
        "?" + quote(parts.query, safe=safe + "?") if parts.query else ""
    )
    return scheme, host, port or (443 if scheme == "https" else 80), path


def _resolve(host: str, port: int, allow_private: bool) -> str:
    """The one address the connection will use, checked to be public (unless *allow_private*)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        # "No such name" is the link's fault; "try again" / a failing resolver is the network's.
        if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise _Failed(BROKEN, "dns") from None
        raise _Failed(UNREACHABLE, "dns-temporary", retry=True) from None
    except (UnicodeError, OSError):
        raise _Failed(BROKEN, "dns") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise _Failed(BROKEN, "dns")
    if not allow_private:
        if not all(map(is_public, addresses)):
            raise _Failed(BROKEN, "private-address")
    return addresses[0]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public(address: str) -> bool:
    """True for an address on the public internet; IPv4 inside IPv6 (mapped, 6to4, NAT64) is judged as IPv4."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        inner = (
            ip.ipv4_mapped
            or ip.sixtofour
            or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        )
        if inner is not None and not inner.is_global:
            return False
    return ip.is_global


def _connection(
    scheme: str, host: str, port: int, address: str, timeout: float
) -> http.client.HTTPConnection:
    """A connection to *host* (its name for Host and TLS) made to the checked *address* only."""
    if scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection._create_connection = lambda _address, *args: socket.create_connection((address, port), *args)
    return connection


def _request(url: str, method: str, options: _Options, hosts: _HostLimits) -> _Answer:
    """One HEAD or GET (first bytes read only), under the host's concurrency limit and a deadline."""
    scheme, host, port, path = _target(url)
    address = _resolve(host, port, options.allow_private)
    with hosts(host):
        connection = _connection(scheme, host, port, address, options.timeout)
        cut = threading.Event()
        watchdog = threading.Timer(options.timeout * DEADLINE_FACTOR, _cut, (connection, cut))
        watchdog.start()
        try:
            answer = _exchange(connection, method, path, options.user_agent)
        except TimeoutError:
            raise _Failed(UNREACHABLE, "timeout", retry=True) from None
        except ssl.SSLError:
            raise _Failed(UNREACHABLE, "timeout" if cut.is_set() else "tls", retry=cut.is_set()) from None
        except ConnectionRefusedError:
            raise _Failed(UNREACHABLE, "refused", retry=True) from None
        except (ConnectionError, http.client.HTTPException, OSError):
            raise _Failed(
                UNREACHABLE, "timeout" if cut.is_set() else "connection-dropped", retry=True
            ) from None
        finally:
            watchdog.cancel()
            connection.close()
        if cut.is_set():  # what was read before the cut may look complete: it is not
            raise _Failed(UNREACHABLE, "timeout", retry=True)
        return answer


def _exchange(connection: http.client.HTTPConnection, method: str, path: str, agent: str) -> _Answer:
    headers = {"User-Agent": agent, "Accept": "text/html,*/*;q=0.8", "Accept-Encoding": "identity"}
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    if method == "GET":
        response.read(FIRST_BYTES)
    retry_after = _retry_after(response.getheader("Retry-After"))
    return _Answer(response.status, response.getheader("Location"), retry_after)


def _cut(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    """The deadline: a server that sends a byte now and then is cut off after three timeouts."""
    cut.set()
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After asks for (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# --- the cache ------------------------------------------------------------------------------------


def load_cache(path: Path, today: dt.date, max_age_days: int) -> dict[str, LinkResult]:
    """The results checked less than *max_age_days* ago; a damaged or hostile file is ignored with a warning."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CACHE_BYTES:
            return _ignored(path, "too big")
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, RecursionError) as error:
        return _ignored(path, type(error).__name__)
    if (
        not isinstance(data, dict)
        or data.get("format") != CACHE_FORMAT
        or data.get("version") != CACHE_VERSION
    ):
        return _ignored(path, "not a link cache")
    links = data.get("links")
    if not isinstance(links, dict):
        return _ignored(path, "no links")
    fresh = {}
    for url, entry in links.items():
        result = _entry(url, entry)
        if result is None:
            return _ignored(path, "a damaged entry")
        age = (today - dt.date.fromisoformat(result.checked)).days
        if 0 <= age < max_age_days:  # a date in the future is not trusted either
            fresh[url] = result
    return fresh


def _entry(url, entry) -> LinkResult | None:
    """One cached result, every field checked, or None."""
    if not isinstance(url, str) or not isinstance(entry, dict) or len(url) > MAX_CACHED_URL:
        return None
    status, code, final, checked, reason = (
        entry.get(k) for k in ("status", "code", "final_url", "checked", "reason")
    )
    if status not in STATUSES or not (code is None or (type(code) is int and 100 <= code <= 599)):
        return None
    if not isinstance(final, str) or len(final) > 4096 or not isinstance(reason, str) or len(reason) > 40:
        return None
    if not reason.replace("-", "").isalnum() or not reason.isascii():
        return None
    try:
        checked = (
            dt.date.fromisoformat(checked).isoformat()
            if isinstance(checked, str) and len(checked) == 10
            else None
        )
    except ValueError:
        checked = None
    return LinkResult(url, status, code, final, checked, reason) if checked else None


def _ignored(path: Path, why: str) -> dict:
    print(
        log_line(
            f"Bộ nhớ đệm kiểm tra liên kết không đọc được, bỏ qua: {path} ({why}) · "
            f"link cache ignored, every link is checked again"
        ),
        file=sys.stderr,
    )
    return {}


def save_cache(path: Path, results: dict[str, LinkResult]) -> None:
    """The results as the cache, sorted, written whole or not at all; a failure is a warning."""
    links = {
        url: {k: v for k, v in asdict(r).items() if k != "url"}
        for url, r in sorted(results.items())
        if len(url) <= MAX_CACHED_URL  # what load_cache would refuse is not written
    }
    data = {"format": CACHE_FORMAT, "version": CACHE_VERSION, "links": links}
    try:
        make_folders(Path(path).parent)
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode(), mode=None)
    except OSError as error:
        print(
            log_line(
                f"Không ghi được bộ nhớ đệm liên kết {path} ({error.strerror}) · cannot write the link cache"
            ),
            file=sys.stderr,
        )
