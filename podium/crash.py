"""Named crash points, for the crash-safety tests (tests/test_crash.py) only.

`crash_point(name)` kills its own process with SIGKILL when the environment variable
PODIUM_CRASH_AT equals `name`: a real kill -9 at that exact step (no exception, no cleanup, no
`finally`), so the tests can check that the archive survives one there and that a rerun repairs
everything. Unset (always, outside those tests) it costs one dictionary lookup.

The points, in the order a run passes them:
  load-inserted        pages inserted, the load transaction not yet committed
  load-committed       a staging file's load committed
  extract-staged       the first extraction batch staged (storage/extracted.py), not yet loaded
  extract-inserted     a stage inserted, its load transaction not yet committed
  extract-batch        the first extraction batch loaded, the next not started
  extract-done         every batch loaded, near-duplicates and links not yet marked
  search-update        the search index written (a rebuild: not yet swapped in; an update: its
                       state file not yet written)
  publish-before       the run recorded as finished, the archive not yet published
  publish-copied       the published copy written to <archive>.published.tmp, not yet renamed
"""
from __future__ import annotations

import os
import signal

ENVIRONMENT_VARIABLE = "PODIUM_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENVIRONMENT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)
