"""`tracker serve`: build into memory, serve the last complete build, rebuild on every change.

Requests read the published state once, so none ever sees a half-built site. A failed rebuild
keeps the last good files and shows its problems in every page; open pages reload by
themselves (server-sent events). Nothing outside the build is ever served.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import gc
import json
import shutil
import signal
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..content.folder import CONFIG, STATIC, THEMES
from ..errors import Problem
from ..output.search import SEARCH_FOLDER
from ..site.files import whole
from ..site.theme import default_theme
from ..site.urls import NOT_FOUND
from . import overlay
from .mirror import SearchMirror
from .rebuild import Incremental, Snapshot
from .routes import content_type, host_allowed, inside, output_path, split_target
from .watch import Watcher

KEEP_ALIVE = 15.0
"""Seconds between comments on an idle event stream."""

IDLE_TIMEOUT = 20.0
"""Seconds a connection may stay silent (sending nothing, or stopping half-way through its
request, or not reading the answer) before the server closes it and frees its thread."""

DEBOUNCE = 0.03
"""Seconds of quiet after a change before rebuilding: long enough for an editor's atomic
save (write, then rename) to land as one change, short enough to feel instant."""

SETTLE = 0.005
"""Seconds of quiet before rebuilding once every file written has been closed or renamed
into place: the save is complete, and the preview should not wait for more."""


NOT_OURS = b"This preview answers only to its own address, such as http://127.0.0.1:PORT/.\n"
"""The answer to a request for another host name (a page on another site reaching it)."""


class ServeError(Exception):
    """The preview cannot start (the port is taken, the host is unknown…)."""


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
        self.server = _bind(host, port, self)  # first: a port in use leaves nothing behind
        self.host, self.port = host, int(self.server.server_address[1])
        self.url = _url(host, self.port)
        # Built for its own address, as a published site is for its own: canonical links,
        # feeds and the 404 page (served at any address) work in the preview.
        self.builder = Incremental(self.root, today or dt.date.today(), base_url=self.url)
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """Connections waiting to be accepted: the default 5 drops a burst (a page and its
    assets, many tabs) and each dropped client waits a second before it tries again."""
    preview: Preview

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)  # a browser leaving early is not news


class _Server6(_Server):
    address_family = socket.AF_INET6


def _bind(host: str, port: int, preview: Preview) -> _Server:
    server_class = _Server6 if ":" in host else _Server
    try:
        server = server_class((host, port), _Handler)
    except socket.gaierror:
        raise ServeError(f"cannot listen on '{host}': no such address on this machine") from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {host} is already in use; choose another with "
                             "--port (0 picks a free one)") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"cannot listen on '{host}': no such address on this "
                             "machine") from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"not allowed to listen on port {port}; choose one above 1023 "
                             "with --port") from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    server.preview = preview
    return server


def _url(host: str, port: int) -> str:
    name = f"[{host}]" if ":" in host else host
    return f"http://{name}:{port}/"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"
    default_request_version = "HTTP/1.0"
    """Refusals of unreadable requests still start with a status line."""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(IDLE_TIMEOUT)  # no silent client holds a thread for ever

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not requests

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        preview = self.server.preview
        state = preview.state  # read once: one complete build for the whole request
        route = split_target(self.path)[0]
        with contextlib.suppress(ConnectionError, TimeoutError):
            if not host_allowed(self.headers.get("Host"), preview.host, preview.port):
                return self._send(HTTPStatus.FORBIDDEN, NOT_OURS, "text/plain; charset=utf-8",
                                  body)
            if route == overlay.EVENTS and body:
                return self._events(preview, state.version)
            if route == overlay.STATUS:
                return self._status(state, body)
            self._file(preview, state, body)

    def _file(self, preview: Preview, state: Published, body: bool) -> None:
        files = state.snapshot.files
        rel = output_path(self.path)
        if rel is None:
            return self._not_found(state, body)
        if rel.startswith(SEARCH_FOLDER):
            index = preview.search_file(rel)
            return self._send_path(index, rel, body) if index else self._not_found(state, body)
        found = files.get(rel)
        content = whole(found) if found is not None else None
        if content is None and not rel.endswith("index.html") and f"{rel}/index.html" in files:
            path, query = split_target(self.path)
            location = path + "/" + (f"?{query}" if query else "")
            return self._send(HTTPStatus.FOUND, b"", "text/plain", body, {"Location": location})
        if content is None and not files and state.snapshot.failed:
            page = overlay.inject(overlay.failed_page(state.panel),
                                  overlay.reload_script(state.version))
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, page, content_type(".html"), body)
        if content is None:
            return self._not_found(state, body)
        if isinstance(content, Path):
            real = inside(content, preview.sources)
            return self._send_path(real, rel, body) if real else self._not_found(state, body)
        self._send(HTTPStatus.OK, self._page(state, content, rel), content_type(rel), body)

    def _page(self, state: Published, content: bytes, rel: str) -> bytes:
        if not rel.endswith((".html", ".htm")):
            return content
        return overlay.inject(content, state.panel + overlay.reload_script(state.version))

    def _not_found(self, state: Published, body: bool) -> None:
        page = state.snapshot.files.get(NOT_FOUND)
        if isinstance(page, bytes):
            self._send(HTTPStatus.NOT_FOUND, self._page(state, page, NOT_FOUND),
                       content_type(NOT_FOUND), body)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8", body)

    def _headers(self, status: HTTPStatus, kind: str, length: int | None,
                 extra: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool,
              extra: Mapping[str, str] | None = None) -> None:
        self._headers(status, kind, len(data), extra)
        if body:
            self.wfile.write(data)

    def _send_path(self, path: Path, rel: str, body: bool) -> None:
        with path.open("rb") as source:
            size = source.seek(0, 2)
            source.seek(0)
            self._headers(HTTPStatus.OK, content_type(rel), size)
            if body:
                shutil.copyfileobj(source, self.wfile)

    def _status(self, state: Published, body: bool) -> None:
        data = json.dumps({
            "version": state.version, "rebuilds": state.rebuilds,
            "failed": state.snapshot.failed,
            "problems": [p.as_dict() for p in state.snapshot.problems],
        }, indent=2).encode()
        self._send(HTTPStatus.OK, data, "application/json", body)

    def _events(self, preview: Preview, version: int) -> None:
        """Server-sent events: the version now, then each new one, until shutdown."""
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", None)
        self.wfile.write(f"retry: 1000\ndata: {version}\n\n".encode())
        self.wfile.flush()
        while not preview.closing:
            now = preview.wait_for_change(version, KEEP_ALIVE)
            if preview.closing:
                break
            message = f"data: {now}\n\n" if now != version else ": keep-alive\n\n"
            version = now
            self.wfile.write(message.encode())
            self.wfile.flush()


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
