"""Raw documents → one frozen Site with every reference resolved, plus the problems found.

Each step is written once, for a Memo: the preview's keeps results between rebuilds, a one-off
build's (NO_MEMO) keeps nothing. The one difference between them is how letters are read: a
one-off build reads them across processes, and keeps a national site's HTML in a Spool."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

from ..errors import Problem, did_you_mean, has_errors
from ..scale.memo import NO_MEMO, Memo
from ..scale.processes import share
from ..scale.spool import Packed, Spool
from .checks import untracked
from .config import site_config
from .documents import read_letter, read_page, read_update, slug_problem
from .files import DataFile, Document, OnDisk
from .folder import LETTERS, PAGES, RECORDS, UPDATES
from .model import Markup, ParsedLetter, ParsedText, Record, Site, SiteConfig, Update
from .records import read_record
from .refs import TARGET_KINDS, Targets, update_title
from .safeyaml import Pos, YList
from .sources import RawSite
from .texts import resolve_links

RESERVED_SLUGS = frozenset({
    "areas", "letters", "updates", "timeline", "summary", "glossary", "search", "data", "assets",
    "pagefind", "__tracker",
    "feed.xml", "sitemap.xml", "404.html", "index.html",
})

T = TypeVar("T")
F = TypeVar("F", covariant=True)


_SCHEMES = {LETTERS: "letter", UPDATES: "update", PAGES: "page", RECORDS: "record"}


def _reference_to(path: str) -> str:
    """'content/letters/x.md' → 'letter:x'."""
    folder, _, name = path.rpartition("/")
    return f"{_SCHEMES.get(folder, folder)}:{name.rsplit('.', 1)[0]}"


def _kept(items: Iterable[T | None]) -> list[T]:
    """The items that could be read (the others have reported their problems)."""
    return [item for item in items if item is not None]


def _valid_slugs(docs: tuple[Document, ...], problems: list[Problem]) -> list[Document]:
    kept = []
    for doc in docs:
        problem = slug_problem(doc.path, doc.slug)
        if problem:
            problems.append(problem)
        else:
            kept.append(doc)
    return kept


class _Read(Protocol[F]):
    """A letter, update or page as read, which `resolved` finishes."""

    @property
    def path(self) -> str: ...

    @property
    def body(self) -> ParsedText: ...

    def resolved(self, body: Markup) -> F: ...


def _resolved(items: Sequence[_Read[F]], by_path: dict[str, Document], targets: Targets,
              problems: list[Problem], memo: Memo, versions: dict[str, int]) -> list[F]:
    """The documents with their links resolved, each again only when it changed or a kind of
    target its references looked at did."""
    def resolve(item: _Read[F], looked_at: set[str]) -> F:
        doc = by_path[item.path]
        body = resolve_links(item.body, doc.path, Pos(doc.body_line, 1),
                             targets.watched(looked_at), problems)
        return item.resolved(body)

    def resolve_all() -> list[F]:
        return [memo.call_watching(("resolved", item.path), (item,), versions,
                                   partial(resolve, item), problems) for item in items]

    kind = items[0].path.rpartition("/")[0] if items else ""
    return memo.call(("resolved", kind, tuple(versions.values())), tuple(items), resolve_all,
                     problems)


def _check_about(updates: list[Update], by_path: dict[str, Document], targets: Targets,
                 problems: list[Problem]) -> None:
    for update in updates:
        meta = by_path[update.path].meta
        listed = meta.get("about")
        places = listed.item_pos if isinstance(listed, YList) else [meta.at("about")]
        for record_id, pos in zip(update.about, places, strict=False):
            if record_id not in targets.records:
                problems.append(Problem(
                    update.path, pos.line, pos.column, "error", f"unknown record '{record_id}' in 'about'",
                    did_you_mean(record_id, targets.records,
                                 fallback="'about' lists record ids: the file names in "
                                          f"{RECORDS}/"),
                ))


def _face(letter: ParsedLetter) -> tuple[object, ...]:
    """What references to a letter read of it: its name, points and paragraphs (not its words)."""
    return (letter.slug, letter.name, tuple((p.id, p.label, p.anchor) for p in letter.points),
            letter.block_count)


def _versions(targets: Targets, memo: Memo) -> dict[str, int]:
    """For each kind of target, a number that changes only when what references read of it
    changes: a letter's words can change without any record being read again, and a new
    update without the records that link to no update."""
    letters = tuple(targets.letters.values())
    seen = {
        "letters": memo.call("faces", letters, lambda: tuple(map(_face, letters))),
        "updates": targets.updates, "records": targets.records, "actions": targets.actions,
        "pages": targets.pages, "static": targets.static, "drafts": targets.drafts,
        "broken": targets.broken,
    }
    return {kind: memo.version(f"{kind} targets", seen[kind]) for kind in TARGET_KINDS}


def _outlines(record_files: list[DataFile]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Record id → title, and record id → {sub-action id → title}, for references."""
    titles, actions = {}, {}
    for data in record_files:
        titles[data.slug], actions[data.slug] = data.outline
    return titles, actions


def _read_records(record_files: list[DataFile], config: SiteConfig, targets: Targets,
                  problems: list[Problem], memo: Memo, versions: dict[str, int]) -> list[Record]:
    """The records that can be read, each read again only when its file changed or a kind of
    target its references looked at did."""
    def read(data: DataFile, looked_at: set[str]) -> Record | None:
        return read_record(data, config, targets.watched(looked_at), problems)

    def read_all() -> list[Record]:
        return _kept(memo.call_watching(data.path, (data, config), versions,
                                        partial(read, data), problems)
                     for data in record_files)

    return memo.call(("records", tuple(versions.values())), (config, *record_files), read_all,
                     problems)


