"""The generated parts of the Vietnamese contributor guide: field reference and a real error report.

`chophien docs` rewrites the sections between `<!-- BEGIN: … -->` and `<!-- END: … -->` in
docs/huong-dan-dong-gop.md, content/pages/dong-gop-noi-dung.md and docs/bang-tinh.md from
chophien/catalogue/schema.py, the reference data, the spreadsheet layout and a run of the validator
on a small broken tree; `--check` (and
tests/volunteer/test_guide.py) fails when a file has drifted, so the guide never lies about a field.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from chophien import reference
from chophien.catalogue.model import KINDS, STATUSES
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, Field
from chophien.core.problems import render_human
from chophien.site.build import prepare
from chophien.volunteer.scaffold import commented_example
from chophien.volunteer.spreadsheet.column_guide import layout_markdown
from chophien.volunteer.spreadsheet.layout import COOPERATIVES, PRODUCTS

GUIDES = ("docs/huong-dan-dong-gop.md", "content/pages/dong-gop-noi-dung.md")
SPREADSHEET_DOC = "docs/bang-tinh.md"
FIELD_REFERENCE = "field reference"
ERROR_EXAMPLE = "error example"
PRODUCT_LAYOUT = "product columns"
COOPERATIVE_LAYOUT = "cooperative columns"


def _example(spec: Field) -> str:
    if "\n" in spec.example or (spec.type == "mapping" and spec.fields):
        return " Ví dụ: xem mẫu đầy đủ bên dưới."
    return f" Ví dụ: `{spec.example}`"


def _choices(spec: Field) -> str:
    labels = {"kind": KINDS, "status": STATUSES}.get(spec.name)
    if labels:
        return " Các giá trị: " + "; ".join(f"`{slug}` ({vi})" for slug, (vi, _en) in labels.items()) + "."
    see = {
        "province": "danh sách tỉnh",
        "ethnic_group": "danh sách dân tộc",
        "category": "danh sách danh mục",
        "certification": "danh sách chứng nhận",
        "platform": "danh sách sàn",
    }
    kind = spec.item.type if spec.item is not None and spec.item.type in see else spec.type
    return f" Xem {see[kind]} bên dưới." if kind in see else ""


def _field_lines(fields: tuple[Field, ...], prefix: str = "", depth: int = 0) -> list[str]:
    pad = "    " * depth
    lines = []
    for spec in fields:
        name = prefix + spec.name
        needed = " — **bắt buộc**" if spec.required else ""
        help_text = spec.help_vi.rstrip(".")
        lines.append(f"{pad}- `{name}`{needed}: {help_text}.{_choices(spec)}{_example(spec)}")
        children = spec.fields if spec.type == "mapping" else ()
        if spec.item is not None and spec.item.fields and spec.item.type in ("image", "mapping"):
            lines.append(f"{pad}    - mỗi mục gồm:")
            lines.extend(_field_lines(spec.item.fields, "", depth + 2))
        elif spec.item is not None and spec.item.fields:
            lines.append(f"{pad}    - mỗi mục là một tên, hoặc gồm:")
            lines.extend(_field_lines(spec.item.fields, "", depth + 2))
        elif children:
            lines.extend(_field_lines(children, name + ".", depth + 1))
    return lines


def full_example(fields: tuple[Field, ...]) -> str:
    """Front matter with every field set to its schema example."""
    lines = []
    for spec in fields:
        for line in commented_example(spec, ""):
            lines.append((line[2:] if line.startswith("# ") else line).rstrip())
    return "\n".join(lines)


def _names(items) -> str:
    return ", ".join(item.name for item in items)


def field_reference() -> str:
    """The field reference in Vietnamese, in Markdown."""
    parts = [
        "### Hợp tác xã — `content/cooperatives/<ten-tep>.md`",
        "",
        *_field_lines(COOPERATIVE_FIELDS),
        "",
        "Mẫu đầy đủ một hợp tác xã (mỗi trường một ví dụ):",
        "",
        "```yaml",
        "---",
        full_example(COOPERATIVE_FIELDS),
        "---",
        "Câu chuyện của hợp tác xã…",
        "```",
        "",
        "### Sản phẩm — `content/products/<hop-tac-xa>/<ten-tep>.md`",
        "",
        *_field_lines(PRODUCT_FIELDS),
        "",
        "Mẫu đầy đủ một sản phẩm (mỗi trường một ví dụ):",
        "",
        "```yaml",
        "---",
        full_example(PRODUCT_FIELDS),
        "---",
        "Mô tả sản phẩm…",
        "```",
        "",
        "### Danh sách dùng chung",
        "",
        f"**Danh sách tỉnh** (34 đơn vị sau sắp xếp năm 2025; tên tỉnh cũ vẫn được nhận, kèm cảnh báo): "
        f"{_names(reference.provinces())}.",
        "",
        f"**Danh sách dân tộc** (54 dân tộc): {_names(reference.ethnic_groups())}.",
        "",
        "**Danh sách danh mục** (ghi mã hoặc tên):",
        "",
        *[f"- `{c.slug}` — {c.name}" for c in reference.categories()],
        "",
        "**Danh sách chứng nhận**: "
        + "; ".join(f"`{c.slug}` ({c.name})" for c in reference.certifications())
        + ".",
        "",
        "**Danh sách sàn** (hoặc tên sàn khác, kèm địa chỉ https): "
        + ", ".join(f"`{m.slug}`" for m in reference.marketplaces())
        + ".",
    ]
    return "\n".join(parts)


BROKEN_TREE = {
    "cooperatives/htx-mat-ong-meo-vac.md": (
        "---\n"
        "name: Hợp tác xã Mật ong Mèo Vạc\n"
        "kind: hop-tac-xa\n"
        "province: Hà Giang\n"
        "contact:\n"
        "  phone: 0912 345 678\n"
        "---\n"
        "Hợp tác xã nuôi ong bạc hà trên cao nguyên đá.\n"
    ),
    "products/htx-mat-ong-meo-vac/mat-ong-bac-ha.md": (
        "---\n"
        "name: Mật ong bạc hà\n"
        "categry: mat ong\n"
        "price: 4.5\n"
        "unit: chai 500 ml\n"
        "images:\n"
        "  - file: mat-ong.jpg\n"
        "---\n"
        "Mật ong hoa bạc hà, thu hoạch tháng 11.\n"
    ),
}


def error_example_output(tree: dict[str, str] = BROKEN_TREE) -> str:
    """What `chophien validate` prints for BROKEN_TREE (run for real, paths as a volunteer sees them)."""
    with tempfile.TemporaryDirectory() as temporary:
        content = Path(temporary) / "content"
        for name, text in tree.items():
            path = content / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        prepared = prepare(content, Path(temporary) / ".cache", with_images=False)
        return render_human(prepared.problems, "vi", prepared.files_checked)


def error_example() -> str:
    product = BROKEN_TREE["products/htx-mat-ong-meo-vac/mat-ong-bac-ha.md"]
    return "\n".join(
        [
            "Ví dụ: tệp sản phẩm này có ba chỗ sai (tên trường `categry` viết nhầm, giá `4.5` không rõ, "
            "ảnh `mat-ong.jpg` chưa tải lên), còn tệp hợp tác xã của nó ghi tên tỉnh cũ `Hà Giang`:",
            "",
            "```yaml",
            product.rstrip("\n"),
            "```",
            "",
            "`chophien validate` báo (đây là kết quả chạy thật, sinh tự động):",
            "",
            "```text",
            error_example_output(),
            "```",
        ]
    )


SECTIONS = {
    FIELD_REFERENCE: field_reference,
    ERROR_EXAMPLE: error_example,
    PRODUCT_LAYOUT: lambda: layout_markdown(PRODUCTS),
    COOPERATIVE_LAYOUT: lambda: layout_markdown(COOPERATIVES),
}
TARGETS = {
    GUIDES[0]: (FIELD_REFERENCE, ERROR_EXAMPLE),
    GUIDES[1]: (FIELD_REFERENCE, ERROR_EXAMPLE),
    SPREADSHEET_DOC: (PRODUCT_LAYOUT, COOPERATIVE_LAYOUT),
}


def fill(text: str, sections: dict[str, str]) -> str:
    """Replace each `<!-- BEGIN: name -->…<!-- END: name -->` block's inside with its new text."""
    for name, body in sections.items():
        pattern = re.compile(
            rf"(<!-- BEGIN: {re.escape(name)} -->\n).*?(<!-- END: {re.escape(name)} -->)", re.DOTALL
        )
        if not pattern.search(text):
            raise KeyError(name)
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def sync_guides(root: Path, check: bool = False) -> list[str]:
    """Regenerate (or, with *check*, only compare) the guides; return those that changed/drifted."""
    made = {name: make() for name, make in SECTIONS.items()}
    changed = []
    for name, sections in TARGETS.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        try:
            new = fill(text, {section: made[section] for section in sections})
        except KeyError as missing:
            changed.append(f"{name} (thiếu <!-- BEGIN: {missing.args[0]} -->)")
            continue
        if new != text:
            changed.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed
