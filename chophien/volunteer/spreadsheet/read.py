"""Reading a spreadsheet file into Sheets: CSV here, .xlsx through spreadsheet.xlsx, and which
kind of rows (products, cooperatives) each sheet holds."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chophien.core.text import search_key
from chophien.formats.normalise import CP1258, decode_bytes
from chophien.volunteer.spreadsheet.cells import import_cell
from chophien.volunteer.spreadsheet.layout import COOPERATIVE_COLUMNS, COOPERATIVES, PRODUCT_COLUMNS, PRODUCTS
from chophien.volunteer.spreadsheet.sheet import (
    MAX_ROWS,
    OLE_MAGIC,
    ZIP_MAGIC,
    Sheet,
    SpreadsheetError,
    cell_text,
    read_source,
    too_many_rows,
    within_columns,
)
from chophien.volunteer.spreadsheet.xlsx import read_xlsx


def read_csv(path: Path, display: str) -> Sheet:
    """A CSV file as one Sheet: its encoding found, its delimiter sniffed, its rows counted."""
    read_source(path)
    raw = path.read_bytes()
    if raw.startswith(ZIP_MAGIC + (OLE_MAGIC,)):
        raise SpreadsheetError(
            "tệp này là bảng tính Excel, không phải CSV; hãy đổi đuôi tệp thành .xlsx",
            "this file is an Excel workbook, not CSV; rename it to .xlsx",
        )
    text, warnings = _decode_csv(raw)
    sheet = Sheet(display, path.stem, [], [], warnings)
    # Long cells are reported with their row and column below, not as a bare csv.Error here.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        _read_csv_rows(sheet, text, _delimiter(text))
    finally:
        csv.field_size_limit(limit)
    return sheet


def _decode_csv(raw: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The text (UTF-8, or a legacy Vietnamese encoding with a warning to check the accents)."""
    try:
        text, encoding = decode_bytes(raw, allow_legacy=True)
    except UnicodeDecodeError as error:  # neither UTF-8 nor a legacy encoding it may be
        line = raw[: error.start + 3].count(b"\n") + 1
        raise SpreadsheetError(
            f"tệp không phải UTF-8 (dòng {line}); hãy lưu lại với mã hoá UTF-8",
            f"file is not UTF-8 (line {line}); save it again with UTF-8 encoding",
            line,
        ) from None
    warnings = []
    if encoding == CP1258:
        warnings.append(
            (
                "đã đọc tệp theo bảng mã Windows-1258; hãy kiểm tra dấu tiếng Việt trong kết quả "
                "(tốt nhất lưu bằng “CSV UTF-8”)",
                "read as Windows-1258; check the Vietnamese accents in the result (best: save as “CSV UTF-8”)",
            )
        )
    return text, warnings


def _delimiter(text: str) -> str:
    """`,`, `;` (Excel in a locale whose decimal mark is a comma) or Tab, from the header line."""
    try:
        return csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_csv_rows(sheet: Sheet, text: str, delimiter: str) -> None:
    """The header and rows into *sheet*; literal (text-marked) cells noted; at most MAX_ROWS rows."""
    number = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                if any(cell.strip() for cell in record):
                    raise too_many_rows(number)
                continue
            cells = []
            for column, raw in enumerate(within_columns(record, number, lambda c: not c.strip()), start=1):
                value, marked = import_cell(cell_text(raw))
                if marked:
                    sheet.marked.add((number, column))
                cells.append(value)
            if number == 1:
                sheet.header = cells
            else:
                sheet.rows.append((number, cells))
    except csv.Error as error:
        raise SpreadsheetError(
            f"dòng {number} không đọc được theo CSV ({error})",
            f"row {number} is not valid CSV ({error})",
            number,
        ) from None


SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def read_sheets(path: Path, display: str | None = None) -> list[Sheet]:
    display = display or path.as_posix()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, display)
    if suffix in (".xls", ".ods", ".numbers"):
        raise SpreadsheetError(
            f"chưa đọc được tệp {suffix}; hãy “Lưu thành” .xlsx hoặc .csv (UTF-8)",
            f"{suffix} files cannot be read; “Save as” .xlsx or .csv (UTF-8)",
        )
    return [read_csv(path, display)]


def sheet_kind(sheet: Sheet) -> str | None:
    name = search_key(sheet.name)
    for kind, words in ((COOPERATIVES, ("hoptacxa", "cooperative")), (PRODUCTS, ("sanpham", "product"))):
        if any(word in name for word in words):
            return kind
    keys = {search_key(h) for h in sheet.header}
    if keys & PRODUCT_COLUMNS[0].keys():
        return PRODUCTS
    if keys & (COOPERATIVE_COLUMNS[3].keys() | COOPERATIVE_COLUMNS[10].keys()):
        return COOPERATIVES
    return None
