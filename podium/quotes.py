"""Quotes and reported statements in news reports, each with its speaker.

`find_quotes(text, registry)` reads an article's clean text (paragraphs separated by newlines)
and returns its direct quotes and indirect statements ("X said that …"). Speakers are found
near a speech verb (the cue): a name before or after it ("said X", "X asserted"), with the
titles and roles the text gives; pronouns ("she added"), surnames, given names used by mistake
("Ning told a briefing") and role nouns ("the spokeswoman") are resolved to the article's
people (its cast: full names with the titles and roles the text gives them), then to the
speakers registry.

The parts: podium.quote_spans (paragraphs, sentences, quote marks, speech verbs), podium.people
(the article's people and the speaker of a cue), and here the reading of an article in order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from podium.people import ROLE_NOUNS, Attribution, Cast, candidates
from podium.quote_spans import (BARE_CLAUSE_CUES, CUE, INVERTED_CUES, PARTICIPLE, PREPOSITIONS, THAT_CUES,
                                Span, is_label, offset_of_word, outside_words, overlaps, paragraphs,
                                quoted_spans, segment_after, segment_before, sentence_of, sentence_spans,
                                word_count)
from podium.speakers import Registry
from podium.subjects import sentence_subject, speaker_at

MIN_QUOTE_WORDS = 4
# A police or court report names private people with their age and home address ("Elizabeth A.
# Burton, 32, of 1119 Eighth St.", "Christopher D. Battin, 33, who resides at 2134 Caldwell Place").
PERSONAL_RECORD = re.compile(
    r"\b[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][\w'’-]+)+,? \d{1,3}, (?:of|who (?:lives|lived|resides|resided) (?:at|on)) "
    r"\d{1,5} (?:[NSEW]\. )?(?:[A-Z0-9][\w'’-]* ){1,3}"
    r"(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Pl|Place|Ct|Court|Way|Terrace|Parkway)\b")


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


def find_quotes(text: str, registry: Registry) -> list[Quote]:
    """Direct quotes and indirect statements of an article, in text order."""
    paras = paragraphs(text)
    every = quoted_spans(text, paras)
    spans = [s for s in every if not is_label(text, s)]
    sentences = sentence_spans(text, spans, paras)
    # the cast reads sentences around every quoted span: names inside quoted titles ("Black Water")
    # are nobody, and a full stop inside one ends no sentence
    cast_sentences = sentences if len(spans) == len(every) else sentence_spans(text, every, paras)
    cast = Cast(text, every, registry, cast_sentences)
    found = _Reader(text, spans, sentences, paras, cast).read()
    if is_police_report(text):
        return [q for q in found if q.kind == "direct_quote"]
    return found


def is_police_report(text: str) -> bool:
    """A police blotter or court report: it gives a private person's age and home address. Its
    unquoted "…, Harris said" sentences are the police's account of arrests and searches, each
    attributed to the spokesman as a source, not statements of his: only the words a report puts
    in quote marks are kept from it."""
    return PERSONAL_RECORD.search(text) is not None


# -- reading an article in order -----------------------------------------------------------------

class _Reader:
    """Walks the sentences in order so that each statement's speaker is known to the next one
    ("she added" after "Williams said …")."""

    def __init__(self, text: str, spans: list[Span], sentences: list[Span], paras: list[Span], cast: Cast):
        self.text, self.spans, self.sentences, self.paras, self.cast = text, spans, sentences, paras, cast
        self.by_span: dict[Span, tuple[Attribution, str, str]] = {}
        self.last: tuple[tuple[Attribution, str, str], int] | None = None  # (attribution, paragraph)
        self.found: list[Quote] = []

    def read(self) -> list[Quote]:
        for sentence in self.sentences:
            inside = [s for s in self.spans if sentence.start <= s.start < sentence.end]
            for span in inside:
                self._direct(span)
            self._indirect(sentence, [s for s in self.spans if overlaps(s, sentence) and self._long(s)])
        return sorted(self.found, key=lambda q: q.char_start)

    def _long(self, span: Span) -> bool:
        return word_count(self.text[span.start:span.end]) >= MIN_QUOTE_WORDS

    def _para_index(self, offset: int) -> int:
        return next((i for i, p in enumerate(self.paras) if p.start <= offset <= p.end), -1)

    def _direct(self, span: Span) -> None:
        attribution = (_attribute_span(self.text, span, self.spans, self.sentences, self.paras, self.cast)
                       or self._borrowed(span))
        if not attribution:
            return
        self.by_span[span] = attribution
        self.last = attribution, self._para_index(span.end)
        self.cast.spoke(span.start, attribution[0].person)
        if self._long(span):
            speaker, cue, context = attribution
            words = re.sub(r"\s*\n+\s*[“\"‘]?", " ", self.text[span.start:span.end]).strip()
            self.found.append(_quote(words, "direct_quote", speaker, span, cue, context))

    def _borrowed(self, span: Span):
        """An unattributed quote takes the speaker of another quote in its paragraph, or of the
        statement just before when its paragraph is nothing but the quote (the speaker goes on)."""
        para = self.paras[self._para_index(span.start)]
        same = [s for s in self.spans if para.start <= s.start < para.end and s != span]
        for other in sorted(same, key=lambda s: (s.start > span.start, -s.start if s.start < span.start else s.start)):
            found = self.by_span.get(other) or _attribute_span(self.text, other, self.spans, self.sentences,
                                                               self.paras, self.cast)
            if found:
                return found
        ends_sentence = re.search(r"[.!?…][’']?\s*$", self.text[span.start:span.end])
        if self.last and self.last[1] == self._para_index(span.start) - 1 and ends_sentence \
                and not outside_words(self.text, span, self.paras):
            return self.last[0]
        # '…, according to Zhao. "Countries in the region should be more on the lookout."': a whole
        # quoted sentence after a statement in its paragraph goes on with that statement
        whole = re.search(r"[.!?][”\"’']?\s+[“\"‘']$", self.text[para.start:span.start]) and \
            re.match(r"[”\"’']?\s*$", self.text[span.end + 1:para.end])
        if self.last and self.last[1] == self._para_index(span.start) and ends_sentence and whole:
            return self.last[0]
        return None

    def _indirect(self, sentence: Span, quotes: list[Span]) -> None:
        if not quotes:
            pieces = [(sentence, "all")]
        else:
            head = _before_quote(self.text, Span(sentence.start, quotes[0].start))
            pieces = [(head, "head")] if head else []
            pieces.append((Span(quotes[-1].end + 1, sentence.end), "tail"))
        for piece, part in pieces:
            found = _reported_clause(self.text, piece, self.cast, part,
                                     self.by_span.get(quotes[-1]) if quotes else None)
            if found:
                clause, speaker, cue = found
                context = self.text[sentence.start:sentence.end]
                self.found.append(_quote(self.text[clause.start:clause.end].strip(), "indirect", speaker,
                                         clause, cue, context))
                self.last = (speaker, cue, context), self._para_index(sentence.start)
                self.cast.spoke(clause.start, speaker.person)
                self._adding(clause, piece, speaker, context)

    def _adding(self, clause: Span, piece: Span, speaker, context: str) -> None:
        """"…, she said, adding that the treaty is still of great significance": a second statement
        of the same speaker after the one just read."""
        after = PARTICIPLE.search(self.text, clause.end, piece.end)
        if not after or not speaker.person or word_count(self.text[after.end():piece.end]) < MIN_QUOTE_WORDS:
            return
        if any(overlaps(Span(after.end(), piece.end), Span(q.char_start, q.char_end)) for q in self.found):
            return
        added = Span(after.end(), piece.end)
        self.found.append(_quote(self.text[added.start:added.end].strip(), "indirect", speaker, added,
                                 after.group("cue"), context))


def _before_quote(text: str, piece: Span) -> Span | None:
    """The part of a sentence before a quote when it ends a reported clause
    ("Liu said that the army could be deployed, warning: “…")."""
    match = re.search(r"[,:;]\s*(?:(?:warning|saying|adding|noting|declaring)\s*[:,]?\s*)?[“\"]?$",
                      text[piece.start:piece.end])
    return Span(piece.start, piece.start + match.start()) if match else None


def _attribute_span(text, span, spans, sentences, paras, cast):
    """A cue right after the quote (`," said X`) or before it in the same sentence (`X said: "`)."""
    for segment in (segment_after(text, span, spans, sentences, paras),
                    segment_before(text, span, spans, sentences, paras)):
        for cue in CUE.finditer(text, segment.start, segment.end):
            speaker = speaker_at(text, segment, cue, cast)
            if speaker:
                sentence = sentence_of(sentences, cue.start())
                return speaker, cue.group(0), text[sentence.start:sentence.end]
    return None


# -- indirect statements --------------------------------------------------------------------------

ACCORDING_TO = re.compile(r"(?:,\s*|\s+)according to\s+")
LEADING_ACCORDING_TO = re.compile(r"\s*According to\s+")


def _according_to(text, piece: Span, cast):
    """(clause, speaker, cue) for "…, according to Zhao." and "According to Zhao, …"."""
    match = (LEADING_ACCORDING_TO.match(text, piece.start, piece.end)
             or ACCORDING_TO.search(text, piece.start, piece.end))
    if not match:
        return None
    named = candidates(text, match.end(), min(piece.end, match.end() + 80))
    if not named or named[0].start != match.end() or named[0].kind not in ("run", "token", "pronoun"):
        return None
    if re.match(r"\s+(?:of|at|from)\s", text[named[0].end:named[0].end + 6]):
        return None  # "according to Sui-Lee Wee of the New York Times": a reporter's account, cited
    person = cast.resolve(named[0], match.start(), create=False)
    leading = match.group(0).strip().startswith("According")
    clause = Span(named[0].end + 1, piece.end) if leading else Span(piece.start, match.start())
    if not person or word_count(text[clause.start:clause.end]) < MIN_QUOTE_WORDS:
        return None
    return clause, Attribution(person, named[0].words), "according to"


def _reported_clause(text, piece: Span, cast, part="all", quoted=None):
    """(clause, speaker, cue) for "X said (that) …", "…, X said.", "…, saying …" or "…, according
    to X" in a sentence (`part`: the whole sentence, the head before a quote or the tail after it)."""
    if part == "all":
        found = _according_to(text, piece, cast)
        if found:
            return found
    if part != "tail":
        for cue in CUE.finditer(text, piece.start, piece.end):
            head = Span(piece.start, cue.start())
            # "…, said Lt. Matt Harris, spokesman.": a cue right after a comma names its speaker
            # after it, and the clause is before; read forward, the name would pass for the clause
            if part == "all" and text[head.start:head.end].rstrip().endswith(","):
                inverted = _inverted(text, piece, cue, cast)
                if inverted:
                    return inverted
            speaker = speaker_at(text, head, cue, cast, before_only=True) or _elided(text, head, cast)
            clause = speaker and speaker.person and _clause_after(text, cue, piece)
            if clause:
                return clause, speaker, cue.group(0)
            inverted = part == "all" and _inverted(text, piece, cue, cast)
            if inverted:
                return inverted
    participle = PARTICIPLE.search(text, piece.start, piece.end)
    if participle and word_count(text[participle.end():piece.end]) >= MIN_QUOTE_WORDS:
        speaker = quoted[0] if quoted else sentence_subject(text, Span(piece.start, participle.start()), cast)
        if speaker and speaker.person:
            return Span(participle.end(), piece.end), speaker, participle.group("cue")
    return None


def _elided(text, head: Span, cast) -> Attribution | None:
    """"…, but said SpaceX would …": the subject is the sentence's."""
    if re.search(r"\b(?:but|and)\s+(?:also\s+)?$", text[head.start:head.end]):
        return sentence_subject(text, head, cast)
    return None


# What may stand between a speech verb and the clause it reports: when and where it was said
# ("said on Friday", "said at a regular press briefing on Monday"), whom it was told to ("told
# reporters", "told a daily briefing"), a comma ("said, they had asked …").
SETTING = re.compile(
    r"(?:\s*,(?=\s+(?:they|we|he|she|it|there|the|its|their)\s)|\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday)\b,?"
    r"|\s+(?:at|during|in)\s+(?:a|an|the|his|her|its|their|Monday's|Tuesday's|Wednesday's|Thursday's|Friday's)"
    r"\s+(?:[\w'’-]+\s+){0,3}?(?:briefing|conference|interview|meeting|session|presser)\b,?)")
AUDIENCE = re.compile(r"\s+(?:(?:a|an|the)\s+(?:[\w'’-]+\s+){0,3}?(?:briefing|conference|presser|newspaper|"
                      r"interviewer|audience)|reporters|journalists|the media|media|newsmen|lawmakers)\b,?")


def _setting_end(text: str, start: int, end: int, told: bool) -> int:
    """Where the clause after a speech verb can begin, past its setting (SETTING, AUDIENCE)."""
    pos, moved = start, True
    while moved:
        moved = False
        for pattern in (SETTING, AUDIENCE) if told else (SETTING,):
            match = pattern.match(text, pos, end)
            if match and match.end() > pos:
                pos, moved = match.end(), True
    return pos


