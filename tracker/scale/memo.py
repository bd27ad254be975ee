"""Results of pure pipeline steps kept between preview rebuilds.

Each step is keyed by what it reads: the identity of input objects (which the file cache
keeps stable while their files are unchanged) and plain values. A step that reports
problems has them replayed on a hit, so a cached rebuild reports exactly what a clean one
would. A one-off build passes no memo and computes everything.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import Problem

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Entry:
    """One step's result, and what it was made from."""

    inputs: tuple[Any, ...]
    """The objects it read, compared by identity (and kept alive with the entry)."""
    value: Any
    problems: list[Problem]
    """Reported while it was made; replayed on each reuse."""
    inner: frozenset[Hashable] = frozenset()
    """The keys of the steps it called."""
    watched: tuple[str, ...] = ()
    """The parts of the whole site it looked at (see `call_watching`)…"""
    versions: tuple[int, ...] = ()
    """…and their versions then."""

    def holds(self, inputs: tuple[Any, ...], versions: dict[str, int] | None = None) -> bool:
        """Whether this result still stands for these inputs and site versions."""
        return len(self.inputs) == len(inputs) and all(map(operator.is_, self.inputs, inputs)) \
            and (not self.watched or versions is not None
                 and self.versions == tuple(versions[name] for name in self.watched))


class Memo:
    """A table of step results; entries unused by the latest rebuild are dropped by `sweep`.

    Steps nest: a step over a group of pages calls the step of each page. A hit on the group
    counts its inner steps as used too, so that they are still there, ready to be reused one
    by one, the next time the group has to be made again."""

    def __init__(self) -> None:
        self.table: dict[Hashable, _Entry] = {}
        self.used: set[Hashable] = set()
        self.versions: dict[str, tuple[Any, int]] = {}
        self.hits = 0
        self.misses = 0
        self._making: list[set[Hashable]] = []
        """For each step being computed, the keys of the steps it called (innermost last)."""

    def call(self, key: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T],
             problems: list[Problem] | None = None) -> T:
        """compute(), or its earlier result for the same `key` and the same `inputs` objects.

        `inputs` are compared by identity and kept alive with the entry; problems that
        compute() appends to `problems` are stored and replayed on a hit."""
        found = self.table.get(key)
        if found is not None and found.holds(inputs):
            return self._reuse(key, found, problems)  # type: ignore[no-any-return]
        self.misses += 1
        before = len(problems) if problems is not None else 0
        self._making.append(set())
        try:
            value = compute()
        finally:
            inner = frozenset(self._making.pop())
        produced = problems[before:] if problems is not None else []
        self.table[key] = _Entry(inputs, value, produced, inner)
        self._use(key, inner)
        return value

    def call_watching(self, key: Hashable, inputs: tuple[Any, ...], versions: dict[str, int],
                      compute: Callable[[set[str]], T], problems: list[Problem]) -> T:
        """Like `call`, for a step that also reads some parts of the whole site (named in
        `versions`, each with a number that changes with it): `compute(looked_at)` adds to
        `looked_at` the names of the parts it read, and its result is reused while its
        inputs are the same objects and those parts, only those, have the same versions."""
        found = self.table.get(key)
        if found is not None and found.holds(inputs, versions):
            return self._reuse(key, found, problems)  # type: ignore[no-any-return]
        self.misses += 1
        before = len(problems)
        looked_at: set[str] = set()
        value = compute(looked_at)
        watched = tuple(sorted(looked_at))
        self.table[key] = _Entry(inputs, value, problems[before:], frozenset(), watched,
                                 tuple(versions[name] for name in watched))
        self._use(key, frozenset())
        return value

    def _reuse(self, key: Hashable, found: _Entry, problems: list[Problem] | None) -> Any:
        self.hits += 1
        self._use(key, found.inner)
        if problems is not None:
            problems.extend(found.problems)
        return found.value

    def _use(self, key: Hashable, inner: frozenset[Hashable]) -> None:
        self.used.add(key)
        self.used |= inner
        if self._making:
            making = self._making[-1]
            making.add(key)
            making |= inner

    def version(self, name: str, value: Any) -> int:
        """A number that stays the same while `value` stays equal to what it was last time."""
        old = self.versions.get(name)
        if old is not None and (old[0] is value or old[0] == value):
            return old[1]
        number = old[1] + 1 if old else 0
        self.versions[name] = (value, number)
        return number

    @property
    def keeps(self) -> bool:
        """Whether results are kept between rebuilds (the preview's), or not (NoMemo)."""
        return True

    def sweep(self) -> None:
        """Forget entries the latest rebuild did not use (once they are many)."""
        if len(self.table) > 2 * len(self.used) + 100:
            self.table = {k: v for k, v in self.table.items() if k in self.used}
        self.used = set()


class NoMemo(Memo):
    """The memo of a one-off build: every step is computed, nothing is kept. Steps are written
    once, for a Memo; a build passes this one, the preview a Memo that keeps results."""

    def call(self, key: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T],
             problems: list[Problem] | None = None) -> T:
        return compute()

    def call_watching(self, key: Hashable, inputs: tuple[Any, ...], versions: dict[str, int],
                      compute: Callable[[set[str]], T], problems: list[Problem]) -> T:
        return compute(set())

    def version(self, name: str, value: Any) -> int:
        return 0

    @property
    def keeps(self) -> bool:
        return False


NO_MEMO = NoMemo()
"""What a one-off build passes for a memo (it holds nothing)."""
