"""One cell's text both ways: what a column shows for a content file, and the text mark that
keeps a value from being read as a formula.

Exported values are text, never formulas (CSV-injection guidance): in CSV a value that a
spreadsheet program would read as a formula gets one leading `'`, which import removes again;
in xlsx every cell is a string cell (formula-like text also carries Excel's "quote prefix"
style), and only the text “-” and leading spaces get the `'`, so import cannot mistake them.
"""

from __future__ import annotations

from chophien.catalogue.field_types import Warned
from chophien.catalogue.schema import Field
from chophien.core.text import TEXT_MARK, Bilingual, nfc, reads_as_formula
from chophien.core.text import printable as shown_text
from chophien.formats.strictyaml import Document
from chophien.volunteer.spreadsheet.layout import REMOVE, Column

# --- cells of an existing file (export, and "has this cell changed?") ---------------------


def value_at(data: dict, path: tuple):
    value = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def image_items(value) -> list[dict]:
    if not isinstance(value, list):
        return []
    items = []
    for item in value:
        if isinstance(item, str):
            items.append({"file": item})
        elif isinstance(item, dict):
            items.append({k: v for k, v in item.items() if isinstance(v, str)})
    return items


def split_list(cell: str) -> list[str]:
    parts = cell.split(";") if ";" in cell else cell.split(",")
    return [part.strip() for part in parts if part.strip()]


def cell_of(doc: Document | None, column: Column, slug: str = "", cooperative: str = "") -> str:
    """What *column* shows for an existing file."""
    if column.kind == "file":
        return slug
    if column.kind == "cooperative":
        return cooperative
    if doc is None:
        return ""
    if column.kind == "body":
        return doc.body.strip("\n")
    value = value_at(doc.data, column.path)
    if column.kind in ("image", "alt"):
        if isinstance(value, str):
            return value if column.kind == "image" and column.index == 0 else ""
        items = image_items(value)
        if column.index >= len(items):
            return ""
        return items[column.index].get("file" if column.kind == "image" else "alt", "")
    if column.kind == "certifications" and isinstance(value, list):
        return ", ".join(item if isinstance(item, str) else str(item.get("type", "")) for item in value)
    if isinstance(value, list):
        return ", ".join(item for item in value if isinstance(item, str))
    return value if isinstance(value, str) else ""


def same_value(spec: Field | None, new: str, old: str) -> bool:
    """Equal as values (450000 = 450.000 ₫, Tổ hợp tác = to-hop-tac), or as text."""
    if nfc(new.strip()) == nfc(old.strip()):
        return True
    if spec is None or spec.convert is None or not old:
        return False
    try:
        a, b = spec.convert(new), spec.convert(old)
    except Bilingual:
        return False
    a = a.value if isinstance(a, Warned) else a
    b = b.value if isinstance(b, Warned) else b
    return a == b


# --- cells that must stay text, characters that must not pass ------------------------------


def _needs_mark_in_xlsx(value: str) -> bool:
    """In xlsx every cell is a string cell, so only what import would misread needs the mark:
    the text “-” (else: “remove this field”) and leading spaces (else: trimmed)."""
    return value == REMOVE or value[:1].isspace()


CSV, XLSX = "csv", "xlsx"
_NEEDS_MARK = {CSV: reads_as_formula, XLSX: _needs_mark_in_xlsx}


def export_cell(value: str, kind: str = CSV) -> str:
    """*value* as a cell that no spreadsheet program evaluates or trims; `import_cell` reverses it.

    CSV has no cell types, so a value that reads as a formula gets one `'` in front (OWASP's
    CSV-injection advice); in xlsx the cell type already says “text”. A value that itself
    starts with apostrophes before such text gets one more (`'=x` → `''=x`), so the mark is
    never ambiguous and the round trip is exact.
    """
    return TEXT_MARK + value if _NEEDS_MARK[kind](value.lstrip(TEXT_MARK)) else value


def import_cell(cell: str, kind: str = CSV) -> tuple[str, bool]:
    """(value, marked) of a cell: exactly one added `'` removed; *marked* cells are literal
    values (a marked `-` is the text “-”, not “remove this field”)."""
    if cell.startswith(TEXT_MARK) and _NEEDS_MARK[kind](cell.lstrip(TEXT_MARK)):
        return cell[1:], True
    return cell, False


def printable(text: str, limit: int = 60) -> str:
    """*text* safe to echo in one line of a message (text.printable), cut after *limit* characters."""
    return shown_text(text[:limit]) + ("…" if len(text) > limit else "")