def _read_letters(docs: list[Document], config: SiteConfig, problems: list[Problem],
                  memo: Memo, jobs: int, spool_in: Path | None) -> list[ParsedLetter]:
    """The letters that can be read, each again only when its file changed. The Markdown is
    the costliest part of a build: a one-off build, which keeps nothing, shares it across
    `jobs` processes, and a lean folder's letters (a national site) keep their HTML in a
    Spool."""
    def read_all() -> list[ParsedLetter]:
        if not memo.keeps:
            return _shared(docs, config, problems, jobs, spool_in)
        return _kept(memo.call(d.path, (d, config), partial(read_letter, d, config, problems),
                               problems)
                     for d in docs)

    return memo.call("letters", (config, *docs), read_all, problems)


def _shared(docs: list[Document], config: SiteConfig, problems: list[Problem], jobs: int,
            spool_in: Path | None) -> list[ParsedLetter]:
    """The letters read across `jobs` processes, their HTML spooled when they are lean."""
    def one(index: int) -> tuple[ParsedLetter | None, list[Problem]]:
        found: list[Problem] = []
        return read_letter(docs[index], config, found), found

    spool = Spool(spool_in) if docs and isinstance(docs[0].kept_body, OnDisk) else None
    letters = []
    for letter, found in share(one, len(docs), jobs):
        problems += found
        if letter is None:
            continue
        stored = letter.body.stored
        if spool is not None and isinstance(stored, Packed):
            letter = replace(letter, body=replace(letter.body, stored=spool.put(stored)))
        letters.append(letter)
    return letters


def assemble(raw: RawSite, *, drafts: bool = True, memo: Memo = NO_MEMO,
             jobs: int = 1, spool_in: Path | None = None) -> tuple[Site | None, list[Problem]]:
    """The validated site, or None when there are errors; every problem found either way.

    Without `drafts`, draft updates are left out, as if they did not exist. A `memo` that
    keeps results (the preview's) keeps files that did not change from being parsed again;
    a one-off build reads letters across `jobs` processes (and keeps a national site's HTML
    in a temporary file in `spool_in`)."""
    problems: list[Problem] = []
    config = memo.call("config", (raw.config, raw.themes),
                       lambda: site_config(raw.config, problems, raw.themes), problems)
    docs = {d.path: d for d in (*raw.letters, *raw.updates, *raw.pages)}

    letters = _read_letters(_valid_slugs(raw.letters, problems), config, problems, memo, jobs,
                            spool_in)
    updates = _kept(memo.call(d.path, (d,), partial(read_update, d, problems), problems)
                    for d in _valid_slugs(raw.updates, problems))
    pages = _kept(memo.call(d.path, (d,), partial(read_page, d, problems), problems)
                  for d in _valid_slugs(raw.pages, problems))
    readable = {x.path for x in letters} | {x.path for x in updates} | {x.path for x in pages}
    held_back = frozenset(u.slug for u in updates if u.draft and not drafts)
    updates = [u for u in updates if u.slug not in held_back]
    for page in pages:
        if page.slug in RESERVED_SLUGS:
            problems.append(Problem(page.path, 1, 1, "error",
                                    f"the page name '{page.slug}' is taken by a section of the site",
                                    "rename the file, for example to 'about-" + page.slug + ".md'"))
    record_files = []
    for data in raw.records:
        problem = slug_problem(data.path, data.slug)
        if problem:
            problems.append(problem)
        else:
            record_files.append(data)

    outlines = memo.call("outlines", tuple(record_files), lambda: _outlines(record_files))
    failed = [d.path for d in (*raw.letters, *raw.updates, *raw.pages) if d.path not in readable]
    targets = Targets(
        letters={x.slug: x for x in letters},
        updates={x.slug: update_title(x.title, x.date) for x in updates},
        records=outlines[0],
        actions=outlines[1],
        pages={x.slug: x.title for x in pages},
        static=frozenset(raw.static_files),
        broken=frozenset(_reference_to(path) for path in (*failed, *raw.unreadable)),
        drafts=held_back,
    )
    versions = _versions(targets, memo)
    finished_letters = _resolved(letters, docs, targets, problems, memo, versions)
    finished_updates = _resolved(updates, docs, targets, problems, memo, versions)
    finished_pages = _resolved(pages, docs, targets, problems, memo, versions)
    _check_about(finished_updates, docs, targets, problems)
    records = _read_records(record_files, config, targets, problems, memo, versions)

    if has_errors(problems):
        # What was found is said all the same, unless a record could not be read: it may be
        # the one that tracks a point, and staff would look for a record that is there.
        unread = any(p.severity == "error" and p.path.startswith(RECORDS) for p in problems)
        return None, problems + ([] if unread else untracked(letters, records))
    site = Site(
        config=config,
        letters=tuple(sorted(finished_letters, key=lambda x: (x.date, x.slug))),
        updates=tuple(sorted(finished_updates, key=lambda x: (x.date, x.slug), reverse=True)),
        pages=tuple(sorted(finished_pages, key=lambda x: x.slug)),
        records=tuple(sorted(records, key=lambda x: x.id)),
        static_files=raw.static_files,
    )
    return site, problems
