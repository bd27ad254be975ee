"""Work shared across processes. The parent builds what every task needs (the model, the
templates); forked children inherit it without copying and send back only small results, in
order, so the output is the same whatever the number of processes."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

R = TypeVar("R")

CHUNK = 64
"""Tasks handed to a process at a time: enough to make the hand-over cheap, few enough to
keep both processes busy to the end."""

_task: Callable[[int], Any] | None = None
"""The task of the running share; set before forking so that children inherit it."""


def default_jobs() -> int:
    """The number of processes a build uses unless told: one per core it may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(span: tuple[int, int]) -> list[Any]:
    assert _task is not None
    return [_task(index) for index in range(*span)]


def share(task: Callable[[int], R], count: int, jobs: int) -> Iterator[R]:
    """`task(i)` for i in range(count), in order: across `jobs` forked processes when there
    is enough work to be worth it, else in this one."""
    global _task
    if jobs <= 1 or count < 2 * CHUNK or not can_fork():
        yield from map(task, range(count))
        return
    spans = [(start, min(start + CHUNK, count)) for start in range(0, count, CHUNK)]
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for results in pool.imap(_run, spans):
                yield from results
    finally:
        _task = None
