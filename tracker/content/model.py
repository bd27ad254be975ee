"""The content model: frozen, complete objects with every reference resolved.

Letters, updates and pages are read before what they link to is known: read, their body is
a `ParsedText` (`ParsedLetter`, …); assembled, a `Markup` with its references resolved
(`Letter`, …), the only kind a Site holds. The aliases name the two states in annotations;
objects are made with the generic classes (`LetterOf(…, body=…)`) and finished with
`resolved`. Texts and references are `rendered`'s."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, Literal, TypeAlias, TypeGuard, get_args

from .glossary import Term as Term
from .rendered import LETTER_KINDS as LETTER_KINDS
from .rendered import Body as Body
from .rendered import Markup as Markup
from .rendered import ParsedText as ParsedText
from .rendered import Ref as Ref
from .rendered import RefKind as RefKind
from .rendered import Stored as Stored

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

Tone = Literal["neutral", "info", "good", "warning", "bad"]
"""A status's colour, always beside its label."""
TONES: tuple[Tone, ...] = get_args(Tone)


def is_tone(text: str) -> TypeGuard[Tone]:
    return text in TONES


def long_date(date: dt.date) -> str:
    """'19 March 2009': the same in every locale."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


@dataclass(frozen=True)
class Status:
    """One state a record or sub-action can be in."""

    id: str
    """What records write in `status:`."""
    label: str
    """What families read."""
    tone: Tone
    done: bool = False
    """The work is finished; nothing is overdue or stale any more."""
    verdict: bool = False
    """An inspectorate's judgement: an entry with it must cite a letter."""


@dataclass(frozen=True)
class PointKind:
    """A kind of trackable point in letters (priority, improvement)."""

    id: str
    """The name used in markers: `{.priority}`."""
    label: str
    """'Area for priority action'."""
    prefix: str
    """Point ids are this plus a number: P1, P2."""
    phrases: tuple[str, ...]
    """Heading or lead-in phrases that open a section of such points."""


@dataclass(frozen=True)
class SiteConfig:
    """site.yml, validated, with every default filled in."""

    title: str
    description: str
    base_url: str
    """Absolute URL of the published site, ending in '/'."""
    language: str
    owner: str
    notice: str
    """Banner on every page ('' for none)."""
    theme: str
    stale_after_days: int
    require_evidence: bool
    statuses: tuple[Status, ...]
    points: tuple[PointKind, ...]
    glossary: tuple[Term, ...] = ()

    @cached_property
    def status_by_id(self) -> dict[str, Status]:
        """Statuses by their id."""
        return {s.id: s for s in self.statuses}


BlockKind = Literal["heading", "paragraph", "item", "row"]
"""What a block of a letter is."""
_BLOCK_KINDS: dict[str, BlockKind] = {kind[0]: kind for kind in get_args(BlockKind)}


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, list item or table row of a letter."""

    anchor: str
    """'p1', 'p2', … in document order."""
    kind: BlockKind
    line: int
    point: str = ""
    """The id of the point this block is, else ''."""


@dataclass(frozen=True, slots=True)
class BlockTable:
    """A letter's blocks, compactly (a national site has three million blocks: an object each
    took 200 MB). Read them through the letter: `blocks`, `anchors`, `has_block`,
    `block_count`."""

    _kinds: str
    """Each block's kind by its first letter (h, p, i, r), in document order: block n is
    paragraph 'pn'."""
    _lines: bytes
    """The file line of each block, as 4-byte numbers in document order."""

    @staticmethod
    def of(blocks: Iterable[tuple[BlockKind, int]]) -> BlockTable:
        """The table of (kind, file line) of each block, in document order."""
        kinds, lines = [], array("I")
        for kind, line in blocks:
            kinds.append(kind[0])
            lines.append(line)
        return BlockTable("".join(kinds), lines.tobytes())

    def __len__(self) -> int:
        return len(self._kinds)

    def rows(self) -> Iterator[tuple[BlockKind, int]]:
        """(kind, file line) of each block, in document order."""
        return zip(map(_BLOCK_KINDS.__getitem__, self._kinds), array("I", self._lines),
                   strict=True)


@dataclass(frozen=True, slots=True)
class Point:
    """A priority area or improvement point named in a letter."""

    id: str
    """P1, I2, or an id given with a marker."""
    kind: str
    """The PointKind id."""
    number: int
    """Per kind, in document order."""
    label: str
    """'area for development 1'."""
    context: str
    """The heading it sits under ('' when none)."""
    anchor: str
    """The block anchor ('p12')."""
    text: str
    owners: tuple[str, ...]
    """From a 'Responsible body' column, else ()."""
    line: int


@dataclass(frozen=True, slots=True)
class LetterOf(Generic[Body]):
    """An inspection letter, its blocks and its points (see `Letter`)."""

    slug: str
    path: str
    title: str
    date: dt.date
    inspectorate: tuple[str, ...]
    kind: str
    subject: str
    visit_dates: tuple[dt.date, ...]
    inspectors: tuple[str, ...]
    source: str
    outcome: str   # the headline judgement, verbatim ('' when not given)
    body: Body
    block_table: BlockTable = field(repr=False)
    points: tuple[Point, ...]

    @property
    def name(self) -> str:
        """How evidence lists call it: 'Ofsted survey letter, 19 March 2009'."""
        bodies = list(self.inspectorate)
        who = ", ".join(bodies[:-1]) + " and " + bodies[-1] if len(bodies) > 1 else "".join(bodies)
        words = [who, self.kind.replace("-", " ").lower(), "letter"]
        head = " ".join(w for w in words if w)
        return f"{head[0].upper()}{head[1:]}, {long_date(self.date)}"

    @property
    def named(self) -> str:
        """Who was inspected, then its name: how a group of its records is headed."""
        return f"{self.subject}: {self.name}" if self.subject else self.name

    def point(self, point_id: str) -> Point:
        """The point with this id, which a resolved reference names (a letter has a handful:
        a search beats keeping a dict for each); KeyError when there is none."""
        for point in self.points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)

    @property
    def block_count(self) -> int:
        """How many blocks (headings, paragraphs, items, rows) it has."""
        return len(self.block_table)

    @property
    def anchors(self) -> list[str]:
        """'p1', 'p2', … one per block."""
        return [f"p{n}" for n in range(1, len(self.block_table) + 1)]

    def has_block(self, anchor: str) -> bool:
        """True when `anchor` names one of the letter's blocks."""
        number = anchor[1:]
        return anchor[:1] == "p" and number.isdecimal() and anchor == f"p{int(number)}" \
            and 1 <= int(number) <= len(self.block_table)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks, in document order."""
        points = {p.anchor: p.id for p in self.points}
        return tuple(Block(anchor, kind, line, points.get(anchor, ""))
                     for anchor, (kind, line) in zip(self.anchors, self.block_table.rows(),
                                                      strict=True))

    def resolved(self: LetterOf[ParsedText], body: Markup) -> Letter:
        """The same letter, its body's references resolved."""
        return LetterOf(self.slug, self.path, self.title, self.date, self.inspectorate,
                        self.kind, self.subject, self.visit_dates, self.inspectors, self.source,
                        self.outcome, body, self.block_table, self.points)


