"""Near-duplicate documents (syndicated copies of one article) by SimHash: 64-bit fingerprints of
word 3-shingles; two texts whose fingerprints differ in at most MAX_DISTANCE bits are copies."""
from __future__ import annotations

import hashlib
import re

SHINGLE = 3
MAX_DISTANCE = 3  # of 64 bits: the usual threshold for web-scale near-duplicate detection
MIN_WORDS = 40  # shorter texts (one-line statements) give fingerprints too unstable to compare
_WORD = re.compile(r"\w+", re.UNICODE)


def _shingles(text: str) -> list[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return [" ".join(words)] if words else []
    return [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of a text as a signed integer (DuckDB BIGINT); None for short texts."""
    if len(_WORD.findall(text)) < MIN_WORDS:
        return None
    weights = [0] * 64
    for shingle in _shingles(text):
        value = int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def distance(a: int, b: int) -> int:
    return bin((a ^ b) & (1 << 64) - 1).count("1")
