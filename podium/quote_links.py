"""Which briefing answer a news quote reports, in the answer's language or across languages.

A quote is compared only with answers of the same speaker given within a few days of the day the
quote was said (storage/links.py reads them; the flow's link step passes them to choose_links).
Per quote and answer language, one answer at most, found the first of these ways that works (a
link's `method`):

- same_language: the quote's words, in order, inside the answer (a direct quote), or nearly all
  of a paraphrase's words in it;
- shared_words: the answer sharing the most telling words and names with the quote (a loose
  translation or a paraphrase), each word weighted by how few of the candidate answers hold it;
- cross_language: the same, with no translation model, for an English quote and a Chinese
  answer: the English glosses of the answer's Chinese words (podium.glossary, CC-CEDICT), the
  countries, organisations and people both name (config/gazetteer.yaml, both scripts), numbers
  written in both, and the report's words around the quote against the question;
- paired_transcript: the other-language twin of a linked answer, where the briefing was
  transcribed in both languages (storage/links.py reads the twins from v_briefing_answers).

By words, a link needs a score and a lead over the runner-up chosen on the link benchmark's dev
half (bench/links.py), and a few shared words: a missing link beats a wrong one. Every link
carries its evidence: the shared words, names and numbers.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

from podium.glossary import english_stems, glossed_stems, stem
from podium.mentions import mentions_in

MIN_SCORE = 0.85  # a passage: below it a quote and an answer share words, not a passage
MIN_QUOTE_CHARS = 20  # shorter quotes ("we oppose it") match too many answers
# By words (bench/links.py, chosen on the dev half: link precision 0.98 there): the best answer
# must score this much and beat the next one by the margin.
WORDS_MIN_SCORE = 0.35
WORDS_MARGIN = 0.06
ENTITY_WEIGHT = 0.3  # of a words score; the rest is the words themselves
QUESTION_WEIGHT = 0.2  # the quote's paragraph against the question (a bonus)
MIN_SHARED_WORDS = 3  # fewer, and a day's difference alone could make the margin
DAY_PENALTY = 0.1  # per day between the quote's date and the answer's
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
# How a link was made: the quote's words in order in the answer; the answer's words; its glosses.
SAME_LANGUAGE, SHARED_WORDS, CROSS_LANGUAGE = "same_language", "shared_words", "cross_language"
# ... and the other-language twin of a linked answer, where a briefing has both transcripts
PAIRED = "paired_transcript"
METHOD_STRENGTH = (SAME_LANGUAGE, SHARED_WORDS, CROSS_LANGUAGE, PAIRED)  # strongest first
EVIDENCE_WORDS = 8


def containment(quote: str, answer: str, kind: str = "direct_quote") -> float:
    """How well the quote's words appear, in order, somewhere in the answer (0..1).

    Direct quotes are compared character by character against the best-matching stretch of the
    answer; indirect ones (paraphrases) by the share of their words found in the answer."""
    if len(quote) < MIN_QUOTE_CHARS or not answer:
        return 0.0
    if kind == "indirect":
        said, answered = _stems(quote), _stems(answer)
        return len(said & answered) / len(said) if said else 0.0
    return fuzz.partial_ratio(quote.casefold(), answer.casefold()) / 100


def _stems(text: str) -> set[str]:
    return {stem(word) for word in re.findall(r"\w+", text.casefold())}


@dataclass(frozen=True)
class QuoteSide:
    statement_id: str
    kind: str
    text: str
    language: str
    date: dt.date
    context: str = ""  # the quote's paragraph: where the report names what was asked

    @cached_property
    def stems(self) -> set[str]:
        return english_stems(self.text)

    @cached_property
    def entities(self) -> set[str]:
        return entities_in(f"{self.context}\n{self.text}", self.language)

    @cached_property
    def context_stems(self) -> set[str]:
        """The words of the quote's paragraph around it: where a report says what was asked."""
        return english_stems(self.context) - self.stems


@dataclass(frozen=True)
class AnswerSide:
    statement_id: str
    text: str
    question: str | None
    language: str
    date: dt.date

    @cached_property
    def stems(self) -> set[str]:
        return stems_of(self.text, self.language)

    @cached_property
    def entities(self) -> set[str]:
        return entities_in(f"{self.question or ''}\n{self.text}", self.language)

    @cached_property
    def question_stems(self) -> set[str]:
        return stems_of(self.question or "", self.language)


@dataclass(frozen=True)
class Link:
    quote_id: str
    answer_id: str
    score: float
    method: str
    evidence: dict = field(default_factory=dict)
    language: str = ""  # the answer's


def stems_of(text: str, language: str) -> set[str]:
    """English stems of a text: its words, or the glosses of its Chinese words."""
    return glossed_stems(text) if language.startswith("zh") else english_stems(text)


def entities_in(text: str, language: str) -> set[str]:
    return {m.entity_id for m in mentions_in(text, language or "en")}


