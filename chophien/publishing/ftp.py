"""Publishing to FTP(S)-only shared hosting (Apache), with lftp: a new release, then one rename.

FTP has no symlinks, so the switch is a file instead of a link. The FTP folder that is the web
server's document root holds:

    <root>/releases/20261127-101500-ab12cd3/   one complete site per publish (its own .htaccess)
    <root>/.htaccess                           "serve everything from releases/<that one>/"

A release is uploaded whole with `lftp mirror -R` into its own folder, which no visitor is sent
to yet. The server's listing of that folder is then matched against the build's manifest (every
file and its size; FTP has no standard way to hash on the server), and only then is the manifest
uploaded into it (under a temporary name, renamed): a release without it is an interrupted upload,
never switched to (by publish or rollback), not counted toward `keep`, deleted by the next publish.
The switch uploads the new root `.htaccess` under a temporary name and renames it over
the old one (RNFR/RNTO, rename(2) on the server): Apache reads the old rule or the new one, so a
visitor gets the old site or the new one, never half of each. Servers that refuse to rename onto
an existing file get delete-then-rename, and the log says the switch was not atomic.

The password comes from PUBLISH_FTP_PASSWORD and reaches lftp through its environment
(`--env-password`), never the command line. TLS is required unless PUBLISH_FTP_TLS=off.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chophien.publishing.common import (
    MANIFEST,
    RELEASE_NAME,
    TRASH,
    PublishError,
    State,
    build_manifest,
    check_keep,
    check_no_control,
    differences,
    manifest_text,
    no_rollback,
    parse_manifest,
    parse_state,
    photos_elsewhere,
    releases_to_prune,
    rollback_candidates,
    run_tool,
    shown,
    skipped_partials,
)
from chophien.site import urls

SWITCH_FILE = ".htaccess"
SWITCH_RULE = re.compile(r"^RewriteRule \^\(\.\*\)\$ releases/([^/\s]+)/\$1 \[L\]$", re.M)


@dataclass(frozen=True)
class FtpTarget:
    """`ftp://user@host[:port]/path` (explicit TLS required unless tls=False)."""

    host: str
    port: int
    user: str
    root: str
    tls: bool = True

    @classmethod
    def parse(cls, text: str, tls: bool = True) -> FtpTarget:
        check_no_control(text, "PUBLISH_TARGET")
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as error:
            raise PublishError(
                f"PUBLISH_TARGET cho FTP không đọc được ({error}): “{shown(text)}”. Ví dụ: ftp://ten@ftp.may-chu.vn/public_html"
            ) from None
        if parts.scheme != "ftp" or not parts.hostname or not parts.username:
            raise PublishError(
                f"PUBLISH_TARGET cho FTP phải có dạng ftp://tên@máy-chủ/thư-mục, không phải “{shown(text)}”"
            )
        if parts.password:
            raise PublishError("đừng ghi mật khẩu vào PUBLISH_TARGET; hãy đặt PUBLISH_FTP_PASSWORD")
        root = unquote(parts.path).rstrip("/") or "/"
        return cls(parts.hostname, port or 21, unquote(parts.username), root, tls)

    def path(self, relative: str) -> str:
        return f"{self.root.rstrip('/')}/{relative}"


def _quote(text: str) -> str:
    """An argument for lftp's command language (double quotes, backslash escapes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def switch_file(release: str) -> str:
    """The document root's `.htaccess`: every request is served from releases/<release>/."""
    if not RELEASE_NAME.fullmatch(release):
        raise PublishError(f"tên bản phát hành không hợp lệ: {release}")
    return (
        "# Chợ phiên: the release being served. Written by `make publish`; do not edit.\n"
        "# Each release folder has its own .htaccess (headers, caching, compressed files).\n"
        "Options -Indexes\n"
        "RewriteEngine On\n"
        "RewriteCond %{REQUEST_URI} !^/releases/\n"
        f"RewriteRule ^(.*)$ releases/{release}/$1 [L]\n"
    )


def current_of(text: str) -> str | None:
    match = SWITCH_RULE.search(text)
    return match.group(1) if match else None


