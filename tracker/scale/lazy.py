"""Deferred sequences: items made only when asked for, so that a national site's 600,000 pages
and feeds are never held, or their makers, at once."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import TypeVar, overload

R = TypeVar("R")
S = TypeVar("S")


class _Made(Sequence[R]):
    """A sequence whose items are made when asked for, by `_item`."""

    def _item(self, index: int) -> R:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[R]: ...
    def __getitem__(self, index: int | slice) -> R | Sequence[R]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._item(index)


class Lazy(_Made[R]):
    """`make(item)` for each of `items`, made only when asked for: a one-off build shares out
    600,000 pages and feeds of a national site, and would otherwise hold a maker for each."""

    def __init__(self, items: Sequence[S], make: Callable[[S], R]) -> None:
        self._items, self._make = items, make

    def __len__(self) -> int:
        return len(self._items)

    def _item(self, index: int) -> R:
        return self._make(self._items[index])


class Chained(_Made[R]):
    """Several sequences as one, none of them copied."""

    def __init__(self, parts: Sequence[Sequence[R]]) -> None:
        self._parts = parts
        self._ends = list(accumulate(len(part) for part in parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    def _item(self, index: int) -> R:
        part = bisect_right(self._ends, index)
        return self._parts[part][index - (self._ends[part - 1] if part else 0)]
