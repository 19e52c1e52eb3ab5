"""GitHub Pages' one site: production's build plus every open pull request's preview, checked and assembled.

GitHub Pages keeps one deployment, and each deployment replaces the whole site. Previews therefore
live in a branch of their own (`pr-previews`: one orphan commit holding `pr-preview/<number>/…`),
and every deployment, production's or a preview's, is assembled here from production's last build
and that branch (docs/publishing.md, "Previews of pull requests"). Everything taken from an
artifact is untrusted: a zip is extracted by `extract_zip` (no absolute or `..` path, no symlink or
special file, sizes counted on the bytes written, never taken from the zip's own claims), and every
tree is checked again by `check_tree` before it is copied. Standard library only: the deploy jobs
run it with the runner's Python, without installing the package.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from chophien.core.text import printable

PREVIEWS = "pr-preview"  # chophien.site.urls.PREVIEWS (a test keeps them equal)
BRANCH = "pr-previews"
MARKER = "<!-- chophien-pr-preview -->"  # the first line of the one comment each pull request gets
MB = 1024 * 1024
_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f\\]")
_CHUNK = 1024 * 1024


class PagesSiteError(Exception):
    """One line, Vietnamese then English: what was refused and why; nothing was published."""

    def __init__(self, vi: str, en: str):
        super().__init__(f"lỗi: {vi} (error: {en})")


@dataclass(frozen=True)
class Limits:
    """What one tree may hold. GitHub refuses files over 100 MB in a push; Pages publishes 1 GB."""

    files: int = 20_000
    file_bytes: int = 95 * MB
    total_bytes: int = 400 * MB


PREVIEW_LIMITS = Limits()
# Production's own build (trusted: main's code, on a push) is only checked for shape, with limits it
# cannot reach; previews are then added while the whole site stays within PAGES_ROOM.
PRODUCTION_LIMITS = Limits(files=2_000_000, file_bytes=4096 * MB, total_bytes=10 * 1024 * MB)
PAGES_ROOM = Limits(files=1_000_000, file_bytes=95 * MB, total_bytes=1000 * MB)  # Pages: 1 GB a site


def preview_number(value: str | int) -> int:
    """A pull request's number, as given by trusted event data: a positive whole number."""
    text = str(value).strip()
    if not _NUMBER.fullmatch(text):
        raise PagesSiteError(
            f"“{printable(text)[:40]}” không phải số của một pull request",
            f"“{printable(text)[:40]}” is not a pull request's number",
        )
    return int(text)


def safe_relative(name: str) -> PurePosixPath:
    """*name* (a zip member or a file in a tree) as a relative path that stays inside its folder."""
    path = PurePosixPath(name)
    parts = path.parts
    if (
        not parts
        or name.startswith("/")
        or _UNSAFE_NAME.search(name)
        or any(part in ("", ".", "..") for part in name.rstrip("/").split("/"))
        or len(name) > 1024
        or any(part.casefold().startswith(".git") for part in parts)  # .git, .gitattributes: git's own
        or any(len(part.encode("utf-8")) > 255 for part in parts)
    ):
        raise PagesSiteError(
            f"đường dẫn không an toàn “{printable(name)[:120]}”", f"unsafe path “{printable(name)[:120]}”"
        )
    return path


def _too_big(what: str, limit: int) -> PagesSiteError:
    return PagesSiteError(
        f"{printable(what)[:120]} vượt giới hạn {limit // MB} MB",
        f"{printable(what)[:120]} exceeds {limit // MB} MB",
    )


class _Counter:
    def __init__(self, limits: Limits):
        self.limits, self.files, self.bytes = limits, 0, 0

    def file(self, name: str) -> None:
        self.files += 1
        if self.files > self.limits.files:
            raise PagesSiteError(
                f"quá {self.limits.files} tệp (tại “{printable(name)[:120]}”)",
                f"more than {self.limits.files} files (at “{printable(name)[:120]}”)",
            )

    def add(self, name: str, size: int, file_size: int) -> None:
        self.bytes += size
        if file_size > self.limits.file_bytes:
            raise _too_big(name, self.limits.file_bytes)
        if self.bytes > self.limits.total_bytes:
            raise _too_big("cả thư mục / the whole tree", self.limits.total_bytes)


