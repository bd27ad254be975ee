"""A pasted letter's lines → pieces (headings, paragraphs, list items) and Markdown, without
losing a word.

Text copied out of a PDF or a web page arrives damaged. This module only moves line
breaks and joins lines (`pasted_lines` restores the characters the copy mangled); every
word stays, in order. `importer` finds the letter's parts and guesses the front matter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .pasted_lines import Line, join_lines

HEADINGS = (
    "Features of good practice observed", "Features of good practice", "Evidence", "Context",
    "Background", "Main findings", "Key findings", "Findings", "Strengths", "Weaknesses",
    "Next steps", "External support", "Areas for further improvement", "Areas of strength",
    "Strengths in the school's approach to securing improvement",
    "Weaknesses in the school's approach to securing improvement",
    "Information about the inspection", "Information about this inspection",
    "Leadership and management", "The effectiveness of leadership and management",
    "Outcomes for pupils", "Outcomes for learners", "Quality of teaching", "Safeguarding",
)
"""Headings that Ofsted letters use; the site's point phrases are headings too."""
CLOSING_STARTS = re.compile(
    r"(?:I hope|As (?:I )?explained|I am copying|I am sending|A copy of this letter|"
    r"Copies of this letter|This letter will|Thank you again|I look forward|Once again)")


@dataclass(frozen=True)
class Piece:
    """One block of the Markdown to write."""

    kind: str
    """'heading', 'paragraph', 'item' (of a list) or 'lines' (kept with hard line breaks)."""
    text: str
    """The words; for 'lines', one line of the letter per newline."""
    line: int
    """The input line it starts on."""
    marker: str = ""
    """An item's list marker ('-', '1.'); '#' for a heading the text marked as one."""


# The body -------------------------------------------------------------------------------

_HASHES = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")
_BULLET_LINE = re.compile(r"^(?:[-*–—] +|[•●▪◦·○■►➢✓] *|(\d{1,2}[.)]) +|(?=\(?[a-z]\) ))")
_BULLETS = "-•●▪◦·–—"
_PAGE_FOOTER = re.compile(r"Page \d+(?: of \d+)?|[-–] ?\d+ ?[-–]|\d{1,3}")
_CONNECTORS = {"and", "the", "of", "to", "a", "an", "in", "for", "with", "or", "by", "that",
               "which", "their", "our", "your", "on", "at", "as", "is", "are", "be"}


def heading_like(text: str, wrapped: bool = False) -> bool:
    """A short line without a full stop that could be a heading."""
    words = text.split()
    return (0 < len(words) <= (10 if wrapped else 15) and len(text) <= 120
            and text[0].isupper() and text[-1] not in ".,;:!?-–"
            and not re.match(r"Page \d|Dear\b", text) and not re.search(r"@|www\.|://", text)
            and not (wrapped and words[-1].lower() in _CONNECTORS))


def _fragments(block: list[Line], notes: list[tuple[str, int]]) -> list[Piece]:
    """A block's headings, list items and paragraphs, with wrapped lines joined."""
    out: list[Piece] = []
    texts: list[list[str]] = []   # each piece's lines, joined once at the end
    joined = 0   # how many lines the last paragraph has
    longest = max(len(ln.text) for ln in block)
    for line in block:
        text = line.text
        hashes, bullet = _HASHES.match(text), _BULLET_LINE.match(text)
        if hashes:
            out.append(Piece("heading", hashes[2], line.number, "#"))
        elif bullet and text[bullet.end():] and not (   # a wrapped line may start with a dash
                text[0] in "–—" and out and text[2:3].islower() and texts[-1][-1][-1] not in ".:;"):
            out.append(Piece("item", text[bullet.end():], line.number, bullet[1] or "-"))
        elif out and out[-1].kind != "heading" and not (
                joined == 1 and text[:1].isupper() and len(out[-1].text) < 0.7 * longest
                and heading_like(out[-1].text, wrapped=True)):
            texts[-1].append(text)
            joined += 1
            continue
        else:
            if joined == 1:
                out[-1] = replace(out[-1], kind="heading")
                notes.append(("separated a heading from the text under it", out[-1].line))
            out.append(Piece("paragraph", text, line.number))
            texts.append([text])
            joined = 1
            continue
        texts.append([out[-1].text])
        joined = 0
    out = [replace(piece, text=join_lines(lines)) for piece, lines in zip(out, texts, strict=True)]
    if len(block) == 1 and out and out[0].kind == "paragraph" and heading_like(out[0].text):
        out[0] = replace(out[0], kind="heading")
    return out


