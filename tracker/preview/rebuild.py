"""Rebuilds for the preview: the site kept in memory, each rebuild a new complete snapshot.

The same pipeline as `tracker build`, given a file cache and a memo: files that did not
change are not read or parsed again, pages whose inputs are the same objects are not built
or rendered again, and the files made from the whole site at once (the site feed, the
JSON and CSV data) are made only when asked for. A failed rebuild keeps the last good
files and carries the new problems, so the preview goes on serving while it shows them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..build import load_site, output_files, public_base
from ..content.model import Site
from ..content.sources import FileCache
from ..errors import Problem, has_errors
from ..scale.memo import Memo
from ..site.clock import TemplateClock
from ..site.feeds import SITE_EXPORTS, area_feeds, site_exports, sitemaps
from ..site.files import Content, whole
from ..site.plan import PageGroup, page_groups
from ..site.relations import Relations, relate
from ..site.render import Renderer, render_pages
from ..site.theme import theme_signature
from .watch import Change, classify


class LazyFiles(Mapping[str, Content]):
    """Output files, some of them made on first use (thread-safe)."""

    def __init__(self, eager: Mapping[str, Content], lazy: tuple[str, ...] = (),
                 make: Callable[[], Mapping[str, Content]] | None = None) -> None:
        self.eager = eager
        self.lazy = tuple(k for k in lazy if k not in eager)
        self.make = make
        self.made: Mapping[str, Content] | None = None
        self.lock = threading.Lock()

    def __getitem__(self, path: str) -> Content:
        if path in self.eager:
            return self.eager[path]
        if path not in self.lazy or self.make is None:
            raise KeyError(path)
        with self.lock:
            if self.made is None:
                self.made = self.make()
        return self.made[path]

    def __contains__(self, path: object) -> bool:
        return path in self.eager or path in self.lazy

    def __iter__(self) -> Iterator[str]:
        yield from self.eager
        yield from self.lazy

    def __len__(self) -> int:
        return len(self.eager) + len(self.lazy)


@dataclass(frozen=True)
class Snapshot:
    """One complete state of the preview."""

    files: Mapping[str, Content]
    """Output path → bytes, or the source file to send (static files)."""
    problems: tuple[Problem, ...] = ()
    """Of the latest rebuild; when it has errors, `files` are the last good build's."""
    version: int = 0
    """Grows with every rebuild that changed files or problems."""
    changed: frozenset[str] = field(default_factory=frozenset)
    """Output paths that differ from the previous snapshot."""

    @property
    def failed(self) -> bool:
        """The latest rebuild had errors."""
        return has_errors(self.problems)


@dataclass(frozen=True)
class Built:
    """A site that built, with what its pages were made from."""

    site: Site
    relations: Relations
    base_url: str


