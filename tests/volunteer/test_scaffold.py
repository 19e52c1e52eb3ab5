"""`chophien new`: slugs from Vietnamese names, commented templates that validate, no overwriting."""

import io
import re

import pytest
from conftest import jpeg_bytes, minimal_tree
from PIL import Image

from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, CheckContext, check_mapping
from chophien.cli import main as cli_main
from chophien.core.problems import ProblemList
from chophien.core.text import nfc
from chophien.formats.strictyaml import parse_front_matter
from chophien.site.build import prepare
from chophien.volunteer.scaffold import ScaffoldError, derive_slug, new_cooperative, new_product

COOP_ARGS = [
    "new", "cooperative", "--name", "Hợp tác xã Mật ong Đồng Văn", "--kind", "hop-tac-xa",
    "--province", "Tuyên Quang", "--phone", "0912 345 678", "--no-input",
]  # fmt: skip


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Hợp tác xã Mật ong Đồng Văn", "htx-mat-ong-dong-van"),
        ("Đặc sản Điện Biên", "dac-san-dien-bien"),
        ("Liên hiệp hợp tác xã Nông sản Sơn La", "lien-hiep-htx-nong-san-son-la"),
        ("Hộ kinh doanh Miến dong Phia Đén", "hkd-mien-dong-phia-den"),
        ("Tổ hợp tác Dệt thổ cẩm Ba Na", "to-hop-tac-det-tho-cam-ba-na"),
        ("Chè Shan tuyết “cổ thụ” 200 g", "che-shan-tuyet-co-thu-200-g"),
    ],
)
def test_slug_from_vietnamese_name(name, slug):
    assert derive_slug(name) == slug


def test_long_names_are_cut_at_a_word():
    slug = derive_slug("Hợp tác xã " + "nông nghiệp " * 10)
    assert len(slug) <= 60 and not slug.endswith("-") and slug.startswith("htx-nong-nghiep")


def run(content, *args):
    return cli_main([*args[:2], *args[2:], "--content", str(content)])


def test_new_cooperative_then_product_validate_clean(tree, capsys):
    content = tree({})
    assert run(content, *COOP_ARGS) == 0
    coop = content / "cooperatives/htx-mat-ong-dong-van.md"
    assert capsys.readouterr().out.startswith(
        f"Đã tạo {coop.as_posix()}: mở tệp, bỏ dấu # ở các trường muốn điền"
    )
    text = coop.read_text(encoding="utf-8")
    assert text.startswith(
        "---\n"
        "# Tên đầy đủ của hợp tác xã / cơ sở (bắt buộc). Ví dụ: Hợp tác xã Chè Shan tuyết Nà Hang\n"
        "name: Hợp tác xã Mật ong Đồng Văn\n"
        "# Tên ngắn, dùng trong tin nhắn đặt hàng\n"
        "# short_name: HTX Chè Nà Hang\n"
    )
    assert (
        "contact:\n  # Số điện thoại để gọi và nhắn SMS. Ví dụ: 0912 345 678\n  phone: 0912 345 678\n" in text
    )
    args = ["new", "product", "htx-mat-ong-dong-van", "--name", "Mật ong bạc hà", "--category", "mat-ong-nong-san-khac",
            "--price", "350.000", "--unit", "chai 500 ml", "--no-input"]  # fmt: skip
    assert run(content, *args) == 0
    product = content / "products/htx-mat-ong-dong-van/mat-ong-bac-ha.md"
    text = product.read_text(encoding="utf-8")
    assert (
        "\nimages: none\n# Khi có ảnh, thay dòng trên bằng:\n# images:\n#   - file: che-shan-tuyet.jpg\n"
        in text
    )
    assert "\ncategory: mat-ong-nong-san-khac\n" in text
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    assert [p.render() for p in prepared.problems.sorted()] == []
    assert prepared.catalogue.products[0].category.slug == "mat-ong-nong-san-khac"
    assert prepared.catalogue.products[0].body_html == ""  # the writing hint is an HTML comment


