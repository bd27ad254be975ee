"""A report's blocks, as read from its PDF, made into the letter's Markdown.

Tables that only lay out a page are opened up; bold short lines become headings; what a
page break split (a paragraph, a table row, a table) is joined again; then each block is
written as Markdown, and where it was written is kept so that notes can name the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .letter_text import escape
from .pdf import Block

_SENTENCE_END = re.compile(r"[.!?:][\"”’)\]]*$")
_BULLET = re.compile(r"^[•◼▪●○■□◦‣⁃∙·\uf0b7\uf0a7\uf0d8\uf0fc–-]\s*")
_ORDERED = re.compile(r"^(\d{1,3})[.)]\s+")
MAX_HEADING = 150
"""A bold line longer than this is a bold paragraph, not a heading."""


def opened(blocks: Sequence[Block]) -> list[Block]:
    """Tables that only lay out the page opened up into their blocks; the rest kept."""
    out: list[Block] = []
    for block in blocks:
        if block.kind != "table":
            out.append(block)
            continue
        rows = _rows_rejoined([[opened(cell) for cell in row] for row in block.rows])
        table = replace(block, rows=rows)
        out += [table] if _holds_data(table) else _gridded(rows)
    return out


def side_by_side(blocks: Sequence[Block]) -> list[Block]:
    """Paragraphs that start on the same line of a page, side by side, as the cells of a row;
    two or more such rows in a row as a table, a single row as one paragraph."""
    rows: list[list[list[Block]]] = []
    for block in blocks:
        row = rows[-1] if rows else None
        if row is not None and block.kind == "paragraph" and row[-1][0].kind == "paragraph" \
                and (row[-1][0].page, row[-1][0].line) == (block.page, block.line):
            row.append([block])
        else:
            rows.append([[block]])
    return _gridded(rows)


def _gridded(rows: Sequence[list[list[Block]]]) -> list[Block]:
    """Rows that only lay out a page, as blocks: two or more rows of short cells side by side
    as a table (an inspection team), one such row, or rows of labels ('Inspection dates:'
    and its dates), as one paragraph a row; any other row's blocks in order."""
    out: list[Block] = []
    grid: list[list[list[Block]]] = []
    for row in [*rows, []]:
        if _grid_row(row):
            grid.append(row)
            continue
        labels = all(_cell_text(r[0]).endswith(":") for r in grid if r and r[0])
        if len(grid) > 1 and not labels:
            out.append(replace(grid[0][0][0], kind="table", text="", rows=grid, header=True,
                               data=False))
        else:
            out += [replace(r[0][0], text=" ".join(c[0].text for c in r if c)) for r in grid]
        grid = []
        out += [b for cell in row for b in cell]
    return out


def _rows_rejoined(rows: list[list[list[Block]]]) -> list[list[list[Block]]]:
    """A row that only finishes the one before it (a row cut by a page break: on a later page,
    with cells missing, starting with a list item or in the middle of a sentence, or after a
    cell that was cut short) joined to it."""
    out: list[list[list[Block]]] = []
    for row in rows:
        lead = next((cell[0] for cell in row if cell), None)
        before = out[-1] if out else []
        pages = [b.page for cell in before for b in cell]
        if pages and lead is not None and lead.page > max(pages) and len(row) <= len(before) \
                and (len([c for c in row if c]) < len(before) or lead.kind == "item"
                     or lead.text[:1].islower() or not _ended(_cell_text(before[-1]))):
            offset = len(before) - len(row)
            for index, cell in enumerate(row):
                before[offset + index] = before[offset + index] + cell
        else:
            out.append(row)
    return out


def _grid_row(row: Sequence[Sequence[Block]]) -> bool:
    filled = [cell for cell in row if cell]
    return len(filled) > 1 and all(len(c) == 1 and c[0].kind == "paragraph" for c in filled)


def _holds_data(table: Block) -> bool:
    """A table of data: marked so (a header cell), with more than its header row."""
    return table.data and (len(table.rows) > 1 or not table.header)


def headings(blocks: Sequence[Block], body_size: float) -> list[Block]:
    """Bold short paragraphs as headings: the largest text the title (level 1), then one level
    per size, bold body text the deepest."""
    def heading_like(block: Block) -> bool:
        return (block.kind in ("paragraph", "heading") and block.bold and block.size >= body_size
                and len(block.text) <= MAX_HEADING and not block.text.endswith((".", ",", ";")))

    first_page = [b.size for b in blocks if b.page == 1 and b.kind != "table"]
    title_size = max(first_page, default=0.0)
    if title_size < body_size * 1.2:
        title_size = -1.0   # no title line larger than the text
    sizes = sorted({b.size for b in blocks if heading_like(b) and b.size != title_size},
                   reverse=True)
    out: list[Block] = []
    titled = False
    for block in blocks:
        if block.kind == "paragraph" and block.size == title_size and block.page == 1 \
                and not titled:
            out.append(replace(block, kind="heading", level=1))
            titled = True
        elif heading_like(block) and block.size != title_size:
            out.append(replace(block, kind="heading", level=min(2 + sizes.index(block.size), 6)))
        elif block.kind == "heading":
            out.append(replace(block, kind="paragraph"))
        else:
            out.append(block)
    levels = sorted({b.level for b in out if b.kind == "heading" and b.level > 1})
    return [replace(b, level=2 + levels.index(b.level)) if b.kind == "heading" and b.level > 1
            else b for b in out]


