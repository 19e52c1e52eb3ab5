"""Pull requests' previews on GitHub Pages: hostile artifacts refused, the pr-previews branch, the assembled site.

Real files and a real git remote (a bare repository in tmp_path); scripts/pages_site.py is run as
the workflows run it, with the system's Python and without the package installed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from chophien.publishing import pages_site
from chophien.publishing.pages_site import Branch, Limits, PagesSiteError
from chophien.site import urls

SCRIPT = ROOT / "scripts" / "pages_site.py"
GIT_ENV = {
    "GIT_AUTHOR_DATE": "2026-12-01T10:00:00+07:00",
    "GIT_COMMITTER_DATE": "2026-12-01T10:00:00+07:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def site(folder: Path, title: str, extra: dict | None = None) -> Path:
    files = {
        "index.html": f"<!doctype html><title>{title}</title><link rel=stylesheet href=theme/css/site.css>",
        "theme/css/site.css": "body{color:#123}",
        "san-pham/index.html": f"<p>{title}</p>",
        ".htaccess": "Options -Indexes\n",
    }
    files.update(extra or {})
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def zip_of(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder).as_posix())
    return archive


def hostile_zip(archive: Path, members: list[tuple[str, bytes, int]]) -> Path:
    """(name, bytes, Unix mode) members, written as given: zipfile does not clean names it writes."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("index.html", "<p>ok</p>")
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)
    return archive


def everything_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


# --- untrusted artifacts -----------------------------------------------------------------------


def test_a_built_site_extracts_as_it_was(tmp_path):
    built = site(tmp_path / "built", "PR 7")
    files, size = pages_site.extract_zip(zip_of(built, tmp_path / "a.zip"), tmp_path / "out")
    assert everything_under(tmp_path / "out") == everything_under(built)
    assert (tmp_path / "out/index.html").read_bytes() == (built / "index.html").read_bytes()
    assert files == 4 and size == sum(p.stat().st_size for p in built.rglob("*") if p.is_file())
    assert stat.S_IMODE((tmp_path / "out/theme/css/site.css").stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("name", "mode", "said"),
    [
        ("../evil.html", 0o100644, "unsafe path"),
        ("a/../../evil.html", 0o100644, "unsafe path"),
        ("/tmp/evil.html", 0o100644, "unsafe path"),
        ("a\\..\\evil.html", 0o100644, "unsafe path"),
        ("a\nb.html", 0o100644, "unsafe path"),
        (".git/config", 0o100644, "unsafe path"),
        ("x/.gitattributes", 0o100644, "unsafe path"),
        ("link.html", 0o120777, "not a regular file"),
        ("fifo", 0o010644, "not a regular file"),
        ("INDEX.HTML", 0o100644, "repeated name"),
    ],
)
def test_a_hostile_artifact_is_refused_and_nothing_is_written(tmp_path, name, mode, said):
    data = b"/etc/passwd" if stat.S_ISLNK(mode) else b"<script>alert(1)</script>"
    archive = hostile_zip(tmp_path / "bad.zip", [(name, data, mode)])
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(PagesSiteError) as error:
        pages_site.extract_zip(archive, work / "out")
    assert said in str(error.value) and "\n" not in str(error.value)
    assert not (work / "out").exists()
    assert everything_under(work) == [] and not (tmp_path / "evil.html").exists()
    assert not Path("/tmp/evil.html").exists()


