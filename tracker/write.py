"""Atomic, contained output: everything is written to a folder beside the output, which then
replaces the old output in one step. Paths that escape it, or are claimed twice, are refused."""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import Problem


@dataclass(frozen=True)
class Streamed:
    """A file made piece by piece as it is written, for files too large to hold at once
    (the open data of a national site)."""

    pieces: Callable[[], Iterable[bytes]]

    def read(self) -> bytes:
        return b"".join(self.pieces())


Content = bytes | Path | Streamed
"""Bytes to write, a source file to copy, or bytes made while written."""

WRITTEN = Streamed(lambda: ())
"""Stands for the content of a file already written (a page or feed made across processes)."""


def whole(content: Content) -> bytes | Path:
    """Content as bytes (or the file to send), for serving from memory."""
    return content.read() if isinstance(content, Streamed) else content


@lru_cache(maxsize=1 << 16)  # the preview checks the same paths on every rebuild
def unsafe_path(path: str) -> bool:
    """True when an output path is absolute, empty or climbs out of the output folder."""
    normal = posixpath.normpath(path)
    return (not path or path.startswith("/") or "\\" in path or normal.startswith("..")
            or normal != path or ":" in path.split("/", 1)[0])


def collect(
    sources: list[tuple[str, Mapping[str, Content]]], reserved: tuple[str, ...] = (),
    page_address: Callable[[str], bool] = lambda path: False,
) -> tuple[dict[str, Content], list[Problem]]:
    """Merge named groups of output files, refusing unsafe paths, double claims, folders
    `reserved` for files written later (the search index), and files of any group but the
    first (the pages) at a `page_address`.

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
            elif path.startswith(reserved):
                message = f"'{path}' is in a folder the search index uses"
                hint = "move it to another folder"
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


class Abandon(Exception):
    """Raised inside `staged` to drop what was written and leave the output as it was."""


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A fresh folder beside `out` to write into, swapped in for `out` when the block ends.

    If the block fails (or raises `Abandon`), the folder is removed and `out` is left as it
    was; `Abandon` goes no further."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        _swap(staging, out)
    except Abandon:
        shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` where `out` is, keeping the old output until the new one is in place."""
    os.chmod(staging, 0o755)
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rmdir(old)
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
