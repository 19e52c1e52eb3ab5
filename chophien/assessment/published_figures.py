"""Reads published.yaml (figures copied from a publication, no microdata) and checks them against the survey's model."""

from __future__ import annotations

from pathlib import Path

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.model import EquipmentShare, Placement, PublishedFigures, ScoringModel
from chophien.assessment.schema import PUBLISHED_FIELDS
from chophien.catalogue.schema import CheckContext
from chophien.core.text import did_you_mean, hint


def load_published(files: AssessmentFiles, path: Path, model: ScoringModel) -> PublishedFigures | None:
    """The figures in *path*, or None when they have errors (added to *files*' problems)."""
    values, ctx = files.read_yaml(path, PUBLISHED_FIELDS)
    if values is None:
        return None
    before = files.error_count()
    _check_levels(values, model, ctx)
    _check_pillars(values, model, ctx)
    _check_equipment(values, model, ctx)
    _check_shares(values, ctx)
    check_parallel(values, "notes", "notes_en", (), ctx)
    if files.error_count() != before:
        return None
    return _figures(values, model)


def _check_levels(values: dict, model: ScoringModel, ctx: CheckContext) -> None:
    numbers = [lv.number for lv in model.levels]
    for field in ("placements", "levels"):
        for index, item in enumerate(values.get(field, ())):
            if item["level"] not in numbers:
                ctx.report(
                    (field, index, "level"),
                    f"bộ tiêu chí {model.short_name} chỉ có các mức {numbers[0]}–{numbers[-1]}",
                    f"model {model.short_name} only has levels {numbers[0]}–{numbers[-1]}",
                )


def _check_pillars(values: dict, model: ScoringModel, ctx: CheckContext) -> None:
    pillar_keys = [p.key for p in model.pillars]
    for index, item in enumerate(values.get("pillars", ())):
        if item["pillar"] not in pillar_keys:
            guess = did_you_mean(item["pillar"], pillar_keys)
            hint_vi, hint_en = hint(guess)
            ctx.report(
                ("pillars", index, "pillar"),
                f"không có trụ cột “{item['pillar']}” trong {model.short_name}{hint_vi}",
                f"model {model.short_name} has no pillar “{item['pillar']}”{hint_en}",
            )


def _check_equipment(values: dict, model: ScoringModel, ctx: CheckContext) -> None:
    equipment_keys = [e.key for e in model.equipment]
    for index, item in enumerate(values.get("equipment", ())):
        for number, key in enumerate(item["categories"]):
            if key not in equipment_keys:
                guess = did_you_mean(key, equipment_keys)
                hint_vi, hint_en = hint(guess)
                ctx.report(
                    ("equipment", index, "categories", number),
                    f"không có loại thiết bị “{key}” trong {model.short_name}{hint_vi}",
                    f"model {model.short_name} has no equipment class “{key}”{hint_en}",
                    f"categories: [{guess or equipment_keys[0]}]",
                )


def _check_shares(values: dict, ctx: CheckContext) -> None:
    """Shares of respondents cannot add up to more than 100% (half a point of rounding allowed)."""
    for field in ("levels", "equipment"):
        total = sum(item["percent"] for item in values.get(field, ()))
        if total > 100.5:
            ctx.report(
                (field,),
                f"các tỉ lệ cộng lại {total:g}%, quá 100%".replace(".", ","),
                f"the shares add up to {total:g}%, more than 100%",
            )


def check_parallel(values: dict, field: str, english: str, where: tuple, ctx: CheckContext) -> None:
    """*english* (e.g. notes_en), when given, has one line per line of *field*, in the same order."""
    lines, translated = values.get(field, ()), values.get(english, ())
    if translated and len(translated) != len(lines):
        count_en = f"{len(lines)} line{'s' if len(lines) != 1 else ''}"
        ctx.report(
            (*where, english),
            f"{english} là bản tiếng Anh của {field}: cần đúng {len(lines)} dòng, cùng thứ tự "
            f"(đang có {len(translated)})",
            f"{english} is the English version of {field}: it needs exactly {count_en}, in the same "
            f"order (it has {len(translated)})",
        )


def _figures(values: dict, model: ScoringModel) -> PublishedFigures:
    names = {e.key: e.name for e in model.equipment}
    names_en = {e.key: e.name_en or e.name for e in model.equipment}
    return PublishedFigures(
        source=values["source"],
        source_url=values.get("source_url", ""),
        placements=tuple(
            Placement(p["group"], p["level"], p.get("note", ""), p.get("group_en", ""), p.get("note_en", ""))
            for p in values.get("placements", ())
        ),
        level_percents=tuple((item["level"], item["percent"]) for item in values.get("levels", ())),
        pillar_averages=tuple((item["pillar"], item["average_level"]) for item in values.get("pillars", ())),
        equipment=tuple(
            EquipmentShare(
                tuple(item["categories"]),
                item.get("label") or " / ".join(names[k] for k in item["categories"]),
                item["percent"],
                item.get("note", ""),
                item.get("label_en") or " / ".join(names_en[k] for k in item["categories"]),
                item.get("note_en", ""),
            )
            for item in values.get("equipment", ())
        ),
        notes=tuple(values.get("notes", ())),
        notes_en=tuple(values.get("notes_en", ())),
    )
