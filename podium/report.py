"""`podium report`: a picture of the archive (a PNG with three panels) and an HTML page around it.

Panels: statements per source per week (stacked bars), the 15 speakers with most statements, the
15 countries mentioned in most statements. The HTML page shows the PNG (a relative link, so the
folder can be moved or published as a whole) and the numbers behind it as tables. The queries are
in storage/reports.py; this module only draws and writes.

The weekly panel's time axis is the given period; an end the period leaves open follows the data,
except for stragglers: a group of weeks more than half a year from the rest, at an open end, is
left off the axis while all such groups together hold under 5% of the dated statements (GOV.UK
speeches of 2012-2016 beside briefings of 2018-2020 otherwise squeeze the bulk into a sliver).
They still count everywhere else, and a note under the chart and on the page says how many and when.
A group of weeks never leaves the middle of the axis, and a run of weeks without long gaps never
loses its ends: an archive that grows night by night is drawn whole.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers or in flow runs; must precede pyplot's import

import matplotlib.dates as mdates  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from podium.summary import excerpt  # noqa: E402
from storage.db import open_reader  # noqa: E402
from storage.reports import Period, ReportData, report_data  # noqa: E402

log = logging.getLogger(__name__)

PNG_NAME = "report.png"
HTML_NAME = "index.html"
FIGURE_SIZE = (14, 11)  # inches; at DPI this is 1400 × 1100 pixels
DPI = 100
MIN_BARS_ACROSS = 300  # a bar is at least 1/300 of the time axis wide
STRAY_GAP = dt.timedelta(weeks=26)  # weeks further than this from the others form a group of their own
STRAY_SHARE = 0.05  # stragglers left off the time axis hold together less than this share of dated statements
MAX_LABEL = 34
NO_GLYPHS = "(no font for this name: see table)"  # characters of a speaker's name on the bar chart;
                                                  # the HTML table has the full name
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


Weeks = list[tuple[dt.date, int]]  # (week, statements), in date order


@dataclass(frozen=True)
class TimeAxis:
    """The weekly panel's x axis, and what is left off it before and after it:
    (first week, last week, statements) for each side that has any."""
    start: dt.date
    end: dt.date
    bar_days: float
    left_off: tuple[tuple[dt.date, dt.date, int], ...] = ()

    def shows(self, week: dt.date) -> bool:
        return self.start <= week < self.end


def week_groups(totals: Weeks) -> list[Weeks]:
    """Weeks split wherever no statement falls for over STRAY_GAP."""
    groups: list[Weeks] = []
    for week, n in totals:
        if groups and week - groups[-1][-1][0] <= STRAY_GAP:
            groups[-1].append((week, n))
        else:
            groups.append([(week, n)])
    return groups


def group_size(group: Weeks) -> int:
    return sum(n for _, n in group)


def stragglers(groups: list[Weeks], period: Period) -> list[Weeks]:
    """Take from `groups` the small groups at the period's open ends (see the module's docstring)."""
    budget = STRAY_SHARE * sum(map(group_size, groups))
    taken: list[Weeks] = []
    while len(groups) > 1:
        ends = [i for i, open_end in ((0, not period.since), (-1, not period.until)) if open_end]
        smallest = min(ends, key=lambda i: group_size(groups[i]), default=None)
        if smallest is None or group_size(groups[smallest]) + sum(map(group_size, taken)) >= budget:
            break
        taken.append(groups.pop(smallest))
    return sorted(taken)


def summed(groups: list[Weeks]) -> tuple[dt.date, dt.date, int]:
    """(first week, last week, statements) of groups that follow each other."""
    return groups[0][0][0], groups[-1][-1][0], sum(map(group_size, groups))


def time_axis(weekly: list[tuple], period: Period) -> TimeAxis | None:
    """Where the weekly panel's axis starts and ends; None when no statement is dated."""
    totals: Counter = Counter()
    for week, _, n in weekly:
        totals[week] += n
    if not totals:
        return None
    groups = week_groups(sorted(totals.items()))
    left_off = stragglers(groups, period)
    first, last = groups[0][0][0], groups[-1][-1][0]
    # Six days a bar, widened over long spans so that a lone week stays visible.
    width = max(6.0, ((period.until or last) - min(period.since or first, first)).days / MIN_BARS_ACROSS)
    margin = dt.timedelta(days=width * 3)  # an end the data sets is not drawn against the frame
    start = min(period.since, first) if period.since else first - margin  # a week may begin before `since`
    end = last + dt.timedelta(days=width)
    end = max(end, period.until + dt.timedelta(days=1)) if period.until else end + margin
    before, after = [g for g in left_off if g[0][0] < first], [g for g in left_off if g[0][0] > last]
    return TimeAxis(start, end, width, tuple(summed(side) for side in (before, after) if side))


