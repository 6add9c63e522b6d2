"""When words quoted in a news report were said, read from the text around the quote.

News reports date their quotes relative to the publication ("on Wednesday", "yesterday",
"last Friday"), absolutely ("on May 24", "Nov. 18") or through the dateline ("BEIJING,
February 1 (Xinhua) --"). `statement_date` resolves these against the publication date and
says which it used:

  text_absolute   a month and day in the text (year: the publication's, or the one before
                  when that would put the statement after the publication)
  text_relative   a weekday, "yesterday", "today", "last night" …
  dateline        the dateline's day (only when the caller passes the lede)
  vague           "earlier this week", "last week", "recently": the publication date is kept
  published       nothing in the text: the publication date

A report dates an occasion once and quotes from it several times, so `settle_dates` then reads
the report as a whole, for quotes whose own sentence gave no day (dateline, vague, published):

  text_event      the quote is placed at a briefing ("during the press conference") and the
                  report dates a briefing elsewhere ("Ning's remark came on Wednesday, during
                  a regular press briefing")
  text_speaker    another statement of the same speaker in the report is dated by its text
                  ("Zhao said on Thursday …" in the lede, then "…," Zhao said.)
  text_lede       neither, but the report's first sentence dates what it reports ("China called
                  for an end to harassment of vessels in the Red Sea on Friday")
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import dateparser

from podium.dates import TITLE_DATE

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "last Friday" is the Friday before the publication day; a bare "Friday" may be the day itself.
# "Thursday's fight" names an event, not the day the words were said.
WEEKDAY = re.compile(r"\b(?P<last>last\s+)?(?P<day>" + "|".join(WEEKDAYS) + r")\b(?!['’]s)", re.IGNORECASE)
DAY_OFFSETS = (
    (re.compile(r"\b(?:the day before yesterday)\b", re.I), -2),
    (re.compile(r"\b(?:yesterday|last night)\b", re.I), -1),
    (re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I), 0),
)
VAGUE = re.compile(
    r"\b(?:earlier|later) this (?:week|month|year)\b|\blast (?:week|month|year)\b|"
    r"\bthis (?:week|month)\b|\brecently\b|\bin recent (?:days|weeks)\b|\bearlier\b",
    re.IGNORECASE,
)
# "BEIJING, February 1 (Xinhua) --", "HANOI, Vietnam, Nov. 20 (AP) —": upper-case place first.
# A briefing or press conference, the occasion a spokesperson's words are reported from.
EVENT = re.compile(r"\b(?:press|news|media)\s+(?:briefing|conference)s?\b|\bbriefings?\b|\bpresser\b", re.I)
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’']?|$)")
QUOTED_PASSAGE = re.compile(r"[“\"][^”\"]*[”\"]")
UNDATED = ("dateline", "vague", "published")  # a quote's own sentence gave no day
TEXT_DATED = ("text_absolute", "text_relative")
DATELINE = re.compile(r"^\s*[A-Z][A-Z .'-]{2,}(?:,\s*[A-Za-z .]+)?,\s*(?P<date>[A-Z][a-z]{2,8}\.? \d{1,2})\b")


def statement_date(context: str, published: dt.date, lede: str | None = None) -> tuple[dt.date, str]:
    """The day the words in `context` were said, and the basis (see the module docstring)."""
    for reader in (_absolute, _relative_day, _weekday):
        found = reader(context or "", published)
        if found:
            return found
    if VAGUE.search(context or ""):
        return published, "vague"
    day = _dateline_day(lede, published) if lede else None
    return (day, "dateline") if day else (published, "published")


@lru_cache(maxsize=64)  # every quote of an article passes the same lede
def _dateline_day(lede: str, published: dt.date) -> dt.date | None:
    match = DATELINE.match(lede)
    return _month_day(match.group("date"), published) if match else None


def _month_day(text: str, published: dt.date) -> dt.date | None:
    """A month-day without a year, placed on or before the publication date."""
    settings = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": dt.datetime.combine(published, dt.time(23, 59)),
                "REQUIRE_PARTS": ["day", "month"]}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _absolute(context: str, published: dt.date):
    match = TITLE_DATE.search(context)
    if not match:
        return None
    if match.group("year"):
        day = dateparser.parse(match.group(0), languages=["en"])
        return (day.date(), "text_absolute") if day else None
    day = _month_day(match.group(0), published)
    return (day, "text_absolute") if day else None


def _relative_day(context: str, published: dt.date):
    for pattern, offset in DAY_OFFSETS:
        if pattern.search(context):
            return published + dt.timedelta(days=offset), "text_relative"
    return None


def _weekday(context: str, published: dt.date):
    match = WEEKDAY.search(context)
    if not match:
        return None
    back = (published.weekday() - WEEKDAYS.index(match.group("day").lower())) % 7
    if back == 0 and match.group("last"):
        back = 7
    return published - dt.timedelta(days=back), "text_relative"


def dated_events(text: str, published: dt.date) -> list[tuple[int, dt.date, str]]:
    """(offset, day, words) of each sentence of the report that dates a briefing ("Ning's remark
    came on Wednesday, during a regular press briefing"); quoted words are left out (a day inside
    them is theirs)."""
    found = []
    for sentence in SENTENCE.finditer(text):
        words = unquoted(sentence.group(0))
        day = _day_in(words, published, (_absolute, _relative_day, _weekday)) if EVENT.search(words) else None
        if day:
            found.append((sentence.start(), day, words))
    return found


def unquoted(sentence: str) -> str:
    """The words outside quote marks: a day named in quoted words is theirs, not the speaker's."""
    return QUOTED_PASSAGE.sub(" ", sentence)


