"""The people a news article names.

`Cast` collects an article's people (full names with the titles and roles the text gives them)
and resolves later mentions to them: surnames, given names used by mistake ("Ning told a
briefing"), one-letter misspellings, pronouns ("she added") and role nouns ("the spokeswoman"),
then the speakers registry. Who a speech verb points at is podium.subjects.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz.distance import Levenshtein

from podium.mentions import names_place_or_body
from podium.quote_spans import TITLES, Span, sentence_spans
from podium.speakers import Registry, Speaker, normalise_name

# -- the article's people ------------------------------------------------------------------------

TOKEN = (rf"(?:(?:{TITLES})\.|(?:[A-Z]\.){{2,}}"
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
# "the spokeswoman", and "China's foreign ministry spokesperson" when no name follows it
ROLE = re.compile(rf"(?:\b[Tt]he|(?<![\w'’])[A-Z][\w.-]*['’]s) ((?:[A-Za-z-]+ ){{0,3}}(?i:{ROLE_NOUNS}))\b(?! [A-Z])")
# "a foreign ministry spokesperson said …" in a lede that names her later
SOME_ROLE = re.compile(rf"\b[Aa]n? ((?:[A-Za-z-]+ ){{0,3}}(?i:{ROLE_NOUNS}))\b(?! [A-Z])")
ORG_NOUN = re.compile(r"\b[Tt]he (?:[a-z-]+ ){0,2}(?:statement|ministry|department|company|group|office|government|"
                      r"agency|military|embassy|council|commission|committee|court|police|report|release|"
                      r"league|army|party|administration|organisers|organizers)\b")
ROLE_BEFORE = re.compile(rf"(?P<org>(?:[A-Z][\w'’.&-]* ){{0,4}})(?P<role>(?:[a-z-]+ ){{0,2}}(?:{ROLE_NOUNS}))\s*$")
ROLE_LEAD = re.compile(rf"((?:[A-Z][\w.'’-]* )*(?:(?:[a-z-]+ )?(?:{ROLE_NOUNS})|[A-Z][\w.'’-]*) (?:of|to) (?:the )?)$")
APPOSITIVE = re.compile(r",\s+(?:the |a |an )?(?P<role>[a-z][a-z -]{2,60}?)"
                        r"(?: (?:of|at|for|in) (?P<org>[^,.;]{2,80}))?[,.]")
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
river brothers nations world brands space observatory telescope aerospace act treaty accord
agreement convention strategy initiative programme program doctrine lake sea ocean mountain mountains
valley strait gulf peninsula""".split())
STOP_WORDS = set("""the a an in on at but and however later during after before when while this that these
those it its both all many some as for if here there we i he she they his her their our meanwhile still yet
also now today yesterday tonight according since despite with without from to of by under over following
among instead so yes no not just only even then although though because earlier last next every each other
another one two three what who why how where oh ok hey monday tuesday wednesday thursday friday saturday
sunday january february march april may june july august september october november december jan feb aug
sept sep oct nov dec""".split())
# The last word of a street's name: abbreviated, it is one ("Eighth St."; first, "St." is a saint);
# written out, only after a house number ("1909 Jolinda Drive"): "Downing Street said" is the
# Prime Minister's office, and "Nathan Lane" a person.
STREET_ABBREVIATIONS = {"st", "ave", "rd", "blvd", "pkwy", "hwy"}
STREET_WORDS = {"street", "avenue", "road", "boulevard", "drive", "parkway", "highway", "place", "lane",
                "terrace", "court", "way"}
HOUSE_NUMBER_BEFORE = re.compile(r"\b\d{1,5}[A-Z]?\s+(?:[NSEW]\.\s+)?$")
GENDER_WORDS = {"mr": "m", "spokesman": "m", "chairman": "m", "congressman": "m", "king": "m", "prince": "m",
                "mrs": "f", "ms": "f", "spokeswoman": "f", "chairwoman": "f", "congresswoman": "f",
                "queen": "f", "princess": "f"}
PRONOUN_GENDER = {"he": "m", "his": "m", "him": "m", "she": "f", "her": "f", "hers": "f"}


@dataclass(frozen=True)
class Candidate:
    """A possible subject of a cue: a name run, a single name token, a pronoun, a role noun."""
    start: int
    end: int
    kind: str  # run | token | possessive | pronoun | role | org | address
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

    @cached_property  # a person's name never changes; this is asked for every name in the text
    def tokens(self) -> list[str]:
        return [t for t in normalise_name(self.name).split() if len(t) > 1 and t not in ("jr", "sr")]


