"""Charts drawn at build time as inline SVG (no script in the browser), each with its figures
in words and in a table: a poll's answers, a letter's points by the status of the area that
tracks them, and how those statuses changed since the letter, period by period. A bar or a
column segment is never told by colour alone: bars carry their words, and every status has a
pattern of its own as well as a colour (the legend shows both). Lengths are in em and per
cent, so that the charts scale with the text and fit a phone."""

from __future__ import annotations

import datetime as dt
import textwrap
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ..content.model import MONTHS, Letter, Point, Record, Site
from .views import counted, in_a_sentence

CHART_LINE_CHARS = 28
"""The longest line of words above a bar: fits 320 px at the body's text size."""
MOST_COLUMNS = 36
"""Periods a history chart shows at most: months, else quarters, else years."""
HISTORY_HEIGHT = 8.0
"""The height of a history chart's tallest column, in em."""
NOT_TRACKED = "Not tracked yet"


@dataclass(frozen=True)
class Bar:
    """One bar of a bar chart, with its words above it (lengths in em, so text zoom scales it)."""

    label: str
    count: int
    percent: str
    width: float
    """The bar's length, in per cent of the chart's width."""
    lines: tuple[tuple[str, float], ...]
    """The words above the bar, wrapped to fit a phone, each with its baseline."""
    y: float
    tone: str = ""


def bars(items: Sequence[tuple[str, int, str]], total: int) -> tuple[tuple[Bar, ...], float]:
    """Bars for (label, count, tone) items out of `total`, and the chart's height in em: each
    bar's words ('In progress: 2 (29%)') on 1.25 em a line, then a bar 1.25 em thick, then
    0.75 em of space."""
    made, top = [], 0.0
    for label, count, tone in items:
        percent = f"{100 * count / (total or 1):.0f}%"
        words = textwrap.wrap(f"{label}: {count} ({percent})", CHART_LINE_CHARS) or [""]
        lines = tuple((text, top + 1.25 * i + 1) for i, text in enumerate(words))
        top += 1.25 * len(words)
        made.append(Bar(label, count, percent, round(100 * count / (total or 1), 1), lines, top,
                        tone))
        top += 2
    return tuple(made), max(top - 0.75, 1)


# The points of letters and where they stand -------------------------------------------------

@dataclass(frozen=True)
class Standing:
    """A status a point can be in (or none: not tracked yet), with its words and tone."""

    key: str
    label: str
    tone: str
    verdict: bool = False


@dataclass(frozen=True)
class Row:
    """A row of a chart's table: a status, and its count in each column."""

    standing: Standing
    counts: tuple[int, ...]


@dataclass(frozen=True)
class PeriodRow:
    """A row of a history chart's table: a period, and its count of each status shown."""

    period: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class StatusChart:
    """Points by the current status of the area that tracks them: bars, a sentence, a table."""

    id: str
    sentence: str
    bars: tuple[Bar, ...]
    height: float
    columns: tuple[str, ...]
    """The table's columns: each kind of point, then all of them."""
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Segment:
    y: float
    height: float
    standing: Standing
    count: int


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    width: float
    """Per cent of the chart's width, a gap between columns left out."""
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class HistoryChart:
    """How the points' statuses changed, period by period: stacked columns and a table."""

    id: str
    sentence: str
    period: str
    """'month', 'quarter' or 'year'."""
    columns: tuple[Column, ...]
    height: float
    first: str
    last: str
    """The first and last periods' names, under the chart's two ends."""
    legend: tuple[Standing, ...]
    periods: tuple[PeriodRow, ...]
    """The table, a row a period."""


def standings(site: Site) -> dict[str, Standing]:
    found = {s.id: Standing(s.id, s.label, s.tone, s.verdict) for s in site.config.statuses}
    found[""] = Standing("", NOT_TRACKED, "none")
    return found


def _record_of(site: Site, letter: Letter, point: Point) -> Record | None:
    tracking = site.tracked_points.get((letter.slug, point.id), ())
    return tracking[0] if tracking else None


def status_chart(site: Site, letters: Sequence[Letter], chart_id: str) -> StatusChart | None:
    """The points of `letters` by the current status of the area that tracks them."""
    kinds = {k.id: k.label for k in site.config.points}
    known = standings(site)
    counts: dict[tuple[str, str], int] = {}
    for letter in letters:
        for point in letter.points:
            record = _record_of(site, letter, point)
            key = (record.status.id if record else "", point.kind)
            counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    kind_ids = [k for k in kinds if any(kind == k for _, kind in counts)]
    kind_ids += sorted({kind for _, kind in counts} - set(kind_ids))
    total = sum(counts.values())
    rows = tuple(Row(s, (*(counts.get((s.key, k), 0) for k in kind_ids),
                         sum(counts.get((s.key, k), 0) for k in kind_ids)))
                 for s in known.values() if any((s.key, k) in counts for k in kind_ids))
    drawn, height = bars([(r.standing.label, r.counts[-1], r.standing.tone) for r in rows], total)
    sentences = [_of(counted(sum(r.counts[i] for r in rows), kinds.get(k, k)),
                     [(r.standing, r.counts[i]) for r in rows])
                 for i, k in enumerate(kind_ids)]
    verdicts = [(r.standing, r.counts[-1]) for r in rows if r.standing.verdict]
    sentence = "; ".join([sentences[0], *(x[0].lower() + x[1:] for x in sentences[1:])]) + \
        "; " + _verdicts(verdicts) + "."
    return StatusChart(chart_id, sentence, drawn,
                       height, (*(_plural(kinds.get(k, k)) for k in kind_ids), "All points"),
                       rows)


