"""Link benchmark: real news reports of China MFA briefings, annotated by reading them and the
transcripts (tests/fixtures/press_reports: speaker, opening words and day of every quote, and the
answer it reports, in English and in Chinese), against what podium archives and links.

    .venv/bin/python bench/links.py [--verbose]

The archive is built in a temporary DuckDB file from the bundled pages, as the flow makes it
(extraction, load, then the link step), without a crawl: every China MFA transcript of
snapshots/fmprc_en and snapshots/fmprc_zh (the other days' answers are the distractors) and
every report of snapshots/press_reports. Each annotation says its split: "dev" reports were used
to choose the thresholds of podium/quote_links.py, "test" ones are only scored.

Scores per split:
  speaker F1   a quote found with the right speaker (bench/quotes.py's matching)
  date acc.    found quotes whose annotated day (where the report lets a reader know it) is the
               statement's date
  link P / R   a link is right when its answer is the annotated one (same day, same opening
               words) in that language; recall counts the annotated answers whose transcript is
               bundled; links from quotes no annotation lists count as wrong
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.quotes import Score, normalise_words, same_speaker  # noqa: E402
from podium import replay  # noqa: E402
from podium.extract import StoredPage, extract  # noqa: E402
from podium.settings import settings  # noqa: E402
from podium.speakers import registry  # noqa: E402
from storage.db import open_archive  # noqa: E402
from storage.extracted import ExtractionStage, arrow_schemas, empty_folder  # noqa: E402
from flows.extraction import link_statements  # noqa: E402
from storage.registry import sync_sources, sync_speakers  # noqa: E402

ANNOTATIONS = ROOT / "tests" / "fixtures" / "press_reports"
SNAPSHOTS = ROOT / "snapshots"
REPORTS, TRANSCRIPTS = "press_reports", ("fmprc_en", "fmprc_zh", "whitehouse_briefings")
# The goals on the test half (issue 14): a missing link beats a wrong one.
GOALS = {"link P": 0.95, "link R": 0.85, "speaker F1": 0.95, "date acc.": 0.95}
ZH_OPENING = 10  # characters of a Chinese answer compared; an English one: its first words
EN_OPENING = 6


def annotations() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ANNOTATIONS.glob("*.json"))]


def _pages(source: str, wanted=lambda row: True):
    for row in replay.read_index(SNAPSHOTS / source):
        if wanted(row):
            body = replay.Recording(row["url"], SNAPSHOTS / source / row["file"], 200, "text/html").body()
            yield StoredPage("bench", source, row["url"], body, "text/html", None)


def build_archive(path: Path) -> None:
    """Extract, load and link every bundled transcript and report into a new archive at `path`."""
    config, reg = settings(), registry()
    extractions = []
    for source in (*TRANSCRIPTS, REPORTS):
        for page in _pages(source, lambda row: not row["file"].startswith("list/")):
            try:
                extractions.append(extract(page, config.source(source), reg))
            except Exception as error:  # a page the extractor refuses is no link; say which
                print(f"not extracted: {page.url}: {error}", file=sys.stderr)
    with open_archive(path) as con, empty_folder(path.parent / "stage") as folder:
        sync_sources(con, config.sources)  # v_briefing_answers pairs the transcripts of briefing sources
        sync_speakers(con, reg)
        stage = ExtractionStage(folder, arrow_schemas(con))
        stage.add(extractions)
        stage.load(con)
        link_statements(con, [e.document.doc_id for e in extractions])


@dataclass
class Tally:
    speakers: Score = field(default_factory=Score)
    dated: int = 0
    dated_right: int = 0
    links: int = 0
    links_right: int = 0
    gold: int = 0
    gold_found: int = 0
    misses: list = field(default_factory=list)

    def row(self) -> dict:
        return {"speaker F1": self.speakers.f1, "speaker P": self.speakers.precision,
                "speaker R": self.speakers.recall,
                "date acc.": self.dated_right / self.dated if self.dated else 0.0,
                "link P": self.links_right / self.links if self.links else 0.0,
                "link R": self.gold_found / self.gold if self.gold else 0.0,
                "quotes": self.speakers.expected, "links": self.links, "gold links": self.gold}


def _statements(con, url: str) -> list[SimpleNamespace]:
    rows = con.execute("SELECT s.statement_id, s.speaker_id, s.speaker_raw, s.text, s.statement_date"
                       " FROM statements s JOIN documents d USING (doc_id) WHERE d.url = ? ORDER BY s.seq",
                       [url]).fetchall()
    return [SimpleNamespace(statement_id=r[0], speaker_id=r[1], speaker_raw=r[2], text=r[3], date=r[4])
            for r in rows]


def _links(con, statement_id: str) -> list[tuple]:
    return con.execute("SELECT a.text, a.statement_date, coalesce(a.language, d.language)"
                       " FROM statement_links l JOIN statements a ON a.statement_id = l.source_statement_id"
                       " JOIN documents d ON d.doc_id = a.doc_id WHERE l.statement_id = ?",
                       [statement_id]).fetchall()


def gold_answers(quote: dict) -> list[tuple[str, str]]:
    """(language, opening words) of the answers a quote reports."""
    answer = quote.get("answer") or {}
    found = []
    if answer.get("answer_starts"):
        found.append((answer.get("language", "zh"), answer["answer_starts"]))
    if answer.get("zh_answer_starts"):
        found.append(("zh", answer["zh_answer_starts"]))
    for extra in (answer.get("also_answer_starts"),) if answer.get("also_answer_starts") else ():
        found.append((answer.get("language", "zh"), extra))
    return found


def opens_with(text: str, opening: str, language: str) -> bool:
    if language.startswith("zh"):
        squeeze = lambda s: "".join(ch for ch in s if ch.isalnum())  # noqa: E731
        return squeeze(text).startswith(squeeze(opening)[:ZH_OPENING])
    words = normalise_words(opening).split()[:EN_OPENING]
    return normalise_words(text).startswith(" ".join(words))


def score_report(con, report: dict, tally: Tally, reg) -> None:
    statements = [s for s in _statements(con, report["url"]) if s.speaker_raw]
    wanted = report["quotes"]

    def match(e, s):
        return same_speaker(e["speaker"], s, reg) and normalise_words(e["starts"]) in normalise_words(s.text)

    tally.speakers.add(Score(expected=len(wanted), found=len(statements),
                             recalled=sum(any(match(e, s) for s in statements) for e in wanted),
                             correct=sum(any(match(e, s) for e in wanted) for s in statements)))
    for s in statements:
        annotated = next((e for e in wanted if match(e, s)), None)
        _score_date(annotated, s, tally, report)
        _score_links(annotated, s, _links(con, s.statement_id), tally, report)
    for e in wanted:
        tally.gold += len(gold_answers(e))
        if not any(match(e, s) for s in statements):
            tally.misses.append((report["url"], "quote not found", e["speaker"], e["starts"]))


def _score_date(annotated: dict | None, statement, tally: Tally, report: dict) -> None:
    if annotated and annotated.get("statement_date"):
        tally.dated += 1
        right = str(statement.date) == annotated["statement_date"]
        tally.dated_right += right
        if not right:
            tally.misses.append((report["url"], "date", annotated["starts"], str(statement.date),
                                 annotated["statement_date"]))


def _score_links(annotated: dict | None, statement, links: list[tuple], tally: Tally, report: dict) -> None:
    gold = gold_answers(annotated) if annotated else []
    answer = (annotated or {}).get("answer") or {}
    for text, day, language in links:
        tally.links += 1
        right = any(lang == language and opens_with(text, opening, language) for lang, opening in gold)
        tally.links_right += right
        if not right:
            tally.misses.append((report["url"], "wrong link", statement.text[:50], str(day), text[:40]))
    for language, opening in gold:
        if any(lang == language and opens_with(text, opening, lang) for text, _, lang in links):
            tally.gold_found += 1
        else:
            tally.misses.append((report["url"], "missed link", statement.text[:50], language, opening[:30],
                                 answer.get("transcript_file")))


def measure(verbose: bool = False) -> dict[str, dict]:
    """{split: row} for "dev", "test", "white_house" (reports of White House briefings, only
    scored) and "all"."""
    reg = registry()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "links.duckdb"
        build_archive(archive)
        tallies = {"dev": Tally(), "test": Tally(), "white_house": Tally(), "all": Tally()}
        with open_archive(archive, read_only=True) as con:
            for report in annotations():
                for split in (report["split"], "all"):
                    score_report(con, report, tallies[split], reg)
    if verbose:
        for miss in tallies["all"].misses:
            print(*miss, sep=" | ")
    return {split: tally.row() for split, tally in tallies.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", action="store_true", help="list missed quotes, wrong dates and links")
    args = parser.parse_args()
    rows = measure(args.verbose)
    columns = ["quotes", "speaker F1", "date acc.", "links", "gold links", "link P", "link R"]
    print(f"{'split':<12}" + "".join(f"{c:>11}" for c in columns))
    for split, row in rows.items():
        print(f"{split:<12}" + "".join(f"{row[c]:>11.3f}" if isinstance(row[c], float) else f"{row[c]:>11}"
                                      for c in columns))


if __name__ == "__main__":
    main()
