"""Publishing with rsync, over SSH or to a local folder: upload a new release, then switch the `current` symlink.

Layout on the host (the web server's document root is `<root>/current`):

    <root>/releases/20261127-101500-ab12cd3/   one complete site per publish
    <root>/releases/20261127-101500-ab12cd3/.chophien-release.json   its manifest, written last
    <root>/current -> releases/20261127-101500-ab12cd3

A release is uploaded with rsync (over SSH, or to a local/mounted path), hard-linking files
unchanged since the previous release. It becomes a release only when its manifest (every file's
size and SHA-256) is written, and that is done last, after the files on the host were hashed and
matched against it: an interrupted upload leaves a folder without a manifest, which is never made
`current` (by publish or rollback), never counts toward `keep`, and is deleted by the next publish.
`current` is then replaced by rename(2) of a new symlink, which is atomic: a visitor gets the old
site or the new one, never half of each. The last `keep` releases stay for `make rollback`, which
hashes a release again before switching to it.
"""

from __future__ import annotations

import re
import shlex
import tempfile
from dataclasses import dataclass
from pathlib import Path

from chophien.publishing.common import (
    MANIFEST,
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

# Modes on the host whatever the build wrote (tempfile.mkstemp makes 0600: DESIGN §8): the web
# server runs as another user and must read every file and enter every folder.
RSYNC_MODES = "--chmod=D755,F644"


@dataclass(frozen=True)
class Target:
    """`user@host:/srv/chophien` (SSH) or `/srv/chophien` (a local or mounted folder)."""

    host: str | None
    root: str

    @classmethod
    def parse(cls, text: str) -> Target:
        check_no_control(text, "PUBLISH_TARGET")
        match = re.fullmatch(r"(?:([^@/:\s]+@)?([^/:\s]+)):(/.+)", text)
        if match:
            return cls((match.group(1) or "") + match.group(2), match.group(3).rstrip("/"))
        if text.startswith("/"):
            return cls(None, text.rstrip("/") or "/")
        raise PublishError(
            f"PUBLISH_TARGET phải là user@host:/đường/dẫn hoặc /đường/dẫn, không phải “{shown(text)}”"
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


# --- state on the host ---------------------------------------------------------------------------


def _state_script(root: str) -> str:
    q = shlex.quote
    return (
        f"umask 022; mkdir -p {q(root + '/releases')} || exit 1; "
        f"readlink {q(root + '/current')} || true; echo ---; "
        f"cd {q(root + '/releases')} && for d in * {TRASH}*; do "
        f'if [ -f "$d/{MANIFEST}" ]; then echo "complete $d"; elif [ -d "$d" ]; then echo "partial $d"; fi; done'
    )


def read_state(target: Target, ssh: list[str]) -> State:
    try:
        out = target.shell(_state_script(target.root), ssh)
    except PublishError as error:
        raise PublishError(
            f"không đọc hay tạo được thư mục xuất bản “{shown(target.root)}/releases” "
            f"trên {target.host or 'máy này'}: {error}"
        ) from None
    link, _, listing = out.partition("---\n")
    current = link.strip().removeprefix("releases/") or None
    entries = []
    for line in listing.splitlines():
        kind, _, name = line.partition(" ")
        entries.append((name, kind == "complete"))
    return parse_state(current, entries)


def _remove_script(root: str, name: str) -> str:
    """Rename out of the list first (atomic), then delete: an interrupted delete leaves trash, not a
    release with files missing."""
    q = shlex.quote
    folder = f"{root}/releases/{name}"
    if name.startswith(TRASH):
        return f"rm -rf {q(folder)}"
    trash = f"{root}/releases/{TRASH}{name}"
    return f"rm -rf {q(trash)}; mv {q(folder)} {q(trash)} && rm -rf {q(trash)}"


def _hash_script(folder: str) -> str:
    q = shlex.quote
    return (
        f"cd {q(folder)} || exit 3; "
        "if command -v sha256sum >/dev/null 2>&1; then h=sha256sum; "
        "elif command -v shasum >/dev/null 2>&1; then h='shasum -a 256'; "
        "else echo 'máy chủ thiếu sha256sum (coreutils)' >&2; exit 4; fi; "
        f"find . -type f ! -path ./{MANIFEST} -exec $h {{}} + || exit 5; echo ---; "
        "find . ! -type f ! -type d"
    )


def _unescape(name: str) -> str:
    return name.replace("\\n", "\n").replace("\\\\", "\\")


def host_hashes(target: Target, release: str, ssh: list[str]) -> dict[str, str]:
    """SHA-256 of every file of a release, computed on the host (sha256sum)."""
    out = target.shell(_hash_script(f"{target.root}/releases/{release}"), ssh)
    sums, _, others = out.partition("---\n")
    found: dict[str, str] = {}
    for line in sums.splitlines():
        escaped = line.startswith("\\")  # GNU: a name with \ or newline is escaped
        digest, _, name = line.removeprefix("\\").partition(" ")
        name = name.removeprefix(" ").removeprefix("*").removeprefix("./")
        found[_unescape(name) if escaped else name] = digest
    for line in others.splitlines():
        found[line.removeprefix("./")] = "(không phải tệp thường)"
    return found


def verify(target: Target, release: str, manifest: dict, ssh: list[str]) -> str | None:
    """None when the release on the host holds exactly the manifest's files, else what differs."""
    return differences(manifest, host_hashes(target, release, ssh), 1)


def read_manifest(target: Target, release: str, ssh: list[str]) -> dict | None:
    try:
        text = target.shell(f"cat {shlex.quote(f'{target.root}/releases/{release}/{MANIFEST}')}", ssh)
    except PublishError:
        return None
    return parse_manifest(text, release)


def _switch_script(root: str, release: str) -> str:
    q = shlex.quote
    link = f"{root}/current"
    tmp = f"{root}/.current-{release}"
    # Refuses a folder without its manifest, whoever calls it. ln -sfn then mv -T: rename(2)
    # replaces the symlink atomically (GNU mv; BSD: mv -h).
    return (
        f"set -e; test -f {q(root + '/releases/' + release + '/' + MANIFEST)} || "
        f"{{ echo 'releases/{release} chưa hoàn chỉnh (không có {MANIFEST}): không chuyển' >&2; exit 1; }}; "
        f"ln -sfn {q('releases/' + release)} {q(tmp)}; "
        f"mv -T {q(tmp)} {q(link)} 2>/dev/null || mv -h {q(tmp)} {q(link)}"
    )


def _rsync(target: Target, ssh: list[str]) -> list[str]:
    rsync = ["rsync", "-a", "--checksum", RSYNC_MODES]
    if target.host:
        rsync += ["-e", " ".join(shlex.quote(part) for part in ssh)]
    return rsync


def publish(
    output: str,
    target: Target,
    release: str,
    keep: int = 5,
    ssh: list[str] | None = None,
    dry_run: bool = False,
) -> list[str]:
    """Upload *output* as *release*, verify it, write its manifest, switch `current`, prune; return a log."""
    ssh = ssh or ["ssh", "-o", "BatchMode=yes"]
    keep = check_keep(keep)
    manifest = build_manifest(output, release)
    log = []
    state = read_state(target, ssh)
    if release in state.names:
        raise PublishError(f"bản phát hành {release} đã có trên máy chủ")
    rsync = _upload_command(output, target, release, state, ssh)
    if dry_run:
        return [" ".join(shlex.quote(part) for part in rsync)]
    for name in state.partial:
        if name != state.current:
            target.shell(_remove_script(target.root, name), ssh)
            log.append(f"đã xoá bản tải dở releases/{name.removeprefix(TRASH)}")
    result = run_tool(rsync)
    if result.returncode:
        raise PublishError(result.stderr.strip())
    log.append(f"đã tải lên releases/{release} ({manifest['count']} tệp)")
    _mark_complete(target, release, manifest, ssh)
    log.append(f"đã kiểm tra và đánh dấu hoàn chỉnh releases/{release}")
    target.shell(_switch_script(target.root, release), ssh)
    log.append(f"current → releases/{release}")
    for old in releases_to_prune([*state.complete, release], release, keep):
        target.shell(_remove_script(target.root, old), ssh)
        log.append(f"đã xoá bản cũ releases/{old}")
    return log


def _upload_command(output: str, target: Target, release: str, state: State, ssh: list[str]) -> list[str]:
    """rsync of the build into releases/<release>/, hard-linking files unchanged since the release
    that is current (or the newest complete one)."""
    base = (
        state.current if state.current in state.complete else (state.complete[-1] if state.complete else None)
    )
    rsync = [*_rsync(target, ssh), "--delete"]
    if photos_elsewhere(output):  # on the bucket (publishing/media.py), not on the page host
        rsync.append(f"--exclude=/{urls.MEDIA}")
    if base:
        rsync.append(f"--link-dest={target.root}/releases/{base}/")
    return [*rsync, output.rstrip("/") + "/", target.rsync_path(f"releases/{release}/")]


def _mark_complete(target: Target, release: str, manifest: dict, ssh: list[str]) -> None:
    """Hash the upload on the host against the manifest, then write the manifest into it, last."""
    problem = verify(target, release, manifest, ssh)
    if problem:
        raise PublishError(
            f"releases/{release} trên máy chủ không khớp với bản đã dựng: {problem}; chưa chuyển"
        )
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / MANIFEST
        local.write_text(manifest_text(manifest), encoding="utf-8")
        result = run_tool(
            [*_rsync(target, ssh), str(local), target.rsync_path(f"releases/{release}/{MANIFEST}")]
        )
    if result.returncode:
        raise PublishError(result.stderr.strip())


def rollback(target: Target, ssh: list[str] | None = None, log: list[str] | None = None) -> str:
    """Point `current` at the newest older release that is complete and still matches its manifest."""
    ssh = ssh or ["ssh", "-o", "BatchMode=yes"]
    log = [] if log is None else log
    state = read_state(target, ssh)
    older, partial = rollback_candidates(state)
    for name in older:
        manifest = read_manifest(target, name, ssh)
        problem = "bản kê hỏng" if manifest is None else verify(target, name, manifest, ssh)
        if problem:
            log.append(f"bỏ qua releases/{name}: {problem}")
            continue
        log[:0] = skipped_partials(partial, name)
        target.shell(_switch_script(target.root, name), ssh)
        return name
    log[:0] = skipped_partials(partial, "")
    raise no_rollback(state, log)
