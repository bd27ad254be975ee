"""The one Markdown parser (raw HTML off) and its rules: block anchors, letter points, links."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.rules_core import StateCore
from markdown_it.token import Token


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
    number: int
    label: str
    context: str
    owners: tuple[str, ...]


@dataclass
class BlockFound:
    """A block found by the rule: heading, paragraph, item or row."""

    anchor: str
    kind: str
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
    return re.sub(r"\s+", " ", "".join(parts)).strip()


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


def point_label(kind: KindSpec, phrase: str) -> str:
    """'Areas for development' → 'area for development'; other phrases → the kind's label."""
    first, _, rest = phrase.partition(" ")
    singular = {"areas": "area", "priorities": "priority"}.get(first.lower())
    words = f"{singular} {rest}" if singular else kind.label
    return words[0].lower() + words[1:]


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

    def _block(self, token: Token, kind: str, source: tuple[KindSpec, str] | None) -> BlockFound:
        anchor = sys.intern(f"p{len(self.found.blocks) + 1}")  # shared by every letter
        block = BlockFound(anchor, kind, token.map[0] if token.map else 0)
        token.meta["anchor"] = anchor
        token.attrSet("id", anchor)
        self.tokens[anchor] = token
        if source:
            block.point = PointFound(source[0].id, "", 0, point_label(*source), self.context, ())
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
        label = kind.label[0].lower() + kind.label[1:]
        block.point = PointFound(kind.id, point_id, 0, label, self.context, ())

    def _close(self, token: Token) -> None:
        block = self.stack.pop() if self.stack else None
        if block is not None:
            token.meta["closes"] = block.anchor
        if token.type == "list_item_close":
            self.item_depth -= 1
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
            point.owners = tuple(o.strip() for o in owners if o.strip())
            row.text = " ".join(c for i, c in enumerate(row.cells) if i != self.owner_column)

    def _number(self, block: BlockFound, point: PointFound) -> None:
        """Numbered per kind in document order (after the walk, so nested items keep their place)."""
        kind = self.kinds[point.kind]
        self.numbers[kind.id] += 1
        point.number = self.numbers[kind.id]
        point.id = point.id or f"{kind.prefix}{point.number}"
        point.label = f"{point.label} {point.number}"
        self.tokens[block.anchor].meta["point"] = point.id


def _letter_rule(state: StateCore) -> None:
    settings = state.env.get("letter")
    if settings is None:
        return
    state.env["structure"] = _LetterWalk(settings["kinds"], settings["auto"]).walk(state.tokens)


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Every link target is checked by the reference resolver and rewritten when rendered.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.core.ruler.push("letter_structure", _letter_rule)
    return md


_MD = _make_parser()


def parse(text: str) -> list[Token]:
    """Tokens of ordinary Markdown (updates, pages, notes)."""
    return _MD.parse(text, {})


def parse_letter(text: str, kinds: Sequence[KindSpec], auto: bool) -> \
        tuple[list[Token], LetterStructure]:
    """Tokens of a letter, with anchors and points found."""
    env: dict[str, Any] = {"letter": {"kinds": kinds, "auto": auto}}
    tokens = _MD.parse(text, env)
    return tokens, env["structure"]


def _links(tokens: Sequence[Token]) -> tuple[tuple[str, int], ...]:
    """Every link and image target with the 0-based line of its block, in order."""
    found = []
    for token in tokens:
        if token.type != "inline":
            continue
        line = token.map[0] if token.map else 0
        for child in token.children or ():
            if child.type == "link_open":
                found.append((str(child.attrs.get("href", "")), line))
            elif child.type == "image":
                found.append((str(child.attrs.get("src", "")), line))
    return tuple(found)


def _first_paragraph(tokens: Sequence[Token]) -> str:
    """The plain text of the first paragraph."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            return plain_text(tokens[index + 1])
    return ""


HOLE = "\x00"
"""Marks the places a page fills in. The parser turns NUL in any text into U+FFFD, so the
rendered HTML holds no other."""


class Prepared(NamedTuple):
    """Markdown rendered once, with holes left for what depends on the page showing it."""

    html: str
    """The HTML with holes between NULs: 'L3' the fourth link's target, 'Bp2' and 'Ap2' notes
    at the start and end of block p2. One string, not a list: a national site holds
    100,000 letters in memory."""
    hrefs: tuple[str, ...]
    """The targets as written, by link hole."""
    links: tuple[tuple[str, int], ...]
    """Every link and image target with the 0-based line of its block, in order."""
    text: str
    """The plain text, one block a line."""
    lead: str
    """The plain text of the first paragraph."""


class _Holes:
    """Stands in for the notes of every anchor while rendering once."""

    def __init__(self, side: str) -> None:
        self.side = side

    def get(self, anchor: str, default: str = "") -> str:
        return f"{HOLE}{self.side}{anchor}{HOLE}"


def prepare(tokens: Sequence[Token]) -> Prepared:
    """Render tokens once; the page fills in links and notes later (see `fill`)."""
    hrefs: list[str] = []

    def hole(written: str) -> str:
        hrefs.append(written)
        return f"{HOLE}L{len(hrefs) - 1}{HOLE}"

    env = {"href": hole, "before": _Holes("B"), "after": _Holes("A")}
    html: str = _MD.renderer.render(list(tokens), _MD.options, env)
    text = "\n".join(plain_text(t) for t in tokens if t.type == "inline")
    return Prepared(html, tuple(hrefs), _links(tokens), text, _first_paragraph(tokens))


def fill(
    prepared: str,
    hrefs: Sequence[str],
    href: Callable[[str], str],
    before: dict[str, str] | None = None,
    after: dict[str, str] | None = None,
) -> str:
    """The HTML of prepared Markdown on one page. Every link target goes through `href` (so
    links are relative to the page); `before`/`after` add trusted HTML inside the block with
    that anchor."""
    before, after = before or {}, after or {}
    html = prepared.split(HOLE)
    for index in range(1, len(html), 2):
        side, key = html[index][0], html[index][1:]
        if side == "L":
            html[index] = escape_html(href(hrefs[int(key)]))
        else:
            html[index] = (before if side == "B" else after).get(key, "")
    return "".join(html)


def _link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    href = env["href"](str(tokens[idx].attrs.get("href", "")))
    return f'<a href="{escape_html(href)}">'


def _image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    src = env["href"](str(token.attrs.get("src", "")))
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<img src="{escape_html(src)}" alt="{escape_html(alt)}">'


def _notes_around(name: str) -> Callable[..., str]:
    """A renderer rule that adds env['before'] after an anchored opening tag and env['after']
    before its closing tag; a table row's notes go inside its first and last cells."""

    def rule(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        html: str = self.renderToken(tokens, idx, options, env)
        before, after = env.get("before", {}), env.get("after", {})
        if token.nesting == 1:
            anchor = token.meta.get("anchor")
            if name == "td_open" and idx > 0:
                anchor = tokens[idx - 1].meta.get("anchor")
            return html + before.get(anchor, "") if anchor else html
        anchor = token.meta.get("closes")
        if name == "td_close" and idx + 1 < len(tokens):
            anchor = tokens[idx + 1].meta.get("closes")
        return after.get(anchor, "") + html if anchor else html

    return rule


_MD.add_render_rule("link_open", _link_open)
_MD.add_render_rule("image", _image)
for _name in ("paragraph_open", "paragraph_close", "list_item_open", "list_item_close",
              "heading_open", "heading_close", "td_open", "td_close"):
    _MD.add_render_rule(_name, _notes_around(_name))

