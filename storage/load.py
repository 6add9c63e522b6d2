"""Loading staged crawl output into `pages` and `crawl_errors`.

A staging file holds one JSON object per line, written by a spider (or by `podium ingest`):
  {"type": "page", "source_id", "url", "final_url", "status", "headers", "fetched_at",
   "page_kind", "listing", "body_b64"}
  {"type": "error", "source_id", "url", "stage", "error", "http_status", "page_kind", "at"}
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from w3lib.url import canonicalize_url

from podium.crash import crash_point
from storage.db import id_table, insert_rows, transaction

log = logging.getLogger(__name__)

BATCH_BYTES = 64_000_000  # of base64 page bodies per insert: a few pages at the download cap


@dataclass
class LoadResult:
    counts: Counter = field(default_factory=Counter)  # new, revised, unchanged, errors, bad_lines
    page_ids: list[str] = field(default_factory=list)


def staged_records(path: Path, bad: list[str]) -> Iterator[dict]:
    """The records of a staging file, one line at a time; a line that cannot be read is described
    in `bad` instead. A crash while a spider writes leaves at most a truncated last line."""
    if not path.exists():
        bad.append(f"{path}: staging file missing (the crawl wrote nothing)")
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                bad.append(f"{path.name}:{number}: unreadable staging line ({error})")


def in_batches(records: Iterable[dict], budget: int = BATCH_BYTES) -> Iterator[list[dict]]:
    """Records in lists of about `budget` bytes of page bodies (at least one record each)."""
    batch, size = [], 0
    for record in records:
        batch.append(record)
        size += len(record.get("body_b64") or "")
        if size >= budget:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def page_id_for(canonical_url: str, content_hash: str) -> str:
    return hashlib.sha1(f"{canonical_url}\n{content_hash}".encode("utf-8")).hexdigest()[:20]


PAGE_COLUMNS = ("page_id", "source_id", "url", "canonical_url", "final_url", "page_kind", "run_id", "fetched_at",
                "http_status", "content_type", "headers", "listing", "content_hash", "revision", "body_gz")


def _latest_revisions(con: duckdb.DuckDBPyConnection, canonical_urls: list[str]) -> dict[str, tuple[str, int]]:
    """canonical URL → (content hash, revision) of its latest stored revision."""
    with id_table(con, sorted(set(canonical_urls))) as urls:
        rows = con.execute(
            "SELECT canonical_url, arg_max(content_hash, revision), max(revision) FROM pages"
            f" WHERE canonical_url IN (SELECT id FROM {urls}) GROUP BY canonical_url").fetchall()
    return {url: (digest, revision) for url, digest, revision in rows}


def _page_row(record: dict, run_id: str, canonical: str, body: bytes, digest: str, revision: int) -> list:
    headers = record.get("headers") or {}
    return [page_id_for(canonical, digest), record["source_id"], record["url"], canonical, record.get("final_url"),
            record.get("page_kind", "detail"), run_id, record.get("fetched_at"), record.get("status"),
            headers.get("Content-Type"), json.dumps(headers), json.dumps(record.get("listing")),
            digest, revision, gzip.compress(body, mtime=0)]


def _page_rows(con: duckdb.DuckDBPyConnection, pages: list[dict], run_id: str, result: LoadResult) -> list[list]:
    """Rows for the pages that are new or changed; identical content is counted and skipped."""
    latest = _latest_revisions(con, [canonicalize_url(r["url"]) for r in pages])
    rows = []
    for record in pages:
        body = base64.b64decode(record["body_b64"])
        canonical, digest = canonicalize_url(record["url"]), hashlib.sha256(body).hexdigest()
        known = latest.get(canonical)
        if known and known[0] == digest:
            result.counts["unchanged"] += 1
            continue
        revision = known[1] + 1 if known else 1
        latest[canonical] = (digest, revision)
        rows.append(_page_row(record, run_id, canonical, body, digest, revision))
        result.counts["revised" if known else "new"] += 1
        result.page_ids.append(rows[-1][0])
    return rows


def record_error(con: duckdb.DuckDBPyConnection, run_id: str | None, error: dict) -> None:
    con.execute(
        "INSERT INTO crawl_errors (run_id, source_id, url, stage, error, http_status, page_id, listing,"
        " page_kind, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, error.get("source_id"), error.get("url"), error.get("stage", "fetch"),
         str(error.get("error", "unknown error"))[:2000], error.get("http_status"),
         error.get("page_id"), json.dumps(error.get("listing")), error.get("page_kind"),
         error.get("at") or dt.datetime.now(dt.timezone.utc)],
    )


def _load_batch(con: duckdb.DuckDBPyConnection, records: list[dict], run_id: str, result: LoadResult) -> None:
    pages = [r for r in records if r.get("type") != "error"]
    insert_rows(con, "pages", PAGE_COLUMNS, _page_rows(con, pages, run_id, result))
    for record in records:
        if record.get("type") == "error":
            record_error(con, run_id, record)
            result.counts["errors"] += 1


def load_records(con: duckdb.DuckDBPyConnection, records: Iterable[dict], run_id: str) -> LoadResult:
    """Load staged records in one transaction: all of them, or (on any error) none. They are
    inserted a batch at a time (BATCH_BYTES of bodies), so a large staging file is never held
    in memory whole; later batches see the revisions the earlier ones inserted."""
    result = LoadResult()
    with transaction(con):
        for batch in in_batches(records):
            _load_batch(con, batch, run_id, result)
        crash_point("load-inserted")
    crash_point("load-committed")
    return result


def load_staging(con: duckdb.DuckDBPyConnection, path: Path, run_id: str, source_id: str) -> LoadResult:
    bad: list[str] = []
    result = load_records(con, staged_records(path, bad), run_id)
    for problem in bad:
        record_error(con, run_id, {"source_id": source_id, "stage": "load", "error": problem})
        result.counts["bad_lines"] += 1
    log.info("loaded %s: %s", path.name, dict(result.counts))
    return result


def write_staging(path: Path, records: Iterable[dict]) -> Path:
    """Write records in the staging format (for pages that did not come from a spider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path
