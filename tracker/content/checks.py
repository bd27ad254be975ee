"""Policy warnings from a valid Site and the build date: stale records, overdue work, untracked points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from sys import intern
from typing import Any

from ..errors import Problem
from .model import Action, LetterOf, Record, Site, long_date


def is_stale(record: Record, site: Site, today: dt.date) -> bool:
    """No entry for longer than `stale_after_days`, and the work is not done."""
    age = (today - record.last_change).days
    return not record.status.done and age > site.config.stale_after_days


def stale_records(site: Site, today: dt.date) -> list[Problem]:
    """A warning for each record with no recent update. A national site can have 250,000:
    they share one hint, and one message per date."""
    hint = (f"add a timeline entry when there is news (records are flagged after "
            f"{site.config.stale_after_days} days)")
    return [
        Problem(r.path, r.timeline[-1].line, 1, "warning",
                intern(f"no update recorded since {long_date(r.last_change)}"), hint)
        for r in site.records if is_stale(r, site, today)
    ]


def is_overdue(action: Action, today: dt.date) -> bool:
    """Its current deadline has passed and its status is not done."""
    due = action.current_due
    return due is not None and due < today and not action.status.done


def overdue_actions(site: Site, today: dt.date) -> list[Problem]:
    """A warning for each sub-action past its due date and not done."""
    found = []
    for record in site.records:
        for action in record.actions:
            due = action.current_due
            if due is not None and is_overdue(action, today):
                found.append(Problem(
                    record.path, action.line, 1, "warning",
                    f"sub-action '{action.id}' was due on {long_date(due)} and is not done",
                    "add an entry with a done status, or move the deadline with 'due:' and a note",
                ))
    return found


def untracked_points(site: Site) -> list[Problem]:
    """A warning for each letter point that no record tracks."""
    return untracked(site.letters, site.records)


def untracked(letters: Iterable[LetterOf[Any]], records: Iterable[Record]) -> list[Problem]:
    """A warning for each point of `letters` that none of `records` tracks, quoting its first
    words: how staff see what was found in a letter (shown beside any errors)."""
    tracked = {(ref.target, ref.anchor) for record in records for ref in record.tracks}
    found = []
    for letter in letters:
        for point in letter.points:
            if (letter.slug, point.id) not in tracked:
                words = point.text.split()
                quoted = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
                found.append(Problem(
                    letter.path, point.line, 1, "warning",
                    f"{point.label} ({point.id}) is not tracked by any record: “{quoted}”",
                    f"add a record with 'tracks: [letter:{letter.slug}#{point.id}]'",
                ))
    return found


def policy_warnings(site: Site, today: dt.date) -> list[Problem]:
    """Every warning about the site as of `today`."""
    return stale_records(site, today) + overdue_actions(site, today) + untracked_points(site)
