"""The only writer of source files: `new`, `init` and `import` create files through here."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class ExistsError(Exception):
    """The file is there already and --force was not given."""


def write_source(path: Path, text: str, *, force: bool = False) -> None:
    """Write a new source file whole or not at all; refuse to replace one unless `force`."""
    if path.exists() and not force:
        raise ExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the file appeared meanwhile: never overwrite
            os.unlink(temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
