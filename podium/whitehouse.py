"""The White House press briefings, as text archives keep them (podium/text_archive.py): one
Markdown file a briefing, with front matter (`title`, `date`, `source_url`), as the Biden White
House's archive (bidenwhitehouse.archives.gov/briefing-room/press-briefings/) published them.

What a transcript looks like:

* a place line ("James S. Brady Press Briefing Room") and a start time ("4:09 P.M. EDT") before
  the first speaker: no one's words;
* a speaker's turn opens with an upper-case label ending in a colon: `MS. JEAN-PIERRE:`,
  `MR. KIRBY:`, `SECRETARY YELLEN:`, `SENIOR ADMINISTRATION OFFICIAL:`, `THE PRESIDENT:`;
* a question opens with `Q` and spaces, no colon (`Q    Thank you, Karine.`); an interruption is
  a `Q` of its own, cross-talk stays in order;
* stage notes stand in parentheses ("(Laughter.)"); the end is `END` and the time, often on one line;
* lines are hard-wrapped, paragraphs parted by blank lines (or lines of no-break spaces); a label
  or `Q` may also open a line right after the text before it, which starts a paragraph too;
* the same label may come again with no question between (after cross-talk): the turn goes on;
* Markdown escapes (`\\[million\\]`),
  emphasis (`*Via Teleconference*`) and struck-out words (`<s>trillion</s>`: the transcript's own
  correction) occur.

The live site (www.whitehouse.gov/briefings-statements/) could not be recorded here, so there is
no spider for it: the source is filled by `podium import-transcripts` (see the README).
"""
from __future__ import annotations

import datetime as dt
import re

from podium.dates import full_title_date, iso_date
from podium.extract import (Document, Extraction, ExtractionError, Statement, StoredPage, doc_id_for,
                            statement_id_for, text_hash)
from podium.html import PageDecodeError, decode
from podium.markdown import plain_paragraphs, split_front_matter
from podium.settings import Source
from podium.speakers import Registry, Speaker
from podium.transcript import UPPER_CASE_LABEL, Paragraph, TurnRules, label_surname, segment

EXTRACTOR_VERSION = "whitehouse-transcript-1"
# `Q` and spaces (or a colon) opens a question; any other upper-case label with a colon, a speaker.
TURN_LABEL = re.compile(rf"^(?P<label>Q(?=[\s:]|$)|{UPPER_CASE_LABEL}(?=\s*:))\s*:?\s*(?P<rest>.*)$", re.DOTALL)
# Labels of one word that name a speaker; any other label names someone in two words or more
# ("MS. PSAKI", "SENIOR ADMINISTRATION OFFICIAL"), so "NATO: …" in an answer is no speaker.
ONE_WORD_SPEAKERS = {"MODERATOR", "AIDE", "OPERATOR", "PARTICIPANT"}
QUESTION_LABELS = {"Q", "QUESTION"}
# Lines that are no one's words: stage notes, the closing "END" and time lines.
NO_ONES = re.compile(r"^(?:\(.*\)|END\b.*|\d{1,2}:\d{2} [AP]\.M\. [A-Z]{2,4})$")
TURN_RULES = TurnRules(label=TURN_LABEL, is_question=lambda label: label in QUESTION_LABELS,
                       is_speaker=lambda label: label in ONE_WORD_SPEAKERS or len(label.split()) > 1,
                       skip=NO_ONES, repeated_label_continues=True)
# A line opening with a question mark-up or a speaker's label starts a paragraph, blank line or not.
# Mid-paragraph, `Q` needs two spaces ("Q    Why?"), so a wrapped line "Q and A with …" stays prose.
MARKER_LINE = re.compile(r"\n(?=[ \t\u00a0]*(?:Q(?:[ \t\u00a0]{2}|:)|(?:" + "|".join(sorted(ONE_WORD_SPEAKERS))
                         + r"|[A-Z][A-Z.'’-]*(?:[ \u00a0]+[A-Z][A-Z.'’-]*){1,5})[ \u00a0]*:))")


def paragraphs_of(markdown: str) -> list[Paragraph]:
    """A transcript's paragraphs as plain text (podium.markdown), a label always opening one."""
    return [Paragraph(text) for text in plain_paragraphs(markdown, MARKER_LINE)]


def date_of(front: dict, listing: dict, title: str) -> tuple[dt.date | None, str]:
    """The briefing's day and its basis: the front matter's date, the archive index's, the title's."""
    for value, basis in ((front.get("date"), "front_matter"), (listing.get("date"), "archive_index")):
        day = iso_date(value)
        if day:
            return day, basis
    day = full_title_date(title)
    return (day, "title") if day else (None, "undated")


def label_speaker(label: str, day: dt.date | None, registry: Registry) -> Speaker | None:
    """Who an upper-case label names: an alias as printed ("MS. JEAN-PIERRE"), else the one U.S.
    speaker of that surname in office on the day (or of that surname at all)."""
    speaker = registry.resolve(label)
    if speaker and (day is None or speaker.role_on(day)):  # "THE PRESIDENT" is Biden only in his term
        return speaker
    return registry.namesake(label_surname(label), "US", day)


def extract_transcript(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A briefing's Markdown (or plain text) file → its document and one statement per turn."""
    try:
        encoding, text = decode(page.body, page.content_type)
    except PageDecodeError as error:
        raise ExtractionError(str(error)) from error
    if text.lstrip()[:1] == "<":
        raise ExtractionError("an HTML page, but this source reads text transcripts (podium import-transcripts)")
    front, body = split_front_matter(text)
    title = " ".join(str(front.get("title") or "").split())
    day, basis = date_of(front, page.listing or {}, title)
    transcript = segment(paragraphs_of(body), TURN_RULES)
    if not transcript.turns:
        raise ExtractionError("no speaker turns: no paragraph opens with a label such as 'MS. JEAN-PIERRE:'")
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type="transcript", title=title, published_at=day, date_basis=basis, date_latest=None,
        language=source.language, text=transcript.text, text_hash=text_hash(transcript.text),
        encoding=encoding, extractor=EXTRACTOR_VERSION,
    )
    statements = [_statement(document, seq, turn, source, registry) for seq, turn in enumerate(transcript.turns, 1)]
    return Extraction(document, statements)


def _statement(document: Document, seq: int, turn, source: Source, registry: Registry) -> Statement:
    speaker = label_speaker(turn.speaker, document.published_at, registry)
    role = speaker.role_on(document.published_at) if speaker else None
    return Statement(
        statement_id=statement_id_for(document.doc_id, seq), doc_id=document.doc_id, seq=seq,
        speaker_id=speaker.speaker_id if speaker else None, speaker_raw=turn.speaker,
        role=role.role if role else None, institution=role.institution if role else None,
        country=speaker.country if speaker else source.country,
        statement_date=document.published_at, date_basis=document.date_basis, kind=turn.kind,
        text=turn.text, question=turn.question, questioner=None,
        char_start=turn.char_start, char_end=turn.char_end, language=document.language,
    )

