"""content/pages: the header lines Pelican reads from a page, checked like any other field, and
the one-owner rule for output paths (a page never writes where the catalogue writes).

A page's address is its file name, `content/pages/<slug>.md` → `/<slug>/`: `Save_as` and `URL`
are refused, `Slug` may only repeat the file name, and a slug the catalogue uses at the top of
the site (`san-pham`, `hop-tac-xa`, …) is refused, all before anything is written. The header is
read by Markdown's own `meta` extension, the code Pelican's Markdown reader uses, so the keys
checked here are the keys Pelican sees. The Pelican plugin checks Pelican's page objects once
more before they are written (`check_pelican_pages`).

English versions (issue 16) live in `content/pages/en/<slug>.md`, with the same file name as the
Vietnamese page they translate and a `Lang: en` header: Pelican links the two as translations and,
with PAGE_LANG_SAVE_AS = "", writes only the Vietnamese one; chophien's generator renders the
English page at `english_url(slug)` (/en/about/ for gioi-thieu, /en/<slug>/ for another page).
An English page without its Vietnamese twin, with another Lang, with a different Status, or whose
English address is a word the English catalogue uses (products, …) is refused; so is `Lang: en`
outside en/ and any other folder (content_tree).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import markdown
from markdown.extensions.meta import BEGIN_RE, END_RE, META_MORE_RE, META_RE

from chophien.catalogue.content_tree import Tree
from chophien.core.problems import ProblemList
from chophien.core.text import SLUG, did_you_mean, hint, nfc, slugify
from chophien.site import i18n, urls

MAX_PAGE_BYTES = 256 * 1024  # as for cooperative and product files
# Header keys a page may use (as Pelican lowercases them) → how the docs spell them.
KEYS = {
    "title": "Title",
    "slug": "Slug",
    "summary": "Summary",
    "status": "Status",
    "template": "Template",
    "lang": "Lang",
}
STATUSES = ("published", "hidden", "draft")
TEMPLATES = ("page",)  # theme/templates/page.html; the others need the catalogue's context
LANGS = ("vi",)  # a page in content/pages/
ENGLISH_FOLDER = "en"  # content/pages/en/<slug>.md: the English version of content/pages/<slug>.md
ENGLISH_LANG = "en"
# The English address word of the content pages every site has; another page's English address is
# its file name (english_url).
ENGLISH_PAGE_WORDS = i18n.CONTENT_PAGES  # gioi-thieu → about, …: one table, the editions' (site/i18n.py)
# Top-level names under en/ that the English edition of the catalogue writes (DESIGN §4; the English
# words of chophien.site.i18n.SECTIONS): no English page may take one.
ENGLISH_NAMES: dict[str, tuple[str, str]] = {
    "products": ("các trang sản phẩm tiếng Anh", "the English product pages"),
    "cooperatives": ("các trang hợp tác xã tiếng Anh", "the English cooperative pages"),
    "categories": ("các trang danh mục tiếng Anh", "the English category listings"),
    "provinces": ("các trang tỉnh tiếng Anh", "the English province listings"),
    "ethnic-groups": ("các trang dân tộc tiếng Anh", "the English ethnic group listings"),
    "ocop": ("các trang OCOP tiếng Anh", "the English OCOP listings"),
    "assessment": ("các trang đánh giá tiếng Anh", "the English assessment pages"),
    "search": ("trang tìm kiếm tiếng Anh", "the English search page"),
    "order-list": ("trang danh sách đơn hàng tiếng Anh", "the English order list page"),
    "figures": ("trang số liệu tiếng Anh", "the English figures page"),
    "en": ("các trang tiếng Anh", "the English pages"),
}
# Pelican's internal links: {static}/{attach} copy any file they name (even ../../x) onto the site.
INTRASITE = re.compile(r"[{|](static|attach|filename|index|tag|category|author)[|}]")

# Top-level names of the site that the catalogue writes (or will write, DESIGN §4), with who
# writes there. A page may not take one: tests/site/test_output_owners.py checks this list against
# a built site.
CATALOGUE_NAMES: dict[str, tuple[str, str]] = {
    "san-pham": ("các trang sản phẩm (content/products/)", "the product pages (content/products/)"),
    "hop-tac-xa": (
        "các trang hợp tác xã (content/cooperatives/)",
        "the cooperative pages (content/cooperatives/)",
    ),
    "danh-muc": ("các trang danh mục sản phẩm", "the category listings"),
    "tinh": ("các trang sản phẩm theo tỉnh", "the province listings"),
    "dan-toc": ("các trang sản phẩm theo dân tộc", "the ethnic group listings"),
    "ocop": ("các trang sản phẩm OCOP", "the OCOP listings"),
    "tim-kiem": ("trang tìm kiếm và chỉ mục tìm kiếm", "the search page and index"),
    "danh-gia": ("các trang đánh giá (content/assessments/)", "the assessment pages (content/assessments/)"),
    "so-lieu": ("trang số liệu của chương trình", "the programme's figures page"),
    "don-hang": ("trang danh sách đơn hàng", "the order list page"),
    "ngoai-tuyen": ("trang xem khi mất sóng", "the offline page"),
    "en": ("các trang tiếng Anh", "the English pages"),
    "media": ("ảnh đã xử lý", "the processed photos"),
    "theme": ("giao diện (CSS, JavaScript)", "the theme files (CSS, JavaScript)"),
    "admin": ("trang quản trị nội dung (CMS)", "the content admin (CMS)"),
    "page": ("các trang phân trang", "the pagination pages"),
    "pages": ("các trang của Pelican", "Pelican's own pages"),
    "drafts": ("các bản nháp của Pelican", "Pelican's drafts"),
}
SITE_FILES: dict[str, tuple[str, str]] = {
    "index.html": ("trang chủ", "the home page"),
    "404.html": ("trang “không tìm thấy”", "the “not found” page"),
    "robots.txt": ("tệp robots.txt", "robots.txt"),
    "sitemap.xml": ("sơ đồ trang sitemap.xml", "the sitemap.xml"),
    "_headers": ("tệp cấu hình máy chủ _headers", "the _headers server file"),
    ".htaccess": ("tệp cấu hình máy chủ .htaccess", "the .htaccess server file"),
    "sw.js": ("service worker giúp xem khi mất sóng", "the offline service worker"),
    "manifest.webmanifest": ("tệp mô tả ứng dụng web", "the web app manifest"),
    urls.member_catalogue(): (
        "danh mục cho trang quốc gia (danh-muc.json)",
        "the member catalogue (danh-muc.json)",
    ),
}


def english_url(slug: str) -> str:
    """The address of the English version of content page *slug* (relative to the site root).

    >>> english_url("gioi-thieu"), english_url("lien-he")
    ('en/about/', 'en/lien-he/')
    """
    return i18n.content_page_english(slug)


@dataclass(frozen=True)
class PageFile:
    """A checked page: its source (relative to content/, as Pelican names it) and output path."""

    source: str  # "pages/gioi-thieu.md"; "pages/en/gioi-thieu.md" for an English page
    slug: str
    save_as: str  # what Pelican writes: "gioi-thieu/index.html"; "" for a draft or an English page
    lang: str = "vi"
    status: str = "published"

    @property
    def output(self) -> str:
        """Where the page is on the site: save_as for a Vietnamese page; for a published or hidden
        English page english_url(slug) + "index.html", rendered by chophien, not Pelican; "" for a draft."""
        if self.lang != ENGLISH_LANG:
            return self.save_as
        return "" if self.status == "draft" else english_url(self.slug) + "index.html"


@dataclass
class _Line:
    number: int
    key: str  # as typed
    more: int = 0  # continuation lines


def _header_lines(text: str) -> list[_Line]:
    """Header lines with their numbers, read the way markdown.extensions.meta reads them."""
    lines = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: list[_Line] = []
    start = 1 if lines and BEGIN_RE.match(lines[0]) else 0
    for number, line in enumerate(lines[start:], start + 1):
        line = line.expandtabs(4)
        if line.strip() == "" or END_RE.match(line):
            break
        match = META_RE.match(line)
        if match:
            found.append(_Line(number, match.group("key").strip()))
        elif META_MORE_RE.match(line) and found:
            found[-1].more += 1
        else:
            break
    return found


def owner_of(path: str) -> tuple[str, str] | None:
    """Who writes *path* (relative to the output folder) besides content/pages, if anyone."""
    if path in SITE_FILES:
        return SITE_FILES[path]
    top = path.split("/", 1)[0]
    if top in CATALOGUE_NAMES:
        return CATALOGUE_NAMES[top]
    return None


def _target(value: str) -> tuple[str, str]:
    """What writing to *value* would overwrite, as a clause for a message (vi, en)."""
    raw = value.strip().replace("\\", "/")
    normal = PurePosixPath(raw)
    if raw.startswith("/") or re.match(r"[A-Za-z]:", raw) or ".." in normal.parts:
        return (
            f"; “{value}” còn nằm ngoài thư mục của trang web",
            f"; “{value}” even lies outside the site's folder",
        )
    name = "index.html" if str(normal) == "." else str(normal)
    owner = owner_of(name) or owner_of(f"{name}/index.html".lstrip("/"))
    if owner:
        return (f"; “{value}” sẽ ghi đè {owner[0]}", f"; “{value}” would overwrite {owner[1]}")
    return "", ""


class _PageCheck:
    def __init__(self, content: Path, problems: ProblemList):
        self.content = content
        self.problems = problems

    def display(self, path: Path) -> str:
        try:
            return nfc(path.relative_to(self.content.parent).as_posix())
        except ValueError:
            return nfc(path.as_posix())

    def check(self, path: Path, twins: dict[str, PageFile | None] | None = None) -> PageFile | None:
        """The page's output file, or None after every problem of *path* is reported.

        *twins* is given for an English page (content/pages/en/): the Vietnamese pages by slug
        (None for one with errors)."""
        shown = self.display(path)
        errors = len(self.problems.errors)

        def report(line: int, field: str, vi: str, en: str, example: str = "") -> None:
            self.problems.add(shown, line, 0, field, vi, en, example)

        stem = path.stem
        english = twins is not None
        self._check_name(report, stem, english)
        if english:
            self._check_twin(report, stem, twins)
        text = self._read(report, path)
        if text is None:
            return None
        meta, lines, line_of = self._read_header(report, text)
        values = {name: items[0] if items else "" for name, items in meta.items()}
        for name in sorted(meta, key=lambda n: line_of.get(n, (0, n))):
            line, typed = line_of.get(name, (0, name))
            self._check_field(report, name, typed, line, values[name], shown, stem, english)
        self._check_title(report, values, line_of)
        status = values.get("status") or "published"
        if english:
            self._check_english_header(report, values, line_of, lines, stem, status, twins)
        self._check_body(report, text, lines)
        if len(self.problems.errors) != errors:
            return None
        if english:
            return PageFile(f"pages/{ENGLISH_FOLDER}/{path.name}", stem, "", ENGLISH_LANG, status)
        draft = status == "draft"
        return PageFile(f"pages/{path.name}", stem, "" if draft else f"{stem}/index.html", "vi", status)

    @staticmethod
    def _check_twin(report, stem: str, twins: dict[str, PageFile | None]) -> None:
        """An English page translates the Vietnamese page of the same file name, at an English
        address nothing else writes."""
        if not SLUG.fullmatch(stem):
            return  # _check_name reported the name
        if stem not in twins:
            guess = did_you_mean(stem, sorted(twins))
            hint_vi, hint_en = hint(guess)
            report(
                0,
                "",
                f"không có trang tiếng Việt content/pages/{stem}.md: bản tiếng Anh mang đúng tên tệp của "
                f"trang tiếng Việt mà nó dịch (trang tiếng Việt viết trước){hint_vi}",
                f"there is no Vietnamese page content/pages/{stem}.md: an English version has the file "
                f"name of the Vietnamese page it translates (the Vietnamese page comes first){hint_en}",
                f"content/pages/{ENGLISH_FOLDER}/{guess or 'gioi-thieu'}.md",
            )
            return
        word = english_url(stem).split("/")[1]
        taken_by = [slug for slug, other in ENGLISH_PAGE_WORDS.items() if other == word and slug != stem]
        if word in ENGLISH_NAMES or taken_by:
            vi, en = (
                ENGLISH_NAMES[word]
                if word in ENGLISH_NAMES
                else (f"bản tiếng Anh của {taken_by[0]}.md", f"the English version of {taken_by[0]}.md")
            )
            report(
                0,
                "",
                f"bản tiếng Anh này sẽ ghi vào {english_url(stem)}index.html (địa chỉ /{english_url(stem)}), "
                f"nơi {vi} ghi; mỗi địa chỉ chỉ thuộc về một tệp: hãy đổi tên cả trang tiếng Việt "
                "lẫn bản tiếng Anh",
                f"this English version would write {english_url(stem)}index.html (address "
                f"/{english_url(stem)}), where {en} write; each address belongs to one file: rename "
                "both the Vietnamese page and its English version",
                f"content/pages/{ENGLISH_FOLDER}/gioi-thieu-{stem}.md",
            )

    @staticmethod
    def _check_english_header(report, values, line_of, lines, stem, status, twins) -> None:
        """`Lang: en` is required (a wrong value is reported by _check_field); the Status is the
        Vietnamese page's, or Pelican would write the English page in its place."""
        if "lang" not in values:
            line = (lines[-1].number + 1) if lines else 1
            report(
                line,
                "Lang",
                "thiếu dòng Lang: en; trang trong content/pages/en/ là bản tiếng Anh",
                "the Lang: en line is missing; a page in content/pages/en/ is an English version",
                "Lang: en",
            )
        twin = twins.get(stem)
        if twin is not None and twin.status != status:
            line, typed = line_of.get("status", (line_of.get("title", (1, ""))[0], "Status"))
            report(
                line,
                typed,
                f"trang tiếng Việt {stem}.md có Status: {twin.status}, bản tiếng Anh có Status: {status}; "
                "hai bản phải cùng trạng thái (nếu không, Pelican sẽ ghi bản tiếng Anh vào chỗ của "
                "trang tiếng Việt)",
                f"the Vietnamese page {stem}.md has Status: {twin.status}, the English version Status: "
                f"{status}; both must have the same status (otherwise Pelican writes the English version "
                "in the Vietnamese page's place)",
                f"Status: {twin.status}",
            )

    @staticmethod
    def _check_name(report, stem: str, english: bool = False) -> None:
        """The file name is the page's address: a slug, and not one the catalogue writes (for an
        English page, _check_twin checks its English address)."""
        if not (SLUG.fullmatch(stem) and unicodedata.is_normalized("NFC", stem)):
            suggestion = slugify(stem) or "trang"
            report(
                0,
                "",
                f"tên tệp trang “{nfc(stem)}” phải là chữ thường không dấu, số và dấu gạch ngang "
                f"(tên tệp là địa chỉ trang); hãy đổi thành “{suggestion}.md”",
                f"page file name “{nfc(stem)}” must be lowercase ASCII letters, digits and dashes "
                f"(the file name is the page's address); rename it to “{suggestion}.md”",
                f"{suggestion}.md",
            )
        elif stem in CATALOGUE_NAMES and not english:
            vi, en = CATALOGUE_NAMES[stem]
            report(
                0,
                "",
                f"trang này sẽ ghi vào {stem}/index.html (địa chỉ /{stem}/), nơi {vi} ghi; mỗi địa chỉ "
                "chỉ thuộc về một tệp: hãy đổi tên tệp",
                f"this page would write {stem}/index.html (address /{stem}/), where {en} write; each address "
                "belongs to one file: rename the file",
                f"gioi-thieu-{stem}.md",
            )

    @staticmethod
    def _read(report, path: Path) -> str | None:
        """The file's text as Pelican reads it, or None when it is unreadable, too large or not UTF-8."""
        try:
            raw = path.read_bytes()
        except OSError as error:
            report(0, "", f"không đọc được tệp ({error.strerror})", f"cannot read file ({error.strerror})")
            return None
        if len(raw) > MAX_PAGE_BYTES:
            report(
                0,
                "",
                f"tệp quá lớn ({len(raw) // 1024} KB; tối đa {MAX_PAGE_BYTES // 1024} KB)",
                f"file too large ({len(raw) // 1024} KB; at most {MAX_PAGE_BYTES // 1024} KB)",
            )
            return None
        try:
            return raw.decode("utf-8-sig")  # as Pelican opens it
        except UnicodeDecodeError:
            report(
                0,
                "",
                "tệp không phải UTF-8; hãy lưu lại với bảng mã UTF-8",
                "the file is not UTF-8; save it again as UTF-8",
            )
            return None

    @staticmethod
    def _read_header(report, text: str) -> tuple[dict[str, list[str]], list, dict[str, tuple[int, str]]]:
        """(fields as Markdown's meta extension reads them, header lines, field → (line, name as
        typed)); a field given twice, or continued on an indented line, is reported."""
        reader = markdown.Markdown(extensions=["meta"])
        reader.convert(text)
        meta: dict[str, list[str]] = getattr(reader, "Meta", {}) or {}
        lines = _header_lines(text)
        line_of = {}
        for entry in lines:
            name = entry.key.lower()
            if name in line_of and name in meta:
                report(
                    entry.number,
                    entry.key,
                    f"đã khai báo ở dòng {line_of[name][0]}; mỗi trường chỉ một dòng",
                    f"already given on line {line_of[name][0]}; each field once",
                )
                continue
            line_of[name] = (entry.number, entry.key)
            if entry.more and name != "summary":
                report(
                    entry.number,
                    entry.key,
                    "giá trị phải nằm trên một dòng (dòng thụt vào phía dưới cũng bị đọc vào trường này)",
                    "the value must fit on one line (the indented line below is read into this field too)",
                )
        return meta, lines, line_of

    def _check_field(
        self,
        report,
        name: str,
        typed: str,
        line: int,
        value: str,
        shown: str,
        stem: str,
        english: bool = False,
    ) -> None:
        """One header field: not an output path, a field pages use, a Slug equal to the file name,
        a status, template or language from its list (en in content/pages/en/, vi elsewhere)."""
        if name in ("save_as", "url"):
            self._refuse_output_path(report, typed, line, value, shown, stem)
        elif name not in KEYS:
            self._refuse_unknown_field(report, name, typed, line)
        elif name == "slug" and value != stem:
            self._refuse_other_slug(report, typed, line, value, stem)
        elif name == "lang" and english and value != ENGLISH_LANG:
            report(
                line,
                typed,
                f"trang trong content/pages/{ENGLISH_FOLDER}/ là bản tiếng Anh: Lang phải là en "
                f"(bản tiếng Việt đặt ở content/pages/{stem}.md)",
                f"a page in content/pages/{ENGLISH_FOLDER}/ is an English version: Lang must be en "
                f"(the Vietnamese page goes in content/pages/{stem}.md)",
                f"{typed}: en",
            )
        elif name == "lang" and not english and value == ENGLISH_LANG:
            report(
                line,
                typed,
                f"bản tiếng Anh đặt trong thư mục content/pages/{ENGLISH_FOLDER}/, cùng tên tệp với trang "
                f"tiếng Việt: hãy chuyển tệp này thành content/pages/{ENGLISH_FOLDER}/{stem}.md (ở đây chỉ "
                "dùng Lang: vi hoặc bỏ dòng này)",
                f"an English version goes in the folder content/pages/{ENGLISH_FOLDER}/, with the Vietnamese "
                f"page's file name: move this file to content/pages/{ENGLISH_FOLDER}/{stem}.md (here only "
                "Lang: vi, or no Lang line)",
                f"content/pages/{ENGLISH_FOLDER}/{stem}.md",
            )
        elif name in ("status", "template") or (name == "lang" and not english):
            self._check_choice(report, name, typed, line, value)

    @staticmethod
    def _refuse_output_path(report, typed: str, line: int, value: str, shown: str, stem: str) -> None:
        clause_vi, clause_en = _target(value)
        report(
            line,
            typed,
            f"trang không được tự chọn nơi ghi: địa chỉ của trang là tên tệp ({shown} → /{stem}/)"
            f"{clause_vi}; hãy xoá dòng này (muốn đổi địa chỉ thì đổi tên tệp)",
            f"a page cannot choose where it is written: its address is its file name ({shown} → /{stem}/)"
            f"{clause_en}; remove this line (rename the file to change the address)",
            f"content/pages/{stem}.md → /{stem}/",
        )

    @staticmethod
    def _refuse_unknown_field(report, name: str, typed: str, line: int) -> None:
        guess = did_you_mean(name, list(KEYS.values()))
        hint_vi, hint_en = hint(guess)
        report(
            line,
            typed,
            f"trang không dùng trường này; các trường của trang: {', '.join(KEYS.values())}{hint_vi}",
            f"pages do not use this field; a page's fields are: {', '.join(KEYS.values())}{hint_en}",
            f"{guess}: …" if guess else "Title: Giới thiệu",
        )

    @staticmethod
    def _refuse_other_slug(report, typed: str, line: int, value: str, stem: str) -> None:
        report(
            line,
            typed,
            f"“{value}” khác tên tệp “{stem}”: địa chỉ của trang là tên tệp, nên Slug chỉ được trùng "
            "tên tệp hoặc bỏ đi (muốn đổi địa chỉ thì đổi tên tệp)",
            f"“{value}” differs from the file name “{stem}”: the page's address is its file name, so "
            "Slug may only repeat it or be left out (rename the file to change the address)",
            f"Slug: {stem}",
        )

    @staticmethod
    def _check_choice(report, name: str, typed: str, line: int, value: str) -> None:
        allowed = {"status": STATUSES, "template": TEMPLATES, "lang": LANGS}[name]
        if value not in allowed:
            shown_vi, shown_en = (
                (f"“{value}”", f"“{value}”") if value else ("giá trị trống", "an empty value")
            )
            report(
                line,
                typed,
                f"{shown_vi} không dùng được; chọn một trong: {', '.join(allowed)}",
                f"{shown_en} cannot be used; choose one of: {', '.join(allowed)}",
                f"{typed}: {allowed[0]}",
            )

    @staticmethod
    def _check_title(report, values: dict[str, str], line_of: dict[str, tuple[int, str]]) -> None:
        if not values.get("title", "").strip():
            line = line_of.get("title", (1, ""))[0]
            report(
                line,
                "Title",
                "thiếu tiêu đề trang: dòng đầu tệp là Title: <tiêu đề>",
                "the page title is missing: the file starts with Title: <title>",
                "Title: Giới thiệu Chợ phiên",
            )

    @staticmethod
    def _check_body(report, text: str, lines: list) -> None:
        """No Pelican intrasite link ({static}, {attach}, …) below the header."""
        body_from = (lines[-1].number + lines[-1].more) if lines else 0
        for number, line in enumerate(text.replace("\r\n", "\n").split("\n")[body_from:], body_from + 1):
            for match in INTRASITE.finditer(line):
                report(
                    number,
                    "",
                    f"liên kết nội bộ kiểu Pelican “{match.group(0)}” không được dùng trong trang (nó chép "
                    "được tệp bất kỳ lên trang web); hãy dùng địa chỉ trang bình thường",
                    f"Pelican's internal link “{match.group(0)}” is not allowed in pages (it can copy any "
                    "file onto the site); use a plain site address",
                    "[Cách đặt hàng](/cach-dat-hang/)",
                )


