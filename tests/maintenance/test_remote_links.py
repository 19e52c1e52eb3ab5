"""The remote link checker against a real HTTP server on 127.0.0.1 (chophien/maintenance/links.py)."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chophien.maintenance import links
from chophien.maintenance.links import LinkResult, check_links, redirect_kind, user_agent

TODAY = dt.date(2026, 12, 7)
AGENT = "ChoPhien-LinkCheck/1 (+https://cho.example/)"
BIG = b"x" * (8 * 1024 * 1024)  # more than socket buffers hold: the server sees the client hang up


class Recorder:
    """What the server saw: every request, how many ran at once (per host and in all)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[str, str, str, float]] = []  # method, path, user agent, time
        self.active: dict[str, int] = {}
        self.most: dict[str, int] = {}
        self.most_overall = 0
        self.hits: dict[str, int] = {}
        self.aborted: list[str] = []

    def enter(self, host: str, method: str, path: str, agent: str) -> int:
        with self.lock:
            self.requests.append((method, path, agent, time.monotonic()))
            self.active[host] = self.active.get(host, 0) + 1
            self.most[host] = max(self.most.get(host, 0), self.active[host])
            self.most_overall = max(self.most_overall, sum(self.active.values()))
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]

    def leave(self, host: str) -> None:
        with self.lock:
            self.active[host] -= 1

    def paths(self) -> list[str]:
        return [f"{method} {path}" for method, path, _, _ in self.requests]


def handler_for(recorder: Recorder, host_name: str):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_HEAD(self):
            self.answer("HEAD")

        def do_GET(self):
            self.answer("GET")

        def send(self, code: int, headers=(), body: bytes = b""):
            self.send_response(code)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET" and body:
                try:
                    self.wfile.write(body)
                except OSError:
                    recorder.aborted.append(self.path)

        def answer(self, method: str):
            hit = recorder.enter(host_name, method, self.path, self.headers.get("User-Agent", ""))
            try:
                self.route(method, hit)
            finally:
                recorder.leave(host_name)

        def route(self, method: str, hit: int):
            path = self.path.split("?")[0]
            if path.startswith("/ok") or path == "/" or path.startswith("/san-pham"):
                self.send(200, [("Content-Type", "text/html")], b"<p>ok</p>")
            elif path == "/moved":
                self.send(301, [("Location", "/ok")])
            elif path == "/to-login":
                self.send(302, [("Location", "/buyer/login?next=%2Fproduct%2F1")])
            elif path == "/to-search":
                self.send(302, [("Location", "/search?q=ch%C3%A8")])
            elif path == "/far":
                self.send(301, [("Location", "/ok?" + "a" * 5000)])
            elif path == "/loop":
                self.send(302, [("Location", "/loop")])
            elif path == "/missing":
                self.send(404)
            elif path == "/gone":
                self.send(410)
            elif path == "/private":
                self.send(403)
            elif path == "/flaky":
                self.send(500 if hit == 1 else 200)
            elif path == "/down":
                self.send(500)
            elif path == "/busy":
                self.send(503, [("Retry-After", "1")]) if hit == 1 else self.send(200)
            elif path == "/later":
                self.send(503, [("Retry-After", "3600")])
            elif path == "/slow":
                time.sleep(2.5)
                self.send(200)
            elif path == "/no-head":
                self.send(405, [("Allow", "GET")]) if method == "HEAD" else self.send(200, body=BIG)
            elif path == "/hang-up":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif path == "/dribble":  # a header line every 0.2 s: no single wait reaches the timeout
                self.wfile.write(b"HTTP/1.0 200 OK\r\n")
                for _ in range(40):
                    time.sleep(0.2)
                    try:
                        self.wfile.write(b"X-Slow: 1\r\n")
                    except OSError:
                        recorder.aborted.append(path)
                        return
            elif path.startswith("/wait"):
                time.sleep(0.3)
                self.send(200)
            else:
                self.send(404)

    return Handler


