"""Spreadsheets ↔ content files: `chophien import` and `chophien export` (xlsx or csv).

One row is one product (sheet "Sản phẩm") or one cooperative (sheet "Hợp tác xã"); column
names are Vietnamese or English (see docs/bang-tinh.md). Import checks every row with the
same schema as `chophien validate` and writes nothing unless every row is valid (or
`skip_invalid`). Updates go through FrontMatterEditor: a cell equal to what the file already
says (as a value: 450000 = 450.000) changes nothing, an empty cell keeps the file's value, `-`
removes it, so comments, key order, fields the sheet has no column for and the Markdown story
survive. Export writes the same layout, so export → import is a no-op.

Spreadsheets come from outside the project (a province's office, an email attachment), so
they are read as hostile: sizes are checked from the zip directory before anything is
decompressed, rows and columns are counted while streaming, cells with control or bidi
characters are refused, and no file is written unless every row is valid. Exported values are
text, never formulas (CSV-injection guidance): in CSV a value that a spreadsheet program would
read as a formula gets one leading `'`, which import removes again; in xlsx every cell is a
string cell (formula-like text also carries Excel's "quote prefix" style), and only the text
“-” and leading spaces get the `'`, so import cannot mistake them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import stat
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from chophien.catalogue.canonical import value_writer
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field, Warned, check_mapping
from chophien.core.files import stage
from chophien.core.problems import ProblemList
from chophien.core.text import (
    Bilingual,
    character_name,
    did_you_mean,
    group_thousands,
    hint,
    nfc,
    search_key,
    slugify,
    unsafe_characters,
)
from chophien.core.text import printable as shown_text
from chophien.formats.normalise import CP1258, EncodingProblem, decode_bytes
from chophien.formats.strictyaml import Document, YamlProblem, parse_front_matter
from chophien.formats.yamlwrite import FrontMatterEditor
from chophien.volunteer.scaffold import COOPERATIVE_BODY, PRODUCT_BODY, derive_slug, render, spec_at

PRODUCTS = "product"
COOPERATIVES = "cooperative"
SHEET_NAMES = {PRODUCTS: "Sản phẩm", COOPERATIVES: "Hợp tác xã"}
GUIDE_SHEET = "Hướng dẫn"
REMOVE = "-"  # a cell holding only this removes the field
REMOVE_MARK = object()  # an image cell that removes (not the text “-”)
MIN_IMAGE_COLUMNS = 3

# Limits (docs/bang-tinh.md, "Giới hạn và an toàn"). 10,000 products (the sample catalogue
# copied 127 times) export to 1.1 MB of xlsx whose sheet unzips to 23 MB, well inside them.
MAX_FILE_BYTES = 32 * 1024 * 1024  # the file as it is on disk
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024  # every member of an xlsx, from the zip directory
MAX_ROWS = 20_000  # rows under the header, per sheet
MAX_COLUMNS = 100
MAX_CELL_CHARS = 131_072  # Python's csv limit; a content file is at most 256 KB anyway
EXCEL_CELL_CHARS = 32_767  # Excel keeps no more in one cell: longer values are exported empty
MAX_INFLATE_RATIO = 100  # per zip member over 1 MB, as Apache POI (ZipSecureFile) refuses
MAX_SHARED_STRINGS = 500_000  # 20,000 rows × 25 texts; each costs openpyxl ~20 µs to load
MAX_CELL_FORMATS = 65_490  # Excel's own limit of distinct cell formats
MAX_SHEETS = 255


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: headers (vi, en) and where its value lives in a content file."""

    en: str
    vi: str
    path: tuple = ()
    kind: str = "text"  # text | list | certifications | image | alt | body | file | cooperative
    index: int = 0  # image number, 0-based

    def keys(self) -> set[str]:
        names = {self.en, self.vi} | ({".".join(self.path)} if self.path else set())
        return {search_key(name) for name in names}


PRODUCT_COLUMNS = (
    Column("cooperative", "Hợp tác xã", kind="cooperative"),
    Column("file", "Tên tệp", kind="file"),
    Column("name", "Tên sản phẩm", ("name",)),
    Column("code", "Mã sản phẩm", ("code",)),
    Column("category", "Danh mục", ("category",)),
    Column("price", "Giá", ("price",)),
    Column("unit", "Đơn vị", ("unit",)),
    Column("min_order", "Đặt tối thiểu", ("min_order",)),
    Column("status", "Tình trạng", ("status",)),
    Column("season", "Mùa vụ", ("season",), "list"),
    Column("shelf_life", "Hạn sử dụng", ("shelf_life",)),
    Column("featured", "Nổi bật", ("featured",)),
    Column("tags", "Từ khoá", ("tags",), "list"),
    Column("certifications", "Chứng nhận", ("certifications",), "certifications"),
    Column("ocop_stars", "OCOP sao", ("ocop", "stars")),
    Column("ocop_year", "OCOP năm", ("ocop", "year")),
    Column("ocop_decision", "OCOP quyết định", ("ocop", "decision")),
    Column("ocop_date", "OCOP ngày", ("ocop", "date")),
    Column("origin_commune", "Xã sản xuất", ("origin", "commune")),
    Column("origin_province", "Tỉnh sản xuất", ("origin", "province")),
    Column("name_en", "Tên tiếng Anh", ("translations", "en", "name")),
    Column("description", "Mô tả", kind="body"),
)

