"""A pull request's preview (CHOPHIEN_PREVIEW): noindex and a banner on every page, no CMS, no worker.

The sample catalogue is built once as production builds it (publishconf.py: minified, precompressed)
under the sub-path a preview has on GitHub Pages, and every file of the output is checked.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT, run_pelican

pytestmark = pytest.mark.build

NUMBER = 7
SITEURL = f"https://owner.github.io/cho/pr-preview/{NUMBER}"
BANNER = {
    "vi": f"Bản xem trước của pull request #{NUMBER} — chưa phải trang chính thức",
    "en": f"Preview of pull request #{NUMBER} — not the live site",
}


def build(content: Path, output: Path, *, preview: str | None, siteurl: str, cache: Path):
    env = {"CHOPHIEN_CACHE_PATH": str(cache), "CHOPHIEN_SITEURL": siteurl, "CHOPHIEN_PREVIEW": preview or ""}
    return run_pelican(content, output, env_extra=env, settings="publishconf.py")


@pytest.fixture(scope="module")
def preview(tmp_path_factory, built_demo) -> Path:
    output = tmp_path_factory.mktemp("preview") / "output"
    # the sample's photos are encoded once per run: the development build's cache
    result = build(
        ROOT / "content", output, preview=str(NUMBER), siteurl=SITEURL, cache=built_demo.parent / ".cache"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return output


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = ""
        self.robots: list[str] = []
        self.scripts: list[str] = []
        self.banner: list[str] = []
        self.in_banner = 0
        self.links: list[str] = []
        self.data_sw: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang", "")
        if tag == "meta" and attrs.get("name") == "robots":
            self.robots.append(attrs.get("content") or "")
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "aside" and "preview" in (attrs.get("class") or "").split():
            self.in_banner = 1
        elif self.in_banner:
            self.in_banner += tag not in ("meta", "link", "br", "img")
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        if "data-sw" in attrs:
            self.data_sw.append(attrs["data-sw"] or "")

    def handle_endtag(self, tag):
        if self.in_banner:
            self.in_banner -= 1

    def handle_data(self, data):
        if self.in_banner:
            self.banner.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_page_is_noindex_with_the_banner_in_its_language(preview):
    pages = sorted(preview.rglob("*.html"))
    assert len(pages) > 300  # the whole sample site, both editions
    english = 0
    for path in pages:
        page = parse(path)
        name = path.relative_to(preview).as_posix()
        assert page.robots == ["noindex"], name
        assert page.lang in BANNER, name
        assert "".join(page.banner).strip() == BANNER[page.lang], name
        assert name.startswith("en/") == (page.lang == "en"), name
        english += page.lang == "en"
    assert english > 100
    # Pelican's own pages (content/pages) too, in both editions
    for name in ("gioi-thieu/index.html", "en/about/index.html", "404.html", "ngoai-tuyen/index.html"):
        assert parse(preview / name).robots == ["noindex"]


def test_no_cms_no_sitemap_and_robots_disallows_everything(preview):
    assert not (preview / "admin").exists()
    assert not list(preview.glob("sitemap*.xml*"))
    assert (preview / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"
    for path in preview.rglob("*.html"):
        for link in parse(path).links:
            assert "/admin" not in urlsplit(link).path, (path, link)


def test_no_service_worker_is_written_or_registered(preview):
    assert not [p for p in preview.rglob("sw.js*")]
    for path in preview.rglob("*.html"):
        page = parse(path)
        assert not [s for s in page.scripts if "/offline." in s], path
        assert all(value == "" for value in page.data_sw), path  # the self-assessment's own worker
    assert parse(preview / "danh-gia/tu-danh-gia/index.html").data_sw == [""]


def test_every_link_and_script_stays_under_the_preview_path(preview):
    for path in (preview / "index.html", preview / "en/index.html", preview / "san-pham/index.html"):
        page = parse(path)
        for url in page.scripts + page.links:
            parts = urlsplit(url)
            if parts.netloc == "owner.github.io":
                assert parts.path.startswith(f"/cho/pr-preview/{NUMBER}/"), (path, url)


def test_an_ordinary_build_has_none_of_it(built_demo):
    page = parse(built_demo / "index.html")
    assert page.banner == [] and page.robots == []
    assert any("/offline." in s for s in page.scripts)
    assert (built_demo / "sw.js").is_file() and (built_demo / "admin" / "index.html").is_file()


@pytest.mark.parametrize("value", ["0", "-3", "7a", "../7", "1e3", "12345678901"])
def test_a_bad_preview_number_stops_the_build_in_one_line(tree, tmp_path, value):
    from conftest import minimal_tree

    content = tree(minimal_tree())
    result = build(content, tmp_path / "out", preview=value, siteurl=SITEURL, cache=tmp_path / ".cache")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(line for line in result.stderr.splitlines() if "CHOPHIEN_PREVIEW" in line)
    assert "phải là số của một pull request" in line and "e.g. 42" in line
    assert not (tmp_path / "out" / "index.html").exists()
