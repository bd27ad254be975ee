"""A progress line on a terminal for builds that take more than a moment."""

from __future__ import annotations

import sys
import time
from types import TracebackType

DELAY = 0.5
"""Seconds before the progress line appears: quick builds print nothing."""


class Progress:
    """`Written 120/400 files` on standard error, redrawn in place; silent when not shown."""

    def __init__(self, show: bool) -> None:
        self.show = show
        self.started = time.monotonic()
        self.drawn = False

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if not self.show or time.monotonic() - self.started < DELAY:
            return
        if done == total or done % 50 == 0 or not self.drawn:
            sys.stderr.write(f"\rWriting files: {done}/{total}")
            sys.stderr.flush()
            self.drawn = True

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self.drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
