"""An update's page (update.html), with its poll drawn as a chart, and the list of updates in
pages (updates.html)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from markupsafe import Markup as Html

from ..content.model import Poll, Site, Update
from . import urls
from .views import (
    Context,
    Date,
    Link,
    Linker,
    PageOf,
    Pager,
    UpdateItem,
    chunks,
    date_view,
    frame,
    paged_title,
    pager,
    update_item,
)

UPDATES_PER_PAGE = 10
CHART_LINE_CHARS = 28
"""The longest line of words in a poll chart: fits 320 px at the body's text size."""


@dataclass(frozen=True)
class Bar:
    """One answer of a poll and its bar in the chart (lengths in em, so text zoom scales it)."""

    label: str
    count: int
    percent: str
    width: float
    """The bar's length, in per cent of the chart's width."""
    lines: tuple[tuple[str, float], ...]
    """The words above the bar, wrapped to fit a phone, each with its baseline."""
    y: float


@dataclass(frozen=True)
class PollView:
    question: str
    responses: int | None
    bars: tuple[Bar, ...]
    height: float


@dataclass(frozen=True)
class UpdateView:
    title: str
    date: Date
    author: str
    body: Html
    poll: PollView | None
    about: tuple[Link, ...]


@dataclass(frozen=True)
class UpdatesView:
    items: tuple[UpdateItem, ...]
    pager: Pager


def poll_view(poll: Poll) -> PollView:
    """The chart draws each answer's words (wrapped) above its bar: 1.25 em a line of words,
    then a bar 1.25 em thick, then 0.75 em of space."""
    total = poll.responses or sum(r.count for r in poll.results) or 1
    bars, top = [], 0.0
    for r in poll.results:
        percent = f"{100 * r.count / total:.0f}%"
        words = textwrap.wrap(f"{r.label}: {r.count} ({percent})", CHART_LINE_CHARS) or [""]
        lines = tuple((text, top + 1.25 * i + 1) for i, text in enumerate(words))
        top += 1.25 * len(words)
        bars.append(Bar(r.label, r.count, percent, round(100 * r.count / total, 1), lines, top))
        top += 2
    return PollView(poll.question, poll.responses, tuple(bars), max(top - 0.75, 1))


def update_page(ctx: Context, update: Update) -> PageOf[UpdateView]:
    path = urls.update(update.slug)
    link = Linker(path)
    about = tuple(Link(ctx.records[i].title, link.to(urls.area(i))) for i in update.about)
    view = UpdateView(update.title, date_view(update.date), update.author, link.html(update.body),
                      poll_view(update.poll) if update.poll else None, about)
    return PageOf("update.html", frame(ctx, path, update.title, current=urls.UPDATES,
                                       summary=update.summary, kind="article"), view)


def update_chunks(site: Site) -> list[tuple[Update, ...]]:
    """The updates as they fall on the pages of the updates list."""
    return chunks(site.updates, UPDATES_PER_PAGE)


def updates_page(ctx: Context, number: int, pages: int,
                 chunk: tuple[Update, ...]) -> PageOf[UpdatesView]:
    """Page `number` of the updates list, newest first."""
    path = urls.updates_page(number)
    link = Linker(path)
    view = UpdatesView(tuple(update_item(u, link) for u in chunk),
                       pager(link, number, pages, urls.updates_page))
    return PageOf("updates.html", frame(ctx, path, paged_title("Updates", number, pages),
                                        feed=urls.FEED, current=urls.UPDATES,
                                        edits=[("New update", urls.FORM_UPDATE)]), view)
