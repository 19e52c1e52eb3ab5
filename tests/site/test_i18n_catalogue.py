"""The English message catalogue is complete, and the English pages of the catalogue carry no
Vietnamese UI text: every template string goes through gettext (issue 16, docs/i18n.md).

Two checks. The catalogue: the theme's and the package's messages, extracted as `make messages`
does, are all in chophien/locale/en/LC_MESSAGES/messages.po, translated and not fuzzy. The pages:
on the sample's English pages, text outside an element marked lang="vi" has no letter only
Vietnamese uses (ă, đ, ơ, tone marks…) once the names of things are set aside (products,
cooperatives, places, people, the site's name: proper names stay as they are written). A
Vietnamese string a template forgot to wrap shows up there.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag

from chophien import reference
from chophien.catalogue.loader import load_catalogue

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import messages  # noqa: E402

SITENAME = "Chợ phiên"
# Letters English text never has (é, è… are left out: café, née).
VIETNAMESE = re.compile("[ăâđêôơưàảãạằắẳẵặầấẩẫậẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
# The English pages the catalogue's templates make (assessment and content pages have their own checks).
CATALOGUE_PAGES = re.compile(
    r"^en/(index\.html|404\.html|(products|cooperatives|categories|provinces|ethnic-groups|ocop|search|order-list)/)"
)
CHECKED_ATTRIBUTES = ("alt", "aria-label", "placeholder", "title", "label")


def test_every_template_string_is_in_the_english_catalogue_and_translated(tmp_path):
    template = tmp_path / "messages.pot"
    messages.extract(template)
    assert messages.problems("en", template) == []


def test_the_catalogue_check_reports_a_new_message(tmp_path):
    template = tmp_path / "messages.pot"
    messages.extract(template)
    text = template.read_text(encoding="utf-8")
    template.write_text(text + '\nmsgid "Một câu mới chưa dịch"\nmsgstr ""\n', encoding="utf-8")
    assert messages.problems("en", template) == ["missing: 'Một câu mới chưa dịch'"]


# --- Vietnamese text left on English pages --------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item)


def _fields(obj):
    """The texts of a thing: its string fields (HTML ones as their text nodes)."""
    names = [f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) else list(vars(obj))
    for name in names:
        for text in _strings(getattr(obj, name, None)):
            if name.startswith("body_html"):
                yield from BeautifulSoup(text, "html.parser").stripped_strings
            else:
                yield text


@cache
def proper_names() -> re.Pattern:
    """Every text of the sample's things (names, places, people, units, stories in either language):
    what an English page may show as it is written."""
    catalogue, _problems, _count = load_catalogue(ROOT / "content")
    texts = {SITENAME}
    things = [*catalogue.cooperatives.values(), *catalogue.products]
    for product in catalogue.products:
        things += [*product.certifications, *product.marketplaces]
        things += [product.ocop] if product.ocop else []
    for coop in catalogue.cooperatives.values():
        things += [*coop.certifications, *coop.marketplaces]
    things += [
        *reference.provinces(),
        *reference.ethnic_groups(),
        *reference.category_groups(),
        *reference.categories(),
        *reference.certifications(),
    ]
    for thing in things:
        texts.update(t.strip() for t in _fields(thing) if VIETNAMESE.search(t))
    ordered = sorted((t for t in texts if t), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered))


def _outside_vietnamese(node: Tag):
    """Text and checked attributes of *node*, skipping elements marked lang="vi" and what no reader
    sees as text (scripts, the search index block)."""
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__ is NavigableString:  # not a comment, CDATA…
                yield str(child)
            continue
        if not isinstance(child, Tag):
            continue
        if child.get("lang") == "vi" or child.name in ("script", "style", "template", "head"):
            continue
        if child.has_attr("data-pagefind-body"):
            continue
        if "dx" in child.get("class", ()):  # assessment_coop.html's results: the assessment pages' own check
            continue
        for name in CHECKED_ATTRIBUTES:
            if child.has_attr(name):
                yield child[name]
        yield from _outside_vietnamese(child)


def vietnamese_left(html: str) -> list[str]:
    """The Vietnamese words a reader of this English page sees outside lang="vi" elements, once the
    names of things are set aside."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body or soup
    names = proper_names()
    found = []
    for text in _outside_vietnamese(body):
        rest = names.sub(" ", text)
        found += [word for word in rest.split() if VIETNAMESE.search(word)]
    return found


