"""Whether a reported quote is (fuzzily) contained in a briefing answer of the same speaker."""
from __future__ import annotations

import re

from rapidfuzz import fuzz

MIN_SCORE = 0.85  # 0..1; below it a quote and an answer share words, not a passage
MIN_QUOTE_CHARS = 20  # shorter quotes ("we oppose it") match too many answers
_WORD = re.compile(r"\w+")
_SUFFIX = re.compile(r"(ing|ed|es|s)$")  # reported speech shifts tense: "opposes" → "opposed"


def _stems(text: str) -> set[str]:
    return {_SUFFIX.sub("", word) if len(word) > 4 else word for word in _WORD.findall(text.casefold())}


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
