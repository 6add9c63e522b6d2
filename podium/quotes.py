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
                    "told", "tells", "asserted", "argued"}
# Verbs that may follow the clause they report ("…, Hege said." / "…, says John Petrides").
INVERTED_CUES = {"said", "says", "added", "adds", "noted", "explained", "argued", "insisted", "wrote",
                 "writes", "continued", "asserted", "stated", "warned", "explains", "notes"}
# Verbs that report a clause only with "that" ("Volker reiterated that …").
THAT_CUES = BARE_CLAUSE_CUES | {"announced", "reiterated", "confirmed", "acknowledged", "admitted",
                                "testified", "denied", "wrote", "tweeted", "stressed", "emphasized",
                                "emphasised", "maintained", "concluded", "argues", "claims", "warns",
                                "notes", "explains", "writes", "recalled", "claimed", "explained",
                                "noted", "warned"}
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
class Attribution:
    """Who a cue points at: a person of the cast, or just the words (an organisation, "officials")."""
    person: Person | None
    words: str


def find_quotes(text: str, registry: Registry) -> list[Quote]:
    """Direct quotes and indirect statements of an article, in text order."""
    every = quoted_spans(text)
    spans = [s for s in every if not _is_label(text, s)]
    cast = Cast(text, every, registry)  # names inside quoted titles ("Black Water") are nobody
    return _Reader(text, spans, sentence_spans(text, spans), cast).read()


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
ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Lt|Col|Gen|St|Jr|Sr|Prof|Sgt|Capt|Adm|Rev|Hon|Jan|Feb|Aug|"
    r"Sept|Sep|Oct|Nov|Dec|No|vs)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])$"
)
BOUNDARY = re.compile(r"[.!?][\"”’']*\s+(?=[\"“‘'A-Z0-9])")


def paragraphs(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]


def quoted_spans(text: str) -> list[Span]:
    """The inner spans of double-quoted passages. A quote left open at the end of a paragraph
    goes on in the next paragraph when that one opens with a quote mark (news style for a
    multi-paragraph quote); otherwise it ends with its paragraph. "’" after a comma or full stop
    closes a double quote (a common slip: “…,’ he said)."""
    spans, paras, start, nested = [], paragraphs(text), None, False
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
    return spans


def _closes_with_apostrophe(text: str, j: int, nested: bool) -> bool:
    before, after = text[j - 1:j], text[j + 1:j + 2]
    if before.isalnum() and after.isalnum():
        return False  # an apostrophe: they’re, Weeks’s
    if nested:
        return True
    return before in ",.!?" and (after == "" or after.isspace() or after in SINGLE_CLOSE)


def sentence_spans(text: str, spans: list[Span]) -> list[Span]:
    """Sentences of each paragraph; a full stop inside a quote does not end the sentence around it."""
    sentences = []
    for para in paragraphs(text):
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


# -- the article's people ------------------------------------------------------------------------

TOKEN = (r"(?:(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Lt|Col|Gen|St|Jr|Sr|Prof|Sgt|Capt|Adm|Rev|Hon)\.|(?:[A-Z]\.){2,}"
         r"|[A-Z]\.|[A-Z][a-z][\w'’-]*|[A-Z]'[A-Z][a-z]+)")
RUN = re.compile(rf"(?<![\w.'’-]){TOKEN}(?: {TOKEN})*")
PRONOUN = re.compile(r"\b(?:he|she|they|He|She|They)\b")
ROLE_NOUNS = (
    "spokesperson|spokesman|spokeswoman|minister|diplomat|secretary|ambassador|envoy|president|premier|"
    "chancellor|governor|senator|official|commander|chief|leader|lawmaker|congressman|congresswoman|"
    "singer|guitarist|coach|executive|chairman|chairwoman|director|analyst|lawyer|attorney|negotiator|"
    "researcher|scientist|strategist|founder|officer|general|king|queen|prince|mayor|judge|prosecutor|"
    "manager|adviser|advisor|author|envoy|representative|administrator|commissioner|secretary-general"
)
ROLE = re.compile(rf"\bthe ((?:[a-z-]+ ){{0,3}}(?:{ROLE_NOUNS}))\b")
ORG_NOUN = re.compile(r"\b[Tt]he (?:[a-z-]+ ){0,2}(?:statement|ministry|department|company|group|office|government|"
                      r"agency|military|embassy|council|commission|committee|court|police|report|release|"
                      r"league|army|party|administration|organisers|organizers)\b")
