"""Who a speech verb points at: the nearest subject before it, allowing an appositive, a
parenthetical and adverbs in between ("Mao Ning (毛寧) also said"), or the name right after it
("said White House Press Secretary Stephanie Grisham", "announced Chinese Foreign Ministry
spokesperson Zhao Lijian"); and the person a sentence is about. Names are resolved by the
article's Cast (podium.people).
"""
from __future__ import annotations

import re

from podium.people import ROLE_NOUNS, Attribution, Cast, candidates
from podium.quote_spans import Span, sentence_initial

# Between a subject and its verb: adverbs, auxiliaries, a time, an appositive (", the envoy,").
GAP = re.compile(
    r"(?:\s*,[^;\"“”]*,)?(?:\s*\([^()]{1,30}\))?(?:\s*(?:also|later|then|further|however|previously|again|first|once|"
    r"has|had|have|would|will|reportedly|publicly|earlier|repeatedly|on|in|at|last|this|"
    r"went on to|goes on to|continued to|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\.?(?:\s+\d{1,2})?|"
    r"[A-Z][a-z]+day|morning|night|evening|afternoon)\b,?)*\s*",
)


# Between an organisation's name and its spokesperson's ("Chinese Foreign Ministry spokesperson
# Zhao Lijian"): a role noun and its modifiers.
TITLED_GAP = re.compile(rf"\s+(?:[a-z-]+\s+){{0,2}}(?i:{ROLE_NOUNS})\s+")


def speaker_at(text, segment: Span, cue: re.Match, cast: Cast, before_only=False, after_only=False):
    """The speaker of a cue: the nearest subject before it (allowing an appositive and adverbs
    between), else the name right after it ("said White House Press Secretary Stephanie Grisham")."""
    if not after_only:
        prefix_start = segment.start if segment.start < cue.start() else cue.start()
        for cand in reversed(candidates(text, prefix_start, cue.start())):
            gap = text[cand.end:cue.start()]
            if not GAP.fullmatch(gap) or cand.kind in ("possessive", "address"):
                continue
            if re.search(r"\b(?:and|&)\s+$", text[max(0, cand.start - 6):cand.start]):
                return Attribution(None, cand.words)  # "Volker and Morrison said": several people
            create = cand.kind == "token" and "," not in gap and not sentence_initial(text, cand.start)
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
        if cand.kind == "org":  # "announced Chinese Foreign Ministry spokesperson Zhao Lijian"
            titled = next((c for c in after[1:] if c.kind in ("run", "token")
                           and TITLED_GAP.fullmatch(text[cand.end:c.start])), None)
            cand = titled or cand
        return Attribution(cast.resolve(cand, cue.start(), create=True), cand.words)
    return None


# What may stand before a sentence's subject: a dateline ("OTTAWA—"), an article.
SUBJECT_LEAD = re.compile(r"\s*(?:[A-Z][A-Z .,'-]*\s*[—–-]+\s*)?(?:[Tt]he\s+)?")


def sentence_subject(text, head: Span, cast: Cast) -> Attribution | None:
    """The person a sentence is about: its first resolvable name or pronoun; nobody when the
    sentence opens with an organisation ("The Chinese government denies …, saying …")."""
    found = candidates(text, head.start, head.end)
    if found and found[0].kind == "org" and SUBJECT_LEAD.fullmatch(text[head.start:found[0].start]):
        return None
    for cand in found:
        person = cast.resolve(cand, head.start, create=False)
        if person and person.confirmed:
            return Attribution(person, cand.words)
    return None
