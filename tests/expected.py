"""The one shape of every configured source's expected values: tests/fixtures/<source key>/*.json.

A file describes one recorded page (snapshots/<source key>/<file>): which file, its URL and
source, the document's fields, and a section for what its family has (a transcript's turns, a
statement source's statements, a news report's quotes). The values were read off the real pages
by a person, never by running podium. Unknown keys are refused, so a misspelt key fails instead
of silently checking nothing. A field left out is not checked; a field written as null says the
page has none (no role, no opening remarks, no date)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Strict(BaseModel):
    # strict: a number written as text, or a bool as 0/1, is refused rather than converted
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ListingExpected(Strict):
    """What the listing, feed or search API that links the page says of it."""

    date_as_listed: str  # as printed there: "1/25/22", an RSS pubDate, a GOV.UK public_timestamp
    date_basis_without_listing: str | None = None  # how the page alone is dated


class StatementExpected(Strict):
    """One statement of the page, in order (the first, the second, …)."""

    kind: str | None = None  # press_statement, speech, opening_remarks, answer, …
    speaker_raw: str | None = None  # as the page names the speaker
    speaker_id: str | None = None
    role: str | None = None
    institution: str | None = None
    country: str | None = None
    text_starts: str | None = None


class StatementsExpected(Strict):
    """A statement source's statements (a press release, a speech, a State Department transcript)."""

    count: int
    by_speaker_raw: dict[str, int] | None = None
    first: list[StatementExpected]  # the first statements, in order
    first_question_starts: str | None = None  # of the first statement that answers a question


class TranscriptExpected(Strict):
    """A briefing transcript's turns, as a reader counted them."""

    starts_chars: int  # the `*_starts` openings are the first this many characters
    spokesperson: str | None = None  # whom the page names as its spokesperson
    answer_turns: int
    question_count: int
    has_opening_remarks: bool
    opening_starts: str | None
    answers_by: dict[str, int]  # the registry's names; a label no one is registered under as printed
    first_answer_starts: str | None
    last_answer_starts: str | None
    first_question_starts: str | None
    questioners: list[str]  # the outlets named as questioners, in order of first appearance
    kinds: dict[str, int] | None = None  # statements per kind


class AnswerReported(Strict):
    """The transcript answer a news report's quote reports (tests/fixtures/press_reports/README.md)."""

    transcript_file: str
    transcript_url: str
    language: str
    answer_starts: str
    also_answer_starts: str | None = None
    zh_transcript_file: str | None = None
    zh_answer_starts: str | None = None
    question_subject: str


class QuoteExpected(Strict):
    """One statement of a named person in a news report, in text order."""

    speaker: str
    kind: Literal["direct_quote", "indirect"]
    starts: str
    statement_date: dt.date | None
    answer: AnswerReported | None


class ExpectedPage(Strict):
    """What one recorded page holds, read off the page."""

    source: str | None = None  # the source key; it must be the folder's name
    file: str  # the recorded file, relative to snapshots/<source key>/
    url: str
    kind: Literal["briefing", "statement", "news"] | None = None  # the source's kind
    language: str | None = None
    title: str | None = None
    date: dt.date | None = None
    date_basis: str | None = None
    doc_type: str | None = None
    authors: list[str] | None = None  # each a part of a name the document's authors hold
    body_contains: str | None = None  # words of the body, whitespace collapsed
    listing: ListingExpected | None = None
    transcript: TranscriptExpected | None = None
    statements: StatementsExpected | None = None
    # the report's quotes, or the name of their annotation file in tests/fixtures/quotes
    quotes: list[QuoteExpected] | str | None = None
    # of a news report annotated against the briefings it reports (tests/fixtures/press_reports)
    outlet: str | None = None
    published: dt.date | None = None
    retrieved: str | None = None
    split: Literal["dev", "test", "white_house"] | None = None
    note: str | None = None

    @property
    def name(self) -> str:
        """The recorded file's name without folders and extensions (t1794629), for test ids."""
        return Path(self.file).name.split(".")[0]

    def given(self, field: str) -> bool:
        """Whether the file writes `field` (null included): a field left out is not checked."""
        return field in self.model_fields_set


def fixture_paths(source: str) -> list[Path]:
    return sorted((FIXTURES / source).glob("*.json"))


def read_expected(path: Path) -> ExpectedPage:
    """One fixture file, validated; its `source`, when written, must be its folder's name."""
    expected = ExpectedPage.model_validate_json(path.read_text(encoding="utf-8"))
    if expected.source is not None and expected.source != path.parent.name:
        raise ValueError(f"{path}: source {expected.source!r} in the folder of {path.parent.name!r}")
    return expected


def expected_pages(source: str) -> list[ExpectedPage]:
    return [read_expected(path) for path in fixture_paths(source)]


def expected_page(source: str, stem: str) -> ExpectedPage:
    """One page's expectations, by its fixture's file name without .json (t1794629)."""
    return read_expected(FIXTURES / source / f"{stem}.json")
