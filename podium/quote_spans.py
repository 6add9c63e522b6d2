"""Where the words of a news article are: paragraphs, sentences, quoted passages, speech verbs.

The building blocks of podium.quotes. Offsets are into the article's clean text (paragraphs
separated by newlines), as `Span(start, end)`; nothing here knows about people.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# -- speech verbs (cues) ----------------------------------------------------------------------------

CUE_WORDS = (
    "said|says|say|stated|states|insisted|insists|added|adds|told|tells|asserted|asserts|argued|"
    "argues|claimed|claims|warned|warns|noted|notes|explained|explains|commented|comments|"
    "continued|continues|tweeted|wrote|writes|announced|announces|reiterated|confirmed|"
    "acknowledged|admitted|testified|asked|urged|concluded|stressed|emphasized|emphasised|"
    "replied|responded|remarked|declared|denied|maintained|quipped|recalled|underlined|underscored|"
    "highlighted|pointed out|"
    # naming words, attributing only the quote right after their object ('called the boycott "a
    # grave travesty …"'): they never report a clause
    "(?<!so-)called|described|labelled|labeled|branded|dubbed"
)
CUE = re.compile(r"\b(?:" + CUE_WORDS + r")\b")
# Verbs that report a clause without "that" ("Shotwell said Starship will …").
BARE_CLAUSE_CUES = {"said", "says", "say", "stated", "states", "insisted", "insists", "added", "adds",
                    "told", "tells", "asserted", "argued"}
# Verbs that may follow the clause they report ("…, Hege said." / "…, says John Petrides").
INVERTED_CUES = {"said", "says", "added", "adds", "noted", "explained", "argued", "insisted", "wrote",
                 "writes", "continued", "asserted", "stated", "warned", "explains", "notes", "told",
                 "underlined", "stressed", "emphasized", "emphasised", "pointed out", "announced"}
# Verbs that report a clause only with "that" ("Volker reiterated that …").
THAT_CUES = BARE_CLAUSE_CUES | {"pointed out", "underlined", "underscored", "highlighted", "announced",
                                "reiterated", "confirmed", "acknowledged", "admitted",
                                "testified", "denied", "wrote", "tweeted", "stressed", "emphasized",
                                "emphasised", "maintained", "concluded", "argues", "claims", "warns",
                                "notes", "explains", "writes", "recalled", "claimed", "explained",
                                "noted", "warned"}
PARTICIPLE = re.compile(r",\s+(?P<cue>saying|adding|admitting|insisting|arguing|claiming|warning|noting)"
                        r"\s+(?:that\s+)?")
PREPOSITIONS = {"in", "on", "at", "after", "during", "via", "to", "earlier", "later", "last", "this",
                "before", "from", "through", "over", "with", "while", "when", "without", "as", "adding",
                "noting", "citing", "referring", "speaking", "responding"}


# -- paragraphs, quoted spans, sentences ---------------------------------------------------------

@dataclass(frozen=True)
class Span:
    start: int
    end: int


OPENERS = "“\"„"
CLOSERS = "”\""
SINGLE_OPEN = "‘'"
SINGLE_CLOSE = "’'"
# A full stop that ends a sentence: not after a title, an initial or "U.S".
TITLES = "Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Lt|Col|Gen|St|Jr|Sr|Prof|Sgt|Capt|Adm|Rev|Hon"  # abbreviated before names
ABBREVIATION = re.compile(
    rf"(?:\b(?:{TITLES}|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec|No|vs)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])$"
)
BOUNDARY = re.compile(r"[.!?][\"”’']*\s+(?=[\"“‘'A-Z0-9])")


def paragraphs(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]


def quoted_spans(text: str, paras: list[Span] | None = None) -> list[Span]:
    """The inner spans of double-quoted passages. A quote left open at the end of a paragraph
    goes on in the next paragraph when that one opens with a quote mark (news style for a
    multi-paragraph quote); otherwise it ends with its paragraph. "’" after a comma or full stop
    closes a double quote (a common slip: “…,’ he said). `paras`: paragraphs(text), if known."""
    spans, paras, start, nested = [], paragraphs(text) if paras is None else paras, None, False
    for k, para in enumerate(paras):
        pos = para.start
        if start is not None:
            stripped = text[pos:para.end].lstrip()
            pos = para.end - len(stripped) + (1 if stripped[:1] in OPENERS else 0)
        j = pos
        while j < para.end:
            c = text[j]
            if start is None:
                if c in OPENERS:
                    start, nested = j + 1, False
            elif c in CLOSERS:
                spans.append(Span(start, j))
                start = None
            elif c in SINGLE_OPEN and (j == para.start or not text[j - 1].isalnum()) and text[j + 1:j + 2].isalnum():
                nested = True
            elif c in SINGLE_CLOSE and _closes_with_apostrophe(text, j, nested):
                if nested and text[j + 1:j + 2] not in SINGLE_CLOSE:
                    nested = False
                else:
                    spans.append(Span(start, j))
                    start = None
                    j += 1 if text[j + 1:j + 2] in SINGLE_CLOSE else 0
            j += 1
        nxt = paras[k + 1] if k + 1 < len(paras) else None
        if start is not None and not (nxt and text[nxt.start:nxt.end].lstrip()[:1] in OPENERS):
            spans.append(Span(start, para.end))
            start = None
    return sorted(spans + single_quoted_spans(text, paras), key=lambda span: span.start)


# Single quotation marks as the only quotes of a paragraph (British style: 'We oppose it,' she
# said): opened before a capital or digit, closed after punctuation or at a word's end that is
# not a plural's apostrophe ("the countries' interests").
SINGLE_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s:(—–-]))[‘'](?=[A-Z0-9])(?P<inner>[^‘’'\n]*?(?:'[a-z][^‘’'\n]*?)*)"
                           r"(?:(?<=[,.!?])|(?<=[^s\W]))[’'](?=\s|$|[,.;:)—–])")


def single_quoted_spans(text: str, paras: list[Span]) -> list[Span]:
    """Quotes in single quotation marks, in paragraphs that hold no double quotation marks."""
    found = []
    for para in paras:
        if any(c in text[para.start:para.end] for c in OPENERS + CLOSERS):
            continue
        found += [Span(m.start("inner"), m.end("inner"))
                  for m in SINGLE_QUOTED.finditer(text, para.start, para.end)]
    return found


def _closes_with_apostrophe(text: str, j: int, nested: bool) -> bool:
    before, after = text[j - 1:j], text[j + 1:j + 2]
    if before.isalnum() and after.isalnum():
        return False  # an apostrophe: they’re, Weeks’s
    if nested:
        return True
    return before in ",.!?" and (after == "" or after.isspace() or after in SINGLE_CLOSE)


def sentence_spans(text: str, spans: list[Span], paras: list[Span] | None = None) -> list[Span]:
    """Sentences of each paragraph; a full stop inside a quote does not end the sentence around it.
    `paras`: paragraphs(text), if known."""
    sentences = []
    for para in paragraphs(text) if paras is None else paras:
        start = para.start
        for match in BOUNDARY.finditer(text, para.start, para.end):
            stop = match.start()
            # a quote ending in "!" or "?" may go on with its attribution ("…Country!” Trump tweeted");
            # one ending in a full stop ends its sentence (an attribution would follow a comma)
            inside = any(s.start <= stop <= s.end and not (text[stop] == "." and stop >= s.end - 1) for s in spans)
            if ABBREVIATION.search(text[start:stop]) or inside:
                continue
            sentences.append(Span(start, match.end()))
            start = match.end()
        sentences.append(Span(start, para.end))
    return sentences


def outside_words(text: str, span: Span, paras: list[Span]) -> bool:
    """Whether the quote's paragraph(s) hold words outside the quote (`paras`: paragraphs(text))."""
    first, last = paragraph_of(paras, span.start), paragraph_of(paras, max(span.end - 1, span.start))
    outside = text[first.start:span.start] + text[span.end:last.end]
    return bool(re.search(r"[A-Za-z]{2,}", outside))


