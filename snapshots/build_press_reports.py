"""Index the press_reports snapshot, and name the China MFA transcripts its reports quote (run by
hand; see press_reports/PROVENANCE.md).

The pages in press_reports/pages/ are minimal article pages rebuilt from text the `search` tool
returned (corpus `pages`) for real news reports; each has its annotation beside its name in
tests/fixtures/press_reports/<name>.json (its URL, publication date, quotes and the answers they
report). This script writes index.csv from those annotations. build.py and build_fmprc_zh*.py call
`quoted_transcripts` to bundle every transcript an annotation points at.
"""
import json
import sys
from pathlib import Path

from podium.replay import write_index

HERE = Path(__file__).parent
TARGET = HERE / "press_reports"
ANNOTATIONS = HERE.parent / "tests" / "fixtures" / "press_reports"
COLUMNS = ["file", "url", "http_status", "content_type", "bytes", "origin", "original_path", "edited"]
ORIGIN = "rebuilt from retrieved text (search corpus pages)"


def annotations() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(ANNOTATIONS.glob("*.json"))]


def quoted_transcripts() -> dict[str, set[str]]:
    """The file stems (t1574293, t20230524_11083455) of the transcripts the annotated quotes
    report, per corpus folder: fmprc/en and fmprc/zh (2018–2020), fmprc_zh_2020s (today's site)."""
    found: dict[str, set[str]] = {"fmprc/en": set(), "fmprc/zh": set(), "fmprc_zh_2020s": set()}
    for report in annotations():
        for quote in report["quotes"]:
            answer = quote.get("answer") or {}
            for key in ("transcript_file", "zh_transcript_file"):
                path = answer.get(key)
                if path:
                    found[_folder(path)].add(Path(path).name.split(".")[0])
    return found


def _folder(path: str) -> str:
    if path.startswith("en/"):
        return "fmprc/en"
    return "fmprc/zh" if path.startswith("zh/") else "fmprc_zh_2020s"


def build_press_reports() -> None:
    rows = []
    for report in annotations():
        page = TARGET / report["file"]
        rows.append({"file": report["file"], "url": report["url"], "http_status": "200",
                     "content_type": "text/html; charset=utf-8", "bytes": str(page.stat().st_size),
                     "origin": ORIGIN, "original_path": "", "edited": ""})
    write_index(TARGET, rows, COLUMNS)
    print(f"press_reports: {len(rows)} pages", file=sys.stderr)


if __name__ == "__main__":
    build_press_reports()
