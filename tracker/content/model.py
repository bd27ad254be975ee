"""The content model: frozen, complete objects with every reference resolved."""

from __future__ import annotations

import datetime as dt
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")

Tone = Literal["neutral", "info", "good", "warning", "bad"]
TONES: tuple[str, ...] = ("neutral", "info", "good", "warning", "bad")


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
    tone: str
    """neutral, info, good, warning or bad: a colour, always beside the label."""
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

    @cached_property
    def status_by_id(self) -> dict[str, Status]:
        """Statuses by their id."""
        return {s.id: s for s in self.statuses}


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved reference to a letter, point, paragraph, update, record, page or URL."""

    written: str
    """The reference as the author wrote it."""
    kind: str
    """letter, point, paragraph, update, record, action, page, static or external."""
    target: str
    """Letter or update slug, record id, page slug, static path, or the outside URL."""
    anchor: str = ""
    """Point id or paragraph anchor in a letter; sub-action id in a record."""
    title: str = ""
    """The target's own title: 'Ofsted survey letter, 19 March 2009, area for development 1'."""
    link_text: str = ""
    """A title the author gave (`{url: …, title: …}`), else ''."""
    line: int = 0
    """Where it was written, in its file."""

    @property
    def label(self) -> str:
        """What a link to it says."""
        return self.link_text or self.title

    @property
    def is_letter(self) -> bool:
        """Points at a letter, one of its points or one of its paragraphs."""
        return self.kind in ("letter", "point", "paragraph")


class Kept(Protocol):
    """Bytes kept outside the model (a national site's letters wait in a temporary file)."""

    def read(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Markup:
    """Markdown rendered once, with holes for what depends on the page showing it: links
    relative to that page, and notes at block anchors (see `markup.fill`)."""

    places: tuple[tuple[int, int], ...]
    """Where each link target is written (line, column), counted from the text's start."""
    packed: bytes | Kept = field(repr=False)
    """The HTML with holes (`markup.Prepared.html`), compressed (it shrinks to a third), and
    for a national site's letters kept in a Spool."""
    hrefs: tuple[str, ...] = ()
    """The link targets as written, by hole."""
    links: tuple[tuple[str, int], ...] = ()
    """Every link and image target with the 0-based line of its block."""
    text: str = ""
    """Plain text, for summaries and search."""
    lead: str = ""
    """The plain text of the first paragraph."""
    refs: tuple[Ref, ...] = ()
    """Every reference linked from the text, resolved."""

    @staticmethod
    def pack(html: str) -> bytes:
        return zlib.compress(html.encode(), 1)

    @property
    def html(self) -> str:
        """The HTML with holes."""
        packed = self.packed if isinstance(self.packed, bytes) else self.packed.read()
        return zlib.decompress(packed).decode()


BLOCK_KINDS = {"h": "heading", "p": "paragraph", "i": "item", "r": "row"}


@dataclass(frozen=True, slots=True)
class Block:
    """A heading, paragraph, list item or table row of a letter."""

    anchor: str
    """'p1', 'p2', … in document order."""
    kind: str
    """heading, paragraph, item or row."""
    line: int
    point: str = ""
    """The id of the point this block is, else ''."""


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
class Letter:
    """An inspection letter, its blocks and its points."""

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
    body: Markup
    block_kinds: str
    """Each block's kind by its first letter (h, p, i, r), in document order: block n is
    paragraph 'pn'. A national site has three million blocks; an object each took 200 MB."""
    block_lines: bytes
    """The file line of each block, as 4-byte numbers in document order."""
    points: tuple[Point, ...]

    @property
    def name(self) -> str:
        """How evidence lists call it: 'Ofsted survey letter, 19 March 2009'."""
        bodies = list(self.inspectorate)
        who = ", ".join(bodies[:-1]) + " and " + bodies[-1] if len(bodies) > 1 else "".join(bodies)
        words = [who, self.kind.replace("-", " ").lower(), "letter"]
        head = " ".join(w for w in words if w)
        return f"{head[0].upper()}{head[1:]}, {long_date(self.date)}"

    def point(self, point_id: str) -> Point:
        """The point with this id, which a resolved reference names (a letter has a handful:
        a search beats keeping a dict for each); KeyError when there is none."""
        for point in self.points:
            if point.id == point_id:
                return point
        raise KeyError(point_id)

    @property
    def anchors(self) -> list[str]:
        """'p1', 'p2', … one per block."""
        return [f"p{n}" for n in range(1, len(self.block_kinds) + 1)]

    def has_block(self, anchor: str) -> bool:
        """True when `anchor` names one of the letter's blocks."""
        number = anchor[1:]
        return anchor[:1] == "p" and number.isdecimal() and anchor == f"p{int(number)}" \
            and 1 <= int(number) <= len(self.block_kinds)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks, made from their compact form."""
        points = {p.anchor: p.id for p in self.points}
        lines = array("I", self.block_lines)
        return tuple(
            Block(anchor, BLOCK_KINDS[kind], line, points.get(anchor, ""))
            for anchor, kind, line in zip(self.anchors, self.block_kinds, lines, strict=True))

    @staticmethod
    def pack_blocks(blocks: Sequence[Block]) -> tuple[str, bytes]:
        """(block_kinds, block_lines) of blocks in document order."""
        return "".join(b.kind[0] for b in blocks), array("I", [b.line for b in blocks]).tobytes()


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
class Update:
    """A forum update."""

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
    body: Markup


@dataclass(frozen=True, slots=True)
class Page:
    """A plain page such as About."""

    slug: str
    path: str
    title: str
    body: Markup


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
        moves = self.moves
        return moves[-1].due if moves else self.due


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
