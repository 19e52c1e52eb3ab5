"""Every entry under content/ is read or reported: links, special files, strays, hidden names."""

from __future__ import annotations

import os

import pytest
from conftest import COOP, PRODUCT, jpeg_bytes, minimal_tree

from chophien.catalogue.loader import load_catalogue
from chophien.site.build import prepare

PRODUCT_DIR = "content/products/htx-che-na-hang"
LINK = (
    "lỗi: là liên kết tượng trưng (symlink); trong content/ chỉ dùng tệp và thư mục thật "
    "(liên kết có thể trỏ ra ngoài content/): hãy đặt tệp thật vào đây."
)
# A file outside content/ that must never be read: any YAML or CSV problem would quote it.
SECRET = "---\nname: [BÍ MẬT\n---\n"


def check(content):
    prepared = prepare(content, content.parent / ".cache")
    return [p.render() for p in prepared.problems.sorted()], prepared


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(SECRET, encoding="utf-8")
    (folder / "che.jpg").write_bytes(jpeg_bytes())
    (folder / "responses.csv").write_text("BÍ MẬT,x\n1,2\n", encoding="utf-8")
    return folder


# --- symlinks, at every level ---------------------------------------------------------------------


def test_symlinked_product_file_is_refused_and_not_read(tree, outside):
    content = tree(minimal_tree())
    (content / "products/htx-che-na-hang/mat-ong.md").symlink_to(outside / "secret.md")
    lines, prepared = check(content)
    assert lines == [f"{PRODUCT_DIR}/mat-ong.md: {LINK}"]
    assert [p.slug for p in prepared.catalogue.products] == ["che-shan-tuyet"]


def test_dangling_symlink_is_refused(tree, tmp_path):
    content = tree(minimal_tree())
    (content / "products/htx-che-na-hang/mat-ong.md").symlink_to(tmp_path / "nowhere.md")
    lines, _ = check(content)
    assert lines == [f"{PRODUCT_DIR}/mat-ong.md: {LINK}"]


def test_symlinked_cooperative_photo_folder_is_refused(tree, outside):
    coop = COOP.replace("members: 32\n", "members: 32\nphotos:\n  - file: che.jpg\n")
    content = tree(minimal_tree(**{"cooperatives/htx-che-na-hang.md": coop}))
    (content / "cooperatives/htx-che-na-hang").symlink_to(outside, target_is_directory=True)
    lines, prepared = check(content)
    assert lines == [f"content/cooperatives/htx-che-na-hang: {LINK}"]
    assert prepared.catalogue.cooperatives == {}
    assert not prepared.images  # nothing from outside content/ was decoded


def test_symlinked_cooperative_file_is_refused(tree, outside):
    content = tree(minimal_tree(**{"cooperatives/htx-che-na-hang.md": None}))
    (content / "cooperatives").mkdir()
    (content / "cooperatives/htx-che-na-hang.md").symlink_to(outside / "secret.md")
    lines, _ = check(content)
    assert lines == [
        "content/cooperatives/htx-che-na-hang.md: " + LINK,
        "content/products/htx-che-na-hang: lỗi: thư mục sản phẩm không có tệp hợp tác xã "
        "content/cooperatives/htx-che-na-hang.md. Ví dụ: content/cooperatives/htx-che-na-hang.md",
    ]


@pytest.mark.parametrize("link", ["products", "products/htx-che-na-hang", "cooperatives"])
def test_symlinked_section_or_product_folder_is_refused(tree, tmp_path, link):
    content = tree(minimal_tree())
    real = content / link
    moved = tmp_path / "elsewhere"
    real.rename(moved)
    real.symlink_to(moved, target_is_directory=True)
    lines, prepared = check(content)
    assert f"content/{link}: {LINK}" in lines
    assert all("BÍ MẬT" not in line for line in lines)
    assert prepared.catalogue.products == []


def test_symlinked_content_folder_is_refused(tmp_path):
    from conftest import write_tree

    real = write_tree(tmp_path / "real", minimal_tree())
    content = tmp_path / "content"
    content.symlink_to(real, target_is_directory=True)
    lines, prepared = check(content)
    assert lines == [
        "content: lỗi: thư mục nội dung là liên kết tượng trưng (symlink); hãy dùng thư mục thật."
    ]
    assert prepared.catalogue.products == []


def test_symlink_in_pages_is_refused(tree, outside):
    content = tree(minimal_tree())
    (content / "pages/gioi-thieu.md").symlink_to(outside / "secret.md")
    lines, prepared = check(content)
    assert lines == [f"content/pages/gioi-thieu.md: {LINK}"]
    assert prepared.pages == []


