"""U.S. State Department press releases: hand-checked expectations (tests/fixtures/state_gov_press,
written by reading the items of the recorded feeds) against the parser and against the archive
after real crawls of the replayed feed; the turn splitter on a briefing-shaped text; incremental
runs over older and newer feed versions; since/until."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import SNAPSHOTS, snapshot_rows, statements_by_url, write_index
from expected import expected_pages
from flows.crawl import CrawlRequest, run_crawl
from flows.nightly import nightly
from podium import state_gov
from podium.extract import StoredPage, extract
from podium.settings import settings
from podium.speakers import registry
from podium.transcript import label_surname
from recorded_pages import extracted as extracted_page
from storage.db import open_archive

SOURCE = "state_gov_press"
EXPECTED = expected_pages(SOURCE)
IDS = [e.url.rstrip("/").rsplit("/", 1)[-1][:40] for e in EXPECTED]
DEFAULT_FEED = "feeds/press-releases_2022-05-06_20-28-26Z.rss"  # the feed the links below were read from
OLDER_FEED = "feeds/press-releases_2022-03-24_20-35-32Z.rss"


def extracted(expected):
    """The extraction of the expected page's item of its recorded feed."""
    return extracted_page(SOURCE, expected)


def by_speaker(statements) -> dict:
    counts: dict[str, int] = {}
    for s in statements:
        counts[s["speaker_raw"]] = counts.get(s["speaker_raw"], 0) + 1
    return counts


def test_fixtures_cover_signed_department_readout_and_transcripts():
    kinds = {(e.doc_type, e.statements.first[0].speaker_id is None) for e in EXPECTED}
    assert len(EXPECTED) >= 6
    assert {("press_statement", True), ("press_statement", False), ("transcript", False)} <= kinds
    assert any("attributable" in e.note for e in EXPECTED)


def test_every_item_is_expected_with_its_first_statement_in_full():
    """What the parser reads of each item (title, date and basis, document type, statements by
    speaker, the first statement's speaker, role, institution and country, their offsets and
    order) is checked against these values in tests/test_sources.py."""
    fields = {"kind", "speaker_id", "role", "institution", "country", "text_starts"}
    for e in EXPECTED:
        assert e.title and e.date and e.date_basis and e.doc_type, e.url
        assert e.statements.by_speaker_raw and e.statements.first[0].model_fields_set == fields, e.url


def test_signature_is_not_part_of_the_statement_text():
    expected = next(e for e in EXPECTED
                    if e.statements.first[0].speaker_id == "antony_blinken" and e.doc_type == "press_statement")
    statement = extracted(expected).statements[0]
    assert "Secretary of State" not in statement.text.split("\n\n")[0]


# A text in the shape of a State Department press briefing transcript (written for this test).
BRIEFING = [
    "Matthew Miller, Department Spokesperson",
    "Washington, D.C.",
    "1:31 p.m. EDT",
    "MR MILLER: Good afternoon, everyone. I have one thing at the top.",
    "We welcome the agreement announced today.",
    "QUESTION: Thanks, Matt. On the agreement —",
    "MR MILLER: Sure.",
    "QUESTION: — is there a date for the signing?",
    "(Laughter.)",
    "MR MILLER: Not yet — not yet. (Laughter.) We will announce one when we have it.",
    "QUESTION: Can I follow up?",
    "MR MILLER: Go ahead.",
    "(The briefing was concluded at 2:02 p.m.)",
]


def test_turn_splitter_on_a_briefing_shaped_text():
    turns = state_gov.split_turns(BRIEFING)
    text = state_gov.PARAGRAPH_SEPARATOR.join(BRIEFING)
    assert [t.speaker for t in turns] == ["MR MILLER"] * 4
    assert turns[0].text == ("Good afternoon, everyone. I have one thing at the top.\n\n"
                             "We welcome the agreement announced today.")
    assert turns[0].kind == "opening_remarks" and turns[0].question is None
    assert turns[1].question == "Thanks, Matt. On the agreement —" and turns[1].text == "Sure."
    # the stand-alone stage note belongs to no turn; the inline one stays in the answer
    assert turns[2].question == "— is there a date for the signing?"
    assert turns[2].text == "Not yet — not yet. (Laughter.) We will announce one when we have it."
    assert turns[3].text == "Go ahead."
    assert all(text[t.char_start:t.char_end] == t.text for t in turns)
    assert label_surname("FOREIGN MINISTER KOFOD") == "KOFOD"


