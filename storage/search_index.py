"""The search index beside the archive (`<archive>.search/`, tantivy): its layout and analysis,
building it, and keeping it in step with the archive. Queries are in storage/search.py.

Keeping in step: the loader replaces a document's statements as a unit, so the document is the unit
here too. `update_index` asks DuckDB for a fingerprint of each document's statements, compares them
with the fingerprints recorded at the last update (a state file inside the index folder, written
after the index commit), and replaces exactly the documents that changed, appeared or disappeared.
If the index then does not hold as many statements as the archive, it is rebuilt from scratch.
The archive stays the truth: the index holds what `v_statements` shows (near-duplicate documents
left out) and is rebuilt from it by one command (`podium reindex`).

English text: lower-cased, English stop words dropped, Snowball-stemmed ("sanction" finds
"sanctions"). Chinese (any run of CJK characters): indexed as overlapping character bigrams.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import tantivy

from podium.crash import crash_point
from podium.speakers import normalise_name
from storage.db import ArchiveError, check_archive_file, id_table, open_archive, transaction, writer_lock

log = logging.getLogger(__name__)

INDEX_SUFFIX = ".search"
STATE_FILE = "podium-state.json"
LAYOUT = 2  # bump when fields or analysis change: an index of another layout is rebuilt
ENGLISH = "podium_en"
WRITER_HEAP = 256_000_000
BATCH = 20_000
# Han (with extensions A and compatibility), kana, hangul: scripts written without spaces.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]+")

ROW_COLUMNS = ("statement_id", "doc_id", "date", "speaker", "speaker_id", "country", "source_id",
               "language", "url", "question", "text")
ROWS_SQL = f"SELECT {', '.join(ROW_COLUMNS)} FROM v_statements"
# One fingerprint per document over every field the index holds. DuckDB's hash() is fast (an md5
# over the texts costs ~25 s at 1M statements) but may change between DuckDB versions, so the
# state file records the version and another one means a rebuild.
FINGERPRINTS_SQL = (
    f"SELECT doc_id, bit_xor(hash({', '.join(ROW_COLUMNS)}))::VARCHAR, count(*) FROM v_statements GROUP BY doc_id"
)


class SearchError(ArchiveError):
    """The search index cannot answer; the message says why and what to do."""


@dataclass(frozen=True)
class IndexUpdate:
    statements: int  # in the index afterwards
    documents_replaced: int
    documents_removed: int
    rebuilt: bool


# -- the index: layout, analysis, files ---------------------------------------------------------

def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("statement_id", "source_id", "country", "language", "url", "speaker"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw")
    for name in ("doc_id", "speaker_key"):
        builder.add_text_field(name, tokenizer_name="raw")
    for name in ("text", "question"):
        builder.add_text_field(name, stored=True, tokenizer_name=ENGLISH)
        builder.add_text_field(f"cjk_{name}", tokenizer_name="whitespace")
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    return builder.build()


def english_analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stopword("english")).filter(tantivy.Filter.stemmer("english")).build())


def cjk_bigrams(text: str | None) -> list[str]:
    """Overlapping bigrams of each CJK run (a lone character stands for itself)."""
    grams: list[str] = []
    for run in CJK.findall(text or ""):
        grams += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
    return grams


def archive_file(con: duckdb.DuckDBPyConnection) -> Path:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    if not path:
        raise SearchError("search needs an archive file; this connection is to an in-memory database")
    return Path(path)


def index_dir(archive: Path | str) -> Path:
    return Path(f"{archive}{INDEX_SUFFIX}")


def open_index(path: Path, create: bool = False) -> tantivy.Index:
    if create:
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(schema(), path=str(path))
    elif not path.is_dir() or not tantivy.Index.exists(str(path)):  # exists() raises on a missing folder
        raise SearchError(f"no search index at {path}; build it with `podium reindex`")
    else:
        index = tantivy.Index.open(str(path))
    index.register_tokenizer(ENGLISH, english_analyzer())  # analyzers are not saved with the index
    return index


def read_state(path: Path) -> dict[str, str] | None:
    """The document fingerprints of the last update, or None when the index must be rebuilt."""
    try:
        state = json.loads((path / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    current = state.get("layout") == LAYOUT and state.get("duckdb") == duckdb.__version__
    return state["documents"] if current and tantivy.Index.exists(str(path)) else None


def write_state(path: Path, fingerprints: dict[str, str]) -> None:
    temporary = path / f"{STATE_FILE}.tmp"
    temporary.write_text(json.dumps({"layout": LAYOUT, "duckdb": duckdb.__version__,
                                     "documents": fingerprints}), encoding="utf-8")
    os.replace(temporary, path / STATE_FILE)  # atomic: a crash leaves the old state, never half a file


# -- writing: from the archive into the index ---------------------------------------------------

def to_document(row: tuple) -> tantivy.Document:
    values = dict(zip(ROW_COLUMNS, row))
    doc = tantivy.Document()
    for name in ("statement_id", "doc_id", "source_id", "url", "text"):
        doc.add_text(name, values[name] or "")
    doc.add_text("cjk_text", " ".join(cjk_bigrams(values["text"])))
    for name, value in (("country", (values["country"] or "").upper()), ("language", values["language"]),
                        ("speaker", values["speaker"]), ("question", values["question"])):
        if value:
            doc.add_text(name, value)
    if values["question"]:
        doc.add_text("cjk_question", " ".join(cjk_bigrams(values["question"])))
    for key in {normalise_name(values["speaker"] or ""), values["speaker_id"] or ""} - {""}:
        doc.add_text("speaker_key", key)
    if values["date"]:
        day = values["date"]
        doc.add_date("date", dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc))
    return doc


def add_statements(writer: tantivy.IndexWriter, con: duckdb.DuckDBPyConnection,
                   doc_ids: list[str] | None) -> int:
    """Add the statements of these documents (of all when None) to the index; returns how many."""
    if doc_ids is None:
        return add_rows(writer, con.execute(ROWS_SQL))
    with id_table(con, doc_ids, "_podium_search_docs") as table:
        return add_rows(writer, con.execute(f"{ROWS_SQL} WHERE doc_id IN (SELECT id FROM {table})"))


def add_rows(writer: tantivy.IndexWriter, cursor: duckdb.DuckDBPyConnection) -> int:
    added = 0
    while rows := cursor.fetchmany(BATCH):
        for row in rows:
            writer.add_document(to_document(row))
        added += len(rows)
    return added


def fingerprints(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], int]:
    rows = con.execute(FINGERPRINTS_SQL).fetchall()
    return {doc_id: digest for doc_id, digest, _ in rows}, sum(n for *_, n in rows)


def new_writer(index: tantivy.Index) -> tantivy.IndexWriter:
    return index.writer(heap_size=WRITER_HEAP, num_threads=min(2, os.cpu_count() or 1))


def rebuild_index(con: duckdb.DuckDBPyConnection) -> IndexUpdate:
    """Build the index of the whole archive anew, beside the old one, then swap it in."""
    final = index_dir(archive_file(con))
    fresh = final.with_name(final.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    index = open_index(fresh, create=True)
    writer = new_writer(index)
    with transaction(con):  # one snapshot of the archive for rows and fingerprints
        prints, _ = fingerprints(con)
        added = add_statements(writer, con, None)
    writer.commit()
    writer.wait_merging_threads()
    write_state(fresh, prints)
    crash_point("search-update")  # (a rebuild leaves a stale `.new` folder: the next one removes it)
    swap_in(fresh, final)
    log.info("search index rebuilt: %d statements of %d documents", added, len(prints))
    return IndexUpdate(added, len(prints), 0, rebuilt=True)


def swap_in(fresh: Path, final: Path) -> None:
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    fresh.rename(final)
    shutil.rmtree(old, ignore_errors=True)  # readers that still hold its files keep them open


def update_index(con: duckdb.DuckDBPyConnection) -> IndexUpdate:
    """Bring the index in step with the archive: replace the documents whose statements changed."""
    path = index_dir(archive_file(con))
    state = read_state(path)
    if state is None:
        return rebuild_index(con)
    with transaction(con):
        current, total = fingerprints(con)
        changed = [d for d, digest in current.items() if state.get(d) != digest]
        removed = [d for d in state if d not in current]
        index = open_index(path)
        if changed or removed:
            writer = new_writer(index)
            for doc_id in changed + removed:
                writer.delete_documents_by_term("doc_id", doc_id)
            add_statements(writer, con, changed)
            writer.commit()
            writer.wait_merging_threads()
            crash_point("search-update")
            write_state(path, current)
    index.reload()
    if index.searcher().num_docs != total:
        log.warning("search index holds %d statements, the archive %d: rebuilding",
                    index.searcher().num_docs, total)
        return rebuild_index(con)
    log.info("search index: %d documents replaced, %d removed", len(changed), len(removed))
    return IndexUpdate(total, len(changed), len(removed), rebuilt=False)


def index_disagreements(con: duckdb.DuckDBPyConnection) -> tuple[set[str], set[str]]:
    """(statement ids in the archive but not the index, in the index but not the archive)."""
    archive_ids = {row[0] for row in con.execute("SELECT statement_id FROM v_statements").fetchall()}
    index = open_index(index_dir(archive_file(con)))
    searcher = index.searcher()
    hits = searcher.search(tantivy.Query.all_query(), limit=max(1, searcher.num_docs), count=False).hits
    index_ids = {searcher.doc(address).get_first("statement_id") for _, address in hits}
    return archive_ids - index_ids, index_ids - archive_ids


def rebuild_archive_index(archive: Path, lock_wait_seconds: float) -> IndexUpdate:
    """`podium reindex`: rebuild the index of an archive file, holding its writer lock."""
    check_archive_file(archive)
    with writer_lock(archive, lock_wait_seconds), open_archive(archive, read_only=True) as con:
        return rebuild_index(con)


def archive_disagreements(archive: Path) -> tuple[set[str], set[str]]:
    """`podium reindex --check`: `index_disagreements` of an archive file."""
    with open_archive(archive, read_only=True) as con:
        return index_disagreements(con)
