"""Markdown → sanitised HTML, and plain-text summaries.

Markdown passes raw HTML through and `attr_list` can create event handlers, so every
rendered body is cleaned with nh3 (an allowlist sanitiser): no script, style, iframe,
event attribute, or javascript:/data: URL can reach a page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import markdown
import nh3

from chophien.core.cache_version import cache_version
from chophien.core.files import read_checked, report_damaged, write_checked

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small",
    "sub", "sup", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4",
    "h5", "h6", "a", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
EXTENSIONS = ["sane_lists", "tables"]


def sanitize(raw_html: str) -> str:
    """Clean HTML with the allowlist; links get rel="nofollow noopener"."""
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    )


class MarkdownRenderer:
    """Renders Markdown bodies, caching by content hash; the cache can persist between builds."""

    def __init__(self, cache: dict | None = None):
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        self.cache: dict[str, str] = cache if cache is not None else {}
        self.added = 0
        self.used: set[str] = set()

    @classmethod
    def with_disk_cache(cls, path: Path) -> MarkdownRenderer:
        payload = read_checked(path)  # a truncated or damaged cache is reported once and rebuilt
        try:
            cache = json.loads(payload) if payload is not None else {}
        except ValueError:
            report_damaged(path, "unknown format")
            cache = {}
        return cls(cache if isinstance(cache, dict) else {})

    def save(self, path: Path) -> None:
        """Write back (atomically) the entries this build used, when that differs from what was read."""
        if not self.added and len(self.used) == len(self.cache):
            return
        kept = {key: self.cache[key] for key in self.used}
        path.parent.mkdir(parents=True, exist_ok=True)
        write_checked(path, json.dumps(kept, ensure_ascii=False).encode("utf-8"))

    def render(self, text: str) -> str:
        # Keyed by the one cache version (this module, Markdown's and nh3's versions among it).
        key = hashlib.sha256(f"{cache_version()}\x1f{text}".encode()).hexdigest()
        self.used.add(key)
        cached = self.cache.get(key)
        if cached is None:
            # Headings inside a story start at h2: the page's h1 is the item's name.
            body = re.sub(r"^(#{1,5}) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
            cached = sanitize(self._md.reset().convert(body))
            self.cache[key] = cached
            self.added += 1
        return cached


def summary(body_html: str, length: int = 160) -> str:
    """First paragraph as plain text, cut at a word boundary."""
    match = re.search(r"<p>(.*?)</p>", body_html, re.S)
    text = re.sub(r"<[^>]+>", "", match.group(1) if match else body_html)
    text = " ".join(html.unescape(text).split())
    if len(text) <= length:
        return text
    cut = text[:length] if text[length] == " " else text[:length].rsplit(" ", 1)[0]
    cut = cut.rstrip(",.;:–- ")
    return cut + "…"