def _ended(text: str) -> bool:
    return bool(_SENTENCE_END.search(text))


def _cell_text(cell: Sequence[Block]) -> str:
    return " ".join(b.text for b in cell)


def joined_over_pages(blocks: Sequence[Block]) -> list[Block]:
    """What a page break split, joined: a paragraph or list item whose sentence runs on (the
    last text on its page, not ended, or followed by a lower-case start), a table that goes
    on (its first row the rest of the last one when that is cut short or has cells missing)."""
    out: list[Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if last is None or block.page <= _last_page(last) or not last.ends_page:
            out.append(block)
        elif last.kind == "table" and block.kind == "table":
            _go_on(last, block)
        elif block.kind == "heading" or (_ended(_last_text(last)) and not block.text[:1].islower()):
            out.append(block)
        elif last.kind == "table" and block.kind == "paragraph":
            cell = last.rows[-1][-1]
            cell[-1:] = [replace(cell[-1], text=f"{cell[-1].text} {block.text}")] if cell else [block]
            last.ends_page = block.ends_page
        elif last.kind in ("paragraph", "item") and block.kind == last.kind and (
                block.kind == "paragraph" or block.level == last.level):
            out[-1] = replace(last, text=f"{last.text} {block.text}", ends_page=block.ends_page)
        else:
            out.append(block)
    return out


def _last_text(block: Block) -> str:
    if block.kind != "table":
        return block.text
    cell = block.rows[-1][-1] if block.rows and block.rows[-1] else []
    return cell[-1].text if cell else ""


def _last_page(block: Block) -> int:
    pages = [b.page for row in block.rows for cell in row for b in cell]
    return max([block.page, *pages])


def _go_on(table: Block, more: Block) -> None:
    """`more`, the same table after a page break, added to `table`."""
    rows = list(more.rows)
    if more.header and rows and [_cell_text(c) for c in rows[0]] == \
            [_cell_text(c) for c in table.rows[0]]:
        rows = rows[1:]   # the header row, repeated on the new page
    table.rows = _rows_rejoined(table.rows + rows)
    table.ends_page = more.ends_page


@dataclass
class Written:
    """The Markdown, and the line (1-based, in the Markdown) each block starts on."""

    text: str
    lines: list[tuple[Block, int]]


_INLINE = re.compile(r"([\\`*\[\]<]|(?<!\w)_|_(?!\w)|\{(?=[.#][^{}]*\}\s*$))")


def _escape(text: str, *, cell: bool = False) -> str:
    """Text that Markdown shows as it is."""
    text = _INLINE.sub(r"\\\1", text)
    return text.replace("|", "\\|") if cell else escape(text)


def item_text(block: Block) -> tuple[str, str]:
    """(marker, text) of a list item: its bullet glyph taken off, its number kept as the
    marker of a numbered list."""
    number = _ORDERED.match(block.text)
    if number:
        return f"{number[1]}.", block.text[number.end():]
    return "-", _BULLET.sub("", block.text, count=1)


def _cell(cell: Sequence[Block]) -> str:
    parts: list[str] = []
    for block in cell:
        if block.kind == "item":
            marker, text = item_text(block)
            parts.append(f"{'•' if marker == '-' else marker} {text}")
        elif parts and parts[-1].endswith("-"):   # a word broken at a line's end
            parts[-1] += block.text
        else:
            parts.append(block.text)
    return _escape(" ".join(parts), cell=True)


def markdown(blocks: Sequence[Block]) -> Written:
    """The blocks as Markdown: headings, paragraphs, lists nested by depth, tables."""
    chunks: list[str] = []
    lines: list[tuple[Block, int]] = []
    line = 1
    indents: list[int] = []
    previous: Block | None = None
    for block in blocks:
        if block.kind == "item":
            marker, text = item_text(block)
            depth = min(block.level, len(indents) if previous and previous.kind == "item" else 0)
            del indents[depth:]
            indent = sum(indents)
            indents.append(len(marker) + 1)
            chunk = f"{' ' * indent}{marker} {_escape(text)}"
            tight = previous is not None and previous.kind == "item"
        else:
            indents = []
            tight = False
            if block.kind == "heading":
                chunk = "#" * max(block.level, 2) + " " + _escape(block.text)
            elif block.kind == "table":
                chunk = _table(block)
            else:
                chunk = _escape(block.text)
        if chunks:
            line += 1 if tight else 2
            chunks.append("\n" if tight else "\n\n")
        lines.append((block, line))
        chunks.append(chunk)
        line += chunk.count("\n")
        previous = block
    return Written("".join(chunks) + "\n", lines)


def _table(table: Block) -> str:
    width = max(len(row) for row in table.rows)
    rows = [[_cell(cell) for cell in row] + [""] * (width - len(row)) for row in table.rows]
    head, body = (rows[0], rows[1:]) if table.header else ([""] * width, rows)
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(out)