@dataclass
class Attribution:
    """Who a cue points at: a person of the cast, or just the words (an organisation, "officials")."""
    person: Person | None
    words: str


def candidates(text: str, start: int, end: int) -> list[Candidate]:
    found = [c for m in RUN.finditer(text, start, end) for c in _run_candidates(m)]
    found += [Candidate(m.start(), m.end(), "pronoun", m.group(0)) for m in PRONOUN.finditer(text, start, end)]
    found += [Candidate(m.start(), m.end(), "role", m.group(1)) for m in ROLE.finditer(text, start, end)]
    found += [Candidate(m.start(), m.end(), "some_role", m.group(1)) for m in SOME_ROLE.finditer(text, start, end)]
    found += [Candidate(m.start(), m.end(), "org", m.group(0)) for m in ORG_NOUN.finditer(text, start, end)]
    return sorted(found, key=lambda c: c.start)


def _run_candidates(match: re.Match) -> list[Candidate]:
    return _tokens_candidates(match.string, match.start(), match.group(0).split(" "))


def _tokens_candidates(string: str, offset: int, tokens: list[str]) -> list[Candidate]:
    """The candidates of a run of capitalised tokens; a possessive ends one ("Chinese Foreign
    Ministry's"), and what follows it is read as a run of its own ("Spokesperson Hua Chunying")."""
    while tokens and _bare(tokens[0]) in STOP_WORDS and not _surname_he(string, offset, tokens):
        offset += len(tokens.pop(0)) + 1
    if not tokens:
        return []
    cut = next((i for i, t in enumerate(tokens) if re.search(r"['’]s?$", t)), None)
    rest = [] if cut is None or cut + 1 >= len(tokens) else tokens[cut + 1:]
    tokens = tokens if cut is None else tokens[:cut + 1]
    words = " ".join(tokens)
    after = _tokens_candidates(string, offset + len(words) + 1, rest) if rest else []
    return _candidates_of(string, offset, tokens, words) + after


def _surname_he(string: str, offset: int, tokens: list[str]) -> bool:
    """"ministry spokesman He Yadong": after a role or title, "He" is a surname, not a pronoun."""
    before = re.search(r"(\w+)\s+$", string[max(0, offset - 30):offset])
    return tokens[0] == "He" and len(tokens) > 1 and bool(before) and (
        re.fullmatch(rf"(?i:{ROLE_NOUNS})", before.group(1)) is not None or _bare(before.group(1)) in TITLE_WORDS)


def _candidates_of(string: str, offset: int, tokens: list[str], words: str) -> list[Candidate]:
    possessive = re.search(r"['’]s?$", tokens[-1])
    if possessive:
        tokens[-1] = tokens[-1][:possessive.start()]
    titles = max((i + 1 for i, t in enumerate(tokens) if _bare(t) in TITLE_WORDS), default=0)
    name, title = tokens[titles:], " ".join(tokens[:titles])
    end = offset + len(words)
    # "the Office of Human Rights", "a scientist at Goddard", "the Gush Etzion bloc": not people
    part_of_org = not titles and re.search(r"\b(?:of|for|in|at|from|the)\s+(?:the\s+)?$",
                                           string[max(0, offset - 10):offset])
    if is_address(string, offset, tokens):
        return [Candidate(offset, end, "address", words)]
    if not name or part_of_org or any(_bare(t) in ORG_WORDS for t in name) or re.fullmatch(r"[A-Z.]+", name[-1]) \
            or names_place_or_body(" ".join(name)):
        return [Candidate(offset, end, "org", words)]  # a place speaks for its government: "China said"
    kind = "possessive" if possessive else "run" if len(name) > 1 else "token"
    return [Candidate(offset, end, kind, words, " ".join(name[-4:]), title)]


def is_address(text: str, offset: int, tokens: list[str]) -> bool:
    """A street address, which never speaks: "Eighth St.", "1909 Jolinda Drive", "2134 Caldwell Place"."""
    last = _bare(tokens[-1]) if len(tokens) > 1 else ""
    if last in STREET_ABBREVIATIONS and tokens[-1].endswith("."):
        return True
    return last in STREET_WORDS and bool(HOUSE_NUMBER_BEFORE.search(text[max(0, offset - 12):offset]))


def _bare(token: str) -> str:
    return re.sub(r"['’]s?$", "", token).lower().rstrip(".") if token not in ("U.S.",) else "u.s."


GENERIC_ROLE_NOUNS = {"diplomat", "official", "representative"}  # any titled person may be one


