"""The canonical written form of content values: one text that every YAML parser reads alike.

The strict loader (chophien/formats/strictyaml.py) reads every value as text; the CMS, GitHub,
editors and scripts read YAML with a standard parser, which gives a plain `450.000` the number
450 or `yes` the value true (chophien/formats/yamlread.py says how each parser reads a plain
value). This module says, per schema field, which values those parsers read
differently from the loader (`findings`, warnings for `chophien validate`), the canonical
form of a value (`written`: whole numbers as YAML ints, yes/no as true/false, months as a
list of numbers, certifications and photos as lists of mappings, any other text quoted
when a parser would retype it) and `chophien fmt`, which rewrites only the values found.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chophien.catalogue.field_types import Warned
from chophien.catalogue.schema import (
    COOPERATIVE_FIELDS,
    PRODUCT_FIELDS,
    CheckContext,
    Field,
    check_mapping,
    is_blank,
    key_order,
)
from chophien.core.files import write_atomic
from chophien.core.problems import ProblemList
from chophien.core.text import Bilingual
from chophien.formats.strictyaml import YamlProblem, parse_front_matter
from chophien.formats.yamlread import read_11, read_cms
from chophien.formats.yamlwrite import FrontMatterEditor, emit

NUMERIC = ("price", "int", "year")  # field types whose value is a whole number (price: or lien-he)

# --- the canonical form -----------------------------------------------------------------


def _convert(spec: Field, raw: str):
    """The loader's value of *raw*, or None when the loader refuses it (validate reports that)."""
    if spec.convert is None:
        return None
    try:
        value = spec.convert(raw)
    except Bilingual:
        return None
    return value.value if isinstance(value, Warned) else value


_DMY = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")


def _accepts(spec: Field, raw: str) -> bool:
    try:
        spec.convert(raw)
    except Bilingual:
        return False
    return True


def _item_fields(spec: Field) -> tuple[Field, ...]:
    if spec.type == "mapping":
        return spec.fields
    return spec.item.fields if spec.item is not None else ()


def written(spec: Field, value):
    """The canonical form of *value* (loader data: str, list or dict) for the field *spec*.

    Whole numbers become ints, yes/no becomes a bool, a range of months a list of months,
    a bare certification or photo name a mapping, a single tag a list. Text stays text:
    the writer (chophien/formats/yamlwrite.py) quotes it when a parser would retype it.
    """
    if isinstance(value, dict):
        by_name = {f.name: f for f in _item_fields(spec)}
        return {k: written(by_name[k], v) if k in by_name else v for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_written_item(spec, item) for item in value] if spec.item is not None else list(value)
    if not isinstance(value, str):
        return value
    if spec.type == "months":
        months = _convert(spec, value)
        return list(months) if months else value
    if spec.type == "list" and spec.item is not None and value.strip():
        return [written(spec.item, value)]
    if spec.type in NUMERIC:
        number = _convert(spec, value)
        if spec.type == "price" and number is None and spec.convert is not None and _accepts(spec, value):
            return "lien-he"
        return number if isinstance(number, int) else value
    if spec.type == "date":
        day = _convert(spec, value)
        return (
            value
            if day is None or _DMY.fullmatch(value.strip())
            else f"{day.day:02d}/{day.month:02d}/{day.year}"
        )
    if spec.type == "bool":
        flag = _convert(spec, value)
        return flag if isinstance(flag, bool) else value
    return value


def _written_item(spec: Field, item):
    if isinstance(item, str) and spec.type == "certifications":
        return {"type": item}
    if isinstance(item, str) and spec.type == "images":
        return {"file": item}
    return written(spec.item, item)


def spec_at(fields: tuple[Field, ...], path: tuple) -> Field | None:
    """The Field that describes *path* (keys and list indexes) under *fields*."""
    spec = None
    for part in path:
        if isinstance(part, int):
            if spec is None or spec.item is None:
                return None
            spec = spec.item
            continue
        candidates = fields if spec is None else _item_fields(spec) or spec.fields
        spec = next((f for f in candidates if f.name == part), None)
        if spec is None:
            return None
    return spec


def value_writer(fields: tuple[Field, ...]) -> Callable[[tuple, Any], Any]:
    """The canonical form of a value at a key path under *fields*, for FrontMatterEditor to write."""

    def canonical(path: tuple, value):
        spec = spec_at(fields, path)
        return value if spec is None else written(spec, value)

    return canonical


