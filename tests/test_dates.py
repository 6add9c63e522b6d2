"""Briefing dates from titles, defective titles, and listing neighbours."""
from __future__ import annotations

import datetime as dt

import pytest

from podium.dates import date_of_briefing, title_date

T = "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on {}"


@pytest.mark.parametrize("written, expected, basis", [
    ("May 11, 2018", dt.date(2018, 5, 11), "title"),
    ("June11, 2018", dt.date(2018, 6, 11), "title_repaired"),
    ("Sept. 3 2019", dt.date(2019, 9, 3), "title_repaired"),
    ("December 31,2019", dt.date(2019, 12, 31), "title_repaired"),
])
def test_dates_written_in_the_title(written, expected, basis):
    dated = date_of_briefing(T.format(written))
    assert (dated.date, dated.basis) == (expected, basis)


def test_a_missing_year_comes_from_the_nearest_dated_neighbours():
    newer = [T.format("September 11"), T.format("September 12, 2018")]
    older = [T.format("September 7, 2018")]
    dated = date_of_briefing(T.format("September 10"), newer, older)
    assert (dated.date, dated.basis) == (dt.date(2018, 9, 10), "title_year_from_listing")


def test_a_missing_year_across_new_year_picks_the_year_that_fits():
    dated = date_of_briefing(T.format("December 31"), [T.format("January 2, 2019")], [T.format("December 28, 2018")])
    assert dated.date == dt.date(2018, 12, 31)


def test_no_date_at_all_is_a_range_between_neighbours():
    dated = date_of_briefing("Remarks on Venezuela", [T.format("August 9, 2019")], [T.format("August 7, 2019")])
    assert (dated.date, dated.latest, dated.basis) == (dt.date(2019, 8, 7), dt.date(2019, 8, 9), "listing_neighbours")


def test_nothing_to_go_on_is_said_so():
    assert date_of_briefing(T.format("September 10")).basis == "undated"
    assert date_of_briefing("Remarks", [], None).date is None


def test_impossible_dates_are_not_invented():
    assert date_of_briefing(T.format("February 30, 2019")).basis == "undated"
    assert title_date("no date here") is None
