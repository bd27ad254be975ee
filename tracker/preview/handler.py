"""The preview's HTTP side: the server, bound to one address, and how it answers each request:
the published files of one complete build, the event stream that reloads open pages, the
status, and the forms (`forms`). Requests for another host name are refused.
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import socket
import sys
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output.search import SEARCH_FOLDER
from ..site.files import whole
from ..site.urls import NOT_FOUND
from . import overlay
from .forms import FORM_HEADERS, Answer, FormDesk
from .routes import content_type, host_allowed, inside, output_path, split_target

if TYPE_CHECKING:
    from .serve import Preview, Published

KEEP_ALIVE = 15.0
"""Seconds between comments on an idle event stream."""

IDLE_TIMEOUT = 20.0
"""Seconds a connection may stay silent (sending nothing, or stopping half-way through its
request, or not reading the answer) before the server closes it and frees its thread."""

NOT_OURS = b"This preview answers only to its own address, such as http://127.0.0.1:PORT/.\n"
"""The answer to a request for another host name (a page on another site reaching it)."""



class ServeError(Exception):
    """The preview cannot start (the port is taken, the host is unknown…)."""


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


def bind(host: str, port: int, preview: Preview) -> _Server:
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


def own_url(host: str, port: int) -> str:
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

    def do_POST(self) -> None:
        """Only the forms take a POST, and only from the preview's own pages."""
        preview = self.server.preview
        route = split_target(self.path)[0]
        with contextlib.suppress(ConnectionError, TimeoutError):
            if not host_allowed(self.headers.get("Host"), preview.host, preview.port):
                return self._send(HTTPStatus.FORBIDDEN, NOT_OURS, "text/plain; charset=utf-8",
                                  True)
            if not FormDesk.handles(route):
                return self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"Only forms can be sent.\n",
                                  "text/plain; charset=utf-8", True, {"Allow": "GET, HEAD"})
            headers = {name: value for name in FORM_HEADERS
                       if (value := self.headers.get(name)) is not None}
            self._form(preview.desk.post(route, headers, self.rfile.read, self.client_address[0]),
                       True)

    def _form(self, answer: Answer, body: bool) -> None:
        extra = {"Location": answer.location} if answer.location else {}
        self._send(answer.status, answer.body, answer.kind, body, extra)

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
            if FormDesk.handles(route):
                return self._form(preview.desk.get(route, self.client_address[0]), body)
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
        page = self._page(state, content, rel)
        saved = preview.desk.saved_note(split_target(self.path)[1]) if page is not content else ""
        self._send(HTTPStatus.OK, overlay.inject_in_main(page, saved), content_type(rel), body)

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


