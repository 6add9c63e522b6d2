"""News quotes linked to the briefing answers they report, in English and across languages, on the
real reports of snapshots/press_reports annotated against the bundled China MFA transcripts
(tests/fixtures/press_reports). The archive is built as the flow builds it (bench/links.py):
extraction, load, then the link step."""
from __future__ import annotations

import dataclasses
import json

import pytest

from bench import links as bench_links
from conftest import FIXTURES, SNAPSHOTS, snapshot_rows
from podium import replay
from podium.extract import StoredPage, extract
from podium.glossary import chinese_words, glossed_stems, stem
from podium.settings import settings
from podium.speakers import registry
from storage.db import open_archive
from storage.extracted import ExtractionStage, arrow_schemas, empty_folder
from flows.extraction import link_statements

AUKUS = "dailyrapidnews.com-20220406-aukus-cold-war"  # Zhao Lijian, 2022-04-06, reported in English


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    path = tmp_path_factory.mktemp("links") / "links.duckdb"
    bench_links.build_archive(path)
    return path


@pytest.fixture(scope="module")
def scores(linked):
    reg, tallies = registry(), {split: bench_links.Tally() for split in ("dev", "test", "white_house")}
    with open_archive(linked, read_only=True) as con:
        for report in bench_links.annotations():
            bench_links.score_report(con, report, tallies[report["split"]], reg)
    return {split: tally.row() for split, tally in tallies.items()}


def annotation(name: str) -> dict:
    return json.loads((FIXTURES / "press_reports" / f"{name}.json").read_text(encoding="utf-8"))


def extraction_of(source: str, row: dict):
    body = replay.Recording(row["url"], SNAPSHOTS / source / row["file"], 200, "text/html").body()
    return extract(StoredPage("test", source, row["url"], body, "text/html", None), settings().source(source),
                   registry())


def save(con, extractions, folder) -> None:
    with empty_folder(folder):
        stage = ExtractionStage(folder, arrow_schemas(con))
        stage.add(extractions)
        stage.load(con)


def test_every_annotated_report_is_bundled_with_the_transcripts_it_quotes():
    reports = {row["url"]: row for row in snapshot_rows("press_reports")}
    transcripts = {row["file"].split("/")[-1].split(".")[0] for source in bench_links.TRANSCRIPTS
                   for row in snapshot_rows(source)}
    annotated = bench_links.annotations()
    assert len(annotated) >= 40 and {r["url"] for r in annotated} == set(reports)
    assert set(settings().source("press_reports").start_urls) == set(reports)  # the live list is the bundled one
    assert {r["split"] for r in annotated} == {"dev", "test", "white_house"}
    quoted = {((q["answer"] or {}).get(key) or "").split("/")[-1].split(".")[0]
              for r in annotated for q in r["quotes"] for key in ("transcript_file", "zh_transcript_file")}
    assert quoted - {""} <= transcripts


@pytest.mark.parametrize("split", ["dev", "test"])
def test_links_are_precise_on_both_halves(scores, split):
    """A missing link beats a wrong one. The dev half chose the thresholds; the test half was only
    scored (bench/links.py prints both; the README gives the numbers). These floors keep what was
    measured; the issue's goals (bench/links.py GOALS) are higher."""
    row = scores[split]
    assert row["link P"] >= 0.88, row
    assert row["link R"] >= 0.5, row
    assert row["speaker F1"] >= 0.8 and row["date acc."] >= 0.85, row


def test_an_english_quote_links_to_her_answer_in_the_chinese_transcript(linked):
    report = annotation(AUKUS)
    quote = next(q for q in report["quotes"] if q["starts"].startswith("Its ultimate purpose"))
    with open_archive(linked, read_only=True) as con:
        rows = con.execute(
            "SELECT l.method, l.evidence, a.text, a.statement_date FROM statement_links l"
            " JOIN statements q ON q.statement_id = l.statement_id JOIN documents d ON d.doc_id = q.doc_id"
            " JOIN statements a ON a.statement_id = l.source_statement_id"
            " WHERE d.url = ? AND q.text LIKE 'Its ultimate purpose%'", [report["url"]]).fetchall()
    assert len(rows) == 1, rows
    method, evidence, answer, day = rows[0]
    assert method == "cross_language" and str(day) == quote["statement_date"]
    assert bench_links.opens_with(answer, quote["answer"]["answer_starts"], "zh")
    # the answer (read in the transcript): "…北约”，彻头彻尾服务维护美霸权之私" — NATO, hegemony
    shared = json.loads(evidence)
    assert "org:nato" in shared["entities"] and stem("hegemony") in shared["words"]


