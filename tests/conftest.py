"""Shared fixtures: an isolated data folder, one Prefect test harness per session, a replay
server over the bundled snapshot, and one nightly run over it that read-only tests share."""
from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from podium import replay


ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "snapshots"
FIXTURES = ROOT / "tests" / "fixtures"

# Before podium reads its settings: nothing a test does may touch the project's own data folder.
_DATA = Path(tempfile.mkdtemp(prefix="podium-tests-"))
os.environ["PODIUM_DATA"] = str(_DATA)
os.environ["PODIUM_ARCHIVE"] = str(_DATA / "default.duckdb")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
# Most tests extract a few pages: one extraction child in this process, not a process pool started
# for each run. tests/test_extraction_runners.py runs the process pool and Dask on purpose.
os.environ.setdefault("PODIUM_EXTRACT_RUNNER", "thread")
os.environ.setdefault("PODIUM_EXTRACT_WORKERS", "1")


def expected_page(source: str, stem: str) -> dict:
    """One page's expectations as plain JSON, by the file name of its recording without extensions
    (t1794629). tests/expected.py reads them validated, as the one schema's model."""
    return json.loads((FIXTURES / source / f"{stem}.json").read_text(encoding="utf-8"))


def extracted_page(source: str, expected: dict, listing: dict | None):
    """The extraction of a bundled page (a dict with its `file` and `url`: an index row), as the
    flow would make it."""
    from podium.extract import StoredPage, extract
    from podium.settings import settings
    from podium.speakers import registry

    body = replay.Recording(expected["url"], SNAPSHOTS / source / expected["file"], 200, "text/html").body()
    page = StoredPage("test", source, expected["url"], body, "text/html", listing)
    return extract(page, settings().source(source), registry())


def snapshot_rows(source: str) -> list[dict]:
    return replay.read_index(SNAPSHOTS / source)


def write_index(root: Path, source: str, rows: list[dict]) -> None:
    """Write `rows` as the index.csv of the snapshot of `source` under `root`."""
    replay.write_index(root / source, rows)


def crawl_stats(summary: dict, source: str) -> dict:
    """The Scrapy stats of a run's crawl of `source` (the file its spider writes beside the staging)."""
    from podium.settings import settings

    run_dir = settings().data_dir / "runs" / summary["run"]["run_id"]
    return json.loads((run_dir / f"{source}.jsonl.stats.json").read_text())


def requests_in(stats: dict) -> tuple[int, int]:
    """(listing, detail) requests a crawl made, from its stats."""
    return stats.get("podium/requests/listing", 0), stats.get("podium/requests/detail", 0)


def requests_made(summary: dict, source: str) -> tuple[int, int]:
    """(listing, detail) requests of a run's crawl of `source`."""
    return requests_in(crawl_stats(summary, source))


CONTENT_TABLES = ("pages", "documents", "statements", "crawl_errors")


def content_counts(archive: Path) -> dict[str, int]:
    """Rows of the archive's content tables (pages, documents, statements, crawl_errors)."""
    from storage.db import open_archive
    from storage.runs import table_counts

    with open_archive(archive, read_only=True) as con:
        return {table: n for table, n in table_counts(con).items() if table in CONTENT_TABLES}


def statements_by_url(archive: Path, source: str) -> dict[str, list[dict]]:
    """url → its archived statements in order, each with its document's title, date, date basis
    (as doc_basis) and doc_type: what a source's crawl tests compare with the fixtures."""
    from storage.db import open_archive

    with open_archive(archive, read_only=True) as con:
        cursor = con.execute(
            "SELECT d.url, d.title, d.published_at, d.date_basis AS doc_basis, d.doc_type, s.*"
            " FROM documents d JOIN statements s USING (doc_id) WHERE d.source_id = ? ORDER BY d.url, s.seq",
            [source])
        columns = [c[0] for c in cursor.description]
        found: dict[str, list[dict]] = {}
        for row in cursor.fetchall():
            record = dict(zip(columns, row))
            found.setdefault(record["url"], []).append(record)
    return found


def copy_snapshot_to(root: Path, source: str, keep_details: set[str] | None = None) -> Path:
    """Copy one source's snapshot under `root`; with `keep_details` (file stems), its index lists
    only the listings and those pages. Returns `root`."""
    shutil.copytree(SNAPSHOTS / source, root / source)
    if keep_details is not None:
        write_index(root, source, [r for r in snapshot_rows(source)
                                   if r["file"].startswith("list/") or Path(r["file"]).stem in keep_details])
    return root


def page_record(stem: str, body: bytes | None = None) -> dict:
    """A staged page record of a bundled fmprc_en detail page, as a spider would write it."""
    row = next(r for r in snapshot_rows("fmprc_en") if r["file"] == f"detail/{stem}.shtml")
    body = body if body is not None else (SNAPSHOTS / "fmprc_en" / row["file"]).read_bytes()
    return {"type": "page", "source_id": "fmprc_en", "url": row["url"], "status": 200, "headers": {},
            "page_kind": "detail", "fetched_at": row["fetched_at_utc"], "body_b64": base64.b64encode(body).decode()}


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def replay_url():
    from podium.replay import serving

    with serving(SNAPSHOTS) as url:
        yield url


@pytest.fixture(scope="session")
def nightly_archive(prefect_harness, tmp_path_factory) -> tuple[Path, dict]:
    """The archive after one nightly run of fmprc_en over the bundled snapshot, and its summary."""
    from flows.nightly import nightly

    archive = tmp_path_factory.mktemp("nightly") / "archive.duckdb"
    summary = nightly(sources=["fmprc_en"], replay=str(SNAPSHOTS), archive=str(archive))
    return archive, summary


@pytest.fixture(scope="session")
def en_zh_archive(nightly_archive, tmp_path_factory) -> tuple[Path, dict]:
    """A copy of the fmprc_en archive with a nightly run of fmprc_zh on top, and that run's summary."""
    from flows.nightly import nightly

    archive = tmp_path_factory.mktemp("en-zh") / "archive.duckdb"
    shutil.copyfile(nightly_archive[0], archive)
    summary = nightly(sources=["fmprc_zh"], replay=str(SNAPSHOTS), archive=str(archive))
    return archive, summary


@pytest.fixture
def copy_snapshot(tmp_path):
    """A private copy of one source's snapshot that a test may change: copy_snapshot(key, keep=…)."""

    def make(source: str, keep_details: set[str] | None = None) -> Path:
        return copy_snapshot_to(tmp_path / "snapshot", source, keep_details)

    return make
