"""Technology and digital-transformation assessment: scoring models as data, scoring, aggregation, publishing.

A scoring model (content/assessments/models/*.yaml) names pillars with their maximum points,
the share of a pillar's maximum needed for each level, and for the overall level both a total
and a minimum number of pillars at that level (DBI 2021, ../shared/reference/dx_frameworks.md
§1). Scoring is pure. A survey's responses are aggregated into cells (counts) linked by
relations (totals); `publish` hides small cells and their complements (chophien.assessment.suppression)
and returns only what may be shown, so pages, charts and downloads never see a hidden value.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from chophien import reference
from chophien.assessment.suppression import (
    DEFAULT_THRESHOLD,
    determined_cells,
    dominated_rows,
    protect_answers,
    protect_means,
    suppress_small_cells,
)
from chophien.catalogue.schema import KINDS
from chophien.core.text import vi_sorted

# The programme's own grouping of cooperatives' main activity [M]: not an official classification.
SECTORS = {
    "nong-nghiep": ("Trồng trọt, chăn nuôi", "Crops and livestock"),
    "lam-nghiep": ("Lâm nghiệp, dược liệu", "Forestry and medicinal plants"),
    "thuy-san": ("Thủy sản", "Fisheries"),
    "che-bien": ("Chế biến nông sản, thực phẩm", "Food processing"),
    "thu-cong": ("Thủ công mỹ nghệ, dệt", "Handicrafts and weaving"),
    "du-lich-dich-vu": ("Du lịch cộng đồng, dịch vụ", "Community tourism and services"),
    "khac": ("Lĩnh vực khác", "Other"),
}

SIZE_BANDS = {
    "duoi-10": ("Dưới 10 thành viên", "Fewer than 10 members"),
    "10-29": ("10–29 thành viên", "10–29 members"),
    "30-99": ("30–99 thành viên", "30–99 members"),
    "tu-100": ("Từ 100 thành viên", "100 members or more"),
}


# --- scoring models ---------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    number: int
    name: str
    name_en: str
    description: str = ""
    pillar_above: int | None = None  # a pillar reaches this level above this % of its maximum
    total_above: int | None = None  # overall: total points above this …
    pillars_at_level: int | None = None  # … and at least this many pillars at this level or higher

    @property
    def label(self) -> str:
        return f"Mức {self.number} – {self.name}"


@dataclass(frozen=True)
class Criterion:
    key: str  # also the column name in responses.csv
    name: str
    maximum: int


@dataclass(frozen=True)
class Pillar:
    key: str
    name: str
    short_name: str
    name_en: str
    maximum: int
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class EquipmentClass:
    key: str
    name: str
    short_name: str
    name_en: str
    description: str = ""
    example: str = ""


@dataclass(frozen=True)
class ScoringModel:
    slug: str
    name: str
    name_en: str
    short_name: str
    source: str
    source_url: str
    notes: tuple[str, ...]
    levels: tuple[Level, ...]
    pillars: tuple[Pillar, ...]
    equipment: tuple[EquipmentClass, ...]

    @property
    def total_maximum(self) -> int:
        return sum(p.maximum for p in self.pillars)

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for p in self.pillars for c in p.criteria)

    @property
    def pillar_thresholds(self) -> tuple[tuple[int, int], ...]:
        return tuple((lv.number, lv.pillar_above) for lv in self.levels if lv.pillar_above is not None)

    @property
    def overall_rules(self) -> tuple[tuple[int, int, int], ...]:
        return tuple(
            (lv.number, lv.total_above, lv.pillars_at_level)
            for lv in self.levels
            if lv.total_above is not None
        )

    def level(self, number: int) -> Level:
        return self.levels[number]

    def equipment_class(self, key: str) -> EquipmentClass:
        return next(e for e in self.equipment if e.key == key)

    @property
    def url(self) -> str:
        return f"danh-gia/phuong-phap/{self.slug}/"


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


@dataclass(frozen=True)
class Score:
    pillar_points: tuple[int, ...]
    pillar_levels: tuple[int, ...]
    total: int
    level: int


def score(model: ScoringModel, points: Mapping[str, int]) -> Score:
    """Score one respondent from per-criterion points (criterion key → points)."""
    pillar_points = tuple(sum(points[c.key] for c in p.criteria) for p in model.pillars)
    thresholds = model.pillar_thresholds
    levels = tuple(
        pillar_level(v, p.maximum, thresholds) for v, p in zip(pillar_points, model.pillars, strict=True)
    )
    total = sum(pillar_points)
    return Score(pillar_points, levels, total, overall_level(total, levels, model.overall_rules))


# --- surveys -------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    respondent: str  # a cooperative slug or an anonymous id (an-…)
    cooperative: str | None  # the cooperative's slug when the respondent is one on this site
    province: str  # slug
    region: str  # slug
    sector: str
    kind: str
    size: str
    equipment: str
    consent: bool
    points: tuple[int, ...]  # per criterion, in the model's order
    score: Score


@dataclass(frozen=True)
class Placement:
    group: str
    level: int
    note: str = ""


@dataclass(frozen=True)
class EquipmentShare:
    categories: tuple[str, ...]
    label: str
    percent: float
    note: str = ""


@dataclass(frozen=True)
class PublishedFigures:
    """Aggregate figures copied from a publication (published.yaml): no microdata."""

    source: str
    source_url: str = ""
    placements: tuple[Placement, ...] = ()
    level_percents: tuple[tuple[int, float], ...] = ()
    pillar_averages: tuple[tuple[str, float], ...] = ()
    equipment: tuple[EquipmentShare, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Survey:
    slug: str
    title: str
    title_en: str
    organiser: str
    period: str
    year: int
    method: str
    sample_size: int
    model: ScoringModel
    source: str
    source_url: str
    sample_data: bool
    summary: str
    own_results: bool  # may a consenting cooperative's own result be shown on its page?
    consent_statement: str
    threshold: int
    responses: tuple[Response, ...] | None = None
    published: PublishedFigures | None = None
    files: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"danh-gia/{self.slug}/"

    @property
    def has_microdata(self) -> bool:
        return self.responses is not None


@dataclass(frozen=True)
class CooperativeResult:
    """One cooperative's own result, shown on its page because it consented."""

    survey: Survey
    score: Score
    equipment: str


