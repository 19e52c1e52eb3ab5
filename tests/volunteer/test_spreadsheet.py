"""`chophien import` / `export`: the documented layout, every bad row reported, nothing lost on update."""

import shutil
from pathlib import Path

import pytest
from conftest import COOP, ROOT, cp1258, jpeg_bytes, minimal_tree
from openpyxl import Workbook, load_workbook

from chophien.cli import main as cli_main
from chophien.site.build import prepare
from chophien.volunteer.spreadsheet.export import export_spreadsheet
from chophien.volunteer.spreadsheet.importer import import_spreadsheet
from chophien.volunteer.spreadsheet.layout import COOPERATIVES, PRODUCTS, layout
from chophien.volunteer.spreadsheet.read import read_sheets

PRODUCT_WITH_COMMENTS = """\
---
# Tên sản phẩm
name: Chè Shan tuyết cổ thụ
category: che
price: 450.000   # giá mùa xuân
unit: hộp 200 g
images:
  - file: che.jpg
    alt: Búp chè Shan tuyết
certifications:
  - type: huu-co
    number: HC-0412/2025
    issuer: Trung tâm Chứng nhận
  - vietgap
# các từ khoá để tìm kiếm
tags: [chè, quà biếu]
---
Búp chè hái từ cây cổ thụ.

**Cách pha:** nước 90 °C.
"""
PRODUCT_PATH = "products/htx-che-na-hang/che-shan-tuyet.md"


