"""Shared helpers: small fixture sites written inside each test, and the CLI run as a user would."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import os
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tracker.cli import main
from tracker.preview.serve import Preview

MINIMAL_SITE = {
    "site.yml": "title: Test tracker\n",
    "content/letters/herts-2023.md": """\
        ---
        title: "Ofsted and CQC: joint inspection of Hertfordshire"
        date: 2023-09-12
        inspectorate: [Ofsted, CQC]
        kind: full-inspection
        ---
        Dear colleague

        ## Areas for priority action

        - Leaders should improve the SEND data dashboard.
        - Leaders should strengthen partnership governance.

        ## Areas for improvement

        - Leaders should improve the quality of EHC plans.
        """,
    "content/actions/data-dashboard.yml": """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
        """,
}
"""A valid site: one letter with P1, P2 and I1; one record tracking P1."""


SiteMaker = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """Write a site: MINIMAL_SITE plus `files` (a value of None removes that file)."""

    def make(files: dict[str, str | bytes | None] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "site"
        merged: dict[str, str | bytes | None] = dict(MINIMAL_SITE) if base else {}
        merged.update(files or {})
        for rel, content in merged.items():
            if content is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return make


def run(*args: str) -> Result:
    """Run `tracker ARGS…` in-process, keeping standard error apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(site: Path, *extra: str) -> Result:
    """`tracker check --site SITE --today 2024-01-01 …`."""
    return run("check", "--site", str(site), "--today", "2024-01-01", *extra)


def lines(result: Result) -> list[str]:
    """The problem lines of standard error (hints and the summary line left out)."""
    return [
        line for line in result.stderr.splitlines()
        if ": error: " in line or ": warning: " in line
    ]


# Building whole sites (tests/test_build.py, tests/test_build_links.py) ------------------

FULL_SITE: dict[str, str | bytes | None] = {
    **MINIMAL_SITE,
    "content/actions/data-dashboard.yml": """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        owner: County council
        summary: The council said it would [publish a plan](static:docs/plan.pdf).
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
          - date: 2023-10-01
            status: in-progress
            note: See [the first paragraph](letter:herts-2023#p1) and [about](page:about).
            evidence:
              - update:2023-10-01-poll
              - static:docs/plan.pdf
              - "static:docs/Annual report été.pdf"
              - {url: "https://example.com/plan", title: The council's plan}
        actions:
          - id: new-dashboard
            title: Publish a new dashboard
            owner: Council data team
            due: 2023-11-30
            timeline:
              - date: 2023-09-20
                status: planned
                evidence: [letter:herts-2023#P1]
              - date: 2023-11-15
                status: in-progress
                due: 2024-03-31
                note: The supplier delivered late.
                evidence: [letter:herts-2023#P1]
        """,
    "content/actions/governance.yml": """\
        title: Strengthen partnership governance
        tracks: [letter:herts-2023#P2]
        timeline:
          - date: 2023-12-20
            status: identified
            evidence: [letter:herts-2023#P2]
        """,
    "content/letters/council-2023.md": """\
        ---
        title: The council's reply to the inspectors
        date: 2023-10-20
        kind: reply
        subject: Hertfordshire County Council
        ---
        Thank you for your letter.
        """,
    "content/updates/2023-10-01-poll.md": """\
        ---
        title: Our poll on the dashboard
        date: 2023-10-01
        author: Forum team
        about: [data-dashboard]
        poll:
          question: Is the dashboard useful?
          responses: 30
          results: [{label: "Yes", count: 10}, {label: "No", count: 15}, {label: "Not sure", count: 5}]
        ---
        The letter [opened kindly](letter:herts-2023#p1).
        See [the new dashboard](record:data-dashboard#new-dashboard), [who we are](page:about),
        [the plan](static:docs/plan.pdf) and [point one](letter:herts-2023#P1).
        """,
    "content/updates/2023-12-21-governance.md": """\
        ---
        title: Governance meeting
        date: 2023-12-21
        ---
        We went to a meeting about [governance](record:governance).
        """,
    "content/pages/about.md": """\
        ---
        title: About us
        ---
        We are [a forum](https://example.com/forum). Read [the letter](letter:herts-2023).
        """,
    "static/docs/plan.pdf": b"%PDF-1.4 a tiny test file\n",
    "static/docs/Annual report été.pdf": b"%PDF-1.4 another\n",
}
"""MINIMAL_SITE plus: a stale record (data-dashboard, in progress since 1 October 2023) with a
sub-action whose deadline moved, a fresh record (governance, tracking P2), a letter from a
council (not Crown copyright), an update with a poll, an update that links to a record
without naming it in `about`, a page, a paragraph citation (letter:herts-2023#p1) and static
files (static/docs/plan.pdf, and one whose name has a space and an accent)."""

TODAY = "2024-01-01"


def write_files(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write `files` (text is dedented; None removes a file) under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def build(site: Path, out: Path, *extra: str) -> Result:
    """`tracker build --site SITE --out OUT --today 2024-01-01 …`."""
    return run("build", "--site", str(site), "--out", str(out), "--today", TODAY, *extra)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative POSIX path → bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# Sites that must be refused (tests/test_errors_*.py) ------------------------------------

def check_errors(site: Path, *extra: str) -> list[str]:
    """`tracker check` on a site that must fail: exit code 1 and no traceback. Each error as
    printed, with its hint line when it has one, its path relative to the site folder."""
    result = check(site, *extra)
    assert "Traceback" not in result.output + result.stderr, result.stderr
    assert result.exit_code == 1, result.stderr
    prefix = f"{site}/"
    found: list[str] = []
    in_error = False
    for line in result.stderr.splitlines():
        if line.startswith("    hint: ") and in_error:
            found[-1] += "\n" + line
            continue
        in_error = ": error: " in line
        if in_error:
            assert line.startswith(prefix), line
            found.append(line.removeprefix(prefix))
    return found


@contextlib.contextmanager
def running(root: Path) -> Iterator[Preview]:
    """A real preview of `root` on 127.0.0.1 (a free port), shut down however the test ends."""
    preview = Preview(root, "127.0.0.1", 0, dt.date.fromisoformat(TODAY)).start()
    try:
        yield preview
    finally:
        preview.shutdown()


# A real browser (tests/test_browser.py, tests/test_forms.py) -------------------------------

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
BROWSER_WAIT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium for the whole session; fails (never skips) when it is missing."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test, which installs chromium "
                    "(never `playwright install`: the browser tests use Debian's chromium)",
                    pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: run scripts/test, which installs the test extra "
                    "(pip install -e '.[test]')", pytrace=False)
    driver = sync_playwright().start()
    try:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                          args=ARGS, timeout=30_000)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        driver.stop()


@contextlib.contextmanager
def opened(browser: Any, **options: Any) -> Iterator[Any]:
    """A page in a fresh browser context, closed however the test ends."""
    context = browser.new_context(**options)
    try:
        context.set_default_timeout(BROWSER_WAIT_MS)
        yield context.new_page()
    finally:
        context.close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # requests are not news
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """A plain static server for `folder` on 127.0.0.1, a free port."""
    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
