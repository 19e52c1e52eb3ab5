"""Original photos in Git LFS, with real git and git-lfs: pointers in history, the message for an
unfetched photo, the build after `git lfs pull`, the pull-request conversion, `chophien new
--image`, the spreadsheet import, and the repository's own `.gitattributes`.

A bare `file://` remote stands in for GitHub: git-lfs pushes and fetches LFS objects to and
from it like a server. Git runs with a throw-away global configuration (no user's `git lfs
install`), so a clone made without `git lfs install --local` is a machine without Git LFS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import COOP, PRODUCT, ROOT, jpeg_bytes, write_tree

from chophien.cli import main as cli_main
from chophien.photos.formats import ACCEPTED_SUFFIXES, lfs_attributes
from chophien.site.build import prepare

pytestmark = pytest.mark.skipif(
    shutil.which("git-lfs") is None, reason="git-lfs is missing: apt-get install git-lfs"
)

POINTER_START = b"version https://git-lfs.github.com/spec/v1\n"
NEW_PRODUCT = PRODUCT.replace("name: Chè Shan tuyết cổ thụ", "name: Chè vàng").replace(
    "che.jpg", "che-vang.jpg"
)
COOP_SLUG = "htx-che-na-hang"
NEW_MD = f"products/{COOP_SLUG}/che-vang.md"
NEW_PHOTO = f"products/{COOP_SLUG}/che-vang.jpg"
LEGACY_PHOTO = f"products/{COOP_SLUG}/che.jpg"


def git(cwd, *args, check=True, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=check, env=env)


def blob(repo, rev_path: str) -> bytes:
    return git(repo, "cat-file", "blob", rev_path).stdout


def attributes_for(paths: list[str]) -> str:
    """The project's way: the LFS block, then the photos committed before it as exceptions."""
    exceptions = "".join(f"content/{path} !filter !diff !merge\n" for path in paths)
    return "\n".join(lfs_attributes()) + "\n" + exceptions


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A remote with history: a photo from before LFS, `.gitattributes`, then a photo in LFS."""
    root = tmp_path_factory.mktemp("lfs")
    gitconfig = root / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Chợ phiên test\n\temail = test@chophien.invalid\n", encoding="utf-8"
    )
    saved = {key: os.environ.get(key) for key in ("GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")}
    os.environ.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1")
    remote = root / "remote.git"
    git(root, "init", "-q", "--bare", "-b", "main", str(remote))
    work = root / "work"
    git(root, "clone", "-q", remote.as_uri(), str(work))
    git(work, "lfs", "install", "--local")
    write_tree(work, {"cooperatives/htx-che-na-hang.md": COOP, f"products/{COOP_SLUG}/che-shan-tuyet.md": PRODUCT,
                                LEGACY_PHOTO: jpeg_bytes()})  # fmt: skip
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "trước Git LFS")
    (work / ".gitattributes").write_text(attributes_for([LEGACY_PHOTO]), encoding="utf-8")
    write_tree(work, {NEW_MD: NEW_PRODUCT, NEW_PHOTO: jpeg_bytes(800, 600, (200, 160, 40))})
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "ảnh mới trong Git LFS")
    git(work, "push", "-q", "origin", "main")
    yield root, remote, work
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)


def test_a_new_photo_is_a_pointer_in_history_and_the_old_one_stays_a_blob(world):
    _root, remote, work = world
    pointer = blob(remote, f"main:content/{NEW_PHOTO}")
    assert pointer.startswith(POINTER_START) and len(pointer) < 200
    assert blob(remote, f"main:content/{LEGACY_PHOTO}") == (work / "content" / LEGACY_PHOTO).read_bytes()
    assert git(work, "lfs", "ls-files", "--name-only").stdout.decode().split() == [f"content/{NEW_PHOTO}"]
    assert git(work, "status", "--porcelain").stdout == b""


def test_a_clone_without_lfs_says_git_lfs_pull_then_builds_after_it(world, capsys):
    root, remote, _work = world
    clone = root / "no-lfs"
    done = git(root, "clone", "-q", remote.as_uri(), str(clone))
    assert b"should have been pointers" not in done.stderr
    content, cache = clone / "content", root / "cache-no-lfs"
    assert (content / NEW_PHOTO).read_bytes().startswith(POINTER_START)
    assert cli_main(["validate", str(content), "--cache-dir", str(cache), "--lang", "vi"]) == 1
    out = capsys.readouterr().out
    size = len((root / "work/content" / NEW_PHOTO).read_bytes()) // 1024
    # The product file and line that name the photo, the field, what it is and the fix, in Vietnamese.
    assert out.splitlines() == [
        f"content/{NEW_MD}:7:5: lỗi: images[1]: “che-vang.jpg”: ảnh gốc ({size} KB) nằm trong Git LFS "
        "nhưng chưa được tải về máy này: tệp chỉ là con trỏ Git LFS. Hãy cài Git LFS (gói `git-lfs`) rồi "
        "chạy `git lfs install` và `git lfs pull` trong thư mục kho. Ví dụ: git lfs pull",
        "1 lỗi trong 1 tệp (đã kiểm tra 3 tệp)",
    ]  # the photo from before LFS (che.jpg) builds
    # The same without decoding photos (`--no-images`, the quick check).
    assert cli_main(["validate", str(content), "--no-images", "--cache-dir", str(cache), "--lang", "en"]) == 1
    assert "is in Git LFS but was not downloaded to this machine" in capsys.readouterr().out
    # `git lfs pull`: the same cache, no poisoned entry: the photo encodes and the build is clean.
    git(clone, "lfs", "install", "--local")
    git(clone, "lfs", "pull")
    assert (content / NEW_PHOTO).read_bytes()[:3] == b"\xff\xd8\xff"
    prepared = prepare(content, cache)
    assert [p.render() for p in prepared.problems.sorted()] == []
    assert prepared.images[NEW_PHOTO].width == 800 and prepared.image_cache.encoded == 1


def test_a_pointer_whose_photo_is_cached_builds_without_fetching_it(world, capsys, monkeypatch):
    """The pointer's oid is the SHA-256 of the photo, the photo cache's key: CI fetches only the
    photos `chophien images --lfs-needed` lists (those never encoded), never the rest."""
    root, remote, _work = world
    cache = root / "cache-shared"
    monkeypatch.setenv("CHOPHIEN_CACHE_PATH", str(cache))
    pointers = root / "pointers"
    git(root, "clone", "-q", remote.as_uri(), str(pointers))
    content = pointers / "content"
    assert cli_main(["images", str(content), "--lfs-needed"]) == 0
    assert capsys.readouterr().out == f"{(content / NEW_PHOTO).as_posix()}\n"
    fetched = root / "fetched"
    git(root, "clone", "-q", remote.as_uri(), str(fetched))
    git(fetched, "lfs", "install", "--local")
    git(fetched, "lfs", "pull")
    assert prepare(fetched / "content", cache).image_cache.encoded == 2
    assert cli_main(["images", str(content), "--lfs-needed"]) == 0
    assert capsys.readouterr().out == ""
    prepared = prepare(content, cache)
    assert [p.render() for p in prepared.problems.sorted()] == [] and prepared.image_cache.encoded == 0
    assert prepared.images[NEW_PHOTO].width == 800
    assert (content / NEW_PHOTO).read_bytes().startswith(POINTER_START)  # still not fetched
    # A pointer naming a photo nobody encoded is not taken from another photo: the LFS message.
    pointer = (content / NEW_PHOTO).read_bytes()
    oid = pointer.split(b"oid sha256:")[1][:64]
    (content / NEW_PHOTO).write_bytes(pointer.replace(oid, b"0" * 64))
    (problem,) = prepare(content, cache).problems.sorted()
    assert "git lfs pull" in problem.message_vi


def test_a_clone_with_lfs_gets_the_photo_and_sees_no_old_photo_as_a_pointer(world):
    root, remote, _work = world
    clone = root / "with-lfs"
    lfs = ["-c", "filter.lfs.process=git-lfs filter-process", "-c", "filter.lfs.required=true",
           "-c", "filter.lfs.clean=git-lfs clean -- %f", "-c", "filter.lfs.smudge=git-lfs smudge -- %f"]  # fmt: skip
    done = git(root, "clone", "-q", *lfs, remote.as_uri(), str(clone))
    assert b"should have been pointers" not in done.stderr
    assert (clone / "content" / NEW_PHOTO).read_bytes()[:3] == b"\xff\xd8\xff"
    legacy = clone / "content" / LEGACY_PHOTO
    os.utime(legacy, (1, 1))  # stat changed: git runs the filters again if the path has them
    assert git(clone, "status", "--porcelain").stdout == b""
    assert git(clone, "lfs", "fsck", "--pointers", check=False).returncode == 0


def web_upload(repo, path, data: bytes) -> None:
    """Commit *data* as GitHub's web upload and Decap CMS do: a full blob, whatever .gitattributes says."""
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    git(repo, "-c", "filter.lfs.process=", "-c", "filter.lfs.clean=cat", "-c", "filter.lfs.required=false",
        "add", path)  # fmt: skip
    git(repo, "commit", "-q", "-m", f"Tải lên {path}")


