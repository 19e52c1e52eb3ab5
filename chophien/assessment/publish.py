"""What of a survey's aggregates may be shown: the cells and means to hide, and the PublishedSurvey view without them.

`publish` hides small cells and their complements (the rules are chophien.assessment.suppression)
and returns only what may be shown, so pages, charts and downloads never see a hidden value.
"""

from __future__ import annotations

from dataclasses import dataclass

from chophien import reference
from chophien.assessment.aggregate import Aggregates
from chophien.assessment.suppression import (
    DEFAULT_THRESHOLD,
    determined_cells,
    dominated_rows,
    protect_answers,
    protect_means,
    suppress_small_cells,
)


@dataclass(frozen=True)
class PublishedSurvey:
    """What a survey's pages, charts and downloads may show. None marks a hidden cell."""

    n: int
    values: dict  # cell key → int, or None when hidden
    averages: dict  # ("all",) / (dimension, group) → PillarAverages, or None when hidden
    groups: dict
    median_level: int | None
    mean_total: float | None
    threshold: int
    equipment_groups: tuple[str, ...] = ()

    def value(self, key: tuple) -> int | None:
        return self.values.get(key)

    def hidden(self, key: tuple) -> bool:
        return key in self.values and self.values[key] is None

    def percent(self, key: tuple, base: tuple = ("n",)) -> float | None:
        """Share of a published count in a published total, else None."""
        part, whole = self.values.get(key), self.values.get(base)
        if part is None or not whole:
            return None
        return 100 * part / whole

    @property
    def suppressed_count(self) -> int:
        return sum(1 for v in self.values.values() if v is None)


def _priority(key: tuple) -> int:
    """Hide inner cells before a group's total, and national figures last."""
    if len(key) <= 2:
        return 2
    return 1 if key[-1] == "n" else 0


def average_key(scope: tuple) -> tuple:
    """The name of a scope's means in a set of hidden keys: ("average",) nationally, ("average", d, g)."""
    return ("average",) + scope


def _scopes(aggregates: Aggregates) -> list[tuple]:
    return [()] + [(d, g) for d, groups in aggregates.groups.items() for g in groups]


def _exchange_weight(key: tuple) -> int:
    """Programme staff read provinces and regions first (DESIGN §1): hide their figures last."""
    return 3 if key[0] in ("average", "province", "region") else 1


def _small_and_dominated(aggregates: Aggregates, scopes: list[tuple], threshold: int) -> set[tuple]:
    """The threshold rule and group disclosure (dominated rows, zeros included), with complementary cells."""
    cells, known = aggregates.cells, aggregates.known
    rows = {
        (scope, answer): [scope + (answer, value) for value in values]
        for scope in scopes
        for answer, values in aggregates.answers.items()
    }
    dominated = dominated_rows(rows, cells, threshold, known)
    return suppress_small_cells(
        cells,
        aggregates.relations,
        threshold,
        fixed=[("n",)],
        priority=_priority,
        known=known,
        protect=dominated.values(),
        hide=[key for row in dominated for key in rows[row]],
    )


def _exchange_witnesses(aggregates: Aggregates, hidden: set[tuple], means: set[tuple]) -> set[tuple]:
    """Cells hidden until each private answer (overall level, equipment) has an exchange witness."""
    for index, answer in enumerate(("level", "equipment"), start=1):
        respondents = [(private[0], private[index]) for private in aggregates.private]
        added = protect_answers(
            respondents,
            hidden,
            cell=lambda scope, value, answer=answer: scope + (answer, value),
            # An overall level comes from the points, which every mean of the scope includes.
            extras=(lambda scope: [average_key(scope)]) if answer == "level" else (lambda scope: ()),
            fixed=[("n",)],
            weight=_exchange_weight,
        )
        if added is None:  # every unknown respondent gave the same answer: publish none of it
            hidden |= {
                key for key in aggregates.cells if answer in key or answer == key[0].removesuffix("-group")
            }
            if answer == "level":
                hidden |= means
        else:
            hidden |= added
    return hidden


