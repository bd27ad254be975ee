"""The one Markdown parser (raw HTML off) and its rules: block anchors and letter points (see
`structure`), links; and Markdown rendered once, with holes each page fills in."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markdown_it.token import Token

from .structure import KindSpec, LetterStructure, letter_rule, plain_text

__all__ = ["HOLE", "KindSpec", "LetterStructure", "Prepared", "escape_html", "fill",
           "fill_parts", "render_letter", "render_text"]

B = TypeVar("B")
A = TypeVar("A")


SHOWN_LEVELS = 40
"""How deeply blocks may be nested (a list in a list is two levels, a quote in a quote one):
deeper is an error. The parser's own limit (20, with the commonmark preset) used to drop
what lay deeper without a word: ten lists in lists."""


class _Unheard:
    """A logger that drops what it is told at once: markdown-it's block rules log every time
    they are tried (470,000 calls for 1,000 letters), and each call to a real logger costs
    two Python calls before it finds that nobody listens. `str.format` of an empty text
    takes any arguments and does nothing with them, in C."""

    debug = staticmethod("".format)

    def __getattr__(self, name: str) -> Callable[..., str]:
        return "".format


def _silence_rule_logging() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("markdown_it.") and hasattr(module, "LOGGER"):
            module.LOGGER = _Unheard()  # type: ignore[attr-defined]


def _make_parser() -> MarkdownIt:
    # The parser drops blocks nested past maxNesting: it is kept above SHOWN_LEVELS, so that
    # anything nested too deeply is reported before any of it could be dropped.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False,
                                   "maxNesting": SHOWN_LEVELS + 10})
    md.enable(["table", "strikethrough"])
    # Every link target is checked by the reference resolver and rewritten when rendered.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.core.ruler.push("letter_structure", letter_rule)
    _silence_rule_logging()
    return md


_MD = _make_parser()


def render_text(text: str) -> Prepared:
    """Ordinary Markdown (updates, pages, notes) rendered once."""
    return _prepare(_MD.parse(text, {}))


def render_letter(text: str, kinds: Sequence[KindSpec], auto: bool) -> \
        tuple[Prepared, LetterStructure]:
    """A letter rendered once, with its anchors and points found."""
    env: dict[str, Any] = {"letter": {"kinds": kinds, "auto": auto}}
    tokens = _MD.parse(text, env)
    return _prepare(tokens), env["structure"]


def _too_deep(tokens: Sequence[Token]) -> int | None:
    """The 0-based line of the first block nested SHOWN_LEVELS deep or more, if any."""
    for token in tokens:
        if token.level >= SHOWN_LEVELS and token.map:
            return token.map[0]
    return None


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
    too_deep: int | None = None
    """The 0-based line of the first block nested SHOWN_LEVELS deep or more, if any."""


class _Holes:
    """Stands in for the notes of every anchor while rendering once."""

    def __init__(self, side: str) -> None:
        self.side = side

    def get(self, anchor: str, default: str = "") -> str:
        return f"{HOLE}{self.side}{anchor}{HOLE}"


_TEXT_TOKENS = frozenset({"inline", "code_block", "fence"})


def _block_text(token: Token) -> str:
    """The words of a block's text, or of a block of code (a note may be only code)."""
    return plain_text(token) if token.type == "inline" else " ".join(token.content.split())


def _prepare(tokens: Sequence[Token]) -> Prepared:
    """Render tokens once; the page fills in links and notes later (see `fill`)."""
    hrefs: list[str] = []

    def hole(written: str) -> str:
        hrefs.append(written)
        return f"{HOLE}L{len(hrefs) - 1}{HOLE}"

    env = {"href": hole, "before": _Holes("B"), "after": _Holes("A")}
    html: str = _MD.renderer.render(list(tokens), _MD.options, env)
    text = "\n".join(_block_text(t) for t in tokens if t.type in _TEXT_TOKENS)
    lead = _first_paragraph(tokens)
    # Most notes are one paragraph: their lead is their text, kept once.
    return Prepared(html, tuple(hrefs), _links(tokens), text, text if lead == text else lead,
                    _too_deep(tokens))


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
    return "".join(fill_parts(prepared, hrefs, href, before or {}, after or {}))


def fill_parts(
    prepared: str,
    hrefs: Sequence[str],
    href: Callable[[str], str],
    before: Mapping[str, B],
    after: Mapping[str, A],
) -> list[str | B | A]:
    """`fill`, with the notes kept as they are given: chunks of HTML (links filled in as
    `fill` fills them), and in their places between them the notes `before`/`after` hold for
    the start and end of the block with that anchor (for a template to render). A note that
    is a string reads as HTML, as a chunk does."""
    parts: list[str | B | A] = []
    pieces = prepared.split(HOLE)
    chunk = [pieces[0]]
    for index in range(1, len(pieces), 2):
        side, key = pieces[index][0], pieces[index][1:]
        if side == "L":
            chunk.append(escape_html(href(hrefs[int(key)])))
        else:
            note = (before if side == "B" else after).get(key)
            if note is not None:
                parts += ["".join(chunk), note]
                chunk = []
        chunk.append(pieces[index + 1])
    parts.append("".join(chunk))
    return parts


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

