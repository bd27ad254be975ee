"""The summary (summary.html): every tracked area on one page, to print for a meeting: its
status and since when, the evidence of its latest entry that cites any, and the next date a
sub-action is due, grouped by the letter whose points it tracks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..content.checks import is_overdue, is_stale
from ..content.model import Letter, Record
from ..scale.lazy import Lazy
from . import urls
from .views import Context, Date, Evidence, Link, Linker, PageOf, Tag, date_view, evidence, frame, tag


@dataclass(frozen=True)
class SummaryRow:
    title: str
    href: str
    status: Tag
    since: Date
    stale: bool
    evidence: tuple[Evidence, ...]
    """Of the latest entry that cites any."""
    next_due: Date | None
    """The soonest deadline of a sub-action not done yet."""
    overdue: bool


@dataclass(frozen=True)
class SummaryGroup:
    letter: Link
    rows: tuple[SummaryRow, ...]


@dataclass(frozen=True)
class SummaryView:
    total: int
    today: Date
    groups: Sequence[SummaryGroup]
    """Made as the page is written, as the home page's are."""


def summary_row(ctx: Context, record: Record, link: Linker) -> SummaryRow:
    cited = next((e for e in reversed(record.timeline) if e.evidence), None)
    pending = [a for a in record.actions if a.current_due and not a.status.done]
    soonest = min(pending, key=lambda a: a.current_due or ctx.today, default=None)
    return SummaryRow(
        record.title, link.to(urls.area(record.id)), tag(record.status),
        date_view(record.last_change), is_stale(record, ctx.site, ctx.today),
        tuple(evidence(r, link, ctx.base_url) for r in cited.evidence) if cited else (),
        date_view(soonest.current_due) if soonest and soonest.current_due else None,
        bool(soonest and is_overdue(soonest, ctx.today)),
    )


def summary_page(ctx: Context) -> PageOf[SummaryView]:
    link = Linker(urls.SUMMARY)
    by_letter: dict[str, list[Record]] = {}
    for record in ctx.site.records:
        by_letter.setdefault(record.tracks[0].target, []).append(record)

    def group(letter: Letter) -> SummaryGroup:
        return SummaryGroup(Link(letter.named, link.to(urls.letter(letter.slug))),
                            tuple(summary_row(ctx, r, link) for r in by_letter[letter.slug]))

    view = SummaryView(len(ctx.site.records), date_view(ctx.today),
                       Lazy([x for x in ctx.site.letters if x.slug in by_letter], group))
    return PageOf("summary.html", frame(
        ctx, urls.SUMMARY, "Summary of every area",
        summary=f"Every tracked area on one page, to print: status, since when, last evidence "
                f"and next due date, as of {view.today.text}."), view)
