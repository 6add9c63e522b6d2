"""Cross-document work after extraction: syndicated copies marked as near-duplicates, and news
quotes linked to the briefing answers they report (statement_links)."""
from __future__ import annotations

import duckdb

from podium.near_dups import MAX_DISTANCE
from podium.quote_links import MIN_SCORE, containment

QUOTE_KINDS = ("direct_quote", "indirect")
ANSWER_KINDS = ("answer", "opening_remarks", "press_statement", "speech")
LINK_WINDOW_DAYS = 3


def mark_near_duplicates(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> int:
    """Mark each of these documents that is a copy of an earlier-archived one; returns how many."""
    ordered = [r[0] for r in con.execute(
        "SELECT doc_id FROM documents WHERE doc_id IN (SELECT unnest(?)) AND simhash IS NOT NULL"
        " ORDER BY published_at NULLS LAST, doc_id", [doc_ids]).fetchall()]
    marked = 0
    for index, doc_id in enumerate(ordered):
        original = con.execute(
            "SELECT o.doc_id FROM documents o, documents d WHERE d.doc_id = ? AND o.doc_id <> d.doc_id"
            " AND o.near_dup_of IS NULL AND o.simhash IS NOT NULL AND o.url <> d.url"
            " AND bit_count(xor(o.simhash, d.simhash)) <= ? AND o.doc_id NOT IN (SELECT unnest(?))"
            " ORDER BY o.published_at NULLS LAST, o.doc_id LIMIT 1",
            [doc_id, MAX_DISTANCE, ordered[index:]]).fetchone()
        if original:
            con.execute("UPDATE documents SET near_dup_of = ? WHERE doc_id = ?", [original[0], doc_id])
            marked += 1
    return marked


_CANDIDATE_PAIRS = f"""
    SELECT q.statement_id, q.kind, q.text, a.statement_id, a.text
    FROM statements q JOIN statements a
      ON a.speaker_id = q.speaker_id AND a.doc_id <> q.doc_id
     AND abs(datediff('day', q.statement_date, a.statement_date)) <= {LINK_WINDOW_DAYS}
    WHERE q.kind IN {QUOTE_KINDS} AND a.kind IN {ANSWER_KINDS}
      AND (q.doc_id IN (SELECT unnest(?)) OR a.doc_id IN (SELECT unnest(?)))
"""


def link_statements(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> int:
    """Link quotes to the answers of the same speaker within ±3 days that contain them, for every
    pair with a side in these documents (both directions: new quotes, new answers)."""
    links = []
    for quote_id, kind, quote, answer_id, answer in con.execute(_CANDIDATE_PAIRS, [doc_ids, doc_ids]).fetchall():
        score = containment(quote, answer, kind)
        if score >= MIN_SCORE:
            links.append([quote_id, answer_id, round(score, 3)])
    if links:
        con.executemany("INSERT OR REPLACE INTO statement_links VALUES (?, ?, ?)", links)
    return len(links)
