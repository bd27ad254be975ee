"""Every HTML page of a site, as views ready for their templates."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial

from markupsafe import Markup as Html
from markupsafe import escape

from ..content.checks import is_stale
from ..content.model import Entry, Letter, Poll, Record, Site, Update
from ..content.model import Page as PlainPage
from ..scale.lazy import Lazy
from . import urls
from .views import (
    Context,
    Date,
    EntryView,
    Link,
    Linker,
    Page,
    RecordRow,
    Tag,
    UpdateItem,
    date_view,
    entry_view,
    frame,
    record_row,
    tag,
    update_item,
)

UPDATES_PER_PAGE = 10
TIMELINE_PER_PAGE = 100
"""Events on a page of the timeline: a national site has hundreds of thousands."""
LATEST_UPDATES = 5
CHART_LINE_CHARS = 28
"""The longest line of words in a poll chart: fits 320 px at the body's text size."""
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True)
class LetterGroup:
    letter: Link
    rows: tuple[RecordRow, ...]


@dataclass(frozen=True)
class HomeView:
    counts: tuple[tuple[Tag, int], ...]
    total: int
    stale: int
    groups: Sequence[LetterGroup]
    """Made as the page is written: a national site's home page lists 250,000 records."""
    latest: tuple[UpdateItem, ...]
    updates: str
    feed: str


@dataclass(frozen=True)
class PointRow:
    label: str
    href: str
    status: Tag | None
    record: Link | None


@dataclass(frozen=True)
class LetterView:
    title: str
    name: str
    subject: str
    date: Date
    kind: str
    inspectorate: str
    inspectors: str
    visit_dates: tuple[Date, ...]
    source: str
    crown: bool
    licence: str
    points: tuple[PointRow, ...]
    body: Html


@dataclass(frozen=True)
class LetterItem:
    title: str
    href: str
    name: str
    subject: str
    points: int
    tracked: int


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
    number: int
    pages: int
    previous: str
    next: str


@dataclass(frozen=True)
class TimelineEvent:
    record: Link
    action: str
    entry: EntryView


@dataclass(frozen=True)
class TimelineView:
    events: tuple[TimelineEvent, ...]
    number: int
    pages: int
    previous: str
    next: str


Event = tuple[Record, str, Entry]
"""A dated step on the timeline: its record, the sub-action's title (else ''), the entry."""


@dataclass(frozen=True)
class ListView:
    """A simple page: a body, or lists of links (search fallback, 404)."""

    body: Html
    letters: Sequence[Link] = ()
    records: Sequence[Link] = ()
    updates: Sequence[Link] = ()


def home_page(ctx: Context) -> Page:
    link = Linker(urls.HOME)
    records = ctx.site.records
    counts = tuple((tag(s), n) for s in ctx.site.config.statuses
                   if (n := sum(r.status == s for r in records)))
    by_letter: dict[str, list[Record]] = {}
    for record in records:
        by_letter.setdefault(record.tracks[0].target, []).append(record)

    def group(letter: Letter) -> LetterGroup:
        return LetterGroup(Link(letter.name, link.to(urls.letter(letter.slug))),
                           tuple(record_row(ctx, r, link) for r in by_letter[letter.slug]))

    view = HomeView(
        counts=counts, total=len(records),
        stale=sum(is_stale(r, ctx.site, ctx.today) for r in records),
        groups=Lazy([letter for letter in ctx.site.letters if letter.slug in by_letter], group),
        latest=tuple(update_item(u, link) for u in ctx.site.updates[:LATEST_UPDATES]),
        updates=link.to(urls.UPDATES), feed=link.to(urls.FEED),
    )
    return Page("home.html", frame(ctx, urls.HOME, ctx.site.config.title, feed=urls.FEED,
                                   current=urls.HOME), view)


def _badge(label: str, status: Tag | None, record: Link | None, point_id: str) -> str:
    """A point's label, status and record link, placed at the start of its block."""
    state = (f'<strong class="tag tag-{status.tone}">{escape(status.label)}</strong> '
             f'<a href="{escape(record.href)}">{escape(record.text)}</a>'
             if status and record else '<span class="tag tag-none">Not tracked yet</span>')
    return (f'<span class="point-badge" id="{escape(point_id)}">'
            f'<span class="point-label">{escape(label)}</span> {state}</span> ')


def _cited(places: tuple[Link, ...]) -> str:
    links = ", ".join(f'<a href="{escape(p.href)}">{escape(p.text)}</a>' for p in places)
    return f' <span class="cited-in">Cited in: {links}</span>'


def letter_page(ctx: Context, letter: Letter) -> Page:
    path = urls.letter(letter.slug)
    link = Linker(path)
    rows, before, after = [], {}, {}
    for point in letter.points:
        label = point.label[0].upper() + point.label[1:]
        tracking = ctx.site.tracked_points.get((letter.slug, point.id), ())
        record = Link(tracking[0].title, link.to(urls.area(tracking[0].id))) if tracking else None
        status = tag(tracking[0].status) if tracking else None
        rows.append(PointRow(label, f"#{point.id}", status, record))
        before[point.anchor] = _badge(label, status, record, point.id)
    for anchor in letter.anchors:
        places = ctx.relations.cited_in.get((letter.slug, anchor), ())
        if places:
            after[anchor] = _cited(tuple(Link(p.title, link.to(p.path)) for p in places))
    crown = any(i.lower() in ("ofsted", "cqc", "hmi", "estyn") for i in letter.inspectorate)
    view = LetterView(
        title=letter.title, name=letter.name, subject=letter.subject, date=date_view(letter.date),
        kind=letter.kind.replace("-", " "), inspectorate=" and ".join(letter.inspectorate),
        inspectors=", ".join(letter.inspectors),
        visit_dates=tuple(date_view(d) for d in letter.visit_dates), source=letter.source,
        crown=crown, licence=OGL, points=tuple(rows),
        body=link.html(letter.body, before, after),
    )
    return Page("letter.html", frame(ctx, path, letter.title, current=urls.LETTERS), view)


