"""English names in the scoring models and surveys (issue 16): every displayed name has one, and a bad one is an error at its line."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT
from test_model_options import MODEL, _at, _check, _only

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.scoring_models import load_model
from chophien.core.problems import ProblemList
from chophien.site.build import prepare

MODELS = sorted((ROOT / "content/assessments/models").glob("*.yaml"))
SURVEYS = sorted((ROOT / "content/assessments").glob("*/survey.yaml"))


def _filled(text) -> bool:
    return isinstance(text, str) and bool(text.strip())


@pytest.mark.parametrize("path", MODELS, ids=[path.stem for path in MODELS])
def test_every_name_of_a_bundled_model_has_an_english_name(path):
    problems = ProblemList()
    model = load_model(AssessmentFiles(ROOT / "content", problems), path)
    assert model is not None and not problems.sorted()
    items = [model, *model.levels, *model.pillars, *model.equipment, *model.option_sets]
    items += [c for p in model.pillars for c in (*p.components, *p.criteria)]
    missing = [
        getattr(item, "key", getattr(item, "number", item)) for item in items if not _filled(item.name_en)
    ]
    assert missing == []
    assert all(_filled(p.short_name_en) and len(p.short_name_en) <= 16 for p in model.pillars)
    assert all(_filled(e.short_name_en) and len(e.short_name_en) <= 24 for e in model.equipment)
    # An English name is not the Vietnamese one copied over.
    assert [c.key for c in model.criteria if c.name_en == c.name] == []


@pytest.mark.parametrize("path", MODELS, ids=[path.stem for path in MODELS])
def test_every_displayed_text_of_a_bundled_model_has_an_english_version(path):
    problems = ProblemList()
    model = load_model(AssessmentFiles(ROOT / "content", problems), path)
    options = [o for c in model.criteria for o in c.options] + [
        o for s in model.option_sets for o in s.options
    ]
    assert [o.label for o in options if not _filled(o.label_en)] == []
    assert [c.key for c in model.criteria if c.help and not _filled(c.help_en)] == []
    assert [lv.number for lv in model.levels if lv.description and not _filled(lv.description_en)] == []
    for e in model.equipment:
        assert _filled(e.description_en) and _filled(e.example_en), e.key
    for pillar in model.pillars:
        for steps in pillar.next_steps:
            assert len(steps.steps_en) == len(steps.steps) and all(map(_filled, steps.steps_en)), pillar.key
            assert steps.steps_in("en") == steps.steps_en and steps.steps_in("vi") == steps.steps


@pytest.mark.parametrize("path", SURVEYS, ids=[path.parent.name for path in SURVEYS])
def test_every_survey_has_an_english_title(path):
    values = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _filled(values.get("title_en")) and values["title_en"] != values["title"]


def test_bundled_surveys_and_figures_load_with_their_english_texts(tmp_path):
    prepared = prepare(ROOT / "content", tmp_path / ".cache", with_images=False)
    assert [p.render() for p in prepared.problems.sorted() if "assessments" in p.path] == []
    surveys = {s.slug: s for s in prepared.catalogue.assessments.surveys}
    for survey in surveys.values():
        assert all(map(_filled, (survey.title_en, survey.organiser_en, survey.method_en, survey.summary_en)))
        assert len(survey.model.notes_en) == len(survey.model.notes)
    assert _filled(surveys["khao-sat-mau-2026"].consent_statement_en)
    figures = surveys["khao-sat-htx-2022"].published
    assert [p.group_en for p in figures.placements] == ["Ethnic minority and mountain areas"]
    assert [e.label_en for e in figures.equipment] == [
        "No production equipment",
        "Semi-automatic",  # no label: the class's English name
        "Automatic (fixed or flexible program)",
    ]
    assert len(figures.notes_en) == len(figures.notes) == 2


def test_english_notes_must_match_the_notes_line_for_line(tree):
    model = ENGLISH.replace("source: Kiểm thử\n", "source: Kiểm thử\nnotes: [Một, Hai]\nnotes_en: [One]\n", 1)
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    assert problem.line == _at(model, "notes_en:")[0]
    assert "notes_en là bản tiếng Anh của notes: cần đúng 2 dòng" in problem.message_vi
    assert "it needs exactly 2 lines, in the same order (it has 1)" in problem.message_en
    assert not prepared.ok


ENGLISH = (
    MODEL.replace("    name: Tần suất\n", "    name: Tần suất\n    name_en: Frequency\n")
    .replace("{points: 4, label: Có}", "{points: 4, label: Có, label_en: Yes}")
    .replace(
        "        help: Tính trong 3 tháng gần nhất\n",
        "        help: Tính trong 3 tháng gần nhất\n        help_en: Last 3 months\n",
    )
    .replace(
        "        steps: [Lập trang Zalo OA]\n",
        "        steps: [Lập trang Zalo OA]\n        steps_en: [Set up a Zalo OA]\n",
    )
    .replace("    short_name: A\n", "    short_name: A\n    name_en: Pillar A\n    short_name_en: A (en)\n")
    .replace("        name: Câu A1\n", "        name: Câu A1\n        name_en: Question A1\n")
    .replace("short_name: Có máy}", "short_name: Có máy, name_en: Has machines, short_name_en: Machines}")
)


def test_english_names_are_loaded(tree):
    problems, prepared = _check(tree, ENGLISH)
    assert problems == []
    (survey,) = prepared.catalogue.assessments.surveys
    model = survey.model
    assert model.option_sets[0].name_en == "Frequency"
    assert (model.pillars[0].name_en, model.pillars[0].short_name_en) == ("Pillar A", "A (en)")
    assert model.pillars[0].criteria[0].name_en == "Question A1"
    assert model.pillars[1].criteria[0].name_en == ""  # optional: the page falls back to Vietnamese
    assert (model.equipment[1].name_en, model.equipment[1].short_name_en) == ("Has machines", "Machines")
    a1 = model.pillars[0].criteria[0]
    assert [o.label_en for o in a1.options] == ["", "Yes", ""] and a1.help_en == "Last 3 months"
    assert model.pillars[0].steps_at(0) == ("Lập trang Zalo OA",)
    assert model.pillars[0].next_steps[0].steps_in("en") == ("Set up a Zalo OA",)
    assert model.pillars[0].next_steps[1].steps_in("en") == model.pillars[0].steps_at(1)  # falls back


def test_english_steps_must_match_the_vietnamese_ones_line_for_line(tree):
    model = ENGLISH.replace("steps_en: [Set up a Zalo OA]", "steps_en: [Set up a Zalo OA, And more]")
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    assert problem.line == _at(model, "steps_en:")[0]
    assert "cần đúng 1 dòng" in problem.message_vi and "needs exactly 1 lines" not in problem.message_en
    assert "it needs exactly 1 line, in the same order (it has 2)" in problem.message_en
    assert not prepared.ok


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("name_en: Question A1", "name_en: [Question, A1]", "[Question"),
        ("name_en: Question A1", "name_en: {a: 1}", "{a: 1}"),
        ("short_name_en: A (en)", "short_name_en: A far too long English label", "A far too long"),
        ("short_name_en: Machines}", "short_name_en: [Machines]}", "[Machines]"),
    ],
)
def test_a_non_text_or_too_long_english_name_is_an_error_at_its_line(tree, old, new, needle):
    model = ENGLISH.replace(old, new)
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    assert problem.line == _at(model, needle)[0]
    assert not prepared.ok
