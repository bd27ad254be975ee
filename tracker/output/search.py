"""The search index: Pagefind, run over the letters, records and updates of a written site,
in parts made side by side (each by its own Pagefind, over its own share of the pages) that
the search page merges into one search.

Each part reads a folder of links to its pages, made in the order of their addresses, so
that a part's pages are numbered the same way on every build of the same site, whatever the
number of processes that wrote them.

Pagefind leaves out of a search any word its index lacks (or matches a word spelt like it
instead), so a part without one of the words searched for would answer as if it had not been
asked for. Each part of a site in several parts therefore also reads a page of every word of
the site's searched pages, which the search page's module never shows (`WORDS_FILTER`):
every part then knows every word, and treats a search as one index would. Not on a national
site (`urls.NATIONAL_PAGES`): there that page would hold hundreds of thousands of words,
each part's Pagefind would need 250 MB and 8 s more for it, and the build could not stay
within 2 GB. There, a search whose words some part lacks may also list, after the pages with
every word, pages of that part with the others.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from fnmatch import fnmatchcase
from pathlib import Path

from ..content.folder import CONFIG
from ..errors import Problem
from ..scale.processes import die_with_parent
from ..site import urls

SEARCH_FOLDER = urls.SEARCH_FOLDER

SEARCHED_PAGES = (urls.letter("*"), urls.area("*"), urls.update("*"))
"""The addresses of the pages Pagefind reads (see `urls.searched_pages`)."""

VIEWS = ".tracker-search/"
"""Inside the folder being indexed: each part's links to its pages, removed once indexed."""

WORDS_PAGE = "tracker-words/index.html"
"""In each part's folder of links: the page of every word of the site."""
WORDS_FILTER = "tracker:words"
"""The Pagefind filter of that page, which the search page's module leaves out."""

MERGED_PART_FILES = ("pagefind-entry.json", "index", "fragment", "filter")
"""What a part other than the first keeps (with its `.pf_meta`): the search page loads
Pagefind's scripts and WebAssembly from the first part only."""


def is_searched_page(path: str) -> bool:
    """Whether `path` is the address of a page the search index reads."""
    depth = path.count("/")
    return any(pattern.count("/") == depth and fnmatchcase(path, pattern)
               for pattern in SEARCHED_PAGES)


def search_parts(pages: Sequence[str]) -> list[tuple[str, list[str]]]:
    """Each part of the index (its folder) with the pages it reads, in address order."""
    folders = urls.search_parts(len(pages))
    shares: list[list[str]] = [[] for _ in folders]
    for path in sorted(pages):
        shares[urls.search_part_of(path, len(folders))].append(path)
    return list(zip(folders, shares, strict=True))


class SearchIndexError(Exception):
    """Pagefind could not be run, or failed."""

    def problem(self) -> Problem:
        return Problem(CONFIG, 1, 1, "error", f"the search index could not be made: {self}",
                       "the pages are fine: build with --no-search to publish them without "
                       "the search box")


