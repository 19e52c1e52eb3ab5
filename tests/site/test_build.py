"""Build the sample site with Pelican (once) and check what a buyer and a host would see."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import html5lib
import pytest
from conftest import COOP, PRODUCT, ROOT, minimal_tree, run_pelican, write_tree
from htmlcheck import active_content
from PIL import Image

from chophien.core.text import format_money
from chophien.quality.budgets import CSS_BUDGET, HTML_BUDGET, css_total, measure_site
from chophien.quality.links import broken_links, foreign_requests, html_files, parse_page
from chophien.site.build_report import BuildReport

pytestmark = pytest.mark.build

CONTENT = ROOT / "content"


def links(path: Path) -> list[tuple[str, str]]:
    """(tag, URL) of every href/src/srcset entry of a page, read by the audit's one parser."""
    return [(tag, value) for tag, _attr, value in parse_page(path.read_text(encoding="utf-8")).links]


def test_page_counts_match_the_content(built_demo):
    products = [p for p in (CONTENT / "products").glob("*/*.md")]
    coops = list((CONTENT / "cooperatives").glob("*.md"))
    product_pages = [p for p in (built_demo / "san-pham").glob("*/*/index.html") if p.parts[-3] != "page"]
    coop_pages = list((built_demo / "hop-tac-xa").glob("*/index.html"))
    assert len(products) >= 60 and len(coops) >= 12
    assert len(product_pages) == len(products)
    assert len(coop_pages) == len(coops)
    assert len(list((built_demo / "hop-tac-xa").glob("*/don-hang.json"))) == len(coops)
    for page in [
        "index.html",
        "404.html",
        "danh-muc/index.html",
        "tinh/index.html",
        "dan-toc/index.html",
        "ocop/index.html",
        "hop-tac-xa/index.html",
        "san-pham/index.html",
        "gioi-thieu/index.html",
        "cach-dat-hang/index.html",
        "dong-gop-noi-dung/index.html",
        "don-hang/index.html",
    ]:
        assert (built_demo / page).is_file(), page


def test_every_internal_link_resolves(built_demo):
    # The same checker as `make audit` (chophien/quality/links.py): files, directories and #fragments.
    assert broken_links(built_demo) == []


def test_no_third_party_requests(built_demo):
    pages = html_files(built_demo)
    assert len(pages) > 100  # every page of the sample, not an empty list
    # The one check (quality/links.py); with CHOPHIEN_MEDIA_URL, tests/publishing/test_publish_media.py.
    assert foreign_requests(built_demo) == []


def test_listings_are_paginated_with_counts(built_demo):
    all_products = (built_demo / "san-pham/index.html").read_text()
    total = len(list((CONTENT / "products").glob("*/*.md")))
    assert f"{total} sản phẩm, đang xem 1–24" in all_products
    assert 'rel="next" href="/san-pham/page/2/"' in all_products
    assert (built_demo / "san-pham/page/2/index.html").is_file()
    assert all_products.count('class="card"') == 24


def _product_page(site: Path, coop: str, slug: str) -> str:
    return (site / "san-pham" / coop / slug / "index.html").read_text(encoding="utf-8")


def _front_matter_value(path: Path, key: str) -> str | None:
    match = re.search(rf"^{key}:\s*(.+)$", path.read_text(encoding="utf-8"), re.M)
    return match.group(1).strip() if match else None


def test_prices_are_formatted_on_every_product_page(built_demo):
    from chophien.core.text import parse_price, slugify

    sources = sorted((CONTENT / "products").glob("*/*.md"))
    assert len(sources) > 50  # the sample's products, not an empty glob
    for source in sources:
        raw = _front_matter_value(source, "price")
        html = _product_page(built_demo, source.parent.name, source.stem)
        if slugify(raw) == "lien-he":
            assert '<p class="price"><strong>Liên hệ</strong>' in html, source
        else:
            assert f'<p class="price"><strong>{format_money(parse_price(raw))}</strong>' in html, source