def test_a_huge_file_is_refused_on_the_bytes_written_not_the_zip_s_claim(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("index.html", "<p>ok</p>")
        with out.open("media/huge.jpg", "w") as member:  # 96 MB of zeros: ~100 KB compressed
            for _ in range(96):
                member.write(bytes(1024 * 1024))
    assert archive.stat().st_size < 1024 * 1024
    with pytest.raises(PagesSiteError, match="media/huge.jpg exceeds 95 MB"):
        pages_site.extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # a header that understates the size changes nothing: the bytes are counted as written
    lying = tmp_path / "lying.zip"
    with zipfile.ZipFile(lying, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("index.html", "x" * 5000)
    data = bytearray(lying.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # uncompressed size: 10 bytes
    lying.write_bytes(bytes(data))
    with pytest.raises(PagesSiteError):
        pages_site.extract_zip(lying, tmp_path / "out2", Limits(file_bytes=1000))
    assert not (tmp_path / "out2").exists()


def test_too_many_files_or_bytes_in_all_are_refused(tmp_path):
    built = site(tmp_path / "built", "x")
    archive = zip_of(built, tmp_path / "a.zip")
    with pytest.raises(PagesSiteError, match="more than 3 files"):
        pages_site.extract_zip(archive, tmp_path / "o1", Limits(files=3))
    with pytest.raises(PagesSiteError, match="exceeds"):
        pages_site.extract_zip(archive, tmp_path / "o2", Limits(total_bytes=60))
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()
    (tmp_path / "junk.zip").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(PagesSiteError, match="damaged zip"):
        pages_site.extract_zip(tmp_path / "junk.zip", tmp_path / "o3")


def test_a_tree_with_a_symlink_or_a_fifo_or_no_home_page_is_refused(tmp_path):
    built = site(tmp_path / "built", "x")
    assert pages_site.check_tree(built, pages_site.PREVIEW_LIMITS) == (
        4,
        sum(p.stat().st_size for p in built.rglob("*") if p.is_file()),
    )
    (built / "san-pham" / "secret").symlink_to("/etc/passwd")
    with pytest.raises(PagesSiteError, match="san-pham/secret.*not a regular file"):
        pages_site.check_tree(built, pages_site.PREVIEW_LIMITS)
    (built / "san-pham" / "secret").unlink()
    os.mkfifo(built / "pipe")
    with pytest.raises(PagesSiteError, match="pipe.*not a regular file"):
        pages_site.check_tree(built, pages_site.PREVIEW_LIMITS)
    (built / "pipe").unlink()
    (built / "index.html").unlink()
    with pytest.raises(PagesSiteError, match="has no index.html"):
        pages_site.check_tree(built, pages_site.PREVIEW_LIMITS)


# --- the previews tree and the assembled site --------------------------------------------------


def test_the_previews_folder_is_the_site_s(tmp_path):
    assert pages_site.PREVIEWS == urls.PREVIEWS
    assert urls.preview_folder(7) == "pr-preview/7/"


def test_record_replace_remove_and_prune(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    pages_site.record(tree, 7, site(tmp_path / "a", "A", {"old.html": "gone next time"}))
    pages_site.record(tree, 9, site(tmp_path / "b", "B"))
    pages_site.record(tree, 7, site(tmp_path / "c", "C"))
    assert pages_site.previews_in(tree) == {7, 9}
    assert not (tree / "pr-preview/7/old.html").exists()
    assert "C" in (tree / "pr-preview/7/index.html").read_text()
    pages_site.record(tree, 15, site(tmp_path / "e", "E"))  # opened after the list below was taken
    assert pages_site.prune(tree, {9, 12}, newest=14) == [7]
    assert pages_site.previews_in(tree) == {9, 15}
    assert pages_site.prune(tree, {9, 12}) == [15]
    assert pages_site.remove(tree, [9, 30]) == [9]
    assert pages_site.previews_in(tree) == set() and everything_under(tree) == []
    with pytest.raises(PagesSiteError, match="is not a pull request's number"):
        pages_site.record(tree, "../7", site(tmp_path / "d", "D"))


def test_a_previews_tree_holding_anything_else_is_refused(tmp_path):
    tree = tmp_path / "tree"
    (tree / "pr-preview" / "7").mkdir(parents=True)
    (tree / "index.html").write_text("a fake home page")
    with pytest.raises(PagesSiteError, match="outside pr-preview/"):
        pages_site.previews_in(tree)
    (tree / "index.html").unlink()
    (tree / "pr-preview" / "admin").mkdir()
    with pytest.raises(PagesSiteError, match="pr-preview/admin is not a preview"):
        pages_site.previews_in(tree)


def test_assemble_production_and_every_preview(tmp_path):
    production = site(tmp_path / "production", "Chợ phiên")
    tree = tmp_path / "tree"
    tree.mkdir()
    pages_site.record(tree, 7, site(tmp_path / "p7", "PR 7"))
    pages_site.record(tree, 12, site(tmp_path / "p12", "PR 12"))
    out = tmp_path / "out"
    done = pages_site.assemble(production, tree, out)
    assert (done.files, done.previews, done.left_out) == (12, [7, 12], [])
    assert done.bytes == sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    assert (out / "index.html").read_text() == (production / "index.html").read_text()
    assert "PR 7" in (out / "pr-preview/7/index.html").read_text()
    assert "PR 12" in (out / "pr-preview/12/san-pham/index.html").read_text()
    with pytest.raises(PagesSiteError, match="already exists"):
        pages_site.assemble(production, tree, out)
    # production may not hold the previews' folder
    (production / "pr-preview").mkdir()
    with pytest.raises(PagesSiteError, match="production build already has pr-preview/"):
        pages_site.assemble(production, tree, tmp_path / "out2")
    assert not (tmp_path / "out2").exists()
    (production / "pr-preview").rmdir()


def test_a_bad_or_oversized_preview_is_left_out_and_production_still_goes(tmp_path):
    production = site(tmp_path / "production", "Chợ phiên")
    tree = tmp_path / "tree"
    tree.mkdir()
    for number in (3, 7, 12):
        pages_site.record(tree, number, site(tmp_path / f"p{number}", f"PR {number}"))
    (tree / "pr-preview/7/token").symlink_to(Path.home() / ".gitconfig")
    done = pages_site.assemble(production, tree, tmp_path / "out")
    assert done.previews == [3, 12] and [n for n, _ in done.left_out] == [7]
    assert "not a regular file" in done.left_out[0][1]
    assert sorted(os.listdir(tmp_path / "out" / "pr-preview")) == ["12", "3"]
    assert everything_under(tmp_path / "out" / "pr-preview" / "3") == everything_under(tmp_path / "p3")
    assert not (tmp_path / "out" / "pr-preview" / "7").exists()
    # Pages' size limit: production fits, the second preview does not
    room = pages_site.Limits(files=10, total_bytes=10**6)
    done = pages_site.assemble(production, tree, tmp_path / "out2", room)
    assert done.previews == [3] and [n for n, _ in done.left_out] == [7, 12]
    assert "no room left on GitHub Pages" in done.left_out[1][1]
    assert (tmp_path / "out2/index.html").is_file() and not (tmp_path / "out2/pr-preview/12").exists()


def test_the_comment_names_the_address_and_says_when_code_changed(tmp_path):
    address = pages_site.preview_address("https://owner.github.io/cho/", 7)
    assert address == "https://owner.github.io/cho/pr-preview/7/"
    body = pages_site.comment_body(7, address, "0123456789abcdef", code_changed=False)
    assert body.splitlines()[0] == pages_site.MARKER
    assert f"({address})" in body and "`0123456`" in body and "mã nguồn" not in body
    changed = pages_site.comment_body(7, address, "zzz", code_changed=True)
    assert "sửa cả mã nguồn" in changed and "code outside `content/`" in changed and "`zzz`" not in changed
    removed = pages_site.comment_body(7, "", "", code_changed=False, removed=True)
    assert removed.startswith(pages_site.MARKER) and "đã được gỡ" in removed and "/pr-preview/" not in removed
    for bad in ("javascript:alert(1)", "https://x.example/a b", "https://x.example/)[y](z"):
        with pytest.raises(PagesSiteError):
            pages_site.preview_address(bad, 7)


# --- the pr-previews branch, on a real git remote ----------------------------------------------


def git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_ENV)
    result = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    """A clone of a bare 'GitHub' repository whose main branch has one commit."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    (clone / "README.md").write_text("chợ phiên\n")
    git(clone, "add", "README.md")
    git(clone, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "main")
    git(clone, "push", "-q", "origin", "main")
    return clone


def branch_files(repo: Path) -> list[str]:
    git(repo, "fetch", "-q", "origin", "+refs/heads/pr-previews:refs/remotes/origin/pr-previews")
    return git(repo, "ls-tree", "-r", "--name-only", "origin/pr-previews").splitlines()


def test_record_pushes_one_orphan_commit_and_keeps_the_other_previews(repo, tmp_path):
    branch = Branch(repo)
    for number in (7, 9, 7):
        built = site(tmp_path / f"s{number}-{len(list(tmp_path.iterdir()))}", f"PR {number}")
        assert branch.update(
            lambda tree, n=number, b=built: (pages_site.record(tree, n, b), True)[1], f"#{number}"
        )
    assert sorted(branch_files(repo)) == sorted(
        f"pr-preview/{n}/{name}"
        for n in (7, 9)
        for name in (".htaccess", "index.html", "san-pham/index.html", "theme/css/site.css")
    )
    assert git(repo, "rev-list", "--count", "origin/pr-previews") == "1"  # no history piles up
    assert git(repo, "log", "-1", "--format=%an", "origin/pr-previews") == "github-actions[bot]"
    assert (
        git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main" and git(repo, "status", "--porcelain") == ""
    )
    # nothing to change: nothing pushed
    tip = git(repo, "rev-parse", "origin/pr-previews")
    assert branch.update(lambda tree: bool(pages_site.prune(tree, {7, 9})), "prune") is False
    assert git(repo, "ls-remote", "origin", "pr-previews").split()[0] == tip


def test_a_push_that_loses_a_race_is_redone_on_the_new_tip(repo, tmp_path):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(other))
    raced = []

    def change(tree: Path) -> bool:
        if not raced:  # another job records preview 5 between our fetch and our push
            raced.append(1)
            Branch(other).update(
                lambda t: (pages_site.record(t, 5, site(tmp_path / "s5", "PR 5")), True)[1], "#5"
            )
        pages_site.record(tree, 6, site(tmp_path / f"s6-{len(raced)}", "PR 6"))
        raced.append(1)
        return True

    assert Branch(repo).update(change, "#6")
    files = branch_files(repo)
    assert "pr-preview/5/index.html" in files and "pr-preview/6/index.html" in files
    assert len(raced) == 3  # our change ran twice: once lost, once pushed


def test_a_branch_holding_a_symlink_is_refused_before_anything_is_written(repo, tmp_path):
    hostile = tmp_path / "hostile"
    git(tmp_path, "clone", "-q", str(tmp_path / "remote.git"), str(hostile))
    git(hostile, "checkout", "-q", "--orphan", "pr-previews")
    git(hostile, "rm", "-rfq", ".")
    (hostile / "pr-preview" / "7").mkdir(parents=True)
    (hostile / "pr-preview" / "7" / "index.html").symlink_to("/etc/passwd")
    git(hostile, "add", "-A")
    git(hostile, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "hostile")
    git(hostile, "push", "-q", "origin", "pr-previews")
    with pytest.raises(PagesSiteError, match="index.html.*not a regular file"):
        Branch(repo).fetch(tmp_path / "into")
    assert everything_under(tmp_path / "into") == []


def run_script(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """As the workflows run it: the runner's Python, isolated from this environment's packages."""
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=dict(os.environ, **GIT_ENV),
    )


def test_the_script_records_removes_prunes_and_assembles(repo, tmp_path):
    archive = zip_of(site(tmp_path / "p7", "PR 7"), tmp_path / "p7.zip")
    output = tmp_path / "github-output"
    result = run_script(
        "record", "--number", "7", "--artifact", str(archive), "--changed-to", str(output), cwd=repo
    )
    assert result.returncode == 0, result.stderr
    assert output.read_text() == "changed=true\n"
    assert run_script("record", "--number", "8", "--artifact", str(archive), cwd=repo).returncode == 0
    assert run_script("record", "--number", "9", "--artifact", str(archive), cwd=repo).returncode == 0
    production = zip_of(site(tmp_path / "production", "Chợ phiên"), tmp_path / "production.zip")
    result = run_script(
        "assemble", "--production", str(production), "--out", str(tmp_path / "_site"), cwd=repo
    )
    assert result.returncode == 0, result.stderr
    assert "bản xem trước: #7, #8, #9" in result.stdout
    assert "PR 7" in (tmp_path / "_site/pr-preview/7/index.html").read_text()
    # pull request 8 closes; 9 closed earlier without its event: both go, 7 stays
    result = run_script("remove", "--number", "8", "--open", "7 8", "--changed-to", str(output), cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "#8, #9" in result.stdout and output.read_text().splitlines()[-1] == "changed=true"
    assert {name.split("/")[1] for name in branch_files(repo)} == {"7"}
    result = run_script("prune", "--open", "7", "--changed-to", str(output), cwd=repo)
    assert result.returncode == 0 and output.read_text().splitlines()[-1] == "changed=false"
    # a pull request opened after the list of open ones was taken keeps its preview
    assert run_script("record", "--number", "20", "--artifact", str(archive), cwd=repo).returncode == 0
    result = run_script("prune", "--open", "7", "--newest", "19", "--changed-to", str(output), cwd=repo)
    assert result.returncode == 0 and output.read_text().splitlines()[-1] == "changed=false"
    assert {name.split("/")[1] for name in branch_files(repo)} == {"7", "20"}


def test_the_script_refuses_a_hostile_artifact_in_one_line_and_leaves_the_branch(repo, tmp_path):
    good = zip_of(site(tmp_path / "p7", "PR 7"), tmp_path / "p7.zip")
    assert run_script("record", "--number", "7", "--artifact", str(good), cwd=repo).returncode == 0
    tip = git(repo, "ls-remote", "origin", "pr-previews").split()[0]
    bad = hostile_zip(tmp_path / "bad.zip", [("../../../pwned\n::error::x", b"x", 0o100644)])
    for args in (
        ("record", "--number", "7", "--artifact", str(bad)),
        ("record", "--number", "7$(id)", "--artifact", str(good)),
        ("remove", "--number", "8", "--open", "7 x"),
    ):
        result = run_script(*args, cwd=repo)
        assert result.returncode == 1, args
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("lỗi: ")  # no workflow command
    assert git(repo, "ls-remote", "origin", "pr-previews").split()[0] == tip
