"""Loading staged crawl output into `pages` and `crawl_errors`.

A staging file holds one JSON object per line, written by a spider (or by `podium ingest`):
  {"type": "page", "source_id", "url", "final_url", "status", "headers", "fetched_at",
   "page_kind", "listing", "body_b64"}
  {"type": "error", "source_id", "url", "stage", "error", "http_status", "at"}
The page key is the canonical URL plus the content hash: identical content is a no-op, changed
content becomes the next revision. A whole file loads in one transaction.
"""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from w3lib.url import canonicalize_url

from storage.db import transaction

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    counts: Counter = field(default_factory=Counter)  # new, revised, unchanged, errors, bad_lines
    page_ids: list[str] = field(default_factory=list)


def read_staging(path: Path) -> tuple[list[dict], list[str]]:
    """The records of a staging file, and a description of each line that could not be read.

    A crash while a spider writes leaves at most a truncated last line; it is reported, not loaded.
    """
    records, bad = [], []
    if not path.exists():
        return records, [f"{path}: staging file missing (the crawl wrote nothing)"]
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                bad.append(f"{path.name}:{number}: unreadable staging line ({error})")
    return records, bad


def page_id_for(canonical_url: str, content_hash: str) -> str:
    return hashlib.sha1(f"{canonical_url}\n{content_hash}".encode("utf-8")).hexdigest()[:20]


def _latest_revision(con: duckdb.DuckDBPyConnection, canonical_url: str) -> tuple[str, int] | None:
    return con.execute(
        "SELECT content_hash, revision FROM pages WHERE canonical_url = ? ORDER BY revision DESC LIMIT 1",
        [canonical_url],
    ).fetchone()


def _insert_page(con, record: dict, run_id: str, canonical: str, body: bytes, revision: int) -> str:
    content_hash = hashlib.sha256(body).hexdigest()
    page_id = page_id_for(canonical, content_hash)
    headers = record.get("headers") or {}
    con.execute(
        "INSERT INTO pages (page_id, source_id, url, canonical_url, final_url, page_kind, run_id,"
        " fetched_at, http_status, content_type, headers, listing, content_hash, revision, body_gz)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [page_id, record["source_id"], record["url"], canonical, record.get("final_url"),
         record.get("page_kind", "detail"), run_id, record.get("fetched_at"), record.get("status"),
         headers.get("Content-Type"), json.dumps(headers), json.dumps(record.get("listing")),
         content_hash, revision, gzip.compress(body, mtime=0)],
    )
    return page_id


def load_page(con: duckdb.DuckDBPyConnection, record: dict, run_id: str) -> tuple[str, str | None]:
    """('new' | 'revised' | 'unchanged', page_id) for one staged page."""
    body = base64.b64decode(record["body_b64"])
    canonical = canonicalize_url(record["url"])
    latest = _latest_revision(con, canonical)
    if latest and latest[0] == hashlib.sha256(body).hexdigest():
        return "unchanged", None
    revision = latest[1] + 1 if latest else 1
    page_id = _insert_page(con, record, run_id, canonical, body, revision)
    return ("revised" if latest else "new"), page_id


def record_error(con: duckdb.DuckDBPyConnection, run_id: str | None, error: dict) -> None:
    con.execute(
        "INSERT INTO crawl_errors (run_id, source_id, url, stage, error, http_status, page_id, listing,"
        " occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, error.get("source_id"), error.get("url"), error.get("stage", "fetch"),
         str(error.get("error", "unknown error"))[:2000], error.get("http_status"),
         error.get("page_id"), json.dumps(error.get("listing")),
         error.get("at") or dt.datetime.now(dt.timezone.utc)],
    )


def load_records(con: duckdb.DuckDBPyConnection, records: list[dict], run_id: str) -> LoadResult:
    result = LoadResult()
    with transaction(con):
        for record in records:
            if record.get("type") == "error":
                record_error(con, run_id, record)
                result.counts["errors"] += 1
                continue
            outcome, page_id = load_page(con, record, run_id)
            result.counts[outcome] += 1
            if page_id:
                result.page_ids.append(page_id)
    return result


def load_staging(con: duckdb.DuckDBPyConnection, path: Path, run_id: str, source_id: str) -> LoadResult:
    records, bad = read_staging(path)
    result = load_records(con, records, run_id)
    for problem in bad:
        record_error(con, run_id, {"source_id": source_id, "stage": "load", "error": problem})
        result.counts["bad_lines"] += 1
    log.info("loaded %s: %s", path.name, dict(result.counts))
    return result


def write_staging(path: Path, records: list[dict]) -> Path:
    """Write records in the staging format (for pages that did not come from a spider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
