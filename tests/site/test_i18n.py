"""The English edition's addresses, pages and formats (chophien/site/i18n.py), and the built sample."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from chophien.site import i18n, urls
from chophien.site.page import Page
from tests.factories import make_product

ENGLISH_TWINS = [
    ("", "en/"),
    ("404.html", "en/404.html"),
    ("san-pham/", "en/products/"),
    ("san-pham/page/2/", "en/products/page/2/"),
    ("san-pham/htx-che/che-xanh/", "en/products/htx-che/che-xanh/"),
    ("hop-tac-xa/htx-che/", "en/cooperatives/htx-che/"),
    ("danh-muc/che/", "en/categories/che/"),
    ("tinh/tuyen-quang/page/3/", "en/provinces/tuyen-quang/page/3/"),
    ("dan-toc/hmong/", "en/ethnic-groups/hmong/"),
    ("ocop/", "en/ocop/"),
    ("ocop/4-sao/", "en/ocop/4-stars/"),
    ("danh-gia/", "en/assessment/"),
    ("danh-gia/so-sanh/", "en/assessment/comparison/"),
    ("danh-gia/phuong-phap/dbi-2021/", "en/assessment/methodology/dbi-2021/"),
    ("danh-gia/tu-danh-gia/", "en/assessment/self-assessment/"),
    ("danh-gia/tu-danh-gia/dbi-2021/", "en/assessment/self-assessment/dbi-2021/"),
    ("danh-gia/khao-sat-2022/", "en/assessment/khao-sat-2022/"),
    ("danh-gia/khao-sat-2022/theo-tinh/", "en/assessment/khao-sat-2022/by-province/"),
    ("tim-kiem/", "en/search/"),
    ("don-hang/", "en/order-list/"),
    ("so-lieu/", "en/figures/"),  # the programme's figures (site/figures_pages.py)
    ("gioi-thieu/", "en/about/"),
    ("cach-dat-hang/", "en/how-to-order/"),
    ("dong-gop-noi-dung/", "en/contributing/"),
    ("chinh-sach-rieng-tu/", "en/privacy/"),
]


@pytest.mark.parametrize(("vietnamese", "english"), ENGLISH_TWINS)
def test_every_page_address_has_its_english_twin(vietnamese, english):
    assert i18n.english_path(vietnamese) == english
    assert i18n.english_path(english) == english  # idempotent: composing never doubles /en/


@pytest.mark.parametrize(
    "address",
    [
        "danh-gia/khao-sat-2022/du-lieu.csv",  # open data: one file for both editions
        "so-lieu/du-lieu.csv",
        "so-lieu/du-lieu.json",
        "hop-tac-xa/htx-che/in/",  # the printed price list
        "hop-tac-xa/htx-che/don-hang.json",
        "san-pham/atom.xml",
        "ngoai-tuyen/",  # the offline page belongs to the service worker
        "admin/",
        "sw.js",
        "media/abc.avif",
    ],
)
def test_files_and_machinery_have_no_twin(address):
    assert i18n.english_path(address) is None


def test_a_slug_that_looks_like_a_section_word_stays_a_slug():
    # Only the first segment (and the assessment's own words) is a section word.
    assert i18n.english_path("san-pham/tinh/danh-muc/") == "en/products/tinh/danh-muc/"
    assert i18n.english_path("hop-tac-xa/so-sanh/") == "en/cooperatives/so-sanh/"


def test_english_urls_translate_page_addresses_only():
    english = i18n.EnglishUrls(urls)
    product = make_product()
    assert english.product(product) == "en/" + product.url.replace("san-pham/", "products/", 1)
    assert english.ocop_stars(3) == "en/ocop/3-stars/"
    assert english.search_query("{q}") == "en/search/?q={q}"
    assert english.media("x.avif") == urls.media("x.avif")
    assert english.print_sheet(product.cooperative) == urls.print_sheet(product.cooperative)
    assert english.local("danh-muc/che/") == "en/categories/che/"
    assert english.local("danh-gia/x/du-lieu.csv") == "danh-gia/x/du-lieu.csv"
    assert urls.local("danh-muc/che/") == "danh-muc/che/"


def test_editions_pair_each_page_with_its_twin_both_ways():
    pages = [
        Page("", "index.html", {"a": 1}),
        Page("hop-tac-xa/x/in/", "print_sheet.html"),
        Page("sw.js", "offline_sw.html"),
    ]
    out = list(i18n.editions(pages))
    assert [(p.url, p.lang) for p in out] == [
        ("", "vi"),
        ("hop-tac-xa/x/in/", "vi"),
        ("sw.js", "vi"),
        ("en/", "en"),
    ]
    assert out[0].context["alternates"] == out[3].context["alternates"] == {"vi": "", "en": "en/"}
    assert out[3].context["a"] == 1
    assert "alternates" not in out[1].context


def test_english_formats():
    assert i18n.money_en(450000) == "450,000 ₫"
    assert i18n.money_en(None) == "Price on request"
    assert i18n.number_en(1234567) == "1,234,567"
    assert i18n.date_en(dt.date(2026, 12, 2)) == "December 2, 2026"
    assert i18n.months_en((9, 10, 11, 12)) == "September–December"
    assert i18n.months_en((1, 5, 6)) == "January, May, June"


def test_data_texts_fall_back_to_vietnamese_marked_as_such():
    translated = make_product(name_en="Shan Tuyet tea")
    untranslated = make_product(name_en="")
    en, vi = i18n.text_filters("en"), i18n.text_filters("vi")
    assert en["tr"](translated, "name") == "Shan Tuyet tea"
    assert en["lang_of"](translated, "name") == ""
    assert en["tr"](untranslated, "name") == untranslated.name
    assert en["lang_of"](untranslated, "name") == ' lang="vi"'
    assert vi["tr"](translated, "name") == translated.name
    assert vi["lang_of"](untranslated, "name") == ""


def test_the_english_catalogue_compiles():
    english = i18n.translations("en")
    assert english.gettext("a message nobody wrote") == "a message nobody wrote"
    assert isinstance(i18n.translations("vi"), i18n.NullTranslations)


# --- the built sample ------------------------------------------------------------------------------


def _pages(root: Path) -> dict[str, Path]:
    return {
        path.relative_to(root).as_posix(): path
        for path in root.rglob("*.html")
        if "theme" not in path.parts and "admin" not in path.parts
    }


def test_every_vietnamese_page_with_a_twin_has_it_in_the_build(built_demo):
    pages = _pages(built_demo)
    missing = []
    for name in pages:
        if name.startswith("en/"):
            continue
        url = urls.page_url_of(name)
        twin = i18n.english_path(url)
        if twin is not None and urls.save_as(twin) not in pages:
            missing.append(name)
    assert missing == []
    assert sum(name.startswith("en/") for name in pages) > 100


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_english_pages_say_so_and_switch_to_their_twin(built_demo):
    pages = _pages(built_demo)
    for name in ("en/index.html", "en/products/index.html", "en/search/index.html", "en/404.html"):
        assert name in pages, name
    for name, path in pages.items():
        soup = _soup(path)
        if name.startswith("en/"):
            assert soup.html["lang"] == "en", name
            switch = soup.select_one("a.lang-switch")
            assert switch is not None and switch["hreflang"] == "vi", name
        elif name == "index.html":
            assert soup.html["lang"] == "vi"
            assert soup.select_one("a.lang-switch")["href"] == "/en/"


def test_the_switch_leads_to_the_same_page_in_the_other_language(built_demo):
    pages = _pages(built_demo)
    checked = 0
    for name, path in pages.items():
        if name.startswith("en/") or name == "404.html":
            continue
        twin = i18n.english_path(urls.page_url_of(name))
        if twin is None:
            continue
        assert _soup(path).select_one("a.lang-switch")["href"] == f"/{twin}", name
        assert _soup(pages[urls.save_as(twin)]).select_one("a.lang-switch")["href"] == "/" + urls.page_url_of(
            name
        ), twin
        checked += 1
    assert checked > 100


ALLOWED_VIETNAMESE = re.compile(r"^/(theme|media)/|/in/$|\.(csv|json|xml|svg|webmanifest)$|^/admin/")


def test_english_pages_link_to_english_pages(built_demo):
    """Every site link of an English page stays in English, except the language switch, files for
    both editions (open data, feeds, QR codes, photos) and the printed price list."""
    wrong = set()
    for name, path in _pages(built_demo).items():
        if not name.startswith("en/"):
            continue
        soup = _soup(path)
        own_twin = soup.select_one("a.lang-switch")["href"]  # a page may point to its own Vietnamese text
        for link in soup.find_all(["a", "link"], href=True):
            href = link["href"]
            if link.get("hreflang") or not href.startswith("/") or href.startswith("/en/") or href == own_twin:
                continue
            if not ALLOWED_VIETNAMESE.search(href):
                wrong.add((name, href))
    assert sorted(wrong)[:20] == []


def test_no_english_content_page_can_take_an_english_section_word():
    from chophien.site.content_pages import ENGLISH_NAMES

    assert set(i18n.SECTIONS.values()) <= set(ENGLISH_NAMES)


@pytest.mark.build
def test_a_site_without_the_english_edition_has_no_trace_of_it(tree, tmp_path):
    from conftest import minimal_tree, run_pelican

    out = tmp_path / "output"
    result = run_pelican(tree(minimal_tree()), out, "-e", "CHOPHIEN_ENGLISH=false")
    assert result.returncode == 0, result.stderr
    assert not (out / "en").exists()
    for page in out.rglob("*.html"):
        if "admin" not in page.parts:
            text = page.read_text(encoding="utf-8")
            assert "lang-switch" not in text and "hreflang" not in text, page
    assert "xhtml:link" not in (out / "sitemap.xml").read_text(encoding="utf-8")
