"""`chophien export`: the catalogue (or an empty template) written as .xlsx or .csv in the sheet layout.

Exported values are text, never formulas (spreadsheet.cells); a value no spreadsheet can carry
is exported empty with a warning, so that import keeps the file's value.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from chophien.core.problems import ProblemList
from chophien.core.text import character_name, group_thousands, unsafe_characters
from chophien.formats.strictyaml import Document, YamlProblem, parse_front_matter
from chophien.volunteer.spreadsheet.cells import (
    CSV,
    XLSX,
    cell_of,
    export_cell,
    image_items,
    printable,
    reads_as_formula,
)
from chophien.volunteer.spreadsheet.column_guide import guide_rows
from chophien.volunteer.spreadsheet.layout import (
    COOPERATIVES,
    GUIDE_SHEET,
    MIN_IMAGE_COLUMNS,
    PRODUCTS,
    SHEET_NAMES,
    Column,
    layout,
)
from chophien.volunteer.spreadsheet.write import write_files_atomically

EXCEL_CELL_CHARS = 32_767  # Excel keeps no more in one cell: longer values are exported empty


def _documents(folder: Path, content: Path, problems: ProblemList) -> list[tuple[Path, Document | None]]:
    found = []
    for path in sorted(folder.glob("*.md")):
        shown = path.relative_to(content.parent).as_posix()
        if path.is_symlink() or not path.is_file():
            problems.add(
                shown, 0, 0, "",
                "không phải tệp thường (liên kết tượng trưng hoặc thư mục); không xuất",
                "not a regular file (a symbolic link or a folder); not exported",
                severity="warning",
            )  # fmt: skip
            continue
        try:
            found.append((path, parse_front_matter(path.read_bytes())))
        except (YamlProblem, OSError) as error:
            problems.add(
                shown, getattr(error, "line", 0), 0, "",
                f"tệp có lỗi ({getattr(error, 'vi', error)}); không xuất, chạy chophien validate để sửa",
                f"the file has an error ({getattr(error, 'en', error)}); not exported, run chophien validate",
                severity="warning",
            )  # fmt: skip
    return found


def _exported(value: str, shown: str, column: Column, problems: ProblemList) -> str:
    """A cell's text, or "" (which import reads as “keep”) when no spreadsheet could carry it."""
    if len(value) > EXCEL_CELL_CHARS:
        problems.add(
            shown, 0, 0, column.vi,
            f"dài {group_thousands(len(value))} ký tự, Excel chỉ giữ {group_thousands(EXCEL_CELL_CHARS)} ký tự một ô: ô được để trống "
            "(nhập lại thì giữ nguyên); sửa trường này trong tệp",
            f"{len(value):,} characters long, Excel keeps {EXCEL_CELL_CHARS:,} per cell: the cell is left "
            "empty (import keeps the value); edit this field in the file",
            severity="warning",
        )  # fmt: skip
        return ""
    found = unsafe_characters(value)
    if found:
        problems.add(
            shown, 0, 0, column.vi,
            f"có ký tự điều khiển hoặc vô hình {character_name(found[0][1])}: ô được để trống "
            "(nhập lại thì giữ nguyên); chạy chophien validate để sửa tệp",
            f"holds the control or invisible character {character_name(found[0][1])}: the cell is left "
            "empty (import keeps the value); run chophien validate to fix the file",
            severity="warning",
        )  # fmt: skip
        return ""
    return value


def catalogue_rows(
    content: Path, problems: ProblemList | None = None
) -> dict[str, tuple[tuple[Column, ...], list[list[str]]]]:
    """Columns and rows for each sheet, read from the content files as written (raw text).

    Files that cannot be read, and values no spreadsheet can carry, are *problems* (warnings).
    """
    problems = problems if problems is not None else ProblemList()
    coops = _documents(content / "cooperatives", content, problems)
    products = []
    for folder in sorted(p for p in (content / "products").glob("*") if p.is_dir()):
        if folder.is_symlink():
            problems.add(
                folder.relative_to(content.parent).as_posix(), 0, 0, "",
                "thư mục là liên kết tượng trưng; không xuất", "the folder is a symbolic link; not exported",
                severity="warning",
            )  # fmt: skip
            continue
        products.extend((folder.name, path, doc) for path, doc in _documents(folder, content, problems))
    most = max(
        [MIN_IMAGE_COLUMNS] + [len(image_items(doc.data.get("images"))) for _, _, doc in products if doc]
    )
    product_columns = layout(PRODUCTS, most)
    coop_columns = layout(COOPERATIVES)

    def row(columns, path: Path, doc: Document, coop: str = "") -> list[str]:
        shown = path.relative_to(content.parent).as_posix()
        return [_exported(cell_of(doc, c, path.stem, coop), shown, c, problems) for c in columns]

    return {
        COOPERATIVES: (coop_columns, [row(coop_columns, path, doc) for path, doc in coops if doc]),
        PRODUCTS: (
            product_columns,
            [row(product_columns, path, doc, coop) for coop, path, doc in products if doc],
        ),
    }


EXPORT_SUFFIXES = (".xlsx", ".csv")


@dataclass
class ExportResult:
    problems: ProblemList = field(default_factory=ProblemList)
    count: int = 0
    written: bool = False


