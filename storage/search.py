"""Full-text search over statements: a tantivy index beside the archive, in `<archive>.search/`.

Why not DuckDB's own `fts`: bench/search.py measures both in the same run; at 1M statements the
`fts` extension needs hundreds of milliseconds per BM25 query and a full rebuild after every load,
while this index answers in milliseconds and follows the archive document by document. The archive
stays the truth: the index holds what `v_statements` shows (near-duplicate documents left out) and
is rebuilt from it by one command (`podium reindex`).

The index, its analysis and how it follows the archive: storage/search_index.py. Here: queries.
English words go through tantivy's query parser and are analysed as the index was; a CJK run
becomes a phrase of its character bigrams, so it finds exactly that character sequence.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import duckdb
import pycountry
import tantivy

from podium.speakers import normalise_name
from podium.suggest import did_you_mean, suggestions
from storage.db import id_table, open_reader, reader_path
from storage.search_index import CJK, SearchError, archive_file, cjk_bigrams, index_dir, open_index

QUESTION_BOOST = 0.5  # a match in the question counts, but less than one in the answer itself
SNIPPET_CHARS = 220
MARK_OPEN, MARK_CLOSE = "«", "»"
# Aliases are stored normalised (storage.registry), the registry name among them.
SPEAKER_IDS_SQL = "SELECT speaker_id FROM speaker_aliases WHERE alias = ? OR speaker_id = lower(?)"
# What a filter value may name, for telling an unknown one from a known one without hits.
# Speakers: registry names and aliases (shown as the registry name), and names nobody registered.
SPEAKER_NAMES_SQL = ("SELECT a.alias, s.name FROM speaker_aliases a JOIN speakers s USING (speaker_id)"
                     " UNION SELECT DISTINCT speaker_raw, speaker_raw FROM statements"
                     " WHERE speaker_id IS NULL AND speaker_raw IS NOT NULL")
COUNTRIES_SQL = ("SELECT upper(country) FROM sources UNION SELECT upper(country) FROM speakers"
                 " UNION SELECT DISTINCT upper(country) FROM statements")
SOURCES_SQL = "SELECT source_id FROM sources UNION SELECT DISTINCT source_id FROM documents"
LANGUAGES_SQL = "SELECT DISTINCT lower(language) FROM statements"


class SearchInputError(SearchError, ValueError):
    """A search asked in a way no archive can answer: a limit below 1, since after until, a filter
    value the archive does not know. The message says what was wrong and what would be right."""


@dataclass(frozen=True)
class Filters:
    speaker: str | None = None  # a name, an alias (赵立坚) or a speaker id
    country: str | None = None  # the speaker's country, ISO alpha-2
    since: dt.date | None = None
    until: dt.date | None = None
    source: str | None = None
    language: str | None = None

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise SearchInputError(f"since {self.since} is after until {self.until}: no day is in that range")

    @property
    def named(self) -> bool:
        """Whether a filter names something the archive must know (a speaker, country, source, language)."""
        return any((self.speaker, self.country, self.source, self.language))


class Hit(NamedTuple):
    statement_id: str
    score: float
    date: dt.date | None
    speaker: str | None
    source_id: str
    url: str
    question: str | None
    snippet: str
    text: str
    reports: int = 0  # news reports quoting this statement (v_press_coverage)


def registry_ids(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The ids of the registry speakers `name` names (a registered name or alias, or an id)."""
    return [row[0] for row in con.execute(SPEAKER_IDS_SQL, [normalise_name(name), name]).fetchall()]


