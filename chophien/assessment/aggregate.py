"""Aggregation of a survey's responses: counts by level and equipment, nationally and per group, and the sums linking them.

Cells (counts) are linked by relations (a total equals the sum of its parts); together with the
part of each count whose own results are public anyway, they are what chophien.assessment.publish
needs to decide what may be shown.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from chophien import reference
from chophien.assessment.model import SECTORS, SIZE_BANDS, Response, ScoringModel, Survey
from chophien.catalogue.model import KINDS
from chophien.core.text import vi_sorted


@dataclass(frozen=True)
class Dimension:
    key: str
    url: str
    name: str
    name_en: str


DIMENSIONS = (
    Dimension("province", "theo-tinh", "Tỉnh, thành phố", "Province"),
    Dimension("region", "theo-vung", "Vùng kinh tế – xã hội", "Socio-economic region"),
    Dimension("sector", "theo-linh-vuc", "Lĩnh vực", "Sector"),
    Dimension("kind", "theo-loai-hinh", "Loại hình", "Type of organisation"),
    Dimension("size", "theo-quy-mo", "Quy mô", "Size"),
)


def group_label(dimension: str, slug: str, lang: str = "vi") -> str:
    """A group's name; in English (lang="en") its English name where the reference data has one."""
    if dimension in ("province", "region"):
        found = (reference.province_by_slug if dimension == "province" else reference.region_by_slug)(slug)
        return (getattr(found, "name_en", "") if lang == "en" else "") or found.name
    names = {"sector": SECTORS, "kind": KINDS, "size": SIZE_BANDS}[dimension][slug]
    return names[1] if lang == "en" else names[0]


def _group_order(dimension: str, present: set[str]) -> list[str]:
    if dimension == "province":
        return [p.slug for p in vi_sorted(reference.provinces(), key=lambda p: p.name) if p.slug in present]
    if dimension == "region":
        return [r.slug for r in reference.regions() if r.slug in present]
    table = {"sector": SECTORS, "kind": KINDS, "size": SIZE_BANDS}[dimension]
    return [slug for slug in table if slug in present]


def group_key(categories: Sequence[str]) -> str:
    """A name for a set of equipment classes: 'tu-dong-co-dinh+tu-dong-linh-hoat'."""
    return "+".join(categories)


@dataclass(frozen=True)
class PillarAverages:
    levels: tuple[float, ...]  # average pillar level, 0–5
    percents: tuple[float, ...]  # average share of the pillar's maximum, %


@dataclass
class Aggregates:
    """Every count a survey's pages could show, and the sums that link them."""

    cells: dict[tuple, int]
    relations: list[tuple[tuple, list[tuple]]]
    groups: dict[str, list[str]]  # dimension → group slugs present, in display order
    averages: dict[tuple, PillarAverages]  # ("all",) or (dimension, group)
    median_level: int
    mean_total: float
    equipment_groups: tuple[str, ...]
    known: dict[tuple, int] = field(default_factory=dict)  # consenting cooperatives' part of a count
    answers: dict[str, tuple] = field(default_factory=dict)  # "level"/"equipment" → possible answers
    # Respondents whose own results are not public, in file order: (groups, level, equipment).
    private: tuple[tuple[frozenset, int, str], ...] = ()


def _averages(model: ScoringModel, responses: Sequence[Response]) -> PillarAverages:
    count = len(responses)
    levels = tuple(
        sum(r.score.pillar_levels[i] for r in responses) / count for i in range(len(model.pillars))
    )
    percents = tuple(
        100 * sum(r.score.pillar_points[i] for r in responses) / (count * p.maximum)
        for i, p in enumerate(model.pillars)
    )
    return PillarAverages(levels, percents)


