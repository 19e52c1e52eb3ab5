"""Every validation rule, asserted with its exact message, on small trees in tmp_path."""

import unicodedata

import pytest
from conftest import COOP, PRODUCT, minimal_tree

from chophien.cli import main as cli_main
from chophien.site.build import prepare

COOP_PATH = "content/cooperatives/htx-che-na-hang.md"
PRODUCT_PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


def check(tree, files, lang="vi"):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache")
    return [p.render(lang) for p in prepared.problems.sorted()], prepared


def with_product(text):
    return minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": text})


def with_coop(text):
    return minimal_tree(**{"cooperatives/htx-che-na-hang.md": text})


def test_sample_minimal_tree_is_clean(tree):
    lines, prepared = check(tree, minimal_tree())
    assert lines == []
    assert len(prepared.catalogue.products) == 1
    product = prepared.catalogue.products[0]
    assert product.price == 450000
    assert product.contact.phone == "+84912345678"


def test_unknown_key_gets_did_you_mean(tree):
    lines, _ = check(tree, with_product(PRODUCT.replace("unit:", "unt:")))
    assert lines == [
        f"{PRODUCT_PATH}:5:1: lỗi: unt: trường không có trong mẫu; có phải `unit`? (các trường: name, code, "
        "category, price, unit, min_order, images, status, season, ocop, certifications, shelf_life, origin, "
        "order, marketplaces, featured, tags, translations). Ví dụ: unit: hộp 200 g"
    ]


def test_unknown_key_in_english(tree):
    lines, _ = check(tree, with_coop(COOP.replace("founded:", "founed:")), lang="en")
    assert lines == [
        f"{COOP_PATH}:8:1: error: founed: unknown field; did you mean `founded`? (fields: name, short_name, kind, "
        "province, commune, address, ethnic_groups, founded, members, contact, logo, photos, certifications, "
        "marketplaces, languages, translations). Example: founded: 2016"
    ]


def test_enum_value_gets_did_you_mean(tree):
    lines, _ = check(tree, with_coop(COOP.replace("kind: hop-tac-xa", "kind: hop-tac")))
    assert lines == [
        f"{COOP_PATH}:4:1: lỗi: kind: “hop-tac” không nằm trong danh sách (hop-tac-xa, to-hop-tac, "
        "lien-hiep-hop-tac-xa, doanh-nghiep, ho-kinh-doanh); có phải `to-hop-tac`? Ví dụ: hop-tac-xa"
    ]


def test_enum_accepts_vietnamese_label(tree):
    lines, prepared = check(tree, with_coop(COOP.replace("kind: hop-tac-xa", "kind: Tổ hợp tác")))
    assert lines == []
    assert prepared.catalogue.cooperatives["htx-che-na-hang"].kind == "to-hop-tac"


def test_missing_required_field(tree):
    lines, _ = check(tree, with_product(PRODUCT.replace("category: che\n", "")))
    assert lines == [
        f"{PRODUCT_PATH}:2:1: lỗi: thiếu trường bắt buộc `category` (Danh mục (theo nhóm sản phẩm OCOP)). "
        "Ví dụ: category: che"
    ]


def test_unknown_category_with_suggestion(tree):
    lines, _ = check(tree, with_product(PRODUCT.replace("category: che", "category: mat ong nong san")))
    assert lines == [
        f"{PRODUCT_PATH}:3:1: lỗi: category: không có danh mục “mat ong nong san” trong danh mục; "
        "có phải “mat-ong-nong-san-khac”? Ví dụ: che"
    ]


@pytest.mark.parametrize(
    "price, message",
    [
        ("4.5", "“4.5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, các chữ số viết liền"),
        ("4,5", "“4,5” không rõ là bao nhiêu đồng: giá phải là số đồng tròn, các chữ số viết liền"),
        ("-450000", "giá không được âm"),
        ("999.000.000", "giá 999.000.000 ₫ quá cao (tối đa 500.000.000 ₫)"),
        ("450", "giá 450 ₫ quá thấp (tối thiểu 1.000 ₫); có phải 450.000?"),
    ],
)
def test_bad_prices(tree, price, message):
    lines, _ = check(tree, with_product(PRODUCT.replace("price: 450000", f"price: {price}")))
    end = "" if message.endswith("?") else "."
    assert lines == [f"{PRODUCT_PATH}:4:1: lỗi: price: {message}{end} Ví dụ: 450000"]


