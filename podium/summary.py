"""What a run did, in words: the same sentences on the terminal (`podium nightly`) and in the
run's report artifact in the Prefect UI. `summary` is what storage.runs.run_summary returns."""
from __future__ import annotations

from podium.output import plural

SOURCE_COLUMNS = ("source", "outcome", "pages fetched", "documents", "statements", "errors", "why")


def headline(summary: dict) -> str:
    run = summary["run"]
    status = str(run.get("status") or "unknown").upper() if run.get("status") == "failed" else run.get("status")
    reason = f": {run['reason']}" if run.get("reason") else ""
    return f"{run.get('flow')} run {run.get('run_id')} {status}{reason}"


def counts_sentence(summary: dict) -> str:
    run = summary["run"]
    return (f"this run: {plural(run.get('pages_fetched') or 0, 'page')} fetched ({run.get('pages_new') or 0} new, "
            f"{run.get('pages_revised') or 0} revised, {run.get('pages_unchanged') or 0} unchanged); "
            f"{plural(run.get('documents') or 0, 'document')} and {plural(run.get('statements') or 0, 'statement')} "
            f"extracted; {plural(run.get('errors') or 0, 'error')}")


def archive_sentence(summary: dict) -> str:
    totals = summary["archive"]
    return (f"archive: {plural(totals['pages'], 'page')}, {plural(totals['documents'], 'document')}, "
            f"{plural(totals['statements'], 'statement')}, {plural(totals['crawl_errors'], 'error')} recorded in all")


def dates_sentence(summary: dict) -> str | None:
    """The dates of this run's documents, or None when it made none."""
    first, last = summary["date_range"]
    undated = summary.get("undated_documents") or 0
    if first is None:
        return f"{plural(undated, 'document')} without a date" if undated else None
    span = f"this run's documents are dated {first} … {last}" if first != last else f"this run's documents are dated {first}"
    return span + (f"; {plural(undated, 'document')} without a date" if undated else "")


def near_duplicates_sentence(summary: dict) -> str | None:
    """Why v_statements shows fewer statements than the run extracted."""
    hidden = summary.get("statements_in_near_duplicates") or 0
    if not hidden:
        return None
    return (f"{plural(hidden, 'statement')} of near-duplicate documents (syndicated copies) "
            f"{'is' if hidden == 1 else 'are'} kept in `statements` but left out of v_statements")


def source_rows(summary: dict) -> list[tuple]:
    return [(source, outcome, fetched, documents, statements, errors, reason or "")
            for source, outcome, fetched, documents, statements, errors, reason in summary["per_source"]]


def failed_sources(summary: dict) -> list[str]:
    return [row[0] for row in summary["per_source"] if row[1] == "failed"]