def convert(repo, *args):
    script = ROOT / "scripts/lfs_convert.py"
    return subprocess.run([sys.executable, str(script), *args], cwd=repo, capture_output=True, text=True)


def test_the_pull_request_job_turns_a_web_upload_into_a_pointer_and_squash_keeps_main_clean(world):
    root, remote, _work = world
    repo = root / "pr"
    git(root, "clone", "-q", remote.as_uri(), str(repo))
    git(repo, "lfs", "install", "--local")
    git(repo, "checkout", "-q", "-b", "cms/san-pham/che-den")
    photo = jpeg_bytes(700, 500, (30, 30, 30))
    path = f"content/products/{COOP_SLUG}/IMG_2041.JPG"  # a phone's name, upper case
    web_upload(repo, path, photo)
    web_upload(repo, "docs/ghi-chu.txt", b"not a photo\n")  # not in LFS: left alone
    full = git(repo, "rev-parse", f"HEAD:{path}").stdout.strip()
    assert blob(repo, f"HEAD:{path}") == photo
    checked = convert(repo, "--check", "main")
    assert (checked.returncode, checked.stdout) == (1, f"{path}\n")
    done = convert(repo, "main")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{path}\n", "")
    assert blob(repo, f"HEAD:{path}").startswith(POINTER_START)
    assert blob(repo, f"HEAD~1:{path}") == photo  # history not rewritten: one commit on top
    assert git(repo, "log", "-1", "--format=%s").stdout.decode().startswith("Chuyển ảnh gốc sang Git LFS")
    assert git(repo, "status", "--porcelain").stdout == b""
    assert sorted(git(repo, "lfs", "ls-files", "--name-only").stdout.decode().split()) == [
        path,
        f"content/{NEW_PHOTO}",
    ]
    assert convert(repo, "--check", "main").returncode == 0  # nothing left: the job is a no-op
    git(repo, "push", "-q", "origin", "HEAD")  # git-lfs's pre-push hook uploads the photo
    # Squash merge into main: main's history holds the pointer, never the full photo.
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--squash", "cms/san-pham/che-den")
    git(repo, "commit", "-q", "-m", "Chè đen (#12)")
    objects = git(repo, "rev-list", "--objects", "main").stdout.decode()
    assert full.decode() not in objects
    git(repo, "push", "-q", "origin", "main")
    fresh = root / "after-merge"
    git(root, "clone", "-q", remote.as_uri(), str(fresh))
    git(fresh, "lfs", "install", "--local")
    git(fresh, "lfs", "pull")
    assert (fresh / path).read_bytes() == photo