@pytest.mark.parametrize(
    "price, value",
    [("450000", 450000), ("450.000 ₫", 450000), ("450.000đ", 450000), ("lien-he", None), ("Liên hệ", None)],
)
def test_good_prices(tree, price, value):
    lines, prepared = check(tree, with_product(PRODUCT.replace("price: 450000", f"price: {price}")))
    assert prepared.catalogue.products[0].price == value
    canonical = "lien-he" if value is None else str(value)
    assert lines == (
        []
        if price == canonical
        else [
            f"{PRODUCT_PATH}:4:1: cảnh báo: price: biểu mẫu CMS chỉ nhận số nguyên không dấu chấm, không đơn vị; "
            f"hãy ghi `{canonical}` (`chophien fmt` sửa tự động). Ví dụ: price: {canonical}"
        ]
    )


def test_bad_phone(tree):
    lines, _ = check(tree, with_coop(COOP.replace("  phone: 0912 345 678", "  phone: 012345")))
    assert lines == [
        f"{COOP_PATH}:11:3: lỗi: contact.phone: “012345” không phải là số điện thoại Việt Nam hợp lệ "
        "(di động 10 số bắt đầu 03, 05, 07, 08, 09; cố định 11 số bắt đầu 02). Ví dụ: 0912 345 678"
    ]


def test_no_contact_channel(tree):
    coop = COOP.split("contact:")[0] + "contact:\n  website: https://example.com\n---\nStory\n"
    lines, _ = check(tree, with_coop(coop))
    assert lines == [
        f"{COOP_PATH}:10:1: lỗi: contact: cần ít nhất một cách đặt hàng: phone, zalo, messenger hoặc email. "
        "Ví dụ: phone: 0912 345 678"
    ]


def test_pre_2025_province_is_a_warning_naming_the_new_unit(tree):
    lines, prepared = check(tree, with_coop(COOP.replace("province: Tuyên Quang", "province: Hà Giang")))
    assert lines == [
        f"{COOP_PATH}:5:1: cảnh báo: province: “Hà Giang” là tên tỉnh trước năm 2025; nay thuộc Tỉnh Tuyên "
        "Quang. Hãy ghi `Tuyên Quang`."
    ]
    assert prepared.ok
    assert prepared.catalogue.cooperatives["htx-che-na-hang"].province.slug == "tuyen-quang"


def test_duplicate_slugs_list_every_file(tree):
    files = minimal_tree(**{"cooperatives/HTX-che-na-hang.md": COOP})
    lines, _ = check(tree, files)
    names = "content/cooperatives/HTX-che-na-hang.md, content/cooperatives/htx-che-na-hang.md"
    assert lines == [
        f"content/cooperatives/HTX-che-na-hang.md: lỗi: Tên hợp tác xã “htx-che-na-hang” bị trùng ở 2 tệp: {names}; "
        "mỗi tệp cần một tên riêng.",
        "content/cooperatives/HTX-che-na-hang.md: lỗi: tên tệp “HTX-che-na-hang” phải là chữ thường không dấu, "
        "số và dấu gạch ngang; hãy đổi thành “htx-che-na-hang.md”. Ví dụ: htx-che-na-hang.md",
        f"content/cooperatives/htx-che-na-hang.md: lỗi: Tên hợp tác xã “htx-che-na-hang” bị trùng ở 2 tệp: {names}; "
        "mỗi tệp cần một tên riêng.",
    ]


def test_duplicate_product_codes_list_every_file(tree):
    files = minimal_tree(
        **{
            "products/htx-che-na-hang/a.md": PRODUCT.replace("category: che", "category: che\ncode: ABC-1"),
            "products/htx-che-na-hang/b.md": PRODUCT.replace("category: che", "category: che\ncode: abc-1"),
        }
    )
    lines, _ = check(tree, files)
    names = "content/products/htx-che-na-hang/a.md, content/products/htx-che-na-hang/b.md"
    message = f"Mã sản phẩm “ABC-1” bị trùng ở 2 tệp: {names}; mỗi sản phẩm cần một mã riêng (trường code)."
    assert lines == [
        f"content/products/htx-che-na-hang/a.md: lỗi: {message}",
        f"content/products/htx-che-na-hang/b.md: lỗi: {message}",
    ]


