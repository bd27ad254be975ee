"""Pasted letter text → lines: the file checked before any work, characters the copy mangled
restored (apostrophes, ligatures, quotation marks), and the lines cut, joined and searched
without losing a word."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..content.files import MAX_FILE_BYTES


@dataclass(frozen=True)
class Line:
    """One line of the pasted text, with its spaces tidied; a blank one ends a block."""

    number: int
    """1-based line number in the input."""
    text: str


_MOJIBAKE = (("â€™", "’"), ("â€˜", "‘"), ("â€œ", "“"), ("â€\x9d", "”"), ("â€“", "–"),
             ("â€”", "—"), ("Â\u00a0", " "))
_CHARACTERS = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\t": " ", "\u200b": None, "\u200c": None,
    "\u200d": None, "\ufeff": None, "\u00ad": None, "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl",
    "\ufb03": "ffi", "\ufb04": "ffl"})
_LOST_APOSTROPHES = (
    (re.compile(r"\b([A-Za-z]+)[?\ufffd](s|t|d|m|ll|re|ve)\b"), r"\1'\2"),   # Ofsted?s
    (re.compile(r"\b([A-Za-z]{2,}) s\b(?![-'’])"), r"\1's"),                  # centre s
    (re.compile(r"\b(can|don|isn|wasn|aren|doesn|didn|won|hasn|haven|hadn|weren|couldn|"
                r"wouldn|shouldn) t\b", re.I), r"\1't"),                     # don t
    (re.compile(r"\b(I|[Yy]ou|[Ww]e|[Tt]hey) (ll|re|ve)\b(?![-'’])"), r"\1'\2"),  # we re
)


def read_lines(text: str) -> tuple[list[Line], list[tuple[str, int]]]:
    """The text's lines with spaces tidied and mangled characters restored; what was restored."""
    notes: list[tuple[str, int]] = []
    restored: list[tuple[str, int]] = []
    lines: list[Line] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, raw in enumerate(text.split("\n"), 1):
        for bad, good in _MOJIBAKE:
            if bad in raw:
                raw = raw.replace(bad, good)
                notes.append(("restored quotation marks or dashes garbled in copying", number))
        raw = raw.translate(_CHARACTERS)
        found: list[tuple[int, str]] = []   # (where, word): a repair keeps the line's length
        for pattern, replacement in _LOST_APOSTROPHES:
            found += [(m.start(), m.expand(replacement)) for m in pattern.finditer(raw)]
            raw = pattern.sub(replacement, raw)
        restored += [(f"'{word}'", number) for _, word in sorted(found)]
        for index, part in enumerate(raw.split("\f")):   # a page break ends a block
            if index:
                lines.append(Line(number, ""))
            lines.append(Line(number, " ".join(part.split())))
    note = "restored apostrophes lost in copying: " + ", ".join(
        dict.fromkeys(word for word, _ in restored))
    notes += [(note, n) for _, n in restored]
    return lines, notes


_HYPHENATED = re.compile(r"[A-Za-z]-")


def join_lines(texts: Iterable[str]) -> str:
    """Wrapped lines as one, with a space between: 'well-' + 'being' → 'well-being'. Blank
    ones are left out. Each line is looked at once, and the text is put together once."""
    out: list[str] = []
    for text in filter(None, texts):
        if out and not (_HYPHENATED.fullmatch(out[-1][-2:]) and text[:1].islower()):
            out.append(" ")
        out.append(text)
    return "".join(out)


def blocks(lines: Sequence[Line]) -> list[list[Line]]:
    """The runs of lines between blank lines."""
    found: list[list[Line]] = [[]]
    for line in lines:
        if line.text:
            found[-1].append(line)
        elif found[-1]:
            found.append([])
    return [b for b in found if b]


def cut_line(line: Line, *at: int) -> list[Line]:
    """The line cut at character positions into separate blocks."""
    edges = [0, *sorted(a for a in at if 0 < a < len(line.text)), len(line.text)]
    out: list[Line] = []
    for start, end in zip(edges, edges[1:], strict=False):
        if line.text[start:end].strip():
            out += [Line(line.number, line.text[start:end].strip()), Line(line.number, "")]
    return out


def find_line(lines: list[Line], pattern: re.Pattern[str], last: bool = False) -> \
        tuple[int, re.Match[str]] | None:
    """The first (or last) line where `pattern` is found, and the match."""
    order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
    for index in order:
        match = pattern.search(lines[index].text)
        if match:
            return index, match
    return None


class NotALetter(Exception):
    """A file that holds no letter's text to import: what it is, and what to do instead."""


def is_pdf(path: Path) -> bool:
    """Whether the file is a PDF (by its first bytes, whatever its name)."""
    with path.open("rb") as file:
        return file.read(5) == b"%PDF-"


def pasted_text(source: Path | BinaryIO, name: str) -> str:
    """The text of a file (or standard input) to import, checked before any work: no larger
    than a letter file may be (a file is measured before it is read), not a PDF or another
    binary file, UTF-8, and not empty. NotALetter says what it is otherwise."""
    if isinstance(source, Path):
        size = source.stat().st_size
        data = source.read_bytes() if size <= MAX_FILE_BYTES else b""
    else:  # read no more than the limit, and one byte to tell
        data = source.read(MAX_FILE_BYTES + 1)
        size = len(data)
    if size > MAX_FILE_BYTES:
        exact = f" {size:,} bytes," if isinstance(source, Path) else ""
        raise NotALetter(f"{name} is{exact} more than the limit of {MAX_FILE_BYTES:,} bytes for "
                         "a letter: check that it is the right file, with one letter in it.")
    if data.startswith(b"%PDF-"):
        raise NotALetter(f"{name} is a PDF: give its file name instead, as in 'tracker import "
                         "report.pdf', and it is read with its pages' layout.")
    if b"\0" in data:
        raise NotALetter(f"{name} is not a text file: save the letter's text as UTF-8 plain "
                         "text (a .txt file) and import that.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotALetter(f"{name} is not UTF-8 text (byte {exc.start + 1} cannot be read): "
                         "save it as UTF-8 plain text and try again.") from None
    if not text.strip():
        raise NotALetter(f"{name} has no text to import: it is empty, or holds only spaces "
                         "and blank lines.")
    return text