# --- what validate warns about ----------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A value that standard YAML reads differently, or a shape the CMS form cannot show."""

    where: tuple  # the value's path, for the position and the field name
    rewrite: tuple  # the key path `chophien fmt` writes anew (lists are rewritten whole)
    vi: str
    en: str


def _shown(value) -> tuple[str, str]:
    if value is None:
        return "rỗng (null)", "empty (null)"
    if isinstance(value, bool):
        return ("có (true)", "true") if value else ("không (false)", "false")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return f"số {value}", f"the number {value}"
    if isinstance(value, str):
        return f"chữ “{value}”", f"the text “{value}”"
    return str(value), str(value)


def _reading_agrees(spec: Field, reading, loaded, raw: str) -> bool:
    if spec.type in NUMERIC:
        if isinstance(reading, str):
            return True  # `lien-he`, `450.000 ₫`: text for every parser, a number only for us
        return type(reading) is int and reading == loaded
    if spec.type == "bool":
        return type(reading) is bool and reading == loaded
    return reading == raw


def _scalar(spec: Field, raw: str, where: tuple, rewrite: tuple, out: list) -> None:
    loaded = raw
    if spec.convert is not None:
        try:
            loaded = spec.convert(raw)
        except Bilingual:
            return  # refused by the loader: validate reports the error, not a warning
        loaded = loaded.value if isinstance(loaded, Warned) else loaded
    ours_vi, ours_en = _shown(loaded if spec.type in NUMERIC + ("bool",) and loaded is not None else raw)
    for reading, who_vi, who_en in (
        (read_cms(raw), "trình đọc YAML chuẩn (CMS, GitHub, trình soạn thảo)", "a standard YAML parser (the CMS, GitHub, editors)"),
        (read_11(raw), "trình đọc YAML 1.1 (PyYAML, Jekyll)", "a YAML 1.1 parser (PyYAML, Jekyll)"),
    ):  # fmt: skip
        if not _reading_agrees(spec, reading, loaded, raw):
            shown_vi, shown_en = _shown(reading)
            out.append(
                Finding(
                    where,
                    rewrite,
                    f"{who_vi} hiểu “{raw}” là {shown_vi}, còn Chợ phiên hiểu là {ours_vi}; "
                    "hãy ghi ở dạng chuẩn (`chophien fmt` sửa tự động)",
                    f"{who_en} reads “{raw}” as {shown_en}, Chợ phiên as {ours_en}; "
                    "write the canonical form (`chophien fmt` fixes it)",
                )
            )
            return


def _form_shape(spec: Field, raw: str, where: tuple, rewrite: tuple, out: list) -> None:
    """A value every parser reads as the loader does, but not in the one form the CMS form accepts."""
    if spec.convert is None or not _accepts(spec, raw):
        return
    canonical = written(spec, raw)
    if spec.type in NUMERIC and str(canonical) != raw.strip():
        _shape(
            where, rewrite,
            f"biểu mẫu CMS chỉ nhận số nguyên không dấu chấm, không đơn vị; hãy ghi `{canonical}`",
            f"the CMS form accepts only a plain whole number; write `{canonical}`",
            out,
        )  # fmt: skip
    elif spec.type == "date" and canonical != raw:
        _shape(
            where, rewrite,
            f"biểu mẫu CMS chỉ nhận ngày ghi ngày/tháng/năm; hãy ghi `{canonical}`",
            f"the CMS form accepts only day/month/year dates; write `{canonical}`",
            out,
        )  # fmt: skip


def _shape(where: tuple, rewrite: tuple, vi: str, en: str, out: list) -> None:
    out.append(
        Finding(where, rewrite, vi + " (`chophien fmt` sửa tự động)", en + " (`chophien fmt` fixes it)")
    )


def _walk(fields: tuple[Field, ...], data: dict, path: tuple, plain: frozenset, out: list) -> None:
    by_name = {f.name: f for f in fields}
    for key, value in data.items():
        spec = by_name.get(key)
        if spec is not None:
            _value(spec, value, path + (key,), plain, out)


def _rewrite_path(path: tuple) -> tuple:
    for index, part in enumerate(path):
        if isinstance(part, int):
            return path[:index]
    return path