def letters_page(ctx: Context) -> Page:
    link = Linker(urls.LETTERS)

    def item(x: Letter) -> LetterItem:
        return LetterItem(x.title, link.to(urls.letter(x.slug)), x.name, x.subject, len(x.points),
                          sum((x.slug, p.id) in ctx.site.tracked_points for p in x.points))

    items = Lazy(ctx.site.letters[::-1], item)
    return Page("letters.html", frame(ctx, urls.LETTERS, "Letters", current=urls.LETTERS), items)


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


def update_page(ctx: Context, update: Update) -> Page:
    path = urls.update(update.slug)
    link = Linker(path)
    about = tuple(Link(ctx.records[i].title, link.to(urls.area(i))) for i in update.about)
    view = UpdateView(update.title, date_view(update.date), update.author, link.html(update.body),
                      poll_view(update.poll) if update.poll else None, about)
    return Page("update.html", frame(ctx, path, update.title, current=urls.UPDATES), view)


def update_chunks(site: Site) -> list[tuple[Update, ...]]:
    """The updates as they fall on the pages of the updates list."""
    return [site.updates[i:i + UPDATES_PER_PAGE]
            for i in range(0, len(site.updates), UPDATES_PER_PAGE)] or [()]


def updates_page(ctx: Context, number: int, pages: int, chunk: tuple[Update, ...]) -> Page:
    """Page `number` of the updates list, newest first."""
    path = urls.updates_page(number)
    link = Linker(path)
    view = UpdatesView(
        tuple(update_item(u, link) for u in chunk), number, pages,
        link.to(urls.updates_page(number - 1)) if number > 1 else "",
        link.to(urls.updates_page(number + 1)) if number < pages else "",
    )
    title = "Updates" if number == 1 else f"Updates, page {number} of {pages}"
    return Page("updates.html", frame(ctx, path, title, feed=urls.FEED, current=urls.UPDATES),
                view)


def timeline_chunks(site: Site) -> list[tuple[Event, ...]]:
    """Every dated step of every record, newest first (same-day steps in file order), as they
    fall on the pages of the timeline."""
    events: list[Event] = []
    for record in site.records:
        events += [(record, "", entry) for entry in record.timeline]
        for action in record.actions:
            events += [(record, action.title, entry) for entry in action.timeline]
    events.sort(key=lambda event: event[2].date, reverse=True)
    return [tuple(events[i:i + TIMELINE_PER_PAGE])
            for i in range(0, len(events), TIMELINE_PER_PAGE)] or [()]


def timeline_page(ctx: Context, number: int, pages: int, chunk: tuple[Event, ...]) -> Page:
    """Page `number` of the timeline."""
    path = urls.timeline_page(number)
    link = Linker(path)
    view = partial(entry_view, link=link, base_url=ctx.base_url)
    events = tuple(TimelineEvent(Link(record.title, link.to(urls.area(record.id))), action,
                                 view(entry)) for record, action, entry in chunk)
    title = "Timeline" if number == 1 else f"Timeline, page {number} of {pages}"
    return Page("timeline.html", frame(ctx, path, title, feed=urls.FEED, current=urls.TIMELINE),
                TimelineView(events, number, pages,
                             link.to(urls.timeline_page(number - 1)) if number > 1 else "",
                             link.to(urls.timeline_page(number + 1)) if number < pages else ""))


def _index_lists(ctx: Context, link: Linker) -> ListView:
    """Every letter, record and update, each link made as the page is written: 350,000 of
    them for a national site."""
    return ListView(
        Html(""),
        letters=Lazy(ctx.site.letters, lambda x: Link(x.title, link.to(urls.letter(x.slug)))),
        records=Lazy(ctx.site.records, lambda r: Link(r.title, link.to(urls.area(r.id)))),
        updates=Lazy(ctx.site.updates, lambda u: Link(u.title, link.to(urls.update(u.slug)))),
    )


def search_page(ctx: Context) -> Page:
    view = _index_lists(ctx, Linker(urls.SEARCH))
    return Page("search.html", frame(ctx, urls.SEARCH, "Search", current=urls.SEARCH,
                                     search=ctx.search_index), view)


def not_found_page(ctx: Context) -> Page:
    """The 404 page is served at any address, so its links start from the host's root
    (the path of `base_url`): they work on any host that publishes the site at that path,
    the preview included."""
    base = ctx.base_url
    view = ListView(Html(""), letters=(), records=(), updates=())
    page_frame = frame(ctx, urls.NOT_FOUND, "Page not found")
    nav = tuple((Link(link.text, urls.rooted(base, link.href)), False)
                for link, _ in page_frame.nav)
    return Page("404.html", replace(page_frame, nav=nav, home=urls.rooted(base, urls.HOME),
                                    stylesheet=urls.rooted(base, urls.STYLESHEET)), view)


def plain_page(ctx: Context, item: PlainPage) -> Page:
    path = urls.page(item.slug)
    view = ListView(Linker(path).html(item.body))
    return Page("page.html", frame(ctx, path, item.title, current=path), view)
