"""Assessment domain: scoring at every level boundary, suppression, publishing, file validation."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from conftest import ROOT, minimal_tree

from chophien.assessment.aggregate import Aggregates, PillarAverages, aggregate
from chophien.assessment.files import AssessmentFiles
from chophien.assessment.publish import average_key, hidden_cells, publish, published_view
from chophien.assessment.scoring import overall_level, pillar_level, score
from chophien.assessment.scoring_models import load_model
from chophien.assessment.suppression import (
    determined_cells,
    dominated_rows,
    exchange_changes,
    primary_cells,
    protect_answers,
    protect_means,
    suppress_small_cells,
)
from chophien.core.problems import ProblemList
from chophien.site.assessment_pages import publish_all
from chophien.site.build import prepare

DBI = [(1, 10), (2, 20), (3, 40), (4, 60), (5, 80)]
DBI_OVERALL = [(1, 20, 4), (2, 64, 4), (3, 128, 4), (4, 192, 5), (5, 256, 6)]


@pytest.fixture(scope="module")
def dbi():
    problems = ProblemList()
    model = load_model(
        AssessmentFiles(ROOT / "content", problems), ROOT / "content/assessments/models/dbi-2021-dnnvv.yaml"
    )
    assert model is not None, [p.render() for p in problems.sorted()]
    return model


# --- scoring -------------------------------------------------------------------------


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


# --- suppression -----------------------------------------------------------------------------


def two_way(rows: list[list[int]]):
    """Cells and relations of a table with row totals, column totals and a grand total."""
    cells, relations = {}, []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cells[("x", r, c)] = value
        cells[("row", r)] = sum(row)
    for c in range(len(rows[0])):
        cells[("col", c)] = sum(row[c] for row in rows)
    cells[("all",)] = sum(map(sum, rows))
    for r, row in enumerate(rows):
        relations.append((("row", r), [("x", r, c) for c in range(len(row))]))
    for c in range(len(rows[0])):
        relations.append((("col", c), [("x", r, c) for r in range(len(rows))]))
    relations.append((("all",), [("row", r) for r in range(len(rows))]))
    relations.append((("all",), [("col", c) for c in range(len(rows[0]))]))
    return cells, relations


def test_primary_cells_are_small_and_positive():
    cells = {"a": 0, "b": 1, "c": 4, "d": 5, "e": 12}
    assert primary_cells(cells, 5) == {"b", "c"}
    assert primary_cells(cells, 5, fixed=["b"]) == {"c"}


def test_counts_a_reader_already_knows_do_not_count_towards_the_threshold():
    # e: 12 respondents, 9 of them cooperatives whose own results are public: 3 remain unknown
    cells = {"d": 5, "e": 12, "f": 4, "g": 8}
    known = {"d": 5, "e": 9, "f": 4, "g": 1}
    assert primary_cells(cells, 5, known=known) == {"e", "f"}  # d: nobody unknown; f: small anyway


def test_one_small_cell_is_protected_by_a_rectangle():
    cells, relations = two_way([[10, 3, 20], [8, 9, 12], [15, 11, 7]])
    hidden = suppress_small_cells(cells, relations, 5, fixed=[("all",)])
    assert hidden == {("x", 0, 0), ("x", 0, 1), ("x", 1, 0), ("x", 1, 1)}
    assert determined_cells(relations, hidden) == set()


def test_a_single_small_cell_in_a_distribution_gets_the_smallest_complement():
    cells = {("n",): 105, ("l", 0): 26, ("l", 1): 60, ("l", 2): 3, ("l", 3): 16, ("l", 4): 0}
    relations = [(("n",), [("l", i) for i in range(5)])]
    hidden = suppress_small_cells(cells, relations, 5, fixed=[("n",)])
    assert hidden == {("l", 2), ("l", 3)}  # not the zero: a hidden zero hides nothing


def test_a_small_row_total_hides_its_row_and_another():
    cells, relations = two_way([[2, 1, 0], [10, 12, 9], [8, 7, 11]])
    hidden = suppress_small_cells(cells, relations, 5, fixed=[("all",)])
    assert {("row", 0), ("x", 0, 0), ("x", 0, 1)} <= hidden
    assert any(key[0] == "row" and key[1] != 0 for key in hidden)  # the complementary row
    assert determined_cells(relations, hidden) & primary_cells(cells, 5) == set()


def test_a_province_is_not_recoverable_from_its_region():
    # region r = p1 + p2 + p3; regions add up to the total
    cells = {("n",): 60, ("r",): 30, ("s",): 30, ("p1",): 3, ("p2",): 12, ("p3",): 15, ("q1",): 30}
    relations = [(("n",), [("r",), ("s",)]), (("r",), [("p1",), ("p2",), ("p3",)]), (("s",), [("q1",)])]
    hidden = suppress_small_cells(cells, relations, 5, fixed=[("n",)])
    assert hidden == {("p1",), ("p2",)}


def test_determined_cells_sees_combinations_not_only_lone_cells():
    # Every relation has two hidden cells, yet three equations pin down three unknowns.
    relations = [("x", ["a", "b"]), ("y", ["a", "c"]), ("z", ["b", "c"])]
    assert determined_cells(relations, {"a", "b", "c"}) == {"a", "b", "c"}
    assert determined_cells(relations, {"a", "b", "c", "x"}) == set()
    cells = {"x": 7, "y": 9, "z": 6, "a": 4, "b": 3, "c": 5}
    hidden = suppress_small_cells(cells, relations, 5)
    assert {"a", "b"} <= hidden and determined_cells(relations, hidden) & {"a", "b"} == set()


def test_no_small_cell_is_ever_recoverable_random_tables():
    rng = random.Random(5)
    for _ in range(150):
        rows = [
            [rng.choice([0, 0, 1, 2, 3, 4, 5, 7, 12, 30]) for _ in range(rng.randint(2, 6))]
            for _ in range(rng.randint(2, 7))
        ]
        width = len(rows[0])
        rows = [row[:width] + [0] * (width - len(row)) for row in rows]
        cells, relations = two_way(rows)
        hidden = suppress_small_cells(cells, relations, 5, fixed=[("all",)])
        primary = primary_cells(cells, 5, fixed=[("all",)])
        assert primary <= hidden
        assert determined_cells(relations, hidden) & primary == set(), rows


@pytest.mark.parametrize(
    "counts, known, dominated",
    [
        ([0, 2, 0, 0], [0, 0, 0, 0], True),  # the two enterprises: hidden count, zeros elsewhere
        ([0, 40, 0, 0], [0, 0, 0, 0], True),  # a large group, every member in one cell
        ([1, 40, 3, 0], [0, 0, 0, 0], True),  # all but 4 (fewer than the threshold) in one cell
        ([2, 40, 3, 0], [0, 0, 0, 0], False),  # 5 outside the largest cell
        ([3, 3, 0, 0], [0, 0, 0, 0], True),  # a small group is always dominated
        ([3, 3, 3, 0], [0, 0, 0, 0], False),
        ([5, 6, 0, 0], [5, 0, 0, 0], True),  # the 5 are public cooperatives: 6 unknown, all in one
        ([0, 0, 0, 0], [0, 0, 0, 0], False),  # nobody
        ([2, 0, 0, 0], [2, 0, 0, 0], False),  # only public cooperatives: nothing to protect
    ],
)
def test_group_disclosure_rule(counts, known, dominated):
    cells = {("g", c): v for c, v in enumerate(counts)}
    rows = {"g": [("g", c) for c in range(len(counts))]}
    result = dominated_rows(rows, cells, 5, {("g", c): v for c, v in enumerate(known)})
    assert result == ({"g": ("g", max(range(4), key=lambda c: counts[c] - known[c]))} if dominated else {})


def kinds_table(rows: dict[str, list[int]]):
    """A national row and one row per kind over equipment classes a, b, c, with n per kind."""
    cells: dict = {("n",): sum(map(sum, rows.values()))}
    for c, name in enumerate("abc"):
        cells[("e", name)] = sum(row[c] for row in rows.values())
    relations = [(("n",), [("e", name) for name in "abc"]), (("n",), [(k, "n") for k in rows])]
    for kind, row in rows.items():
        cells[(kind, "n")] = sum(row)
        cells.update({(kind, "e", name): v for name, v in zip("abc", row, strict=True)})
        relations.append(((kind, "n"), [(kind, "e", name) for name in "abc"]))
    for name in "abc":
        relations.append((("e", name), [(kind, "e", name) for kind in rows]))
    return cells, relations


def test_the_enterprise_case_hides_the_zeros_and_leaves_an_alternative():
    # Two enterprises, both b ("manual"); the other kinds are large and mixed.
    table = {"htx": [30, 20, 10], "tht": [8, 9, 6], "dn": [0, 2, 0]}
    cells, relations = kinds_table(table)
    rows = {(k, "e"): [(k, "e", name) for name in "abc"] for k in table}
    dominated = dominated_rows(rows, cells, 5)
    assert dominated == {("dn", "e"): ("dn", "e", "b")}
    hidden = suppress_small_cells(
        cells,
        relations,
        5,
        fixed=[("n",)],
        priority=lambda key: 2 if len(key) <= 2 else 0,
        protect=dominated.values(),
        hide=[key for row in dominated for key in rows[row]],
    )
    assert {("dn", "e", "a"), ("dn", "e", "b"), ("dn", "e", "c")} <= hidden  # zeros too
    assert ("dn", "e", "b") not in determined_cells(relations, hidden)
    # Each enterprise needs a partner whose exchange moves hidden cells only.
    people = [(frozenset({"dn"}), "b"), (frozenset({"dn"}), "b")]
    people += [(frozenset({"htx"}), "a")] * 3 + [(frozenset({"tht"}), "c")] * 3
    added = protect_answers(people, hidden, cell=lambda scope, value: (scope, "e", value))
    assert added is not None
    for person in people[:2]:
        assert any(
            other[1] != person[1]
            and exchange_changes(person, other, lambda scope, value: (scope, "e", value)) <= hidden | added
            for other in people
        )


@pytest.mark.parametrize(
    "first, second, changed",
    [
        # same groups: exchanging moves nothing anywhere
        (({"p1", "k1"}, "a"), ({"p1", "k1"}, "b"), set()),
        # same answer: nothing moves
        (({"p1", "k1"}, "a"), ({"p2", "k2"}, "a"), set()),
        # different province only: both provinces' cells of both answers
        (({"p1", "k1"}, "a"), ({"p2", "k1"}, "b"), {("p1", "a"), ("p1", "b"), ("p2", "a"), ("p2", "b")}),
        (
            ({"p1", "k1"}, "a"),
            ({"p2", "k2"}, "b"),
            {(g, v) for g in ("p1", "p2", "k1", "k2") for v in "ab"},
        ),
    ],
)
def test_exchange_changes(first, second, changed):
    def as_respondent(pair):
        return frozenset(pair[0]), pair[1]

    assert exchange_changes(as_respondent(first), as_respondent(second), lambda g, v: (g, v)) == changed


def test_exchange_changes_moves_the_means_of_the_groups_not_shared():
    moved = exchange_changes(
        (frozenset({"p1", "k1"}), 1),
        (frozenset({"p2", "k1"}), 2),
        lambda g, v: (g, v),
        lambda g: [("avg", g)],
    )
    assert moved == {("p1", 1), ("p1", 2), ("p2", 1), ("p2", 2), ("avg", "p1"), ("avg", "p2")}


@pytest.mark.parametrize(
    "people, hidden, expected",
    [
        # the partner shares every group: nothing to hide
        ([({"p1"}, "a"), ({"p1"}, "b")], set(), set()),
        # two provinces, one person each: their four cells are hidden
        ([({"p1"}, "a"), ({"p2"}, "b")], set(), {("p1", "a"), ("p1", "b"), ("p2", "a"), ("p2", "b")}),
        # already hidden: nothing more
        (
            [({"p1"}, "a"), ({"p2"}, "b")],
            {("p1", "a"), ("p1", "b"), ("p2", "a"), ("p2", "b")},
            set(),
        ),
        # the cheaper partner (same province) is chosen over a far one
        ([({"p1", "k1"}, "a"), ({"p2", "k2"}, "b"), ({"p1", "k2"}, "b"), ({"p2", "k2"}, "a")], set(), None),
        # everyone gave the same answer: no partner exists at all
        ([({"p1"}, "a"), ({"p2"}, "a")], set(), "none"),
    ],
)
def test_protect_answers(people, hidden, expected):
    respondents = [(frozenset(groups), answer) for groups, answer in people]

    def cell(g, v):
        return (g, v)

    added = protect_answers(respondents, hidden, cell)
    if expected == "none":
        assert added is None
        return
    if expected is not None:
        assert added == expected
    # whatever was chosen, every respondent now has an invisible exchange
    for person in respondents:
        assert any(
            other[1] != person[1] and exchange_changes(person, other, cell) <= set(hidden) | added
            for other in respondents
        )
    if expected is None:  # the provinces' cells are never needed
        assert added == {("k1", "a"), ("k1", "b"), ("k2", "a"), ("k2", "b")}


def test_protect_answers_never_hides_fixed_figures():
    respondents = [(frozenset({"p1"}), "a"), (frozenset({"p2"}), "b")]
    assert protect_answers(respondents, set(), lambda g, v: (g, v), fixed=[("p1", "a")]) is None


@pytest.mark.parametrize(
    "unknown, hidden, expected",
    [
        # one small group withheld: the country minus the others would give it; hide the next smallest
        ({"A": 3, "B": 9, "C": 40}, {"A"}, {"A", "B"}),
        # two withheld groups together hold 6 unknowns: fine
        ({"A": 3, "B": 3, "C": 40}, {"A", "B"}, {"A", "B"}),
        # nothing withheld
        ({"A": 7, "B": 9, "C": 40}, set(), set()),
        # a withheld group of public cooperatives only: nobody unknown to protect
        ({"A": 0, "B": 9, "C": 40}, {"A"}, {"A"}),
        # all parts withheld and still too few: the total goes too
        ({"A": 2, "B": 1}, {"A", "B"}, {"A", "B", "N"}),
    ],
)
def test_differencing_rule_for_means(unknown, hidden, expected):
    relations = [("N", sorted(unknown))]
    assert protect_means(relations, hidden, unknown | {"N": sum(unknown.values())}, 5) == expected


# --- aggregation and publishing ----------------------------------------------------------------


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


# --- files: models, survey.yaml, responses.csv, published.yaml ---------------------------------

MODEL = """\
# A second model, added as a file: no code.
name: Mô hình thử ba trụ cột
short_name: Thử 3
source: Kiểm thử
levels:
  - {level: 0, name: Chưa}
  - {level: 1, name: Một, pillar_above: 25, total_above: 5, pillars_at_level: 2}
  - {level: 2, name: Hai, pillar_above: 50, total_above: 15, pillars_at_level: 3}