def test_symlink_in_assessments_is_refused_and_nothing_there_is_read(tree, outside):
    content = tree(minimal_tree(**{"assessments/khao-sat/survey.yaml": "title: x\n"}))
    (content / "assessments/khao-sat/responses.csv").symlink_to(outside / "responses.csv")
    lines, prepared = check(content)
    assert lines == [f"content/assessments/khao-sat/responses.csv: {LINK}"]
    assert prepared.catalogue.assessments.surveys == []


def test_load_catalogue_alone_refuses_links_too(tree, outside):
    content = tree(minimal_tree())
    (content / "products/htx-che-na-hang/mat-ong.md").symlink_to(outside / "secret.md")
    catalogue, problems, _ = load_catalogue(content)
    assert [p.render() for p in problems.sorted()] == [f"{PRODUCT_DIR}/mat-ong.md: {LINK}"]
    assert len(catalogue.products) == 1


def test_fifo_is_refused_not_read(tree):
    content = tree(minimal_tree())
    os.mkfifo(content / "products/htx-che-na-hang/mat-ong.md")  # reading it would block the build
    lines, _ = check(content)
    assert lines == [
        f"{PRODUCT_DIR}/mat-ong.md: lỗi: không phải tệp thường hay thư mục (FIFO, socket, thiết bị); hãy xoá."
    ]


# --- nothing walked past silently -------------------------------------------------------------------


def test_product_in_a_sub_folder_is_reported(tree):
    lines, prepared = check(tree(minimal_tree(**{"products/htx-che-na-hang/cu/mat-ong.md": PRODUCT})))
    assert lines == [
        f"{PRODUCT_DIR}/cu: lỗi: thư mục này không được đọc: sản phẩm và ảnh nằm ngay trong "
        "content/products/<hop-tac-xa>/, không có thư mục con; hãy chuyển đi hoặc xoá."
    ]
    assert len(prepared.catalogue.products) == 1


@pytest.mark.parametrize(
    "name, fixed",
    [("..md", "md"), (".md", "md"), (".mat-ong.md", "mat-ong.md")],
)
def test_hidden_file_names_are_reported(tree, name, fixed):
    lines, _ = check(tree(minimal_tree(**{f"products/htx-che-na-hang/{name}": PRODUCT})))
    assert lines == [
        f"{PRODUCT_DIR}/{name}: lỗi: tên “{name}” bắt đầu bằng dấu chấm nên bị ẩn và không được đọc; "
        f"hãy đổi tên, ví dụ “{fixed}”. Ví dụ: {fixed}"
    ]


def test_uppercase_extension_is_reported_not_loaded(tree):
    lines, prepared = check(tree(minimal_tree(**{"products/htx-che-na-hang/mat-ong.MD": PRODUCT})))
    assert lines == [
        f"{PRODUCT_DIR}/mat-ong.MD: lỗi: phần mở rộng “.MD” phải viết thường: hãy đổi tên thành “mat-ong.md”. "
        "Ví dụ: mat-ong.md"
    ]
    assert len(prepared.catalogue.products) == 1


def test_stray_files_in_cooperatives_are_reported(tree):
    files = minimal_tree(
        **{
            "cooperatives/ghi-chu.txt": "x",
            "cooperatives/anh.jpg": jpeg_bytes(),
            "cooperatives/htx-che-na-hang/ho-so.pdf": b"%PDF",
            "cooperatives/htx-che-na-hang/cu/logo.png": b"x",
        }
    )
    lines, _ = check(tree(files))
    where = "content/cooperatives/ chứa tệp <hop-tac-xa>.md và thư mục ảnh <hop-tac-xa>/"
    photos = "thư mục ảnh của hợp tác xã chỉ chứa ảnh (.jpg, .png, .webp, .heic, .avif), không có thư mục con"
    assert lines == [
        f"content/cooperatives/anh.jpg: lỗi: tệp này không được đọc: {where}; hãy chuyển đi hoặc xoá.",
        f"content/cooperatives/ghi-chu.txt: lỗi: tệp này không được đọc: {where}; hãy chuyển đi hoặc xoá.",
        f"content/cooperatives/htx-che-na-hang/cu: lỗi: thư mục này không được đọc: {photos}; hãy chuyển đi hoặc xoá.",
        f"content/cooperatives/htx-che-na-hang/ho-so.pdf: lỗi: tệp này không được đọc: {photos}; "
        "hãy chuyển đi hoặc xoá.",
    ]


def test_folder_named_like_a_cooperative_file_is_reported(tree):
    lines, _ = check(tree(minimal_tree(**{"cooperatives/htx-khac.md/logo.png": b"x"})))
    assert lines == [
        "content/cooperatives/htx-khac.md: lỗi: thư mục này không được đọc: content/cooperatives/ chứa tệp "
        "<hop-tac-xa>.md và thư mục ảnh <hop-tac-xa>/; hãy chuyển đi hoặc xoá."
    ]


