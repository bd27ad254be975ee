"""An update's page (update.html), with its poll drawn as a chart, and the list of updates in
pages (updates.html)."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup as Html

from ..content.model import Poll, Site, Update
from . import urls
from .charts import Bar, bars
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
    page_linker,
    paged_title,
    pager,
    update_item,
)

UPDATES_PER_PAGE = 10


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
    total = poll.responses or sum(r.count for r in poll.results) or 1
    drawn, height = bars([(r.label, r.count, "") for r in poll.results], total)
    return PollView(poll.question, poll.responses, drawn, height)


def update_page(ctx: Context, update: Update) -> PageOf[UpdateView]:
    path = urls.update(update.slug)
    link = page_linker(ctx, path)
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