ROLE_BEFORE = re.compile(rf"(?P<org>(?:[A-Z][\w'’.&-]* ){{0,4}})(?P<role>(?:[a-z-]+ ){{0,2}}(?:{ROLE_NOUNS}))\s*$")
ROLE_LEAD = re.compile(rf"((?:[A-Z][\w.'’-]* )*(?:(?:[a-z-]+ )?(?:{ROLE_NOUNS})|[A-Z][\w.'’-]*) (?:of|to) (?:the )?)$")
APPOSITIVE = re.compile(r",\s+(?:the |a |an )?(?P<role>[a-z][a-z -]{2,60}?)(?: (?:of|at|for|in) (?P<org>[^,.;]{2,80}))?[,.]")
TITLE_WORDS = set("""secretary secretary-general minister foreign prime president vice press white house state
spokesperson spokesman spokeswoman general gov governor rep sen senator dr mr mrs ms lt col gen ambassador
chairman chairwoman chair chief executive director director-general deputy assistant special envoy
representative commander administrator team leader premier chancellor king queen prince princess pope
justice judge attorney defense defence home interior affairs counselor councilor councillor sir lord dame
mayor congressman congresswoman speaker officer commissioner admiral captain coach pm national security
adviser advisor sergeant professor prof rev hon ceo founder insider editor correspondent counsel inspector
treasury finance trade energy health education member mp official acting interim senior first lady former
u.s. us uk un eu chinese russian israeli palestinian afghan australian british french german japanese
american indian pakistani iranian ukrainian turkish jordanian saudi egyptian korean european canadian
italian spanish vietnamese taiwanese greenlandic emirates republican democratic democrat britain china
russia france germany japan israel iran india pakistan afghanistan ukraine vietnam qatar turkey beijing
washington moscow london kabul""".split())
ORG_WORDS = set("""ministry department office university committee company inc corp corporation group party
league council commission agency court times news post productions foundation association union bank
police army forces authority organization organisation institute center centre service services
administration assembly parliament congress senate reuters twitter facebook google airlines airline systems
robotics media network museum hospital church school club street road province district city county island
river brothers nations world brands space observatory telescope aerospace""".split())
STOP_WORDS = set("""the a an in on at but and however later during after before when while this that these
those it its both all many some as for if here there we i he she they his her their our meanwhile still yet
also now today yesterday tonight according since despite with without from to of by under over following
among instead so yes no not just only even then although though because earlier last next every each other
another one two three what who why how where oh ok hey monday tuesday wednesday thursday friday saturday
sunday january february march april may june july august september october november december jan feb aug
sept sep oct nov dec""".split())
GENDER_WORDS = {"mr": "m", "spokesman": "m", "chairman": "m", "congressman": "m", "king": "m", "prince": "m",
                "mrs": "f", "ms": "f", "spokeswoman": "f", "chairwoman": "f", "congresswoman": "f",
                "queen": "f", "princess": "f"}
PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f"}


@dataclass(frozen=True)
class Candidate:
    """A possible subject of a cue: a name run, a single name token, a pronoun, a role noun."""
    start: int
    end: int
    kind: str  # run | token | pronoun | role | org
    words: str
    name: str = ""
    title: str = ""


@dataclass(eq=False)
class Person:
    name: str
    role: str | None
    organisation: str | None
    speaker_id: str | None
    votes: dict
    confirmed: bool = False

    @property
    def gender(self) -> str | None:
        m, f = self.votes.get("m", 0), self.votes.get("f", 0)
        return "m" if m > f else "f" if f > m else None

    @property
    def tokens(self) -> list[str]:
        return [t for t in normalise_name(self.name).split() if len(t) > 1 and t not in ("jr", "sr")]


def candidates(text: str, start: int, end: int) -> list[Candidate]:
    found = [c for m in RUN.finditer(text, start, end) for c in _run_candidates(m)]
    found += [Candidate(m.start(), m.end(), "pronoun", m.group(0)) for m in PRONOUN.finditer(text, start, end)]
    found += [Candidate(m.start(), m.end(), "role", m.group(1)) for m in ROLE.finditer(text, start, end)]
    found += [Candidate(m.start(), m.end(), "org", m.group(0)) for m in ORG_NOUN.finditer(text, start, end)]
    return sorted(found, key=lambda c: c.start)


