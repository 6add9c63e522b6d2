"""Quotes and reported statements in news reports, each with its speaker.

`find_quotes(text, registry)` reads an article's clean text (paragraphs separated by newlines)
and returns its direct quotes and indirect statements ("X said that …"). Speakers are found
near a speech verb (the cue): a name before or after it ("said X", "X asserted"), with the
titles and roles the text gives; pronouns ("she added"), surnames, given names used by mistake
("Ning told a briefing") and role nouns ("the spokeswoman") are resolved to the article's
people (its cast: full names with the titles and roles the text gives them), then to the
speakers registry.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from podium.speakers import Registry, normalise_name

log = logging.getLogger(__name__)

CUE_WORDS = (
    "said|says|say|stated|states|insisted|insists|added|adds|told|tells|asserted|asserts|argued|"
    "argues|claimed|claims|warned|warns|noted|notes|explained|explains|commented|comments|"
    "continued|continues|tweeted|wrote|writes|announced|announces|reiterated|confirmed|"
    "acknowledged|admitted|testified|asked|urged|concluded|stressed|emphasized|emphasised|"
    "replied|responded|remarked|declared|denied|maintained|quipped|recalled"
)
CUE = re.compile(r"\b(?:" + CUE_WORDS + r")\b")
# Verbs that report a clause without "that" ("Shotwell said Starship will …").
BARE_CLAUSE_CUES = {"said", "says", "say", "stated", "states", "insisted", "insists", "added", "adds",
                    "told", "tells", "asserted", "argued", "claimed", "explained", "noted", "warned"}
# Verbs that report a clause only with "that" ("Volker reiterated that …").
THAT_CUES = BARE_CLAUSE_CUES | {"announced", "reiterated", "confirmed", "acknowledged", "admitted",
                                "testified", "denied", "wrote", "tweeted", "stressed", "emphasized",
                                "emphasised", "maintained", "concluded", "argues", "claims", "warns",
                                "notes", "explains", "writes", "recalled"}
PARTICIPLE = re.compile(r",\s+(?P<cue>saying|adding|admitting|insisting|arguing|claiming|warning|noting)"
                        r"\s+(?:that\s+)?")
# Between a subject and its verb: adverbs, auxiliaries, a time, an appositive (", the envoy,").
GAP = re.compile(
    r"(?:\s*,[^;\"“”]*,)?(?:\s*(?:also|later|then|further|however|previously|again|first|once|"
    r"has|had|have|would|will|reportedly|publicly|earlier|repeatedly|on|in|at|last|this|"
    r"[A-Z][a-z]+day|morning|night|evening|afternoon)\b,?)*\s*",
)
PREPOSITIONS = {"in", "on", "at", "after", "during", "via", "to", "earlier", "later", "last", "this",
                "before", "from", "through", "over", "with", "while", "when"}
MIN_QUOTE_WORDS = 4


@dataclass
class Quote:
    text: str
    kind: str  # direct_quote | indirect
    speaker_raw: str | None  # the person's name as the article gives it in full; None: unnamed/organisation
    speaker_id: str | None
    role: str | None
    organisation: str | None
    char_start: int
    char_end: int
    cue: str | None
    context: str  # the attribution sentence: pass it to news_dates.statement_date


@dataclass
class Speaker:
    """Who a cue points at: a person of the cast, or just the words (an organisation, "officials")."""
    person: Person | None
    words: str


def find_quotes(text: str, registry: Registry) -> list[Quote]:
    """Direct quotes and indirect statements of an article, in text order."""
    spans = quoted_spans(text)
    cast = Cast(text, spans, registry)
    sentences = sentence_spans(text)
    found = _direct(text, spans, sentences, cast)
    found += _indirect(text, spans, sentences, cast, found)
    return sorted(found, key=lambda q: q.char_start)


# -- direct quotes --------------------------------------------------------------------------------

def _direct(text: str, spans: list[Span], sentences: list[Span], cast: Cast) -> list[Quote]:
    quotes: list[Quote] = []
    by_span: dict[Span, tuple[Speaker, str, str]] = {}
    for span in spans:
        attribution = _attribute_span(text, span, spans, sentences, cast)
        if attribution:
            by_span[span] = attribution
    previous: tuple[Speaker, str, str] | None = None
    for span in spans:
        attribution = by_span.get(span) or _borrowed(text, span, spans, by_span, previous)
        if attribution and _words(text[span.start:span.end]) >= MIN_QUOTE_WORDS:
            speaker, cue, context = attribution
            quotes.append(_quote(text[span.start:span.end], "direct_quote", speaker, span, cue, context))
        previous = attribution if attribution else (None if _outside_words(text, span) else previous)
    return quotes


def _attribute_span(text, span, spans, sentences, cast):
    """A cue right after the quote (`," said X`) or before it in the same sentence (`X said: "`)."""
    after = _segment_after(text, span, spans, sentences)
    before = _segment_before(text, span, spans, sentences)
    for segment, prefer_before in ((after, True), (before, True)):
        for cue in CUE.finditer(text, segment.start, segment.end):
            speaker = _speaker_at(text, segment, cue, cast)
            if speaker:
                sentence = _sentence_of(sentences, cue.start())
                return speaker, cue.group(0), text[sentence.start:sentence.end]
    return None


def _borrowed(text, span, spans, by_span, previous):
    """An unattributed quote takes the speaker of a quote in its paragraph, or of the paragraph
    before when the whole paragraph is a quote (the speaker goes on talking)."""
    para = _paragraph_of(text, span.start)
    same = [by_span[s] for s in spans if s in by_span and para.start <= s.start < para.end]
    if same:
        return same[-1]
    if previous and not _outside_words(text, span):
        return previous
    return None


def _outside_words(text: str, span: Span) -> bool:
    """Whether the quote's paragraph(s) hold words outside the quote."""
    first, last = _paragraph_of(text, span.start), _paragraph_of(text, max(span.end - 1, span.start))
    outside = text[first.start:span.start] + text[span.end:last.end]
    return bool(re.search(r"[A-Za-z]{2,}", outside))


def _segment_after(text, span, spans, sentences) -> Span:
    end = _sentence_of(sentences, span.end).end
    para = _paragraph_of(text, span.end)
    nxt = [s.start for s in spans if s.start >= span.end]
    return Span(span.end, min([end, para.end, *nxt]))


def _segment_before(text, span, spans, sentences) -> Span:
    start = _sentence_of(sentences, max(span.start - 2, 0)).start
    para = _paragraph_of(text, span.start)
    prev = [s.end for s in spans if s.end <= span.start]
    return Span(max([start, para.start, *prev]), span.start)


# -- indirect statements --------------------------------------------------------------------------

def _indirect(text, spans, sentences, cast, direct: list[Quote]) -> list[Quote]:
    quotes = []
    for sentence in sentences:
        if any(_overlaps(s, sentence) and _words(text[s.start:s.end]) >= MIN_QUOTE_WORDS for s in spans):
            continue
        found = _reported_clause(text, sentence, cast)
        if found:
            clause, speaker, cue = found
            quotes.append(_quote(text[clause.start:clause.end].strip(), "indirect", speaker, clause, cue,
                                 text[sentence.start:sentence.end]))
    return quotes


def _reported_clause(text, sentence: Span, cast):
    """(clause, speaker, cue) for "X said (that) …", "…, X said." or "…, saying …" in a sentence."""
    for cue in CUE.finditer(text, sentence.start, sentence.end):
        speaker = _speaker_at(text, Span(sentence.start, cue.start()), cue, cast, before_only=True)
        clause = speaker and _clause_after(text, cue, sentence)
        if clause:
            return clause, speaker, cue.group(0)
        inverted = _inverted(text, sentence, cue, cast)
        if inverted:
            return inverted
    participle = PARTICIPLE.search(text, sentence.start, sentence.end)
    if participle:
        speaker = _sentence_subject(text, Span(sentence.start, participle.start()), cast)
        if speaker:
            return Span(participle.end(), sentence.end), speaker, participle.group("cue")
    return None


def _clause_after(text, cue: re.Match, sentence: Span) -> Span | None:
    verb = cue.group(0)
    rest = text[cue.end():sentence.end]
    words = rest.split()
    if not words or verb not in THAT_CUES:
        return None
    skip = 0
    if verb in ("told", "tells"):
        that = [i for i, w in enumerate(words[:10]) if w == "that"]
        skip = that[0] if that else (2 if words[0].lower() in ("the", "a", "an") else 1)
    elif words[0].lower() in PREPOSITIONS:
        that = [i for i, w in enumerate(words[:9]) if w == "that"]
        if not that:
            return None
        skip = that[0]
    if skip < len(words) and words[skip] == "that":
        skip += 1
    elif verb not in BARE_CLAUSE_CUES:
        return None
    clause_words = words[skip:]
    if len(clause_words) < MIN_QUOTE_WORDS or not re.match(r"[\w“\"‘']", clause_words[0]):
        return None
    offset = cue.end() + _offset_of_word(rest, skip)
    return Span(offset, sentence.end)


