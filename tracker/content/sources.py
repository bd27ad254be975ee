"""The only reader of a site folder: a sorted walk of each folder (litter, links out and
unusable names left out, and said), what was read kept between rebuilds, and the whole
folder read into a RawSite. Reading one file is `files`'.

Everything read here keeps where it came from (file, line, column) so that later
stages can point at the exact place of a mistake.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, ProblemError, forbidden_at
from ..scale import spool
from .config import site_config
from .files import (
    DataFile,
    Document,
    data_file_from_text,
    decode,
    document_from_text,
    read_data_file,
    read_document,
    read_text,
)
from .folder import (
    CONFIG,
    LETTERS,
    PAGES,
    RECORDS,
    STATIC,
    THEMES,
    UPDATES,
    describe,
    is_hidden,
    is_litter,
    leads_out,
    usable_name,
)
from .model import SiteConfig
from .safeyaml import Pos, Unread, YMap, load_yaml


@dataclass(frozen=True)
class RawSite:
    """Everything in a site folder, read but not yet understood."""

    config: YMap
    letters: tuple[Document, ...]
    updates: tuple[Document, ...]
    pages: tuple[Document, ...]
    records: tuple[DataFile, ...]
    static_files: tuple[str, ...]
    """Paths under `static/`, with forward slashes, sorted."""
    themes: tuple[str, ...]
    """Names of the site's own themes under `themes/`."""
    unreadable: tuple[str, ...] = ()
    """Content files that could not be read (their problems are reported)."""


def _link_out(rel: str) -> Problem:
    return Problem(rel, 1, 1, "warning", "ignored: this link points outside the site folder",
                   "copy the file into the site instead of linking to it")


def _bad_name(rel: str, name: str) -> Problem | None:
    """The problem with a file or folder name that cannot be published, if any."""
    if usable_name(name):
        return None
    at = forbidden_at(name, name=True)
    if at is not None:
        message, hint = describe(name[at])
        return Problem(rel, 1, 1, "error", f"this file name contains {message}",
                       "rename it: " + hint.split(": ", 1)[-1])
    return Problem(rel, 1, 1, "error", "this file name cannot be used on this system",
                   "rename it with letters, digits and hyphens")


def _listing(root: Path, folder: str, suffix: str, problems: list[Problem]) -> list[str]:
    """Sorted relative paths of `folder/*suffix`; other files there are reported, and so are
    links that lead out of the site."""
    base = root / folder
    if not base.is_dir() or leads_out(base, root.resolve()):
        if base.is_symlink():
            problems.append(_link_out(folder))
        return []
    found = []
    with os.scandir(base) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    inside = root.resolve()
    for entry in entries:
        rel = f"{folder}/{entry.name}"
        if is_hidden(entry.name) or is_litter(entry.name) or entry.is_dir():
            continue
        bad = _bad_name(rel, entry.name)
        if bad:
            problems.append(bad)
        elif entry.is_symlink() and leads_out(Path(entry.path), inside):
            problems.append(_link_out(rel))
        elif entry.name.endswith(suffix):
            found.append(rel)
        else:
            problems.append(Problem(
                rel, 1, 1, "warning", f"ignored: only '*{suffix}' files are read in {folder}/",
                f"rename it to end in '{suffix}'",
            ))
    return found


Reader = Callable[[Path, str], Any]


class FileCache:
    """Read results kept by file, reused while the file's size and modification time stay the
    same, so that a rebuild re-reads only what changed (and unchanged objects keep their
    identity for the caches downstream)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple[int, int, int, int], Any]] = {}
        self.changed: set[str] | None = None
        self.folders: dict[str, tuple[tuple[Any, ...], list[Problem], list[str]]] = {}
        """A folder's files as last read, with the problems and unreadable files found."""

    def folder(self, folder: str) -> tuple[tuple[Any, ...], list[Problem], list[str]] | None:
        """A folder as last read, when nothing in it (or above it) is known to have changed."""
        if self.changed is None:
            return None
        inside = folder + "/"
        if any(rel.startswith(inside) or inside.startswith(rel + "/") or rel == folder
               for rel in self.changed):
            return None
        return self.folders.get(folder)

    def only(self, changed: set[str] | None) -> None:
        """Read again exactly the files in `changed` (the watcher said what changed) and trust
        the others; None looks at every file's size and times."""
        self.changed = changed

    def read(self, root: Path, rel: str, reader: Reader) -> Any:
        cached = self.entries.get(rel)
        if self.changed is not None and cached and rel not in self.changed:
            return cached[1]
        try:
            info = os.stat(os.path.join(root, rel))
        except OSError:
            return reader(root, rel)
        signature = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
        if cached and cached[0] == signature and (self.changed is None or rel not in self.changed):
            return cached[1]
        value = reader(root, rel)
        self.entries[rel] = (signature, value)
        return value


def _read(root: Path, rel: str, reader: Reader, cache: FileCache | None) -> Any:
    return cache.read(root, rel, reader) if cache else reader(root, rel)


