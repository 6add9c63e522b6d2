"""Crawl benchmark: pages per minute of podium's full pipeline (crawl → stage → load → extract)
against a do-nothing spider over the same synthetic replay site, in the same run; then the
requests an incremental nightly run makes when nothing is new.

The site is built from the bundled real CN MFA pages: their detail pages repeated under new ids
until there are --pages of them, with listing pages in the same template (20 links a page).

    .venv/bin/python bench/crawl.py [--pages 2000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import data_dir  # noqa: E402
from flows.crawl import REPLAY_SETTINGS, CrawlRequest, run_crawl  # noqa: E402
from flows.extraction import extract_and_save  # noqa: E402
from flows.tasks import export_crawl_state  # noqa: E402
from storage.extracted import stage_folder  # noqa: E402
from podium.replay import read_index, serving, write_index  # noqa: E402
from storage import documents  # noqa: E402
from storage.db import open_archive  # noqa: E402
from storage.load import load_staging  # noqa: E402

SNAPSHOT = ROOT / "snapshots" / "fmprc_en"
PER_PAGE = 20
LINK = '<li><a href="./t{id}.shtml" target="_blank">{title}</a></li>'



GOAL_PAGES_PER_MINUTE = 1500  # issue 3: the full pipeline
GOAL_SHARE_OF_DO_NOTHING = 0.5  # issue 3: the crawl alone, against a do-nothing spider

def listing_html(template: str, links: list[str], index: int, count: int) -> str:
    head, rest = template.split('<div class="newsLst_mod">', 1)
    tail = rest.split("</ul>", 1)[1]
    body = '<div class="newsLst_mod">\n<ul>\n' + "\n".join(links) + "\n</ul>" + tail
    html = head + body
    html = html.replace("var countPage = 13", f"var countPage = {count}")
    return html.replace("var currentPage = ", f"var currentPage = {index};//", 1)


def build_site(target: Path, pages: int) -> str:
    """A snapshot folder of `pages` detail pages plus their listing pages; returns the first listing URL."""
    rows = read_index(SNAPSHOT)
    details = [r for r in rows if r["file"].startswith("detail/")]
    base = rows[0]["url"].rsplit("/", 1)[0]
    site = target / "fmprc_en"
    (site / "d").mkdir(parents=True)
    template = (SNAPSHOT / "list" / "default.shtml").read_text(encoding="utf-8")
    index_rows, links = [], []
    for n in range(pages):
        source = details[n % len(details)]
        page_id = 9_000_000 + n
        shutil.copyfile(SNAPSHOT / source["file"], site / "d" / f"t{page_id}.shtml")
        index_rows.append({"url": f"{base}/t{page_id}.shtml", "file": f"d/t{page_id}.shtml",
                           "http_status": 200, "content_type": "text/html"})
        links.append(LINK.format(id=page_id, title=source["title"]))
    count = -(-pages // PER_PAGE)
    for index in range(count):
        name = "default.shtml" if index == 0 else f"default_{index}.shtml"
        chunk = links[index * PER_PAGE:(index + 1) * PER_PAGE]
        (site / name).write_text(listing_html(template, chunk, index, count), encoding="utf-8")
        index_rows.append({"url": f"{base}/{name}", "file": name, "http_status": 200, "content_type": "text/html"})
    write_index(site, index_rows)
    return f"{base}/default.shtml"


def crawl_seconds(request: CrawlRequest) -> tuple[float, dict]:
    started = time.perf_counter()
    result = run_crawl(request)
    return time.perf_counter() - started, result.stats


def full_pipeline(base: str, work: Path) -> dict:
    """Crawl, load and extract every page; seconds per stage and the crawl's stats."""
    archive, request = work / "bench.duckdb", CrawlRequest("fmprc_en", work / "full", replay_base=base)
    crawl_time, stats = crawl_seconds(request)
    started = time.perf_counter()
    with open_archive(archive) as con:
        load_staging(con, request.staging, "bench", "fmprc_en")
        load_time = time.perf_counter() - started
        counts = extract_and_save(con, "bench", documents.pending_page_ids(con, ["fmprc_en"]),
                                 stage_folder(archive))
    return {"crawl": crawl_time, "load": load_time, "extract": time.perf_counter() - started - load_time,
            "stats": stats, "counts": counts, "archive": archive}


