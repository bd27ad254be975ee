"""`tracker serve`: the real server on a free port, spoken to over HTTP (SPEC 8, 9; STYLE 12).

Every wait is bounded: HTTP calls time out after 5 s, waits for a rebuild after 10 s.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SiteMaker, build, run, running, tree_bytes, write_files

from tracker.build import build_site
from tracker.output.publish import MANIFEST
from tracker.output.search import SEARCH_FOLDER
from tracker.preview.rebuild import Snapshot
from tracker.preview.routes import output_path
from tracker.preview.serve import Preview, serve

TODAY = dt.date(2024, 1, 1)
UPDATE = "content/updates/2023-10-01-news.md"
RECORD = "content/actions/data-dashboard.yml"
LETTER = "content/letters/herts-2023.md"
HEADING = "The last change could not be built"
GOOD_RECORD = """\
title: {title}
tracks: [letter:herts-2023#P1]
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [letter:herts-2023#P1]
"""
BAD_RECORD = """\
title: Broken title
tracks: [letter:herts-2023#P1
timeline:
  - date: 2023-09-12
"""


EDIT_LINKS = re.compile(rb'<nav class="edit-bar".*?</nav>\n| <a class="edit-link" [^>]*>[^<]*</a>', re.S)
"""What the preview adds to a page: the links to its forms."""

def news(words: str) -> str:
    return f"---\ntitle: Our news\ndate: 2023-10-01\n---\n{words}\n"


SITE = {UPDATE: news("First words."), "static/docs/plan.txt": "the plan\n"}


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return make_site(SITE)


@pytest.fixture
def preview(site: Path) -> Iterator[Preview]:
    with running(site) as started:
        yield started


def fetch(preview: Preview, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of `path` sent exactly as given."""
    host, port = preview.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def page(preview: Preview, path: str) -> str:
    code, _, body = fetch(preview, path)
    assert code == 200, (path, code)
    return body.decode()


def status(preview: Preview) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(fetch(preview, "/__tracker/status")[2])
    return result


def after(preview: Preview, version: int, timeout: float = 10) -> dict[str, Any]:
    """The status once the served version is not `version` (fails after `timeout` s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = status(preview)
        if now["version"] != version:
            return now
        time.sleep(0.03)
    raise AssertionError(f"no new version after {timeout} s")


def quiet(preview: Preview, still: float = 1.5, timeout: float = 15) -> dict[str, Any]:
    """The status once no rebuild has run for `still` seconds."""
    deadline = time.monotonic() + timeout
    last, since = status(preview), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = status(preview)
        if now["rebuilds"] != last["rebuilds"]:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= still:
            return now
    raise AssertionError("the preview kept rebuilding")


def edit(preview: Preview, rel: str, text: str | None) -> dict[str, Any]:
    """Change a source file and wait until the preview serves the result."""
    before = status(preview)["version"]
    write_files(preview.root, {rel: text})
    return after(preview, before)


def html_urls(preview: Preview) -> list[str]:
    return ["/" + p for p in sorted(preview.state.snapshot.files) if p.endswith(".html")]


# Requests -------------------------------------------------------------------------------

@pytest.mark.parametrize(("request_path", "expected"), [
    ("/", "index.html"),
    ("/letters/x/", "letters/x/index.html"),
    ("/letters/x", "letters/x"),
    ("/feed.xml?x=1#top", "feed.xml"),
    ("/docs/Annual%20report%20%C3%A9t%C3%A9.pdf", "docs/Annual report été.pdf"),
    ("/%252e%252e/site.yml", "%2e%2e/site.yml"),
    ("/../site.yml", None), ("/%2e%2e/site.yml", None), ("/%2E%2E%2Fsite.yml", None),
    ("/..%2fsite.yml", None), ("/static/../../x", None), ("//etc/passwd", None),
    ("/./index.html", None), ("/a\\b", None), ("/a%5cb", None), ("/a%00b", None),
    ("index.html", None), ("http://example.com/", None),
])
def test_request_paths_name_only_files_inside_the_site(request_path: str,
                                                        expected: str | None) -> None:
    assert output_path(request_path) == expected


def test_traversal_and_symlinks_out_get_404(make_site: SiteMaker, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    root = make_site(SITE)
    (root / "static" / "escape.txt").symlink_to(secret)
    (root / "static" / "out").symlink_to(tmp_path, target_is_directory=True)
    with running(root) as preview:
        files = preview.state.snapshot.files  # the build leaves the link out; were it listed…
        preview.publish(Snapshot({**files, "escape.txt": root / "static" / "escape.txt"}))
        for path in ["/../site.yml", "/%2e%2e/site.yml", "/%2E%2E%2Fsite.yml", "/..%2fsite.yml",
                     "/static/../../x", "//etc/passwd", "/escape.txt", "/out/secret.txt",
                     "/pagefind/../index.html", "/pagefind/%2e%2e/%2e%2e/etc/passwd",
                     "/site.yml", "/content/letters/herts-2023.md", "/no-such-page/"]:
            code, headers, body = fetch(preview, path)
            assert code == 404, path  # …but it is never served
            assert b"TOP SECRET" not in body and b"Page not found" in body, path
            assert headers["Cache-Control"] == "no-store"
        assert page(preview, "/docs/plan.txt") == "the plan\n"
        code, headers, _ = fetch(preview, "/letters/herts-2023")
        assert code == 302 and headers["Location"] == "/letters/herts-2023/"
        deadline = time.monotonic() + 10  # the search index comes from the mirrored folder
        while fetch(preview, "/pagefind/pagefind-ui.js")[0] != 200:
            assert time.monotonic() < deadline, "no search index after 10 s"
            time.sleep(0.1)
        assert not (preview.folder / "escape.txt").exists()


# Reloading ------------------------------------------------------------------------------

def test_reload_script_is_served_but_never_built(preview: Preview, site: Path,
                                                  tmp_path: Path) -> None:
    code, headers, body = fetch(preview, "/")
    assert code == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    text = body.decode()
    version = status(preview)["version"]
    assert f'var v="{version}"' in text and "/__tracker/events" in text
    assert text.index("/__tracker/events") < text.rindex("</body>")
    assert HEADING not in text
    feed = fetch(preview, "/feed.xml")
    assert feed[1]["Content-Type"].startswith("application/") and b"__tracker" not in feed[2]
    assert build(site, tmp_path / "out").exit_code == 0
    for path, data in tree_bytes(tmp_path / "out").items():
        assert b"__tracker" not in data and b"tracker-overlay" not in data, path


def test_event_stream_sends_each_version_and_ends_on_shutdown(preview: Preview) -> None:
    host, port = preview.server.server_address[:2]
    conn = http.client.HTTPConnection(str(host), int(port), timeout=5)
    conn.request("GET", "/__tracker/events")
    response = conn.getresponse()
    assert response.getheader("Content-Type", "").startswith("text/event-stream")

    def next_version() -> str:
        for _ in range(20):
            line = response.fp.readline().decode()
            if line.startswith("data: "):
                return line.removeprefix("data: ").strip()
        raise AssertionError("no event")

    assert next_version() == str(status(preview)["version"])
    new = edit(preview, UPDATE, news("Second words."))["version"]
    assert next_version() == str(new)
    preview.shutdown()
    assert response.fp.read().strip() == b""  # the stream ends rather than hanging
    conn.close()


# Rebuilding -----------------------------------------------------------------------------

def test_an_edit_appears_in_the_served_page(preview: Preview) -> None:
    assert "First words." in page(preview, "/updates/2023-10-01-news/")
    edit(preview, UPDATE, news("Second words."))
    text = page(preview, "/updates/2023-10-01-news/")
    assert "Second words." in text and "First words." not in text


def test_an_atomic_save_is_picked_up(preview: Preview) -> None:
    before = status(preview)["version"]
    temporary = preview.root / "content/updates/.news.md.tmp1234"
    temporary.write_text(news("Saved atomically."), encoding="utf-8")
    os.replace(temporary, preview.root / UPDATE)
    after(preview, before)
    assert "Saved atomically." in page(preview, "/updates/2023-10-01-news/")


def test_a_burst_of_saves_causes_at_most_two_rebuilds(preview: Preview) -> None:
    start = quiet(preview, still=0.5)
    for n in range(20):  # sizes differ, so no save looks like the one before
        write_files(preview.root, {UPDATE: news("Save " + "x" * n + ".")})
        time.sleep(0.005)
    after(preview, start["version"])
    end = quiet(preview)
    assert 1 <= end["rebuilds"] - start["rebuilds"] <= 2
    assert "Save " + "x" * 19 + "." in page(preview, "/updates/2023-10-01-news/")


def test_a_broken_edit_shows_the_problem_and_keeps_the_last_good_site(preview: Preview) -> None:
    urls = html_urls(preview)
    now = edit(preview, RECORD, BAD_RECORD)
    assert now["failed"]
    errors = [p for p in now["problems"] if p["severity"] == "error"]
    assert errors and all(p["path"] == RECORD for p in errors)
    first = errors[0]
    where = f"{RECORD}:{first['line']}:{first['column']}: error: {html.escape(first['message'])}"
    line = BAD_RECORD.splitlines()[first["line"] - 1]
    for url in urls:  # every page shows the problem, with its place and source line
        text = page(preview, url)
        assert HEADING in text and 'role="alert"' in text, url
        assert where in text and html.escape(line) in text, url
    area = page(preview, "/areas/data-dashboard/")
    assert "Improve the SEND data dashboard" in area and "Broken title" not in area
    assert HEADING in fetch(preview, "/no-such-page")[2].decode()  # the 404 page too
    fixed = edit(preview, RECORD, GOOD_RECORD.format(title="A fixed title"))
    assert not fixed["failed"]
    for url in urls:
        assert HEADING not in page(preview, url), url
    assert "A fixed title" in page(preview, "/areas/data-dashboard/")


def test_a_failed_first_build_still_serves_the_problems(make_site: SiteMaker) -> None:
    root = make_site({**SITE, RECORD: BAD_RECORD})
    with running(root) as preview:
        now = status(preview)
        assert now["failed"] and now["version"] == 1
        for path in ("/", "/letters/", "/areas/data-dashboard/"):
            code, _, body = fetch(preview, path)
            text = body.decode()
            assert code == 500 and HEADING in text and f"{RECORD}:" in text, path
            assert "/__tracker/events" in text
        assert fetch(preview, "/../site.yml")[0] == 404
        edit(preview, RECORD, GOOD_RECORD.format(title="Now it builds"))
        text = page(preview, "/areas/data-dashboard/")
        assert "Now it builds" in text and HEADING not in text


def test_incremental_rebuilds_equal_a_clean_build(preview: Preview, tmp_path: Path) -> None:
    root = preview.root
    edit(preview, UPDATE, news("Edited words."))
    edit(preview, RECORD, GOOD_RECORD.format(title="A new title"))
    letter = (root / LETTER).read_text().replace("Dear colleague", "Dear colleagues")
    edit(preview, LETTER, letter)
    edit(preview, "site.yml", "title: A renamed tracker\n")
    edit(preview, "content/pages/about.md", "---\ntitle: About us\n---\nWho we are.\n")
    edit(preview, "content/updates/2023-11-02-more.md", news("More news."))
    edit(preview, UPDATE, None)
    quiet(preview)
    served = preview.state.snapshot.files
    result = build_site(root, tmp_path / "clean", TODAY, drafts=True, base_url=preview.url)
    assert result.ok, result.problems
    # The preview makes its own search index, and keeps no list of the files it wrote.
    clean = {path: data for path, data in tree_bytes(tmp_path / "clean").items()
             if not path.startswith(SEARCH_FOLDER) and path != MANIFEST}
    assert sorted(served) == sorted(clean)
    for path, expected in clean.items():
        mine = served[path]
        # The preview's pages are the build's, and the links to its forms (SPEC 8a).
        mine = mine.read_bytes() if isinstance(mine, Path) else EDIT_LINKS.sub(b"", mine)
        assert mine == expected, path
    assert "A renamed tracker" in page(preview, "/about/")
    assert fetch(preview, "/updates/2023-10-01-news/")[0] == 404


# Starting and stopping ------------------------------------------------------------------

def test_serve_runs_until_stopped_and_removes_its_folder(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    urls: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(site, "127.0.0.1", 0, TODAY),
                              kwargs={"ready": urls.put, "stop": stop}, daemon=True)
    thread.start()
    try:
        url = urls.get(timeout=10)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
        assert [p.name for p in temp.iterdir()][0].startswith("tracker-serve-")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert list(temp.iterdir()) == []


def test_a_port_in_use_is_a_usage_error(site: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--site", str(site), "--port", str(port), "--today", "2024-01-01")
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.output
    assert list(temp.iterdir()) == []  # no preview folder left behind


def test_another_host_is_warned_about(site: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is not on this machine: the warning, then a usage error.
    result = run("serve", "--site", str(site), "--host", "192.0.2.1", "--port", "0")
    assert "warning: serving on 192.0.2.1: the preview is reachable from other machines" \
        in result.stderr
    assert result.exit_code == 2 and "no such address on this machine" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_command_serves_and_stops_cleanly_on_ctrl_c(site: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    command = [sys.executable, "-m", "tracker", "serve", "--site", str(site), "--port", "0",
               "--today", "2024-01-01"]
    def as_in_a_terminal() -> None:
        # A process started in the background by a shell without job control inherits
        # Ctrl-C ignored, and Python then never raises KeyboardInterrupt: in a terminal it
        # is not ignored, which is what this test is about.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "TMPDIR": str(temp)},
                               preexec_fn=as_in_a_terminal)  # noqa: PLW1509
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout or ():
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        first = lines.get(timeout=20)
        match = re.fullmatch(rf"Serving {re.escape(str(site))} at (http://127\.0\.0\.1:\d+/) "
                             r"\(Ctrl-C to stop\)\n", first)
        assert match, first
        with urllib.request.urlopen(match[1], timeout=5) as response:
            assert response.status == 200 and b"/__tracker/events" in response.read()
        assert [p.name for p in temp.iterdir()][0].startswith("tracker-serve-")
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=5)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "Stopped." in err
    assert list(temp.iterdir()) == []


def test_a_save_that_changes_nothing_shown_reloads_nothing(preview: Preview) -> None:
    start = quiet(preview, still=0.5)
    record = (preview.root / RECORD).read_text(encoding="utf-8")
    write_files(preview.root, {RECORD: record + "# A comment no page shows.\n"})
    end = quiet(preview)
    assert end["rebuilds"] > start["rebuilds"], "the save was seen and rebuilt"
    assert end["version"] == start["version"], "but no page changed, so nothing reloads"


def test_a_preview_stops_at_once_while_pagefind_is_still_indexing(make_site: SiteMaker,
                                                                    tmp_path: Path,
                                                                    monkeypatch: Any) -> None:
    """In the preview Pagefind runs at the lowest priority: on a busy machine it can take
    long, and stopping the preview must not wait for it."""
    started = tmp_path / "started"
    fake = write_files(tmp_path / "bin", {"pagefind": f"#!/bin/sh\ntouch {started}\nexec sleep 60\n"})
    (fake / "pagefind").chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake / "pagefind"))
    with running(make_site()) as preview:
        deadline = time.monotonic() + 20
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the preview's search index was started"
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 3
    assert not preview.mirror.folder.exists()
