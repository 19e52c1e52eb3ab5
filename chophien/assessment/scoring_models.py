"""Reads a scoring model (content/assessments/models/<slug>.yaml) into a ScoringModel, checking its levels and pillars.

Levels are numbered from 0 without gaps; each level above 0 has all three rules, and they grow
with the level; a pillar's maximum is the sum of its criteria's; codes are unique and no
criterion takes the name of a common column of responses.csv.
"""

from __future__ import annotations

from pathlib import Path

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.model import Criterion, EquipmentClass, Level, Pillar, ScoringModel
from chophien.assessment.schema import BASE_COLUMNS, MODEL_FIELDS
from chophien.catalogue.schema import CheckContext

RULES = ("pillar_above", "total_above", "pillars_at_level")


def load_model(files: AssessmentFiles, path: Path) -> ScoringModel | None:
    """The model in *path*, or None when it has errors (added to *files*' problems)."""
    slug = files.slug_of(path, "tệp", "file")
    values, ctx = files.read_yaml(path, MODEL_FIELDS)
    if values is None or slug is None:
        return None
    before = files.error_count()
    levels, pillars, equipment = _levels(values), _pillars(values), _equipment(values)
    _check_levels(levels, pillars, ctx)
    _check_pillars(pillars, ctx)
    _unique([e.key for e in equipment], ("equipment",), "key", ctx)
    if files.error_count() != before:
        return None
    return ScoringModel(
        slug,
        values["name"],
        values.get("name_en", ""),
        values["short_name"],
        values["source"],
        values.get("source_url", ""),
        tuple(values.get("notes", ())),
        levels,
        pillars,
        equipment,
    )


def _levels(values: dict) -> tuple[Level, ...]:
    return tuple(
        Level(
            v["level"],
            v["name"],
            v.get("name_en", ""),
            v.get("description", ""),
            v.get("pillar_above"),
            v.get("total_above"),
            v.get("pillars_at_level"),
        )
        for v in values["levels"]
    )


def _pillars(values: dict) -> tuple[Pillar, ...]:
    return tuple(
        Pillar(
            p["key"],
            p["name"],
            p["short_name"],
            p.get("name_en", ""),
            p["max"],
            tuple(Criterion(c["key"], c["name"], c["max"]) for c in p["criteria"]),
        )
        for p in values["pillars"]
    )


def _equipment(values: dict) -> tuple[EquipmentClass, ...]:
    return tuple(
        EquipmentClass(
            e["key"],
            e["name"],
            e["short_name"],
            e.get("name_en", ""),
            e.get("description", ""),
            e.get("example", ""),
        )
        for e in values["equipment"]
    )


def _unique(keys: list[str], where: tuple, field: str, ctx: CheckContext) -> None:
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            line = ctx.doc.where(where + (first[key], field))[0]
            ctx.report(
                where + (index, field),
                f"mã “{key}” bị trùng (đã có ở dòng {line}); mỗi mã chỉ dùng một lần",
                f"code “{key}” is repeated (already on line {line}); use each code once",
            )
        else:
            first[key] = index


def _check_levels(levels: tuple[Level, ...], pillars: tuple[Pillar, ...], ctx: CheckContext) -> None:
    previous = None
    for index, level in enumerate(levels):
        if not _has_its_rules(level, index, ctx):
            continue
        _check_reachable(level, index, pillars, ctx)
        if previous is not None:
            _check_growing(level, previous, ("levels", index), ctx)
        previous = level


def _has_its_rules(level: Level, index: int, ctx: CheckContext) -> bool:
    """Numbered in order, and with all three rules (level 0, the default, with none): else reported."""
    where = ("levels", index)
    if level.number != index:
        ctx.report(
            where + ("level",),
            f"các mức phải đánh số liên tục từ 0; ở đây cần mức {index}",
            f"levels must be numbered from 0 without gaps; level {index} is expected here",
            f"level: {index}",
        )
        return False
    rules = (level.pillar_above, level.total_above, level.pillars_at_level)
    if index == 0:
        if any(rule is not None for rule in rules):
            ctx.report(
                where,
                "mức 0 là mức mặc định, không có điều kiện pillar_above/total_above/pillars_at_level",
                "level 0 is the default and has no pillar_above/total_above/pillars_at_level",
            )
        return False
    missing = [name for name, rule in zip(RULES, rules, strict=True) if rule is None]
    if missing:
        ctx.report(
            where,
            f"mức {index} thiếu điều kiện {', '.join(missing)}",
            f"level {index} lacks {', '.join(missing)}",
            "pillar_above: 20\ntotal_above: 64\npillars_at_level: 4",
        )
        return False
    return True


def _check_reachable(level: Level, index: int, pillars: tuple[Pillar, ...], ctx: CheckContext) -> None:
    where = ("levels", index)
    if level.pillars_at_level > len(pillars):
        ctx.report(
            where + ("pillars_at_level",),
            f"chỉ có {len(pillars)} trụ cột",
            f"there are only {len(pillars)} pillars",
            f"pillars_at_level: {len(pillars)}",
        )
    total_max = sum(p.maximum for p in pillars)
    if level.total_above >= total_max:
        ctx.report(
            where + ("total_above",),
            f"không thể đạt: tổng điểm tối đa là {total_max}",
            f"unreachable: the maximum total is {total_max}",
        )


def _check_growing(level: Level, previous: Level, where: tuple, ctx: CheckContext) -> None:
    for name in ("pillar_above", "total_above"):
        if getattr(level, name) <= getattr(previous, name):
            ctx.report(
                where + (name,),
                f"phải lớn hơn {name} của mức {previous.number} ({getattr(previous, name)})",
                f"must be greater than level {previous.number}'s {name} ({getattr(previous, name)})",
            )
    if level.pillars_at_level < previous.pillars_at_level:
        ctx.report(
            where + ("pillars_at_level",),
            f"không được nhỏ hơn của mức {previous.number} ({previous.pillars_at_level})",
            f"must not be smaller than level {previous.number}'s ({previous.pillars_at_level})",
        )


def _check_pillars(pillars: tuple[Pillar, ...], ctx: CheckContext) -> None:
    _unique([p.key for p in pillars], ("pillars",), "key", ctx)
    seen: dict[str, tuple[int, str, int]] = {}
    for index, pillar in enumerate(pillars):
        criteria_total = sum(c.maximum for c in pillar.criteria)
        if criteria_total != pillar.maximum:
            ctx.report(
                ("pillars", index, "max"),
                f"điểm tối đa {pillar.maximum} khác tổng điểm tối đa các tiêu chí ({criteria_total})",
                f"maximum {pillar.maximum} differs from the sum of its criteria's maxima ({criteria_total})",
                f"max: {criteria_total}",
            )
        for number, criterion in enumerate(pillar.criteria):
            where = ("pillars", index, "criteria", number, "key")
            if criterion.key in BASE_COLUMNS:
                ctx.report(
                    where,
                    f"“{criterion.key}” là tên một cột chung của responses.csv; hãy đặt mã khác",
                    f"“{criterion.key}” is a common column of responses.csv; choose another code",
                )
            elif criterion.key in seen:
                line = ctx.doc.where(("pillars", *seen[criterion.key], "key"))[0]
                ctx.report(
                    where,
                    f"mã tiêu chí “{criterion.key}” bị trùng (đã có ở dòng {line})",
                    f"criterion code “{criterion.key}” is repeated (already on line {line})",
                )
            else:
                seen[criterion.key] = (index, "criteria", number)
