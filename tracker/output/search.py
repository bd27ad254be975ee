"""The search index: Pagefind, run over the letters, records and updates of a written site."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fnmatch import fnmatchcase
from pathlib import Path

from ..content.folder import CONFIG
from ..content.model import Site
from ..errors import Problem
from ..scale.processes import die_with_parent
from ..site import urls

SEARCH_FOLDER = "pagefind/"

SEARCHED_PAGES = (urls.letter("*"), urls.area("*"), urls.update("*"))
"""The pages Pagefind reads: the ones with text to search (their templates mark it with
`data-pagefind-body`). It need not parse the rest, where the largest pages of a big site are
(the home page, the timeline, the search page's lists)."""

SEARCH_GLOB = "{" + ",".join(SEARCHED_PAGES) + "}"


def is_searched_page(path: str) -> bool:
    """Whether `path` is the address of a page the search index reads."""
    depth = path.count("/")
    return any(pattern.count("/") == depth and fnmatchcase(path, pattern)
               for pattern in SEARCHED_PAGES)


def make_folders_in_order(folder: Path, site: Site) -> None:
    """Make the folders of the pages Pagefind reads, in the model's order, before the pages
    are shared out between processes. Pagefind numbers pages in the order the file system
    lists them, which on some (tmpfs) is the order their folders were made: processes making
    them at once would make the index differ from build to build."""
    for path in (*(urls.letter(x.slug) for x in site.letters),
                 *(urls.area(r.id) for r in site.records),
                 *(urls.update(u.slug) for u in site.updates)):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)


class SearchIndexError(Exception):
    """Pagefind could not be run, or failed."""

    def problem(self) -> Problem:
        return Problem(CONFIG, 1, 1, "error", f"the search index could not be made: {self}",
                       "the pages are fine: build with --no-search to publish them without "
                       "the search box")


def pagefind_command(folder: Path) -> list[str]:
    """The command that indexes the site in `folder`: the installed Pagefind binary, found
    as `python -m pagefind` finds it (without that command's extra interpreter, 0.1 s)."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SearchIndexError("Pagefind is not installed")
    return [str(executable), "--site", str(folder), "--glob", SEARCH_GLOB, "--keep-index-url",
            "--silent"]


@contextmanager
def indexing(folder: Path, *, background: bool = False,
             cancelled: Callable[[], bool] | None = None) -> Iterator[None]:
    """Pagefind indexing the pages already in `folder` while the block writes other files
    (never pages: it reads them once, as it starts); when the block ends the index is whole.
    In the `background` (the preview), at the lowest CPU priority, so that rebuilds come
    first."""
    parent = os.getpid()

    def prepare() -> None:  # in Pagefind's process, before it starts
        die_with_parent(parent)
        if background:
            os.nice(19)

    process = subprocess.Popen(pagefind_command(folder), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, preexec_fn=prepare)  # noqa: PLW1509
    try:
        yield
    except BaseException:
        _stop(process)
        raise
    while cancelled is not None and process.poll() is None:
        if cancelled():
            _stop(process)
            return
        time.sleep(0.05)
    _, said = process.communicate()
    if process.returncode:
        how = (f"killed by signal {-process.returncode}" if process.returncode < 0
               else f"exit status {process.returncode}")
        said_lines = said.decode("utf-8", "replace").strip().splitlines()
        raise SearchIndexError(f"Pagefind stopped ({how})"
                               + (f": {said_lines[-1]}" if said_lines else ""))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill Pagefind and reap it, without waiting for its output to end (a process it
    started could hold that open)."""
    process.kill()
    process.wait()
    if process.stderr is not None:
        process.stderr.close()


def index_search(folder: Path, *, background: bool = False,
                 cancelled: Callable[[], bool] | None = None) -> None:
    """Build the search index inside a finished output folder; stop Pagefind, leaving the
    index unfinished, once `cancelled()` (the preview closing: at the lowest priority on a
    busy machine, Pagefind could keep it from stopping for many seconds)."""
    with indexing(folder, background=background, cancelled=cancelled):
        pass