def _read_folder(root: Path, folder: str, suffix: str, reader: Callable[[Path, str, bool], Any],
                 problems: list[Problem], unreadable: list[str],
                 cache: FileCache | None, proposed: Mapping[str, str]) -> tuple[Any, ...]:
    """Every `folder/*suffix` file read by `reader`; those that cannot be read are reported.
    With a cache, a folder in which no file changed is not even listed again. A file in
    `proposed` (path → text) is read from that text, whether or not it is on disk."""
    mine = {rel: text for rel, text in proposed.items()
            if rel.startswith(folder + "/") and rel.endswith(suffix) and "/" not in rel[len(folder) + 1:]}
    kept = cache.folder(folder) if cache and not mine else None
    if kept is None:
        found: list[Any] = []
        found_problems: list[Problem] = []
        found_unreadable: list[str] = []
        listed = sorted(set(_listing(root, folder, suffix, found_problems)) | mine.keys())
        lean = cache is None and len(listed) > spool.LEAN_FROM

        def read(root: Path, rel: str) -> Any:
            return reader(root, rel, lean)

        for rel in listed:
            result = _from_text(rel, mine[rel]) if rel in mine else _read(root, rel, read, cache)
            if isinstance(result, Problem):
                found_problems.append(result)
                found_unreadable.append(rel)
            else:
                found.append(result)
        kept = (tuple(found), found_problems, found_unreadable)
        if cache and not mine:
            cache.folders[folder] = kept
    problems += kept[1]
    unreadable += kept[2]
    return kept[0]


def _from_text(rel: str, text: str) -> Document | DataFile | Problem:
    """A proposed file, read as it would be once written."""
    try:
        decoded = decode(text.encode("utf-8"), rel)
    except ProblemError as exc:
        return exc.problem
    return (document_from_text if rel.endswith(".md") else data_file_from_text)(decoded, rel)


def walk_files(base: Path, inside: Path, shown: str, problems: list[Problem]) -> list[str]:
    """Every file under `base` (a site's `static/`, a theme's folder), as sorted paths
    relative to it, hidden ones too (`.well-known/`); litter is left out, and so (with a
    warning) is any link, to a file or a folder, that leads outside `inside` (resolved). Names
    that cannot be published are errors. Problems name files as `shown` + their path."""
    found: list[str] = []
    seen: set[Path] = set()

    def visit(folder: Path, rel: str) -> None:
        real = folder.resolve()
        if real in seen:  # a link back to a folder already walked
            return
        seen.add(real)
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        for entry in entries:
            path = rel + entry.name
            if is_litter(entry.name):
                continue
            bad = _bad_name(shown + path, entry.name)
            if bad:
                problems.append(bad)
            elif entry.is_symlink() and leads_out(Path(entry.path), inside):
                problems.append(_link_out(shown + path))
            elif entry.is_dir():
                visit(Path(entry.path), path + "/")
            elif entry.is_file():
                found.append(path)

    if base.is_dir() and not leads_out(base, inside):
        visit(base, "")
    return sorted(found)


def read_site_yml(root: Path, problems: list[Problem], cache: FileCache | None = None) -> YMap:
    """site.yml as a mapping; an empty `Unread` mapping (and a problem) when it cannot be read."""
    if (root / CONFIG).is_symlink() and leads_out(root / CONFIG, root.resolve()):
        problems.append(Problem(CONFIG, 1, 1, "error",
                                "site.yml is a link to a file outside the site folder",
                                "copy the file into the site instead of linking to it"))
        return Unread(Pos(1, 1))
    if not (root / CONFIG).is_file():
        problems.append(Problem(
            CONFIG, 1, 1, "error", "there is no site.yml in this folder",
            "run 'tracker init DIR' to start a site, or pass --site DIR",
        ))
        return Unread(Pos(1, 1))
    data = _read(root, CONFIG, _config_yaml, cache)
    if isinstance(data, Problem):
        problems.append(data)
        return Unread(Pos(1, 1))
    if data is None:
        data = YMap(Pos(1, 1))
    if not isinstance(data, YMap):
        problems.append(Problem(CONFIG, 1, 1, "error", "site.yml must be 'key: value' lines",
                                "start with 'title: …'"))
        return Unread(Pos(1, 1))
    return data


def _config_yaml(root: Path, rel: str) -> Any:
    try:
        return load_yaml(read_text(root, rel)[0], rel)
    except ProblemError as exc:
        return exc.problem


def _themes(root: Path, problems: list[Problem]) -> tuple[str, ...]:
    """The names of the site's own themes: folders of `themes/` (never a link out)."""
    folder, inside = root / THEMES, root.resolve()
    if not folder.is_dir():
        return ()
    names = []
    for path in sorted(folder.iterdir()):
        if is_hidden(path.name) or is_litter(path.name) or not path.is_dir():
            continue
        if leads_out(path, inside):
            problems.append(_link_out(f"{THEMES}/{path.name}"))
        else:
            names.append(path.name)
    return tuple(names)


def read_site(root: Path, cache: FileCache | None = None,
              proposed: Mapping[str, str] | None = None) -> tuple[RawSite, list[Problem]]:
    """Read every source file of the site at `root`, in a stable order; with a `cache`,
    only files that changed since the last read are read again. Without one (a one-off
    build or check), the files of a folder of more than `spool.LEAN_FROM` are kept lean.
    `proposed` content files (path → text) are read as if they were written: what a form
    checks before it writes."""
    problems: list[Problem] = []
    config = read_site_yml(root, problems, cache)
    themes = _themes(root, problems)
    unreadable: list[str] = []
    rest = (problems, unreadable, cache, proposed or {})
    raw = RawSite(
        config=config,
        letters=_read_folder(root, LETTERS, ".md", read_document, *rest),
        updates=_read_folder(root, UPDATES, ".md", read_document, *rest),
        pages=_read_folder(root, PAGES, ".md", read_document, *rest),
        records=_read_folder(root, RECORDS, ".yml", read_data_file, *rest),
        static_files=tuple(walk_files(root / STATIC, root.resolve(), f"{STATIC}/", problems)),
        themes=themes,
        unreadable=tuple(unreadable),
    )
    return raw, problems


def lenient_config(root: Path) -> SiteConfig:
    """site.yml's settings, with the defaults wherever it cannot be read: for the commands that
    write new files (new, import), which must work in a site that has mistakes."""
    problems: list[Problem] = []
    return site_config(read_site_yml(root, problems), problems, ())
