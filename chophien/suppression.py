"""Small-cell suppression for published tables: primary cells below a threshold, plus complements.

A set of tables is given as *cells* (key → count) and *relations* (a total cell equals the sum
of its part cells: a row total, a column total, a region = the sum of its provinces, …). A cell
with 0 < count < threshold is suppressed (primary suppression). A reader who knows the
published cells and the relations can still solve for a suppressed cell when it is the only
unknown in a relation, or — less obviously — when several relations together pin it down.
`suppress_small_cells` therefore adds complementary cells until no primary cell is determined
by the published cells and the relations (exact linear algebra over the rationals), choosing
the smallest non-zero candidates first.

Out of scope, and said so in docs/assessment.md: bounds that come from counts being
non-negative (a hidden pair summing to 3 tells that each is at most 3), and any knowledge a
reader has from outside the published tables.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from fractions import Fraction

Key = Hashable
Relation = tuple[Key, Sequence[Key]]  # (total, parts): total == sum(parts)

DEFAULT_THRESHOLD = 5


def primary_cells(
    cells: Mapping[Key, int],
    threshold: int,
    fixed: Iterable[Key] = (),
    known: Mapping[Key, int] | None = None,
) -> set[Key]:
    """Cells whose count is positive but below *threshold* (zeros disclose nobody).

    *known* counts, per cell, respondents whose own answers are public anyway (a cooperative
    that agreed to show its result): a cell is also small when what remains unknown is.
    """
    keep = set(fixed)
    known = known or {}
    return {
        key
        for key, value in cells.items()
        if key not in keep and (0 < value < threshold or 0 < value - known.get(key, 0) < threshold)
    }


def _subtract(target: dict, source: dict, column: int) -> None:
    """target -= target[column] × source (sparse rows of exact fractions), dropping zeros."""
    factor = target.get(column)
    if not factor:
        return
    for c, v in source.items():
        value = target.get(c, Fraction(0)) - factor * v
        if value:
            target[c] = value
        else:
            target.pop(c, None)


def determined_cells(relations: Sequence[Relation], hidden: set[Key]) -> set[Key]:
    """Hidden cells that the relations and the published cells determine exactly.

    Each relation is a linear equation; published cells are constants. A hidden cell is
    determined exactly when its unit vector lies in the row space of the equations restricted
    to the hidden cells: after reduction to reduced row echelon form, some row has that cell as
    its only non-zero entry.
    """
    order = {}
    rows: list[dict[int, Fraction]] = []
    for total, parts in relations:
        row: dict[int, Fraction] = {}
        for key, sign in [(total, 1)] + [(part, -1) for part in parts]:
            if key in hidden:
                column = order.setdefault(key, len(order))
                row[column] = row.get(column, Fraction(0)) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: dict[int, dict[int, Fraction]] = {}  # column → its reduced row
    for row in rows:
        for column, pivot_row in pivots.items():
            _subtract(row, pivot_row, column)
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {c: v / scale for c, v in row.items()}
        for other in pivots.values():
            _subtract(other, row, column)
        pivots[column] = row
    keys = {column: key for key, column in order.items()}
    return {keys[column] for column, row in pivots.items() if len(row) == 1}


def suppress_small_cells(
    cells: Mapping[Key, int],
    relations: Sequence[Relation],
    threshold: int = DEFAULT_THRESHOLD,
    fixed: Iterable[Key] = (),
    priority: Callable[[Key], int] = lambda key: 0,
    known: Mapping[Key, int] | None = None,
) -> set[Key]:
    """Every cell to hide: the small ones, and complements so none of them can be recomputed.

    *fixed* cells (the number of respondents, say) are always published and never chosen as
    complements; *known* is passed to `primary_cells`. First no relation may hold exactly one
    hidden cell: its complement is the publishable cell of that relation with the lowest *priority* class (inner cells before
    totals, say), then a non-zero count, then the one that also completes the most other such
    relations — which closes rectangles in a two-way table —, then the smallest count, then
    the order of *cells*. Then, while linear algebra still recovers a small cell from several
    relations together, a cell near it is hidden too.
    """
    fixed = set(fixed)
    position = {key: index for index, key in enumerate(cells)}
    primary = primary_cells(cells, threshold, fixed, known)
    hidden = set(primary)
    by_cell: dict[Key, list[int]] = {}
    for index, (total, parts) in enumerate(relations):
        for key in (total, *parts):
            by_cell.setdefault(key, []).append(index)

    def cost(key: Key) -> tuple:
        value = cells[key]
        return (priority(key), value == 0, value, position[key])

    def publishable(key: Key) -> bool:
        return key not in hidden and key not in fixed and key in cells

    while True:
        singles = []
        for index, (total, parts) in enumerate(relations):
            members = (total, *parts)
            if sum(key in hidden for key in members) == 1 and any(publishable(k) for k in members):
                singles.append(index)
        if singles:
            single_set = set(singles)
            total, parts = relations[singles[0]]
            candidates = [key for key in (total, *parts) if publishable(key)]
            hidden.add(
                min(
                    candidates,
                    key=lambda key: (
                        priority(key),
                        cells[key] == 0,
                        -sum(i in single_set for i in by_cell[key]),
                        *cost(key)[2:],
                    ),
                )
            )
            continue
        exposed = sorted(determined_cells(relations, hidden) & primary, key=position.__getitem__)
        if not exposed:
            return hidden
        choice = _complement(exposed[0], relations, by_cell, hidden, fixed, cells, cost)
        if choice is None:
            # Nothing left to hide near this cell: hide every cell that may be hidden.
            return set(cells) - fixed
        hidden.add(choice)


def _complement(key, relations, by_cell, hidden, fixed, cells, cost):
    """The cheapest publishable cell sharing a relation with *key*, searching outwards."""
    seen_cells = {key}
    frontier = [key]
    seen_relations: set[int] = set()
    while frontier:
        candidates = []
        next_frontier = []
        for cell in frontier:
            for index in by_cell.get(cell, ()):
                if index in seen_relations:
                    continue
                seen_relations.add(index)
                total, parts = relations[index]
                for other in (total, *parts):
                    if other in seen_cells:
                        continue
                    seen_cells.add(other)
                    if other in hidden:
                        next_frontier.append(other)
                    elif other not in fixed and other in cells:
                        candidates.append(other)
        if candidates:
            return min(candidates, key=cost)
        frontier = next_frontier
    return None
