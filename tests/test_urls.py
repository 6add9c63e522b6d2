"""Which URLs podium fetches (podium/urls.py), checked as Scrapy will request them, and the crawl's
own guard at connection time (spiders/middlewares.py PublicHostsMiddleware, spiders/resolver.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import ROOT, snapshot_rows
from podium.settings import ConfigError
from podium.urls import UrlRefused, checked, group_urls, normalised

PAGE = next(r["url"] for r in snapshot_rows("fmprc_en") if r["file"].startswith("detail/"))


def test_a_url_is_checked_as_scrapy_will_request_it():
    import scrapy

    # A backslash before "@": read naively the host is www.fmprc.gov.cn; Scrapy requests 127.0.0.1.
    tricky = "http://127.0.0.1:18401\\@www.fmprc.gov.cn/a.shtml"
    assert normalised(tricky) == scrapy.Request(tricky).url == "http://127.0.0.1:18401/@www.fmprc.gov.cn/a.shtml"
    with pytest.raises(UrlRefused, match="127.0.0.1 is .* loopback or private"):
        checked(tricky)


@pytest.mark.parametrize("url, reason", [
    ("http://www.fmprc.gov.cn/a\nhttp://127.0.0.1/", "control character"),
    ("http://www.fmprc.gov.cn/a\tb", "control character"),
    ("http://[::1", "not a valid URL"),
    ("http://www.fmprc.gov.cn:99999/", "not a valid URL"),
    ("file:///etc/passwd", "only http"),
    ("javascript:alert(1)", "only http"),
    ("http:///list/", "only http"),
    ("http://localhost./x", "loopback host"),
    ("http://a.localhost/x", "loopback host"),
    ("http://127.1/x", r"resolves to\) a loopback or private address \(127.0.0.1\)"),
    ("http://0x7f000001/x", r"\(127.0.0.1\)"),
    ("http://2130706433/x", r"\(127.0.0.1\)"),
    ("http://[::1]/x", r"::1 is a loopback or private address"),
    ("http://[::ffff:10.0.0.1]/x", "loopback or private"),
    ("http://10.1.2.3/x", "loopback or private"),
    ("http://169.254.169.254/latest/meta-data/", "loopback or private"),
])
def test_what_is_refused_and_why(url, reason):
    with pytest.raises(UrlRefused, match=reason):
        checked(url)


def test_a_name_is_judged_by_what_it_resolves_to(monkeypatch):
    """A name that looks public but resolves to a private address (an intranet name, a DNS entry
    pointed at 127.0.0.1) is refused; the addresses come from the system's resolver."""
    import socket

    answers = {"intranet.example.org": "10.20.30.40", "public.example.org": "93.184.215.14"}
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], 0))])
    with pytest.raises(UrlRefused, match=r"intranet.example.org is \(or resolves to\) a loopback or private "
                                         r"address \(10.20.30.40\)"):
        checked("http://intranet.example.org/news")
    assert checked("http://public.example.org/news") == "http://public.example.org/news"
    with pytest.raises(UrlRefused, match=r"localhost is a loopback host"):  # by name, whatever it resolves to
        checked("http://LOCALHOST:8080/")


def test_public_urls_pass_normalised_and_grouped_by_source():
    spaced = PAGE.replace("t1", "t 1")
    assert checked(spaced) == PAGE.replace("t1", "t%201")
    assert group_urls([PAGE], []) == {"fmprc_en": [PAGE]}
    with pytest.raises(ConfigError, match="belongs to no configured source"):
        group_urls(["https://www.example.com/news"], [])
    with pytest.raises(ConfigError, match="belongs to no configured source"):  # past the address check
        group_urls(["http://127.0.0.1:9/x"], [], allow_private=True)


def test_the_command_refuses_a_bad_url_before_any_run(tmp_path):
    result = subprocess.run([sys.executable, "-m", "podium.cli", "crawl", "--archive", str(tmp_path / "a.duckdb"),
                             "--url", "http://127.0.0.1:18401\\@www.fmprc.gov.cn/a.shtml"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error:") and "loopback" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout and not (tmp_path / "a.duckdb").exists()


# -- at connection time: a crawl of the live site never reaches a loopback server ------------------

class Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body><p>private</p></body></html>")

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.hits = []
    yield server.server_address[1]
    server.shutdown()


def home_with_a_source(tmp_path: Path, port: int) -> Path:
    """A copy of the project's config/ whose sources.yaml has one more source, on `localhost`."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    with open(tmp_path / "config" / "sources.yaml", "a", encoding="utf-8") as handle:
        handle.write(f"""
  - key: loopback_probe
    name: A source pointing at this machine
    country: XX
    institution: Nobody
    kind: news
    language: en
    format: article
    spider: url_list
    start_urls: ["http://localhost:{port}/private.html"]
    allowed_domains: [localhost]
""")
    return tmp_path


def crawl_live(home: Path, tmp_path: Path, *settings: str) -> list[dict]:
    """A crawl of `loopback_probe` as a live run makes it (no replay); the records it staged."""
    import os

    staging = tmp_path / "run" / "loopback_probe.jsonl"
    command = [sys.executable, "-m", "scrapy", "crawl", "loopback_probe", "-s", f"PODIUM_STAGING={staging}",
               "-s", "ROBOTSTXT_OBEY=False", "-s", "DOWNLOAD_DELAY=0", *settings]
    env = {**os.environ, "PODIUM_HOME": str(home), "SCRAPY_SETTINGS_MODULE": "spiders.settings"}
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=120, check=True)
    return [json.loads(line) for line in staging.read_text().splitlines()]


def test_a_configured_start_url_on_loopback_is_refused_and_recorded(loopback_site, tmp_path):
    records = crawl_live(home_with_a_source(tmp_path, loopback_site), tmp_path)
    assert [(r["type"], r["stage"], r["page_kind"]) for r in records] == [("error", "fetch", "detail")]
    assert "refused: localhost is a loopback host" in records[0]["error"]
    assert Recorder.hits == []


def test_the_resolver_refuses_a_loopback_address_at_connection_time(loopback_site, tmp_path):
    """With the name check switched off, the resolver alone still keeps the request away."""
    off = json.dumps({"spiders.middlewares.PublicHostsMiddleware": None})
    records = crawl_live(home_with_a_source(tmp_path, loopback_site), tmp_path, "-s", f"DOWNLOADER_MIDDLEWARES={off}")
    assert [(r["type"], r["stage"]) for r in records] == [("error", "fetch")]
    assert "refused: localhost resolves to 127.0.0.1, a loopback or private address" in records[0]["error"]
    assert Recorder.hits == []
