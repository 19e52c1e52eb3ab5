"""Publishing to FTP(S)-only shared hosting (Apache), with lftp: a new release, then one rename.

FTP has no symlinks, so the switch is a file instead of a link. The FTP folder that is the web
server's document root holds:

    <root>/releases/20261127-101500-ab12cd3/   one complete site per publish (its own .htaccess)
    <root>/.htaccess                           "serve everything from releases/<that one>/"

A release is uploaded whole with `lftp mirror -R` into its own folder, which no visitor is sent
to yet. The switch uploads the new root `.htaccess` under a temporary name and renames it over
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

from .publish import RELEASE_NAME, PublishError, previous_release, releases_to_prune, run_tool

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
        parts = urlsplit(text)
        if parts.scheme != "ftp" or not parts.hostname or not parts.username:
            raise PublishError(
                f"PUBLISH_TARGET cho FTP phải có dạng ftp://tên@máy-chủ/thư-mục, không phải “{text}”"
            )
        if parts.password:
            raise PublishError("đừng ghi mật khẩu vào PUBLISH_TARGET; hãy đặt PUBLISH_FTP_PASSWORD")
        root = unquote(parts.path).rstrip("/") or "/"
        return cls(parts.hostname, parts.port or 21, unquote(parts.username), root, tls)

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


def read_state(lftp: Lftp) -> tuple[str | None, list[str]]:
    t = lftp.target
    out = lftp.run(
        [
            f"mkdir -p -f {_quote(t.path('releases'))}",
            "set cmd:fail-exit no",
            f"cat {_quote(t.path(SWITCH_FILE))}",
            "echo ---chophien---",
            f"cls -1 {_quote(t.path('releases/'))}",
        ]
    )
    switch, _, listing = out.partition("---chophien---\n")
    releases = [Path(line.rstrip("/")).name for line in listing.split() if line.strip()]
    return current_of(switch), releases


def switch(lftp: Lftp, release: str, log: list[str]) -> None:
    """Point the document root at *release*: upload the rule beside the old one, rename over it."""
    t = lftp.target
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / "switch.htaccess"
        local.write_text(switch_file(release), encoding="utf-8")
        staged = t.path(f".htaccess-{release}")
        lftp.run([f"put {_quote(str(local))} -o {_quote(staged)}"])
    try:
        lftp.run([f"mv {_quote(staged)} {_quote(t.path(SWITCH_FILE))}"])
    except PublishError:  # a server that will not rename onto an existing file
        lftp.run([f"rm -f {_quote(t.path(SWITCH_FILE))}", f"mv {_quote(staged)} {_quote(t.path(SWITCH_FILE))}"])
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
    """Upload *output* as *release*, switch the root `.htaccess` to it, prune; return a log."""
    lftp = Lftp(target, password, extra_settings)
    log: list[str] = []
    current, releases = read_state(lftp)
    if release in releases:
        raise PublishError(f"bản phát hành {release} đã có trên máy chủ")
    destination = target.path(f"releases/{release}/")
    lftp.run(
        [
            f"mirror -R --no-perms --no-umask --parallel={parallel} "
            f"{_quote(output.rstrip('/') + '/')} {_quote(destination)}"
        ]
    )
    log.append(f"đã tải lên releases/{release}")
    switch(lftp, release, log)
    for old in releases_to_prune([*releases, release], release, keep):
        lftp.run([f"rm -r -f {_quote(target.path(f'releases/{old}'))}"])
        log.append(f"đã xoá bản cũ releases/{old}")
    return log


def rollback(target: FtpTarget, password: str, extra_settings: list[str] | None = None) -> str:
    """Point the root `.htaccess` at the release before the current one; return its name."""
    lftp = Lftp(target, password, extra_settings)
    current, releases = read_state(lftp)
    previous = previous_release(releases, current)
    if previous is None:
        raise PublishError("không có bản phát hành cũ hơn để quay lại")
    switch(lftp, previous, [])
    return previous
