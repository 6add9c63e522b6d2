"""Crawl runs: their rows in `crawl_runs`, and the summary a run reports."""
from __future__ import annotations

import datetime as dt

import duckdb

from podium.outcomes import SourceOutcome, SourceTally, judge

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


def mark_linked(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """The run's cross-document step (near-duplicates, links) has committed."""
    con.execute("UPDATE crawl_runs SET linked_at = ? WHERE run_id = ?", [now(), run_id])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: dict,
               reason: str | None = None) -> None:
    assignments = ", ".join(f"{name} = ?" for name in RUN_COUNTS)
    con.execute(
        f"UPDATE crawl_runs SET finished_at = ?, status = ?, reason = ?, {assignments} WHERE run_id = ?",
        [now(), status, reason, *[int(counts.get(name, 0)) for name in RUN_COUNTS], run_id],
    )


# Per source: errors in all; fetch and extraction errors of detail pages that failed for the first
# time (a page failing again, retried from an earlier run, says nothing new about the site); and
# those of them whose layout changed.
_ERROR_TALLIES = """
    SELECT source_id, count(*),
           count(*) FILTER (WHERE first_time AND stage IN ('fetch', 'extract', 'layout_changed')),
           count(*) FILTER (WHERE first_time AND stage = 'layout_changed')
    FROM (SELECT e.source_id, e.stage, coalesce(e.page_kind, 'detail') = 'detail' AND NOT EXISTS (
              SELECT 1 FROM crawl_errors b WHERE b.url = e.url AND b.run_id <> e.run_id) AS first_time
          FROM crawl_errors e WHERE e.run_id = ?)
    GROUP BY 1
"""
# Errors that mean a source got nothing tonight: its crawl broke, or its first listing failed or changed.
_SOURCE_FAILURES = """
    SELECT source_id, url, stage, error FROM crawl_errors
    WHERE run_id = ? AND (stage = 'crawl' OR (page_kind = 'start' AND stage IN ('fetch', 'layout_changed')))
    ORDER BY error_id
"""
_DOCUMENTS_MADE = """
    SELECT source_id, count(*) FROM documents
    WHERE extracted_at >= (SELECT started_at FROM crawl_runs WHERE run_id = ?) GROUP BY 1
"""


def source_tallies(con: duckdb.DuckDBPyConnection, run_id: str, fetched: dict[str, int]) -> list[SourceTally]:
    """What the run recorded of each of its sources (`fetched`: pages fetched per source)."""
    tallies = {source: SourceTally(source, pages_fetched=count) for source, count in sorted(fetched.items())}
    for source, errors, detail_errors, detail_layout in con.execute(_ERROR_TALLIES, [run_id]).fetchall():
        if source in tallies:
            tallies[source].errors, tallies[source].detail_errors = errors, detail_errors
            tallies[source].detail_layout_changes = detail_layout
    for source, url, stage, error in con.execute(_SOURCE_FAILURES, [run_id]).fetchall():
        if source in tallies:
            tallies[source].failures.append((url, stage, error))
    for source, documents in con.execute(_DOCUMENTS_MADE, [run_id]).fetchall():
        if source in tallies:
            tallies[source].documents = documents
    return list(tallies.values())


def record_outcomes(con: duckdb.DuckDBPyConnection, run_id: str, fetched: dict[str, int]) -> list[SourceOutcome]:
    """Each source's outcome in this run (podium.outcomes.judge), saved in run_sources."""
    outcomes = [judge(tally) for tally in source_tallies(con, run_id, fetched)]
    con.executemany("INSERT OR REPLACE INTO run_sources VALUES (?, ?, ?, ?, ?, ?)",
                    [[run_id, o.source_id, o.outcome, o.pages_fetched, o.errors, o.reason] for o in outcomes])
    return outcomes


def outcomes_of(con: duckdb.DuckDBPyConnection, run_id: str) -> list[SourceOutcome]:
    rows = con.execute("SELECT source_id, outcome, pages_fetched, errors, reason FROM run_sources"
                       " WHERE run_id = ? ORDER BY source_id", [run_id]).fetchall()
    return [SourceOutcome(*row) for row in rows]


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("pages", "documents", "statements", "crawl_errors", "crawl_runs")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# The documents a run made (extracted or re-extracted while it ran), for its summary.
_RUN_DOCUMENTS = ("SELECT doc_id FROM documents"
                  " WHERE extracted_at >= (SELECT started_at FROM crawl_runs WHERE run_id = ?)")


