"""The report: groups by cooperative in urgency order, the JSON contract, and Markdown nothing can forge."""

from __future__ import annotations

import json
import re

import cmarkgfm
from bs4 import BeautifulSoup
from cmarkgfm.cmark import Options
from factories import make_catalogue, make_cooperative, make_product
from git_history import TODAY

from chophien.maintenance.findings import Finding, Scan
from chophien.maintenance.report import build, render_json, render_markdown, worst


def finding(kind: str, path: str, line: int = 3, message: str = "vấn đề", **fields) -> Finding:
    return Finding(
        kind, path, line, fields.pop("field", "price"), message, message + " (en)", "sửa", "fix", **fields
    )


def catalogue(*coops):
    products = [
        make_product(cooperative=c, slug="p", source=f"content/products/{c.slug}/p.md") for c in coops
    ]
    return make_catalogue(*products, cooperatives=coops)


A = make_cooperative(slug="htx-a", name="An Phú")
B = make_cooperative(slug="htx-b", name="Bản Phố")
C = make_cooperative(slug="htx-c", name="Cao Sơn")


def scan_of(*found: Finding, coops=(A, B, C)) -> Scan:
    return Scan(list(found), catalogue(*coops), 10, False)


def test_groups_by_cooperative_most_urgent_first_then_name():
    report = build(
        scan_of(
            finding("photo-no-alt", "content/products/htx-a/p.md"),
            finding("stale-price", "content/products/htx-c/p.md"),
            finding("content-error", "content/pages/gioi-thieu.md", 2),
            finding("single-channel", "content/cooperatives/htx-b.md", 12),
            finding("ocop-expired", "content/products/htx-b/p.md", 20),
            finding("stale-price", "content/products/htx-b/p.md", 4),
        ),
        TODAY,
        "vi",
        "content",
    )
    assert [(g["cooperative"], g["name"], g["path"]) for g in report["groups"]] == [
        ("htx-b", "Bản Phố", "content/cooperatives/htx-b.md"),
        (None, "", None),  # high too, but after the cooperatives
        ("htx-c", "Cao Sơn", "content/cooperatives/htx-c.md"),
        ("htx-a", "An Phú", "content/cooperatives/htx-a.md"),
    ]
    assert [(f["kind"], f["line"]) for f in report["groups"][0]["findings"]] == [
        ("ocop-expired", 20),
        ("stale-price", 4),
        ("single-channel", 12),
    ]
    assert report["summary"] == {
        "high": 2, "medium": 2, "low": 2, "total": 6, "cooperatives": 3, "files": 5
    }  # fmt: skip
    assert worst(report) == "high"


def test_a_cooperative_not_loaded_still_gets_its_group():
    report = build(
        scan_of(finding("content-error", "content/cooperatives/htx-x.md", 2)), TODAY, "vi", "content"
    )
    assert [(g["cooperative"], g["name"], g["path"]) for g in report["groups"]] == [
        ("htx-x", "htx-x", "content/cooperatives/htx-x.md")
    ]


def test_the_json_contract():
    result = scan_of(
        finding("ocop-expired", "content/products/htx-a/p.md", 14, field="ocop.date", example="x: 1")
    )
    report = build(result, TODAY, "en", "content")
    text = render_json(report)
    assert text == render_json(build(result, TODAY, "en", "content"))  # deterministic
    data = json.loads(text)
    assert list(data) == [
        "format",
        "version",
        "date",
        "lang",
        "content",
        "links_checked",
        "summary",
        "groups",
    ]
    assert (data["format"], data["version"], data["date"], data["lang"]) == (
        "chophien-report",
        1,
        "2026-12-02",
        "en",
    )
    assert list(data["summary"]) == ["high", "medium", "low", "total", "cooperatives", "files"]
    assert list(data["groups"][0]) == ["cooperative", "name", "path", "findings"]
    assert data["groups"][0]["findings"] == [
        {
            "kind": "ocop-expired",
            "severity": "high",
            "path": "content/products/htx-a/p.md",
            "line": 14,
            "field": "ocop.date",
            "message": "vấn đề (en)",
            "action": "fix. Example: x: 1",
            "url": None,
        }
    ]
    assert data["links_checked"] is False


