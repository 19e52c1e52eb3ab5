"""Pelican settings for Chợ phiên (development). publishconf.py overrides them for production.

Every CHOPHIEN_* setting, its type, default and environment variable: docs/settings.md
(chophien/core/settings.py). The public address is CHOPHIEN_SITEURL, usually from the environment.
"""

import os

AUTHOR = "Liên minh Hợp tác xã Việt Nam"
SITENAME = "Chợ phiên"
SITE_TAGLINE = "Đặc sản từ các hợp tác xã vùng dân tộc thiểu số và miền núi"
SITEURL = ""
RELATIVE_URLS = False

PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE = "fs"

# Sample content is marked on every page ("Dữ liệu mẫu"); set False for a real catalogue.
CHOPHIEN_SAMPLE_DATA = True
# Photo derivatives are cached outside output/, keyed by content hash.
CHOPHIEN_CACHE_PATH = os.environ.get("CHOPHIEN_CACHE_PATH", ".cache")
# Every cache there is keyed by `chophien cache-version`. `pelican --ignore-cache` sets this False
# (Pelican's default is False too, so it is set here): then none of them is read for that build.
LOAD_CONTENT_CACHE = True
# Fix "today" (OCOP expiry) for reproducible builds: CHOPHIEN_TODAY=2026-11-27.
CHOPHIEN_TODAY = os.environ.get("CHOPHIEN_TODAY") or None
CHOPHIEN_LANG = os.environ.get("CHOPHIEN_LANG", "vi")

PLUGINS = ["chophien.pelican_plugin"]

# The /admin/ page (Decap CMS, docs/cms.md): the GitHub repository it opens pull requests on
# (GitHub Actions sets GITHUB_REPOSITORY) and the OAuth proxy that logs editors in.
CHOPHIEN_CMS_REPO = os.environ.get("CHOPHIEN_CMS_REPO") or os.environ.get("GITHUB_REPOSITORY", "")
CHOPHIEN_CMS_BRANCH = os.environ.get("CHOPHIEN_CMS_BRANCH", "main")
CHOPHIEN_CMS_AUTH_URL = os.environ.get("CHOPHIEN_CMS_AUTH_URL", "")
CHOPHIEN_CMS_AUTH_ENDPOINT = os.environ.get("CHOPHIEN_CMS_AUTH_ENDPOINT", "")

# Products and cooperatives are not Pelican articles (DESIGN §8): only content/pages is read,
# and only the pages chophien.site.content_pages checked (the plugin hands Pelican that list; docs/security.md).
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["cooperatives", "products", "assessments", "pages"]
PAGE_EXCLUDES = ["cooperatives", "products", "assessments"]
STATIC_PATHS = []
DIRECT_TEMPLATES = []
TEMPLATE_PAGES = {}
# A page's address is its file name (content/pages/<slug>.md → /<slug>/), never its title.
SLUGIFY_SOURCE = "basename"
FILENAME_METADATA = ""  # no date guessed from a file name (a bad one made Pelican skip the page)
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# content/pages/en/<slug>.md (Lang: en) is read as the translation of content/pages/<slug>.md (same
# slug); Pelican never writes it: chophien renders it at content_pages.english_url(slug) (/en/about/).
PAGE_LANG_URL = ""
PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
# {static}/{attach}/{filename} links would copy any file they name (even ../../x) onto the site:
# a pattern that never matches turns them off (chophien validate reports them in pages).
INTRASITE_LINK_REGEX = "(?!)"
ARTICLE_SAVE_AS = ""
ARTICLE_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# The catalogue generator removes what it no longer produces and skips unchanged pages
# (content-hash fingerprints), so the output folder is not emptied on every build.
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_RETENTION = []

# Autoescape on: only sanitised HTML is marked safe (DESIGN §8).
JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
MARKDOWN = {
    "extension_configs": {"markdown.extensions.sane_lists": {}, "markdown.extensions.tables": {}},
    "output_format": "html5",
}
# Pages are Markdown files named .md: the other readers are off (rst also avoids docutils start-up).
READERS = {"rst": None, "html": None, "htm": None, "markdown": None, "mkd": None, "mdown": None}

# Production post-processing (publishconf.py turns these on): minified HTML/CSS, .br/.gz siblings.
CHOPHIEN_MINIFY = False
CHOPHIEN_PRECOMPRESS = False