def test_product_folder_without_cooperative(tree):
    files = minimal_tree(**{"products/htx-che-na-hag/mat-ong.md": PRODUCT})
    lines, _ = check(tree, files)
    assert lines == [
        "content/products/htx-che-na-hag: lỗi: thư mục sản phẩm không có tệp hợp tác xã "
        "content/cooperatives/htx-che-na-hag.md; có phải “htx-che-na-hang”? "
        "Ví dụ: content/cooperatives/htx-che-na-hang.md"
    ]


def test_missing_image_file(tree):
    lines, _ = check(tree, with_product(PRODUCT.replace("file: che.jpg", "file: che-xanh.jpg")))
    assert lines == [
        f"{PRODUCT_PATH}:7:5: lỗi: images[1]: không tìm thấy tệp ảnh “che-xanh.jpg” trong "
        "content/products/htx-che-na-hang/; có phải “che.jpg”? Ví dụ: che.jpg"
    ]


def test_image_path_outside_folder_is_refused(tree):
    lines, _ = check(tree, with_product(PRODUCT.replace("file: che.jpg", "file: ../../../etc/passwd.jpg")))
    assert lines == [
        f"{PRODUCT_PATH}:7:5: lỗi: images[1].file: “../../../etc/passwd.jpg” phải là tên tệp nằm ngay cạnh tệp "
        "nội dung, không có thư mục. Ví dụ: che-shan-tuyet.jpg"
    ]