def segment_after(text, span, spans, sentences, paras) -> Span:
    end = sentence_of(sentences, span.end).end
    para = paragraph_of(paras, span.end)
    nxt = [s.start for s in spans if s.start > span.end]
    return Span(span.end, min([end, para.end, *nxt]))


def segment_before(text, span, spans, sentences, paras) -> Span:
    start = sentence_of(sentences, max(span.start - 2, 0)).start
    para = paragraph_of(paras, span.start)
    prev = [s.end for s in spans if s.end < span.start]
    return Span(max([start, para.start, *prev]), span.start)


def is_label(text: str, span: Span) -> bool:
    """A quoted name, title or slogan, not speech: 'the “Meth. We’re on it.” campaign',
    'After hitting “Takin’ It To the Streets,”'."""
    before = text[max(0, span.start - 40):span.start]
    if re.search(r"\b(?:the|a|an|its|their|his|her|our|this|that)\s+[“\"]$", before):
        # 'asserted that "No other partner …"' and 'while asserting that "…"' report words;
        # 'that "Meth" campaign' names one
        return not re.search(rf"\b(?:{CUE_WORDS}|[a-z]+ing)\s+that\s+[“\"]$", before)
    words = re.findall(r"[\w'’-]+", text[span.start:span.end])
    return 0 < len(words) <= 6 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


# -- small helpers --------------------------------------------------------------------------------

def sentence_initial(text: str, offset: int) -> bool:
    return bool(re.search(r"(?:^|[.!?]\s+|\n\s*)$", text[max(0, offset - 4):offset])) or offset == 0


def word_count(text: str) -> int:
    return len(re.findall(r"[\w'’-]+", text))


def offset_of_word(text: str, index: int) -> int:
    matches = list(re.finditer(r"\S+", text))
    return matches[index].start() if index < len(matches) else len(text)


def overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def sentence_of(sentences: list[Span], offset: int) -> Span:
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    return Span(offset, offset)


def paragraph_of(paras: list[Span], offset: int) -> Span:
    """The paragraph (of `paras`, as paragraphs(text) gives them) holding `offset`."""
    for para in paras:
        if para.start <= offset <= para.end:
            return para
    return Span(offset, offset)

