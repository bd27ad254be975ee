"""Reverse links, computed once: which places cite a letter's block, which updates concern a record."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from ..content.model import Markup, Record, Ref, Site
from ..scale.memo import NO_MEMO, Memo
from .urls import area, letter, of_ref, page, update


@dataclass(frozen=True, slots=True)
class Citation:
    """A place that cites something: its title and output path."""

    title: str
    path: str


@dataclass(frozen=True)
class Relations:
    """Every reverse link of a site."""

    cited_in: dict[tuple[str, str], tuple[Citation, ...]]
    """(letter slug, block anchor) → the places that cite that block."""
    cited_letters: dict[str, tuple[tuple[str, tuple[Citation, ...]], ...]]
    """Letter slug → (block anchor, places) for each of its cited blocks."""
    related_updates: dict[str, tuple[str, ...]]
    """Record id → slugs of the updates about it or linking to it, newest first."""


def _texts(markups: list[Markup | None]) -> Iterator[Ref]:
    for text in markups:
        if text is not None:
            yield from text.refs


def _record_refs(site: Site) -> Iterator[tuple[Citation, Ref]]:
    for record in site.records:
        here = Citation(record.title, area(record.id))
        entries = [*record.timeline, *(e for a in record.actions for e in a.timeline)]
        yield from ((here, ref) for ref in record.tracks)
        yield from ((here, ref) for entry in entries for ref in entry.evidence)
        yield from ((here, ref) for ref in _texts([record.summary, *(e.note for e in entries)]))


def _update_refs(site: Site) -> Iterator[tuple[Citation, Ref]]:
    for news in site.updates:
        yield from ((Citation(news.title, update(news.slug)), ref) for ref in news.body.refs)


def _page_refs(site: Site) -> Iterator[tuple[Citation, Ref]]:
    for plain in site.pages:
        yield from ((Citation(plain.title, page(plain.slug)), ref) for ref in plain.body.refs)


def _letter_refs(site: Site) -> Iterator[tuple[Citation, Ref]]:
    for source in site.letters:
        yield from ((Citation(source.name, letter(source.slug)), ref) for ref in source.body.refs)


Cited = dict[tuple[str, str], list[Citation]]


def _cite(site: Site, pairs: Iterable[tuple[Citation, Ref]]) -> Cited:
    """(letter slug, block anchor) → the places among `pairs` that cite that block."""
    cited: Cited = {}
    for citation, ref in pairs:
        if ref.kind not in ("point", "paragraph"):
            continue
        target = site.letter_by_slug[ref.target]
        anchor = target.point(ref.anchor).anchor if ref.kind == "point" else ref.anchor
        places = cited.setdefault((ref.target, anchor), [])
        if citation not in places and of_ref(ref).split("#")[0] != citation.path:
            places.append(citation)
    return cited


def relate(site: Site, memo: Memo = NO_MEMO) -> Relations:
    """Compute every reverse link of `site` once. With a `memo` that keeps them, the
    citations of each kind of source are kept while its objects (and the letters) stay the
    same, and merged again only when some of them differ."""
    letters = tuple(site.letters)
    groups = (("records", site.records, _record_refs), ("updates", site.updates, _update_refs),
              ("pages", site.pages, _page_refs), ("letters", letters, _letter_refs))
    parts = [memo.call(("cited", name), (*items, *letters),
                       lambda pairs=pairs: _cite(site, pairs(site)))  # type: ignore[misc]
             for name, items, pairs in groups]
    versions = tuple(memo.version(f"cited by {name}", part)
                     for (name, _, _), part in zip(groups, parts, strict=True))
    cited_in, cited_letters = memo.call(("cited", versions), (), partial(_merge, parts))
    related: dict[str, list[str]] = {}
    for item in site.updates:
        ids = list(item.about) + [r.target for r in item.body.refs if r.kind in ("record", "action")]
        for record_id in dict.fromkeys(ids):
            related.setdefault(record_id, []).append(item.slug)
    return Relations(
        cited_in=cited_in,
        cited_letters=cited_letters,
        related_updates={key: tuple(slugs) for key, slugs in related.items()},
    )


def _merge(parts: list[Cited]) -> tuple[dict[tuple[str, str], tuple[Citation, ...]],
                                         dict[str, tuple[tuple[str, tuple[Citation, ...]], ...]]]:
    """(cited_in, cited_letters) of Relations from the citations of each kind of source."""
    cited: Cited = {}
    for part in parts:
        for key, places in part.items():
            merged = cited.setdefault(key, [])
            merged.extend(c for c in places if c not in merged)
    cited_in = {key: tuple(places) for key, places in cited.items()}
    by_letter: dict[str, list[tuple[str, tuple[Citation, ...]]]] = {}
    for (slug, anchor), kept in sorted(cited_in.items()):  # one tuple serves both maps
        by_letter.setdefault(slug, []).append((anchor, kept))
    return cited_in, {slug: tuple(blocks) for slug, blocks in by_letter.items()}


def by_news(records: Iterable[Record], relations: Relations) -> tuple[tuple[Record, ...],
                                                                      tuple[Record, ...]]:
    """(records no update is about or links to, the others): only the others' pages and
    feeds change when an update does."""
    quiet: list[Record] = []
    busy: list[Record] = []
    for record in records:
        (busy if record.id in relations.related_updates else quiet).append(record)
    return tuple(quiet), tuple(busy)
