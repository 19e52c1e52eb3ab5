"""The /danh-gia/ pages: overview, one page per survey and per breakdown, comparison, methodology, downloads.

Microdata surveys are aggregated and published here (chophien.assessment.model.publish), and every
figure below is built from the PublishedSurvey only: a hidden cell reaches the templates,
charts and downloads as the word "ẩn" or as None, never as its value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup

from chophien.assessment import charts, open_data
from chophien.assessment.aggregate import DIMENSIONS, aggregate, group_label
from chophien.assessment.charts import Bar, StackRow, number, percent
from chophien.assessment.model import Assessments, CooperativeResult, Pillar, Score, ScoringModel, Survey
from chophien.assessment.publish import PublishedSurvey, publish
from chophien.site import i18n, urls
from chophien.site.i18n import N_
from chophien.site.page import Page, crumbs

HIDDEN = "ẩn"
HIDDEN_NOTE = N_(
    "“ẩn”: ô bị ẩn để không ai suy ra được câu trả lời của một đơn vị: số nhỏ hơn {threshold}; cả hàng "
    "của một nhóm mà gần như mọi đơn vị cùng một câu trả lời (kể cả các số 0); và những ô mà nếu hiện "
    "thì tính ngược ra được từ các tổng hay từ trang khác. (Hidden so that no one’s answer can be "
    "worked out: counts under {threshold}, whole rows where nearly a whole group gave one answer, and "
    "cells that would let a hidden one be recomputed.)"
)
DOWNLOAD_TEMPLATE = "assessment_download.html"


@dataclass(frozen=True)
class Words:
    """One edition's words and number forms for the figures built here (site/i18n.py).

    The pages are built once; the English twin reuses the Vietnamese page's context, so every
    figure (tables and SVG charts) is built in both languages from the same PublishedSurvey:
    the context's own values are the Vietnamese ones, `english` holds the English ones. Messages
    are the Vietnamese text (`make messages` extracts `w._("…")`, a literal % written %%); on Vietnamese pages nothing is
    translated and the output is the one before the English edition."""

    lang: str = i18n.VI

    def _(self, message: str, **values) -> str:
        # Always %-formatted, as Jinja's newstyle gettext: a literal % is written %% in a message.
        return i18n.translations(self.lang).gettext(message) % values

    @property
    def hidden(self) -> str:
        return charts.WORDS[self.lang]["hidden"]

    def number(self, value: float) -> str:
        return number(value, lang=self.lang)

    def percent(self, value: float) -> str:
        return percent(value, lang=self.lang)

    def count(self, value: int) -> str:
        """A whole count: as it is in Vietnamese (no separator, as before), 1,234 in English."""
        return f"{value:,}" if self.lang == i18n.EN else f"{value}"

    def tr(self, obj, field: str = "name") -> str:
        """A data text in this language where the data has it (`tr` in the templates)."""
        return i18n.text_in(obj, field, self.lang)

    def level(self, level) -> str:
        """'Mức 2 – Bắt đầu' / 'Level 2 – Beginning' (the templates' level_label macro)."""
        return self._("Mức %(n)s – %(name)s", n=level.number, name=self.tr(level))

    def level_number(self, number_: int) -> str:
        return self._("Mức %(n)s", n=number_)

    def dimension(self, dimension) -> str:
        return dimension.name_en if self.lang == i18n.EN else dimension.name


VI_WORDS = Words(i18n.VI)
EN_WORDS = Words(i18n.EN)


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False
    detail: str = ""  # a second, smaller line (a share under a count)
    words: bool = False  # text, not a number: aligned left


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for _, cells in self.rows for cell in cells)


@dataclass(frozen=True)
class Figure:
    id: str
    heading: str
    chart: Markup | None
    table: Table
    note: str = ""


def _count(value: int | None, base: int | None = None, w: Words = VI_WORDS) -> Cell:
    if value is None:
        return Cell(w.hidden, hidden=True)
    share = w.percent(100 * value / base) if base and value else ""
    return Cell(w.count(value), detail=share)


