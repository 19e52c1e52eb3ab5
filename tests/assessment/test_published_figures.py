"""chophien.assessment.published_figures: published.yaml checked against the survey's model."""

from __future__ import annotations

from survey_samples import GOOD, check, survey_tree


def test_published_figures_are_checked_against_the_model(tree):
    files = survey_tree(GOOD)
    del files["assessments/thu/responses.csv"]
    files["assessments/thu/published.yaml"] = (
        "source: Báo Nông thôn\n"
        "placements:\n  - {group: Miền núi, level: 4}\n"
        "equipment:\n"
        "  - categories: [khong-co]\n    percent: 80\n"
        "  - categories: [may]\n    percent: '30,5'\n"
    )
    lines, _ = check(tree, files)
    assert lines == [
        "content/assessments/thu/published.yaml:3:23: lỗi: placements[1].level: bộ tiêu chí Thử 3 chỉ có các mức 0–2.",
        "content/assessments/thu/published.yaml:4:1: lỗi: equipment: các tỉ lệ cộng lại 110,5%, quá 100%.",
        "content/assessments/thu/published.yaml:7:18: lỗi: equipment[2].categories[1]: không có loại thiết bị "
        "“may” trong Thử 3; có phải “co-may”? Ví dụ: categories: [co-may]",
    ]
