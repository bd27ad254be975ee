"""Work shared across processes. The parent builds what every task needs (the model, the
templates); forked helpers inherit it without copying and send back only small results, in
order, so the output is the same whatever the number of processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

R = TypeVar("R")
S = TypeVar("S")

CHUNK = 64
"""Tasks done at a time by one process: enough to make the hand-over cheap, few enough to
keep every process busy to the end."""


def default_jobs() -> int:
    """The number of processes a build uses unless told: one per core it may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


ROUNDS = 128
"""The most rounds a share of work is done in, each with helpers forked afresh (see `share`):
at 100,000 letters a fork costs about 70 ms."""

ROUND_CHUNKS = 32
"""The fewest chunks each process does in a round: each new round costs a fork and a wait
for the slowest process (at 10,000 letters, rounds of 8 chunks made pages 17% slower)."""


def share(task: Callable[[int], R], count: int, jobs: int, *, alone: int = 0) -> Iterator[R]:
    """`task(i)` for i in range(count), in order: across `jobs` processes when there is enough
    work to be worth it, else in this one. The first `alone` tasks, which read the whole
    model, are done here before any helper is forked.

    This process does its share too, with `jobs - 1` forked helpers. A page of memory that
    either process writes after the fork is copied, and reading an object writes its
    reference count: a helper that lived through the whole build would end up holding a
    copy of most of the model (1.1 GB at 100,000 letters). So the work goes in rounds
    (at most ROUNDS, of at least ROUND_CHUNKS chunks a process), each with helpers forked
    afresh, which give their copies back when they end."""
    alone = min(alone, count)
    yield from map(task, range(alone))
    if jobs <= 1 or count - alone < 2 * CHUNK or not can_fork():
        yield from map(task, range(alone, count))
        return
    spans = [range(start, min(start + CHUNK, count)) for start in range(alone, count, CHUNK)]
    per_round = max(jobs * ROUND_CHUNKS, -(-len(spans) // ROUNDS))
    for first in range(0, len(spans), per_round):
        yield from _round(task, spans[first:first + per_round], jobs)


def _round(task: Callable[[int], R], spans: list[range], jobs: int) -> Iterator[R]:
    """The tasks of `spans`, in order, every jobs-th span in this process and the others
    in `jobs - 1` helpers forked for them."""
    context = multiprocessing.get_context("fork")
    helpers = []
    try:
        for number in range(1, jobs):
            receiving, sending = context.Pipe(duplex=False)
            helper = context.Process(target=_help, daemon=True,
                                     args=(task, spans[number::jobs], sending, os.getpid()))
            helper.start()
            sending.close()
            helpers.append((helper, receiving))
        for index, span in enumerate(spans):
            if index % jobs == 0:
                yield from map(task, span)
            else:
                yield from _received(helpers[index % jobs - 1][1])
    finally:
        for helper, receiving in helpers:
            receiving.close()
            helper.terminate()
            helper.join()


def die_with_parent(parent: int) -> None:
    """In a process that `parent` started (before it runs anything): be killed when the
    parent dies, however it dies, rather than go on writing into a build that nobody will
    finish; and take SIGTERM as its default, not as the build's own handler."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _help(task: Callable[[int], Any], spans: list[range], sending: Connection,
          parent: int) -> None:
    die_with_parent(parent)
    try:
        for span in spans:
            sending.send((True, [task(index) for index in span]))
    except BaseException:  # told to the parent, which raises it
        sending.send((False, traceback.format_exc()))
    finally:
        sending.close()


def _received(receiving: Connection) -> list[Any]:
    try:
        done, results = receiving.recv()
    except EOFError:
        raise RuntimeError("a helper process stopped before its work was done") from None
    if not done:
        raise RuntimeError(f"a helper process failed:\n{results}")
    return results  # type: ignore[no-any-return]
