"""Build the uk_fcdo replay snapshot from ../shared/corpus/gov_uk (run by hand).

* `content/<schema>/<name>.json`: the GOV.UK Content API items of the corpus, copied byte for
  byte. Two base paths are held by two files each (a revision and a variant); the replay server
  serves one file per URL, so the one listed in `PREFERRED` is kept.
* `search/page-<n>.json`: Search API responses WRITTEN BY US (synthetic; no Search API response
  was recorded). They list the bundled items in the real Search API shape, newest
  `public_timestamp` first, `count` items a page, at the URLs the spider asks for (the
  source's api_url, then the same URL with `start` advanced).
"""
import datetime as dt
import json
import shutil
import sys
from pathlib import Path

from w3lib.url import add_or_replace_parameter

from podium.replay import read_index, write_index
from podium.settings import settings

HERE = Path(__file__).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "gov_uk" / "content_api"
DEST = HERE / "uk_fcdo"
PAGE_SIZE = 10
# base_path held by two corpus files → the file kept
PREFERRED = {
    "/government/speeches/stop-and-search-comprehensive-package-of-reform-for-police-stop-and-search-powers":
        "speech/best-practice-oral-statement.json",
    "/government/speeches/lord-mcnally-s-speaking-note-for-westminster-legal-policy-forum-event":
        "speech/speech-with-updates.json",
}
UPSTREAM = "alphagov/publishing-api"
UPSTREAM_COMMIT = "64d2c150d7272c08c7cc6d3520b45bd21c6011f2"
COLUMNS = ["file", "url", "http_status", "content_type", "recorded", "live_url", "document_type",
           "public_timestamp", "title", "source_repo", "source_commit", "original_path"]


def chosen_rows() -> list[dict]:
    rows = read_index(CORPUS)
    kept = [r for r in rows if PREFERRED.get(r["base_path"], r["file"]) == r["file"]]
    return sorted(kept, key=lambda r: dt.datetime.fromisoformat(r["public_updated_at"]), reverse=True)


def search_result(row: dict) -> dict:
    item = json.loads((CORPUS / row["file"]).read_text(encoding="utf-8"))
    return {"link": row["base_path"], "title": item["title"], "public_timestamp": item["public_updated_at"],
            "format": item["schema_name"], "content_store_document_type": item["document_type"],
            "index": "govuk", "es_score": None, "_id": row["base_path"], "document_type": "edition"}


def write_search_pages(rows: list[dict]) -> list[dict]:
    (DEST / "search").mkdir(parents=True, exist_ok=True)
    results = [search_result(r) for r in rows]
    search_url = settings().source("uk_fcdo").api_urls[0]
    index_rows = []
    for number, start in enumerate(range(0, len(results), PAGE_SIZE)):
        page = {"results": results[start:start + PAGE_SIZE], "total": len(results), "start": start,
                "aggregates": {}, "suggested_queries": [], "suggested_autocomplete": [], "es_cluster": "A",
                "reranked": False}
        name = f"search/page-{number}.json"
        (DEST / name).write_text(json.dumps(page, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        index_rows.append({"file": name, "url": add_or_replace_parameter(search_url, "start", str(start)),
                           "http_status": 200, "content_type": "application/json; charset=utf-8",
                           "recorded": "synthetic (written by podium's build_gov_uk.py)"})
    return index_rows


def content_row(row: dict) -> dict:
    target = DEST / "content" / row["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CORPUS / row["file"], target)
    return {"file": f"content/{row['file']}", "url": row["content_api_url"], "http_status": 200,
            "content_type": "application/json; charset=utf-8", "recorded": "upstream example item",
            "live_url": row["live_url"], "document_type": row["document_type"],
            "public_timestamp": row["public_updated_at"], "title": row["title"], "source_repo": UPSTREAM,
            "source_commit": UPSTREAM_COMMIT, "original_path": row["original_path"]}


def build() -> None:
    rows = chosen_rows()
    index_rows = write_search_pages(rows) + [content_row(r) for r in rows]
    write_index(DEST, index_rows, COLUMNS)
    print(f"uk_fcdo: {len(rows)} content items, {len(index_rows) - len(rows)} search pages", file=sys.stderr)


if __name__ == "__main__":
    build()
