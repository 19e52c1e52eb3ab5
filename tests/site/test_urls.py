"""urls.py: every address of the site in one module; templates link through it; the built site has them all."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT
from small_site import TODAY

from chophien.site import i18n, urls
from chophien.site.build import prepare
from chophien.site.catalogue_pages import build_pages

TEMPLATES = ROOT / "theme" / "templates"


# --- the functions ---------------------------------------------------------------------------------


def test_absolute_base_path_and_page_url_of():
    assert urls.absolute("https://o.github.io/cho", urls.home()) == "https://o.github.io/cho/"
    assert urls.absolute("", urls.media("a.jpg")) == "/media/a.jpg"
    assert urls.base_path("https://o.github.io/cho") == "/cho"
    assert urls.base_path("https://chophien.vn") == ""
    assert Path(urls.page_url_of("san-pham/a/b/index.html")) == Path("san-pham/a/b/")
    assert urls.page_url_of("index.html") == urls.home()


@pytest.mark.parametrize(
    ("url", "save_as", "is_page"),
    [
        ("", "index.html", True),
        ("tinh/lao-cai/", "tinh/lao-cai/index.html", True),
        ("404.html", "404.html", False),
        ("danh-gia/dbi-2024/du-lieu.csv", "danh-gia/dbi-2024/du-lieu.csv", False),
    ],
)
def test_save_as_and_is_html_page(url, save_as, is_page):
    assert urls.save_as(url) == save_as
    assert urls.is_html_page(url) is is_page
    assert urls.page_url_of(save_as) == (url if is_page else save_as)


def test_pagination_and_files_beside_pages():
    assert urls.page(urls.province("lao-cai"), 1) == "tinh/lao-cai/"
    assert urls.page(urls.province("lao-cai"), 3) == "tinh/lao-cai/page/3/"
    assert urls.ocop_stars(4) == "ocop/4-sao/"
    assert urls.qr_code("hop-tac-xa/a/") == "hop-tac-xa/a/qr.svg"
    assert urls.sitemap_part(2) == "sitemap-2.xml"
    assert urls.search_query("{q}") == "tim-kiem/?q={q}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    prepared = prepare(ROOT / "content", tmp_path_factory.mktemp("cache"), TODAY, with_images=False)
    assert prepared.ok, prepared.problems
    return prepared.catalogue


def test_the_domain_addresses_are_the_ones_built_here(sample):
    """Product.url, Cooperative.url, Survey.url and Model.url live below this layer: they must agree."""
    assert sample.products and sample.cooperatives and sample.assessments.surveys
    for product in sample.products:
        assert urls.product(product) == urls.product_path(product.cooperative.slug, product.slug)
    for coop in sample.cooperatives.values():
        assert urls.cooperative(coop) == urls.cooperative_path(coop.slug)
        assert urls.print_sheet(coop) == f"{urls.cooperative_path(coop.slug)}in/"
    for survey in sample.assessments.surveys:
        assert urls.survey(survey) == urls.survey_path(survey.slug)
        assert urls.method(survey.model) == urls.method_path(survey.model.slug)


# --- the templates spell no path -------------------------------------------------------------------

# An address in a template: an attribute value that starts at the site root or the public address
# (an expression inside may hold quotes of its own).
ADDRESS = re.compile(
    r'(?:href|src|action|data-js)="(\{\{ (?:SITEURL|public_base) \}\}(?:[^"{]|\{\{.*?\}\})*)"'
)
# What may follow `{{ SITEURL }}/`: nothing, or one expression that is urls.…, asset(…) (of a
# literal or of a loop's name: EVERY_PAGE_SCRIPTS) or a name
# holding a URL made in Python (breadcrumb pairs, paginator links, a macro's argument), never a
# model's own `.url`.
ALLOWED = re.compile(
    r"\{\{ SITEURL \}\}/(?:\{\{ (?:urls\.\w+\(.*?\)|asset\((?:'[^']+'|[a-z_]+)\)|(?![a-z_.]*\.url )[a-z_.]+) \}\})?"
)
CATALOGUE_SEGMENTS = (
    "san-pham",
    "hop-tac-xa",
    "danh-muc",
    "tinh",
    "dan-toc",
    "ocop",
    "danh-gia",
    "tim-kiem",
    "media",
    "theme",
    "in",
)
HAND_BUILT = [
    re.compile(rf"[\"'](?:{'|'.join(CATALOGUE_SEGMENTS)})/"),  # a literal path: "tinh/…
    re.compile(rf"\}}\}}/(?:{'|'.join(CATALOGUE_SEGMENTS)})/"),  # {{ SITEURL }}/tinh/…
    re.compile(r"~\s*[\"'][^\"']*(?:/|\.(?:svg|xml|csv|json))[\"']"),  # … ~ "in/"
]
# In a link's value: an expression followed by more path, {{ coop.url }}atom.xml, {{ s.url }}{{ d.url }}/.
ATTRIBUTE = re.compile(r'(?:href|src|action|data-[\w-]+)="((?:[^"{]|\{\{.*?\}\})*)"')
GLUED = re.compile(r"(?<!SITEURL )(?<!public_base )\}\}(?:[\w.-]|/|\{\{)")


def hand_built_paths(text: str) -> list[str]:
    """Addresses a template builds by hand instead of through `urls`."""
    found = [value for value in ADDRESS.findall(text) if not ALLOWED.fullmatch(value)]
    for pattern in HAND_BUILT:
        found += [m.group(0) for m in pattern.finditer(text)]
    found += [value for value in ATTRIBUTE.findall(text) if GLUED.search(value)]
    return found


@pytest.mark.parametrize(
    "line",
    [
        '<a href="{{ SITEURL }}/danh-muc/{{ g.slug }}/">',
        '<a href="{{ SITEURL }}/tinh/">',
        '<img src="{{ SITEURL }}/{{ p.url }}qr.svg">',
        '{{ qr_figure(coop.url, coop.name, coop.url ~ "in/") }}',
        '<a href="{{ SITEURL }}/{{ survey.url }}du-lieu.csv" download>',
        '<a href="{{ SITEURL }}/{{ c.url }}">',
        '<a href="{{ SITEURL }}/{{ urls.category(g.slug) }}page/2/">',
        '<p class="addr">{{ public_base }}/hop-tac-xa/{{ coop.slug }}/</p>',
    ],
)
def test_the_check_sees_a_hand_built_path(line):
    assert hand_built_paths(line)


def test_no_template_builds_a_catalogue_path():
    offending = {
        path.name: found
        for path in sorted(TEMPLATES.glob("*.html"))
        if (found := hand_built_paths(path.read_text()))
    }
    assert offending == {}
    linked = "".join(path.read_text() for path in TEMPLATES.glob("*.html"))
    assert linked.count("{{ urls.") > 40  # the check has something to look at


# --- round trip with the built site ----------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)
            elif name == "srcset" and value:
                self.links += [part.split()[0] for part in value.split(",")]


def _file_of(site: Path, link: str) -> Path | None:
    """The built file a root-relative link opens (None for links leaving the site)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return site / urls.save_as(unquote(parts.path).lstrip("/"))


