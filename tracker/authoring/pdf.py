"""A PDF as published → its blocks in reading order: headings, paragraphs, list items and
tables, each with the page and line it starts on. Page furniture is left out.

The one home of pdfplumber (MIT; pdfminer.six underneath). A tagged PDF's structure tree
says which marked text is a paragraph, a list item or a table cell, and leaves running
headers, footers and page numbers outside it; `pdf_layout` reads an untagged one from the
page alone. Text that runs over a page break is joined again in `report_blocks`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pdfplumber

BlockKind = Literal["heading", "paragraph", "item", "table"]

MAX_PAGES = 400
"""A report longer than this is not an inspection report."""
MAX_BYTES = 50_000_000
"""Nor is a file larger than this (measured before it is read)."""


class NotAReport(Exception):
    """The file cannot be read as a report: the message says why, for staff."""


@dataclass
class Block:
    """One block of the report, where it starts, and how its text looked."""

    kind: BlockKind
    text: str
    page: int
    line: int
    """The line on its page (1-based, counting every line of text printed there)."""
    level: int = 0
    """A heading's level (1 the title); an item's depth (0 outermost)."""
    bold: bool = False
    size: float = 0.0
    ends_page: bool = False
    """Its last line is the last line of text on its page: a page break may cut it short."""
    rows: list[list[list[Block]]] = field(default_factory=list)
    """A table's rows, each a list of cells, each the blocks in it."""
    header: bool = False
    """A table's first row is its header."""
    data: bool = False
    """A table that holds data (some cell is a header cell), not one that only lays out a page."""


@dataclass
class Char:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    size: float
    bold: bool


@dataclass
class Page:
    """One page's printed characters, by marked-content id, and its line positions."""

    number: int
    marked: dict[int, list[Char]]
    unmarked: list[Char]
    tops: list[float]
    last_top: float = 0.0
    """Where the last line of the page's text (not its furniture) is."""
    height: float = 842.0
    across: list[float] = field(default_factory=list)
    """Where ruled lines cross the page (a table's row borders), top to bottom."""
    down: list[tuple[float, float, float]] = field(default_factory=list)
    """Ruled lines down the page (column borders): (x, top, bottom)."""

    def line_of(self, top: float) -> int:
        """The 1-based line at `top`."""
        return 1 + sum(1 for t in self.tops if t < top - 2)


_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


def _char(raw: dict[str, Any], page: int) -> Char:
    text = _LIGATURES.get(raw["text"], raw["text"])
    return Char(page, text, raw["x0"], raw["x1"], raw["top"], round(raw["size"], 1),
                bool(_BOLD.search(raw["fontname"])))


