"""The structure of a letter, found in one pass over its tokens: an anchor for each block
(heading, paragraph, list item, table row) and its points, by heading, lead-in phrase,
table or marker."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..model import BlockKind


@dataclass(frozen=True)
class KindSpec:
    """What the point rule needs to know of one kind of point."""

    id: str
    prefix: str
    label: str
    phrases: tuple[str, ...]


@dataclass
class PointFound:
    """A point found by the rule, before it becomes a model Point."""

    kind: str
    id: str
    phrase: str
    """The phrase that opened its section ('' for a marker): it names the point."""
    context: str
    owners: tuple[str, ...]
    number: int = 0
    """Per kind, in document order: set once the whole letter is walked."""
    label: str = ""
    """'area for development 1' (`point_label`), set with the number."""
    marked: bool = False
    """Made by a marker: once a letter has one, only marked blocks are points."""


@dataclass
class BlockFound:
    """A block found by the rule: heading, paragraph, item or row."""

    anchor: str
    kind: BlockKind
    line: int
    """0-based line in the Markdown text."""
    text: str = ""
    cells: list[str] = field(default_factory=list)
    point: PointFound | None = None


@dataclass
class LetterStructure:
    """What the letter rule found: blocks in order, and markers it could not read."""

    blocks: list[BlockFound] = field(default_factory=list)
    bad_markers: list[tuple[int, str, str]] = field(default_factory=list)
    """(0-based line, marker kind as written, kind ids known)."""


def plain_text(inline: Token) -> str:
    """The words of an inline token, without markup."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())  # runs of whitespace as one space, trimmed


_MARKER = re.compile(r"\s*\{([.#][^{}]*)\}\s*$")


def _take_marker(inline: Token) -> tuple[str, str] | None:
    """Strip a trailing `{.kind #id}` from an inline token; return (kind, id)."""
    children = inline.children or []
    if not children or children[-1].type != "text":
        return None
    last = children[-1]
    match = _MARKER.search(last.content)
    if not match:
        return None
    words = match.group(1).split()
    if not all(w[:1] in ".#" and len(w) > 1 for w in words):
        return None
    kinds = [w[1:] for w in words if w.startswith(".")]
    ids = [w[1:] for w in words if w.startswith("#")]
    if len(kinds) != 1 or len(ids) > 1:
        return None
    last.content = last.content[: match.start()]
    inline.content = _MARKER.sub("", inline.content)
    return kinds[0], ids[0] if ids else ""


def _phrase_in(text: str, phrases: Sequence[tuple[KindSpec, str]], *, start: bool) -> \
        tuple[KindSpec, str] | None:
    lowered = text.lower()
    for kind, phrase in phrases:
        found = lowered.startswith(phrase.lower()) if start else phrase.lower() in lowered
        if found:
            return kind, phrase
    return None


def point_label(kind: KindSpec, phrase: str, number: int) -> str:
    """What a point is called: by the phrase that opened its section ('Areas for development'
    → 'area for development 1'), else ('' for a marker, or another phrase) by its kind's label
    ('Area for priority action' → 'area for priority action 1')."""
    first, _, rest = phrase.partition(" ")
    singular = {"areas": "area", "priorities": "priority"}.get(first.lower())
    words = f"{singular} {rest}" if singular else kind.label
    return f"{words[0].lower()}{words[1:]} {number}"