def _value(spec: Field, value, path: tuple, plain: frozenset, out: list) -> None:
    rewrite = _rewrite_path(path)
    if isinstance(value, dict):
        if _item_fields(spec):
            _walk(_item_fields(spec), value, path, plain, out)
        return
    if isinstance(value, list):
        if spec.item is None:
            return
        for index, item in enumerate(value):
            where = path + (index,)
            if isinstance(item, dict) and spec.item.fields:
                _walk(spec.item.fields, item, where, plain, out)
            elif isinstance(item, str) and spec.type == "certifications" and item.strip():
                _shape(
                    where, rewrite,
                    f"biểu mẫu CMS không đọc được chứng nhận chỉ ghi tên (điền nhầm tên vào ô số giấy, không lưu được); hãy ghi `- type: {item}`",
                    f"the CMS form cannot read a certification given by name only; write `- type: {item}`",
                    out,
                )  # fmt: skip
            elif isinstance(item, str) and spec.type == "images" and item.strip():
                _shape(
                    where, rewrite,
                    f"biểu mẫu CMS không hiện được ảnh chỉ ghi tên tệp; hãy ghi `- file: {item}`",
                    f"the CMS form cannot show a photo given by file name only; write `- file: {item}`",
                    out,
                )  # fmt: skip
            elif isinstance(item, str):
                _scalar_and_form(spec.item, item, where, rewrite, plain, out)
        return
    if not isinstance(value, str) or not value.strip():
        return
    if spec.type == "months" and _convert(spec, value):
        listed = ", ".join(str(m) for m in _convert(spec, value))
        _shape(
            path, rewrite,
            f"biểu mẫu CMS chỉ hiện mùa vụ ghi thành danh sách tháng; hãy ghi `[{listed}]`",
            f"the CMS form shows a season only as a list of months; write `[{listed}]`",
            out,
        )  # fmt: skip
    elif spec.type == "list" and spec.item is not None:
        _shape(
            path, rewrite,
            f"biểu mẫu CMS cần một danh sách; hãy ghi `[{value.strip()}]`",
            f"the CMS form needs a list; write `[{value.strip()}]`",
            out,
        )  # fmt: skip
    elif spec.item is None:
        _scalar_and_form(spec, value, path, rewrite, plain, out)


def _scalar_and_form(
    spec: Field, raw: str, where: tuple, rewrite: tuple, plain: frozenset, out: list
) -> None:
    before = len(out)
    if where in plain:
        _scalar(spec, raw, where, rewrite, out)
    if len(out) == before:
        _form_shape(spec, raw, where, rewrite, out)


def blanks(fields: tuple[Field, ...], data: dict, path: tuple = ()) -> list[tuple]:
    """Optional keys left empty (`phone: ""`, `order:` of blanks): harmless, `chophien fmt` removes them."""
    by_name = {f.name: f for f in fields}
    found: list[tuple] = []
    for key, value in data.items():
        spec = by_name.get(key)
        if spec is None:
            continue
        if not spec.required and is_blank(value):
            found.append(path + (key,))
        elif isinstance(value, dict) and spec.type == "mapping":
            found.extend(blanks(spec.fields, value, path + (key,)))
    return found


def inline(doc) -> list[tuple]:
    """Key paths of lists and mappings written inline (`[a, b]`): `chophien fmt` writes them one item a
    line, the layout the CMS writes. Not a warning: every parser reads both alike."""
    return sorted({_rewrite_path(path) for path in doc.flow if _rewrite_path(path)}, key=len)


def findings(fields: tuple[Field, ...], doc) -> list[Finding]:
    """Every value of *doc* (a strictyaml.Document) that is not in its canonical form."""
    out: list[Finding] = []
    _walk(fields, doc.data, (), doc.plain, out)
    return out


def example(fields: tuple[Field, ...], data: dict, rewrite: tuple) -> str:
    """The canonical line(s) that replace the field at *rewrite*: the problem's example."""
    value = data
    for key in rewrite:
        value = value[key]
    # Written on one line, with `\n` for line breaks, as the schema's multi-line examples are.
    return "\\n".join(emit(rewrite[-1], written(spec_at(fields, rewrite), value)))


def report(fields: tuple[Field, ...], doc, ctx) -> int:
    """Add a warning to *ctx* (a schema.CheckContext) for each finding; return their count."""
    found = findings(fields, doc)
    for finding in found:
        ctx.report(
            finding.where, finding.vi, finding.en, example(fields, doc.data, finding.rewrite), "warning"
        )
    return len(found)


# --- chophien fmt ---------------------------------------------------------------------

SCHEMA_OF = {"cooperative": COOPERATIVE_FIELDS, "product": PRODUCT_FIELDS}


