import codecs

import pytest

from chophien.formats.strictyaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    YamlProblem,
    parse_front_matter,
    parse_yaml_file,
)


def parse(text: str):
    return parse_front_matter(text.encode("utf-8"))


def problem(text: str | bytes) -> YamlProblem:
    with pytest.raises(YamlProblem) as error:
        parse_front_matter(text if isinstance(text, bytes) else text.encode("utf-8"))
    return error.value


def test_every_value_stays_a_string():
    doc = parse("---\nphone: 0312345670\nprice: 120.000\nok: no\ntime: 12:30\nday: 2024-01-02\nn: 1e3\n---\n")
    assert doc.data == {
        "phone": "0312345670",
        "price": "120.000",
        "ok": "no",
        "time": "12:30",
        "day": "2024-01-02",
        "n": "1e3",
    }


def test_positions_of_keys_and_list_items():
    doc = parse(
        "---\nname: A\ncontact:\n  phone: 0912345678\nimages:\n  - file: a.jpg\n  - b.jpg\n---\nBody\n"
    )
    assert doc.where(("name",)) == (2, 1)
    assert doc.where(("contact", "phone")) == (4, 3)
    assert doc.where(("images", 1)) == (7, 5)
    assert doc.where(("images", 0, "file")) == (6, 5)
    assert doc.where(("contact", "zalo")) == (3, 1)  # falls back to the nearest parent
    assert doc.body == "Body\n"
    assert doc.body_line == 9


def test_duplicate_key_is_an_error_naming_both_lines():
    error = problem("---\nname: A\nprice: 1\nname: B\n---\n")
    assert (error.line, error.column) == (4, 1)
    assert error.vi == "trường `name` bị lặp (đã có ở dòng 2); chỉ giữ một"


def test_anchor_and_alias_are_errors():
    error = problem("---\na: &x 1\nb: *x\n---\n")
    assert error.line == 2
    assert "neo/bí danh" in error.vi


def test_alias_bomb_is_refused_before_expansion():
    bomb = "---\na: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n---\n"
    assert "neo/bí danh" in problem(bomb).vi


@pytest.mark.parametrize("tagged", ["a: !!int 1", "a: !!python/object:os.system x", "a: !custom x"])
def test_tags_are_errors(tagged):
    assert "không dùng thẻ kiểu YAML" in problem(f"---\n{tagged}\n---\n").vi


def test_tab_indentation_is_explained():
    error = problem("---\ncontact:\n\tphone: 1\n---\n")
    assert error.vi == "có ký tự Tab; YAML chỉ cho phép thụt đầu dòng bằng dấu cách"
    assert error.line == 3


def test_unquoted_colon_is_explained():
    error = problem("---\naddress: Thôn 3: xã Nà Hang\n---\n")
    assert error.vi.startswith("có dấu hai chấm `:` trong giá trị")
    assert error.example == 'address: "Thôn 3: xã Nà Hang"'


def test_missing_front_matter_markers():
    assert problem("name: A\n").vi.startswith("tệp phải bắt đầu bằng dòng `---`")
    assert problem("---\nname: A\n").vi == "thiếu dòng `---` đóng phần thông tin ở đầu tệp"


def test_bom_crlf_and_nfd_are_accepted_and_normalised():
    nfd = "Che\u0300 Shan tuye\u0302\u0301t"
    raw = codecs.BOM_UTF8 + f"---\r\nname: {nfd}\r\n---\r\nBody\r\n".encode()
    doc = parse_front_matter(raw)
    assert doc.data["name"] == "Chè Shan tuyết"
    assert doc.body == "Body\n"


def test_non_utf8_is_reported():
    error = problem("---\nname: Chè\n---\n".encode("cp1258"))
    assert "không phải UTF-8" in error.vi


def test_a_utf8_byte_order_mark_before_bytes_that_are_not_utf8_is_reported():
    error = problem(codecs.BOM_UTF8 + b"\x80")
    assert (error.line, error.vi) == (1, "tệp không phải UTF-8 (dòng 1); hãy lưu lại với mã hoá UTF-8")
    error = problem(codecs.BOM_UTF8 + "---\nname: Chè\n---\n".encode("cp1258"))
    assert (error.line, error.vi) == (
        2,
        "tệp được lưu bằng bảng mã cũ Windows-1258 (dòng 2), không phải UTF-8; hãy mở tệp, "
        "chọn “Lưu thành” (Save as) và chọn mã hoá UTF-8",
    )


@pytest.mark.parametrize(
    "nested, line, column",
    [
        ("k: " + "{a: " * 999 + "x" + "}" * 999, 1, 84),  # libyaml allows 1,000 levels: was a RecursionError
        ("k: " + "[" * 999 + "x" + "]" * 999, 1, 24),
        ("\n".join(" " * i + "a:" for i in range(MAX_DEPTH + 1)) + " x", 21, 24),
    ],
)
def test_deep_nesting_is_a_problem_not_a_recursion_error(nested, line, column):
    error = problem(f"---\n{nested}\n---\n")
    assert (error.line, error.column) == (line + 1, column)
    assert error.vi == "lồng nhau quá sâu (hơn 20 mức); các trường chỉ lồng vài mức"
    assert error.en == "nested too deeply (more than 20 levels); fields nest only a few levels"
    with pytest.raises(YamlProblem) as in_yaml_file:
        parse_yaml_file(nested.encode())
    assert (in_yaml_file.value.line, in_yaml_file.value.vi) == (line, error.vi)


def test_twenty_levels_are_read():
    nested = "\n".join(" " * i + "a:" for i in range(MAX_DEPTH)) + " x"
    data = parse(f"---\n{nested}\n---\n").data
    for _ in range(MAX_DEPTH - 1):
        data = data["a"]
    assert data == {"a": "x"}


def test_size_limit():
    error = problem(b"---\nname: a\n---\n" + b"x" * MAX_FILE_BYTES)
    assert error.vi.startswith("tệp quá lớn")


def test_front_matter_must_be_a_mapping():
    assert problem("---\n- a\n- b\n---\n").vi == "phần thông tin đầu tệp phải là các dòng `trường: giá trị`"