def _inverted(text, sentence: Span, cue: re.Match, cast):
    """"…, Hege said." / "…, he said, …" / "…, says John Petrides, …": the clause comes first."""
    head = text[sentence.start:cue.start()]
    comma = head.rfind(",")
    if comma < 0 or _words(head[:comma]) < MIN_QUOTE_WORDS:
        return None
    tail = text[cue.end():sentence.end]
    subject_span = Span(sentence.start + comma + 1, cue.start())
    speaker = None
    if text[subject_span.start:subject_span.end].strip():
        speaker = _speaker_at(text, subject_span, cue, cast, before_only=True)
    elif re.match(r"\s*[A-Z]", tail):
        speaker = _speaker_at(text, Span(cue.end(), sentence.end), cue, cast, after_only=True)
    if not speaker or not re.match(r"\s*(?:[,.;]|$|(?:in|on|at|via|after|during|of|to)\b)", _after_name(tail)):
        return None
    if re.match(r"\s*,", tail) and _words(tail) >= MIN_QUOTE_WORDS and not re.match(r"\s*,\s*(?:offering|adding|saying|referring|citing|according)", tail):
        clause = Span(sentence.start, sentence.end)  # a parenthetical "…, he said, …"
    else:
        clause = Span(sentence.start, sentence.start + comma)
    return clause, speaker, cue.group(0)


def _after_name(tail: str) -> str:
    """The words after an inverted cue's subject ("says John Petrides, portfolio …" → ", portfolio …")."""
    match = re.match(r"\s*(?:[A-Z][\w'’.-]*\s*)*", tail)
    return tail[match.end():] if match else tail


# -- speakers -------------------------------------------------------------------------------------

def _speaker_at(text, segment: Span, cue: re.Match, cast: Cast, before_only=False, after_only=False):
    """The speaker of a cue: the nearest subject before it (allowing an appositive and adverbs
    between), else the name right after it ("said White House Press Secretary Stephanie Grisham")."""
    if not after_only:
        prefix_start = segment.start if segment.start < cue.start() else cue.start()
        for cand in reversed(candidates(text, prefix_start, cue.start())):
            gap = text[cand.end:cue.start()]
            if GAP.fullmatch(gap) and (cand.kind != "token" or "," not in gap):
                person = cast.resolve(cand, cue.start())
                if person or cand.kind in ("run", "role"):
                    return Speaker(person, cand.words)
    if before_only:
        return None
    after = candidates(text, cue.end(), min(segment.end if segment.end > cue.end() else cue.end() + 120,
                                            cue.end() + 120))
    if after and re.fullmatch(r"\s*(?:the\s+)?", text[cue.end():after[0].start]):
        cand = after[0]
        return Speaker(cast.resolve(cand, cue.start()), cand.words)
    return None


def _sentence_subject(text, head: Span, cast: Cast) -> Speaker | None:
    """The person a sentence is about: its first resolvable name or pronoun."""
    for cand in candidates(text, head.start, head.end):
        person = cast.resolve(cand, head.start)
        if person:
            return Speaker(person, cand.words)
    return None


def _quote(words, kind, speaker: Speaker, span: Span, cue, context) -> Quote:
    person = speaker.person
    return Quote(
        text=words, kind=kind,
        speaker_raw=person.name if person else None,
        speaker_id=person.speaker_id if person else None,
        role=person.role if person else None,
        organisation=person.organisation if person else (speaker.words or None),
        char_start=span.start, char_end=span.end, cue=cue, context=context.strip(),
    )


# -- small helpers --------------------------------------------------------------------------------

def _words(text: str) -> int:
    return len(re.findall(r"[\w'’-]+", text))


def _offset_of_word(text: str, index: int) -> int:
    matches = list(re.finditer(r"\S+", text))
    return matches[index].start() if index < len(matches) else len(text)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _sentence_of(sentences: list[Span], offset: int) -> Span:
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    return Span(offset, offset)


def _paragraph_of(text: str, offset: int) -> Span:
    for para in paragraphs(text):
        if para.start <= offset <= para.end:
            return para
    return Span(offset, offset)

