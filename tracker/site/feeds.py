"""Atom feeds (RFC 4287), the sitemaps, and every file made from the whole site at once
(the open data itself is made in opendata.py): pure functions of the site, the build date
`today` and `base_url`; no clock, no files."""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from xml.sax.saxutils import escape as xml_escape

from ..content.model import Entry, Record, Site, Update, long_date
from ..scale.lazy import Lazy
from ..scale.memo import NO_MEMO, Memo
from . import urls
from .files import Streamed
from .opendata import (
    RECORDS_HEADER,
    TIMELINE_HEADER,
    csv_pieces,
    records_rows,
    timeline_rows,
    tracker_json,
)
from .relations import Relations, by_news, relate

_ATOM = "http://www.w3.org/2005/Atom"
_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry at all, even escaped."""
# Atom feeds


@dataclass(frozen=True)
class _FeedItem:
    """One Atom entry, before it is written."""

    id: str
    title: str
    link: str
    date: dt.date
    rank: int
    """Order among same-date entries of one timeline (later in the file is newer)."""
    summary: str = ""
    content: str = ""
    author: str = ""


def _numbered(timeline: tuple[Entry, ...]) -> list[tuple[Entry, int]]:
    """Each entry with its position among the entries of the same date: 1, 2, …"""
    seen: dict[dt.date, int] = {}
    found = []
    for entry in timeline:
        seen[entry.date] = seen.get(entry.date, 0) + 1
        found.append((entry, seen[entry.date]))
    return found


def _change_text(entry: Entry) -> str:
    """A status change as plain text: the note, a moved deadline, the evidence titles."""
    parts = [entry.note.text] if entry.note is not None and entry.note.text else []
    if entry.due is not None:
        parts.append(f"Due date moved to {long_date(entry.due)}.")
    if entry.evidence:
        parts.append("Evidence: " + "; ".join(ref.label for ref in entry.evidence))
    return "\n\n".join(parts)


def _change_items(record: Record, base_url: str) -> list[_FeedItem]:
    """Every dated step of a record and of its sub-actions."""
    page = urls.area(record.id)
    timelines = [(record.title, page, "", record.timeline)]
    for action in record.actions:
        anchor = urls.action_anchor(action.id)
        timelines.append((f"{record.title} – {action.title}", f"{page}#{anchor}", f"{anchor}-",
                          action.timeline))
    return [
        _FeedItem(
            id=urls.absolute(base_url, f"{page}#{prefix}{entry.date.isoformat()}-{rank}"),
            title=f"{title}: {entry.status.label}", link=urls.absolute(base_url, link),
            date=entry.date, rank=rank, content=_change_text(entry),
        )
        for title, link, prefix, timeline in timelines
        for entry, rank in _numbered(timeline)
    ]


def _update_item(update: Update, base_url: str) -> _FeedItem:
    url = urls.absolute(base_url, urls.update(update.slug))
    return _FeedItem(id=url, title=update.title, link=url, date=update.date, rank=0,
                     summary=update.summary, author=update.author)


def _stamp(date: dt.date) -> str:
    """An Atom date-time for the start of a day, in UTC."""
    return f"{date.isoformat()}T00:00:00Z"


def _leaf(tag: str, text: str = "", **attrs: str) -> str:
    """An element without children, as ElementTree writes it (empty ones as `<tag />`)."""
    text = _NOT_XML.sub("", text)
    opening = tag + "".join(f' {name}="{xml_escape(value, _ATTRIBUTE)}"'
                            for name, value in attrs.items())
    return f"<{opening}>{xml_escape(text)}</{tag}>" if text else f"<{opening} />"


_ATTRIBUTE = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
"""What an attribute value escapes besides &, < and > (as ElementTree does)."""


def _newest_first(item: _FeedItem) -> tuple[dt.date, int, str]:
    return item.date, item.rank, item.id


def _atom_feed(site: Site, today: dt.date, base_url: str, title: str, feed_path: str,
               page_path: str, items: list[_FeedItem]) -> bytes:
    """An Atom feed of `items`, newest first, dated by its newest entry (else `today`): the
    text ElementTree writes, indented, written directly (a national site has 250,000)."""
    config = site.config
    self_url = urls.absolute(base_url, feed_path)
    children = [_leaf("id", self_url), _leaf("title", title)]
    if config.description:
        children.append(_leaf("subtitle", config.description))
    children += [
        _leaf("link", rel="self", type="application/atom+xml", href=self_url),
        _leaf("link", rel="alternate", type="text/html", href=urls.absolute(base_url, page_path)),
        _leaf("updated", _stamp(max((item.date for item in items), default=today))),
        *_parent("author", [_leaf("name", config.owner or config.title)]),
    ]
    for item in sorted(items, key=_newest_first, reverse=True):
        children += _parent("entry", _entry(item))
    language = xml_escape(config.language, _ATTRIBUTE)
    return "\n".join(["<?xml version='1.0' encoding='utf-8'?>",
                      *_parent(f'feed xmlns="{_ATOM}" xml:lang="{language}"', children),
                      ""]).encode()


def _entry(item: _FeedItem) -> list[str]:
    lines = [
        _leaf("id", item.id),
        _leaf("title", item.title),
        _leaf("link", rel="alternate", type="text/html", href=item.link),
        _leaf("published", _stamp(item.date)),
        _leaf("updated", _stamp(item.date)),
    ]
    if item.author:
        lines += _parent("author", [_leaf("name", item.author)])
    if item.summary:
        lines.append(_leaf("summary", item.summary, type="text"))
    if item.content:
        lines.append(_leaf("content", item.content, type="text"))
    return lines


def _parent(opening: str, children: list[str]) -> list[str]:
    """The lines of an element holding `children` (lines already written), indented."""
    return [f"<{opening}>", *(f"  {line}" for line in children), f"</{opening.split(' ')[0]}>"]


SITE_FEED_ENTRIES = 100
"""The newest updates and status changes in feed.xml. Feed readers fetch it again and again;
a national site has hundreds of thousands of steps, all on the timeline pages and in the
open data, and each record's own feed has all of its own."""


