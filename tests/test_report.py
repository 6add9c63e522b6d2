"""`podium report`: a PNG with three panels and an HTML page whose tables hold the archive's counts."""
from __future__ import annotations

import datetime as dt
import shutil
import struct
from collections import Counter

import matplotlib.dates as mdates
import pytest
from lxml import html as lxml_html
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from typer.testing import CliRunner

from podium.cli import app
from podium.report import (NO_GLYPHS, PNG_NAME, chart_label, draw_figure, report_dir, report_markdown, time_axis,
                           write_report)
from storage.db import ArchiveError, open_archive, publish, published_path
from storage.query import run_query
from storage.reports import Period

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TOP = 15  # the report's speaker and country tables list at most 15 rows (podium/report.py docstring)
YEAR_2019 = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))


def png_size(path) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has right after its signature."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


def statement_count(archive) -> int:
    return run_query(archive, "SELECT count(*) FROM v_statements").rows[0][0]


def in_period(day: dt.date | None, period: tuple[dt.date, dt.date] | None) -> bool:
    """Whether a statement dated `day` counts in a report over `period` (since, until): with no
    period every statement does, with one only a dated statement inside it (storage/reports.py)."""
    return period is None or (day is not None and period[0] <= day <= period[1])


def ranked(counts: Counter) -> list[tuple]:
    """The TOP largest counts as (*key, count), most first; ties in alphabetical order."""
    keys = sorted(counts, key=lambda key: (-counts[key], key))[:TOP]
    return [(*key, counts[key]) for key in keys]


def expected_speakers(archive, period=None) -> list[tuple[str, int]]:
    """The named speakers with most statements in `period`, counted here from the plain rows."""
    rows = run_query(archive, "SELECT speaker, date FROM v_statements").rows
    return ranked(Counter((speaker,) for speaker, day in rows if speaker is not None and in_period(day, period)))


def expected_countries(archive, period=None) -> list[tuple[str, str, int]]:
    """The countries mentioned in the words of most statements in `period` (a statement naming one
    twice counts once; its question does not count), counted here from the plain mention rows."""
    rows = run_query(archive, "SELECT m.kind, e.name, e.code, m.statement_id, s.date"
                              " FROM statement_mentions m JOIN entities e USING (entity_id)"
                              " JOIN v_statements s USING (statement_id) WHERE m.found_in = 'text'").rows
    mentions = {(entity, code, statement) for kind, entity, code, statement, day in rows
                if kind == "country" and in_period(day, period)}
    return ranked(Counter((entity, code) for entity, code, _ in mentions))


def drawn_texts(figure) -> list[str]:
    """Every text the figure shows once drawn: titles, tick labels, notes."""
    FigureCanvasAgg(figure).draw()
    return [text.get_text() for text in figure.findobj(Text) if text.get_visible() and text.get_text()]


def axis_years(ax) -> tuple[int, int]:
    low, high = ax.get_xlim()
    return mdates.num2date(low).year, mdates.num2date(high).year


def table_rows(page, table_id: str) -> list[list[str]]:
    return [[cell.text_content() for cell in row.xpath("td")]
            for row in page.xpath(f'//table[@id="{table_id}"]/tbody/tr')]


@pytest.fixture(scope="module")
def report(nightly_archive, tmp_path_factory):
    archive, _ = nightly_archive
    return archive, write_report(archive, tmp_path_factory.mktemp("report"))


def test_the_png_is_a_valid_image_of_sensible_size(report):
    _, files = report
    width, height = png_size(files.png)
    assert 1000 <= width <= 3000 and 800 <= height <= 3000
    assert 20_000 < files.png.stat().st_size < 2_000_000


def test_the_figure_has_three_titled_panels(report):
    archive, files = report
    titles = [ax.get_title() for ax in draw_figure(files.data).axes]
    named = {speaker for speaker, in run_query(archive, "SELECT speaker FROM v_statements").rows if speaker}
    assert titles[0] == "Statements per source per week"
    assert titles[1] == f"Top {min(TOP, len(named))} speakers" and named
    assert titles[2] == "Top 15 countries mentioned"
    assert len(titles) == 3


def test_the_weekly_panel_adds_up_to_the_dated_statements(report):
    archive, files = report
    figure = draw_figure(files.data)
    heights = sum(patch.get_height() for patch in figure.axes[0].patches)
    assert heights == run_query(archive, "SELECT count(date) FROM v_statements").rows[0][0] > 0