def _crumbs(*extra):
    return crumbs((N_("Đánh giá"), urls.assessments()), *extra)


# --- per-survey figures ----------------------------------------------------------------


def _count_bars(published: PublishedSurvey, items: list[tuple[str, tuple]], w: Words) -> tuple[list, list]:
    """Bars and table rows (count, share) for labelled cells; suppressed cells shown as hidden."""
    bars, rows = [], []
    for label, key in items:
        value = published.value(key)
        share = published.percent(key)
        text = w.hidden if value is None else f"{w.count(value)} ({w.percent(share)})"
        bars.append(Bar(label, value, text))
        rows.append(
            (label, (_count(value, w=w), Cell(w.hidden, True) if share is None else Cell(w.percent(share))))
        )
    return bars, rows


def _count_figure(
    published: PublishedSurvey,
    rows_of,
    slug: str,
    heading: str,
    chart_id: str,
    chart_title: str,
    table_title: str,
    first_column: str,
    w: Words,
) -> Figure:
    """Units per level or per equipment class: a bar chart and its table, hidden cells marked."""
    bars, rows = _count_bars(published, rows_of, w)
    described = "; ".join(f"{b.label}: {b.text}" for b in bars)
    chart = charts.bar_chart(
        chart_id,
        w._("%(title)s, %(n)s đơn vị", title=chart_title, n=w.count(published.n)),
        w._("Biểu đồ thanh. %(described)s.", described=described),
        bars,
        lang=w.lang,
    )
    table = Table(table_title, (first_column, w._("Số đơn vị"), w._("Tỉ lệ")), tuple(rows))
    return Figure(slug, heading, chart, table, _note(table, published, w))


def level_figure(survey: Survey, published: PublishedSurvey, w: Words = VI_WORDS) -> Figure:
    return _count_figure(
        published,
        [(w.level(level), ("level", level.number)) for level in survey.model.levels],
        "muc",
        w._("Mức chuyển đổi số chung"),
        "c-muc",
        w._("Số đơn vị theo mức chuyển đổi số chung"),
        w._("Số đơn vị theo mức chung"),
        w._("Mức"),
        w,
    )


def pillar_figure(survey: Survey, published: PublishedSurvey, w: Words = VI_WORDS) -> Figure | None:
    averages = published.averages.get(("all",))
    if averages is None:
        return None
    model = survey.model
    rows = tuple(
        (
            w.tr(p),
            (
                Cell(str(p.maximum)),
                Cell(w.percent(averages.percents[i])),
                Cell(w.number(averages.levels[i])),
            ),
        )
        for i, p in enumerate(model.pillars)
    )
    described = "; ".join(
        w._("%(pillar)s: mức %(level)s", pillar=w.tr(p), level=w.number(averages.levels[i]))
        for i, p in enumerate(model.pillars)
    )
    chart = charts.radar_chart(
        "c-tru-cot",
        w._("Mức trung bình của từng trụ cột (0–5)"),
        w._("Biểu đồ mạng nhện, mỗi trục một trụ cột. %(described)s.", described=described),
        [w.tr(p, "short_name") for p in model.pillars],
        [(w._("Tất cả"), averages.levels)],
        maximum=len(model.levels) - 1,
    )
    table = Table(
        w._("Điểm và mức trung bình theo trụ cột"),
        (w._("Trụ cột"), w._("Điểm tối đa"), w._("Điểm trung bình (%% tối đa)"), w._("Mức trung bình")),
        rows,
    )
    return Figure("tru-cot", w._("Từng trụ cột"), chart, table)


def equipment_figure(survey: Survey, published: PublishedSurvey, w: Words = VI_WORDS) -> Figure:
    return _count_figure(
        published,
        [(w.tr(e), ("equipment", e.key)) for e in survey.model.equipment],
        "thiet-bi",
        w._("Thiết bị sản xuất"),
        "c-thiet-bi",
        w._("Thiết bị sản xuất theo mức tự động hoá"),
        w._("Số đơn vị theo thiết bị sản xuất"),
        w._("Thiết bị sản xuất"),
        w,
    )


