"""A letter's page (letter.html) and the list of letters (letters.html).

A letter's body is Markdown rendered once for the whole site; its page gets it in parts: chunks
of HTML, and in their places the badge of each point (at the start of its block) and the
places that cite a block (at its end), which the template renders with the `point_badge` and
`cited_in` macros of _points.html, which a theme can replace alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from markupsafe import Markup as Html

from ..content.model import Letter
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
    counted,
    date_range,
    date_view,
    frame,
    page_linker,
    point_label,
    tag,
)

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CROWN = ("ofsted", "cqc", "hmi", "estyn")
"""Inspectorates whose letters are Crown copyright."""


@dataclass(frozen=True)
class LetterPoint:
    """A point of the letter and what tracks it: a row of the list of points, and the badge at
    the start of its block in the body."""

    id: str
    label: str
    href: str
    status: Tag | None
    """The status of the record that tracks it, else None (not tracked yet)."""
    record: Link | None
    track: str = ""
    """In the preview, for a point no record tracks: the form that starts tracking it."""
    kind: ClassVar[Literal["point"]] = "point"


@dataclass(frozen=True)
class CitedIn:
    """The places that cite a block of the letter, at the end of that block."""

    places: tuple[Link, ...]
    kind: ClassVar[Literal["cited"]] = "cited"


@dataclass(frozen=True)
class HtmlChunk:
    """The letter's own HTML, between the points and the places that cite its blocks."""

    html: Html
    kind: ClassVar[Literal["html"]] = "html"


BodyPart = HtmlChunk | LetterPoint | CitedIn
"""A part of a letter's body: the template renders each by its `kind`."""


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
    visited: str
    """'26 to 30 June 2023'."""
    outcome: str
    source: str
    crown: bool
    licence: str
    points: tuple[LetterPoint, ...]
    body: tuple[BodyPart, ...]
    standing: StatusChart | None = None
    """Its points by the status of the area that tracks them."""
    history: HistoryChart | None = None


@dataclass(frozen=True)
class LetterItem:
    title: str
    href: str
    name: str
    subject: str
    points: int
    tracked: int


def letter_page(ctx: Context, letter: Letter) -> PageOf[LetterView]:
    path = urls.letter(letter.slug)
    link = page_linker(ctx, path)
    points: list[LetterPoint] = []
    before: dict[str, LetterPoint] = {}
    after: dict[str, CitedIn] = {}
    for point in letter.points:
        tracking = ctx.site.tracked_points.get((letter.slug, point.id), ())
        record = Link(tracking[0].title, link.to(urls.area(tracking[0].id))) if tracking else None
        status = tag(tracking[0].status) if tracking else None
        track = link.to(urls.form_track(letter.slug, point.id)) if ctx.editing and not tracking else ""
        points.append(LetterPoint(point.id, point_label(point), f"#{point.id}", status, record, track))
        before[point.anchor] = points[-1]
    for anchor in letter.anchors:
        places = ctx.relations.cited_in.get((letter.slug, anchor), ())
        if places:
            after[anchor] = CitedIn(tuple(Link(p.title, link.to(p.path)) for p in places))
    body = tuple(HtmlChunk(part) if isinstance(part, Html) else part
                 for part in link.parts(letter.body, before, after))
    view = LetterView(
        title=letter.title, name=letter.name, subject=letter.subject, date=date_view(letter.date),
        kind=letter.kind.replace("-", " "), inspectorate=" and ".join(letter.inspectorate),
        inspectors=", ".join(letter.inspectors),
        visit_dates=tuple(date_view(d) for d in letter.visit_dates),
        visited=date_range(letter.visit_dates), outcome=letter.outcome, source=letter.source,
        crown=any(i.lower() in CROWN for i in letter.inspectorate), licence=OGL,
        points=tuple(points), body=body,
        standing=status_chart(ctx.site, [letter], "letter"),
        history=history_chart(ctx.site, [letter], ctx.today, "letter"),
    )
    return PageOf("letter.html", frame(ctx, path, letter.title, current=urls.LETTERS,
                                       summary=letter_summary(ctx, letter), kind="article"), view)


def letter_summary(ctx: Context, letter: Letter) -> str:
    """'Hertfordshire County Council: Ofsted and CQC full inspection letter, 14 July 2023. 2 areas
    for priority action and 5 areas for improvement, 2 of them tracked.'"""
    kinds = {k.id: k.label for k in ctx.site.config.points}
    counts: dict[str, int] = {}
    for point in letter.points:
        counts[point.kind] = counts.get(point.kind, 0) + 1
    named = [counted(n, kinds.get(kind, kind)) for kind, n in counts.items()]
    if not named:
        return f"{letter.named}."
    tracked = sum((letter.slug, p.id) in ctx.site.tracked_points for p in letter.points)
    listed = " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)
    if len(letter.points) == 1:
        return f"{letter.named}. {listed}: {'tracked' if tracked else 'not tracked yet'}."
    return f"{letter.named}. {listed}, {tracked} of them tracked."


def letters_page(ctx: Context) -> PageOf[Sequence[LetterItem]]:
    """Every letter, newest first, each card made as the page is written."""
    link = Linker(urls.LETTERS)

    def item(x: Letter) -> LetterItem:
        return LetterItem(x.title, link.to(urls.letter(x.slug)), x.name, x.subject, len(x.points),
                          sum((x.slug, p.id) in ctx.site.tracked_points for p in x.points))

    items = Lazy(ctx.site.letters[::-1], item)
    return PageOf("letters.html", frame(ctx, urls.LETTERS, "Letters", current=urls.LETTERS,
                                        edits=[("Add a letter", urls.FORM_LETTER)]), items)