def test_the_html_shows_the_png(report):
    _, files = report
    page = lxml_html.fromstring(files.html.read_text(encoding="utf-8"))
    assert page.xpath("//img/@src") == [PNG_NAME]
    assert (files.html.parent / PNG_NAME).exists()


def test_html_tables_match_sql_counts(report):
    archive, files = report
    page = lxml_html.fromstring(files.html.read_text(encoding="utf-8"))
    speakers, countries = expected_speakers(archive), [(name, n) for name, _, n in expected_countries(archive)]
    assert speakers and countries
    assert [(name, int(n)) for name, n in table_rows(page, "speakers")] == speakers
    assert [(row[0], int(row[2])) for row in table_rows(page, "countries")] == countries
    assert table_rows(page, "sources")[0][0] == "fmprc_en"
    assert int(table_rows(page, "sources")[0][-1]) == statement_count(archive)
    assert int(page.get_element_by_id("total").text) == statement_count(archive)


def test_a_period_limits_every_panel(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    files = write_report(archive, tmp_path, since=YEAR_2019[0], until=YEAR_2019[1])
    dates = [day for day, in run_query(archive, "SELECT date FROM v_statements").rows]
    expected = sum(in_period(day, YEAR_2019) for day in dates)
    assert files.data.totals["statements"] == expected > 0
    assert {week.year for week, _, _ in files.data.weekly} <= {2018, 2019}  # a week may start in Dec 2018
    assert sum(n for _, _, n in files.data.weekly) == expected
    speakers, countries = expected_speakers(archive, YEAR_2019), expected_countries(archive, YEAR_2019)
    assert speakers and countries
    assert files.data.speakers == speakers and files.data.countries == countries
    whole = write_report(archive, tmp_path / "whole").data
    assert speakers != whole.speakers and countries != whole.countries  # the range made a difference
    page = lxml_html.fromstring(files.html.read_text(encoding="utf-8"))
    assert [(name, int(n)) for name, n in table_rows(page, "speakers")] == speakers
    assert [(name, code, int(n)) for name, code, n in table_rows(page, "countries")] == countries


def test_a_name_the_fonts_cannot_draw_points_to_the_table():
    covered = {ord(c) for c in "abcdefghijklmnopqrstuvwxyz GSH"}
    assert chart_label("Geng Shuang", covered) == "Geng Shuang"
    assert chart_label("外交部发言人", covered) == NO_GLYPHS


def test_a_run_report_goes_in_its_own_folder_and_in_the_markdown(report, tmp_path):
    _, files = report
    summary = {"run": {"run_id": "nightly-20200101T000000-abcdef"}}
    assert report_dir(tmp_path, summary) == tmp_path / "reports" / "nightly-20200101T000000-abcdef"
    markdown = report_markdown(files)
    assert "data:image/png;base64,iVBORw0KGgo" in markdown  # the PNG signature, base64-encoded
    # The Prefect UI cannot open a file:// link: the page's path is given as text to copy.
    assert "file://" not in markdown and f"`{files.html.resolve()}`" in markdown
    assert f"{files.data.totals['statements']} statements" in markdown


def test_the_command_writes_both_files(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    result = CliRunner().invoke(app, ["report", "--archive", str(archive), "--output", str(tmp_path),
                                      "--since", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "index.html").exists() and png_size(tmp_path / PNG_NAME)[0] > 0
    dates = [day for day, in run_query(archive, "SELECT date FROM v_statements").rows]
    expected = sum(day is not None and day >= dt.date(2020, 1, 1) for day in dates)
    assert expected > 0 and f"report of {expected} statements" in result.output


def test_the_title_says_the_period_in_words(nightly_archive, tmp_path):
    day, end = YEAR_2019
    assert [Period(day).words, Period(until=end).words, Period(day, end).words, Period().words] == [
        "since 2019-01-01", "until 2019-12-31", "2019-01-01 to 2019-12-31", "the whole archive"]
    files = write_report(nightly_archive[0], tmp_path, since=day)
    assert draw_figure(files.data).get_suptitle().endswith("statements, since 2019-01-01")
    assert "since 2019-01-01: " in files.html.read_text(encoding="utf-8")


def test_since_after_until_is_refused(nightly_archive, tmp_path):
    with pytest.raises(ArchiveError, match="since 2020-01-01 is after until 2019-12-31") as error:
        write_report(nightly_archive[0], tmp_path / "report", since=dt.date(2020, 1, 1), until=YEAR_2019[1])
    assert isinstance(error.value, ValueError) and not (tmp_path / "report").exists()


def test_an_empty_report_says_so(nightly_archive, tmp_path):
    """No statement of the fmprc_en recordings (2018-2020) is dated in 1990."""
    files = write_report(nightly_archive[0], tmp_path, since=dt.date(1990, 1, 1), until=dt.date(1990, 12, 31))
    assert files.data.totals["statements"] == 0
    texts = drawn_texts(draw_figure(files.data))
    assert "No statements in the archive dated 1990-01-01 to 1990-12-31" in texts
    assert not [text for text in texts if "1970" in text or text.startswith("Top 0")]
    page = lxml_html.fromstring(files.html.read_text(encoding="utf-8"))
    assert page.get_element_by_id("empty").text_content() == (
        "No statements in the archive dated 1990-01-01 to 1990-12-31.")
    assert not page.xpath("//table")


@pytest.fixture
def stragglers(nightly_archive, tmp_path):
    """A copy of the fmprc_en archive (2018-2020) in which two statements are dated 2012-05-22
    (a Tuesday: its week starts on 2012-05-21), as GOV.UK speeches of 2012 sit in the demo archive."""
    archive = tmp_path / "stragglers.duckdb"
    shutil.copyfile(published_path(nightly_archive[0]), archive)
    with open_archive(archive) as con:
        ids = [row[0] for row in con.execute(
            "SELECT statement_id FROM v_statements WHERE date IS NOT NULL ORDER BY statement_id LIMIT 2").fetchall()]
        con.execute("UPDATE statements SET statement_date = DATE '2012-05-22' WHERE statement_id IN (?, ?)", ids)
    publish(archive)
    return archive


def test_the_weekly_axis_leaves_far_stragglers_out_and_says_so(stragglers, tmp_path):
    files = write_report(stragglers, tmp_path / "whole")
    figure = draw_figure(files.data)
    weekly = figure.axes[0]
    assert axis_years(weekly)[0] == 2018  # the bulk of the statements, not 2012
    dated = run_query(stragglers, "SELECT count(date) FROM v_statements").rows[0][0]
    assert sum(patch.get_height() for patch in weekly.patches) == dated - 2
    note = ("Not on the time axis, far from the rest (counted in the totals and tables): "
            "2 statements in the week of 2012-05-21.")
    assert note in drawn_texts(figure)
    assert note in files.html.read_text(encoding="utf-8")
    assert files.data.totals["statements"] == statement_count(stragglers)


def test_a_given_since_sets_the_start_of_the_axis(stragglers, tmp_path):
    files = write_report(stragglers, tmp_path / "since-2012", since=dt.date(2012, 1, 1))
    weekly = draw_figure(files.data).axes[0]
    assert axis_years(weekly) == (2012, 2020)
    assert sum(patch.get_height() for patch in weekly.patches) == files.data.totals["statements"]


def test_the_axis_spans_the_given_period(nightly_archive, tmp_path):
    files = write_report(nightly_archive[0], tmp_path, since=YEAR_2019[0], until=YEAR_2019[1])
    low, high = draw_figure(files.data).axes[0].get_xlim()
    assert mdates.num2date(low).date() <= YEAR_2019[0] and mdates.num2date(high).date() >= YEAR_2019[1]
    assert mdates.num2date(low).date() >= dt.date(2018, 12, 31)  # at most the Monday of 2019-01-01's week


def test_only_small_far_groups_leave_the_axis():
    """94 statements over 47 weeks of 2019, and a week of 2022 far from them: with 6 statements
    (6%) that week stays on the axis, with 4 (under 5%) it leaves it, and a given until keeps it."""
    bulk = [(dt.date(2019, 1, 7) + dt.timedelta(weeks=i), "a", 2) for i in range(47)]
    far = dt.date(2022, 5, 2)
    kept = time_axis([*bulk, (far, "b", 6)], Period())
    assert kept.left_off == () and kept.start < bulk[0][0] and kept.end > far
    dropped = time_axis([*bulk, (far, "b", 4)], Period())
    assert dropped.left_off == ((far, far, 4),) and dropped.end < dt.date(2020, 1, 1)
    assert time_axis([*bulk, (far, "b", 4)], Period(until=dt.date(2022, 12, 31))).left_off == ()
