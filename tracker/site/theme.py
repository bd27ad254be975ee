"""Themes: where their files are. The site's own theme overrides the default one file by file,
and none of a theme's files may be a link out of the site (its templates are loaded, in a
sandbox, by `render`)."""

from __future__ import annotations

from pathlib import Path

from ..content.folder import THEMES, default_theme, leads_out
from ..content.sources import walk_files
from ..errors import Problem

THEME_STATIC_PREFIX = "assets/"


def theme_dirs(site_root: Path, theme: str) -> list[tuple[Path, Path]]:
    """Theme folders, most specific first, each with the folder its files must stay inside:
    the site's own theme (inside the site), then the default (inside itself)."""
    own = site_root / THEMES / theme
    inside = site_root.resolve()
    dirs = [(own, inside)] if own.is_dir() and not leads_out(own, inside) else []
    fallback = default_theme()
    if fallback.resolve() not in [d.resolve() for d, _ in dirs]:
        dirs.append((fallback, fallback.resolve()))
    return dirs


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
