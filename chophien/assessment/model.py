"""The assessment's domain values: scoring models as data, respondents' scores, surveys, published figures.

A scoring model (content/assessments/models/*.yaml) names pillars with their maximum points,
the share of a pillar's maximum needed for each level, and for the overall level both a total
and a minimum number of pillars at that level (DBI 2021, ../shared/reference/dx_frameworks.md
§1). Scoring is in chophien.assessment.scoring, aggregation in chophien.assessment.aggregate and
what may be shown in chophien.assessment.publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    description_en: str = ""

    @property
    def label(self) -> str:
        return f"Mức {self.number} – {self.name}"


# How far a criterion's wording, options and points have been checked (the model's `status`).
CRITERION_STATUSES = {
    "chinh-thuc": ("Đã đối chiếu với văn bản chính thức", "Checked against the official text"),
    "nguon-phu": ("Theo nguồn phụ, chưa đối chiếu văn bản gốc", "From secondary sources, not checked against the original"),
    "chua-xac-minh": ("Chưa xác minh: cách cho điểm do Chợ phiên đề xuất", "Unverified: the scoring is Chợ phiên's proposal"),
}  # fmt: skip


@dataclass(frozen=True)
class Option:
    """One answer to a criterion and the points it gives."""

    points: int
    label: str
    label_en: str = ""


@dataclass(frozen=True)
class Criterion:
    key: str  # also the column name in responses.csv
    name: str
    maximum: int
    component: str = ""  # the key of one of its pillar's component indices
    status: str = ""  # a key of CRITERION_STATUSES, or "" when the model does not say
    help: str = ""  # how to answer (period, what counts)
    options: tuple[Option, ...] = ()  # lowest first; none: any whole number 0–maximum
    option_set: str = ""  # the key of the model's shared option set the options come from, if any
    name_en: str = ""  # English name ("" when the model gives none)
    help_en: str = ""

    @property
    def allowed_points(self) -> tuple[int, ...]:
        """The points an answer can give: the options' points, or every whole number to the maximum."""
        if self.options:
            return tuple(option.points for option in self.options)
        return tuple(range(self.maximum + 1))

    @property
    def unverified(self) -> bool:
        return self.status == "chua-xac-minh"


@dataclass(frozen=True)
class OptionSet:
    """Answer options shared by several criteria (a model's `option_sets`)."""

    key: str
    name: str
    options: tuple[Option, ...]
    name_en: str = ""


@dataclass(frozen=True)
class Component:
    """A component index of a pillar (DBI 2021: 10 of them across the 6 pillars)."""

    key: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class NextSteps:
    """What a cooperative whose pillar is at *level* typically does next."""

    level: int
    steps: tuple[str, ...]
    steps_en: tuple[str, ...] = ()  # the same steps in English, or none

    def steps_in(self, lang: str) -> tuple[str, ...]:
        """The steps in *lang* ("en": the English ones when given), else the Vietnamese ones."""
        return self.steps_en if lang == "en" and self.steps_en else self.steps


@dataclass(frozen=True)
class Pillar:
    key: str
    name: str
    short_name: str
    name_en: str
    maximum: int
    criteria: tuple[Criterion, ...]
    components: tuple[Component, ...] = ()
    next_steps: tuple[NextSteps, ...] = ()
    short_name_en: str = ""  # English chart label (≤ 16 characters)

    def steps_at(self, level: int) -> tuple[str, ...]:
        """The next steps for a pillar at *level* (none past the last level given)."""
        return next((n.steps for n in self.next_steps if n.level == level), ())

    def criteria_of(self, component: str) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.component == component)


@dataclass(frozen=True)
class EquipmentClass:
    key: str
    name: str
    short_name: str
    name_en: str
    description: str = ""
    example: str = ""
    short_name_en: str = ""  # English chart label (≤ 24 characters)
    description_en: str = ""
    example_en: str = ""


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
    option_sets: tuple[OptionSet, ...] = ()
    notes_en: tuple[str, ...] = ()  # the notes in English (as many as notes), or none

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


@dataclass(frozen=True)
class Score:
    """One respondent's points and levels, per pillar and overall (chophien.assessment.scoring.score)."""

    pillar_points: tuple[int, ...]
    pillar_levels: tuple[int, ...]
    total: int
    level: int


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
    group_en: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class EquipmentShare:
    categories: tuple[str, ...]
    label: str
    percent: float
    note: str = ""
    label_en: str = ""  # given, or the classes' English names
    note_en: str = ""


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
    notes_en: tuple[str, ...] = ()  # the notes in English (as many as notes), or none


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
    organiser_en: str = ""
    method_en: str = ""
    summary_en: str = ""
    consent_statement_en: str = ""

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
