"""Open-data downloads of a survey (CSV and JSON), built from the published figures only.

One long table: every row is one figure (table, dimension, group, measure) with its value, or an
empty value and status `suppressed` where the page shows "ẩn". Both files carry exactly the
same rows, so a download never holds more than the pages.
"""

from __future__ import annotations

import csv
import io
import json

from chophien.assessment.aggregate import DIMENSIONS, group_label
from chophien.assessment.model import ScoringModel, Survey
from chophien.assessment.publish import PublishedSurvey
from chophien.core.text import TEXT_MARK, reads_as_formula

COLUMNS = ("table", "dimension", "group", "group_name", "measure", "measure_name", "value", "status")
SUPPRESSED = "suppressed"


def _row(table, dimension, group, group_name, measure, measure_name, value) -> dict:
    return {
        "table": table,
        "dimension": dimension,
        "group": group,
        "group_name": group_name,
        "measure": measure,
        "measure_name": measure_name,
        "value": value,
        "status": SUPPRESSED if value is None else "",
    }


ALL = ("all", "all", "Tất cả")  # dimension, group, group name of the national figures


def _summary_rows(published: PublishedSurvey) -> list[dict]:
    """The number of respondents, and the national median level and mean total when published."""
    rows = [_row("respondents", *ALL, "n", "Số đơn vị trả lời", published.n)]
    if published.median_level is not None:
        rows.append(_row("summary", *ALL, "median_level", "Mức chung trung vị", published.median_level))
        rows.append(
            _row("summary", *ALL, "mean_total", "Tổng điểm trung bình", round(published.mean_total, 1))
        )
    return rows


def _count_rows(model: ScoringModel, published: PublishedSurvey, prefix: tuple, scope: tuple) -> list[dict]:
    """One scope's counts: by overall level, then by equipment class."""
    rows = [
        _row(
            "overall_level",
            *scope,
            f"level-{level.number}",
            level.label,
            published.value(prefix + ("level", level.number)),
        )
        for level in model.levels
    ]
    rows += [
        _row(
            "equipment",
            *scope,
            equipment.key,
            equipment.name,
            published.value(prefix + ("equipment", equipment.key)),
        )
        for equipment in model.equipment
    ]
    return rows


def _equipment_group_rows(model: ScoringModel, published: PublishedSurvey) -> list[dict]:
    """The national counts of the unions of equipment classes another survey publishes."""
    names = {e.key: e.name for e in model.equipment}
    return [
        _row(
            "equipment_group",
            *ALL,
            combined,
            " + ".join(names[k] for k in combined.split("+")),
            published.value(("equipment-group", combined)),
        )
        for combined in published.equipment_groups
    ]


def _average_rows(model: ScoringModel, averages, scope: tuple) -> list[dict]:
    """Each pillar's average level and average share of its maximum (empty values when withheld)."""
    rows = []
    for index, pillar in enumerate(model.pillars):
        level = None if averages is None else round(averages.levels[index], 2)
        percent = None if averages is None else round(averages.percents[index], 1)
        rows.append(_row("pillar_average_level", *scope, pillar.key, pillar.name, level))
        rows.append(_row("pillar_average_percent", *scope, pillar.key, pillar.name, percent))
    return rows


def microdata_rows(survey: Survey, published: PublishedSurvey) -> list[dict]:
    """The rows of a survey with responses: the summary, then every scope (national first, then each group)."""
    model = survey.model
    rows = _summary_rows(published)
    scopes = [((), ALL)] + [
        ((d.key, g), (d.key, g, group_label(d.key, g)))
        for d in DIMENSIONS
        for g in published.groups.get(d.key, ())
    ]
    for prefix, scope in scopes:
        if prefix:
            rows.append(
                _row("respondents", *scope, "n", "Số đơn vị trả lời", published.value(prefix + ("n",)))
            )
        rows += _count_rows(model, published, prefix, scope)
        if not prefix:
            rows += _equipment_group_rows(model, published)
        rows += _average_rows(model, published.averages.get(prefix or ("all",)), scope)
    return rows


def published_rows(survey: Survey) -> list[dict]:
    figures = survey.published
    model = survey.model
    pillar_names = {p.key: p.name for p in model.pillars}
    rows = [_row("respondents", "all", "all", "Tất cả", "n", "Số đơn vị trả lời", survey.sample_size)]
    for placement in figures.placements:
        rows.append(
            _row(
                "placement",
                "group",
                placement.group,
                placement.group,
                "level",
                model.level(placement.level).label,
                placement.level,
            )
        )
    for level, share in figures.level_percents:
        rows.append(
            _row(
                "overall_level_percent",
                "all",
                "all",
                "Tất cả",
                f"level-{level}",
                model.level(level).label,
                share,
            )
        )
    for key, average in figures.pillar_averages:
        rows.append(_row("pillar_average_level", "all", "all", "Tất cả", key, pillar_names[key], average))
    for share in figures.equipment:
        rows.append(
            _row(
                "equipment_percent",
                "all",
                "all",
                "Tất cả",
                "+".join(share.categories),
                share.label,
                share.percent,
            )
        )
    return rows


def rows_for(survey: Survey, published: PublishedSurvey | None) -> list[dict]:
    """Every row of the download; the first says whether the data are a sample (1) or real (0)."""
    label = (
        "Dữ liệu mẫu, không có thật (1 = mẫu)" if survey.sample_data else "Dữ liệu thật (0 = không phải mẫu)"
    )
    first = _row("metadata", "all", "all", "Tất cả", "sample_data", label, int(survey.sample_data))
    body = microdata_rows(survey, published) if published is not None else published_rows(survey)
    return [first] + body


def metadata(survey: Survey) -> dict:
    return {
        "slug": survey.slug,
        "title": survey.title,
        "title_en": survey.title_en,
        "organiser": survey.organiser,
        "period": survey.period,
        "year": survey.year,
        "sample_size": survey.sample_size,
        "model": survey.model.slug,
        "source": survey.source,
        "source_url": survey.source_url,
        "sample_data": survey.sample_data,
        "microdata": survey.has_microdata,
        "suppression_threshold": survey.threshold if survey.has_microdata else None,
    }


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def _cell(value):
    """A CSV cell Excel shows as written: a name from a content file (a group label, a pillar name)
    that a spreadsheet would run as a formula gets a leading apostrophe, as the spreadsheet export does."""
    if value is None:
        return ""
    if isinstance(value, str) and reads_as_formula(value):
        return TEXT_MARK + value
    return value


def to_json(survey: Survey, rows: list[dict]) -> str:
    document = {
        "survey": metadata(survey),
        "notes": [
            "Dữ liệu mẫu, không phải số liệu thật." if survey.sample_data else "",
            "value null + status suppressed: ô bị ẩn (số nhỏ hơn ngưỡng, nhóm gần như cùng một câu trả lời, "
            "hoặc ẩn thêm để không tính ngược ra được) / hidden: small count, a group (nearly) all "
            "giving one answer, or hidden so that no hidden figure can be recomputed.",
        ],
        "columns": list(COLUMNS),
        "rows": rows,
    }
    document["notes"] = [n for n in document["notes"] if n]
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
