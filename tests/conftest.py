"""Shared helpers: small fixture sites written inside each test, and the CLI run as a user would."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tracker.cli import main

MINIMAL_SITE = {
    "site.yml": "title: Test tracker\n",
    "content/letters/herts-2023.md": """\
        ---
        title: "Ofsted and CQC: joint inspection of Hertfordshire"
        date: 2023-09-12
        inspectorate: [Ofsted, CQC]
        kind: full-inspection
        ---
        Dear colleague

        ## Areas for priority action

        - Leaders should improve the SEND data dashboard.
        - Leaders should strengthen partnership governance.

        ## Areas for improvement

        - Leaders should improve the quality of EHC plans.
        """,
    "content/actions/data-dashboard.yml": """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
        """,
}
"""A valid site: one letter with P1, P2 and I1; one record tracking P1."""


SiteMaker = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """Write a site: MINIMAL_SITE plus `files` (a value of None removes that file)."""

    def make(files: dict[str, str | bytes | None] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "site"
        merged: dict[str, str | bytes | None] = dict(MINIMAL_SITE) if base else {}
        merged.update(files or {})
        for rel, content in merged.items():
            if content is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content), encoding="utf-8")
        root.mkdir(exist_ok=True)
        return root

    return make


def run(*args: str) -> Result:
    """Run `tracker ARGS…` in-process, keeping standard error apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def check(site: Path, *extra: str) -> Result:
    """`tracker check --site SITE --today 2024-01-01 …`."""
    return run("check", "--site", str(site), "--today", "2024-01-01", *extra)


def lines(result: Result) -> list[str]:
    """The problem lines of standard error (hints and the summary line left out)."""
    return [
        line for line in result.stderr.splitlines()
        if ": error: " in line or ": warning: " in line
    ]