class Lftp:
    """Runs lftp command scripts against one target."""

    def __init__(self, target: FtpTarget, password: str, extra_settings: list[str] | None = None):
        self.target = target
        self.password = password
        self.extra_settings = extra_settings or []

    def script(self, commands: list[str]) -> str:
        t = self.target
        settings = [
            "set cmd:fail-exit yes",
            "set net:max-retries 2",
            "set net:timeout 30",
            "set net:reconnect-interval-base 2",
            f"set ftp:ssl-force {'yes' if t.tls else 'no'}",
            f"set ftp:ssl-protect-data {'yes' if t.tls else 'no'}",
            f"set ftp:ssl-allow {'yes' if t.tls else 'no'}",
            *self.extra_settings,
        ]
        return "\n".join([*settings, *commands, "bye", ""])

    def run(self, commands: list[str]) -> str:
        t = self.target
        result = run_tool(
            ["lftp", "--norc", "--env-password", "-u", t.user, "-p", str(t.port), f"ftp://{t.host}"],
            input=self.script(commands),
            env=dict(os.environ, LFTP_PASSWORD=self.password),
        )
        if result.returncode:
            message = result.stderr.strip().replace(self.password, "***") if self.password else result.stderr
            raise PublishError(f"lftp: {message.strip() or 'thất bại'}")
        return result.stdout


def read_state(lftp: Lftp) -> State:
    t = lftp.target
    out = lftp.run(
        [
            f"mkdir -p -f {_quote(t.path('releases'))}",
            "set cmd:fail-exit no",
            f"cat {_quote(t.path(SWITCH_FILE))}",
            "echo ---chophien---",  # a missing .htaccess is no release yet, not a failure
        ]
    ).partition("---chophien---")[0]
    # lftp prints `find` after later `echo`s: the listing gets its own session.
    listing = lftp.run([f"find --maxdepth=3 {_quote(t.path('releases'))}"])
    prefix = t.path("releases/")
    folders: dict[str, bool] = {}
    for line in listing.splitlines():
        relative = line.removeprefix(prefix) if line.startswith(prefix) else None
        if not relative:
            continue
        name, _, rest = relative.partition("/")
        folders[name] = folders.get(name, False) or rest == MANIFEST
        if not rest and not line.endswith("/"):
            folders.pop(name)  # a file directly in releases/, not a release folder
    return parse_state(current_of(out), sorted(folders.items()))


def host_sizes(lftp: Lftp, release: str) -> dict[str, object]:
    """Every entry of a release as the server lists it: path → size (files) or a note (others)."""
    folder = lftp.target.path(f"releases/{release}/")
    found: dict[str, object] = {}
    # `find -l`: "-rw-r--r--  user/group  1234 2026-11-27 10:15:00 /path/to/file"
    for line in lftp.run([f"find -l {_quote(folder)}"]).splitlines():
        parts = line.split(None, 5)
        if len(parts) < 6:
            continue
        kind, size, path = parts[0][:1], parts[2], parts[5]
        relative = path[len(folder) :] if path.startswith(folder) else path
        if kind == "d" or relative == MANIFEST:
            continue
        found[relative] = int(size) if kind == "-" and size.isdigit() else "(không phải tệp thường)"
    return found


def verify(lftp: Lftp, release: str, manifest: dict) -> str | None:
    return differences(manifest, host_sizes(lftp, release), 0)


def read_manifest(lftp: Lftp, release: str) -> dict | None:
    try:
        text = lftp.run([f"cat {_quote(lftp.target.path(f'releases/{release}/{MANIFEST}'))}"])
    except PublishError:
        return None
    return parse_manifest(text, release)


def remove(lftp: Lftp, name: str) -> None:
    """Rename out of the list first, then delete: an interrupted delete leaves trash, not a release."""
    t = lftp.target
    if not name.startswith(TRASH):
        trash = t.path(f"releases/{TRASH}{name}")
        lftp.run(["set cmd:fail-exit no", f"rm -r -f {_quote(trash)}"])
        lftp.run([f"mv {_quote(t.path(f'releases/{name}'))} {_quote(trash)}"])
        name = TRASH + name
    lftp.run([f"rm -r -f {_quote(t.path(f'releases/{name}'))}"])


def put_atomic(lftp: Lftp, text: str, destination: str) -> str:
    """Upload *text* beside *destination* under a temporary name; return that name."""
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / "upload"
        local.write_text(text, encoding="utf-8")
        staged = f"{destination}.part"
        lftp.run([f"put {_quote(str(local))} -o {_quote(staged)}"])
    return staged