COOPERATIVE_COLUMNS = (
    Column("file", "Tên tệp", kind="file"),
    Column("name", "Tên", ("name",)),
    Column("short_name", "Tên ngắn", ("short_name",)),
    Column("kind", "Loại hình", ("kind",)),
    Column("province", "Tỉnh", ("province",)),
    Column("commune", "Xã", ("commune",)),
    Column("address", "Địa chỉ", ("address",)),
    Column("ethnic_groups", "Dân tộc", ("ethnic_groups",), "list"),
    Column("founded", "Năm thành lập", ("founded",)),
    Column("members", "Số thành viên", ("members",)),
    Column("phone", "Điện thoại", ("contact", "phone")),
    Column("zalo", "Zalo", ("contact", "zalo")),
    Column("messenger", "Messenger", ("contact", "messenger")),
    Column("email", "Email", ("contact", "email")),
    Column("website", "Website", ("contact", "website")),
    Column("facebook", "Facebook", ("contact", "facebook")),
    Column("certifications", "Chứng nhận", ("certifications",), "certifications"),
    Column("languages", "Ngôn ngữ", ("languages",), "list"),
    Column("name_en", "Tên tiếng Anh", ("translations", "en", "name")),
    Column("description", "Mô tả", kind="body"),
)

LAYOUTS = {PRODUCTS: PRODUCT_COLUMNS, COOPERATIVES: COOPERATIVE_COLUMNS}
SCHEMAS = {PRODUCTS: PRODUCT_FIELDS, COOPERATIVES: COOPERATIVE_FIELDS}
PHONE_COLUMNS = {"phone", "zalo"}


def image_columns(number: int) -> tuple[Column, Column]:
    """Columns `Ảnh N` / `Mô tả ảnh N` (image_N / image_N_alt), N from 1."""
    return (
        Column(f"image_{number}", f"Ảnh {number}", ("images",), "image", number - 1),
        Column(f"image_{number}_alt", f"Mô tả ảnh {number}", ("images",), "alt", number - 1),
    )


def layout(kind: str, images: int = MIN_IMAGE_COLUMNS) -> tuple[Column, ...]:
    """The columns of one sheet, in export order (image columns before the description)."""
    columns = list(LAYOUTS[kind])
    if kind == PRODUCTS:
        pictures = [column for n in range(1, images + 1) for column in image_columns(n)]
        columns[-1:-1] = pictures
    return tuple(columns)


_IMAGE_HEADER = re.compile(r"^(?:anh|image)(\d{1,2})(alt)?$")
_ALT_HEADER = re.compile(r"^(?:motaanh)(\d{1,2})$")


def match_header(kind: str, header: str) -> Column | None:
    key = search_key(header)
    for column in LAYOUTS[kind]:
        if key in column.keys():
            return column
    if kind == PRODUCTS:
        image = _IMAGE_HEADER.match(key)
        if image and int(image.group(1)) >= 1:
            return image_columns(int(image.group(1)))[1 if image.group(2) else 0]
        alt = _ALT_HEADER.match(key)
        if alt and int(alt.group(1)) >= 1:
            return image_columns(int(alt.group(1)))[1]
    return None


# --- cells of an existing file (export, and "has this cell changed?") ---------------------


def _get(data: dict, path: tuple):
    value = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _image_items(value) -> list[dict]:
    if not isinstance(value, list):
        return []
    items = []
    for item in value:
        if isinstance(item, str):
            items.append({"file": item})
        elif isinstance(item, dict):
            items.append({k: v for k, v in item.items() if isinstance(v, str)})
    return items


def _split(cell: str) -> list[str]:
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
    value = _get(doc.data, column.path)
    if column.kind in ("image", "alt"):
        if isinstance(value, str):
            return value if column.kind == "image" and column.index == 0 else ""
        items = _image_items(value)
        if column.index >= len(items):
            return ""
        return items[column.index].get("file" if column.kind == "image" else "alt", "")
    if column.kind == "certifications" and isinstance(value, list):
        return ", ".join(item if isinstance(item, str) else str(item.get("type", "")) for item in value)
    if isinstance(value, list):
        return ", ".join(item for item in value if isinstance(item, str))
    return value if isinstance(value, str) else ""