def _note(table: Table, published: PublishedSurvey, w: Words = VI_WORDS) -> str:
    return w._(HIDDEN_NOTE).format(threshold=published.threshold) if table.has_hidden else ""


def published_equipment_figure(survey: Survey, w: Words = VI_WORDS) -> Figure | None:
    figures = survey.published
    if not figures.equipment:
        return None
    bars = [Bar(w.tr(share, "label"), share.percent, w.percent(share.percent)) for share in figures.equipment]
    rows = tuple(
        (w.tr(share, "label"), (Cell(w.percent(share.percent)), Cell(w.tr(share, "note"), words=True)))
        for share in figures.equipment
    )
    described = "; ".join(f"{b.label}: {b.text}" for b in bars)
    chart = charts.bar_chart(
        "c-thiet-bi",
        w._(
            "Thiết bị sản xuất, tỉ lệ trên tổng số %(n)s đơn vị được khảo sát",
            n=w.count(survey.sample_size),
        ),
        w._("Biểu đồ thanh. %(described)s.", described=described),
        bars,
        maximum=100,
        lang=w.lang,
    )
    table = Table(
        w._("Tỉ lệ trên tổng số %(n)s đơn vị được khảo sát", n=w.count(survey.sample_size)),
        (w._("Thiết bị sản xuất"), w._("Tỉ lệ"), w._("Ghi chú")),
        rows,
    )
    return Figure("thiet-bi", w._("Thiết bị sản xuất"), chart, table)


def published_level_figure(survey: Survey, w: Words = VI_WORDS) -> Figure | None:
    figures = survey.published
    if not figures.level_percents:
        return None
    model = survey.model
    bars = [Bar(w.level(model.level(lv)), share, w.percent(share)) for lv, share in figures.level_percents]
    rows = tuple(
        (w.level(model.level(lv)), (Cell(w.percent(share)),)) for lv, share in figures.level_percents
    )
    chart = charts.bar_chart(
        "c-muc",
        w._("Tỉ lệ đơn vị theo mức chung"),
        w._("Biểu đồ thanh. %(described)s.", described="; ".join(f"{b.label}: {b.text}" for b in bars)),
        bars,
        maximum=100,
        lang=w.lang,
    )
    return Figure(
        "muc",
        w._("Mức chuyển đổi số chung"),
        chart,
        Table(w._("Tỉ lệ theo mức"), (w._("Mức"), w._("Tỉ lệ")), rows),
    )


def published_pillar_figure(survey: Survey, w: Words = VI_WORDS) -> Figure | None:
    figures = survey.published
    if not figures.pillar_averages:
        return None
    model = survey.model
    given = dict(figures.pillar_averages)
    pillars = [p for p in model.pillars if p.key in given]
    rows = tuple((w.tr(p), (Cell(w.number(given[p.key])),)) for p in pillars)
    chart = None
    if len(pillars) == len(model.pillars):
        described = "; ".join(
            w._("%(pillar)s: mức %(level)s", pillar=w.tr(p), level=w.number(given[p.key])) for p in pillars
        )
        chart = charts.radar_chart(
            "c-tru-cot",
            w._("Mức trung bình của từng trụ cột (0–5)"),
            w._("Biểu đồ mạng nhện. %(described)s.", described=described),
            [w.tr(p, "short_name") for p in pillars],
            [(w._("Tất cả"), [given[p.key] for p in pillars])],
            maximum=len(model.levels) - 1,
        )
    return Figure(
        "tru-cot",
        w._("Từng trụ cột"),
        chart,
        Table(w._("Mức trung bình theo trụ cột"), (w._("Trụ cột"), w._("Mức trung bình")), rows),
    )


# --- breakdowns ------------------------------------------------------------------------------


