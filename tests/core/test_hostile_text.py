"""Hostile text: control, bidi and invisible characters, and file names that try to forge output.

Each test writes the hostile file in tmp_path and asserts the exact problem, or that the
output (terminal, GitHub annotations, JSON, Markdown summary) stays what it claims to be.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import unicodedata

import pytest
from conftest import COOP, PRODUCT, minimal_tree
from survey_samples import GOOD, survey_tree

from chophien.cli import main
from chophien.core.problems import ProblemList, log_line, render_github, render_json, render_markdown
from chophien.core.text import character_name, printable, remove_unsafe, unsafe_characters
from chophien.formats.strictyaml import REPLACEMENT, parse_front_matter
from chophien.site.build import prepare

COOP_PATH = "content/cooperatives/htx-che-na-hang.md"
PRODUCT_PATH = "content/products/htx-che-na-hang/che-shan-tuyet.md"


def lines_of(tree, files: dict) -> list[str]:
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    return [p.render() for p in prepared.problems.sorted()]


def unsafe_message(location: str, field: str, ch: str) -> str:
    return (
        f"{location}: lỗi: {field}: có ký tự ẩn hoặc ký tự điều khiển {character_name(ch)}, thường lẫn "
        "vào khi chép chữ từ trang web hay tin nhắn; hãy xoá nó."
    )


# --- which characters ----------------------------------------------------------------------


def test_every_control_format_and_separator_character_is_unsafe():
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if (unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp") or code == 0xFFFD)
        and chr(code) not in "\t\n\u200d"
        and not unsafe_characters("a" + chr(code) + "a")
    ]
    assert missed == []


@pytest.mark.parametrize("code", [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF])
def test_noncharacters_are_unsafe(code):
    assert unsafe_characters(chr(code)) == [(0, chr(code))]
    assert character_name(chr(code)) == f"U+{code:04X} (NONCHARACTER)"


def test_vietnamese_text_emoji_and_layout_are_safe():
    text = "Chè Shan tuyết Hà Giang – 450.000 ₫\tĐắk Lắk “ngon” 👨‍🌾 👩🏽‍🍳 ❤️\nDòng hai ½ ²"
    assert unsafe_characters(text) == []


def test_a_zero_width_joiner_between_letters_is_unsafe():
    assert unsafe_characters("Sh\u200dopee") == [(2, "\u200d")]
    assert unsafe_characters("👨\u200d") == [(1, "\u200d")]


@pytest.mark.parametrize(
    "ch, name",
    [
        ("\x00", "U+0000 (NULL)"),
        ("\x1b", "U+001B (ESCAPE)"),
        ("\x7f", "U+007F (DELETE)"),
        ("\x85", "U+0085 (NEXT LINE)"),
        ("\x9b", "U+009B (CONTROL SEQUENCE INTRODUCER)"),
        ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u2067", "U+2067 (RIGHT-TO-LEFT ISOLATE)"),
        ("\u061c", "U+061C (ARABIC LETTER MARK)"),
        ("\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("\u2028", "U+2028 (LINE SEPARATOR)"),
        ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
        ("\U000e0041", "U+E0041 (TAG LATIN CAPITAL LETTER A)"),
    ],
)
def test_character_names(ch, name):
    assert character_name(ch) == name


def test_printable_and_remove_unsafe():
    hostile = "a\nb\r\tc\x1b[31md\u202ee\x85f\U000e0041"
    assert printable(hostile) == "a\\nb\\r\\tc\\x1b[31md\\u202ee\\x85f\\U000e0041"
    assert remove_unsafe(hostile) == "a\nb\tc[31mdef"


# --- content files: reported where they stand, never passed on -----------------------------


@pytest.mark.parametrize(
    "ch", ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\u200e", "\u200b", "\u2028", "\ufffe"]
)
def test_a_hostile_character_in_a_name_is_reported_at_its_column(tree, ch):
    coop = COOP.replace("name: Hợp tác xã Chè", f"name: Hợp tác xã {ch}Chè")
    assert lines_of(tree, minimal_tree(**{"cooperatives/htx-che-na-hang.md": coop})) == [
        unsafe_message(f"{COOP_PATH}:2:18", "name", ch)
    ]


def test_every_kind_of_text_value_and_the_body_is_checked(tree):
    product = (
        PRODUCT.replace("unit: hộp 200 g", "unit: hộp\u202e 200 g")
        .replace("alt: Búp chè", "alt: Búp\u200b chè")
        .replace(
            "---\nBúp chè",
            "tags: [chè, quà\u2066 biếu]\ntranslations:\n  en:\n    name: Tea\x1b[2J\n---\nBúp chè",
        )
        + "Đoạn hai có \u202dký tự lạ.\n"
    )
    coop = COOP.replace("commune: Xã Nà Hang", "commune: Xã Nà Hang\naddress: Thôn\u00ad 3")
    assert lines_of(
        tree,
        minimal_tree(
            **{"cooperatives/htx-che-na-hang.md": coop, "products/htx-che-na-hang/che-shan-tuyet.md": product}
        ),
    ) == [
        unsafe_message(f"{COOP_PATH}:7:14", "address", "\u00ad"),
        unsafe_message(f"{PRODUCT_PATH}:5:10", "unit", "\u202e"),
        unsafe_message(f"{PRODUCT_PATH}:8:13", "images[1].alt", "\u200b"),
        unsafe_message(f"{PRODUCT_PATH}:9:16", "tags[2]", "\u2066"),
        unsafe_message(f"{PRODUCT_PATH}:12:14", "translations.en.name", "\x1b"),
        f"{PRODUCT_PATH}:15:13: lỗi: phần mô tả (Markdown) có ký tự ẩn hoặc ký tự điều khiển "
        "U+202D (LEFT-TO-RIGHT OVERRIDE), thường lẫn vào khi chép chữ từ trang web hay tin nhắn; hãy xoá nó.",
    ]


def test_yaml_line_breaks_do_not_shift_line_numbers(tree):
    # U+0085 and U+2028 are line breaks to YAML: left in, they would move every later line.
    coop = COOP.replace("name: Hợp tác xã", "name: Hợp\u2028 tác xã").replace(
        "members: 32", "members: 3\x852"
    )
    assert lines_of(tree, minimal_tree(**{"cooperatives/htx-che-na-hang.md": coop})) == [
        unsafe_message(f"{COOP_PATH}:2:10", "name", "\u2028"),
        f"{COOP_PATH}:9:1: lỗi: members: “3\ufffd2” không phải số thành viên (một số nguyên). Ví dụ: 32",
        unsafe_message(f"{COOP_PATH}:9:11", "members", "\x85"),
    ]


def test_values_reaching_the_model_never_hold_the_characters():
    raw = (COOP.replace("name: Hợp tác xã", "name: Hợp\u202e tác\x00 xã") + "Chuyện\x1b[31m.\n").encode()
    doc = parse_front_matter(raw)
    assert doc.data["name"] == f"Hợp{REPLACEMENT} tác{REPLACEMENT} xã Chè Shan tuyết Nà Hang"
    assert doc.body.endswith(f"Chuyện{REPLACEMENT}[31m.\n")
    assert [(u.line, u.column, u.char, u.path) for u in doc.data.unsafe] == [
        (2, 10, "\u202e", ("name",)),
        (2, 15, "\x00", ("name",)),
        (17, 7, "\x1b", None),
    ]


def test_a_file_full_of_control_characters_gives_ten_problems_and_a_count(tree):
    product = PRODUCT.replace("Búp chè hái", "\x01" * 25 + "Búp chè hái")
    lines = lines_of(tree, minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": product}))
    assert len(lines) == 11
    assert lines[-1] == (
        f"{PRODUCT_PATH}:10:11: lỗi: còn 15 ký tự ẩn hoặc ký tự điều khiển nữa trong tệp này; hãy xoá hết."
    )


def test_survey_text_fields_are_checked(tree):
    files = survey_tree(GOOD)
    files["assessments/thu/survey.yaml"] = files["assessments/thu/survey.yaml"].replace(
        "title: Khảo sát thử", "title: Khảo sát\u202e thử"
    )
    assert lines_of(tree, files) == [
        unsafe_message("content/assessments/thu/survey.yaml:1:16", "title", "\u202e")
    ]


def test_spreadsheet_cells_are_checked(tmp_path, tree):
    from chophien.volunteer.spreadsheet.importer import import_spreadsheet

    content = tree(minimal_tree())
    sheet = tmp_path / "san-pham.csv"
    sheet.write_text(
        "Hợp tác xã,Tên sản phẩm,Danh mục,Giá,Ảnh 1\nhtx-che-na-hang,Chè\u202e xanh,che,120.000,none\n",
        encoding="utf-8",
    )
    result = import_spreadsheet(sheet, content, False, True)
    # The cell is checked as it is read, so the message names the real character.
    assert [p.render() for p in result.problems.sorted()] == [
        f"{sheet}:2:2: lỗi: Tên sản phẩm: ô có ký tự điều khiển hoặc vô hình U+202E (RIGHT-TO-LEFT OVERRIDE) "
        "ở vị trí 4; hãy xoá (thường do chép từ trang web, Word hoặc Zalo)."
    ]
    assert not result.written and not (content / "products/htx-che-na-hang/che-xanh.md").exists()


# --- terminal, CI annotations, JSON and the job summary ------------------------------------

HOSTILE_NAMES = [
    "a\n::error file=x.md,line=1::pwned.md",
    "b\r::warning::cr.md",
    "c\x1b[2J\x1b]0;title\x07%,:.md",
    "d##[add-mask]secret.md",
    "::stop-commands::tok.md",
    "e\u202egpj.md",
]


@pytest.fixture
def hostile_tree(tree):
    files = minimal_tree()
    for name in HOSTILE_NAMES:
        files[f"products/htx-che-na-hang/{name}"] = PRODUCT
    return tree(files)


def _commands(line: str) -> bool:
    """Whether GitHub's runner would read *line* as a workflow command (either syntax)."""
    return line.lstrip().startswith("::") or "##[" in line


