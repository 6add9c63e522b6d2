"""Cleaning extracted article text, one line (paragraph) at a time.

Every rule here is about a line on its own, never about a particular site: a line is dropped when it
is empty of words, repeats the headline, or is a known kind of page furniture that extractors let
through (share and follow prompts, "Advertisement", "Read more"/"Related" links, newsletter and
cookie prompts, photo credits and copyright lines). Each rule was kept only because it raised the
mean F1 on the article-extraction benchmark (see bench/extraction.py) and did not lower it on news
pages the rules were not written for.

Two extractors' bodies are combined line by line (agreed_body): the lines a second extractor also
found are the article; around them, only lines that read as running text are kept.
"""
from __future__ import annotations

import functools
import re
from collections import Counter

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



# -- two extractors' agreement ---------------------------------------------------------------------

TOKEN = re.compile(r"\w+")
SHINGLE = 4               # runs of 4 words: long enough that shared ones are shared text, not phrases
# A line that ends a sentence (also in CJK scripts), perhaps before closing quotes or brackets.
SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
PROSE_MIN_CHARS = 40      # shorter lines are headings, labels and link titles rather than paragraphs
MIN_TEXT_CHARS = 80       # a body shorter than this is no article text
MIN_WITNESS_CHARS = 300   # a second text shorter than this is too little to vouch for lines
VOUCHED = 0.5             # a line the second text shares this much of is one it found too
CONTAINED = 0.8           # a text the second one shares this much of is (nearly) inside it
EDGE_CHARS = 30           # at most this much text before or after the vouched lines is kept whatever it is
# A line ending like this ends its paragraph even when the next starts in lower case.
RUN_ON_END = re.compile(r"[.!?…:。！？]$")


def _shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text)
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def shared_share(text: str, other: Counter) -> float:
    """The share of the text's 4-word runs that also occur in `other` (counts from _shingles)."""
    own = _shingles(text)
    return sum((own & other).values()) / max(1, sum(own.values()))


def is_prose(line: str) -> bool:
    """Whether a line reads as a paragraph of running text: long enough, ending a sentence, and not
    a list item or table row (trafilatura writes those as "- …" and "| … |")."""
    return len(line) >= PROSE_MIN_CHARS and bool(SENTENCE_END.search(line)) and not line.startswith(("- ", "|"))


def agreed_body(text: str, witness: str) -> str:
    """`text`, one paragraph a line, checked against a second extractor's body (`witness`).

    The witness replaces a text that is empty or only a part of it (the first extractor stopped
    early). Otherwise the lines the witness also found mark where the article runs: they and every
    line between them are kept (a witness may skip a paragraph inside the article), and before and
    after them only prose lines (the witness may stop early too). What goes is what page furniture
    mostly is: link lists, headings and table rows around the article that the witness left out."""
    if len(text) < MIN_TEXT_CHARS:
        return max(text, witness, key=len)
    runs = _shingles(witness)
    if len(witness) >= 2 * len(text) and shared_share(text, runs) >= CONTAINED:
        return witness
    if len(witness) < MIN_WITNESS_CHARS:
        return text
    return "\n".join(_vouched_lines(text.splitlines(), witness, runs))


def _vouched_lines(lines: list[str], witness: str, runs: Counter) -> list[str]:
    own_lines = set(witness.splitlines())
    # a line too short for a 4-word run (a date, a place) is vouched for when the witness has it too
    found = [i for i, line in enumerate(lines) if line in own_lines or shared_share(line, runs) >= VOUCHED]
    if not found:  # the witness read some other part of the page: nothing to go by
        return lines
    kept = set(range(found[0], found[-1] + 1))
    for paragraph in _paragraphs(lines):
        if is_prose(" ".join(lines[i] for i in paragraph)):
            kept.update(paragraph)
    # A few characters beyond are the text's own sign-off or dateline ("PUTRAJAYA", "25 JANUARY
    # 2022", "Thank you."), which podium reads dates from; furniture is longer.
    for edge in (range(found[0]), range(found[-1] + 1, len(lines))):
        if sum(len(lines[i]) for i in edge) <= EDGE_CHARS:
            kept.update(edge)
    return [line for i, line in enumerate(lines) if i in kept]


def _paragraphs(lines: list[str]) -> list[list[int]]:
    """Indices of the lines, grouped into paragraphs: hard-wrapped text ("our colleagues, our" /
    "neighbors. Do not …") runs on where a line ends mid-sentence and the next starts in lower case."""
    groups, current = [], []
    for i, line in enumerate(lines):
        current.append(i)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not (following[:1].islower() and not RUN_ON_END.search(line)):
            groups.append(current)
            current = []
    return groups


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