@pytest.fixture
def sample(tmp_path) -> Path:
    """A copy of the bundled sample content."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def snapshot(content: Path) -> dict:
    return {p.relative_to(content): p.read_bytes() for p in sorted(content.rglob("*.md"))}


def write_csv(path: Path, rows: list[list[str]], encoding="utf-8-sig", delimiter=","):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    path.write_bytes(cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def rendered(result):
    return [p.render() for p in result.problems.sorted()]


@pytest.mark.parametrize("name", ["catalogue.xlsx", "san-pham.csv"])
def test_export_then_import_changes_nothing(sample, tmp_path, name):
    before = snapshot(sample)
    target = tmp_path / name
    count = export_spreadsheet(sample, target).count
    assert count == (len(list(sample.glob("cooperatives/*.md"))) if name.endswith("xlsx") else 0) + len(
        list(sample.glob("products/*/*.md"))
    )
    result = import_spreadsheet(target, sample)
    assert rendered(result) == []
    assert result.changes == []
    assert result.unchanged == count
    assert snapshot(sample) == before


def test_export_uses_the_documented_headers(sample, tmp_path):
    export_spreadsheet(sample, tmp_path / "x.xlsx")
    workbook = load_workbook(tmp_path / "x.xlsx")
    assert workbook.sheetnames == ["Sản phẩm", "Hợp tác xã", "Hướng dẫn"]
    header = [c.value for c in workbook["Sản phẩm"][1]]
    assert header[:6] == ["Hợp tác xã", "Tên tệp", "Tên sản phẩm", "Mã sản phẩm", "Danh mục", "Giá"]
    assert header[-3:] == ["Ảnh 3", "Mô tả ảnh 3", "Mô tả"]
    row = {h: c.value for h, c in zip(header, workbook["Sản phẩm"][2], strict=False)}
    assert row["Hợp tác xã"] and row["Tên tệp"] and row["Giá"]
    assert workbook["Sản phẩm"]["F2"].number_format == "@"  # text, so Excel keeps 0912… and 450.000


def test_update_changes_only_the_edited_lines(tree, tmp_path):
    content = tree(minimal_tree(**{PRODUCT_PATH: PRODUCT_WITH_COMMENTS}))
    sheet = tmp_path / "sua.xlsx"
    export_spreadsheet(content, sheet)
    workbook = load_workbook(sheet)
    products = workbook["Sản phẩm"]
    header = [c.value for c in products[1]]
    products.cell(2, header.index("Giá") + 1, "520.000")
    products.cell(2, header.index("Đặt tối thiểu") + 1, "2 hộp")
    products.cell(2, header.index("Chứng nhận") + 1, "huu-co, chi-dan-dia-ly")
    products.cell(2, header.index("Mô tả ảnh 1") + 1, "Búp chè phủ lông tơ trắng")
    workbook.save(sheet)
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == []
    assert [c.path.name for c in result.changes] == ["che-shan-tuyet.md"]
    text = (content / PRODUCT_PATH).read_text(encoding="utf-8")
    assert text == (
        "---\n"
        "# Tên sản phẩm\n"
        "name: Chè Shan tuyết cổ thụ\n"
        "category: che\n"
        "price: 520000   # giá mùa xuân\n"
        "unit: hộp 200 g\n"
        "min_order: 2 hộp\n"
        "images:\n"
        "  - file: che.jpg\n"
        "    alt: Búp chè phủ lông tơ trắng\n"
        "certifications:\n"
        "  - type: huu-co\n"
        "    number: HC-0412/2025\n"
        "    issuer: Trung tâm Chứng nhận\n"
        "  - type: chi-dan-dia-ly\n"  # written in the canonical shape the CMS form reads
        "# các từ khoá để tìm kiếm\n"
        "tags: [chè, quà biếu]\n"
        "---\n"
        "Búp chè hái từ cây cổ thụ.\n"
        "\n"
        "**Cách pha:** nước 90 °C.\n"
    )
    again = tmp_path / "lai.xlsx"
    export_spreadsheet(content, again)
    expected = [c.value for c in products[2]]
    expected[header.index("Giá")] = "520000"  # the file holds the canonical form
    assert [c.value for c in load_workbook(again)["Sản phẩm"][2]] == expected


def test_empty_cell_keeps_and_dash_removes(tree, tmp_path):
    content = tree(minimal_tree(**{PRODUCT_PATH: PRODUCT_WITH_COMMENTS}))
    sheet = write_csv(
        tmp_path / "san-pham.csv",
        [
            ["Hợp tác xã", "Tên tệp", "Đơn vị", "Từ khoá", "Mô tả"],
            ["htx-che-na-hang", "che-shan-tuyet", "", "-", ""],
        ],
    )
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == []
    text = (content / PRODUCT_PATH).read_text(encoding="utf-8")
    assert "unit: hộp 200 g\n" in text and "tags:" not in text
    assert text.endswith("---\nBúp chè hái từ cây cổ thụ.\n\n**Cách pha:** nước 90 °C.\n")


def test_english_headers_create_a_new_product(tree, tmp_path):
    content = tree(minimal_tree())
    sheet = write_csv(
        tmp_path / "products.csv",
        [
            ["cooperative", "name", "category", "price", "unit", "image_1", "image_1_alt", "description"],
            [
                "htx-che-na-hang",
                "Hồng trà Nà Hang",
                "che",
                "380000",
                "hộp 100 g",
                "che.jpg",
                "Hồng trà",
                "Hồng trà lên men tự nhiên.\n\nPha nước sôi.",
            ],
        ],  # fmt: skip
    )
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == []
    path = content / "products/htx-che-na-hang/hong-tra-na-hang.md"
    assert [(c.path, c.created) for c in result.changes] == [(path, True)]
    text = path.read_text(encoding="utf-8")
    assert "\nprice: 380000\n" in text and "# Tên sản phẩm (bắt buộc)" in text
    assert text.endswith("---\nHồng trà lên men tự nhiên.\n\nPha nước sôi.\n")
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    assert [p.render() for p in prepared.problems.sorted()] == []
    assert len(prepared.catalogue.products) == 2


def test_cooperative_and_its_products_in_one_workbook(tree, tmp_path):
    content = tree(minimal_tree())
    workbook = Workbook()
    products = workbook.active
    products.title = "Sản phẩm"
    products.append(["Hợp tác xã", "Tên sản phẩm", "Danh mục", "Giá", "Ảnh 1"])
    products.append(["htx-mat-ong-dong-van", "Mật ong bạc hà", "mat-ong-nong-san-khac", 350000, "none"])
    coops = workbook.create_sheet("Hợp tác xã")
    coops.append(["Tên", "Loại hình", "Tỉnh", "Điện thoại", "Dân tộc"])
    coops.append(["Hợp tác xã Mật ong Đồng Văn", "Hợp tác xã", "Tuyên Quang", 912345678, "Mông, Dao"])
    workbook.save(tmp_path / "moi.xlsx")
    result = import_spreadsheet(tmp_path / "moi.xlsx", content)
    assert rendered(result) == []
    coop = (content / "cooperatives/htx-mat-ong-dong-van.md").read_text(encoding="utf-8")
    assert '  phone: "0912345678"\n' in coop  # Excel dropped the leading 0; quoted, it stays text
    assert "ethnic_groups:\n  - Mông\n  - Dao\n" in coop  # one item a line, as the CMS writes lists
    product = (content / "products/htx-mat-ong-dong-van/mat-ong-bac-ha.md").read_text(encoding="utf-8")
    assert "\nprice: 350000\n" in product and "\nimages: none\n" in product
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    assert [p.render() for p in prepared.problems.sorted()] == []


def bad_rows(tmp_path):
    return write_csv(
        tmp_path / "san-pham.csv",
        [
            ["Hợp tác xã", "Tên sản phẩm", "Danh mục", "Giá", "Ảnh 1"],
            ["htx-che-na-hang", "Chè xanh", "che", "120.000", "che.jpg"],
            ["htx-che-na-hang", "Chè vàng", "che", "4.5", "che.jpg"],
            ["htx-che-na-han", "Chè đen", "che", "90.000", "che.jpg"],
            ["htx-che-na-hang", "Chè búp", "mat ong nong san", "90.000", "che-bup.jpg"],
            ["htx-che-na-hang", "Chè móc câu", "che", "", "none"],
        ],
    )


EXPECTED_BAD = [
    "{csv}:3:4: lỗi: Giá: “4.5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, các chữ số viết "
    "liền. Ví dụ: 450000",
    "{csv}:4:1: lỗi: Hợp tác xã: chưa có hợp tác xã “htx-che-na-han” (content/cooperatives/htx-che-na-han.md); "
    "có phải “htx-che-na-hang”? Ví dụ: htx-che-na-hang",
    "{csv}:5:3: lỗi: Danh mục: không có danh mục “mat ong nong san” trong danh mục; có phải “mat-ong-nong-san-khac”? "
    "Ví dụ: che",
    "{csv}:5:5: lỗi: Ảnh 1: không tìm thấy tệp ảnh “che-bup.jpg” trong content/products/htx-che-na-hang/; hãy "
    "tải ảnh lên trước.",
    "{csv}:6:4: lỗi: Giá: thiếu trường bắt buộc `price` (Giá, số đồng tròn; hoặc lien-he). Ví dụ: price: 450000",
]


def test_every_bad_row_is_reported_and_nothing_is_written(tree, tmp_path, capsys):
    content = tree(minimal_tree())
    before = snapshot(content)
    sheet = bad_rows(tmp_path)
    assert cli_main(["import", str(sheet), "--content", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [line.format(csv=sheet.as_posix()) for line in EXPECTED_BAD] + [
        "5 lỗi; chưa ghi tệp nào. Sửa bảng tính rồi chạy lại (hoặc dùng --skip-invalid để ghi các dòng đúng)"
    ]
    assert snapshot(content) == before


def test_the_documented_error_report_is_the_real_one():
    doc = (ROOT / "docs/bang-tinh.md").read_text(encoding="utf-8")
    block = doc.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    assert block[:-1] == [line.format(csv="san-pham.csv") for line in EXPECTED_BAD]


def test_skip_invalid_writes_the_valid_rows_and_lists_the_rest(tree, tmp_path, capsys):
    content = tree(minimal_tree())
    sheet = bad_rows(tmp_path)
    assert cli_main(["import", str(sheet), "--content", str(content), "--skip-invalid"]) == 1
    out = capsys.readouterr().out.splitlines()
    written = content / "products/htx-che-na-hang/che-xanh.md"
    assert out[-3:] == [
        f"tạo: {written.as_posix()}",
        f"Bỏ qua các dòng lỗi: {sheet.as_posix()}:3, {sheet.as_posix()}:4, {sheet.as_posix()}:5, "
        f"{sheet.as_posix()}:6",
        "1 tệp mới, 0 tệp cập nhật, 0 dòng không đổi; đã ghi",
    ]
    assert written.is_file()
    assert sorted(p.name for p in (content / "products/htx-che-na-hang").glob("*.md")) == [
        "che-shan-tuyet.md",
        "che-xanh.md",
    ]


def test_unknown_and_repeated_headers(tree, tmp_path):
    content = tree(minimal_tree())
    sheet = write_csv(
        tmp_path / "san-pham.csv", [["Hợp tác xã", "Gía bán", "Giá", "price"], ["x", "1", "2", "3"]]
    )
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == [
        f"{sheet.as_posix()}:1:2: lỗi: Gía bán: không có cột “Gía bán” trong mẫu bảng tính; có phải “Giá”?",
        f"{sheet.as_posix()}:1:4: lỗi: price: cột “price” lặp lại cột “Giá”; chỉ giữ một.",
    ]


def test_same_value_written_differently_is_not_a_change(tree, tmp_path):
    content = tree(minimal_tree())
    sheet = write_csv(
        tmp_path / "san-pham.csv",
        [["Hợp tác xã", "Tên tệp", "Giá"], ["htx-che-na-hang", "che-shan-tuyet", "450000 đ"]],
    )
    result = import_spreadsheet(sheet, content)
    assert (rendered(result), result.changes, result.unchanged) == ([], [], 1)


def test_windows_1258_csv_semicolons_are_read_with_a_warning(tree, tmp_path):
    content = tree(minimal_tree())
    rows = [["Hợp tác xã", "Tên tệp", "Đơn vị"], ["htx-che-na-hang", "che-shan-tuyet", "gói 100 g"]]
    sheet = write_csv(tmp_path / "san-pham.csv", rows, encoding="cp1258", delimiter=";")
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == [
        f"{sheet.as_posix()}: cảnh báo: đã đọc tệp theo bảng mã Windows-1258; hãy kiểm tra dấu tiếng Việt trong "
        "kết quả (tốt nhất lưu bằng “CSV UTF-8”)."
    ]
    assert "\nunit: gói 100 g\n" in (content / PRODUCT_PATH).read_text(encoding="utf-8")


def test_cooperative_csv_export_and_update(tree, tmp_path):
    content = tree(minimal_tree())
    sheet = tmp_path / "hop-tac-xa.csv"
    assert export_spreadsheet(content, sheet, kind=COOPERATIVES).count == 1
    text = sheet.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == ",".join(c.vi for c in layout(COOPERATIVES))
    sheet.write_text(
        text.replace("0912 345 678,0912 345 678", "0912 345 678,0987 654 321"), encoding="utf-8-sig"
    )
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == []
    coop = (content / "cooperatives/htx-che-na-hang.md").read_text(encoding="utf-8")
    assert coop == COOP.replace("  zalo: 0912 345 678", "  zalo: 0987 654 321")


def test_template_spreadsheets_in_the_repository_match_the_layout():
    folder = ROOT / "docs/mau-bang-tinh"
    sheets = {s.name: s for s in read_sheets(folder / "mau-nhap-lieu.xlsx")}
    assert sheets["Sản phẩm"].header == [c.vi for c in layout(PRODUCTS)]
    assert sheets["Hợp tác xã"].header == [c.vi for c in layout(COOPERATIVES)]
    assert all(not any(cells) for _, cells in sheets["Sản phẩm"].rows)
    (csv_products,) = read_sheets(folder / "san-pham.csv")
    (csv_coops,) = read_sheets(folder / "hop-tac-xa.csv")
    assert csv_products.header == [c.vi for c in layout(PRODUCTS)]
    assert csv_coops.header == [c.vi for c in layout(COOPERATIVES)]


def test_photo_must_exist_for_the_imported_row(tree, tmp_path):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che-2.jpg": jpeg_bytes()}))
    sheet = write_csv(
        tmp_path / "san-pham.csv",
        [
            ["Hợp tác xã", "Tên tệp", "Ảnh 2", "Mô tả ảnh 2"],
            ["htx-che-na-hang", "che-shan-tuyet", "che-2.jpg", "Ấm chè"],
        ],
    )
    result = import_spreadsheet(sheet, content)
    assert rendered(result) == []
    text = (content / PRODUCT_PATH).read_text(encoding="utf-8")
    assert (
        "images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết\n  - file: che-2.jpg\n    alt: Ấm chè\n"
        in text
    )


def test_utf16_csv_from_a_spreadsheet_program_is_read(tree, tmp_path):
    content = tree(minimal_tree())
    sheet = tmp_path / "san-pham.csv"
    export_spreadsheet(content, sheet)
    sheet.write_bytes(sheet.read_text(encoding="utf-8-sig").replace(",", "\t").encode("utf-16"))
    result = import_spreadsheet(sheet, content)
    assert (rendered(result), result.changes, result.unchanged) == ([], [], 1)


TRANSLATED = PRODUCT_WITH_COMMENTS.replace(
    "---\nBúp chè",
    "translations:\n  en:\n    name: Ancient Shan Tuyết tea\n    story: |\n      Buds from old trees.\n\n"
    "      **How to brew:** water at 90 °C.\n---\nBúp chè",
)


def test_english_columns_round_trip_and_a_new_story_is_written_as_a_block(tree, tmp_path):
    content = tree(minimal_tree(**{PRODUCT_PATH: TRANSLATED}))
    sheet = tmp_path / "san-pham.csv"
    export_spreadsheet(content, sheet, kind=PRODUCTS)
    (exported,) = read_sheets(sheet)
    (row,) = [cells for _, cells in exported.rows]
    by_header = dict(zip(exported.header, row, strict=True))
    assert by_header["Tên tiếng Anh"] == "Ancient Shan Tuyết tea"
    assert by_header["Mô tả tiếng Anh"] == "Buds from old trees.\n\n**How to brew:** water at 90 °C."
    assert by_header["Đơn vị tiếng Anh"] == by_header["Tóm tắt tiếng Anh"] == ""
    assert rendered(import_spreadsheet(sheet, content)) == []
    assert (content / PRODUCT_PATH).read_text(encoding="utf-8") == TRANSLATED  # export → import: no change
    by_header.update(
        {
            "Đơn vị tiếng Anh": "200 g box",
            "Tóm tắt tiếng Anh": "Hand-rolled tea from old trees.",
            "Mô tả tiếng Anh": "Buds from century-old trees.\n\n## Brewing\nWater at 90 °C.",
        }
    )
    write_csv(sheet, [exported.header, [by_header[h] for h in exported.header]])
    assert rendered(import_spreadsheet(sheet, content)) == []
    text = (content / PRODUCT_PATH).read_text(encoding="utf-8")
    assert (
        "translations:\n  en:\n    name: Ancient Shan Tuyết tea\n    unit: 200 g box\n"
        "    summary: Hand-rolled tea from old trees.\n"
        "    story: |-\n      Buds from century-old trees.\n\n      ## Brewing\n      Water at 90 °C.\n---\n"
    ) in text
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    (product,) = prepared.catalogue.products
    assert (product.unit_en, product.summary_en) == ("200 g box", "Hand-rolled tea from old trees.")
    assert "<h3>Brewing</h3>" in product.body_html_en  # rendered as the body is: "#" is h2