def test_an_english_quote_of_kirby_links_to_his_answer_at_the_white_house_briefing(linked):
    """Townhall, 2023-11-20: "I don't want to negotiate in public but I believe we're getting
    closer," Kirby said — his answer on the hostage talks in that day's briefing transcript."""
    report = annotation("townhall.com-20231120-hostage-deal-closer")
    quote = next(q for q in report["quotes"] if q["starts"].startswith("I don't want to negotiate"))
    with open_archive(linked, read_only=True) as con:
        rows = con.execute("SELECT speaker, answer_source, answer_date, answer, method FROM v_press_coverage"
                           " WHERE report_url = ? AND quote LIKE 'I don_t want to negotiate%'",
                           [report["url"]]).fetchall()
    assert len(rows) == 1, rows
    speaker, source, day, answer, method = rows[0]
    assert (speaker, source, str(day), method) == ("John Kirby", "whitehouse_briefings", quote["statement_date"],
                                                   "same_language")
    assert bench_links.opens_with(answer, quote["answer"]["answer_starts"], "en")


def test_reports_of_white_house_briefings_link_without_rules_written_for_them(scores):
    """Six reports of White House briefings, annotated after the rules were written and only
    scored: the floors keep what was measured (bench/links.py prints the row)."""
    row = scores["white_house"]
    assert row["link P"] >= 0.9 and row["link R"] >= 0.6 and row["date acc."] >= 0.95, row


def test_the_press_coverage_view_counts_reports_per_answer(linked):
    with open_archive(linked, read_only=True) as con:
        rows = con.execute("SELECT answer_id, reports, outlet, published, quote, score"
                           " FROM v_press_coverage").fetchall()
        counted = con.execute("SELECT answer_id, count(DISTINCT report_url)"
                              " FROM v_press_coverage GROUP BY 1").fetchall()
    assert rows and all(outlet and "/" not in outlet and score > 0 for _, _, outlet, _, _, score in rows)
    assert {a: n for a, n, *_ in rows} == dict(counted)


def test_reports_and_transcripts_that_give_nothing_to_link_make_no_link_and_no_error(tmp_path):
    """No quotes; quotes with no speaker; a speaker with no briefing that day; a briefing with no
    matching answer: each gives no link and no error."""
    transcript = next(r for r in snapshot_rows("fmprc_en") if r["file"].endswith("t1794629.shtml"))
    report = next(r for r in snapshot_rows("press_reports") if "aukus" in r["file"])
    briefing, news = extraction_of("fmprc_en", transcript), extraction_of("press_reports", report)
    quotes = news.statements
    empty = dataclasses.replace(news, statements=[])
    unnamed = dataclasses.replace(news, statements=[dataclasses.replace(s, speaker_id=None) for s in quotes])
    with open_archive(tmp_path / "a.duckdb") as con:
        save(con, [briefing, empty], tmp_path / "one")
        assert link_statements(con, [briefing.document.doc_id, empty.document.doc_id]) == 0
        save(con, [unnamed], tmp_path / "two")
        assert link_statements(con, [unnamed.document.doc_id]) == 0
        save(con, [news], tmp_path / "three")  # Zhao on 2022-04-06; the briefing is of 2020-07-03
        assert link_statements(con, [news.document.doc_id]) == 0
        assert con.execute("SELECT count(*) FROM statement_links").fetchone()[0] == 0


def test_re_extracting_a_transcript_keeps_the_links_to_it(tmp_path):
    rows = {r["file"].split("/")[-1].split(".")[0]: r for r in snapshot_rows("fmprc_zh")}
    report = next(r for r in snapshot_rows("press_reports") if "aukus" in r["file"])
    transcript = extraction_of("fmprc_zh", rows["t20220406_10664971"])
    news = extraction_of("press_reports", report)
    with open_archive(tmp_path / "a.duckdb") as con:
        save(con, [transcript, news], tmp_path / "one")
        link_statements(con, [transcript.document.doc_id, news.document.doc_id])
        before = con.execute("SELECT * FROM statement_links ORDER BY ALL").fetchall()
        save(con, [transcript], tmp_path / "two")  # the transcript again: its statements replaced
        gone = con.execute("SELECT count(*) FROM statement_links").fetchone()[0]
        link_statements(con, [transcript.document.doc_id])
        after = con.execute("SELECT * FROM statement_links ORDER BY ALL").fetchall()
    assert len(before) >= 2 and gone < len(before) and after == before


def test_chinese_is_cut_into_dictionary_words_and_glossed_in_english():
    assert chinese_words("敦促有关各方特别是以色列方面保持冷静克制")[3:5] == ["是", "以色列"]
    stems = glossed_stems("亚太不欢迎集团对抗，不欢迎军事对抗。AUKUS")
    assert {stem(w) for w in ("Asia-Pacific", "welcome", "bloc", "confrontation", "military", "AUKUS")} <= stems
    assert "taiwan" not in glossed_stems("表示")  # a character alone abbreviates no name here
