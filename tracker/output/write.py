"""Contained output: the files of a build, written into the folder it is made in (see
`publish`). Paths that escape it, or are claimed twice, are refused."""

from __future__ import annotations

import posixpath
import shutil
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path, PurePath

from ..errors import Problem
from ..site.files import Content, Streamed


@lru_cache(maxsize=1 << 16)  # the preview checks the same paths on every rebuild
def unsafe_path(path: str) -> bool:
    """True when an output path is absolute, empty or climbs out of the output folder, on
    this system: `a:b.pdf` is a plain name here, a drive elsewhere."""
    normal = posixpath.normpath(path)
    native = PurePath(path)
    return (not path or path.startswith("/") or "\\" in path or normal.startswith("..")
            or normal != path or native.is_absolute() or bool(native.drive))


def collect(
    sources: list[tuple[str, Mapping[str, Content]]], reserved: Mapping[str, str] | None = None,
    page_address: Callable[[str], bool] = lambda path: False,
) -> tuple[dict[str, Content], list[Problem]]:
    """Merge named groups of output files, refusing unsafe paths, double claims, paths
    starting with a name `reserved` for what uses it (the search index, tracker's own
    records), and files of any group but the first (the pages) at a `page_address`.

    A group named after a source folder ('static/') has its problems reported at the file
    it copies; others at the output path."""
    files: dict[str, Content] = {}
    problems = []
    for group, items in sources:
        for path, content in items.items():
            where = group + path if group.endswith("/") else path
            message, hint = "", ""
            if unsafe_path(path):
                message = f"refusing to write '{path}' outside the output folder"
            elif user := next((u for start, u in (reserved or {}).items()
                               if path.startswith(start)), None):
                message = f"'{path}' is a name kept for {user}"
                hint = "move it to another folder, or rename it"
            elif group != sources[0][0] and page_address(path):
                message = f"'{path}' is where the page of a letter, record or update goes"
                hint = "move it to another folder"
            elif path in files:
                first = next(name for name, earlier in sources if path in earlier)
                message = f"'{path}' would be written twice (by {first} and by {group})"
                hint = "rename the file"
            else:
                files[path] = content
                continue
            problems.append(Problem(where, 1, 1, "error", message, hint))
    return files, problems


def write_file(folder: Path, path: str, content: Content) -> None:
    """One output file, its folders made as needed."""
    target = folder / path
    try:
        _put(target, content)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        _put(target, content)


def _put(target: Path, content: Content) -> None:
    if isinstance(content, Path):
        shutil.copyfile(content, target)
        return
    with open(target, "xb") as file:
        if isinstance(content, Streamed):
            for piece in content.pieces():
                file.write(piece)
        else:
            file.write(content)