def _present_columns(published: PublishedSurvey, kind: str, keys: Sequence) -> list:
    """Columns worth a place: those not published as zero nationally (then every group is zero too)."""
    return [k for k in keys if published.value((kind, k)) != 0]


def breakdown_figures(
    survey: Survey, published: PublishedSurvey, dimension, w: Words = VI_WORDS
) -> list[Figure]:
    """Level and equipment shares by group (stacked bars and tables), then pillar averages by group."""
    model = survey.model
    d = dimension.key
    scopes = [(w._("Tất cả"), ())] + [
        (group_label(d, g, w.lang), (d, g)) for g in published.groups.get(d, [])
    ]
    return [
        _share_figure(
            published,
            dimension,
            scopes,
            "level",
            w._("Mức chuyển đổi số chung"),
            {lv.number: w.level_number(lv.number) for lv in model.levels},
            charts.LEVEL_COLOURS,
            w._("Tỉ lệ đơn vị theo mức chung"),
            w,
        ),
        _share_figure(
            published,
            dimension,
            scopes,
            "equipment",
            w._("Thiết bị sản xuất"),
            {e.key: w.tr(e, "short_name") for e in model.equipment},
            charts.EQUIPMENT_COLOURS,
            w._("Tỉ lệ đơn vị theo thiết bị sản xuất"),
            w,
        ),
        _pillar_breakdown_figure(survey, published, dimension, scopes, w),
    ]


def _share_figure(published, dimension, scopes, kind, heading, names, colours, chart_title, w) -> Figure:
    """One answer (*kind*: level or equipment) by group: counts and shares, a stacked bar per group."""
    keys = _present_columns(published, kind, list(names))
    palette = [colours[list(names).index(k)] for k in keys]
    by = w.dimension(dimension).lower()
    rows, stack = [], []
    for label, prefix in scopes:
        total = published.value(prefix + ("n",))
        values = [published.value(prefix + (kind, k)) for k in keys]
        cells = (_count(total, w=w),) + tuple(
            Cell(w.hidden, True) if v is None else _count(v, total if total else None, w) for v in values
        )
        rows.append((label, cells))
        stack.append(StackRow(f"{label} ({w.hidden if total is None else w.count(total)})", total, values))
    described = "; ".join(
        f"{label}: " + ", ".join(f"{names[k]} {c.text}" for k, c in zip(keys, cells[1:], strict=True))
        for label, cells in rows
    )
    chart = charts.stacked_bar_chart(
        f"c-{kind}",
        w._("%(title)s, theo %(dimension)s", title=chart_title, dimension=by),
        w._(
            "Biểu đồ thanh xếp chồng, mỗi thanh một nhóm, tổng 100%%. Số đơn vị: %(described)s.",
            described=described,
        ),
        [names[k] for k in keys],
        stack,
        palette,
        lang=w.lang,
    )
    head = (w.dimension(dimension), w._("Số đơn vị")) + tuple(names[k] for k in keys)
    table = Table(
        w._("%(heading)s theo %(dimension)s: số đơn vị và tỉ lệ", heading=heading, dimension=by),
        head,
        tuple(rows),
    )
    omitted = [names[k] for k in names if k not in keys]
    note = _note(table, published, w)
    if omitted:
        note = (w._("Không có đơn vị nào ở: %(names)s.", names=", ".join(omitted)) + " " + note).strip()
    return Figure(kind, heading, chart, table, note)


def _pillar_breakdown_figure(
    survey: Survey, published: PublishedSurvey, dimension, scopes, w: Words
) -> Figure:
    model = survey.model
    rows = []
    for label, prefix in scopes:
        averages = published.averages.get(prefix or ("all",))
        if averages is None:
            cells = tuple(Cell(w.hidden, True) for _pillar in model.pillars)
        else:
            cells = tuple(Cell(w.number(v)) for v in averages.levels)
        rows.append((label, cells))
    table = Table(
        w._(
            "Mức trung bình của từng trụ cột (0–%(top)s) theo %(dimension)s",
            top=len(model.levels) - 1,
            dimension=w.dimension(dimension).lower(),
        ),
        (w.dimension(dimension),) + tuple(w.tr(p, "short_name") for p in model.pillars),
        tuple(rows),
    )
    return Figure("tru-cot", w._("Từng trụ cột"), None, table, _note(table, published, w))


