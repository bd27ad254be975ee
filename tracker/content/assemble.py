"""Raw documents → one frozen Site with every reference resolved, plus the problems found."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TypeVar

from ..errors import Problem, did_you_mean, has_errors
from ..scale.memo import Memo, cached
from ..scale.processes import share
from ..scale.spool import Spool
from .config import site_config
from .documents import read_letter, read_page, read_update, slug_problem, with_body
from .files import DataFile, Document, OnDisk
from .model import Letter, Page, Record, Site, SiteConfig, Update
from .records import read_record
from .refs import TARGET_KINDS, Targets, update_title
from .safeyaml import Pos, YList
from .sources import RawSite
from .texts import resolve_links

RESERVED_SLUGS = frozenset({
    "areas", "letters", "updates", "timeline", "search", "data", "assets", "pagefind",
    "feed.xml", "sitemap.xml", "404.html", "index.html",
})

D = TypeVar("D", Letter, Update, Page)
T = TypeVar("T")


_SCHEMES = {"content/letters": "letter", "content/updates": "update", "content/pages": "page",
            "content/actions": "record"}


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


def _resolved(items: list[D], by_path: dict[str, Document], targets: Targets,
              problems: list[Problem], memo: Memo | None, versions: dict[str, int]) -> list[D]:
    def resolve(item: D, targets: Targets) -> D:
        doc = by_path[item.path]
        body = resolve_links(item.body, doc.path, Pos(doc.body_line, 1), targets, problems)
        return with_body(item, body)  # type: ignore[return-value]

    if memo is None:
        return [resolve(item, targets) for item in items]

    def watching(item: D, looked_at: set[str]) -> D:
        return resolve(item, targets.watched(looked_at))

    def resolve_all() -> list[D]:
        return [memo.call_watching(("resolved", item.path), (item,), versions,
                                   partial(watching, item), problems) for item in items]

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
                                 fallback="'about' lists record ids: the file names in content/actions/"),
                ))


def _face(letter: Letter) -> tuple[object, ...]:
    """What references to a letter read of it: its name, points and paragraphs (not its words)."""
    return (letter.slug, letter.name, tuple((p.id, p.label, p.anchor) for p in letter.points),
            len(letter.block_kinds))


def _versions(targets: Targets, memo: Memo | None) -> dict[str, int]:
    """For each kind of target, a number that changes only when what references read of it
    changes: a letter's words can change without any record being read again, and a new
    update without the records that link to no update."""
    if memo is None:
        return {}
    letters = tuple(targets.letters.values())
    seen = {
        "letters": cached(memo, "faces", letters, lambda: tuple(map(_face, letters))),
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
                  problems: list[Problem], memo: Memo | None,
                  versions: dict[str, int]) -> list[Record]:
    """The records that can be read, each read again only when its file changed or a kind of
    target its references looked at did."""
    if memo is None:
        return _kept(read_record(data, config, targets, problems) for data in record_files)

    def watching(data: DataFile, looked_at: set[str]) -> Record | None:
        return read_record(data, config, targets.watched(looked_at), problems)

    def read_all() -> list[Record]:
        return _kept(memo.call_watching(data.path, (data, config), versions,
                                        partial(watching, data), problems)
                     for data in record_files)

    return memo.call(("records", tuple(versions.values())), (config, *record_files), read_all,
                     problems)


def _read_letters(docs: list[Document], config: SiteConfig, problems: list[Problem],
                  memo: Memo | None, jobs: int, spool_in: Path | None) -> list[Letter]:
    """The letters that can be read. The Markdown is the costliest part of a build: without a
    memo it is shared across `jobs` processes. A lean folder's letters (a national site) keep
    their HTML in a Spool."""
    if memo is not None:
        def read_all() -> list[Letter]:
            return _kept(memo.call(d.path, (d, config), partial(read_letter, d, config, problems),
                                   problems)
                         for d in docs)

        return memo.call("letters", (config, *docs), read_all, problems)

    def one(index: int) -> tuple[Letter | None, list[Problem]]:
        found: list[Problem] = []
        return read_letter(docs[index], config, found), found

    spool = Spool(spool_in) if docs and isinstance(docs[0].kept_body, OnDisk) else None
    letters = []
    for letter, found in share(one, len(docs), jobs):
        problems += found
        if letter is not None and spool is not None:
            assert isinstance(letter.body.packed, bytes)
            letter = replace(letter, body=replace(letter.body, packed=spool.put(letter.body.packed)))
        if letter is not None:
            letters.append(letter)
    return letters


def assemble(raw: RawSite, *, drafts: bool = True, memo: Memo | None = None,
             jobs: int = 1, spool_in: Path | None = None) -> tuple[Site | None, list[Problem]]:
    """The validated site, or None when there are errors; every problem found either way.

    Without `drafts`, draft updates are left out, as if they did not exist. With a `memo`,
    files that did not change are not parsed again; without, letters are read across `jobs`
    processes (and a national site's HTML kept in a temporary file in `spool_in`)."""
    problems: list[Problem] = []
    config = cached(memo, "config", (raw.config, raw.themes),
                    lambda: site_config(raw.config, problems, raw.themes), problems)
    docs = {d.path: d for d in (*raw.letters, *raw.updates, *raw.pages)}

    letters = _read_letters(_valid_slugs(raw.letters, problems), config, problems, memo, jobs,
                            spool_in)
    updates = _kept(cached(memo, d.path, (d,), partial(read_update, d, problems), problems)
                    for d in _valid_slugs(raw.updates, problems))
    pages = _kept(cached(memo, d.path, (d,), partial(read_page, d, problems), problems)
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

    outlines = cached(memo, "outlines", tuple(record_files), lambda: _outlines(record_files))
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
    letters = _resolved(letters, docs, targets, problems, memo, versions)
    updates = _resolved(updates, docs, targets, problems, memo, versions)
    pages = _resolved(pages, docs, targets, problems, memo, versions)
    _check_about(updates, docs, targets, problems)
    records = _read_records(record_files, config, targets, problems, memo, versions)

    if has_errors(problems):
        return None, problems
    site = Site(
        config=config,
        letters=tuple(sorted(letters, key=lambda x: (x.date, x.slug))),
        updates=tuple(sorted(updates, key=lambda x: (x.date, x.slug), reverse=True)),
        pages=tuple(sorted(pages, key=lambda x: x.slug)),
        records=tuple(sorted(records, key=lambda x: x.id)),
        static_files=raw.static_files,
    )
    return site, problems
