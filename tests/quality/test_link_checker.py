"""The link checker (chophien/quality/links.py) on tiny trees."""

from __future__ import annotations

from site_files import page, write

from chophien.quality.links import broken_links, resolve_link


def test_link_checker_finds_broken_links_in_a_tiny_tree(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page(
                '<a href="/san-pham/">ok</a> <a href="/khong-co/">missing</a> <a href="#top">no id</a>'
                '<a href="/san-pham/#main">ok fragment</a> <a href="https://example.com/x">external</a>'
                '<a href="tel:+84912345678">tel</a> <a href="mailto:a@b.vn">mail</a>'
                '<img src="/media/a.jpg" alt="" srcset="/media/a.jpg 240w, /media/b.jpg 480w">',
                head='<link rel="stylesheet" href="/theme/site.css">',
            ),
            "san-pham/index.html": page(
                '<main id="main"><a href="../">up</a> <a href="sp/">relative</a></main>'
            ),
            "media/a.jpg": b"x",
            "theme/site.css": "a{background:url(../media/a.jpg)}b{background:url('missing.png')}"
            "i{background:url(data:image/png;base64,AAAA)}",
            "admin/index.html": page('<a href="/nowhere/">the CMS is not checked</a>'),
        },
    )
    assert broken_links(site) == [
        "index.html → /khong-co/",
        "index.html → #top (no id “top”)",
        "index.html → /media/b.jpg",
        "san-pham/index.html → sp/",
        "theme/site.css → missing.png",
    ]


def test_links_resolve_under_a_sub_path():
    assert resolve_link("index.html", "/repo/san-pham/", base="/repo/") == ("san-pham/", "")
    assert resolve_link("a/index.html", "../b/#x", base="/repo/") == ("b/", "x")
    assert resolve_link("a/index.html", "/elsewhere/", base="/repo/")[0].startswith("\0outside")
    assert resolve_link("index.html", "//cdn.example/x.js") is None
    assert resolve_link("index.html", "sms:0912?body=x") is None
    assert resolve_link("a/b.html", "c%20d.html") == ("a/c d.html", "")


def test_a_link_to_a_file_with_a_trailing_slash_is_broken(tmp_path):
    site = write(tmp_path, {"index.html": page('<a href="/f.txt/">x</a>'), "f.txt": "x"})
    assert broken_links(site) == ["index.html → /f.txt/"]