def left_off_note(axis: TimeAxis | None) -> str | None:
    """What the axis leaves out, at most one phrase for each end."""
    if not axis or not axis.left_off:
        return None
    parts = [f"{n} statement{'s' if n != 1 else ''} in the week{'' if first == last else 's'} of "
             f"{first}{'' if first == last else f' … {last}'}" for first, last, n in axis.left_off]
    return f"Not on the time axis, far from the rest (counted in the totals and tables): {' and '.join(parts)}."


def draw_weekly(ax, weekly: list[tuple], axis: TimeAxis | None) -> None:
    """Stacked bars: one bar per week, one colour per source, over `axis` (time_axis)."""
    ax.set_title("Statements per source per week")
    if axis is None:
        ax.text(0.5, 0.5, "no dated statements", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])  # an empty date axis would show 1970
        ax.set_yticks([])
        return
    weekly = [row for row in weekly if axis.shows(row[0])]
    sources = sorted({source for _, source, _ in weekly})
    weeks = sorted({week for week, _, _ in weekly})
    counts = {(week, source): n for week, source, n in weekly}
    bottom = [0] * len(weeks)
    for source in sources:
        heights = [counts.get((week, source), 0) for week in weeks]
        ax.bar(weeks, heights, width=axis.bar_days, bottom=bottom, label=source, align="edge")
        bottom = [b + h for b, h in zip(bottom, heights)]
    ax.set_ylabel("statements")
    ax.set_xlabel("week (Monday)")
    ax.set_xlim(axis.start, axis.end)
    locator = mdates.AutoDateLocator(maxticks=14)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.legend(title="source", fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    ax.set_ylim(0, max(bottom, default=0) * 1.08 + 1)


def draw_ranking(ax, title: str, labels: list[str], values: list[int], color: str, covered: set[int]) -> None:
    """Horizontal bars, largest on top, each labelled with its count, titled "Top <n> <title>";
    `covered` is what the fonts can draw (covered_characters)."""
    labels, values = labels[::-1], values[::-1]
    shown = [chart_label(label, covered) for label in labels]
    # barh groups equal labels into one bar; positions keep every row apart.
    bars = ax.barh(range(len(values)), values, color=color, tick_label=shown)
    ax.bar_label(bars, padding=3, fontsize="small")
    ax.set_title(f"Top {len(values)} {title}" if values else title.capitalize())
    ax.set_xlabel("statements")
    ax.margins(x=0.12)  # room for the count labels at the bars' ends
    ax.tick_params(axis="y", labelsize="small")
    if not values:
        ax.text(0.5, 0.5, "none", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])


def empty_text(period: Period) -> str:
    return "No statements in the archive" + ("" if not (period.since or period.until) else f" dated {period.words}")


