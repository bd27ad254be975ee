"""The reference grammar: parse `letter:SLUG#P1` and friends, resolve them, suggest fixes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from sys import intern
from typing import Any, NamedTuple

from ..errors import closest
from .folder import STATIC, is_slug
from .model import ParsedLetter, Ref, long_date

INTERNAL = ("letter", "update", "record", "page", "static")
_WITH_PARTS = ("letter", "update", "record", "page")
"""The schemes whose references may name a part after '#'."""
EXTERNAL = ("https", "http", "mailto")
FORBIDDEN = ("javascript", "vbscript", "data")
FORMS = ("letter:SLUG, letter:SLUG#P1, letter:SLUG#p7, update:SLUG, record:ID, "
         "record:ID#ACTION, page:SLUG, static:PATH or https://…")


class RefError(Exception):
    """A reference that does not parse or resolve: message and hint (an empty message when
    its target has errors of its own, already reported)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Targets:
    """Everything a reference may point at, with titles: built once, before resolving."""

    letters: dict[str, ParsedLetter] = field(default_factory=dict)
    """Letters by slug, as read: references read their names, points and paragraphs."""
    updates: dict[str, str] = field(default_factory=dict)
    """Update slug → title for links."""
    records: dict[str, str] = field(default_factory=dict)
    """Record id → title."""
    actions: dict[str, dict[str, str]] = field(default_factory=dict)
    """Record id → {sub-action id → title}."""
    pages: dict[str, str] = field(default_factory=dict)
    static: frozenset[str] = frozenset()
    drafts: frozenset[str] = frozenset()
    """Slugs of draft updates left out of this build."""
    broken: frozenset[str] = frozenset()
    """'letter:SLUG', 'update:SLUG', 'page:SLUG' of files that have errors of their own:
    references to them are not reported again."""

    def watched(self, looked_at: set[str]) -> Targets:
        """The same targets, adding to `looked_at` the name of each field read (letters,
        updates…): what a file's references resolve to can change only with those."""
        return _Watched(self, looked_at)


TARGET_KINDS = tuple(f.name for f in fields(Targets))


class _Watched(Targets):
    """Targets that note which of their fields are read."""

    def __init__(self, targets: Targets, looked_at: set[str]) -> None:
        for name in TARGET_KINDS:
            object.__setattr__(self, name, getattr(targets, name))
        object.__setattr__(self, "_looked_at", looked_at)

    def __getattribute__(self, name: str) -> Any:
        if name in TARGET_KINDS:
            object.__getattribute__(self, "_looked_at").add(name)
        return object.__getattribute__(self, name)


class Written(NamedTuple):
    """A reference as written, cut into its parts: 'letter:x#P1' → ('letter', 'x', 'P1')."""

    scheme: str
    """'letter', 'https', …, in lower case; '' when there is none."""
    target: str
    """What follows the scheme, up to a '#' part if the scheme has parts."""
    anchor: str
    """The '#' part of a letter, update, record or page reference ('' when none). A static
    file's name may hold '#', and a web address keeps its own."""


def parse(written: str) -> Written:
    """The parts of a written reference (whether they name anything is `resolve`'s to say)."""
    text = written.strip()
    scheme, sep, rest = text.partition(":")
    if not sep or not scheme.replace("-", "").isalnum():
        return Written("", text, "")
    scheme = scheme.lower()
    if scheme in _WITH_PARTS:
        target, _, anchor = rest.partition("#")
        return Written(scheme, target, anchor)
    return Written(scheme, rest, "")


def is_point_id(text: str) -> bool:
    """Whether `text` can be a point's id: letters, digits and single hyphens ('P1', 'I-2')."""
    return is_slug(text.lower())


def is_paragraph_anchor(text: str) -> bool:
    """Whether `text` is written as a paragraph's anchor ('p7'), which no point id may be."""
    number = text[1:]
    return text[:1] == "p" and number.isascii() and number.isdigit()


def _suggest(kind: str, word: str, pool: Iterable[str], shape: Callable[[str], str]) -> str:
    """"did you mean" the closest name in `pool`, written as a whole reference by `shape`."""
    match = closest(word, pool)
    if match is None:
        return f"no {kind} is called that; check the file name"
    return f"did you mean '{shape(match)}'?"


def _part(anchor: str) -> str:
    return f"#{anchor}" if anchor else ""


