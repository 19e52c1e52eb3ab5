"""Find active content in HTML: what no content file may ever put into a page."""

from html.parser import HTMLParser

FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "style",
    "base",
    "form",
    "svg",
    "math",
    "frame",
    "frameset",
    "applet",
    "meta",
    "link",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "data", "xlink:href"}


class _Finder(HTMLParser):
    def __init__(self, allowed_tags=frozenset()):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS and tag not in self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag}[{name}={value[:30]}]")
            if name == "style" and value and ("url(" in value or "expression" in value):
                self.found.append(f"{tag}[style]")

    handle_startendtag = handle_starttag


def active_content(html: str, allowed_tags=frozenset()) -> list[str]:
    """Every script, event handler, dangerous URL or embedding element in *html*."""
    finder = _Finder(allowed_tags)
    finder.feed(html)
    return finder.found


def without_json_ld(html: str) -> str:
    """*html* without its JSON-LD blocks: data for search engines, never run (tests/site/test_discovery_build.py)."""
    import re

    return re.sub(r'<script type="application/ld\+json">[^<]*</script>', "", html)


def own_scripts(html: str) -> str:
    """*html* without its JSON-LD blocks and without the enhancement scripts every page loads
    (chophien.site.page.EVERY_PAGE_SCRIPTS: the order list's button, the offline worker's
    registration): what is left is what this page adds."""
    import re

    return re.sub(
        r'<script src="[^"]*/theme/js/(order|offline)(\.[0-9a-f]{10})?\.js" defer></script>',
        "",
        without_json_ld(html),
    )