def extract_zip(archive: Path, dest: Path, limits: Limits = PREVIEW_LIMITS) -> tuple[int, int]:
    """Extract *archive* into the new folder *dest*: (files, bytes). On any refusal *dest* is removed."""
    if dest.exists():
        raise PagesSiteError(f"{dest} đã có", f"{dest} already exists")
    dest.mkdir(parents=True)
    try:
        counter = _Counter(limits)
        with zipfile.ZipFile(archive) as zipped:
            seen: set[str] = set()
            for info in zipped.infolist():
                _extract_member(zipped, info, dest, counter, seen)
        return counter.files, counter.bytes
    except zipfile.BadZipFile as error:
        shutil.rmtree(dest, ignore_errors=True)
        raise PagesSiteError(f"tệp zip hỏng: {error}", f"damaged zip: {error}") from None
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise


def _extract_member(
    zipped: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, counter: _Counter, seen
) -> None:
    relative = safe_relative(info.filename)
    key = relative.as_posix().casefold()
    if key in seen:
        raise PagesSiteError(
            f"tên lặp lại “{printable(info.filename)[:120]}”",
            f"repeated name “{printable(info.filename)[:120]}”",
        )
    seen.add(key)
    kind = stat.S_IFMT(info.external_attr >> 16)
    if info.is_dir():
        if kind not in (0, stat.S_IFDIR):
            raise _not_regular(info.filename)
        (dest / relative).mkdir(parents=True, exist_ok=True)
        return
    if kind not in (0, stat.S_IFREG):  # a symlink, FIFO, device… (Unix mode in the high bits)
        raise _not_regular(info.filename)
    counter.file(info.filename)
    target = dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        raise PagesSiteError(
            f"tên lặp lại “{printable(info.filename)[:120]}”",
            f"repeated name “{printable(info.filename)[:120]}”",
        )
    written = 0
    with zipped.open(info) as source, open(target, "xb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            counter.add(info.filename, len(chunk), written)
            out.write(chunk)
    os.chmod(target, 0o644)


def _not_regular(name: str) -> PagesSiteError:
    return PagesSiteError(
        f"“{printable(name)[:120]}” không phải tệp thường (liên kết tượng trưng hoặc tệp đặc biệt)",
        f"“{printable(name)[:120]}” is not a regular file (a symlink or a special file)",
    )


def check_tree(root: Path, limits: Limits, *, index: bool = True) -> tuple[int, int]:
    """(files, bytes) of *root*, walked without following links: a symlink or special file, an
    unsafe name, or a tree over *limits* is refused; *index*: it must have an index.html."""
    if root.is_symlink() or not root.is_dir():
        raise PagesSiteError(f"{root} không phải thư mục", f"{root} is not a folder")
    counter = _Counter(limits)
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                name = Path(entry.path).relative_to(root).as_posix()
                safe_relative(name)
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    stack.append(Path(entry.path))
                elif stat.S_ISREG(mode):
                    counter.file(name)
                    size = entry.stat(follow_symlinks=False).st_size
                    counter.add(name, size, size)
                else:
                    raise _not_regular(name)
    if index and not (root / "index.html").is_file():
        raise PagesSiteError(f"{root} không có index.html", f"{root} has no index.html")
    return counter.files, counter.bytes


# --- the previews tree (the pr-previews branch's files) -----------------------------------------


def previews_in(tree: Path) -> set[int]:
    """The pull requests that have a preview in *tree*; anything else there is refused."""
    folder = tree / PREVIEWS
    found = set()
    for entry in sorted(tree.iterdir()) if tree.is_dir() else ():
        if entry.name != PREVIEWS:
            raise PagesSiteError(
                f"nhánh xem trước có “{printable(entry.name)[:80]}” ngoài {PREVIEWS}/",
                f"the previews branch holds “{printable(entry.name)[:80]}” outside {PREVIEWS}/",
            )
    for entry in sorted(folder.iterdir()) if folder.is_dir() else ():
        if entry.is_symlink() or not entry.is_dir() or not _NUMBER.fullmatch(entry.name):
            raise PagesSiteError(
                f"{PREVIEWS}/{printable(entry.name)[:80]} không phải bản xem trước",
                f"{PREVIEWS}/{printable(entry.name)[:80]} is not a preview",
            )
        found.add(int(entry.name))
    return found


def record(tree: Path, number: int, site: Path, limits: Limits = PREVIEW_LIMITS) -> None:
    """Put *site* (checked) at `pr-preview/<number>/` in *tree*, replacing the previous preview."""
    check_tree(site, limits)
    folder = tree / PREVIEWS
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / str(preview_number(number))
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=folder))
    shutil.rmtree(staged)
    shutil.copytree(site, staged, symlinks=True)
    if target.exists():
        shutil.rmtree(target)
    staged.rename(target)


