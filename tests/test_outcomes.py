"""How a source did in a run (podium/outcomes.py): the rules that make a run fail loudly, each
on the tallies a run records."""
from __future__ import annotations

import pytest

from podium.outcomes import SourceOutcome, SourceTally, failed_sources_reason, judge

START = "https://www.mfa.gov.cn/web/wjdt_674879/fyrbt_674889/index.shtml"


@pytest.mark.parametrize("tally, outcome, reason", [
    (SourceTally("s", pages_fetched=12, documents=11), "ok", None),
    (SourceTally("s", pages_fetched=0, errors=1, failures=[(START, "fetch", "HTTP 503 Service Unavailable")]),
     "failed", f"its listing failed: {START}: HTTP 503 Service Unavailable"),
    (SourceTally("s", pages_fetched=1, errors=1, failures=[(START, "layout_changed", "layout changed: …")]),
     "failed", f"its listing's layout changed: {START}: layout changed: …"),
    (SourceTally("s", pages_fetched=3, errors=1, failures=[(None, "crawl", "crawl of s exited with -9")]),
     "failed", "its crawl failed: crawl of s exited with -9"),
    (SourceTally("s", pages_fetched=0, errors=2), "failed", "it fetched nothing and recorded 2 errors"),
    # the listing was read, but every page it linked failed: a redesign of the detail pages
    (SourceTally("s", pages_fetched=9, errors=8, detail_errors=8, detail_layout_changes=8), "failed",
     "none of its pages made a document (8 failed, 8 with a changed layout)"),
    (SourceTally("s", pages_fetched=1, errors=3, detail_errors=3), "failed",
     "none of its pages made a document (3 failed)"),
    # the one new page of the night failed: nothing came in (a saved page ingest could not read, too)
    (SourceTally("s", pages_fetched=2, errors=1, detail_errors=1), "failed",
     "none of its pages made a document (1 failed)"),
    # one stubborn old page on a quiet night, or a later listing page, is not a failed source
    (SourceTally("s", pages_fetched=1, errors=1, detail_errors=0), "partial", "1 of its pages failed"),
    (SourceTally("s", pages_fetched=20, documents=17, errors=3, detail_errors=3), "partial", "3 of its pages failed"),
])
def test_each_rule(tally, outcome, reason):
    assert judge(tally) == SourceOutcome("s", outcome, tally.pages_fetched, tally.errors, reason)


def test_a_run_is_known_by_its_failed_sources():
    outcomes = [SourceOutcome("a", "ok", 3, 0, None), SourceOutcome("b", "failed", 0, 1, "its listing failed: x"),
                SourceOutcome("c", "partial", 5, 1, "1 of its pages failed")]
    assert failed_sources_reason(outcomes) == "1 of 3 sources failed: b (its listing failed: x)"
    assert failed_sources_reason(outcomes[:1] + outcomes[2:]) is None
