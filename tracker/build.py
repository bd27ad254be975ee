"""The pipeline: read the site folder, assemble the model, check it (and, later, render and write)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .assemble import assemble
from .checks import policy_warnings
from .errors import Problem
from .model import Site
from .sources import read_site


def load_site(root: Path, today: dt.date) -> tuple[Site | None, list[Problem]]:
    """The validated site (None on errors) and every problem, warnings included."""
    raw, problems = read_site(root)
    site, found = assemble(raw)
    problems += found
    if site is not None:
        problems += policy_warnings(site, today)
    return site, problems


def check_site(root: Path, today: dt.date) -> list[Problem]:
    """Every problem in the site at `root`, as of `today`."""
    return load_site(root, today)[1]
