"""Spreadsheets ↔ content files: `chophien import` and `chophien export` (xlsx or csv).

One row is one product (sheet "Sản phẩm") or one cooperative (sheet "Hợp tác xã"); column
names are Vietnamese or English (see docs/bang-tinh.md). Import checks every row with the
same schema as `chophien validate` and writes nothing unless every row is valid (or
`skip_invalid`). Updates go through FrontMatterEditor: a cell equal to what the file already
says (as a value: 450000 = 450.000) changes nothing, an empty cell keeps the file's value, `-`
removes it, so comments, key order, fields the sheet has no column for and the Markdown story
survive. Export writes the same layout, so export → import is a no-op.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .normalise import CP1258, EncodingProblem, decode_bytes
from .problems import ProblemList
from .scaffold import COOPERATIVE_BODY, PRODUCT_BODY, derive_slug, render, spec_at
from .schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field, Warned, check_mapping
from .strictyaml import Document, YamlProblem, parse_front_matter
from .text import Bilingual, did_you_mean, hint, nfc, search_key, slugify
from .yamlwrite import FrontMatterEditor

PRODUCTS = "product"
COOPERATIVES = "cooperative"
SHEET_NAMES = {PRODUCTS: "Sản phẩm", COOPERATIVES: "Hợp tác xã"}
GUIDE_SHEET = "Hướng dẫn"
REMOVE = "-"  # a cell holding only this removes the field
MIN_IMAGE_COLUMNS = 3


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


# --- reading sheets ---------------------------------------------------------------------------


@dataclass
class Sheet:
    display: str  # shown in messages: "file.csv" or "file.xlsx[Sản phẩm]"
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based row number, cells)
    warnings: list[tuple[str, str]] = field(default_factory=list)


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


def read_csv(path: Path, display: str) -> Sheet:
    text, encoding = decode_bytes(path.read_bytes(), allow_legacy=True)
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
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [nfc(h).strip() for h in records[0]] if records else []
    rows = [(number, [_cell_text(c) for c in record]) for number, record in enumerate(records[1:], start=2)]
    return Sheet(display, path.stem, header, rows, warnings)


def read_xlsx(path: Path, display: str) -> list[Sheet]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if search_key(worksheet.title) in (search_key(GUIDE_SHEET), "guide", "readme"):
                continue
            records = list(worksheet.iter_rows(values_only=True))
            header = [_cell_text(h) for h in records[0]] if records else []
            keys = [
                getattr(match_header(PRODUCTS, h) or match_header(COOPERATIVES, h), "en", "") for h in header
            ]
            rows = []
            for number, record in enumerate(records[1:], start=2):
                cells = [
                    _cell_text(value, keys[i] if i < len(keys) else "") for i, value in enumerate(record)
                ]
                rows.append((number, cells))
            sheets.append(Sheet(f"{display}[{worksheet.title}]", worksheet.title, header, rows))
    finally:
        workbook.close()
    return sheets


def read_sheets(path: Path, display: str | None = None) -> list[Sheet]:
    display = display or path.as_posix()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, display)
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
            column = match_header(kind, header)
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

    def import_sheet(self, sheet: Sheet, kind: str) -> None:
        columns = self.columns_of(sheet, kind)
        if columns is None:
            return
        for row, cells in sheet.rows:
            if not any(cell.strip() for cell in cells):
                continue
            values = {number: (cells[number - 1] if number - 1 < len(cells) else "") for number in columns}
            self.import_row(sheet, kind, row, columns, values)

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
                f"tên tệp “{slug}” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ “{slugify(slug)}”",
                f"file name “{slug}” must be lowercase ASCII letters, digits and dashes, e.g. “{slugify(slug)}”",
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
        if kind == PRODUCTS:
            path = self.content / "products" / coop / f"{slug}.md"
        else:
            path = self.content / "cooperatives" / f"{slug}.md"
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

    def _cooperative(self, sheet, row, column, cell) -> str | None:
        folder = self.content / "cooperatives"
        known = sorted({p.stem for p in folder.glob("*.md")} | self.new_cooperatives)
        for candidate in (cell.strip(), slugify(cell), derive_slug(cell)):
            if candidate and candidate in known:
                return candidate
        guess = did_you_mean(cell, known)
        hint_vi, hint_en = hint(guess)
        if not cell.strip():
            vi, en = "cần tên tệp của hợp tác xã", "the cooperative's file name is needed"
        else:
            vi = f"chưa có hợp tác xã “{cell}” (content/cooperatives/{slugify(cell)}.md){hint_vi}"
            en = f"there is no cooperative “{cell}” (content/cooperatives/{slugify(cell)}.md){hint_en}"
        self.add(sheet, row, column, sheet.header[column - 1], vi, en, guess or "")
        return None

    def import_row(self, sheet: Sheet, kind: str, row: int, columns: dict[int, Column], values: dict) -> None:
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
                existing = path.read_text(encoding="utf-8")
                parse_front_matter(existing.encode("utf-8"))
            except (UnicodeDecodeError, YamlProblem) as error:
                vi = getattr(error, "vi", "tệp không đọc được")
                en = getattr(error, "en", "file cannot be read")
                self.add(
                    sheet, row, 0, "",
                    f"{self._show(path)} có lỗi, chưa cập nhật được: {vi}; sửa tệp trước",
                    f"{self._show(path)} has an error, cannot update it: {en}; fix the file first",
                )  # fmt: skip
                self.result.invalid_rows.append(f"{sheet.display}:{row}")
                return
        text = self._apply(fields, kind, existing, columns, values)
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

    def _apply(self, fields, kind, existing: str | None, columns: dict[int, Column], values: dict) -> str:
        order = _schema_order(fields)
        editor = FrontMatterEditor(existing or "---\n---\n", order, fields)  # canonical values
        doc = editor.doc if existing is not None else None
        body = None
        images: dict[tuple[int, str], str] = {}
        for number, column in columns.items():
            cell = values[number].strip()
            if column.kind in ("file", "cooperative") or not cell:
                continue
            if column.kind == "body":
                if cell != cell_of(doc, column):
                    body = "" if cell == REMOVE else cell
                continue
            if column.kind in ("image", "alt"):
                images[(column.index, column.kind)] = cell
                continue
            old = cell_of(doc, column)
            if cell == REMOVE:
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

    def run(self, sheets: Iterable[Sheet]) -> None:
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


def _merge_images(old, cells: dict[tuple[int, str], str]):
    """The images list after the sheet's Ảnh N / Mô tả ảnh N cells; None when nothing changes."""
    if cells.get((0, "image"), "").lower() in ("none", "khong", "không"):
        return None if old == cells[(0, "image")] else cells[(0, "image")]
    old_items = old if isinstance(old, list) else []
    count = max([len(old_items)] + [index + 1 for index, _ in cells])
    result = []
    for index in range(count):
        item = old_items[index] if index < len(old_items) else None
        current = {"file": item} if isinstance(item, str) else dict(item) if isinstance(item, dict) else {}
        for kind, key in (("image", "file"), ("alt", "alt")):
            cell = cells.get((index, kind))
            if cell == REMOVE:
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


