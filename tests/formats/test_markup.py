import pytest
from htmlcheck import active_content

from chophien.formats.markup import MarkdownRenderer, summary

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    "<iframe src='https://evil.example'></iframe>",
    "<object data='x.swf'></object><embed src='x.swf'>",
    "<style>body{display:none}</style>",
    "<base href='https://evil.example/'>",
    'Paragraph\n{: onclick="alert(1)" }',
    '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    "<svg onload=alert(1)><circle/></svg>",
    "<form action='https://evil.example'><input name=x></form>",
    '<p style="background:url(javascript:alert(1))">x</p>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_neutralised(source):
    html = MarkdownRenderer().render(source)
    assert active_content(html) == [], html
    assert "style=" not in html


def test_the_checker_itself_finds_active_content():
    found = active_content('<p onclick="x"><a href=" JavaScript:alert(1)">a</a><script></script></p>')
    assert found == ["p[onclick]", "a[href= JavaScript:alert(1)]", "<script>"]


def test_safe_markdown_survives():
    html = MarkdownRenderer().render(
        "# Tiêu đề\n\n**Đậm** và [liên kết](https://example.vn).\n\n- một\n- hai\n"
    )
    assert "<h2>Tiêu đề</h2>" in html
    assert "<strong>Đậm</strong>" in html
    assert '<a href="https://example.vn" rel="nofollow noopener">liên kết</a>' in html
    assert "<li>một</li>" in html


def test_render_is_cached_by_content():
    renderer = MarkdownRenderer()
    renderer.render("Xin chào")
    renderer.render("Xin chào")
    assert len(renderer.cache) == 1


def test_summary_cuts_at_a_word():
    html = "<p>" + "Chè ngon " * 40 + "</p>"
    text = summary(html, 30)
    assert text == "Chè ngon Chè ngon Chè ngon Chè…"
    assert summary("<p>A &amp; B</p><p>second</p>") == "A & B"


def test_disk_cache_round_trip(tmp_path):
    path = tmp_path / "markdown.json"
    first = MarkdownRenderer.with_disk_cache(path)
    html = first.render("**Chè**")
    first.save(path)
    second = MarkdownRenderer.with_disk_cache(path)
    assert second.cache == first.cache
    second._md = None  # a cache hit must not need the Markdown engine
    assert second.render("**Chè**") == html
    assert second.added == 0