def test_order_links_carry_the_code_and_message(built_demo):
    checked = 0
    for page in (built_demo / "san-pham").glob("*/*/index.html"):
        if page.parts[-3] == "page":
            continue
        html = page.read_text(encoding="utf-8")
        code = re.search(r"<dt>Mã SP</dt><dd><code>([^<]+)</code>", html).group(1)
        for _tag, link in links(page):
            if link.startswith("sms:"):
                body = parse_qs(urlsplit(link).query)["body"][0]
                assert (
                    body.startswith("Chào ")
                    and f"[Mã SP: {code}]" in body
                    and "Số lượng: … Giao đến: …" in body
                )
                checked += 1
            if link.startswith("mailto:") and "subject=" in link:
                assert f"[Mã SP: {code}]" in parse_qs(urlsplit(link).query)["subject"][0]
            if link.startswith("tel:"):
                assert re.fullmatch(r"tel:\+84\d{9,10}", link), link
            if link.startswith("https://zalo.me/"):
                assert re.fullmatch(r"https://zalo\.me/0\d{9,10}", link), link
        if "https://zalo.me/" in html or "https://m.me/" in html:
            assert 'readonly rows="4">Chào ' in html and f"[Mã SP: {code}]" in html
    assert checked > 30


def test_html_is_valid_semantic_and_in_budget(built_demo):
    measures = measure_site(built_demo)
    over = [(m.path, m.gzipped) for m in measures if m.over]
    assert over == []
    assert css_total(measures) <= CSS_BUDGET
    # /danh-gia/ pages have their own 30 KB budget (charts and tables), checked through `over`.
    pages = [m for m in measures if m.path.endswith(".html") and m.kind != "assessment"]
    assert max(m.gzipped for m in pages) <= HTML_BUDGET
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in html_files(built_demo):
        text = page.read_text(encoding="utf-8")
        parser.parse(text)  # raises on any parse error
        edition = "en" if page.relative_to(built_demo).parts[0] == "en" else "vi"
        assert f'<html lang="{edition}">' in text
        assert text.count("<main") == 1
        for img in re.findall(r"<img [^>]+>", text):
            assert ' alt="' in img and ' width="' in img and ' height="' in img, img


def test_sample_data_is_marked(built_demo):
    for page in ["index.html", "san-pham/index.html"]:
        assert "Dữ liệu mẫu" in (built_demo / page).read_text(encoding="utf-8")


def test_no_original_photo_is_published(built_demo):
    originals = {p.name for p in CONTENT.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".heic")}
    published = {p.name for p in built_demo.rglob("*") if p.is_file()}
    assert originals and not (originals & published)


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>" onmouseover="alert(3)'
SHORT = '<script>"x onload=y'  # for fields with a short length limit


