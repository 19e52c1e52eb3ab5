"""chophien.assessment.suppression: each rule on small hand-made tables, and random tables where no small cell is recoverable."""

from __future__ import annotations

import random

import pytest

from chophien.assessment.suppression import (
    determined_cells,
    dominated_rows,
    exchange_changes,
    primary_cells,
    protect_answers,
    protect_means,
    suppress_small_cells,
)


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
