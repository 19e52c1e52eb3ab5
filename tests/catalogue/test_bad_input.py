"""Input as volunteers' phones and office software produce it: each case accepted after
normalisation or reported with a plain Vietnamese explanation and the fix."""

import codecs
import unicodedata

import pytest
from conftest import COOP, PRODUCT, cp1258, minimal_tree

from chophien.formats.normalise import repair_line
from chophien.formats.strictyaml import YamlProblem, parse_front_matter
from chophien.site.build import prepare

PRODUCT_PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


def check(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    return [p.render() for p in prepared.problems.sorted()], prepared


def with_product(data):
    return minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": data})


def product(prepared):
    return prepared.catalogue.products[0]


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_read_with_a_warning_to_resave(tree, codec):
    lines, prepared = check(tree, with_product(PRODUCT.encode(codec)))
    assert product(prepared).name == "Chè Shan tuyết cổ thụ"
    assert lines == [
        f"{PRODUCT_PATH}:1: cảnh báo: tệp được lưu bằng mã hoá UTF-16; đã đọc được, nhưng GitHub không hiện "
        "được nội dung khi duyệt. Hãy lưu lại bằng UTF-8."
    ]


def test_windows_1258_is_explained_with_the_fix(tree):
    lines, prepared = check(tree, with_product(cp1258(PRODUCT)))
    assert prepared.catalogue.products == []
    assert lines == [
        f"{PRODUCT_PATH}:2: lỗi: tệp được lưu bằng bảng mã cũ Windows-1258 (dòng 2), không phải UTF-8; "
        "hãy mở tệp, chọn “Lưu thành” (Save as) và chọn mã hoá UTF-8."
    ]


def test_other_non_utf8_bytes_are_reported(tree):
    lines, _ = check(tree, with_product(b"---\nname: \xff\xfe\xfd abc\n---\n"))
    assert lines == [f"{PRODUCT_PATH}:2: lỗi: tệp không phải UTF-8 (dòng 2); hãy lưu lại với mã hoá UTF-8."]


def test_bom_and_crlf_are_accepted(tree):
    raw = codecs.BOM_UTF8 + PRODUCT.replace("\n", "\r\n").encode("utf-8")
    lines, prepared = check(tree, with_product(raw))
    assert lines == []
    assert product(prepared).unit == "hộp 200 g"


# --- characters inside the YAML ---------------------------------------------------------------


def test_tab_indentation_is_explained_with_the_line(tree):
    lines, _ = check(tree, with_product(PRODUCT.replace("  - file: che.jpg", "\t- file: che.jpg")))
    assert lines == [
        f"{PRODUCT_PATH}:7:1: lỗi: có ký tự Tab; YAML chỉ cho phép thụt đầu dòng bằng dấu cách. "
        "Ví dụ:   phone: 0912 345 678"
    ]


def test_tab_after_the_colon_is_read_as_a_space(tree):
    lines, prepared = check(tree, with_product(PRODUCT.replace("unit: hộp 200 g", "unit:\thộp\t200 g")))
    assert lines == []
    assert product(prepared).unit == "hộp 200 g"


def test_smart_quotes_around_keys_and_values_are_read_as_quotes(tree):
    text = PRODUCT.replace("name: Chè Shan tuyết cổ thụ", "“name”: “Chè Shan tuyết: cổ thụ”").replace(
        "unit: hộp 200 g", "unit: ‘hộp 200 g’"
    )
    lines, prepared = check(tree, with_product(text))
    assert lines == []
    assert product(prepared).name == "Chè Shan tuyết: cổ thụ"
    assert product(prepared).unit == "hộp 200 g"


def test_smart_quotes_inside_a_value_are_kept():
    doc = parse_front_matter("---\nname: Chè “tuyết” cổ thụ\nalt: “Mèo” Vạc và H’Mông\n---\n".encode())
    assert doc.data == {"name": "Chè “tuyết” cổ thụ", "alt": "“Mèo” Vạc và H’Mông"}


def test_full_width_colon_after_a_key_is_read_as_a_colon(tree):
    lines, prepared = check(tree, with_product(PRODUCT.replace("unit: hộp 200 g", "unit：hộp 200 g")))
    assert lines == []
    assert product(prepared).unit == "hộp 200 g"


def test_repairs_keep_columns_for_messages():
    assert repair_line("“price”: 4.5") == '"price": 4.5'
    assert repair_line('  - “Chè \\ "a"”') == '  - "Chè \\\\ \\"a\\""'
    assert repair_line("# “comment”: x") == "# “comment”: x"


def test_nfd_text_is_normalised(tree):
    nfd = unicodedata.normalize("NFD", PRODUCT)
    assert nfd != PRODUCT
    lines, prepared = check(tree, with_product(nfd))
    assert lines == []
    assert product(prepared).name == "Chè Shan tuyết cổ thụ"
    assert unicodedata.is_normalized("NFC", product(prepared).name)


def test_nfd_file_name_gets_the_ascii_name_to_use(tree):
    name = unicodedata.normalize("NFD", "products/htx-che-na-hang/chè.md")
    files = minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": None, name: PRODUCT})
    lines, _ = check(tree, files)
    assert lines == [
        "content/products/htx-che-na-hang/chè.md: lỗi: tên tệp “chè” phải là chữ thường không dấu, số và "
        "dấu gạch ngang; hãy đổi thành “che.md”. Ví dụ: che.md"
    ]


# --- file names with invisible spaces -------------------------------------------------------------


def test_trailing_space_after_md_is_reported_not_skipped(tree):
    files = minimal_tree(
        **{
            "products/htx-che-na-hang/che-shan-tuyet.md": None,
            "products/htx-che-na-hang/che-shan-tuyet.md ": PRODUCT,
        }
    )
    lines, prepared = check(tree, files)
    assert lines == [
        "content/products/htx-che-na-hang/che-shan-tuyet.md : lỗi: tên “che-shan-tuyet.md ” có dấu cách thừa "
        "ở đầu hoặc cuối (khó nhìn thấy); hãy đổi tên thành “che-shan-tuyet.md”. Ví dụ: che-shan-tuyet.md"
    ]
    assert prepared.files_checked == 2


def test_space_before_md_is_reported(tree):
    files = minimal_tree(
        **{"cooperatives/htx-che-na-hang.md": None, "cooperatives/htx-che-na-hang .md": COOP}
    )
    lines, _ = check(tree, files)
    assert lines[0] == (
        "content/cooperatives/htx-che-na-hang .md: lỗi: tên “htx-che-na-hang .md” có dấu cách thừa ở đầu hoặc "
        "cuối (khó nhìn thấy); hãy đổi tên thành “htx-che-na-hang.md”. Ví dụ: htx-che-na-hang.md"
    )


def test_trailing_space_in_a_photo_name_is_reported(tree):
    files = minimal_tree(
        **{"products/htx-che-na-hang/che.jpg": None, "products/htx-che-na-hang/che.jpg ": b"not read here"}
    )
    lines, _ = check(tree, files)
    assert lines == [
        f"{PRODUCT_PATH}:7:5: lỗi: images[1]: tên “che.jpg ” có dấu cách thừa ở đầu hoặc cuối (khó nhìn thấy); "
        "hãy đổi tên thành “che.jpg”. Ví dụ: che.jpg"
    ]


def test_parser_problem_keeps_line_after_repairs():
    with pytest.raises(YamlProblem) as error:
        parse_front_matter("---\n“name”: a\nprice: Thôn 3: xã\n---\n".encode())
    assert (error.value.line, error.value.vi) == (
        3,
        "có dấu hai chấm `:` trong giá trị; hãy đặt cả giá trị trong dấu nháy kép",
    )
