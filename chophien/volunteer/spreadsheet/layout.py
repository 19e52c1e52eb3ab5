"""The sheet layout: which sheets and columns a spreadsheet has, and which column a header names.

One row is one product (sheet "Sản phẩm") or one cooperative (sheet "Hợp tác xã"); column
names are Vietnamese or English (see docs/bang-tinh.md). Export writes this layout and import
reads it, so export → import is a no-op.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS
from chophien.core.text import search_key

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
    Column("unit_en", "Đơn vị tiếng Anh", ("translations", "en", "unit")),
    Column("summary_en", "Tóm tắt tiếng Anh", ("translations", "en", "summary")),
    Column("description_en", "Mô tả tiếng Anh", ("translations", "en", "story")),
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
    Column("description_en", "Mô tả tiếng Anh", ("translations", "en", "story")),
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
