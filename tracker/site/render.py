"""Views → HTML with the theme's templates, in Jinja's sandbox: the one place pages are rendered,
for a build and for the preview alike. Every way a template can fail (a mistake, an error it
raises, a loop that never ends, a page that never stops growing) becomes a problem at the
template's file and line.

A theme downloaded from anywhere may shape pages, never run commands or read files: its
templates run in Jinja's immutable sandbox (no attribute starting with '_', no method that
changes a value, no huge `range`, `*` or `**`), and load only templates of their own theme
folders, none of them a link out of the site.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..content.folder import leads_out
from ..errors import Problem
from ..scale.memo import NO_MEMO, Memo
from .clock import TemplateClock, TemplateStopped
from .theme import theme_dirs
from .views import Page

STREAM_BATCH = 1 << 16
"""Characters of a page encoded at a time when it is written as it is rendered."""
LARGEST_PAGE = 1 << 29
"""A page that grows past this many characters (half a gigabyte) is stopped: a national
site's home page is a fifth of it."""
LARGEST_PRODUCT = 10_000_000
"""The longest text or list a template may make with `*`, and the largest number of digits
of a `**`."""


class PageTooLarge(Exception):
    """A page that grew past LARGEST_PAGE."""

    message = (f"this page grew past {LARGEST_PAGE:,} characters; does a loop in the "
               "template never end?")

    def __init__(self) -> None:
        super().__init__(self.message)


class TemplateLinkOut(jinja2.TemplateError):
    """A template file that is a link to a file outside the site."""

    def __init__(self, filename: str) -> None:
        super().__init__("this template is a link to a file outside the site folder")
        self.filename = filename
        self.lineno = 1


class _ThemeLoader(jinja2.FileSystemLoader):
    """The templates of one theme folder; a template that is a link out of `inside` is
    refused (Jinja already refuses names that climb out with '..')."""

    def __init__(self, folder: Path, inside: Path) -> None:
        super().__init__(str(folder))
        self.inside = inside

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        if leads_out(Path(filename), self.inside):
            raise TemplateLinkOut(filename)
        return source, filename, uptodate


_OWN_TYPES: dict[type, bool] = {}
"""Whether each type met in a template is one of tracker's own views."""


class _ThemeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with `*` and `**` kept to sizes a page can use.

    The views a page is given are tracker's own frozen objects: their public attributes are
    read directly, without the sandbox's checks for functions, types and mutable
    containers that none of them is (the checks tripled the time spent in templates).
    Everything else, and every call, goes through the sandbox."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        own = _OWN_TYPES.get(type(obj))
        if own is None:
            own = _OWN_TYPES[type(obj)] = type(obj).__module__.startswith("tracker.")
        if own and attribute[:1] != "_":
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > LARGEST_PRODUCT:
            raise SecurityError("a number too large for a page ('**')")
        if operator == "*":
            for sized, times in ((left, right), (right, left)):
                if isinstance(sized, str | list | tuple) and isinstance(times, int) \
                        and len(sized) * times > LARGEST_PRODUCT:
                    raise SecurityError("a text or list too long for a page ('*')")
        return super().call_binop(context, operator, left, right)


class Renderer:
    """One site's theme, ready to render pages: at once, or in pieces as they are written;
    a page whose template writes nothing for too long is stopped by the `clock`."""

    def __init__(self, site_root: Path, theme: str, clock: TemplateClock | None = None) -> None:
        self.root = site_root
        self.clock = clock or TemplateClock()
        loader = jinja2.ChoiceLoader([_ThemeLoader(folder / "templates", inside)
                                      for folder, inside in theme_dirs(site_root, theme)])
        # Templates are not checked for changes on each use (a stat of every template a page
        # extends or imports, for every page): the preview makes a new Renderer instead.
        self.env = _ThemeEnvironment(
            loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
        self.templates: dict[str, jinja2.Template] = {}

    def load_all(self) -> None:
        """Load every template once (before pages are shared out between processes); one that
        cannot be loaded is reported when a page uses it."""
        for name in self.env.list_templates(extensions=["html"]):
            with suppress(jinja2.TemplateError):
                self.template(name)

    def template(self, name: str) -> jinja2.Template:
        found = self.templates.get(name)
        if found is None:
            found = self.templates[name] = self.env.get_template(name)
        return found

    def render(self, page: Page) -> bytes:
        """A page's HTML."""
        return b"".join(self.pieces(page))

    def pieces(self, page: Page) -> Iterator[bytes]:
        """A page's HTML in pieces as it is rendered: the home page of a national site is
        100 MB of HTML, and 400 MB while rendered whole. Stopped when its template writes
        nothing for too long, and when it grows past LARGEST_PAGE."""
        batch: list[str] = []
        size = total = 0
        with self.clock.watching():
            for piece in self.template(page.template).generate(page=page.frame, view=page.view):
                batch.append(piece)
                size += len(piece)
                if size >= STREAM_BATCH:
                    total += size
                    if total > LARGEST_PAGE:
                        raise PageTooLarge
                    self.clock.wrote()
                    yield "".join(batch).encode()
                    batch, size = [], 0
        yield "".join(batch).encode()

    def problem(self, exc: BaseException, template: str = "") -> Problem | None:
        """The problem of a page whose rendering raised `exc`: at the template and line at
        fault (from a syntax error, else the innermost template frame), else at `template`
        (the page's own); None when no template is to blame (a fault of tracker's own)."""
        filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
        if filename is None:
            filename, line = _innermost_template(exc.__traceback__)
        ours = isinstance(exc, jinja2.TemplateError | TemplateStopped | PageTooLarge)
        if filename is None and not ours:
            return None
        if ours:
            message = getattr(exc, "message", None) or str(exc)
        else:
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return Problem(_site_path(self.root, filename or template), line or 1, 1, "error",
                       f"template error: {message}",
                       "fix the template, or remove it to use the default theme's")


def render_pages(renderer: Renderer, pages: list[Page], memo: Memo = NO_MEMO,
                 theme_version: int = 0) -> dict[str, bytes]:
    """Output path → HTML bytes for every page, made at once (the preview's; a build writes
    each page as it is rendered). With a `memo` that keeps them, a page whose view is the
    same object as last time (and whose theme did not change) is not rendered again."""
    return {
        page.frame.path: memo.call(("html", page.frame.path, theme_version), (page,),
                                   partial(renderer.render, page))
        for page in pages
    }


def _innermost_template(trace: TracebackType | None) -> tuple[str | None, int | None]:
    filename = line = None
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_filename.endswith(".html"):
            filename, line = code.co_filename, trace.tb_lineno
        trace = trace.tb_next
    return filename, line


def _site_path(root: Path, filename: str) -> str:
    """A template's path as problems name it: relative to the site, else in the default theme."""
    path = Path(filename)
    try:  # the file itself may be a link: where it is, not where it leads
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return "themes/default/templates/" + Path(filename).name
