"""How a source did in a run, judged from what it fetched and the errors it recorded.

- `failed`: it got nothing tonight. Its first listing page (or feed, or the replay server's
  index) failed or changed layout, its crawl process broke, it fetched nothing and recorded
  errors, or none of its pages made a document while new ones failed: a redesign of the detail
  pages is as loud as one of the listing, and so is one saved page that `podium ingest` could not
  read. Pages that failed before and fail again are not new: a quiet night with stubborn old
  pages is `partial`.
- `partial`: something failed, but it got something (a later listing page, some detail pages).
- `ok`: nothing failed.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceOutcome:
    source_id: str
    outcome: str  # ok | partial | failed
    pages_fetched: int
    errors: int
    reason: str | None


@dataclass
class SourceTally:
    """What a run recorded of one source."""
    source_id: str
    pages_fetched: int = 0
    documents: int = 0
    errors: int = 0
    detail_errors: int = 0  # fetch and extraction errors of detail pages failing for the first time
    detail_layout_changes: int = 0  # … of them, those whose layout changed
    failures: list[tuple] = field(default_factory=list)  # (url, stage, error) of its start pages and crawl


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


FAILURE_WORDS = {"crawl": "its crawl failed", "layout_changed": "its listing's layout changed"}


def judge(tally: SourceTally) -> SourceOutcome:
    def outcome(name: str, reason: str | None) -> SourceOutcome:
        return SourceOutcome(tally.source_id, name, tally.pages_fetched, tally.errors, reason)

    if tally.failures:
        url, stage, error = tally.failures[0]
        more = f" (and {len(tally.failures) - 1} more)" if len(tally.failures) > 1 else ""
        where = f"{url}: " if url else ""
        return outcome("failed", f"{FAILURE_WORDS.get(stage, 'its listing failed')}: {where}{error}{more}")
    if tally.errors and not tally.pages_fetched:
        return outcome("failed", f"it fetched nothing and recorded {_plural(tally.errors, 'error')}")
    if not tally.documents and tally.detail_errors:
        changed = f", {tally.detail_layout_changes} with a changed layout" if tally.detail_layout_changes else ""
        return outcome("failed", f"none of its pages made a document ({tally.detail_errors} failed{changed})")
    if tally.errors:
        return outcome("partial",
                       f"{tally.errors} of its pages failed" if tally.errors > 1 else "1 of its pages failed")
    return outcome("ok", None)


def failed_sources_reason(outcomes: list[SourceOutcome]) -> str | None:
    """The sentence a failed run is known by: its failed sources, each with why."""
    failed = [o for o in outcomes if o.outcome == "failed"]
    if not failed:
        return None
    names = "; ".join(f"{o.source_id} ({o.reason})" for o in failed)
    return f"{len(failed)} of {len(outcomes)} sources failed: {names}"
