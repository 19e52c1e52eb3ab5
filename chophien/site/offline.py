"""The site offline and installable: the site-wide service worker, the web app manifest and the offline page.

Three Pages (docs/phone.md): `sw.js` at the site root (theme/templates/offline_sw.html; its scope is
the whole site, except /danh-gia/tu-danh-gia/ whose own worker has the longer scope),
`manifest.webmanifest` (offline_manifest.html) and `ngoai-tuyen/` (offline.html), the page the
worker shows, with the list of pages saved on the phone, for a page that was never saved.

The worker's caches carry the build's version: a digest of every other page's fingerprint
(their context and everything else that changes their bytes, fingerprint.py) and of the Markdown
pages' sources. The Pelican adapter computes it once the pages are known and sets it with
`set_version`; nothing here reads a clock, so the same content gives the same sw.js.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from chophien.site import i18n, urls
from chophien.site.page import Page

WORKER_TEMPLATE = "offline_sw.html"
MANIFEST_TEMPLATE = "offline_manifest.html"
OFFLINE_TEMPLATE = "offline.html"
# What the worker keeps at install besides the offline page: the stylesheet every page links and
# the script that registers the worker (both already in the browser's HTTP cache by then).
PRECACHE_ASSETS = ("css/site.css", "js/offline.js")
ICONS = (  # theme/static/<path>, made by scripts/make_icons.py
    ("icons/icon-192.png", 192, "any"),
    ("icons/icon-512.png", 512, "any"),
    ("icons/icon-maskable-512.png", 512, "maskable"),
)
THEME_COLOR = "#2f6b3a"  # --brand in theme/static/css/site.css
BACKGROUND_COLOR = "#fbfaf6"  # --bg
UNSET = "unset"  # the worker's version until set_version: a build that forgot it is visible


def offline_pages() -> Iterable[Page]:
    """The offline page, the manifest and the worker (its version set later by set_version)."""
    yield Page(urls.offline_page(), OFFLINE_TEMPLATE, {"noindex": True, "breadcrumbs": []})
    yield Page(
        urls.web_manifest(),
        MANIFEST_TEMPLATE,
        {"icons": manifest_icons(), "theme_color": THEME_COLOR, "background_color": BACKGROUND_COLOR},
    )
    yield Page(
        urls.service_worker(),
        WORKER_TEMPLATE,
        {"version": UNSET, "offline": urls.offline_page(), "precache": PRECACHE_ASSETS},
    )


def worker_addresses() -> frozenset[str]:
    """Every service worker the site has (the site-wide one, the self-assessment pages' two): a
    pull request's preview writes none of them (CHOPHIEN_PREVIEW, docs/publishing.md)."""
    return frozenset(
        (urls.service_worker(), urls.self_assessment_worker(), i18n.english_self_assessment_worker())
    )


def manifest_icons() -> list[dict]:
    """The manifest's icons, addressed from the manifest (the site root), so any sub-path works."""
    return [
        {"src": urls.theme_file(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for path, size, purpose in ICONS
    ]


def build_version(fingerprints: dict[str, str], extra: Iterable[str] = ()) -> str:
    """A digest of every page's fingerprint (save_as → value) and *extra* parts: 16 hex digits."""
    digest = hashlib.sha256()
    for name in sorted(fingerprints):
        if name != urls.service_worker():
            digest.update(f"{name}\x1f{fingerprints[name]}\x1e".encode())
    for part in extra:
        digest.update(f"{part}\x1e".encode())
    return digest.hexdigest()[:16]


def set_version(pages: list[Page], version: str) -> None:
    """Give the worker among *pages* its cache version (before its own fingerprint is taken)."""
    for page in pages:
        if page.url == urls.service_worker():
            page.context["version"] = version