@contextmanager
def serve(address: str = "127.0.0.1", recorder: Recorder | None = None):
    recorder = recorder or Recorder()
    server = ThreadingHTTPServer((address, 0), handler_for(recorder, address))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{address}:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


def check(urls, tmp_path, **options):
    settings = dict(today=TODAY, user_agent=AGENT, timeout=1.0, retries=2, backoff=0.05, allow_private=True)
    settings["probe_host"] = "localhost"  # the network's probe: resolves here, so failures are the links'
    settings.update(options)
    return check_links(urls, tmp_path / ".cache" / "links.json", **settings)


def outcome(result: LinkResult) -> tuple:
    return result.status, result.code, result.reason


# --- what each answer means ------------------------------------------------------------------------


def test_each_answer_gets_its_status(tmp_path):
    with serve() as (base, recorder):
        names = ["ok", "moved", "to-login", "to-search", "missing", "gone", "private", "flaky", "no-head"]
        results = check([f"{base}/{name}" for name in names], tmp_path)
        got = {url.rsplit("/", 1)[1]: outcome(r) for url, r in results.items()}
        assert got == {
            "ok": ("ok", 200, "ok"),
            "moved": ("ok", 200, "ok"),
            "to-login": ("suspicious", 302, "login-redirect"),
            "to-search": ("suspicious", 302, "search-redirect"),
            "missing": ("broken", 404, "404"),
            "gone": ("broken", 410, "410"),
            "private": ("suspicious", 403, "403"),
            "flaky": ("ok", 200, "ok"),
            "no-head": ("ok", 200, "ok"),
        }
        assert results[f"{base}/moved"].final_url == f"{base}/ok"
        assert results[f"{base}/ok"].final_url == ""
        assert results[f"{base}/to-login"].final_url == f"{base}/buyer/login?next=%2Fproduct%2F1"
        assert {r.checked for r in results.values()} == {"2026-12-07"}
        seen = recorder.paths()
        # The login page itself is never fetched; HEAD first, GET only where HEAD is refused.
        assert not any("/buyer/login" in p or "/search" in p for p in seen)
        assert seen.count("HEAD /no-head") == 1 and seen.count("GET /no-head") == 1
        assert seen.count("HEAD /ok") == 2 and not any(p.startswith("GET /ok") for p in seen)
        assert seen.count("HEAD /flaky") == 2  # a 500, then the retry
        # The 403 is tried again with GET (servers refuse HEAD that way), once each.
        assert seen.count("HEAD /private") == 1 and seen.count("GET /private") == 1
        assert {agent for _, _, agent, _ in recorder.requests} == {AGENT}
    # Of the 8 MB body only the first bytes were read: the server saw the connection close.
    assert recorder.aborted == ["/no-head"]


def test_a_server_error_is_retried_with_exponential_backoff_then_unreachable(tmp_path):
    with serve() as (base, recorder):
        (result,) = check([f"{base}/down"], tmp_path, backoff=0.3).values()
    assert outcome(result) == ("unreachable", 500, "500")
    times = [t for _, path, _, t in recorder.requests if path == "/down"]
    assert len(times) == 3  # retries=2
    assert times[1] - times[0] >= 0.3 and times[2] - times[1] >= 0.6


def test_retry_after_is_honoured_within_the_cap(tmp_path):
    with serve() as (base, recorder):
        results = check([f"{base}/busy", f"{base}/later"], tmp_path, retry_after_cap=5)
        busy = [t for _, path, _, t in recorder.requests if path == "/busy"]
        later = [path for _, path, _, _ in recorder.requests if path == "/later"]
    assert outcome(results[f"{base}/busy"]) == ("ok", 200, "ok")
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.95  # the 1 second asked for, not the 0.05 backoff
    # An hour is beyond the cap: no waiting, no hammering; next week's run tries again.
    assert outcome(results[f"{base}/later"]) == ("unreachable", 503, "503") and later == ["/later"]