# The links with a side in the run's documents; the summary shows a few (the first distinct pairs).
_RUN_LINKS = ("SELECT * FROM v_press_coverage WHERE quote_id IN (SELECT statement_id FROM statements WHERE doc_id IN"
              f" ({_RUN_DOCUMENTS})) OR answer_id IN (SELECT statement_id FROM statements WHERE doc_id IN"
              f" ({_RUN_DOCUMENTS}))")
PRESS_ROWS = 50

# What a run summary shows, each query taking the run's id once for every `?`.
_SUMMARY_QUERIES = {
    # this run's statements per speaker, as v_statements shows them
    "statements_per_speaker": "SELECT coalesce(speaker, '(no named speaker)'), count(*) FROM v_statements"
                              f" WHERE doc_id IN ({_RUN_DOCUMENTS}) GROUP BY ALL ORDER BY 2 DESC, 1",
    "errors": "SELECT stage, url, error, http_status FROM crawl_errors WHERE run_id = ? ORDER BY error_id",
    # (source, outcome, pages fetched, documents, statements, errors, reason) of this run
    "per_source": "SELECT o.source_id, o.outcome, o.pages_fetched, count(DISTINCT d.doc_id), count(s.statement_id),"
                  "  o.errors, o.reason FROM run_sources o"
                  f" LEFT JOIN documents d ON d.source_id = o.source_id AND d.doc_id IN ({_RUN_DOCUMENTS})"
                  " LEFT JOIN statements s USING (doc_id) WHERE o.run_id = ? GROUP BY ALL ORDER BY 1",
    # how the press reported it: links with a side in this run's documents, across languages first,
    # then the most reported answers
    "press_links": f"SELECT answer_date, speaker, answer, outlet, quote, method, score FROM ({_RUN_LINKS})"
                   f" ORDER BY method = 'cross_language' DESC, reports DESC, score DESC, answer_id, quote_id"
                   f" LIMIT {PRESS_ROWS}",
    "press_link_count": f"SELECT count(*) FROM ({_RUN_LINKS})",
    # a few of this run's statements
    "sample": "SELECT date, speaker, source_id, question, text FROM v_statements"
              f" WHERE doc_id IN ({_RUN_DOCUMENTS}) ORDER BY date DESC NULLS LAST, statement_id LIMIT 5",
}
_RUN_DATES = ("SELECT min(published_at), max(published_at), count(*) - count(published_at) FROM documents"
              f" WHERE doc_id IN ({_RUN_DOCUMENTS})")
# statements kept in `statements` but left out of v_statements, for the summary to explain the difference
_IN_NEAR_DUPLICATES = ("SELECT count(*) FROM statements s JOIN documents d USING (doc_id)"
                       f" WHERE d.near_dup_of IS NOT NULL AND d.doc_id IN ({_RUN_DOCUMENTS})")


def run_summary(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    """What a run did: its record, each source's outcome and what it added, its speakers and
    dates, its errors, a sample of its statements; and the archive's totals."""
    summary = {name: con.execute(sql, [run_id] * sql.count("?")).fetchall() for name, sql in _SUMMARY_QUERIES.items()}
    first, last, undated = con.execute(_RUN_DATES, [run_id]).fetchone()
    cursor = con.execute("SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])
    row = cursor.fetchone()
    return {**summary,
            "run": dict(zip([c[0] for c in cursor.description], row)) if row else {},
            "archive": table_counts(con),
            "date_range": (first, last),  # of this run's documents
            "undated_documents": undated,
            "statements_in_near_duplicates": con.execute(_IN_NEAR_DUPLICATES, [run_id]).fetchone()[0]}


def finished_chunks(con: duckdb.DuckDBPyConnection, backfill_id: str, source_id: str) -> set[dt.date]:
    rows = con.execute("SELECT since FROM backfill_chunks WHERE backfill_id = ? AND source_id = ?",
                       [backfill_id, source_id]).fetchall()
    return {row[0] for row in rows}


def finish_chunk(con: duckdb.DuckDBPyConnection, backfill_id: str, source_id: str, since: dt.date,
                 until: dt.date, run_id: str) -> None:
    con.execute("INSERT OR REPLACE INTO backfill_chunks VALUES (?, ?, ?, ?, ?, ?)",
                [backfill_id, source_id, since, until, run_id, now()])