def pagefind_command(site: Path, output: Path | None = None) -> list[str]:
    """The command that indexes the pages in `site` into `output` (by default its own
    `pagefind/`): the installed Pagefind binary, found as `python -m pagefind` finds it
    (without that command's extra interpreter, 0.1 s)."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SearchIndexError("Pagefind is not installed")
    return [str(executable), "--site", str(site), "--keep-index-url", "--silent",
            "--output-path", str(output or site / SEARCH_FOLDER)]


def _link_view(folder: Path, view: Path, pages: Sequence[str]) -> None:
    """`view` made a folder of links to `pages` in `folder`, at the same addresses, one by
    one in the order given (a file system may list a folder's entries as they were made)."""
    for path in pages:
        target = view / path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(folder / path, target)
        except OSError:  # a file system without hard links
            shutil.copyfile(folder / path, target)


_TEXT = re.compile(rb'<span class="print-url" data-pagefind-ignore>[^<]*</span>|>([^<]+)')
"""The text between a page's tags, but for the addresses of links printed on paper, which
Pagefind does not read."""
_LANGUAGE = re.compile(rb'<html lang="([^"]*)"')


def page_words(page: bytes) -> set[bytes]:
    """The words of a page that Pagefind reads (and some it does not, after its searched text:
    a word too many on the page of words is harmless)."""
    return set(b" ".join(_TEXT.findall(page, page.find(b"data-pagefind-body"))).split())


def read_words(folder: Path, pages: Sequence[str]) -> set[bytes]:
    """The words of `pages` written in `folder`, read from the files."""
    words: set[bytes] = set()
    for path in pages:
        words |= page_words((folder / path).read_bytes())
    return words


def page_language(folder: Path, page: str) -> str:
    """The language a written page declares (Pagefind makes an index for each language)."""
    with open(folder / page, "rb") as file:
        found = _LANGUAGE.search(file.read(4096))
    return found.group(1).decode("utf-8", "replace") if found else "unknown"


def _words_page(words: set[bytes], language: str) -> str:
    text = sorted({html.unescape(w.decode("utf-8", "replace")) for w in words})
    return (f'<!doctype html><html lang="{html.escape(language)}"><body><main '
            f'data-pagefind-body><p data-pagefind-filter="{WORDS_FILTER}">'
            f'{html.escape(" ".join(text))}</p></main></body></html>')


def _keep_merged_files(bundle: Path) -> None:
    for entry in bundle.iterdir():
        if entry.name in MERGED_PART_FILES or entry.name.endswith(".pf_meta"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


class _Parts:
    """The parts of an index being made, at most `at_once` Pagefinds at a time, each in a
    thread of its own that waits for it."""

    def __init__(self, folder: Path, pages: Sequence[str], words: set[bytes] | None,
                 language: str | None, at_once: int, background: bool) -> None:
        self.folder = folder
        self.pages = pages
        self.parts = search_parts(pages)
        self.todo = iter(enumerate(self.parts))
        self.words = words
        self.language = language
        self.words_page: str | None = None
        self.background = background
        self.parent = os.getpid()
        self.lock = threading.Lock()
        self.words_lock = threading.Lock()
        self.running: list[subprocess.Popen[bytes]] = []
        self.failure: SearchIndexError | None = None
        self.stopped = False
        self.threads = [threading.Thread(target=self._work, daemon=True)
                        for _ in range(max(1, at_once))]
        for thread in self.threads:
            thread.start()

    def _next(self) -> tuple[int, tuple[str, list[str]]] | None:
        with self.lock:
            if self.stopped or self.failure is not None:
                return None
            return next(self.todo, None)

    def _words(self) -> str:
        """The page of every word, made by the first part to need it (from the pages' files
        when the words were not gathered as they were written)."""
        with self.words_lock:
            if self.words_page is None:
                words = self.words if self.words is not None else read_words(self.folder,
                                                                             self.pages)
                self.words_page = _words_page(words, self.language or page_language(
                    self.folder, self.pages[0]))
            return self.words_page

    def _work(self) -> None:
        while (part := self._next()) is not None:
            number, (bundle, pages) = part
            try:
                view = self.folder / VIEWS / str(number)
                _link_view(self.folder, view, pages)
                if len(self.parts) > 1 and len(self.pages) <= urls.NATIONAL_PAGES:
                    (view / WORDS_PAGE).parent.mkdir()
                    (view / WORDS_PAGE).write_text(self._words(), encoding="utf-8")
                self._run(pagefind_command(view, self.folder / bundle))
                if number:
                    _keep_merged_files(self.folder / bundle)
            except (OSError, SearchIndexError) as exc:
                with self.lock:
                    self.failure = self.failure or (
                        exc if isinstance(exc, SearchIndexError) else SearchIndexError(str(exc)))
                self.stop()

    def _run(self, command: list[str]) -> None:
        background, parent = self.background, self.parent

        def prepare() -> None:  # in Pagefind's process, before it starts
            die_with_parent(parent)
            if background:
                os.nice(19)

        with self.lock:
            if self.stopped:
                return
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, preexec_fn=prepare)  # noqa: PLW1509
            self.running.append(process)
        _, said = process.communicate()
        with self.lock:
            self.running.remove(process)
        if process.returncode and not self.stopped:
            how = (f"killed by signal {-process.returncode}" if process.returncode < 0
                   else f"exit status {process.returncode}")
            said_lines = said.decode("utf-8", "replace").strip().splitlines()
            raise SearchIndexError(f"Pagefind stopped ({how})"
                                   + (f": {said_lines[-1]}" if said_lines else ""))

    def stop(self) -> None:
        """Start no more parts, and kill the Pagefinds running."""
        with self.lock:
            self.stopped = True
            for process in self.running:
                process.kill()

    def finish(self, cancelled: Callable[[], bool] | None) -> None:
        """Wait for every part (or stop them all once `cancelled()`), then remove the links;
        raise the first failure."""
        try:
            for thread in self.threads:
                while thread.is_alive():
                    if cancelled is not None and cancelled():
                        self.stop()
                    thread.join(0.05)
        finally:
            shutil.rmtree(self.folder / VIEWS, ignore_errors=True)
        if self.failure is not None:
            raise self.failure


@contextmanager
def indexing(folder: Path, pages: Sequence[str], *, words: set[bytes] | None = None,
             language: str | None = None, at_once: int = 1, background: bool = False,
             cancelled: Callable[[], bool] | None = None) -> Iterator[None]:
    """Pagefind indexing `pages`, already written in `folder`, while the block writes other
    files (never these pages); when the block ends the index is whole. At most `at_once`
    parts are made at a time, each also reading a page (in `language`, else the first page's)
    of the `words` of all the pages (`page_words`; read from the files if not given) when
    there are several.
    In the `background` (the preview), at the lowest CPU priority, so that rebuilds come
    first; stopped, the index left unfinished, once `cancelled()` (the preview closing)."""
    parts = _Parts(folder, pages, words, language, at_once, background)
    try:
        yield
    except BaseException:
        parts.stop()
        with suppress(SearchIndexError):
            parts.finish(None)
        raise
    parts.finish(cancelled)


def index_search(folder: Path, pages: Sequence[str], *, language: str | None = None,
                 at_once: int = 1,
                 background: bool = False, cancelled: Callable[[], bool] | None = None) -> None:
    """Build the search index of `pages` inside a finished output folder."""
    with indexing(folder, pages, language=language, at_once=at_once, background=background,
                  cancelled=cancelled):
        pass
