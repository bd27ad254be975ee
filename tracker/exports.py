"""Atom feeds (RFC 4287), the sitemap and open data (JSON described by schema/tracker.schema.json,
and CSV): pure functions of the site, the build date `today` and `base_url`; no clock, no files."""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from . import urls
from .checks import is_overdue, is_stale
from .memo import Memo, cached
from .model import Action, Entry, Letter, Record, Ref, Site, Update, long_date
from .relations import Relations, by_news, relate
from .write import Streamed

_ATOM = "http://www.w3.org/2005/Atom"
_SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry at all, even escaped."""
_RECORDS_HEADER = ("id", "title", "status", "status_label", "last_change", "stale", "tracks", "owners", "url")
_TIMELINE_HEADER = ("record", "action", "date", "status", "status_label", "due", "note", "evidence", "url")

_Json = dict[str, Any]


def _ref_url(base_url: str, ref: Ref) -> str:
    """Where a reference points: absolute for this site, as written for outside URLs."""
    return ref.target if ref.kind == "external" else urls.absolute(base_url, urls.of_ref(ref))


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


def _add(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text:
        element.text = _NOT_XML.sub("", text)
    return element


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def _newest_first(item: _FeedItem) -> tuple[dt.date, int, str]:
    return item.date, item.rank, item.id


def _atom_feed(site: Site, today: dt.date, base_url: str, title: str, feed_path: str,
               page_path: str, items: list[_FeedItem]) -> bytes:
    """An Atom feed of `items`, newest first, dated by its newest entry (else `today`)."""
    config = site.config
    feed = ET.Element("feed", {"xmlns": _ATOM, _XML_LANG: config.language})
    self_url = urls.absolute(base_url, feed_path)
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    if config.description:
        _add(feed, "subtitle", config.description)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=urls.absolute(base_url, page_path))
    _add(feed, "updated", _stamp(max((item.date for item in items), default=today)))
    _add(_add(feed, "author"), "name", config.owner or config.title)
    for item in sorted(items, key=_newest_first, reverse=True):
        entry = _add(feed, "entry")
        _add(entry, "id", item.id)
        _add(entry, "title", item.title)
        _add(entry, "link", rel="alternate", type="text/html", href=item.link)
        _add(entry, "published", _stamp(item.date))
        _add(entry, "updated", _stamp(item.date))
        if item.author:
            _add(_add(entry, "author"), "name", item.author)
        if item.summary:
            _add(entry, "summary", item.summary, type="text")
        if item.content:
            _add(entry, "content", item.content, type="text")
    return _xml_bytes(feed)


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
               memo: Memo | None = None) -> dict[str, bytes]:
    """areas/ID/feed.xml for each record. With a `memo`, only those whose inputs changed are
    made again, and those of records no update is about are not looked at when only
    updates changed."""
    relations = relations or relate(site)
    quiet, busy = by_news(site.records, relations)
    quiet_ids = memo.version("quiet feeds", tuple(r.id for r in quiet)) if memo else 0
    feeds: dict[str, bytes] = {}
    for name, records, inputs in ((("quiet", quiet_ids), quiet, (site.config, *quiet)),
                                  ("busy", busy, (site.config, *site.records, *site.updates))):
        def make(records: Sequence[Record] = records) -> dict[str, bytes]:
            makers = area_feed_makers(site, today, base_url, relations, memo, records)
            return {path: make_feed() for path, make_feed in makers}

        feeds.update(cached(memo, ("feeds", name, base_url, today), inputs, make))
    return feeds


def area_feed_makers(site: Site, today: dt.date, base_url: str,
                     relations: Relations | None = None, memo: Memo | None = None,
                     records: Sequence[Record] | None = None,
                     ) -> list[tuple[str, Callable[[], bytes]]]:
    """The path of each record's feed (of `records`, by default all) and what makes it,
    not yet called."""
    related = (relations or relate(site)).related_updates
    updates = {update.slug: update for update in site.updates}

    def make(record: Record) -> bytes:
        mentions = [updates[slug] for slug in related.get(record.id, ())]
        return cached(memo, ("feed", record.id, base_url, today), (record, site.config, *mentions),
                      partial(area_feed, site, today, base_url, record, mentions))

    return [(urls.area_feed(record.id), partial(make, record))
            for record in (site.records if records is None else records)]


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


# Open data: JSON


def _ref_data(ref: Ref, base_url: str) -> _Json:
    return {"ref": ref.written, "title": ref.label, "url": _ref_url(base_url, ref)}


def _entry_data(entry: Entry, base_url: str) -> _Json:
    return {"date": entry.date.isoformat(), "status": entry.status.id,
            "note": entry.note.text if entry.note is not None else None,
            "evidence": [_ref_data(ref, base_url) for ref in entry.evidence]}


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date is not None else None


def _letter_data(site: Site, letter: Letter, base_url: str) -> _Json:
    points = []
    for point in letter.points:
        ref = Ref(f"letter:{letter.slug}#{point.id}", "point", letter.slug, point.id)
        tracked_by = site.tracked_points.get((letter.slug, point.id), ())
        points.append({
            "id": point.id, "kind": point.kind, "number": point.number, "label": point.label,
            "context": point.context, "anchor": point.anchor, "text": point.text,
            "owners": list(point.owners), "url": _ref_url(base_url, ref),
            "tracked_by": sorted({record.id for record in tracked_by}),
        })
    return {
        "slug": letter.slug, "title": letter.title, "date": letter.date.isoformat(),
        "inspectorate": list(letter.inspectorate), "kind": letter.kind, "subject": letter.subject,
        "visit_dates": [d.isoformat() for d in letter.visit_dates],
        "inspectors": list(letter.inspectors), "source": letter.source or None,
        "url": urls.absolute(base_url, urls.letter(letter.slug)), "points": points,
    }


def _action_data(action: Action, today: dt.date, base_url: str) -> _Json:
    return {
        "id": action.id, "title": action.title, "owners": list(action.owners),
        "due": _iso(action.due), "current_due": _iso(action.current_due),
        "status": action.status.id, "overdue": is_overdue(action, today),
        "timeline": [{**_entry_data(e, base_url), "due": _iso(e.due)} for e in action.timeline],
    }


def _record_data(site: Site, record: Record, today: dt.date, base_url: str) -> _Json:
    return {
        "id": record.id, "title": record.title, "url": urls.absolute(base_url, urls.area(record.id)),
        "tracks": [_ref_data(ref, base_url) for ref in record.tracks],
        "owners": list(record.owners),
        "summary": record.summary.text if record.summary is not None else None,
        "status": record.status.id, "status_label": record.status.label,
        "last_change": record.last_change.isoformat(), "stale": is_stale(record, site, today),
        "timeline": [_entry_data(e, base_url) for e in record.timeline],
        "actions": [_action_data(a, today, base_url) for a in record.actions],
    }


def _update_data(update: Update, base_url: str) -> _Json:
    poll = update.poll
    return {
        "slug": update.slug, "title": update.title, "date": update.date.isoformat(),
        "author": update.author, "summary": update.summary, "about": list(update.about),
        "url": urls.absolute(base_url, urls.update(update.slug)),
        "poll": None if poll is None else {
            "question": poll.question, "responses": poll.responses,
            "results": [{"label": r.label, "count": r.count} for r in poll.results],
        },
    }


def tracker_json(site: Site, today: dt.date, base_url: str) -> Iterator[bytes]:
    """The whole model as one JSON document (schema/tracker.schema.json), piece by piece: the
    text of `json.dumps(…, sort_keys=True, indent=2)`, without holding the document (2 GB of
    objects at 100,000 letters) or its text at once."""
    config = site.config
    data: dict[str, Any] = {
        "site": {
            "title": config.title, "description": config.description, "base_url": base_url,
            "language": config.language, "owner": config.owner, "notice": config.notice,
            "build_date": today.isoformat(),
        },
        "statuses": [{"id": s.id, "label": s.label, "tone": s.tone, "done": s.done, "verdict": s.verdict}
                     for s in config.statuses],
        "letters": (_letter_data(site, letter, base_url) for letter in site.letters),
        "records": (_record_data(site, record, today, base_url) for record in site.records),
        "updates": (_update_data(update, base_url) for update in site.updates),
    }
    for number, key in enumerate(sorted(data)):
        value = data[key]
        yield f'{"," if number else "{"}\n  {_json(key)}: '.encode()
        if not isinstance(value, Iterator):
            yield _json(value).replace("\n", "\n  ").encode()
            continue
        opening = "["
        for item in value:
            nested = _json(item).replace("\n", "\n    ")
            yield f"{opening}\n    {nested}".encode()
            opening = ","
        yield b"[]" if opening == "[" else b"\n  ]"
    yield b"\n}\n"


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)


# Open data: CSV


def _csv_pieces(header: tuple[str, ...], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """CSV text in UTF-8, a few hundred rows at a time: a national site has a million steps."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % 512 == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


