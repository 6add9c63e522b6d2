"""Mentions of countries, international organisations and public figures in a statement's text.

The gazetteer (config/gazetteer.yaml, with ISO codes and English names from pycountry) is read
once and compiled into two regular expressions shaped as tries, so each position in a text costs
one walk down the trie instead of one try per name:
- English: case-sensitive (proper nouns keep their capitals: "US" but never "us", "WHO" but not
  "Who"), bounded by non-letters on both sides, so "Oman" is not found in "Woman"; a possessive
  ("China's") ends the name; plural demonyms ("Americans") are listed names of their own.
- Chinese: no word boundaries, so the stops of the gazetteer ("海地区" is "sea region") matter.
Where names overlap, the leftmost match wins and, among those, the longest ("UN Security Council"
over "UN", "South Korea" over "Korea"); a stop phrase wins the same way and yields no mention.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pycountry
import yaml

from podium.settings import config_dir

log = logging.getLogger(__name__)

COUNTRY = "country"
ORGANISATION = "organisation"
PERSON = "person"
LATIN = r"0-9A-Za-z\u00C0-\u024F"  # letters that continue an English word ("Oman" in "Woman")
ENGLISH_BEFORE = rf"(?<![{LATIN}])"
ENGLISH_AFTER = rf"(?![{LATIN}$])"  # "$": "US$ 5 billion" is a currency, not a mention
ZH_SIDE_SUFFIX = "方"  # "美方": the US side
ZH_NOT_SIDE = "(?![面式法案向便针位])"  # "立法方面", "新方案": 方 starts another word there
ZH_COMPOUND_END = f"(?!{ZH_SIDE_SUFFIX})"  # "过程中美方": 中 ends "过程中", 美方 is the US side
CAPITALISED_WORD_BEFORE = re.compile(r"([A-Z][a-z]+)\s+$")
CAPITALISED_WORD_AFTER = re.compile(r"^\s+[A-Z][a-z]")
POSSESSIVE_BEFORE = re.compile(r"['’]s?\s+$")
PLURAL_LESS = ("s", "sh", "ch", "ese")  # "Swiss", "British", "Dutch", "Chinese" take no -s
# capitalised words that start a sentence rather than a person's name ("In Jordan, ...")
NOT_NAMES = {"In", "To", "From", "With", "And", "The", "Both", "For", "On", "At", "By", "Of", "As", "Like"}

# found_in: the statements column the mention is in, "text" (the statement's own words) or
# "question" (the question it answers); char_start and char_end count in that column.
MENTION_COLUMNS = ("statement_id", "entity_id", "kind", "surface", "char_start", "char_end", "found_in")
FOUND_IN = ("text", "question")
ENTITY_COLUMNS = ("entity_id", "kind", "name", "code")


class GazetteerError(ValueError):
    """The gazetteer file cannot be used; the message names the entry."""


@dataclass(frozen=True)
class Mention:
    entity_id: str
    kind: str
    surface: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Entity:
    entity_id: str
    kind: str
    name: str
    code: str | None


@dataclass(frozen=True)
class Target:
    """What a matched surface stands for: (entity_id, start, end) parts relative to the match;
    no parts for a stop phrase. `guard` names a context check ("person_name")."""
    parts: tuple[tuple[str, int, int], ...]
    guard: str | None = None


@dataclass
class Gazetteer:
    entities: dict[str, Entity]
    english: dict[str, Target]
    chinese: dict[str, Target]
    english_pattern: re.Pattern
    chinese_pattern: re.Pattern


def normalise(surface: str) -> str:
    return re.sub(r"\s+", " ", surface.replace("’", "'"))


def _char_pattern(char: str) -> str:
    if char == " ":
        return r"\s+"  # names break across lines and non-breaking spaces
    if char == "'":
        return "['’]"
    return re.escape(char)


def trie_pattern(surfaces: dict[str, str]) -> str:
    """One regex matching any of `surfaces` (surface -> regex to append where it ends), longest
    first: at each character the longer continuations are tried before ending there."""
    root: dict = {}
    for surface, end in surfaces.items():
        node = root
        for char in surface:
            node = node.setdefault(char, {})
        node[""] = end
    return _node_pattern(root)


def _node_pattern(node: dict) -> str:
    branches = [_char_pattern(char) + _node_pattern(child) for char, child in sorted(node.items()) if char]
    if "" in node:
        branches.append(node[""])  # ending here is the last resort
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def demonym_forms(demonym: str) -> list[str]:
    if demonym.endswith(PLURAL_LESS):
        return [demonym]
    return [demonym, demonym + "s"]


def iso_country(code: str):
    """pycountry's record for an alpha-2 code, or None (Kosovo's XK is not in ISO 3166-1)."""
    try:
        return pycountry.countries.get(alpha_2=code)
    except LookupError:
        return None


def pycountry_names(code: str) -> list[str]:
    """The usable English names pycountry knows for a code ("Korea, Republic of" is not one)."""
    country = iso_country(code)
    if country is None:
        return []
    names = [getattr(country, field, None) for field in ("name", "common_name", "official_name")]
    names = [re.sub(r"^the ", "", n) for n in names if n and "," not in n and "(" not in n]
    return list(dict.fromkeys(names))


def _add(table: dict[str, Target], surface: str, target: Target) -> None:
    key = normalise(surface)
    if key in table and table[key].parts != target.parts:
        raise GazetteerError(f"{surface!r} names both {table[key].parts} and {target.parts}")
    table[key] = target


def _whole(table: dict[str, Target], surface: str, entity_id: str, guard: str | None = None) -> None:
    _add(table, surface, Target(((entity_id, 0, len(surface)),), guard))


def _display_name(code: str, row: dict) -> str:
    if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}", code):
        raise GazetteerError(f"country key {code!r} is not an alpha-2 code (quote NO: YAML reads it as false)")
    country = iso_country(code)
    name = row.get("name") or (country and (getattr(country, "common_name", None) or country.name))
    if not name or "," in name:
        raise GazetteerError(f"country {code}: pycountry has no usable name, give one with `name:`")
    return name


def _country(code: str, row: dict, english: dict, chinese: dict) -> Entity:
    entity = Entity(f"country:{code}", COUNTRY, _display_name(code, row), code)
    names = pycountry_names(code)
    for surface in [entity.name, *names, *row.get("aliases", [])]:
        _whole(english, surface, entity.entity_id, row.get("guard"))
    for demonym in row.get("demonyms", []):
        for form in demonym_forms(demonym):
            _whole(english, form, entity.entity_id, row.get("guard"))
    for surface in row.get("zh", []):
        _whole(chinese, surface, entity.entity_id)
    return entity


def _organisation(row: dict, english: dict, chinese: dict) -> Entity:
    aliases = row.get("aliases", [])
    code = next((a for a in aliases if re.fullmatch(r"[A-Z][A-Z0-9]+", a)), None)
    entity = Entity(row["id"], ORGANISATION, row["name"], code)
    for surface in aliases:
        _whole(english, surface, entity.entity_id, row.get("guard"))
    for surface in row.get("zh", []):
        _whole(chinese, surface, entity.entity_id)
    return entity


def _person(row: dict, english: dict, chinese: dict) -> Entity:
    """A public figure the briefings and the press name in both scripts ("Fumio Kishida",
    "Kishida", "岸田文雄"): what lets an English quote and a Chinese answer agree on whom they name."""
    entity = Entity(row["id"], PERSON, row["name"], None)
    for surface in [row["name"], *row.get("aliases", [])]:
        _whole(english, surface, entity.entity_id, row.get("guard"))
    for surface in row.get("zh", []):
        _whole(chinese, surface, entity.entity_id)
    return entity


def _entity_ref(ref: str) -> str:
    return f"country:{ref}" if re.fullmatch(r"[A-Z]{2}", ref) else ref


def _compounds(rows: dict, chinese: dict, entities: dict) -> None:
    for surface, refs in rows.items():
        ids = [_entity_ref(ref) for ref in refs]
        unknown = [i for i in ids if i not in entities]
        if len(ids) != len(surface) or unknown:
            raise GazetteerError(f"zh_compounds {surface}: needs one known entity per character ({unknown})")
        _add(chinese, surface, Target(tuple((i, n, n + 1) for n, i in enumerate(ids)), "compound"))


def _zh_end(surface: str, target: Target) -> str:
    if target.guard == "compound":
        return ZH_COMPOUND_END
    if target.parts and surface.endswith(ZH_SIDE_SUFFIX):
        return ZH_NOT_SIDE
    return ""


def build(data: dict) -> Gazetteer:
    english: dict[str, Target] = {}
    chinese: dict[str, Target] = {}
    entities: dict[str, Entity] = {}
    for code, row in (data.get("countries") or {}).items():
        entity = _country(code, row or {}, english, chinese)
        entities[entity.entity_id] = entity
    for row in data.get("organisations") or []:
        entity = _organisation(row, english, chinese)
        entities[entity.entity_id] = entity
    for row in data.get("people") or []:
        entity = _person(row, english, chinese)
        entities[entity.entity_id] = entity
    _compounds(data.get("zh_compounds") or {}, chinese, entities)
    stops = data.get("stops") or {}
    for surface in stops.get("en", []):
        english.setdefault(normalise(surface), Target(()))
    for surface in stops.get("zh", []):
        chinese.setdefault(surface, Target(()))
    english_re = ENGLISH_BEFORE + trie_pattern({s: ENGLISH_AFTER for s in english})
    chinese_re = trie_pattern({s: _zh_end(s, t) for s, t in chinese.items()})
    return Gazetteer(entities, english, chinese, re.compile(english_re), re.compile(chinese_re))


@lru_cache(maxsize=4)
def gazetteer(path: Path | str | None = None) -> Gazetteer:
    """The gazetteer, read once per path (default: config/gazetteer.yaml)."""
    path = Path(path) if path else config_dir() / "gazetteer.yaml"
    with open(path, encoding="utf-8") as handle:
        # libyaml's loader when PyYAML has it: the pure-Python one takes half a second on this file
        data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    found = build(data)
    log.debug("gazetteer %s: %d entities, %d English and %d Chinese names", path, len(found.entities),
              len(found.english), len(found.chinese))
    return found


def _guard_allows(guard: str | None, text: str, start: int, end: int) -> bool:
    """A name that is also a person's name ("Chad Smith", "Michael Jordan") is no mention when a
    capitalised word stands right beside it; a body's name right after a possessive is another
    country's body ("Russia's Security Council")."""
    if guard == "not_possessed":
        return not POSSESSIVE_BEFORE.search(text[max(0, start - 4):start])
    if guard != "person_name":
        return True
    before = CAPITALISED_WORD_BEFORE.search(text[max(0, start - 40):start])
    if before and before.group(1) not in NOT_NAMES:
        return False
    return not CAPITALISED_WORD_AFTER.match(text[end:end + 3])


