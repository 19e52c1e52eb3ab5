"""Plain Pelican settings for the comparison build: the same products as ordinary articles."""

SITENAME = "Plain Pelican"
SITEURL = ""
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = 24
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
READERS = {"rst": None}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