def _records_rows(site: Site, today: dt.date, base_url: str) -> Iterator[list[str]]:
    """One row per record."""
    for r in site.records:
        yield [r.id, r.title, r.status.id, r.status.label, r.last_change.isoformat(),
               "true" if is_stale(r, site, today) else "false",
               "; ".join(ref.written for ref in r.tracks), "; ".join(r.owners),
               urls.absolute(base_url, urls.area(r.id))]


def _timeline_rows(site: Site, base_url: str) -> Iterator[list[str]]:
    """One row per timeline entry of every record and sub-action, oldest first per record."""
    for record in site.records:
        page = urls.area(record.id)
        steps = [("", page, entry) for entry in record.timeline]
        steps += [(a.id, f"{page}#{urls.action_anchor(a.id)}", entry)
                  for a in record.actions for entry in a.timeline]
        for action_id, path, entry in sorted(steps, key=lambda step: step[2].date):
            yield [
                record.id, action_id, entry.date.isoformat(), entry.status.id, entry.status.label,
                _iso(entry.due) or "", entry.note.text if entry.note is not None else "",
                "; ".join(ref.label for ref in entry.evidence), urls.absolute(base_url, path),
            ]


SITE_EXPORTS = (urls.FEED, urls.DATA_JSON, urls.RECORDS_CSV, urls.TIMELINE_CSV)
"""The files made from the whole site at once."""


def site_exports(site: Site, today: dt.date, base_url: str) -> dict[str, bytes | Streamed]:
    """feed.xml, and the open data made as it is written: data/tracker.json,
    data/records.csv and data/timeline.csv."""
    return {
        urls.FEED: site_feed(site, today, base_url),
        urls.DATA_JSON: Streamed(partial(tracker_json, site, today, base_url)),
        urls.RECORDS_CSV: Streamed(lambda: _csv_pieces(_RECORDS_HEADER,
                                                       _records_rows(site, today, base_url))),
        urls.TIMELINE_CSV: Streamed(lambda: _csv_pieces(_TIMELINE_HEADER,
                                                        _timeline_rows(site, base_url))),
    }


def exports(site: Site, today: dt.date, base_url: str) -> dict[str, bytes]:
    """Output path → bytes for: feed.xml, areas/ID/feed.xml (one per record), data/tracker.json,
    data/records.csv, data/timeline.csv."""
    made = {path: content.read() if isinstance(content, Streamed) else content
            for path, content in site_exports(site, today, base_url).items()}
    return {**made, **area_feeds(site, today, base_url)}