def test_a_long_redirect_target_is_cut_and_the_cache_stays_readable(tmp_path, capsys):
    with serve() as (base, recorder):
        (result,) = check([f"{base}/far"], tmp_path).values()
        assert outcome(result) == ("ok", 200, "ok") and len(result.final_url) == links.MAX_URL
        assert check([f"{base}/far"], tmp_path) == {f"{base}/far": result} and len(recorder.requests) == 2
    assert capsys.readouterr().err == ""


def test_a_redirect_loop_is_suspicious_and_bounded(tmp_path):
    with serve() as (base, recorder):
        (result,) = check([f"{base}/loop"], tmp_path).values()
    assert outcome(result) == ("suspicious", 302, "too-many-redirects")
    assert len(recorder.requests) == links.MAX_REDIRECTS + 1


def test_a_slow_server_times_out_and_is_retried(tmp_path):
    with serve() as (base, recorder):
        started = time.monotonic()
        (result,) = check([f"{base}/slow"], tmp_path, timeout=0.5, retries=1).values()
        elapsed = time.monotonic() - started
        assert [p for p in recorder.paths() if p.endswith("/slow")] == ["HEAD /slow"] * 2
    assert outcome(result) == ("unreachable", None, "timeout")
    assert elapsed < 2.5  # the answer after 2.5 s was never waited for


def test_a_server_sending_a_byte_now_and_then_is_cut_off_at_the_deadline(tmp_path):
    with serve() as (base, recorder):
        started = time.monotonic()
        (result,) = check([f"{base}/dribble"], tmp_path, timeout=0.5, retries=0).values()
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        assert recorder.aborted == ["/dribble"]
    assert outcome(result) == ("unreachable", None, "timeout")
    assert 1.4 < elapsed < 3  # three timeouts, not the 8 s the server would take


