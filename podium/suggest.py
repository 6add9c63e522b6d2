"""\"Did you mean …?\": the known values closest to one that is not known (rapidfuzz), for every
command that refuses a name: sources, speakers, countries, languages."""
from __future__ import annotations

from rapidfuzz import fuzz, process, utils

SUGGEST_SCORE = 75  # rapidfuzz ratio (0-100) a known value needs to be offered


def suggestions(value: str, choices: dict[str, str]) -> list[str]:
    """Up to three known values like `value`, as shown (`choices` maps each compared form to it).
    One word of a choice may match alone, so that a surname finds the full name."""
    def score(query: str, choice: str, **_) -> float:
        return max(fuzz.ratio(query, part) for part in (choice, *choice.split()))

    found = process.extract(value, list(choices), scorer=score, processor=utils.default_process,
                            limit=10, score_cutoff=SUGGEST_SCORE)
    return list(dict.fromkeys(choices[choice] for choice, _, _ in found))[:3]


def did_you_mean(found: list[str], quote: str = "'") -> str:
    return f"; did you mean {' or '.join(f'{quote}{value}{quote}' for value in found)}?" if found else ""
