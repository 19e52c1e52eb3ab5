"""Reading an .xlsx workbook: its zip container and parts checked before openpyxl opens it
(sizes from the zip directory, elements counted while streaming), then its sheets row by row."""

from __future__ import annotations

import re
import sys
import zipfile
import zlib
from pathlib import Path

from chophien.core.text import group_thousands, search_key
from chophien.volunteer.spreadsheet.cells import XLSX, import_cell, printable
from chophien.volunteer.spreadsheet.layout import COOPERATIVES, GUIDE_SHEET, PRODUCTS, REMOVE, match_header
from chophien.volunteer.spreadsheet.sheet import (
    MAX_CELL_FORMATS,
    MAX_INFLATE_RATIO,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_SHEETS,
    MAX_UNZIPPED_BYTES,
    OLE_MAGIC,
    ZIP_MAGIC,
    Sheet,
    SpreadsheetError,
    cell_text,
    read_source,
    too_many_rows,
    within_columns,
)


def _check_workbook_container(path: Path) -> None:
    """Refuse what openpyxl should never be handed: not a zip, a damaged zip, a password, or a
    zip that would unzip to more than MAX_UNZIPPED_BYTES (sizes from the zip directory only)."""
    with path.open("rb") as handle:
        _check_magic(handle)
    members = _zip_directory(path)
    _check_members(members)
    _check_workbook_kind({member.filename for member in members})


def _check_magic(handle) -> None:
    """The first bytes: an old or password-protected Excel file (OLE), text, or not a zip."""
    start = handle.read(8)
    handle.seek(0)
    if start.startswith(OLE_MAGIC):
        head = handle.read(1 << 20)
        if "EncryptedPackage".encode("utf-16-le") in head:
            raise SpreadsheetError(
                "bảng tính có mật khẩu; hãy mở bằng Excel, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ) rồi lưu lại",
                "the workbook is password-protected; open it in Excel, remove the password and save it again",
            )
        raise SpreadsheetError(
            "đây là tệp Excel cũ (.xls), không phải .xlsx; hãy mở bằng Excel và “Lưu thành” Sổ làm việc Excel (.xlsx)",
            "this is an old Excel file (.xls), not .xlsx; open it and “Save as” Excel Workbook (.xlsx)",
        )
    if not start.startswith(ZIP_MAGIC):
        sample = start + handle.read(4096)
        binary = set(range(9)) | set(range(14, 32))
        looks_text = sample.startswith((b"\xff\xfe", b"\xfe\xff")) or not binary & set(sample)
        if looks_text:
            raise SpreadsheetError(
                "tệp này là văn bản (CSV), không phải .xlsx; hãy đổi đuôi tệp thành .csv",
                "this file is text (CSV), not .xlsx; rename it to .csv",
            )
        raise SpreadsheetError(
            "tệp không phải bảng tính .xlsx (hỏng hoặc sai định dạng); hãy mở bằng Excel và lưu lại dạng .xlsx",
            "the file is not an .xlsx workbook (damaged or another format); open it in Excel and save it as .xlsx",
        )


