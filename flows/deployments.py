"""The deployments podium serves to a Prefect server: nightly (on a cron schedule in the
configured timezone), adhoc-crawl, reprocess and backfill (started from the UI's run form).

`podium serve` runs this module (`python -m flows.deployments`) with PREFECT_API_URL set."""
from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from flows.adhoc import adhoc_crawl
from flows.backfill import backfill
from flows.nightly import nightly
from flows.reprocess import reprocess
from podium.settings import settings

TAGS = ["podium"]


def deployments() -> list:
    config = settings()
    return [
        nightly.to_deployment(name="nightly", schedules=[Cron(config.nightly_cron, timezone=config.timezone)],
                              description="Every enabled source, incrementally: what is new since the last run. "
                                          f"Scheduled '{config.nightly_cron}' in {config.timezone}.",
                              tags=TAGS),
        adhoc_crawl.to_deployment(name="adhoc-crawl", tags=TAGS,
                                  description="Crawl now: sources over a date range, or a list of URLs."),
        reprocess.to_deployment(name="reprocess", tags=TAGS,
                                description="Extract stored pages again; nothing is fetched."),
        backfill.to_deployment(name="backfill", tags=TAGS,
                               description="A past date range in chunks, resumable."),
    ]


def main() -> None:
    serve(*deployments())


if __name__ == "__main__":
    main()
