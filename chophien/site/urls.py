"""Every address of the site, built in one place: pages, listings and their pagination, files beside pages.

URLs follow DESIGN §4 (directory style) and are relative to the site root ("" for the home page);
templates put `{{ SITEURL }}/` in front, and what leaves the site (canonical links, feeds, the
sitemap, QR codes) makes them absolute with `absolute(base, url)`. Templates reach this module as
the Jinja global `urls` (templating.GLOBALS); no template and no other module spells a path.

The domain objects carry their own page address (`Product.url`, `Cooperative.url`, `Survey.url`,
`Model.url`: the catalogue and assessment layers sit below this one); the functions here return
them and tests/site/test_urls.py checks that they agree with the paths built here.
"""

from __future__ import annotations

from typing import Protocol

from chophien.federation.model import FILE_NAME as MEMBER_CATALOGUE
from chophien.federation.model import origin_of


class _HasUrl(Protocol):
    url: str


# --- site root and the written files ---------------------------------------------------------------

HOME = ""


def home() -> str:
    return HOME


def local(url: str) -> str:
    """A page address from the context (breadcrumbs, listings) as this edition's address: Vietnamese
    pages use it as it is; on English pages `urls` is i18n.EnglishUrls, whose `local` translates it."""
    return url


def absolute(base: str, url: str) -> str:
    """*url* (relative to the site root, "" for the home page) as an absolute URL under *base*."""
    return f"{base}/{url}"


def link(siteurl: str, url: str) -> str:
    """A link's href: *url* under *siteurl*, or *url* itself when it is already absolute (the
    national site's cards link to the members' product pages: site/national.py)."""
    return url if url.startswith(("https://", "http://")) else f"{siteurl}/{url}"


def base_path(base: str) -> str:
    """The path part of *base* ("" at a domain root, "/repo" under a sub-path)."""
    after_scheme = base.split("://", 1)[-1]
    return "/" + after_scheme.split("/", 1)[1] if "/" in after_scheme else ""


def page_url_of(output_file: str) -> str:
    """A written file's URL relative to the site root: "a/b/index.html" → "a/b/"."""
    return output_file.removesuffix("index.html")


def save_as(url: str) -> str:
    """The file a URL is written to: "a/b/" → "a/b/index.html"; a file name stays as it is."""
    return f"{url}index.html" if url.endswith("/") or not url else url


def is_html_page(url: str) -> bool:
    """Directory-style URLs are pages; anything else (a CSV download, 404.html) is a file."""
    return url == "" or url.endswith("/")


PAGES = "page"  # the folder of a listing's further pages


def page(base_url: str, number: int) -> str:
    """Page *number* of the listing at *base_url* (the first page is the listing itself)."""
    return base_url if number == 1 else f"{base_url}{PAGES}/{number}/"


# --- catalogue -------------------------------------------------------------------------------------


def products() -> str:
    return "san-pham/"


def product(product: _HasUrl) -> str:
    return product.url


def product_path(cooperative_slug: str, product_slug: str) -> str:
    """What `Product.url` is: the page of a product under its cooperative."""
    return f"{products()}{cooperative_slug}/{product_slug}/"


def cooperatives() -> str:
    return "hop-tac-xa/"


def cooperative(coop: _HasUrl) -> str:
    return coop.url


def cooperative_path(slug: str) -> str:
    """What `Cooperative.url` is."""
    return f"{cooperatives()}{slug}/"


def categories() -> str:
    return "danh-muc/"


def category(slug: str) -> str:
    """A category or a category group (both live under /danh-muc/, their slugs never collide)."""
    return f"{categories()}{slug}/"


def provinces() -> str:
    return "tinh/"


def province(slug: str) -> str:
    return f"{provinces()}{slug}/"


def ethnic_groups() -> str:
    return "dan-toc/"


def ethnic_group(slug: str) -> str:
    return f"{ethnic_groups()}{slug}/"


def ocop() -> str:
    return "ocop/"


def ocop_stars(stars: int) -> str:
    return f"{ocop()}{stars}-sao/"


def search() -> str:
    return "tim-kiem/"


def search_query(placeholder: str) -> str:
    """The search page asked for *placeholder* (the WebSite SearchAction's URL template)."""
    return f"{search()}?q={placeholder}"


def search_bundle() -> str:
    """Pagefind's files (never crawled)."""
    return f"{search()}pagefind/"


def order_list() -> str:
    """The buyer's order list (site/order_list.py): a page the list's script fills on the phone."""
    return "don-hang/"


def not_found() -> str:
    return "404.html"


def content_page(slug: str) -> str:
    """A content/pages page (PAGE_URL "{slug}/"): gioi-thieu, cach-dat-hang, …"""
    return f"{slug}/"


def admin() -> str:
    """The editors' CMS (volunteer/cms.py)."""
    return "admin/"


# --- files beside the pages ------------------------------------------------------------------------

QR_FILE = "qr.svg"
FEED_FILE = "atom.xml"


def qr_code(page_url: str) -> str:
    """The QR code that opens *page_url*, beside it."""
    return f"{page_url}{QR_FILE}"


