"""Pages and record feeds made and written straight into the output folder, one at a time and
shared across processes: the model is built once, each page is dropped once written, so a
build's memory does not grow with its output."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..errors import Problem
from ..scale.processes import share
from ..site.files import Content, Streamed
from ..site.plan import PageMaker
from ..site.render import Renderer
from .search import page_words
from .write import write_file

FeedMaker = tuple[str, Callable[[], bytes]]
"""An output path and what makes its bytes."""


@dataclass
class Produced:
    """What was written, and the problems that stopped the rest."""

    pages: list[str] = field(default_factory=list)
    """Output paths of the HTML pages."""
    words: set[bytes] = field(default_factory=set)
    """The words of the pages, when asked for (see `search.page_words`)."""
    feeds: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def produce(
    folder: Path,
    renderer: Renderer,
    pages: Sequence[PageMaker],
    feeds: Sequence[FeedMaker],
    *,
    jobs: int = 1,
    whole_site: int = 0,
    progress: Callable[[int, int], None] | None = None,
    words: bool = False,
) -> Produced:
    """Make every page (with `renderer`) and feed, and write each into `folder`, across `jobs`
    processes, telling `progress` how many of how many are done. The first `whole_site`
    pages read much of the model between them: they are made before any helper process is
    forked, as reading them in the presence of one would copy most of the model's memory.

    The same files are written whatever `jobs` is. A template error is reported once, with
    its template and line. With `words`, the words of the pages are gathered too, in the
    process that makes each page: each sends back only the words it has not yet seen."""
    renderer.load_all()
    done = Produced()
    seen = done.words  # a helper works on its own copy, made as it was forked

    def make(index: int) -> tuple[str, Problem | None, list[bytes]]:
        template = ""
        new: list[bytes] = []
        try:
            content: Content
            if index < len(pages):
                page = pages[index]()
                template, path = page.template, page.frame.path
                if words:
                    content = b"".join(renderer.pieces(page))
                    new = list(page_words(content) - seen)
                    seen.update(new)
                else:
                    content = Streamed(partial(renderer.pieces, page))
            else:
                path, build = feeds[index - len(pages)]
                content = build()
            write_file(folder, path, content)
        except Exception as exc:  # the build is abandoned, this file with it
            problem = renderer.problem(exc, template)
            if problem is None:
                raise
            return "", problem, []
        return path, None, new

    total = len(pages) + len(feeds)
    for count, (path, problem, new) in enumerate(share(make, total, jobs, alone=whole_site), 1):
        seen.update(new)
        if problem is not None:
            if problem not in done.problems:
                done.problems.append(problem)
        elif count <= len(pages):
            done.pages.append(path)
        else:
            done.feeds.append(path)
        if progress:
            progress(count, total)
    return done
