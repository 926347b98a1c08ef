"""Scrapy settings of the chidao crawler: polite by default.

Government portals are shared public services, so the crawler identifies itself with a contact URL
(``CHIDAO_CONTACT`` overrides it), obeys robots.txt, keeps at most two requests in flight per site, lets AutoThrottle
slow down when a site slows, and backs off exponentially before retrying. ``CHIDAO_HTTPCACHE=1`` keeps responses in
``.scrapy/httpcache`` so spider development does not refetch pages.

``scrapy crawl NAME`` uses these settings alone: items go to a feed (``-O items.jsonl``). ``chidao crawl`` adds the
item pipelines that convert, de-duplicate and store (``pipeline/crawl.py``), which this layer does not import.
"""

from __future__ import annotations

import os
from importlib import metadata

try:
    _VERSION = metadata.version("chidao")
except metadata.PackageNotFoundError:  # a checkout that is not installed
    _VERSION = "0"

BOT_NAME = "chidao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

CONTACT = os.environ.get("CHIDAO_CONTACT", "https://example.org/chidao-crawler")
USER_AGENT = f"chidao/{_VERSION} (+{CONTACT})"
ROBOTSTXT_OBEY = True
ROBOTSTXT_USER_AGENT = "chidao"

CONCURRENT_REQUESTS = 16
# Scrapy starts this many asyncio tasks for the output of every response; an article yields one item, so 100 (the
# default) spent more time creating idle tasks than reading pages.
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024  # gazette PDFs can be large
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry, doubled for each further one
RETRY_BACKOFF_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
EXTENSIONS = {
    "crawler.extensions.SharedFrontierIdle": 500,  # only on with CHIDAO_IDLE_CLOSE > 0 (distributed crawls)
}

HTTPCACHE_ENABLED = os.environ.get("CHIDAO_HTTPCACHE", "") in {"1", "true", "yes"}
HTTPCACHE_DIR = "httpcache"  # under the project's .scrapy directory
HTTPCACHE_EXPIRATION_SECS = 24 * 3600
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]

FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

# chidao's own settings (``chidao crawl`` sets them from its options; spider arguments override them).
CHIDAO_SOURCES = None  # a sources file; default: $CHIDAO_SOURCES or crawler/sources.yml
CHIDAO_SOURCE_NAMES = None  # the sources to crawl, comma-separated; default: all of the spider's family
CHIDAO_SINCE = None  # YYYY-MM-DD: stop at listing entries older than this day
CHIDAO_MAX_PAGES = None  # listing pages to follow per listing
CHIDAO_IDLE_CLOSE = 0  # seconds a process with a shared frontier waits on an empty queue before closing
# Read by the store pipelines of ``chidao crawl`` (pipeline/crawl.py):
CHIDAO_CONVERT_PROCESSES = 1  # worker processes converting pages to text; 0: a thread of the crawler's process
CHIDAO_STORE_BATCH = 100  # items stored in one transaction
CHIDAO_STORE_SECONDS = 1.0  # ... or fewer, once the first of them has waited this long