def test_a_stage_note_inside_a_turn_stays_in_its_text_and_a_last_one_in_none():
    paragraphs = ["MR MILLER: First.", "(Laughter.)", "Second.", "QUESTION: Why?", "MR MILLER: Because.",
                  "(The briefing was concluded at 2:02 p.m.)"]
    turns = state_gov.split_turns(paragraphs)
    text = state_gov.PARAGRAPH_SEPARATOR.join(paragraphs)
    assert [t.text for t in turns] == ["First.\n\n(Laughter.)\n\nSecond.", "Because."]
    assert all(text[t.char_start:t.char_end] == t.text for t in turns)


def test_briefing_turns_resolve_to_the_registered_spokesperson():
    reg = registry()
    surnames = {"MILLER": ("Matthew Miller", "Department Spokesperson")}
    who = state_gov.turn_speaker("MR MILLER", surnames, dt.date(2023, 6, 1), reg)
    assert (who.speaker.speaker_id, who.role, who.country) == ("matthew_miller", "Department Spokesperson", "US")
    stranger = state_gov.turn_speaker("MODERATOR", surnames, dt.date(2023, 6, 1), reg)
    assert (stranger.speaker_raw, stranger.speaker) == ("MODERATOR", None)


def test_items_are_dated_in_washington():
    assert state_gov.pubdate_of("Fri, 06 May 2022 00:35:26 +0000") == dt.date(2022, 5, 5)
    assert state_gov.pubdate_of("Fri, 06 May 2022 04:00:00 +0000") == dt.date(2022, 5, 6)
    assert state_gov.pubdate_of("not a date") is None


def test_an_item_without_body_is_an_extraction_error():
    from podium.extract import ExtractionError

    body = b"<item><title>x</title><link>https://www.state.gov/x/</link></item>"
    page = StoredPage("x", SOURCE, "https://www.state.gov/x/", body)
    with pytest.raises(ExtractionError):
        extract(page, settings().source(SOURCE), registry())


# -- real crawls through the replay server ----------------------------------------------------

def with_feed(snapshot: Path, feed: str) -> None:
    """Point the recording's one feed URL (in a whole copy of the snapshot) at another recorded
    version of the feed."""
    rows = snapshot_rows(SOURCE)
    rows[0]["file"] = feed
    write_index(snapshot, SOURCE, rows)


def archived(archive) -> dict[str, list[dict]]:
    return statements_by_url(archive, SOURCE)


def page_count(archive) -> int:
    with open_archive(archive, read_only=True) as con:
        return con.execute("SELECT count(*) FROM pages WHERE source_id = ?", [SOURCE]).fetchone()[0]


@pytest.fixture(scope="module")
def crawled(prefect_harness, tmp_path_factory):
    archive = tmp_path_factory.mktemp("state") / "archive.duckdb"
    summary = nightly(sources=[SOURCE], replay=str(SNAPSHOTS), archive=str(archive))
    return archive, summary


# The <link> of each of the 10 <item>s of the default feed, read off the file.
DEFAULT_FEED_LINKS = {
    "https://www.state.gov/secretary-blinkens-call-with-pakistani-foreign-minister-bhutto-zardari/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-gabonese-foreign-minister-michael-moussa-adamo/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-gabonese-defense-minister-ngoubili/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-gabonese-president-ali-bongo-ondimba/",
    "https://www.state.gov/the-democratic-peoples-republic-of-koreas-illicit-activities-and-sanctions-evasion/",
    "https://www.state.gov/terrorist-attack-in-elad-israel/",
    "https://www.state.gov/u-s-response-to-the-al-shabab-attack-in-somalia/",
    "https://www.state.gov/briefings/department-press-briefing-may-5-2022/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-angolan-minister-of-state-chief-furtado/",
    "https://www.state.gov/the-u-s-government-and-air-alliance-for-innovative-regulation-announce-first-"
    "techsprint-to-combat-global-corruption/",
}

