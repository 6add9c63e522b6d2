"""The queries behind `podium report`: statements per source per week, top speakers, most mentioned
countries, and a per-source summary, all over the readable views and an optional date range.

A statement without a date counts in the speaker and country tables only when no range is given
(a range cannot say whether it falls inside); it never counts in the weekly series.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from storage.db import ArchiveError

TOP = 15


class PeriodError(ArchiveError, ValueError):
    """A report period no day can be in: since after until."""


@dataclass(frozen=True)
class Period:
    since: dt.date | None = None
    until: dt.date | None = None

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise PeriodError(f"since {self.since} is after until {self.until}: no day is in that period")

    @property
    def words(self) -> str:
        """The period as a title says it: "since 2019-01-01", "2019-01-01 to 2019-12-31", …"""
        if self.since and self.until:
            return f"{self.since} to {self.until}"
        if self.since or self.until:
            return f"since {self.since}" if self.since else f"until {self.until}"
        return "the whole archive"

    def condition(self, column: str = "date") -> tuple[str, list]:
        """A SQL condition on a date column, and its parameters."""
        parts, params = ["true"], []
        if self.since:
            parts.append(f"{column} >= ?")
            params.append(self.since)
        if self.until:
            parts.append(f"{column} <= ?")
            params.append(self.until)
        return " AND ".join(parts), params


@dataclass
class ReportData:
    period: Period
    weekly: list[tuple[dt.date, str, int]] = field(default_factory=list)  # (week start, source, statements)
    speakers: list[tuple[str, int]] = field(default_factory=list)
    countries: list[tuple[str, str, int]] = field(default_factory=list)  # (country, alpha-2, statements)
    sources: list[tuple[str, str, int, int, dt.date | None, dt.date | None]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    # (answer date, speaker, answer, reports quoting it, outlets)
    reported: list[tuple[dt.date, str, str, int, str]] = field(default_factory=list)


def weekly_counts(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple]:
    where, params = period.condition()
    return con.execute(
        f"SELECT date_trunc('week', date)::DATE AS week, source_id, count(*) AS statements"
        f" FROM v_statements WHERE date IS NOT NULL AND {where} GROUP BY ALL ORDER BY week, source_id",
        params).fetchall()


def top_speakers(con: duckdb.DuckDBPyConnection, period: Period, limit: int = TOP) -> list[tuple]:
    """Named speakers only: statements nobody could attribute are not a speaker."""
    where, params = period.condition()
    return con.execute(
        f"SELECT speaker, count(*) AS statements FROM v_statements"
        f" WHERE speaker IS NOT NULL AND {where} GROUP BY ALL ORDER BY statements DESC, speaker LIMIT ?",
        [*params, limit]).fetchall()


def top_countries(con: duckdb.DuckDBPyConnection, period: Period, limit: int = TOP) -> list[tuple]:
    """Countries by the number of statements whose own words mention them (a statement naming one
    twice counts once; a question naming one is the questioner's, not the speaker's)."""
    where, params = period.condition()
    return con.execute(
        f"SELECT entity, entity_code, count(DISTINCT statement_id) AS statements FROM v_mentions"
        f" WHERE entity_kind = 'country' AND in_text AND {where} GROUP BY ALL ORDER BY statements DESC, entity LIMIT ?",
        [*params, limit]).fetchall()


def per_source(con: duckdb.DuckDBPyConnection, period: Period) -> list[tuple]:
    """(source, name, documents, statements, first date, last date) per source with statements."""
    where, params = period.condition("v.date")
    return con.execute(
        f"SELECT v.source_id, any_value(s.name), count(DISTINCT v.doc_id), count(*), min(v.date), max(v.date)"
        f" FROM v_statements v LEFT JOIN sources s USING (source_id)"
        f" WHERE {where} GROUP BY v.source_id ORDER BY count(*) DESC, v.source_id", params).fetchall()


def totals(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, int]:
    where, params = period.condition()
    row = con.execute(
        f"SELECT count(*), count(DISTINCT doc_id), count(DISTINCT source_id), count(DISTINCT speaker)"
        f" FROM v_statements WHERE {where}", params).fetchone()
    return dict(zip(("statements", "documents", "sources", "speakers"), row))


def most_reported(con: duckdb.DuckDBPyConnection, period: Period, limit: int = TOP) -> list[tuple]:
    """The briefing answers of the period quoted by the most news reports."""
    where, params = period.condition("answer_date")
    return con.execute(
        f"SELECT answer_date, speaker, any_value(answer), any_value(reports),"
        f" string_agg(DISTINCT outlet, ', ' ORDER BY outlet) FROM v_press_coverage WHERE {where}"
        f" GROUP BY answer_id, answer_date, speaker ORDER BY 4 DESC, answer_date DESC, speaker LIMIT ?",
        [*params, limit]).fetchall()


def report_data(con: duckdb.DuckDBPyConnection, period: Period) -> ReportData:
    return ReportData(period, weekly_counts(con, period), top_speakers(con, period),
                      top_countries(con, period), per_source(con, period), totals(con, period),
                      most_reported(con, period))
