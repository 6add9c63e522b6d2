"""`podium report`: a PNG with three panels and an HTML page whose tables hold the archive's counts."""
from __future__ import annotations

import datetime as dt
import struct
from collections import Counter

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from podium.cli import app
from podium.report import (NO_GLYPHS, PNG_NAME, chart_label, draw_figure, report_dir, report_markdown,
                           write_report)
from storage.query import run_query

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
    """The countries mentioned in most statements in `period` (a statement naming one twice
    counts once), counted here from the plain mention rows."""
    rows = run_query(archive, "SELECT entity_kind, entity, entity_code, statement_id, date FROM v_mentions").rows
    mentions = {(entity, code, statement) for kind, entity, code, statement, day in rows
                if kind == "country" and in_period(day, period)}
    return ranked(Counter((entity, code) for entity, code, _ in mentions))


def table_rows(page, table_id: str) -> list[list[str]]:
    return [[cell.text_content() for cell in row.xpath("td")] for row in page.xpath(f'//table[@id="{table_id}"]/tbody/tr')]


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
    assert files.html.resolve().as_uri() in markdown


def test_the_command_writes_both_files(nightly_archive, tmp_path):
    archive, _ = nightly_archive
    result = CliRunner().invoke(app, ["report", "--archive", str(archive), "--output", str(tmp_path),
                                      "--since", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "index.html").exists() and png_size(tmp_path / PNG_NAME)[0] > 0
    dates = [day for day, in run_query(archive, "SELECT date FROM v_statements").rows]
    expected = sum(day is not None and day >= dt.date(2020, 1, 1) for day in dates)
    assert expected > 0 and f"report of {expected} statements" in result.output