def _run_candidates(match: re.Match) -> list[Candidate]:
    tokens = match.group(0).split(" ")
    offset = match.start()
    while tokens and _bare(tokens[0]) in STOP_WORDS:
        offset += len(tokens.pop(0)) + 1
    if not tokens:
        return []
    cut = next((i for i, t in enumerate(tokens) if re.search(r"['’]s?$", t)), None)
    tokens = tokens if cut is None else tokens[:cut + 1]
    words = " ".join(tokens)
    possessive = re.search(r"['’]s?$", tokens[-1])
    if possessive:
        tokens[-1] = tokens[-1][:possessive.start()]
    titles = max((i + 1 for i, t in enumerate(tokens) if _bare(t) in TITLE_WORDS), default=0)
    name, title = tokens[titles:], " ".join(tokens[:titles])
    end = offset + len(words)
    # "the Office of Human Rights", "a scientist at Goddard", "the Gush Etzion bloc": not people
    part_of_org = not titles and re.search(r"\b(?:of|for|in|at|from|the)\s+(?:the\s+)?$", match.string[max(0, offset - 10):offset])
    if not name or part_of_org or any(_bare(t) in ORG_WORDS for t in name) or re.fullmatch(r"[A-Z.]+", name[-1]):
        return [Candidate(offset, end, "org", words)]
    kind = "possessive" if possessive else "run" if len(name) > 1 else "token"
    return [Candidate(offset, end, kind, words, " ".join(name[-4:]), title)]


def _bare(token: str) -> str:
    return re.sub(r"['’]s?$", "", token).lower().rstrip(".") if token not in ("U.S.",) else "u.s."


