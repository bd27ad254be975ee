"""Themes: where their files are, and the sandbox their templates run in.

A theme downloaded from anywhere may shape pages, never run commands or read files: its
templates run in Jinja's immutable sandbox (no attribute starting with '_', no method that
changes a value, no huge `range`, `*` or `**`), load only templates of their own theme
folders, and none of their files may be a link out of the site. The site's own theme
overrides the default one file by file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..content.folder import leads_out
from ..content.sources import walk_files
from ..errors import Problem

THEME_STATIC_PREFIX = "assets/"
LARGEST_PRODUCT = 10_000_000
"""The longest text or list a template may make with `*`, and the largest number of digits
of a `**`."""


def default_theme() -> Path:
    """The default theme: packaged beside the code, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # tracker/
    packaged = package / "themes" / "default"
    return packaged if packaged.is_dir() else package.parent / "themes" / "default"


def theme_dirs(site_root: Path, theme: str) -> list[tuple[Path, Path]]:
    """Theme folders, most specific first, each with the folder its files must stay inside:
    the site's own theme (inside the site), then the default (inside itself)."""
    own = site_root / "themes" / theme
    inside = site_root.resolve()
    dirs = [(own, inside)] if own.is_dir() and not leads_out(own, inside) else []
    fallback = default_theme()
    if fallback.resolve() not in [d.resolve() for d, _ in dirs]:
        dirs.append((fallback, fallback.resolve()))
    return dirs


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


class _ThemeEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with `*` and `**` kept to sizes a page can use.

    The views a page is given are tracker's own frozen objects: their public attributes are
    read directly, without the sandbox's checks for functions, types and mutable
    containers that none of them is (the checks tripled the time spent in templates).
    Everything else, and every call, goes through the sandbox."""

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj).__module__.startswith("tracker.") and not attribute.startswith("_"):
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


def environment(site_root: Path, theme: str) -> jinja2.Environment:
    """The sandboxed Jinja environment for a site. Templates are not checked for changes on
    each use (a stat of every template a page extends or imports, for every page): the
    preview makes a new environment when a theme file changes."""
    loader = jinja2.ChoiceLoader([
        _ThemeLoader(folder / "templates", inside) for folder, inside in theme_dirs(site_root, theme)
    ])
    return _ThemeEnvironment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
    )


def theme_signature(site_root: Path, theme: str) -> tuple[tuple[str, int, int], ...]:
    """Each theme file with its modification time and size: changes when a template changes."""
    found = []
    for folder, _ in theme_dirs(site_root, theme):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = path.stat()
                found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(found)


def theme_static(site_root: Path, theme: str) -> tuple[dict[str, Path], list[Problem]]:
    """Output path → source file of every static file of the theme, the site's winning; and
    the problems with them (links out of the site are left out)."""
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for folder, inside in reversed(theme_dirs(site_root, theme)):
        static = folder / "static"
        shown = f"themes/{theme}/static/" if inside == site_root.resolve() else "themes/default/static/"
        for rel in walk_files(static, inside, shown, problems):
            files[THEME_STATIC_PREFIX + rel] = static / rel
    return files, problems