def test_refuses_to_overwrite(tree, capsys):
    content = tree({})
    assert run(content, *COOP_ARGS) == 0
    path = content / "cooperatives/htx-mat-ong-dong-van.md"
    path.write_text(path.read_text(encoding="utf-8") + "Câu chuyện riêng.\n", encoding="utf-8")
    before = path.read_bytes()
    capsys.readouterr()
    assert run(content, *COOP_ARGS) == 1
    assert capsys.readouterr().err == (
        "lỗi: tệp content/cooperatives/htx-mat-ong-dong-van.md đã có; không ghi đè. "
        "Hãy sửa tệp đó, hoặc chọn tên khác bằng --slug\n"
    )
    assert path.read_bytes() == before
    assert run(content, *COOP_ARGS, "--slug", "htx-mat-ong-dong-van-2") == 0


def test_unknown_cooperative_gets_did_you_mean(tree, capsys):
    content = tree(minimal_tree())
    assert run(content, "new", "product", "htx-che-na-han", "--no-input") == 1
    assert capsys.readouterr().err == (
        "lỗi: chưa có hợp tác xã “htx-che-na-han” (content/cooperatives/htx-che-na-han.md); có phải "
        "“htx-che-na-hang”? Hãy tạo hợp tác xã trước: chophien new cooperative\n"
    )


def test_bad_answer_from_a_flag_is_reported_with_an_example(tree, capsys):
    content = tree(minimal_tree())
    args = ["new", "product", "htx-che-na-hang", "--name", "Chè", "--category", "che", "--price", "4.5",
            "--unit", "gói", "--no-input"]  # fmt: skip
    assert run(content, *args) == 1
    assert capsys.readouterr().err == (
        "lỗi: price: “4.5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, các chữ số viết liền\n"
    )


def test_missing_answers_without_a_terminal(tree, capsys):
    content = tree({})
    assert run(content, "new", "cooperative", "--name", "HTX A", "--no-input") == 1
    assert capsys.readouterr().err == "lỗi: còn thiếu: --kind, --province, --phone\n"


def test_interactive_questions_are_asked_again_until_valid(tree):
    content = tree(minimal_tree())
    answers = iter(["Mật ong bạc hà", "mat ong", "mat-ong-nong-san-khac", "4.5", "350000", "chai 500 ml"])
    asked, said = [], []

    def ask(prompt):
        asked.append(prompt)
        return next(answers)

    path = new_product(content, "htx-che-na-hang", {}, ask=ask, say=said.append)
    assert asked[0] == "Tên sản phẩm (ví dụ: Chè Shan tuyết cổ thụ Nà Hang): "
    assert said == [
        "  ✗ không có danh mục “mat ong” trong danh mục. Ví dụ: che",
        "  ✗ “4.5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, các chữ số viết liền. Ví dụ: 450000",
    ]
    assert "\nprice: 350000\n" in path.read_text(encoding="utf-8")


def test_photos_given_are_copied_beside_the_product(tree, tmp_path):
    content = tree(minimal_tree())
    photo = tmp_path / "IMG 2041.jpg"
    photo.write_bytes(jpeg_bytes())
    given = {("name",): "Mật ong", ("category",): "che", ("price",): "lien-he", ("unit",): "chai"}
    path = new_product(content, "HTX Chè Na Hang", given, images=(str(photo),))
    assert (path.parent / "IMG 2041.jpg").read_bytes() == jpeg_bytes()
    assert "images:\n  - file: IMG 2041.jpg\n    alt: Mật ong\n" in path.read_text(encoding="utf-8")
    # A second product with the same photo uses the file already there.
    second = new_product(content, "htx-che-na-hang", {**given, ("name",): "Mật ong 2"}, images=(str(photo),))
    assert "  - file: IMG 2041.jpg\n" in second.read_text(encoding="utf-8")
    photo.write_bytes(jpeg_bytes(colour=(1, 2, 3)))  # another photo under the same name
    with pytest.raises(ScaffoldError) as error:
        new_product(content, "htx-che-na-hang", {**given, ("name",): "Mật ong 3"}, images=(str(photo),))
    assert error.value.vi == (
        f"--image {photo}: đã có tệp content/products/htx-che-na-hang/IMG 2041.jpg; không ghi đè. Hãy đổi tên ảnh"
    )
    assert not (path.parent / "mat-ong-3.md").exists()
    assert validate_lines(content) == []