def body_pieces(blocks: list[list[Line]], headings: Sequence[str], phrases: Sequence[str],
                notes: list[tuple[str, int]]) -> list[Piece]:
    """Blocks → pieces: page breaks rejoined, glued headings and run-together lists split."""
    joined: list[Piece] = []
    texts: list[list[str]] = []   # each joined piece's parts, put together once at the end
    for piece in (p for block in blocks for p in _fragments(block, notes)):
        # a page footer: a block of its own ('Page 2 of 3') inside a sentence cut by the page break
        footer = len(joined) > 1 and piece.kind == "paragraph" and piece.text[:1].islower() \
            and len(texts[-1]) == 1 and bool(_PAGE_FOOTER.fullmatch(joined[-1].text))
        if footer:
            notes.append((f"left the page footer '{joined[-1].text}' where it was, inside "
                          "the text it cut: delete it if it is not part of the letter",
                          joined[-1].line))
            texts.pop()
            piece = replace(piece, text=f"{joined.pop().text} {piece.text}")
        last = joined[-1] if joined else None
        if last and piece.kind == "paragraph" and (piece.text[:1].islower() or footer) and (
                (last.kind in ("paragraph", "item") and texts[-1][-1][-1:] not in ".!?")
                or (last.kind == "heading" and not last.marker)):
            joined[-1] = replace(last, kind="paragraph" if last.kind == "heading" else last.kind)
            texts[-1].append(piece.text)
            notes.append(("joined text cut by a page break", piece.line))
        else:
            joined.append(piece)
            texts.append([piece.text])
    joined = [replace(p, text=join_lines(parts)) for p, parts in zip(joined, texts, strict=True)]
    splitter = _Splitter(headings, phrases, notes)
    return [p for piece in joined for p in splitter.split(piece)]


class _Cutter:
    """One piece's text being cut into pieces."""

    def __init__(self, piece: Piece) -> None:
        self.piece, self.text, self.out = piece, piece.text, list[Piece]()
        self.kind, self.marker, self.start = piece.kind, piece.marker, 0

    def take(self, end: int, kind: str, start: int, marker: str = "") -> None:
        """End the current piece at `end`; the next is a `kind` from `start`."""
        chunk = self.text[self.start:end].strip()
        if chunk:
            self.out.append(Piece(self.kind, chunk, self.piece.line, self.marker))
        self.kind, self.marker, self.start = kind, marker, start


