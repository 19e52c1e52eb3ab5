"""Markdown → sanitised HTML, and plain-text summaries.

Markdown passes raw HTML through and `attr_list` can create event handlers, so every
rendered body is cleaned with nh3 (an allowlist sanitiser): no script, style, iframe,
event attribute, or javascript:/data: URL can reach a page.
"""

from __future__ import annotations

import hashlib
import html
import re

import markdown
import nh3

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
    """Renders Markdown bodies, caching by content hash (bodies repeat across rebuilds)."""

    def __init__(self, cache: dict | None = None):
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
        self.cache: dict[str, str] = cache if cache is not None else {}

    def render(self, text: str) -> str:
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        cached = self.cache.get(key)
        if cached is None:
            # Headings inside a story start at h2: the page's h1 is the item's name.
            body = re.sub(r"^(#{1,5}) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
            cached = sanitize(self._md.reset().convert(body))
            self.cache[key] = cached
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