def remove(tree: Path, numbers: Iterable[int]) -> list[int]:
    """Remove the previews of *numbers* from *tree*: the ones that were there."""
    removed = []
    for number in sorted(set(numbers)):
        target = tree / PREVIEWS / str(preview_number(number))
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
            removed.append(number)
    folder = tree / PREVIEWS
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
    return removed


def prune(tree: Path, open_numbers: Iterable[int], newest: int | None = None) -> list[int]:
    """Remove every preview whose pull request is not among *open_numbers*, the pull requests open
    when the list was taken. *newest*: the highest pull request number then; a preview above it
    belongs to a pull request opened since (numbers only grow) and stays."""
    closed = previews_in(tree) - set(open_numbers)
    return remove(tree, {n for n in closed if newest is None or n <= newest})


@dataclass
class Assembled:
    """What `assemble` deployed: counts, the previews in it, and the ones left out (with why)."""

    files: int = 0
    bytes: int = 0
    previews: list[int] = field(default_factory=list)
    left_out: list[tuple[int, str]] = field(default_factory=list)


def assemble(production: Path, previews: Path, out: Path, room: Limits = PAGES_ROOM) -> Assembled:
    """The site to deploy: *production* (a build) with the previews of *previews* (the branch's
    tree) under `pr-preview/`, as the new folder *out*.

    Production always goes out whole or not at all. A preview that is refused (check_tree) or that
    would take the site past *room* (GitHub Pages publishes 1 GB) is left out and named, oldest
    pull requests first in: previews never cost production its deploy."""
    files, size = check_tree(production, PRODUCTION_LIMITS)
    if (production / PREVIEWS).exists():
        raise PagesSiteError(
            f"bản dựng chính thức đã có thư mục {PREVIEWS}/", f"the production build already has {PREVIEWS}/"
        )
    if out.exists():
        raise PagesSiteError(f"{out} đã có", f"{out} already exists")
    done = Assembled(files, size)
    chosen = []
    for number in sorted(previews_in(previews)):
        try:
            more, extra = check_tree(previews / PREVIEWS / str(number), PREVIEW_LIMITS)
        except PagesSiteError as error:
            done.left_out.append((number, str(error)))
            continue
        if done.files + more > room.files or done.bytes + extra > room.total_bytes:
            done.left_out.append((number, "không đủ chỗ trên GitHub Pages (no room left on GitHub Pages)"))
            continue
        done.files, done.bytes = done.files + more, done.bytes + extra
        chosen.append(number)
    shutil.copytree(production, out, symlinks=True, copy_function=_link_or_copy)
    for number in chosen:
        shutil.copytree(
            previews / PREVIEWS / str(number),
            out / PREVIEWS / str(number),
            symlinks=True,
            copy_function=_link_or_copy,
        )
    done.previews = chosen
    return done


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# --- the comment on the pull request -----------------------------------------------------------


