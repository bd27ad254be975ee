"""The preview server under attack (SPEC 9, Safe): a real server on 127.0.0.1, port 0.

Traversal in every encoding, very long URLs, slow and silent clients, many parallel requests
and malformed requests are each answered or refused, nothing outside the output is ever sent,
and the server keeps serving. Every socket has a timeout; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import FULL_SITE, write_files

from tracker.preview import handler
from tracker.preview.serve import Preview

SECRETS = (b"SECRET-SITE-TOKEN", b"SECRET-RECORD-TOKEN", b"SECRET-OUTSIDE-TOKEN", b"root:x:0:0",
           b"title: Test tracker")
"""Words found only in files that must never be served: comments in site.yml and a record,
a file beside the site, /etc/passwd, site.yml's own text."""

TRAVERSALS = [
    "/..", "/../site.yml", "/../../site.yml", "/%2e%2e/site.yml", "/%2E%2E/site.yml",
    "/%2e%2e%2fsite.yml", "/%2E%2E%2Fsite.yml", "/%252e%252e/site.yml", "/%252e%252e%252fsite.yml",
    "/..%2fsite.yml", "/..%2Fsite.yml", "/..%5csite.yml", "/..%5Csite.yml", "/..%255csite.yml",
    "/%c0%ae%c0%ae/site.yml", "/%c0%ae%c0%ae%c0%afsite.yml", "/%e0%80%ae%e0%80%ae/site.yml",
    "/%ef%bc%8e%ef%bc%8e/site.yml", "/%u002e%u002e/site.yml", "/.%2e/site.yml", "/%2e./site.yml",
    "/..\\site.yml", "/\\..\\site.yml", "/%5c..%5csite.yml", "//site.yml", "//..//site.yml",
    "/./site.yml", "/./../site.yml", "/index.html/../../site.yml", "/site.yml%00.html",
    "/%00/../site.yml", "/..%00/site.yml", "/..;/site.yml", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/../../../../../../../../etc/passwd", "/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    "http://127.0.0.1/../site.yml", "http://evil.example/../../etc/passwd", "/site.yml",
    "/content/actions/data-dashboard.yml", "/../outside.txt", "/%2e%2e%2f%2e%2e%2foutside.txt",
    "/docs/../../outside.txt", "/assets/..%2f..%2fsite.yml", "/pagefind/../../site.yml",
    "/pagefind/%2e%2e/%2e%2e/site.yml", "/pagefind/..%2f..%2f..%2foutside.txt", "/%2fetc/passwd",
    "/file:///etc/passwd", "/~/site.yml",
]
TODAY = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    base = tmp_path_factory.mktemp("attack")
    (base / "outside.txt").write_bytes(b"SECRET-OUTSIDE-TOKEN\n")
    record = "content/actions/governance.yml"
    text = FULL_SITE[record]
    assert isinstance(text, str)
    site = write_files(base / "site", {
        **FULL_SITE, "site.yml": "title: Test tracker\n# SECRET-SITE-TOKEN\n",
        record: textwrap.dedent(text) + "# SECRET-RECORD-TOKEN\n",
    })
    started = Preview(site, "127.0.0.1", 0, TODAY).start()
    try:
        yield started
    finally:
        started.shutdown()


def address(preview: Preview) -> tuple[str, int]:
    host, port = preview.server.server_address[:2]
    return str(host), int(port)


def raw(preview: Preview, data: bytes, timeout: float = 5) -> bytes:
    """Send `data` as is and read the answer until the server closes (HTTP/1.0)."""
    with socket.create_connection(address(preview), timeout=timeout) as sock:
        with contextlib.suppress(ConnectionError):  # refused half-way: read what it said
            sock.sendall(data)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(answer: bytes) -> int | None:
    """The status code of an HTTP/1.x answer (None when there is none)."""
    first = answer.split(b"\r\n", 1)[0].split()
    return int(first[1]) if len(first) > 1 and first[0].startswith(b"HTTP/1.") else None