# The first five <item>s of the default feed, whose <pubDate>s (Fri, 06 May 2022 13:40:28 to 20:05:14
# +0000) fall on May 6 in Washington (EDT, UTC-4). The sixth, Elad at Fri, 06 May 2022 00:35:26 +0000,
# is 20:35 on May 5 in Washington, and the rest are dated Thu, 05 May: all May 5.
MAY_6_LINKS = {
    "https://www.state.gov/secretary-blinkens-call-with-pakistani-foreign-minister-bhutto-zardari/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-gabonese-foreign-minister-michael-moussa-adamo/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-gabonese-defense-minister-ngoubili/",
    "https://www.state.gov/deputy-secretary-shermans-meeting-with-gabonese-president-ali-bongo-ondimba/",
    "https://www.state.gov/the-democratic-peoples-republic-of-koreas-illicit-activities-and-sanctions-evasion/",
}


def test_crawl_archives_every_item_of_the_feed(crawled):
    archive, summary = crawled
    assert snapshot_rows(SOURCE)[0]["file"] == DEFAULT_FEED  # the feed the replay serves by default
    assert set(archived(archive)) == DEFAULT_FEED_LINKS
    assert page_count(archive) == len(DEFAULT_FEED_LINKS) + 1  # the feed itself is kept as the listing page
    assert summary["errors"] == []


@pytest.mark.parametrize("expected", [e for e in EXPECTED if e.file == DEFAULT_FEED],
                         ids=lambda e: e.url.rstrip("/").rsplit("/", 1)[-1][:40])
def test_crawled_item_matches_the_item(crawled, expected):
    statements, wanted = archived(crawled[0])[expected.url], expected.statements
    first = statements[0]
    assert (first["title"], first["doc_type"]) == (expected.title, expected.doc_type)
    assert first["published_at"] == expected.date
    assert len(statements) == wanted.count and by_speaker(statements) == wanted.by_speaker_raw
    assert (first["speaker_id"], first["kind"]) == (wanted.first[0].speaker_id, wanted.first[0].kind)
    assert first["text"].startswith(wanted.first[0].text_starts)


def test_second_run_adds_nothing_and_a_newer_feed_adds_only_its_new_items(prefect_harness, copy_snapshot, tmp_path):
    snapshot, archive = copy_snapshot(SOURCE), tmp_path / "a.duckdb"
    with_feed(snapshot, OLDER_FEED)
    first = nightly(sources=[SOURCE], replay=str(snapshot), archive=str(archive))
    older = set(archived(archive))
    assert len(older) == 10 and first["run"]["pages_new"] == 11
    again = nightly(sources=[SOURCE], replay=str(snapshot), archive=str(archive))
    assert set(archived(archive)) == older
    assert again["run"]["pages_new"] == 0 and again["run"]["statements"] == 0
    with_feed(snapshot, DEFAULT_FEED)
    newer = nightly(sources=[SOURCE], replay=str(snapshot), archive=str(archive))
    assert set(archived(archive)) == older | DEFAULT_FEED_LINKS
    assert newer["run"]["pages_new"] == len(DEFAULT_FEED_LINKS - older)
    assert newer["run"]["pages_revised"] == 1  # the feed itself: same URL, new content


def staged_items(tmp_path: Path, replay_url: str, **dates) -> set[str]:
    request = CrawlRequest(SOURCE, tmp_path / "run", replay_base=replay_url, **dates)
    result = run_crawl(request)
    records = [json.loads(line) for line in result.staging.read_text(encoding="utf-8").splitlines()]
    return {r["url"] for r in records if r.get("page_kind") == "detail"}


def test_since_and_until_select_items_by_their_washington_date(tmp_path, replay_url):
    assert staged_items(tmp_path, replay_url, since="2022-05-06") == MAY_6_LINKS
    assert staged_items(tmp_path / "b", replay_url, until="2022-05-05") == DEFAULT_FEED_LINKS - MAY_6_LINKS