def print_sheet(coop: _HasUrl) -> str:
    """A cooperative's printable A4 price list with QR codes."""
    return f"{coop.url}in/"


ORDER_DATA_FILE = "don-hang.json"


def cooperative_orders(coop: _HasUrl) -> str:
    """A cooperative's order data, beside its page: one name in every release (not fingerprinted)."""
    return f"{coop.url}{ORDER_DATA_FILE}"


def cooperative_orders_pattern() -> str:
    """cooperative_orders() with "{slug}" in place of the slug: the order list's script fills it in."""
    return f"{cooperative_path('{slug}')}{ORDER_DATA_FILE}"


def cooperative_feed(coop: _HasUrl) -> str:
    return f"{coop.url}{FEED_FILE}"


def site_feed() -> str:
    return f"{products()}{FEED_FILE}"


def merchant_feed() -> str:
    return f"{products()}google-merchant.xml"


def sitemap() -> str:
    return "sitemap.xml"


def sitemap_part(number: int) -> str:
    return f"sitemap-{number}.xml"


def robots() -> str:
    return "robots.txt"


def member_catalogue() -> str:
    """The site's machine-readable catalogue for a national site (site/member_catalogue.py, docs/federation.md)."""
    return MEMBER_CATALOGUE


# --- offline and installable (site/offline.py, docs/phone.md) --------------------------------------

OFFLINE = "ngoai-tuyen"  # reserved top-level name (content_pages.CATALOGUE_NAMES)


def service_worker() -> str:
    """The site-wide service worker: at the root, so its scope is the whole site."""
    return "sw.js"


def web_manifest() -> str:
    return "manifest.webmanifest"


def offline_page() -> str:
    """What the worker shows for a page never saved on this phone, with the list of saved ones."""
    return f"{OFFLINE}/"


MEDIA = "media/"  # the folder of the processed photos in the output (and on the site, without MEDIA_URL)


def media(name: str) -> str:
    """A processed photo's path in the built site (photos/names.py names every derivative)."""
    return f"{MEDIA}{name}"


def media_address(name: str, base: str | None = None, media_url: str = "") -> str:
    """Where a buyer's browser fetches a processed photo: the one function every photo address goes through.

    With CHOPHIEN_MEDIA_URL (*media_url*, a bucket or CDN, ending with "/"): `<media_url><name>`.
    Without: `media/<name>` on the site, absolute under *base* (`absolute`), or relative to the
    site root when *base* is None (don-hang.json: its scripts resolve it against the site root).
    """
    if media_url:
        return f"{media_url}{name}"
    return media(name) if base is None else absolute(base, media(name))


MEDIA_LIST = (
    ".chophien-media.json"  # in media/: never served (a dotfile), never uploaded (site/media_list.py)
)


def media_list() -> str:
    """The build's list of its photos when CHOPHIEN_MEDIA_URL is set (site/media_list.py)."""
    return f"{MEDIA}{MEDIA_LIST}"


def origin(url: str) -> str:
    """The origin of an absolute URL ("https://anh.example.vn/cho/" → "https://anh.example.vn"): the
    one rule the federation uses too (federation.model.origin_of), so policies compare the same forms."""
    return origin_of(url)


def theme_file(relative: str) -> str:
    """A file of the theme's static folder (the adapter's `asset` adds fingerprints to CSS and JS)."""
    return f"theme/{relative}"


# --- the programme's figures (site/figures_pages.py) ------------------------------------------------


def figures() -> str:
    """/so-lieu/: the programme's figures (cooperatives and products online, growth, open data)."""
    return "so-lieu/"


def figures_download(extension: str) -> str:
    """The figures' open data: "csv" or "json"."""
    return f"{figures()}du-lieu.{extension}"


# --- assessment ------------------------------------------------------------------------------------


def assessments() -> str:
    return "danh-gia/"


def assessment_comparison() -> str:
    return f"{assessments()}so-sanh/"


def survey(survey: _HasUrl) -> str:
    return survey.url


def survey_path(slug: str) -> str:
    """What `Survey.url` is."""
    return f"{assessments()}{slug}/"


SELF_ASSESSMENT = "tu-danh-gia"  # reserved: no survey folder may take it (assessment/loader.py)


def self_assessment(model_slug: str | None = None) -> str:
    """The self-assessment questionnaire: the primary model's, or another model's under it."""
    base = f"{assessments()}{SELF_ASSESSMENT}/"
    return f"{base}{model_slug}/" if model_slug else base


def self_assessment_worker() -> str:
    """The service worker of the self-assessment pages: in their folder, so its scope is only them."""
    return f"{self_assessment()}sw.js"


def method(model: _HasUrl) -> str:
    """A scoring model's methodology page."""
    return model.url


def method_path(slug: str) -> str:
    """What `Model.url` is."""
    return f"{assessments()}phuong-phap/{slug}/"


def survey_breakdown(survey: _HasUrl, dimension: _HasUrl) -> str:
    """A survey's figures by one dimension (province, kind, …)."""
    return f"{survey.url}{dimension.url}/"


def survey_download(survey: _HasUrl, extension: str) -> str:
    """A survey's open data: "csv" or "json"."""
    return f"{survey.url}du-lieu.{extension}"