def speaker_keys(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """What a speaker filter matches: the name as given (normalised as the index keys are), and the
    ids of registry speakers it names."""
    return sorted({normalise_name(name), *registry_ids(con, name)} - {""})


def check_limit(limit: int) -> None:
    if limit < 1:  # tantivy panics on 0 and cannot take a negative number
        raise SearchInputError(f"limit must be at least 1, not {limit}")


def iso_code(database, value: str) -> str | None:
    """The ISO alpha-2 code pycountry finds for a name or another code ("China" → CN), or None."""
    try:
        return getattr(database.lookup(value), "alpha_2", None)
    except LookupError:
        return None


def known_values(con: duckdb.DuckDBPyConnection, sql: str) -> set[str]:
    return {row[0] for row in con.execute(sql).fetchall()} - {None}


def check_speaker(con: duckdb.DuckDBPyConnection, index: "SearchIndex", name: str, keys: list[str]) -> None:
    """A speaker is known by the statements or by the registry; one known without statements matches none."""
    if index.holds("speaker_key", keys) or registry_ids(con, name):
        return
    names = {normalise_name(alias): shown for alias, shown in con.execute(SPEAKER_NAMES_SQL).fetchall()}
    hint = did_you_mean(suggestions(name, names)) or (
        "; `podium sql \"SELECT DISTINCT speaker FROM v_statements\"` lists the speakers")
    raise SearchInputError(f"no speaker '{name}' in the archive{hint}")


def check_code(con: duckdb.DuckDBPyConnection, value: str, known_sql: str, database,
               words: tuple[str, ...]) -> None:
    """A country or language code the archive knows, or SearchInputError with the code pycountry
    finds for what was given ("China" → CN); `words`: what has one, what it is (one, many), its codes."""
    known = known_values(con, known_sql)
    if value.upper() in known or value.lower() in known:
        return
    code = iso_code(database, value)
    has, one, many, codes = words
    hint = did_you_mean([code], "") if code in known else f"; the archive's {many} are {', '.join(sorted(known))}"
    raise SearchInputError(f"no {has} {one} '{value}' in the archive ({many} are {codes} codes){hint}")


def check_country(con: duckdb.DuckDBPyConnection, country: str) -> None:
    check_code(con, country, COUNTRIES_SQL, pycountry.countries,
               ("speaker or source of", "country", "countries", "ISO alpha-2"))


def check_language(con: duckdb.DuckDBPyConnection, language: str) -> None:
    check_code(con, language, LANGUAGES_SQL, pycountry.languages,
               ("statement in", "language", "languages", "ISO 639-1"))


def check_source(con: duckdb.DuckDBPyConnection, source: str) -> None:
    known = known_values(con, SOURCES_SQL)
    if source in known:
        return
    hint = did_you_mean(suggestions(source, {key: key for key in known})) or (
        f"; the archive's sources are {', '.join(sorted(known))}")
    raise SearchInputError(f"no source '{source}' in the archive{hint}")


def check_filters(con: duckdb.DuckDBPyConnection, index: "SearchIndex", filters: Filters,
                  speakers: list[str]) -> None:
    """Refuse a filter value that names nothing the archive knows: without this, a typo is "0 hits".
    A value some statement in the index has is known at once (microseconds); only the others are
    looked up in the archive's tables (a known value may have no statement: a source never crawled)."""
    if filters.speaker:
        check_speaker(con, index, filters.speaker, speakers)
    for given, field, term, check in (
            (filters.country, "country", (filters.country or "").upper(), check_country),
            (filters.source, "source_id", filters.source, check_source),
            (filters.language, "language", (filters.language or "").lower(), check_language)):
        if given and not index.holds(field, [term]):  # the terms as filter_queries makes them
            check(con, given)


def cjk_query(sch: tantivy.Schema, run: str, field: str) -> tantivy.Query:
    grams = cjk_bigrams(run)
    if len(run) == 1:  # a single character: any indexed bigram that holds it
        return tantivy.Query.regex_query(sch, field, f".?{re.escape(run)}.?")
    if len(grams) == 1:
        return tantivy.Query.term_query(sch, field, grams[0])
    return tantivy.Query.phrase_query(sch, field, grams)


def text_query(index: tantivy.Index, sch: tantivy.Schema, query: str) -> tantivy.Query:
    """Words outside CJK runs go through tantivy's query parser ("quoted phrases", -exclusions);
    each CJK run must appear as written. Any part may match (BM25 ranks hits with more first)."""
    parts = []
    rest = CJK.sub(" ", query).strip()
    if rest:
        parts.append(index.parse_query_lenient(rest, ["text", "question"],
                                               field_boosts={"question": QUESTION_BOOST})[0])
    for run in CJK.findall(query):
        parts.append(cjk_query(sch, run, "cjk_text"))
        parts.append(tantivy.Query.boost_query(cjk_query(sch, run, "cjk_question"), QUESTION_BOOST))
    if not parts:
        raise SearchError("empty query: give some words to search for")
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, part) for part in parts])