def _same(spec: Field | None, new: str, old: str) -> bool:
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

# What Excel, LibreOffice and Google Sheets start a formula with (OWASP "CSV injection"), and
# the full-width and small forms an East Asian input method types for them.
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
TEXT_MARK = "'"  # a leading apostrophe: "this cell is text" to every spreadsheet program


def reads_as_formula(value: str) -> bool:
    """True when a spreadsheet program could take *value* for a formula (or lose its spaces)."""
    return bool(value) and (value[0].isspace() or value.lstrip()[:1] in FORMULA_START)


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


class SpreadsheetError(Bilingual):
    """The spreadsheet as a whole cannot be read; *row*/*column* say where, when known."""

    def __init__(self, vi: str, en: str, row: int = 0, column: int = 0, example: str = ""):
        super().__init__(vi, en, example)
        self.row, self.column = row, column


# --- reading sheets ---------------------------------------------------------------------------


@dataclass
class Sheet:
    display: str  # shown in messages: "file.csv" or "file.xlsx[Sản phẩm]"
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based row number, cells)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    marked: set[tuple[int, int]] = field(default_factory=set)  # (row, column) of literal cells


def _cell_text(value, column_key: str = "") -> str:
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


def _too_many_rows(row: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"bảng tính có hơn {group_thousands(MAX_ROWS)} dòng (dòng {row} còn dữ liệu); hãy chia thành nhiều tệp",
        f"the spreadsheet has more than {MAX_ROWS:,} rows (row {row} has data); split it into several files",
        row,
    )


def _within_columns(cells: list, row: int, empty) -> list:
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


def _read_source(path: Path) -> int:
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


_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected workbook


def read_csv(path: Path, display: str) -> Sheet:
    _read_source(path)
    raw = path.read_bytes()
    if raw.startswith(_ZIP_MAGIC + (_OLE_MAGIC,)):
        raise SpreadsheetError(
            "tệp này là bảng tính Excel, không phải CSV; hãy đổi đuôi tệp thành .xlsx",
            "this file is an Excel workbook, not CSV; rename it to .xlsx",
        )
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
    try:
        dialect = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    sheet = Sheet(display, path.stem, [], [], warnings)
    # Long cells are reported with their row and column below, not as a bare csv.Error here.
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    number = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS + 1:
                if any(cell.strip() for cell in record):
                    raise _too_many_rows(number)
                continue
            cells = []
            for column, raw in enumerate(_within_columns(record, number, lambda c: not c.strip()), start=1):
                value, marked = import_cell(_cell_text(raw))
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
    finally:
        csv.field_size_limit(limit)
    return sheet