def check_pages(
    content: str | Path, problems: ProblemList, tree: Tree | None = None
) -> tuple[list[PageFile], int]:
    """Check every content/pages/<slug>.md; return the pages without errors and the files checked.

    English versions in content/pages/en/<slug>.md are checked after the Vietnamese pages, against
    them. content_tree reports everything else in content/pages/ (other sub-folders, other file
    types, hidden names, links): Pelican is given only the pages returned here.
    """
    content = Path(content)
    folder = content / "pages"
    tree = tree or Tree()
    if tree.is_refused(folder) or not folder.is_dir() or folder.is_symlink():
        return [], 0
    checker = _PageCheck(content, problems)
    pages, checked = [], 0
    twins: dict[str, PageFile | None] = {}
    for path in _page_files(folder, tree):
        checked += 1
        page = checker.check(path)
        twins[path.stem] = page
        if page is not None:
            pages.append(page)
    english = folder / ENGLISH_FOLDER
    if english.is_dir() and not english.is_symlink() and not tree.is_refused(english):
        for path in _page_files(english, tree):
            checked += 1
            page = checker.check(path, twins)
            if page is not None:
                pages.append(page)
    return pages, checked


def _page_files(folder: Path, tree: Tree) -> list[Path]:
    """The folder's <name>.md files, without hidden names, links and refused entries (content_tree's)."""
    return [
        path
        for path in sorted(folder.iterdir())
        if not (path.name.startswith(".") or path.suffix != ".md" or path.is_symlink() or not path.is_file())
        and not tree.is_refused(path)
    ]


