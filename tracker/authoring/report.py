"""An inspection report as published (a PDF) → a letter file, and what was found in it.

The report's own facts become front matter (its title line, "Inspection dates:", the
"Inspection outcome", the "Inspection team"), each said with where it was found: the page
and line of the PDF, and the line of the written file. Its points are found by the same
rule as every letter's, and said with their first and last words and their owners.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..content.config import DEFAULT_POINTS
from ..content.markdown import markup
from ..content.model import PointKind
from . import pdf, pdf_layout
from . import report_blocks as rb
from .dates import dates_in
from .importer import FoundPoint, Imported, flow, scalar

_SUBJECT = re.compile(r"\b(?:inspection|report|visit) of (?:the )?(.+)$", re.IGNORECASE)
_DATES = re.compile(r"^Inspection dates?:?\s*(.+?\d{4}(?:\s+to\s+\d{1,2}\s+\w+\s+\d{4})?)",
                    re.IGNORECASE)
_ROLE = re.compile(r"\s+(?:HMI|Ofsted|CQC|His Majesty|Her Majesty|Lead|lead)\b.*$")
_INSPECTORATES = (("Ofsted", ("Ofsted",)), ("CQC", ("Care Quality Commission", "CQC")))


@dataclass
class _Fact:
    key: str
    value: str
    """As written in the front matter (YAML)."""
    block: pdf.Block | None
    """Where it was found (None: given on the command line)."""
    note: str = ""
    found: object = None
    """What was found, before it was written as YAML (the date, the subject's name)."""


def read_report(path: Path) -> list[pdf.Block]:
    """The report's blocks in reading order, from its tags where it has them, else from the
    layout of its pages. NotAReport when it cannot be read or has no text."""
    pages, tree = pdf.read_pages(path)
    found = pdf.TreeReader(pages).blocks(tree) if tree else pdf_layout.blocks(pages)
    blocks = rb.headings(rb.side_by_side(rb.opened(found)), pdf.common_size(pages))
    return rb.joined_over_pages(blocks)


def import_report(path: Path, kinds: Sequence[PointKind] = DEFAULT_POINTS,
                  source: str = "") -> Imported:
    """The letter file for the report at `path`; the site's point phrases find its points."""
    blocks = read_report(path)
    title = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    body = [b for b in blocks if b is not title]
    facts = _facts(title, body, source)
    front = ["---", *(f"{f.key}: {f.value}" for f in facts), "---", ""]
    written = rb.markdown(body)
    offset = len(front)
    guesses = [f"{f.key}: {f.value} (" + (  # a fact's line of the file: after the first '---'
        f"page {f.block.page}, line {f.block.line}; line {2 + i} of the file" if f.block
        else "given") + f"){f.note}" for i, f in enumerate(facts)]
    missing = [f"no {key.replace('_', ' ')} found: add `{key}:`" for key in
               ("title", "date", "visit_dates", "inspectors", "outcome")
               if key not in {f.key for f in facts}]
    text = "\n".join(front) + "\n" + written.text
    notes, points = _points(written, kinds, offset)
    found = {f.key: f.found for f in facts}
    subject, date = found.get("subject"), found.get("date")
    assert subject is None or isinstance(subject, str)
    assert date is None or isinstance(date, dt.date)
    return Imported(text, tuple(guesses), tuple(missing), tuple(notes), date, subject or "",
                    title.text if title else "", points)


def _facts(title: pdf.Block | None, body: Sequence[pdf.Block], source: str) -> list[_Fact]:
    facts: list[_Fact] = []
    if title:
        facts.append(_Fact("title", scalar(title.text), title))
    dates = next(((b, m[1]) for b in body if b.kind == "paragraph"
                  and (m := _DATES.match(b.text))), None)
    visits = dates_in(dates[1]) if dates else []
    if visits and dates:
        facts.append(_Fact("date", visits[-1].isoformat(), dates[0],
                           ": the last inspection day, as the report prints no date of its "
                           "own; change it to the day the report was published if you know it",
                           visits[-1]))
    team = _team(body)
    named = [name for name, words in _INSPECTORATES
             if any(w in (team[1] if team else "") for w in words)]
    if named and team:
        facts.append(_Fact("inspectorate", flow(named) or "", team[0]))
    if title:
        facts.append(_Fact("kind", "full-inspection", title))
        subject = _SUBJECT.search(title.text)
        if subject:
            facts.append(_Fact("subject", scalar(subject[1]), title, found=subject[1]))
    if visits and dates:
        facts.append(_Fact("visit_dates", flow([d.isoformat() for d in visits]) or "", dates[0]))
    if team and team[2]:
        facts.append(_Fact("inspectors", flow(team[2]) or "", team[0]))
    outcome = _outcome(body)
    if outcome:
        facts.append(_Fact("outcome", json.dumps(outcome[1], ensure_ascii=False), outcome[0]))
    if source:
        facts.append(_Fact("source", json.dumps(source), None))
    return facts


def _after(body: Sequence[pdf.Block], heading: str) -> list[pdf.Block]:
    """The blocks under the heading whose text is `heading`, up to the next heading."""
    start = next((i for i, b in enumerate(body) if b.kind == "heading"
                  and b.text.lower().startswith(heading)), None)
    if start is None:
        return []
    out = []
    for block in body[start + 1:]:
        if block.kind == "heading":
            break
        out.append(block)
    return out


def _outcome(body: Sequence[pdf.Block]) -> tuple[pdf.Block, str] | None:
    """The first sentence under "Inspection outcome": the headline judgement."""
    first = next((b for b in _after(body, "inspection outcome") if b.kind == "paragraph"), None)
    if first is None:
        return None
    sentence = re.match(r".+?[.!?](?=\s|$)", first.text)
    return first, sentence[0] if sentence else first.text


def _team(body: Sequence[pdf.Block]) -> tuple[pdf.Block, str, list[str]] | None:
    """The "Inspection team" table: (the table, its header's text, the inspectors' names
    without their roles)."""
    table = next((b for b in _after(body, "inspection team") if b.kind == "table"), None)
    if table is None:
        return None
    header = " ".join(b.text for cell in table.rows[0] for b in cell)
    names = []
    for row in table.rows[1:]:
        for cell in row:
            text = " ".join(b.text for b in cell)
            name = _ROLE.sub("", text.split(",")[0]).strip()
            if name and name not in names:
                names.append(name)
    return table, header, names


def _points(written: rb.Written, kinds: Sequence[PointKind],
            offset: int) -> tuple[list[str], tuple[FoundPoint, ...]]:
    """Each point found, said with its owners, first and last words, and where it is."""
    specs = [markup.KindSpec(k.id, k.prefix, k.label, k.phrases) for k in kinds]
    _, found = markup.render_letter(written.text, specs, True)
    points = [b for b in found.blocks if b.point]
    if not points:
        return ["found no points: mark them with {.improvement} or {.priority} if the report "
                "has any"], ()
    notes = []
    counts: dict[str, int] = {}
    for block in points:
        point = block.point
        assert point is not None
        counts[point.kind] = counts.get(point.kind, 0) + 1
        words = block.text.split()
        quoted = " ".join(words) if len(words) <= 12 else \
            f"{' '.join(words[:6])} … {' '.join(words[-4:])}"
        owners = f" [{'; '.join(point.owners)}]" if point.owners else ""
        notes.append(f"{point.id}{owners}: “{quoted}” (page {_page_of(written, block.line)}, "
                     f"line {offset + block.line + 1} of the file)")
    kinds_found = ", ".join(f"{n} {k}" for k, n in counts.items())
    said = [f"found {len(points)} points ({kinds_found}): check each against the report", *notes]
    return said, tuple((b.point.id, b.text, b.point.owners) for b in points if b.point)


def _page_of(written: rb.Written, line: int) -> int:
    """The page of the report that line `line` (0-based) of the Markdown came from: a table's
    row its own page."""
    block, start = max(((b, at) for b, at in written.lines if at <= line + 1),
                       key=lambda pair: pair[1])
    if block.kind == "table":
        row = line + 1 - start - 2   # after the header line and the '|---|' line
        rows = block.rows[1:] if block.header else block.rows   # else an empty header
        if 0 <= row < len(rows):
            first = next((b for cell in rows[row] for b in cell), None)
            if first is not None:
                return first.page
    return block.page
