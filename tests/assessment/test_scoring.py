"""chophien.assessment.scoring: every level boundary, and the DBI model against hand-computed and reference numbers."""

from __future__ import annotations

import pytest
from conftest import ROOT

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.scoring import overall_level, pillar_level, score
from chophien.assessment.scoring_models import load_model
from chophien.core.problems import ProblemList

DBI = [(1, 10), (2, 20), (3, 40), (4, 60), (5, 80)]
DBI_OVERALL = [(1, 20, 4), (2, 64, 4), (3, 128, 4), (4, 192, 5), (5, 256, 6)]


@pytest.fixture(scope="module")
def dbi():
    problems = ProblemList()
    model = load_model(
        AssessmentFiles(ROOT / "content", problems), ROOT / "content/assessments/models/dbi-2021.yaml"
    )
    assert model is not None, [p.render() for p in problems.sorted()]
    return model


@pytest.mark.parametrize(
    "points, maximum, level",
    [
        (0, 50, 0),
        (5, 50, 0),  # exactly 10%: not above
        (6, 50, 1),
        (10, 50, 1),  # exactly 20%
        (11, 50, 2),
        (20, 50, 2),  # exactly 40%
        (21, 50, 3),
        (30, 50, 3),  # exactly 60%
        (31, 50, 4),
        (40, 50, 4),  # exactly 80%
        (41, 50, 5),
        (50, 50, 5),
        (6, 65, 0),  # 9.2%
        (7, 65, 1),  # 10.8%
        (13, 65, 1),  # 20% of 65 exactly
        (14, 65, 2),
        (52, 65, 4),  # 80% of 65 exactly
        (53, 65, 5),
        (2, 25, 0),
        (3, 25, 1),
        (28, 35, 4),  # 80% of 35 exactly
        (29, 35, 5),
    ],
)
def test_pillar_level_at_every_boundary(points, maximum, level):
    assert pillar_level(points, maximum, DBI) == level


@pytest.mark.parametrize(
    "total, pillar_levels, level",
    [
        (20, (1, 1, 1, 1, 1, 1), 0),  # total not above 20
        (21, (1, 1, 1, 1, 0, 0), 1),
        (25, (1, 1, 1, 0, 0, 0), 0),  # total above 20 but only 3 pillars at level 1
        (64, (2, 2, 2, 2, 2, 2), 1),  # six pillars at 2, total not above 64
        (65, (2, 2, 2, 2, 1, 1), 2),
        (100, (2, 2, 2, 1, 1, 1), 1),  # total for 2, pillars for 1
        (128, (3, 3, 3, 3, 3, 3), 2),
        (129, (3, 3, 3, 3, 0, 0), 3),
        (200, (4, 4, 4, 4, 3, 3), 3),  # total for 4, only four pillars at 4
        (193, (4, 4, 4, 4, 4, 0), 4),
        (192, (4, 4, 4, 4, 4, 4), 3),
        (256, (5, 5, 5, 5, 5, 5), 4),
        (257, (5, 5, 5, 5, 5, 5), 5),
        (300, (5, 5, 5, 5, 5, 4), 4),  # five pillars at 5 are not enough for 5
        (0, (0, 0, 0, 0, 0, 0), 0),
    ],
)
def test_overall_level_needs_both_total_and_pillar_count(total, pillar_levels, level):
    assert overall_level(total, pillar_levels, DBI_OVERALL) == level


def _fill(model, pillar_points):
    """Spread each pillar's points over its criteria (each up to its maximum)."""
    points = {}
    for pillar, total in zip(model.pillars, pillar_points, strict=True):
        for criterion in pillar.criteria:
            given = min(total, criterion.maximum)
            points[criterion.key] = given
            total -= given
        assert total == 0
    return points


@pytest.mark.parametrize(
    "pillar_points, pillar_levels, level",
    [
        # exactly 20% of every pillar: all at 1; total 64 is not above 64
        ((13, 5, 16, 13, 10, 7), (1, 1, 1, 1, 1, 1), 1),
        ((14, 6, 17, 14, 11, 8), (2, 2, 2, 2, 2, 2), 2),
        ((14, 6, 17, 14, 10, 7), (2, 2, 2, 2, 1, 1), 2),
        # total 67 is enough for level 2, three pillars at 2 are not
        ((14, 6, 17, 13, 10, 7), (2, 2, 2, 1, 1, 1), 1),
        # four pillars at 3 but a total of 98: level 2
        ((27, 11, 33, 27, 0, 0), (3, 3, 3, 3, 0, 0), 2),
        ((27, 11, 33, 27, 21, 10), (3, 3, 3, 3, 3, 2), 3),  # total 129
        ((27, 11, 33, 27, 20, 10), (3, 3, 3, 3, 2, 2), 2),  # total 128
        ((40, 16, 49, 40, 31, 21), (4, 4, 4, 4, 4, 3), 4),  # five at 4, total 197
        ((40, 16, 49, 40, 30, 21), (4, 4, 4, 4, 3, 3), 3),  # four at 4, total 196
        ((53, 21, 65, 53, 41, 29), (5, 5, 5, 5, 5, 5), 5),  # total 262
        ((53, 21, 65, 53, 41, 28), (5, 5, 5, 5, 5, 4), 4),  # one pillar at exactly 80%
        ((7, 3, 9, 7, 0, 0), (1, 1, 1, 1, 0, 0), 1),
        ((7, 3, 9, 6, 0, 0), (1, 1, 1, 0, 0, 0), 0),  # total 25 > 20, three pillars only
    ],
)
def test_dbi_model_scores_hand_computed_cases(dbi, pillar_points, pillar_levels, level):
    result = score(dbi, _fill(dbi, pillar_points))
    assert result.pillar_points == pillar_points
    assert result.total == sum(pillar_points)
    assert result.pillar_levels == pillar_levels
    assert result.level == level


def test_dbi_model_matches_the_reference_numbers(dbi):
    assert [p.maximum for p in dbi.pillars] == [65, 25, 80, 65, 50, 35]
    assert dbi.total_maximum == 320
    assert list(dbi.pillar_thresholds) == DBI
    assert list(dbi.overall_rules) == DBI_OVERALL
    assert [lv.name for lv in dbi.levels] == [
        "Chưa khởi động",
        "Khởi động",
        "Bắt đầu",
        "Hình thành",
        "Nâng cao",
        "Dẫn dắt",
    ]
    assert [e.key for e in dbi.equipment] == [
        "khong-co",
        "thu-cong",
        "ban-tu-dong",
        "tu-dong-co-dinh",
        "tu-dong-linh-hoat",
    ]
