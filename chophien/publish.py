"""Atomic publishing to cheap hosting: upload into a new release folder, then switch `current`.

Layout on the host (the web server's document root is `<root>/current`):

    <root>/releases/20261127-101500-ab12cd3/   one complete site per publish
    <root>/current -> releases/20261127-101500-ab12cd3

A release is uploaded with rsync (over SSH, or to a local/mounted path), hard-linking files
unchanged since the previous release; `current` is then replaced by rename(2) of a new symlink,
which is atomic: a visitor gets the old site or the new one, never half of each. The last
`keep` releases stay for `make rollback`.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import subprocess
from dataclasses import dataclass

RELEASE_NAME = re.compile(r"\d{8}-\d{6}(-[0-9a-f]{4,40})?")


class PublishError(Exception):
    pass


INSTALL_HINTS = {
    "rsync": "apt-get install rsync",
    "ssh": "apt-get install openssh-client",
    "lftp": "apt-get install lftp",
}


def run_tool(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run, with a missing program reported as a PublishError naming how to install it."""
    try:
        return subprocess.run(command, capture_output=True, text=True, **kwargs)
    except FileNotFoundError:
        program = command[0]
        hint = INSTALL_HINTS.get(program, f"apt-get install {program}")
        raise PublishError(f"chưa cài {program} trên máy này (Debian/Ubuntu: {hint})") from None


@dataclass(frozen=True)
class Target:
    """`user@host:/srv/chophien` (SSH) or `/srv/chophien` (a local or mounted folder)."""

    host: str | None
    root: str

    @classmethod
    def parse(cls, text: str) -> Target:
        match = re.fullmatch(r"(?:([^@/:\s]+@)?([^/:\s]+)):(/.+)", text)
        if match:
            return cls((match.group(1) or "") + match.group(2), match.group(3).rstrip("/"))
        if text.startswith("/"):
            return cls(None, text.rstrip("/") or "/")
        raise PublishError(
            f"PUBLISH_TARGET phải là user@host:/đường/dẫn hoặc /đường/dẫn, không phải “{text}”"
        )

    def rsync_path(self, relative: str) -> str:
        path = f"{self.root}/{relative}"
        return f"{self.host}:{path}" if self.host else path

    def shell(self, script: str, ssh: list[str]) -> str:
        """Run a POSIX shell script on the host; return its output."""
        command = ["sh", "-c", script] if self.host is None else [*ssh, self.host, script]
        result = run_tool(command)
        if result.returncode:
            raise PublishError(result.stderr.strip() or f"lệnh thất bại: {script}")
        return result.stdout


def release_name(now: dt.datetime, commit: str = "") -> str:
    name = now.strftime("%Y%m%d-%H%M%S")
    return f"{name}-{commit[:12]}" if commit else name


def releases_to_prune(releases: list[str], current: str | None, keep: int) -> list[str]:
    """Oldest first; never the current release; the newest `keep` stay."""
    ordered = sorted(r for r in releases if RELEASE_NAME.fullmatch(r))
    kept = set(ordered[-keep:]) if keep > 0 else set()
    return [r for r in ordered if r not in kept and r != current]


def previous_release(releases: list[str], current: str | None) -> str | None:
    ordered = sorted(r for r in releases if RELEASE_NAME.fullmatch(r))
    older = [r for r in ordered if current is None or r < current]
    return older[-1] if older else None


def _switch_script(root: str, release: str) -> str:
    q = shlex.quote
    link = f"{root}/current"
    tmp = f"{root}/.current-{release}"
    # ln -sfn then mv -T: rename(2) replaces the symlink atomically (GNU mv; BSD: mv -h).
    return (
        f"set -e; test -d {q(root + '/releases/' + release)}; "
        f"ln -sfn {q('releases/' + release)} {q(tmp)}; "
        f"mv -T {q(tmp)} {q(link)} 2>/dev/null || mv -h {q(tmp)} {q(link)}"
    )


def _state_script(root: str) -> str:
    q = shlex.quote
    return (
        f"mkdir -p {q(root + '/releases')}; "
        f"readlink {q(root + '/current')} || true; echo ---; ls -1 {q(root + '/releases')}"
    )


def read_state(target: Target, ssh: list[str]) -> tuple[str | None, list[str]]:
    out = target.shell(_state_script(target.root), ssh)
    link, _, listing = out.partition("---\n")
    current = link.strip().removeprefix("releases/") or None
    return current, [line for line in listing.split() if line]


def publish(
    output: str,
    target: Target,
    release: str,
    keep: int = 5,
    ssh: list[str] | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Upload *output* as *release*, switch `current` to it, prune old releases; return a log."""
    ssh = ssh or ["ssh", "-o", "BatchMode=yes"]
    log = []
    current, releases = read_state(target, ssh)
    if release in releases:
        raise PublishError(f"bản phát hành {release} đã có trên máy chủ")
    rsync = ["rsync", "-a", "--delete", "--checksum"]
    if target.host:
        rsync += ["-e", " ".join(shlex.quote(part) for part in ssh)]
    if current:
        rsync.append(f"--link-dest={target.root}/releases/{current}/")
    rsync += [output.rstrip("/") + "/", target.rsync_path(f"releases/{release}/")]
    if dry_run:
        return [" ".join(shlex.quote(part) for part in rsync)]
    result = run_tool(rsync)
    if result.returncode:
        raise PublishError(result.stderr.strip())
    log.append(f"đã tải lên releases/{release}")
    target.shell(_switch_script(target.root, release), ssh)
    log.append(f"current → releases/{release}")
    for old in releases_to_prune([*releases, release], release, keep):
        target.shell(f"rm -rf {shlex.quote(f'{target.root}/releases/{old}')}", ssh)
        log.append(f"đã xoá bản cũ releases/{old}")
    return log


def rollback(target: Target, ssh: list[str] | None = None) -> str:
    """Point `current` at the release before it; return that release's name."""
    ssh = ssh or ["ssh", "-o", "BatchMode=yes"]
    current, releases = read_state(target, ssh)
    previous = previous_release(releases, current)
    if previous is None:
        raise PublishError("không có bản phát hành cũ hơn để quay lại")
    target.shell(_switch_script(target.root, previous), ssh)
    return previous
