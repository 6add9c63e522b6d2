"""Cross-document work after extraction, in SQL: syndicated copies marked as near-duplicates, and
what linking news quotes to the briefing answers they report reads and writes (statement_links).
Which answer a quote reports is chosen by podium.quote_links, in the flow's link step."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from podium.near_dups import MAX_DISTANCE
from podium.quote_links import AnswerSide, Link, QuoteSide
from storage.db import id_table

QUOTE_KINDS = ("direct_quote", "indirect")
ANSWER_KINDS = ("answer", "opening_remarks", "press_statement", "speech")
LINK_WINDOW_DAYS = 3
CONTEXT_CHARS = 400  # around a quote, to find its paragraph


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


# The quotes to (re)link: quotes of these documents, and quotes of the same speaker within the
# window of an answer of these documents (a new transcript can be the one an old report quotes).
_AFFECTED_QUOTES = f"""
    SELECT q.statement_id FROM statements q
    WHERE q.kind IN {QUOTE_KINDS} AND q.speaker_id IS NOT NULL AND q.statement_date IS NOT NULL
      AND (q.doc_id IN (SELECT id FROM _batch) OR EXISTS (
           SELECT 1 FROM statements a WHERE a.doc_id IN (SELECT id FROM _batch) AND a.kind IN {ANSWER_KINDS}
              AND a.speaker_id = q.speaker_id
              AND abs(datediff('day', q.statement_date, a.statement_date)) <= {LINK_WINDOW_DAYS}))
"""
# Each affected quote with its paragraph (the window around it, cut to lines in Python).
_QUOTES = f"""
    SELECT q.statement_id, q.kind, q.text, coalesce(q.language, d.language, 'en'), q.statement_date,
           substr(d.text, greatest(0, q.char_start - {CONTEXT_CHARS}) + 1,
                                q.char_start - greatest(0, q.char_start - {CONTEXT_CHARS})),
           substr(d.text, q.char_end + 1, {CONTEXT_CHARS})
    FROM statements q JOIN documents d USING (doc_id)
    WHERE q.statement_id IN (SELECT id FROM _quotes) AND d.near_dup_of IS NULL
"""
# The answers' twins in the other language, where a briefing was transcribed in both.
_TWINS = ("SELECT en_statement_id, zh_statement_id FROM v_briefing_answers"
          " WHERE en_statement_id IN (SELECT id FROM _answers) OR zh_statement_id IN (SELECT id FROM _answers)")
# Which answers each quote is compared with; each answer is read once (_ANSWERS), however many
# quotes it is a candidate for: its words and glosses are worked out once.
_CANDIDATES = f"""
    SELECT q.statement_id, a.statement_id
    FROM statements q JOIN statements a
      ON a.speaker_id = q.speaker_id AND a.doc_id <> q.doc_id AND a.kind IN {ANSWER_KINDS}
     AND abs(datediff('day', q.statement_date, a.statement_date)) <= {LINK_WINDOW_DAYS}
    WHERE q.statement_id IN (SELECT id FROM _quotes)
    ORDER BY q.statement_id, a.statement_id
"""
_ANSWERS = """
    SELECT a.statement_id, a.text, a.question, coalesce(a.language, d.language, 'en'), a.statement_date
    FROM statements a JOIN documents d ON d.doc_id = a.doc_id
    WHERE a.statement_id IN (SELECT id FROM _answers)
"""


@dataclass
class LinkInputs:
    """What the link step reads: the quotes to (re)link, each one's candidate answers, and the
    twins (answer id → (twin id, its language)) of the candidates."""
    quote_ids: list[str] = field(default_factory=list)
    quotes: list[QuoteSide] = field(default_factory=list)
    candidates: dict[str, list[AnswerSide]] = field(default_factory=dict)
    twins: dict[str, tuple[str, str]] = field(default_factory=dict)


def link_inputs(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> LinkInputs:
    """Every quote these documents touch (their own quotes, and quotes of the same speaker within
    the window of their answers), with its candidate answers, each answer read once."""
    with id_table(con, doc_ids, "_batch"):
        quote_ids = [row[0] for row in con.execute(_AFFECTED_QUOTES).fetchall()]
    if not quote_ids:
        return LinkInputs()
    with id_table(con, quote_ids, "_quotes"):
        quotes = [_quote_side(row) for row in con.execute(_QUOTES).fetchall()]
        pairs = con.execute(_CANDIDATES).fetchall()
    answer_ids = sorted({answer_id for _, answer_id in pairs})
    with id_table(con, answer_ids, "_answers"):
        answers = {row[0]: AnswerSide(*row) for row in con.execute(_ANSWERS).fetchall()}
        twins = con.execute(_TWINS).fetchall()
    candidates = defaultdict(list)
    for quote_id, answer_id in pairs:
        candidates[quote_id].append(answers[answer_id])
    return LinkInputs(quote_ids, quotes, dict(candidates),
                      {a: (b, "zh") for a, b in twins} | {b: (a, "en") for a, b in twins})


def replace_links(con: duckdb.DuckDBPyConnection, quote_ids: list[str], found: list[Link]) -> int:
    """Replace these quotes' links by `found`: a re-extracted report or transcript keeps (or
    corrects) its links."""
    with id_table(con, quote_ids, "_quotes"):
        con.execute("DELETE FROM statement_links WHERE statement_id IN (SELECT id FROM _quotes)")
    if found:
        con.executemany("INSERT OR REPLACE INTO statement_links VALUES (?, ?, ?, ?, ?)",
                        [[k.quote_id, k.answer_id, k.score, k.method, json.dumps(k.evidence, ensure_ascii=False)]
                         for k in found])
    return len(found)


def _quote_side(row) -> QuoteSide:
    statement_id, kind, text, language, day, before, after = row
    context = before.rsplit("\n", 1)[-1] + text + after.split("\n", 1)[0]
    return QuoteSide(statement_id, kind, text, language, day, context)
