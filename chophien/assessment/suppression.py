"""Statistical disclosure control for published tables of counts and means (docs/assessment.md).

A set of tables is given as *cells* (key → count) and *relations* (a total cell equals the sum
of its part cells: a row total, a column total, a region = the sum of its provinces, …). The
rules, each a function here, pure and tested on small hand-made tables:

- threshold rule (`primary_cells`): 0 < count < threshold is hidden, counting only respondents
  whose own answers are not public anyway;
- group disclosure / dominance (`dominated_rows`): when all, or all but fewer than the threshold,
  of a group's unknown respondents share one answer, the group's whole row of that answer is
  hidden, zeros included;
- complementary suppression (`suppress_small_cells`): more cells are hidden until no protected
  cell is the only hidden cell of a relation nor is pinned down by several relations together
  (exact linear algebra over the rationals, `determined_cells`);
- exchange witnesses (`protect_answers`): for every respondent whose answer is private, another
  one with a different answer must exist such that exchanging their answers changes no published
  figure; cells are hidden until one does. This is the attribute-disclosure guarantee: whatever
  a reader combines — margins, pages, downloads — the data with the exchange give the same
  figures, so the respondent's answer cannot be told;
- means (`protect_means`): a mean is withheld over fewer than the threshold of unknown
  respondents, and hidden means are chosen so that no difference of published ones recovers one.

Out of scope, and said so in docs/assessment.md: intervals that come from counts being
non-negative beyond what the exchange witnesses give, an attacker who re-runs this algorithm on
guessed data (a "minimality attack"), and knowledge a reader has from outside the published tables.
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


def dominated_rows(
    rows: Mapping[Key, Sequence[Key]],
    cells: Mapping[Key, int],
    threshold: int,
    known: Mapping[Key, int] | None = None,
) -> dict[Key, Key]:
    """Group disclosure: rows whose unknown respondents (nearly) all share one answer.

    *rows* maps a row's name to its cells (one per possible answer). A row is dominated when it
    has unknown respondents and fewer than *threshold* of them lie outside its largest cell —
    all of them in one cell (the classic case: a hidden count beside zeros) or all but a few.
    Returns row → its largest cell, which must then never be recoverable.
    """
    known = known or {}
    dominated = {}
    for row, members in rows.items():
        unknown = {key: cells[key] - known.get(key, 0) for key in members}
        total = sum(unknown.values())
        if total <= 0:
            continue
        largest = max(members, key=lambda key: (unknown[key], -members.index(key)))
        if total - unknown[largest] < threshold:
            dominated[row] = largest
    return dominated


def suppress_small_cells(
    cells: Mapping[Key, int],
    relations: Sequence[Relation],
    threshold: int = DEFAULT_THRESHOLD,
    fixed: Iterable[Key] = (),
    priority: Callable[[Key], int] = lambda key: 0,
    known: Mapping[Key, int] | None = None,
    protect: Iterable[Key] = (),
    hide: Iterable[Key] = (),
) -> set[Key]:
    """Every cell to hide: the small ones, and complements so none of them can be recomputed.

    *fixed* cells (the number of respondents, say) are always published and never chosen as
    complements; *known* is passed to `primary_cells`. First no relation may hold exactly one
    hidden cell: its complement is the publishable cell of that relation with the lowest
    *priority* class (inner cells before totals, say), then a non-zero count, then the one that
    also completes the most other such relations — which closes rectangles in a two-way table —,
    then the smallest count, then the order of *cells*. Then, while linear algebra still
    recovers a protected cell from several relations together, a cell near it is hidden too.
    *protect* cells are protected like small ones (the largest cell of a dominated row); *hide*
    cells are hidden from the start (the rest of such a row, zeros included).
    """
    fixed = set(fixed)
    position = {key: index for index, key in enumerate(cells)}
    primary = primary_cells(cells, threshold, fixed, known) | (set(protect) - fixed)
    hidden = primary | (set(hide) - fixed)
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


def exchange_changes(
    first: tuple[frozenset, Hashable],
    second: tuple[frozenset, Hashable],
    cell: Callable[[Key, Hashable], Key],
    extras: Callable[[Key], Iterable[Key]] = lambda scope: (),
) -> set[Key]:
    """The published figures that exchanging two respondents' answers would move.

    A respondent is (scopes it is counted in, its answer). In a scope both share nothing moves;
    in a scope only one is in, the cells of both answers move by one, and so does anything else
    that depends on the answer there (*extras*: the scope's means).
    """
    (scopes, value), (other_scopes, other_value) = first, second
    if value == other_value:
        return set()
    changed: set[Key] = set()
    for scope in scopes ^ other_scopes:
        changed.add(cell(scope, value))
        changed.add(cell(scope, other_value))
        changed.update(extras(scope))
    return changed


def protect_answers(
    respondents: Sequence[tuple[frozenset, Hashable]],
    hidden: Iterable[Key],
    cell: Callable[[Key, Hashable], Key],
    extras: Callable[[Key], Iterable[Key]] = lambda scope: (),
    fixed: Iterable[Key] = (),
    weight: Callable[[Key], int] = lambda key: 1,
) -> set[Key] | None:
    """Exchange witnesses: what to hide so that no private answer can be inferred; None if nothing can.

    *respondents* are those whose answers are not public, in a fixed order, as (scopes, answer).
    For each, some other respondent with a different answer must exist whose exchange with it
    moves only hidden figures (`exchange_changes`): the data with the exchange are then a second
    dataset that gives every published figure — whatever a reader adds up or subtracts — and in
    it the respondent's answer is different. When none exists yet, the exchange that needs the
    fewest newly hidden figures (by *weight*) is made invisible (ties: the earlier respondent). Hiding more
    never spoils an exchange found before, so one pass suffices. None when a respondent has no
    possible partner (everyone unknown gave the same answer): the caller hides the whole answer.
    """
    fixed = set(fixed)
    hidden = set(hidden)
    added: set[Key] = set()
    for respondent in respondents:
        best: tuple[tuple[int, int], set[Key]] | None = None
        for other_index, other in enumerate(respondents):
            if other[1] == respondent[1]:
                continue
            changed = exchange_changes(respondent, other, cell, extras)
            if changed & fixed:
                continue
            new = changed - hidden
            cost = (sum(map(weight, new)), other_index)
            if best is None or cost < best[0]:
                best = (cost, new)
                if not new:
                    break
        if best is None:
            return None
        hidden |= best[1]
        added |= best[1]
    return added


def protect_means(
    relations: Sequence[Relation],
    hidden: Iterable[Key],
    unknown: Mapping[Key, int],
    threshold: int,
    order: Sequence[Key] = (),
) -> set[Key]:
    """Means to withhold so that no published difference gives a mean over too few unknowns.

    Each relation says a total's sum is the sum of its parts' sums (the country = its provinces).
    When the total is published, the hidden parts' combined sum is the difference, so the
    hidden parts together must hold no unknown respondent or at least *threshold* of them;
    otherwise the published part with the fewest unknowns is withheld too (or, with none left,
    the total). *unknown* counts each mean's respondents whose answers are not public.
    Returns every mean to withhold, *hidden* included.
    """
    hidden = set(hidden)
    position = {key: index for index, key in enumerate(order)}
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            if total in hidden:
                continue
            unknown_hidden = sum(unknown.get(p, 0) for p in parts if p in hidden)
            if 0 < unknown_hidden < threshold:
                rest = [p for p in parts if p not in hidden and unknown.get(p, 0) > 0]
                choice = (
                    min(rest, key=lambda p: (unknown.get(p, 0), position.get(p, len(position))))
                    if rest
                    else total
                )
                hidden.add(choice)
                changed = True
    return hidden
