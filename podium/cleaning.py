"""Cleaning extracted article text, one line (paragraph) at a time.

Every rule here is about a line on its own, never about a particular site: a line is dropped when it
is empty of words, repeats the headline, or is a known kind of page furniture that extractors let
through (share and follow prompts, "Advertisement", "Read more"/"Related" links, newsletter and
cookie prompts, photo credits and copyright lines). Each rule was kept only because it raised the
mean F1 on the article-extraction benchmark (see bench/extraction.py).
"""
from __future__ import annotations

import functools
import re

from podium.html import clean_text

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A line with no letters or digits: separators ("___", "* * *", "|---|---|"), stray bullets.
NO_WORDS = re.compile(r"^\W*$")
# Page furniture: a label alone on its line ("Advertisement", "DON'T MISS", "More:") or a label, a
# colon or bar, then a link's title ("Related: …", "SEE MORE: …", "Source: Al Jazeera").
LABEL = (r"advertisement|sponsored(?: content)?|related(?: stories| articles| content| coverage| links)?|"
         r"see (?:more|also)|read (?:more|next|also)|more|also|don'?t miss|recommended(?: for you| stories)?|"
         r"trending(?: now)?|filed under|tags?|topics|source|share|tweet|email|print|comments|"
         r"image caption|media caption|newsletter")
LABEL_LINE = re.compile(rf"^(?:{LABEL})\s*(?:[.:|»›>…-]+|\.\.\.)?\s*$|^(?:{LABEL})\s*[:|»›]\s*\S",
                        re.IGNORECASE)
# A prompt to the reader that starts a line: share, follow, subscribe, comment, cookies, reading time.
PROMPT_START = re.compile(
    r"^(?:story continues below advertisement|share (?:this|on|via)\b|follow (?:us|\w+(?: \w+)?) on\b|"
    r"subscribe\b|sign up\b|get (?:the latest|our)\b|most (?:read|popular|viewed)\b|"
    r"you (?:may|might) (?:also )?like\b|tell us what you think|leave a (?:comment|reply)\b|"
    r"\d+ comments?$|we use cookies\b|accept (?:all )?cookies\b|\d+ min(?:ute)?s? read\b)",
    re.IGNORECASE,
)
BOILERPLATE_MAX_WORDS = 14
# Photo credits and copyright notices: short lines that carry a credit mark.
CREDIT = re.compile(r"©|\bcopyright\b|\(?\b(?:photo|image|picture)s?(?: credit)?:|\bgetty images\b|"
                    r"\bphoto(?:graph)? by\b|\ball rights reserved\b", re.IGNORECASE)
CREDIT_MAX_WORDS = 15


def normalise_line(line: str) -> str:
    """NFC, no zero-width characters, one space between words, no space at either end."""
    return clean_text(ZERO_WIDTH.sub("", line))


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def is_boilerplate(line: str, headlines: frozenset[str] = frozenset()) -> bool:
    """Whether a (normalised) line is page furniture rather than article text."""
    words = len(line.split())
    return bool(
        NO_WORDS.match(line)
        or _key(line) in headlines
        or (words <= BOILERPLATE_MAX_WORDS and (LABEL_LINE.match(line) or PROMPT_START.match(line)))
        or (words <= CREDIT_MAX_WORDS and CREDIT.search(line))
    )


def clean_body(text: str, headlines: tuple[str, ...] | list[str] = ()) -> str:
    """An extracted body, one normalised paragraph a line, without boilerplate lines.

    `headlines` are the page's own titles (<h1>, og:title, <title>): a line that only repeats one of
    them is the headline printed above the article, not its text."""
    known = frozenset(_key(h) for h in headlines if h and h.strip())
    lines = (normalise_line(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line and not is_boilerplate(line, known))


# -- language of a document's text ---------------------------------------------------------------

# jusText's stop-word lists (installed with trafilatura) named by ISO 639-1 code, for the languages of
# the ministries and news podium reads (some other lists, e.g. Finnish and Uzbek, hold so many
# foreign words that they outscore Portuguese on Portuguese text). The declared
# `<html lang>` is wrong often enough (a German template around English news, a site-wide "en") that
# the text decides when it clearly can.
STOPLISTS = {
    "ar": "Arabic", "bg": "Bulgarian", "cs": "Czech", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "fa": "Persian", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ms": "Malay", "nl": "Dutch", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sr": "Serbian", "sv": "Swedish", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
}
WORD = re.compile(r"[^\W\d_]+")
SAMPLE_WORDS = 400       # the first words are enough to tell a language
MIN_WORDS = 20           # fewer than this: too little text to overrule the page's declaration
MIN_STOPWORD_SHARE = 0.2  # running text in a listed language has far more stop words than this
CLOSE_ENOUGH = 0.8       # a declared language this close to the best is kept (Malay/Indonesian, …)
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
HAN = re.compile(r"[\u4e00-\u9fff]")
CJK_SHARE = 0.3          # text whose letters are mostly CJK is told by its script, not stop words


@functools.cache
def _stopwords(code: str) -> frozenset[str]:
    import justext  # imported late: only language detection needs it

    return frozenset(justext.get_stoplist(STOPLISTS[code]))


def _script_language(text: str) -> str | None:
    sample = text[:2000]
    letters = sum(c.isalpha() for c in sample) or 1
    kana, hangul, han = (len(p.findall(sample)) for p in (KANA, HANGUL, HAN))
    if (kana + hangul + han) / letters < CJK_SHARE:
        return None
    return "ja" if kana else "ko" if hangul > han else "zh"


def text_language(text: str, declared: str | None = None) -> str | None:
    """The ISO 639-1 code of the text's language by its share of stop words (or its script, for
    Chinese, Japanese and Korean); None when the text is too short or no language stands out.
    A declared language that scores nearly as well as the best is kept."""
    if script := _script_language(text):
        return script
    words = [w.lower() for w in WORD.findall(text)[:SAMPLE_WORDS]]
    if len(words) < MIN_WORDS:
        return None
    shares = {code: sum(w in _stopwords(code) for w in words) / len(words) for code in STOPLISTS}
    best = max(shares, key=shares.get)
    if shares[best] < MIN_STOPWORD_SHARE:
        return None
    if declared in shares and shares[declared] >= CLOSE_ENOUGH * shares[best]:
        return declared
    return best