def test_a_port_that_never_answers_and_a_closed_port(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel accepts connections; nobody reads or answers
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    try:
        silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        closed_url = f"http://127.0.0.1:{closed_port}/"
        results = check([silent_url, closed_url], tmp_path, timeout=0.4, retries=1)
    finally:
        silent.close()
    assert outcome(results[silent_url]) == ("unreachable", None, "timeout")
    assert outcome(results[closed_url]) == ("unreachable", None, "refused")


def test_an_offline_machine_is_said_once_and_caches_nothing(tmp_path):
    """Every address failing at the network level while the probe host does not resolve either is
    no network, not a catalogue of broken links: NoNetwork, and the next run checks them again."""
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    urls = [f"http://127.0.0.1:{port}/a", "http://shop.invalid/b"]
    with pytest.raises(links.NoNetwork) as raised:
        check(urls, tmp_path, retries=0, probe_host="no-network.invalid")
    assert (raised.value.checked, raised.value.probe_host) == (2, "no-network.invalid")
    assert not (tmp_path / ".cache" / "links.json").exists()
    # With a resolving probe the same failures are the links' own, and they are kept.
    results = check(urls, tmp_path, retries=0)
    assert [outcome(results[u]) for u in urls] == [("unreachable", None, "refused"), ("broken", None, "dns")]
    assert (tmp_path / ".cache" / "links.json").exists()


def test_one_answer_is_enough_to_know_the_network_works(tmp_path):
    with serve() as (base, _):
        results = check([f"{base}/ok", "http://shop.invalid/b"], tmp_path, probe_host="no-network.invalid")
    assert [r.status for r in results.values()] == ["ok", "broken"]


def test_a_name_that_cannot_be_looked_up_for_now_is_unreachable_not_broken(tmp_path, monkeypatch):
    """EAI_AGAIN (the resolver failing for now) is retried and unreachable; EAI_NONAME is broken."""
    calls = []

    real = socket.getaddrinfo

    def flaky(host, *args, **kwargs):
        calls.append(host)
        if host == "cho.example":
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(links.socket, "getaddrinfo", flaky)
    (result,) = check(["http://cho.example/a"], tmp_path, retries=1).values()
    assert outcome(result) == ("unreachable", None, "dns-temporary")
    assert calls.count("cho.example") >= 2  # retried


def test_a_server_hanging_up_is_unreachable(tmp_path):
    with serve() as (base, recorder):
        (result,) = check([f"{base}/hang-up"], tmp_path).values()
    assert outcome(result) == ("unreachable", None, "connection-dropped")
    assert recorder.paths() == ["HEAD /hang-up"] * 3


def test_per_host_concurrency_stays_at_two_while_hosts_run_side_by_side(tmp_path):
    recorder = Recorder()
    with serve("127.0.0.1", recorder) as (one, _), serve("127.0.0.2", recorder) as (two, _):
        urls = [f"{base}/wait/{i}" for base in (one, two) for i in range(8)]  # one host after the other
        results = check(urls, tmp_path, workers=8)
    assert {r.status for r in results.values()} == {"ok"}
    assert recorder.most == {"127.0.0.1": 2, "127.0.0.2": 2}
    assert recorder.most_overall == 4  # the limit is per host, not one for all
    recorder2 = Recorder()
    with serve("127.0.0.1", recorder2) as (base, _):
        check([f"{base}/wait/{i}" for i in range(6)], tmp_path / "b", per_host=1)
    assert recorder2.most == {"127.0.0.1": 1}


def test_progress_is_called_for_every_address(tmp_path):
    calls = []
    with serve() as (base, _):
        urls = [f"{base}/ok/{i}" for i in range(3)]
        check(urls + urls[:1], tmp_path, progress=lambda done, total, r: calls.append((done, total, r.url)))
        assert [(d, t) for d, t, _ in calls] == [(1, 3), (2, 3), (3, 3)]
        assert sorted(u for _, _, u in calls) == urls
        calls.clear()
        check(urls, tmp_path, progress=lambda done, total, r: calls.append((done, total, r.url)))
        assert calls == [(1, 3, urls[0]), (2, 3, urls[1]), (3, 3, urls[2])]  # from the cache, in order


# --- what is never fetched -------------------------------------------------------------------------


def test_only_public_http_addresses_are_fetched(tmp_path):
    with serve() as (base, recorder):
        urls = [
            f"{base}/ok",  # loopback: refused without allow_private
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://cho.example/a",
            "http://user:secret@cho.example/",
            "http://shop.invalid/san-pham",
            "https://",
            "http://[::1]:80/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://0.0.0.0:1/",
            "http://[::ffff:127.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
            "http://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
        ]
        results = check(urls, tmp_path, allow_private=False)
        assert recorder.requests == []
    assert {url: (r.status, r.reason) for url, r in results.items()} == {
        f"{base}/ok": ("broken", "private-address"),
        "javascript:alert(1)": ("broken", "not-http"),
        "file:///etc/passwd": ("broken", "not-http"),
        "ftp://cho.example/a": ("broken", "not-http"),
        "http://user:secret@cho.example/": ("broken", "bad-url"),
        "http://shop.invalid/san-pham": ("broken", "dns"),
        "https://": ("broken", "bad-url"),
        "http://[::1]:80/": ("broken", "private-address"),
        "http://169.254.169.254/latest/meta-data/": ("broken", "private-address"),
        "http://10.0.0.1/": ("broken", "private-address"),
        "http://0.0.0.0:1/": ("broken", "private-address"),
        "http://[::ffff:127.0.0.1]/": ("broken", "private-address"),
        "http://[64:ff9b::a9fe:a9fe]/": ("broken", "private-address"),
        "http://[2002:7f00:1::]/": ("broken", "private-address"),
    }


def test_public_addresses():
    assert [
        links.is_public(a) for a in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "64:ff9b::808:808")
    ] == [True] * 4
    private = (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.1.1",
        "172.16.0.1",
        "100.64.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1%eth0",
    )
    assert not any(links.is_public(a) for a in private)


