"""The workflows pass actionlint; the pull-request workflow validates, builds and uploads a preview."""

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


def test_workflows_pass_actionlint():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / ".github/workflows").glob("*.y*ml"))
    assert files == [
        ".github/workflows/lfs.yml",
        ".github/workflows/maintenance.yml",
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
    text = (ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    assert "actions/upload-pages-artifact@v5" in text


def test_checkouts_leave_no_token_for_later_steps():
    for name in ("lfs.yml", "pr.yml", "publish.yml"):
        workflow = yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))
        checkouts = [
            step
            for job in workflow["jobs"].values()
            for step in job["steps"]
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