def _clause_after(text, cue: re.Match, sentence: Span) -> Span | None:
    verb = cue.group(0)
    if verb not in THAT_CUES:
        return None
    told = verb in ("told", "tells")
    start = _setting_end(text, cue.end(), sentence.end, told)
    set_apart = start > cue.end()
    rest = text[start:sentence.end]
    words = rest.split()
    if not words:
        return None
    skip = 0
    if told and not set_apart:
        that = [i for i, w in enumerate(words[:10]) if w == "that"]
        skip = that[0] if that else (2 if words[0].lower() in ("the", "a", "an") else 1)
        if not that and words[skip:skip + 1] == ["to"]:
            return None  # "told the man to remove …": an instruction, not a statement
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
    return Span(start + offset_of_word(rest, skip), sentence.end)


def _inverted(text, sentence: Span, cue: re.Match, cast):
    """"…, Hege said." / "…, he said, …" / "…, says John Petrides, …": the clause comes first."""
    head = text[sentence.start:cue.start()]
    comma = head.rfind(",")
    if cue.group(0) not in INVERTED_CUES or comma < 0 or word_count(head[:comma]) < 3:
        return None
    tail = text[cue.end():sentence.end]
    subject_span = Span(sentence.start + comma + 1, cue.start())
    speaker = None
    if text[subject_span.start:subject_span.end].strip():
        speaker = speaker_at(text, subject_span, cue, cast, before_only=True)
    elif re.match(r"\s*[A-Z]", tail):
        speaker = speaker_at(text, Span(cue.end(), sentence.end), cue, cast, after_only=True)
    if not speaker or not speaker.person or not AFTER_INVERTED_NAME.match(_after_name(tail)):
        return None
    if re.match(r"\s*,", tail) and word_count(tail) >= MIN_QUOTE_WORDS and not PARENTHETICAL_END.match(tail):
        clause = Span(sentence.start, sentence.end)  # a parenthetical "…, he said, …"
    else:
        clause = Span(sentence.start, sentence.start + comma)
    return clause, speaker, cue.group(0)


