"""Pelican peer of a wasmblog site: the same pages, feeds and sitemap.

Used by ``wasmblog bench --peers`` (wasm_host/peers.py) and by
``python -m wasm_host.corpus --format pelican``, which copy this folder next
to the generated content/. Pelican's built-in "simple" theme, plus the few
templates in templates/ for what Pelican has no built-in for (sitemap,
robots.txt, 404). Written for Pelican 4.12 with Markdown 3.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

AUTHOR = "Sam Example"
SITENAME = "Boxes All the Way Down"
SITESUBTITLE = "Notes on unikernels, WebAssembly, sandboxes and self-hosting a small blog."
SITEURL = "https://blog.example.org"
RELATIVE_URLS = False
PATH = "content"
STATIC_PATHS = ["images"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

THEME = "simple"
THEME_TEMPLATES_OVERRIDES = [os.path.join(HERE, "templates")]

# URLs as wasmblog makes them: posts/<slug>/, tags/<slug>/, categories/<slug>/.
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = "categories/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
# wasmblog has no author pages, archives or published drafts.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
PAGE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "tags", "categories", "sitemap", "robots", "404"]
SITEMAP_SAVE_AS = "sitemap.xml"
ROBOTS_SAVE_AS = "robots.txt"

# Pagination: 10 a page, /page/N/ like wasmblog (and Hugo).
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
SUMMARY_MAX_LENGTH = 70

# RSS feeds for the site and for each tag and category, 20 items, summaries only.
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_ALL_RSS = "index.xml"
CATEGORY_FEED_RSS = "categories/{slug}/index.xml"
TAG_FEED_RSS = "tags/{slug}/index.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = True

# Markdown like wasmblog's: tables, footnotes, fenced code (extra), highlighting
# with CSS classes (codehilite), heading ids (toc).
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {"css_class": "highlight"},
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {},
    },
    "output_format": "html5",
}

# Cold builds every time.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = True