def comment_body(number: int, address: str, sha: str, code_changed: bool, removed: bool = False) -> str:
    """The one comment on pull request *number* (updated on every push): Vietnamese, then English."""
    number = preview_number(number)
    short = sha[:7] if re.fullmatch(r"[0-9a-f]{7,40}", sha or "") else ""
    if removed:
        return (
            f"{MARKER}\n### Bản xem trước đã được gỡ\n\n"
            f"Pull request #{number} đã đóng nên bản xem trước không còn nữa.\n\n"
            f"_The preview of pull request #{number} was removed when it closed._\n"
        )
    lines = [
        MARKER,
        "### Xem trước trang web",
        "",
        f"**[Mở bản xem trước trên điện thoại hoặc máy tính]({address})**"
        + (f" (bản dựng của `{short}`)" if short else ""),
        "",
        f"{address}",
        "",
        "Trang này chưa phải trang chính thức: nó tự cập nhật mỗi lần pull request có thay đổi, bị gỡ khi "
        "pull request đóng, và công cụ tìm kiếm không đưa nó vào kết quả.",
    ]
    if code_changed:
        lines += [
            "",
            "> **Lưu ý:** pull request này sửa cả mã nguồn (ngoài thư mục `content/`). Bản xem trước chỉ dùng "
            "**nội dung** của pull request với mã của nhánh `main`, nên phần mã thay đổi chưa thấy ở đây; "
            "người duyệt cần kiểm tra riêng.",
        ]
    lines += [
        "",
        f"_Preview of this pull request: {address} — updated on every push, removed when it closes, kept out of "
        "search engines._"
        + (
            " _It changes code outside `content/`: the preview shows the pull request's content built with "
            "`main`'s code, so those code changes are not in it._"
            if code_changed
            else ""
        ),
        "",
    ]
    return "\n".join(lines)


def preview_address(site: str, number: int) -> str:
    """The preview's public address from the Pages site's (`https://owner.github.io/repo/`)."""
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/-]*)?", site or ""):
        raise PagesSiteError(
            f"“{printable(site or '')[:80]}” không phải địa chỉ trang",
            f"“{printable(site or '')[:80]}” is not a site address",
        )
    return f"{site.rstrip('/')}/{PREVIEWS}/{preview_number(number)}/"


# --- the pr-previews branch (git) ---------------------------------------------------------------


