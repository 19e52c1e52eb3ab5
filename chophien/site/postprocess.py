"""After the site is written: fingerprinted asset names, minified HTML/CSS, .br/.gz siblings,
and the security/caching headers files for static hosts.

Everything is deterministic (gzip without timestamps, fixed brotli settings) and incremental:
a file is minified only when this build wrote it, compressed only when its .br/.gz is missing
or older than it.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from chophien.core.files import TEMP_PREFIX, signature_of, write_atomic
from chophien.site import i18n, urls

TEXT_SUFFIXES = {".html", ".css", ".js", ".svg", ".xml", ".json", ".txt", ".csv", ".webmanifest", ".mjs"}
STATIC_SUFFIXES = {".css", ".js", ".svg", ".mjs"}  # few and long-cached: worth brotli's best
MIN_COMPRESS_BYTES = 256  # smaller files gain nothing from compression
HTML_BROTLI_QUALITY = 7  # 0.35 ms per product page, within 10% of quality 11 (22 ms)
STATIC_BROTLI_QUALITY = 11

# One policy for every page; no inline script anywhere. 'wasm-unsafe-eval' lets the search
# (Pagefind, WebAssembly) run; inline *styles* carry only the photo placeholder colour.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


# A <meta> policy cannot carry frame-ancestors (browsers ignore it there, with a console warning).
CSP_META = CSP.replace("; frame-ancestors 'none'", "")


def csp(media_url: str = "", img_origins=(), connect_origins=()) -> str:
    """The policy of every page: CSP, with CHOPHIEN_MEDIA_URL's origin (when set) added to img-src
    (the photos) and connect-src (the service worker fetches photos for "Lưu"), and a national
    site's member origins (site/national.py: *img_origins* for their photos, *connect_origins* for
    their search bundles, all named in federation.yaml by the site's owner); nowhere else."""
    media = [urls.origin(media_url)] if media_url else []
    images = list(dict.fromkeys([*media, *img_origins]))
    connect = list(dict.fromkeys([*media, *connect_origins]))
    policy = CSP
    if images:
        policy = policy.replace("img-src 'self'", " ".join(("img-src 'self'", *images)))
    if connect:
        policy = policy.replace("connect-src 'self'", " ".join(("connect-src 'self'", *connect)))
    return policy


def csp_meta(media_url: str = "", img_origins=(), connect_origins=()) -> str:
    return csp(media_url, img_origins, connect_origins).replace("; frame-ancestors 'none'", "")


# The editors' page loads Decap CMS from its CDN and talks to GitHub (docs/cms.md).
ADMIN_CSP = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: blob: https:; "
    "connect-src 'self' https://api.github.com https://*.githubusercontent.com; "
    "frame-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "X-Frame-Options": "DENY",
}
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=300, must-revalidate"
# Service workers (/sw.js, /danh-gia/tu-danh-gia/sw.js): always asked again, so a release reaches
# phones at their next visit (docs/phone.md). Browsers also cap a worker's HTTP cache at 24 h.
WORKER_CACHE = "no-cache"
# What other sites may read from a browser (Access-Control-Allow-Origin: *, docs/federation.md): the
# member catalogue a national site fetches, and the search bundle its merged search loads (mergeIndex).
SHARED_FILES = (f"/{urls.member_catalogue()}", f"/{urls.search_bundle()}*")


def _write_atomic(path: Path, data: bytes) -> None:
    """Pages and their siblings: whole or not at all, 0644, not fsynced (the build records each
    page's size and mtime, and one that differs is written again; see fingerprint.PageState)."""
    write_atomic(path, data, durable=False)