def test_every_page_built_here_is_in_the_built_site_and_nothing_else(built_demo, sample):
    pages = list(i18n.editions(build_pages(sample, TODAY)))
    built = {p.relative_to(built_demo).as_posix() for p in built_demo.rglob("*") if p.is_file()}
    ours = {urls.save_as(page.url) for page in pages}
    assert ours - built == set()
    built = {name for name in built if name.endswith(".html")}
    content_pages = {
        urls.save_as(urls.content_page(p.stem)) for p in (ROOT / "content" / "pages").glob("*.md")
    }
    content_pages |= {
        urls.save_as(i18n.content_page_english(p.stem))
        for p in (ROOT / "content" / "pages" / "en").glob("*.md")
    }
    others = {name for name in built - ours if not name.startswith((urls.admin(), urls.search_bundle()))}
    assert others <= content_pages, others - content_pages


def test_files_beside_the_pages_are_where_urls_says(built_demo, sample):
    expected = [urls.sitemap(), urls.robots(), urls.site_feed(), urls.merchant_feed()]
    expected += [urls.qr_code(urls.product(p)) for p in sample.products]
    for coop in sample.cooperatives.values():
        expected += [urls.qr_code(urls.cooperative(coop)), urls.cooperative_feed(coop)]
    for survey in sample.assessments.surveys:
        expected += [urls.survey_download(survey, "csv"), urls.survey_download(survey, "json")]
    assert [name for name in expected if not (built_demo / name).is_file()] == []


def test_every_link_of_the_built_site_opens_a_built_file(built_demo):
    broken = {}
    for page in sorted(built_demo.rglob("*.html")):
        name = page.relative_to(built_demo).as_posix()
        if name.startswith((urls.admin(), urls.search_bundle())):
            continue
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        missing = [link for link in parser.links if (f := _file_of(built_demo, link)) and not f.is_file()]
        if missing:
            broken[name] = missing
    assert broken == {}


def test_media_addresses_go_to_the_site_or_to_media_url():
    name = "che-0123456789-240.jpg"
    assert urls.media_address(name) == "media/che-0123456789-240.jpg"  # don-hang.json: from the site root
    assert urls.media_address(name, "") == "/media/che-0123456789-240.jpg"
    assert urls.media_address(name, "https://cho.example.vn") == "https://cho.example.vn/media/" + name
    cdn = "https://anh.example.vn/lao-cai/"
    for base in (None, "", "https://cho.example.vn"):
        assert urls.media_address(name, base, cdn) == cdn + name
    assert urls.origin(cdn) == "https://anh.example.vn"
    assert urls.origin("http://127.0.0.1:9000/b/p/") == "http://127.0.0.1:9000"


def test_only_urls_spells_the_media_folder():
    """Every photo address goes through urls.media_address (CHOPHIEN_MEDIA_URL): no other module
    calls urls.media() or writes "media/" itself."""
    package = ROOT / "chophien"
    offenders = []
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name == "urls.py":
            continue
        if re.search(r"urls\.media\(|[\"']/?media/", text) and path.name != "pelican_plugin.py":
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []
    assert "urls.media(" in (package / "pelican_plugin.py").read_text()  # the output folder's paths