# --- comparison ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparable:
    section: str
    label: str
    values: tuple  # per survey: float, None (hidden) or "" (not measured)
    kind: str  # "percent" | "level"
    notes: tuple[str, ...] = ()


def survey_figures(survey: Survey, published: PublishedSurvey | None, w: Words = VI_WORDS) -> dict:
    """Figures a comparison can line up: key → (section, label, value, kind[, note]); None = hidden."""
    if published is None:
        return _published_figures(survey, w)
    return _microdata_figures(survey, published, w)


def _published_figures(survey: Survey, w: Words) -> dict:
    """A survey known from its published report only."""
    model = survey.model
    figures: dict = {}
    for share in survey.published.equipment:
        figures[("equipment", share.categories)] = (
            w._("Thiết bị sản xuất (%% số đơn vị)"),
            w.tr(share, "label"),
            share.percent,
            "percent",
            w.tr(share, "note"),
        )
    for level, share in survey.published.level_percents:
        figures[("level", model.slug, level)] = (
            w._("Mức chung (%% số đơn vị)"),
            w.level(model.level(level)),
            share,
            "percent",
        )
    for key, average in survey.published.pillar_averages:
        name = next(w.tr(p) for p in model.pillars if p.key == key)
        figures[("pillar", model.slug, key)] = (w._("Mức trung bình của trụ cột"), name, average, "level")
    return figures


def _microdata_figures(survey: Survey, published: PublishedSurvey, w: Words) -> dict:
    """A survey aggregated here from its responses (hidden cells are None)."""
    model = survey.model
    figures: dict = {}
    equipment_names = {e.key: w.tr(e) for e in model.equipment}
    for equipment in model.equipment:
        figures[("equipment", (equipment.key,))] = (
            w._("Thiết bị sản xuất (%% số đơn vị)"),
            w.tr(equipment),
            published.percent(("equipment", equipment.key)),
            "percent",
        )
    for combined in published.equipment_groups:
        keys = tuple(combined.split("+"))
        figures[("equipment", keys)] = (
            w._("Thiết bị sản xuất (%% số đơn vị)"),
            " / ".join(equipment_names[k] for k in keys),
            published.percent(("equipment-group", combined)),
            "percent",
        )
    for level in model.levels:
        figures[("level", model.slug, level.number)] = (
            w._("Mức chung (%% số đơn vị)"),
            w.level(level),
            published.percent(("level", level.number)),
            "percent",
        )
    averages = published.averages.get(("all",))
    for index, pillar in enumerate(model.pillars):
        figures[("pillar", model.slug, pillar.key)] = (
            w._("Mức trung bình của trụ cột"),
            w.tr(pillar),
            None if averages is None else averages.levels[index],
            "level",
        )
    return figures


def comparison(surveys: Sequence[Survey], figures: Sequence[dict], w: Words = VI_WORDS) -> list[Comparable]:
    """Figures that at least two surveys have, in the first survey's order of appearance."""
    keys: list = []
    for figures_of_one in figures:
        for key in figures_of_one:
            if key not in keys:
                keys.append(key)
    rows = []
    for key in keys:
        present = [f for f in figures if key in f]
        if len(present) < 2:
            continue
        section, _label, _value, kind = present[0][key][:4]
        label = min((f[key][1] for f in present), key=len)  # a published label is usually the shorter
        values = tuple(f[key][2] if key in f else "" for f in figures)
        notes = tuple(
            f"{_short(survey, w)}: {f[key][4]}"
            for survey, f in zip(surveys, figures, strict=True)
            if key in f and len(f[key]) > 4 and f[key][4]
        )
        rows.append(Comparable(section, label, values, kind, notes))
    return rows


