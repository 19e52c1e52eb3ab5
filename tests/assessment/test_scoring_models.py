"""chophien.assessment.scoring_models: a model is a file (no code), and its errors are located."""

from __future__ import annotations

from survey_samples import GOOD, MODEL, check, survey_tree


def test_a_second_model_is_a_file_and_scores(tree):
    lines, prepared = check(tree, survey_tree(GOOD))
    assert lines == []
    assessments = prepared.catalogue.assessments
    (survey,) = assessments.surveys
    assert survey.model.slug == "thu-3"
    first, second = survey.responses
    # a: 3/10 > 25% → 1; b: 6/10 > 50% → 2; c: 5/10 = 50% → 1; total 14 ≤ 15 → 1
    assert first.score.pillar_levels == (1, 2, 1) and first.score.total == 14 and first.score.level == 1
    assert second.score.level == 0 and second.cooperative is None
    assert [r.survey.slug for r in assessments.results_for("htx-che-na-hang")] == ["thu"]


def test_model_errors_are_located(tree):
    model = MODEL.replace("pillar_above: 50, total_above: 15", "pillar_above: 20, total_above: 15").replace(
        "    max: 10\n    criteria:\n      - {key: c1", "    max: 12\n    criteria:\n      - {key: c1"
    )
    lines, _ = check(tree, survey_tree(GOOD, **{"assessments/models/thu-3.yaml": model}))
    assert lines == [
        "content/assessments/models/thu-3.yaml:8:27: lỗi: levels[3].pillar_above: phải lớn hơn pillar_above của mức 1 (25).",
        "content/assessments/models/thu-3.yaml:25:5: lỗi: pillars[3].max: điểm tối đa 12 khác tổng điểm tối đa "
        "các tiêu chí (10). Ví dụ: max: 10",
    ]
