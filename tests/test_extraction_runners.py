"""The extract step on each of Prefect's task runners: a thread pool, a process pool, and a real
Dask cluster (LocalCluster, two worker processes). Same pages, same archive; a page stuck where no
signal reaches is stopped on every runner; a scheduler out of reach is one plain error."""
from __future__ import annotations

import time

import pytest

from conftest import page_record
from flows.extraction import ExtractionPlan, extract_and_save, extraction_plan
from podium.crash import STALL_VARIABLE
from podium.page_workers import ExtractionFailed
from podium.settings import ConfigError, settings
from storage.db import open_archive
from storage.documents import pending_page_ids
from storage.load import load_records

# Eight real transcript pages, in chunks of two: four extraction tasks, spread over the workers.
STEMS = ["t1558711", "t1561142", "t1568234", "t1583054", "t1593756", "t1606490", "t1752564", "t1794629"]


@pytest.fixture(scope="module")
def dask_cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def plan_for(runner: str, address: str = "", seconds: float = 20.0) -> ExtractionPlan:
    return ExtractionPlan(runner=runner, workers=1 if runner == "thread" else 2, chunk_pages=2,
                          seconds_per_page=seconds, dask_address=address)


def extracted_archive(folder, plan: ExtractionPlan, records: list[dict]) -> tuple:
    with open_archive(folder / "a.duckdb") as con:
        load_records(con, records, "run-1")
        counts = extract_and_save(con, "run-1", pending_page_ids(con, ["fmprc_en"]), folder / "staging", plan)
        state = (con.execute("SELECT doc_id, text_hash, published_at FROM documents ORDER BY 1").fetchall(),
                 con.execute("SELECT statement_id, speaker_id, kind, text, question FROM statements"
                             " ORDER BY 1").fetchall(),
                 con.execute("SELECT url, stage, error FROM crawl_errors ORDER BY 1").fetchall())
    return counts, state


@pytest.mark.parametrize("runner", ["process", "dask"])
def test_each_runner_makes_the_archive_a_one_process_run_makes(runner, prefect_harness, dask_cluster, tmp_path):
    records = [page_record(stem) for stem in STEMS]
    one_process = extracted_archive(tmp_path / "one", plan_for("thread"), records)
    (tmp_path / "many").mkdir()
    many = extracted_archive(tmp_path / "many", plan_for(runner, dask_cluster if runner == "dask" else ""), records)
    assert one_process[0]["documents"] == len(STEMS) and one_process[0]["statements"] > 60
    assert many == one_process


@pytest.mark.parametrize("runner", ["thread", "process", "dask"])
def test_a_page_stuck_where_no_signal_reaches_is_stopped_on_every_runner(runner, prefect_harness, dask_cluster,
                                                                         tmp_path, monkeypatch):
    """The stall point blocks every signal and never returns, as a page stuck inside C code does:
    only killing its process stops it. The page is recorded over budget; the others are saved."""
    records = [page_record(stem) for stem in STEMS[:4]]
    stuck = records[1]["url"]
    monkeypatch.setenv(STALL_VARIABLE, stuck)  # read by the extraction children, started afterwards
    cluster = ""
    if runner == "dask":  # a new cluster: its workers' children must see the variable
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        started = time.monotonic()
        counts, (documents, _, errors) = extracted_archive(tmp_path, plan_for(runner, cluster and
                                                           cluster.scheduler_address, seconds=2.0), records)
        took = time.monotonic() - started
    finally:
        if cluster:
            cluster.close()
    assert (counts["documents"], counts["errors"]) == (3, 1)
    assert errors == [(stuck, "extract", "over the time budget of 2 s")]
    assert took < 60  # stopped at its budget, not waited out


def test_a_dask_scheduler_out_of_reach_is_refused_before_the_run_starts():
    with pytest.raises(ExtractionFailed, match=r"cannot reach the Dask scheduler at tcp://127.0.0.1:9: "):
        extraction_plan("dask", "tcp://127.0.0.1:9")


def test_the_dask_runner_without_an_address_is_a_configuration_error():
    with pytest.raises(ConfigError, match="the dask task runner needs a scheduler address"):
        extraction_plan("dask")


def test_a_dask_address_alone_chooses_the_dask_runner(dask_cluster):
    plan = extraction_plan(dask_address=dask_cluster)
    assert (plan.runner, plan.dask_address) == ("dask", dask_cluster)


def test_no_worker_count_configured_means_one_per_core(monkeypatch):
    monkeypatch.delenv("PODIUM_EXTRACT_WORKERS")  # conftest's one worker
    settings.cache_clear()
    monkeypatch.setattr("flows.extraction.os.cpu_count", lambda: 3)
    try:
        assert extraction_plan("process").workers == 3
        assert extraction_plan("process", workers=1).workers == 1
    finally:
        settings.cache_clear()


def test_an_unknown_runner_is_a_configuration_error():
    with pytest.raises(ConfigError, match="unknown task runner 'auto': choose thread, process or dask"):
        extraction_plan("auto")
