"""Named crash points, for the crash-safety tests (tests/test_crash.py) only.

`crash_point(name)` kills its own process with SIGKILL when the environment variable
PODIUM_CRASH_AT equals `name`: a real kill -9 at that exact step (no exception, no cleanup, no
`finally`), so the tests can check that the archive survives one there and that a rerun repairs
everything. Unset (always, outside those tests) it costs one dictionary lookup.

The points, in the order a run passes them:
  load-inserted        pages inserted, the load transaction not yet committed
  load-committed       a staging file's load committed
  extract-chunk        an extraction task started (tests kill a process-pool worker with it)
  extract-staged       the first extraction batch staged (storage/extracted.py), not yet loaded
  extract-inserted     a stage inserted, its load transaction not yet committed
  extract-batch        the first extraction batch loaded, the next not started
  extract-done         every batch loaded, near-duplicates and links not yet marked
  search-update        the search index written (a rebuild: not yet swapped in; an update: its
                       state file not yet written)
  publish-before       the run recorded as finished, the archive not yet published
  publish-copied       the published copy written to <archive>.published.tmp, not yet renamed

`stall_point(url)` makes an extraction process hang on the page at `url` when PODIUM_STALL_AT
equals it, the way a page stuck inside C code does: every signal blocked, nothing returns.
Only a kill stops it (tests/test_extraction_runners.py).
"""
from __future__ import annotations

import os
import signal
import time

ENVIRONMENT_VARIABLE = "PODIUM_CRASH_AT"
STALL_VARIABLE = "PODIUM_STALL_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENVIRONMENT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def stall_point(url: str) -> None:
    if os.environ.get(STALL_VARIABLE) == url:
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
        while True:
            time.sleep(3600)
