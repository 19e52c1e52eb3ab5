"""Scoring one respondent: pillar points to pillar levels to the overall level, pure and exact.

DBI 2021 (../shared/reference/dx_frameworks.md §1): a pillar reaches a level above a share of its
maximum; the overall level needs both a total and a number of pillars at that level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chophien.assessment.model import Score, ScoringModel


def pillar_level(points: int, maximum: int, thresholds: Sequence[tuple[int, int]]) -> int:
    """The highest level whose threshold the pillar's share of its maximum is *above*.

    Exact integer arithmetic: 13 of 65 points is 20%, not above 20%, so level 1 of DBI.
    """
    level = 0
    for number, above_percent in thresholds:
        if points * 100 > above_percent * maximum:
            level = max(level, number)
    return level


def overall_level(total: int, pillar_levels: Sequence[int], rules: Sequence[tuple[int, int, int]]) -> int:
    """The highest level whose rules all hold: total above its bound and enough pillars at it.

    DBI: 200 points with only four pillars at level 4 or higher is level 3, not 4.
    """
    level = 0
    for number, total_above, pillars_needed in rules:
        at_level = sum(1 for value in pillar_levels if value >= number)
        if total > total_above and at_level >= pillars_needed:
            level = max(level, number)
    return level


def score(model: ScoringModel, points: Mapping[str, int]) -> Score:
    """Score one respondent from per-criterion points (criterion key → points)."""
    pillar_points = tuple(sum(points[c.key] for c in p.criteria) for p in model.pillars)
    thresholds = model.pillar_thresholds
    levels = tuple(
        pillar_level(v, p.maximum, thresholds) for v, p in zip(pillar_points, model.pillars, strict=True)
    )
    total = sum(pillar_points)
    return Score(pillar_points, levels, total, overall_level(total, levels, model.overall_rules))