def switch(lftp: Lftp, release: str, log: list[str]) -> None:
    """Point the document root at *release*: upload the rule beside the old one, rename over it."""
    t = lftp.target
    if read_manifest(lftp, release) is None:
        raise PublishError(f"releases/{release} chưa hoàn chỉnh (không có {MANIFEST}): không chuyển")
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / "switch.htaccess"
        local.write_text(switch_file(release), encoding="utf-8")
        staged = t.path(f".htaccess-{release}")
        lftp.run([f"put {_quote(str(local))} -o {_quote(staged)}"])
    try:
        lftp.run([f"mv {_quote(staged)} {_quote(t.path(SWITCH_FILE))}"])
    except PublishError:  # a server that will not rename onto an existing file
        lftp.run(
            [f"rm -f {_quote(t.path(SWITCH_FILE))}", f"mv {_quote(staged)} {_quote(t.path(SWITCH_FILE))}"]
        )
        log.append("cảnh báo: máy chủ không cho đổi tên đè tệp; đã xoá rồi đổi tên (không nguyên tử)")
    log.append(f".htaccess → releases/{release}")


def publish(
    output: str,
    target: FtpTarget,
    release: str,
    password: str,
    keep: int = 5,
    parallel: int = 4,
    extra_settings: list[str] | None = None,
) -> list[str]:
    """Upload *output* as *release*, verify it, mark it complete, switch the root `.htaccess`, prune."""
    keep = check_keep(keep)
    manifest = build_manifest(output, release)
    lftp = Lftp(target, password, extra_settings)
    log: list[str] = []
    state = read_state(lftp)
    if release in state.names:
        raise PublishError(f"bản phát hành {release} đã có trên máy chủ")
    for name in state.partial:
        if name != state.current:
            remove(lftp, name)
            log.append(f"đã xoá bản tải dở releases/{name.removeprefix(TRASH)}")
    destination = target.path(f"releases/{release}/")
    # Photos served from CHOPHIEN_MEDIA_URL are on the bucket (publishing/media.py), not here.
    skip = f"-x {_quote('^' + urls.MEDIA)} " if photos_elsewhere(output) else ""
    lftp.run(
        [
            f"mirror -R --no-perms --no-umask --parallel={parallel} {skip}"
            f"{_quote(output.rstrip('/') + '/')} {_quote(destination)}"
        ]
    )
    log.append(f"đã tải lên releases/{release} ({manifest['count']} tệp)")
    _mark_complete(lftp, target, release, manifest)
    log.append(f"đã kiểm tra và đánh dấu hoàn chỉnh releases/{release}")
    switch(lftp, release, log)
    for old in releases_to_prune([*state.complete, release], release, keep):
        remove(lftp, old)
        log.append(f"đã xoá bản cũ releases/{old}")
    return log


def _mark_complete(lftp: Lftp, target: FtpTarget, release: str, manifest: dict) -> None:
    """Match the server's listing of the upload against the manifest, then put the manifest into
    it, last (under a temporary name, renamed)."""
    problem = verify(lftp, release, manifest)
    if problem:
        raise PublishError(
            f"releases/{release} trên máy chủ không khớp với bản đã dựng: {problem}; chưa chuyển"
        )
    marker = target.path(f"releases/{release}/{MANIFEST}")
    staged = put_atomic(lftp, manifest_text(manifest), marker)
    lftp.run([f"mv {_quote(staged)} {_quote(marker)}"])


def rollback(
    target: FtpTarget, password: str, extra_settings: list[str] | None = None, log: list[str] | None = None
) -> str:
    """Point the root `.htaccess` at the newest older release that is complete and matches its manifest."""
    lftp = Lftp(target, password, extra_settings)
    log = [] if log is None else log
    state = read_state(lftp)
    older, partial = rollback_candidates(state)
    for name in older:
        manifest = read_manifest(lftp, name)
        problem = "bản kê hỏng" if manifest is None else verify(lftp, name, manifest)
        if problem:
            log.append(f"bỏ qua releases/{name}: {problem}")
            continue
        log[:0] = skipped_partials(partial, name)
        switch(lftp, name, [])
        return name
    log[:0] = skipped_partials(partial, "")
    raise no_rollback(state, log)
