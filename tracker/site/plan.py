"""Every page of a site, as makers not yet called, in groups that read the same parts of it.

A one-off build shares the makers out across processes; the preview reuses a whole group
while its inputs are the same objects, else each page whose own inputs are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import takewhile

from ..content.model import Letter, Record, Site, Update
from ..scale import spool
from ..scale.lazy import Chained, Lazy
from ..scale.memo import NO_MEMO, Memo
from .area import area_page
from .glossary import Glossary, glossary_page
from .home import LATEST_UPDATES, home_page
from .letters import letter_page, letters_page
from .lists import not_found_page, plain_page, search_page
from .relations import Relations, by_news, relate
from .summary import summary_page
from .timeline import Event, timeline_chunks, timeline_page
from .updates import update_chunks, update_page, updates_page
from .views import Context, Page

PageMaker = Callable[[], Page]


@dataclass(frozen=True)
class PageGroup:
    """Pages made from the same inputs. With a memo, a group whose inputs are all the same
    objects as last time is not looked at again; otherwise its pages are reused one by one
    where their own inputs are the same. `inputs` must hold every object any of its pages
    reads, and `name` every value that decides which pages it has."""

    name: Hashable
    inputs: Callable[[], tuple[object, ...]]
    makers: Callable[[], Sequence[PageMaker]]
    whole_site: bool = False
    """Its pages, together, read most letters or records: a one-off build makes those of the
    first such groups before any helper process is forked, which would otherwise copy the
    memory they read."""
    searched: bool = False
    """Its pages are the ones the search index reads: a one-off build makes them first, so
    that the index is made while the other pages are."""


@dataclass(frozen=True)
class BuildOrder:
    """The makers of a one-off build's pages, in two parts made one after the other."""

    searched: Sequence[PageMaker]
    """The pages the search index reads (letters, records, updates)."""
    rest: Sequence[PageMaker]
    whole_site: int
    """How many of the first of `rest` make pages of whole-site groups."""


def page_makers(site: Site, today: dt.date, base_url: str,
                relations: Relations | None = None) -> Sequence[PageMaker]:
    """What makes each HTML page of the site, in a stable order, not yet called (nor made,
    for most pages, until asked for), so that the pages can be shared out and each dropped
    once written."""
    return Chained([group.makers() for group in page_groups(site, today, base_url,
                                                            relations=relations)])


def build_order(site: Site, today: dt.date, base_url: str, relations: Relations | None = None,
                *, search_index: bool = True) -> BuildOrder:
    """`page_makers` in the order a one-off build makes them: the pages the search index
    reads, then the others, whole-site groups first."""
    groups = page_groups(site, today, base_url, relations=relations, search_index=search_index)
    rest = [group for group in groups if not group.searched]
    parts = [group.makers() for group in rest]
    first = takewhile(lambda pair: pair[0].whole_site, zip(rest, parts, strict=True))
    return BuildOrder(Chained([group.makers() for group in groups if group.searched]),
                      Chained(parts), sum(len(part) for _, part in first))


