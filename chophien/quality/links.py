"""The pages of a built site and their links: every internal `href`/`src`/`srcset` (and CSS
`url()`) resolves to a file, and every `#fragment` to an id.

The one link checker: `make audit` and tests/site/test_build.py both use it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

# Not pages buyers load, so outside the links and budgets: /admin/ is the editors' CMS (docs/cms.md).
# The Pagefind bundle loads only when the search box is used: its budget is the first-search
# total (DESIGN §5), measured in a browser by tests/site/test_search_browser.py (docs/search.md).
EXCLUDED = ("admin/", "tim-kiem/pagefind/")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def is_excluded(rel: str) -> bool:
    """/admin/ is the editors' CMS (docs/cms.md), not a page buyers load."""
    return rel.startswith(EXCLUDED)


def html_files(site: Path) -> list[Path]:
    """Pages buyers load, sorted; /admin/ is left out (checked in tests/volunteer/test_cms.py)."""
    return sorted(p for p in site.rglob("*.html") if not is_excluded(p.relative_to(site).as_posix()))


class PageParser(HTMLParser):
    """Links (tag, attribute, value), ids, stylesheets and scripts of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.stylesheets: list[str] = []
        self.scripts: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src"):
                self.links.append((tag, name, value))
            elif name == "srcset":
                self.links.extend((tag, name, part.strip().split(" ")[0]) for part in value.split(","))
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
        if tag == "link" and "stylesheet" in (values.get("rel") or "").split() and values.get("href"):
            self.stylesheets.append(values["href"])
        if tag == "script" and values.get("src"):
            self.scripts.append((values["src"], values))


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def page_url(rel: str) -> str:
    """The URL path a host serves a file at: 'a/b/index.html' → '/a/b/'."""
    if rel == "index.html":
        return "/"
    if rel.endswith("/index.html"):
        return "/" + rel.removesuffix("index.html")
    return "/" + rel


def resolve_link(page_rel: str, link: str, base: str = "/") -> tuple[str, str] | None:
    """(site-relative path, fragment) that an internal link points at; None when external.

    `base` is the path the site is served under ('/' at a domain root, '/repo/' on a project
    site); root-relative links outside it count as broken (they leave the site).
    """
    link = link.strip()
    if not link or link.startswith("//") or SCHEME.match(link):
        return None
    if not base.endswith("/"):
        base += "/"
    absolute = urljoin(base.rstrip("/") + page_url(page_rel), link)
    parts = urlsplit(absolute)
    path = unquote(parts.path)
    if not path.startswith(base):
        return ("\0outside " + base, parts.fragment)
    return (path[len(base) :], parts.fragment)


def target_file(site: Path, rel: str) -> Path | None:
    """The file a host serves for a site-relative URL path (directories serve index.html)."""
    candidate = site / rel if rel else site
    if rel and not rel.endswith("/") and candidate.is_file():
        return candidate
    if (candidate / "index.html").is_file():
        return candidate / "index.html"
    return None


def broken_links(site: Path, base: str = "/") -> list[str]:
    """Every internal link of every page (and CSS file) that points at nothing: 'page → link'."""
    pages = {p: parse_page(p.read_text(encoding="utf-8")) for p in html_files(site)}
    ids: dict[Path, set[str]] = {p: parsed.ids for p, parsed in pages.items()}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = parse_page(path.read_text(encoding="utf-8", errors="replace")).ids
        return ids[path]

    broken = []
    sources: list[tuple[Path, list[str]]] = [
        (p, [v for _t, _a, v in parsed.links]) for p, parsed in pages.items()
    ]
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        sources.append(
            (css, [m.group(2) for m in CSS_URL.finditer(text) if not m.group(2).startswith("data:")])
        )
    for page, links in sources:
        rel = page.relative_to(site).as_posix()
        for link in links:
            resolved = resolve_link(rel, link, base)
            if resolved is None:
                continue
            path, fragment = resolved
            target = None if path.startswith("\0") else target_file(site, path)
            if target is None:
                broken.append(f"{rel} → {link}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                broken.append(f"{rel} → {link} (no id “{unquote(fragment)}”)")
    return broken


REQUESTING_TAGS = ("img", "script", "link", "source", "iframe")
_ADDRESSES = re.compile(r'<link rel="(?:canonical|alternate)"[^>]* href="([^"]+)"')


def foreign_requests(site: Path, allowed: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(page, address) of everything a page makes the browser fetch from another origin than the site
    and the *allowed* origins (CHOPHIEN_MEDIA_URL's: the photos' bucket or CDN, the site owner's choice).

    The canonical address and feed links name the site's public address; browsers do not fetch them.
    """
    found = []
    for page in html_files(site):
        html = page.read_text(encoding="utf-8")
        addresses = set(_ADDRESSES.findall(html))
        for tag, _attr, link in parse_page(html).links:
            if tag not in REQUESTING_TAGS or link in addresses or link.startswith("/"):
                continue
            if not any(link.startswith(f"{origin}/") for origin in allowed):
                found.append((page.relative_to(site).as_posix(), link))
    return found
