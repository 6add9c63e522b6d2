"""Progress of long steps (crawls, extraction, backfill chunks). The flows report it; the command
line shows it as progress bars; anywhere else (deployments, tests) nobody listens and it costs
nothing."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Listener = Callable[[str, int, "int | None"], None]
_listeners: list[Listener] = []


def listening() -> bool:
    """Whether anyone shows progress (so a step can skip counting what nobody will see)."""
    return bool(_listeners)


def report(step: str, done: int, total: int | None = None) -> None:
    """`done` of `total` (None: unknown) units of a step are finished."""
    for listener in list(_listeners):
        listener(step, done, total)


@contextmanager
def bars(console: Console | None = None):
    """Show every reported step as a progress bar while the block runs."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, int] = {}

        def listener(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        _listeners.append(listener)
        try:
            yield progress
        finally:
            _listeners.remove(listener)