class Incremental:
    """Keeps the site between rebuilds and rebuilds it when sources change."""

    def __init__(self, root: Path, today: dt.date, *, drafts: bool = True,
                 base_url: str | None = None, editing: bool = False) -> None:
        self.root = root
        self.today = today
        self.drafts = drafts
        self.base_url = base_url
        self.files = FileCache()
        self.memo = Memo()
        self.renderer: tuple[tuple[object, ...], Renderer] | None = None
        self.renderers_made = 0
        self.clock = TemplateClock()
        """Stops a template that loops for ever (and every page, when the preview stops)."""
        self.signatures: dict[str, tuple[int, int]] = {}
        self.current = Snapshot({})
        self.editing = editing
        """Pages link to the preview's forms."""
        self.model: Built | None = None
        """The site of the last build that worked, for the forms."""
        self.rebuilds = 0
        """How many rebuilds ran (for tests and the status endpoint)."""

    def rebuild(self, changed: set[str] | None = None) -> Snapshot:
        """Read what changed, rebuild, and return the new snapshot (also kept as `current`).

        `changed` names the source files (relative paths) known to have changed since the
        last rebuild; other files are then not looked at again. None looks at every file."""
        self.rebuilds += 1
        self.files.only(changed)
        site, problems = load_site(self.root, self.today, drafts=self.drafts, cache=self.files,
                                   memo=self.memo)
        files: Mapping[str, Content] | None = None
        if site is not None:
            theme_changed = changed is None or any(classify(p) is Change.THEME for p in changed)
            files, problems = self._files(site, problems, theme_changed)
        self.memo.sweep()
        previous = self.current
        if files is None or has_errors(problems):
            files = previous.files
        elif site is not None:
            self.model = Built(site, relate(site, self.memo), public_base(site, self.base_url))
        different = self._differences(previous.files, files)
        if different or tuple(problems) != previous.problems:
            self.current = Snapshot(files, tuple(problems), previous.version + 1, different)
        return self.current

    def _renderer(self, theme: str, changed: bool) -> tuple[Renderer, int]:
        """The theme's renderer, made anew whenever a theme file changed: one made before a
        template was saved or deleted keeps what it had loaded, even if the theme's files
        then look as they did when it was made."""
        signature = (theme, theme_signature(self.root, theme))
        if self.renderer is None or self.renderer[0] != signature or changed:
            self.renderers_made += 1
            self.renderer = (signature, Renderer(self.root, theme, self.clock))
        return self.renderer[1], self.memo.version("theme", (signature, self.renderers_made))

    def _files(self, site: Site, problems: list[Problem],
               theme_changed: bool) -> tuple[LazyFiles | None, list[Problem]]:
        base = public_base(site, self.base_url)
        relations = relate(site, self.memo)
        renderer, theme_version = self._renderer(site.config.theme, theme_changed)
        try:
            html = self._pages(renderer, theme_version, site, base, relations)
        except Exception as exc:
            problem = renderer.problem(exc)
            if problem is None:
                raise
            return None, [*problems, problem]
        exported: dict[str, Content] = {
            **area_feeds(site, self.today, base, relations, self.memo),
            **self._sitemaps(base, html),
            **{path: b"" for path in SITE_EXPORTS},
        }
        eager, clashes = output_files(self.root, site, html, exported)
        if clashes:
            return None, [*problems, *clashes]
        for path in SITE_EXPORTS:
            del eager[path]
        today = self.today
        return LazyFiles(eager, SITE_EXPORTS, lambda: {
            path: whole(content) for path, content in site_exports(site, today, base).items()
        }), problems

    def _pages(self, renderer: Renderer, theme_version: int, site: Site, base: str,
               relations: Relations) -> dict[str, bytes]:
        """Output path → HTML of every page, each group of pages remade only when its inputs
        changed, and then only the pages whose own inputs changed."""
        html: dict[str, bytes] = {}
        for group in page_groups(site, self.today, base, self.memo, relations,
                                 editing=self.editing):
            def make(group: PageGroup = group) -> dict[str, bytes]:
                pages = [make_page() for make_page in group.makers()]
                return render_pages(renderer, pages, self.memo, theme_version)

            key = ("pages", group.name, base, self.today, theme_version)
            html.update(self.memo.call(key, group.inputs(), make))
        return html

    def _sitemaps(self, base: str, html: Mapping[str, bytes]) -> dict[str, bytes]:
        version = self.memo.version("pages", tuple(html))
        key = ("sitemap", base, version)
        return self.memo.call(key, (), partial(sitemaps, base, sorted(html)))

    def _differences(self, old: Mapping[str, Content], new: Mapping[str, Content]) -> frozenset[str]:
        """Output paths whose content differs; files made on demand count as changed when the
        site they come from is another one."""
        changed = set()
        old_eager = old.eager if isinstance(old, LazyFiles) else old
        new_eager = new.eager if isinstance(new, LazyFiles) else new
        for path in old_eager.keys() | new_eager.keys():
            before, after = old_eager.get(path), new_eager.get(path)
            if isinstance(after, Path):
                signature = self._signature(after)
                if before != after or self.signatures.get(path) != signature:
                    changed.add(path)
                self.signatures[path] = signature
            elif before != after:
                changed.add(path)
        old_lazy = old.lazy if isinstance(old, LazyFiles) else ()
        new_lazy = new.lazy if isinstance(new, LazyFiles) else ()
        if old is not new and (changed or old_lazy != new_lazy):
            changed.update(old_lazy, new_lazy)
        return frozenset(changed)

    @staticmethod
    def _signature(path: Path) -> tuple[int, int]:
        try:
            info = path.stat()
        except OSError:
            return (0, 0)
        return (info.st_mtime_ns, info.st_size)
