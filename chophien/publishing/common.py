"""What every way of publishing shares: release names, the manifest, the keep and rollback rules, errors.

A release is one complete site in `<root>/releases/<name>/` on the host, named by the time of the
build and the commit (`20261127-101500-ab12cd3`). It becomes a release only when its manifest
(`.chophien-release.json`: every file's size and SHA-256) is written into it, last: a folder
without one is an interrupted upload, never switched to (by publish or rollback), never counted
toward `keep`, and deleted by the next publish. How files travel and how `current` is switched is
the job of publishing.rsync (SSH or a local folder, a symlink) and publishing.ftp (FTP(S), a
rewrite rule).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from chophien.site import urls

RELEASE_NAME = re.compile(r"\d{8}-\d{6}(-[0-9a-f]{4,40})?")
MANIFEST = ".chophien-release.json"
TRASH = ".trash-"


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


def shown(text: object) -> str:
    """A path or setting for a message: control characters visible, so no name can forge a line."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in str(text))


def check_no_control(text: str, what: str) -> None:
    bad = [ch for ch in text if ord(ch) < 32 or ord(ch) == 127]
    if bad:
        raise PublishError(
            f"{what} chứa ký tự điều khiển ({', '.join(sorted({f'U+{ord(ch):04X}' for ch in bad}))}): "
            f"“{shown(text)}”. Ví dụ đúng: /srv/cho phien"
        )


# --- release names, and which ones to keep -------------------------------------------------------


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


def check_keep(keep: object) -> int:
    """PUBLISH_KEEP as a whole number ≥ 1 (the release being published is always kept)."""
    text = str(keep).strip()
    if not re.fullmatch(r"\d+", text) or int(text) < 1:
        raise PublishError(
            f"PUBLISH_KEEP phải là một số nguyên từ 1 trở lên (số bản phát hành giữ lại), "
            f"không phải “{shown(keep)}”. Ví dụ: PUBLISH_KEEP=5"
        )
    return int(text)


# --- the manifest: what a complete release holds ------------------------------------------------


def photos_elsewhere(output: str | Path) -> bool:
    """True when the build served its photos from CHOPHIEN_MEDIA_URL (site/media_list.py): then its
    `media/` folder is not part of the release on the page host (publishing/media.py uploads it)."""
    return (Path(output) / urls.media_list()).is_file()


def build_manifest(output: str | Path, release: str) -> dict:
    """Every regular file of the built site with its size and SHA-256; refuses anything else.

    Symlinks are refused (rsync -a would recreate them on the host, pointing anywhere), and so is
    a folder that is missing, or has no index.html (not a built site: `make html` first).
    `media/` is left out when the photos are served from CHOPHIEN_MEDIA_URL (photos_elsewhere).
    """
    root = Path(output)
    if not root.is_dir():
        raise PublishError(
            f"không có thư mục trang đã dựng “{shown(output)}”: hãy chạy `make html` (hoặc `make publish`) trước"
        )
    if not (root / "index.html").is_file():
        raise PublishError(f"thư mục “{shown(output)}” không có index.html: đây không phải một trang đã dựng")
    files: dict[str, list] = {}
    skip = root / urls.MEDIA.rstrip("/") if photos_elsewhere(root) else None
    for folder, dirs, names in os.walk(root):
        if skip is not None and Path(folder) == root and skip.name in dirs:
            dirs.remove(skip.name)
        for name in sorted(dirs + names):
            path = Path(folder) / name
            relative = path.relative_to(root).as_posix()
            check_no_control(relative, "tên tệp trong trang đã dựng")
            if path.is_symlink():
                raise PublishError(
                    f"trang đã dựng chứa liên kết tượng trưng (symlink) “{relative}”: không xuất bản"
                )
            if name in names:
                if not path.is_file():
                    raise PublishError(f"trang đã dựng chứa “{relative}”, không phải tệp thường")
                if relative == MANIFEST:
                    raise PublishError(f"trang đã dựng không được có tệp {MANIFEST}")
                digest = hashlib.sha256()
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                files[relative] = [path.stat().st_size, digest.hexdigest()]
    return {"format": 1, "release": release, "count": len(files), "files": dict(sorted(files.items()))}


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=True, indent=0, sort_keys=True) + "\n"


def parse_manifest(text: str, release: str) -> dict | None:
    """The manifest read back from the host, or None when it is not one for *release*."""
    try:
        manifest = json.loads(text)
    except ValueError:
        return None
    if not isinstance(manifest, dict) or manifest.get("release") != release:
        return None
    files = manifest.get("files")
    if not isinstance(files, dict) or manifest.get("count") != len(files):
        return None
    return manifest


def differences(manifest: dict, found: dict[str, object], index: int) -> str | None:
    """Compare what is on the host (path → size if index 0, SHA-256 if index 1) to the manifest."""
    expected = {path: entry[index] for path, entry in manifest["files"].items()}
    missing = sorted(expected.keys() - found.keys())
    extra = sorted(found.keys() - expected.keys())
    changed = sorted(p for p in expected.keys() & found.keys() if expected[p] != found[p])
    parts = []
    for label, paths in (("thiếu", missing), ("thừa", extra), ("khác nội dung", changed)):
        if paths:
            parts.append(f"{label} {len(paths)} tệp (vd. {paths[0]})")
    return "; ".join(parts) or None


# --- state on the host, and rollback ------------------------------------------------------------


@dataclass
class State:
    current: str | None
    complete: list[str] = field(default_factory=list)  # have a manifest (written last)
    partial: list[str] = field(default_factory=list)  # interrupted uploads, and old trash

    @property
    def names(self) -> list[str]:
        return [*self.complete, *self.partial]


def parse_state(current: str | None, entries: list[tuple[str, bool]]) -> State:
    """entries: (name under releases/, has a manifest); names that are not ours are left alone."""
    state = State(current)
    for name, complete in entries:
        if name.startswith(TRASH):
            state.partial.append(name)
        elif RELEASE_NAME.fullmatch(name):
            (state.complete if complete else state.partial).append(name)
    state.complete.sort()
    state.partial.sort()
    return state


def rollback_candidates(state: State) -> tuple[list[str], list[str]]:
    """(complete releases older than current, newest first; partial ones among them, for the log)."""
    if state.current is None:
        raise PublishError("chưa có bản phát hành nào đang chạy (không có current): không có gì để quay lại")
    older = sorted((r for r in state.complete if r < state.current), reverse=True)
    skipped = sorted(r for r in state.partial if RELEASE_NAME.fullmatch(r) and r < state.current)
    return older, skipped


def skipped_partials(partial: list[str], chosen: str) -> list[str]:
    return [
        f"bỏ qua releases/{name}: tải chưa xong (không có {MANIFEST})"
        for name in sorted(partial, reverse=True)
        if name > chosen
    ]


def no_rollback(state: State, log: list[str]) -> PublishError:
    details = "; ".join(log)
    return PublishError(
        f"không có bản phát hành hoàn chỉnh nào cũ hơn releases/{state.current} để quay lại"
        + (f" ({details})" if details else "")
        + "; current giữ nguyên"
    )