def validate_lines(content) -> list[str]:
    return [p.render() for p in prepare(content, content.parent / ".cache").problems.sorted()]


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 64 64\nshowpage\n%%EOF\n"
NOT_A_PHOTO = (
    "không phải ảnh JPEG, PNG, WebP, AVIF hay HEIC (đây là {}); hãy lưu lại ảnh dạng JPEG rồi đặt đúng tên đó"
)


def _png(size, mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64)).save(buffer, "GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("ghi-chu.jpg", lambda p: p.write_bytes(b"chi la van ban\n"), NOT_A_PHOTO.format("tệp văn bản")),
        ("x.jpg", lambda p: p.write_bytes(EPS), NOT_A_PHOTO.format("tệp PostScript/EPS")),
        ("rong.jpg", lambda p: p.write_bytes(b""), NOT_A_PHOTO.format("tệp rỗng (0 byte)")),
        ("bom.png", lambda p: p.write_bytes(_png((20000, 20000), "1")), "ảnh quá lớn (nghi là “bom giải nén”), không thể mở an toàn"),
        ("lon.png", lambda p: p.write_bytes(_png((8000, 7000), "1")), "ảnh quá lớn (8000×7000 điểm ảnh, tối đa 48 triệu điểm ảnh)"),
        ("anh.jpg", lambda p: p.write_bytes(_png((640, 480))),
         "đuôi tên tệp “.jpg” không khớp nội dung (đây là ảnh PNG); hãy đổi tên tệp thành “anh.png” và sửa tên ở đây"),
        ("dong.gif", lambda p: p.write_bytes(_gif()), "“dong.gif” không phải tệp ảnh (.jpg, .jpeg, .png, .webp, .avif, .heic, .heif)"),
        (".an.jpg", lambda p: p.write_bytes(jpeg_bytes()), "“.an.jpg” phải là tên tệp nằm ngay cạnh tệp nội dung, không có thư mục"),
        ("thu-muc.jpg", lambda p: p.mkdir(), "là thư mục, không phải tệp ảnh"),
        ("lien-ket.jpg", lambda p: p.symlink_to(p.parent / "that.jpg"), "là liên kết tượng trưng (symlink); hãy đưa tệp ảnh thật"),
        ("khong-co.jpg", lambda p: None, "không tìm thấy tệp ảnh này"),
    ],
)  # fmt: skip
def test_only_a_real_photo_is_copied_and_nothing_is_written_otherwise(
    tree, tmp_path, capsys, name, make, message
):
    content = tree(minimal_tree())
    (tmp_path / "that.jpg").write_bytes(jpeg_bytes())
    make(tmp_path / name)
    before = sorted(p.relative_to(content).as_posix() for p in content.rglob("*"))
    args = [
        "new",
        "product",
        "htx-che-na-hang",
        "--name",
        "Mật ong",
        "--category",
        "che",
        "--price",
        "lien-he",
    ]
    args += [
        "--unit",
        "chai",
        "--no-input",
        "--image",
        str(tmp_path / "that.jpg"),
        "--image",
        str(tmp_path / name),
    ]
    assert run(content, *args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"lỗi: --image {tmp_path / name}: ")
    assert message in err
    assert "Traceback" not in err
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*")) == before


def test_a_repeated_image_is_copied_once_and_a_clash_writes_nothing(tree, tmp_path):
    content = tree(minimal_tree())
    folder = content / "products/htx-che-na-hang"
    photo = tmp_path / "a" / "che.png"
    photo.parent.mkdir()
    photo.write_bytes(_png((640, 480)))
    given = {("name",): "Mật ong", ("category",): "che", ("price",): "lien-he", ("unit",): "chai"}
    path = new_product(content, "htx-che-na-hang", given, images=(str(photo), str(photo)))
    assert path.read_text(encoding="utf-8").count("file: che.png") == 1
    other = tmp_path / "b" / "anh.png"
    other.parent.mkdir()
    other.write_bytes(_png((640, 480), "L"))
    clash = tmp_path / "c" / "anh.png"
    clash.parent.mkdir()
    clash.write_bytes(_png((800, 600)))
    before = sorted(folder.iterdir())
    with pytest.raises(ScaffoldError) as error:
        new_product(
            content, "htx-che-na-hang", {**given, ("name",): "Mật ong 2"}, images=(str(other), str(clash))
        )
    assert error.value.vi == f"--image {clash}: trùng tên với --image {other}; hãy đổi tên một trong hai ảnh"
    assert sorted(folder.iterdir()) == before


