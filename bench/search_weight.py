"""What a search costs a phone: the bytes the search page fetches in Chromium, to open and then
to show the results of one search, on a generated site whose index is one Pagefind index and
on the same site's index in parts (as a build makes it).

    python bench/search_weight.py [--letters 1000] [--query "parents dashboard"]

Each site is built into a temporary folder and served by a plain static server (no
compression: Pagefind's index files are compressed already). Counted are the bodies of
every response, as Chromium received them, with the browser's cache empty.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tracker.cli import main as tracker
from tracker.site import urls

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build(site: Path, out: Path, part_pages: int) -> None:
    urls.SEARCH_PART_PAGES = part_pages
    try:
        tracker(["build", "--site", str(site), "--out", str(out), "--today", "2026-01-01", "-q"],
                standalone_mode=False)
    except SystemExit as exit_:
        if exit_.code:
            raise


def for_search(address: str) -> bool:
    """Whether a file is fetched for a search (Pagefind's module, WebAssembly and index), not
    to open the page (its HTML, style sheets and the search box's script)."""
    return ("/assets/search/" in address or "/pagefind/" in address) and \
        "/pagefind-ui." not in address


def weigh(browser: Any, url: str, query: str) -> tuple[int, int, int, int]:
    """(bytes to open the search page, requests, bytes for the search, requests)."""
    context = browser.new_context()
    page = context.new_page()
    fetched: list[tuple[str, int]] = []

    def finished(request: Any) -> None:
        response = request.response()
        fetched.append((request.url, len(response.body()) if response else 0))

    page.on("requestfinished", finished)
    page.goto(url + "search/", wait_until="networkidle")
    page.locator(".pagefind-ui__search-input").fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1_000)  # the last responses' events
    context.close()
    opened = [b for address, b in fetched if not for_search(address)]
    searched = [b for address, b in fetched if for_search(address)]
    return sum(opened), len(opened), sum(searched), len(searched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--query", default="parents dashboard")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="tracker-weight-"))
    try:
        generate(work / "site", args.letters)
        parted = urls.SEARCH_PART_PAGES
        builds = {"one index": 10**9, "in parts": parted}
        for name, size in builds.items():
            build(work / "site", work / name, size)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            print(f"{args.letters} letters, search for {args.query!r}")
            print("| index | parts | open: KB | requests | search: KB | requests |")
            print("|---|---:|---:|---:|---:|---:|")
            for name in builds:
                parts = 1 + sum(1 for p in (work / name / "pagefind").iterdir()
                                if p.name.startswith("part-"))
                with serving(work / name) as url:
                    opened, opens, searched, searches = weigh(browser, url, args.query)
                print(f"| {name} | {parts} | {opened / 1024:.0f} | {opens} | "
                      f"{searched / 1024:.0f} | {searches} |")
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