def hidden_cells(aggregates: Aggregates, threshold: int = DEFAULT_THRESHOLD) -> set[tuple]:
    """Every count and mean to hide (docs/assessment.md, "Privacy"); means as `average_key`s.

    In order: the threshold rule and group disclosure (dominated rows, zeros included), with
    complementary cells; then exchange witnesses for each private answer (overall level, which
    the means also depend on, and equipment); then means over too few unknown respondents and
    the means that would give them away by difference. With fewer respondents than the
    threshold, everything but their number.
    """
    cells = aggregates.cells
    scopes = _scopes(aggregates)
    means = {average_key(scope) for scope in scopes}
    if cells[("n",)] < threshold:
        return (set(cells) - {("n",)}) | means
    hidden = _small_and_dominated(aggregates, scopes, threshold)
    hidden = _exchange_witnesses(aggregates, hidden, means)
    # A hidden cell that the published ones determine exactly tells nothing new: show it.
    hidden -= determined_cells(aggregates.relations, hidden)
    known = aggregates.known
    unknown = {average_key(scope): cells[scope + ("n",)] - known.get(scope + ("n",), 0) for scope in scopes}
    hidden |= {
        average_key(scope)
        for scope in scopes
        if scope + ("n",) in hidden or 0 < unknown[average_key(scope)] < threshold
    }
    return _protect_means(aggregates, hidden, unknown, threshold, scopes)


def _protect_means(aggregates, hidden, unknown, threshold, scopes) -> set[tuple]:
    """Differencing of means: the country is the sum of each dimension's groups, a region of its provinces."""
    groups = aggregates.groups
    region_of = {p: reference.province_by_slug(p).region for p in groups.get("province", [])}
    relations = [
        (average_key(()), [average_key((d, g)) for g in members]) for d, members in groups.items()
    ] + [
        (average_key(("region", r)), [average_key(("province", p)) for p in region_of if region_of[p] == r])
        for r in groups.get("region", [])
    ]
    order = [average_key(scope) for scope in scopes]
    while True:
        # The country is also the published regions plus the provinces of the hidden ones.
        hidden_regions = {r for r in groups.get("region", []) if average_key(("region", r)) in hidden}
        mixed = [average_key(("region", r)) for r in groups.get("region", []) if r not in hidden_regions]
        mixed += [average_key(("province", p)) for p in region_of if region_of[p] in hidden_regions]
        extended = protect_means(relations + [(average_key(()), mixed)], hidden, unknown, threshold, order)
        if extended == hidden:
            return hidden
        hidden = extended


def published_view(aggregates: Aggregates, hidden: set[tuple], threshold: int) -> PublishedSurvey:
    """The figures with every *hidden* cell replaced by None; a group's averages only with its count.

    An average (and the national median and mean) is withheld when its `average_key` is hidden,
    and also — whatever *hidden* says — when its count is, or when, apart from cooperatives
    whose own results are public, fewer than *threshold* respondents are left in it. Nothing
    else of the aggregates passes through, so what a page shows cannot depend on the value of a
    hidden cell.
    """
    n = aggregates.cells[("n",)]
    values = {key: (None if key in hidden else value) for key, value in aggregates.cells.items()}

    def summarised(scope: tuple) -> bool:
        count = values[scope + ("n",)]
        if count is None or n < threshold or average_key(scope) in hidden:
            return False
        return not 0 < count - aggregates.known.get(scope + ("n",), 0) < threshold

    averages = {
        key: value if summarised(() if key == ("all",) else key) else None
        for key, value in aggregates.averages.items()
    }
    national = summarised(())
    return PublishedSurvey(
        n,
        values,
        averages,
        aggregates.groups if n >= threshold else {},
        aggregates.median_level if national else None,
        aggregates.mean_total if national else None,
        threshold,
        aggregates.equipment_groups,
    )


def publish(aggregates: Aggregates, threshold: int = DEFAULT_THRESHOLD) -> PublishedSurvey:
    """Hide small cells and their complements, then keep only what may be shown."""
    return published_view(aggregates, hidden_cells(aggregates, threshold), threshold)
