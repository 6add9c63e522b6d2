"""Cross-document work after extraction: syndicated copies marked as near-duplicates, and news
quotes linked to the briefing answers they report (statement_links)."""
from __future__ import annotations

import duckdb

from podium.near_dups import MAX_DISTANCE
from podium.quote_links import MIN_SCORE, containment
from storage.db import id_table

QUOTE_KINDS = ("direct_quote", "indirect")
ANSWER_KINDS = ("answer", "opening_remarks", "press_statement", "speech")
LINK_WINDOW_DAYS = 3


_FIRST_COPIES = f"""
    SELECT d.doc_id, arg_min(o.doc_id, (o.published_at, o.doc_id)) AS original
    FROM _batch b
    JOIN documents d ON d.doc_id = b.id
    JOIN documents o ON o.doc_id <> d.doc_id AND o.url <> d.url AND o.near_dup_of IS NULL
     AND bit_count(xor(o.simhash, d.simhash)) <= {MAX_DISTANCE}
    LEFT JOIN _batch ob ON ob.id = o.doc_id
    WHERE d.simhash IS NOT NULL AND o.simhash IS NOT NULL
      AND (ob.id IS NULL OR (o.published_at, o.doc_id) < (d.published_at, d.doc_id))
    GROUP BY d.doc_id
"""


def mark_near_duplicates(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> int:
    """Mark each of these documents that copies an earlier one (archived before, or earlier in
    this batch by date); returns how many were marked."""
    with id_table(con, doc_ids, "_batch"):
        marked = con.execute(f"UPDATE documents SET near_dup_of = c.original FROM ({_FIRST_COPIES}) c"
                             " WHERE documents.doc_id = c.doc_id").fetchone()[0]
    return marked


_CANDIDATE_PAIRS = f"""
    SELECT q.statement_id, q.kind, q.text, a.statement_id, a.text
    FROM statements q JOIN statements a
      ON a.speaker_id = q.speaker_id AND a.doc_id <> q.doc_id
     AND abs(datediff('day', q.statement_date, a.statement_date)) <= {LINK_WINDOW_DAYS}
    WHERE q.kind IN {QUOTE_KINDS} AND a.kind IN {ANSWER_KINDS}
      AND (q.doc_id IN (SELECT id FROM _batch) OR a.doc_id IN (SELECT id FROM _batch))
"""


def link_statements(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> int:
    """Link quotes to the answers of the same speaker within ±3 days that contain them, for every
    pair with a side in these documents (both directions: new quotes, new answers)."""
    links = []
    with id_table(con, doc_ids, "_batch"):
        pairs = con.execute(_CANDIDATE_PAIRS).fetchall()
    for quote_id, kind, quote, answer_id, answer in pairs:
        score = containment(quote, answer, kind)
        if score >= MIN_SCORE:
            links.append([quote_id, answer_id, round(score, 3)])
    if links:
        con.executemany("INSERT OR REPLACE INTO statement_links VALUES (?, ?, ?)", links)
    return len(links)