def asset_name(relative: str, source: Path) -> str:
    """'css/site.css' → 'css/site.3f2a9c1e0b.css', the hash of the source file's bytes."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:10]
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{relative}.{digest}"


def minify_html(text: str) -> str:
    import minify_html as minifier

    return minifier.minify(
        text,
        keep_closing_tags=True,
        keep_html_and_head_opening_tags=True,
        minify_css=True,
        minify_js=False,  # JSON-LD and our tiny deferred scripts stay as written
    )


def minify_css(text: str) -> str:
    import rcssmin

    return rcssmin.cssmin(text)


def minify_file(path: Path) -> bool:
    """Minify an HTML or CSS file in place; True when it changed."""
    text = path.read_text(encoding="utf-8")
    smaller = minify_html(text) if path.suffix == ".html" else minify_css(text)
    if smaller == text:
        return False
    _write_atomic(path, smaller.encode("utf-8"))
    return True


def _squeezers(suffix: str):
    import brotli

    quality = STATIC_BROTLI_QUALITY if suffix in STATIC_SUFFIXES else HTML_BROTLI_QUALITY
    return (
        (".gz", lambda d: gzip.compress(d, compresslevel=9, mtime=0)),
        (".br", lambda d: brotli.compress(d, quality=quality)),
    )


def compress_file(
    path: Path,
    trusted: Callable[[Path, tuple[int, int]], bool] | None = None,
    record: Callable[[Path, tuple[int, int]], None] | None = None,
) -> int:
    """Write path.gz and path.br when missing or stale; return how many were written.

    A sibling at least as new as its file is up to date when *trusted* (given its path and
    (size, mtime_ns)) agrees: the build trusts only siblings it wrote or recorded, so one
    truncated since is written again. *record* is told every sibling's final (size, mtime_ns).
    """
    data = None
    written = 0
    source_mtime = path.stat().st_mtime_ns
    for suffix, squeeze in _squeezers(path.suffix):
        target = path.with_name(path.name + suffix)
        signature = signature_of(target)
        if (
            signature is None
            or signature[1] < source_mtime
            or (trusted is not None and not trusted(target, signature))
        ):
            if data is None:
                data = path.read_bytes()
            _write_atomic(target, squeeze(data))
            written += 1
            signature = signature_of(target)
        if record is not None and signature is not None:
            record(target, signature)
    return written


def write_page(path: Path, text: str, minify: bool = False, precompress: bool = False) -> None:
    """Write a rendered page, minified and with its .gz/.br siblings when asked.

    Done where the page is rendered (in each render worker), so a cold publish build minifies
    and compresses on every core; the later whole-folder passes find these files up to date.
    """
    data = (minify_html(text) if minify else text).encode("utf-8")
    _write_atomic(path, data)
    if precompress and path.suffix in TEXT_SUFFIXES and len(data) >= MIN_COMPRESS_BYTES:
        # After the page: siblings at least as new as their page are taken as up to date
        # (compress_file); a build stopped in between leaves older ones, which are redone.
        for suffix, squeeze in _squeezers(path.suffix):
            _write_atomic(path.with_name(path.name + suffix), squeeze(data))


def compressible(output: Path):
    for path in output.rglob("*"):
        if (
            path.suffix in TEXT_SUFFIXES
            and path.is_file()
            and not path.name.startswith(TEMP_PREFIX)
            and path.stat().st_size >= MIN_COMPRESS_BYTES
        ):
            yield path


def remove_orphan_siblings(output: Path) -> int:
    """.gz/.br files whose original is gone (a removed page) are removed too."""
    removed = 0
    for suffix in ("*.gz", "*.br"):
        for sibling in output.rglob(suffix):
            if not sibling.with_suffix("").exists():
                sibling.unlink()
                removed += 1
    return removed


def headers_file(media_url: str = "", img_origins=(), connect_origins=()) -> str:
    """`_headers` for Netlify and Cloudflare Pages (the policy: csp() of the same arguments)."""
    lines = ["/*"]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS.items()]
    policy = csp(media_url, img_origins, connect_origins)
    lines += [f"  Content-Security-Policy: {policy}", f"  Cache-Control: {SHORT_CACHE}", ""]
    # The search bundle keeps fixed names (pagefind.js, the WebAssembly file) across versions: short cache.
    for pattern in ("/theme/css/*", "/theme/js/*", f"/{urls.MEDIA}*"):
        lines += [pattern, f"  Cache-Control: {LONG_CACHE}", ""]
    # Cloudflare Pages: `! Header` detaches the site-wide policy; Netlify applies both, see docs/publishing.md.
    # A host that applies both rules (Netlify) joins the values: no-cache still wins.
    for worker in (
        urls.service_worker(),
        urls.self_assessment_worker(),
        i18n.english_self_assessment_worker(),
    ):
        lines += [f"/{worker}", f"  Cache-Control: {WORKER_CACHE}", ""]
    lines += ["/admin/*", "  ! Content-Security-Policy", f"  Content-Security-Policy: {ADMIN_CSP}", ""]
    for pattern in SHARED_FILES:
        lines += [pattern, "  Access-Control-Allow-Origin: *", ""]
    return "\n".join(lines)


_SHARED_PATTERN = "|".join(
    re.escape(pattern.lstrip("/")).removesuffix(r"\*") + ("" if pattern.endswith("*") else "$")
    for pattern in SHARED_FILES
)


def htaccess_file(media_url: str = "", img_origins=(), connect_origins=()) -> str:
    """`.htaccess` for Apache shared hosting: headers, caching, precompressed files, no sources.

    Paths may start with /releases/<id>/: FTP publishing serves each release from its folder
    through a rewrite in the document root (chophien/publishing/ftp.py).
    """
    header_lines = "\n".join(
        f'  Header always set {name} "{value}"' for name, value in SECURITY_HEADERS.items()
    )
    return f"""# Generated by chophien (chophien/site/postprocess.py); do not edit in output/.
Options -Indexes
ErrorDocument 404 /404.html
AddDefaultCharset utf-8
AddType image/avif .avif
AddType image/webp .webp
AddType application/manifest+json .webmanifest

<IfModule mod_headers.c>
{header_lines}
  Header always set Content-Security-Policy "{csp(media_url, img_origins, connect_origins)}"
  <If "%{{REQUEST_URI}} =~ m#^(/releases/[^/]+)?/admin/#">
    Header always set Content-Security-Policy "{ADMIN_CSP}"
  </If>
  Header set Cache-Control "{SHORT_CACHE}"
  <If "%{{REQUEST_URI}} =~ m#^(/releases/[^/]+)?/(media|theme/css|theme/js)/#">
    Header set Cache-Control "{LONG_CACHE}"
  </If>
  <If "%{{REQUEST_URI}} =~ m#/sw\\.js$#">
    Header set Cache-Control "{WORKER_CACHE}"
  </If>
  <If "%{{REQUEST_URI}} =~ m#^(/releases/[^/]+)?/({_SHARED_PATTERN})#">
    Header always set Access-Control-Allow-Origin "*"
  </If>
</IfModule>

# Serve the precompressed siblings (.br, then .gz) when the browser accepts them.
<IfModule mod_rewrite.c>
  RewriteEngine On
  RewriteCond %{{HTTP:Accept-Encoding}} br
  RewriteCond %{{REQUEST_FILENAME}}.br -f
  RewriteRule ^(.+)$ $1.br [L]
  RewriteCond %{{HTTP:Accept-Encoding}} gzip
  RewriteCond %{{REQUEST_FILENAME}}.gz -f
  RewriteRule ^(.+)$ $1.gz [L]
  RewriteCond %{{HTTP:Accept-Encoding}} br
  RewriteCond %{{REQUEST_FILENAME}}index.html.br -f
  RewriteRule ^(.*/)?$ $1index.html.br [L]
  RewriteCond %{{HTTP:Accept-Encoding}} gzip
  RewriteCond %{{REQUEST_FILENAME}}index.html.gz -f
  RewriteRule ^(.*/)?$ $1index.html.gz [L]
</IfModule>
<FilesMatch "\\.br$">
  SetEnv no-gzip 1
  Header set Content-Encoding br
  Header append Vary Accept-Encoding
</FilesMatch>
<FilesMatch "\\.gz$">
  SetEnv no-gzip 1
  Header set Content-Encoding gzip
  Header append Vary Accept-Encoding
</FilesMatch>
<FilesMatch "\\.html\\.(br|gz)$">
  ForceType "text/html; charset=utf-8"
</FilesMatch>
<FilesMatch "\\.css\\.(br|gz)$">
  ForceType "text/css; charset=utf-8"
</FilesMatch>
<FilesMatch "\\.js\\.(br|gz)$">
  ForceType "text/javascript; charset=utf-8"
</FilesMatch>
<FilesMatch "\\.svg\\.(br|gz)$">
  ForceType image/svg+xml
</FilesMatch>
<FilesMatch "\\.xml\\.(br|gz)$">
  ForceType "application/xml; charset=utf-8"
</FilesMatch>
<FilesMatch "\\.json\\.(br|gz)$">
  ForceType "application/json; charset=utf-8"
</FilesMatch>
<FilesMatch "\\.webmanifest\\.(br|gz)$">
  ForceType application/manifest+json
</FilesMatch>

# Content sources and build leftovers are never served.
<FilesMatch "(\\.(md|yaml|py|pickle|ini|cfg|toml|lock)$)|(^\\.)">
  Require all denied
</FilesMatch>
"""
