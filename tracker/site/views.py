"""Site → one precomputed view per page: labels, dates, counts and relative links made here,
so that templates only place them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup as Html

from ..content.checks import is_overdue, is_stale
from ..content.markdown import markup
from ..content.model import Entry, Letter, Markup, Record, Ref, Site, Status, Update, long_date
from . import urls
from .relations import Relations


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Date:
    iso: str
    text: str


def date_view(date: dt.date) -> Date:
    return Date(date.isoformat(), long_date(date))


@dataclass(frozen=True)
class Tag:
    """A status, always shown with its words, never by colour alone."""

    label: str
    tone: str


def tag(status: Status) -> Tag:
    return Tag(status.label, status.tone)


@dataclass(frozen=True)
class Frame:
    """What every page shows around its content."""

    path: str
    title: str
    site_title: str
    description: str
    language: str
    notice: str
    owner: str
    home: str
    stylesheet: str
    canonical: str
    nav: tuple[tuple[Link, bool], ...]
    feed: str = ""
    search_css: str = ""
    """Links to the search bundle, on the search page only."""
    search_js: str = ""


@dataclass(frozen=True)
class Page:
    """One HTML page to render: a template, its frame and its view."""

    template: str
    frame: Frame
    view: Any


class Linker:
    """Links relative to one page."""

    def __init__(self, path: str) -> None:
        self.path = path

    def to(self, target: str) -> str:
        return urls.relative(self.path, target)

    def ref(self, ref: Ref) -> Link:
        return Link(ref.label, self.to(urls.of_ref(ref)))

    def html(self, text: Markup | None, before: dict[str, str] | None = None,
             after: dict[str, str] | None = None) -> Html:
        """A Markdown text rendered for this page."""
        if text is None:
            return Html("")
        refs = {r.written: r for r in text.refs}
        return Html(markup.fill(
            text.html, text.hrefs, lambda written: self.to(urls.of_ref(refs[written])), before, after))


@dataclass(frozen=True)
class Evidence:
    """An evidence link, with the full address a printed page shows after it."""

    text: str
    href: str
    url: str


@dataclass(frozen=True)
class EntryView:
    date: Date
    status: Tag
    note: Html
    evidence: tuple[Evidence, ...]
    due: Date | None


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
    href: str


@dataclass(frozen=True)
class RecordRow:
    title: str
    href: str
    status: Tag
    last_change: Date
    stale: bool


@dataclass(frozen=True)
class UpdateItem:
    title: str
    href: str
    date: Date
    summary: str
    author: str = ""


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


@dataclass(frozen=True)
class Context:
    """What every view builder needs: the site, its reverse links, the build date."""

    site: Site
    relations: Relations
    today: dt.date
    base_url: str
    records: dict[str, Record] = field(default_factory=dict)
    updates: dict[str, Update] = field(default_factory=dict)
    search_index: bool = True
    """Whether the site is published with its search index (the search page's script)."""


def frame(ctx: Context, path: str, title: str, *, feed: str = "", current: str = "",
          search: bool = False) -> Frame:
    link = Linker(path)
    config = ctx.site.config
    sections = [("Home", urls.HOME), ("Letters", urls.LETTERS), ("Updates", urls.UPDATES),
                ("Timeline", urls.TIMELINE), ("Search", urls.SEARCH)]
    sections += [(p.title, urls.page(p.slug)) for p in ctx.site.pages]
    nav = tuple((Link(text, link.to(target)), target == current) for text, target in sections)
    return Frame(
        path=path, title=title, site_title=config.title, description=config.description,
        language=config.language, notice=config.notice, owner=config.owner,
        home=link.to(urls.HOME), stylesheet=link.to(urls.STYLESHEET),
        canonical=urls.absolute(ctx.base_url, path), nav=nav,
        feed=link.to(feed) if feed else "",
        search_css=link.to(urls.SEARCH_CSS) if search else "",
        search_js=link.to(urls.SEARCH_JS) if search else "",
    )


def evidence(ref: Ref, link: Linker, base_url: str) -> Evidence:
    target = urls.of_ref(ref)
    full = target if ref.kind == "external" else urls.absolute(base_url, target)
    return Evidence(ref.label, link.to(target), full)


def entry_view(entry: Entry, link: Linker, base_url: str) -> EntryView:
    return EntryView(
        date_view(entry.date), tag(entry.status), link.html(entry.note),
        tuple(evidence(r, link, base_url) for r in entry.evidence),
        date_view(entry.due) if entry.due else None,
    )


def record_row(ctx: Context, record: Record, link: Linker) -> RecordRow:
    return RecordRow(record.title, link.to(urls.area(record.id)), tag(record.status),
                     date_view(record.last_change), is_stale(record, ctx.site, ctx.today))


def update_item(update: Update, link: Linker) -> UpdateItem:
    return UpdateItem(update.title, link.to(urls.update(update.slug)), date_view(update.date),
                      update.summary, update.author)


def area_page(ctx: Context, record: Record) -> Page:
    path = urls.area(record.id)
    link = Linker(path)
    points = []
    for ref in record.tracks:
        letter: Letter = ctx.site.letter_by_slug[ref.target]
        point = letter.point(ref.anchor)
        label = point.label[0].upper() + point.label[1:]
        points.append(QuotedPoint(label, Link(letter.name, link.to(urls.letter(letter.slug))),
                                  point.context, point.text, link.to(urls.of_ref(ref))))
    actions = tuple(
        ActionView(
            anchor=urls.action_anchor(a.id), title=a.title, owners=a.owners, status=tag(a.status),
            first_due=date_view(a.due) if a.due else None,
            due=date_view(a.current_due) if a.current_due else None,
            overdue=is_overdue(a, ctx.today),
            moves=tuple(entry_view(e, link, ctx.base_url) for e in a.moves),
            timeline=tuple(entry_view(e, link, ctx.base_url) for e in reversed(a.timeline)),
        )
        for a in record.actions
    )
    related = tuple(update_item(ctx.updates[slug], link)
                    for slug in ctx.relations.related_updates.get(record.id, ()))
    view = AreaView(
        title=record.title, status=tag(record.status), last_change=date_view(record.last_change),
        stale=is_stale(record, ctx.site, ctx.today), points=tuple(points), owners=record.owners,
        summary=link.html(record.summary),
        timeline=tuple(entry_view(e, link, ctx.base_url) for e in reversed(record.timeline)),
        actions=actions, related=related, feed=link.to(urls.area_feed(record.id)),
    )
    return Page("area.html", frame(ctx, path, record.title, feed=urls.area_feed(record.id)), view)
