"""Quote attribution benchmark: precision / recall / F1 of (speaker, quote) pairs on the
hand-annotated news articles in tests/fixtures/quotes (or DIR).

    .venv/bin/python bench/quotes.py [DIR] [--verbose]

Each annotation says its split: "dev" articles were read while the rules were written (their score
is optimistic), "heldout" ones were annotated afterwards and scored before any rule was changed.

A found quote matches an expected one when the speakers are the same person (same registry id,
or the same normalised name, or one name ends with the other: "Netanyahu" ~ "Benjamin
Netanyahu") and the expected opening words occur in the found text (both normalised: case,
quote marks and punctuation dropped). Quotes found without a named speaker (organisations,
"officials") are not scored: the annotation lists named people only.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from podium.quotes import Quote, find_quotes  # noqa: E402
from podium.speakers import Registry, normalise_name, registry  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "quotes"


def normalise_words(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").lower()
    text = re.sub(r"[\[\]()]", "", text)
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text)
    text = re.sub(r"[^\w'\- ]+", " ", text)
    return " ".join(text.split())


def same_speaker(expected: str, found: Quote, reg: Registry) -> bool:
    known = reg.resolve(expected)
    if known and found.speaker_id:
        return known.speaker_id == found.speaker_id
    a, b = normalise_name(expected), normalise_name(found.speaker_raw or "")
    return bool(b) and (a == b or a.endswith(" " + b) or b.endswith(" " + a))


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    recalled: int = 0
    correct: int = 0

    def add(self, other: "Score") -> None:
        for name in ("expected", "found", "recalled", "correct"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_article(text: str, expected: list[dict], reg: Registry, kind: str | None = None,
                  misses: list | None = None) -> Score:
    found = [q for q in find_quotes(text, reg) if q.speaker_raw and (kind is None or q.kind == kind)]
    wanted = [e for e in expected if kind is None or e["kind"] == kind]

    def match(e, q):
        return same_speaker(e["speaker"], q, reg) and normalise_words(e["starts"]) in normalise_words(q.text)

    score = Score(expected=len(wanted), found=len(found))
    score.recalled = sum(any(match(e, q) for q in found) for e in wanted)
    # precision against all expected quotes of either kind: the kind is reported, not scored
    score.correct = sum(any(match(e, q) for e in expected) for q in found)
    if misses is not None:
        misses += [("missed", e["speaker"], e["starts"]) for e in wanted if not any(match(e, q) for q in found)]
        misses += [("spurious", q.speaker_raw, q.text[:70]) for q in found if not any(match(e, q) for e in expected)]
    return score


def evaluate(folder: Path = FIXTURES, kind: str | None = None, verbose: bool = False,
             split: str | None = None) -> Score:
    """`split`: "dev" (articles read while the rules were written) or "heldout" (annotated after)."""
    total, reg = Score(), registry()
    for path in sorted(folder.glob("*.json")):
        annotation = json.loads(path.read_text(encoding="utf-8"))
        if split and annotation.get("split") != split:
            continue
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        misses: list = []
        total.add(score_article(text, annotation["quotes"], reg, kind, misses))
        if verbose:
            for row in misses:
                print(path.stem, *row, sep=" | ")
    return total


ROWS = [("direct_quote", None), ("indirect", None), (None, None), (None, "dev"), (None, "heldout")]


def measure(folder: Path = FIXTURES) -> list[dict]:
    """One row per kind and per split: {label, kind, split, score}."""
    return [{"label": f"all ({split})" if split else kind or "all", "kind": kind, "split": split,
             "score": evaluate(folder, kind, split=split)} for kind, split in ROWS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=FIXTURES)
    parser.add_argument("--verbose", action="store_true", help="list missed and spurious quotes")
    args = parser.parse_args()
    if args.verbose:
        evaluate(args.folder, verbose=True)
    print(f"{'kind':<14}{'expected':>9}{'found':>7}{'precision':>10}{'recall':>8}{'F1':>7}")
    for row in measure(args.folder):
        s = row["score"]
        print(f"{row['label']:<14}{s.expected:>9}{s.found:>7}{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}")


if __name__ == "__main__":
    main()