@dataclass
class Assessments:
    models: dict[str, ScoringModel] = field(default_factory=dict)
    surveys: list[Survey] = field(default_factory=list)  # newest first

    def results_for(self, cooperative: str) -> list[CooperativeResult]:
        """The cooperative's results in surveys that allow it, where it said yes."""
        results = []
        for survey in self.surveys:
            if not (survey.has_microdata and survey.own_results):
                continue
            for response in survey.responses:
                if response.cooperative == cooperative and response.consent:
                    results.append(CooperativeResult(survey, response.score, response.equipment))
        return results


# --- aggregation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    url: str
    name: str
    name_en: str


DIMENSIONS = (
    Dimension("province", "theo-tinh", "Tỉnh, thành phố", "Province"),
    Dimension("region", "theo-vung", "Vùng kinh tế – xã hội", "Region"),
    Dimension("sector", "theo-linh-vuc", "Lĩnh vực", "Sector"),
    Dimension("kind", "theo-loai-hinh", "Loại hình", "Kind"),
    Dimension("size", "theo-quy-mo", "Quy mô", "Size"),
)


def group_label(dimension: str, slug: str) -> str:
    if dimension == "province":
        return reference.province_by_slug(slug).name
    if dimension == "region":
        return reference.region_by_slug(slug).name
    return {"sector": SECTORS, "kind": KINDS, "size": SIZE_BANDS}[dimension][slug][0]


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