class _Splitter:
    """Cuts a piece where headings, bullets or a list after a colon were run into it."""

    _AT = re.compile(r"(?<=[.!?:;]) +(?=\S)| +(?=[-•●▪◦·–—] \S)")
    _WORD = re.compile(r"\S")
    _CLOSE = re.compile(r"[.!?](?= [A-Z]|$)")

    def __init__(self, headings: Sequence[str], phrases: Sequence[str],
                 notes: list[tuple[str, int]]) -> None:
        names = "|".join(re.escape(h) for h in sorted(headings, key=len, reverse=True))
        self.heading = re.compile(rf"(?i:{names})(?: further)?\??(?=\s+(?:[A-Z]|[-•●▪◦·] )|$)")
        self.repeated = re.compile(r"([A-Z][^.!?:;]{8,160}?) \1(?=[\s,.:;!?]|$)")
        asks = "|".join(re.escape(p) for p in phrases) or "(?!)"
        # a sentence with a point phrase, ending in a colon; the colon is looked for first, so
        # that a long sentence is read once, not once for each phrase in it
        self.lead = re.compile(rf"(?=[^.!?:]*+:)[^.!?:]*?(?i:{asks})[^.!?:]*:")
        self.notes = notes

    def split(self, piece: Piece) -> list[Piece]:
        if piece.kind not in ("paragraph", "item"):
            return [piece]
        cutter, text = _Cutter(piece), piece.text
        at = (self._sentence(cutter, 0) if piece.kind == "paragraph" else None) or 0
        while found := self._AT.search(text, at):
            p, prev = found.end(), text[found.start() - 1]
            at = p
            if text[p] in _BULLETS and text[p + 1:p + 2] == " ":
                pending = self._WORD.search(text, cutter.start, found.start())
                lower = (cutter.kind == "item" and text[p] == "-" and text[p + 2:p + 3].islower()
                         and text[cutter.start:cutter.start + 1].islower())
                if prev in ".:;!?" or not pending or text[p] in "•●▪◦·" or lower:
                    cutter.take(found.start(), "item", p + 2, "-")
                    self.notes.append(("split list items run into one line", piece.line))
                    at = p + 2
            elif prev in ".!?:":
                at = self._sentence(cutter, p) or at
        cutter.take(len(text), cutter.kind, len(text))
        return cutter.out

    def _sentence(self, cutter: _Cutter, p: int) -> int | None:
        """Apply the rules at a sentence start; where to go on from, if one applied."""
        text = cutter.text
        went = None   # the end of the last heading cut off, when one was
        while True:   # headings one after another
            if not (text[p:p + 1].isupper() or text[p:p + 1] == "#"):
                return went
            hashes = re.compile(r"#{1,6} ").match(text, p)   # a Markdown heading run in
            q = hashes.end() if hashes else p
            known = self.heading.match(text, q)
            repeated = None if known else self.repeated.match(text, q)
            end = known.end() if known else repeated.end(1) if repeated else None
            if end is None:
                break
            cutter.take(p, "heading", q)
            cutter.take(end, "paragraph", end)
            if p > 0 or end < len(text):
                self.notes.append(("separated a heading from the text after it",
                                   cutter.piece.line))
            went, p = end, end + 1
        lead = self.lead.match(text, p)
        if lead:
            return self._lead(cutter, p, lead.end())
        if cutter.kind == "item" and (CLOSING_STARTS.match(text, p)
                                      or text[cutter.start:cutter.start + 1].islower()):
            cutter.take(p, "paragraph", p)
            return p
        return went

    def _lead(self, cutter: _Cutter, p: int, colon: int) -> int:
        """A sentence with a point phrase ending in a colon: a paragraph; what follows the
        colon on the same line, up to the sentence's end, is a list split at semicolons."""
        text = cutter.text
        cutter.take(p, "paragraph", p)
        rest = self._WORD.search(text, colon)
        if not rest or rest[0] in _BULLETS:
            return colon
        close = self._CLOSE.search(text, colon)
        end = close.end() if close else len(text)
        items = [i for i in re.split(r"(?<=;) ", text[colon:end].strip()) if i]
        for index in range(len(items) - 1):
            if items[index + 1].startswith("and "):
                items[index], items[index + 1] = items[index] + " and", items[index + 1][4:]
        cutter.take(colon, "paragraph", end)
        cutter.out += [Piece("item", item, cutter.piece.line, "-") for item in items]
        self.notes.append(("split a list written after a colon into items", cutter.piece.line))
        return end


# Markdown -------------------------------------------------------------------------------

_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[>+*=_-]|`{3}|~{3}|(\d{1,9})([.)])(?=\s|$))")


def escape(text: str) -> str:
    """Text that Markdown shows as it is, rather than as a list, heading or quote."""
    match = _BLOCK_START.match(text)
    if not match:
        return text
    if match[1]:
        return f"{match[1]}\\{match[2]}{text[match.end():]}"
    return "\\" + text


def markdown(pieces: Sequence[Piece]) -> str:
    """The pieces as Markdown: '## ' headings, '- ' items, hard breaks in address blocks."""
    return written(pieces)[0]


def written(pieces: Sequence[Piece]) -> tuple[str, list[tuple[int, int]]]:
    """The Markdown of `markdown`, and for each piece (its input line, the line of the
    Markdown it starts on), so that notes can name the line of the written file."""
    blocks: list[list[str]] = []   # each block's lines
    starts: list[tuple[int, int]] = []
    line = 1
    previous = ""
    for piece in pieces:
        if piece.kind == "item":
            item = f"{piece.marker or '-'} {escape(piece.text)}"
            if previous == "item":
                blocks[-1].append(item)
                line += 1
            else:
                if blocks:
                    line += 2
                blocks.append([item])
        else:
            if blocks:
                line += 2
            if piece.kind == "heading":   # (?<!#): each run of # is read once
                blocks.append(["## " + re.sub(r"(?<!#)(#+)$", r"\\\1", piece.text)])
            else:
                blocks.append(["\\\n".join(escape(t) for t in piece.text.split("\n"))])
        starts.append((piece.line, line))
        line += blocks[-1][-1].count("\n")
        previous = piece.kind
    return "\n\n".join("\n".join(lines) for lines in blocks) + "\n", starts