pillars:
  - key: a
    name: Trụ A
    short_name: A
    max: 10
    criteria:
      - {key: a1, name: Câu A1, max: 10}
  - key: b
    name: Trụ B
    short_name: B
    max: 10
    criteria:
      - {key: b1, name: Câu B1, max: 10}
  - key: c
    name: Trụ C
    short_name: C
    max: 10
    criteria:
      - {key: c1, name: Câu C1, max: 6}
      - {key: c2, name: Câu C2, max: 4}
equipment:
  - {key: khong-co, name: Không có thiết bị, short_name: Không có}
  - {key: co-may, name: Có máy, short_name: Có máy}
"""

SURVEY = """\
title: Khảo sát thử
organiser: Nhóm thử
period: "2025"
year: 2025
method: Phỏng vấn trực tiếp
sample_size: {n}
model: thu-3
source: Kiểm thử
consent:
  own_results: yes
"""

HEADER = "respondent,province,sector,kind,size,equipment,consent,a1,b1,c1,c2\n"
CSV_PATH = "content/assessments/thu/responses.csv"


def survey_tree(rows: list[str], n: int | None = None, **extra):
    files = {
        "assessments/models/thu-3.yaml": MODEL,
        "assessments/thu/survey.yaml": SURVEY.replace("{n}", str(len(rows) if n is None else n)),
        "assessments/thu/responses.csv": HEADER + "".join(r + "\n" for r in rows),
    }
    files.update(extra)
    return minimal_tree(**{k.replace("/", "__"): v for k, v in files.items()})


def check(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    return [p.render() for p in prepared.problems.sorted()], prepared


GOOD = [
    "htx-che-na-hang,Tuyên Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,3,6,4,1",
    "an-1,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,,1,1,1,0",
]


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


def test_csv_errors_name_file_row_and_column(tree):
    rows = [
        "htx-che-na-hang,Tuyen Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,3,6,4,1",
        "Nguyễn Văn A,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,no,1,1,1,0",
        "an-2,Hà Giang,che-bien,htx,duoi-10,tu-dong,no,11,1,x,0",
        "an-3,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,no,1,1",
        "htx-che-na-hang,Tuyên Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,3,6,4,1",
    ]
    lines, prepared = check(tree, survey_tree(rows))
    assert lines == [
        f"{CSV_PATH}:3:1: lỗi: respondent: “Nguyễn Văn A” không phải tên tệp hợp tác xã trong "
        "content/cooperatives/ hay mã ẩn danh an-…; không ghi tên người. Ví dụ: an-001 hoặc htx-che-shan-tuyet-ho-thau",
        f"{CSV_PATH}:4:2: cảnh báo: province: “Hà Giang” là tên tỉnh trước năm 2025; nay thuộc Tỉnh Tuyên Quang. "
        "Hãy ghi `Tuyên Quang`.",
        f"{CSV_PATH}:4:4: lỗi: kind: “htx” không nằm trong danh sách (hop-tac-xa, to-hop-tac, "
        "lien-hiep-hop-tac-xa, doanh-nghiep, ho-kinh-doanh). Ví dụ: hop-tac-xa",
        f"{CSV_PATH}:4:6: lỗi: equipment: “tu-dong” không nằm trong danh sách (khong-co, co-may). Ví dụ: khong-co",
        f"{CSV_PATH}:4:8: lỗi: a1: 11 nằm ngoài khoảng 0–10. Ví dụ: 10",
        f"{CSV_PATH}:4:10: lỗi: c1: “x” không phải số điểm (một số nguyên). Ví dụ: 6",
        f"{CSV_PATH}:5:10: lỗi: dòng có 9 ô nhưng tiêu đề có 11 cột.",
        f"{CSV_PATH}:6:1: lỗi: respondent: “htx-che-na-hang” đã có ở dòng 2; mỗi đơn vị trả lời một dòng.",
    ]
    assert not prepared.ok


def test_unknown_and_missing_columns_are_errors(tree):
    files = survey_tree(GOOD)
    files["assessments/thu/responses.csv"] = (
        "respondent,province,sector,kind,size,equipment,phone,a1,b1,c1\n"
        "an-1,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,0912345678,1,1,1\n"
    )
    lines, _ = check(tree, files)
    assert lines == [
        f"{CSV_PATH}:1: lỗi: thiếu cột: c2. Ví dụ: respondent,province,sector,kind,size,equipment,a1,b1,…",
        f"{CSV_PATH}:1:7: lỗi: phone: cột không có trong mẫu (không đưa tên người, số điện thoại hay câu trả lời tự do vào tệp).",
    ]


def test_region_must_match_the_province_and_sample_size_the_rows(tree):
    files = survey_tree(GOOD, n=3)
    files["assessments/thu/responses.csv"] = (
        "respondent,province,region,sector,kind,size,equipment,a1,b1,c1,c2\n"
        "an-1,Lào Cai,tay-nguyen,che-bien,to-hop-tac,duoi-10,khong-co,1,1,1,0\n"
        "an-2,Lào Cai,Trung du và miền núi phía Bắc,che-bien,to-hop-tac,duoi-10,khong-co,1,1,1,0\n"
    )
    lines, _ = check(tree, files)
    assert lines == [
        f"{CSV_PATH}:2:3: lỗi: region: Lào Cai thuộc vùng “Trung du và miền núi phía Bắc” (theo danh mục tỉnh); "
        "để trống hoặc ghi trung-du-mien-nui-phia-bac. Ví dụ: trung-du-mien-nui-phia-bac",
    ]
    lines, _ = check(tree, {**files, "assessments/thu/responses.csv": HEADER + GOOD[1] + "\n"})
    assert lines == [
        "content/assessments/thu/survey.yaml:6:1: lỗi: sample_size: sample_size là 3 nhưng responses.csv có 1 "
        "dòng trả lời. Ví dụ: sample_size: 1"
    ]


def test_free_text_over_several_lines_is_refused(tree):
    rows = [GOOD[1], 'an-2,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,"ghi chú\ndài",1,1,1,0']
    lines, _ = check(tree, survey_tree(rows))
    assert lines == [
        f"{CSV_PATH}:3: lỗi: có ô xuống dòng trong dấu nháy: không ghi câu trả lời tự do vào tệp này."
    ]


def test_an_unclosed_quote_running_past_the_csv_cell_limit_is_a_problem(tree):
    rows = [GOOD[1], 'an-2,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,"' + "x" * 140_000]
    lines, _ = check(tree, survey_tree(rows, n=2))
    assert lines == [
        f"{CSV_PATH}:3: lỗi: không đọc được từ dòng này: có ô dài quá 131.072 ký tự (thường do một dấu nháy "
        '`"` không được đóng).'
    ]
    files = survey_tree(GOOD)
    files["assessments/thu/responses.csv"] = '"' + "x" * 140_000
    lines, _ = check(tree, files)
    assert lines == [
        f"{CSV_PATH}:1: lỗi: không đọc được từ dòng này: có ô dài quá 131.072 ký tự (thường do một dấu nháy "
        '`"` không được đóng).'
    ]


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