def _comparison_figure(surveys: Sequence[Survey], rows: list[Comparable], w: Words = VI_WORDS) -> Figure:
    names = [_short(s, w) for s in surveys]
    bars = []
    for row in rows:
        for index, value in enumerate(row.values):
            if value == "":
                continue
            text = (
                w.hidden
                if value is None
                else (w.percent(value) if row.kind == "percent" else w.number(value))
            )
            bars.append(Bar(names[index], value, text, group=row.label, series=index))
    table_rows = []
    for row in rows:
        cells = []
        for value in row.values:
            if value == "":
                cells.append(Cell("–"))
            elif value is None:
                cells.append(Cell(w.hidden, True))
            else:
                cells.append(Cell(w.percent(value) if row.kind == "percent" else w.number(value)))
        table_rows.append((f"{row.label}", tuple(cells)))
    described = "; ".join(f"{b.group}, {b.label}: {b.text}" for b in bars)
    percent_only = all(r.kind == "percent" for r in rows)
    chart = charts.bar_chart(
        "c-so-sanh",
        w._("So sánh giữa các cuộc khảo sát"),
        w._(
            "Biểu đồ thanh, mỗi nhóm một chỉ tiêu, mỗi thanh một cuộc khảo sát. %(described)s.",
            described=described,
        ),
        bars,
        maximum=100 if percent_only else None,
        lang=w.lang,
    )
    table = Table(
        w._("Các chỉ tiêu có ở ít nhất hai cuộc khảo sát"),
        (w._("Chỉ tiêu"),) + tuple(names),
        tuple(table_rows),
    )
    notes = [f"{row.label} – {note}" for row in rows for note in row.notes]
    if table.has_hidden:
        notes.append(w._("“ẩn”: ô bị ẩn ở cuộc khảo sát đó để bảo vệ người trả lời."))
    return Figure(
        "so-sanh", w._("Chỉ tiêu chung"), chart, table, " ".join(n.rstrip(".") + "." for n in notes)
    )


def _short(survey: Survey, w: Words = VI_WORDS) -> str:
    if survey.sample_data:
        return w._("%(year)s (mẫu): %(n)s đơn vị", year=survey.year, n=w.count(survey.sample_size))
    return w._("%(year)s: %(n)s đơn vị", year=survey.year, n=w.count(survey.sample_size))


# --- pages -------------------------------------------------------------------------------------


def _equipment_groups(assessments: Assessments) -> list[tuple[str, ...]]:
    return [
        share.categories
        for survey in assessments.surveys
        if survey.published is not None
        for share in survey.published.equipment
    ]


def publish_all(assessments: Assessments) -> dict[str, PublishedSurvey]:
    """Aggregate and suppress every microdata survey (equipment groups of other surveys included)."""
    groups = _equipment_groups(assessments)
    return {
        s.slug: publish(aggregate(s, groups), s.threshold) for s in assessments.surveys if s.has_microdata
    }


def headline(survey: Survey, published: PublishedSurvey | None, w: Words = VI_WORDS) -> list[tuple[str, str]]:
    model = survey.model
    if published is None:
        items = [(w._("Số đơn vị được khảo sát"), w.count(survey.sample_size))]
        for placement in survey.published.placements:
            note = f" ({w.tr(placement, 'note')})" if placement.note else ""
            items.append((w.tr(placement, "group"), f"{w.level(model.level(placement.level))}{note}"))
        return items
    items = [(w._("Số đơn vị trả lời"), w.count(published.n))]
    provinces = published.groups.get("province", [])
    items.append((w._("Tỉnh, thành phố"), f"{len(provinces)}"))
    if published.median_level is not None:
        items.append((w._("Mức chung ở giữa (trung vị)"), w.level(model.level(published.median_level))))
        items.append((w._("Tổng điểm trung bình"), f"{w.number(published.mean_total)}/{model.total_maximum}"))
    return items


