"""Documents: which pages still need extracting, which are archived, which must be retried
(saving extractions: storage/extracted.py)."""
from __future__ import annotations

import gzip
import json

import duckdb

from podium.extract import StoredPage
from storage.db import id_table

_LATEST_DETAIL_PAGES = """
    SELECT p.page_id
    FROM pages p
    WHERE p.page_kind = 'detail'
      AND p.revision = (SELECT max(revision) FROM pages q WHERE q.canonical_url = p.canonical_url)
"""


def _stored_page(row) -> StoredPage:
    page_id, source_id, url, body_gz, content_type, listing, fetched_at = row
    return StoredPage(page_id, source_id, url, gzip.decompress(body_gz), content_type,
                      json.loads(listing) if listing else None, fetched_at)


# Error stages of a page that was fetched but could not be made into a document.
EXTRACT_STAGES = ("extract", "layout_changed")
MAX_EXTRACT_ATTEMPTS = 3  # a page whose extraction failed this often waits for a new revision or `reprocess`


def pending_page_ids(con: duckdb.DuckDBPyConnection, source_ids: list[str]) -> list[str]:
    """Latest revisions of detail pages with no document made from them (new, revised, or failed
    fewer than MAX_EXTRACT_ATTEMPTS times: the same bytes fail the same way, so retrying them
    every run only costs time and error rows)."""
    rows = con.execute(
        _LATEST_DETAIL_PAGES
        + " AND p.source_id IN (SELECT unnest(?))"
        + " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.page_id = p.page_id)"
        + " AND (SELECT count(*) FROM crawl_errors e WHERE e.page_id = p.page_id"
        + "      AND e.stage IN (SELECT unnest(?))) < ?"
        + " ORDER BY p.url",
        [source_ids, list(EXTRACT_STAGES), MAX_EXTRACT_ATTEMPTS],
    ).fetchall()
    return [row[0] for row in rows]


def stored_page_ids(con: duckdb.DuckDBPyConnection, source_ids: list[str], since=None, until=None) -> list[str]:
    """Latest revisions of the detail pages of these sources whose document (if any) is dated in
    the range; undated documents are always included (re-extraction may date them)."""
    rows = con.execute(
        _LATEST_DETAIL_PAGES
        + " AND p.source_id IN (SELECT unnest(?))"
        + " AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.url = p.url"
        + "   AND (d.published_at < coalesce(?, DATE '0001-01-01') OR d.published_at > coalesce(?, DATE '9999-12-31')))"
        + " ORDER BY p.url",
        [source_ids, since, until],
    ).fetchall()
    return [row[0] for row in rows]


def pages_by_id(con: duckdb.DuckDBPyConnection, page_ids: list[str]) -> list[StoredPage]:
    with id_table(con, page_ids) as ids:
        rows = con.execute(
            "SELECT page_id, source_id, url, body_gz, content_type, listing, fetched_at FROM pages"
            f" WHERE page_id IN (SELECT id FROM {ids}) ORDER BY url").fetchall()
    return [_stored_page(row) for row in rows]


def in_batches(con: duckdb.DuckDBPyConnection, ids: list[str], batch: int = 200):
    """Pages by id in batches, so a large backlog is never all in memory at once."""
    for start in range(0, len(ids), batch):
        yield pages_by_id(con, ids[start:start + batch])


def doc_ids_left_unlinked(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Documents extracted by runs that ended before their cross-document step (near-duplicates,
    links): runs that crashed or raised since the last run that did it. The next run does it for them."""
    return [row[0] for row in con.execute(
        "SELECT doc_id FROM documents WHERE extracted_at >= ("
        "  SELECT min(started_at) FROM crawl_runs WHERE linked_at IS NULL AND status <> 'running' AND started_at >"
        "  coalesce((SELECT max(started_at) FROM crawl_runs WHERE linked_at IS NOT NULL), '-infinity'::TIMESTAMPTZ))"
        " ORDER BY doc_id").fetchall()]


def archived_urls(con: duckdb.DuckDBPyConnection, source_id: str) -> list[tuple[str, str]]:
    """(url, content hash) of every page of a source that has its document: the crawl skips these."""
    return con.execute(
        "SELECT d.url, p.content_hash FROM documents d JOIN pages p USING (page_id)"
        " WHERE d.source_id = ? ORDER BY d.url",
        [source_id],
    ).fetchall()


MAX_ATTEMPTS = 10  # a page that failed this often is left alone until someone looks at it


def pages_to_retry(con: duckdb.DuckDBPyConnection, source_id: str,
                   listing_urls: tuple[str, ...] = ()) -> list[tuple[str, dict | None]]:
    """(url, listing) of detail pages whose fetch or extraction failed and that still have no
    document, unless they failed MAX_ATTEMPTS times or their extraction was given up on. Listing
    pages are never among them: tonight's own listing requests fetch those again, as listings
    (`listing_urls`: the source's own, for errors recorded without a role)."""
    rows = con.execute(
        "SELECT e.url, any_value(e.listing ORDER BY e.error_id DESC)"
        " FROM crawl_errors e"
        " WHERE e.source_id = ? AND e.url IS NOT NULL AND e.stage IN ('fetch', 'extract', 'layout_changed')"
        "   AND coalesce(e.page_kind, 'detail') = 'detail'"
        "   AND e.url NOT IN (SELECT unnest(?))"
        "   AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.url = e.url AND p.page_kind = 'listing')"
        "   AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.url = e.url)"
        # fetching again what extraction gave up on would bring the same bytes back every night
        "   AND NOT EXISTS (SELECT 1 FROM crawl_errors x WHERE x.url = e.url AND x.page_id IS NOT NULL"
        "     AND x.stage IN (SELECT unnest(?)) GROUP BY x.page_id HAVING count(*) >= ?)"
        " GROUP BY e.url HAVING count(*) < ? ORDER BY e.url",
        [source_id, list(listing_urls), list(EXTRACT_STAGES), MAX_EXTRACT_ATTEMPTS, MAX_ATTEMPTS],
    ).fetchall()
    return [(url, json.loads(listing) if listing else None) for url, listing in rows]