class _LetterWalk:
    """One pass over a letter's tokens: anchors, blocks, points."""

    def __init__(self, kinds: Sequence[KindSpec], auto: bool) -> None:
        self.kinds = {k.id: k for k in kinds}
        self.phrases = [(k, p) for k in kinds for p in k.phrases] if auto else []
        self.found = LetterStructure()
        self.numbers = {k.id: 0 for k in kinds}
        self.stack: list[BlockFound | None] = []
        self.item_depth = 0
        self.in_tbody = False
        self.sections: list[tuple[KindSpec, str, int]] = []
        """Open point sections, outermost first: (kind, phrase, heading level)."""
        self.context = ""
        self.pending_lead: tuple[KindSpec, str] | None = None
        self.list_points: tuple[KindSpec, str] | None = None
        self.in_thead = False
        self.headers: list[str] = []
        self.owner_column = -1
        self.lead_candidate: tuple[KindSpec, str] | None = None
        self.tokens: dict[str, Token] = {}
        self.opened: list[int] = []
        """For each list item open, the index of its block."""

    def walk(self, tokens: list[Token]) -> LetterStructure:
        for index, token in enumerate(tokens):
            if token.nesting == 1:
                self.stack.append(self._open(token, tokens, index))
            elif token.nesting == -1:
                self._close(token)
            elif token.type == "inline":
                self._inline(token)
            elif self.item_depth == 0:
                self.pending_lead = None
        if any(b.point and b.point.marked for b in self.found.blocks):
            for block in self.found.blocks:   # explicit beats guessed
                if block.point and not block.point.marked:
                    block.point = None
        for block in self.found.blocks:
            if block.point:
                self._number(block, block.point)
        return self.found

    def _open(self, token: Token, tokens: list[Token], index: int) -> BlockFound | None:
        kind = token.type
        top = self.item_depth == 0
        if kind in ("bullet_list_open", "ordered_list_open") and top:
            self.list_points = self.pending_lead or self._section()
        if top and kind not in ("bullet_list_open", "ordered_list_open", "paragraph_open"):
            self.pending_lead = None
        if kind == "tbody_open":
            self.in_tbody = True
        elif kind == "thead_open":
            self.in_thead, self.headers = True, []
        if kind == "list_item_open":
            self.item_depth += 1
            self.opened.append(len(self.found.blocks))
            return self._block(token, "item", self.list_points if top else None)
        if kind == "heading_open":
            return self._heading(token, tokens[index + 1])
        if kind == "paragraph_open" and top:
            self.pending_lead = None
            return self._block(token, "paragraph", None)
        if kind == "tr_open" and self.in_tbody:
            return self._block(token, "row", self._section())
        return None

    def _section(self) -> tuple[KindSpec, str] | None:
        """The kind and phrase of the innermost point section open here."""
        return self.sections[-1][:2] if self.sections else None

    def _heading(self, token: Token, inline: Token) -> BlockFound:
        text = plain_text(inline)
        level = int(token.tag[1:])
        match = _phrase_in(text, self.phrases, start=True)
        # A heading closes the sections of its level and above; deeper ones stay open.
        while self.sections and level <= self.sections[-1][2]:
            self.sections.pop()
        if match:
            self.sections.append((match[0], match[1], level))
        self.context = text
        return self._block(token, "heading", None)

    def _block(self, token: Token, kind: BlockKind,
               source: tuple[KindSpec, str] | None) -> BlockFound:
        anchor = sys.intern(f"p{len(self.found.blocks) + 1}")  # shared by every letter
        block = BlockFound(anchor, kind, token.map[0] if token.map else 0)
        token.meta["anchor"] = anchor
        token.attrSet("id", anchor)
        self.tokens[anchor] = token
        if source:
            block.point = PointFound(source[0].id, "", source[1], self.context, ())
        self.found.blocks.append(block)
        return block

    def _inline(self, inline: Token) -> None:
        block = next((b for b in reversed(self.stack) if b is not None), None)
        if self.in_thead:
            self.headers.append(plain_text(inline))
        if block is None:
            return
        marker = _take_marker(inline) if block.kind != "heading" else None
        text = plain_text(inline)
        block.text = f"{block.text} {text}".strip()
        if block.kind == "row":
            block.cells.append(text)
        if block.kind == "paragraph":
            self.lead_candidate = _phrase_in(text, self.phrases, start=False)
        if marker:
            self._mark(block, *marker)

    def _mark(self, block: BlockFound, kind_id: str, point_id: str) -> None:
        kind = self.kinds.get(kind_id)
        if kind is None:
            self.found.bad_markers.append((block.line, kind_id, ", ".join(self.kinds)))
            return
        block.point = PointFound(kind.id, point_id, "", self.context, (), marked=True)

    def _close(self, token: Token) -> None:
        block = self.stack.pop() if self.stack else None
        if block is not None:
            token.meta["closes"] = block.anchor
        if token.type == "list_item_close":
            self.item_depth -= 1
            start = self.opened.pop()
            item = self.found.blocks[start]
            nested = [b.text for b in self.found.blocks[start + 1:] if b.kind == "item"]
            if item.point and nested:   # a point is the whole item, its sub-list too
                item.text = " ".join([item.text, *(f"• {text}" for text in nested)])
        elif token.type == "tbody_close":
            self.in_tbody = False
        elif token.type == "thead_close":
            self.in_thead = False
            self.owner_column = next(
                (i for i, h in enumerate(self.headers) if "responsible" in h.lower()), -1)
        elif token.type in ("bullet_list_close", "ordered_list_close") and self.item_depth == 0:
            self.list_points = None
        if block is None:
            return
        if block.kind == "paragraph":
            self.pending_lead, self.lead_candidate = self.lead_candidate, None
        if block.point and block.kind == "row":
            self._owners(block, block.point)

    def _owners(self, row: BlockFound, point: PointFound) -> None:
        """A 'Responsible body' cell gives the point its owners and is left out of its text."""
        if 0 <= self.owner_column < len(row.cells):
            owners = re.split(r"[,;]", row.cells[self.owner_column])
            point.owners = tuple(o.strip(" .") for o in owners if o.strip(" ."))
            row.text = " ".join(c for i, c in enumerate(row.cells) if i != self.owner_column)

    def _number(self, block: BlockFound, point: PointFound) -> None:
        """Numbered per kind in document order (after the walk, so nested items keep their place)."""
        kind = self.kinds[point.kind]
        self.numbers[kind.id] += 1
        point.number = self.numbers[kind.id]
        point.id = point.id or f"{kind.prefix}{point.number}"
        point.label = point_label(kind, point.phrase, point.number)
        self.tokens[block.anchor].meta["point"] = point.id


def letter_rule(state: StateCore) -> None:
    """The parser rule: walks a letter's tokens when the parse was asked for its structure."""
    settings = state.env.get("letter")
    if settings is None:
        return
    state.env["structure"] = _LetterWalk(settings["kinds"], settings["auto"]).walk(state.tokens)
