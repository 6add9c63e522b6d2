"""docs/sql.md: every query of the SQL cookbook runs on the demo archive (all enabled sources over
the bundled snapshots), and those that should return rows do; the README's first query and the
date bases that docs/sql.md lists hold on that archive too."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from storage.query import run_query
from conftest import ROOT, SNAPSHOTS

COOKBOOK = ROOT / "docs" / "sql.md"
README = ROOT / "README.md"
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


# -- the README's first query -------------------------------------------------------------------

def readme_first_query() -> str:
    query = re.search(r'podium sql "(SELECT[^"]*)"', README.read_text(encoding="utf-8")).group(1)
    return " ".join(query.split())


def test_the_readme_first_query_gives_each_statement_once(demo_archive):
    query = readme_first_query()
    assert "FROM v_mentions" in query and "'org:nato'" in query
    keyed = run_query(demo_archive, query.replace("SELECT ", "SELECT statement_id, ", 1)).rows
    assert len(keyed) == len({row[0] for row in keyed})
    # Geng Shuang, September 27, 2019 (fmprc_en t1702916): NATO is named in the question only,
    # "… to the leaders of several countries, including NATO member states, …"; the answer begins
    # "China has received the proposal from the Russian side."
    rows = run_query(demo_archive, query).rows
    assert [r[:2] for r in rows if (r[3] or "").startswith("According to reports, Russian President Vladimir Putin")
            and r[4].startswith("China has received the proposal from the Russian side.")] == [
        (dt.date(2019, 9, 27), "Geng Shuang")]


# -- dates and their basis ----------------------------------------------------------------------

def documented_date_bases() -> set[str]:
    """The values the "Dates" table of docs/sql.md lists."""
    _, heading, section = COOKBOOK.read_text(encoding="utf-8").partition("\n## Dates\n")
    assert heading, f"{COOKBOOK} has no Dates section"
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))


QUOTE_BASES = {"text_absolute", "text_relative", "text_event", "text_speaker", "text_lede", "dateline", "vague",
               "published", "undated"}


def test_the_documented_date_bases(demo_archive):
    documented = documented_date_bases()
    assert QUOTE_BASES | {"title", "listing_neighbours", "rss_pubdate", "delivered_on"} <= documented
    seen = run_query(demo_archive, "SELECT date_basis FROM statements UNION SELECT date_basis FROM documents").rows
    assert {basis for (basis,) in seen} <= documented


def test_a_statement_shows_its_own_date_and_basis(demo_archive):
    differ = run_query(demo_archive, "SELECT count(*) FROM v_statements v JOIN statements s USING (statement_id)"
                       " WHERE v.date_basis IS DISTINCT FROM s.date_basis"
                       " OR v.date IS DISTINCT FROM s.statement_date").rows
    assert differ == [(0,)]
    # news quotes are dated by the words around them, not as their article is
    news = run_query(demo_archive, "SELECT DISTINCT date_basis FROM v_statements WHERE source_id LIKE 'news_%'").rows
    assert news and {basis for (basis,) in news} <= QUOTE_BASES


def test_only_an_undated_statement_has_no_date(demo_archive):
    rows = run_query(demo_archive, "SELECT date_basis, date IS NULL AS no_date, count(*) FROM v_statements"
                     " WHERE date IS NULL OR date_basis IS NULL OR date_basis = 'undated' GROUP BY ALL").rows
    # the Belarus MFA statement whose page has no date anywhere (see docs/sql.md, "Dates")
    assert rows == [("undated", True, 1)]
