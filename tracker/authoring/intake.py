"""A letter as published, taken into the site folder: the letter file from a report's PDF
or a letter's text, and with `records` one action record per point it found."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..content.folder import LETTERS
from ..content.sources import lenient_config
from .importer import Imported, import_letter, slug_from_letter, slug_from_name
from .pasted_lines import NotALetter, is_pdf, pasted_text
from .pdf import NotAReport
from .report import import_report
from .scaffold import ExistsError, point_records, write_source


class Refused(Exception):
    """The file cannot be taken in: the message says why; nothing was written."""


@dataclass
class Taken:
    """What was written."""

    path: Path
    replaced: bool
    letter: Imported
    records: list[tuple[Path, bool]] = field(default_factory=list)
    """Each record's path, and whether it was written (False: it was there already)."""
    no_records: str = ""
    """Why no record was written, when records were asked for and none could be."""


@dataclass(frozen=True)
class Prepared:
    """A letter read and ready to write at `path` (nothing written yet)."""

    path: Path
    letter: Imported


def prepare(root: Path, file: str, *, slug: str | None, source: str = "", force: bool = False,
            shown: str = "") -> Prepared:
    """Read `file` ('-': standard input) as the letter content/letters/SLUG.md of `root`;
    `shown` names a path in messages. Refused says why it cannot be taken in."""
    stdin = file == "-"
    report = not stdin and is_pdf(Path(file))
    try:
        text = "" if report else pasted_text(sys.stdin.buffer if stdin else Path(file),
                                             "standard input" if stdin else file)
    except NotALetter as exc:
        raise Refused(str(exc)) from None
    letters = root / LETTERS
    slug = slug or slug_from_name(None if stdin else Path(file).stem)   # '': the letter names it
    path = letters / f"{slug}.md"
    if slug and not force and path.exists():   # said before the work, when the slug is known
        raise Refused(f"{shown_path(root, path, shown)} exists; use --force to replace it.")
    points = lenient_config(root).points
    if report:
        try:
            letter = import_report(Path(file), points, source)
        except NotAReport as exc:
            raise Refused(f"{file} cannot be imported: {exc}. Nothing was written.") from None
    else:
        letter = import_letter(text, points, source)
    if not slug:
        path = letters / f"{slug_from_letter(letter)}.md"
    return Prepared(path, letter)


def take_in(root: Path, file: str, *, slug: str | None, source: str = "", force: bool = False,
            records: bool = False, shown: str = "") -> Taken:
    """Import `file` ('-': standard input) into `root` as content/letters/SLUG.md; `shown`
    names a path in messages. Refused says why when nothing was written."""
    return write_letter(root, prepare(root, file, slug=slug, source=source, force=force,
                                      shown=shown), force=force, records=records, shown=shown)


def write_letter(root: Path, prepared: Prepared, *, force: bool = False, records: bool = False,
                 shown: str = "") -> Taken:
    """Write a prepared letter, and with `records` a record per point it found."""
    path, letter = prepared.path, prepared.letter
    existed = path.exists()
    try:
        write_source(path, letter.text, force=force)   # never over a file that appeared meanwhile
    except ExistsError:
        raise Refused(f"{shown_path(root, path, shown)} exists; use --force to replace it.") \
            from None
    taken = Taken(path, existed, letter)
    if records and not letter.points:
        taken.no_records = "no records were written: no points were found"
    elif records and letter.date is None:
        taken.no_records = ("no records were written: the letter has no date yet. Add `date:` "
                            "to it, then use 'tracker new record'")
    elif records and letter.date:
        taken.records = point_records(root, path.stem, letter.date, list(letter.points))
    return taken


def shown_path(root: Path, path: Path, shown: str) -> str:
    """`path` as staff typed the site: relative to it when they are in it."""
    return path.relative_to(root).as_posix() if shown == "." else path.as_posix()