# What may follow the speaker of an inverted cue: the sentence's end, a time or place, or whom
# she told ("…, Hua told reporters on Monday", "…, Geng told a regular press briefing").
AFTER_INVERTED_NAME = re.compile(
    r"\s*(?:[,.;]|$|(?:in|on|at|via|after|during|without|when|while|before|as|in response|responding|speaking)\b"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday)\b"
    r"|(?:(?:a|the|an)\s+)?(?:[\w-]+\s+){0,3}(?:briefing|conference|reporters|journalists|media|press|newsmen|lawmakers)\b)")
PARENTHETICAL_END = re.compile(r"\s*,\s*(?:offering|adding|saying|referring|citing|according|as|who|in|on|at|via)\b")


def _after_name(tail: str) -> str:
    """The words after an inverted cue's subject ("says John Petrides, portfolio …" → ", portfolio …")."""
    match = NAME_WITH_TITLE.match(tail)
    return tail[match.end():] if match else tail


# A name with its title before it: "Chinese Foreign Ministry spokesperson Zhao Lijian".
NAME_WITH_TITLE = re.compile(rf"\s*(?:(?:[A-Z][\w'’.-]*|(?:{ROLE_NOUNS})(?=\s+[A-Z]))\s*)*")


def _quote(words, kind, speaker: Attribution, span: Span, cue, context) -> Quote:
    person = speaker.person
    return Quote(
        text=words, kind=kind,
        speaker_raw=person.name if person else None,
        speaker_id=person.speaker_id if person else None,
        role=person.role if person else None,
        organisation=person.organisation if person else (speaker.words or None),
        char_start=span.start, char_end=span.end, cue=cue, context=context.strip(),
    )
