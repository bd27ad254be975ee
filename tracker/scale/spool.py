"""How rendered HTML is kept (the model sees only a `text()`): compressed in memory, or for a
national site, from how many files a build keeps them lean and the temporary file its
letters' HTML waits in rather than in memory."""

from __future__ import annotations

import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

LEAN_FROM = 50_000
"""A one-off build keeps the files of a folder with more than this many lean: it remembers
where each is and reads it again from the disk when needed. It costs a fifth more time to
read the site, and saves most of the memory a national site's files take while the
references between them are checked (1.6 GB of records at 100,000 letters)."""


class Packed:
    """HTML compressed in memory (it shrinks to a third)."""

    __slots__ = ("data",)

    def __init__(self, html: str) -> None:
        self.data = zlib.compress(html.encode(), 1)

    def text(self) -> str:
        return zlib.decompress(self.data).decode()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Packed) and other.data == self.data

    def __hash__(self) -> int:
        return hash(self.data)


class Spool:
    """An unnamed temporary file for the compressed HTML of a one-off build of a national
    site: 100,000 letters' HTML waits on the disk (in the system's file cache), not in this
    process's memory. Processes forked later read it through the same descriptor."""

    def __init__(self, folder: Path | None = None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 (open as the build)
        self._end = 0

    def put(self, packed: Packed) -> Spooled:
        """Move compressed HTML into the file."""
        data = packed.data
        os.pwrite(self._file.fileno(), data, self._end)
        self._end += len(data)
        return Spooled(self, self._end - len(data), len(data))

    def get(self, offset: int, length: int) -> bytes:
        return os.pread(self._file.fileno(), length, offset)


@dataclass(frozen=True, slots=True)
class Spooled:
    """Compressed HTML kept in a Spool."""

    spool: Spool
    offset: int
    length: int

    def text(self) -> str:
        return zlib.decompress(self.spool.get(self.offset, self.length)).decode()
