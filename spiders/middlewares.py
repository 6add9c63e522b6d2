"""Downloader middlewares."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from w3lib.url import canonicalize_url

from podium.urls import literal_refusal
from spiders.resolver import refusal

log = logging.getLogger(__name__)


class ReplayMiddleware:
    """Send every request to a replay server instead of the live host (PODIUM_REPLAY_BASE).

    The path and query stay the same; the live host travels in X-Forwarded-Host so the replay
    server can pick the right recording. Responses get their live URL back, so spiders, staging
    and the archive see the same URLs as in a live crawl.
    """

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    @classmethod
    def from_crawler(cls, crawler):
        base = crawler.settings.get("PODIUM_REPLAY_BASE")
        if not base:
            raise NotConfigured("no replay server configured")
        return cls(base)

    def process_request(self, request, spider=None):
        if request.url.startswith(self.base + "/"):
            return None
        live = urlsplit(request.url)
        path = live.path or "/"
        replay_url = f"{self.base}{path}" + (f"?{live.query}" if live.query else "")
        headers = {"X-Forwarded-Host": live.netloc}
        # robots.txt was already checked for the live URL; the rewritten one is its stand-in.
        meta = {"live_url": request.url, "dont_obey_robotstxt": True}
        return request.replace(url=replay_url, meta={**request.meta, **meta},
                               headers={**request.headers.to_unicode_dict(), **headers})

    def process_response(self, request, response, spider=None):
        live_url = request.meta.get("live_url")
        return response.replace(url=live_url) if live_url else response


class PublicHostsMiddleware:
    """Refuse requests for loopback, private or link-local hosts written as such (127.0.0.1,
    [::1], localhost.): start URLs of sources.yaml, links on pages and redirects alike. Names are
    checked at connection time by spiders.resolver.PublicOnlyResolver. Off when replaying: the
    replay server is local on purpose."""

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("PODIUM_REPLAY_BASE"):
            raise NotConfigured("replaying: the replay server is local")
        return cls()

    def process_request(self, request, spider=None):
        refusal = literal_refusal(urlparse_cached(request).hostname or "")
        if refusal:
            raise IgnoreRequest(f"refused: {refusal}")
        return None


class RecordedOffsiteMiddleware(OffsiteMiddleware):
    """Scrapy's offsite filter, checked only when a request is about to be downloaded. Scrapy also
    checks when a request is scheduled, and a request dropped there reaches no errback: an
    offsite URL or a redirect to another host vanished without a crawl error. Here the
    IgnoreRequest reaches the spider's errback, which records it."""

    def request_scheduled(self, request, spider=None) -> None:
        return None


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt check, with a fix. Requests that arrive while a host's robots.txt is
    still being fetched wait on one shared Deferred; in Scrapy 2.19 only the first waiter gets
    the parser from it, the others get None and are let through unchecked (a disallowed page
    was fetched whenever it was among the first requests of a crawl). Waiters now read the
    parser stored once robots.txt is parsed."""

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if stored is not None and not isinstance(stored, Deferred):
                return stored
        return parser


class RedirectLoopMiddleware:
    """Name a redirect loop instead of losing the page to it. Without this, a redirect back to a
    URL already visited is dropped silently by the scheduler's duplicate filter (no errback, no
    crawl error); here it becomes IgnoreRequest("redirect loop: a → b → a"), which the spider's
    errback records. Sits between ReplayMiddleware and Scrapy's RedirectMiddleware, so it sees
    live URLs."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if not 300 <= response.status < 400 or not location:
            return response
        here = request.meta.get("live_url") or request.url
        chain = [*request.meta.get("podium_redirects", []), here]
        target = urljoin(response.url, location.decode("latin-1"))
        if canonicalize_url(target) in {canonicalize_url(u) for u in chain}:
            raise IgnoreRequest("redirect loop: " + " → ".join([*chain, target]))
        request.meta["podium_redirects"] = chain  # the redirected request inherits the meta
        return response


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with waiting: a 429 or 503 with Retry-After waits as long as the server
    asked (up to RETRY_AFTER_MAX seconds; a longer wait is left to the next run), every other
    retryable answer waits RETRY_BACKOFF_BASE × 2^attempt seconds. Only the retried request
    waits; the rest of the crawl goes on."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0)
        if attempt >= self.max_retry_times:
            return super().process_response(request, response)
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is not None and asked > self.retry_after_max:
            self.crawler.stats.inc_value("podium/retry_after_too_long")
            log.warning("%s asks to retry after %.0f s; leaving it to the next run", request.url, asked)
            return response
        delay = asked if asked is not None else self.backoff_base * 2**attempt
        self.crawler.stats.inc_value("podium/retry_waits")
        await asyncio.sleep(delay)
        return super().process_response(request, response)

    def process_exception(self, request, exception, spider=None):
        # A host refused for its address is refused again on every try: no retries for it.
        if refusal(urlparse_cached(request).hostname):
            return None
        return super().process_exception(request, exception)


def retry_after_seconds(value: bytes | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())
