"""One content format that reads the same in every YAML parser (chophien/catalogue/canonical.py, `chophien fmt`)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PRODUCT, ROOT, minimal_tree, yamljs

from chophien.catalogue.canonical import (
    SCHEMA_OF,
    canonical_text,
    content_files,
    findings,
    value_writer,
    written,
)
from chophien.catalogue.schema import PRODUCT_FIELDS
from chophien.cli import main as cli_main
from chophien.formats.strictyaml import parse_front_matter, split_front_matter
from chophien.formats.yamlwrite import FrontMatterEditor, emit
from chophien.site.build import prepare

PRODUCT_PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"
YAMLJS = ROOT / "tests" / "yamljs"

HOSTILE = """\
---
name: Chè Shan tuyết cổ thụ
category: che
# giá bán lẻ
price: 450.000  # đã gồm hộp
unit: 1.5
images:
  - che.jpg
status: con-hang
season: 9-12
ocop:
  stars: 4
  year: 2023
certifications: [huu-co]
order:
  zalo: 0912345678
featured: yes
tags: [no, chè]
---
Búp chè hái từ cây cổ thụ.

price: 450.000 trong câu chuyện giữ nguyên.
"""


def _validate(tree, text):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": text}))
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    return content, [p.render() for p in prepared.problems.sorted()]


def test_validate_warns_for_every_value_standard_yaml_reads_otherwise(tree):
    _, lines = _validate(tree, HOSTILE)
    p = PRODUCT_PATH
    assert lines == [
        f"{p}:5:1: cảnh báo: price: trình đọc YAML chuẩn (CMS, GitHub, trình soạn thảo) hiểu “450.000” là số 450, "
        "còn Chợ phiên hiểu là số 450000; hãy ghi ở dạng chuẩn (`chophien fmt` sửa tự động). Ví dụ: price: 450000",
        f"{p}:6:1: cảnh báo: unit: trình đọc YAML chuẩn (CMS, GitHub, trình soạn thảo) hiểu “1.5” là số 1.5, "
        'còn Chợ phiên hiểu là chữ “1.5”; hãy ghi ở dạng chuẩn (`chophien fmt` sửa tự động). Ví dụ: unit: "1.5"',
        f"{p}:8:5: cảnh báo: images[1]: biểu mẫu CMS không hiện được ảnh chỉ ghi tên tệp; hãy ghi `- file: che.jpg` "
        "(`chophien fmt` sửa tự động). Ví dụ: images:\\n  - file: che.jpg",
        f"{p}:10:1: cảnh báo: season: biểu mẫu CMS chỉ hiện mùa vụ ghi thành danh sách tháng; hãy ghi `[9, 10, 11, 12]` "
        "(`chophien fmt` sửa tự động). Ví dụ: season:\\n  - 9\\n  - 10\\n  - 11\\n  - 12",
        f"{p}:14:18: cảnh báo: certifications[1]: biểu mẫu CMS không đọc được chứng nhận chỉ ghi tên (điền nhầm tên "
        "vào ô số giấy, không lưu được); hãy ghi `- type: huu-co` (`chophien fmt` sửa tự động). "
        "Ví dụ: certifications:\\n  - type: huu-co",
        f"{p}:16:3: cảnh báo: order.zalo: trình đọc YAML chuẩn (CMS, GitHub, trình soạn thảo) hiểu “0912345678” là "
        "số 912345678, còn Chợ phiên hiểu là chữ “0912345678”; hãy ghi ở dạng chuẩn (`chophien fmt` sửa tự động). "
        'Ví dụ: zalo: "0912345678"',
        f"{p}:17:1: cảnh báo: featured: trình đọc YAML chuẩn (CMS, GitHub, trình soạn thảo) hiểu “yes” là chữ “yes”, "
        "còn Chợ phiên hiểu là có (true); hãy ghi ở dạng chuẩn (`chophien fmt` sửa tự động). Ví dụ: featured: true",
        f"{p}:18:8: cảnh báo: tags[1]: trình đọc YAML 1.1 (PyYAML, Jekyll) hiểu “no” là không (false), còn Chợ phiên "
        'hiểu là chữ “no”; hãy ghi ở dạng chuẩn (`chophien fmt` sửa tự động). Ví dụ: tags:\\n  - "no"\\n  - chè',
    ]


def test_canonical_values_and_quoted_values_get_no_warning(tree):
    text = PRODUCT.replace("price: 450.000", "price: 450000").replace(
        "unit: hộp 200 g", 'unit: "1.5"\nseason: [9, 10]\nfeatured: true\norder:\n  zalo: "0912345678"'
    )
    _, lines = _validate(tree, text)
    assert lines == []
    _, lines = _validate(tree, PRODUCT.replace("price: 450.000", 'price: "450.000 ₫"'))
    assert lines == []


def test_fmt_rewrites_only_those_values_keeping_comments_and_story(tree):
    content, _ = _validate(tree, HOSTILE)
    path = content / "products/htx-che-na-hang/che-shan-tuyet.md"
    assert cli_main(["fmt", str(content), "--check"]) == 1
    assert path.read_text(encoding="utf-8") == HOSTILE  # --check writes nothing
    assert cli_main(["fmt", str(content)]) == 0
    assert path.read_text(encoding="utf-8") == HOSTILE.replace(
        "price: 450.000  # đã gồm hộp", "price: 450000  # đã gồm hộp"
    ).replace("unit: 1.5", 'unit: "1.5"').replace("  - che.jpg", "  - file: che.jpg").replace(
        "season: 9-12", "season:\n  - 9\n  - 10\n  - 11\n  - 12"
    ).replace("certifications: [huu-co]", "certifications:\n  - type: huu-co").replace(
        "zalo: 0912345678", 'zalo: "0912345678"'
    ).replace("featured: yes", "featured: true").replace("tags: [no, chè]", 'tags:\n  - "no"\n  - chè')
    _, lines = _validate(tree, path.read_text(encoding="utf-8"))
    assert lines == []
    assert canonical_text(path.read_text(encoding="utf-8"), "product")[1] == 0


def test_fmt_leaves_a_file_with_errors_alone(tree, capsys):
    broken = HOSTILE.replace("category: che", "category: khong-co")
    content, _ = _validate(tree, broken)
    path = content / "products/htx-che-na-hang/che-shan-tuyet.md"
    assert cli_main(["fmt", str(content)]) == 1
    assert path.read_text(encoding="utf-8") == broken
    err = capsys.readouterr().err
    assert f"bỏ qua {path.as_posix()}: có lỗi, sửa trước (dòng 3: không có danh mục “khong-co”" in err


def test_canonical_text_reads_back_the_same_for_every_sample_file():
    """The sample content is migrated: nothing left to rewrite, and rewriting is idempotent."""
    paths = sorted((ROOT / "content/products").glob("*/*.md"))
    assert len(paths) > 50  # the sample's products, not an empty glob
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert findings(PRODUCT_FIELDS, parse_front_matter(text.encode())) == [], path
        assert canonical_text(text, "product") == (text, 0)


@pytest.mark.parametrize(
    ("name", "raw", "canonical"),
    [
        ("price", "450.000", ["price: 450000"]),
        ("price", "450.000 ₫", ["price: 450000"]),
        ("price", "lien-he", ["price: lien-he"]),
        ("featured", "có", ["featured: true"]),
        ("season", "11-2", ["season:", "  - 11", "  - 12", "  - 1", "  - 2"]),
        ("season", ["3", "4"], ["season:", "  - 3", "  - 4"]),
        ("unit", "yes", ['unit: "yes"']),
        ("unit", "2023-11-15", ['unit: "2023-11-15"']),
        ("tags", "chè", ["tags:", "  - chè"]),
        ("certifications", ["huu-co"], ["certifications:", "  - type: huu-co"]),
        ("images", ["a.jpg"], ["images:", "  - file: a.jpg"]),
        ("ocop", {"stars": "4", "year": "2023"}, ["ocop:", "  stars: 4", "  year: 2023"]),
        ("order", {"zalo": "0912345678"}, ["order:", '  zalo: "0912345678"']),
    ],
)
def test_written_is_the_canonical_form(name, raw, canonical):
    spec = next(f for f in PRODUCT_FIELDS if f.name == name)
    assert emit(name, written(spec, raw)) == canonical


def test_an_editor_given_the_schema_writes_canonical_values():
    editor = FrontMatterEditor(PRODUCT, {(): [f.name for f in PRODUCT_FIELDS]}, value_writer(PRODUCT_FIELDS))
    editor.set(("price",), "500.000")
    editor.set(("featured",), "yes")
    editor.set(("order", "zalo"), "0987654321")
    text = editor.text()
    assert "price: 500000\n" in text and "featured: true\n" in text and '  zalo: "0987654321"\n' in text
    assert findings(PRODUCT_FIELDS, parse_front_matter(text.encode())) == []


def test_sample_migration_is_complete(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    assert cli_main(["fmt", str(content), "--check"]) == 0
    assert not any(Path(content).glob("**/.tmp-*"))


def test_what_a_form_saves_for_an_empty_group_is_harmless_and_fmt_removes_it(tree):
    junk = PRODUCT.replace("price: 450000", "price: 450000\nocop:\n  stars: ''\n  year: ''").replace(
        "unit: hộp 200 g", 'unit: hộp 200 g\norder:\n  phone: ""\ntags: []\nshelf_life: ""'
    )
    content, lines = _validate(tree, junk)
    assert lines == []
    path = content / "products/htx-che-na-hang/che-shan-tuyet.md"
    assert cli_main(["fmt", str(content)]) == 0
    assert path.read_text(encoding="utf-8") == PRODUCT


def _decap_round_trip(texts: list[tuple[str, str]]) -> list[str]:
    """Each (text, kind) opened and saved unchanged by Decap's own YAML code (tests/yamljs/roundtrip.mjs)."""
    yamljs()
    items = []
    for text, kind in texts:
        front, _, _ = split_front_matter(text)
        items.append({"front": front, "keys": [f.name for f in SCHEMA_OF[kind]]})
    result = subprocess.run(
        ["node", str(YAMLJS / "roundtrip.mjs")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        "---\n" + saved + "---\n" + split_front_matter(text)[1]
        for (text, _), saved in zip(texts, json.loads(result.stdout), strict=True)
    ]


def test_every_sample_entry_saved_unchanged_through_the_cms_yaml_code_stays_byte_identical():
    texts = [(path.read_text(encoding="utf-8"), kind) for path, kind in content_files(ROOT / "content")]
    saved = _decap_round_trip(texts)
    assert [t for (t, _), s in zip(texts, saved, strict=True) if t != s] == []
    assert len(texts) == 99


def test_the_old_form_loses_data_through_the_cms_yaml_code(tree):
    saved = _decap_round_trip([(HOSTILE, "product")])[0]
    assert "price: 450\n" in saved and "  zalo: 912345678\n" in saved  # the losses issue 18 found
    # Decap keeps no comments (it rewrites the whole front matter): those are lost on any CMS save.
    fixed, _ = canonical_text(HOSTILE.replace("# giá bán lẻ\n", "").replace("  # đã gồm hộp", ""), "product")
    # Decap's YAML 1.2 writer drops quotes that only YAML 1.1 needs (`"no"`): the one thing a CMS save undoes.
    assert _decap_round_trip([(fixed, "product")])[0] == fixed.replace('  - "no"', "  - no")