def _check_workbook_container(path: Path) -> None:
    """Refuse what openpyxl should never be handed: not a zip, a damaged zip, a password, or a
    zip that would unzip to more than MAX_UNZIPPED_BYTES (sizes from the zip directory only)."""
    with path.open("rb") as handle:
        start = handle.read(8)
        handle.seek(0)
        if start.startswith(_OLE_MAGIC):
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
        if not start.startswith(_ZIP_MAGIC):
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
    damaged = SpreadsheetError(
        "tệp .xlsx bị hỏng hoặc chưa tải về hết; hãy tải lại hoặc lưu lại bằng Excel",
        "the .xlsx file is damaged or incomplete; download it again or save it again in Excel",
    )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise damaged from None
    names = {member.filename for member in members}
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
    _read_source(path)
    _check_workbook_container(path)
    _check_workbook_parts(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # a hostile zip can fail anywhere inside openpyxl's parsers
        raise SpreadsheetError(
            f"không đọc được tệp .xlsx ({type(error).__name__}); hãy mở bằng Excel và lưu lại",
            f"cannot read the .xlsx file ({type(error).__name__}); open it in Excel and save it again",
        ) from None
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if search_key(worksheet.title) in (search_key(GUIDE_SHEET), "guide", "readme"):
                continue
            sheet = Sheet(f"{display}[{printable(worksheet.title)}]", worksheet.title, [], [])
            # The <dimension> a file declares can lie both ways: rows are counted as they stream.
            worksheet.reset_dimensions()
            keys: list[str] = []
            try:
                for number, record in enumerate(worksheet.iter_rows(), start=1):
                    if number > MAX_ROWS + 1:
                        if any(cell.value not in (None, "") for cell in record):
                            raise _too_many_rows(number)
                        continue
                    record = _within_columns(list(record), number, lambda cell: cell.value in (None, ""))
                    cells = []
                    for column, cell in enumerate(record, start=1):
                        key = keys[column - 1] if column - 1 < len(keys) else ""
                        value, marked = import_cell(_cell_text(cell.value, key), XLSX)
                        if marked or value == REMOVE and _marked_in_excel(cell):
                            sheet.marked.add((number, column))
                        cells.append(value)
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
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


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


def _sheet_kind(sheet: Sheet) -> str | None:
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


# --- import -------------------------------------------------------------------------------------


@dataclass
class Change:
    path: Path
    text: str
    created: bool


@dataclass
class ImportResult:
    problems: ProblemList = field(default_factory=ProblemList)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    invalid_rows: list[str] = field(default_factory=list)
    written: bool = False


class _RowContext:
    """Stands in for schema.CheckContext: maps a field path to this row's column."""

    def __init__(self, sheet: Sheet, row: int, columns: dict[int, Column], problems: ProblemList):
        self.sheet, self.row, self.columns, self.problems = sheet, row, columns, problems

    def column(self, where: tuple, example: str = "") -> tuple[int, str]:
        keys = tuple(part for part in where if isinstance(part, str))
        if not keys and example and ":" in example:
            keys = (example.split(":", 1)[0].strip(),)
        best, best_len = (0, ".".join(keys)), 0
        for number, column in self.columns.items():
            if column.kind in ("image", "alt"):
                indexes = [part for part in where if isinstance(part, int)]
                wanted = "alt" if keys[-1:] == ("alt",) else "image"
                if (
                    keys[:1] == ("images",)
                    and indexes
                    and indexes[0] == column.index
                    and column.kind == wanted
                ):
                    return number, self.sheet.header[number - 1]
                continue
            if column.path and keys[: len(column.path)] == column.path and len(column.path) > best_len:
                best, best_len = (number, self.sheet.header[number - 1]), len(column.path)
        return best

    def report(self, where: tuple, vi: str, en: str, example: str = "", severity: str = "error"):
        number, header = self.column(where, example)
        self.problems.add(self.sheet.display, self.row, number, header, vi, en, example, severity)


class Importer:
    def __init__(self, content: Path):
        self.content = content
        self.result = ImportResult()
        self.planned: dict[Path, tuple[str, int]] = {}  # target → (sheet display, row)
        self.new_cooperatives: set[str] = set()

    def add(self, sheet: Sheet, row: int, column: int, header: str, vi: str, en: str, example: str = ""):
        self.result.problems.add(sheet.display, row, column, header, vi, en, example)

    # -- per sheet --------------------------------------------------------------------------

    def columns_of(self, sheet: Sheet, kind: str) -> dict[int, Column] | None:
        columns: dict[int, Column] = {}
        seen: dict[Column, str] = {}
        ok = True
        for number, header in enumerate(sheet.header, start=1):
            if not header:
                continue
            if self.bad_cell(sheet, 1, number, printable(header), header):
                ok = False
                continue
            column = match_header(kind, header)
            header = printable(header)
            if column is None:
                names = [c.vi for c in LAYOUTS[kind]] + [c.en for c in LAYOUTS[kind]]
                guess = did_you_mean(header, names, cutoff=0.5)
                hint_vi, hint_en = hint(guess)
                self.add(
                    sheet, 1, number, header,
                    f"không có cột “{header}” trong mẫu bảng tính{hint_vi}",
                    f"there is no column “{header}” in the spreadsheet layout{hint_en}",
                )  # fmt: skip
                ok = False
            elif column in seen:
                self.add(
                    sheet, 1, number, header,
                    f"cột “{header}” lặp lại cột “{seen[column]}”; chỉ giữ một",
                    f"column “{header}” repeats column “{seen[column]}”; keep one",
                )  # fmt: skip
                ok = False
            else:
                columns[number] = column
                seen[column] = header
        identity = "cooperative" if kind == PRODUCTS else "file"
        if not any(c.kind == identity for c in columns.values()) and not (
            kind == COOPERATIVES and any(c.path == ("name",) for c in columns.values())
        ):
            first = LAYOUTS[kind][0]
            self.add(
                sheet, 1, 0, "",
                f"thiếu cột “{first.vi}” ({first.en})",
                f"column “{first.vi}” ({first.en}) is missing",
            )  # fmt: skip
            ok = False
        return columns if ok else None

    def bad_cell(self, sheet: Sheet, row: int, column: int, header: str, cell: str) -> bool:
        """Report a cell too long or holding characters no content file may hold."""
        if len(cell) > MAX_CELL_CHARS:
            self.add(
                sheet, row, column, header,
                f"ô dài {group_thousands(len(cell))} ký tự, quá giới hạn {group_thousands(MAX_CELL_CHARS)}",
                f"the cell is {len(cell):,} characters long, over the {MAX_CELL_CHARS:,} limit",
            )  # fmt: skip
            return True
        found = unsafe_characters(cell)
        if found:
            index, ch = found[0]
            more = f" (và {len(found) - 1} ký tự khác)" if len(found) > 1 else ""
            more_en = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            self.add(
                sheet, row, column, header,
                f"ô có ký tự điều khiển hoặc vô hình {character_name(ch)} ở vị trí {index + 1}{more}; "
                "hãy xoá (thường do chép từ trang web, Word hoặc Zalo)",
                f"the cell holds the control or invisible character {character_name(ch)} at position "
                f"{index + 1}{more_en}; delete it (it usually comes from pasting a web page, Word or Zalo)",
            )  # fmt: skip
            return True
        return False

    def import_sheet(self, sheet: Sheet, kind: str) -> None:
        columns = self.columns_of(sheet, kind)
        if columns is None:
            return
        for row, cells in sheet.rows:
            if not any(cell.strip() for cell in cells):
                continue
            values = {number: (cells[number - 1] if number - 1 < len(cells) else "") for number in columns}
            bad = [
                self.bad_cell(sheet, row, number, sheet.header[number - 1], value)
                for number, value in values.items()
            ]
            if any(bad):  # the row's other checks would echo the bad text
                self.result.invalid_rows.append(f"{sheet.display}:{row}")
                continue
            literal = {number for number in columns if (row, number) in sheet.marked}
            self.import_row(sheet, kind, row, columns, values, literal)

    # -- per row ----------------------------------------------------------------------------

    def _target(self, sheet, kind, row, columns, values) -> tuple[Path, str, str] | None:
        by_kind = {column.kind: number for number, column in columns.items()}
        name_col = next((n for n, c in columns.items() if c.path == ("name",)), None)
        name = values.get(name_col, "") if name_col else ""
        file_col = by_kind.get("file")
        slug = values.get(file_col, "").strip() if file_col else ""
        if slug.lower().endswith(".md"):
            slug = slug[:-3]
        if slug and slug != slugify(slug):
            self.add(
                sheet, row, file_col, sheet.header[file_col - 1],
                f"tên tệp “{printable(slug)}” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ “{slugify(slug)}”",
                f"file name “{printable(slug)}” must be lowercase ASCII letters, digits and dashes, e.g. “{slugify(slug)}”",
                slugify(slug),
            )  # fmt: skip
            return None
        coop = ""
        if kind == PRODUCTS:
            coop_col = by_kind["cooperative"]
            coop = self._cooperative(sheet, row, coop_col, values.get(coop_col, ""))
            if coop is None:
                return None
        if not slug:
            if not name.strip():
                self.add(
                    sheet, row, file_col or name_col or 0, "",
                    "cần “Tên tệp” hoặc tên để biết dòng này là tệp nào",
                    "a file name or a name is needed to know which file this row is",
                )  # fmt: skip
                return None
            slug = derive_slug(name)
            if not slug:
                self.add(
                    sheet, row, name_col, sheet.header[name_col - 1],
                    f"không đặt được tên tệp từ tên “{printable(name)}” (không có chữ hay số); hãy điền cột “Tên tệp”",
                    f"no file name can be made from the name “{printable(name)}” (no letters or digits); "
                    "fill in the file name column",
                    "mat-ong-bac-ha",
                )  # fmt: skip
                return None
        if kind == PRODUCTS:
            path = self.content / "products" / coop / f"{slug}.md"
        else:
            path = self.content / "cooperatives" / f"{slug}.md"
        linked = self._linked(path)
        if linked is not None:
            self.add(
                sheet, row, file_col or name_col or 0, "",
                f"{self._show(linked)} là liên kết tượng trưng (symlink); không ghi qua liên kết",
                f"{self._show(linked)} is a symbolic link; nothing is written through a link",
            )  # fmt: skip
            return None
        if path in self.planned:
            first_sheet, first_row = self.planned[path]
            self.add(
                sheet, row, file_col or name_col or 0, "",
                f"dòng này và dòng {first_row} ({first_sheet}) cùng ghi vào {self._show(path)}; mỗi tệp một dòng",
                f"this row and row {first_row} ({first_sheet}) both write {self._show(path)}; one row per file",
            )  # fmt: skip
            return None
        self.planned[path] = (sheet.display, row)
        return path, slug, coop

    def _show(self, path: Path) -> str:
        return path.relative_to(self.content.parent).as_posix()

    def _linked(self, path: Path) -> Path | None:
        """The first symlink on the way from content/ to *path*: writes must stay inside content/."""
        current = self.content
        for part in path.relative_to(self.content).parts:
            current = current / part
            if current.is_symlink():
                return current
        return None

    def _cooperative(self, sheet, row, column, cell) -> str | None:
        folder = self.content / "cooperatives"
        known = sorted({p.stem for p in folder.glob("*.md") if p.is_file()} | self.new_cooperatives)
        for candidate in (cell.strip(), slugify(cell), derive_slug(cell)):
            if candidate and candidate in known:
                return candidate
        guess = did_you_mean(cell, known)
        hint_vi, hint_en = hint(guess)
        if not cell.strip():
            vi, en = "cần tên tệp của hợp tác xã", "the cooperative's file name is needed"
        else:
            shown = printable(cell)
            vi = f"chưa có hợp tác xã “{shown}” (content/cooperatives/{slugify(cell)}.md){hint_vi}"
            en = f"there is no cooperative “{shown}” (content/cooperatives/{slugify(cell)}.md){hint_en}"
        self.add(sheet, row, column, sheet.header[column - 1], vi, en, guess or "")
        return None

    def import_row(
        self, sheet: Sheet, kind: str, row: int, columns: dict[int, Column], values: dict, literal: set[int]
    ) -> None:
        before = len(self.result.problems.errors)
        target = self._target(sheet, kind, row, columns, values)
        if target is None:
            self.result.invalid_rows.append(f"{sheet.display}:{row}")
            return
        path, slug, coop = target
        fields = SCHEMAS[kind]
        existing = None
        if path.exists():
            try:
                if not path.is_file():
                    raise IsADirectoryError(path)
                existing = path.read_text(encoding="utf-8")
                parse_front_matter(existing.encode("utf-8"))
            except (OSError, UnicodeDecodeError, YamlProblem) as error:
                vi = getattr(error, "vi", "không phải tệp đọc được")
                en = getattr(error, "en", "not a readable file")
                self.add(
                    sheet, row, 0, "",
                    f"{self._show(path)} có lỗi, chưa cập nhật được: {vi}; sửa tệp trước",
                    f"{self._show(path)} has an error, cannot update it: {en}; fix the file first",
                )  # fmt: skip
                self.result.invalid_rows.append(f"{sheet.display}:{row}")
                return
        text = self._apply(fields, kind, existing, columns, values, literal)
        self._check(sheet, kind, row, columns, text, path, coop)
        if len(self.result.problems.errors) > before:
            self.result.invalid_rows.append(f"{sheet.display}:{row}")
            return
        if kind == COOPERATIVES:
            self.new_cooperatives.add(slug)
        if existing == text:
            self.result.unchanged += 1
        else:
            self.result.changes.append(Change(path, text, existing is None))

    def _apply(
        self, fields, kind, existing: str | None, columns: dict[int, Column], values: dict, literal: set[int]
    ) -> str:
        order = _schema_order(fields)
        editor = FrontMatterEditor(existing or "---\n---\n", order, value_writer(fields))  # canonical values
        doc = editor.doc if existing is not None else None
        body = None
        images: dict[tuple[int, str], str | object] = {}
        for number, column in columns.items():
            # cells arrive trimmed; a marked cell's spaces are the value's own
            cell = values[number] if number in literal else values[number].strip()
            if column.kind in ("file", "cooperative") or not cell:
                continue
            remove = cell == REMOVE and number not in literal  # a marked '- is the text “-”
            if column.kind == "body":
                if cell != cell_of(doc, column):
                    body = "" if remove else cell
                continue
            if column.kind in ("image", "alt"):
                images[(column.index, column.kind)] = REMOVE_MARK if remove else cell
                continue
            old = cell_of(doc, column)
            if remove:
                editor.delete(column.path)
                continue
            spec = spec_at(fields, column.path) if column.kind == "text" else None
            if column.kind == "text":
                if not _same(spec, cell, old):
                    editor.set(column.path, cell)
            elif column.kind == "list":
                new = _split(cell)
                if column.path == ("season",) and "," not in cell and ";" not in cell:
                    new = cell  # a range "9-12" stays as written
                if new != _split(old) and cell != old:
                    editor.set(column.path, new)
            elif column.kind == "certifications":
                new = _split(cell)
                if [search_key(t) for t in new] != [search_key(t) for t in _split(old)]:
                    editor.set(column.path, _merge_certifications(_get(editor.data, column.path), new))
        if images:
            merged = _merge_images(_get(editor.data, ("images",)), images)
            if merged is not None:
                editor.set(("images",), merged)
        if existing is None:
            values_in_order = _ordered(editor.data, fields)
            default = PRODUCT_BODY if kind == PRODUCTS else COOPERATIVE_BODY
            return render(fields, values_in_order, (body + "\n") if body else default)
        if body is not None:
            editor.set_body(body)
        return editor.text()

    def _check(self, sheet, kind, row, columns, text: str, path: Path, coop: str) -> None:
        ctx = _RowContext(sheet, row, columns, self.result.problems)
        try:
            doc = parse_front_matter(text.encode("utf-8"))
        except YamlProblem as error:
            ctx.report((), error.vi, error.en, error.example)
            return
        values = check_mapping(SCHEMAS[kind], doc.data, (), ctx)
        if kind == COOPERATIVES:
            contact = values.get("contact", {})
            if "contact" in values and not any(
                contact.get(k) for k in ("phone", "zalo", "messenger", "email")
            ):
                ctx.report(
                    ("contact", "phone"),
                    "cần ít nhất một cách đặt hàng: phone, zalo, messenger hoặc email",
                    "at least one order channel is needed: phone, zalo, messenger or email",
                    "0912 345 678",
                )
            return
        folder = path.parent
        for index, item in enumerate(_image_items(doc.data.get("images"))):
            name = item.get("file", "")
            if name and not (folder / name).is_file():
                ctx.report(
                    ("images", index, "file"),
                    f"không tìm thấy tệp ảnh “{name}” trong {self._show(folder)}/; hãy tải ảnh lên trước",
                    f"image file “{name}” not found in {self._show(folder)}/; upload the photo first",
                )

    # -- whole file -------------------------------------------------------------------------

    def run(self, sheets: list[Sheet], where: str = "") -> None:
        if not sheets:
            self.result.problems.add(
                where, 0, 0, "",
                f"không có trang tính nào để nhập (ngoài “{GUIDE_SHEET}”)",
                f"there is no sheet to import (besides “{GUIDE_SHEET}”)",
            )  # fmt: skip
        kinds = []
        for sheet in sheets:
            for vi, en in sheet.warnings:
                self.result.problems.add(sheet.display, 0, 0, "", vi, en, severity="warning")
            kind = _sheet_kind(sheet)
            if kind is None:
                self.add(
                    sheet, 1, 0, "",
                    "không nhận ra bảng: cần cột “Hợp tác xã” (bảng sản phẩm) hoặc “Loại hình” "
                    "(bảng hợp tác xã), hoặc đặt tên trang tính “Sản phẩm” / “Hợp tác xã”",
                    "unknown sheet: it needs a “cooperative” column (products) or a “kind” column "
                    "(cooperatives), or a sheet named “Products” / “Cooperatives”",
                )  # fmt: skip
                continue
            kinds.append((kind, sheet))
        for kind, sheet in sorted(kinds, key=lambda pair: pair[0] != COOPERATIVES):
            self.import_sheet(sheet, kind)


def _schema_order(fields: tuple[Field, ...], parent: tuple = ()) -> dict[tuple, list[str]]:
    order = {parent: [spec.name for spec in fields]}
    for spec in fields:
        if spec.fields and spec.type == "mapping":
            order.update(_schema_order(spec.fields, parent + (spec.name,)))
    return order


def _ordered(data: dict, fields: tuple[Field, ...]) -> dict:
    result = {}
    for spec in fields:
        if spec.name in data:
            value = data[spec.name]
            if isinstance(value, dict) and spec.fields and spec.type == "mapping":
                value = _ordered(value, spec.fields)
            result[spec.name] = value
    return result


def _merge_certifications(old, new: list[str]) -> list:
    """New list of slugs, keeping an old entry's details (number, issuer…) when its slug stays."""
    existing = {}
    for item in old if isinstance(old, list) else []:
        slug = item if isinstance(item, str) else item.get("type", "") if isinstance(item, dict) else ""
        existing.setdefault(search_key(str(slug)), item)
    return [existing.get(search_key(slug), slug) for slug in new]


def _merge_images(old, cells: dict[tuple[int, str], str | object]):
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


def _new_file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_files_atomically(files: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: all go to temporary files first, then each is renamed into place.

    A full disk or a missing permission shows while the temporary files are written, before any
    file is replaced; the folders this made are removed again. (chophien/core/files.py's writer
    does one file; this is the all-or-nothing step over many.)
    """
    made: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            staged.append((stage(path, data, _new_file_mode(path)), path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            folder.rmdir()
        raise
    for temporary, path in staged:
        os.replace(temporary, path)


def _source_problem(result: ImportResult, where: str, error: Bilingual) -> ImportResult:
    row = getattr(error, "row", 0) or getattr(error, "line", 0)
    result.problems.add(where, row, getattr(error, "column", 0), "", error.vi, error.en, error.example)
    return result


def import_spreadsheet(
    source: Path, content: Path, skip_invalid: bool = False, write: bool = True, display: str | None = None
) -> ImportResult:
    """Check every row of *source*; write the files when all are valid (or *skip_invalid*)."""
    importer = Importer(content)
    where = display or source.as_posix()
    if not content.is_dir():
        return _source_problem(
            importer.result,
            content.as_posix(),
            Bilingual(
                "không có thư mục nội dung này; chạy lệnh trong thư mục của kho hoặc dùng --content",
                "there is no such content folder; run the command in the repository or pass --content",
            ),
        )
    try:
        sheets = read_sheets(source, display)
    except (EncodingProblem, SpreadsheetError) as error:
        return _source_problem(importer.result, where, error)
    importer.run(sheets, where)
    result = importer.result
    if write and (skip_invalid or not result.problems.errors):
        try:
            write_files_atomically([(change.path, change.text.encode("utf-8")) for change in result.changes])
        except OSError as error:
            result.problems.add(
                error.filename or content.as_posix(), 0, 0, "",
                f"không ghi được ({error.strerror}); chưa tệp nào bị thay đổi",
                f"cannot write ({error.strerror}); no file was changed",
            )  # fmt: skip
            return result
        result.written = True
    return result


# --- export -------------------------------------------------------------------------------------


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
        [MIN_IMAGE_COLUMNS] + [len(_image_items(doc.data.get("images"))) for _, _, doc in products if doc]
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


def guide_rows(kind: str) -> list[list[str]]:
    """Rows of the “Hướng dẫn” sheet: column, English name, required, meaning, example."""
    fields = SCHEMAS[kind]
    rows = []
    for column in layout(kind, 1):
        if column.kind == "file":
            meaning = "Tên tệp (chữ thường không dấu, dấu -); để trống thì tự đặt theo tên"
            example, required = "mat-ong-bac-ha", ""
        elif column.kind == "cooperative":
            meaning, example, required = (
                "Tên tệp của hợp tác xã (content/cooperatives/<tên>.md)",
                "htx-che-na-hang",
                "bắt buộc",
            )
        elif column.kind == "body":
            meaning, example, required = "Câu chuyện, mô tả (Markdown); để trống thì giữ nguyên", "", ""
        elif column.kind in ("image", "alt"):
            spec = spec_at(fields, ("images",)).item.fields[0 if column.kind == "image" else 1]
            meaning = spec.help_vi + "; thêm cột Ảnh 2, Mô tả ảnh 2… nếu cần"
            example = spec.example
            required = "bắt buộc (hoặc none)" if column.kind == "image" else ""
        else:
            spec = spec_at(fields, column.path)
            meaning, example = spec.help_vi, spec.example.replace("\n", " ")
            if column.kind in ("list", "certifications"):
                meaning += "; các mục cách nhau bằng dấu phẩy"
                example = example.strip("[]")
            required = "bắt buộc" if spec.required and len(column.path) == 1 else ""
        rows.append([column.vi, column.en, required, meaning, example])
    return rows


def layout_markdown(kind: str) -> str:
    """The documented layout of one sheet as a Markdown table (docs/bang-tinh.md)."""
    lines = ["| cột (tiếng Việt) | hoặc (English) | bắt buộc | ý nghĩa | ví dụ |", "|---|---|---|---|---|"]
    for vi, en, required, meaning, example in guide_rows(kind):
        cells = [vi, f"`{en}`", required, meaning, f"`{example}`" if example else ""]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)

    def put(worksheet, row: int, column: int, text: str):
        """A string cell whatever the text: never a formula, a number or a date."""
        cell = worksheet.cell(row, column)
        if text:
            cell.value = export_cell(text, XLSX)
            cell.data_type = "s"
            if reads_as_formula(cell.value):
                cell.quotePrefix = True  # stays text when edited in Excel or LibreOffice
        cell.number_format = "@"  # text: Excel must not turn 0912… or 450.000 into numbers
        return cell

    top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)  # shared: 3x faster
    for sheet_kind in (PRODUCTS, COOPERATIVES):
        columns, rows = sheets[sheet_kind]
        worksheet = workbook.create_sheet(SHEET_NAMES[sheet_kind])
        for number, values in enumerate([[c.vi for c in columns], *rows], start=1):
            for index, value in enumerate(values, start=1):
                cell = put(worksheet, number, index, value)
                cell.alignment = wrapped if number > 1 and index == len(columns) else top
                if number == 1:
                    cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            width = 60 if column.kind == "body" else max(12, len(column.vi) + 4)
            worksheet.column_dimensions[worksheet.cell(1, index).column_letter].width = width
    guide = workbook.create_sheet(GUIDE_SHEET)
    lines = [["Cột", "Tên tiếng Anh", "Bắt buộc", "Ý nghĩa", "Ví dụ"]]
    for sheet_kind in (PRODUCTS, COOPERATIVES):
        lines.append([f"Trang tính “{SHEET_NAMES[sheet_kind]}”"])
        lines.extend(guide_rows(sheet_kind))
    lines.append([])
    lines.append(["Ô để trống: giữ nguyên giá trị trong tệp. Ghi - (một dấu gạch) để xoá giá trị."])
    lines.append(["Danh sách (Mùa vụ, Từ khoá, Chứng nhận, Dân tộc): các mục cách nhau bằng dấu phẩy."])
    for number, values in enumerate(lines, start=1):
        for index, value in enumerate(values, start=1):
            put(guide, number, index, value)
    for letter, width in zip("ABCDE", (22, 18, 10, 70, 40), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