def _scan(pattern: re.Pattern, table: dict[str, Target], text: str, gaz: Gazetteer) -> list[Mention]:
    found = []
    for match in pattern.finditer(text):
        target = table[normalise(match.group())]
        if not _guard_allows(target.guard, text, match.start(), match.end()):
            continue
        for entity_id, start, end in target.parts:
            begin = match.start() + start
            found.append(Mention(entity_id, gaz.entities[entity_id].kind, text[begin:match.start() + end],
                                 begin, match.start() + end))
    return found


def mentions_in(text: str, language: str, gaz: Gazetteer | None = None) -> list[Mention]:
    """Every mention of a country or organisation in `text`, in text order. Chinese text is read
    for Chinese names and for the English abbreviations it carries ("WTO", "G20")."""
    gaz = gaz or gazetteer()
    found = _scan(gaz.english_pattern, gaz.english, text, gaz)
    if language.lower().startswith("zh"):
        found += _scan(gaz.chinese_pattern, gaz.chinese, text, gaz)
        found.sort(key=lambda m: (m.char_start, m.char_end))
    return found


def rows_for(statements: Iterable, gaz: Gazetteer | None = None) -> list[tuple]:
    """statement_mentions rows (MENTION_COLUMNS order) for statements with statement_id, text,
    question and language, such as podium.extract.Statement: the mentions in the statement's own
    text, then those in the question it answers (NATO named only by the reporter is still found)."""
    rows = []
    for statement in statements:
        language = statement.language or "en"
        for found_in in FOUND_IN:
            words = getattr(statement, found_in, None)
            for m in mentions_in(words, language, gaz) if words else ():
                rows.append((statement.statement_id, m.entity_id, m.kind, m.surface, m.char_start, m.char_end,
                             found_in))
    return rows