def _day_in(words: str, published: dt.date, readers) -> dt.date | None:
    """The first day one of the readers finds in the words."""
    return next((hit[0] for reader in readers if (hit := reader(words, published))), None)


def settle_dates(dates: list[tuple[dt.date, str]], quotes: list, text: str,
                 published: dt.date) -> list[tuple[dt.date, str]]:
    """The quotes' dates with what the whole report says: `quotes` have char_start, context and
    speaker_raw; `dates` are their statement_date results, in the same order. A briefing's date
    first (the quote is said there, or the sentence dating it names the speaker), then the date
    of the speaker's nearest dated statement, then the day the lede gives (not over a vague one)."""
    events = dated_events(text, published)
    dates = [(_at_event(q, events) or d) if d[1] in UNDATED else d for q, d in zip(quotes, dates)]
    dates = [(_of_speaker(i, quotes, dates) or d) if d[1] in UNDATED else d for i, d in enumerate(dates)]
    lede = _lede_day(text, published, quotes)
    return [lede if lede and d[1] in ("published", "dateline") else d for d in dates]


def _lede_day(text: str, published: dt.date, quotes: list) -> tuple[dt.date, str] | None:
    """The day the report's first sentence gives (outside quote marks): the day of its news. Not
    when that sentence is a person's statement: its day is that person's (text_speaker)."""
    first = SENTENCE.search(text)
    if first and any(q.speaker_raw and q.char_start < first.end() for q in quotes):
        return None
    day = _day_in(unquoted(first.group(0)), published, (_relative_day, _weekday)) if first else None
    return (day, "text_lede") if day else None


def _at_event(quote, events: list[tuple[int, dt.date, str]]) -> tuple[dt.date, str] | None:
    """The nearest dated briefing, for a quote said at one or of a speaker the dating names."""
    said_there = EVENT.search(quote.context or "")
    names = set((quote.speaker_raw or "").split())
    relevant = [e for e in events if said_there or names & set(re.findall(r"[A-Z][\w-]+", e[2]))]
    if not relevant:
        return None
    offset, day, _ = min(relevant, key=lambda event: abs(event[0] - quote.char_start))
    return day, "text_event"


def _of_speaker(index: int, quotes: list, dates: list) -> tuple[dt.date, str] | None:
    """The day of the nearest statement of the same speaker that the text dates."""
    speaker = quotes[index].speaker_raw
    dated = [(abs(j - index), j > index, dates[j][0]) for j, q in enumerate(quotes)
             if speaker and q.speaker_raw == speaker and dates[j][1] in (*TEXT_DATED, "text_event")]
    return (min(dated)[2], "text_speaker") if dated else None
