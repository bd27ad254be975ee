"""The pipeline as one short story: read → assemble → check → views → render → write."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .content.assemble import assemble
from .content.checks import policy_warnings
from .content.folder import STATIC
from .content.model import Site
from .content.sources import FileCache, read_site
from .errors import Problem, has_errors
from .output.produce import produce
from .output.publish import MANIFEST, STAGING, Abandon, check_output, staged
from .output.search import SEARCH_FOLDER, VIEWS, SearchIndexError, indexing, is_searched_page
from .output.write import collect, write_file
from .scale import spool
from .scale.memo import NO_MEMO, Memo
from .site import urls
from .site.clock import TemplateClock
from .site.files import WRITTEN, Content
from .site.plan import build_order
from .site.relations import relate
from .site.render import Renderer
from .site.theme import theme_static


def load_site(root: Path, today: dt.date, *, drafts: bool = True, cache: FileCache | None = None,
              memo: Memo = NO_MEMO, jobs: int = 1,
              spool_in: Path | None = None,
              proposed: Mapping[str, str] | None = None) -> tuple[Site | None, list[Problem]]:
    """The validated site (None on errors) and every problem, warnings included. The preview
    passes its file cache and memo so that unchanged files are not read or parsed again; a
    one-off build parses letters across `jobs` processes, and keeps a national site's letter
    HTML in a temporary file in `spool_in` (else the system's temporary folder). `proposed`
    content files (path → text) are checked as if written, nothing being written."""
    raw, problems = read_site(root, cache, proposed)
    site, found = assemble(raw, drafts=drafts, memo=memo, jobs=jobs,
                           spool_in=spool_in)
    problems += found
    if has_errors(problems):
        return None, problems
    if site is not None:
        problems += memo.call(("warnings", today), (site.config, *site.records, *site.letters),
                              partial(policy_warnings, site, today))
    return site, problems


def check_site(root: Path, today: dt.date, jobs: int = 1) -> list[Problem]:
    """Every problem in the site at `root`, as of `today` (letters read across `jobs`
    processes; the problems are the same)."""
    return load_site(root, today, jobs=jobs)[1]


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    problems: list[Problem]
    pages: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def output_files(
    root: Path, site: Site, html: Mapping[str, Content], exported: Mapping[str, Content],
) -> tuple[dict[str, Content], list[Problem]]:
    """Every output file of a site whose pages and feeds are made: those, the theme's static
    files and the site's own; clashes between them are problems."""
    static: dict[str, Content] = {rel: root / STATIC / rel for rel in site.static_files}
    theme_files, problems = theme_static(root, site.config.theme)
    files, clashes = collect([
        ("the pages", html),
        ("the feeds and data", exported),
        ("the theme", dict(theme_files)),
        (f"{STATIC}/", static),
    ], reserved=RESERVED, page_address=is_searched_page)
    return files, problems + clashes


RESERVED = {SEARCH_FOLDER: "the search index", MANIFEST: "tracker's list of the files it wrote",
            STAGING: "the folder a build is made in", VIEWS: "the search index's work"}
"""Output paths that no page, theme or static file may take."""


def public_base(site: Site, base_url: str | None) -> str:
    """The published address: --base-url, else site.yml's, ending in '/'."""
    base = base_url or site.config.base_url
    return base if base.endswith("/") else base + "/"


def build_site(
    root: Path,
    out: Path,
    today: dt.date,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    search: bool = True,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    clock: TemplateClock | None = None,
) -> BuildResult:
    """Check the site, then write it to `out`, each file in one step; on errors `out` is
    untouched. Raise OutputError when `out` cannot be used (see `publish`).

    Pages and record feeds are made across `jobs` processes and written as they are made;
    the files are the same whatever `jobs` is. The `clock` stops a template that writes
    nothing for too long."""
    from .site.feeds import area_feed_makers, site_exports, sitemaps

    check_output(root, out)
    # Beside the output: on the disk the site is written to, where the system's temporary
    # folder may be memory.
    beside = out.resolve().parent
    site, problems = load_site(root, today, drafts=drafts, jobs=jobs,
                               spool_in=beside if beside.is_dir() else None)
    if site is None:
        return BuildResult(problems)
    base = public_base(site, base_url)
    relations = relate(site)
    files: dict[str, Content] = {}
    with staged(out) as folder:
        renderer = Renderer(root, site.config.theme, clock)
        # The makers of every page are dropped as soon as the pages are written.
        order = build_order(site, today, base, relations, search_index=search)
        feeds = area_feed_makers(site, today, base, relations)
        total = len(order.searched) + len(order.rest) + len(feeds)
        searched = produce(folder, renderer, order.searched, (), jobs=jobs,
                           progress=_counted(progress, 0, total),
                           words=search and len(order.searched) <= urls.NATIONAL_PAGES)
        try:
            # The search index reads its pages as it starts, and is made while the others
            # and the feeds and open data are.
            with (indexing(folder, urls.searched_pages(site), words=searched.words,
                           language=site.config.language, at_once=_indexers(site, jobs))
                  if search and not searched.problems else nullcontext()):
                made = produce(folder, renderer, order.rest, feeds, jobs=jobs,
                               whole_site=order.whole_site,
                               progress=_counted(progress, len(order.searched), total))
                _collect_cycles_again()
                pages = searched.pages + made.pages
                exported = {**site_exports(site, today, base),
                            **dict.fromkeys(made.feeds, WRITTEN), **sitemaps(base, pages)}
                files, clashes = output_files(root, site, dict.fromkeys(pages, WRITTEN),
                                              exported)
                problems += searched.problems + made.problems + clashes
                if has_errors(problems):
                    raise Abandon
                for path, content in files.items():
                    if content is not WRITTEN:
                        write_file(folder, path, content)
        except SearchIndexError as exc:
            problems.append(exc.problem())
            raise Abandon from None
    if has_errors(problems):
        return BuildResult(problems)
    pages_written = sum(p.endswith(".html") and not p.startswith("assets/") for p in files)
    return BuildResult(problems, pages=pages_written, files=len(files))


def _indexers(site: Site, jobs: int) -> int:
    """How many parts of the search index are made at a time: one per process the build
    may use, but one alone on a national site, whose own processes already need most of the
    memory a build may take (each part's Pagefind needs about 250 MB)."""
    return 1 if len(site.records) > spool.LEAN_FROM else jobs


def _collect_cycles_again() -> None:
    """A one-off command turns cycle collection off while the model is read and the pages
    made. The JSON encoder leaves cycles (85 MB of them for the open data of 10,000
    letters): collection is back on for it, with the model frozen out of it."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _counted(progress: Callable[[int, int], None] | None, before: int,
             total: int) -> Callable[[int, int], None] | None:
    """`progress`, told of a part of the work that starts after `before` of `total` things."""
    if progress is None:
        return None
    return lambda done, _: progress(before + done, total)