def test_hostile_content_cannot_inject_active_content(tmp_path):
    coop = (
        COOP.replace("Hợp tác xã Chè Shan tuyết Nà Hang", f"'HTX {HOSTILE}'")
        .replace("HTX Chè Nà Hang", f"'Ngắn {SHORT}'")
        .replace("Xã Nà Hang", f"'Xã {HOSTILE}'")
        + "<iframe src=https://evil.example></iframe>\n[x](javascript:alert(4))\n{: onclick=alert(5) }\n"
        "<style>*{}</style><base href=https://evil.example/>\n"
    )
    product = (
        PRODUCT.replace("Chè Shan tuyết cổ thụ", f"'Chè {HOSTILE}'")
        .replace("hộp 200 g", f"'hộp {SHORT}'")
        .replace("Búp chè Shan tuyết", f"'alt {HOSTILE}'")
        .replace("category: che", f"category: che\ntags: ['{SHORT}']\nmin_order: '{SHORT}'")
        + "<script>alert(6)</script>\n<object data=x></object><embed src=x>\n[d](data:text/html,hi)\n"
    )
    page = "Title: Giới thiệu\nSlug: gioi-thieu\n\n<script>alert(7)</script>\n[x](javascript:alert(8))\n"
    content = write_tree(
        tmp_path,
        minimal_tree(
            **{
                "cooperatives/htx-che-na-hang.md": coop,
                "products/htx-che-na-hang/che-shan-tuyet.md": product,
                "pages/gioi-thieu.md": page,
            }
        ),
    )
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stderr
    pages = html_files(out)
    assert len(pages) > 5
    for path in pages:
        html = path.read_text(encoding="utf-8")
        # The figures' charts are the site's own inline SVG (assessment/charts.py): the only <svg>
        # allowed, each of the charts' own shape; what is inside is still checked for handlers and URLs.
        chart_page = path.relative_to(out).as_posix() in ("so-lieu/index.html", "en/figures/index.html")
        allowed = {"link", "meta", "script", "form"} | ({"svg"} if chart_page else set())
        found = active_content(html, allowed_tags=allowed)
        assert found == [], (path, found)
        own_chart = r'<svg xmlns="http://www\.w3\.org/2000/svg" viewBox="[0-9 ]+" role="img" aria-labelledby="[a-z0-9 -]+"[^<>]*>'
        assert all(re.fullmatch(own_chart, svg) for svg in re.findall(r"<svg[^>]*>", html)), path
        assert "foreignobject" not in html.lower() and "<use" not in html, path
        forms = re.findall(r"<form [^>]*>", html)  # only the site's own search forms
        assert all(re.search(r' action="/(tim-kiem|en/search)/" method="get"', form) for form in forms), forms
        scripts = re.findall(r"<script[^>]*>", html)
        allowed_script = r'<script src="/theme/js/(copy|search-loader|order|order-list|offline)\.[0-9a-f]{10}\.js" defer>|<script type="application/ld\+json">'
        assert all(re.fullmatch(allowed_script, s) for s in scripts), scripts
        for data in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
            assert "<" not in data and json.loads(data)  # data, never markup that could end the element
        links = re.findall(r"<link [^>]*>", html)
        own = r'href="/(theme/(css/(site|print-sheet|order-list)\.[0-9a-f]{10}\.css|favicon\.svg)|manifest\.webmanifest)"'
        address = r'rel="(canonical|alternate)"[^>]* href="http://127\.0\.0\.1:8000/'  # not requested
        assert all(re.search(own, link) or re.search(address, link) for link in links), links
    product_html = (out / "san-pham/htx-che-na-hang/che-shan-tuyet/index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in product_html  # shown as text, not run
    order_data = (out / "hop-tac-xa/htx-che-na-hang/don-hang.json").read_text()  # the order list's
    assert "<" not in order_data and json.loads(order_data)["name"] == f"HTX {HOSTILE}"


def test_failed_build_leaves_previous_site_untouched_and_no_partial_output(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    out = tmp_path / "output"
    assert run_pelican(content, out).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (content / "products/htx-che-na-hang/che-shan-tuyet.md").write_text(PRODUCT.replace("450000", "4.5"))
    (content / "products/htx-che-na-hang/moi.md").write_text(
        PRODUCT.replace("category: che", "category: che\ncode: NEW-1")
    )
    result = run_pelican(content, out)
    assert result.returncode == 1
    assert "1 lỗi trong 1 tệp" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before

    fresh = tmp_path / "fresh-output"
    assert run_pelican(content, fresh).returncode == 1
    assert not fresh.exists() or not any(fresh.rglob("*"))


def test_bundled_sample_content_validates_clean():
    from chophien.cli import main

    assert main(["validate", str(CONTENT), "--format", "human", "--no-images"]) == 0


def test_devserver_mode_shows_problems_as_a_page(tmp_path):
    content = write_tree(
        tmp_path,
        minimal_tree(**{"products/htx-che-na-hang/che-shan-tuyet.md": PRODUCT.replace("450000", "4.5")}),
    )
    out = tmp_path / "output"
    result = run_pelican(content, out, "-e", "CHOPHIEN_SHOW_ERRORS=true")
    assert result.returncode == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Nội dung có lỗi" in html
    assert "content/products/htx-che-na-hang/che-shan-tuyet.md:4:1: lỗi: price: “4.5” không rõ" in html
    assert not (out / "san-pham").exists()


def test_product_page_pictures(built_demo):
    html = _product_page(built_demo, "to-hop-tac-ong-mat-dong-van", "mat-ong-bac-ha")
    pictures = re.findall(r"<picture>(.*?)</picture>", html, re.S)
    gallery = [p for p in pictures if 'alt="Chai mật ong' in p or "HEIC" in p or "Hoa bạc hà" in p]
    assert len(gallery) == 3
    first, *rest = gallery
    assert 'fetchpriority="high"' in first and 'loading="lazy"' not in first
    for picture in rest:
        assert (
            'loading="lazy"' in picture and 'decoding="async"' in picture and "fetchpriority" not in picture
        )
    for picture in gallery:
        sources = re.findall(r'<source type="image/(avif|webp)" srcset="([^"]+)"', picture)
        assert [kind for kind, _ in sources] == ["avif", "webp"]
        img = re.search(r"<img [^>]+>", picture).group(0)
        assert "srcset" not in img  # one JPEG per photo: the fallback of browsers without WebP
        width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', img).groups())
        src = re.search(r' src="([^"]+)"', img).group(1)
        with Image.open(built_demo / src.lstrip("/")) as shown:
            assert shown.size == (width, height) and shown.format == "JPEG"
        for _kind, srcset in sources:
            for candidate in srcset.split(", "):
                url, descriptor = candidate.split(" ")
                with Image.open(built_demo / url.lstrip("/")) as variant:
                    assert f"{variant.width}w" == descriptor
    # The HEIC from an iPhone is published as AVIF/WebP/JPEG, never as HEIC.
    assert ".heic" not in html


def test_every_published_image_is_metadata_free(built_demo):
    media = list((built_demo / "media").iterdir())
    assert len(media) > 500
    for path in media:
        data = path.read_bytes()
        assert b"Exif\x00\x00" not in data and b"xmpmeta" not in data, path.name
        with Image.open(path) as image:
            assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info, (
                path.name
            )


def test_rebuild_renders_only_changed_pages_and_removes_stale_ones(tmp_path):
    second = PRODUCT.replace("Chè Shan tuyết cổ thụ", "Chè búp Nà Hang")
    content = write_tree(tmp_path, minimal_tree(**{"products/htx-che-na-hang/che-bup.md": second}))
    out = tmp_path / "output"
    first = run_pelican(content, out)
    assert first.returncode == 0
    report = BuildReport.load(out.parent / ".cache", out)
    assert report.rendered > 15 and report.unchanged == 0 and report.removed == 0
    assert report.line() in first.stderr.splitlines()  # the line printed is the report's
    again = run_pelican(content, out)
    report = BuildReport.load(out.parent / ".cache", out)
    assert report.rendered == 0 and report.unchanged > 15
    assert report.line() in again.stderr.splitlines()
    (content / "products/htx-che-na-hang/che-bup.md").write_text(second.replace("450000", "460000"))
    assert run_pelican(content, out).returncode == 0
    # the pages showing it, in each edition (Vietnamese and English: docs/i18n.md)
    assert 0 < BuildReport.load(out.parent / ".cache", out).rendered < 2 * 15
    assert "460.000" in (out / "san-pham/htx-che-na-hang/che-bup/index.html").read_text()
    assert "460.000" in (out / "san-pham/index.html").read_text()
    assert "460,000" in (out / "en/products/htx-che-na-hang/che-bup/index.html").read_text()
    (content / "products/htx-che-na-hang/che-bup.md").unlink()
    removed = run_pelican(content, out)
    assert removed.returncode == 0
    assert BuildReport.load(out.parent / ".cache", out).removed >= 2  # the page and its QR code at least
    assert not (out / "san-pham/htx-che-na-hang/che-bup").exists()
    assert "Chè búp Nà Hang" not in (out / "san-pham/index.html").read_text()
    assert (out / "san-pham/htx-che-na-hang/che-shan-tuyet/index.html").is_file()