def read_pages(path: Path) -> tuple[list[Page], list[dict[str, Any]]]:
    """Every page's characters and the structure tree ([] when untagged). NotAReport when the
    file is not a PDF that can be read, or has no text layer."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NotAReport(f"it is {size:,} bytes, more than the {MAX_BYTES:,} an inspection "
                         "report can be")
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise NotAReport(f"it has {len(pdf.pages)} pages, more than the {MAX_PAGES} an "
                                 "inspection report can have")
            pages = [_page(page) for page in pdf.pages]
            tree = pdf.structure_tree if any(p.marked for p in pages) else []
    except NotAReport:
        raise
    except Exception as exc:   # noqa: BLE001 - whatever a broken or hostile file makes the
        # PDF library raise, the answer to staff is the same: this file cannot be read
        raise NotAReport(f"it could not be read as a PDF ({type(exc).__name__})") from None
    if not pages:
        raise NotAReport("it has no pages")
    if not any(c.text.strip() for p in pages for c in [*p.unmarked, *_all(p.marked)]):
        raise NotAReport("it has no text to read: it is a scan (pictures of pages). Ask the "
                         "inspectorate for the PDF from their website, or type the text out "
                         "and import it as a .txt file")
    return pages, tree


def all_chars(page: Page) -> list[Char]:
    """Every character printed on the page, marked or not (marked first: sort by position
    to read them in order)."""
    return [*_all(page.marked), *page.unmarked]


def _all(marked: dict[int, list[Char]]) -> Iterator[Char]:
    for chars in marked.values():
        yield from chars


def _page(page: Any) -> Page:
    marked: dict[int, list[Char]] = {}
    unmarked: list[Char] = []
    tops: list[float] = []
    for raw in page.chars:
        char = _char(raw, page.page_number)
        if char.text.strip() and not any(abs(t - char.top) < 2 for t in tops[-40:]):
            tops.append(char.top)
        if raw.get("mcid") is None or raw.get("tag") == "Artifact":
            unmarked.append(char)
        else:
            marked.setdefault(raw["mcid"], []).append(char)
    across = _merged(e["top"] for e in page.edges if e["orientation"] == "h" and e["width"] > 20)
    down = sorted({(round(e["x0"]), round(e["top"]), round(e["bottom"])) for e in page.edges
                   if e["orientation"] == "v" and e["height"] > 5})
    page.close()
    last = max((c.top for c in _all(marked) if c.text.strip()), default=0.0)
    return Page(page.page_number, marked, unmarked, sorted(set(tops)), last, float(page.height),
                across, [(float(x), float(t), float(b)) for x, t, b in down])


def _merged(values: Iterable[float], within: float = 2.0) -> list[float]:
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > within:
            out.append(value)
    return out


def spaced(pages: Sequence[Page]) -> bool:
    """Whether the file prints a space at the end of each wrapped line (as Word does): then a
    line that ends without one breaks a word (a long web address) and is joined without one."""
    ends: Counter[bool] = Counter()
    for page in pages:
        for chars in page.marked.values():
            for this, after in zip(chars, chars[1:], strict=False):
                if abs(after.top - this.top) > this.size * 0.5:
                    ends[this.text.isspace()] += 1
    return ends[True] >= 10 * max(ends[False], 1)


def joined(chars: Iterable[Char], spaced: bool = False) -> str:
    """Characters as text: a space where a line wraps (unless the file prints its own, see
    `spaced`) or a gap shows one, a word broken by a hyphen at a line's end kept whole
    ('web-' + 'based'), runs of spaces as one."""
    out: list[str] = []
    last: Char | None = None
    for char in chars:
        if last is not None:
            new_line = abs(char.top - last.top) > last.size * 0.5 or char.x0 < last.x0 - 1
            gap = char.x0 - last.x1 > last.size * 0.2
            tail = out[-1] if out else " "
            wraps = new_line and not spaced and not tail.endswith(("-", "‐"))
            if (wraps or gap) and not tail[-1:].isspace():
                out.append(" ")
        out.append(char.text)
        last = char
    text = unicodedata.normalize("NFC", "".join(out))
    return " ".join(text.split())


def paragraphs(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters cut where the gap between two lines is wider than a line's."""
    runs: list[list[Char]] = [[]]
    for char in chars:
        last = runs[-1][-1] if runs[-1] else None
        if last is not None and char.top - last.top > last.size * 1.8 and \
                abs(char.top - last.top) < 400:
            runs.append([])
        runs[-1].append(char)
    return [run for run in runs if run]


def looks(chars: Sequence[Char]) -> tuple[bool, float]:
    """Whether every printed character is bold, and the largest size."""
    printed = [c for c in chars if c.text.strip()]
    if not printed:
        return False, 0.0
    return all(c.bold for c in printed), max(c.size for c in printed)


# Tagged: the structure tree ---------------------------------------------------------------

_CONTAINERS = {"Document", "DocumentFragment", "Part", "Art", "Sect", "Div", "NonStruct",
               "BlockQuote", "Private", "TOC", "TOCI", "Index", "Aside", "Form"}
_HEADINGS = {"Title", "H", "H1", "H2", "H3", "H4", "H5", "H6"}
_ROW_GROUPS = {"THead", "TBody", "TFoot"}
_SKIP = {"Artifact"}


