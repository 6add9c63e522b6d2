"""A fault-injection HTTP server for tests: a replay-like site whose pages fail on purpose.

It speaks the replay protocol the spiders expect (`/__replay__/index.json` lists the site's live
URLs; requests arrive at the live path), so a real crawl or a real nightly run can be pointed at
it with `replay=<its url>`. Each URL has a final answer (normally a real recorded page) and may
have a script of answers given first, one per request: statuses with headers, delays longer
than the download timeout, truncated bodies, oversized bodies, redirects. Everything listens on
127.0.0.1 only and stops with the test (`with serving(site) as server:`).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from podium.replay import INDEX_PATH, base_url

log = logging.getLogger(__name__)

HTML = "text/html; charset=utf-8"
CHUNK = 1 << 20  # oversized bodies are written a megabyte at a time


@dataclass(frozen=True)
class Answer:
    """One HTTP answer. `delay`: seconds of silence before it; `send`: how many body bytes are
    really sent (fewer than Content-Length: a truncated body); `size`: a body of this many bytes
    (repeating `body`) instead of `body` itself."""
    status: int = 200
    body: bytes = b""
    content_type: str = HTML
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    send: int | None = None
    size: int | None = None

    @property
    def length(self) -> int:
        return self.size if self.size is not None else len(self.body)


def page(body: bytes, content_type: str = HTML) -> Answer:
    return Answer(200, body, content_type)


def error(status: int, **headers) -> Answer:
    """An error status; keyword headers use underscores (retry_after → Retry-After)."""
    named = {name.replace("_", "-").title(): str(value) for name, value in headers.items()}
    return Answer(status, b"try later\n", "text/plain", named)


def slow(answer: Answer, seconds: float) -> Answer:
    return replace(answer, delay=seconds)


def truncated(body: bytes) -> Answer:
    """Content-Length says the whole body, half of it is sent, then the connection closes."""
    return Answer(200, body, HTML, send=len(body) // 2)


def huge(size: int) -> Answer:
    return Answer(200, b"<p>" + b"x" * 1021 + b"</p>\n", HTML, size=size)


def redirect(location: str) -> Answer:
    return Answer(302, b"", "text/plain", {"Location": location})


class FaultSite:
    """The site's URLs (live URLs) with their final answers, scripts of answers given first,
    robots.txt, and every request's arrival time per path (`hits`)."""

    def __init__(self, robots: str = ""):
        self.robots = robots
        self.final: dict[str, Answer] = {}
        self.scripts: dict[str, list[Answer]] = {}
        self.urls: dict[str, str] = {}
        self.hits: dict[str, list[float]] = defaultdict(list)
        self.agents: set[str] = set()  # the User-Agent headers the site was sent
        self._lock = threading.Lock()

    def add(self, url: str, final: Answer, *first: Answer) -> None:
        path = _path(url)
        self.urls[path], self.final[path], self.scripts[path] = url, final, list(first)

    def answer(self, path: str) -> Answer | None:
        with self._lock:
            if path not in self.final:
                return None
            self.hits[path].append(time.monotonic())
            script = self.scripts[path]
            return script.pop(0) if script else self.final[path]

    def hits_of(self, url: str) -> list[float]:
        return self.hits[_path(url)]


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class _Handler(BaseHTTPRequestHandler):
    site: FaultSite

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == INDEX_PATH:
            return self._send(page(json.dumps(sorted(self.site.urls.values())).encode(), "application/json"))
        if self.path == "/robots.txt":
            return self._send(page(self.site.robots.encode(), "text/plain"))
        self.site.agents.add(self.headers.get("User-Agent", ""))
        answer = self.site.answer(self.path)
        self._send(answer or Answer(404, b"not on this site\n", "text/plain"))

    def _send(self, answer: Answer) -> None:
        time.sleep(answer.delay)
        try:
            self.send_response(answer.status)
            for name, value in {"Content-Type": answer.content_type, **answer.headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(answer.length))
            self.end_headers()
            self._write_body(answer)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first: expected here
            log.debug("client closed %s early", self.path)
        if answer.send is not None:
            self.close_connection = True

    def _write_body(self, answer: Answer) -> None:
        if answer.size is None:
            self.wfile.write(answer.body[:answer.send] if answer.send is not None else answer.body)
            return
        chunk = (answer.body * (CHUNK // len(answer.body) + 1))[:CHUNK]
        for start in range(0, answer.size, CHUNK):
            self.wfile.write(chunk[:min(CHUNK, answer.size - start)])

    def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
        log.debug("faults: " + format, *args)


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping through a delay does not hold up the test

    def __init__(self, site: FaultSite):
        handler = type("FaultHandler", (_Handler,), {"site": site})
        super().__init__(("127.0.0.1", 0), handler)

    @property
    def url(self) -> str:
        return base_url(self)


@contextmanager
def serving(site: FaultSite):
    """Serve `site` in a background thread until the block ends; yields the server."""
    server = FaultServer(site)
    thread = threading.Thread(target=server.serve_forever, name="podium-faults", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
