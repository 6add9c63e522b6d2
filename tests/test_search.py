"""Search over statements: ranking, stemming, filters, snippets, Chinese, and an index that stays in
step with the archive run after run. Archives come from real nightly runs over the bundled snapshot."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager

import duckdb
import pytest
from typer.testing import CliRunner

from conftest import SNAPSHOTS
from expected import expected_page
from podium.cli import app
from storage.db import ArchiveError, open_archive, published_path
from storage.search import Filters, SearchInputError, search, search_archive
from storage.search_index import index_dir, index_disagreements, rebuild_archive_index, update_index

# Read on the pages: detail/t1721177.shtml.gz (fmprc_zh, 2019-12-03, Hua Chunying) has the phrase
# 美国驻北约大使 in a question and twice in its answer; t1611144 (2018-11-07) opens with the
# announcement of the 首轮中加经济财金战略对话 and of the 外交部黑龙江全球推介活动.
ZH_PHRASE, ZH_PAGE = "美国驻北约大使", "t1721177.shtml"
ZH_QUERIES = ["美国驻北约大使", "中加经济财金战略对话", "黑龙江", "一带一路", "人权", "贸易战", "朝鲜半岛"]
CHANGED = expected_page("fmprc_en", "t1794629")
CORRECTION = "A correction was added to this transcript."


def hits_of(archive, query: str, limit: int = 20, **filters):
    with open_archive(archive, read_only=True) as con:
        return search(con, query, limit, Filters(**filters))


def sql(archive, query: str, params=()):
    with open_archive(archive, read_only=True) as con:
        return con.execute(query, list(params)).fetchall()


@pytest.fixture
def private_archive(nightly_archive, tmp_path):
    """A copy of the fmprc_en archive, its published copy and its index that a test may change."""
    archive = tmp_path / "archive.duckdb"
    shutil.copyfile(nightly_archive[0], archive)
    shutil.copyfile(published_path(nightly_archive[0]), published_path(archive))
    shutil.copytree(index_dir(nightly_archive[0]), index_dir(archive))
    return archive


def test_the_flow_leaves_an_index_that_agrees_with_the_archive(nightly_archive):
    with open_archive(nightly_archive[0], read_only=True) as con:
        assert index_disagreements(con) == (set(), set())
        assert con.execute("SELECT count(*) FROM v_statements").fetchone()[0] > 900


def test_statements_with_all_the_words_rank_first(nightly_archive):
    hits = hits_of(nightly_archive[0], "Korean Peninsula denuclearization", limit=40)
    with_all = [bool(re.search(r"denucleari", h.text, re.I) and re.search(r"peninsula", h.text, re.I)) for h in hits]
    assert all(with_all[:5]) and not all(with_all)  # some hits hold only some of the words, and rank later
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_english_stemming_finds_other_forms(nightly_archive):
    hits = hits_of(nightly_archive[0], "sanction", limit=50)
    plural_only = [h for h in hits
                   if re.search(r"\bsanctions\b", h.text, re.I) and not re.search(r"\bsanction\b", h.text, re.I)]
    assert plural_only, "the stem of 'sanction' should find statements that only say 'sanctions'"


def test_the_snippet_marks_the_match_and_the_question_is_shown(nightly_archive):
    archive = nightly_archive[0]
    hits = hits_of(archive, "sanctions", limit=5)
    assert hits and all(re.search(r"«sanctions?»", h.snippet, re.I) for h in hits)
    for hit in hits:
        question, = sql(archive, "SELECT question FROM statements WHERE statement_id = ?", [hit.statement_id])[0]
        assert hit.question == question
    assert any(h.question for h in hits)


def test_speaker_filter_by_name_alias_and_id(nightly_archive):
    archive = nightly_archive[0]
    by_name = hits_of(archive, "United States", limit=100, speaker="Geng Shuang")
    assert by_name and {h.speaker for h in by_name} == {"Geng Shuang"}
    assert hits_of(archive, "United States", limit=100, speaker="耿爽") == by_name
    assert hits_of(archive, "United States", limit=100, speaker="geng_shuang") == by_name
    everyone = hits_of(archive, "United States", limit=100)
    assert len({h.speaker for h in everyone}) > 1


def test_speaker_filter_ignores_case_spaces_and_dots(en_zh_archive):
    expected = hits_of(en_zh_archive[0], "China", limit=100, speaker="Hua Chunying")
    assert expected and {h.speaker for h in expected} == {"Hua Chunying"}
    for written in ("Hua  Chunying", "hua chunying.", "HUA CHUNYING"):
        assert hits_of(en_zh_archive[0], "China", limit=100, speaker=written) == expected, written


def test_date_filters(nightly_archive):
    since, until = dt.date(2019, 1, 1), dt.date(2019, 6, 30)
    hits = hits_of(nightly_archive[0], "China", limit=200, since=since, until=until)
    assert hits and all(since <= h.date <= until for h in hits)
    assert any(h.date < since for h in hits_of(nightly_archive[0], "China", limit=200, until=since))


def test_source_language_and_country_filters(en_zh_archive):
    assert {h.source_id for h in hits_of(en_zh_archive[0], "人权 human rights", limit=100)} == {"fmprc_en", "fmprc_zh"}
    zh = hits_of(en_zh_archive[0], "人权 human rights", limit=100, source="fmprc_zh")
    assert zh and {h.source_id for h in zh} == {"fmprc_zh"}
    assert hits_of(en_zh_archive[0], "人权 human rights", limit=100, language="zh") == zh
    assert hits_of(en_zh_archive[0], "human rights", limit=5, country="cn")
    assert hits_of(en_zh_archive[0], "human rights", limit=5, country="US") == []


def test_a_known_chinese_phrase_is_found(en_zh_archive):
    hits = hits_of(en_zh_archive[0], ZH_PHRASE)
    assert hits and hits[0].url.endswith(ZH_PAGE)
    assert hits[0].speaker == "Hua Chunying" and str(hits[0].date) == "2019-12-03"
    assert f"«{ZH_PHRASE}»" in hits[0].snippet
    assert all(ZH_PHRASE in h.text or ZH_PHRASE in (h.question or "") for h in hits)


@pytest.mark.parametrize("phrase", ZH_QUERIES)
def test_chinese_search_finds_every_statement_holding_the_phrase(en_zh_archive, phrase):
    """Recall and precision against a plain substring match in SQL."""
    expected = {row[0] for row in sql(en_zh_archive[0], "SELECT statement_id FROM v_statements WHERE"
                                      " contains(text, ?) OR contains(coalesce(question, ''), ?)", [phrase, phrase])}
    found = {h.statement_id for h in hits_of(en_zh_archive[0], phrase, limit=1000)}
    assert expected and found == expected


def test_a_changed_document_is_replaced_in_the_index(prefect_harness, private_archive, tmp_path):
    """A second run that revises one page: the index follows, by the flow and by `update_index`."""
    before = tmp_path / "index-before"
    shutil.copytree(index_dir(private_archive), before)
    original = SNAPSHOTS / "fmprc_en" / CHANGED.file
    end_of_body = b'</div>\n\t\t\t\t<div class="tool"'
    addition = f"<P><SPAN>Zhao Lijian: {CORRECTION}</SPAN></P>".encode()
    saved = tmp_path / "t1794629.shtml"
    saved.write_bytes(original.read_bytes().replace(end_of_body, addition + end_of_body, 1))
    result = CliRunner().invoke(app, ["ingest", str(saved), "-s", "fmprc_en", "--url", CHANGED.url,
                                      "--archive", str(private_archive)])
    assert result.exit_code == 0, result.output
    assert [h.text for h in hits_of(private_archive, '"correction was added"')] == [CORRECTION]
    # The index as it was before this run, brought up to date incrementally: one document replaced.
    shutil.rmtree(index_dir(private_archive))
    shutil.copytree(before, index_dir(private_archive))
    assert hits_of(private_archive, '"correction was added"') == []
    with open_archive(private_archive) as con:
        update = update_index(con)
        assert (update.documents_replaced, update.documents_removed, update.rebuilt) == (1, 0, False)
        assert index_disagreements(con) == (set(), set())
    assert [h.text for h in hits_of(private_archive, '"correction was added"')] == [CORRECTION]


def test_a_document_gone_from_the_archive_leaves_the_index(private_archive):
    with open_archive(private_archive) as con:
        doc_id, statements = con.execute("SELECT doc_id, count(*) FROM statements GROUP BY doc_id LIMIT 1").fetchone()
        con.execute("DELETE FROM statements WHERE doc_id = ?", [doc_id])
        con.execute("DELETE FROM documents WHERE doc_id = ?", [doc_id])
        missing, extra = index_disagreements(con)
        assert not missing and len(extra) == statements
        update = update_index(con)
        assert (update.documents_replaced, update.documents_removed) == (0, 1)
        assert index_disagreements(con) == (set(), set())


def test_cli_search_prints_hits(nightly_archive):
    args = ["search", "sanctions", "--speaker", "Geng Shuang", "--since", "2019-01-01", "--limit", "3",
            "--archive", str(nightly_archive[0])]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Geng Shuang" in result.output and "«sanctions»" in result.output and "3 hits" in result.output
    hits = json.loads(CliRunner().invoke(app, [*args, "--format", "json"]).output)
    assert len(hits) == 3 and all(h["speaker"] == "Geng Shuang" and h["date"] >= "2019-01-01" for h in hits)
    assert all(h["question"] and "«" in h["snippet"] for h in hits)


# Opens the archive read-write and keeps it open until its stdin closes, as a flow run holds it.
HOLD_ARCHIVE = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SELECT count(*) FROM statements").fetchone()
print("holding", flush=True)
sys.stdin.read()
con.close()
"""


