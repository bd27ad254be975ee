"""Watch the site folder: classify changed paths (pure), debounce them, call back once per burst.

`classify` is the only judge of which paths matter; `Watcher` turns watchdog events into
paths relative to the site folder, drops litter and ignored folders, and calls `on_change`
from one worker thread, once per burst of edits, never concurrently with itself.

A burst is due once it has been quiet for `debounce` seconds, or for only `settle` seconds
when every file written in it has been closed or renamed into place and it began after a
calm: the editor is done with the file, so waiting longer only delays the preview. A
stream of saves (a script, a checkout) still waits for `debounce` after the first.
"""

from __future__ import annotations

import enum
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from ..content.folder import CONFIG, CONTENT, STATIC, THEMES, is_hidden, is_litter


class Change(enum.Enum):
    """What a changed path of the site folder is, which decides what is rebuilt."""

    CONFIG = "config"
    """site.yml."""
    CONTENT = "content"
    """A letter, update, page or record (anything under content/)."""
    STATIC = "static"
    """A file published as it is (under static/)."""
    THEME = "theme"
    """A template or a theme's file (under themes/)."""


_SOURCES = MappingProxyType({CONTENT: Change.CONTENT, STATIC: Change.STATIC,
                             THEMES: Change.THEME})
# created/modified/deleted/moved, plus a file closed after writing and a file touched
# (metadata change): both mean "the content may be new now".
_COUNTED_EVENTS = frozenset({"created", "modified", "deleted", "moved", "closed", "attrib"})
_SETTLED_EVENTS = frozenset({"closed", "moved"})
"""Events after which a file is complete (when it lands on a watched path)."""
_POLL_INTERVAL = 0.5
_OBSERVER_TIMEOUT = 0.2  # how long observer threads block between checks for stop()


def classify(relpath: str) -> Change | None:
    """What a changed path (relative to the site folder, forward slashes) is.

    CONFIG for site.yml, CONTENT for anything under content/, STATIC under static/, THEME
    under themes/; None for anything else, and for editor litter anywhere (the
    site's one rule, `folder.is_litter`: swap, backup and lock files, .DS_Store, .git), and
    for hidden files and folders (a part starting with '.', as an editor's temporary file
    does) but under static/, where `.well-known/` is published.
    """
    parts = PurePosixPath(relpath).parts
    if not parts or relpath.startswith("/") or any(is_litter(part) for part in parts):
        return None
    if parts[0] != STATIC and any(is_hidden(part) for part in parts):
        return None
    if parts == (CONFIG,):
        return Change.CONFIG
    return _SOURCES.get(parts[0])  # the folder itself counts too: deleting or moving it


class _Handler(FileSystemEventHandler):
    """Hands every watchdog event to one function; runs on the observer's thread."""

    def __init__(self, receive: Callable[[FileSystemEvent], None]) -> None:
        super().__init__()
        self._receive = receive

    def on_any_event(self, event: FileSystemEvent) -> None:
        self._receive(event)


