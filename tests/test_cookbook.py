"""docs/sql.md: every query of the SQL cookbook runs on the demo archive (all enabled sources over
the bundled snapshots), and those that should return rows do."""
from __future__ import annotations

import re

import pytest

from storage.query import run_query
from conftest import ROOT, SNAPSHOTS

COOKBOOK = ROOT / "docs" / "sql.md"
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.S | re.M)
MAY_BE_EMPTY = "-- may be empty:"


def cookbook_queries() -> list[str]:
    return SQL_BLOCK.findall(COOKBOOK.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_archive(prefect_harness, tmp_path_factory):
    """The archive `make demo` builds: one nightly run of every enabled source over the snapshots."""
    from flows.nightly import nightly

    archive = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    nightly(replay=str(SNAPSHOTS), archive=str(archive))
    return archive


def test_the_cookbook_has_at_least_ten_queries():
    queries = cookbook_queries()
    assert len(queries) >= 10
    assert all(q.strip() for q in queries)


@pytest.mark.parametrize("number", range(1, len(cookbook_queries()) + 1))
def test_each_query_runs_on_the_demo_archive(demo_archive, number):
    query = cookbook_queries()[number - 1]
    result = run_query(demo_archive, query)
    assert result.columns
    if not query.lstrip().startswith(MAY_BE_EMPTY):
        assert result.rows, f"query {number} returned no rows:\n{query}"