def test_images_none_is_explicit(tree):
    text = PRODUCT.replace("images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", "images: none\n")
    files = minimal_tree(
        **{"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None}
    )
    lines, prepared = check(tree, files)
    assert lines == []
    assert prepared.catalogue.products[0].images == ()


def test_product_file_outside_a_cooperative_folder(tree):
    lines, _ = check(tree, minimal_tree(**{"products/mat-ong.md": PRODUCT}))
    assert lines == [
        "content/products/mat-ong.md: lỗi: tệp sản phẩm phải nằm trong thư mục mang tên hợp tác xã, "
        "ví dụ content/products/<hop-tac-xa>/mat-ong.md."
    ]


def test_vietnamese_nfd_file_names_are_reported_in_nfc(tree):
    nfd = unicodedata.normalize("NFD", "products/htx-che-na-hang/chè-đặc-biệt.md")
    lines, _ = check(tree, minimal_tree(**{nfd: PRODUCT}))
    assert lines == [
        "content/products/htx-che-na-hang/chè-đặc-biệt.md: lỗi: tên tệp “chè-đặc-biệt” phải là chữ thường "
        "không dấu, số và dấu gạch ngang; hãy đổi thành “che-dac-biet.md”. Ví dụ: che-dac-biet.md"
    ]


def test_nested_and_list_errors_are_all_collected(tree):
    text = PRODUCT.replace(
        "unit: hộp 200 g",
        "unit: hộp 200 g\nstatus: con hang\nseason: 13-2\nocop:\n  stars: 6\n  year: 2023\nfeatured: maybe",
    )
    lines, _ = check(tree, with_product(text))
    assert lines == [
        f"{PRODUCT_PATH}:7:1: lỗi: season: “13-2” không phải khoảng tháng (từ tháng-đến tháng, 1–12). Ví dụ: [3, 4, 5]",
        f"{PRODUCT_PATH}:9:3: lỗi: ocop.stars: 6 nằm ngoài khoảng 3–5. Ví dụ: 4",
        f"{PRODUCT_PATH}:11:1: lỗi: featured: “maybe” phải là có/không (yes/no). Ví dụ: yes",
    ]


def test_yaml_syntax_error_is_located_and_other_files_still_checked(tree):
    files = minimal_tree(
        **{
            "products/htx-che-na-hang/che-shan-tuyet.md": PRODUCT.replace(
                "unit: hộp 200 g", "unit: hộp: 200 g"
            ),
            "products/htx-che-na-hang/b.md": PRODUCT.replace("price: 450000", "price: 4.5"),
        }
    )
    lines, _ = check(tree, files)
    assert lines == [
        "content/products/htx-che-na-hang/b.md:4:1: lỗi: price: “4.5” không rõ là bao nhiêu đồng: giá phải là số "
        "đồng tròn, các chữ số viết liền. Ví dụ: 450000",
        f"{PRODUCT_PATH}:5:10: lỗi: có dấu hai chấm `:` trong giá trị; hãy đặt cả giá trị trong dấu nháy kép. "
        'Ví dụ: address: "Thôn 3: xã Nà Hang"',
    ]


def test_ocop_expiry_is_36_months_after_the_decision(tree):
    text = PRODUCT.replace(
        "unit: hộp 200 g", "unit: hộp 200 g\nocop:\n  stars: 4\n  year: 2023\n  date: 15/11/2023"
    )
    lines, prepared = check(tree, with_product(text))
    assert lines == []
    assert prepared.catalogue.products[0].ocop.expires.isoformat() == "2026-11-15"


def test_cli_exit_codes_and_summary_last(tree, capsys):
    content = tree(with_product(PRODUCT.replace("price: 450000", "price: 4.5")))
    assert cli_main(["validate", str(content), "--format", "human"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1 lỗi trong 1 tệp (đã kiểm tra 2 tệp)"
    assert cli_main(["validate", str(content), "--format", "human", "--lang", "en"]) == 1
    assert capsys.readouterr().out.strip().splitlines()[-1] == "1 error in 1 file (2 files checked)"


def test_cli_clean_tree_exits_zero(tree, capsys):
    content = tree(minimal_tree())
    assert cli_main(["validate", str(content), "--format", "human"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "0 lỗi trong 0 tệp (đã kiểm tra 2 tệp)"


def test_cli_github_annotations(tree, capsys):
    content = tree(with_product(PRODUCT.replace("price: 450000", "price: 4.5")))
    assert cli_main(["validate", str(content), "--format", "github"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"::error file={PRODUCT_PATH},line=4,col=1::{PRODUCT_PATH}:4:1: lỗi: price:")


def test_reserved_cooperative_slug(tree):
    lines, _ = check(tree, {"cooperatives/page.md": COOP})
    assert lines == [
        "content/cooperatives/page.md: lỗi: tên “page” dành cho phân trang; hãy đặt tên khác, ví dụ htx-page. "
        "Ví dụ: htx-page.md"
    ]


ENGLISH = (
    "translations:\n  en:\n    name: Nà Hang ancient Shan Tuyết tea\n    unit: 200 g box\n"
    "    story: |\n      Buds from **ancient** trees.<script>alert(1)</script>\n\n      # Brewing\n"
    "      Use water at 90 °C.\n---\n"
)


def test_translations_en_give_the_english_name_unit_summary_and_sanitised_story(tree):
    text = PRODUCT.replace("---\nBúp chè", ENGLISH + "Búp chè")
    lines, prepared = check(tree, with_product(text))
    assert lines == []
    (product,) = prepared.catalogue.products
    assert (product.name_en, product.unit_en) == ("Nà Hang ancient Shan Tuyết tea", "200 g box")
    # the story goes through the body's Markdown renderer: sanitised, headings from h2
    assert product.body_html_en == (
        "<p>Buds from <strong>ancient</strong> trees.</p>\n<h2>Brewing</h2>\n<p>Use water at 90 °C.</p>"
    )
    assert product.summary_en == "Buds from ancient trees."  # no summary given: the story's first paragraph
    given = text.replace("    story: |", "    summary: Hand-rolled tea from old trees.\n    story: |")
    _, prepared = check(tree, with_product(given))
    assert prepared.catalogue.products[0].summary_en == "Hand-rolled tea from old trees."


def test_a_cooperative_translates_its_name_and_story_but_has_no_summary(tree):
    text = COOP.replace("---\n", "", 1).rsplit("---\n", 1)
    coop = (
        "---\n"
        + text[0]
        + "translations:\n  en:\n    name: Nà Hang Tea Cooperative\n    story: |\n      We grow tea.\n---\n"
        + text[1]
    )
    lines, prepared = check(tree, with_coop(coop))
    assert lines == []
    made = prepared.catalogue.cooperatives["htx-che-na-hang"]
    assert (made.name_en, made.body_html_en) == ("Nà Hang Tea Cooperative", "<p>We grow tea.</p>")
    lines, _ = check(tree, with_coop(coop.replace("    story: |", "    summary: Tea.\n    story: |")))
    assert len(lines) == 1 and "translations.en.summary: trường không có trong mẫu" in lines[0]


def test_an_empty_english_story_is_left_out_and_untranslated_texts_stay_empty(tree):
    lines, prepared = check(
        tree, with_product(PRODUCT.replace("---\nBúp", "translations:\n  en:\n    story: ''\n---\nBúp"))
    )
    assert lines == []
    (product,) = prepared.catalogue.products
    assert (product.name_en, product.unit_en, product.summary_en, product.body_html_en) == ("", "", "", "")
