"""`chophien import`: check every row of a spreadsheet with the schema, then write the content files.

Import checks every row with the same schema as `chophien validate` and writes nothing unless
every row is valid (or `skip_invalid`). Updates go through FrontMatterEditor: a cell equal to
what the file already says (as a value: 450000 = 450.000) changes nothing, an empty cell keeps
the file's value, `-` removes it, so comments, key order, fields the sheet has no column for
and the Markdown story survive. Cells with control or bidi characters are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from chophien.catalogue.canonical import value_writer
from chophien.catalogue.schema import check_mapping, key_order
from chophien.core.problems import ProblemList
from chophien.core.text import (
    Bilingual,
    character_name,
    did_you_mean,
    group_thousands,
    hint,
    search_key,
    slugify,
    unsafe_characters,
)
from chophien.formats.normalise import EncodingProblem
from chophien.formats.strictyaml import YamlProblem, parse_front_matter
from chophien.formats.yamlwrite import FrontMatterEditor
from chophien.volunteer.scaffold import COOPERATIVE_BODY, PRODUCT_BODY, derive_slug, render, spec_at
from chophien.volunteer.spreadsheet.cells import (
    cell_of,
    image_items,
    printable,
    same_value,
    split_list,
    value_at,
)
from chophien.volunteer.spreadsheet.layout import (
    COOPERATIVES,
    GUIDE_SHEET,
    LAYOUTS,
    PRODUCTS,
    REMOVE,
    SCHEMAS,
    Column,
    match_header,
)
from chophien.volunteer.spreadsheet.merge import (
    REMOVE_MARK,
    merge_certifications,
    merge_images,
    ordered,
)
from chophien.volunteer.spreadsheet.read import read_sheets, sheet_kind
from chophien.volunteer.spreadsheet.sheet import MAX_CELL_CHARS, Sheet, SpreadsheetError
from chophien.volunteer.spreadsheet.write import write_files_atomically


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
        """(path, slug, cooperative) of the file this row writes, or None after reporting why not."""
        by_kind = {column.kind: number for number, column in columns.items()}
        name_col = next((n for n, c in columns.items() if c.path == ("name",)), None)
        file_col = by_kind.get("file")
        slug = self._given_slug(sheet, row, file_col, values)
        if slug is None:
            return None
        coop = ""
        if kind == PRODUCTS:
            coop_col = by_kind["cooperative"]
            coop = self._cooperative(sheet, row, coop_col, values.get(coop_col, ""))
            if coop is None:
                return None
        if not slug:
            slug = self._derived_slug(sheet, row, file_col, name_col, values)
            if slug is None:
                return None
        if kind == PRODUCTS:
            path = self.content / "products" / coop / f"{slug}.md"
        else:
            path = self.content / "cooperatives" / f"{slug}.md"
        if not self._claim(sheet, row, file_col or name_col or 0, path):
            return None
        return path, slug, coop

    def _given_slug(self, sheet, row, file_col, values) -> str | None:
        """The “Tên tệp” cell without `.md` ("" when empty), or None when it is not a slug."""
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
        return slug

    def _derived_slug(self, sheet, row, file_col, name_col, values) -> str | None:
        """A slug made from the name, when the row gives no file name."""
        name = values.get(name_col, "") if name_col else ""
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
        return slug

    def _claim(self, sheet, row, column: int, path: Path) -> bool:
        """Reserve *path* for this row: not through a symlink, not written by an earlier row."""
        linked = self._linked(path)
        if linked is not None:
            self.add(
                sheet, row, column, "",
                f"{self._show(linked)} là liên kết tượng trưng (symlink); không ghi qua liên kết",
                f"{self._show(linked)} is a symbolic link; nothing is written through a link",
            )  # fmt: skip
            return False
        if path in self.planned:
            first_sheet, first_row = self.planned[path]
            self.add(
                sheet, row, column, "",
                f"dòng này và dòng {first_row} ({first_sheet}) cùng ghi vào {self._show(path)}; mỗi tệp một dòng",
                f"this row and row {first_row} ({first_sheet}) both write {self._show(path)}; one row per file",
            )  # fmt: skip
            return False
        self.planned[path] = (sheet.display, row)
        return True

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
        order = key_order(fields)
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
                if not same_value(spec, cell, old):
                    editor.set(column.path, cell)
            elif column.kind == "list":
                new = split_list(cell)
                if column.path == ("season",) and "," not in cell and ";" not in cell:
                    new = cell  # a range "9-12" stays as written
                if new != split_list(old) and cell != old:
                    editor.set(column.path, new)
            elif column.kind == "certifications":
                new = split_list(cell)
                if [search_key(t) for t in new] != [search_key(t) for t in split_list(old)]:
                    editor.set(column.path, merge_certifications(value_at(editor.data, column.path), new))
        if images:
            merged = merge_images(value_at(editor.data, ("images",)), images)
            if merged is not None:
                editor.set(("images",), merged)
        if existing is None:
            values_in_order = ordered(editor.data, fields)
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
        for index, item in enumerate(image_items(doc.data.get("images"))):
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
            kind = sheet_kind(sheet)
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
