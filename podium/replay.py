"""Replay: serve recorded pages over local HTTP at the same paths as the live sites.

A snapshot folder holds one sub-folder per source with an `index.csv` (columns `url`, `file`,
`http_status`, `content_type`; extra columns are provenance) and the recorded files. Requests
are matched on path and query; the live host comes from `X-Forwarded-Host` (set by the spiders'
replay middleware) or `Host`. `GET /__replay__/index.json` lists the recorded URLs, so a crawl
can tell "not in this recording" from "gone from the site".
"""
from __future__ import annotations

import csv
import gzip
import json
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

INDEX_PATH = "/__replay__/index.json"


@dataclass(frozen=True)
class Recording:
    url: str
    file: Path
    status: int
    content_type: str

    def body(self) -> bytes | None:
        if not self.file.is_file():
            return None
        data = self.file.read_bytes()
        # Recorded pages are sometimes stored gzipped; the site served them plain.
        return gzip.decompress(data) if self.file.suffix == ".gz" else data


def read_index(folder: Path, name: str = "index.csv") -> list[dict]:
    """The rows of a source folder's index (or of another file in its format)."""
    with open(Path(folder) / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_index(folder: Path, rows: list[dict], columns: list[str] | None = None, name: str = "index.csv") -> Path:
    """Write `rows` as a source folder's index; columns: the given ones, else the first row's."""
    path = Path(folder) / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns or list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    path = parts.path or "/"
    return parts.netloc.lower(), f"{path}?{parts.query}" if parts.query else path


class Snapshot:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.recordings: dict[tuple[str, str], Recording] = {}
        for index in sorted(self.root.glob("*/index.csv")):
            self._read_index(index)
        if not self.recordings:
            raise FileNotFoundError(f"no recorded pages under {self.root} (expected <source>/index.csv)")

    def _read_index(self, index: Path) -> None:
        for row in read_index(index.parent):
            recording = Recording(row["url"], index.parent / row["file"], int(row.get("http_status") or 200),
                                  row.get("content_type") or "text/html")
            self.recordings[_key(row["url"])] = recording

    def find(self, host: str | None, path: str) -> Recording | None:
        if host and (host.lower(), path) in self.recordings:
            return self.recordings[(host.lower(), path)]
        matches = [r for (h, p), r in self.recordings.items() if p == path]
        return matches[0] if len(matches) == 1 else None

    def urls(self) -> list[str]:
        return sorted(r.url for r in self.recordings.values())


class _Handler(BaseHTTPRequestHandler):
    snapshot: Snapshot
    server_version = "podium-replay"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path == INDEX_PATH:
            return self._send(200, "application/json", json.dumps(self.snapshot.urls()).encode())
        host = self.headers.get("X-Forwarded-Host") or self.headers.get("Host")
        recording = self.snapshot.find(host, self.path)
        body = recording.body() if recording else None
        if body is None:
            return self._send(404, "text/plain", b"not found in this recording\n")
        self._send(recording.status, recording.content_type, body)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        log.debug("replay: " + format, *args)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = type("SnapshotHandler", (_Handler,), {"snapshot": Snapshot(root)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def base_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}"


@contextmanager
def serving(root: Path, port: int = 0):
    """Serve a snapshot in a background thread; yields the base URL."""
    server = make_server(root, port=port)
    thread = threading.Thread(target=server.serve_forever, name="podium-replay", daemon=True)
    thread.start()
    log.info("replaying %s at %s", root, base_url(server))
    try:
        yield base_url(server)
    finally:
        server.shutdown()
        server.server_close()
