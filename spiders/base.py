"""What every podium spider shares: its arguments, what it skips, and how it stages what it fetched.

Arguments (all optional, given as `-a name=value`):
  archived   file of URLs already archived (one per line, optionally followed by a tab and a
             hash); their pages are not fetched again
  since      ISO date; listing items dated before it are skipped and paging stops there
  until      ISO date; listing items dated after it are skipped
  urls       a file of URLs (one per line) or a comma-separated list: fetch exactly these pages
             instead of walking the listings
  retry      JSON-lines file of pages that failed before ({"url", "listing"}): fetched again
             first, whatever the listings say
  max_pages  the most detail pages this run fetches
Spiders fetch and select only: they never parse documents and never open the archive.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from w3lib.url import canonicalize_url

from podium.replay import INDEX_PATH
from podium.settings import settings as podium_settings
from spiders.items import error_record, page_record
from spiders.middlewares import retry_after_seconds
from spiders import resolver


def _read_url_list(value: str | None) -> list[str]:
    if not value:
        return []
    path = Path(value)
    if path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        return [line.split("\t")[0].strip() for line in lines if line.strip()]
    return [url.strip() for url in value.split(",") if url.strip()]


def _read_retry_list(value: str | None) -> list[tuple[str, dict | None]]:
    if not value:
        return []
    lines = Path(value).read_text(encoding="utf-8").splitlines()
    return [(entry["url"], entry.get("listing")) for entry in map(json.loads, filter(str.strip, lines))]


def _date_arg(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


class PodiumSpider(scrapy.Spider):
    def __init__(self, archived=None, since=None, until=None, urls=None, max_pages=None, retry=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.source = podium_settings().source(self.name)
        self.allowed_domains = list(self.source.allowed_domains)
        self.archived = {canonicalize_url(u) for u in _read_url_list(archived)}
        self.since, self.until = _date_arg(since), _date_arg(until)
        self.urls = _read_url_list(urls)
        self.retry = _read_retry_list(retry)
        self.max_pages = int(max_pages) if max_pages else podium_settings().max_pages
        self.recorded: set[str] | None = None  # URLs of the replay recording, when replaying

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        replay_base = crawler.settings.get("PODIUM_REPLAY_BASE")
        if replay_base:  # requests are rewritten to the replay host; let them through
            spider.allowed_domains.append(urlsplit(replay_base).hostname)
        return spider

    async def start(self):
        replay_base = self.settings.get("PODIUM_REPLAY_BASE")
        if replay_base:
            yield scrapy.Request(replay_base.rstrip("/") + INDEX_PATH, callback=self._with_recording,
                                 errback=self._no_recording, dont_filter=True, meta={"dont_obey_robotstxt": True})
            return
        for request in self.first_requests():
            yield request

    def _with_recording(self, response):
        self.recorded = {canonicalize_url(u) for u in json.loads(response.text)}
        self.logger.info("replaying a recording of %d URLs", len(self.recorded))
        yield from self.first_requests()

    def _no_recording(self, failure):
        """The replay server's index could not be read: nothing can be crawled, and that is the
        source's failure (recorded like a failed listing)."""
        reason = failure_reason(failure.value, failure.request, self.settings)
        self.count("errors")
        self.logger.error("no recording to replay at %s: %s", failure.request.url, reason)
        yield error_record(self.name, failure.request.url, f"the replay server's index could not be read: {reason}",
                           page_kind="start")

    def first_requests(self):
        for url, listing in self.retry:
            request = self.detail_request(url, listing)
            if request:
                yield request
        if self.urls:
            for url in self.urls:
                request = self.detail_request(url, None)
                if request:
                    yield request
            return
        yield from self.start_listings()

    def start_listings(self):
        """The source's first listing pages (or feeds, or APIs): if one of them fails, the source
        got nothing tonight, so their failures are recorded in the role `start`."""
        for request in self.listing_requests():
            if request.callback == self.parse_listing:  # a url_list source starts with its pages
                request.meta["podium_start"] = True
            yield request

    def listing_requests(self):
        raise NotImplementedError

    # -- what to fetch ----------------------------------------------------------------------

    def is_archived(self, url: str) -> bool:
        return canonicalize_url(url) in self.archived

    def is_recorded(self, url: str) -> bool:
        return self.recorded is None or canonicalize_url(url) in self.recorded

    def in_date_range(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def skip_reason(self, url: str, day: dt.date | None) -> str | None:
        """Why a listed page is not fetched: 'archived', 'not_recorded', 'out_of_range', or None."""
        if self.is_archived(url):
            return "archived"
        if not self.is_recorded(url):
            return "not_recorded"
        if not self.in_date_range(day):
            return "out_of_range"
        return None

    def keeps_paging(self, reasons: list[str | None]) -> bool:
        """Whether to read the next listing page, given why each link here was skipped (None: not
        skipped). Page on while something is fetchable; stop at the archive's frontier (archived
        links and nothing new), except in a bounded range crawl (`until`): a backfill walks past
        what is already archived. Links missing from a replayed recording do not stop it."""
        if any(reason is None for reason in reasons):
            return True
        return self.until is not None or "archived" not in reasons

    def count(self, name: str) -> None:
        self.crawler.stats.inc_value(f"podium/{name}")

    def page_cap_reached(self, pending: int = 0, counter: str = "requests/detail") -> bool:
        """Whether this run's detail pages (`counter`: requests made, or pages staged by a spider
        that fetches none), with `pending` more about to come, reach max_pages."""
        return self.crawler.stats.get_value(f"podium/{counter}", 0) + pending >= self.max_pages

    def listing_request(self, url: str, **meta) -> scrapy.Request:
        self.count("requests/listing")
        return scrapy.Request(url, callback=self.parse_listing, errback=self.failed, meta=meta)

    def follow_listing(self, url: str, **meta) -> scrapy.Request | None:
        """A request for another listing page, unless a replayed recording lacks it."""
        if not self.is_recorded(url):
            self.count("skipped/listing_not_recorded")
            return None
        return self.listing_request(url, **meta)

    def request_listed(self, url: str, listing: dict, skip: str | None) -> scrapy.Request | None:
        """A detail request for a listed page, or None (and `skip`, its skip_reason, counted)."""
        if skip:
            self.count(f"skipped/{skip}")
            return None
        return self.detail_request(url, listing)

    def detail_requests(self, wanted: list[tuple[str, dict]]):
        """Detail requests for (url, listing) pairs, leaving out those detail_request refuses."""
        for url, listing in wanted:
            request = self.detail_request(url, listing)
            if request:
                yield request

    def detail_request(self, url: str, listing: dict | None) -> scrapy.Request | None:
        if not self.is_recorded(url):
            self.count("skipped/not_recorded")
            return None
        if self.page_cap_reached():
            self.count("skipped/page_cap")
            return None
        self.count("requests/detail")
        return scrapy.Request(url, callback=self.parse_detail, errback=self.failed,
                              meta={"listing": listing})

    # -- what to stage ----------------------------------------------------------------------

    def parse_listing(self, response):
        raise NotImplementedError

    def parse_detail(self, response):
        yield page_record(self.name, response, "detail", response.meta.get("listing"))

    def failed(self, failure):
        request = failure.request
        # After redirects, the error belongs to the URL that was asked for (and listed).
        first = request.meta.get("podium_redirects") or [request.meta.get("live_url") or request.url]
        url = first[0]
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else None
        reason = failure_reason(failure.value, request, self.settings)
        self.count("errors")
        self.logger.warning("failed to fetch %s: %s", url, reason)
        yield error_record(self.name, url, reason, status, request.meta.get("listing"), page_kind=self.role_of(request))

    def role_of(self, request) -> str:
        """The role a request was made in: `start` (a first listing page), `listing` or `detail`."""
        if request.meta.get("podium_start"):
            return "start"
        return "listing" if request.callback == self.parse_listing else "detail"

    @staticmethod
    def listing_role(response) -> str:
        """The role of a listing page being read: `start` (a first one) or `listing`."""
        return "start" if response.meta.get("podium_start") else "listing"

    def layout_changed(self, response, selector: str, what: str) -> dict:
        """The error record of a listing page whose template no longer matches: `selector` found
        nothing where `what` was expected. Counted, logged and staged, so a redesign shows the
        first night (on a first listing page it fails the source: see podium.outcomes)."""
        self.count("layout_changed")
        reason = f"layout changed: {what} (selector {selector!r} matched nothing)"
        self.logger.error("%s: %s", response.url, reason)
        url = response.request.meta.get("live_url") or response.url
        return error_record(self.name, url, reason, response.status, response.meta.get("listing"),
                            stage="layout_changed", page_kind=self.listing_role(response))


# -- why a fetch failed, in words -------------------------------------------------------------

TRUNCATED = "the connection closed before the whole page arrived (truncated body)"
# Exception class names (Scrapy's own and the Twisted ones they wrap) → what happened.
FETCH_FAILURES = {
    "ResponseDataLossError": TRUNCATED,
    "_DataLoss": TRUNCATED,
    "DownloadConnectionRefusedError": "the server refused the connection",
    "ConnectionRefusedError": "the server refused the connection",
    "CannotResolveHostError": "the host name could not be resolved",
    "DNSLookupError": "the host name could not be resolved",
    "ResponseNeverReceived": "the connection closed before any answer",
    "ConnectionLost": "the connection was lost",
}
OFFSITE = re.compile(r"Filtered offsite request to '(?P<host>[^']*)'")
IGNORED = {"Forbidden by robots.txt": "disallowed by robots.txt",
           "max redirections reached": "too many redirects (gave up after REDIRECT_MAX_TIMES)"}


def failure_reason(error: BaseException, request, settings) -> str:
    """A reason a person understands: what went wrong, and whether retries were spent on it."""
    response = getattr(error, "response", None)
    if response is not None:
        reason = _http_reason(response)
    elif isinstance(error, IgnoreRequest):
        offsite = OFFSITE.match(str(error))
        if offsite:
            return f"{offsite['host']} is outside the source's allowed_domains (config/sources.yaml)"
        return IGNORED.get(str(error), str(error) or "request dropped")
    else:
        reason = _exception_reason(error, request, settings)
    retries = request.meta.get("retry_times", 0)
    return f"{reason}, still after {retries} retries" if retries else reason


def _http_reason(response) -> str:
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = "(unknown status)"
    reason = f"HTTP {response.status} {phrase}"
    asked = retry_after_seconds(response.headers.get(b"Retry-After"))
    if asked is not None:
        reason += f" (Retry-After {asked:.0f} s; left to the next run)"
    return reason


def _exception_reason(error: BaseException, request, settings) -> str:
    if isinstance(error, (DownloadTimeoutError, TimeoutError, TwistedTimeoutError)):
        timeout = request.meta.get("download_timeout") or settings.getfloat("DOWNLOAD_TIMEOUT")
        return f"no answer within the {timeout:g} s download timeout"
    if isinstance(error, DownloadCancelledError) and "max size" in str(error):
        limit = request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")
        return f"page larger than the {limit / 1e6:g} MB download limit (DOWNLOAD_MAXSIZE)"
    # Twisted wraps the cause of a failed response in a list of failures.
    refused = resolver.refusal(urlsplit(request.url).hostname)
    if refused:
        return refused
    causes = [getattr(f, "value", f) for f in getattr(error, "reasons", None) or []] + [error]
    for cause in causes:
        if type(cause).__name__ in FETCH_FAILURES:
            return FETCH_FAILURES[type(cause).__name__]
    return f"{type(error).__name__}: {error}"