def test_human_output_shows_names_escaped_one_line_each(hostile_tree, capsys):
    assert main(["validate", str(hostile_tree), "--no-images", "--format", "human"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == len(HOSTILE_NAMES) + 1
    assert lines[-1] == f"{len(HOSTILE_NAMES)} lỗi trong {len(HOSTILE_NAMES)} tệp (đã kiểm tra 8 tệp)"
    assert not unsafe_characters(out.replace("\n", "")) and "\r" not in out
    assert not any(_commands(line) for line in lines)
    assert any(
        line.startswith(
            "content/products/htx-che-na-hang/a\\n::error file=x.md,line=1::pwned.md: lỗi: tên tệp"
        )
        for line in lines
    )
    assert any(
        line.startswith("content/products/htx-che-na-hang/c\\x1b[2J\\x1b]0;title\\x07%,:.md:")
        for line in lines
    )


def test_github_output_cannot_inject_a_workflow_command(hostile_tree, capsys):
    assert main(["validate", str(hostile_tree), "--no-images", "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    annotations = [line for line in lines if line.startswith("::error ")]
    assert len(annotations) == len(HOSTILE_NAMES)
    assert len(lines) == 2 * len(HOSTILE_NAMES) + 1  # annotations, human lines, the count
    assert not any(_commands(line) for line in lines if not line.startswith("::error file=content/"))
    for line in annotations:
        props, message = line[len("::error ") :].split("::", 1)
        assert "##[" not in line
        assert all(key in ("file", "line", "col") for key, _ in (p.split("=", 1) for p in props.split(",")))
    assert annotations[0].startswith(
        "::error file=content/products/htx-che-na-hang/%3A%3Astop-commands%3A%3Atok.md::"
        "content/products/htx-che-na-hang/::stop-commands::tok.md: lỗi:"
    )
    assert any(
        a.startswith(
            "::error file=content/products/htx-che-na-hang/a%0A%3A%3Aerror file=x.md%2Cline=1%3A%3Apwned.md::"
            "content/products/htx-che-na-hang/a\\n::error file=x.md,line=1::pwned.md: lỗi:"
        )
        for a in annotations
    )
    assert any(
        a.startswith(
            "::error file=content/products/htx-che-na-hang/c\\x1b[2J\\x1b]0;title\\x07%25%2C%3A.md::"
        )
        for a in annotations
    )


def test_json_output_is_valid_and_keeps_the_real_names(hostile_tree, capsys):
    assert main(["validate", str(hostile_tree), "--no-images", "--format", "json"]) == 1
    out = capsys.readouterr().out
    data = json.loads(out)
    paths = sorted(p["path"].rsplit("/", 1)[1] for p in data["problems"])
    assert paths == sorted(HOSTILE_NAMES)
    assert not unsafe_characters(out.replace("\n", "")) and "\r" not in out and "##[" not in out


def test_summary_table_keeps_its_shape_and_shows_text_literally(hostile_tree, tmp_path):
    import cmarkgfm
    from bs4 import BeautifulSoup
    from cmarkgfm.cmark import Options

    summary = tmp_path / "summary.md"
    main(["validate", str(hostile_tree), "--no-images", "--format", "github", "--summary", str(summary)])
    problems = ProblemList()
    problems.add(
        "content/x `y`` | <b>z</b>\n| a | b |.md", 2, 3, "na|me",
        "“<img src=x onerror=alert(1)>” [l](javascript:x) ![i](https://e.vn/p.png) *e* `c` www.e.vn a@b.vn ##[x] \\| y",
        "en", "`a` | b",
    )  # fmt: skip
    for markdown in (summary.read_text(encoding="utf-8"), render_markdown(problems)):
        html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
        soup = BeautifulSoup(html, "html.parser")
        rows = soup.find_all("tr")
        assert all(len(row.find_all(["td", "th"])) == 6 for row in rows)
        assert {tag.name for tag in soup.find_all(True)} <= {
            "h3", "table", "thead", "tbody", "tr", "th", "td", "code", "p", "a"
        }  # fmt: skip
        # GitHub links an e-mail address whatever escapes surround it; it shows its own text.
        assert all(a["href"] == "mailto:" + a.get_text() for a in soup.find_all("a"))
    assert len(rows) == 2
    cells = [td.get_text() for td in rows[1].find_all("td")]
    assert cells == [
        "content/x `y`` | <b>z</b>\\n| a | b |.md", "2", "na|me", "lỗi",
        "“<img src=x onerror=alert(1)>” [l](javascript:x) ![i](https://e.vn/p.png) *e* `c` www.e.vn a@b.vn ##[x] \\| y",
        "`a` | b",
    ]  # fmt: skip


def test_log_line_neutralises_both_command_syntaxes():
    assert log_line("  ::error::x") == "  \\x3a:error::x"
    assert log_line("a ##[group]b\nc") == "a #\\x23[group]b\\nc"


def test_every_renderer_handles_an_astral_invisible_character():
    problems = ProblemList()
    problems.add("content/a\U000e0041.md", 1, 1, "name", "x\U000e0041", "x")
    assert json.loads(render_json(problems))["problems"][0]["path"] == "content/a\U000e0041.md"
    assert "\\U000e0041" in render_github(problems)


def test_yaml_escapes_cannot_smuggle_the_characters_in(tree):
    coop = COOP.replace(
        "name: Hợp tác xã Chè Shan tuyết Nà Hang", 'name: "Hợp tác xã\\u202e Chè\\e[31m"'
    ).replace("commune: Xã Nà Hang", 'commune: "Xã\\N"\n"addr\\u200bess": Thôn 3')
    lines = lines_of(tree, minimal_tree(**{"cooperatives/htx-che-na-hang.md": coop}))
    assert lines[:4] == [
        unsafe_message(f"{COOP_PATH}:2:7", "name", "\x1b"),
        unsafe_message(f"{COOP_PATH}:2:7", "name", "\u202e"),
        unsafe_message(f"{COOP_PATH}:6:10", "commune", "\x85"),
        unsafe_message(f"{COOP_PATH}:7:1", "addr\ufffdess", "\u200b"),
    ]
    doc = parse_front_matter(coop.encode())
    assert doc.data["name"] == f"Hợp tác xã{REPLACEMENT} Chè{REPLACEMENT}[31m"
    assert {ch for key in doc.data for _, ch in unsafe_characters(key)} == {REPLACEMENT}


# --- feeds, sitemap and JSON-LD stay well-formed whatever the text --------------------------

EVERY_BAD = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n") + "\x7f\x85\u202e\u2028\ufffe\uffff"


def _hostile_catalogue(tree):
    """The minimal catalogue with every text that feeds carry full of forbidden characters
    (as if a value had got past the reader: settings, a future field, a page title)."""
    import dataclasses

    content = tree(minimal_tree())
    prepared = prepare(content, content.parent / ".cache", dt.date(2026, 11, 27))
    assert prepared.ok, prepared.problems
    (product,) = prepared.catalogue.products
    coop = dataclasses.replace(
        product.cooperative, name=f"HTX{EVERY_BAD} Nà Hang", short_name=f"HTX{EVERY_BAD}"
    )
    image = dataclasses.replace(product.images[0], alt=f"Búp{EVERY_BAD} chè")
    product = dataclasses.replace(
        product,
        cooperative=coop,
        name=f"Chè{EVERY_BAD} ]]> <b>&amp;",
        unit=f"hộp{EVERY_BAD}",
        summary=f"Tóm{EVERY_BAD} tắt",
        images=(image,),
    )
    return product, prepared.images


def test_feeds_stay_well_formed_xml_with_forbidden_characters(tree):
    import xml.etree.ElementTree as ET

    from chophien.site import feeds

    product, images = _hostile_catalogue(tree)
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    dates = {product.source: (when, when), product.cooperative.source: (when, when)}
    atom = feeds.site_feed("https://x.vn", f"Chợ{EVERY_BAD} phiên", [product], dates, images, when)
    coop_atom = feeds.cooperative_feed("https://x.vn", product.cooperative, [product], dates, images)
    merchant = feeds.merchant_feed(
        "https://x.vn", f"Chợ{EVERY_BAD}", f"Câu{EVERY_BAD}", [product], images, dt.date(2026, 11, 27)
    )
    sitemap = feeds.sitemaps("https://x.vn", [feeds.SitemapEntry(f"https://x.vn/trang a{EVERY_BAD}/")])
    for text in (atom, coop_atom, merchant, sitemap["sitemap.xml"]):
        root = ET.fromstring(text.encode("utf-8"))
        assert not unsafe_characters("".join(root.itertext()).replace("\n", ""))
    ns = "{http://www.w3.org/2005/Atom}"
    entry = ET.fromstring(atom).find(f"{ns}entry")
    assert entry.find(f"{ns}title").text == "Chè ]]> <b>&amp;"
    assert ET.fromstring(atom).find(f"{ns}title").text == "Chợ phiên – sản phẩm mới và cập nhật"
    assert 'alt="Búp chè"' in entry.find(f"{ns}content").text
    item = ET.fromstring(merchant).find("channel/item")
    assert item.find("{http://base.google.com/ns/1.0}title").text == "Chè ]]> <b>&amp;"
    assert item.find("{http://base.google.com/ns/1.0}brand").text == "HTX"
    assert ET.fromstring(sitemap["sitemap.xml"])[0][0].text == "https://x.vn/trang%20a/"


def test_json_ld_drops_forbidden_characters(tree):
    from chophien.site import seo

    product, images = _hostile_catalogue(tree)
    text = seo.json_ld([seo.product_data(product, "https://x.vn", images, dt.date(2026, 11, 27))])
    data = json.loads(text)
    assert data["name"] == "Chè ]]> <b>&amp;" and data["brand"]["name"] == "HTX"
    assert not unsafe_characters(text) and "\\u00" not in text.replace("\\u003c", "").replace(
        "\\u003e", ""
    ).replace("\\u0026", "")


@pytest.mark.build
def test_pages_read_by_pelican_reach_no_output_with_the_characters(tmp_path):
    """content/pages is read by Pelican, not the strict reader: its text is cleaned on the way out."""
    from conftest import run_pelican, write_tree

    files = minimal_tree()
    files["pages/gioi-thieu.md"] = (
        "Title: Giới\x1b[31m thiệu\u202e\nSlug: gioi-thieu\nSummary: Tóm\u200b tắt\n\n"
        "Chợ\x1b]0;x\x07 phiên\u2066 là\x85 chợ\u2028 của\x7f các hợp tác xã.\n"
    )
    content = write_tree(tmp_path, files)
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "gioi-thieu/index.html").read_text(encoding="utf-8")
    assert "Giới[31m thiệu" in page and "Chợ]0;x phiên là chợ của các hợp tác xã." in page
    dirty = {
        path.relative_to(out).as_posix(): [character_name(ch) for _, ch in unsafe_characters(text)]
        for path in out.rglob("*")
        if path.suffix in (".html", ".xml", ".json", ".txt", ".webmanifest")
        for text in [path.read_text(encoding="utf-8")]
        if unsafe_characters(text)
    }
    assert dirty == {}