def resolve(written: str, targets: Targets, *, link_text: str = "", line: int = 0) -> Ref:
    """The Ref that `written` points at; RefError says why it cannot be."""
    text = written.strip()
    if not text:
        raise RefError("empty reference", f"write one of {FORMS}")
    scheme, target, anchor = parse(text)
    if scheme in FORBIDDEN:
        raise RefError(f"'{scheme}:' links are not allowed",
                       "link only to this site's pages (letter:, update:, …) "
                       "or to https:// addresses")
    if scheme in EXTERNAL:
        web = scheme != "mailto"
        if (web and not target.startswith("//")) or not target.strip("/"):
            raise RefError(f"'{text}' is not a complete web address",
                           "write it as https://example.org/page")
        return Ref(written, "external", text, title=text, link_text=link_text, line=line)
    if scheme not in INTERNAL:
        guess = closest(scheme, INTERNAL + EXTERNAL) if scheme else _named(text, targets)
        hint = f"did you mean '{guess}:{target}'?" if guess else f"write one of {FORMS}"
        raise RefError(f"'{text}' is not a reference", hint)
    if f"{scheme}:{target}" in targets.broken:
        raise RefError("", "")
    ref = _RESOLVERS[scheme](text, target, anchor, targets)
    # The same few targets are cited over and over (a national site resolves a million
    # references to a third as many places): one copy of each string serves them all.
    return Ref(intern(written), ref.kind, intern(ref.target), intern(ref.anchor),
               intern(ref.title), link_text, line)


def _named(text: str, targets: Targets) -> str | None:
    """The kind of thing called `text` (a bare 'herts-2023'), if anything is."""
    name = text.partition("#")[0]
    pools = (("letter", targets.letters), ("update", targets.updates),
             ("record", targets.records), ("page", targets.pages))
    return next((kind for kind, pool in pools if name in pool), None)


def _letter(text: str, slug: str, anchor: str, targets: Targets) -> Ref:
    letter = targets.letters.get(slug)
    if letter is None:
        raise RefError(f"unknown letter '{slug}' in '{text}'",
                       _suggest("letter", slug, targets.letters,
                                lambda m: f"letter:{m}{_part(anchor)}"))
    if not anchor:
        return Ref(text, "letter", slug, title=letter.name)
    point = next((p for p in letter.points if p.id == anchor), None)
    if point:
        return Ref(text, "point", slug, anchor, f"{letter.name}, {point.label}")
    if letter.has_block(anchor):
        number = anchor[1:]
        return Ref(text, "paragraph", slug, anchor, f"{letter.name}, paragraph {number}")
    ids = [p.id for p in letter.points]
    known = f"its points are {', '.join(ids)}" if ids else "it has no points"
    suggestion = closest(anchor, letter.anchors if is_paragraph_anchor(anchor) else ids)
    hint = f"did you mean 'letter:{slug}#{suggestion}'? ({known})" if suggestion else \
        f"{known}; paragraphs are p1 to p{letter.block_count}"
    raise RefError(f"letter '{slug}' has no point or paragraph '{anchor}'", hint)


def _update(text: str, slug: str, anchor: str, targets: Targets) -> Ref:
    if slug in targets.drafts:
        raise RefError(f"update '{slug}' is a draft, left out of this build",
                       "publish it (remove 'draft: true'), or build with --drafts")
    if slug not in targets.updates:
        raise RefError(f"unknown update '{slug}' in '{text}'",
                       _suggest("update", slug, targets.updates,
                                lambda m: f"update:{m}{_part(anchor)}"))
    _no_anchor(text, anchor)
    return Ref(text, "update", slug, title=targets.updates[slug])


def _record(text: str, record_id: str, anchor: str, targets: Targets) -> Ref:
    if record_id not in targets.records:
        raise RefError(f"unknown record '{record_id}' in '{text}'",
                       _suggest("record", record_id, targets.records,
                                lambda m: f"record:{m}{_part(anchor)}"))
    title = targets.records[record_id]
    if not anchor:
        return Ref(text, "record", record_id, title=title)
    actions = targets.actions.get(record_id, {})
    if anchor not in actions:
        hint = (_suggest("sub-action", anchor, actions, lambda m: f"record:{record_id}#{m}")
                if actions else f"record '{record_id}' has no sub-actions")
        raise RefError(f"record '{record_id}' has no sub-action '{anchor}'", hint)
    return Ref(text, "action", record_id, anchor, f"{title}: {actions[anchor]}")


def _page(text: str, slug: str, anchor: str, targets: Targets) -> Ref:
    if slug not in targets.pages:
        raise RefError(f"unknown page '{slug}' in '{text}'",
                       _suggest("page", slug, targets.pages,
                                lambda m: f"page:{m}{_part(anchor)}"))
    _no_anchor(text, anchor)
    return Ref(text, "page", slug, title=targets.pages[slug])


def _static(text: str, path: str, anchor: str, targets: Targets) -> Ref:
    path = path.lstrip("/")
    if path not in targets.static:
        raise RefError(f"there is no file '{STATIC}/{path}' for '{text}'",
                       _suggest("file", path, targets.static,
                                lambda m: f"static:{m}{_part(anchor)}"))
    _no_anchor(text, anchor)
    return Ref(text, "static", path, title=path.rsplit("/", 1)[-1])


def _no_anchor(text: str, anchor: str) -> None:
    if anchor:
        raise RefError(f"'{text}' cannot have a '#' part",
                       "only letters (#P1, #p7) and records (#ACTION) have parts")


_RESOLVERS = {
    "letter": _letter, "update": _update, "record": _record, "page": _page, "static": _static,
}


def update_title(title: str, date: object) -> str:
    """How evidence lists call an update."""
    return f"Forum update, {long_date(date)}: {title}"  # type: ignore[arg-type]