def site_feed(site: Site, today: dt.date, base_url: str) -> bytes:
    """feed.xml: the newest updates and status changes of the site."""
    everything = [_update_item(u, base_url) for u in site.updates]
    everything += [item for record in site.records for item in _change_items(record, base_url)]
    newest = heapq.nlargest(SITE_FEED_ENTRIES, everything, key=_newest_first)
    return _atom_feed(site, today, base_url, site.config.title, urls.FEED, urls.HOME, newest)


def area_feed(site: Site, today: dt.date, base_url: str, record: Record,
              related: Sequence[Update]) -> bytes:
    """areas/ID/feed.xml: one record's status changes and the updates related to it."""
    items = _change_items(record, base_url) + [_update_item(u, base_url) for u in related]
    return _atom_feed(site, today, base_url, f"{record.title} – {site.config.title}",
                      urls.area_feed(record.id), urls.area(record.id), items)


def area_feeds(site: Site, today: dt.date, base_url: str, relations: Relations | None = None,
               memo: Memo = NO_MEMO) -> dict[str, bytes]:
    """areas/ID/feed.xml for each record, made at once (the preview's; a build writes each
    as it is made, from `area_feed_makers`). With a `memo` that keeps them, only those whose
    inputs changed are made again, and those of records no update is about are not looked
    at when only updates changed."""
    relations = relations or relate(site)
    quiet, busy = by_news(site.records, relations)
    feeds: dict[str, bytes] = {}  # which records are quiet is in each group's inputs
    for name, records, inputs in (("quiet", quiet, (site.config, *quiet)),
                                  ("busy", busy, (site.config, *site.records, *site.updates))):
        def make(records: Sequence[Record] = records) -> dict[str, bytes]:
            makers = area_feed_makers(site, today, base_url, relations, memo, records)
            return {path: make_feed() for path, make_feed in makers}

        feeds.update(memo.call(("feeds", name, base_url, today), inputs, make))
    return feeds


def area_feed_makers(site: Site, today: dt.date, base_url: str,
                     relations: Relations | None = None, memo: Memo = NO_MEMO,
                     records: Sequence[Record] | None = None,
                     ) -> Sequence[tuple[str, Callable[[], bytes]]]:
    """The path of each record's feed (of `records`, by default all) and what makes it,
    not yet called (nor made until asked for)."""
    related = (relations or relate(site)).related_updates
    updates = {update.slug: update for update in site.updates}

    def make(record: Record) -> bytes:
        mentions = [updates[slug] for slug in related.get(record.id, ())]
        return memo.call(("feed", record.id, base_url, today), (record, site.config, *mentions),
                         partial(area_feed, site, today, base_url, record, mentions))

    return Lazy(site.records if records is None else records,
                lambda record: (urls.area_feed(record.id), partial(make, record)))


SITEMAP_LIMIT = 50_000
"""URLs in one sitemap file, as sitemaps.org allows; more are split across several files,
which sitemap.xml then lists (a sitemap index)."""


def sitemaps(base_url: str, page_paths: Sequence[str],
             limit: int | None = None) -> dict[str, bytes]:
    """sitemap.xml for the given HTML output paths, leaving out the 404 page; past `limit`
    pages (SITEMAP_LIMIT), sitemap.xml is an index of sitemap-1.xml, sitemap-2.xml…"""
    limit = limit or SITEMAP_LIMIT
    locs = [urls.absolute(base_url, path) for path in sorted(set(page_paths) - {urls.NOT_FOUND})]
    if len(locs) <= limit:
        return {"sitemap.xml": _sitemap_xml("urlset", "url", locs)}
    parts = {f"sitemap-{n}.xml": _sitemap_xml("urlset", "url", locs[start:start + limit])
             for n, start in enumerate(range(0, len(locs), limit), start=1)}
    index = _sitemap_xml("sitemapindex", "sitemap", [urls.absolute(base_url, p) for p in parts])
    return {"sitemap.xml": index, **parts}


def _sitemap_xml(root: str, item: str, locs: Sequence[str]) -> bytes:
    """The text ElementTree writes for <root><item><loc>…</loc></item>…</root>, indented,
    written directly: a national site has hundreds of thousands of them."""
    lines = [f"<?xml version='1.0' encoding='utf-8'?>\n<{root} xmlns=\"{_SITEMAP}\">"]
    lines += [f"  <{item}>\n    <loc>{xml_escape(loc)}</loc>\n  </{item}>" for loc in locs]
    lines.append(f"</{root}>\n")
    return "\n".join(lines).encode()


SITE_EXPORTS = (urls.FEED, urls.DATA_JSON, urls.RECORDS_CSV, urls.TIMELINE_CSV)
"""The files made from the whole site at once."""


def site_exports(site: Site, today: dt.date, base_url: str) -> dict[str, bytes | Streamed]:
    """feed.xml, and the open data made as it is written: data/tracker.json,
    data/records.csv and data/timeline.csv."""
    return {
        urls.FEED: site_feed(site, today, base_url),
        urls.DATA_JSON: Streamed(partial(tracker_json, site, today, base_url)),
        urls.RECORDS_CSV: Streamed(lambda: csv_pieces(RECORDS_HEADER,
                                                      records_rows(site, today, base_url))),
        urls.TIMELINE_CSV: Streamed(lambda: csv_pieces(TIMELINE_HEADER,
                                                       timeline_rows(site, base_url))),
    }
