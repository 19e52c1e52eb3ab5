"""chophien.assessment.aggregate and publish: the sample survey's cells, what is hidden and why, and a view that cannot depend on a hidden value."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import ROOT
from survey_samples import check, survey_tree

from chophien.assessment.aggregate import Aggregates, PillarAverages, aggregate
from chophien.assessment.publish import average_key, hidden_cells, publish, published_view
from chophien.assessment.suppression import (
    determined_cells,
    primary_cells,
)
from chophien.site.assessment_pages import publish_all
from chophien.site.build import prepare


@pytest.fixture(scope="module")
def sample_survey(tmp_path_factory):
    prepared = prepare(ROOT / "content", tmp_path_factory.mktemp("cache"), with_images=False)
    assert prepared.ok
    assessments = prepared.catalogue.assessments
    survey = next(s for s in assessments.surveys if s.has_microdata)
    groups = [e.categories for s in assessments.surveys if s.published for e in s.published.equipment]
    return survey, aggregate(survey, groups)


def test_sample_survey_is_realistic(sample_survey):
    survey, aggregates = sample_survey
    cells = aggregates.cells
    n = cells[("n",)]
    assert n >= 150 and survey.sample_data
    assert cells[("level", 1)] + cells[("level", 2)] > n / 2  # mostly levels 1–2
    assert cells[("equipment", "khong-co")] > n / 3
    automatic = cells[("equipment", "tu-dong-co-dinh")] + cells[("equipment", "tu-dong-linh-hoat")]
    assert automatic < n / 10
    assert len(aggregates.groups["province"]) >= 12


def test_publishing_hides_small_cells_and_protects_them(sample_survey):
    survey, aggregates = sample_survey
    published = publish(aggregates, survey.threshold)
    hidden = {key for key, value in published.values.items() if value is None}
    primary = primary_cells(aggregates.cells, survey.threshold, fixed=[("n",)])
    assert primary and primary <= hidden
    assert hidden - primary, "complementary cells"
    assert determined_cells(aggregates.relations, hidden) & primary == set()
    # and no hidden cell at all is one the published figures pin down (those are shown)
    assert determined_cells(aggregates.relations, hidden) == set()
    assert not [key for key, value in published.values.items() if value and value < survey.threshold]
    assert sum(aggregates.known.get(key, 0) for key in published.values if len(key) == 3) > 0
    exposed = [
        key
        for key, value in published.values.items()
        if key != ("n",) and value and 0 < value - aggregates.known.get(key, 0) < survey.threshold
    ]
    assert exposed == []
    hidden_means = hidden_cells(aggregates, survey.threshold) - set(aggregates.cells)
    for key, averages in published.averages.items():
        count_key = ("n",) if key == ("all",) else key + ("n",)
        count = published.value(count_key)
        withheld = count is None or 0 < count - aggregates.known.get(count_key, 0) < survey.threshold
        scope = () if key == ("all",) else key
        assert (averages is None) == (withheld or average_key(scope) in hidden_means), key
        assert not withheld or average_key(scope) in hidden_means, key


def test_published_view_does_not_depend_on_hidden_values(sample_survey):
    survey, aggregates = sample_survey
    hidden = hidden_cells(aggregates, survey.threshold)
    mutated_cells = dict(aggregates.cells)
    for index, key in enumerate(sorted(hidden & set(mutated_cells), key=repr)):
        mutated_cells[key] = 1000 + index
    mutated_averages = {
        key: (
            PillarAverages((4.9,) * 6, (99.0,) * 6)
            if average_key(() if key == ("all",) else key) in hidden
            else value
        )
        for key, value in aggregates.averages.items()
    }
    assert mutated_averages != aggregates.averages
    mutated = replace(aggregates, cells=mutated_cells, averages=mutated_averages)
    assert published_view(aggregates, hidden, 5) == published_view(mutated, hidden, 5)


def test_too_few_respondents_publish_only_their_number(sample_survey):
    survey, aggregates = sample_survey
    published = publish(aggregates, threshold=1000)
    assert published.n == aggregates.cells[("n",)]
    assert all(value is None for key, value in published.values.items() if key != ("n",))
    assert published.median_level is None and published.groups == {}


def test_respondents_who_all_answer_alike_publish_only_their_numbers(tree):
    """Group disclosure at its plainest: six anonymous rows, one answer. Any count would tell it."""
    rows = [f"an-{i},Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,,3,6,4,1" for i in range(6)]
    lines, prepared = check(tree, survey_tree(rows))
    assert lines == []
    (published,) = publish_all(prepared.catalogue.assessments).values()
    assert published.n == 6
    shown = {key for key, value in published.values.items() if value is not None}
    assert shown and all(key[-1] == "n" for key in shown)  # numbers of respondents, no answer
    assert set(published.averages.values()) == {None}
    assert published.median_level is None and published.mean_total is None


def test_one_different_answer_among_alike_ones_is_not_shown_either(tree):
    """Five say khong-co, one says co-may: 'all but fewer than the threshold' in one cell."""
    rows = [f"an-{i},Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,,3,6,4,1" for i in range(5)]
    rows.append("an-9,Lào Cai,che-bien,to-hop-tac,duoi-10,co-may,,3,6,4,1")
    lines, prepared = check(tree, survey_tree(rows))
    assert lines == []
    (published,) = publish_all(prepared.catalogue.assessments).values()
    assert [key for key, value in published.values.items() if "equipment" in key and value is not None] == []


def test_one_equipment_answer_for_everyone_unknown_hides_its_unions_too():
    """No partner exists for anyone: the whole answer goes, comparison unions included."""
    cells = {("n",): 6, ("level", 0): 3, ("level", 1): 3, ("equipment", "a"): 6, ("equipment", "b"): 0}
    cells |= {("equipment-group", "a+c"): 6, ("equipment", "c"): 0}
    relations = [
        (("n",), [("level", 0), ("level", 1)]),
        (("n",), [("equipment", "a"), ("equipment", "b"), ("equipment", "c")]),
        (("equipment-group", "a+c"), [("equipment", "a"), ("equipment", "c")]),
    ]
    private = tuple((frozenset({("kind", f"k{i % 2}")}), i % 2, "a") for i in range(6))
    aggregates = Aggregates(
        cells,
        relations,
        {},
        {},
        0,
        0.0,
        ("a+c",),
        {},
        {"level": (0, 1), "equipment": ("a", "b", "c")},
        private,
    )
    hidden = hidden_cells(aggregates, 5)
    assert {("equipment", "a"), ("equipment", "b"), ("equipment", "c"), ("equipment-group", "a+c")} <= hidden