def _holds(person: Person, noun: str) -> bool:
    """Whether a role noun ("the spokeswoman", "the diplomat") may name this person."""
    role = (person.role or "").lower()
    if noun in GENERIC_ROLE_NOUNS:
        return bool(role)
    return (noun[:6] in role) if noun.startswith("spokes") else noun in role


class Cast:
    """The people an article names, in the order it names them, with what it says about them."""

    def __init__(self, text: str, spans: list[Span], registry: Registry, sentences: list[Span] | None = None):
        """`sentences`: sentence_spans(text, spans), when the caller has them already."""
        self.text, self.registry = text, registry
        self.people: list[Person] = []
        self._registered_names: dict[str, Speaker | None] = {}
        self.seen: list[tuple[int, Person]] = []
        self.speakers: list[tuple[int, Person]] = []  # (offset, person) of each statement read so far
        self.sentences = sentence_spans(text, spans) if sentences is None else sentences
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
            gender = PRONOUN_GENDER.get(cand.words.lower())
            person = self._last_speaker(pos, gender) or self._recent(pos, gender)
        elif cand.kind == "role":
            noun = cand.words.split()[-1].lower()
            person = self._last_speaker(pos, GENDER_WORDS.get(noun), noun) or self._by_role(cand.words, pos)
        elif cand.kind == "some_role":
            person = self._only_holder(cand.words.split()[-1].lower())
        if person:
            person.confirmed = True
            self.seen.append((cand.start, person))
        return person

    def _only_holder(self, noun: str) -> Person | None:
        """The one person of the article whose role a noun names ("a spokesperson" when the
        article names one spokesperson); nobody when it names none or several."""
        holders = [p for p in self.people if p.role and noun not in GENERIC_ROLE_NOUNS and _holds(p, noun)]
        return holders[0] if len(holders) == 1 else None

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
        """The registered speaker of a name: exact, else one edit away from a name or alias
        (remembered per name: an article repeats its names)."""
        if name not in self._registered_names:
            self._registered_names[name] = self._lookup(name)
        return self._registered_names[name]

    def _lookup(self, name: str):
        speaker = self.registry.resolve(name)
        if speaker or len(name) < 8:
            return speaker
        key = normalise_name(name)
        for candidate, names in self.registry.normalised_names:
            if any(Levenshtein.distance(key, a) <= 1 for a in names):
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
        latest_first = dict.fromkeys(person for _, person in reversed(self.seen + [(0, p) for p in self.people]))
        for exact in (True, False):
            for person in latest_first:
                if any(key == t if exact else self._misspelt(key, t, person) for t in person.tokens):
                    return person
        registered = self.registry.by_name_word(key)
        if len(registered) == 1:
            return self._new(registered[0].name, None, None, registered[0])
        return None

    def _misspelt(self, key: str, token: str, person: Person) -> bool:
        """A one-letter slip of a name the article gives: "Ming" for Ning when it names Mao Ning
        in full and the registry knows no Ming. Short names slip less often than they collide,
        so a four-letter word counts only as a letter swapped for another."""
        if len(key) >= 5:
            return Levenshtein.distance(key, token) <= 1
        return (len(key) == 4 == len(token) and len(person.tokens) > 1 and Levenshtein.distance(key, token) == 1
                and not self.registry.by_name_word(key))

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

    def spoke(self, pos: int, person: Person | None) -> None:
        """A statement of this person was read at `pos`."""
        if person:
            self.speakers.append((pos, person))

    def _last_speaker(self, pos: int, gender: str | None, noun: str | None = None) -> Person | None:
        """In a paragraph that names nobody before `pos`, a pronoun or role noun continues the
        speaker of the paragraph before ("\"…,\" he said." after a paragraph where he spoke and
        someone else was mentioned in passing)."""
        paragraph_start = self.text.rfind("\n", 0, pos) + 1
        previous_start = self.text.rfind("\n", 0, max(paragraph_start - 1, 0)) + 1
        if paragraph_start == 0 or any(paragraph_start <= at < pos for at, _ in self.seen):
            return None
        spoken = [(at, person) for at, person in self.speakers if previous_start <= at < pos]
        if not spoken:
            return None
        at, person = max(spoken, key=lambda pair: pair[0])
        if (gender and person.gender and person.gender != gender) or (noun and not _holds(person, noun)):
            return None
        return person

    def _by_role(self, words: str, pos: int) -> Person | None:
        noun = words.split()[-1].lower()
        return self._recent(pos, GENDER_WORDS.get(noun), noun) or self._recent(pos, GENDER_WORDS.get(noun))

    def _sentence_index(self, pos: int) -> int:
        return next((i for i, s in enumerate(self.sentences) if s.start <= pos < s.end), len(self.sentences))
