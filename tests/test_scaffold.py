"""`chophien new`: slugs from Vietnamese names, commented templates that validate, no overwriting."""

import re

import pytest
from conftest import minimal_tree

from chophien.build import prepare
from chophien.cli import main as cli_main
from chophien.problems import ProblemList
from chophien.scaffold import ScaffoldError, derive_slug, new_cooperative, new_product
from chophien.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, CheckContext, check_mapping
from chophien.strictyaml import parse_front_matter

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
        "lỗi: price: “4.5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, nhóm nghìn bằng dấu chấm\n"
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
        "  ✗ “4.5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, nhóm nghìn bằng dấu chấm. Ví dụ: 450.000",
    ]
    assert "\nprice: 350000\n" in path.read_text(encoding="utf-8")


def test_photos_given_are_copied_beside_the_product(tree, tmp_path):
    content = tree(minimal_tree())
    photo = tmp_path / "IMG 2041.jpg"
    photo.write_bytes(b"jpeg bytes")
    given = {("name",): "Mật ong", ("category",): "che", ("price",): "lien-he", ("unit",): "chai"}
    path = new_product(content, "HTX Chè Na Hang", given, images=(str(photo),))
    assert (path.parent / "IMG 2041.jpg").read_bytes() == b"jpeg bytes"
    assert "images:\n  - file: IMG 2041.jpg\n    alt: Mật ong\n" in path.read_text(encoding="utf-8")
    with pytest.raises(ScaffoldError) as error:
        new_product(content, "htx-che-na-hang", {**given, ("name",): "Mật ong 2"}, images=(str(photo),))
    assert error.value.vi.startswith("tệp content/products/htx-che-na-hang/IMG 2041.jpg đã có; không ghi đè")


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
        path = new_product(content, "htx-che-na-hang", given, images=("che.jpg",))
        fields = PRODUCT_FIELDS
    filled = _uncomment(path.read_text(encoding="utf-8"))
    doc = parse_front_matter(filled.encode("utf-8"))
    names = {spec.name for spec in fields}
    assert set(doc.data) == names
    problems = ProblemList()
    check_mapping(fields, doc.data, (), CheckContext("x.md", doc, problems))
    assert [p.render() for p in problems.sorted()] == []
