"""Scrapy settings of podium's spiders. Polite by default: every choice is explicit here.

Nothing is read from podium's configuration here: the add-on spiders.loader.PodiumCrawlSettings
sets the user agent (with a way to reach the operator), the timeout and the size limits from
config/podium.toml when a crawler is made, and spiders.loader.PodiumSpiderLoader makes each
configured source's spider from the family table (podium/families.py). The crawl task of the
flows overrides PODIUM_* settings per run (staging file, replay server) with `-s NAME=value`;
see flows/crawl.py.
"""
BOT_NAME = "podium"
SPIDER_MODULES = ["spiders.sources"]
NEWSPIDER_MODULE = "spiders.sources"
SPIDER_LOADER_CLASS = "spiders.loader.PodiumSpiderLoader"
ADDONS = {"spiders.loader.PodiumCrawlSettings": 0}

ROBOTSTXT_OBEY = True

# One site at a time, gently: at most 2 requests in flight per domain, AutoThrottle adapting the
# delay to the server's latency, never faster than DOWNLOAD_DELAY.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0


# Retries with backoff (spiders.middlewares.BackoffRetryMiddleware): Retry-After is honoured up
# to RETRY_AFTER_MAX seconds, otherwise waits grow 1 s, 2 s, 4 s. What still fails is recorded
# as a crawl error and tried again by the next run.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0
RETRY_AFTER_MAX = 120.0

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False

# Names that resolve to loopback or private addresses are refused at connection time
# (spiders/resolver.py); replay runs use Scrapy's own resolver (flows/crawl.py).
TWISTED_DNS_RESOLVER = "spiders.resolver.PublicOnlyResolver"

DOWNLOADER_MIDDLEWARES = {
    # Offsite requests are refused where the spider's errback records them (see the class).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "spiders.middlewares.RecordedOffsiteMiddleware": 50,
    "spiders.middlewares.PublicHostsMiddleware": 60,
    # Scrapy's, fixed for requests that wait for robots.txt (see the class).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    # Responses pass it before Scrapy's RedirectMiddleware (600) and after ReplayMiddleware.
    "spiders.middlewares.RedirectLoopMiddleware": 610,
    # After robots.txt was checked against the live host, before the request leaves.
    "spiders.middlewares.ReplayMiddleware": 950,
}
ITEM_PIPELINES = {
    "spiders.pipelines.StagingPipeline": 900,
}
EXTENSIONS = {
    "spiders.extensions.CrawlStatsFile": 500,
}

# Set per run by the crawl task:
PODIUM_STAGING = None        # JSON-lines file the staging pipeline appends to
PODIUM_REPLAY_BASE = None    # e.g. http://127.0.0.1:8765: fetch recorded pages from a replay server

LOG_LEVEL = "INFO"