@contextmanager
def held_by_a_writer(archive):
    """The archive held read-write by another process. Within one process DuckDB shares one
    database instance between connections, so only another process takes the file's lock."""
    writer = subprocess.Popen([sys.executable, "-c", HOLD_ARCHIVE, str(archive)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "holding"
        yield
    finally:
        writer.stdin.close()
        assert writer.wait(timeout=60) == 0


def test_search_succeeds_while_a_run_holds_the_archive(private_archive):
    """`podium search` reads the published copy, so a writer holding the archive does not block it.
    The searches filter by speaker: only then does search open an archive at all."""
    expected = hits_of(private_archive, "sanctions", limit=5, speaker="Geng Shuang")
    with held_by_a_writer(private_archive):
        with pytest.raises(duckdb.IOException):  # the lock is real: the archive itself cannot be opened
            duckdb.connect(str(private_archive), read_only=True)
        hits = search_archive(private_archive, "sanctions", Filters(speaker="Geng Shuang"), limit=5)
        result = CliRunner().invoke(app, ["search", "sanctions", "--speaker", "Geng Shuang", "--limit", "5",
                                          "--format", "json", "--archive", str(private_archive)])
    assert expected and hits == expected
    assert result.exit_code == 0, result.output
    assert [h["statement_id"] for h in json.loads(result.output)] == [h.statement_id for h in expected]


def test_cli_reindex_rebuilds_and_checks(private_archive):
    with open_archive(private_archive) as con:
        con.execute("DELETE FROM statements WHERE seq = 1")  # the index is now stale
    stale = CliRunner().invoke(app, ["reindex", "--check", "--archive", str(private_archive)])
    assert stale.exit_code == 1 and "disagrees" in stale.output
    rebuilt = CliRunner().invoke(app, ["reindex", "--archive", str(private_archive)])
    assert rebuilt.exit_code == 0 and "holds exactly the archive's statements" in rebuilt.output


def test_cli_search_without_an_index_says_what_to_do(private_archive):
    shutil.rmtree(index_dir(private_archive))
    result = CliRunner().invoke(app, ["search", "China", "--archive", str(private_archive)])
    assert result.exit_code == 1 and "podium reindex" in result.output


@pytest.mark.parametrize("limit", [0, -5])
def test_a_limit_below_one_is_refused(nightly_archive, limit):
    """Before: 0 made tantivy panic, -5 raised an OverflowError."""
    with pytest.raises(SearchInputError, match=f"limit must be at least 1, not {limit}"):
        search_archive(nightly_archive[0], "Huawei", limit=limit)
    with pytest.raises(SearchInputError, match="limit must be at least 1"):
        hits_of(nightly_archive[0], "Huawei", limit=limit)


def test_a_limit_beyond_the_index_returns_every_hit(nightly_archive):
    everything = hits_of(nightly_archive[0], "Huawei", limit=10_000)
    assert everything and hits_of(nightly_archive[0], "Huawei", limit=2**64) == everything


def test_since_after_until_is_refused():
    with pytest.raises(SearchInputError, match="since 2020-01-01 is after until 2019-01-01"):
        Filters(since=dt.date(2020, 1, 1), until=dt.date(2019, 1, 1))
    assert Filters(since=dt.date(2019, 1, 1), until=dt.date(2019, 1, 1))  # one day is a period


def test_an_unknown_speaker_is_named_with_a_suggestion(nightly_archive):
    with pytest.raises(SearchInputError, match=r"no speaker 'Zhao Lijan' in the archive; did you mean 'Zhao Lijian'\?"):
        search_archive(nightly_archive[0], "Huawei", Filters(speaker="Zhao Lijan"))
    with pytest.raises(SearchInputError, match="did you mean 'Zhao Lijian'"):  # a surname alone
        hits_of(nightly_archive[0], "Huawei", speaker="Zhao")
    no_one = r"no speaker 'Nobody Atall' in the archive; `podium sql .*` lists the speakers"
    with pytest.raises(SearchInputError, match=no_one):
        hits_of(nightly_archive[0], "Huawei", speaker="Nobody Atall")


def test_an_unknown_country_suggests_its_iso_code(nightly_archive):
    with pytest.raises(SearchInputError, match=r"no speaker or source of country 'China' .*did you mean CN\?"):
        search_archive(nightly_archive[0], "Huawei", Filters(country="China"))
    # A real ISO code that no speaker or source of the archive has: the error lists those it has.
    with pytest.raises(SearchInputError, match=r"country 'FR' .*the archive's countries are .*CN.*US"):
        hits_of(nightly_archive[0], "Huawei", country="FR")


def test_an_unknown_source_or_language_suggests_a_known_one(nightly_archive):
    with pytest.raises(SearchInputError, match=r"no source 'fmprc_eng' in the archive; did you mean 'fmprc_en'\?"):
        search_archive(nightly_archive[0], "Huawei", Filters(source="fmprc_eng"))
    # The fmprc_en archive holds English statements only.
    with pytest.raises(SearchInputError, match=r"no statement in language 'English' .*did you mean en\?"):
        hits_of(nightly_archive[0], "Huawei", language="English")
    with pytest.raises(SearchInputError, match=r"language 'zh' .*the archive's languages are en$"):
        hits_of(nightly_archive[0], "Huawei", language="zh")


def test_known_filter_values_without_hits_are_no_error(nightly_archive):
    """Wang Wenbin is in the registry but spoke after the bundled fmprc_en recordings (2018-2020, read
    on the pages: Lu Kang, Geng Shuang, Hua Chunying, Zhao Lijian); fmprc_zh is a configured source
    this archive never crawled; US is the country of registry speakers, none of them in this archive."""
    archive = nightly_archive[0]
    assert search_archive(archive, "Huawei", Filters(speaker="Wang Wenbin")) == []
    assert search_archive(archive, "Huawei", Filters(source="fmprc_zh")) == []
    assert search_archive(archive, "Huawei", Filters(country="us")) == []
    assert search_archive(archive, "Huawei", Filters(country="cn"))


def test_a_missing_archive_is_named_not_a_missing_index(tmp_path):
    missing = tmp_path / "no" / "such.duckdb"
    for filters in (Filters(), Filters(speaker="Geng Shuang")):
        with pytest.raises(ArchiveError, match=f"no archive at {re.escape(str(missing))}") as error:
            search_archive(missing, "Huawei", filters)
        assert "reindex" not in str(error.value)


def test_reindex_of_a_missing_archive_or_another_file_leaves_no_lock(tmp_path):
    missing = tmp_path / "such.duckdb"
    with pytest.raises(ArchiveError, match="no archive at"):
        rebuild_archive_index(missing, lock_wait_seconds=0)
    assert list(tmp_path.iterdir()) == []
    not_an_archive = tmp_path / "README.md"
    not_an_archive.write_text("# not an archive\n")
    with pytest.raises(ArchiveError, match="is not a DuckDB archive"):
        rebuild_archive_index(not_an_archive, lock_wait_seconds=0)
    assert list(tmp_path.iterdir()) == [not_an_archive]
