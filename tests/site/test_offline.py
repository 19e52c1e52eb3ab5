"""The offline layer without a browser: the build version, the worker and manifest pages, headers, icons (chophien/site/offline.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT, minimal_tree, run_pelican, theme_environment, write_tree

from chophien.site import offline, urls
from chophien.site.postprocess import headers_file, htaccess_file


def test_the_build_version_is_a_digest_of_every_other_page_and_the_release():
    pages = {"a/index.html": "1", "b/index.html": "2", urls.service_worker(): "whatever"}
    version = offline.build_version(pages, ["templates"])
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert offline.build_version(dict(reversed(pages.items())), ["templates"]) == version  # order-free
    assert offline.build_version(pages | {urls.service_worker(): "other"}, ["templates"]) == version
    assert offline.build_version(pages | {"b/index.html": "3"}, ["templates"]) != version
    assert offline.build_version(pages | {"c/index.html": "4"}, ["templates"]) != version
    assert offline.build_version(pages, ["templates changed"]) != version


def test_the_worker_gets_its_version_and_renders_with_it():
    pages = list(offline.offline_pages())
    assert [p.url for p in pages] == ["ngoai-tuyen/", "manifest.webmanifest", "sw.js"]
    worker = pages[-1]
    assert worker.context["version"] == offline.UNSET
    offline.set_version(pages, "0123456789abcdef")
    env = theme_environment()
    env.globals["asset"] = lambda relative: f"theme/{relative.replace('.', '.abcdef1234.')}"
    text = env.get_template(worker.template).render(SITEURL="https://owner.github.io/repo", **worker.context)
    assert "const VERSION = '0123456789abcdef';" in text
    assert "const OFFLINE = SCOPE + 'ngoai-tuyen/';" in text
    assert '["theme/css/site.abcdef1234.css", "theme/js/offline.abcdef1234.js"]' in text
    assert "/repo" not in text  # every path from the registration's scope: any sub-path works


def test_the_manifest_is_vietnamese_and_relative():
    page = next(p for p in offline.offline_pages() if p.url == urls.web_manifest())
    text = (
        theme_environment()
        .get_template(page.template)
        .render(SITENAME="Chợ phiên", SITE_TAGLINE="Đặc sản", **page.context)
    )
    data = json.loads(text)
    assert data["name"] == "Chợ phiên – chợ đặc sản hợp tác xã miền núi" and data["short_name"] == "Chợ phiên"
    assert data["lang"] == "vi" and data["display"] == "standalone"
    assert data["start_url"] == data["scope"] == data["id"] == "./"
    assert data["theme_color"] == offline.THEME_COLOR and data["background_color"] == offline.BACKGROUND_COLOR
    assert [(i["src"], i["sizes"], i["purpose"]) for i in data["icons"]] == [
        ("theme/icons/icon-192.png", "192x192", "any"),
        ("theme/icons/icon-512.png", "512x512", "any"),
        ("theme/icons/icon-maskable-512.png", "512x512", "maskable"),
    ]
    for icon in data["icons"]:
        assert (ROOT / "theme/static" / icon["src"].removeprefix("theme/")).is_file()


def test_the_icons_are_what_the_script_draws():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/make_icons.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_workers_are_never_long_cached_and_the_manifest_has_its_type():
    headers = headers_file()
    for worker in ("/sw.js", "/danh-gia/tu-danh-gia/sw.js"):
        assert f"\n{worker}\n  Cache-Control: no-cache\n" in headers
    htaccess = htaccess_file()
    assert 'm#/sw\\.js$#">\n    Header set Cache-Control "no-cache"' in htaccess
    assert "AddType application/manifest+json .webmanifest" in htaccess
    assert '<FilesMatch "\\.webmanifest\\.(br|gz)$">\n  ForceType application/manifest+json' in htaccess


@pytest.mark.build
def test_a_build_writes_the_worker_with_the_build_version_and_the_head_links(tmp_path):
    content = write_tree(tmp_path, minimal_tree())
    out = tmp_path / "output"
    assert run_pelican(content, out).returncode == 0
    worker = (out / "sw.js").read_text(encoding="utf-8")
    version = re.search(r"const VERSION = '([0-9a-f]{16})';", worker).group(1)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert (
        '<link rel="manifest" href="/manifest.webmanifest"><meta name="theme-color" content="#2f6b3a">'
        in home
    )
    assert re.search(r'<script src="/theme/js/offline\.[0-9a-f]{10}\.js" defer></script>', home)
    coop = (out / "hop-tac-xa/htx-che-na-hang/index.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="luu" data-luu="/hop-tac-xa/htx-che-na-hang/don-hang.json" data-w="[^"<>]+" hidden>', coop)
    offline_page = (out / "ngoai-tuyen/index.html").read_text(encoding="utf-8")
    assert '<div id="da-luu">' in offline_page and '<meta name="robots" content="noindex">' in offline_page
    assert "ngoai-tuyen" not in (out / "sitemap.xml").read_text(encoding="utf-8")

    # the same content again: the same version; a changed price: another
    assert run_pelican(content, out).returncode == 0
    assert (out / "sw.js").read_text(encoding="utf-8") == worker
    product = content / "products/htx-che-na-hang/che-shan-tuyet.md"
    product.write_text(
        product.read_text(encoding="utf-8").replace("price: 450000", "price: 460000"), encoding="utf-8"
    )
    assert run_pelican(content, out).returncode == 0
    assert version not in (out / "sw.js").read_text(encoding="utf-8")
    # a Markdown page changed: another version too
    again = (out / "sw.js").read_text(encoding="utf-8")
    (content / "pages/gioi-thieu.md").write_text("Title: Giới thiệu\n\nMới.\n", encoding="utf-8")
    assert run_pelican(content, out).returncode == 0
    assert (out / "sw.js").read_text(encoding="utf-8") != again
