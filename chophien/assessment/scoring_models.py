"""Reads a scoring model (content/assessments/models/<slug>.yaml) into a ScoringModel, checking its levels and pillars.

Levels are numbered from 0 without gaps; each level above 0 has all three rules, and they grow
with the level; a pillar's maximum is the sum of its criteria's; codes are unique and no
criterion takes the name of a common column of responses.csv. A criterion's answer options (its
own, or a shared option set) start at 0 points and grow; its maximum is the highest option's. A
criterion's component is one of its pillar's; next steps name a level of the model.
"""

from __future__ import annotations

from pathlib import Path

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.model import (
    Component,
    Criterion,
    EquipmentClass,
    Level,
    NextSteps,
    Option,
    OptionSet,
    Pillar,
    ScoringModel,
)
from chophien.assessment.published_figures import check_parallel
from chophien.assessment.schema import BASE_COLUMNS, MODEL_FIELDS
from chophien.catalogue.schema import CheckContext
from chophien.core.text import did_you_mean, hint

RULES = ("pillar_above", "total_above", "pillars_at_level")


def load_model(files: AssessmentFiles, path: Path) -> ScoringModel | None:
    """The model in *path*, or None when it has errors (added to *files*' problems)."""
    slug = files.slug_of(path, "tệp", "file")
    values, ctx = files.read_yaml(path, MODEL_FIELDS)
    if values is None or slug is None:
        return None
    before = files.error_count()
    option_sets = _option_sets(values, ctx)
    levels, pillars, equipment = _levels(values), _pillars(values, option_sets, ctx), _equipment(values)
    if files.error_count() != before:
        return None
    _check_levels(levels, pillars, ctx)
    _check_next_steps(pillars, len(levels), ctx)
    check_parallel(values, "notes", "notes_en", (), ctx)
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
        tuple(
            OptionSet(s["key"], s.get("name", ""), option_sets[s["key"]], s.get("name_en", ""))
            for s in values.get("option_sets", ())
        ),
        tuple(values.get("notes_en", ())),
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
            v.get("description_en", ""),
        )
        for v in values["levels"]
    )


def _options(raw: list[dict], where: tuple, ctx: CheckContext) -> tuple[Option, ...]:
    """The options in *raw*, checked: the first gives 0 points, each gives more than the one before."""
    options = tuple(Option(o["points"], o["label"], o.get("label_en", "")) for o in raw)
    if options and options[0].points != 0:
        ctx.report(
            where + (0, "points"),
            "phương án đầu tiên (thấp nhất, thường là “chưa có”) phải được 0 điểm",
            "the first (lowest) option, usually “none yet”, must give 0 points",
            "points: 0",
        )
    for index in range(1, len(options)):
        if options[index].points <= options[index - 1].points:
            ctx.report(
                where + (index, "points"),
                f"các phương án xếp từ điểm thấp đến cao: phải lớn hơn {options[index - 1].points}",
                f"options go from the lowest points to the highest: must be more than {options[index - 1].points}",
            )
    if len(options) == 1:
        ctx.report(where, "cần ít nhất hai phương án", "at least two options are needed")
    return options


def _option_sets(values: dict, ctx: CheckContext) -> dict[str, tuple[Option, ...]]:
    sets = values.get("option_sets", ())
    _unique([s["key"] for s in sets], ("option_sets",), "key", ctx)
    return {s["key"]: _options(s["options"], ("option_sets", i, "options"), ctx) for i, s in enumerate(sets)}