@pytest.fixture(scope="module")
def english_pages(built_demo):
    pages = {
        str(path.relative_to(built_demo)): path
        for path in sorted(built_demo.rglob("*.html"))
        if CATALOGUE_PAGES.match(str(path.relative_to(built_demo)))
    }
    assert len(pages) > 50
    return pages


@pytest.mark.build
def test_english_pages_of_the_catalogue_show_no_vietnamese_ui_text(english_pages):
    leftovers = {}
    for name, path in english_pages.items():
        words = vietnamese_left(path.read_text(encoding="utf-8"))
        if words:
            leftovers[name] = sorted(set(words))[:12]
    assert leftovers == {}


@pytest.mark.build
def test_an_unwrapped_vietnamese_string_is_caught(english_pages):
    html = english_pages["en/index.html"].read_text(encoding="utf-8")
    assert vietnamese_left(html) == []
    forgotten = html.replace("</main>", "<p>Sản phẩm liên quan</p></main>", 1)
    assert vietnamese_left(forgotten) == ["Sản", "phẩm", "liên"]  # "quan" is plain Latin
    label = html.replace("<main", '<main aria-label="Nội dung"', 1)
    assert vietnamese_left(label) == ["Nội"]
    marked = html.replace("</main>", '<p lang="vi">Sản phẩm liên quan</p></main>', 1)
    assert vietnamese_left(marked) == []


def test_each_edition_has_its_own_catalogue():
    # english_env is an overlay: installing the English catalogue on it must leave the Vietnamese
    # environment's gettext alone (Jinja's env.install_gettext_translations would not).
    from jinja2 import DictLoader, Environment

    from chophien.site import templating

    env = Environment(loader=DictLoader({"t": '{{ _("Tìm") }} {{ LANG }}'}), extensions=["jinja2.ext.i18n"])
    templating.install_language(env, "vi")
    english = templating.english_env(env)
    templating.install_language(english, "en")
    assert english.get_template("t").render() == "Search en"
    assert env.get_template("t").render() == "Tìm vi"


@pytest.mark.build
def test_english_product_pages_name_what_is_not_translated_and_explain_the_order_message(english_pages):
    products = {
        n: p for n, p in english_pages.items() if re.match(r"en/products/(?!page/)[^/]+/[^/]+/index\.html$", n)
    }
    assert products
    for name, path in products.items():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        h1 = soup.find("h1")
        if h1.get("lang") == "vi":  # no English name: the Vietnamese one, said so
            assert soup.select_one("h1 + p.note").get_text() == "Not yet translated into English.", name
        else:  # the English name, the Vietnamese one beneath it
            assert soup.select_one("h1 + p.en")["lang"] == "vi", name
        labels = [a.contents[0].strip() for a in soup.select("ul.buttons a.btn")]
        # English labels; a marketplace keeps its own name ("Buy on Chợ nông sản số Lâm Đồng")
        assert labels and not any(VIETNAMESE.search(proper_names().sub("", label)) for label in labels), (
            labels
        )
        message = soup.find("textarea", id="order-message")
        if message is not None:  # the message stays Vietnamese, explained in English beside it
            assert message["lang"] == "vi" and message.get_text().startswith("Chào ")
            gloss = soup.find(id="order-gloss").get_text()
            assert "“Số lượng:” (quantity)" in gloss and "“Giao đến:” (deliver to)" in gloss, name