def test_convert_reports_a_git_failure_in_one_line(tmp_path):
    git(tmp_path, "init", "-q")
    done = convert(tmp_path, "no-such-branch")
    assert done.returncode == 2 and done.stderr.startswith("lfs_convert: git diff --name-only")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_new_image_and_the_spreadsheet_import_work_in_an_lfs_repository(world, capsys):
    root, remote, _work = world
    repo = root / "volunteer"
    git(root, "clone", "-q", remote.as_uri(), str(repo))
    git(repo, "lfs", "install", "--local")
    git(repo, "lfs", "pull")
    content = repo / "content"
    photo = root / "IMG_3001.jpg"
    photo.write_bytes(jpeg_bytes(900, 600, (90, 140, 60)))
    args = ["new", "product", COOP_SLUG, "--name", "Chè xanh", "--category", "che", "--price", "120000",
            "--unit", "gói 100 g", "--image", str(photo), "--no-input", "--content", str(content)]  # fmt: skip
    assert cli_main(args) == 0
    # The spreadsheet names a photo already uploaded (here: a pointer not fetched in this clone).
    pointer = blob(repo, f"HEAD:content/{NEW_PHOTO}")
    (content / f"products/{COOP_SLUG}/che-vang-2.jpg").write_bytes(pointer)
    sheet = root / "san-pham.csv"
    sheet.write_text("Hợp tác xã,Tên sản phẩm,Danh mục,Giá,Ảnh 1\n"
                     f"{COOP_SLUG},Chè vàng loại 2,che,90000,che-vang-2.jpg\n", encoding="utf-8")  # fmt: skip
    assert cli_main(["import", str(sheet), "--content", str(content)]) == 0
    capsys.readouterr()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Chè xanh")
    assert blob(repo, f"HEAD:content/products/{COOP_SLUG}/IMG_3001.jpg").startswith(POINTER_START)
    assert blob(repo, f"HEAD:content/products/{COOP_SLUG}/che-vang-2.jpg") == pointer
    assert cli_main(["validate", str(content), "--no-images", "--lang", "vi"]) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [line for line in out if ": lỗi: " in line]
    assert (
        len(errors) == 1
        and "che-vang-loai-2.md:16:5: lỗi: images[1]: “che-vang-2.jpg”" in errors[0]
        and "`git lfs pull`" in errors[0]
    )
    # `chophien new --image` refuses a pointer in place of the photo, with the same fix.
    capsys.readouterr()
    args[args.index("Chè xanh")] = "Chè xanh 2"
    args[args.index(str(photo))] = str(content / f"products/{COOP_SLUG}/che-vang-2.jpg")
    assert cli_main(args) == 1
    assert "nằm trong Git LFS nhưng chưa được tải về máy này" in capsys.readouterr().err