class Watcher:
    """Watches a site folder and calls `on_change(paths)` once per burst of changes.

    `paths` are relative to the site folder with forward slashes, each one that `classify`
    accepts. Calls come from a single worker thread, never concurrently, never empty;
    exceptions from `on_change` are logged and swallowed so the preview keeps running.
    """

    def __init__(
        self,
        root: Path,
        on_change: Callable[[frozenset[str]], None],
        *,
        ignore: Sequence[Path] = (),
        debounce: float = 0.1,
        settle: float | None = None,
        max_wait: float = 1.0,
        polling: bool = False,
    ) -> None:
        self._root = Path(root).resolve()
        self._on_change = on_change
        self._ignore = tuple((self._root / folder).resolve() for folder in ignore)
        self._debounce = debounce
        self._settle = debounce if settle is None else min(settle, debounce)
        self._max_wait = max(max_wait, debounce)
        self._polling = polling
        self._mode = "polling" if polling else "native"
        self._cond = threading.Condition()
        self._pending: set[str] = set()
        self._first = 0.0  # monotonic time of the burst's first event
        self._last = 0.0  # monotonic time of the burst's latest event
        self._unsettled: set[str] = set()  # paths in the burst still being written, or gone
        self._calm_since = float("-inf")  # monotonic time the latest on_change returned
        self._stopping = False
        self._started = False
        self._observer: BaseObserver | None = None
        self._worker = threading.Thread(target=self._run, name="tracker-watch-debounce", daemon=True)

    @property
    def mode(self) -> str:
        """'native' (inotify and the like) or 'polling'."""
        return self._mode

    def start(self) -> None:
        """Start watching in background threads; returns at once."""
        with self._cond:
            if self._stopping:
                raise RuntimeError("a stopped Watcher cannot be restarted; make a new one")
            if self._started:
                return
            self._started = True
        self._worker.start()
        try:
            observer = self._start_observer()
        except BaseException:
            self.stop()
            raise
        with self._cond:
            self._observer = observer
        if self._stopping:  # stop() ran while the observer was starting
            self.stop()

    def stop(self) -> None:
        """Stop watching and join the threads; pending changes are dropped. Idempotent.

        Blocks until a running `on_change` returns (unless called from inside it).
        """
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join()
        if self._worker.is_alive() and threading.current_thread() is not self._worker:
            self._worker.join()

    def _start_observer(self) -> BaseObserver:
        handler = _Handler(self._receive)
        if not self._polling:
            try:
                native = Observer(timeout=_OBSERVER_TIMEOUT)
                native.schedule(handler, str(self._root), recursive=True)
                native.start()
                return native
            except OSError:  # e.g. the inotify watch or instance limit is reached
                self._mode = "polling"
        polling = PollingObserver(timeout=_POLL_INTERVAL)
        polling.schedule(handler, str(self._root), recursive=True)
        polling.start()
        return polling

    def _relative(self, raw: bytes | str) -> str | None:
        """The accepted path relative to the root, or None for ignored, outside or litter paths."""
        if not raw:
            return None
        path = Path(os.path.abspath(os.fsdecode(raw)))
        if any(path == folder or folder in path.parents for folder in self._ignore):
            return None
        try:
            rel = path.relative_to(self._root).as_posix()
        except ValueError:
            return None
        return rel if classify(rel) is not None else None

    def _receive(self, event: FileSystemEvent) -> None:
        """Record an event's paths (both ends of a move); runs on the observer's thread."""
        if event.event_type not in _COUNTED_EVENTS:
            return
        if event.is_directory and event.event_type in ("modified", "attrib", "closed"):
            return
        source, target = self._relative(event.src_path), self._relative(event.dest_path)
        found = {rel for rel in (source, target) if rel}
        if not found:
            return
        # A file closed after writing, or renamed onto a watched path (an atomic save), is
        # complete; anything else (a write still open, a file moved away) may be followed
        # by more within the same save.
        settled = event.event_type in _SETTLED_EVENTS and (
            event.event_type == "closed" or target is not None)
        now = time.monotonic()
        with self._cond:
            if not self._pending:
                self._first = now
            self._pending.update(found)
            if settled:
                self._unsettled.difference_update(found)
            else:
                self._unsettled.update(found)
            self._last = now
            self._cond.notify_all()

    def _take_burst(self) -> frozenset[str] | None:
        """Wait until a burst is due and take it; None once stopping."""
        with self._cond:
            while not self._stopping:
                if not self._pending:
                    self._cond.wait()
                    continue
                calm = self._first - self._calm_since >= self._debounce
                quiet = self._settle if calm and not self._unsettled else self._debounce
                due = min(self._last + quiet, self._first + self._max_wait)
                remaining = due - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                burst = frozenset(self._pending)
                self._pending.clear()
                self._unsettled.clear()
                return burst
            return None

    def _run(self) -> None:
        while (burst := self._take_burst()) is not None:
            try:
                self._on_change(burst)
            except Exception:
                logging.getLogger(__name__).exception("tracker watch: on_change failed for %s", sorted(burst))
            with self._cond:
                self._calm_since = time.monotonic()
