"""Every output path has one owner: a page from content/pages can never replace catalogue output.

Page headers are checked like any other field (chophien validate), Pelican reads only the pages
that passed, and the plugin checks Pelican's own page objects once more before anything is written.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, TODAY, minimal_tree, run_pelican, write_tree

from chophien.site.build import prepare
from chophien.site.content_pages import CATALOGUE_NAMES, SITE_FILES, PageFile, check_pelican_pages

PAGE = "content/pages/gia.md"
GOOD_PAGE = "Title: Giới thiệu\nSlug: gioi-thieu\n\nXin chào.\n"
NOT_HERE = "hãy xoá dòng này (muốn đổi địa chỉ thì đổi tên tệp). Ví dụ: content/pages/gia.md → /gia/"
CHOOSES = "trang không được tự chọn nơi ghi: địa chỉ của trang là tên tệp (content/pages/gia.md → /gia/)"
FIELDS = "các trường của trang: Title, Slug, Summary, Status, Template, Lang"


def check(tree, pages: dict):
    content = tree(minimal_tree(**{f"pages/{name}": text for name, text in pages.items()}))
    prepared = prepare(content, content.parent / ".cache")
    return [p.render() for p in prepared.problems.sorted()], prepared


def snapshot(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# --- page headers, checked like any other field ------------------------------------------------------


@pytest.mark.parametrize(
    "header, line",
    [
        (
            "Save_as: index.html",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “index.html” sẽ ghi đè trang chủ; {NOT_HERE}",
        ),
        (
            "Save_as: robots.txt",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “robots.txt” sẽ ghi đè tệp robots.txt; {NOT_HERE}",
        ),
        (
            "Save_as: danh-muc.json",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “danh-muc.json” sẽ ghi đè danh mục cho trang quốc gia (danh-muc.json); {NOT_HERE}",
        ),
        (
            "Save_as: sitemap.xml",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “sitemap.xml” sẽ ghi đè sơ đồ trang sitemap.xml; {NOT_HERE}",
        ),
        (
            "save_as: .htaccess",
            f"{PAGE}:2: lỗi: save_as: {CHOOSES}; “.htaccess” sẽ ghi đè tệp cấu hình máy chủ .htaccess; {NOT_HERE}",
        ),
        (
            "Save_as: _headers",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “_headers” sẽ ghi đè tệp cấu hình máy chủ _headers; {NOT_HERE}",
        ),
        (
            "Save_as: san-pham/htx-che-na-hang/che-shan-tuyet/index.html",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “san-pham/htx-che-na-hang/che-shan-tuyet/index.html” sẽ ghi đè "
            f"các trang sản phẩm (content/products/); {NOT_HERE}",
        ),
        (
            "Save_as: theme/css/site.css",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “theme/css/site.css” sẽ ghi đè giao diện (CSS, JavaScript); "
            f"{NOT_HERE}",
        ),
        (
            "Save_as: ../../.bashrc",
            f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; “../../.bashrc” còn nằm ngoài thư mục của trang web; {NOT_HERE}",
        ),
        (
            "URL: /etc/passwd",
            f"{PAGE}:2: lỗi: URL: {CHOOSES}; “/etc/passwd” còn nằm ngoài thư mục của trang web; {NOT_HERE}",
        ),
        ("Save_as: gioi-thieu-2/index.html", f"{PAGE}:2: lỗi: Save_as: {CHOOSES}; {NOT_HERE}"),
        (
            "Slug: hop-tac-xa",
            f"{PAGE}:2: lỗi: Slug: “hop-tac-xa” khác tên tệp “gia”: địa chỉ của trang là tên tệp, nên Slug chỉ "
            "được trùng tên tệp hoặc bỏ đi (muốn đổi địa chỉ thì đổi tên tệp). Ví dụ: Slug: gia",
        ),
        (
            "Template: product",
            f"{PAGE}:2: lỗi: Template: “product” không dùng được; chọn một trong: page. Ví dụ: Template: page",
        ),
        (
            "Template: khong-co",
            f"{PAGE}:2: lỗi: Template: “khong-co” không dùng được; chọn một trong: page. Ví dụ: Template: page",
        ),
        (
            "Template:",
            f"{PAGE}:2: lỗi: Template: giá trị trống không dùng được; chọn một trong: page. Ví dụ: Template: page",
        ),
        (
            "Status: skip",
            f"{PAGE}:2: lỗi: Status: “skip” không dùng được; chọn một trong: published, hidden, draft. "
            "Ví dụ: Status: published",
        ),
        ("Lang: fr", f"{PAGE}:2: lỗi: Lang: “fr” không dùng được; chọn một trong: vi. Ví dụ: Lang: vi"),
        (
            "Lang: en",
            f"{PAGE}:2: lỗi: Lang: bản tiếng Anh đặt trong thư mục content/pages/en/, cùng tên tệp với trang "
            "tiếng Việt: hãy chuyển tệp này thành content/pages/en/gia.md (ở đây chỉ dùng Lang: vi hoặc bỏ dòng "
            "này). Ví dụ: content/pages/en/gia.md",
        ),
        (
            "Translation: true",
            f"{PAGE}:2: lỗi: Translation: trang không dùng trường này; {FIELDS}. Ví dụ: Title: Giới thiệu",
        ),
        (
            "Date: 2024-99-99",
            f"{PAGE}:2: lỗi: Date: trang không dùng trường này; {FIELDS}. Ví dụ: Title: Giới thiệu",
        ),
        (
            "Settings: x",  # Pelican sets every header key as an attribute: this one broke the page object
            f"{PAGE}:2: lỗi: Settings: trang không dùng trường này; {FIELDS}. Ví dụ: Title: Giới thiệu",
        ),
        (
            "Summery: Tóm tắt",
            f"{PAGE}:2: lỗi: Summery: trang không dùng trường này; {FIELDS}; có phải “Summary”? Ví dụ: Summary: …",
        ),
        (
            "Title: Lần hai",
            f"{PAGE}:2: lỗi: Title: đã khai báo ở dòng 1; mỗi trường chỉ một dòng.",
        ),
    ],
)
def test_page_header_is_checked(tree, header, line):
    lines, prepared = check(tree, {"gia.md": f"Title: Trang giả\n{header}\n\nNội dung.\n"})
    assert lines == [line]
    assert prepared.pages == []


def test_valid_page_headers_pass(tree):
    text = "---\nTitle: Giới thiệu\nSlug: gioi-thieu\nSummary: Một dòng\n    và dòng nữa\nStatus: hidden\n"
    text += "Template: page\nLang: vi\n---\n\nXin chào.\n"
    lines, prepared = check(tree, {"gioi-thieu.md": text, "nhap.md": "Title: Nháp\nStatus: draft\n\nx\n"})
    assert lines == []
    assert prepared.pages == [
        PageFile("pages/gioi-thieu.md", "gioi-thieu", "gioi-thieu/index.html", "vi", "hidden"),
        PageFile("pages/nhap.md", "nhap", "", "vi", "draft"),
    ]


@pytest.mark.parametrize("name", sorted(CATALOGUE_NAMES))
def test_page_file_named_like_a_catalogue_section_is_refused(tree, name):
    lines, _ = check(tree, {f"{name}.md": "Title: x\n\nx\n"})
    vi = CATALOGUE_NAMES[name][0]
    assert lines == [
        f"content/pages/{name}.md: lỗi: trang này sẽ ghi vào {name}/index.html (địa chỉ /{name}/), nơi {vi} ghi; "
        f"mỗi địa chỉ chỉ thuộc về một tệp: hãy đổi tên tệp. Ví dụ: gioi-thieu-{name}.md"
    ]


def test_other_page_problems(tree):
    pages = {
        "Gioi Thieu.md": "Title: x\n\nx\n",
        "khong-tieu-de.md": "Slug: khong-tieu-de\n\nx\n",
        "nhieu-dong.md": "Title: Một\n    hai\n\nx\n",
        "lien-ket.md": "Title: x\n\n[a]({static}/../../.git/config) ![b](|attach|x.jpg) [c]({filename}x.md)\n",
        "utf16.md": "Title: x\n".encode("utf-16"),
    }
    lines, _ = check(tree, pages)
    internal = (
        "không được dùng trong trang (nó chép được tệp bất kỳ lên trang web); hãy dùng địa chỉ trang bình "
        "thường. Ví dụ: [Cách đặt hàng](/cach-dat-hang/)"
    )
    assert lines == [
        "content/pages/Gioi Thieu.md: lỗi: tên tệp trang “Gioi Thieu” phải là chữ thường không dấu, số và dấu "
        "gạch ngang (tên tệp là địa chỉ trang); hãy đổi thành “gioi-thieu.md”. Ví dụ: gioi-thieu.md",
        "content/pages/khong-tieu-de.md:1: lỗi: Title: thiếu tiêu đề trang: dòng đầu tệp là Title: <tiêu đề>. "
        "Ví dụ: Title: Giới thiệu Chợ phiên",
        f"content/pages/lien-ket.md:3: lỗi: liên kết nội bộ kiểu Pelican “{{filename}}” {internal}",
        f"content/pages/lien-ket.md:3: lỗi: liên kết nội bộ kiểu Pelican “{{static}}” {internal}",
        f"content/pages/lien-ket.md:3: lỗi: liên kết nội bộ kiểu Pelican “|attach|” {internal}",
        "content/pages/nhieu-dong.md:1: lỗi: Title: giá trị phải nằm trên một dòng (dòng thụt vào phía dưới "
        "cũng bị đọc vào trường này).",
        "content/pages/utf16.md: lỗi: tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8.",
    ]


def test_english_messages(tree):
    content = tree(minimal_tree(**{"pages/gia.md": "Title: x\nSave_as: index.html\n\nx\n"}))
    prepared = prepare(content, content.parent / ".cache")
    assert [p.render("en") for p in prepared.problems.sorted()] == [
        f"{PAGE}:2: error: Save_as: a page cannot choose where it is written: its address is its file name "
        "(content/pages/gia.md → /gia/); “index.html” would overwrite the home page; remove this line (rename "
        "the file to change the address). Example: content/pages/gia.md → /gia/"
    ]


# --- the plugin's last check, on Pelican's own page objects ------------------------------------------


def test_two_sources_writing_one_path_are_all_listed():
    vetted = [PageFile("pages/a.md", "a", "a/index.html"), PageFile("pages/b.md", "b", "a/index.html")]
    problems = check_pelican_pages(
        [("pages/a.md", "a/index.html", "page"), ("pages/b.md", "a/index.html", "page")], vetted, set()
    )
    message = "2 nguồn cùng ghi vào a/index.html: content/pages/a.md, content/pages/b.md; mỗi địa chỉ chỉ thuộc về một tệp."
    assert [p.render() for p in problems.sorted()] == [
        f"content/pages/a.md: lỗi: {message}",
        f"content/pages/b.md: lỗi: {message}",
    ]


def test_last_check_refuses_catalogue_paths_unchecked_files_and_other_templates():
    vetted = [
        PageFile("pages/a.md", "a", "index.html"),
        PageFile("pages/b.md", "b", "tinh/index.html"),
        PageFile("pages/c.md", "c", "c/index.html"),
    ]
    written = [
        ("pages/a.md", "index.html", "page"),
        ("pages/b.md", "tinh/index.html", "page"),
        ("pages/c.md", "c/index.html", "product"),
        ("pages/d.md", "d/index.html", "page"),
    ]
    problems = check_pelican_pages(written, vetted, {"index.html", "tinh/index.html"})
    assert [p.render() for p in problems.sorted()] == [
        "content/pages/a.md: lỗi: 2 nguồn cùng ghi vào index.html: content/pages/a.md, trang chủ; mỗi địa chỉ chỉ "
        "thuộc về một tệp.",
        "content/pages/b.md: lỗi: 2 nguồn cùng ghi vào tinh/index.html: content/pages/b.md, các trang sản phẩm "
        "theo tỉnh; mỗi địa chỉ chỉ thuộc về một tệp.",
        "content/pages/c.md: lỗi: Template: Pelican sẽ dựng trang bằng mẫu “product”; chỉ dùng được: page.",
        "content/pages/d.md: lỗi: Pelican sẽ đọc tệp này nhưng tệp chưa qua kiểm tra nội dung; hãy chạy "
        "chophien validate.",
    ]


# --- builds ---------------------------------------------------------------------------------------------


@pytest.mark.build
@pytest.mark.parametrize(
    "name, text",
    [
        ("gia.md", "Title: Trang giả\nSave_as: index.html\n\nTRANG GIẢ\n"),
        ("gia.md", "Title: Trang giả\nSlug: hop-tac-xa\n\nTRANG GIẢ\n"),
        ("san-pham.md", "Title: Trang giả\n\nTRANG GIẢ\n"),
        ("gia.md", "Title: Trang giả\nTemplate: khong-co\n\nTRANG GIẢ\n"),
        ("gia.md", "Title: Trang giả\nSettings: x\n\nTRANG GIẢ\n"),
    ],
)
def test_hostile_page_is_refused_before_writing_and_removing_it_leaves_the_real_site(tmp_path, name, text):
    content = write_tree(tmp_path, minimal_tree(**{"pages/gioi-thieu.md": GOOD_PAGE}))
    out = tmp_path / "output"
    assert run_pelican(content, out).returncode == 0
    before = snapshot(out)
    (content / "pages" / name).write_text(text, encoding="utf-8")
    result = run_pelican(content, out)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"content/pages/{name}" in result.stderr and "1 lỗi trong 1 tệp" in result.stderr
    assert snapshot(out) == before  # nothing written, nothing removed
    (content / "pages" / name).unlink()
    result = run_pelican(content, out)  # incremental: unchanged catalogue pages are skipped
    assert result.returncode == 0, result.stderr
    after = snapshot(out)
    assert after["index.html"] == before["index.html"]
    assert after["hop-tac-xa/index.html"] == before["hop-tac-xa/index.html"]
    assert not any("TRANG GIẢ".encode() in data for data in after.values())


@pytest.mark.build
def test_page_address_comes_from_its_file_name_not_its_title(tmp_path):
    """Pelican's default slug is the title: “Sản phẩm” wrote over the product listing."""
    content = write_tree(
        tmp_path, minimal_tree(**{"pages/gioi-thieu.md": "Title: Sản phẩm\n\nTRANG GIỚI THIỆU\n"})
    )
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stderr
    assert "TRANG GIỚI THIỆU" in (out / "gioi-thieu/index.html").read_text(encoding="utf-8")
    assert "TRANG GIỚI THIỆU" not in (out / "san-pham/index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_last_check_stops_a_page_the_first_check_missed(tmp_path):
    """If chophien.site.content_pages ever passed a page that Pelican writes elsewhere, the plugin still refuses it."""
    content = write_tree(tmp_path, minimal_tree(**{"pages/gioi-thieu.md": GOOD_PAGE}))
    out = tmp_path / "output"
    assert run_pelican(content, out).returncode == 0
    before = snapshot(out)
    (content / "pages/gia.md").write_text(
        "Title: Trang giả\nSave_as: index.html\n\nTRANG GIẢ\n", encoding="utf-8"
    )
    script = (
        "import sys\n"
        "import chophien.site.build as build\n"
        "from chophien.site.content_pages import PageFile, check_pages\n"
        "def lenient(content, problems, tree=None):\n"
        "    pages, checked = check_pages(content, type(problems)(), tree)\n"
        "    return pages + [PageFile('pages/gia.md', 'gia', 'gia/index.html')], checked\n"
        "build.check_pages = lenient\n"
        "from pelican import main\n"
        "sys.argv = ['pelican', *sys.argv[1:]]\n"
        "main()\n"
    )
    env = dict(os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(tmp_path / ".cache"))
    result = subprocess.run(
        [sys.executable, "-c", script, str(content), "-o", str(out), "-s", str(ROOT / "pelicanconf.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        "content/pages/gia.md: lỗi: Save_as: Pelican sẽ ghi trang vào “index.html”, không phải địa chỉ đã kiểm "
        "tra “gia/index.html”." in result.stderr
    )
    assert snapshot(out) == before


@pytest.mark.build
def test_devserver_error_mode_reads_no_unchecked_page_and_copies_nothing_from_outside(tmp_path):
    """With CHOPHIEN_SHOW_ERRORS the build goes on to show the problems: Pelican still reads only
    checked pages, so a linked page and a {static} link to a file outside content/ publish nothing."""
    secret = tmp_path / "src/secret/s.md"
    secret.parent.mkdir(parents=True)
    secret.write_text("Title: Bí mật\n\nBÍ MẬT\n", encoding="utf-8")
    content = write_tree(tmp_path / "src", minimal_tree(**{"pages/gioi-thieu.md": GOOD_PAGE}))
    (content / "pages/lien-ket.md").symlink_to(secret)
    (content / "pages/tep.md").write_text("Title: x\n\n[x]({static}/../secret/s.md)\n", encoding="utf-8")
    out = tmp_path / "out/output"
    result = run_pelican(content, out, "-e", "CHOPHIEN_SHOW_ERRORS=true")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    written = snapshot(out)
    assert "gioi-thieu/index.html" in written  # the checked page is built
    assert not any(name.startswith(("lien-ket/", "tep/")) for name in written)
    assert not any("BÍ MẬT".encode() in data for data in written.values())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".cache", "output"]  # nothing else


@pytest.mark.build
def test_catalogue_names_cover_every_top_level_output(built_demo):
    """A page may take any top-level name the catalogue does not write: the list must stay complete."""
    pages = {p.stem for p in (ROOT / "content/pages").glob("*.md")}
    for entry in built_demo.iterdir():
        name = entry.name
        assert name in CATALOGUE_NAMES or name in SITE_FILES or name in pages, name


def test_chophien_validate_reports_the_page_with_every_other_problem(tree, capsys):
    from chophien.cli import main as cli_main

    content = tree(
        minimal_tree(
            **{
                "pages/gia.md": "Title: Trang giả\nSave_as: index.html\n\nx\n",
                "pages/hop-tac-xa.md": "Title: Hợp tác xã\n\nx\n",
                "products/htx-che-na-hang/cu/mat-ong.md": "x",
            }
        )
    )
    assert cli_main(["validate", str(content), "--format", "github", "--no-images"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        f"::error file={PAGE},line=2::{PAGE}:2: lỗi: Save_as: {CHOOSES}; “index.html” sẽ ghi đè trang chủ; {NOT_HERE}",
        "::error file=content/pages/hop-tac-xa.md::content/pages/hop-tac-xa.md: lỗi: trang này sẽ ghi vào "
        "hop-tac-xa/index.html (địa chỉ /hop-tac-xa/), nơi các trang hợp tác xã (content/cooperatives/) ghi; mỗi "
        "địa chỉ chỉ thuộc về một tệp: hãy đổi tên tệp. Ví dụ: gioi-thieu-hop-tac-xa.md",
        "::error file=content/products/htx-che-na-hang/cu::content/products/htx-che-na-hang/cu: lỗi: thư mục này "
        "không được đọc: sản phẩm và ảnh nằm ngay trong content/products/<hop-tac-xa>/, không có thư mục con; "
        "hãy chuyển đi hoặc xoá.",
    ]
    assert out[-1] == "3 lỗi trong 3 tệp (đã kiểm tra 4 tệp)"


def test_one_page_with_every_problem_reports_them_step_by_step_in_order(tmp_path):
    """check_pages on its own: the file name, then each header line (duplicates, continued lines,
    then each field in line order), the missing title, then the body's links — every problem once,
    in that order, and no page returned."""
    from chophien.core.problems import ProblemList
    from chophien.site.content_pages import check_pages

    (tmp_path / "content/pages").mkdir(parents=True)
    (tmp_path / "content/pages/san-pham.md").write_text(
        "Status: weird\nColour: red\nColour: blue\nSummary: a\n    b\nLang:\nSlug: khac\nUrl: /x/\n\n"
        "Body {static}/x.png.\n",
        encoding="utf-8",
    )
    problems = ProblemList()
    assert check_pages(tmp_path / "content", problems) == ([], 1)
    where = "content/pages/san-pham.md"
    assert [(p.line, p.field, p.message_en[:40]) for p in problems.items] == [
        (0, "", "this page would write san-pham/index.htm"),
        (3, "Colour", "already given on line 2; each field once"),
        (1, "Status", "“weird” cannot be used; choose one of: p"),
        (2, "Colour", "pages do not use this field; a page's fi"),
        (6, "Lang", "an empty value cannot be used; choose on"),
        (7, "Slug", "“khac” differs from the file name “san-p"),
        (8, "Url", "a page cannot choose where it is written"),
        (1, "Title", "the page title is missing: the file star"),
        (10, "", "Pelican's internal link “{static}” is no"),
    ]
    assert all(p.path == where for p in problems.items)
