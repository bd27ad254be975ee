"""Rebuilds for the preview: the site kept in memory, each rebuild a new complete snapshot.

A failed rebuild keeps the last good files and carries the new problems, so the preview
can go on serving while it shows what is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .build import render_site
from .errors import Problem, has_errors
from .write import Content


@dataclass(frozen=True)
class Snapshot:
    """One complete state of the preview."""

    files: Mapping[str, Content]
    """Output path → bytes, or the source file to send (static files)."""
    problems: tuple[Problem, ...] = ()
    """Of the latest rebuild; when it has errors, `files` are the last good build's."""
    version: int = 0
    """Grows with every rebuild that changed files or problems."""
    changed: frozenset[str] = field(default_factory=frozenset)
    """Output paths that differ from the previous snapshot."""

    @property
    def failed(self) -> bool:
        """The latest rebuild had errors."""
        return has_errors(self.problems)


def _differences(old: Mapping[str, Content], new: Mapping[str, Content]) -> frozenset[str]:
    return frozenset(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


class Incremental:
    """Keeps the site between rebuilds and rebuilds it when sources change."""

    def __init__(self, root: Path, today: dt.date, *, drafts: bool = True,
                 base_url: str | None = None) -> None:
        self.root = root
        self.today = today
        self.drafts = drafts
        self.base_url = base_url
        self.current = Snapshot({})
        self.rebuilds = 0
        """How many rebuilds ran (for tests and the status endpoint)."""

    def rebuild(self) -> Snapshot:
        """Read what changed, rebuild, and return the new snapshot (also kept as `current`)."""
        self.rebuilds += 1
        files, problems = render_site(self.root, self.today, drafts=self.drafts,
                                      base_url=self.base_url)
        previous = self.current
        if has_errors(problems):
            files = dict(previous.files)
        changed = _differences(previous.files, files)
        if changed or tuple(problems) != previous.problems:
            self.current = Snapshot(files, tuple(problems), previous.version + 1, changed)
        return self.current