HOSTILE = {
    "huge size": POINTER_START + b"oid sha256:" + b"a" * 64 + b"\nsize " + b"9" * 40 + b"\n",
    "negative size": POINTER_START + b"oid sha256:" + b"a" * 64 + b"\nsize -5\n",
    "no size": POINTER_START + b"oid sha256:" + b"a" * 64 + b"\n",
    "truncated": POINTER_START + b"oid sha256:" + b"a" * 30,
    "short oid": POINTER_START + b"oid sha256:abc\nsize 12\n",
    "long": POINTER_START + b"x " * 400,
    "not utf-8": POINTER_START + b"oid sha256:\xff\xfe\nsize 1\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_damaged_pointer_says_upload_again(tree, name):
    content = tree({"cooperatives/htx-che-na-hang.md": COOP, f"products/{COOP_SLUG}/che-shan-tuyet.md": PRODUCT,
                    LEGACY_PHOTO: HOSTILE[name]})  # fmt: skip
    for with_images in (True, False):
        prepared = prepare(content, content.parent / ".cache", with_images=with_images)
        (problem,) = prepared.problems.sorted()
        assert problem.line == 7 and problem.message_vi.startswith(
            "“che.jpg”: không phải ảnh mà là một tệp con trỏ Git LFS bị hỏng"
        )
        assert "tải ảnh gốc lên lại" in problem.message_vi


def test_a_text_file_named_jpg_is_not_taken_for_a_pointer(tree):
    content = tree({"cooperatives/htx-che-na-hang.md": COOP, f"products/{COOP_SLUG}/che-shan-tuyet.md": PRODUCT,
                    LEGACY_PHOTO: b"version 1\noid sha256:x\nsize 3\n"})  # fmt: skip
    (problem,) = prepare(content, content.parent / ".cache").problems.sorted()
    assert "đây là tệp văn bản" in problem.message_vi and "LFS" not in problem.message_vi
    assert prepare(content, content.parent / ".cache", with_images=False).problems.sorted() == []


def test_the_repository_puts_new_photos_in_lfs_and_keeps_the_sample_photos_as_they_are():
    lines = (ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    rules = [line for line in lines if line and not line.startswith("#")]
    assert rules[: len(lfs_attributes())] == lfs_attributes()
    suffixes = sorted({s for line in lfs_attributes() for s in [line.split("*", 2)[2].split()[0]]})
    assert len(suffixes) == len(ACCEPTED_SUFFIXES)
    photos = [
        path
        for path in git(ROOT, "ls-files", "-z", "content").stdout.decode().split("\0")
        if os.path.splitext(path)[1].lower() in ACCEPTED_SUFFIXES
    ]
    assert len(photos) > 100
    names = [*photos, "content/products/htx-moi/IMG_0001.JPG", "content/cooperatives/htx-moi/anh.heic"]
    out = git(ROOT, "check-attr", "filter", "--", *names).stdout.decode().splitlines()
    filters = {line.rsplit(": ", 2)[0]: line.rsplit(": ", 1)[1] for line in out}
    committed = {p for p in photos if blob(ROOT, f"HEAD:{p}").startswith(POINTER_START)}
    # A photo committed as an ordinary file (the samples, before LFS) is never filtered, so a
    # clone with or without Git LFS checks it out as it is; every new photo goes to LFS.
    assert {p for p in photos if filters[p] == "lfs"} == committed
    assert (
        filters["content/products/htx-moi/IMG_0001.JPG"]
        == filters["content/cooperatives/htx-moi/anh.heic"]
        == "lfs"
    )