def get(preview: Preview, path: str = "/", timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(*address(preview), timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def assert_still_serving(preview: Preview) -> None:
    started = time.monotonic()
    code, body = get(preview, "/", timeout=2)
    assert code == 200 and b"</html>" in body
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", TRAVERSALS)
def test_traversal_in_every_encoding_is_refused(preview: Preview, path: str) -> None:
    answer = raw(preview, f"GET {path} HTTP/1.0\r\n\r\n".encode())
    assert status_of(answer) in (400, 404), answer[:200]
    assert not any(secret in answer for secret in SECRETS), path


def test_a_raw_nul_or_backslash_in_the_request_line_is_refused(preview: Preview) -> None:
    for path in (b"/\x00/../site.yml", b"/..\\..\\site.yml", b"/\xc0\xae\xc0\xae/site.yml",
                 b"/\xff\xfe/..", b"/..\t/site.yml"):
        answer = raw(preview, b"GET " + path + b" HTTP/1.0\r\n\r\n")
        assert status_of(answer) in (400, 404), (path, answer[:200])
        assert not any(secret in answer for secret in SECRETS), path
    assert_still_serving(preview)


LONG = {"8 KB name": "/" + "a" * 8192, "8 KB of folders": "/" + "a/" * 4096,
        "8 KB of ../": "/" + "../" * 2730, "8 KB in pagefind/": "/pagefind/" + "a" * 8192,
        "8 KB of %2e%2e/": "/" + "%2e%2e/" * 1400, "64 KB name": "/" + "a" * 65536,
        "80 KB of folders": "/" + "a/" * 40000, "1 MB name": "/" + "a" * 1_000_000}


@pytest.mark.parametrize("path", LONG.values(), ids=LONG.keys())
def test_very_long_urls_are_answered_quickly(preview: Preview, path: str) -> None:
    started = time.monotonic()
    answer = raw(preview, f"GET {path} HTTP/1.0\r\n\r\n".encode())
    assert status_of(answer) in (400, 404, 414), answer[:200]
    assert time.monotonic() - started < 2
    assert_still_serving(preview)


MALFORMED = [
    (b"\x00\xff\xfe garbage\r\n\r\n", {400}), (b"\r\n\r\n", {None}), (b"GET\r\n\r\n", {400}),
    (b"GET / HTTP/9.9\r\n\r\n", {505}), (b"GET / FOO/1.0\r\n\r\n", {400}),
    (b"GET / HTTP/1.0 extra\r\n\r\n", {400}), (b"get / HTTP/1.0\r\n\r\n", {501}),
    (b"POST / HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello", {405, 501}),
    (b"PUT /site.yml HTTP/1.0\r\nContent-Length: 1\r\n\r\nx", {405, 501}),
    (b"DELETE /index.html HTTP/1.0\r\n\r\n", {405, 501}), (b"OPTIONS * HTTP/1.0\r\n\r\n", {405, 501}),
    (b"TRACE / HTTP/1.0\r\n\r\n", {405, 501}), (b"CONNECT evil:443 HTTP/1.0\r\n\r\n", {405, 501}),
    (b"GET / HTTP/1.0\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", {400, 431}),
    (b"GET / HTTP/1.0\r\n" + b"X-H: v\r\n" * 200 + b"\r\n", {400, 431}),
    (b"GET / HTTP/1.0\r\nHost: \xff\xfe\r\n\r\n", {403}),  # not this preview's name
    (b"GET / HTTP/1.1\r\nContent-Length: -1\r\nConnection: keep-alive\r\n\r\n", {200}),
    (b"HEAD /../site.yml HTTP/1.0\r\n\r\n", {404}),
    (b"GET /?" + b"q" * 8192 + b" HTTP/1.0\r\n\r\n", {200}),
]


@pytest.mark.parametrize(("request_bytes", "codes"), MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_requests_are_answered_or_refused(preview: Preview, request_bytes: bytes,
                                                    codes: set[int | None]) -> None:
    answer = raw(preview, request_bytes)
    assert status_of(answer) in codes, answer[:200]
    assert not any(secret in answer for secret in SECRETS)
    assert_still_serving(preview)


def test_http_0_9_gets_a_page_or_is_closed(preview: Preview, monkeypatch: pytest.MonkeyPatch) -> None:
    assert b"</html>" in raw(preview, b"GET /\r\n\r\n")
    monkeypatch.setattr(handler, "IDLE_TIMEOUT", 0.5)
    started = time.monotonic()  # no blank line: the server waits for headers, then gives up
    assert raw(preview, b"GET /\r\n") == b""
    assert time.monotonic() - started < 4
    assert_still_serving(preview)


def test_silent_and_slow_clients_do_not_stop_others(preview: Preview) -> None:
    started = time.monotonic()
    silent = [socket.create_connection(address(preview), timeout=5) for _ in range(20)]
    slow = [socket.create_connection(address(preview), timeout=5) for _ in range(20)]
    try:  # a burst of 40 is queued, not dropped (a dropped client waits 1 s to try again)
        assert time.monotonic() - started < 0.9
        line = b"GET /index.html HTTP/1.0\r\n"
        for index in range(10):  # a partial request line, one byte per client every 50 ms
            for sock in slow:
                sock.sendall(line[index:index + 1])
            time.sleep(0.05)
            if index % 3 == 0:
                assert_still_serving(preview)
    finally:
        for sock in silent + slow:
            sock.close()
    assert_still_serving(preview)


def handler_threads() -> int:
    return sum("process_request" in thread.name for thread in threading.enumerate())


def test_an_idle_connection_is_closed_after_a_while(preview: Preview,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that connects and sends nothing (or stops half-way) must not hold a thread for
    ever: the server closes it after handler.IDLE_TIMEOUT seconds (shortened here)."""
    monkeypatch.setattr(handler, "IDLE_TIMEOUT", 0.5)
    before = handler_threads()
    with socket.create_connection(address(preview), timeout=5) as silent, \
            socket.create_connection(address(preview), timeout=5) as partial:
        partial.sendall(b"GET /index")
        started = time.monotonic()
        assert silent.recv(1024) == b""  # closed by the server, not by our 5 s timeout
        assert partial.recv(1024) == b""
        assert time.monotonic() - started < 4
    deadline = time.monotonic() + 5
    while handler_threads() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert handler_threads() <= before
    assert_still_serving(preview)


def test_many_parallel_requests_all_get_complete_answers(preview: Preview) -> None:
    paths = ["/", "/letters/herts-2023/", "/feed.xml", "/docs/plan.pdf", "/no-such-page"]
    expected = {path: get(preview, path) for path in paths}
    assert [expected[p][0] for p in paths] == [200, 200, 200, 200, 404]

    def fetch(index: int) -> tuple[str, int, bytes, float]:
        path = paths[index % len(paths)]
        started = time.monotonic()
        code, body = get(preview, path, timeout=10)
        return path, code, body, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(fetch, range(200)))
    assert len(answers) == 200
    for path, code, body, _ in answers:
        assert (code, body) == expected[path], path
    assert max(seconds for *_, seconds in answers) < 5
    assert_still_serving(preview)
