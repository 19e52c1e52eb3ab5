"""chophien.assessment.loader: the folder rules, the bundled assessments, and survey names that pages use."""

from __future__ import annotations

from conftest import ROOT
from survey_samples import GOOD, SURVEY, check, survey_tree

from chophien.site.build import prepare


def test_survey_folder_rules(tree):
    files = survey_tree(GOOD)
    files["assessments/thu/published.yaml"] = "source: Báo\n"
    files["assessments/thu/danh-sach-goc.xlsx"] = b"PK"
    files["assessments/cu/survey.yaml"] = SURVEY.replace("{n}", "3").replace("model: thu-3", "model: thu3")
    files["assessments/cu/published.yaml"] = (
        "source: Báo\nequipment:\n  - categories: [may]\n    percent: 120\n"
    )
    lines, _ = check(tree, files)
    assert lines == [
        "content/assessments/cu/survey.yaml:7:1: lỗi: model: không có bộ tiêu chí "
        "content/assessments/models/thu3.yaml; có phải “thu-3”? Ví dụ: model: thu-3",
        "content/assessments/thu: lỗi: cần đúng một trong hai tệp: responses.csv (phiếu trả lời) "
        "hoặc published.yaml (số liệu đã công bố).",
        "content/assessments/thu/danh-sach-goc.xlsx: lỗi: tệp lạ trong thư mục khảo sát: chỉ có survey.yaml "
        "và responses.csv hoặc published.yaml (không để phiếu gốc, danh sách tên hay số điện thoại ở đây).",
    ]


def test_bundled_assessments_load_clean(tmp_path):
    prepared = prepare(ROOT / "content", tmp_path / ".cache", with_images=False)
    assert [p.render() for p in prepared.problems.sorted() if "assessments" in p.path] == []
    slugs = [s.slug for s in prepared.catalogue.assessments.surveys]
    assert slugs == ["khao-sat-mau-2026", "khao-sat-htx-2022"]


def test_sample_survey_csv_is_what_the_script_writes():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/make_sample_survey.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_survey_slugs_do_not_clash_with_pages(tree):
    files = survey_tree(GOOD)
    files = {k.replace("assessments/thu/", "assessments/so-sanh/"): v for k, v in files.items()}
    lines, _ = check(tree, files)
    assert lines == [
        "content/assessments/so-sanh: lỗi: tên “so-sanh” đã dùng cho trang khác; hãy đặt tên khác. "
        "Ví dụ: khao-sat-so-sanh"
    ]