def aggregate(survey: Survey, equipment_groups: Sequence[Sequence[str]] = ()) -> Aggregates:
    """Counts by overall level and equipment class, nationally and for every group of every dimension.

    *equipment_groups* are unions of classes that another survey publishes (for comparisons);
    each becomes a cell of its own, so suppression accounts for it.
    """
    model = survey.model
    responses = survey.responses or ()
    levels = [lv.number for lv in model.levels]
    kinds = [e.key for e in model.equipment]
    cells: dict[tuple, int] = {("n",): len(responses)}
    relations: list[tuple[tuple, list[tuple]]] = []

    known: dict[tuple, int] = {}  # the part of each count whose own results are public anyway

    def public(response: Response) -> bool:
        return bool(survey.own_results and response.consent and response.cooperative)

    def counts(members: Sequence[Response]) -> dict[tuple, int]:
        result = {("n",): len(members)}
        for level in levels:
            result[("level", level)] = sum(1 for r in members if r.score.level == level)
        for kind in kinds:
            result[("equipment", kind)] = sum(1 for r in members if r.equipment == kind)
        return result

    def count_into(prefix: tuple, members: Sequence[Response]) -> None:
        cells.update({prefix + tail: value for tail, value in counts(members).items()})
        known.update({prefix + tail: value for tail, value in counts(list(filter(public, members))).items()})
        relations.append((prefix + ("n",), [prefix + ("level", lv) for lv in levels]))
        relations.append((prefix + ("n",), [prefix + ("equipment", e) for e in kinds]))

    count_into((), responses)
    multi = [tuple(g) for g in equipment_groups if len(g) > 1]
    for categories in dict.fromkeys(multi):
        key = ("equipment-group", group_key(categories))
        cells[key] = sum(cells[("equipment", c)] for c in categories)
        known[key] = sum(known[("equipment", c)] for c in categories)
        relations.append((key, [("equipment", c) for c in categories]))

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
            count_into((d, slug), by_group[slug])
            averages[(d, slug)] = _averages(model, by_group[slug])
        relations.append((("n",), [(d, g, "n") for g in order]))
        for level in levels:
            relations.append((("level", level), [(d, g, "level", level) for g in order]))
        for kind in kinds:
            relations.append((("equipment", kind), [(d, g, "equipment", kind) for g in order]))
    # A region is the sum of its provinces (the loader insists a response's region is its
    # province's): a hidden province must not be recoverable from its region.
    for region in groups["region"]:
        provinces = [p for p in groups["province"] if reference.province_by_slug(p).region == region]
        for tail in [("n",)] + [("level", lv) for lv in levels] + [("equipment", e) for e in kinds]:
            relations.append((("region", region) + tail, [("province", p) + tail for p in provinces]))

    ordered = sorted(r.score.level for r in responses)
    median = ordered[(len(ordered) - 1) // 2] if ordered else 0
    mean_total = statistics.fmean(r.score.total for r in responses) if responses else 0.0
    private = tuple(
        (frozenset((d.key, getattr(r, d.key)) for d in DIMENSIONS), r.score.level, r.equipment)
        for r in responses
        if not public(r)
    )
    return Aggregates(
        cells,
        relations,
        groups,
        averages,
        median,
        mean_total,
        tuple(group_key(g) for g in dict.fromkeys(multi)),
        known,
        {"level": tuple(levels), "equipment": tuple(kinds)},
        private,
    )


# --- publishing -----------------------------------------------------------------------------


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
    known = aggregates.known
    rows = {
        (scope, answer): [scope + (answer, value) for value in values]
        for scope in scopes
        for answer, values in aggregates.answers.items()
    }
    dominated = dominated_rows(rows, cells, threshold, known)
    hidden = suppress_small_cells(
        cells,
        aggregates.relations,
        threshold,
        fixed=[("n",)],
        priority=_priority,
        known=known,
        protect=dominated.values(),
        hide=[key for row in dominated for key in rows[row]],
    )
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
            hidden |= {key for key in cells if answer in key or answer == key[0].removesuffix("-group")}
            if answer == "level":
                hidden |= means
        else:
            hidden |= added
    # A hidden cell that the published ones determine exactly tells nothing new: show it.
    hidden -= determined_cells(aggregates.relations, hidden)
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
