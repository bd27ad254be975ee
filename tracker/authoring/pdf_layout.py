"""An untagged PDF's blocks, from the layout of its pages alone.

Running headers and footers are the lines in the page's top and bottom margins; a table is
where ruled lines cross and run down the page (rows between the lines across, cells between
the lines down); the rest is lines of text, cut into paragraphs where the gap between lines
is wider than a line's, and into list items where a line starts with a bullet.
"""

from __future__ import annotations

from collections.abc import Sequence

from .pdf import Block, Char, Page, all_chars, joined, looks

MARGIN = 0.06
"""Lines this far (a fraction of the page's height) from its top or bottom edge are furniture."""
BULLETS = "•◼▪●○■□◦‣⁃∙·\uf0b7\uf0a7"


def blocks(pages: Sequence[Page]) -> list[Block]:
    """Every page's blocks in reading order (top to bottom; a table where it starts)."""
    out: list[Block] = []
    for page in pages:
        low, high = page.height * MARGIN, page.height * (1 - MARGIN)
        chars = [c for c in all_chars(page) if low < c.top < high]
        last = max((c.top for c in chars if c.text.strip()), default=0.0)
        placed: list[tuple[float, Block]] = []
        for top, bottom, columns in _row_bands(page):
            row = [[c for c in chars if top <= c.top < bottom and left <= c.x0 < right]
                   for left, right in columns]
            taken = {id(c) for cell in row for c in cell}
            chars = [c for c in chars if id(c) not in taken]   # text beside a table stays
            cells = [_flow(page, cell, last) for cell in row]
            if not any(cells):
                continue
            placed.append((top, Block("table", "", page.number, 0, rows=[cells])))
        placed += [(_top(page, b), b) for b in _flow(page, chars, last)]
        placed.sort(key=lambda pair: pair[0])
        out += _tables_joined(page, [b for _, b in placed])
    return out


def _top(page: Page, block: Block) -> float:
    return page.tops[block.line - 1] if 0 < block.line <= len(page.tops) else 0.0


def _row_bands(page: Page) -> list[tuple[float, float, list[tuple[float, float]]]]:
    """(top, bottom, column edges) of each table row: between two ruled lines across the
    page, with two or more ruled lines down it spanning the gap."""
    bands = []
    for top, bottom in zip(page.across, page.across[1:], strict=False):
        xs = sorted({round(x) for x, t, b in page.down if t <= top + 2 and b >= bottom - 2})
        edges: list[float] = []
        seen = -100.0
        for x in xs:   # a border and the shading inside it, a few points apart, are one edge
            if x - seen > 8:
                edges.append(x)
            seen = x
        if len(edges) >= 2 and bottom - top > 8:
            bands.append((top, bottom, list(zip(edges, edges[1:], strict=False))))
    return bands


def _tables_joined(page: Page, placed: list[Block]) -> list[Block]:
    """Rows one after another as one table. A box of one column with at most one row under
    its header is marked as holding no data (it frames text), for `opened` to open."""
    out: list[Block] = []
    for block in placed:
        last = out[-1] if out else None
        if block.kind == "table" and last is not None and last.kind == "table" and \
                len(last.rows[-1]) == len(block.rows[0]):
            last.rows += block.rows
        else:
            first = next((b for cell in block.rows[0] for b in cell), None) \
                if block.kind == "table" else None
            if block.kind == "table" and first is None:
                continue
            out.append(block if first is None else Block(
                "table", "", first.page, first.line, rows=block.rows))
    for table in (b for b in out if b.kind == "table"):
        header = all(b.bold for cell in table.rows[0] for b in cell)
        table.header = header
        table.data = len(table.rows[0]) > 1 or len(table.rows) - header > 1
        table.ends_page = any(b.ends_page for cell in table.rows[-1] for b in cell)
    return out


def _flow(page: Page, chars: Sequence[Char], last: float) -> list[Block]:
    """Lines of text as paragraphs and list items (`last`: where the page's last line of
    text, its furniture left out, is)."""
    out: list[Block] = []
    lines = _lines(chars)
    bullets = sorted({round(line[0].x0) for line in lines if line[0].text in BULLETS})
    in_row = {i for i, line in enumerate(lines) for j in (i - 1, i + 1)
              if 0 <= j < len(lines) and abs(lines[j][0].top - line[0].top) < 2}
    """Lines side by side with another: cells of a table without ruled lines."""
    current: list[list[Char]] = []
    kind = "paragraph"
    depth = 0
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else None
        starts_item = line[0].text in BULLETS
        beside = previous is not None and (index in in_row or index - 1 in in_row)
        gap = previous is not None and line[0].top - previous[0].top > previous[0].size * 1.8
        restyled = previous is not None and (looks(previous)[0] != looks(line)[0] or
                                             abs(looks(previous)[1] - looks(line)[1]) > 1)
        if current and (starts_item or gap or restyled or beside):
            out.append(_block(page, kind, current, depth, last))
            current = []
        if not current:
            kind = "item" if starts_item else "paragraph"
            depth = _depth(bullets, line[0].x0) if starts_item else 0
        current.append(line)
    if current:
        out.append(_block(page, kind, current, depth, last))
    return out


def _depth(bullets: list[int], x: float) -> int:
    return next((i for i, b in enumerate(bullets) if abs(b - x) < 4), 0)


def _block(page: Page, kind: str, lines: list[list[Char]], depth: int, last: float) -> Block:
    chars = [c for line in lines for c in line]
    bold, size = looks(chars)
    bottom = lines[-1][0].top
    return Block("item" if kind == "item" else "paragraph", joined(chars), page.number,
                 page.line_of(lines[0][0].top), depth, bold, size,
                 ends_page=bottom > page.height * 0.7 and bottom >= last - 2)


def _lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters in lines, top to bottom, each line left to right; text side by side with a
    wide gap between (columns without ruled lines) as lines of their own."""
    out: list[list[Char]] = []
    for line in _rows_of(chars):
        spaces = any(c.text.isspace() for c in line)
        cut, last = [0], None
        for index, char in enumerate(line):
            if char.text.isspace():
                continue
            if last is not None and _column_gap(line[last], char, spaces):
                cut.append(last + 1)
            last = index
        cut.append(len(line))
        out += [part for a, b in zip(cut, cut[1:], strict=False) if (part := line[a:b])]
    return out


def _column_gap(before: Char, after: Char, spaces: bool) -> bool:
    """A gap between columns, from one printed letter to the next: wide, or (in a line that
    draws its spaces, so that a space between words is a third of a letter's height) more
    than half a letter's height."""
    gap = after.x0 - before.x1
    return gap > 1.5 * before.size or spaces and gap > 0.5 * before.size


def _rows_of(chars: Sequence[Char]) -> list[list[Char]]:
    lines: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (round(c.top), c.x0)):
        if lines and abs(lines[-1][0].top - char.top) < 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda c: c.x0) for line in lines if any(
        c.text.strip() for c in line)]
