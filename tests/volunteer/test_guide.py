"""The contributor guide's field reference and error example are generated, and never drift."""

import shutil

import pytest
from conftest import ROOT

from chophien import reference
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, CheckContext, Field, check_mapping
from chophien.cli import main as cli_main
from chophien.core.problems import ProblemList
from chophien.formats.strictyaml import parse_front_matter
from chophien.volunteer.guide import (
    GUIDES,
    TARGETS,
    error_example_output,
    field_reference,
    full_example,
    sync_guides,
)


def dotted(fields: tuple[Field, ...], prefix: str = "") -> list[str]:
    names = []
    for spec in fields:
        if spec.type == "mapping":
            names.append(prefix + spec.name)
            names.extend(dotted(spec.fields, prefix + spec.name + "."))
        else:
            names.append(prefix + spec.name)
    return names


def test_guides_in_the_repository_are_up_to_date(capsys):
    assert sync_guides(ROOT, check=True) == []
    assert cli_main(["docs", "--check", "--root", str(ROOT)]) == 0


def test_check_fails_when_a_guide_drifts(tmp_path, capsys):
    for name in TARGETS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    page = tmp_path / GUIDES[1]
    page.write_text(
        page.read_text(encoding="utf-8").replace("`price` — **bắt buộc**", "`price`"), encoding="utf-8"
    )
    guide = tmp_path / GUIDES[0]
    guide.write_text(
        guide.read_text(encoding="utf-8").replace("<!-- BEGIN: error example -->", ""), encoding="utf-8"
    )
    assert cli_main(["docs", "--check", "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "docs/huong-dan-dong-gop.md (thiếu <!-- BEGIN: error example -->): phần sinh từ schema đã cũ; "
        "chạy `chophien docs` để cập nhật",
        "content/pages/dong-gop-noi-dung.md: phần sinh từ schema đã cũ; chạy `chophien docs` để cập nhật",
    ]
    assert cli_main(["docs", "--root", str(tmp_path)]) == 0
    assert sync_guides(tmp_path, check=True) == [
        "docs/huong-dan-dong-gop.md (thiếu <!-- BEGIN: error example -->)"
    ]
    assert (tmp_path / GUIDES[1]).read_text(encoding="utf-8") == (ROOT / GUIDES[1]).read_text(
        encoding="utf-8"
    )


def test_every_field_and_every_reference_choice_is_documented():
    text = field_reference()
    for name in dotted(COOPERATIVE_FIELDS) + dotted(PRODUCT_FIELDS):
        assert f"`{name}`" in text, name
    for spec in PRODUCT_FIELDS:
        if spec.required:
            assert f"- `{spec.name}` — **bắt buộc**: {spec.help_vi}" in text
    for category in reference.categories():
        assert f"- `{category.slug}` — {category.name}" in text
    for name in [p.name for p in reference.provinces()] + [g.name for g in reference.ethnic_groups()]:
        assert name in text


@pytest.mark.parametrize("fields", [COOPERATIVE_FIELDS, PRODUCT_FIELDS], ids=["cooperative", "product"])
def test_full_examples_in_the_guide_pass_the_schema(fields):
    doc = parse_front_matter(f"---\n{full_example(fields)}\n---\n".encode())
    assert set(doc.data) == {spec.name for spec in fields}
    problems = ProblemList()
    check_mapping(fields, doc.data, (), CheckContext("x.md", doc, problems))
    assert [p.render() for p in problems.sorted()] == []


def test_error_example_is_real_validator_output():
    output = error_example_output()
    assert output.splitlines()[-1] == "4 lỗi trong 1 tệp (1 cảnh báo, đã kiểm tra 2 tệp)"
    assert (
        "content/products/htx-mat-ong-meo-vac/mat-ong-bac-ha.md:4:1: lỗi: price: “4.5” không rõ là bao nhiêu đồng: "
        "giá phải là số đồng tròn, các chữ số viết liền. Ví dụ: 450000"
    ) in output.splitlines()
    for name in GUIDES:
        assert output in (ROOT / name).read_text(encoding="utf-8")


def test_spreadsheet_layout_doc_lists_every_column():
    from chophien.volunteer.spreadsheet.layout import COOPERATIVES, PRODUCTS, layout

    text = (ROOT / "docs/bang-tinh.md").read_text(encoding="utf-8")
    for kind in (PRODUCTS, COOPERATIVES):
        for column in layout(kind, 1):
            assert f"| {column.vi} | `{column.en}` |" in text


def test_site_page_keeps_its_own_introduction():
    page = (ROOT / "content/pages/dong-gop-noi-dung.md").read_text(encoding="utf-8")
    assert page.startswith("---\nTitle: Đóng góp nội dung\nSlug: dong-gop-noi-dung\n---\nCảm ơn bạn muốn giúp")
    assert "## Ảnh\n" in page and "## Gửi lên\n" in page
