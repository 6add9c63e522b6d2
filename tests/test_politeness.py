"""Politeness, set explicitly: robots.txt, concurrency, throttling, identification, size cap,
retries with backoff honouring Retry-After. Crawls are real Scrapy runs against a local server
that answers with the failures under test."""
from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
from scrapy.utils.project import get_project_settings

from conftest import SNAPSHOTS, snapshot_rows
from faults import FaultSite, error, page, serving
from flows.crawl import CrawlRequest, run_crawl
from podium.settings import settings
from spiders.middlewares import retry_after_seconds

ROW = next(r for r in snapshot_rows("fmprc_en") if r["file"].endswith("t1794629.shtml"))
PAGE = (SNAPSHOTS / "fmprc_en" / ROW["file"]).read_bytes()


def site(*first, robots: str = "") -> FaultSite:
    """The one recorded page, answering the scripted failures first."""
    fault_site = FaultSite(robots)
    fault_site.add(ROW["url"], page(PAGE), *first)
    return fault_site


def crawl_with_stats(fault_site: FaultSite, tmp_path) -> tuple[list[dict], dict]:
    """The staged records of a crawl of the site, and the crawl's stats."""
    with serving(fault_site) as server:
        request = CrawlRequest("fmprc_en", tmp_path, replay_base=server.url, urls=list(fault_site.urls.values()))
        result = run_crawl(request)
    return [json.loads(line) for line in request.staging.read_text().splitlines()], result.stats


def crawl(fault_site: FaultSite, tmp_path) -> list[dict]:
    return crawl_with_stats(fault_site, tmp_path)[0]


def test_settings_are_polite():
    """The project's settings with its add-ons applied, as a crawler of `scrapy crawl` has them."""
    from scrapy.utils.misc import load_object

    scrapy_settings = get_project_settings()
    for addon in scrapy_settings.getdict("ADDONS"):
        load_object(addon)().update_settings(scrapy_settings)
    assert scrapy_settings.getbool("ROBOTSTXT_OBEY")
    assert 1 <= scrapy_settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert scrapy_settings.getbool("AUTOTHROTTLE_ENABLED") and scrapy_settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert "podium" in scrapy_settings["USER_AGENT"] and "contact:" in scrapy_settings["USER_AGENT"]
    assert 0 < scrapy_settings.getint("DOWNLOAD_MAXSIZE") <= 50_000_000
    assert {429, 503, 500}.issubset(set(scrapy_settings.getlist("RETRY_HTTP_CODES", [])))


def test_retry_after_is_honoured(tmp_path):
    # Longer than any throttle delay between two requests here, so only the backoff explains it.
    fault_site = site(error(429, retry_after=5))
    records, stats = crawl_with_stats(fault_site, tmp_path)
    hits = fault_site.hits_of(ROW["url"])
    assert [r["type"] for r in records] == ["page"]
    assert stats.get("podium/retry_waits") == 1
    assert len(hits) == 2 and hits[1] - hits[0] >= 4.5
    # the crawl identified itself as podium.toml says (set by the add-on spiders.loader.PodiumCrawlSettings)
    (agent,) = fault_site.agents
    assert agent.startswith(settings().user_agent) and f"contact: {settings().contact}" in agent


def test_server_errors_back_off_then_succeed(tmp_path):
    fault_site = site(error(503), error(502))
    records, stats = crawl_with_stats(fault_site, tmp_path)
    hits = fault_site.hits_of(ROW["url"])
    assert [r["type"] for r in records] == ["page"]
    assert stats.get("podium/retry_waits") == 2  # the gaps below alone could be AutoThrottle's
    gaps = [b - a for a, b in zip(hits, hits[1:])]
    assert len(gaps) == 2 and gaps[0] >= 1 and gaps[1] >= 2


def test_a_wait_too_long_is_left_to_the_next_run(tmp_path):
    started = time.monotonic()
    records = crawl(site(error(429, retry_after=3600)), tmp_path)
    assert time.monotonic() - started < 60
    assert [(r["type"], r["http_status"]) for r in records] == [("error", 429)]


def test_robots_txt_is_obeyed(tmp_path):
    fault_site = site(robots="User-agent: *\nDisallow: /mfa_eng/\n")
    records = crawl(fault_site, tmp_path)
    assert fault_site.hits_of(ROW["url"]) == []
    assert [r["type"] for r in records] == ["error"] and "robots.txt" in records[0]["error"]


def test_robots_txt_is_obeyed_by_the_first_requests_of_a_crawl(tmp_path):
    """Requests sent together while robots.txt is still being fetched are checked too (Scrapy
    2.19 let all but one of them through: spiders.middlewares.RobotsTxtMiddleware)."""
    rows = [r for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/")][:4]
    fault_site = FaultSite(robots=f"User-agent: *\nDisallow: {urlsplit(rows[-1]['url']).path}\n")
    for row in rows:
        fault_site.add(row["url"], page((SNAPSHOTS / "fmprc_en" / row["file"]).read_bytes()))
    records = crawl(fault_site, tmp_path)
    assert fault_site.hits_of(rows[-1]["url"]) == []
    assert sorted((r["type"], r["url"]) for r in records) == sorted(
        [("page", r["url"]) for r in rows[:-1]] + [("error", rows[-1]["url"])])


@pytest.mark.parametrize("header, expected", [(b"120", 120.0), (b"", None), (b"soon", None),
                                              (b"Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_header_values(header, expected):
    assert retry_after_seconds(header) == expected
