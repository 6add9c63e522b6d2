"""Near-duplicate documents (syndicated copies of one article) by SimHash: 64-bit fingerprints of
word 3-shingles; two texts whose fingerprints differ in at most MAX_DISTANCE bits are copies."""
from __future__ import annotations

import hashlib
import re

import numpy as np

SHINGLE = 3
MAX_DISTANCE = 3  # of 64 bits: the usual threshold for web-scale near-duplicate detection
MIN_WORDS = 40  # shorter texts (one-line statements) give fingerprints too unstable to compare
_WORD = re.compile(r"\w+", re.UNICODE)
BIT_POSITIONS = np.arange(64, dtype=np.uint64)


def _shingles(text: str) -> list[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return [" ".join(words)] if words else []
    return [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def simhash(text: str) -> int | None:
    """The 64-bit SimHash of a text as a signed integer (DuckDB BIGINT); None for short texts.
    A bit is set when more than half of the shingles' hashes have it set."""
    if len(_WORD.findall(text)) < MIN_WORDS:
        return None
    shingles = _shingles(text)
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big")
                          for s in shingles), dtype=np.uint64, count=len(shingles))
    ones = ((hashes[:, None] >> BIT_POSITIONS) & np.uint64(1)).sum(axis=0)  # per bit, in one step
    unsigned = sum(1 << int(bit) for bit in np.flatnonzero(ones * 2 > len(shingles)))
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned
