"""Cross-document steps after extraction: a news quote linked to the briefing answer it reports,
and a syndicated copy of an article marked as a near-duplicate (counted once in the views).

The briefing is a real transcript (fmprc_en t1794629, 2020-07-03); the news report quoting it is a
short text written for this test in the shape of an agency report, since the corpus holds no
report of that briefing. The syndicated copy is a real bundled news page with a changed intro."""
from __future__ import annotations

import gzip
import json

from typer.testing import CliRunner

from conftest import SNAPSHOTS, snapshot_rows
from expected import expected_page
from podium.cli import app
from podium.near_dups import MAX_DISTANCE, simhash
from podium.quote_links import containment
from storage.db import open_archive

BRIEFING = next(r for r in snapshot_rows("fmprc_en") if r["file"].endswith("t1794629.shtml"))
# What a person read off that page: its spokesperson, date and the opening of its last answer,
# the one the report below quotes (tests/fixtures/fmprc_en/t1794629.json).
BRIEFING_READ = expected_page("fmprc_en", "t1794629")
REPORT = """<html><head><title>China says Japan has no right to comment on Diaoyu patrols</title>
<meta property="article:published_time" content="2020-07-04T09:00:00+08:00"></head><body><article>
<h1>China says Japan has no right to comment on Diaoyu patrols</h1>
<p>BEIJING, July 4 (Agency) - China's foreign ministry rejected Japan's protest over Chinese coast
guard patrols near disputed islands in the East China Sea.</p>
<p>"Patrolling and law-enforcement in the waters off Diaoyu Dao is our inherent right, and Japan has
no right to make unwarranted comments," Chinese Foreign Ministry spokesperson Zhao Lijian told a
regular news briefing on Friday.</p>
<p>Zhao also said that China was determined to safeguard its sovereignty over the islands, which
Japan calls the Senkakus, and urged Tokyo to refrain from stirring up new trouble.</p>
<p>Japan lodged a protest earlier in the week after Chinese vessels entered what it considers its
territorial waters, according to Japanese media reports.</p>
</article></body></html>"""



def bits_apart(a: int, b: int) -> int:
    """How many of two 64-bit fingerprints' bits differ (what storage/links.py compares in SQL)."""
    return bin((a ^ b) & (1 << 64) - 1).count("1")

def ingest(*args: str):
    result = CliRunner().invoke(app, ["ingest", *args])
    assert result.exit_code == 0, result.output
    return result


def test_containment_tells_a_reported_passage_from_shared_words():
    answer = ("Diaoyu Dao and its affiliated islands are China's inherent territory. Patrolling and "
              "law-enforcement in the waters off Diaoyu Dao is our inherent right.")
    assert containment("Patrolling and law enforcement in the waters off Diaoyu Dao is our inherent right",
                       answer) > 0.9
    assert containment("Japan has every right to protect its territory and waters", answer) < 0.85
    assert containment("inherent right", answer) == 0.0  # too short to say anything


def test_a_news_quote_is_linked_to_the_answer_it_reports(prefect_harness, tmp_path):
    archive = str(tmp_path / "a.duckdb")
    ingest(str(SNAPSHOTS / "fmprc_en" / BRIEFING["file"]), "--url", BRIEFING["url"], "--archive", archive)
    report = tmp_path / "report.html"
    report.write_text(REPORT, encoding="utf-8")
    ingest(str(report), "--url", "https://news.example-agency.test/world/china-japan-diaoyu", "--archive", archive)
    with open_archive(archive, read_only=True) as con:
        links = con.execute("SELECT speaker, quote_date, answer_date, answer_url, answer, score, method"
                            " FROM v_statement_links ORDER BY score DESC").fetchall()
        back = con.execute("SELECT count(*) FROM statement_links l JOIN statements a"
                           " ON a.statement_id = l.source_statement_id WHERE a.doc_id IN"
                           " (SELECT doc_id FROM documents WHERE url = ?)", [BRIEFING["url"]]).fetchone()[0]
    # the direct quote, word for word; then the paraphrase ("Zhao also said that China was
    # determined … and urged Tokyo to refrain from stirring up new trouble"), by its words
    assert len(links) == 2 and back == 2
    assert [method for *_, method in links] == ["same_language", "shared_words"]
    for speaker, quote_date, answer_date, answer_url, answer, _score, _ in links:
        assert speaker == BRIEFING_READ.transcript.spokesperson
        assert str(quote_date) == str(answer_date) == str(BRIEFING_READ.date)
        assert answer_url == BRIEFING["url"] and answer.startswith(BRIEFING_READ.transcript.last_answer_starts)
    assert links[0][5] >= 0.85
    # the answer's search hit says how many reports quoted it; the report lists it as most reported
    found = CliRunner().invoke(app, ["search", "Diaoyu inherent right", "--archive", archive, "--format", "json"])
    assert found.exit_code == 0, found.output
    hits = {hit["text"][:40]: hit["reports"] for hit in json.loads(found.output)}
    assert hits[links[0][4][:40]] == 1 and sum(hits.values()) == 1
    table = CliRunner().invoke(app, ["search", "Diaoyu inherent right", "--archive", archive])
    assert "quoted in 1 news report" in table.output
    written = CliRunner().invoke(app, ["report", "--archive", archive, "--output", str(tmp_path / "report")])
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert written.exit_code == 0 and 'id="reported"' in page and "example-agency.test" in page


def test_simhash_is_stable_under_small_edits_and_far_for_other_texts():
    page = sorted((SNAPSHOTS / "web" / "pages").glob("*.html.gz"))
    texts = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in page[:2]]
    assert bits_apart(simhash(texts[0]), simhash(texts[0].replace("<p>", "<p> (AP) ", 1))) <= MAX_DISTANCE
    assert bits_apart(simhash(texts[0]), simhash(texts[1])) > 10
    assert simhash("too short to fingerprint") is None


def test_a_syndicated_copy_is_marked_and_not_counted_twice(prefect_harness, tmp_path):
    row = next(r for r in snapshot_rows("web") if "thehill.com" in r["url"])
    original = gzip.decompress((SNAPSHOTS / "web" / row["file"]).read_bytes())
    copy = tmp_path / "copy.html"
    copy.write_bytes(original.replace(b"<p>", b"<p>Republished with permission. ", 1))
    (tmp_path / "original.html").write_bytes(original)
    archive = str(tmp_path / "a.duckdb")
    ingest(str(tmp_path / "original.html"), "--url", row["url"], "--archive", archive)
    with open_archive(archive, read_only=True) as con:
        alone = con.execute("SELECT count(*) FROM v_statements").fetchone()[0]
    ingest(str(copy), "--url", "https://syndicated.example-news.test/2019/11/meth-campaign", "--archive", archive)
    with open_archive(archive, read_only=True) as con:
        dup = con.execute("SELECT d.near_dup_of = o.doc_id FROM documents d, documents o"
                          " WHERE d.url LIKE '%syndicated%' AND o.url = ?", [row["url"]]).fetchone()
        counted = con.execute("SELECT count(*) FROM v_statements").fetchone()[0]
        stored = con.execute("SELECT count(*) FROM statements").fetchone()[0]
    assert dup == (True,)
    assert alone > 0 and counted == alone and stored == 2 * alone


def test_a_paraphrase_links_only_when_it_keeps_the_answers_words():
    answer = "China firmly opposes the US arms sales to Taiwan and urges the US to stop them."
    assert containment("China firmly opposed the US arms sales to Taiwan and urged the US to stop them", answer,
                       "indirect") >= 0.85
    assert containment("China was determined to safeguard its sovereignty and warned Tokyo", answer, "indirect") < 0.5
