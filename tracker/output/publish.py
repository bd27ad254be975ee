"""The output folder, tracker's only where tracker wrote it: a build is made in a fresh folder
inside it, then each new file replaces the old one in one step, files of the last build that
are gone are removed, and every other file (a `.git`, a `CNAME`) is kept.

A manifest in the output folder lists what the last build wrote. Readers never find a page
missing while a build is put in place, a failed build leaves the folder as it was, and the
folder a killed build was making is removed by the next build.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..content.folder import CONFIG, CONTENT, STATIC, THEMES

try:
    import fcntl
except ImportError:  # not POSIX: a killed build's folder is then left for the user
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".tracker-manifest.json"
"""The files the last build wrote, relative to the output folder."""
STAGING = ".tracker-staging-"
"""The start of the name of the folder a build is made in, inside the output folder."""
BUILD_MARKS = ("index.html", "sitemap.xml", "404.html")
"""Files every build writes."""


class OutputError(Exception):
    """The output folder cannot be used: what is wrong, and how to fix it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Abandon(Exception):
    """Raised inside `staged` to drop what was written and leave the output as it was."""


def check_output(root: Path, out: Path) -> None:
    """Raise OutputError when `out` would overwrite the site's own files, is a file, or holds
    files that tracker did not write where every build writes its own."""
    root, out = root.resolve(), out.resolve()
    sources = [root / CONTENT, root / STATIC, root / THEMES, root / CONFIG]
    if out == root or root.is_relative_to(out) or any(out.is_relative_to(s) for s in sources):
        raise OutputError("is where the site's own files are: building there would overwrite "
                          "them", "choose another --out, such as _site")
    if out.exists() and not out.is_dir():
        raise OutputError("is a file", "choose a folder for --out")
    if out.is_dir() and not (out / MANIFEST).is_file():
        theirs = [name for name in BUILD_MARKS if os.path.lexists(out / name)]
        if theirs:
            raise _not_ours(theirs)


def _not_ours(paths: list[str]) -> OutputError:
    shown = ", ".join(paths[:5]) + (f" and {len(paths) - 5:,} more" if len(paths) > 5 else "")
    return OutputError(
        f"holds files that tracker did not write, where this build writes its own: {shown}",
        "tracker never replaces them: move them away (an earlier tracker build can simply be "
        "deleted), or choose an empty or new folder for --out")


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A fresh folder inside `out` to write the build into, put in place when the block ends.

    If the block fails (or raises `Abandon`), the folder is removed and `out` is left as it
    was (and not made, if it was not there); `Abandon` goes no further. A build killed
    before it could remove its folder leaves it for the next build to remove."""
    out = out.resolve()
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out, STAGING)
    staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
    lock = lock_folder(staging)
    try:
        yield staging
        put_in_place(staging, out)
    except Abandon:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if lock is not None:
            os.close(lock)
        if made:
            with suppress(OSError):
                out.rmdir()  # only when empty: a build that failed made nothing


def lock_folder(folder: Path) -> int | None:
    """Hold a lock on `folder` for as long as this process lives, or until the descriptor
    returned is closed: `remove_abandoned` leaves it alone meanwhile."""
    if fcntl is None:
        return None
    descriptor = os.open(folder, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def remove_abandoned(parent: Path, prefix: str) -> None:
    """Remove the folders in `parent` named `prefix…` whose maker was killed: nobody holds
    their lock (see `lock_folder`)."""
    if fcntl is None:
        return
    for entry in os.scandir(parent):
        if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            descriptor = os.open(entry.path, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a build is making it now
        finally:
            os.close(descriptor)
        shutil.rmtree(entry.path, ignore_errors=True)


def written_before(out: Path) -> frozenset[str]:
    """The files the last build wrote into `out`, from its manifest (none without one)."""
    try:
        files = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(f for f in files if isinstance(f, str))


def put_in_place(staging: Path, out: Path) -> None:
    """Move the build in `staging` into `out`, each file replacing the old one in one step;
    remove what the last build wrote and this one did not; keep every other file. Raise
    OutputError, with nothing changed, when a file tracker did not write is in the way."""
    old, new = written_before(out), frozenset(_files(staging))
    in_the_way = sorted(_in_the_way(staging, out, old))
    if in_the_way:
        raise _not_ours(in_the_way)
    _write_manifest(staging, out, old | new)  # a build killed from here on leaves no file unowned
    for path in sorted(old - new):
        _remove_ours(out, path)
    _move(staging, out)
    _write_manifest(staging, out, new)


def _files(folder: Path, rel: str = "") -> Iterator[str]:
    with os.scandir(os.path.join(folder, rel)) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(folder, f"{rel}{entry.name}/")
            else:
                yield rel + entry.name


def _listed(folder: str) -> dict[str, bool]:
    """Each name in `folder` → whether it is a folder (not a link to one); {} if no folder."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name: entry.is_dir(follow_symlinks=False) for entry in entries}
    except (NotADirectoryError, FileNotFoundError):
        return {}


def _in_the_way(staging: Path, out: Path, old: frozenset[str], rel: str = "") -> Iterator[str]:
    """Paths of the build where `out` holds something tracker did not write (or a link)."""
    there = _listed(os.path.join(out, rel))
    for name, folder in _listed(os.path.join(staging, rel)).items():
        path = rel + name
        if name not in there:
            continue
        if there[name]:
            if folder:
                yield from _in_the_way(staging, out, old, path + "/")
            elif any(f not in old for f in _files(out, path + "/")):
                yield path
        elif path not in old:
            yield path


def _remove_ours(out: Path, path: str) -> None:
    """Remove a file the last build wrote, and the folders it leaves empty; never through a
    link that was put in place of one of its folders."""
    folders = path.split("/")[:-1]
    for depth in range(1, len(folders) + 1):
        folder = out.joinpath(*folders[:depth])
        if folder.is_symlink() or not folder.is_dir():
            return
    target = out / path
    if target.is_symlink() or target.is_file():
        target.unlink()
    for depth in range(len(folders), 0, -1):
        try:
            out.joinpath(*folders[:depth]).rmdir()
        except OSError:
            break


def _move(staging: Path, out: Path, rel: str = "") -> None:
    """Move each entry of `staging/rel` to `out/rel`: a folder that is not there yet whole."""
    there = _listed(os.path.join(out, rel))
    for name, folder in sorted(_listed(os.path.join(staging, rel)).items()):
        path = rel + name
        if folder and there.get(name):
            _move(staging, out, path + "/")
        else:
            os.replace(os.path.join(staging, path), os.path.join(out, path))


def _write_manifest(staging: Path, out: Path, files: frozenset[str]) -> None:
    """The manifest, written beside the build and moved into `out` in one step."""
    data = {"about": "The files tracker wrote in this folder's last build. The next build "
                     "replaces or removes these, and keeps every other file.",
            "files": sorted(files)}
    temporary = staging / MANIFEST
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666), "w",
              encoding="utf-8") as stream:
        json.dump(data, stream, indent=0, ensure_ascii=False)
        stream.write("\n")
    os.replace(temporary, out / MANIFEST)
