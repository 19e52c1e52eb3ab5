"""Every scoring model in content/assessments/models/ loads and matches the published figures its header cites.

A model file needs an entry in FIGURES: a new model (the 2023 or 2025 framework, once its annex
is at hand) comes with the figures of its source, so a typo in a maximum, a lost criterion or a
level too many fails here rather than on a cooperative's result. Sources: each file's header
comment and docs/assessment.md.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import ROOT

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.scoring_models import load_model
from chophien.core.problems import ProblemList

MODELS = ROOT / "content/assessments/models"

# DBI 2021 for SMEs (QĐ 1970/QĐ-BTTTT): [C] dbi.gov.vn, 6 pillars, 10 component indices, 60
# criteria, pillar 1 with 2 component indices and 13 criteria, 9 of them "Hiện diện trực tuyến";
# [M] two public implementations, maxima 65/25/80/65/50/35 = 320 and the level rules.
DBI_2021_MAXIMA = (65, 25, 80, 65, 50, 35)
DBI_2021_PILLAR_RULES = ((1, 10), (2, 20), (3, 40), (4, 60), (5, 80))
DBI_2021_OVERALL_RULES = ((1, 20, 4), (2, 64, 4), (3, 128, 4), (4, 192, 5), (5, 256, 6))
DBI_2021_LEVELS = ("Chưa khởi động", "Khởi động", "Bắt đầu", "Hình thành", "Nâng cao", "Dẫn dắt")

FIGURES = {
    "dbi-2021": {
        "maxima": DBI_2021_MAXIMA,
        "total": 320,
        "criteria": 60,
        "components": 10,
        "first_pillar": (2, 13),  # component indices, criteria
        "component_criteria": {"hien-dien-truc-tuyen": 9},
        "statuses": {"nguon-phu": 31, "chua-xac-minh": 29},  # the file's header and notes
        "levels": DBI_2021_LEVELS,
        "pillar_rules": DBI_2021_PILLAR_RULES,
        "overall_rules": DBI_2021_OVERALL_RULES,
        "next_steps": True,  # advice for each pillar at levels 0–4
    },
}

# The 2022 survey's equipment-automation scale: every model carries it unchanged (keys and names;
# the 20-question stand-in dbi-2021-dnnvv.yaml, which first held it, is gone).
EQUIPMENT = {
    "khong-co": "Không có thiết bị sản xuất",
    "thu-cong": "Thủ công, cơ giới đơn giản",
    "ban-tu-dong": "Bán tự động",
    "tu-dong-co-dinh": "Tự động, chương trình cố định",
    "tu-dong-linh-hoat": "Tự động, chương trình linh hoạt",
}

FILES = sorted(MODELS.glob("*.yaml"))


def _load(path):
    problems = ProblemList()
    model = load_model(AssessmentFiles(ROOT / "content", problems), path)
    assert model is not None, [p.render() for p in problems.sorted()]
    assert not problems.sorted(), [p.render() for p in problems.sorted()]
    return model


def test_every_model_file_has_its_published_figures():
    assert {path.stem for path in FILES} == set(FIGURES)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_model_matches_its_published_figures(path):
    model = _load(path)
    figures = FIGURES[path.stem]
    assert tuple(p.maximum for p in model.pillars) == figures["maxima"]
    assert sum(figures["maxima"]) == figures["total"] == model.total_maximum
    assert len(model.criteria) == figures["criteria"]
    assert sum(len(p.components) for p in model.pillars) == figures["components"]
    assert tuple(lv.name for lv in model.levels) == figures["levels"]
    assert model.pillar_thresholds == figures["pillar_rules"]
    assert model.overall_rules == figures["overall_rules"]
    if "first_pillar" in figures:
        first = model.pillars[0]
        assert (len(first.components), len(first.criteria)) == figures["first_pillar"]
    for component, count in figures.get("component_criteria", {}).items():
        assert len(next(p for p in model.pillars if p.criteria_of(component)).criteria_of(component)) == count
    if "statuses" in figures:
        assert Counter(c.status for c in model.criteria) == Counter(figures["statuses"])


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_model_keeps_the_equipment_scale_of_the_2022_survey(path):
    model = _load(path)
    assert {e.key: e.name for e in model.equipment} == EQUIPMENT
    assert tuple(e.key for e in model.equipment) == tuple(EQUIPMENT)


WITH_NEXT_STEPS = [path for path in FILES if FIGURES[path.stem].get("next_steps")]


@pytest.mark.parametrize("path", WITH_NEXT_STEPS, ids=[path.stem for path in WITH_NEXT_STEPS])
def test_model_has_next_steps_for_every_pillar_below_the_top_level(path):
    model = _load(path)
    top = len(model.levels) - 1
    for pillar in model.pillars:
        assert sorted(n.level for n in pillar.next_steps) == list(range(top)), pillar.key
        assert all(pillar.steps_at(level) for level in range(top)), pillar.key