class Cast:
    """The people an article names, in the order it names them, with what it says about them."""

    def __init__(self, text: str, spans: list[Span], registry: Registry):
        self.text, self.registry = text, registry
        self.people: list[Person] = []
        self.seen: list[tuple[int, Person]] = []
        self.sentences = sentence_spans(text, spans)
        for cand in candidates(text, 0, len(text)):
            if any(s.start <= cand.start < s.end for s in spans) or cand.kind not in ("run", "token", "possessive"):
                continue
            person = self._mention(cand) if cand.kind == "run" else self._match_token(cand.name)
            if person:
                self.seen.append((cand.start, person))
                if cand.kind != "possessive":
                    self._vote(cand, person)

    def resolve(self, cand: Candidate, pos: int, create: bool = True) -> Person | None:
        person = None
        if cand.kind == "run":
            person = self._mention(cand)
        elif cand.kind == "token":
            person = self._match_token(cand.name) or (self._new(cand.name, None, None, None) if create else None)
        elif cand.kind == "pronoun" and cand.words.lower() != "they":  # "they": a group, not a person
            person = self._recent(pos, PRONOUN_GENDER.get(cand.words.lower()))
        elif cand.kind == "role":
            person = self._by_role(cand.words, pos)
        if person:
            person.confirmed = True
            self.seen.append((cand.start, person))
        return person

    def _mention(self, cand: Candidate) -> Person:
        role, organisation = self._role_of(cand)
        person = self._find(cand.name)
        if person is None:
            speaker = self._registered(cand.name)
            person = self._new(cand.name, role, organisation, speaker)
        elif role and not person.role:
            person.role, person.organisation = role, organisation
        return person

    def _find(self, name: str) -> Person | None:
        key = normalise_name(name)
        speaker = self._registered(name)
        for person in reversed(self.people):
            other = normalise_name(person.name)
            tokens, theirs = set(key.split()) - {"jr", "sr"}, set(person.tokens)
            if (speaker and person.speaker_id == speaker.speaker_id) or other == key \
                    or Levenshtein.distance(other, key) <= 1 \
                    or (len(tokens) > 1 and tokens <= theirs) or (len(theirs) > 1 and theirs <= tokens):
                return person
        return None

    def _registered(self, name: str):
        speaker = self.registry.resolve(name)
        if speaker or len(name) < 8:
            return speaker
        key = normalise_name(name)
        for candidate in self.registry:
            if any(Levenshtein.distance(key, normalise_name(a)) <= 1 for a in (candidate.name, *candidate.aliases)):
                return candidate
        return None

    def _new(self, name, role, organisation, speaker) -> Person:
        if speaker:
            held = speaker.role_on(None)
            role = role or (held.role if held else None)
            organisation = organisation or (held.institution if held else None)
        person = Person(name, role, organisation, speaker.speaker_id if speaker else None, {},
                        confirmed=bool(speaker or role))
        for word in re.findall(r"[a-z]+", (role or "").lower()):
            if word in GENDER_WORDS:
                person.votes[GENDER_WORDS[word]] = person.votes.get(GENDER_WORDS[word], 0) + 2
        self.people.append(person)
        return person

    def _match_token(self, token: str) -> Person | None:
        """A surname, a given name used by mistake, or a one-letter misspelling of either."""
        key = normalise_name(token)
        for exact in (True, False):
            for _, person in reversed(self.seen + [(0, p) for p in self.people]):
                if any(key == t if exact else (len(key) >= 5 and Levenshtein.distance(key, t) <= 1)
                       for t in person.tokens):
                    return person
        registered = [s for s in self.registry if key in normalise_name(s.name).split()]
        if len(registered) == 1:
            return self._new(registered[0].name, None, None, registered[0])
        return None

    def _role_of(self, cand: Candidate) -> tuple[str | None, str | None]:
        before = ROLE_BEFORE.search(self.text[max(0, cand.start - 80):cand.start])
        after = APPOSITIVE.match(self.text, cand.end)
        if cand.title:
            # "US Secretary of State Mike Pompeo", "ambassador to Britain Liu Xiaoming": the title
            # begins before "of"/"to"
            lead = ROLE_LEAD.search(self.text[max(0, cand.start - 60):cand.start])
            title = (lead.group(1) + cand.title) if lead else cand.title
            return title, (before.group("org").strip() or None) if before else None
        if before:
            return before.group("role"), before.group("org").strip() or None
        if after and not re.search(r"\b(?:said|says|told|who|which|and)\b", after.group("role")):
            return after.group("role"), (after.group("org") or "").strip() or None
        return None, None

    def _vote(self, cand: Candidate, person: Person) -> None:
        """Gender from the first pronoun after a name in its sentence, if no other name comes first."""
        sentence_end = next((s.end for s in self.sentences if s.start <= cand.start < s.end), cand.end)
        following = re.search(r"\b(?:[Hh]e|[Hh]is|him|[Ss]he|[Hh]er|hers)\b|(?<![\w.])[A-Z][a-z]",
                              self.text[cand.end:sentence_end])
        word = following.group(0).lower() if following else ""
        if word in PRONOUN_GENDER:
            gender = PRONOUN_GENDER[word]
            person.votes[gender] = person.votes.get(gender, 0) + 1
            person.confirmed = True

    def _recent(self, pos: int, gender: str | None, role: str | None = None) -> Person | None:
        """The person a pronoun or role noun at `pos` points at: sentences from the nearest back,
        and in each the earliest name first (the subject), skipping a known other gender."""
        order: dict[Person, tuple[int, int]] = {}
        for at, person in sorted(self.seen, key=lambda seen: seen[0]):
            if at < pos:
                index = self._sentence_index(at)
                if person not in order or order[person][0] < index:
                    order[person] = (index, -at)  # the latest sentence, the first place in it
        for person in sorted(order, key=lambda p: order[p], reverse=True):
            if gender and person.gender and person.gender != gender:
                continue
            if role and not (person.role and role in person.role.lower()):
                continue
            return person
        return None

    def _by_role(self, words: str, pos: int) -> Person | None:
        noun = words.split()[-1].lower()
        return self._recent(pos, GENDER_WORDS.get(noun), noun) or self._recent(pos, GENDER_WORDS.get(noun))

    def _sentence_index(self, pos: int) -> int:
        return next((i for i, s in enumerate(self.sentences) if s.start <= pos < s.end), len(self.sentences))


# -- reading an article in order -----------------------------------------------------------------

