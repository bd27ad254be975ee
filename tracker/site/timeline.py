"""The timeline (timeline.html): every dated step of every tracked area, newest first, in
pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..content.model import Entry, Record, Site
from . import urls
from .views import (
    Context,
    EntryView,
    Link,
    PageOf,
    Pager,
    chunks,
    entry_view,
    frame,
    page_linker,
    paged_title,
    pager,
)

TIMELINE_PER_PAGE = 100
"""Events on a page of the timeline: a national site has hundreds of thousands."""

Event = tuple[Record, str, Entry]
"""A dated step on the timeline: its record, the sub-action's title (else ''), the entry."""


@dataclass(frozen=True)
class TimelineEvent:
    record: Link
    action: str
    entry: EntryView


@dataclass(frozen=True)
class TimelineView:
    events: tuple[TimelineEvent, ...]
    pager: Pager


def timeline_chunks(site: Site) -> list[tuple[Event, ...]]:
    """Every dated step of every record, newest first (same-day steps in file order), as they
    fall on the pages of the timeline."""
    events: list[Event] = []
    for record in site.records:
        events += [(record, "", entry) for entry in record.timeline]
        for action in record.actions:
            events += [(record, action.title, entry) for entry in action.timeline]
    events.sort(key=lambda event: event[2].date, reverse=True)
    return chunks(events, TIMELINE_PER_PAGE)


def timeline_page(ctx: Context, number: int, pages: int,
                  chunk: tuple[Event, ...]) -> PageOf[TimelineView]:
    """Page `number` of the timeline."""
    path = urls.timeline_page(number)
    link = page_linker(ctx, path)
    view = partial(entry_view, link=link, base_url=ctx.base_url)
    events = tuple(TimelineEvent(Link(record.title, link.to(urls.area(record.id))), action,
                                 view(entry)) for record, action, entry in chunk)
    return PageOf("timeline.html", frame(ctx, path, paged_title("Timeline", number, pages),
                                         feed=urls.FEED, current=urls.TIMELINE),
                  TimelineView(events, pager(link, number, pages, urls.timeline_page)))
