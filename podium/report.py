"""`podium report`: a picture of the archive (a PNG with three panels) and an HTML page around it.

Panels: statements per source per week (stacked bars), the 15 speakers with most statements, the
15 countries mentioned in most statements. The HTML page shows the PNG (a relative link, so the
folder can be moved or published as a whole) and the numbers behind it as tables. The queries are
in storage/reports.py; this module only draws and writes.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import logging
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers or in flow runs; must precede pyplot's import

import matplotlib.dates as mdates  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from storage.db import open_reader  # noqa: E402
from storage.reports import Period, ReportData, report_data  # noqa: E402

log = logging.getLogger(__name__)

PNG_NAME = "report.png"
HTML_NAME = "index.html"
FIGURE_SIZE = (14, 11)  # inches; at DPI this is 1400 × 1100 pixels
DPI = 100
MIN_BARS_ACROSS = 300  # a bar is at least 1/300 of the time axis wide
MAX_LABEL = 34
NO_GLYPHS = "(no font for this name: see table)"  # characters of a speaker's name on the bar chart; the HTML table has the full name
# Fonts with CJK glyphs, used as fallbacks when installed: speakers of the Chinese columns may be
# named in Chinese. Without one, such labels show empty boxes in the PNG (the HTML has the text).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Source Han Sans SC", "AR PL UMing CN")


@dataclass(frozen=True)
class ReportFiles:
    png: Path
    html: Path
    data: ReportData


def font_families() -> list[str]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *[name for name in CJK_FONTS if name in installed]]


def covered_characters(families: list[str]) -> set[int]:
    """The code points the given font families can draw together."""
    covered: set[int] = set()
    for family in families:
        path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        covered |= set(font_manager.get_font(path).get_charmap())
    return covered


def chart_label(label: str, covered: set[int], width: int = MAX_LABEL) -> str:
    """A label the PNG can show: clipped to `width`, and replaced by a pointer to the HTML table
    when the installed fonts lack its script (empty boxes would say nothing)."""
    if any(ord(char) not in covered for char in label if not char.isspace()):
        return NO_GLYPHS
    return label if len(label) <= width else label[: width - 1] + "…"


def _period_text(period: Period) -> str:
    if not (period.since or period.until):
        return "the whole archive"
    return f"{period.since or '…'} to {period.until or '…'}"


def _bar_width(weeks: list[dt.date]) -> float:
    """A week's bar in days: six, widened over long spans so that a lone week stays visible."""
    span = (weeks[-1] - weeks[0]).days if weeks else 0
    return max(6.0, span / MIN_BARS_ACROSS)


def draw_weekly(ax, weekly: list[tuple]) -> None:
    """Stacked bars: one bar per week, one colour per source."""
    sources = sorted({source for _, source, _ in weekly})
    weeks = sorted({week for week, _, _ in weekly})
    counts = {(week, source): n for week, source, n in weekly}
    bottom = [0] * len(weeks)
    width = _bar_width(weeks)
    for source in sources:
        heights = [counts.get((week, source), 0) for week in weeks]
        ax.bar(weeks, heights, width=width, bottom=bottom, label=source, align="edge")
        bottom = [b + h for b, h in zip(bottom, heights)]
    ax.set_title("Statements per source per week")
    ax.set_ylabel("statements")
    ax.set_xlabel("week (Monday)")
    locator = mdates.AutoDateLocator(maxticks=14)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    if sources:
        ax.legend(title="source", fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    else:
        ax.text(0.5, 0.5, "no dated statements", ha="center", va="center", transform=ax.transAxes)
    ax.grid(axis="y", alpha=0.3)
    ax.set_ylim(0, max(bottom, default=0) * 1.08 + 1)


def draw_ranking(ax, title: str, labels: list[str], values: list[int], color: str, covered: set[int]) -> None:
    """Horizontal bars, largest on top, each labelled with its count; `covered` is what the fonts
    can draw (covered_characters)."""
    labels, values = labels[::-1], values[::-1]
    shown = [chart_label(label, covered) for label in labels]
    # barh groups equal labels into one bar; positions keep every row apart.
    bars = ax.barh(range(len(values)), values, color=color, tick_label=shown)
    ax.bar_label(bars, padding=3, fontsize="small")
    ax.set_title(title)
    ax.set_xlabel("statements")
    ax.margins(x=0.12)  # room for the count labels at the bars' ends
    ax.tick_params(axis="y", labelsize="small")
    if not values:
        ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)