def test_vietnamese_in_an_address_is_sent_percent_encoded(tmp_path):
    with serve() as (base, recorder):
        results = check([f"{base}/san-pham/chè-shan?q=tuyết", f"{base}/san-pham/chè shan"], tmp_path)
        assert recorder.paths() == ["HEAD /san-pham/ch%C3%A8-shan?q=tuy%E1%BA%BFt"]
    assert [outcome(r) for r in results.values()] == [("ok", 200, "ok"), ("broken", None, "bad-url")]


@pytest.mark.parametrize(
    ("source", "target", "kind"),
    [
        (
            "https://shopee.vn/che-i.1.2",
            "https://shopee.vn/buyer/login?next=https%3A%2F%2Fshopee.vn%2F",
            "login-redirect",
        ),
        ("https://shopee.vn/che-i.1.2", "https://shopee.vn/verify/traffic?home_url=%2F", "login-redirect"),
        (
            "https://www.lazada.vn/products/che-i1.html",
            "https://member.lazada.vn/user/login?redirect=x",
            "login-redirect",
        ),
        (
            "https://www.lazada.vn/products/che-i1.html",
            "https://www.lazada.vn/catalog/?q=che",
            "search-redirect",
        ),
        ("https://tiki.vn/che-p1.html", "https://tiki.vn/search?q=ch%C3%A8", "search-redirect"),
        ("https://shopee.vn/che-i.1.2", "https://shopee.vn/search?keyword=che", "search-redirect"),
        ("https://www.facebook.com/htx", "https://www.facebook.com/login.php?next=x", "login-redirect"),
        ("https://www.facebook.com/htx", "https://www.facebook.com/checkpoint/block/", "login-redirect"),
        ("https://www.tiktok.com/@htx", "https://www.tiktok.com/login?redirect_url=x", "login-redirect"),
        ("https://htx.example/san-pham", "https://htx.example/dang-nhap", "login-redirect"),
        ("https://htx.example/san-pham", "https://accounts.google.com/ServiceLogin", "login-redirect"),
        ("https://htx.example/san-pham/che", "https://htx.example/", "home-redirect"),
        ("https://tiki.vn/che-p1.html", "intent://tiki.vn/p1", "not-http-redirect"),
        ("http://htx.example/", "https://htx.example/", ""),
        ("https://htx.example/a", "https://www.htx.example/a/", ""),
        ("https://s.shopee.vn/abc", "https://shopee.vn/che-i.1.2?sp_atk=1", ""),
        ("https://htx.example/login-guide", "https://htx.example/blog/loginless", ""),
    ],
)
def test_redirect_kind(source, target, kind):
    assert redirect_kind(source, target) == kind


def test_the_user_agent_names_the_site_and_cannot_carry_a_header():
    assert user_agent("https://cho.example/") == "ChoPhien-LinkCheck/1 (+https://cho.example/)"
    assert user_agent("") == "ChoPhien-LinkCheck/1"
    assert user_agent("/relative/") == "ChoPhien-LinkCheck/1"
    assert (
        user_agent("https://a.example/\r\nX-Evil: 1") == "ChoPhien-LinkCheck/1 (+https://a.example/X-Evil:1)"
    )


def test_the_default_user_agent_names_the_site_else_the_repository():
    from chophien.core.settings import Settings

    actions = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "cho-phien/cho-phien"}
    site = Settings.from_environ({"CHOPHIEN_SITEURL": "https://cho.example/"})
    assert links.default_user_agent(site, actions) == "ChoPhien-LinkCheck/1 (+https://cho.example)"
    bare = Settings.from_environ({})
    assert (
        links.default_user_agent(bare, actions)
        == "ChoPhien-LinkCheck/1 (+https://github.com/cho-phien/cho-phien)"
    )
    assert links.default_user_agent(bare, {}) == "ChoPhien-LinkCheck/1"


# --- the cache --------------------------------------------------------------------------------------


