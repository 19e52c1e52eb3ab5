"""English versions of the content pages (issue 16): content/pages/en/<slug>.md, checked against their
Vietnamese twin before anything is built, and never written by Pelican itself."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, minimal_tree, run_pelican, write_tree

from chophien.site import content_pages
from chophien.site.build import prepare
from chophien.site.content_pages import (
    CATALOGUE_NAMES,
    ENGLISH_NAMES,
    ENGLISH_PAGE_WORDS,
    PageFile,
    english_url,
)

VI = "Title: Giới thiệu\nSlug: gioi-thieu\n\nXin chào.\n"
EN = "Title: About Chợ phiên\nSlug: gioi-thieu\nLang: en\n\nHello.\n"


def check(tree, pages: dict):
    content = tree(minimal_tree(**{f"pages/{name}": text for name, text in pages.items()}))
    prepared = prepare(content, content.parent / ".cache")
    return [p.render() for p in prepared.problems.sorted()], prepared


def test_english_url_of_the_four_pages_and_of_another():
    assert {slug: english_url(slug) for slug in ENGLISH_PAGE_WORDS} == {
        "gioi-thieu": "en/about/",
        "cach-dat-hang": "en/how-to-order/",
        "dong-gop-noi-dung": "en/contributing/",
        "chinh-sach-rieng-tu": "en/privacy/",
    }
    assert english_url("lien-he") == "en/lien-he/"


def test_an_english_twin_is_accepted_and_pelican_does_not_write_it(tree):
    lines, prepared = check(tree, {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN})
    assert lines == []
    assert prepared.pages == [
        PageFile("pages/gioi-thieu.md", "gioi-thieu", "gioi-thieu/index.html"),
        PageFile("pages/en/gioi-thieu.md", "gioi-thieu", "", "en"),
    ]
    assert [page.output for page in prepared.pages] == ["gioi-thieu/index.html", "en/about/index.html"]


def test_a_draft_english_twin_of_a_draft_page_has_no_output(tree):
    draft = "Status: draft\n"
    lines, prepared = check(
        tree, {"nhap.md": f"Title: Nháp\n{draft}\nx\n", "en/nhap.md": f"Title: Draft\nLang: en\n{draft}\nx\n"}
    )
    assert lines == []
    assert [(p.source, p.save_as, p.output) for p in prepared.pages] == [
        ("pages/nhap.md", "", ""),
        ("pages/en/nhap.md", "", ""),
    ]


MISSING_TWIN = (
    "content/pages/en/gioi-thieuu.md: lỗi: không có trang tiếng Việt content/pages/gioi-thieuu.md: bản tiếng "
    "Anh mang đúng tên tệp của trang tiếng Việt mà nó dịch (trang tiếng Việt viết trước); có phải "
    "“gioi-thieu”? Ví dụ: content/pages/en/gioi-thieu.md"
)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ({"gioi-thieu.md": VI, "en/gioi-thieuu.md": EN.replace("Slug: gioi-thieu\n", "")}, [MISSING_TWIN]),
        (
            {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN.replace("Lang: en", "Lang: vi")},
            [
                "content/pages/en/gioi-thieu.md:3: lỗi: Lang: trang trong content/pages/en/ là bản tiếng Anh: "
                "Lang phải là en (bản tiếng Việt đặt ở content/pages/gioi-thieu.md). Ví dụ: Lang: en"
            ],
        ),
        (
            {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN.replace("Lang: en", "Lang: fr")},
            [
                "content/pages/en/gioi-thieu.md:3: lỗi: Lang: trang trong content/pages/en/ là bản tiếng Anh: "
                "Lang phải là en (bản tiếng Việt đặt ở content/pages/gioi-thieu.md). Ví dụ: Lang: en"
            ],
        ),
        (
            {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN.replace("Lang: en\n", "")},
            [
                "content/pages/en/gioi-thieu.md:3: lỗi: Lang: thiếu dòng Lang: en; trang trong content/pages/en/ "
                "là bản tiếng Anh. Ví dụ: Lang: en"
            ],
        ),
        (
            {"gioi-thieu.md": VI, "gioi-thieu-en.md": EN.replace("Slug: gioi-thieu\n", "")},
            [
                "content/pages/gioi-thieu-en.md:2: lỗi: Lang: bản tiếng Anh đặt trong thư mục content/pages/en/, "
                "cùng tên tệp với trang tiếng Việt: hãy chuyển tệp này thành content/pages/en/gioi-thieu-en.md "
                "(ở đây chỉ dùng Lang: vi hoặc bỏ dòng này). Ví dụ: content/pages/en/gioi-thieu-en.md"
            ],
        ),
        (
            {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN.replace("Slug: gioi-thieu", "Slug: about")},
            [
                "content/pages/en/gioi-thieu.md:2: lỗi: Slug: “about” khác tên tệp “gioi-thieu”: địa chỉ của trang "
                "là tên tệp, nên Slug chỉ được trùng tên tệp hoặc bỏ đi (muốn đổi địa chỉ thì đổi tên tệp). "
                "Ví dụ: Slug: gioi-thieu"
            ],
        ),
        (
            {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN.replace("Lang: en", "Lang: en\nStatus: hidden")},
            [
                "content/pages/en/gioi-thieu.md:4: lỗi: Status: trang tiếng Việt gioi-thieu.md có Status: "
                "published, bản tiếng Anh có Status: hidden; hai bản phải cùng trạng thái (nếu không, Pelican sẽ "
                "ghi bản tiếng Anh vào chỗ của trang tiếng Việt). Ví dụ: Status: published"
            ],
        ),
        (
            {
                "gioi-thieu.md": VI,
                "en/gioi-thieu.md": EN.replace("Lang: en", "Lang: en\nSave_as: en/index.html"),
            },
            [
                "content/pages/en/gioi-thieu.md:4: lỗi: Save_as: trang không được tự chọn nơi ghi: địa chỉ của "
                "trang là tên tệp (content/pages/en/gioi-thieu.md → /gioi-thieu/); “en/index.html” sẽ ghi đè các "
                "trang tiếng Anh; hãy xoá dòng này (muốn đổi địa chỉ thì đổi tên tệp). Ví dụ: "
                "content/pages/gioi-thieu.md → /gioi-thieu/"
            ],
        ),
    ],
    ids=[
        "missing-twin",
        "lang-vi",
        "lang-fr",
        "no-lang",
        "lang-en-at-top-level",
        "other-slug",
        "status",
        "save-as",
    ],
)
def test_hostile_english_pages_are_refused_with_file_line_field_and_example(tree, pages, expected):
    lines, prepared = check(tree, pages)
    assert lines == expected
    assert not prepared.ok
    assert not any(page.lang == "en" for page in prepared.pages)


@pytest.mark.parametrize("word", sorted(set(ENGLISH_NAMES) - set(CATALOGUE_NAMES)))
def test_a_page_whose_english_address_is_an_english_section_is_refused(tree, word):
    lines, prepared = check(
        tree, {f"{word}.md": "Title: x\n\nx\n", f"en/{word}.md": "Title: x\nLang: en\n\nx\n"}
    )
    vi = ENGLISH_NAMES[word][0]
    assert lines == [
        f"content/pages/en/{word}.md: lỗi: bản tiếng Anh này sẽ ghi vào en/{word}/index.html (địa chỉ /en/{word}/), "
        f"nơi {vi} ghi; mỗi địa chỉ chỉ thuộc về một tệp: hãy đổi tên cả trang tiếng Việt lẫn bản tiếng Anh. "
        f"Ví dụ: content/pages/en/gioi-thieu-{word}.md"
    ]
    assert [page.source for page in prepared.pages] == [
        f"pages/{word}.md"
    ]  # the Vietnamese page alone is fine


def test_a_page_named_like_another_pages_english_word_is_refused(tree):
    pages = {"gioi-thieu.md": VI, "en/gioi-thieu.md": EN, "about.md": "Title: x\n\nx\n"}
    pages["en/about.md"] = "Title: x\nLang: en\n\nx\n"
    lines, _ = check(tree, pages)
    assert lines == [
        "content/pages/en/about.md: lỗi: bản tiếng Anh này sẽ ghi vào en/about/index.html (địa chỉ /en/about/), "
        "nơi bản tiếng Anh của gioi-thieu.md ghi; mỗi địa chỉ chỉ thuộc về một tệp: hãy đổi tên cả trang tiếng "
        "Việt lẫn bản tiếng Anh. Ví dụ: content/pages/en/gioi-thieu-about.md"
    ]


def test_an_english_page_named_like_a_section_both_languages_use(tree):
    lines, prepared = check(tree, {"ocop.md": "Title: x\n\nx\n", "en/ocop.md": "Title: x\nLang: en\n\nx\n"})
    assert [line.split(": lỗi: ")[0] for line in lines] == [
        "content/pages/en/ocop.md",
        "content/pages/ocop.md",
    ]
    assert "en/ocop/index.html" in lines[0] and "ocop/index.html (địa chỉ /ocop/)" in lines[1]
    assert prepared.pages == []


def test_other_folders_are_refused(tree):
    pages = {
        "gioi-thieu.md": VI,
        "en/gioi-thieu.md": EN,
        "fr/gioi-thieu.md": EN.replace("Lang: en", "Lang: fr"),
        "en/cu/gioi-thieu.md": EN,
        "en/ghi-chu.txt": "x",
    }
    lines, prepared = check(tree, pages)
    top = "content/pages/ chỉ chứa các trang <ten-trang>.md và thư mục en/ (bản tiếng Anh), không có thư mục con khác"
    en = "content/pages/en/ chỉ chứa bản tiếng Anh <ten-trang>.md của các trang, không có thư mục con"
    assert lines == [
        f"content/pages/en/cu: lỗi: thư mục này không được đọc: {en}; hãy chuyển đi hoặc xoá.",
        f"content/pages/en/ghi-chu.txt: lỗi: tệp này không được đọc: {en}; hãy chuyển đi hoặc xoá.",
        f"content/pages/fr: lỗi: thư mục này không được đọc: {top}; hãy chuyển đi hoặc xoá.",
    ]
    assert [page.source for page in prepared.pages] == ["pages/gioi-thieu.md", "pages/en/gioi-thieu.md"]


def test_english_message(tree):
    content = tree(minimal_tree(**{"pages/gioi-thieu.md": VI, "pages/en/gioi-thieuu.md": EN}))
    prepared = prepare(content, content.parent / ".cache")
    assert [p.render("en") for p in prepared.problems.sorted()][0].startswith(
        "content/pages/en/gioi-thieuu.md: error: there is no Vietnamese page content/pages/gioi-thieuu.md: an "
        "English version has the file name of the Vietnamese page it translates"
    )


# --- the repository's own pages ----------------------------------------------------------------------


def test_the_four_pages_have_english_versions_that_pass():
    folder = ROOT / "content/pages"
    assert sorted(p.name for p in (folder / "en").glob("*.md")) == sorted(p.name for p in folder.glob("*.md"))
    from chophien.core.problems import ProblemList

    problems = ProblemList()
    pages, checked = content_pages.check_pages(ROOT / "content", problems)
    assert [p.render() for p in problems.sorted()] == [] and checked == 8
    assert sorted(p.output for p in pages if p.lang == "en") == [
        "en/about/index.html",
        "en/contributing/index.html",
        "en/how-to-order/index.html",
        "en/privacy/index.html",
    ]


LINK = re.compile(r"\]\((/[^)\s]*|\.\./[^)\s]*)\)")


@pytest.mark.parametrize("name", sorted(ENGLISH_PAGE_WORDS), ids=sorted(ENGLISH_PAGE_WORDS))
def test_english_pages_link_to_english_addresses(name):
    text = (ROOT / "content/pages/en" / f"{name}.md").read_text(encoding="utf-8")
    assert re.search(r"^Lang: en$", text, re.M) and re.search(r"^Slug: " + name + "$", text, re.M)
    title = re.search(r"^Title: (.+)$", text, re.M).group(1)
    assert title.isascii() or "Chợ phiên" in title  # an English title
    for link in LINK.findall(text):
        if link.startswith("/admin/") or link == f"/{name}/":
            continue  # the CMS has one address; a pointer to the Vietnamese version is on purpose
        assert link.startswith("/en/"), link


# --- Pelican itself ----------------------------------------------------------------------------------


@pytest.mark.build
def test_pelican_writes_the_vietnamese_page_only_and_reads_the_english_one_as_its_translation(tmp_path):
    content = write_tree(
        tmp_path,
        minimal_tree(
            **{"pages/gioi-thieu.md": VI, "pages/en/gioi-thieu.md": EN.replace("Hello", "HELLO EN")}
        ),
    )
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stderr
    assert "Xin chào" in (out / "gioi-thieu/index.html").read_text(encoding="utf-8")
    written = [p for p in out.rglob("*") if p.is_file() and b"HELLO EN" in p.read_bytes()]
    # chophien's generator renders it, once, at its English address, not Pelican at its own.
    assert [p.relative_to(out).as_posix() for p in written] == ["en/about/index.html"]
    english = written[0].read_text(encoding="utf-8")
    assert '<html lang="en">' in english and 'hreflang="vi" lang="vi">Tiếng Việt</a>' in english
    assert 'href="/en/about/"' in (out / "gioi-thieu/index.html").read_text(encoding="utf-8")
