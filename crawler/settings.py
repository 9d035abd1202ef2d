"""Scrapy settings for canlian-archive: the one configuration system.

Politeness is on by default (small government servers block bursts). Only deployment-specific values come
from the environment: the database URL (`CANLIAN_DATABASE_URL`) and extra site files
(`CANLIAN_SITES_FILES`).
"""

from __future__ import annotations

import os

from storage.engine import database_url_from_env

# No request the user did not ask for: Scrapy's cookie middleware asks tldextract for registered domains,
# and tldextract would fetch the Public Suffix List from the internet on first use. An empty URL list makes
# it use its bundled snapshot. Set before Scrapy imports the middleware (its tldextract is built at import).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

BOT_NAME = "canlian-archive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
SPIDER_LOADER_CLASS = "crawler.spiderloader.SiteSpiderLoader"

# --- identity and politeness -------------------------------------------------------------------------
CANLIAN_CONTACT_URL = os.environ.get(
    "CANLIAN_CONTACT_URL", "https://github.com/canlian-archive/canlian-archive"
)
USER_AGENT = f"canlian-archive/0.1 (+{CANLIAN_CONTACT_URL})"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
}
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts this many item tasks for every response; ours yield one item (article) or none (lists), and
# the default of 100 cost more CPU in task churn than the whole spider.
CONCURRENT_ITEMS = 16
# Backpressure: when pages wait for the archive writer (the slowest stage) worth this many bytes of responses,
# Scrapy stops downloading until they are written. Scrapy's 5 MB default let thousands of small pages pile
# up in memory (measured: the crawl process grew 3-4 MB/s while the writer fell behind).
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
# 412 (瑞数) and 521 (加速乐) are anti-bot challenges: never in this list, never retried in a loop.
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DEPTH_LIMIT = 0  # list strategies bound their own paging with the site's `max_list_pages`

# --- safety ------------------------------------------------------------------------------------------
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Only the web: a crafted link must not read local files or smuggle data: URLs into the archive.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}

DOWNLOADER_MIDDLEWARES = {
    # Runs first, for every request including robots.txt and each redirect hop.
    "crawler.middlewares.private_guard.PrivateAddressGuard": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.robots.RobotsPolicyMiddleware": 100,
    # Above RetryMiddleware (550): responses reach it first, so a challenge is never retried.
    "crawler.middlewares.challenges.ChallengeDetector": 560,
    "crawler.middlewares.soft_not_found.SoftNotFoundFilter": 570,
    "crawler.middlewares.incremental.ConditionalGet": 580,
    "crawler.middlewares.dry_run.DryRun": 590,
}
CANLIAN_DRY_RUN = False
SPIDER_MIDDLEWARES = {
    # Output flows from the highest number down: the trap guard sees every article a list page shows, the
    # incremental filter then drops known ones, and the frontier records what is left.
    "crawler.middlewares.frontier.CrawlFrontier": 940,
    "crawler.middlewares.incremental.IncrementalFilter": 950,
    "crawler.middlewares.traps.PaginationTrapGuard": 960,
}
CANLIAN_LIST_PAGES_WITHOUT_NEW = 3  # list pages in a row with no new article before paging stops (traps)
CANLIAN_FRONTIER_MAX_ATTEMPTS = 3  # failed downloads of an article URL before it is no longer resumed
CANLIAN_RUN_CHECKPOINT_SECONDS = 10.0  # run counters and the site lock's heartbeat
# Incremental nights (see crawler/middlewares/incremental.py). CANLIAN_SINCE: first-run backfill limit.
CANLIAN_INCREMENTAL = True
CANLIAN_REVISIT_DAYS = 14
CANLIAN_REVISIT_INTERVAL_HOURS = 20
CANLIAN_SINCE = ""
CANLIAN_PRIVATE_ADDRESS_GUARD = True
CANLIAN_BLOCKED_LIMIT = 5  # challenge answers before the crawl closes with reason "blocked"

# --- pipeline: extraction -> relevance -> archive --------------------------------------------------
ITEM_PIPELINES = {
    "crawler.pipelines.extract.ExtractPipeline": 100,
    "crawler.pipelines.relevance.RelevancePipeline": 200,
    "crawler.pipelines.attachments.AttachmentSizePipeline": 250,
    "crawler.pipelines.archive.ArchivePipeline": 300,
}
CANLIAN_DATABASE_URL = database_url_from_env()
CANLIAN_SITES_FILES: list[str] = []  # extra registry files; CANLIAN_SITES_FILES in the environment too
# Extraction runs in worker processes so it never stalls the downloader on the reactor thread;
# 0 extracts inline (tests, tiny crawls). Default: one worker per core.
CANLIAN_EXTRACT_WORKERS = os.cpu_count() or 1
CANLIAN_EXTRACT_TIMEOUT = 20.0  # seconds per page in a worker; over it: NoArticle extraction_timeout
CANLIAN_WRITE_BATCH = 50  # pages per archive transaction (see crawler/pipelines/batching.py)
CANLIAN_WRITE_BATCH_SECONDS = 1.0  # ... or sooner, so a slow crawl's pages never wait long
CANLIAN_RUN_TRIGGER = "manual"  # manual | scheduled | catch-up | demo: recorded with the run
# Attachment sizes of kept articles (crawler/pipelines/attachments.py); files are never downloaded.
# "head": the size the page shows, else a HEAD request's Content-Length; "text": only what the page shows
# (no extra requests); "off": no sizes recorded.
CANLIAN_ATTACHMENT_SIZES = "head"
CANLIAN_ATTACHMENT_HEADS_PER_ARTICLE = 10  # a page listing 200 forms must not cost 200 requests

# --- housekeeping --------------------------------------------------------------------------------------
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