def test_the_cache_keeps_a_check_for_a_week(tmp_path):
    with serve() as (base, recorder):
        urls = [f"{base}/ok", f"{base}/missing"]
        first = check(urls, tmp_path)
        assert len(recorder.requests) == 3  # HEAD /ok, HEAD /missing, GET /missing (404 is rechecked)
        again = check(urls, tmp_path, today=TODAY + dt.timedelta(days=6))
        assert again == first and len(recorder.requests) == 3
        week = check(urls, tmp_path, today=TODAY + dt.timedelta(days=7))
        assert len(recorder.requests) == 6
        assert {r.checked for r in week.values()} == {"2026-12-14"}
        # A new address is checked; the others come from the cache.
        check([*urls, f"{base}/gone"], tmp_path, today=TODAY + dt.timedelta(days=8))
        assert recorder.paths()[6:] == ["HEAD /gone"]
        # max_age_days=1: checked yesterday is checked again; checked today is not.
        check(urls, tmp_path, today=TODAY + dt.timedelta(days=8), max_age_days=1)
        assert len(recorder.requests) == 10
        check(urls, tmp_path, today=TODAY + dt.timedelta(days=8), max_age_days=1)
        assert len(recorder.requests) == 10
    data = json.loads((tmp_path / ".cache/links.json").read_text(encoding="utf-8"))
    assert data["format"] == "chophien-links" and data["version"] == 1
    assert data["links"][f"{base}/ok"] == {
        "status": "ok", "code": 200, "final_url": "", "checked": "2026-12-15", "reason": "ok"
    }  # fmt: skip
    assert not list((tmp_path / ".cache").glob(".tmp-*"))


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not json",
        b"[]",
        b'{"format": "chophien-links", "version": 2, "links": {}}',
        b'{"format": "chophien-links", "version": 1, "links": []}',
        b"[" * 100_000,
        # A date in the future would keep a link from being checked for ever.
        b'{"format": "chophien-links", "version": 1, "links": {"URL": {"status": "ok", "code": 200,'
        b' "final_url": "", "checked": "9999-12-31", "reason": "ok"}}}',
        b'{"format": "chophien-links", "version": 1, "links": {"URL": {"status": "fine", "code": 200,'
        b' "final_url": "", "checked": "2026-12-06", "reason": "ok"}}}',
        b'{"format": "chophien-links", "version": 1, "links": {"URL": {"status": "ok", "code": true,'
        b' "final_url": "", "checked": "2026-12-06", "reason": "ok"}}}',
        b'{"format": "chophien-links", "version": 1, "links": {"URL": {"status": "ok", "code": 200,'
        b' "final_url": "", "checked": "2026-12-06", "reason": "ok\\u001b[31m"}}}',
        b'{"format": "chophien-links", "version": 1, "links": {"URL": {"status": "ok", "code": 200,'
        b' "final_url": "", "checked": "06/12/2026", "reason": "ok"}}}',
    ],
)
def test_a_damaged_or_hostile_cache_is_ignored_with_a_warning(tmp_path, capsys, content):
    cache = tmp_path / ".cache/links.json"
    cache.parent.mkdir()
    with serve() as (base, recorder):
        cache.write_bytes(content.replace(b"URL", f"{base}/missing".encode()))
        (result,) = check([f"{base}/missing"], tmp_path).values()
        assert outcome(result) == ("broken", 404, "404") and recorder.paths() == [
            "HEAD /missing",
            "GET /missing",
        ]
    err = capsys.readouterr().err
    if b"9999" in content:  # well-formed, only not trusted: checked again without a warning
        assert err == ""
    else:
        assert "link cache ignored" in err and "\x1b" not in err and len(err.splitlines()) == 1
    assert (
        json.loads(cache.read_text(encoding="utf-8"))["links"][f"{base}/missing"]["checked"] == "2026-12-07"
    )


def test_a_cache_that_cannot_be_written_is_a_warning(tmp_path, capsys):
    (tmp_path / ".cache").write_text("a file where the folder should be", encoding="utf-8")
    with serve() as (base, _):
        (result,) = check([f"{base}/ok"], tmp_path).values()
    assert result.status == "ok"
    assert "cannot write the link cache" in capsys.readouterr().err
