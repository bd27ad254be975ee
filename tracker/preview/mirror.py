"""The preview's search index: a copy of the served pages in a temporary folder, indexed by
Pagefind once edits pause."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from ..output.publish import lock_folder, remove_abandoned
from ..output.search import SEARCH_FOLDER, index_search, is_searched_page
from ..site.files import Content
from .routes import inside, stamp

FOLDER_PREFIX = "tracker-serve-"
"""The start of the name of each preview's temporary folder."""
SEARCH_QUIET = 1.0
"""Seconds without a new build before the search index is brought up to date: indexing is
slow on a large site, and rebuilds while someone is editing come first."""


class SearchMirror:
    """Keeps a temporary folder a copy of the published pages, with a search index."""

    def __init__(self, sources: list[Path]) -> None:
        remove_abandoned(Path(tempfile.gettempdir()), FOLDER_PREFIX)  # of killed previews
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
        self.lock = lock_folder(self.folder)
        self.sources = sources
        """Folders a static file may be copied from (never a link out of the site)."""
        self.wanted = threading.Event()
        self.closing = False
        self.copied: dict[str, object] = {}

    def want(self) -> None:
        """A new build was published: bring the copy up to date once edits pause."""
        self.wanted.set()

    def run(self, files: Callable[[], Mapping[str, Content]]) -> None:
        """The mirror's thread: copy and index after each pause in publishing, until closed."""
        while not self.closing:
            if not self.wanted.wait(0.5):
                continue
            self.wanted.clear()
            while not self.closing and self.wanted.wait(SEARCH_QUIET):
                self.wanted.clear()  # still editing: index once the edits pause
            if self.closing:
                break
            try:
                if self.sync(files()):
                    index_search(self.folder, [p for p in self.copied if is_searched_page(p)],
                                 background=True, cancelled=lambda: self.closing)
            except Exception:
                pass  # search in the preview is best effort; the pages are what matter

    def sync(self, files: Mapping[str, Content]) -> bool:
        """Write changed pages, delete removed ones; True when anything changed."""
        changed = False
        for path in self.copied.keys() - files.keys():
            (self.folder / path).unlink(missing_ok=True)
            del self.copied[path]
            changed = True
        for path in files:
            if self.closing:
                return False
            if not path.endswith(".html"):
                continue  # the search index reads pages only; feeds and data are made on demand
            content = files[path]
            source = inside(content, self.sources) if isinstance(content, Path) else None
            if isinstance(content, Path) and source is None:
                continue  # never copy what lies outside the site (a symlink out)
            mark = content if source is None else (source, *stamp(source))
            if self.copied.get(path) == mark:
                continue
            target = self.folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if source is not None:
                shutil.copyfile(source, target)
            elif isinstance(content, bytes):
                target.write_bytes(content)
            self.copied[path] = mark
            changed = True
        return changed

    def search_file(self, rel: str) -> Path | None:
        """A file of the search index, never outside its folder."""
        return inside(self.folder / rel, [self.folder / SEARCH_FOLDER])

    def close(self) -> None:
        """Stop the thread at its next look."""
        self.closing = True
        self.wanted.set()

    def remove(self) -> None:
        """Delete the temporary folder."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None
