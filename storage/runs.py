"""Crawl runs: their rows in `crawl_runs`, and the summary a run reports."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SourceOutcome:
    source_id: str
    outcome: str  # ok | partial | failed
    pages_fetched: int
    errors: int
    reason: str | None


# Errors that mean a source got nothing tonight: its crawl broke, or a listing failed or changed.
_SOURCE_FAILURES = """
    SELECT source_id, url, stage, error FROM crawl_errors
    WHERE run_id = ? AND (stage = 'crawl' OR (page_kind = 'listing' AND stage IN ('fetch', 'layout_changed')))
    ORDER BY error_id
"""


def _outcome(source_id: str, fetched: int, errors: int, failures: list[tuple]) -> SourceOutcome:
    if failures:
        url, stage, error = failures[0]
        what = {"crawl": "its crawl failed", "layout_changed": "its listing's layout changed"}.get(stage, "its listing failed")
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        return SourceOutcome(source_id, "failed", fetched, errors, f"{what}: {url or ''} {error}{more}".replace("  ", " "))
    if errors and not fetched:
        return SourceOutcome(source_id, "failed", fetched, errors,
                             f"it fetched nothing and recorded {errors} error{'s' if errors > 1 else ''}")
    if errors:
        return SourceOutcome(source_id, "partial", fetched, errors,
                             f"{errors} of its pages failed" if errors > 1 else "1 of its pages failed")
    return SourceOutcome(source_id, "ok", fetched, errors, None)


def record_outcomes(con: duckdb.DuckDBPyConnection, run_id: str, fetched: dict[str, int]) -> list[SourceOutcome]:
    """Each source's outcome in this run (`fetched`: pages fetched per source, the run's sources
    as keys), from the errors it recorded; saved in run_sources."""
    errors = dict(con.execute("SELECT source_id, count(*) FROM crawl_errors WHERE run_id = ? GROUP BY 1",
                              [run_id]).fetchall())
    failures: dict[str, list[tuple]] = {}
    for source_id, url, stage, error in con.execute(_SOURCE_FAILURES, [run_id]).fetchall():
        failures.setdefault(source_id, []).append((url, stage, error))
    outcomes = [_outcome(source, count, errors.get(source, 0), failures.get(source, []))
                for source, count in sorted(fetched.items())]
    con.executemany("INSERT OR REPLACE INTO run_sources VALUES (?, ?, ?, ?, ?, ?)",
                    [[run_id, o.source_id, o.outcome, o.pages_fetched, o.errors, o.reason] for o in outcomes])
    return outcomes


def outcomes_of(con: duckdb.DuckDBPyConnection, run_id: str) -> list[SourceOutcome]:
    rows = con.execute("SELECT source_id, outcome, pages_fetched, errors, reason FROM run_sources"
                       " WHERE run_id = ? ORDER BY source_id", [run_id]).fetchall()
    return [SourceOutcome(*row) for row in rows]


def failed_sources_reason(outcomes: list[SourceOutcome]) -> str | None:
    """The sentence a failed run is known by: its failed sources, each with why."""
    failed = [o for o in outcomes if o.outcome == "failed"]
    if not failed:
        return None
    names = "; ".join(f"{o.source_id} ({o.reason})" for o in failed)
    return f"{len(failed)} of {len(outcomes)} sources failed: {names}"


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("pages", "documents", "statements", "crawl_errors", "crawl_runs")
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# The documents a run made (extracted or re-extracted while it ran), for its summary.
_RUN_DOCUMENTS = "SELECT doc_id FROM documents WHERE extracted_at >= (SELECT started_at FROM crawl_runs WHERE run_id = ?)"


def run_summary(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    """What a run did: its record, each source's outcome and what it added, its speakers and
    dates, its errors, a sample of its statements; and the archive's totals."""
    per_speaker = con.execute(
        "SELECT coalesce(speaker, '(no named speaker)'), count(*) FROM v_statements"
        f" WHERE doc_id IN ({_RUN_DOCUMENTS}) GROUP BY ALL ORDER BY 2 DESC, 1", [run_id]).fetchall()
    first, last, undated = con.execute(
        f"SELECT min(published_at), max(published_at), count(*) - count(published_at) FROM documents"
        f" WHERE doc_id IN ({_RUN_DOCUMENTS})", [run_id]).fetchone()
    in_near_dups = con.execute(
        "SELECT count(*) FROM statements s JOIN documents d USING (doc_id)"
        f" WHERE d.near_dup_of IS NOT NULL AND d.doc_id IN ({_RUN_DOCUMENTS})", [run_id]).fetchone()[0]
    errors = con.execute(
        "SELECT stage, url, error, http_status FROM crawl_errors WHERE run_id = ? ORDER BY error_id",
        [run_id]).fetchall()
    per_source = con.execute(
        "SELECT o.source_id, o.outcome, o.pages_fetched, count(DISTINCT d.doc_id), count(s.statement_id), o.errors,"
        "  o.reason FROM run_sources o"
        f" LEFT JOIN documents d ON d.source_id = o.source_id AND d.doc_id IN ({_RUN_DOCUMENTS})"
        " LEFT JOIN statements s USING (doc_id) WHERE o.run_id = ? GROUP BY ALL ORDER BY 1",
        [run_id, run_id]).fetchall()
    sample = con.execute(
        "SELECT date, speaker, source_id, question, text FROM v_statements"
        f" WHERE doc_id IN ({_RUN_DOCUMENTS}) ORDER BY date DESC NULLS LAST, statement_id LIMIT 5", [run_id]).fetchall()
    cursor = con.execute("SELECT * FROM crawl_runs WHERE run_id = ?", [run_id])
    row = cursor.fetchone()
    return {
        "run": dict(zip([c[0] for c in cursor.description], row)) if row else {},
        "archive": table_counts(con),
        "statements_per_speaker": per_speaker,  # this run's statements, as v_statements shows them
        "date_range": (first, last),  # of this run's documents
        "undated_documents": undated,
        "statements_in_near_duplicates": in_near_dups,  # in `statements`, left out of v_statements
        "errors": errors,
        # (source, outcome, pages fetched, documents, statements, errors, reason) of this run
        "per_source": per_source,
        "sample": sample,  # a few of this run's statements
    }


def finished_chunks(con: duckdb.DuckDBPyConnection, backfill_id: str, source_id: str) -> set[dt.date]:
    rows = con.execute("SELECT since FROM backfill_chunks WHERE backfill_id = ? AND source_id = ?",
                       [backfill_id, source_id]).fetchall()
    return {row[0] for row in rows}


def finish_chunk(con: duckdb.DuckDBPyConnection, backfill_id: str, source_id: str, since: dt.date,
                 until: dt.date, run_id: str) -> None:
    con.execute("INSERT OR REPLACE INTO backfill_chunks VALUES (?, ?, ?, ?, ?, ?)",
                [backfill_id, source_id, since, until, run_id, now()])
