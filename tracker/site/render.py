"""Views → HTML with the theme's templates; every way a template can fail (a mistake, an error
it raises, a loop that never ends, a page that never stops growing) becomes a problem at the
template's file and line."""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import TracebackType

import jinja2

from ..errors import Problem
from ..scale.memo import Memo, cached
from .views import Page

STREAM_BATCH = 1 << 16
"""Characters of a page encoded at a time when it is written as it is rendered."""
LARGEST_PAGE = 1 << 29
"""A page that grows past this many characters (half a gigabyte) is stopped: a national
site's home page is a fifth of it."""
QUIET_SECONDS = 20.0
"""A template that writes nothing for this long is stopped, and reported where it loops."""


class TemplateStopped(jinja2.TemplateRuntimeError):
    """Raised in a page's thread when its template wrote nothing for too long."""

    def __init__(self) -> None:
        super().__init__("this template wrote nothing for too long; does a loop in it never end?")


class PageTooLarge(jinja2.TemplateRuntimeError):
    """A page that grew past LARGEST_PAGE."""

    def __init__(self) -> None:
        super().__init__(f"this page grew past {LARGEST_PAGE:,} characters; does a loop in "
                         "the template never end?")


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


def render_pages(env: jinja2.Environment, pages: list[Page], clock: TemplateClock,
                 memo: Memo | None = None, theme_version: int = 0) -> dict[str, bytes]:
    """Output path → HTML bytes for every page; with a `memo`, a page whose view is the same
    object as last time (and whose theme did not change) is not rendered again."""
    templates: dict[str, jinja2.Template] = {}
    return {
        page.frame.path: cached(memo, ("html", page.frame.path, theme_version), (page,),
                                partial(render_page, env, page, templates, clock))
        for page in pages
    }


def render_page(env: jinja2.Environment, page: Page, templates: dict[str, jinja2.Template],
                clock: TemplateClock) -> bytes:
    """A page's HTML; `templates` keeps each template once loaded (loading checks the files)."""
    return b"".join(page_pieces(env, page, templates, clock))


def page_pieces(env: jinja2.Environment, page: Page, templates: dict[str, jinja2.Template],
                clock: TemplateClock) -> Iterator[bytes]:
    """A page's HTML in pieces as it is rendered: the home page of a national site is 100 MB
    of HTML, and 400 MB while rendered whole. Stopped by the `clock` when its template
    writes nothing for too long, and when it grows past LARGEST_PAGE."""
    batch: list[str] = []
    size = total = 0
    with clock.watching():
        template = templates.get(page.template) or templates.setdefault(
            page.template, env.get_template(page.template))
        for piece in template.generate(page=page.frame, view=page.view):
            batch.append(piece)
            size += len(piece)
            if size >= STREAM_BATCH:
                total += size
                if total > LARGEST_PAGE:
                    raise PageTooLarge
                clock.wrote()
                yield "".join(batch).encode()
                batch, size = [], 0
    yield "".join(batch).encode()


def template_problem(root: Path, exc: BaseException, template: str = "") -> Problem | None:
    """The problem of a page whose rendering raised `exc`: at the template and line at fault
    (from a syntax error, else the innermost template frame), else at `template` (the page's
    own); None when no template is to blame (a fault of tracker's own, raised again)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        filename, line = _innermost_template(exc.__traceback__)
    if filename is None and not isinstance(exc, jinja2.TemplateError):
        return None
    if isinstance(exc, jinja2.TemplateError):
        message = exc.message or str(exc)
    else:
        message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return Problem(_site_path(root, filename or template), line or 1, 1, "error",
                   f"template error: {message}",
                   "fix the template, or remove it to use the default theme's")


def _innermost_template(trace: TracebackType | None) -> tuple[str | None, int | None]:
    filename = line = None
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_filename.endswith(".html"):
            filename, line = code.co_filename, trace.tb_lineno
        trace = trace.tb_next
    return filename, line


def _site_path(root: Path, filename: str) -> str:
    """A template's path as problems name it: relative to the site, else in the default theme."""
    path = Path(filename)
    try:  # the file itself may be a link: where it is, not where it leads
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return "themes/default/templates/" + Path(filename).name
