"""The speakers registry (`config/speakers.yaml`): names, aliases, roles with tenures."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from podium.settings import ConfigError, config_dir


@dataclass(frozen=True)
class Role:
    role: str
    institution: str
    start: dt.date | None
    end: dt.date | None

    def holds_on(self, day: dt.date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Speaker:
    speaker_id: str
    name: str
    country: str
    aliases: tuple[str, ...]
    roles: tuple[Role, ...]

    def role_on(self, day: dt.date | None, prefer: str | None = None) -> Role | None:
        """The role held on `day`; `prefer` picks among several (e.g. 'Spokesperson')."""
        held = [r for r in self.roles if r.holds_on(day)]
        if prefer:
            preferred = [r for r in held if prefer.lower() in r.role.lower()]
            held = preferred or held
        return held[0] if held else None


def normalise_name(name: str) -> str:
    """The form aliases are compared in: NFKC, case-folded, single spaces, no dots."""
    folded = unicodedata.normalize("NFKC", name).casefold().replace(".", " ")
    return re.sub(r"\s+", " ", folded).strip()


class Registry:
    """The speakers, with the lookups built once: by alias, by id, by surname and by name word."""

    def __init__(self, speakers: tuple[Speaker, ...]):
        self.speakers = speakers
        self._by_alias: dict[str, Speaker] = {}
        self._by_id: dict[str, Speaker] = {}
        self._by_surname: dict[str, list[Speaker]] = {}
        self._by_name_word: dict[str, list[Speaker]] = {}
        # (speaker, its name and aliases normalised), in registry order: for fuzzy matching
        self.normalised_names: tuple[tuple[Speaker, tuple[str, ...]], ...] = tuple(
            (speaker, tuple(normalise_name(a) for a in (speaker.name, *speaker.aliases))) for speaker in speakers)
        for speaker, names in self.normalised_names:
            for alias in names:
                self._by_alias[alias] = speaker
            self._by_id.setdefault(speaker.speaker_id, speaker)
            for surname in speaker.name.split()[-1:]:
                self._by_surname.setdefault(surname.upper(), []).append(speaker)
            for word in dict.fromkeys(names[0].split()):
                self._by_name_word.setdefault(word, []).append(speaker)

    def resolve(self, name: str) -> Speaker | None:
        """The registered speaker this exact name (or alias) refers to, if any."""
        return self._by_alias.get(normalise_name(name))

    def by_id(self, speaker_id: str | None) -> Speaker | None:
        """The speaker with this id (the first one, should the registry repeat an id)."""
        return self._by_id.get(speaker_id) if speaker_id else None

    def by_surname(self, surname: str) -> list[Speaker]:
        """The speakers whose name ends with this word (compared in upper case), in registry order."""
        return list(self._by_surname.get(surname.upper(), ()))

    def namesake(self, surname: str, country: str, day: dt.date | None = None) -> Speaker | None:
        """The speaker of this country with this surname: one in office on the day first, else the
        first in registry order (upper-case transcript labels name people by surname)."""
        namesakes = [s for s in self.by_surname(surname) if s.country == country]
        return next((s for s in namesakes if s.role_on(day)), namesakes[0] if namesakes else None)

    def by_name_word(self, word: str) -> list[Speaker]:
        """The speakers whose normalised name (not aliases) holds this normalised word, in registry order."""
        return list(self._by_name_word.get(word, ()))

    def __iter__(self):
        return iter(self.speakers)


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _speaker_from_row(path: Path, index: int, row: dict) -> Speaker:
    for name in ("id", "name", "country"):
        if not row.get(name):
            raise ConfigError(f"{path.name}, speaker #{index + 1}: field {name!r} is missing or empty")
    roles = tuple(
        Role(r["role"], r.get("institution", ""), _date(r.get("from")), _date(r.get("to")))
        for r in row.get("roles") or ()
    )
    return Speaker(row["id"], row["name"], row["country"], tuple(row.get("aliases") or ()), roles)


def load_registry(path: Path | None = None) -> Registry:
    path = path or config_dir() / "speakers.yaml"
    with open(path, encoding="utf-8") as handle:
        rows = (yaml.safe_load(handle) or {}).get("speakers") or []
    return Registry(tuple(_speaker_from_row(path, i, row) for i, row in enumerate(rows)))


@cache
def registry() -> Registry:
    return load_registry()
