"""Crawl runs: their rows in `crawl_runs`, and the summary a run reports."""
from __future__ import annotations

import datetime as dt

import duckdb

RUN_COUNTS = ("pages_fetched", "pages_new", "pages_revised", "pages_unchanged", "documents",
              "statements", "errors")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow: str, flow_run_id: str | None,
              sources: list[str]) -> None:
    con.execute(
        "INSERT INTO crawl_runs (run_id, flow_run_id, flow, started_at, status, sources)"
        " VALUES (?, ?, ?, ?, 'running', ?)",
        [run_id, flow_run_id, flow, now(), sources],
    )


def mark_crashed(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Mark runs still `running` as `crashed` (call holding the writer lock: none can be alive)."""
    rows = con.execute("UPDATE crawl_runs SET status = 'crashed' WHERE status = 'running' RETURNING run_id")
    return [row[0] for row in rows.fetchall()]


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: dict) -> None:
    assignments = ", ".join(f"{name} = ?" for name in RUN_COUNTS)
    con.execute(
        f"UPDATE crawl_runs SET finished_at = ?, status = ?, {assignments} WHERE run_id = ?",
        [now(), status, *[int(counts.get(name, 0)) for name in RUN_COUNTS], run_id],
    )


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("pages", "documents", "statements", "crawl_errors", "crawl_runs")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def run_summary(con: duckdb.DuckDBPyConnection, run_id: str, source_ids: list[str]) -> dict:
    """What the archive holds for these sources after a run, and what this run added."""
    scope = [source_ids]
    per_speaker = con.execute(
        "SELECT coalesce(speaker, '(no named speaker)'), count(*) FROM v_statements"
        " WHERE source_id IN (SELECT unnest(?))"
        " GROUP BY ALL ORDER BY 2 DESC, 1", scope).fetchall()
    first, last = con.execute(
        "SELECT min(published_at), max(published_at) FROM documents WHERE source_id IN (SELECT unnest(?))",
        scope).fetchone()
    errors = con.execute(
        "SELECT stage, url, error, http_status FROM crawl_errors WHERE run_id = ? ORDER BY error_id",
        [run_id]).fetchall()
    per_source = con.execute(
        "SELECT p.source_id, count(DISTINCT p.page_id), count(DISTINCT d.doc_id), count(s.statement_id)"
        " FROM pages p LEFT JOIN documents d USING (page_id) LEFT JOIN statements s USING (doc_id)"
        " WHERE p.run_id = ? GROUP BY 1 ORDER BY 1", [run_id]).fetchall()
    sample = con.execute(
        "SELECT v.date, v.speaker, v.source_id, v.question, v.text FROM v_statements v"
        " JOIN documents d USING (doc_id) JOIN pages p USING (page_id)"
        " WHERE p.run_id = ? ORDER BY v.date DESC, v.statement_id LIMIT 5", [run_id]).fetchall()
    cursor = con.execute("SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])
    row = cursor.fetchone()
    run = dict(zip([c[0] for c in cursor.description], row)) if row else {}
    return {
        "run": run,
        "archive": table_counts(con),
        "statements_per_speaker": per_speaker,
        "date_range": (first, last),
        "errors": errors,
        "per_source": per_source,  # (source, pages stored, documents, statements) from this run's pages
        "sample": sample,  # a few of this run's new statements
    }


def finished_chunks(con: duckdb.DuckDBPyConnection, backfill_id: str, source_id: str) -> set[dt.date]:
    rows = con.execute("SELECT since FROM backfill_chunks WHERE backfill_id = ? AND source_id = ?",
                       [backfill_id, source_id]).fetchall()
    return {row[0] for row in rows}


def finish_chunk(con: duckdb.DuckDBPyConnection, backfill_id: str, source_id: str, since: dt.date,
                 until: dt.date, run_id: str) -> None:
    con.execute("INSERT OR REPLACE INTO backfill_chunks VALUES (?, ?, ?, ?, ?, ?)",
                [backfill_id, source_id, since, until, run_id, now()])
