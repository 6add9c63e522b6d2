"""U.S. State Department press releases, read from items of its WordPress RSS feed.

Each archived page is one `<item>` of https://www.state.gov/rss-feed/press-releases/feed/ (the
spider stages the item's XML under the item's link): the feed carries the full body in
`content:encoded`, so there is nothing else to fetch. What the items look like:

* The body opens with a byline paragraph, the same text as `dc:creator`: the signer of a
  statement ("Antony J. Blinken, Secretary of State", "Ned Price, Department Spokesperson") or
  "Office of the Spokesperson" for the Department's own releases.
* Readouts from the Office say so in their first line: "The following is attributable to
  Spokesperson Ned Price:" (also "The below is attributable to …").
* Remarks, press availabilities and press briefings are transcripts: after a place/time line
  ("Washington, D.C.", "1:31 p.m. EDT"), turns open with an upper-case label ("SECRETARY
  BLINKEN:", "MR PRICE:", "QUESTION:"); stage notes are in parentheses ("(Laughter.)").
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

import feedparser
from lxml import etree

from podium.extract import (Document, Extraction, ExtractionError, LayoutChanged, Statement, StoredPage, doc_id_for,
                            statement_id_for, text_hash)
from podium.html import block_texts, clean_text
from podium.settings import Source
from podium.speakers import Registry, Speaker
from podium.transcript import (PARAGRAPH_SEPARATOR, UPPER_CASE_LABEL, Paragraph, Turn, TurnRules, label_surname,
                               segment, split_label)

FEED_ITEMS = "//item"  # the spider splits the feed into items with this XPath
# Keep CDATA sections as published; never fetch external entities.
FEED_PARSER = etree.XMLParser(strip_cdata=False, resolve_entities=False, no_network=True, recover=True)
BODY_BLOCKS = "//p | //h2 | //h3 | //h4 | //li[not(.//p)]"
DEPARTMENT_BYLINE = "Office of the Spokesperson"
DEPARTMENT_SPEAKER = "Department of State"
DEPARTMENT_INSTITUTION = "U.S. Department of State"
ATTRIBUTABLE_TO = re.compile(r"^The (?:following|below) (?:is|are) attributable to (?:Department )?"
                             r"Spokesperson (?P<name>[A-Z][\w.'’ -]+?)\s*:\s*$")
BYLINE = re.compile(r"^(?P<name>[^,]{3,60}), (?P<role>[^,]{3,80})$")
TURN_LABEL = re.compile(rf"^(?P<label>{UPPER_CASE_LABEL})\s*:\s*(?P<rest>.*)$", re.DOTALL)
QUESTION_LABELS = {"QUESTION", "Q"}
STAGE_NOTE = re.compile(r"^\(.*\)$|^#( #)+$")  # "(Laughter.)", "(The briefing was concluded …)", "# # #"
MIN_TURNS = 2  # a body with fewer labelled paragraphs is a statement that happens to hold a colon
NEWSROOM_TZ = ZoneInfo("America/New_York")  # the Department dates its releases in Washington time
DATE_BASIS = "rss_pubdate"
EXTRACTOR_VERSION = "state-rss-item-2"  # 2: a stage note between two paragraphs of a turn is in its text


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    creator: str
    published: dt.date | None
    paragraphs: tuple[str, ...]


def pubdate_of(text: str) -> dt.date | None:
    """The Washington date of an RFC 822 `<pubDate>` (an item's date; the spider's since/until)."""
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # RFC 822 "-0000": UTC, origin unknown
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(NEWSROOM_TZ).date()


def read_item(body: bytes) -> FeedItem:
    """One staged `<item>` → its fields. The item is wrapped in a channel so feedparser reads it."""
    feed = feedparser.parse(b"<rss version='2.0'><channel>" + body + b"</channel></rss>")
    if not feed.entries:
        raise ExtractionError("no RSS <item> in the page")
    entry = feed.entries[0]
    html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
    return FeedItem(title=clean_text(entry.get("title", "")), link=entry.get("link", ""),
                    creator=entry.get("author", "").strip(), published=pubdate_of(entry.get("published", "")),
                    paragraphs=tuple(block_texts(html, BODY_BLOCKS)))


@dataclass(frozen=True)
class RawItem:
    link: str
    pubdate: str
    xml: bytes  # the <item> element as published (CDATA kept), with its namespace declarations


def split_feed(body: bytes) -> list[RawItem]:
    """The `<item>`s of a feed, each as standalone XML (what the spider stages per item)."""
    root = etree.fromstring(body, parser=FEED_PARSER)
    if root is None:
        return []
    return [RawItem((item.findtext("link") or "").strip(), (item.findtext("pubDate") or "").strip(),
                    etree.tostring(item, encoding="utf-8", with_tail=False))
            for item in root.xpath(FEED_ITEMS)]


# -- turns (podium/transcript.py) ---------------------------------------------------------------

def is_question_label(label: str) -> bool:
    return label in QUESTION_LABELS


# Any upper-case label but QUESTION names a speaker; a label alone in its paragraph is none.
TURN_RULES = TurnRules(label=TURN_LABEL, is_question=is_question_label, is_speaker=lambda label: True,
                       label_needs_text=True, skip=STAGE_NOTE)


def is_transcript(paragraphs: tuple[str, ...]) -> bool:
    return sum(1 for p in paragraphs if split_label(TURN_RULES, p)[0]) >= MIN_TURNS


def split_turns(paragraphs: tuple[str, ...] | list[str]) -> tuple[Turn, ...]:
    """Speaker turns of a transcript, each with the question(s) asked just before it. Offsets
    point into the paragraphs joined with PARAGRAPH_SEPARATOR."""
    return segment([Paragraph(p) for p in paragraphs], TURN_RULES).turns


# -- attribution ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attribution:
    speaker_raw: str
    speaker: Speaker | None
    role: str | None
    institution: str
    country: str


def byline_people(creator: str) -> list[tuple[str, str]]:
    """('Antony J. Blinken', 'Secretary of State') pairs of a `dc:creator` listing several people."""
    parts = [p.strip() for p in creator.split(",")]
    return [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]


def attribute(name: str, role: str | None, day: dt.date | None, registry: Registry) -> Attribution:
    speaker = registry.resolve(name)
    held = speaker.role_on(day, prefer=role) if speaker else None
    us_official = speaker is not None and speaker.country == "US"
    return Attribution(
        speaker_raw=name, speaker=speaker, role=held.role if held else role,
        institution=held.institution if held else (DEPARTMENT_INSTITUTION if us_official else ""),
        country=speaker.country if speaker else ("US" if role and "Department" in role else ""),
    )


def department() -> Attribution:
    return Attribution(DEPARTMENT_SPEAKER, None, None, DEPARTMENT_INSTITUTION, "US")


def byline_surnames(item: FeedItem) -> dict[str, tuple[str, str]]:
    """Upper-case surname → (name, role) for everyone the byline names."""
    return {name.split()[-1].upper(): (name, role) for name, role in byline_people(item.creator)}


def turn_speaker(label: str, surnames: dict, day: dt.date | None, registry: Registry) -> Attribution:
    """Who a turn label names: someone of the byline (`surnames`, byline_surnames), else the U.S.
    speaker of the registry with that surname."""
    surname = label_surname(label)
    name, role = surnames.get(surname, (None, None))
    if name is None:
        registered = registry.namesake(surname, "US", day)
        name = registered.name if registered else None
    if name is None:  # a moderator or an official not in the byline: keep the label as said
        return Attribution(label, None, None, "", "")
    return attribute(name, role, day, registry)


# -- extraction -------------------------------------------------------------------------------

def extract_item(page: StoredPage, source: Source, registry: Registry) -> Extraction:
    """A staged RSS item → its document and statements (one per turn, or one for the statement)."""
    item = read_item(page.body)
    if not item.paragraphs:
        raise LayoutChanged(f"RSS item {item.link or page.url!r} has no body text: neither content:encoded nor "
                            "description holds any", "content:encoded")
    text = PARAGRAPH_SEPARATOR.join(item.paragraphs)
    transcript = is_transcript(item.paragraphs)
    document = Document(
        doc_id=doc_id_for(page.url), page_id=page.page_id, source_id=source.key, url=page.url,
        doc_type="transcript" if transcript else "press_statement", title=item.title,
        published_at=item.published, date_basis=DATE_BASIS if item.published else "undated", date_latest=None,
        language=source.language, text=text, text_hash=text_hash(text), encoding="utf-8",
        extractor=EXTRACTOR_VERSION,
    )
    if transcript:
        statements = _turn_statements(document, item, registry)
    else:
        statements = [_press_statement(document, item, registry)]
    return Extraction(document, [s for s in statements if s.text])


def _turn_statements(document: Document, item: FeedItem, registry: Registry) -> list[Statement]:
    surnames = byline_surnames(item)
    statements = []
    for turn in split_turns(item.paragraphs):
        who = turn_speaker(turn.speaker, surnames, document.published_at, registry)
        statements.append(_statement(document, len(statements) + 1, who, turn.kind, turn.text, turn.char_start,
                                     turn.char_end, turn.question))
    return statements


def statement_attribution(item: FeedItem, registry: Registry) -> tuple[Attribution, int]:
    """Who a press statement is by, and the index of its first paragraph after byline/attribution line."""
    byline = item.paragraphs[0]
    for index, paragraph in enumerate(item.paragraphs[:3]):
        match = ATTRIBUTABLE_TO.match(paragraph)
        if match:
            return attribute(match.group("name"), "Spokesperson", item.published, registry), index + 1
    signed = BYLINE.match(byline)
    if byline == DEPARTMENT_BYLINE or not signed:
        return department(), 1 if byline in (DEPARTMENT_BYLINE, item.creator) else 0
    return attribute(signed.group("name"), signed.group("role"), item.published, registry), 1


def _press_statement(document: Document, item: FeedItem, registry: Registry) -> Statement:
    who, first = statement_attribution(item, registry)
    first = min(first, len(item.paragraphs) - 1)
    start = sum(len(p) + len(PARAGRAPH_SEPARATOR) for p in item.paragraphs[:first])
    body = document.text[start:]
    return _statement(document, 1, who, "press_statement", body, start, len(document.text), None)


def _statement(document: Document, seq: int, who: Attribution, kind: str, text: str, start: int, end: int,
               question: str | None) -> Statement:
    return Statement(
        statement_id=statement_id_for(document.doc_id, seq), doc_id=document.doc_id, seq=seq,
        speaker_id=who.speaker.speaker_id if who.speaker else None, speaker_raw=who.speaker_raw,
        role=who.role, institution=who.institution or None, country=who.country or None,
        statement_date=document.published_at, date_basis=document.date_basis, kind=kind, text=text,
        question=question, questioner=None, char_start=start, char_end=end, language=document.language,
    )