def _of(whole: str, parts: list[tuple[Standing, int]]) -> str:
    """'Of 7 areas for priority action, 2 are completed and 5 in progress'."""
    named = [f"{n} {in_a_sentence(s.label)}" for s, n in parts if n]
    listed = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    first, _, rest = listed.partition(" ")
    return f"Of {whole}, {first} {'is' if first == '1' else 'are'} {rest}"


def _verdicts(verdicts: list[tuple[Standing, int]]) -> str:
    given = [(s, n) for s, n in verdicts if n]
    if not given:
        return "none has an inspectors' verdict yet"
    count = sum(n for _, n in given)
    listed = " and ".join(f"{n} {in_a_sentence(s.label)}" for s, n in given)
    return f"{count} {'has' if count == 1 else 'have'} an inspectors' verdict: {listed}"


def _plural(label: str) -> str:
    return counted(2, label).split(" ", 1)[1].capitalize()


# How they changed ----------------------------------------------------------------------------

def history_chart(site: Site, letters: Sequence[Letter], today: dt.date,
                  chart_id: str) -> HistoryChart | None:
    """The points of `letters` by status at the end of each period from the first letter's
    date to `today`: months, or quarters or years when there would be more than
    MOST_COLUMNS of them."""
    points = [(letter, point) for letter in letters for point in letter.points]
    if not points:
        return None
    start = min(letter.date for letter, _ in points)
    period, ends = _periods(start.replace(day=1), today)
    known = standings(site)
    # Each point moves from one status to the next in the period its entry falls in: the
    # moves are counted where they happen, then added up period by period (a national site's
    # 700,000 points are not looked at once a period).
    moves: list[dict[str, int]] = [{} for _ in ends]
    for letter, point in points:
        record = _record_of(site, letter, point)
        was, opens = "", bisect_left(ends, letter.date)
        _move(moves, opens, None, "")
        for entry in record.timeline if record else ():
            index = max(opens, bisect_left(ends, entry.date))
            if index < len(ends) and entry.status.id != was:
                _move(moves, index, was, entry.status.id)
                was = entry.status.id
    columns: list[dict[str, int]] = []
    running: dict[str, int] = {}
    for change in moves:
        for key, count in change.items():
            running[key] = running.get(key, 0) + count
        columns.append({key: count for key, count in running.items() if count})
    shown = tuple(s for s in known.values() if any(s.key in c for c in columns))
    tallest = max(sum(c.values()) for c in columns) or 1
    width = 100 / len(ends)
    drawn = []
    for index, (end, counts) in enumerate(zip(ends, columns, strict=True)):
        top, segments = HISTORY_HEIGHT, []
        for standing in shown:
            count = counts.get(standing.key, 0)
            if count:
                height = HISTORY_HEIGHT * count / tallest
                top -= height
                segments.append(Segment(round(top, 3), round(height, 3), standing, count))
        drawn.append(Column(_name(end, period), round(index * width, 3), round(width * 0.8, 3),
                            tuple(segments)))
    table = tuple(PeriodRow(_name(end, period), tuple(counts.get(s.key, 0) for s in shown))
                  for end, counts in zip(ends, columns, strict=True))
    first, last = columns[0], columns[-1]
    sentence = (f"By {period}: in {_name(ends[0], period)}, {_listed(first, shown)}; "
                f"in {_name(ends[-1], period)}, {_listed(last, shown)}.")
    return HistoryChart(chart_id, sentence, period, tuple(drawn), HISTORY_HEIGHT,
                        drawn[0].label, drawn[-1].label, shown, table)


def _move(moves: list[dict[str, int]], index: int, before: str | None, after: str) -> None:
    """A point leaves status `before` (None: it was not there) for `after` in period `index`."""
    if index >= len(moves):
        return
    if before is not None:
        moves[index][before] = moves[index].get(before, 0) - 1
    moves[index][after] = moves[index].get(after, 0) + 1


def _listed(counts: dict[str, int], shown: Sequence[Standing]) -> str:
    named = [f"{counts[s.key]} {in_a_sentence(s.label)}" for s in shown if counts.get(s.key)]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


@cache
def _periods(start: dt.date, today: dt.date) -> tuple[str, list[dt.date]]:
    """The period and the last day of each, from the one holding `start` to the one holding
    `today` (at least one)."""
    end = max(start, today)
    for period, months in (("month", 1), ("quarter", 3), ("year", 12)):
        first = dt.date(start.year, start.month - (start.month - 1) % months, 1)
        found = []
        year, month = first.year, first.month
        while dt.date(year, month, 1) <= end:
            month += months
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
            found.append(dt.date(year, month, 1) - dt.timedelta(days=1))
        if len(found) <= MOST_COLUMNS or period == "year":
            return period, found
    raise AssertionError("unreachable")


def _name(end: dt.date, period: str) -> str:
    if period == "month":
        return f"{MONTHS[end.month - 1]} {end.year}"
    if period == "quarter":
        return f"{MONTHS[end.month - 3]} to {MONTHS[end.month - 1]} {end.year}"
    return str(end.year)

