"""What an output file is made of: bytes, a source file to copy, or bytes made as they are
written (pages and open data too large to hold at once)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


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
