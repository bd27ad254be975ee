"""Views → HTML with Jinja (autoescape, StrictUndefined); the site's theme overrides the default
theme one template and one static file at a time."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import jinja2

from .errors import Problem
from .memo import Memo, cached
from .views import Page

THEME_STATIC_PREFIX = "assets/"


def default_theme() -> Path:
    """The default theme: packaged beside the code, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "themes" / "default"
    return packaged if packaged.is_dir() else here.parent / "themes" / "default"


def theme_dirs(site_root: Path, theme: str) -> list[Path]:
    """Theme folders, most specific first: the site's own theme, then the default."""
    own = site_root / "themes" / theme
    dirs = [own] if own.is_dir() else []
    fallback = default_theme()
    if fallback.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(fallback)
    return dirs


def environment(site_root: Path, theme: str) -> jinja2.Environment:
    """The Jinja environment for a site. Templates are not checked for changes on each use
    (a stat of every template a page extends or imports, for every page): the preview makes
    a new environment when a theme file changes."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs(site_root, theme)
    ])
    return jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
    )


def render_pages(env: jinja2.Environment, pages: list[Page], memo: Memo | None = None,
                 theme_version: int = 0) -> dict[str, bytes]:
    """Output path → HTML bytes for every page; with a `memo`, a page whose view is the same
    object as last time (and whose theme did not change) is not rendered again."""
    templates: dict[str, jinja2.Template] = {}
    return {
        page.frame.path: cached(memo, ("html", page.frame.path, theme_version), (page,),
                                partial(render_page, env, page, templates))
        for page in pages
    }


def render_page(env: jinja2.Environment, page: Page, templates: dict[str, jinja2.Template]) -> bytes:
    """A page's HTML; `templates` keeps each template once loaded (loading checks the files)."""
    return _template(env, page, templates).render(page=page.frame, view=page.view).encode()


STREAM_BATCH = 1 << 16
"""Characters of a page encoded at a time when it is written as it is rendered."""


def page_pieces(env: jinja2.Environment, page: Page,
                templates: dict[str, jinja2.Template]) -> Iterator[bytes]:
    """A page's HTML (the bytes of `render_page`) in pieces as it is rendered: the home page
    of a national site is 100 MB of HTML, and 400 MB while rendered whole."""
    batch: list[str] = []
    size = 0
    for piece in _template(env, page, templates).generate(page=page.frame, view=page.view):
        batch.append(piece)
        size += len(piece)
        if size >= STREAM_BATCH:
            yield "".join(batch).encode()
            batch, size = [], 0
    yield "".join(batch).encode()


def _template(env: jinja2.Environment, page: Page,
              templates: dict[str, jinja2.Template]) -> jinja2.Template:
    return templates.get(page.template) or templates.setdefault(
        page.template, env.get_template(page.template))


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


def theme_signature(site_root: Path, theme: str) -> tuple[tuple[str, int, int], ...]:
    """Each theme file with its modification time and size: changes when a template changes."""
    found = []
    for folder in theme_dirs(site_root, theme):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = path.stat()
                found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(found)


def theme_static(site_root: Path, theme: str) -> dict[str, Path]:
    """Output path → source file of every static file of the theme, the site's winning."""
    files: dict[str, Path] = {}
    for folder in reversed(theme_dirs(site_root, theme)):
        static = folder / "static"
        if static.is_dir():
            for path in sorted(static.rglob("*")):
                if path.is_file():
                    files[THEME_STATIC_PREFIX + path.relative_to(static).as_posix()] = path
    return files