def test_cooperative_photo_folder_without_cooperative_file(tree):
    lines, _ = check(tree(minimal_tree(**{"cooperatives/htx-khac/logo.png": b"x"})))
    assert lines == [
        "content/cooperatives/htx-khac: lỗi: thư mục ảnh không có tệp hợp tác xã "
        "content/cooperatives/htx-khac.md, nên ảnh trong đó không được dùng. "
        "Ví dụ: content/cooperatives/htx-khac.md"
    ]


def test_stray_file_in_product_folder_and_products(tree):
    files = minimal_tree(**{"products/htx-che-na-hang/gia.xlsx": b"x", "products/README.txt": "x"})
    lines, _ = check(tree(files))
    assert lines == [
        "content/products/README.txt: lỗi: tệp này không được đọc: content/products/ chỉ chứa các thư mục "
        "mang tên hợp tác xã; hãy chuyển đi hoặc xoá.",
        f"{PRODUCT_DIR}/gia.xlsx: lỗi: tệp này không được đọc: thư mục sản phẩm chỉ chứa tệp .md và ảnh "
        "(.jpg, .png, .webp, .heic, .avif); hãy chuyển đi hoặc xoá.",
    ]


def test_top_level_strays_are_reported(tree):
    files = minimal_tree(**{"ghi-chu.md": "Title: x\n", "static/a.css": "x", "articles/a.md": "Title: x\n"})
    lines, _ = check(tree(files))
    where = "content/ chỉ chứa các thư mục cooperatives/, products/, pages/ và assessments/"
    assert lines == [
        f"content/articles: lỗi: thư mục này không được đọc: {where}; hãy chuyển đi hoặc xoá.",
        f"content/ghi-chu.md: lỗi: tệp này không được đọc: {where}; hãy chuyển đi hoặc xoá.",
        f"content/static: lỗi: thư mục này không được đọc: {where}; hãy chuyển đi hoặc xoá.",
    ]


def test_pages_folder_holds_only_md_pages(tree):
    files = minimal_tree(
        **{
            "pages/cu/gioi-thieu.md": "Title: x\n",
            "pages/x.html": "<p>x</p>",
            "pages/y.markdown": "Title: y\n",
        }
    )
    lines, prepared = check(tree(files))
    where = (
        "content/pages/ chỉ chứa các trang <ten-trang>.md và thư mục en/ (bản tiếng Anh), không có thư mục "
        "con khác; hãy chuyển đi hoặc xoá."
    )
    assert lines == [
        f"content/pages/cu: lỗi: thư mục này không được đọc: {where}",
        f"content/pages/x.html: lỗi: tệp này không được đọc: {where}",
        f"content/pages/y.markdown: lỗi: tệp này không được đọc: {where}",
    ]
    assert prepared.pages == []


def test_unreferenced_photo_is_a_warning(tree):
    lines, prepared = check(tree(minimal_tree(**{"products/htx-che-na-hang/che-2.jpg": jpeg_bytes()})))
    assert lines == [
        f"{PRODUCT_DIR}/che-2.jpg: cảnh báo: ảnh này không được tệp nào dùng nên không được đăng; hãy thêm vào "
        "images: (hoặc photos:, logo:) hoặc xoá tệp. Ví dụ: images: [che-2.jpg]"
    ]
    assert prepared.ok


def test_nfd_photo_name_is_reported_once(tree):
    import unicodedata

    nfd = unicodedata.normalize("NFD", "chè.jpg")
    text = PRODUCT.replace("file: che.jpg", "file: chè.jpg")
    files = minimal_tree(
        **{
            "products/htx-che-na-hang/che-shan-tuyet.md": text,
            "products/htx-che-na-hang/che.jpg": None,
            f"products/htx-che-na-hang/{nfd}": jpeg_bytes(),
        }
    )
    lines, _ = check(tree(files))
    assert lines == [
        f"{PRODUCT_DIR}/chè.jpg: lỗi: tên tệp ảnh “chè.jpg” được ghi dấu tách rời (Unicode NFD, thường do máy "
        "Mac); hãy đổi tên tệp thành tên không dấu, ví dụ “che.jpg”, và sửa tên trong tệp dùng ảnh này. "
        "Ví dụ: che.jpg"
    ]


def test_system_junk_files_are_ignored(tree):
    files = minimal_tree(
        **{
            ".DS_Store": b"x",
            "products/htx-che-na-hang/Thumbs.db": b"x",
            "pages/.gitkeep": "",
            "desktop.ini": "x",
        }
    )
    lines, _ = check(tree(files))
    assert lines == []
