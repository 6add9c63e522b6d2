"""Downloader middlewares."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

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