def filter_queries(sch: tantivy.Schema, filters: Filters, speakers: list[str]) -> list[tantivy.Query]:
    queries = []
    if filters.speaker:
        queries.append(tantivy.Query.term_set_query(sch, "speaker_key", speakers))
    for field, value in (("country", (filters.country or "").upper()), ("source_id", filters.source),
                         ("language", (filters.language or "").lower())):
        if value:
            queries.append(tantivy.Query.term_query(sch, field, value))
    if filters.since or filters.until:
        bounds = [dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc) if d else None
                  for d in (filters.since, filters.until)]
        queries.append(tantivy.Query.range_query(sch, "date", tantivy.FieldType.Date, *bounds))
    return [tantivy.Query.const_score_query(q, 0.0) for q in queries]  # filters do not rank


def merged(raw: bytes, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans separated by whitespace only become one: «trade war», not «trade» «war»."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and not raw[out[-1][1]:start].strip():
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def marked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each (start, end) UTF-8 byte span wrapped in «…», whitespace collapsed."""
    raw, pieces, last = text.encode("utf-8"), [], 0
    for start, end in merged(raw, spans):
        pieces += [raw[last:start].decode("utf-8", "replace"), MARK_OPEN,
                   raw[start:end].decode("utf-8", "replace"), MARK_CLOSE]
        last = end
    pieces.append(raw[last:].decode("utf-8", "replace"))
    return " ".join("".join(pieces).split())


def fragment_marked(found: tantivy.Snippet, text: str) -> str:
    """A snippet generator's fragment with its matches marked, and "…" where the text goes on."""
    where = found.fragment_range()
    length = len((text or "").strip().encode("utf-8"))
    body = marked(found.fragment(), [(h.start, h.end) for h in found.highlighted()])
    return ("…" if where.start > 0 else "") + body + ("…" if where.end < length else "")


def cjk_snippet(text: str, runs: list[str]) -> str | None:
    pattern = re.compile("|".join(re.escape(r) for r in sorted(runs, key=len, reverse=True)))
    first = pattern.search(text)
    if not first:
        return None
    start = max(0, first.start() - SNIPPET_CHARS // 4)
    window = text[start:start + SNIPPET_CHARS // 2]
    window = pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", window)
    return ("…" if start else "") + " ".join(window.split())


class SearchIndex:
    """An opened index: open it once and query it many times (the CLI opens it per command)."""

    def __init__(self, path: Path):
        self.index = open_index(path)
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20,
               speakers: list[str] = ()) -> list[Hit]:
        check_limit(limit)
        matching = text_query(self.index, self.schema, query)
        must = [(tantivy.Occur.Must, q) for q in [matching, *filter_queries(self.schema, filters, list(speakers))]]
        limit = min(limit, max(1, self.searcher.num_docs))  # no more hits than documents; fits tantivy's usize
        found = self.searcher.search(tantivy.Query.boolean_query(must), limit=limit, count=False).hits
        if not found:
            return []
        snippet = self.snippet_maker(matching, CJK.findall(query))
        return [self.hit(score, self.searcher.doc(address), snippet) for score, address in found]

    def holds(self, field: str, values: list[str]) -> bool:
        """Whether any statement has one of these terms in `field`: the terms' document frequency,
        read from the term dictionary in microseconds. (A search for them, even for one hit, scores
        every statement holding them: 2-5 ms per filter at 1M statements, which had made filtered
        search miss its 10 ms goal.) The frequency also counts statements deleted since the last
        merge, so a value only those had is taken as known: its search finds nothing, not an error."""
        return any(self.searcher.doc_freq(field, value) for value in values)

    def snippet_maker(self, matching: tantivy.Query, runs: list[str]):
        generators = {}
        for field in ("text", "question"):
            generators[field] = tantivy.SnippetGenerator.create(self.searcher, matching, self.schema, field)
            generators[field].set_max_num_chars(SNIPPET_CHARS)

        def snippet(doc: tantivy.Document) -> str:
            for field in ("text", "question"):
                found = generators[field].snippet_from_doc(doc)
                if found.highlighted():
                    return ("Q: " if field == "question" else "") + fragment_marked(found, doc.get_first(field))
                if runs and (near := cjk_snippet(doc.get_first(field) or "", runs)):
                    return ("Q: " if field == "question" else "") + near
            return " ".join((doc.get_first("text") or "")[:SNIPPET_CHARS].split())

        return snippet

    @staticmethod
    def hit(score: float, doc: tantivy.Document, snippet) -> Hit:
        day = doc.get_first("date")
        return Hit(doc.get_first("statement_id"), round(score, 4), day.date() if day else None,
                   doc.get_first("speaker"), doc.get_first("source_id"), doc.get_first("url"),
                   doc.get_first("question"), snippet(doc), doc.get_first("text"))


@lru_cache(maxsize=4)
def cached_index(path: Path, version: tuple[int, int] | None) -> SearchIndex:
    return SearchIndex(path)


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 20,
           filters: Filters = Filters(), index_path: Path | None = None) -> list[Hit]:
    """The best BM25 matches of `query` in the archive's statements, best first. The index is the
    one beside the connection's file unless `index_path` says where (a connection to the archive's
    published copy searches the index of the archive itself). A filter value the archive does not
    know raises SearchInputError with suggestions; a known one without matches gives no hits."""
    check_limit(limit)
    index = index_at(index_path or index_dir(archive_file(con)))
    speakers = speaker_keys(con, filters.speaker) if filters.speaker else []
    check_filters(con, index, filters, speakers)
    return index.search(query, filters, limit, speakers)


# The reports quoting each hit: the documents of the quotes linked to it (as v_press_coverage counts).
_REPORTS_QUOTING = ("SELECT l.source_statement_id, count(DISTINCT q.doc_id) FROM statement_links l"
                    " JOIN statements q ON q.statement_id = l.statement_id"
                    " WHERE l.source_statement_id IN (SELECT id FROM _hits) GROUP BY ALL")


def with_reports(con: duckdb.DuckDBPyConnection, hits: list[Hit]) -> list[Hit]:
    """The hits, each with the number of news reports quoting it (one query of about a
    millisecond, kept out of `search` itself, which the search benchmark times)."""
    if not hits:
        return hits
    with id_table(con, [hit.statement_id for hit in hits], "_hits"):
        quoted = dict(con.execute(_REPORTS_QUOTING).fetchall())
    return [hit._replace(reports=quoted.get(hit.statement_id, 0)) for hit in hits]


def index_at(path: Path) -> SearchIndex:
    """The opened index in `path`, opened again only after a commit or a rebuild changed it."""
    try:  # a commit rewrites meta.json; a rebuild swaps in another folder
        version = (path.stat().st_ino, (path / "meta.json").stat().st_mtime_ns)
    except OSError:
        version = None  # no index: opening it raises the SearchError that says what to do
    return cached_index(path, version)


def search_archive(archive: Path, query: str, filters: Filters = Filters(), limit: int = 20) -> list[Hit]:
    """`podium search`: search the archive's index. Filters that name something (a speaker, country,
    source or language) are checked against the archive; then its published copy is opened
    read-only, so a run that is writing the archive never blocks the search."""
    check_limit(limit)
    if filters.named:
        with open_reader(archive) as con:
            return with_reports(con, search(con, query, limit, filters, index_path=index_dir(archive)))
    reader_path(archive)  # a missing archive is named as such, not as a missing index
    hits = index_at(index_dir(archive)).search(query, filters, limit)
    if not hits:
        return hits
    with open_reader(archive) as con:
        return with_reports(con, hits)
