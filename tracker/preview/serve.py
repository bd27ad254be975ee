"""`tracker serve`: build into memory, serve the last complete build, rebuild on every change.

Requests read the published state once, so none ever sees a half-built site. A failed rebuild
keeps the last good files and shows its problems in every page; open pages reload by
themselves (server-sent events). Nothing outside the build is ever served.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import signal
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..content.folder import CONFIG, STATIC, THEMES, default_theme
from ..errors import Problem
from . import overlay
from .forms import FormDesk
from .handler import bind, own_url
from .mirror import SearchMirror
from .rebuild import Incremental, Snapshot
from .watch import Watcher

DEBOUNCE = 0.03
"""Seconds of quiet after a change before rebuilding: long enough for an editor's atomic
save (write, then rename) to land as one change, short enough to feel instant."""

SETTLE = 0.005
"""Seconds of quiet before rebuilding once every file written has been closed or renamed
into place: the save is complete, and the preview should not wait for more."""


@dataclass(frozen=True)
class Published:
    """What requests see: one snapshot, with the preview's own version and counters."""

    snapshot: Snapshot
    version: int
    rebuilds: int
    panel: str = ""
    """The problems overlay, when the snapshot failed."""


class Preview:
    """The preview of one site: an HTTP server, a builder and a watcher, until `shutdown()`."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 8000,
                 today: dt.date | None = None, *, polling: bool = False,
                 on_build: Callable[[Published, float], None] | None = None) -> None:
        self.root = root.resolve()
        self.on_build = on_build
        self.sources = [self.root / STATIC, self.root / THEMES, default_theme() / "static"]
        self._changed = threading.Condition()
        self._state = Published(Snapshot({}), 0, 0)
        self._closing = False
        self._threads: list[threading.Thread] = []
        self.server = bind(host, port, self)  # first: a port in use leaves nothing behind
        self.host, self.port = host, int(self.server.server_address[1])
        self.url = own_url(host, self.port)
        # Built for its own address, as a published site is for its own: canonical links,
        # feeds and the 404 page (served at any address) work in the preview.
        self.builder = Incremental(self.root, today or dt.date.today(), base_url=self.url,
                                   editing=True)
        self.desk = FormDesk(self.root, self.builder, host, self.port, self.wait_for_change,
                             lambda: self._state.version)
        self.mirror = SearchMirror(self.sources)
        self.folder = self.mirror.folder
        try:
            self.watcher = Watcher(self.root, self.rebuild, debounce=DEBOUNCE, settle=SETTLE,
                                   ignore=[self.root / "_site", self.folder], polling=polling)
        except BaseException:
            self.server.server_close()
            self.mirror.remove()
            raise

    @property
    def state(self) -> Published:
        return self._state

    @property
    def closing(self) -> bool:
        return self._closing

    def start(self) -> Preview:
        """Build, then serve and watch in background threads."""
        self.rebuild(frozenset())
        mirror = partial(self.mirror.run, lambda: self._state.snapshot.files)
        for name, target in (("server", self._serve), ("mirror", mirror)):
            thread = threading.Thread(target=target, name=f"tracker-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        self.watcher.start()
        return self

    def _serve(self) -> None:
        self.server.serve_forever(poll_interval=0.2)

    def rebuild(self, changed: frozenset[str]) -> None:
        """Rebuild after `changed` (all when empty) and publish; a crash becomes a problem."""
        started = time.perf_counter()
        gc.disable()  # the model is acyclic: a full collection mid-rebuild only adds a pause
        try:
            snapshot = self.builder.rebuild(set(changed) if changed else None)
        except Exception as exc:  # the preview never dies; the terminal and page say why
            current = self.builder.current
            where = min(changed) if changed else CONFIG
            problem = Problem(where, 1, 1, "error",
                              f"the build stopped unexpectedly: {type(exc).__name__}: {exc}",
                              "this is a bug in tracker; the preview keeps the last good build")
            snapshot = Snapshot(current.files, (problem,), current.version)
        finally:
            # What survives a rebuild (the model, the memo, the pages) lives until a later
            # one: frozen, it is not walked again by every collection between saves, which
            # at 1,000 letters tripled the time from a save to the page served.
            gc.freeze()
            gc.enable()
        self.publish(snapshot)
        if self.on_build:
            with contextlib.suppress(Exception):
                self.on_build(self._state, time.perf_counter() - started)

    def publish(self, snapshot: Snapshot) -> None:
        """Make `snapshot` the one served, in one assignment; wake event streams and mirror."""
        panel = (overlay.overlay(self.root, snapshot.problems, kept=bool(snapshot.files))
                 if snapshot.failed else "")
        with self._changed:
            old = self._state
            new = snapshot is not old.snapshot and (
                snapshot.version != old.snapshot.version
                or snapshot.problems != old.snapshot.problems)
            version = old.version + new
            self._state = Published(snapshot, version, old.rebuilds + 1, panel)
            self._changed.notify_all()
        self.mirror.want()

    def wait_for_change(self, version: int, timeout: float) -> int:
        """The published version, once it differs from `version`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.version != version or self._closing,
                                   timeout)
            return self._state.version

    def search_file(self, rel: str) -> Path | None:
        """A file of the search index, never outside its folder."""
        return self.mirror.search_file(rel)

    def shutdown(self) -> None:
        """Stop serving and watching, end event streams, remove the temporary folder."""
        if self._closing:
            return
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self.mirror.close()
        self.builder.clock.stop_all()  # a template looping for ever holds the watcher's thread
        with contextlib.suppress(Exception):
            self.watcher.stop()
        if self._threads:
            self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=20)
        self.mirror.remove()

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve(root: Path, host: str, port: int, today: dt.date, *, open_browser: bool = False,
          ready: Callable[[str], None] | None = None, stop: threading.Event | None = None,
          on_build: Callable[[Published, float], None] | None = None) -> None:
    """Build, serve and watch the site at `root` until Ctrl-C, SIGTERM or `stop` is set."""
    stop = stop or threading.Event()
    main = threading.current_thread() is threading.main_thread()
    handlers = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    if main:  # SIGTERM stops the preview like Ctrl-C
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    preview: Preview | None = None
    try:
        with contextlib.suppress(KeyboardInterrupt):
            preview = Preview(root, host, port, today, on_build=on_build)
            preview.start()
            if ready:
                ready(preview.url)
            if open_browser:
                threading.Thread(target=webbrowser.open, args=(preview.url,), daemon=True).start()
            while not stop.wait(0.5):
                pass
    finally:
        if main:  # a second Ctrl-C must not leave the temporary folder behind
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if preview is not None:
                preview.shutdown()
        finally:
            if main:
                signal.signal(signal.SIGINT, handlers[0])
                signal.signal(signal.SIGTERM, handlers[1])