def draw_figure(data: ReportData) -> Figure:
    # Figure (not pyplot) so nothing global is kept between reports in a long-running worker.
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI, layout="constrained")
    grid = figure.add_gridspec(2, 2, height_ratios=(1, 1.25))
    covered = covered_characters(font_families())  # once per report: reading the fonts' charmaps is slow
    draw_weekly(figure.add_subplot(grid[0, :]), data.weekly)
    draw_ranking(figure.add_subplot(grid[1, 0]), f"Top {len(data.speakers)} speakers",
                 [name for name, _ in data.speakers], [n for _, n in data.speakers], "tab:blue", covered)
    draw_ranking(figure.add_subplot(grid[1, 1]), f"Top {len(data.countries)} countries mentioned",
                 [name for name, _, _ in data.countries], [n for _, _, n in data.countries], "tab:orange", covered)
    figure.suptitle(f"podium archive: {data.totals.get('statements', 0)} statements, "
                    f"{_period_text(data.period)}", fontsize="x-large")
    return figure


def write_png(data: ReportData, path: Path) -> Path:
    with matplotlib.rc_context({"font.family": font_families()}):
        draw_figure(data).savefig(path, format="png")
    return path


def _table(table_id: str, caption: str, header: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in rows)
    return (f'<table id="{table_id}">\n<caption>{html.escape(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")


STYLE = ("body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:1em 2em 1em 0;display:inline-table;vertical-align:top}"
         "td,th{border:1px solid #ccc;padding:.2em .6em}td:last-child{text-align:right}"
         "caption{font-weight:bold;text-align:left}img{max-width:100%}")


def html_page(data: ReportData, png_name: str, generated: dt.datetime) -> str:
    t = data.totals
    tables = [
        _table("sources", "Statements per source", ("source", "name", "documents", "first", "last", "statements"),
               [(s, name, docs, first, last, n) for s, name, docs, n, first, last in data.sources]),
        _table("speakers", "Top speakers", ("speaker", "statements"), data.speakers),
        _table("countries", "Countries mentioned", ("country", "code", "statements"), data.countries),
    ]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>podium report</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>podium report</h1>",
        f"<p>{html.escape(_period_text(data.period))}: <strong id=\"total\">{t.get('statements', 0)}</strong> "
        f"statements in {t.get('documents', 0)} documents from {t.get('sources', 0)} sources, "
        f"{t.get('speakers', 0)} speakers. Generated {generated:%Y-%m-%d %H:%M} UTC.</p>",
        f'<img src="{html.escape(png_name)}" alt="statements per source per week, top speakers, '
        f'most mentioned countries">',
        *tables, "</body></html>", ""])


def write_report(archive: Path, output: Path, since: dt.date | None = None,
                 until: dt.date | None = None) -> ReportFiles:
    """Query the archive (read-only) and write report.png and index.html into the folder `output`."""
    period = Period(since, until)
    with open_reader(archive) as con:
        data = report_data(con, period)
    output.mkdir(parents=True, exist_ok=True)
    png = write_png(data, output / PNG_NAME)
    page = output / HTML_NAME
    page.write_text(html_page(data, PNG_NAME, dt.datetime.now(dt.timezone.utc)), encoding="utf-8")
    log.info("report of %s statements written to %s", data.totals.get("statements"), page)
    return ReportFiles(png, page, data)


def default_report_dir(data_dir: Path) -> Path:
    """`podium report`'s folder when none is given: data/reports/<UTC timestamp>."""
    return data_dir / "reports" / dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


# For the flows: one report per run, in data/reports/<run_id>/, and Markdown for the run's artifact.

def report_dir(data_dir: Path, summary: dict) -> Path:
    return data_dir / "reports" / str(summary["run"].get("run_id") or "run")


def report_for_run(archive: Path, data_dir: Path, summary: dict) -> ReportFiles:
    return write_report(archive, report_dir(data_dir, summary))


def report_markdown(files: ReportFiles) -> str:
    """A Markdown section for a run's artifact: the chart (inline, as a data URI, because the
    Prefect UI cannot load local files) and where the full page is."""
    encoded = base64.b64encode(files.png.read_bytes()).decode("ascii")
    lines = ["## Archive report", "",
             f"![statements per source per week, top speakers, countries](data:image/png;base64,{encoded})", ""]
    lines += [f"Full report: [{files.html}]({files.html.resolve().as_uri()}) (chart: `{files.png}`)"]
    return "\n".join(lines)
