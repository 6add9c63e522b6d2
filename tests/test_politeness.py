"""Politeness, set explicitly: robots.txt, concurrency, throttling, identification, size cap,
retries with backoff honouring Retry-After. Crawls are real Scrapy runs against a local server
that answers with the failures under test."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy.utils.project import get_project_settings

from conftest import SNAPSHOTS, snapshot_rows
from flows.crawl import CrawlRequest, run_crawl
from spiders.middlewares import retry_after_seconds

ROW = next(r for r in snapshot_rows("fmprc_en") if r["file"].endswith("t1794629.shtml"))
PATH = ROW["url"].split("www.fmprc.gov.cn", 1)[1]
PAGE = (SNAPSHOTS / "fmprc_en" / ROW["file"]).read_bytes()


class FaultServer(ThreadingHTTPServer):
    """Answers PATH with the scripted (status, headers) answers in turn, then the real page."""

    def __init__(self, script: list[tuple[int, dict]], robots: str = ""):
        self.script, self.robots, self.hits = list(script), robots, []
        super().__init__(("127.0.0.1", 0), _FaultHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _FaultHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        server = self.server
        if self.path == "/__replay__/index.json":
            return self._send(200, {}, json.dumps([ROW["url"]]).encode())
        if self.path == "/robots.txt":
            return self._send(200, {}, server.robots.encode())
        server.hits.append(time.monotonic())
        status, headers = server.script.pop(0) if server.script else (200, {})
        self._send(status, headers, PAGE if status == 200 else b"try later")

    def _send(self, status, headers, body):
        self.send_response(status)
        for name, value in {"Content-Type": "text/html", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def crawl(server: FaultServer, tmp_path) -> list[dict]:
    request = CrawlRequest("fmprc_en", tmp_path, replay_base=server.url, urls=[ROW["url"]])
    run_crawl(request)
    server.shutdown()
    return [json.loads(line) for line in request.staging.read_text().splitlines()]


def test_settings_are_polite():
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert 1 <= settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert settings.getbool("AUTOTHROTTLE_ENABLED") and settings.getfloat("DOWNLOAD_DELAY") >= 1
    assert "podium" in settings["USER_AGENT"] and "contact:" in settings["USER_AGENT"]
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 50_000_000
    assert {429, 503, 500}.issubset(set(settings.getlist("RETRY_HTTP_CODES", [])))


def test_retry_after_is_honoured(tmp_path):
    server = FaultServer([(429, {"Retry-After": "2"})])
    records = crawl(server, tmp_path)
    assert [r["type"] for r in records] == ["page"]
    assert len(server.hits) == 2 and server.hits[1] - server.hits[0] >= 2


def test_server_errors_back_off_then_succeed(tmp_path):
    server = FaultServer([(503, {}), (502, {})])
    records = crawl(server, tmp_path)
    assert [r["type"] for r in records] == ["page"]
    gaps = [b - a for a, b in zip(server.hits, server.hits[1:])]
    assert len(gaps) == 2 and gaps[0] >= 1 and gaps[1] >= 2


def test_a_wait_too_long_is_left_to_the_next_run(tmp_path):
    server = FaultServer([(429, {"Retry-After": "3600"})])
    started = time.monotonic()
    records = crawl(server, tmp_path)
    assert time.monotonic() - started < 60
    assert [(r["type"], r["http_status"]) for r in records] == [("error", 429)]


def test_robots_txt_is_obeyed(tmp_path):
    server = FaultServer([], robots="User-agent: *\nDisallow: /mfa_eng/\n")
    records = crawl(server, tmp_path)
    assert server.hits == []
    assert [r["type"] for r in records] == ["error"] and "robots.txt" in records[0]["error"]


@pytest.mark.parametrize("header, expected", [(b"120", 120.0), (b"", None), (b"soon", None),
                                              (b"Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_header_values(header, expected):
    assert retry_after_seconds(header) == expected
