"""What every reader returns and shares: the Sheet, the reading limits, SpreadsheetError, and the
checks of a source file and its rows before any cell is used.

Spreadsheets come from outside the project (a province's office, an email attachment), so
they are read as hostile: rows and columns are counted while streaming, and what is too large
is refused with its row and column.
"""

from __future__ import annotations

import datetime as dt
import stat
from dataclasses import dataclass, field
from pathlib import Path

from chophien.core.text import Bilingual, group_thousands, nfc
from chophien.volunteer.spreadsheet.layout import PHONE_COLUMNS

# Limits (docs/bang-tinh.md, "Giới hạn và an toàn"). 10,000 products (the sample catalogue
# copied 127 times) export to 1.1 MB of xlsx whose sheet unzips to 23 MB, well inside them.
MAX_FILE_BYTES = 32 * 1024 * 1024  # the file as it is on disk
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # every member of an xlsx, from the zip directory
MAX_ROWS = 20_000  # rows under the header, per sheet
MAX_COLUMNS = 100
MAX_CELL_CHARS = 131_072  # Python's csv limit; a content file is at most 256 KB anyway
MAX_INFLATE_RATIO = 100  # per zip member over 1 MB, as Apache POI (ZipSecureFile) refuses
MAX_SHARED_STRINGS = 500_000  # 20,000 rows × 25 texts; each costs openpyxl ~20 µs to load
MAX_CELL_FORMATS = 65_490  # Excel's own limit of distinct cell formats
MAX_SHEETS = 255


class SpreadsheetError(Bilingual):
    """The spreadsheet as a whole cannot be read; *row*/*column* say where, when known."""

    def __init__(self, vi: str, en: str, row: int = 0, column: int = 0, example: str = ""):
        super().__init__(vi, en, example)
        self.row, self.column = row, column


@dataclass
class Sheet:
    display: str  # shown in messages: "file.csv" or "file.xlsx[Sản phẩm]"
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based row number, cells)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    marked: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of literal cells


def cell_text(value, column_key: str = "") -> str:
    """An xlsx cell as the text a volunteer meant (Excel turns 0912… into 912…, dates into dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and column_key in PHONE_COLUMNS and len(str(value)) in (9, 10):
        return "0" + str(value)  # a phone number typed as a number lost its leading 0
    return nfc(str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_many_rows(row: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"bảng tính có hơn {group_thousands(MAX_ROWS)} dòng (dòng {row} còn dữ liệu); hãy chia thành nhiều tệp",
        f"the spreadsheet has more than {MAX_ROWS:,} rows (row {row} has data); split it into several files",
        row,
    )


def within_columns(cells: list, row: int, empty) -> list:
    """*cells* cut to MAX_COLUMNS; a value beyond it is an error (never silently dropped)."""
    if len(cells) <= MAX_COLUMNS:
        return cells
    for number, cell in enumerate(cells[MAX_COLUMNS:], start=MAX_COLUMNS + 1):
        if not empty(cell):
            raise SpreadsheetError(
                f"ô {_column_letter(number)}{row} nằm ngoài {MAX_COLUMNS} cột đầu; bảng tính nhập liệu "
                "không có nhiều cột như vậy, hãy xoá các cột thừa",
                f"cell {_column_letter(number)}{row} is beyond the first {MAX_COLUMNS} columns; the layout "
                "has no such column, delete the extra columns",
                row,
                number,
            )
    return cells[:MAX_COLUMNS]


def read_source(path: Path) -> int:
    """The file's size, after refusing what is not a regular file or is too large."""
    try:
        info = path.stat()
    except OSError as error:
        raise SpreadsheetError(
            f"không mở được tệp ({error.strerror})", f"cannot open the file ({error.strerror})"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise SpreadsheetError(
            "đây là một thư mục, không phải tệp bảng tính", "this is a folder, not a spreadsheet file"
        )
    if not stat.S_ISREG(info.st_mode):
        raise SpreadsheetError("đây không phải tệp thường", "this is not a regular file")
    if info.st_size == 0:
        raise SpreadsheetError("tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    if info.st_size > MAX_FILE_BYTES:
        raise SpreadsheetError(
            f"tệp quá lớn ({info.st_size // 1024 // 1024} MB; tối đa {MAX_FILE_BYTES // 1024 // 1024} MB); "
            "hãy chia thành nhiều tệp",
            f"file too large ({info.st_size // 1024 // 1024} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB); "
            "split it into several files",
        )
    return info.st_size


ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected workbook
