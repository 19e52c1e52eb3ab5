"""Merging a row into a content file's values: the schema's key order, certifications that keep
their details, and the images list rebuilt from the Ảnh N / Mô tả ảnh N cells."""

from __future__ import annotations

from chophien.catalogue.schema import Field
from chophien.core.text import search_key

REMOVE_MARK = object()  # an image cell that removes (not the text “-”)


def ordered(data: dict, fields: tuple[Field, ...]) -> dict:
    result = {}
    for spec in fields:
        if spec.name in data:
            value = data[spec.name]
            if isinstance(value, dict) and spec.fields and spec.type == "mapping":
                value = ordered(value, spec.fields)
            result[spec.name] = value
    return result


def merge_certifications(old, new: list[str]) -> list:
    """New list of slugs, keeping an old entry's details (number, issuer…) when its slug stays."""
    existing = {}
    for item in old if isinstance(old, list) else []:
        slug = item if isinstance(item, str) else item.get("type", "") if isinstance(item, dict) else ""
        existing.setdefault(search_key(str(slug)), item)
    return [existing.get(search_key(slug), slug) for slug in new]


def merge_images(old, cells: dict[tuple[int, str], str | object]):
    """The images list after the sheet's Ảnh N / Mô tả ảnh N cells; None when nothing changes."""
    first = cells.get((0, "image"), "")
    if isinstance(first, str) and first.lower() in ("none", "khong", "không"):
        return None if old == cells[(0, "image")] else cells[(0, "image")]
    old_items = old if isinstance(old, list) else []
    count = max([len(old_items)] + [index + 1 for index, _ in cells])
    result = []
    for index in range(count):
        item = old_items[index] if index < len(old_items) else None
        current = {"file": item} if isinstance(item, str) else dict(item) if isinstance(item, dict) else {}
        for kind, key in (("image", "file"), ("alt", "alt")):
            cell = cells.get((index, kind))
            if cell == REMOVE_MARK:
                current.pop(key, None)
            elif cell:
                current[key] = cell
        if not current.get("file"):
            continue
        if isinstance(item, str) and set(current) == {"file"}:
            result.append(current["file"])  # a plain file name stays plain
        else:
            result.append({"file": current["file"], **{k: v for k, v in current.items() if k != "file"}})
    if result == old_items:
        return None
    return result or "none"
