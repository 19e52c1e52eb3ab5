"""Production post-processing: minified, precompressed, fingerprinted, headers, deterministic."""

import gzip
import re
import shutil

import brotli
import html5lib
from conftest import ROOT, minimal_tree, run_pelican, write_tree

from chophien.site.build_report import BuildReport
from chophien.site.postprocess import (
    CSP,
    CSP_META,
    asset_name,
    compress_file,
    csp,
    csp_meta,
    headers_file,
    htaccess_file,
    minify_html,
)


def _publish(content, out):
    return run_pelican(
        content,
        out,
        "-s",
        str(ROOT / "publishconf.py"),
        env_extra={"CHOPHIEN_SITEURL": "https://cho.example.vn/sub"},
    )


def _files(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_production_build_is_minified_compressed_and_deterministic(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    first, second = tmp_path / "a", tmp_path / "b"
    assert _publish(content, first).returncode == 0
    assert _publish(content, second).returncode == 0
    files = _files(first)
    assert files == _files(second)  # byte-identical builds, siblings included
    product = "san-pham/htx-che-na-hang/che-shan-tuyet/index.html"
    html = files[product].decode()
    parser = html5lib.HTMLParser()
    parser.parse(html)
    # html5lib (2020) predates the spec's "ambiguous ampersand" rule: an unescaped `&body=` in a
    # minified sms:/mailto: link is valid HTML today (the Nu checker in `make audit` agrees).
    assert [error for _pos, error, _vars in parser.errors if error != "expected-named-entity"] == []
    assert "\n\n" not in html and "<html lang=vi>" in html
    assert gzip.decompress(files[product + ".gz"]) == files[product]
    assert brotli.decompress(files[product + ".br"]) == files[product]
    css = [name for name in files if re.fullmatch(r"theme/css/site\.[0-9a-f]{10}\.css", name)]
    assert len(css) == 1 and f"{css[0]}.br" in files
    assert (
        f"href=https://cho.example.vn/sub/{css[0]}" in html
        or f'href="https://cho.example.vn/sub/{css[0]}"' in html
    )
    assert "Content-Security-Policy" in html and "script-src 'self'" in html
    assert "_headers" in files and ".htaccess" in files
    assert not any(name.endswith((".md", ".yaml")) for name in files)


def test_changed_page_is_recompressed_and_removed_page_loses_its_siblings(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    out = tmp_path / "out"
    assert _publish(content, out).returncode == 0
    page = out / "san-pham/htx-che-na-hang/che-shan-tuyet/index.html"
    product = content / "products/htx-che-na-hang/che-shan-tuyet.md"
    product.write_text(product.read_text().replace("450000", "470000"))
    assert _publish(content, out).returncode == 0
    assert b"470.000" in gzip.decompress(page.with_name("index.html.gz").read_bytes())
    product.unlink()
    assert _publish(content, out).returncode == 0
    assert (
        not page.exists()
        and not page.with_name("index.html.gz").exists()
        and not page.with_name("index.html.br").exists()
    )


def test_headers_files_carry_the_policy():
    headers = headers_file()
    assert f"Content-Security-Policy: {CSP}" in headers
    assert (
        "X-Content-Type-Options: nosniff" in headers
        and "Referrer-Policy:" in headers
        and "Permissions-Policy:" in headers
    )
    assert "'unsafe-inline'" not in CSP.split("script-src", 1)[1].split(";", 1)[0]
    htaccess = htaccess_file()
    assert 'Header always set Content-Security-Policy "' in htaccess
    assert "RewriteRule ^(.+)$ $1.br [L]" in htaccess
    assert "Require all denied" in htaccess
    # only the member catalogue and the search bundle are readable from other origins (docs/federation.md)
    assert headers.count("Access-Control-Allow-Origin: *") == 2
    assert "/danh-muc.json\n  Access-Control-Allow-Origin: *" in headers
    assert "/tim-kiem/pagefind/*\n  Access-Control-Allow-Origin: *" in headers
    assert htaccess.count("Access-Control-Allow-Origin") == 1
    assert r"/(danh\-muc\.json$|tim\-kiem/pagefind/)#" in htaccess


def test_media_url_adds_its_origin_to_images_and_connections_only():
    assert csp("") == CSP and csp_meta("") == CSP_META  # unset: the policy as it always was
    policy = csp("https://anh.example.vn/lao-cai/")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    before = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    changed = {k for k in directives if directives[k] != before[k]}
    assert changed == {"img-src", "connect-src"}
    assert directives["img-src"] == "'self' https://anh.example.vn"
    assert directives["connect-src"] == "'self' https://anh.example.vn"
    assert "frame-ancestors" not in csp_meta("https://anh.example.vn/lao-cai/")
    assert f"Content-Security-Policy: {policy}" in headers_file("https://anh.example.vn/lao-cai/")
    assert f'Content-Security-Policy "{policy}"' in htaccess_file("https://anh.example.vn/lao-cai/")


def test_asset_names_follow_content(tmp_path):
    source = tmp_path / "site.css"
    source.write_text("a{color:red}")
    first = asset_name("css/site.css", source)
    source.write_text("a{color:blue}")
    assert re.fullmatch(r"css/site\.[0-9a-f]{10}\.css", first) and asset_name("css/site.css", source) != first


def test_compression_skips_fresh_siblings(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<p>" + "Chè Shan tuyết " * 100 + "</p>")
    assert compress_file(page) == 2
    assert compress_file(page) == 0


def test_minify_keeps_text():
    assert minify_html("<p>\n  Chè   ngon\n</p>\n") == "<p>Chè ngon</p>"


def test_pages_rendered_on_several_cores_equal_pages_rendered_in_one(tmp_path):
    """Past PARALLEL_FROM pages, forked workers render, minify and compress: same bytes as one process."""
    many = {
        f"products/htx-che-na-hang/che-{number:03d}.md": PRODUCT_TEMPLATE.format(
            number=number, price=100 + number
        )
        for number in range(230)
    }
    content = write_tree(tmp_path, minimal_tree(**many))
    sites, reports = {}, {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs-{jobs}"
        result = run_pelican(
            content,
            out,
            "-s",
            str(ROOT / "publishconf.py"),
            env_extra={"CHOPHIEN_SITEURL": "https://cho.example.vn", "CHOPHIEN_JOBS": jobs},
        )
        assert result.returncode == 0, result.stderr
        report = BuildReport.load(out.parent / ".cache", out)
        assert report.workers == int(jobs) and report.rendered > 230  # past PARALLEL_FROM
        assert report.compressed > 230 and report.line() in result.stderr.splitlines()
        sites[jobs] = _files(out)
        reports[jobs] = report
    assert sites["1"] == sites["2"]
    assert reports["1"].rendered == reports["2"].rendered
    page = "san-pham/htx-che-na-hang/che-229/index.html"
    assert "Chè búp số 229" in sites["2"][page].decode() and "\n\n" not in sites["2"][page].decode()
    assert brotli.decompress(sites["2"][page + ".br"]) == sites["2"][page]


PRODUCT_TEMPLATE = """\
---
name: Chè búp số {number}
category: che
price: {price}.000
images:
  - file: che.jpg
    alt: Búp chè
---
Chè búp hái tay, lô số {number}.
"""


def test_a_template_error_in_a_render_worker_fails_the_build(tmp_path):
    many = {
        f"products/htx-che-na-hang/che-{number:03d}.md": PRODUCT_TEMPLATE.format(
            number=number, price=100 + number
        )
        for number in range(230)
    }
    content = write_tree(tmp_path, minimal_tree(**many))
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    product = theme / "templates/product.html"
    product.write_text(
        product.read_text().replace(
            "{% block content %}", "{% block content %}{{ product.no_such.field }}", 1
        )
    )
    result = run_pelican(content, tmp_path / "out", "-t", str(theme), env_extra={"CHOPHIEN_JOBS": "2"})
    assert result.returncode != 0
    assert "no_such" in result.stderr + result.stdout