def entity_rows(gaz: Gazetteer | None = None) -> list[tuple]:
    """entities rows (ENTITY_COLUMNS order): the whole gazetteer, to be loaded with every run."""
    gaz = gaz or gazetteer()
    return [(e.entity_id, e.kind, e.name, e.code) for e in gaz.entities.values()]


# Subdivision kinds whose names are places a news text names like countries ("New York",
# "West Sussex", "Inner Mongolia"); parishes and municipalities are left out: their names are
# often saints' and people's ("Saint Andrew").
REGION_TYPES = {"State", "Province", "Region", "Territory", "Union territory", "Autonomous region",
                "Autonomous community", "Special administrative region", "Country", "Emirate", "Republic",
                "Oblast", "Governorate", "County", "Federal district", "Capital district", "Capital territory"}


@lru_cache(maxsize=1)
def _region_names() -> frozenset[str]:
    """pycountry's region names of two words or more, normalised (one word would take given
    names such as "Victoria" or "Georgia" for places)."""
    return frozenset(normalise(s.name) for s in pycountry.subdivisions
                     if s.type in REGION_TYPES and " " in s.name and "," not in s.name and "[" not in s.name)


def names_place_or_body(words: str, gaz: Gazetteer | None = None) -> bool:
    """Whether `words` are, as a whole, the name of a country, a region or an organisation:
    of the gazetteer (except its people, and names that are also people's, such as "Jordan") or a region of
    pycountry. Such words can never be a person (podium.people)."""
    gaz = gaz or gazetteer()
    key = normalise(words.strip())
    target = gaz.english.get(key)
    if target is not None and target.parts and target.guard != "person_name" \
            and gaz.entities[target.parts[0][0]].kind != PERSON:
        return True
    return key in _region_names()
