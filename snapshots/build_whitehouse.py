"""Copy a sample of the White House press-briefing transcripts from ../shared/corpus (run by hand;
see whitehouse_briefings/PROVENANCE.md).

The sample is what the tests and the demo need: every transcript with expected values in
tests/fixtures/whitehouse_briefings/, and every transcript a White House news report in
snapshots/press_reports quotes (named by its annotation). Files are copied byte for byte (gzipped
Markdown with front matter); index.csv gives each file's URL and date, as the corpus's index
does, in the columns the replay index uses too.
"""
import csv
import json
import shutil
import sys
from pathlib import Path

from podium.replay import write_index

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "whitehouse_briefings"
TARGET = HERE / "whitehouse_briefings"
FIXTURES = HERE.parent / "tests" / "fixtures"
COLUMNS = ["file", "url", "date", "http_status", "content_type", "bytes", "origin", "original_path", "edited"]
REPO, COMMIT = "brian14708/wh-briefings", "737ca03a271adc205c67766074ec8d0070f7ad95"


def wanted_files() -> set[str]:
    """Corpus paths (press-briefings/YYYY-MM/<name>.md.gz) of the fixtures and quoted transcripts."""
    wanted = {json.loads(p.read_text(encoding="utf-8"))["file"]
              for p in (FIXTURES / "whitehouse_briefings").glob("*.json")}
    for path in (FIXTURES / "press_reports").glob("*.json"):
        for quote in json.loads(path.read_text(encoding="utf-8"))["quotes"]:
            quoted = (quote.get("answer") or {}).get("transcript_file") or ""
            if quoted.startswith("press-briefings/"):
                wanted.add(quoted)
    return wanted


def build() -> None:
    with open(CORPUS / "index.csv", newline="", encoding="utf-8") as handle:
        corpus = {row["file"]: row for row in csv.DictReader(handle)}
    rows = []
    for name in sorted(wanted_files()):
        (TARGET / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / name, TARGET / name)
        row = corpus[name]
        rows.append({"file": name, "url": row["source_url"], "date": row["date"], "http_status": 200,
                     "content_type": "text/markdown; charset=utf-8", "bytes": (TARGET / name).stat().st_size,
                     "origin": f"{REPO}@{COMMIT[:12]} (CC0 1.0)", "original_path": row["original_path"],
                     "edited": ""})
    write_index(TARGET, rows, COLUMNS)
    print(f"whitehouse_briefings: {len(rows)} transcripts", file=sys.stderr)


if __name__ == "__main__":
    build()
