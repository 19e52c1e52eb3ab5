"""The pull-request workflow validates with annotations and a summary, builds, and uploads a preview."""

import yaml
from conftest import ROOT

from chophien.problems import ProblemList, render_github, render_markdown


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
    upload = uses.index("actions/upload-artifact@v4")
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