Letter: TypeAlias = LetterOf[Markup]
"""A letter of the site, its links resolved."""
ParsedLetter: TypeAlias = LetterOf[ParsedText]
"""A letter as read, its links not yet resolved."""


@dataclass(frozen=True, slots=True)
class PollResult:
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class Poll:
    question: str
    responses: int | None
    results: tuple[PollResult, ...]


@dataclass(frozen=True, slots=True)
class UpdateOf(Generic[Body]):
    """A forum update (see `Update`)."""

    slug: str
    path: str
    title: str
    date: dt.date
    author: str
    summary: str
    about: tuple[str, ...]
    """Ids of the records it is about."""
    draft: bool
    poll: Poll | None
    body: Body

    def resolved(self: UpdateOf[ParsedText], body: Markup) -> Update:
        """The same update, its body's references resolved."""
        return UpdateOf(self.slug, self.path, self.title, self.date, self.author, self.summary,
                        self.about, self.draft, self.poll, body)


Update: TypeAlias = UpdateOf[Markup]
"""An update of the site, its links resolved."""
ParsedUpdate: TypeAlias = UpdateOf[ParsedText]
"""An update as read, its links not yet resolved."""


@dataclass(frozen=True, slots=True)
class PageOf(Generic[Body]):
    """A plain page such as About (see `Page`)."""

    slug: str
    path: str
    title: str
    body: Body

    def resolved(self: PageOf[ParsedText], body: Markup) -> Page:
        """The same page, its body's references resolved."""
        return PageOf(self.slug, self.path, self.title, body)


Page: TypeAlias = PageOf[Markup]
"""A page of the site, its links resolved."""
ParsedPage: TypeAlias = PageOf[ParsedText]
"""A page as read, its links not yet resolved."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated step in a timeline."""

    date: dt.date
    status: Status
    note: Markup | None
    evidence: tuple[Ref, ...]
    due: dt.date | None
    """A sub-action's new deadline, set by this entry."""
    line: int


@dataclass(frozen=True, slots=True)
class Action:
    """A sub-action of a record."""

    id: str
    title: str
    owners: tuple[str, ...]
    due: dt.date | None
    """The deadline first set."""
    timeline: tuple[Entry, ...]
    """Oldest first; same-date entries in file order."""
    line: int

    @property
    def status(self) -> Status:
        """The status of the latest entry."""
        return self.timeline[-1].status

    @property
    def moves(self) -> tuple[Entry, ...]:
        """The entries that moved the deadline, oldest first."""
        return tuple(e for e in self.timeline if e.due is not None)

    @property
    def current_due(self) -> dt.date | None:
        """The deadline after every move."""
        return moves[-1].due if (moves := self.moves) else self.due


@dataclass(frozen=True, slots=True)
class Record:
    """An action record: what was done about one or more points."""

    id: str
    path: str
    title: str
    tracks: tuple[Ref, ...]
    owners: tuple[str, ...]
    summary: Markup | None
    timeline: tuple[Entry, ...]
    """Oldest first; same-date entries in file order."""
    actions: tuple[Action, ...]
    line: int

    @property
    def status(self) -> Status:
        """The status of the latest entry."""
        return self.timeline[-1].status

    @property
    def last_change(self) -> dt.date:
        """The date of the latest entry."""
        return self.timeline[-1].date


@dataclass(frozen=True)
class Site:
    """The whole site, validated, every reference resolved."""

    config: SiteConfig
    letters: tuple[Letter, ...]
    """Oldest first."""
    updates: tuple[Update, ...]
    """Newest first."""
    pages: tuple[Page, ...]
    records: tuple[Record, ...]
    """By id."""
    static_files: tuple[str, ...]

    @cached_property
    def letter_by_slug(self) -> dict[str, Letter]:
        """Letters by slug."""
        return {letter.slug: letter for letter in self.letters}

    @cached_property
    def tracked_points(self) -> dict[tuple[str, str], tuple[Record, ...]]:
        """(letter slug, point id) → the records that track it."""
        found: dict[tuple[str, str], list[Record]] = {}
        for record in self.records:
            for ref in record.tracks:
                found.setdefault((ref.target, ref.anchor), []).append(record)
        return {key: tuple(records) for key, records in found.items()}