@dataclass
class _Tables:
    """The cells, the publicly known part of each, and the relations, filled scope by scope in a fixed order."""

    levels: list[int]
    kinds: list[str]
    public: Callable[[Response], bool]
    cells: dict[tuple, int] = field(default_factory=dict)
    known: dict[tuple, int] = field(default_factory=dict)
    relations: list[tuple[tuple, list[tuple]]] = field(default_factory=list)

    def tails(self) -> list[tuple]:
        """The cells of one scope: its count, then by level, then by equipment class."""
        return [("n",)] + [("level", lv) for lv in self.levels] + [("equipment", e) for e in self.kinds]

    def _counts(self, members: Sequence[Response]) -> dict[tuple, int]:
        result = {("n",): len(members)}
        for level in self.levels:
            result[("level", level)] = sum(1 for r in members if r.score.level == level)
        for kind in self.kinds:
            result[("equipment", kind)] = sum(1 for r in members if r.equipment == kind)
        return result

    def count(self, prefix: tuple, members: Sequence[Response]) -> None:
        """One scope's cells (all respondents, and the public part), and its two distributions."""
        self.cells.update({prefix + tail: value for tail, value in self._counts(members).items()})
        public = list(filter(self.public, members))
        self.known.update({prefix + tail: value for tail, value in self._counts(public).items()})
        self.relations.append((prefix + ("n",), [prefix + ("level", lv) for lv in self.levels]))
        self.relations.append((prefix + ("n",), [prefix + ("equipment", e) for e in self.kinds]))

    def count_equipment_groups(self, groups: Sequence[tuple[str, ...]]) -> None:
        """A national cell for each union of equipment classes, the sum of its classes."""
        for categories in groups:
            key = ("equipment-group", group_key(categories))
            self.cells[key] = sum(self.cells[("equipment", c)] for c in categories)
            self.known[key] = sum(self.known[("equipment", c)] for c in categories)
            self.relations.append((key, [("equipment", c) for c in categories]))

    def link_dimension(self, dimension: str, order: Sequence[str]) -> None:
        """Each national cell is the sum of the same cell over the dimension's groups."""
        self.relations.append((("n",), [(dimension, g, "n") for g in order]))
        for level in self.levels:
            self.relations.append((("level", level), [(dimension, g, "level", level) for g in order]))
        for kind in self.kinds:
            self.relations.append((("equipment", kind), [(dimension, g, "equipment", kind) for g in order]))

    def link_regions(self, groups: dict[str, list[str]]) -> None:
        """A region is the sum of its provinces, so a hidden province cannot be recovered from its region.

        (The loader insists that a response's region is its province's.)
        """
        for region in groups["region"]:
            provinces = [p for p in groups["province"] if reference.province_by_slug(p).region == region]
            for tail in self.tails():
                self.relations.append(
                    (("region", region) + tail, [("province", p) + tail for p in provinces])
                )


def _count_groups(
    model: ScoringModel, responses: Sequence[Response], tables: _Tables
) -> tuple[dict[str, list[str]], dict[tuple, PillarAverages]]:
    """Every group of every dimension: its cells, its pillar averages, the sums over groups."""
    groups: dict[str, list[str]] = {}
    averages = {("all",): _averages(model, responses)} if responses else {}
    for dimension in DIMENSIONS:
        d = dimension.key
        by_group: dict[str, list[Response]] = {}
        for response in responses:
            by_group.setdefault(getattr(response, d), []).append(response)
        order = _group_order(d, set(by_group))
        groups[d] = order
        for slug in order:
            tables.count((d, slug), by_group[slug])
            averages[(d, slug)] = _averages(model, by_group[slug])
        tables.link_dimension(d, order)
    return groups, averages


def aggregate(survey: Survey, equipment_groups: Sequence[Sequence[str]] = ()) -> Aggregates:
    """Counts by overall level and equipment class, nationally and for every group of every dimension.

    *equipment_groups* are unions of classes that another survey publishes (for comparisons);
    each becomes a cell of its own, so suppression accounts for it.
    """
    model = survey.model
    responses = survey.responses or ()

    def public(response: Response) -> bool:  # its own result is public anyway
        return bool(survey.own_results and response.consent and response.cooperative)

    tables = _Tables([lv.number for lv in model.levels], [e.key for e in model.equipment], public)
    tables.cells[("n",)] = len(responses)
    tables.count((), responses)
    unions = list(dict.fromkeys(tuple(g) for g in equipment_groups if len(g) > 1))
    tables.count_equipment_groups(unions)
    groups, averages = _count_groups(model, responses, tables)
    tables.link_regions(groups)

    ordered = sorted(r.score.level for r in responses)
    private = tuple(
        (frozenset((d.key, getattr(r, d.key)) for d in DIMENSIONS), r.score.level, r.equipment)
        for r in responses
        if not public(r)
    )
    return Aggregates(
        tables.cells,
        tables.relations,
        groups,
        averages,
        median_level=ordered[(len(ordered) - 1) // 2] if ordered else 0,
        mean_total=statistics.fmean(r.score.total for r in responses) if responses else 0.0,
        equipment_groups=tuple(group_key(g) for g in unions),
        known=tables.known,
        answers={"level": tuple(tables.levels), "equipment": tuple(tables.kinds)},
        private=private,
    )