class _Reader:
    """Walks the sentences in order so that each statement's speaker is known to the next one
    ("she added" after "Williams said …")."""

    def __init__(self, text: str, spans: list[Span], sentences: list[Span], cast: Cast):
        self.text, self.spans, self.sentences, self.cast = text, spans, sentences, cast
        self.paras = paragraphs(text)
        self.by_span: dict[Span, tuple[Attribution, str, str]] = {}
        self.last: tuple[tuple[Attribution, str, str], int] | None = None  # (attribution, paragraph)
        self.found: list[Quote] = []

    def read(self) -> list[Quote]:
        for sentence in self.sentences:
            inside = [s for s in self.spans if sentence.start <= s.start < sentence.end]
            for span in inside:
                self._direct(span)
            self._indirect(sentence, [s for s in self.spans if _overlaps(s, sentence) and self._long(s)])
        return sorted(self.found, key=lambda q: q.char_start)

    def _long(self, span: Span) -> bool:
        return _words(self.text[span.start:span.end]) >= MIN_QUOTE_WORDS

    def _para_index(self, offset: int) -> int:
        return next((i for i, p in enumerate(self.paras) if p.start <= offset <= p.end), -1)

    def _direct(self, span: Span) -> None:
        attribution = _attribute_span(self.text, span, self.spans, self.sentences, self.cast) or self._borrowed(span)
        if not attribution:
            return
        self.by_span[span] = attribution
        self.last = attribution, self._para_index(span.end)
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
            found = self.by_span.get(other) or _attribute_span(self.text, other, self.spans, self.sentences, self.cast)
            if found:
                return found
        ends_sentence = re.search(r"[.!?…][’']?\s*$", self.text[span.start:span.end])
        if self.last and self.last[1] == self._para_index(span.start) - 1 and ends_sentence \
                and not _outside_words(self.text, span):
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


def _before_quote(text: str, piece: Span) -> Span | None:
    """The part of a sentence before a quote when it ends a reported clause
    ("Liu said that the army could be deployed, warning: “…")."""
    match = re.search(r"[,:;]\s*(?:(?:warning|saying|adding|noting|declaring)\s*[:,]?\s*)?[“\"]?$", text[piece.start:piece.end])
    return Span(piece.start, piece.start + match.start()) if match else None


def _attribute_span(text, span, spans, sentences, cast):
    """A cue right after the quote (`," said X`) or before it in the same sentence (`X said: "`)."""
    for segment in (_segment_after(text, span, spans, sentences), _segment_before(text, span, spans, sentences)):
        for cue in CUE.finditer(text, segment.start, segment.end):
            speaker = _speaker_at(text, segment, cue, cast)
            if speaker:
                sentence = _sentence_of(sentences, cue.start())
                return speaker, cue.group(0), text[sentence.start:sentence.end]
    return None


def _outside_words(text: str, span: Span) -> bool:
    """Whether the quote's paragraph(s) hold words outside the quote."""
    first, last = _paragraph_of(text, span.start), _paragraph_of(text, max(span.end - 1, span.start))
    outside = text[first.start:span.start] + text[span.end:last.end]
    return bool(re.search(r"[A-Za-z]{2,}", outside))


def _segment_after(text, span, spans, sentences) -> Span:
    end = _sentence_of(sentences, span.end).end
    para = _paragraph_of(text, span.end)
    nxt = [s.start for s in spans if s.start > span.end]
    return Span(span.end, min([end, para.end, *nxt]))


def _segment_before(text, span, spans, sentences) -> Span:
    start = _sentence_of(sentences, max(span.start - 2, 0)).start
    para = _paragraph_of(text, span.start)
    prev = [s.end for s in spans if s.end < span.start]
    return Span(max([start, para.start, *prev]), span.start)


def _is_label(text: str, span: Span) -> bool:
    """A quoted name, title or slogan, not speech: 'the “Meth. We’re on it.” campaign',
    'After hitting “Takin’ It To the Streets,”'."""
    if re.search(r"\b(?:the|a|an|its|their|his|her|our|this|that)\s+[“\"]$", text[max(0, span.start - 8):span.start]):
        return True
    words = re.findall(r"[\w'’-]+", text[span.start:span.end])
    return 0 < len(words) <= 6 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


# -- indirect statements --------------------------------------------------------------------------

