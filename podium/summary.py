"""What a run did, in words: the same sentences on the terminal (`podium nightly`) and in the
run's report artifact in the Prefect UI. `summary` is what storage.runs.run_summary returns.
Also `podium search`'s hits as a table."""
from __future__ import annotations

from rich.console import Console

from podium.output import OutputFormat, plural, write_rows

TOP_SPEAKERS = 12
PRESS_PAIRS = 5  # "answer → reported by" pairs shown
EXCERPT = 90
SOURCE_COLUMNS = ("source", "outcome", "pages fetched", "documents", "statements", "errors", "why")


def headline(summary: dict) -> str:
    run = summary["run"]
    status = "FAILED" if run.get("status") == "failed" else run.get("status")
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
    span = (f"this run's documents are dated {first} … {last}" if first != last
            else f"this run's documents are dated {first}")
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


def excerpt(text: str | None, width: int = EXCERPT) -> str:
    words = " ".join((text or "").split())
    return words if len(words) <= width else words[:width - 1].rstrip() + "…"


def press_sentence(summary: dict) -> str | None:
    count = (summary.get("press_link_count") or [(0,)])[0][0]
    if not count:
        return None
    return (f"how the press reported it: {plural(count, 'link')} between news quotes and the briefing "
            f"answers they report; all of them: SELECT * FROM v_press_coverage")


def press_pairs(summary: dict) -> list[tuple]:
    """(answer, reported by) rows: the answer's day, speaker and words; the outlet and its quote."""
    pairs, shown = [], set()
    for day, speaker, answer, outlet, quote, method, score in summary.get("press_links") or []:
        if answer not in shown and quote not in shown and len(pairs) < PRESS_PAIRS:
            shown |= {answer, quote}  # each answer and each quote once
            pairs.append((f"{day} {speaker}: {excerpt(answer)}", f"{outlet} ({method}, {score:.2f}): {excerpt(quote)}"))
    return pairs


def print_press(console: Console, summary: dict) -> None:
    sentence = press_sentence(summary)
    if sentence:
        console.print(sentence, highlight=False, soft_wrap=True)
        write_rows(["answer", "→ reported by"], press_pairs(summary), OutputFormat.table, console)


def print_run(console: Console, summary: dict) -> None:
    """The summary of a run on the terminal: headline, sentences, tables of sources, speakers, errors."""
    failed = summary["run"].get("status") == "failed"
    console.rule(("[bold red]" if failed else "[bold]") + headline(summary))
    for sentence in (counts_sentence(summary), archive_sentence(summary),
                     dates_sentence(summary), near_duplicates_sentence(summary)):
        if sentence:
            console.print(sentence, highlight=False, soft_wrap=True)
    rows = source_rows(summary)
    if rows:  # why, under the table: a column of sentences would wrap in a terminal
        write_rows(list(SOURCE_COLUMNS[:-1]), [row[:-1] for row in rows], OutputFormat.table, console)
    for source, outcome, *_, why in rows:
        if why:
            console.print(f"{source} {outcome}: {why}", highlight=False, soft_wrap=True)
    speakers = summary["statements_per_speaker"]
    if speakers:
        write_rows(["speaker", "statements this run"], speakers[:TOP_SPEAKERS], OutputFormat.table, console)
    if len(speakers) > TOP_SPEAKERS:
        console.print(f"… and {plural(len(speakers) - TOP_SPEAKERS, 'more speaker')}")
    print_press(console, summary)
    if summary["errors"]:
        write_rows(["stage", "url", "error", "http status"], summary["errors"][:20], OutputFormat.table, console)
        if len(summary["errors"]) > 20:
            console.print(f"… and {len(summary['errors']) - 20} more: SELECT * FROM crawl_errors WHERE run_id = "
                          f"'{summary['run'].get('run_id')}'", highlight=False, soft_wrap=True)


def print_hits(console: Console, hits: list, output: OutputFormat) -> None:
    """Search hits: a table with each hit's match, the question it answered and its press coverage."""
    from rich.table import Table
    from rich.text import Text

    if output is not OutputFormat.table:
        write_rows(list(hits[0]._fields) if hits else [], [tuple(hit) for hit in hits], output, console)
        return
    table = Table("date", "speaker", "source", "statement («match»), and the question it answered", show_lines=True)
    for hit in hits:
        match = Text(hit.snippet)
        if hit.question and not hit.snippet.startswith("Q: "):
            question = " ".join(hit.question.split())
            match.append(f"\nQ: {question[:300]}{'…' if len(question) > 300 else ''}", style="dim")
        if hit.reports:
            match.append(f"\nquoted in {plural(hit.reports, 'news report')}", style="italic")
        table.add_row(str(hit.date or ""), hit.speaker or "", hit.source_id, match)
    console.print(table)
    console.print(plural(len(hits), "hit"))