def draw_figure(data: ReportData) -> Figure:
    # Figure (not pyplot) so nothing global is kept between reports in a long-running worker.
    figure = Figure(figsize=FIGURE_SIZE, dpi=DPI, layout="constrained")
    figure.suptitle(f"podium archive: {data.totals.get('statements', 0)} statements, {data.period.words}",
                    fontsize="x-large")
    if not data.totals.get("statements"):  # empty panels would say "Top 0" over axes of 1970
        figure.text(0.5, 0.5, empty_text(data.period), ha="center", va="center", fontsize="xx-large")
        return figure
    grid = figure.add_gridspec(2, 2, height_ratios=(1, 1.25))
    covered = covered_characters(font_families())  # once per report: reading the fonts' charmaps is slow
    weekly = figure.add_subplot(grid[0, :])
    axis = time_axis(data.weekly, data.period)
    draw_weekly(weekly, data.weekly, axis)
    if note := left_off_note(axis):
        weekly.annotate(note, xy=(0, -0.16), xycoords="axes fraction", va="top", fontsize="small", style="italic")
    draw_ranking(figure.add_subplot(grid[1, 0]), "speakers",
                 [name for name, _ in data.speakers], [n for _, n in data.speakers], "tab:blue", covered)
    draw_ranking(figure.add_subplot(grid[1, 1]), "countries mentioned",
                 [name for name, _, _ in data.countries], [n for _, _, n in data.countries], "tab:orange", covered)
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


def html_body(data: ReportData, png_name: str, generated: dt.datetime) -> list[str]:
    if not data.totals.get("statements"):
        return [f'<p id="empty">{html.escape(empty_text(data.period))}.</p>',
                f"<p>Generated {generated:%Y-%m-%d %H:%M} UTC.</p>"]
    t, note = data.totals, left_off_note(time_axis(data.weekly, data.period))
    return [
        f"<p>{html.escape(data.period.words)}: <strong id=\"total\">{t['statements']}</strong> statements in "
        f"{t.get('documents', 0)} documents from {t.get('sources', 0)} sources, {t.get('speakers', 0)} speakers. "
        f"Generated {generated:%Y-%m-%d %H:%M} UTC.</p>",
        f'<img src="{html.escape(png_name)}" alt="statements per source per week, top speakers, '
        f'most mentioned countries">',
        *([f'<p id="left-off"><em>{html.escape(note)}</em></p>'] if note else []),
        _table("sources", "Statements per source", ("source", "name", "documents", "first", "last", "statements"),
               [(s, name, docs, first, last, n) for s, name, docs, n, first, last in data.sources]),
        _table("speakers", "Top speakers", ("speaker", "statements"), data.speakers),
        _table("countries", "Countries mentioned", ("country", "code", "statements"), data.countries),
        _table("reported", "Most reported answers", ("date", "speaker", "answer", "outlets", "reports"),
               [(day, speaker, excerpt(answer, 160), outlets, n)
                for day, speaker, answer, n, outlets in data.reported]),
    ]


def html_page(data: ReportData, png_name: str, generated: dt.datetime) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        "<title>podium report</title>", f"<style>{STYLE}</style></head><body>",
        "<h1>podium report</h1>", *html_body(data, png_name, generated), "</body></html>", ""])


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
    """A Markdown section for a run's artifact that needs nothing else: the chart inline (a data URI),
    its numbers in a sentence, and the report page's path as text to copy. A file:// link would not
    do: the Prefect UI is a web page, and browsers do not open local files from one."""
    data, t = files.data, files.data.totals
    encoded = base64.b64encode(files.png.read_bytes()).decode("ascii")
    lines = ["## The archive after this run", "",
             f"{t.get('statements', 0)} statements in {t.get('documents', 0)} documents from "
             f"{t.get('sources', 0)} sources, {t.get('speakers', 0)} speakers ({data.period.words}).", "",
             f"![statements per source per week, top speakers, countries](data:image/png;base64,{encoded})", ""]
    if note := left_off_note(time_axis(data.weekly, data.period)):
        lines += [f"_{note}_", ""]
    lines += [f"The tables behind the chart are in the report page on the machine that ran this flow: "
              f"`{files.html.resolve()}` (open it there in a browser; `podium report` draws it again)."]
    return "\n".join(lines)