def check_pelican_pages(
    written: list[tuple[str, str, str]],
    vetted: list[PageFile],
    catalogue: set[str],
    content_label: str = "content",
) -> ProblemList:
    """The last check before Pelican writes its pages: the (source, save_as, template) it would write.

    Every page must be one checked here, at the output path checked here, with a page template;
    no two files may share an output path, and none may take a path (or the top folder of a path)
    the catalogue writes (*catalogue*: its output paths).
    """
    problems = ProblemList()
    expected = {page.source: page.save_as for page in vetted}
    by_path = _checked_outputs(written, expected, content_label, problems)
    _report_shared_outputs(by_path, catalogue, problems)
    return problems


def _checked_outputs(
    written: list[tuple[str, str, str]], expected: dict[str, str], content_label: str, problems: ProblemList
) -> dict[str, list[str]]:
    """Output path → the pages that write it, for the pages Pelican would write as checked (a page
    template, a checked source, its checked path); every other page is a problem."""
    by_path: dict[str, list[str]] = {}
    for source, save_as, template in written:
        shown = f"{content_label}/{source}"
        if template not in TEMPLATES:
            problems.add(
                shown,
                field="Template",
                vi=f"Pelican sẽ dựng trang bằng mẫu “{template}”; chỉ dùng được: {', '.join(TEMPLATES)}",
                en=f"Pelican would render the page with template “{template}”; only {', '.join(TEMPLATES)} can be used",
            )
        if source not in expected:
            problems.add(
                shown,
                vi="Pelican sẽ đọc tệp này nhưng tệp chưa qua kiểm tra nội dung; hãy chạy chophien validate",
                en="Pelican would read this file but it was not checked; run chophien validate",
            )
            continue
        if save_as != expected[source]:
            problems.add(
                shown,
                field="Save_as",
                vi=f"Pelican sẽ ghi trang vào “{save_as}”, không phải địa chỉ đã kiểm tra “{expected[source]}”",
                en=f"Pelican would write the page to “{save_as}”, not the checked address “{expected[source]}”",
            )
            continue
        if save_as:
            by_path.setdefault(save_as, []).append(shown)
    return by_path


def _report_shared_outputs(by_path: dict[str, list[str]], catalogue: set[str], problems: ProblemList) -> None:
    """Every output path written by two pages, or by a page and the catalogue (a path it writes,
    or under one of its top folders): each page is a problem that names every source."""
    top_folders = set(CATALOGUE_NAMES) | {path.split("/", 1)[0] for path in catalogue if "/" in path}
    for save_as, sources in sorted(by_path.items()):
        owner = owner_of(save_as)
        if save_as in catalogue or save_as.split("/", 1)[0] in top_folders:
            owner = owner or ("trang của danh mục", "a catalogue page")
        if len(sources) < 2 and owner is None:
            continue
        names = ", ".join(sources + ([f"{owner[0]}"] if owner else []))
        names_en = ", ".join(sources + ([f"{owner[1]}"] if owner else []))
        count = len(sources) + (1 if owner else 0)
        for shown in sources:
            problems.add(
                shown,
                vi=f"{count} nguồn cùng ghi vào {save_as}: {names}; mỗi địa chỉ chỉ thuộc về một tệp",
                en=f"{count} sources write {save_as}: {names_en}; each address belongs to one file",
            )