def _criterion(raw: dict, where: tuple, option_sets: dict, ctx: CheckContext) -> Criterion | None:
    """One criterion with its options resolved and its maximum known, or None (reported)."""
    if "options" in raw and "option_set" in raw:
        ctx.report(
            where + ("option_set",),
            "tiêu chí có options thì không ghi option_set (chọn một trong hai)",
            "a criterion with options has no option_set (choose one)",
        )
        return None
    if "option_set" in raw:
        options = option_sets.get(raw["option_set"])
        if options is None:
            guess = did_you_mean(raw["option_set"], sorted(option_sets))
            hint_vi, hint_en = hint(guess)
            ctx.report(
                where + ("option_set",),
                f"không có bộ phương án “{raw['option_set']}” trong option_sets{hint_vi}",
                f"there is no option set “{raw['option_set']}” in option_sets{hint_en}",
            )
            return None
    else:
        options = _options(raw.get("options", ()), where + ("options",), ctx)
    maximum = options[-1].points if options else raw.get("max")
    if maximum is None:
        ctx.report(
            where,
            "thiếu max (điểm tối đa) hoặc options (các phương án)",
            "max (maximum points) or options is missing",
            "max: 5",
        )
        return None
    if options and raw.get("max", maximum) != maximum:
        ctx.report(
            where + ("max",),
            f"max khác điểm của phương án cao nhất ({maximum}); bỏ max hoặc sửa cho khớp",
            f"max differs from the highest option's points ({maximum}); drop max or make them agree",
            f"max: {maximum}",
        )
        return None
    return Criterion(
        raw["key"],
        raw["name"],
        maximum,
        raw.get("component", ""),
        raw.get("status", ""),
        raw.get("help", ""),
        options,
        raw.get("option_set", ""),
        raw.get("name_en", ""),
        raw.get("help_en", ""),
    )


def _pillars(values: dict, option_sets: dict, ctx: CheckContext) -> tuple[Pillar, ...]:
    pillars = []
    for index, p in enumerate(values["pillars"]):
        where = ("pillars", index)
        components = tuple(
            Component(c["key"], c["name"], c.get("name_en", "")) for c in p.get("components", ())
        )
        criteria = []
        for number, raw in enumerate(p["criteria"]):
            criterion = _criterion(raw, where + ("criteria", number), option_sets, ctx)
            if criterion is not None:
                criteria.append(criterion)
                _check_component(criterion, components, where + ("criteria", number, "component"), ctx)
        _unique([c.key for c in components], where + ("components",), "key", ctx)
        next_steps = tuple(
            NextSteps(n["level"], tuple(n["steps"]), tuple(n.get("steps_en", ())))
            for n in p.get("next_steps", ())
        )
        _unique([str(n.level) for n in next_steps], where + ("next_steps",), "level", ctx)
        pillars.append(
            Pillar(
                p["key"],
                p["name"],
                p["short_name"],
                p.get("name_en", ""),
                p["max"],
                tuple(criteria),
                components,
                next_steps,
                p.get("short_name_en", ""),
            )
        )
    return tuple(pillars)


def _check_component(
    criterion: Criterion, components: tuple[Component, ...], where: tuple, ctx: CheckContext
) -> None:
    keys = [c.key for c in components]
    if components and not criterion.component:
        ctx.report(
            where[:-1],
            "trụ cột có components thì mỗi tiêu chí ghi component",
            "in a pillar with components, each criterion names its component",
            f"component: {keys[0]}",
        )
    elif criterion.component and criterion.component not in keys:
        guess = did_you_mean(criterion.component, keys)
        hint_vi, hint_en = hint(guess)
        ctx.report(
            where,
            f"trụ cột không có chỉ số thành phần “{criterion.component}” ({', '.join(keys) or 'chưa khai báo components'}){hint_vi}",
            f"the pillar has no component index “{criterion.component}” ({', '.join(keys) or 'no components declared'}){hint_en}",
        )


def _check_next_steps(pillars: tuple[Pillar, ...], level_count: int, ctx: CheckContext) -> None:
    for index, pillar in enumerate(pillars):
        for number, steps in enumerate(pillar.next_steps):
            if steps.steps_en and len(steps.steps_en) != len(steps.steps):
                ctx.report(
                    ("pillars", index, "next_steps", number, "steps_en"),
                    f"steps_en là bản tiếng Anh của steps: cần đúng {len(steps.steps)} dòng, cùng thứ tự "
                    f"(đang có {len(steps.steps_en)})",
                    f"steps_en is the English version of steps: it needs exactly {len(steps.steps)} "
                    f"line{'s' if len(steps.steps) != 1 else ''}, in "
                    f"the same order (it has {len(steps.steps_en)})",
                )
            if steps.level >= level_count:
                ctx.report(
                    ("pillars", index, "next_steps", number, "level"),
                    f"bộ tiêu chí chỉ có các mức 0–{level_count - 1}",
                    f"the model only has levels 0–{level_count - 1}",
                    f"level: {level_count - 1}",
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
            e.get("short_name_en", ""),
            e.get("description_en", ""),
            e.get("example_en", ""),
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