class TreeReader:
    """Blocks from the structure tree, text from the marked characters it points at."""

    def __init__(self, pages: Sequence[Page]) -> None:
        self.pages = {p.number: p for p in pages}
        self.used: set[tuple[int, int]] = set()
        self.spaced = spaced(pages)

    def blocks(self, elements: Iterable[dict[str, Any]]) -> list[Block]:
        return [b for element in elements for b in self._element(element, 0)]

    def _marks(self, element: dict[str, Any], stop: set[str]) -> list[tuple[int, int]]:
        """The (page, mcid) of an element's own text, and of its children's but those in `stop`,
        in reading order."""
        found: list[tuple[int, int]] = []

        def collect(el: dict[str, Any]) -> None:
            page = el.get("page_number")
            for mcid in el.get("mcids") or ():
                if page is not None:
                    found.append((page, mcid))
            for child in el.get("children") or ():
                if child.get("type") not in stop:
                    collect(child)

        collect(element)
        return sorted(set(found))

    def _text_blocks(self, kind: BlockKind, marks: list[tuple[int, int]],
                     level: int = 0) -> list[Block]:
        """The blocks of this text: one, or for a paragraph one per run of lines with no
        paragraph's gap between them (some files mark several paragraphs as one)."""
        chars: list[Char] = []
        for page, mcid in marks:
            if (page, mcid) not in self.used:
                self.used.add((page, mcid))
                chars += self.pages[page].marked.get(mcid, [])
        runs = paragraphs(chars) if kind == "paragraph" else [chars]
        return [b for run in runs if (b := self._block(kind, run, level))]

    def _block(self, kind: BlockKind, chars: list[Char], level: int) -> Block | None:
        text = joined(chars, self.spaced)
        if not text:
            return None
        bold, size = looks(chars)
        first, last = self.pages[chars[0].page], self.pages[chars[-1].page]
        bottom = chars[-1].top
        return Block(kind, text, first.number, first.line_of(chars[0].top), level, bold, size,
                     ends_page=bottom >= last.last_top - 2 and bottom > last.height * 0.7)

    def _element(self, element: dict[str, Any], depth: int) -> Iterator[Block]:
        kind = element.get("type", "")
        if kind in _SKIP:
            return
        if kind in _CONTAINERS:
            for child in element.get("children") or ():
                yield from self._element(child, depth)
        elif kind == "L":
            yield from self._list(element, depth)
        elif kind == "Table":
            table = self._table(element)
            if table:
                yield table
        else:   # a paragraph, heading or anything else with text: its own text, then its
            # lists and tables
            nested = {"L", "Table"}
            yield from self._text_blocks("heading" if kind in _HEADINGS else "paragraph",
                                         self._marks(element, nested))
            for child in element.get("children") or ():
                if child.get("type") in nested:
                    yield from self._element(child, depth)

    def _list(self, element: dict[str, Any], depth: int) -> Iterator[Block]:
        for item in element.get("children") or ():
            if item.get("type") == "L":
                yield from self._list(item, depth + 1)
                continue
            yield from self._text_blocks("item", self._marks(item, {"L", "Table"}), depth)
            for nested in _descendants(item, {"L", "Table"}):
                yield from self._element(nested, depth + 1)

    def _table(self, element: dict[str, Any]) -> Block | None:
        rows: list[list[list[Block]]] = []
        headers: list[list[bool]] = []
        for row in _rows(element):
            cells = [c for c in row.get("children") or () if c.get("type") in ("TD", "TH")]
            rows.append([[b for child in c.get("children") or () for b in self._element(child, 0)]
                         for c in cells])
            headers.append([c.get("type") == "TH" for c in cells])
        if rows and rows[0] and not all(b.bold for cell in rows[0] for b in cell) and all(
                all(h) for h in headers):
            headers[0] = [False]   # header cells all the way down, none of them bold: no header
        if not rows:
            return None
        first = next((b for row in rows for cell in row for b in cell), None)
        if first is None:
            return None
        ends = [b for row in rows for cell in row for b in cell if b.ends_page]
        return Block("table", "", first.page, first.line, rows=rows, ends_page=bool(ends),
                     header=bool(headers[0]) and all(headers[0]),
                     data=any(any(h) for h in headers))


def _rows(table: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for child in table.get("children") or ():
        kind = child.get("type")
        if kind == "TR":
            yield child
        elif kind in _ROW_GROUPS:
            yield from _rows(child)


def _descendants(element: dict[str, Any], kinds: set[str]) -> Iterator[dict[str, Any]]:
    """The outermost descendants of these kinds."""
    for child in element.get("children") or ():
        if child.get("type") in kinds:
            yield child
        else:
            yield from _descendants(child, kinds)


def common_size(pages: Sequence[Page]) -> float:
    """The body text's size: the size most characters have."""
    sizes = Counter(c.size for p in pages for c in [*_all(p.marked), *p.unmarked]
                    if c.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0