def page_groups(site: Site, today: dt.date, base_url: str, memo: Memo = NO_MEMO,
                relations: Relations | None = None, *,
                search_index: bool = True, editing: bool = False) -> list[PageGroup]:
    """Every HTML page, in groups that depend on the same parts of the site; without the
    `search_index`, the search page lists everything. With a `memo` that keeps what it
    makes (the preview's), each page names what it reads, and a page whose inputs are the
    same objects as last time is not made again (the frame reads the configuration and the
    plain pages)."""
    relations = relations or relate(site)
    ctx = Context(site, relations, today, base_url, {r.id: r for r in site.records},
                  {u.slug: u for u in site.updates}, search_index, editing,
                  Glossary(site.config.glossary))
    frame = (site.config, *site.pages)
    related = relations.related_updates
    quiet, busy = by_news(site.records, relations)

    def one(name: Hashable, inputs: Callable[[], Iterable[object]],
            build: Callable[[], Page]) -> PageMaker:
        if not memo.keeps:  # what a page reads need not be gathered to be forgotten
            return build
        return lambda: memo.call(("page", name, base_url, today), tuple(inputs()), build)

    def letter(x: Letter) -> PageMaker:
        def inputs() -> Iterator[object]:
            yield from (x, *frame)
            yield from (r for p in x.points for r in site.tracked_points.get((x.slug, p.id), ()))

        cited = relations.cited_letters.get(x.slug, ())
        return one(("letter", x.slug, cited), inputs, partial(letter_page, ctx, x))

    def area(r: Record) -> PageMaker:
        def inputs() -> Iterator[object]:
            yield from (r, *frame)
            yield from (site.letter_by_slug[t.target] for t in r.tracks)
            yield from (ctx.updates[s] for s in related.get(r.id, ()))

        return one(("area", r.id), inputs, partial(area_page, ctx, r))

    def update(u: Update) -> PageMaker:
        return one(("update", u.slug), lambda: (u, *frame, *(ctx.records[i] for i in u.about)),
                   partial(update_page, ctx, u))

    def updates_pages() -> list[PageMaker]:
        chunks = update_chunks(site)
        return [one(("updates", number, len(chunks)), partial(tuple, (*frame, *chunk)),
                    partial(updates_page, ctx, number, len(chunks), chunk))
                for number, chunk in enumerate(chunks, start=1)]

    def timeline_pages() -> list[PageMaker]:
        steps = memo.call("timeline", site.records, partial(timeline_chunks, site))
        def inputs(chunk: tuple[Event, ...]) -> Iterator[object]:
            yield from frame
            for record, _, entry in chunk:
                yield record
                yield entry

        return [one(("timeline", number, len(steps)), partial(inputs, chunk),
                    partial(timeline_page, ctx, number, len(steps), chunk))
                for number, chunk in enumerate(steps, start=1)]

    # What the search page lists without the index: only the preview needs them, to know
    # when it changed. With the index, its parts depend on how many pages are searched.
    titles = (tuple((x.slug, x.title) for x in site.letters),
              tuple((r.id, r.title) for r in site.records),
              tuple((u.slug, u.title) for u in site.updates)) if memo.keeps and not search_index \
        else (len(site.letters), len(site.records), len(site.updates))
    home_inputs = (*frame, *site.letters, *site.records, *site.updates[:LATEST_UPDATES])
    return [
        PageGroup("home", lambda: home_inputs, lambda: [
            one("home", lambda: home_inputs, partial(home_page, ctx))], whole_site=True),
        PageGroup("letters", lambda: (*frame, *site.letters, *site.records), lambda: [
            one("letters", lambda: (*frame, *site.letters, *site.records),
                partial(letters_page, ctx))], whole_site=True),
        # Made alone with the others that read the whole site, which it does without the index.
        PageGroup(("search", titles), lambda: frame, lambda: [
            one(("search", titles), lambda: frame, partial(search_page, ctx))], whole_site=True),
        PageGroup("summary", lambda: (*frame, *site.letters, *site.records), lambda: [
            one("summary", lambda: (*frame, *site.letters, *site.records),
                partial(summary_page, ctx))], whole_site=True),
        # Each page of the timeline reads a hundred steps of records from all over the site:
        # a round of them in a helper copies most records' memory, 270 MB at 100,000 letters.
        # Below national scale that is not worth the timeline's share of parallelism.
        PageGroup("timeline", lambda: (*frame, *site.records), timeline_pages,
                  whole_site=len(site.records) > spool.LEAN_FROM),
        PageGroup(("letter pages", memo.version("cited letters", relations.cited_letters)),
                  lambda: (*frame, *site.letters, *site.records),
                  lambda: Lazy(site.letters, letter), searched=True),
        PageGroup("updates", lambda: (*frame, *site.updates), updates_pages),
        PageGroup("update pages", lambda: (*frame, *site.updates, *site.records),
                  lambda: Lazy(site.updates, update), searched=True),
        # Most records have no updates about them: their pages need not be looked at when
        # an update changes.
        PageGroup("quiet areas", lambda: (*frame, *quiet, *site.letters),
                  lambda: Lazy(quiet, area), searched=True),
        PageGroup("busy areas", lambda: (*frame, *site.records, *site.letters, *site.updates),
                  lambda: Lazy(busy, area), searched=True),
        PageGroup("plain pages", lambda: frame, lambda: [
            one(("plain", x.slug), partial(tuple, (x, *frame)), partial(plain_page, ctx, x))
            for x in site.pages]),
        PageGroup("glossary", lambda: frame, lambda: [
            one("glossary", lambda: frame, partial(glossary_page, ctx))]),
        PageGroup("404", lambda: frame, lambda: [
            one("404", lambda: frame, partial(not_found_page, ctx))]),
    ]
