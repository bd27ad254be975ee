"""What a search costs a phone: the bytes the search page fetches in Chromium, to open and then
to show the results of one search, on a generated site whose index is one Pagefind index and
on the same site's index in parts (as a build makes it).

    python bench/search_weight.py [--letters 1000] [--query "parents dashboard"] [--part-pages N]

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


def kind(address: str) -> str:
    """What a fetched file of the index is: its metadata, words, results' text, filters..."""
    name = address.split("?", 1)[0].rsplit("/", 1)[-1]
    return "entry" if name == "pagefind-entry.json" else name.rsplit(".", 1)[-1]


def weigh(browser: Any, url: str, query: str) -> tuple[int, int, int, int, str]:
    """(bytes to open the search page, requests, bytes for the search, requests, and those
    of the search by kind of file)."""
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
    searched = [(kind(address), b) for address, b in fetched if for_search(address)]
    kinds = sorted({k for k, _ in searched})
    by_kind = ", ".join(f"{k} {sum(1 for x, _ in searched if x == k)} "
                        f"({sum(b for x, b in searched if x == k) / 1024:.0f} KB)" for k in kinds)
    return (sum(opened), len(opened), sum(b for _, b in searched), len(searched), by_kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--query", default="parents dashboard")
    parser.add_argument("--part-pages", type=int, default=urls.SEARCH_PART_PAGES,
                        help="pages in a part of the index in parts (a build's own by default)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="tracker-weight-"))
    try:
        generate(work / "site", args.letters)
        builds = {"one index": 10**9, "in parts": args.part_pages}
        for name, size in builds.items():
            build(work / "site", work / name, size)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            print(f"{args.letters} letters, search for {args.query!r}")
            print("| index | parts | open: KB | requests | search: KB | requests |")
            print("|---|---:|---:|---:|---:|---:|")
            kinds = []
            for name in builds:
                parts = 1 + sum(1 for p in (work / name / "pagefind").iterdir()
                                if p.name.startswith("part-"))
                with serving(work / name) as url:
                    opened, opens, searched, searches, by_kind = weigh(browser, url, args.query)
                print(f"| {name} | {parts} | {opened / 1024:.0f} | {opens} | "
                      f"{searched / 1024:.0f} | {searches} |")
                kinds.append(f"{name}: {by_kind}")
            print("\n".join(["", "The search's files by kind:", *kinds]))
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
