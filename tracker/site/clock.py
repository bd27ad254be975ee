"""A clock for templates: a page whose template writes nothing for too long (a loop that never
ends) is stopped, in the thread rendering it, and reported where it loops."""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

QUIET_SECONDS = 20.0
"""A template that writes nothing for this long is stopped, and reported where it loops."""


class TemplateStopped(Exception):
    """Raised in a page's thread when its template wrote nothing for too long."""

    message = "this template wrote nothing for too long; does a loop in it never end?"

    def __init__(self) -> None:
        super().__init__(self.message)


class TemplateClock:
    """Stops a page whose template writes nothing for `seconds`, so that a template that loops
    for ever is reported at its line instead of hanging a build or the preview.

    A watching thread raises TemplateStopped in the thread rendering the page (an exception
    sent to a thread, as Ctrl-C is to the main one). It runs while pages are being made, in
    each process that makes them (a forked process starts its own), and ends when none has
    been for a while. `stop_all()` stops every page being rendered now, as the preview does
    when it shuts down."""

    IDLE = 2.0
    """Seconds without a page to watch after which the watching thread ends."""

    def __init__(self, seconds: float = QUIET_SECONDS) -> None:
        self.seconds = seconds
        self._process = 0
        self._mutex = threading.Lock()
        """A lock of C's: taken and let go with nothing in between that could be stopped."""
        self._wake = threading.Event()
        self._running = False
        self._due: dict[int, float] = {}
        """Thread id → when its page is stopped, unless it writes before then."""
        self._stopped: set[int] = set()
        """Threads sent a TemplateStopped that may not have arrived yet."""

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Watch the page rendered in this thread until the block ends."""
        if self._process != os.getpid():  # a forked process: no thread, perhaps a lock held
            self._process = os.getpid()
            self._mutex, self._wake = threading.Lock(), threading.Event()
            self._running, self._due, self._stopped = False, {}, set()
        me = threading.get_ident()
        with self._mutex:
            self._due[me] = time.monotonic() + self.seconds
            start = not self._running
            self._running = True
        if start:
            threading.Thread(target=self._run, args=(self._process,), daemon=True,
                             name="tracker-template-clock").start()
        try:
            yield
        finally:
            self._leave(me)

    def _leave(self, me: int) -> None:
        """Stop watching this thread, and take here a TemplateStopped sent to it just as its
        page ended, so that it cannot arrive later, somewhere else."""
        while True:
            try:
                with self._mutex:
                    self._due.pop(me, None)
                    sent = me in self._stopped
                    self._stopped.discard(me)
                for _ in range(100 if sent else 0):  # a loop is where an exception arrives
                    pass
                return
            except TemplateStopped:
                continue

    def wrote(self) -> None:
        """The page in this thread wrote something: it may go on."""
        self._due[threading.get_ident()] = time.monotonic() + self.seconds

    def stop_all(self) -> None:
        """Stop every page being rendered now."""
        with self._mutex:
            for thread in self._due:
                self._due[thread] = 0.0
        self._wake.set()

    def _run(self, process: int) -> None:
        idle_since = time.monotonic()
        while process == os.getpid():
            with self._mutex:
                now = time.monotonic()
                if self._due:
                    idle_since = now
                elif now - idle_since >= self.IDLE:
                    self._running = False
                    return
                for thread, due in self._due.items():
                    if due <= now:
                        self._stopped.add(thread)
                        self._due[thread] = now + self.seconds  # again, if it caught it
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(
                            ctypes.c_ulong(thread), ctypes.py_object(TemplateStopped))
                wait = min(self._due.values(), default=now + self.IDLE) - now
            self._wake.wait(max(wait, 0.05))
            self._wake.clear()
