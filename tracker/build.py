"""The pipeline as one short story: read → assemble → check → views → render → write."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import jinja2

from .assemble import assemble
from .checks import policy_warnings
from .errors import Problem, has_errors
from .memo import Memo, cached
from .model import Site
from .pages import site_pages
from .render import environment, render_pages, theme_static
from .sources import FileCache, read_site
from .write import Content, collect, write_site


def load_site(root: Path, today: dt.date, *, drafts: bool = True, cache: FileCache | None = None,
              memo: Memo | None = None) -> tuple[Site | None, list[Problem]]:
    """The validated site (None on errors) and every problem, warnings included. The preview
    passes its file cache and memo so that unchanged files are not read or parsed again."""
    raw, problems = read_site(root, cache)
    site, found = assemble(raw, drafts=drafts, memo=memo)
    problems += found
    if has_errors(problems):
        return None, problems
    if site is not None:
        problems += cached(memo, ("warnings", today), (site.config, *site.records, *site.letters),
                           partial(policy_warnings, site, today))
    return site, problems


def check_site(root: Path, today: dt.date) -> list[Problem]:
    """Every problem in the site at `root`, as of `today`."""
    return load_site(root, today)[1]


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    problems: list[Problem]
    pages: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def template_problem(root: Path, exc: jinja2.TemplateError) -> Problem:
    """The template and line at fault: from a syntax error, else the innermost template frame."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        trace = exc.__traceback__
        while trace is not None:
            code = trace.tb_frame.f_code
            if code.co_filename.endswith(".html"):
                filename, line = code.co_filename, trace.tb_lineno
            trace = trace.tb_next
        filename = filename or "themes"
    try:
        name = Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        name = "themes/default/templates/" + Path(filename).name
    return Problem(name, line or 1, 1, "error", f"template error: {exc.message or exc}",
                   "fix the template, or remove it to use the default theme's")


def out_problem(root: Path, out: Path) -> Problem | None:
    """A problem when the output folder would overwrite the site's own files, or a folder
    that holds something other than an earlier build."""
    root, out = root.resolve(), out.resolve()
    sources = [root / "content", root / "static", root / "themes", root / "site.yml"]
    if out == root or root.is_relative_to(out) or any(out.is_relative_to(s) for s in sources):
        return Problem("site.yml", 1, 1, "error", "the output folder would overwrite the site's "
                       "own files", "choose another --out, such as _site")
    if out.exists() and (not out.is_dir() or (
            any(out.iterdir()) and not all((out / f).is_file() for f in BUILD_MARKS))):
        return Problem("site.yml", 1, 1, "error",
                       f"the output folder '{out.name}' holds files that are not a tracker build",
                       "choose an empty or new folder for --out; it is replaced by each build")
    return None


BUILD_MARKS = ("index.html", "sitemap.xml", "404.html")
"""Files every build writes: a folder with them is an earlier build, safe to replace."""


SEARCH_FOLDER = "pagefind/"


def index_search(folder: Path, *, background: bool = False) -> None:
    """Build the Pagefind search index inside a finished output folder; in the `background`
    (the preview) at the lowest CPU priority, so that rebuilds come first."""
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(folder), "--keep-index-url", "--silent"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=(lambda: os.nice(19)) if background else None,  # noqa: PLW1509
    )


def output_files(
    root: Path, site: Site, html: Mapping[str, bytes], exported: Mapping[str, Content],
) -> tuple[dict[str, Content], list[Problem]]:
    """Every output file of a site whose pages and feeds are made: those, the theme's static
    files and the site's own; clashes between them are problems."""
    static: dict[str, Content] = {rel: root / "static" / rel for rel in site.static_files}
    return collect([
        ("the pages", html),
        ("the feeds and data", exported),
        ("the theme", dict(theme_static(root, site.config.theme))),
        ("static/", static),
    ], reserved=(SEARCH_FOLDER,))


def public_base(site: Site, base_url: str | None) -> str:
    """The published address: --base-url, else site.yml's, ending in '/'."""
    base = base_url or site.config.base_url
    return base if base.endswith("/") else base + "/"


def render_site(
    root: Path, today: dt.date, *, drafts: bool = False, base_url: str | None = None,
) -> tuple[dict[str, Content], list[Problem]]:
    """Every output file of the site at `root`, in memory (empty when there are errors)."""
    from .exports import exports, sitemap

    site, problems = load_site(root, today, drafts=drafts)
    if site is None:
        return {}, problems
    base = public_base(site, base_url)
    try:
        html = render_pages(environment(root, site.config.theme), site_pages(site, today, base))
    except jinja2.TemplateError as exc:
        return {}, [*problems, template_problem(root, exc)]
    exported = {**exports(site, today, base), "sitemap.xml": sitemap(base, sorted(html))}
    files, clashes = output_files(root, site, html, exported)
    return ({} if clashes else files), [*problems, *clashes]


def build_site(
    root: Path,
    out: Path,
    today: dt.date,
    *,
    drafts: bool = False,
    base_url: str | None = None,
    search: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> BuildResult:
    """Check the site, then write it to `out` in one step; on errors `out` is untouched."""
    problem = out_problem(root, out)
    if problem:
        return BuildResult([problem])
    files, problems = render_site(root, today, drafts=drafts, base_url=base_url)
    if has_errors(problems):
        return BuildResult(problems)
    total = len(files)
    write_site(out, files, finish=index_search if search else None,
               progress=(lambda n: progress(n, total)) if progress else None)
    pages = sum(path.endswith(".html") and not path.startswith("assets/") for path in files)
    return BuildResult(problems, pages=pages, files=total)
