"""The deployments podium serves to a Prefect server: nightly (on a cron schedule in the
configured timezone), adhoc-crawl, reprocess and backfill (started from the UI's run form).

`podium serve` runs this module (`python -m flows.deployments`) with PREFECT_API_URL set: it
serves the deployments in its own process, or, with `--work-pool NAME`, registers them with a
Prefect process work pool (created if missing) whose workers run them, and exits."""
from __future__ import annotations

import argparse
import sys

from prefect import deploy, serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.deployments.runner import EntrypointType
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron
from prefect.workers.process import ProcessWorker

from flows.adhoc import adhoc_crawl
from flows.backfill import backfill
from flows.nightly import nightly
from flows.params import all_source_keys, crawl_source_keys, with_choices
from flows.reprocess import reprocess
from podium.settings import settings

TAGS = ["podium"]


def deployments(entrypoint_type: EntrypointType = EntrypointType.FILE_PATH) -> list:
    config = settings()
    crawl, every = crawl_source_keys(), all_source_keys()
    how = {"tags": TAGS, "entrypoint_type": entrypoint_type}
    return [
        nightly.to_deployment(name="nightly", schedules=[Cron(config.nightly_cron, timezone=config.timezone)],
                              description="Every enabled source, incrementally: what is new since the last run. "
                                          f"Scheduled '{config.nightly_cron}' in {config.timezone}.", **how),
        choosing(adhoc_crawl.to_deployment(name="adhoc-crawl", description="Crawl now: sources over a "
                                           "date range, or a list of URLs.", **how), "CrawlSourceKey", crawl),
        choosing(reprocess.to_deployment(name="reprocess", description="Extract stored pages again; "
                                         "nothing is fetched.", **how), "SourceKey", every),
        choosing(backfill.to_deployment(name="backfill", description="A past date range in chunks, "
                                        "resumable.", **how), "CrawlSourceKey", crawl),
    ]


def choosing(deployment, name: str, keys: list[str]):
    """The deployment, its form's `sources` a select list of `keys` (named `name`). Prefect 3.9
    keeps the schema it sends in a private attribute, made from the flow's signature in
    to_deployment; the choices are added here so that no module reads the configuration when
    imported (tests/test_prefect_server.py checks the served form offers them)."""
    deployment._parameter_openapi_schema = with_choices(deployment._parameter_openapi_schema, "sources", name, keys)
    return deployment


class NotAProcessPool(ValueError):
    """The named work pool exists, but its workers are not process workers."""


def ensure_process_pool(name: str) -> None:
    """Create the process work pool `name` unless it exists. Its job template is the process
    worker's own default, taken from the installed Prefect, not from Prefect's online registry
    (`prefect work-pool create --type process` does the same)."""
    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=name, type=ProcessWorker.type,
                                                   base_job_template=ProcessWorker.get_default_base_job_template(),
                                                   description="podium's flows, run by `prefect worker start`."))
            return
    if pool.type != ProcessWorker.type:
        raise NotAProcessPool(f"work pool {name!r} is a {pool.type!r} pool; podium deploys to a process pool")


def deploy_to_pool(name: str) -> list:
    """Register the deployments with the process work pool `name`; returns their ids. Their
    entrypoints are module paths (flows.nightly.nightly): a worker imports the installed podium
    package, so nothing is stored or pulled and no image is built."""
    ensure_process_pool(name)
    return deploy(*deployments(EntrypointType.MODULE_PATH), work_pool_name=name, build=False, push=False,
                  print_next_steps_message=False, ignore_warnings=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.deployments", description=__doc__)
    parser.add_argument("--work-pool", help="register with this process work pool instead of serving")
    pool = parser.parse_args(argv).work_pool
    if pool:
        try:
            deploy_to_pool(pool)
        except NotAProcessPool as error:
            sys.exit(f"error: {error}")  # one line for `podium serve` to show, not a traceback
    else:
        serve(*deployments())


if __name__ == "__main__":
    main()