def noop_crawl(base: str, first_listing: str, listing_pages: int) -> float:
    command = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "noop_spider.py"),
               "-a", f"start={first_listing}", "-a", f"pages={listing_pages}", "-s", f"PODIUM_REPLAY_BASE={base}",
               "-s", "LOG_LEVEL=WARNING", *[p for k, v in REPLAY_SETTINGS.items() for p in ("-s", f"{k}={v}")]]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env={**os.environ, "SCRAPY_SETTINGS_MODULE": "spiders.settings"}, check=True)
    return time.perf_counter() - started


def incremental_requests(base: str, work: Path, archive: Path) -> dict:
    """The requests of a nightly run's crawl when nothing is new: the same crawl state (archived
    URLs, pages to retry) as the nightly flow writes, through its task's function."""
    run_dir = work / "again"
    archived_file, retry_file = export_crawl_state.fn(archive, "fmprc_en", run_dir)
    _, stats = crawl_seconds(CrawlRequest("fmprc_en", run_dir, archived_file, retry_file, replay_base=base))
    return stats


def measure(pages: int = 2000) -> dict:
    """Seconds and pages/min of the do-nothing spider, podium's crawl alone and its full pipeline
    over a synthetic site of `pages` detail pages, plus the requests of a run with nothing new."""
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as tmp:
        work = Path(tmp)
        first = build_site(work / "site", pages)
        with data_dir(work), serving(work / "site") as base:
            noop = noop_crawl(base, first, -(-pages // PER_PAGE))
            full = full_pipeline(base, work)
            again = incremental_requests(base, work, full["archive"])
    stats = full["stats"]
    fetched = stats.get("podium/requests/listing", 0) + stats.get("podium/requests/detail", 0)
    seconds = {"do-nothing spider": noop, "podium crawl only": full["crawl"],
               "podium full pipeline (crawl+load+extract)": full["crawl"] + full["load"] + full["extract"]}
    return {"pages": pages, "fetched": fetched, "seconds": seconds,
            "pages/min": {name: fetched / s * 60 for name, s in seconds.items()},
            "stages": {k: full[k] for k in ("crawl", "load", "extract")}, "counts": full["counts"],
            "again": {kind: again.get(f"podium/requests/{kind}", 0) for kind in ("listing", "detail")}}


def report(r: dict) -> None:
    table = Table(title=f"crawl benchmark: synthetic replay site, {r['pages']} detail pages"
                        f" ({r['fetched']} pages fetched)")
    for column in ("run", "seconds", "pages/min", "vs do-nothing"):
        table.add_column(column, justify="right" if column != "run" else "left")
    noop_rate = r["pages/min"]["do-nothing spider"]
    for name, seconds in r["seconds"].items():
        rate = r["pages/min"][name]
        table.add_row(name, f"{seconds:.1f}", f"{rate:,.0f}", f"{rate / noop_rate:.0%}")
    console = Console()
    console.print(table)
    stages, counts, again = r["stages"], r["counts"], r["again"]
    console.print(f"stages: crawl {stages['crawl']:.1f} s, load {stages['load']:.1f} s, "
                  f"extract {stages['extract']:.1f} s; "
                  f"{counts['documents']} documents, {counts['statements']} statements")
    console.print(f"nightly run with nothing new: {again['listing'] + again['detail']} page requests for fmprc_en "
                  f"({again['listing']} listing, {again['detail']} detail; plus robots.txt and the replay index)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="detail pages on the synthetic site")
    args = parser.parse_args()
    report(measure(args.pages))


if __name__ == "__main__":
    main()