@dataclass(frozen=True)
class Assessed:
    """What the /danh-gia/ families share: the surveys, their published figures, the comparison."""

    surveys: tuple
    published: dict  # survey slug → PublishedSurvey (microdata surveys only)
    compared: list  # Comparable rows: figures at least two surveys have
    compared_en: list  # the same rows with English labels
    models: list  # the scoring models some survey uses
    consenting: dict  # survey slug → cooperatives that agreed to show their own result
    catalogue: object

    @classmethod
    def of(cls, assessments: Assessments | None, catalogue) -> Assessed:
        assessments = assessments or Assessments()
        published = publish_all(assessments)
        surveys = assessments.surveys
        figures = [survey_figures(s, published.get(s.slug)) for s in surveys]
        figures_en = [survey_figures(s, published.get(s.slug), EN_WORDS) for s in surveys]
        consenting = {
            s.slug: sorted(
                {
                    r.cooperative
                    for r in s.responses
                    if r.consent and r.cooperative and r.cooperative in catalogue.cooperatives
                }
            )
            for s in surveys
            if s.has_microdata and s.own_results
        }
        return cls(
            surveys=surveys,
            published=published,
            compared=comparison(surveys, figures),
            compared_en=comparison(surveys, figures_en, EN_WORDS),
            models=[m for m in assessments.models.values() if any(s.model.slug == m.slug for s in surveys)],
            consenting=consenting,
            catalogue=catalogue,
        )


def overview_page(a: Assessed) -> Iterator[Page]:
    """/danh-gia/: exists even when there is no survey yet."""
    yield Page(
        urls.assessments(),
        "assessment_index.html",
        {
            "surveys": a.surveys,
            "headlines": {s.slug: headline(s, a.published.get(s.slug)) for s in a.surveys},
            "english": {
                "headlines": {s.slug: headline(s, a.published.get(s.slug), EN_WORDS) for s in a.surveys}
            },
            "models": a.models,
            "has_comparison": bool(a.compared),
            "breadcrumbs": crumbs(),
        },
    )


def comparison_page(a: Assessed) -> Iterator[Page]:
    if a.compared:
        yield Page(
            urls.assessment_comparison(),
            "assessment_compare.html",
            {
                "surveys": a.surveys,
                "comparison": _comparison_figure(a.surveys, a.compared),
                "english": {"comparison": _comparison_figure(a.surveys, a.compared_en, EN_WORDS)},
                "breadcrumbs": _crumbs(),
            },
        )


def method_pages(a: Assessed) -> Iterator[Page]:
    for model in a.models:
        yield Page(
            urls.method(model),
            "assessment_method.html",
            {
                "model": model,
                "surveys": [s for s in a.surveys if s.model.slug == model.slug],
                "breadcrumbs": _crumbs(),
            },
        )


def survey_pages(a: Assessed) -> Iterator[Page]:
    """Per survey: its page, its breakdowns (microdata only), its open data."""
    for survey in a.surveys:
        data = a.published.get(survey.slug)
        yield survey_page(a, survey, data)
        if data is not None:
            yield from breakdown_pages(survey, data)
        yield from download_pages(survey, data)


def _survey_figures(survey: Survey, data: PublishedSurvey | None, w: Words) -> list[Figure]:
    if data is not None:
        shown = [
            level_figure(survey, data, w),
            pillar_figure(survey, data, w),
            equipment_figure(survey, data, w),
        ]
    else:
        shown = [
            published_level_figure(survey, w),
            published_pillar_figure(survey, w),
            published_equipment_figure(survey, w),
        ]
    return [f for f in shown if f is not None]