def choose_links(quotes: list[QuoteSide], candidates: dict[str, list[AnswerSide]],
                 twins: dict[str, tuple[str, str]]) -> list[Link]:
    """Each quote's links to its candidate answers, then to their twins in the other language.
    `twins`: answer id → (its twin's id, the twin's language)."""
    found = [link for quote in quotes for link in links_for(quote, candidates.get(quote.statement_id, []))]
    return through_twins(found, twins)


def through_twins(found: list[Link], twins: dict[str, tuple[str, str]]) -> list[Link]:
    """A quote linked to an answer of a briefing transcribed in both languages is linked to the
    answer's twin in the other language too. Links are taken strongest first (a passage, shared
    words, glosses), one per quote and language, so a pair outranks a weaker match in the twin's
    language."""
    kept, taken = [], set()
    for link in sorted(found, key=lambda k: METHOD_STRENGTH.index(k.method)):
        if (link.quote_id, link.language) in taken:
            continue
        kept.append(link)
        taken.add((link.quote_id, link.language))
        other, language = twins.get(link.answer_id, (None, None))
        if other and (link.quote_id, language) not in taken:
            kept.append(Link(link.quote_id, other, link.score, PAIRED, {**link.evidence, "twin_of": link.answer_id},
                             language))
            taken.add((link.quote_id, language))
    return kept


def links_for(quote: QuoteSide, answers: list[AnswerSide]) -> list[Link]:
    """The quote's links: at most one answer per answer language."""
    links = []
    for language in sorted({a.language for a in answers}):
        same = [a for a in answers if a.language == language]
        found = ((_passage(quote, same) if language == quote.language else None)
                 or _by_words(quote, same, SHARED_WORDS if language == quote.language else CROSS_LANGUAGE))
        if found:
            links.append(found)
    return links


def _passage(quote: QuoteSide, answers: list[AnswerSide]) -> Link | None:
    """The answer holding the quote's words in order; a day between them only breaks ties."""
    scored = [(containment(quote.text, a.text, quote.kind), a) for a in answers]
    score, answer = max(scored, key=lambda pair: (_dated(pair[0], quote, pair[1]), pair[0]), default=(0.0, None))
    if score < MIN_SCORE:
        return None
    shared = sorted(quote.stems & answer.stems, key=len, reverse=True)[:EVIDENCE_WORDS]
    return Link(quote.statement_id, answer.statement_id, round(score, 3), SAME_LANGUAGE,
                {"words": shared, "entities": sorted(quote.entities & answer.entities)}, answer.language)


def _by_words(quote: QuoteSide, answers: list[AnswerSide], method: str) -> Link | None:
    """The answer sharing the most telling words and names with the quote, if it stands out."""
    if len(quote.text) < MIN_QUOTE_CHARS or not quote.stems:
        return None
    weights = _weights(quote, answers)
    scored = sorted(((word_score(quote, a, weights), a) for a in answers), key=lambda pair: -pair[0][0])
    (best, evidence), answer = scored[0]
    runner_up = scored[1][0][0] if len(scored) > 1 else 0.0
    if best < WORDS_MIN_SCORE or best - runner_up < WORDS_MARGIN or len(evidence["words"]) < MIN_SHARED_WORDS:
        return None
    return Link(quote.statement_id, answer.statement_id, round(best, 3), method, evidence, answer.language)


def _weights(quote: QuoteSide, answers: list[AnswerSide]) -> dict[str, float]:
    """A quote word held by few of the candidate answers says more than one all of them hold."""
    count = len(answers)
    return {s: math.log((count + 1) / (0.5 + sum(s in a.stems for a in answers))) + 0.1 for s in quote.stems}


def word_score(quote: QuoteSide, answer: AnswerSide, weights: dict[str, float]) -> tuple[float, dict]:
    """(score 0..1, evidence) of a quote against an answer, in the answer's words or its glosses."""
    words = quote.stems & answer.stems
    covered = sum(weights[s] for s in words) / sum(weights.values())
    named = quote.entities & answer.entities
    unmatched = quote.entities - answer.entities
    agreement = len(named) / len(quote.entities) if quote.entities else 0.5
    numbers = set(NUMBER.findall(quote.text)) & set(NUMBER.findall(answer.text))
    asked = quote.context_stems & answer.question_stems
    score = (1 - ENTITY_WEIGHT) * covered + ENTITY_WEIGHT * agreement + 0.05 * len(numbers) \
        + QUESTION_WEIGHT * len(asked) / (len(quote.context_stems) or 1)
    if unmatched and not named:
        score *= 0.8  # the report names what the answer never does
    evidence = {"words": sorted(words, key=lambda s: -weights[s])[:EVIDENCE_WORDS],
                "entities": sorted(named), "numbers": sorted(numbers)}
    return _dated(min(score, 1.0), quote, answer), evidence


def _dated(score: float, quote: QuoteSide, answer: AnswerSide) -> float:
    """A quote dated a day away from the answer (a report's date is sometimes its own) is still
    that answer's, with less confidence."""
    return score * (1 - DAY_PENALTY * min(abs((quote.date - answer.date).days), 3))
