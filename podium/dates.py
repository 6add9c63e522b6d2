"""Dates of briefings: read from titles, repaired when the title is defective, inferred from the
listing when the title says too little. Every date comes with its basis; nothing is guessed silently.

Bases, from strongest to weakest:
  title                    "…on May 11, 2018"
  title_repaired           a defective but complete title date ("June11, 2018", "Sept. 3 2019")
  title_year_from_listing  month and day from the title, the year from the neighbours on the listing
  listing_neighbours       no date in the title: between the neighbours on the listing
                           (exact when both neighbours share a day, else `latest` is set too)
  undated                  nothing to go on
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAME = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
TITLE_DATE = re.compile(
    _MONTH_NAME + r"\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:\s*,?\s*(?P<year>(?:19|20)\d{2})\b)?",
    re.IGNORECASE,
)
CANONICAL_TITLE_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{1,2}, \d{4}$"
)


@dataclass(frozen=True)
class TitleDate:
    month: int
    day: int
    year: int | None
    canonical: bool

    def on(self, year: int) -> dt.date | None:
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None


@dataclass(frozen=True)
class DatedAs:
    date: dt.date | None
    basis: str
    latest: dt.date | None = None


def title_date(title: str) -> TitleDate | None:
    """The last month-day(-year) in a title, tolerant of missing spaces and missing years."""
    matches = list(TITLE_DATE.finditer(title or ""))
    if not matches:
        return None
    match = matches[-1]
    year = int(match.group("year")) if match.group("year") else None
    canonical = bool(CANONICAL_TITLE_DATE.search(title.strip())) and year is not None
    return TitleDate(MONTHS[match.group("month")[:3].lower()], int(match.group("day")), year, canonical)


def full_title_date(title: str) -> dt.date | None:
    parsed = title_date(title)
    return parsed.on(parsed.year) if parsed and parsed.year else None


def _year_between(parsed: TitleDate, newer: dt.date | None, older: dt.date | None) -> dt.date | None:
    """The date with the title's month and day that fits between its listing neighbours."""
    anchors = [d for d in (newer, older) if d]
    years = sorted({d.year + delta for d in anchors for delta in (-1, 0, 1)})
    candidates = [d for d in (parsed.on(y) for y in years) if d]
    fitting = [d for d in candidates if (older is None or d >= older) and (newer is None or d <= newer)]
    pool = fitting or candidates
    if not pool:
        return None
    return min(pool, key=lambda d: min(abs((d - a).days) for a in anchors))


def _nearest_full_date(titles: list[str] | None) -> dt.date | None:
    for title in titles or ():
        day = full_title_date(title)
        if day:
            return day
    return None


def date_of_briefing(title: str, newer_titles: list[str] | None = None,
                     older_titles: list[str] | None = None) -> DatedAs:
    """Date a briefing from its title and, when needed, the titles listed above (newer) and
    below (older) it on its listing, nearest first; the nearest fully dated one on each side counts."""
    parsed = title_date(title)
    if parsed and parsed.year:
        day = parsed.on(parsed.year)
        if day:
            return DatedAs(day, "title" if parsed.canonical else "title_repaired")
    newer, older = _nearest_full_date(newer_titles), _nearest_full_date(older_titles)
    if parsed and (newer or older):
        day = _year_between(parsed, newer, older)
        if day:
            return DatedAs(day, "title_year_from_listing")
    if newer and older:
        earliest, latest = min(newer, older), max(newer, older)
        return DatedAs(earliest, "listing_neighbours", None if earliest == latest else latest)
    return DatedAs(None, "undated")


# -- Chinese titles and dated listings ---------------------------------------------------------
#   title                    "2019年5月14日外交部发言人耿爽主持例行记者会"
#   title_year_from_listing  "外交部发言人耿爽2月15日答记者问": the year from the listing's date
#   title_year_from_page     the same, the year from the page's date line (no listing known)
#   listing_date             no date in the title: the date shown beside the link on the listing
#   page_date                no listing either (a saved page, a URL list): the page's own date line

CHINESE_TITLE_DATE = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"
)


def chinese_title_date(title: str) -> TitleDate | None:
    """The first 年月日 date in a title (the briefing's own date leads Chinese titles)."""
    match = CHINESE_TITLE_DATE.search(title or "")
    if not match or not 1 <= int(match.group("month")) <= 12:
        return None
    year = int(match.group("year")) if match.group("year") else None
    return TitleDate(int(match.group("month")), int(match.group("day")), year, year is not None)


def iso_date(value) -> dt.date | None:
    """A day from a date, a datetime (YAML reads `2021-02-23 21:19:15` as one) or ISO text with or
    without a time (listing metadata, front matter, an archive's index); None when absent or malformed."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).strip()).date() if value else None
    except ValueError:
        return None


def date_of_listed_item(title: str, list_date: dt.date | None, page_date: dt.date | None = None) -> DatedAs:
    """Date an item of a listing that shows dates (e.g. "(2020-07-03)") from its title, else the
    listing's date, else the page's own date line."""
    parsed = chinese_title_date(title)
    if parsed and parsed.year and parsed.on(parsed.year):
        return DatedAs(parsed.on(parsed.year), "title")
    for anchor, basis in ((list_date, "title_year_from_listing"), (page_date, "title_year_from_page")):
        day = _year_between(parsed, anchor, None) if parsed and anchor else None
        if day:
            return DatedAs(day, basis)
    if list_date:
        return DatedAs(list_date, "listing_date")
    if page_date:
        return DatedAs(page_date, "page_date")
    return DatedAs(None, "undated")