def _export_target_problem(target: Path) -> tuple[str, str] | None:
    """Why *target* cannot be written, before anything is read or written."""
    if target.suffix.lower() not in EXPORT_SUFFIXES:
        return (
            f"chỉ xuất được .xlsx hoặc .csv, không phải “{printable(target.suffix) or target.name}”; "
            "ví dụ danh-muc.xlsx",
            f"only .xlsx or .csv can be written, not “{printable(target.suffix) or target.name}”; "
            "e.g. catalogue.xlsx",
        )
    if target.is_dir():
        return (
            "đây là một thư mục; hãy ghi tên tệp, ví dụ danh-muc.xlsx",
            "this is a folder; give a file name",
        )
    folder = target.parent
    if not folder.is_dir():
        return (
            f"không có thư mục “{printable(folder.as_posix(), 300)}”; hãy tạo thư mục trước",
            f"there is no folder “{printable(folder.as_posix(), 300)}”; create it first",
        )
    if not os.access(folder, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        return ("không có quyền ghi vào đây", "no permission to write here")
    return None


def _workbook_bytes(sheets: dict) -> bytes:
    """Both sheets and the guide sheet as an .xlsx workbook, every cell a text cell."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet_kind in (PRODUCTS, COOPERATIVES):
        _write_sheet(workbook.create_sheet(SHEET_NAMES[sheet_kind]), *sheets[sheet_kind])
    _write_guide(workbook.create_sheet(GUIDE_SHEET))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(worksheet, row: int, column: int, text: str):
    """A string cell whatever the text: never a formula, a number or a date."""
    cell = worksheet.cell(row, column)
    if text:
        cell.value = export_cell(text, XLSX)
        cell.data_type = "s"
        if reads_as_formula(cell.value):
            cell.quotePrefix = True  # stays text when edited in Excel or LibreOffice
    cell.number_format = "@"  # text: Excel must not turn 0912… or 450.000 into numbers
    return cell


def _write_sheet(worksheet, columns: tuple[Column, ...], rows: list[list[str]]) -> None:
    """The header row (bold, frozen) and one row per file; the description columns wrap."""
    from openpyxl.styles import Alignment, Font

    top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)  # shared: 3x faster
    long_text = {i for i, c in enumerate(columns, start=1) if c.kind == "body" or c.path[-1:] == ("story",)}
    for number, values in enumerate([[c.vi for c in columns], *rows], start=1):
        for index, value in enumerate(values, start=1):
            cell = _put(worksheet, number, index, value)
            cell.alignment = wrapped if number > 1 and index in long_text else top
            if number == 1:
                cell.font = Font(bold=True)
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = 60 if index in long_text else max(12, len(column.vi) + 4)
        worksheet.column_dimensions[worksheet.cell(1, index).column_letter].width = width


def _write_guide(guide) -> None:
    """The “Hướng dẫn” sheet: every column of both sheets explained, and the two cell rules."""
    lines = [["Cột", "Tên tiếng Anh", "Bắt buộc", "Ý nghĩa", "Ví dụ"]]
    for sheet_kind in (PRODUCTS, COOPERATIVES):
        lines.append([f"Trang tính “{SHEET_NAMES[sheet_kind]}”"])
        lines.extend(guide_rows(sheet_kind))
    lines.append([])
    lines.append(["Ô để trống: giữ nguyên giá trị trong tệp. Ghi - (một dấu gạch) để xoá giá trị."])
    lines.append(["Danh sách (Mùa vụ, Từ khoá, Chứng nhận, Dân tộc): các mục cách nhau bằng dấu phẩy."])
    for number, values in enumerate(lines, start=1):
        for index, value in enumerate(values, start=1):
            _put(guide, number, index, value)
    for letter, width in zip("ABCDE", (22, 18, 10, 70, 40), strict=True):
        guide.column_dimensions[letter].width = width


def _csv_bytes(columns, rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.vi for c in columns])
    writer.writerows([export_cell(value, CSV) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8


def export_spreadsheet(
    content: Path, target: Path, template: bool = False, kind: str = PRODUCTS
) -> ExportResult:
    """Write the catalogue (or an empty template) as .xlsx (both sheets) or .csv (one kind).

    Nothing is written when the target or the content folder is wrong; the file appears whole
    or not at all (temporary file in the same folder, then renamed).
    """
    result = ExportResult()
    wrong = _export_target_problem(target)
    if wrong is None and not template and not content.is_dir():
        wrong = (
            f"không có thư mục nội dung “{printable(content.as_posix(), 300)}”; dùng --content",
            f"there is no content folder “{printable(content.as_posix(), 300)}”; pass --content",
        )
    if wrong is not None:
        result.problems.add(target.as_posix(), 0, 0, "", *wrong)
        return result
    if template:
        sheets = {k: (layout(k), []) for k in (COOPERATIVES, PRODUCTS)}
    else:
        sheets = catalogue_rows(content, result.problems)
    if target.suffix.lower() == ".csv":
        columns, rows = sheets[kind]
        data, result.count = _csv_bytes(columns, rows), len(rows)
    else:
        data, result.count = _workbook_bytes(sheets), sum(len(r) for _, r in sheets.values())
    try:
        write_files_atomically([(target, data)])
    except OSError as error:
        result.problems.add(
            target.as_posix(),
            0,
            0,
            "",
            f"không ghi được tệp ({error.strerror})",
            f"cannot write the file ({error.strerror})",
        )
        return result
    result.written = True
    return result
