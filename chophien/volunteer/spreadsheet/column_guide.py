"""The layout explained, from the schema's help texts: the “Hướng dẫn” sheet's rows and the
tables of docs/bang-tinh.md."""

from __future__ import annotations

from chophien.volunteer.scaffold import spec_at
from chophien.volunteer.spreadsheet.layout import SCHEMAS, layout


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
        elif column.path[-1:] == ("story",):  # translations.en.story, written as a cell, not as `story: |`
            meaning = "Câu chuyện, mô tả bằng tiếng Anh (Markdown): bản dịch đầy đủ cột Mô tả; giữ nguyên tên riêng tiếng Việt có dấu"
            example, required = " ".join(spec_at(fields, column.path).example.split("\n")[1:2]).strip(), ""
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