def _zip_directory(path: Path) -> list[zipfile.ZipInfo]:
    """The zip's members, as its central directory lists them (nothing is decompressed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise SpreadsheetError(
            "tệp .xlsx bị hỏng hoặc chưa tải về hết; hãy tải lại hoặc lưu lại bằng Excel",
            "the .xlsx file is damaged or incomplete; download it again or save it again in Excel",
        ) from None


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    """No encrypted member, no more than MAX_UNZIPPED_BYTES in all, no member inflating too much."""
    if any(member.flag_bits & 0x1 for member in members):
        raise SpreadsheetError(
            "bảng tính có mật khẩu; hãy bỏ mật khẩu rồi lưu lại",
            "the workbook is password-protected; remove the password",
        )
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise SpreadsheetError(
            f"tệp .xlsx giải nén ra {unzipped // 1024 // 1024} MB, quá giới hạn {MAX_UNZIPPED_BYTES // 1024 // 1024} MB; "
            "hãy chia thành nhiều tệp (hoặc tệp đã bị làm giả)",
            f"the .xlsx unzips to {unzipped // 1024 // 1024} MB, over the {MAX_UNZIPPED_BYTES // 1024 // 1024} MB limit; "
            "split it into several files (or the file is forged)",
        )
    for member in members:  # Apache POI's zip-bomb rule: nothing real inflates 100 times over
        if member.file_size > 1024 * 1024 and member.file_size > MAX_INFLATE_RATIO * member.compress_size:
            raise SpreadsheetError(
                f"phần “{printable(member.filename)}” của tệp .xlsx nén hơn {MAX_INFLATE_RATIO} lần "
                f"({member.compress_size // 1024} KB → {member.file_size // 1024 // 1024} MB): tệp đã bị làm giả",
                f"part “{printable(member.filename)}” of the .xlsx is compressed more than {MAX_INFLATE_RATIO} "
                f"times ({member.compress_size // 1024} KB → {member.file_size // 1024 // 1024} MB): the file is forged",
            )


def _check_workbook_kind(names: set[str]) -> None:
    """The zip is an Excel workbook, not a LibreOffice file or another zip."""
    if "mimetype" in names and "content.xml" in names:
        raise SpreadsheetError(
            "đây là tệp LibreOffice (.ods), không phải .xlsx; hãy “Lưu thành” định dạng Excel 2007-365 (.xlsx)",
            "this is a LibreOffice file (.ods), not .xlsx; “Save as” Excel 2007-365 (.xlsx)",
        )
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise SpreadsheetError(
            "tệp nén này không phải bảng tính Excel (.xlsx); hãy mở bằng Excel và lưu lại dạng .xlsx",
            "this zip file is not an Excel workbook (.xlsx); open it in Excel and save it as .xlsx",
        )


# Parts openpyxl reads whole as it opens a workbook, before the first row: each element costs
# about 20 µs there, so they are counted first (streaming, a few MB of memory at most).
_COUNTED_PARTS = (
    ("sharedstrings.xml", b"si", MAX_SHARED_STRINGS, "chuỗi dùng chung", "shared strings"),
    ("styles.xml", b"xf", MAX_CELL_FORMATS, "định dạng ô", "cell formats"),
    ("workbook.xml", b"sheet", MAX_SHEETS, "trang tính", "sheets"),
)


def _count_elements(archive: zipfile.ZipFile, name: str, tag: bytes) -> int:
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,20}:)?" + tag + rb"[\s/>]")
    count, carry = 0, b""
    with archive.open(name) as part:
        if b"\x00" in part.peek(4)[:4]:  # UTF-16/32 XML: no program writes it, and the tags hide
            return sys.maxsize
        while chunk := part.read(1 << 20):
            data = carry + chunk
            cut = max(0, len(data) - 64)
            count += sum(1 for match in pattern.finditer(data) if match.start() < cut)
            carry = data[cut:]
    return count + sum(1 for _ in pattern.finditer(carry))


def _check_workbook_parts(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                for suffix, tag, limit, vi, en in _COUNTED_PARTS:
                    if name.lower().rsplit("/", 1)[-1] != suffix:
                        continue
                    count = _count_elements(archive, name, tag)
                    if count == sys.maxsize:
                        raise SpreadsheetError(
                            f"phần “{printable(name)}” của tệp .xlsx không mã hoá UTF-8: tệp đã bị làm giả",
                            f"part “{printable(name)}” of the .xlsx is not UTF-8: the file is forged",
                        )
                    if count > limit:
                        raise SpreadsheetError(
                            f"tệp .xlsx có {group_thousands(count)} {vi} (tối đa {group_thousands(limit)}); "
                            "hãy chia thành nhiều tệp (hoặc tệp đã bị làm giả)",
                            f"the .xlsx has {count:,} {en} (at most {limit:,}); split it into several files "
                            "(or the file is forged)",
                        )
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, NotImplementedError):
        raise SpreadsheetError(
            "tệp .xlsx bị hỏng hoặc chưa tải về hết; hãy tải lại hoặc lưu lại bằng Excel",
            "the .xlsx file is damaged or incomplete; download it again or save it again in Excel",
        ) from None


def _marked_in_excel(cell) -> bool:
    """The cell carries Excel's quote prefix (typed with a leading ', or exported by us)."""
    try:
        return bool(cell.style_array.quotePrefix)
    except (AttributeError, IndexError, KeyError, TypeError):
        return False


def read_xlsx(path: Path, display: str) -> list[Sheet]:
    """Every sheet of the workbook but the guide, after the file, its container and parts pass."""
    read_source(path)
    _check_workbook_container(path)
    _check_workbook_parts(path)
    workbook = _open_workbook(path)
    try:
        return [
            _read_worksheet(worksheet, display)
            for worksheet in workbook.worksheets
            if search_key(worksheet.title) not in (search_key(GUIDE_SHEET), "guide", "readme")
        ]
    finally:
        workbook.close()


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # a hostile zip can fail anywhere inside openpyxl's parsers
        raise SpreadsheetError(
            f"không đọc được tệp .xlsx ({type(error).__name__}); hãy mở bằng Excel và lưu lại",
            f"cannot read the .xlsx file ({type(error).__name__}); open it in Excel and save it again",
        ) from None


def _read_worksheet(worksheet, display: str) -> Sheet:
    """One worksheet's header and rows, as text; damaged XML is a SpreadsheetError naming it."""
    sheet = Sheet(f"{display}[{printable(worksheet.title)}]", worksheet.title, [], [])
    # The <dimension> a file declares can lie both ways: rows are counted as they stream.
    worksheet.reset_dimensions()
    keys: list[str] = []
    try:
        for number, record in enumerate(worksheet.iter_rows(), start=1):
            if number > MAX_ROWS + 1:
                if any(cell.value not in (None, "") for cell in record):
                    raise too_many_rows(number)
                continue
            cells = _row_cells(sheet, number, record, keys)
            if number == 1:
                sheet.header = cells
                keys = [
                    getattr(match_header(PRODUCTS, h) or match_header(COOPERATIVES, h), "en", "")
                    for h in cells
                ]
            else:
                sheet.rows.append((number, cells))
    except SpreadsheetError:
        raise
    except Exception as error:  # damaged XML inside a valid zip
        raise SpreadsheetError(
            f"trang tính “{printable(worksheet.title)}” bị hỏng ({type(error).__name__}); "
            "hãy mở bằng Excel và lưu lại",
            f"sheet “{printable(worksheet.title)}” is damaged ({type(error).__name__}); "
            "open it in Excel and save it again",
        ) from None
    return sheet


def _row_cells(sheet: Sheet, number: int, record, keys: list[str]) -> list[str]:
    """Row *number*'s cells as text (the header's column *keys* say which are phone numbers);
    literal cells (a text mark, or Excel's quote prefix on “-”) are noted in *sheet*."""
    record = within_columns(list(record), number, lambda cell: cell.value in (None, ""))
    cells = []
    for column, cell in enumerate(record, start=1):
        key = keys[column - 1] if column - 1 < len(keys) else ""
        value, marked = import_cell(cell_text(cell.value, key), XLSX)
        if marked or value == REMOVE and _marked_in_excel(cell):
            sheet.marked.add((number, column))
        cells.append(value)
    return cells