def test_a_failed_write_leaves_no_orphan_photo(tree, tmp_path, monkeypatch):
    from chophien.volunteer import scaffold

    content = tree(minimal_tree())
    folder = content / "products/htx-che-na-hang"
    photo = tmp_path / "moi.jpg"
    photo.write_bytes(jpeg_bytes())
    real_write = scaffold._write_new

    def full_disk_on_the_page(path, data):
        if path.suffix == ".md":
            raise OSError(28, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(scaffold, "_write_new", full_disk_on_the_page)
    before = sorted(folder.iterdir())
    given = {("name",): "Mật ong", ("category",): "che", ("price",): "lien-he", ("unit",): "chai"}
    with pytest.raises(ScaffoldError) as error:
        new_product(content, "htx-che-na-hang", given, images=(str(photo),))
    assert error.value.vi == "không ghi được mat-ong.md (No space left on device); chưa tạo tệp nào"
    assert sorted(folder.iterdir()) == before


SLUGS = [
    "page",
    "Page",
    "che--x",
    "-che",
    "che-",
    "chè",
    "che\u0300",
    "che_x",
    "che x",
    "1",
    "che-x",
    "ho-kinh-doanh",
]


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("kind", ["cooperative", "product"])
def test_new_slug_refuses_exactly_what_validate_refuses(tree, slug, kind, capsys):
    from conftest import COOP, PRODUCT

    name = f"cooperatives/{slug}.md" if kind == "cooperative" else f"products/htx-che-na-hang/{slug}.md"
    content = tree(minimal_tree(**{name: COOP if kind == "cooperative" else PRODUCT}))
    refused_by_validate = any(
        p.path.endswith(f"{nfc(slug)}.md")
        for p in prepare(content, content.parent / ".cache", with_images=False).problems.errors
    )
    (content / name).unlink()
    if kind == "cooperative":
        code = run(content, *COOP_ARGS, f"--slug={slug}")
    else:
        code = run(content, "new", "product", "htx-che-na-hang", "--name", "Mật ong", "--category", "che",
                   "--price", "lien-he", "--unit", "chai", "--no-input", f"--slug={slug}")  # fmt: skip
    err = capsys.readouterr().err
    assert (code == 1) == refused_by_validate, err
    assert not refused_by_validate or err.startswith("lỗi: --slug: tên “")
    assert (content / name).exists() != refused_by_validate


_EXAMPLE = re.compile(r"^(\s*)# ((?:[a-z_]+:.*)|(?:  .*))$")


def _uncomment(text: str) -> str:
    """Remove the `# ` of every commented-out example, as a volunteer filling in the template does."""
    front, body = text.split("\n---\n", 1)
    lines = [_EXAMPLE.sub(r"\1\2", line) for line in front.split("\n")]
    return "\n".join(lines) + "\n---\n" + body


@pytest.mark.parametrize("kind", ["cooperative", "product"])
def test_every_commented_example_is_valid_when_uncommented(tree, kind):
    """The template is generated from the schema; its examples must pass the schema's own check."""
    content = tree(minimal_tree())
    if kind == "cooperative":
        path = new_cooperative(
            content,
            {
                ("name",): "HTX B",
                ("kind",): "to-hop-tac",
                ("province",): "Lào Cai",
                ("contact", "phone"): "0912345678",
            },
        )
        fields = COOPERATIVE_FIELDS
    else:
        given = {("name",): "Chè", ("category",): "che", ("price",): "450.000", ("unit",): "hộp"}
        photo = content / "products/htx-che-na-hang/che.jpg"  # already beside the product: not copied
        path = new_product(content, "htx-che-na-hang", given, images=(str(photo),))
        fields = PRODUCT_FIELDS
    filled = _uncomment(path.read_text(encoding="utf-8"))
    doc = parse_front_matter(filled.encode("utf-8"))
    names = {spec.name for spec in fields}
    assert set(doc.data) == names
    english = {"name", "unit", "summary", "story"} if kind == "product" else {"name", "story"}
    assert set(doc.data["translations"]["en"]) == english  # the English story as a `story: |` block
    problems = ProblemList()
    check_mapping(fields, doc.data, (), CheckContext("x.md", doc, problems))
    assert [p.render() for p in problems.sorted()] == []
