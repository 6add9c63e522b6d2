"""The report a run publishes in the Prefect UI: a Markdown artifact with counts per source, a
bar chart of what was added, a sample of new statements and the errors."""
from __future__ import annotations

from pathlib import Path

from prefect import task
from prefect.artifacts import create_markdown_artifact

from flows.steps import run_logger
from podium import summary as summary_text
from podium.settings import settings

BAR_WIDTH = 30


def _bars(rows: list[tuple[str, int]]) -> list[str]:
    top = max((n for _, n in rows), default=0) or 1
    return [f"{name:<24} {'█' * max(1, round(n / top * BAR_WIDTH)) if n else ''} {n}" for name, n in rows]


def _clip(text: str | None, width: int = 160) -> str:
    """A Markdown table cell's text: the summary's excerpt, its pipes escaped."""
    return summary_text.excerpt(text, width).replace("|", "\\|")


def run_markdown(summary: dict) -> str:
    lines = [f"# {summary_text.headline(summary)}", "", summary_text.counts_sentence(summary) + ".", ""]
    lines += [f"{sentence}." for sentence in (summary_text.dates_sentence(summary),
                                             summary_text.near_duplicates_sentence(summary)) if sentence]
    rows = summary_text.source_rows(summary)
    lines += ["", "## Sources", "", "| " + " | ".join(summary_text.SOURCE_COLUMNS) + " |",
              "|---|---|---:|---:|---:|---:|---|"]
    lines += [f"| {source} | {'**' + outcome + '**' if outcome != 'ok' else outcome} | {fetched} | {documents} "
              f"| {statements} | {errors} | {_clip(why, 200)} |"
              for source, outcome, fetched, documents, statements, errors, why in rows] or ["| (no source crawled) |"]
    lines += ["", "## Statements added, per source", "", "```",
              *_bars([(row[0], row[4]) for row in rows]), "```", "", "## A sample of new statements", ""]
    lines += [f"- **{date}**, {speaker} ({source}): {_clip(text)}"
              + (f"  \n  _Q: {_clip(question, 120)}_" if question else "")
              for date, speaker, source, question, text in summary["sample"]] or ["(none)"]
    press = summary_text.press_pairs(summary)
    if press:
        lines += ["", "## How the press reported it", "", summary_text.press_sentence(summary) + ".", "",
                  "| answer | → reported by |", "|---|---|"]
        lines += [f"| {_clip(answer)} | {_clip(reported)} |" for answer, reported in press]
    lines += ["", f"## Errors ({len(summary['errors'])})", ""]
    lines += [f"- {stage}: {url or '(run)'}: {_clip(error, 200)}"
              for stage, url, error, _ in summary["errors"][:50]] or ["(none)"]
    return "\n".join(lines)


@task(name="publish-report")
def publish_report(summary: dict, archive: Path | None = None) -> str:
    """The run's Markdown artifact; with the archive, also the report chart (podium report) of the
    archive after this run, shown in the artifact and written to data/reports/<run id>/."""
    markdown = run_markdown(summary)
    if archive is not None:
        # Imported here: matplotlib costs a run ~60 MB, which need not be held while it crawls.
        from podium.report import report_for_run, report_markdown

        try:
            markdown += "\n\n" + report_markdown(report_for_run(archive, settings().data_dir, summary))
        except Exception as error:  # noqa: BLE001 - a chart that cannot be drawn must not fail the run
            run_logger().warning("no report chart for this run: %s", error)
    key = f"{summary['run'].get('flow', 'run')}-report".replace("_", "-").lower()
    return str(create_markdown_artifact(markdown, key=key, description=f"run {summary['run'].get('run_id')}"))
