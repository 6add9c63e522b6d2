"""Pages extracted in a child process that can always be stopped.

A page over its time budget must be stopped on every task runner. A signal cannot stop it when
it is stuck inside C code (lxml), nor in any thread but the main one; a process can always be
killed. So the extraction itself runs in a child (`python -m podium.page_workers`, talking
pickles over its stdin and stdout): the caller sends one page at a time, waits at most the
budget for the answer, and kills the child when none comes, recording the page as over budget
and going on with a new child. A child that dies on a page (a crash in C code) costs that page
only. Children are kept for the next chunk of the same process, and stopped by `stop_idle`.
"""
from __future__ import annotations

import logging
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from podium.crash import stall_point
from podium.extract import Extraction, ExtractionError, LayoutChanged, StoredPage, extract
from podium.settings import Source
from podium.speakers import Registry

log = logging.getLogger(__name__)


class ExtractionFailed(RuntimeError):
    """The extract step could not go on (a worker lost, a Dask scheduler out of reach): the run fails."""


@dataclass(frozen=True)
class PageResult:
    """A page's extraction, or the crawl error saying why there is none."""
    extraction: Extraction | None = None
    failure: dict | None = None


def failure_of(page: StoredPage, error: str, stage: str = "extract") -> PageResult:
    return PageResult(failure={"source_id": page.source_id, "url": page.url, "stage": stage, "error": error,
                               "page_id": page.page_id, "listing": page.listing, "page_kind": "detail"})


def extract_page(page: StoredPage, sources: dict[str, Source], registry: Registry) -> PageResult:
    """The page's extraction, or its failure: the reader refused the page, or failed on it."""
    try:
        return PageResult(extraction=extract(page, sources[page.source_id], registry))
    except LayoutChanged as error:
        return failure_of(page, str(error), "layout_changed")
    except ExtractionError as error:
        return failure_of(page, str(error))
    except Exception as error:  # noqa: BLE001 - one bad page must not stop the run
        return failure_of(page, f"extractor failed: {error!r}")


class Child:
    """One extraction child process and its pipes."""

    def __init__(self):
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen([sys.executable, "-m", "podium.page_workers"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=environment)

    def send(self, message) -> None:
        pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()

    def answer(self, seconds: float):
        """The child's next answer; TimeoutError after `seconds` without one (0: no limit),
        EOFError if the child died."""
        ready, _, _ = select.select([self.process.stdout], [], [], seconds or None)
        if not ready:
            raise TimeoutError
        return pickle.load(self.process.stdout)

    def stop(self) -> None:
        self.process.kill()  # SIGKILL: a child stuck in C code ignores every other signal
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass  # the pipe broke with the child


_idle: list[Child] = []
_idle_lock = threading.Lock()


@contextmanager
def borrowed_child():
    """An idle child of this process (or a new one), given back afterwards unless it failed."""
    with _idle_lock:
        child = _idle.pop() if _idle else None
    if child is None or child.process.poll() is not None:
        child = Child()
    try:
        yield child
    except BaseException:
        child.stop()
        raise
    if child.process.poll() is None:  # not stopped on a page
        with _idle_lock:
            _idle.append(child)


def stop_idle() -> None:
    """Stop this process's idle children (at the end of an extraction step)."""
    with _idle_lock:
        children = list(_idle)
        _idle.clear()
    for child in children:
        child.stop()


def extract_pages(pages: list[StoredPage], sources: dict[str, Source], registry: Registry,
                  seconds: float) -> list[PageResult]:
    """Each page's result, in order: pages over `seconds` are stopped and become failures."""
    results: list[PageResult] = []
    while len(results) < len(pages):
        with borrowed_child() as child:
            child.send((sources, registry))
            results += extract_until_stopped(child, pages[len(results):], seconds)
    return results


def extract_until_stopped(child: Child, pages: list[StoredPage], seconds: float) -> list[PageResult]:
    """The pages' results until one stops the child (over budget, or the child died): that
    page's failure ends the list, and the child is replaced for the rest."""
    results: list[PageResult] = []
    for page in pages:
        try:
            child.send(page)
            results.append(child.answer(seconds))
        except TimeoutError:
            results.append(failure_of(page, f"over the time budget of {seconds:g} s"))
            break
        except (EOFError, OSError, pickle.UnpicklingError):
            child.process.wait()
            results.append(failure_of(page, f"the extraction process died on this page (exit code "
                                            f"{child.process.returncode})"))
            break
    else:
        return results
    child.stop()
    return results


def watch_parent(every_seconds: float = 0.5) -> None:
    """End this process soon after its parent dies. A flow process killed with SIGKILL takes no
    pool worker or extraction child with it: they would wait for work forever, holding its pipes."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_seconds)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def serve(incoming, outgoing) -> None:
    """The child's loop: (sources, registry) at the start of each chunk, then pages to extract."""
    sources, registry = {}, None
    while True:
        try:
            message = pickle.load(incoming)
        except EOFError:
            return  # the parent closed the pipe, or exited
        if isinstance(message, tuple):
            sources, registry = message
            continue
        stall_point(message.url)
        pickle.dump(extract_page(message, sources, registry), outgoing, protocol=pickle.HIGHEST_PROTOCOL)
        outgoing.flush()


if __name__ == "__main__":
    watch_parent()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # The pickles go over stdout: anything a library prints must go to stderr instead.
    channel, sys.stdout = sys.stdout.buffer, sys.stderr
    # Run as `-m`, this file is __main__: serve with the module itself, so that the results pickle
    # as podium.page_workers.PageResult, which the parent knows.
    from podium import page_workers

    page_workers.serve(sys.stdin.buffer, channel)