@dataclass(frozen=True)
class Branch:
    """The previews branch of the git repository in *repo*, on *remote* (a URL, a path or a name)."""

    repo: Path
    remote: str = "origin"
    name: str = BRANCH
    token: str = ""  # GITHUB_TOKEN for https remotes on github.com: given per command, never stored

    def git(self, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["git", "-C", str(self.repo)]
        if self.token:
            auth = base64.b64encode(f"x-access-token:{self.token}".encode()).decode()
            prefix += ["-c", f"http.https://github.com/.extraheader=AUTHORIZATION: basic {auth}"]
        result = subprocess.run(prefix + list(args), capture_output=True, text=True, env=env)
        if check and result.returncode != 0:
            raise PagesSiteError(
                f"git {args[0]} thất bại: {printable(result.stderr.strip())[:300]}",
                f"git {args[0]} failed: {printable(result.stderr.strip())[:300]}",
            )
        return result

    def fetch(self, into: Path) -> str:
        """The branch's tip written into the new folder *into* (empty when there is no branch yet); its sha or ""."""
        into.mkdir(parents=True)
        listed = self.git("ls-remote", "--heads", self.remote, f"refs/heads/{self.name}").stdout.split()
        if not listed:
            return ""
        self.git(
            "fetch",
            "--no-tags",
            "--depth=1",
            self.remote,
            f"+refs/heads/{self.name}:refs/chophien/{self.name}",
        )
        sha = self.git("rev-parse", f"refs/chophien/{self.name}").stdout.strip()
        self._write_tree(sha, into)
        return sha

    def _write_tree(self, sha: str, into: Path) -> None:
        """The commit's files, checked out into *into*: a symlink (mode 120000), a submodule or an
        unsafe name anywhere in it is refused before anything is written."""
        listing = self.git("ls-tree", "-r", "-z", "--full-tree", sha).stdout
        for line in filter(None, listing.split("\0")):
            meta, name = line.split("\t", 1)
            mode, kind, _blob = meta.split()
            safe_relative(name)
            if kind != "blob" or mode not in ("100644", "100755"):
                raise _not_regular(name)
        env = self._env(into, into.parent / f".{into.name}.index")
        _run(env, "read-tree", sha)
        _run(env, "checkout-index", "--all", "--force")
        os.unlink(env["GIT_INDEX_FILE"])

    def _env(self, tree: Path, index: Path) -> dict:
        """git's environment for a work tree and index of our own, outside the repository's."""
        bot = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
        return dict(
            os.environ,
            GIT_DIR=self.git("rev-parse", "--absolute-git-dir").stdout.strip(),
            GIT_INDEX_FILE=str(index),
            GIT_WORK_TREE=str(tree),
            GIT_AUTHOR_NAME=bot[0],
            GIT_AUTHOR_EMAIL=bot[1],
            GIT_COMMITTER_NAME=bot[0],
            GIT_COMMITTER_EMAIL=bot[1],
        )

    def update(self, change: Callable[[Path], bool], message: str, attempts: int = 5) -> bool:
        """Apply *change* to the branch's files and push them as one new orphan commit (the branch
        keeps no history: old previews do not pile up). *change* returns whether it changed anything.
        A push that lost a race with another job is redone on the new tip. Returns whether it pushed."""
        for attempt in range(attempts):
            with tempfile.TemporaryDirectory(prefix="chophien-previews-") as work:
                tree = Path(work) / "tree"
                old = self.fetch(tree)
                if not change(tree):
                    return False
                commit = self._commit(tree, Path(work) / "index", message)
                lease = f"--force-with-lease=refs/heads/{self.name}:{old}"
                pushed = self.git(
                    "push", "--porcelain", lease, self.remote, f"{commit}:refs/heads/{self.name}", check=False
                )
                if pushed.returncode == 0:
                    return True
                if (
                    "stale info" not in pushed.stdout + pushed.stderr
                    and "rejected" not in pushed.stdout + pushed.stderr
                ):
                    raise PagesSiteError(
                        f"không đẩy được nhánh {self.name}: {printable(pushed.stderr.strip())[:300]}",
                        f"cannot push the {self.name} branch: {printable(pushed.stderr.strip())[:300]}",
                    )
            time.sleep(min(2**attempt, 10))
        raise PagesSiteError(
            f"nhánh {self.name} thay đổi liên tục, thử {attempts} lần không được",
            f"the {self.name} branch kept changing: {attempts} attempts failed",
        )

    def _commit(self, tree: Path, index: Path, message: str) -> str:
        env = self._env(tree, index)
        _run(env, "add", "--all", "--force", ".")
        return _run(env, "commit-tree", _run(env, "write-tree"), "-m", message)


def _run(env: dict, *args: str) -> str:
    """git with *env* (its own index and work tree); no filter, hook or attribute of the tree runs."""
    result = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", "-c", "core.autocrlf=false", *args],
        env=env,
        cwd=env["GIT_WORK_TREE"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise PagesSiteError(
            f"git {args[0]} thất bại: {printable(result.stderr.strip())[:300]}",
            f"git {args[0]} failed: {printable(result.stderr.strip())[:300]}",
        )
    return result.stdout.strip()
