"""The workflows pass actionlint; the pull-request workflow validates, builds and uploads a preview."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

from chophien.core.problems import ProblemList, render_github, render_markdown


def steps():
    workflow = yaml.safe_load((ROOT / ".github/workflows/pr.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as True
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_pull_requests_are_validated_built_and_previewed():
    runs = [step.get("run", "") for step in steps()]
    uses = [step.get("uses", "") for step in steps()]
    validate = runs.index('chophien validate content --format github --summary "$GITHUB_STEP_SUMMARY"')
    build = runs.index("pelican content -o output -s pelicanconf.py")
    upload = next(i for i, name in enumerate(uses) if name.startswith("actions/upload-artifact@"))
    assert validate < build < upload
    assert steps()[upload]["with"]["path"] == "output/"
    assert "chophien docs --check" in runs


def problems() -> ProblemList:
    found = ProblemList()
    found.add("content/products/a/b.md", 4, 1, "price", "“4.5” không rõ | giá", "ambiguous", "450.000")
    found.add("content/cooperatives/a.md", 3, 1, "province", "tên tỉnh cũ", "old name", severity="warning")
    return found


def test_annotations_point_at_the_line():
    assert render_github(problems()).splitlines() == [
        "::warning file=content/cooperatives/a.md,line=3,col=1::content/cooperatives/a.md:3:1: cảnh báo: "
        "province: tên tỉnh cũ.",
        "::error file=content/products/a/b.md,line=4,col=1::content/products/a/b.md:4:1: lỗi: price: "
        "“4.5” không rõ | giá. Ví dụ: 450.000",
    ]


def test_summary_table():
    assert render_markdown(problems(), files_checked=9).splitlines() == [
        "### Kiểm tra nội dung: 1 lỗi trong 1 tệp (1 cảnh báo, đã kiểm tra 9 tệp)",
        "",
        "| Tệp | Dòng | Trường | Mức | Vấn đề | Ví dụ |",
        "|---|---:|---|---|---|---|",
        "| `content/cooperatives/a.md` | 3 | province | cảnh báo | tên tỉnh cũ |  |",
        "| `content/products/a/b.md` | 4 | price | lỗi | “4\\.5” không rõ \\| giá | `450.000` |",
    ]
    assert render_markdown(ProblemList()).splitlines()[-1] == "✅ Không có lỗi."


def test_validate_appends_the_summary(tmp_path, capsys):
    from chophien.cli import main

    summary = tmp_path / "summary.md"
    summary.write_text("trước\n", encoding="utf-8")
    content = ROOT / "content"
    assert (
        main(["validate", str(content), "--no-images", "--format", "github", "--summary", str(summary)]) == 0
    )
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("trước\n### Kiểm tra nội dung: 0 lỗi trong 0 tệp")
    assert text.endswith("✅ Không có lỗi.\n")


# --- actionlint: a workflow GitHub would refuse to run fails here ---------------------------------


def actionlint(folder: Path, *files: str) -> subprocess.CompletedProcess:
    """Run the actionlint installed in this environment (test extras) on *files* inside *folder*."""
    binary = Path(sys.executable).parent / "actionlint"
    assert binary.exists(), "actionlint is missing: pip install -e '.[test]'"
    return subprocess.run(
        [str(binary), "-no-color", "-oneline", *files],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


def all_workflows() -> list[str]:
    return sorted(p.name for p in (ROOT / ".github/workflows").glob("*.y*ml"))


def test_workflows_pass_actionlint():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / ".github/workflows").glob("*.y*ml"))
    assert files == [
        ".github/workflows/lfs.yml",
        ".github/workflows/maintenance.yml",
        ".github/workflows/pages.yml",
        ".github/workflows/pr-preview.yml",
        ".github/workflows/pr.yml",
        ".github/workflows/publish.yml",
    ]
    result = actionlint(ROOT, *files)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_flags_actions_on_retired_node_runtimes(tmp_path):
    workflow = tmp_path / ".github/workflows/old.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(
        "name: old\n"
        "on: push\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v3\n"
        "      - uses: actions/setup-python@v5\n",
        encoding="utf-8",
    )
    result = actionlint(tmp_path, ".github/workflows/old.yml")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(".github/workflows/old.yml:7:15: ")
    assert '"actions/checkout@v3" action is retired on GitHub.com' in lines[0]
    assert lines[1].startswith('.github/workflows/old.yml:8:15: runtime "node20" is deprecated')
    assert '"actions/setup-python@v5"' in lines[1]


def test_pages_upload_wraps_a_current_upload_artifact():
    """actionlint cannot see inside composite actions: upload-pages-artifact v3 and v4 wrap
    upload-artifact@v4 (Node 20); v5 wraps upload-artifact@v7."""
    text = (ROOT / ".github/workflows/pages.yml").read_text(encoding="utf-8")
    assert "actions/upload-pages-artifact@v5" in text


def test_checkouts_leave_no_token_for_later_steps():
    for name in all_workflows():  # every workflow, including one added later
        workflow = yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))
        checkouts = [
            step
            for job in workflow["jobs"].values()
            for step in job.get("steps", [])  # a job calling a reusable workflow has none
            if step.get("uses", "").startswith("actions/checkout@")
        ]
        assert checkouts and all(step["with"]["persist-credentials"] is False for step in checkouts), name


def test_builds_fetch_the_lfs_photos_from_a_cache_keyed_by_the_pointers():
    """A build without `git lfs pull` would stop at every photo in LFS (a pointer): both builds fetch
    them first, the objects cached under the list of pointers, before any code of the repository runs."""
    for name in ("pr.yml", "publish.yml"):
        jobs = yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))["jobs"]
        job = next(iter(jobs.values()))  # the build (publish.yml's deploy job only deploys)
        runs = [step.get("run", "") for step in job["steps"]]
        listed = runs.index("git lfs ls-files --long | cut -d ' ' -f1 | sort > .lfs-objects")
        cache = job["steps"][listed + 1]
        assert cache["uses"].startswith("actions/cache@") and cache["with"]["path"] == ".git/lfs/objects"
        assert cache["with"]["key"] == "lfs-${{ hashFiles('.lfs-objects') }}"
        pull = next(i for i, run in enumerate(runs) if run.rstrip().endswith("lfs pull"))
        install = next(i for i, run in enumerate(runs) if "pip install" in run)
        assert listed < pull < install, name


def test_with_a_media_bucket_publish_fetches_the_photo_cache_then_only_the_originals_to_encode():
    """The bucket as the photo cache (docs/publishing.md): with CHOPHIEN_MEDIA_URL, no full `git lfs
    pull`; after installing, `fetch-cache`, then `git lfs pull --include` of `--lfs-needed`'s list,
    then the content check and the build. Without it, the full pull as before."""
    steps = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))["jobs"][
        "build"
    ]["steps"]
    runs = [step.get("run", "") for step in steps]
    full = next(i for i, run in enumerate(runs) if run.rstrip().endswith("lfs pull"))
    assert steps[full]["if"] == "vars.CHOPHIEN_MEDIA_URL == ''"
    install = next(i for i, run in enumerate(runs) if "pip install" in run)
    fetch = runs.index("python scripts/publish_media.py fetch-cache content")
    needed = next(i for i, run in enumerate(runs) if "--lfs-needed > .lfs-needed" in run)
    validate = next(i for i, run in enumerate(runs) if run.startswith("chophien validate"))
    build = next(i for i, run in enumerate(runs) if run.startswith("pelican content"))
    assert install < fetch < needed < validate < build
    assert 'lfs pull --include="$*"' in runs[needed] and "< .lfs-needed" in runs[needed]
    for step in (steps[fetch], steps[needed]):
        assert step["if"] == "vars.CHOPHIEN_MEDIA_URL != ''"
    assert steps[fetch]["env"]["CHOPHIEN_MEDIA_BUCKET"] == "${{ vars.CHOPHIEN_MEDIA_BUCKET }}"
    assert "TOKEN" not in steps[fetch]["env"] and "AWS_ACCESS_KEY_ID" not in steps[needed]["env"]
    # The Actions cache keeps the photo derivatives only when the bucket does not.
    caches = [step for step in steps if step.get("with", {}).get("path", "").startswith(".cache")]
    by_mode = {step["if"]: step["with"]["path"].split() for step in caches}
    assert by_mode == {
        "vars.CHOPHIEN_MEDIA_URL == ''": [".cache"],
        "vars.CHOPHIEN_MEDIA_URL != ''": [".cache", "!.cache/images"],
    }
    assert all(steps.index(step) < fetch for step in caches)


def test_pull_requests_turn_web_uploads_into_lfs_pointers():
    workflow = yaml.safe_load((ROOT / ".github/workflows/lfs.yml").read_text(encoding="utf-8"))
    convert, fork = workflow["jobs"]["chuyen-anh"], workflow["jobs"]["kiem-tra-fork"]
    assert convert["permissions"] == {"contents": "write", "actions": "write"}
    assert workflow["permissions"] == {"contents": "read"} and "permissions" not in fork
    script = convert["steps"][1]["run"]
    # The script of the base branch, never the pull request's own, and the token for the push only.
    assert 'git show "$BASE_SHA:scripts/lfs_convert.py"' in script and "python3 scripts/" not in script
    assert convert["steps"][2]["run"] == 'gh workflow run pr.yml --ref "$HEAD_REF"'
    assert "--check" in fork["steps"][1]["run"]


# --- the weekly maintenance run (docs/maintenance.md, "the weekly run") ---------------------------


def maintenance() -> tuple[dict, list[dict]]:
    workflow = yaml.safe_load((ROOT / ".github/workflows/maintenance.yml").read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    return workflow, job["steps"]


def test_maintenance_runs_weekly_and_by_hand_only_with_issue_rights():
    workflow, steps = maintenance()
    # Monday 01:00 UTC is 08:00 in Việt Nam; no pull-request or push trigger, no inputs to inject.
    assert workflow[True] == {"schedule": [{"cron": "0 1 * * 1"}], "workflow_dispatch": None}
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    (checkout,) = [step for step in steps if step.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}


def test_maintenance_runs_no_pull_request_controlled_text_and_gives_the_token_to_two_steps():
    text = (ROOT / ".github/workflows/maintenance.yml").read_text(encoding="utf-8")
    assert "github.event" not in text and "github.head_ref" not in text and "inputs." not in text
    _, steps = maintenance()
    assert all("${{" not in step.get("run", "") for step in steps)
    with_token = [step["name"] for step in steps if "github.token" in str(step.get("env", {}))]
    assert with_token == ["Tải ảnh gốc (Git LFS)", "Mở, cập nhật hoặc đóng issue bảo trì"]


def test_maintenance_reports_with_links_keeps_the_files_then_writes_the_issue():
    _, steps = maintenance()
    runs = [step.get("run", "") for step in steps]
    uses = [step.get("uses", "") for step in steps]
    listed = runs.index("git lfs ls-files --long | cut -d ' ' -f1 | sort > .lfs-objects")
    pull = next(i for i, run in enumerate(runs) if run.rstrip().endswith("lfs pull"))
    install = runs.index("python -m pip install -e .")
    links = next(i for i, step in enumerate(steps) if step.get("with", {}).get("path") == ".cache/links.json")
    report = next(i for i, run in enumerate(runs) if "chophien report" in run)
    upload = next(i for i, name in enumerate(uses) if name.startswith("actions/upload-artifact@"))
    issue = runs.index("python scripts/maintenance_issue.py bao-cao.json")
    assert listed < pull < install < links < report < upload < issue
    assert steps[links]["with"] == {
        "path": ".cache/links.json", "key": "links-${{ github.run_id }}", "restore-keys": "links-"
    }  # fmt: skip
    assert runs[report].splitlines() == [
        "chophien report content --check-links --format json --output bao-cao.json",
        "chophien report content --check-links --format markdown --output bao-cao.md",
    ]
    assert steps[upload]["with"]["name"] == "bao-cao-bao-tri"
    assert steps[upload]["with"]["path"].split() == ["bao-cao.json", "bao-cao.md"]
    assert steps[issue]["env"] == {"GH_TOKEN": "${{ github.token }}"}
    # The artifact's name is the one the issue body points to.
    from chophien.maintenance.issue import ARTIFACT

    assert ARTIFACT == "bao-cao-bao-tri"
    # The link cache lives where `chophien report` looks: CHOPHIEN_CACHE_PATH + /links.json.
    workflow, _ = maintenance()
    assert workflow["jobs"]["bao-tri"]["env"]["CHOPHIEN_CACHE_PATH"] == "${{ github.workspace }}/.cache"
# --- pull requests' previews on GitHub Pages (pr-preview.yml, pages.yml; docs/publishing.md) --------


def workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))


WRITES = {"write"}
PR_EVENT_DATA = re.compile(r"\$\{\{[^}]*github\.(event\.pull_request|head_ref|event\.issue|event\.comment)")


def write_permissions(job: dict) -> set[str]:
    return {scope for scope, level in (job.get("permissions") or {}).items() if level in WRITES}


def test_previews_run_on_the_base_branch_s_workflow_for_pull_requests_and_weekly():
    preview = workflow("pr-preview.yml")
    on = preview[True]
    assert set(on) == {"pull_request_target", "schedule", "workflow_dispatch"}
    assert on["pull_request_target"] == {"types": ["opened", "synchronize", "reopened", "closed"]}
    assert preview["permissions"] == {}  # each job asks for what it needs, nothing more
    assert preview["cache-mode"] == "read"
    assert preview["concurrency"]["cancel-in-progress"] is False
    jobs = preview["jobs"]
    assert (
        jobs["build"]["if"] == "github.event_name == 'pull_request_target' && github.event.action != 'closed'"
    )
    assert set(jobs) == {"build", "branch", "deploy", "comment"}


def test_each_preview_job_has_only_the_permissions_it_needs():
    jobs = workflow("pr-preview.yml")["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert jobs["branch"]["permissions"] == {"contents": "write", "pull-requests": "read"}
    deploy = {"contents": "read", "actions": "read", "pages": "write", "id-token": "write"}
    assert jobs["deploy"]["permissions"] == deploy and jobs["deploy"]["cache-mode"] == "none"
    assert jobs["comment"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert workflow("pages.yml")["jobs"]["deploy"]["permissions"] == deploy
    assert workflow("pages.yml")["permissions"] == {"contents": "read"}
    publish = workflow("publish.yml")
    assert publish["permissions"] == {"contents": "read"}
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == deploy


def test_no_secret_and_no_pull_request_text_reaches_a_script():
    """Titles, branch names and bodies are the author's text: in a `run:` they would be shell code.
    The preview workflows interpolate nothing at all into scripts; values arrive in the environment."""
    for name in all_workflows():
        text = (ROOT / ".github/workflows" / name).read_text(encoding="utf-8")
        for job_name, job in workflow(name)["jobs"].items():
            for step in job.get("steps", []):
                script = step.get("run", "")
                assert not PR_EVENT_DATA.search(script), (name, job_name, step.get("name"))
                if name in ("pr-preview.yml", "pages.yml"):
                    assert "${{" not in script, (name, job_name, step.get("name"))
        if name in ("pr-preview.yml", "pages.yml"):
            assert "secrets." not in text, name  # only the run's own token, per step
    jobs = workflow("pr-preview.yml")["jobs"]
    for job in ("build", "branch", "comment"):
        assert jobs[job]["env"]["PR"] == "${{ github.event.pull_request.number }}"  # the event's, trusted


def test_no_job_that_can_write_checks_out_or_fetches_the_pull_request():
    for name in ("pr-preview.yml", "pages.yml"):
        for job_name, job in workflow(name)["jobs"].items():
            steps = job.get("steps", [])
            checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout@")]
            scripts = "\n".join(s.get("run", "") for s in steps)
            for checkout in checkouts:  # main, or pull_request_target's default: the base branch
                assert checkout["with"].get("ref", "main") == "main", (name, job_name)
            if write_permissions(job) or "uses" in job:
                assert "refs/pull" not in scripts and "checkout" not in scripts, (name, job_name)
                assert job_name != "build"
    build = workflow("pr-preview.yml")["jobs"]["build"]
    assert not write_permissions(build)
    scripts = [s.get("run", "") for s in build["steps"]]
    fetch = next(i for i, run in enumerate(scripts) if "refs/pull/$PR/head" in run)
    # of the pull request's commit, only content/ is checked out, as files
    commands = [
        line.strip() for line in scripts[fetch].splitlines() if re.search(r"\bgit( -c \S+)* checkout ", line)
    ]
    assert commands == ['GIT_LFS_SKIP_SMUDGE=1 git -c core.hooksPath=/dev/null checkout "$head" -- content']
    assert "git lfs checkout content" in scripts[fetch]
    install = next(i for i, run in enumerate(scripts) if "pip install" in run)
    build_site = next(i for i, run in enumerate(scripts) if "pelican content" in run)
    assert fetch < install < build_site  # main's code installed; content/ is the only thing of the PR
    assert 'CHOPHIEN_PREVIEW="$PR"' in scripts[build_site] and "-s publishconf.py" in scripts[build_site]
    caches = [s["uses"] for s in build["steps"] if s.get("uses", "").startswith("actions/cache")]
    assert caches == ["actions/cache/restore@v6"]  # never saves a cache main restores


def test_the_preview_is_taken_from_the_artifact_checked_and_the_number_from_the_event():
    jobs = workflow("pr-preview.yml")["jobs"]
    upload = next(
        s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")
    )
    assert upload["with"] == {
        "name": "ban-xem-truoc",
        "path": "output/",
        "include-hidden-files": True,
        "retention-days": 1,
    }
    download = next(
        s for s in jobs["branch"]["steps"] if s.get("uses", "").startswith("actions/download-artifact@")
    )
    assert download["with"]["name"] == "ban-xem-truoc" and download["with"]["skip-decompress"] is True
    record = next(s for s in jobs["branch"]["steps"] if s.get("id") == "record")
    assert 'scripts/pages_site.py record --number "$PR" --artifact "$archive"' in record["run"]
    remove = next(s for s in jobs["branch"]["steps"] if s.get("id") == "remove")
    assert 'remove --number "$PR" --open "$open" --newest "$newest"' in remove["run"]
    assert remove["run"].index("--state all --limit 1") < remove["run"].index("--state open")
    assert jobs["deploy"]["uses"] == "./.github/workflows/pages.yml"
    assert (
        jobs["deploy"]["needs"] == "branch"
        and "needs.branch.outputs.changed == 'true'" in jobs["deploy"]["if"]
    )


def test_one_comment_is_edited_on_every_push():
    from chophien.publishing.pages_site import MARKER

    (step,) = workflow("pr-preview.yml")["jobs"]["comment"]["steps"][1:]
    script = step["run"]
    assert f'startswith("{MARKER}")' in script and 'select(.user.login == "github-actions[bot]"' in script
    assert "--method PATCH" in script and "issues/comments/$id" in script
    post = script.index("--method POST")
    assert script.index('elif [ "$CLOSED" != true ]') < post  # a closed pull request gets no new comment


def test_every_deploy_assembles_production_and_the_previews_one_at_a_time():
    pages = workflow("pages.yml")
    assert set(pages[True]) == {"workflow_call"}
    (job,) = pages["jobs"].values()
    assert job["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    uses = [s.get("uses", "") for s in job["steps"]]
    runs = [s.get("run", "") for s in job["steps"]]
    find = next(
        i for i, run in enumerate(runs) if "actions/workflows/publish.yml/runs?branch=main&event=push" in run
    )
    download = next(i for i, u in enumerate(uses) if u.startswith("actions/download-artifact@"))
    assemble = next(i for i, run in enumerate(runs) if "scripts/pages_site.py assemble" in run)
    upload = uses.index("actions/upload-pages-artifact@v5")
    assert find < download < assemble < upload < uses.index("actions/deploy-pages@v5")
    assert job["steps"][download]["with"]["name"] == "trang-chinh-thuc"
    assert job["steps"][upload]["with"]["path"] == "_site/"
    # production keeps its build for it, and deploys only through it
    publish = workflow("publish.yml")
    keep = next(
        s
        for s in publish["jobs"]["build"]["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact@")
    )
    assert keep["with"]["name"] == "trang-chinh-thuc" and keep["with"]["include-hidden-files"] is True
    assert publish["jobs"]["deploy"]["uses"] == "./.github/workflows/pages.yml"
    assert publish["concurrency"]["group"] != "pages"  # it would wait on itself
    for name in ("publish.yml", "pr-preview.yml", "pr.yml", "lfs.yml"):
        text = (ROOT / ".github/workflows" / name).read_text(encoding="utf-8")
        assert "deploy-pages" not in text and "upload-pages-artifact" not in text, name


def _git(cwd: Path, *args: str) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_AUTHOR_DATE": "2026-12-01T10:00:00+07:00",
        "GIT_COMMITTER_DATE": "2026-12-01T10:00:00+07:00",
    }
    result = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _commit(repo: Path, files: dict, message: str) -> str:
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, tuple):  # ("symlink", target)
            path.symlink_to(text[1])
        else:
            path.write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", message)
    return _git(repo, "rev-parse", "HEAD")


def test_the_preview_build_takes_only_the_pull_request_s_content(tmp_path):
    """The build job's own script, run against a real repository with pull request refs: content/
    of the head replaces main's, nothing else changes; code changes are told from the merge base."""
    remote = tmp_path / "github.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    author = tmp_path / "author"
    _git(tmp_path, "clone", "-q", str(remote), str(author))
    _commit(author, {"chophien/code.py": "v1\n", "content/a.md": "main\n", "README.md": "r1\n"}, "main")
    _git(author, "push", "-q", "origin", "main")
    pulls = {
        5: {
            "content/a.md": "pr 5\n",
            "content/b.md": "new\n",
            "chophien/code.py": "import os; os.system('x')\n",
        },
        6: {"content/a.md": "pr 6\n"},
        7: {},  # content/ itself becomes a link to the runner's files
    }
    for number, files in pulls.items():
        _git(author, "checkout", "-q", "-B", f"pr{number}", "main")
        if number == 7:
            _git(author, "rm", "-rq", "content")
            _commit(author, {"content": ("symlink", "/etc")}, "pr 7")
        else:
            _commit(author, files, f"pr {number}")
        _git(author, "push", "-q", "origin", f"HEAD:refs/pull/{number}/head")
    _git(author, "checkout", "-q", "main")
    _commit(author, {"README.md": "r2\n"}, "main moves on after the pull requests branched")
    _git(author, "push", "-q", "origin", "main")

    script = next(
        s["run"] for s in workflow("pr-preview.yml")["jobs"]["build"]["steps"] if s.get("id") == "content"
    )
    results = {}
    for number in pulls:
        runner = tmp_path / f"runner{number}"
        _git(tmp_path, "clone", "-q", str(remote), str(runner))  # actions/checkout: the base branch
        output = tmp_path / f"output{number}"
        output.write_text("")
        env = dict(
            os.environ, PR=str(number), TOKEN="not-a-token", GITHUB_OUTPUT=str(output), HOME=str(tmp_path)
        )
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=runner,
            env=env,
            capture_output=True,
            text=True,
        )
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        results[number] = (result, runner, outputs)
    result, runner, outputs = results[5]
    assert result.returncode == 0, result.stderr
    assert (runner / "content/a.md").read_text() == "pr 5\n" and (
        runner / "content/b.md"
    ).read_text() == "new\n"
    assert (runner / "chophien/code.py").read_text() == "v1\n"  # main's code, not the pull request's
    assert (runner / "README.md").read_text() == "r2\n"
    assert outputs == {"sha": _git(runner, "rev-parse", "refs/remotes/pull/head"), "code-changed": "true"}
    result, runner, outputs = results[6]
    assert result.returncode == 0, result.stderr
    assert (runner / "content/a.md").read_text() == "pr 6\n"
    assert outputs["code-changed"] == "false"  # main's own later change to README.md is not the PR's
    result, runner, outputs = results[7]
    assert result.returncode == 1
    assert "::error::content/ của pull request không phải một thư mục" in result.stdout
