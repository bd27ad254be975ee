"""A tracked area's page (area.html): what the inspectors said, its status and timeline, its
sub-actions, and the updates about it."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup as Html

from ..content.checks import is_overdue, is_stale
from ..content.model import Action, Record
from . import urls
from .views import (
    Context,
    Date,
    EntryView,
    Link,
    Linker,
    PageOf,
    Tag,
    UpdateItem,
    date_view,
    entry_view,
    frame,
    page_linker,
    point_label,
    standing,
    tag,
    timeline_views,
    update_item,
)


@dataclass(frozen=True)
class ActionView:
    anchor: str
    title: str
    owners: tuple[str, ...]
    status: Tag
    first_due: Date | None
    due: Date | None
    overdue: bool
    moves: tuple[EntryView, ...]
    timeline: tuple[EntryView, ...]


@dataclass(frozen=True)
class QuotedPoint:
    label: str
    letter: Link
    context: str
    text: str
    """The whole point, its sub-list run in with '•' as the letter has it."""
    href: str
    lead: str
    """The point's lead-in, and its sub-list's items: the same words, shown as a list."""
    items: tuple[str, ...]


@dataclass(frozen=True)
class AreaView:
    title: str
    status: Tag
    last_change: Date
    stale: bool
    points: tuple[QuotedPoint, ...]
    owners: tuple[str, ...]
    summary: Html
    timeline: tuple[EntryView, ...]
    actions: tuple[ActionView, ...]
    related: tuple[UpdateItem, ...]
    feed: str


def action_view(ctx: Context, action: Action, link: Linker) -> ActionView:
    return ActionView(
        anchor=urls.action_anchor(action.id), title=action.title, owners=action.owners,
        status=tag(action.status), first_due=date_view(action.due) if action.due else None,
        due=date_view(action.current_due) if action.current_due else None,
        overdue=is_overdue(action, ctx.today),
        moves=tuple(entry_view(e, link, ctx.base_url) for e in action.moves),
        timeline=timeline_views(action.timeline, link, ctx.base_url, action.id),
    )


def area_page(ctx: Context, record: Record) -> PageOf[AreaView]:
    path = urls.area(record.id)
    link = page_linker(ctx, path)
    points = []
    for ref in record.tracks:
        letter = ctx.site.letter_by_slug[ref.target]
        point = letter.point(ref.anchor)
        lead, *items = point.text.split(" • ")
        points.append(QuotedPoint(point_label(point),
                                  Link(letter.name, link.to(urls.letter(letter.slug))),
                                  point.context, point.text, link.to(urls.of_ref(ref)),
                                  lead, tuple(items)))
    related = tuple(update_item(ctx.updates[slug], link)
                    for slug in ctx.relations.related_updates.get(record.id, ()))
    view = AreaView(
        title=record.title, status=tag(record.status), last_change=date_view(record.last_change),
        stale=is_stale(record, ctx.site, ctx.today), points=tuple(points), owners=record.owners,
        summary=link.html(record.summary),
        timeline=timeline_views(record.timeline, link, ctx.base_url),
        actions=tuple(action_view(ctx, a, link) for a in record.actions), related=related,
        feed=link.to(urls.area_feed(record.id)),
    )
    summary = f"{record.title}: {standing(record.status, record.last_change)}."
    return PageOf("area.html", frame(ctx, path, record.title, feed=urls.area_feed(record.id),
                                     summary=summary, kind="article",
                                     edits=[("Record a change", urls.form_record(record.id))]),
                  view)