HOSTILE = (
    "<img src=x onerror=alert(1)> [l](javascript:alert(1)) ![i](https://e.vn/p.png) @octocat #12 GH-3 "
    "**b** _i_ `c` | d \\| www.evil.vn https://evil.vn\n## forged\r\n| x | y |\x1b[31m\u202e ##[error]x ::set-output"
)


def test_json_keeps_content_text_raw_but_printable():
    coop = make_cooperative(slug="htx-h", name=HOSTILE)
    report = build(scan_of(finding("stale-price", "content/products/htx-h/p.md", message=HOSTILE), coops=(coop,)),
                   TODAY, "vi", "content")  # fmt: skip
    text = render_json(report)
    assert "\x1b" not in text and "\u202e" not in text and "##[" not in text and "\r" not in text
    data = json.loads(text)
    assert data["groups"][0]["name"] == HOSTILE
    assert data["groups"][0]["findings"][0]["message"] == HOSTILE


def _html(markdown: str) -> BeautifulSoup:
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return BeautifulSoup(html, "html.parser")


def test_markdown_forges_nothing_from_content_text():
    coop = make_cooperative(slug="htx-h", name=HOSTILE)
    found = [
        finding("stale-price", "content/products/htx-h/p.md", message=HOSTILE, example=HOSTILE),
        finding("shared-phone", "content/cooperatives/htx-h.md", 5, message="số của " + HOSTILE),
    ]
    markdown = render_markdown(build(scan_of(*found, coops=(coop,)), TODAY, "vi", "content"))
    assert "\x1b" not in markdown and "\u202e" not in markdown and "\r" not in markdown
    lines = markdown.split("\n")
    assert len(lines) == 13 and lines[-1] == ""  # title, summary, links, heading, table of 2: no line forged
    assert [line[:2] for line in lines if line] == ["# ", "`c", "Ch", "##", "| ", "|-", "| ", "| "]
    assert "##[" not in markdown
    soup = _html(markdown)
    assert {tag.name for tag in soup.find_all(True)} <= {
        "h1", "h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "code"
    }  # fmt: skip
    assert [h.get_text() for h in soup.find_all("h2")] == [HOSTILE.replace("\r\n", "\\r\\n").replace("\n", "\\n")
                                                           .replace("\x1b", "\\x1b").replace("\u202e", "\\u202e").replace("##[", "#\\x23[")
                                                           + " (content/cooperatives/htx-h.md)"]  # fmt: skip
    rows = soup.find_all("tr")
    assert len(rows) == 3 and all(len(row.find_all(["td", "th"])) == 4 for row in rows)
    # Mentions and references (which GitHub links in text, escaped or not) appear only inside code.
    for node in soup.find_all(string=True):
        if node.parent.name != "code":
            assert "@" not in node and "#" not in node and not re.search(r"(?i)gh-\d", node)
    assert "@octocat" in rows[1].get_text() and "GH-3" in rows[1].get_text()
    assert "forged" in rows[1].get_text() and "onerror" in rows[1].get_text()


def test_markdown_in_english_and_when_there_is_nothing_to_do():
    empty = render_markdown(build(scan_of(), TODAY, "en", "content"))
    assert empty.startswith("# Content maintenance report: December 2, 2026\n")
    assert "Nothing to do." in empty and "**0** act now" in empty and "--check-links" in empty
    assert worst(build(scan_of(), TODAY, "en", "content")) is None
    named = make_cooperative(slug="htx-a", name="Hợp tác xã Chè Hồ Thầu", name_en="Hồ Thầu Tea Cooperative")
    one = scan_of(finding("ocop-expiring", "content/products/htx-a/p.md"), coops=(named,))
    english = render_markdown(build(one, TODAY, "en", "content"))
    assert "## Hồ Thầu Tea Cooperative (" in english and "1 cooperative, 1 file." in english
    assert build(one, TODAY, "vi", "content")["groups"][0]["name"] == "Hợp tác xã Chè Hồ Thầu"
    vi = render_markdown(
        build(scan_of(finding("ocop-expiring", "content/products/htx-a/p.md")), TODAY, "vi", "c")
    )
    assert "**1** sắp tới" in vi and "| sắp tới |" in vi and "`content/products/htx-a/p.md:3` `price`" in vi