def import_spreadsheet(
    source: Path, content: Path, skip_invalid: bool = False, write: bool = True, display: str | None = None
) -> ImportResult:
    """Check every row of *source*; write the files when all are valid (or *skip_invalid*)."""
    importer = Importer(content)
    try:
        sheets = read_sheets(source, display)
    except EncodingProblem as error:
        importer.result.problems.add(display or source.as_posix(), error.line, 0, "", error.vi, error.en)
        return importer.result
    except (OSError, ValueError, KeyError) as error:
        importer.result.problems.add(
            display or source.as_posix(), 0, 0, "",
            f"không mở được bảng tính ({error}); hãy lưu lại dạng .xlsx hoặc .csv",
            f"cannot open the spreadsheet ({error}); save it again as .xlsx or .csv",
        )  # fmt: skip
        return importer.result
    importer.run(sheets)
    result = importer.result
    if write and (skip_invalid or not result.problems.errors):
        for change in result.changes:
            change.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = change.path.with_name(change.path.name + ".tmp")
            temporary.write_text(change.text, encoding="utf-8")
            temporary.replace(change.path)
        result.written = True
    return result


# --- export -------------------------------------------------------------------------------------


def _documents(folder: Path) -> list[tuple[Path, Document | None]]:
    found = []
    for path in sorted(folder.glob("*.md")):
        try:
            found.append((path, parse_front_matter(path.read_bytes())))
        except YamlProblem:
            found.append((path, None))
    return found