def survey_page(a: Assessed, survey: Survey, data: PublishedSurvey | None) -> Page:
    cooperatives = a.catalogue.cooperatives
    return Page(
        urls.survey(survey),
        "assessment_survey.html",
        {
            "survey": survey,
            "headline": headline(survey, data),
            "figures": _survey_figures(survey, data, VI_WORDS),
            "english": {
                "headline": headline(survey, data, EN_WORDS),
                "figures": _survey_figures(survey, data, EN_WORDS),
            },
            "dimensions": DIMENSIONS if data is not None else (),
            "consenting": [cooperatives[slug] for slug in a.consenting.get(survey.slug, ())],
            "hidden_count": data.suppressed_count if data is not None else 0,
            "threshold": survey.threshold,
            "breadcrumbs": _crumbs(),
        },
    )


def breakdown_pages(survey: Survey, data: PublishedSurvey) -> Iterator[Page]:
    for dimension in DIMENSIONS:
        yield Page(
            urls.survey_breakdown(survey, dimension),
            "assessment_breakdown.html",
            {
                "survey": survey,
                "dimension": dimension,
                "dimensions": DIMENSIONS,
                "figures": breakdown_figures(survey, data, dimension),
                "english": {
                    "figures": breakdown_figures(survey, data, dimension, EN_WORDS),
                    "breadcrumbs": _crumbs((EN_WORDS.tr(survey, "title"), urls.survey(survey))),
                },
                "threshold": survey.threshold,
                "breadcrumbs": _crumbs((survey.title, urls.survey(survey))),
            },
        )


def download_pages(survey: Survey, data: PublishedSurvey | None) -> Iterator[Page]:
    """The survey's open data as CSV and JSON (written through a template like every page)."""
    rows = open_data.rows_for(survey, data)
    yield Page(
        urls.survey_download(survey, "csv"), DOWNLOAD_TEMPLATE, {"body": Markup(open_data.to_csv(rows))}
    )
    yield Page(
        urls.survey_download(survey, "json"),
        DOWNLOAD_TEMPLATE,
        {"body": Markup(open_data.to_json(survey, rows))},
    )


FAMILIES = (overview_page, comparison_page, method_pages, survey_pages)


def assessment_pages(assessments: Assessments | None, catalogue) -> Iterator[Page]:
    """Every /danh-gia/ page: FAMILIES, one after the other."""
    assessed = Assessed.of(assessments, catalogue)
    for family in FAMILIES:
        yield from family(assessed)


@dataclass(frozen=True)
class ResultCard:
    """A cooperative's own result as its page shows it: the result, and the pillar to work on next."""

    survey: Survey
    score: Score
    equipment: str
    weakest: Pillar | None  # None when every pillar is at the top level
    weakest_level: int
    steps: tuple[str, ...]  # the weakest pillar's next steps at its level
    steps_en: tuple[str, ...] = ()  # the same in English, when the model gives them


def weakest_pillar(model: ScoringModel, score: Score) -> int | None:
    """The index of the pillar that holds the overall level back: the lowest pillar level, then the
    lowest share of its maximum, then the first in the model; None when all are at the top level."""
    top = len(model.levels) - 1
    candidates = [i for i, level in enumerate(score.pillar_levels) if level < top]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda i: (score.pillar_levels[i], Fraction(score.pillar_points[i], model.pillars[i].maximum), i),
    )


def result_card(result: CooperativeResult) -> ResultCard:
    model = result.survey.model
    index = weakest_pillar(model, result.score)
    if index is None:
        return ResultCard(result.survey, result.score, result.equipment, None, 0, ())
    pillar, level = model.pillars[index], result.score.pillar_levels[index]
    english = next((getattr(n, "steps_en", ()) for n in pillar.next_steps if n.level == level), ())
    return ResultCard(
        result.survey, result.score, result.equipment, pillar, level, pillar.steps_at(level), tuple(english)
    )


def cooperative_results(assessments: Assessments | None, cooperative: str) -> list[ResultCard]:
    """A cooperative's own consented results, for its page (empty without consent)."""
    return [result_card(r) for r in assessments.results_for(cooperative)] if assessments else []
