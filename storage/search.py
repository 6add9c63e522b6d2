"""Full-text search over statements with DuckDB's `fts` extension (BM25, English stemming).

The index does not follow inserts by itself: the flow rebuilds it after every load that changed
statements (`rebuild_index`).
"""
from __future__ import annotations

import duckdb

from storage.db import transaction

INDEX_SCHEMA = "fts_main_statements"


def rebuild_index(con: duckdb.DuckDBPyConnection) -> None:
    with transaction(con):
        con.execute(
            "PRAGMA create_fts_index('statements', 'statement_id', 'text', 'question',"
            " stemmer = 'english', stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)"
        )


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 20) -> list[tuple]:
    """(statement_id, score, date, speaker, text) of the best BM25 matches, best first."""
    return con.execute(
        f"""
        SELECT v.statement_id, score, v.date, v.speaker, v.text
        FROM (SELECT statement_id, {INDEX_SCHEMA}.match_bm25(statement_id, ?) AS score FROM statements) s
        JOIN v_statements v USING (statement_id)
        WHERE score IS NOT NULL
        ORDER BY score DESC
        LIMIT ?
        """,
        [query, limit],
    ).fetchall()