def catalogue_rows(content: Path) -> dict[str, tuple[tuple[Column, ...], list[list[str]]]]:
    """Columns and rows for each sheet, read from the content files as written (raw text)."""
    coops = _documents(content / "cooperatives")
    products = []
    for folder in sorted(p for p in (content / "products").glob("*") if p.is_dir()):
        products.extend((folder.name, path, doc) for path, doc in _documents(folder))
    most = max(
        [MIN_IMAGE_COLUMNS] + [len(_image_items(doc.data.get("images"))) for _, _, doc in products if doc]
    )
    product_columns = layout(PRODUCTS, most)
    coop_columns = layout(COOPERATIVES)
    return {
        COOPERATIVES: (
            coop_columns,
            [[cell_of(doc, c, path.stem) for c in coop_columns] for path, doc in coops if doc],
        ),
        PRODUCTS: (
            product_columns,
            [
                [cell_of(doc, c, path.stem, coop) for c in product_columns]
                for coop, path, doc in products
                if doc
            ],
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


def export_spreadsheet(content: Path, target: Path, template: bool = False, kind: str = PRODUCTS) -> int:
    """Write the catalogue (or an empty template) as .xlsx (both sheets) or .csv (one kind)."""
    sheets = (
        catalogue_rows(content) if not template else {k: (layout(k), []) for k in (COOPERATIVES, PRODUCTS)}
    )
    if target.suffix.lower() == ".csv":
        columns, rows = sheets[kind]
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.vi for c in columns])
        writer.writerows(rows)
        target.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))  # BOM: Excel reads UTF-8
        return len(rows)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    count = 0
    for sheet_kind in (PRODUCTS, COOPERATIVES):
        columns, rows = sheets[sheet_kind]
        worksheet = workbook.create_sheet(SHEET_NAMES[sheet_kind])
        worksheet.append([c.vi for c in columns])
        for row in rows:
            worksheet.append(row)
        for cells in worksheet.iter_rows():
            for cell in cells:
                cell.number_format = "@"  # text: Excel must not turn 0912… or 450.000 into numbers
                cell.alignment = Alignment(
                    vertical="top", wrap_text=cell.row > 1 and cell.column == len(columns)
                )
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            width = 60 if column.kind == "body" else max(12, len(column.vi) + 4)
            worksheet.column_dimensions[worksheet.cell(1, index).column_letter].width = width
        count += len(rows)
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append(["Cột", "Tên tiếng Anh", "Bắt buộc", "Ý nghĩa", "Ví dụ"])
    for sheet_kind in (PRODUCTS, COOPERATIVES):
        guide.append([f"Trang tính “{SHEET_NAMES[sheet_kind]}”"])
        for row in guide_rows(sheet_kind):
            guide.append(row)
    guide.append([])
    guide.append(["Ô để trống: giữ nguyên giá trị trong tệp. Ghi - (một dấu gạch) để xoá giá trị."])
    guide.append(["Danh sách (Mùa vụ, Từ khoá, Chứng nhận, Dân tộc): các mục cách nhau bằng dấu phẩy."])
    for letter, width in zip("ABCDE", (22, 18, 10, 70, 40), strict=True):
        guide.column_dimensions[letter].width = width
    workbook.save(target)
    return count