def _reported_clause(text, piece: Span, cast, part="all", quoted=None):
    """(clause, speaker, cue) for "X said (that) …", "…, X said." or "…, saying …" in a sentence
    (`part`: the whole sentence, the head before a quote or the tail after it)."""
    if part != "tail":
        for cue in CUE.finditer(text, piece.start, piece.end):
            head = Span(piece.start, cue.start())
            speaker = _speaker_at(text, head, cue, cast, before_only=True) or _elided(text, head, cast)
            clause = speaker and speaker.person and _clause_after(text, cue, piece)
            if clause:
                return clause, speaker, cue.group(0)
            inverted = part == "all" and _inverted(text, piece, cue, cast)
            if inverted:
                return inverted
    participle = PARTICIPLE.search(text, piece.start, piece.end)
    if participle and _words(text[participle.end():piece.end]) >= MIN_QUOTE_WORDS:
        speaker = quoted[0] if quoted else _sentence_subject(text, Span(piece.start, participle.start()), cast)
        if speaker and speaker.person:
            return Span(participle.end(), piece.end), speaker, participle.group("cue")
    return None


def _elided(text, head: Span, cast) -> Attribution | None:
    """"…, but said SpaceX would …": the subject is the sentence's."""
    if re.search(r"\b(?:but|and)\s+(?:also\s+)?$", text[head.start:head.end]):
        return _sentence_subject(text, head, cast)
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
    return Span(cue.end() + _offset_of_word(rest, skip), sentence.end)


def _inverted(text, sentence: Span, cue: re.Match, cast):
    """"…, Hege said." / "…, he said, …" / "…, says John Petrides, …": the clause comes first."""
    head = text[sentence.start:cue.start()]
    comma = head.rfind(",")
    if cue.group(0) not in INVERTED_CUES or comma < 0 or _words(head[:comma]) < 3:
        return None
    tail = text[cue.end():sentence.end]
    subject_span = Span(sentence.start + comma + 1, cue.start())
    speaker = None
    if text[subject_span.start:subject_span.end].strip():
        speaker = _speaker_at(text, subject_span, cue, cast, before_only=True)
    elif re.match(r"\s*[A-Z]", tail):
        speaker = _speaker_at(text, Span(cue.end(), sentence.end), cue, cast, after_only=True)
    if not speaker or not speaker.person or not re.match(r"\s*(?:[,.;]|$|(?:in|on|at|via|after|during)\b)", _after_name(tail)):
        return None
    if re.match(r"\s*,", tail) and _words(tail) >= MIN_QUOTE_WORDS and not PARENTHETICAL_END.match(tail):
        clause = Span(sentence.start, sentence.end)  # a parenthetical "…, he said, …"
    else:
        clause = Span(sentence.start, sentence.start + comma)
    return clause, speaker, cue.group(0)


PARENTHETICAL_END = re.compile(r"\s*,\s*(?:offering|adding|saying|referring|citing|according|as|who|in|on|at|via)\b")


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
            if not GAP.fullmatch(gap) or cand.kind == "possessive":
                continue
            if re.search(r"\b(?:and|&)\s+$", text[max(0, cand.start - 6):cand.start]):
                return Attribution(None, cand.words)  # "Volker and Morrison said": several people
            create = cand.kind == "token" and "," not in gap and not _sentence_initial(text, cand.start)
            person = None if cand.kind == "org" else cast.resolve(cand, cue.start(), create)
            if person or "," not in gap:
                return Attribution(person, cand.words)
            # an unknown word behind an appositive ("…, in Greenbelt, Maryland, said"): look further back
    if before_only:
        return None
    after = candidates(text, cue.end(), min(segment.end if segment.end > cue.end() else cue.end() + 120,
                                            cue.end() + 120))
    if after and re.fullmatch(r"\s*(?:the\s+)?", text[cue.end():after[0].start]):
        cand = after[0]
        return Attribution(cast.resolve(cand, cue.start(), create=True), cand.words)
    return None


def _sentence_subject(text, head: Span, cast: Cast) -> Attribution | None:
    """The person a sentence is about: its first resolvable name or pronoun."""
    for cand in candidates(text, head.start, head.end):
        person = cast.resolve(cand, head.start, create=False)
        if person and person.confirmed:
            return Attribution(person, cand.words)
    return None


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


# -- small helpers --------------------------------------------------------------------------------

def _sentence_initial(text: str, offset: int) -> bool:
    return bool(re.search(r"(?:^|[.!?]\s+|\n\s*)$", text[max(0, offset - 4):offset])) or offset == 0


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

