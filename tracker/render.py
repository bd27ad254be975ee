"""Views → HTML with Jinja (autoescape, StrictUndefined); the site's theme overrides the default
theme one template and one static file at a time."""

from __future__ import annotations

from pathlib import Path

import jinja2

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
    """The Jinja environment for a site."""
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(d / "templates")) for d in theme_dirs(site_root, theme)
    ])
    return jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


def render_pages(env: jinja2.Environment, pages: list[Page]) -> dict[str, bytes]:
    """Output path → HTML bytes for every page."""
    cache: dict[str, jinja2.Template] = {}
    output = {}
    for page in pages:
        template = cache.get(page.template) or cache.setdefault(
            page.template, env.get_template(page.template))
        output[page.frame.path] = template.render(page=page.frame, view=page.view).encode()
    return output


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
