"""The home page (home.html): where things stand, every tracked area by letter, the latest
updates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..content.checks import is_stale
from ..content.model import Letter, Record
from ..scale.lazy import Lazy
from . import urls
from .charts import HistoryChart, StatusChart, history_chart, status_chart
from .views import (
    Context,
    Date,
    Link,
    Linker,
    PageOf,
    Tag,
    UpdateItem,
    counted,
    date_view,
    frame,
    in_a_sentence,
    tag,
    update_item,
)

LATEST_UPDATES = 5


@dataclass(frozen=True)
class RecordRow:
    title: str
    href: str
    status: Tag
    last_change: Date
    stale: bool


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
    summary: str
    """The page to print for a meeting."""
    points: StatusChart | None = None
    """Every letter's points by the status of the area that tracks them."""
    history: HistoryChart | None = None


def record_row(ctx: Context, record: Record, link: Linker) -> RecordRow:
    return RecordRow(record.title, link.to(urls.area(record.id)), tag(record.status),
                     date_view(record.last_change), is_stale(record, ctx.site, ctx.today))


def home_page(ctx: Context) -> PageOf[HomeView]:
    link = Linker(urls.HOME)
    records = ctx.site.records
    counts = tuple((tag(s), n) for s in ctx.site.config.statuses
                   if (n := sum(r.status == s for r in records)))
    by_letter: dict[str, list[Record]] = {}
    for record in records:
        by_letter.setdefault(record.tracks[0].target, []).append(record)

    def group(letter: Letter) -> LetterGroup:
        return LetterGroup(Link(letter.named, link.to(urls.letter(letter.slug))),
                           tuple(record_row(ctx, r, link) for r in by_letter[letter.slug]))

    view = HomeView(
        counts=counts, total=len(records),
        stale=sum(is_stale(r, ctx.site, ctx.today) for r in records),
        groups=Lazy([letter for letter in ctx.site.letters if letter.slug in by_letter], group),
        latest=tuple(update_item(u, link) for u in ctx.site.updates[:LATEST_UPDATES]),
        updates=link.to(urls.UPDATES), feed=link.to(urls.FEED), summary=link.to(urls.SUMMARY),
        points=status_chart(ctx.site, ctx.site.letters, "all"),
        history=history_chart(ctx.site, ctx.site.letters, ctx.today, "all"),
    )
    standings = ", ".join(f"{n} {in_a_sentence(t.label)}" for t, n in counts)
    summary = " ".join(filter(None, (ctx.site.config.description, (
        f"{counted(len(records), 'area')} tracked: {standings}." if records else ""))))
    return PageOf("home.html", frame(ctx, urls.HOME, ctx.site.config.title, feed=urls.FEED,
                                     current=urls.HOME, summary=summary), view)