def canonical_text(text: str, kind: str) -> tuple[str, int]:
    """*text* with every finding rewritten in canonical form, and the number of values rewritten.

    Raises strictyaml.YamlProblem when the file does not parse. The rewrite must read back
    to the same loader values and leave nothing to find, else AssertionError.
    """
    fields = SCHEMA_OF[kind]
    editor = FrontMatterEditor(text, key_order(fields), value_writer(fields))
    empty = blanks(fields, editor.data)
    for path in empty:
        editor.delete(path)
    found = findings(fields, editor.doc)
    flows = [p for p in inline(editor.doc) if spec_at(fields, p) is not None]
    paths = sorted({f.rewrite for f in found} | set(flows), key=len)
    done: list[tuple] = []
    for path in paths:
        if any(path[: len(d)] == d for d in done):
            continue
        spec = spec_at(fields, path)
        current = editor.data
        for key in path:
            current = current[key]
        editor.set(path, written(spec, current), force=True)
        done.append(path)
    result = editor.text()
    left = findings(fields, parse_front_matter(result.encode("utf-8")))
    if left:
        raise AssertionError(f"chophien fmt left {len(left)} value(s) to rewrite")
    return result, len(found) + len(empty) + len(set(flows) - {f.rewrite for f in found})


def content_files(content: Path) -> list[tuple[Path, str]]:
    """(path, kind) of every cooperative and product file under *content*."""
    files = [(p, "cooperative") for p in sorted((content / "cooperatives").glob("*.md"))]
    files += [(p, "product") for p in sorted((content / "products").glob("*/*.md"))]
    return files


def _as_mappings(values: dict) -> dict:
    """Checked values with bare certifications as {"type": …}, the same meaning to the loader."""
    result = dict(values)
    if "certifications" in result:
        result["certifications"] = tuple(
            item if isinstance(item, dict) else {"type": item} for item in result["certifications"]
        )
    return result


@dataclass
class FmtResult:
    changed: list[tuple[Path, int]]  # (file, values rewritten)
    refused: list[tuple[Path, str, str]]  # (file, vi, en): files with errors are left alone


def fmt(content: Path, check_only: bool = False) -> FmtResult:
    """Rewrite every content file's non-canonical values in place (or only list them)."""
    result = FmtResult([], [])
    for path, kind in content_files(content):
        raw = path.read_bytes()
        try:
            doc = parse_front_matter(raw)
        except YamlProblem as error:
            result.refused.append((path, f"dòng {error.line}: {error.vi}", f"line {error.line}: {error.en}"))
            continue
        problems = ProblemList()
        before = check_mapping(SCHEMA_OF[kind], doc.data, (), CheckContext(str(path), doc, problems))
        if problems.errors:
            first = problems.errors[0]
            result.refused.append(
                (path, f"có lỗi, sửa trước (dòng {first.line}: {first.message_vi})", f"has errors, fix them first (line {first.line}: {first.message_en})")
            )  # fmt: skip
            continue
        if not (findings(SCHEMA_OF[kind], doc) or blanks(SCHEMA_OF[kind], doc.data) or inline(doc)):
            continue
        text = raw.decode("utf-8")
        if "\r" in text or text.startswith("\ufeff"):
            result.refused.append(
                (
                    path,
                    "tệp có BOM hoặc dòng kiểu Windows; lưu lại dạng UTF-8, LF",
                    "the file has a BOM or CRLF line ends",
                )
            )
            continue  # fmt: skip
        new_text, count = canonical_text(text, kind)
        after_doc = parse_front_matter(new_text.encode("utf-8"))
        after = check_mapping(
            SCHEMA_OF[kind], after_doc.data, (), CheckContext(str(path), after_doc, ProblemList())
        )
        if _as_mappings(after) != _as_mappings(before) or after_doc.body != doc.body:
            result.refused.append(
                (
                    path,
                    "dạng chuẩn không đọc lại được như cũ nên tệp được giữ nguyên; hãy báo lỗi này cho nhóm phát triển",
                    "the canonical form does not read back the same, so the file is left alone; please report this",
                )
            )
            continue  # a defect of fmt itself: never write a file that would read differently
        result.changed.append((path, count))
        if not check_only:
            write_atomic(path, new_text.encode("utf-8"), mode=stat.S_IMODE(path.stat().st_mode))
    return result


__all__ = ["Finding", "canonical_text", "findings", "fmt", "value_writer", "written"]
