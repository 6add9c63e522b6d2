"""The deployments podium serves to a Prefect server: nightly (on a cron schedule in the
configured timezone), adhoc-crawl, reprocess and backfill (started from the UI's run form).

`podium serve` runs this module (`python -m flows.deployments`) with PREFECT_API_URL set."""
from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from flows.adhoc import adhoc_crawl
from flows.backfill import backfill
from flows.nightly import nightly
from flows.params import all_source_keys, crawl_source_keys, with_choices
from flows.reprocess import reprocess
from podium.settings import settings

TAGS = ["podium"]


def deployments() -> list:
    config = settings()
    crawl, every = crawl_source_keys(), all_source_keys()
    return [
        nightly.to_deployment(name="nightly", schedules=[Cron(config.nightly_cron, timezone=config.timezone)],
                              description="Every enabled source, incrementally: what is new since the last run. "
                                          f"Scheduled '{config.nightly_cron}' in {config.timezone}.",
                              tags=TAGS),
        choosing(adhoc_crawl.to_deployment(name="adhoc-crawl", tags=TAGS, description="Crawl now: sources over a "
                                           "date range, or a list of URLs."), "CrawlSourceKey", crawl),
        choosing(reprocess.to_deployment(name="reprocess", tags=TAGS, description="Extract stored pages again; "
                                         "nothing is fetched."), "SourceKey", every),
        choosing(backfill.to_deployment(name="backfill", tags=TAGS, description="A past date range in chunks, "
                                        "resumable."), "CrawlSourceKey", crawl),
    ]


def choosing(deployment, name: str, keys: list[str]):
    """The deployment, its form's `sources` a select list of `keys` (named `name`). Prefect 3.9
    keeps the schema it sends in a private attribute, made from the flow's signature in
    to_deployment; the choices are added here so that no module reads the configuration when
    imported (tests/test_prefect_server.py checks the served form offers them)."""
    deployment._parameter_openapi_schema = with_choices(deployment._parameter_openapi_schema, "sources", name, keys)
    return deployment


def main() -> None:
    serve(*deployments())


if __name__ == "__main__":
    main()
