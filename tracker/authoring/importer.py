"""A pasted inspection letter → a letter file (front matter + Markdown), and what was guessed.

Pure: text in, text out. This module finds the letter's parts (letterhead, date, addressee,
greeting, subject line, body, sign-off), has `letter_text` recover the body's structure,
and guesses the front matter, saying where each guess came from and naming what it could
not find. It never invents: a field it cannot find is left out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..content.config import DEFAULT_POINTS
from ..content.folder import slug_within, slugify
from ..content.markdown import markup
from ..content.model import PointKind
from . import letter_text as lt
from . import letterhead as lh
from . import pasted_lines as pl
from .dates import DATE, MONTH, date_of, dates_in

SALUTATION = re.compile(rf"\bDear (?:{lh.HONORIFIC} (?:[A-Z]\.? ?)*{lh.NAME}(?: (?:and|&) {lh.HONORIFIC} "
                        rf"(?:[A-Z]\.? ?)*{lh.NAME})?|Sir or Madam|Sir/Madam|{lh.NAME}),?")
SIGN_OFF = re.compile(r"\b(?:Yours [Ss]incerely|Yours [Ff]aithfully|Yours [Tt]ruly|"
                      r"(?:With )?(?:[Kk]ind|[Bb]est) (?:[Rr]egards|[Ww]ishes)),?")
OPENER = re.compile(
    r"(?:(?<=\s)|^)(?:Thank you|Following (?:my|our|the|a)\b|I am writing|I write|I visited|"
    r"We visited|This letter|As you (?:know|are aware)|Further to|On behalf of|Between \d|"
    r"From \d|During (?:my|our|the)\b|(?:Her|His) Majesty['’]s Inspector|I would like to|"
    r"In (?:accordance|line) with|Ofsted and the Care Quality Commission|I carried out|"
    r"We carried out|I undertook)")
JUDGING = ("monitoring", "revisit")
_DAY = r"\d{1,2}(?:st|nd|rd|th)?\b"
_PART = rf"{_DAY}(?: {MONTH})?(?: \d{{4}})?"
VISIT = re.compile(rf"\b(?:[Oo]n|[Bb]etween|[Ff]rom) {_PART}(?:(?:,| and| to| ?[–—-]) ?{_PART})*")
_NOT_NAME = r"(?!(?:Ofsted|Her|His|Additional|Senior|Lead|CQC|HMI|Inspector)\b)"
_PERSON = rf"[A-Z][\w'’-]+(?: {_NOT_NAME}[A-Z][\w'’.-]*){{1,3}}"
_POST = (r"(?:an? )?(?:(?:Her|His) Majesty['’]s Inspector|(?:[A-Z][\w'’]* ){0,2}"
         r"(?:Inspector|HMI))(?: \(HMI\))?")
_PAIR = rf"(?P<name>{_PERSON}),? {_POST}"
CO_INSPECTORS = re.compile(rf"\bwith ({_PERSON},? {_POST}(?:,? (?:and )?{_PERSON},? {_POST})*)")
KINDS = (("revisit", "revisit"), ("re-visit", "revisit"), ("monitoring", "monitoring"),
         ("survey", "survey"), ("short inspection", "short-inspection"),
         ("inspection", "full-inspection"))


FoundPoint = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Imported:
    """A letter turned into a letter file."""

    text: str
    """The whole file: front matter, then the Markdown body."""
    guesses: tuple[str, ...]
    """Each front matter field guessed, with where it came from, for staff to confirm."""
    missing: tuple[str, ...]
    """Each field that could not be found, with how to add it."""
    notes: tuple[str, ...]
    """What was repaired in the text, and the points found."""
    date: dt.date | None
    subject: str
    title: str
    points: tuple[FoundPoint, ...] = ()
    """Each point found: (id, its whole text, its owners)."""


@dataclass
class Parts:
    """The letter cut into its parts."""

    head: list[lt.Piece] = field(default_factory=list)
    """Letterhead, date, addressee, greeting and subject line, in order."""
    body: list[lt.Piece] = field(default_factory=list)
    tail: list[lt.Piece] = field(default_factory=list)
    """The sign-off and everything after it."""
    date: pl.Line | None = None
    """The line that holds the letter's own date."""
    addressee: list[str] = field(default_factory=list)
    subject: pl.Line | None = None
    """The subject line (the letter's title)."""
    signatories: list[str] = field(default_factory=list)
    signed_line: int = 0
    notes: list[tuple[str, int]] = field(default_factory=list)
    """What was repaired, and where."""


def import_letter(text: str, kinds: Sequence[PointKind] = DEFAULT_POINTS,
                  source: str = "") -> Imported:
    """The letter file for pasted `text`; the site's point phrases find its points; `source`
    the address of the official copy, if given."""
    lines, repairs = pl.read_lines(text)
    parts = split_letter(lines, [p for k in kinds for p in k.phrases])
    fields: dict[str, str] = {}
    guesses: list[str] = []
    missing: list[str] = []

    def found(key: str, value: str | None, where: str, hint: str = "") -> None:
        if value:
            fields[key] = value
            guesses.append(f"{key}: {value} ({where})")
        else:
            missing.append(f"no {key.replace('_', ' ')} found: add `{key}:`{hint}")

    title = parts.subject.text if parts.subject else ""
    found("title", title and json.dumps(title, ensure_ascii=False),
          f"from the subject line on line {parts.subject.number if parts.subject else 0}",
          " (the letter's subject line)")
    date, where = _letter_date(parts.date)
    found("date", date.isoformat() if date else None, where)
    named = _inspectorates(lines)
    found("inspectorate", flow([n for n, _ in named]), "named on line " + ", ".join(
        str(n) for _, n in named), " (Ofsted, CQC)")
    kind, word = _kind(title)
    found("kind", kind, f"from '{word}' in the subject line",
          " (survey, monitoring, revisit or full-inspection)")
    subject, line = _institution(parts, lines)
    found("subject", subject and scalar(subject), f"from the addressee block on line {line}",
          " (who was inspected)")
    visits, where = _visit_dates(parts.body, lines)
    found("visit_dates", flow([d.isoformat() for d in visits]), where)
    inspectors, where = _inspectors(parts, lines)
    found("inspectors", flow(inspectors), where)
    body, starts = lt.written(parts.head + parts.body + parts.tail)
    listed = points_of(body, kinds)
    points = [point_id for point_id, _, _ in listed]
    notes: list[str] = []
    if kind == "monitoring" and points:
        found("points", "true", f"a monitoring letter that asks for action: {', '.join(points)}")
    elif kind in JUDGING:
        notes.append(f"a {kind} letter: it creates no points of its own (add `points: true` "
                     "if it asks for further action)")
    elif points:
        notes.append(f"found points {', '.join(points)}: check them with 'tracker check'")
    else:
        notes.append("found no points: mark them with {.improvement} or {.priority} "
                     "if the letter has any")
    if source:
        fields["source"] = json.dumps(source)
    front = [f"{key}: {fields[key]}" for key in ("title", "date", "inspectorate", "kind",
             "subject", "visit_dates", "inspectors", "points", "source") if key in fields]
    notes = _summary(repairs + parts.notes, starts, len(front) + 3) + notes
    return Imported("---\n" + "".join(f"{f}\n" for f in front) + "---\n\n" + body, tuple(guesses),
                    tuple(missing), tuple(notes), date, subject, title, tuple(listed))


def slug_from_name(file_stem: str | None) -> str:
    """The file name's words, lower case and joined by hyphens ('' when it has none): known
    before the letter is imported."""
    return slugify(file_stem or "")


def slug_from_letter(imported: Imported) -> str:
    """'letter-YYYY-subject', for a letter whose file name gives no slug."""
    start = f"letter-{imported.date.year}" if imported.date else "letter"
    return slug_within(start, imported.subject or imported.title)


# The letter's parts ---------------------------------------------------------------------

def split_letter(lines: list[pl.Line], phrases: Sequence[str]) -> Parts:
    """Head (letterhead … subject line), body pieces and tail (sign-off …)."""
    parts = Parts()
    head: list[pl.Line] = []
    found = pl.find_line(lines[:60], SALUTATION)   # the greeting is near the top
    if found:
        index, match = found
        line = lines[index]
        short = len(line.text[match.start():].split()) <= 7
        end = len(line.text) if short and not OPENER.search(line.text, match.end()) \
            else match.end()
        cut = pl.cut_line(line, match.start(), end)
        greeting = next(i for i, ln in enumerate(cut) if ln.text.startswith("Dear"))
        head = [*lines[:index], pl.Line(line.number, ""), *cut[:greeting + 1]]
        lines = cut[greeting + 1:] + lines[index + 1:]
    else:   # no greeting: the head is what comes before the opening sentence
        opening = next((i for i, ln in enumerate(lines[:60]) if OPENER.match(ln.text)), 0)
        head, lines = lines[:opening], lines[opening:]
    signed = pl.find_line(lines, SIGN_OFF, last=True)
    tail: list[pl.Line] = []
    if signed:
        index, match = signed
        cut = pl.cut_line(lines[index], match.start(), match.end())
        sign = next(i for i, ln in enumerate(cut) if SIGN_OFF.match(ln.text))
        lines, tail = lines[:index] + cut[:sign], cut[sign:] + lines[index + 1:]
    if pl.blocks(head):
        _head(parts, head, greeting=bool(found))
        lines = lines[_subject(parts, lines):] if found else lines
    _tail(parts, tail)
    parts.body = lt.body_pieces(pl.blocks(lines), (*phrases, *lt.HEADINGS), phrases, parts.notes)
    return parts


def _head(parts: Parts, head: list[pl.Line], greeting: bool) -> None:
    """Letterhead, the date, the addressee, then the greeting (the last block of `head`);
    with no greeting, a last block that looks like a heading is the subject line."""
    before = pl.blocks(head)
    last = before.pop() if greeting else []
    lines = [ln for block in before for ln in (*block, pl.Line(block[0].number, ""))]
    dated = pl.find_line(lines, DATE)
    if dated:
        index, match = dated
        line = lines[index]
        start = 0 if line.text[:match.start()].rstrip().endswith(":") else match.start()
        cut = pl.cut_line(line, start, match.end())
        parts.date = next(ln for ln in cut if ln.text == line.text[start:match.end()].strip())
        lines = lines[:index] + [pl.Line(line.number, "")] + cut + lines[index + 1:]
    seen = parts.date is None
    for block in pl.blocks(lines):
        texts = [ln.text for ln in block]
        if block[0] is parts.date:
            seen = True
        elif len(texts) == 1 and len(texts[0].split()) > 6:
            texts = lh.addressee_lines(texts[0]) if seen else lh.address_lines(texts[0])
        if seen and block[0] is not parts.date:
            parts.addressee += texts
        parts.head.append(lt.Piece("lines", "\n".join(texts), block[0].number))
    if last:
        parts.head.append(lt.Piece("lines", "\n".join(ln.text for ln in last), last[0].number))
    elif "\n" not in parts.head[-1].text and lt.heading_like(parts.head[-1].text):
        subject = parts.head.pop()
        parts.addressee = parts.addressee[:-1]
        _take_subject(parts, [pl.Line(subject.line, subject.text)])


def _subject(parts: Parts, lines: list[pl.Line]) -> int:
    """Take the subject line off the start of `lines`; the index where the body starts."""
    start = next((i for i, ln in enumerate(lines) if ln.text), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i].text), len(lines))
    for index in range(start, end):
        match = OPENER.search(lines[index].text)
        if match and (match.start() > 0 or index > start):
            line = lines[index]
            _take_subject(parts, [*lines[start:index], pl.Line(line.number, line.text[:match.start()])])
            lines[index] = pl.Line(line.number, line.text[match.start():])
            return index
        if match:
            return start
    text = " ".join(ln.text for ln in lines[start:end])
    if text and len(text.split()) <= 60 and not re.search(r"[.!?] [A-Z]|[.!?]$", text):
        _take_subject(parts, lines[start:end])
        return end
    return start


def _take_subject(parts: Parts, lines: list[pl.Line]) -> None:
    text = pl.join_lines(line.text.strip() for line in lines)
    if text:
        number = next(ln.number for ln in lines if ln.text.strip())
        parts.subject = pl.Line(number, text)
        parts.head.append(lt.Piece("paragraph", text, number))


def _tail(parts: Parts, tail: list[pl.Line]) -> None:
    found = pl.blocks(tail)
    if not found:
        return
    parts.signed_line = found[0][0].number
    parts.signatories, shown = lh.signatures(" ".join(ln.text for b in found[1:] for ln in b))
    for index, block in enumerate(found):
        texts = [ln.text for ln in block]
        if index == 1 and len(texts) == 1 and " ".join(shown) == texts[0]:
            texts = shown
        parts.tail.append(lt.Piece("lines", "\n".join(texts), block[0].number))


# Guesses -------------------------------------------------------------------------------

def _letter_date(line: pl.Line | None) -> tuple[dt.date | None, str]:
    match = DATE.search(line.text) if line else None
    if not line or not match:
        return None, ""
    return date_of(*match.groups()), f"from '{match[0]}' on line {line.number}"


def _inspectorates(lines: list[pl.Line]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for name, pattern in (("Ofsted", r"\bOfsted\b"), ("CQC", r"\bCQC\b|Care Quality Commission")):
        line = next((ln for ln in lines if re.search(pattern, ln.text, re.I)), None)
        if line:
            found.append((name, line.number))
    return sorted(found, key=lambda f: f[1])


def _kind(title: str) -> tuple[str | None, str]:
    for word, kind in KINDS:
        if re.search(rf"\b{word}\b", title, re.I):
            return kind, word
    return None, ""


def _institution(parts: Parts, lines: list[pl.Line]) -> tuple[str, int]:
    """The inspected institution: the addressee line naming a school, centre, council, …"""
    line = parts.head[0].line if parts.head else 0
    for text in parts.addressee:
        for part in text.split(", "):
            if re.match(rf"{lh.HONORIFIC} ", part) or re.fullmatch(lh.ROLE, part) or \
                    re.search(lh.POSTCODE, part) or part[:1].isdigit():
                continue
            if lh.INSTITUTION.search(part):
                return part.strip(" ,"), _line_of(lines, part)
    return "", line


def _visit_dates(body: list[lt.Piece], lines: list[pl.Line]) -> tuple[list[dt.date], str]:
    """The dates of the visit, from the opening paragraph ('on 21 and 22 January 2010')."""
    opening = [p for p in body if p.kind == "paragraph"][:2]
    match = next((m for p in opening for m in VISIT.finditer(p.text)
                  if re.search(rf"{MONTH} \d{{4}}$", m[0])), None)
    if not match:
        return [], ""
    dates = dates_in(match[0])
    if not dates:
        return [], ""
    where = f"from '{match[0]}' on line {_line_of(lines, match[0])}"
    if len(dates) > len(re.findall(r"\b\d{1,2}\b", match[0])):
        where += ", every day of the range"
    return dates, where


def _inspectors(parts: Parts, lines: list[pl.Line]) -> tuple[list[str], str]:
    names = list(parts.signatories)
    where = [f"from the sign-off on line {parts.signed_line}"] if names else []
    opening = next((p for p in parts.body if p.kind == "paragraph"), None)
    match = CO_INSPECTORS.search(opening.text) if opening else None
    if match:
        named = [m["name"] for m in re.finditer(_PAIR, match[1])]
        names += [n for n in named if n not in names]
        where.append(f"from the opening on line {_line_of(lines, match[0][:40])}")
    return names, " and ".join(where).replace(" and from", " and")


def _line_of(lines: list[pl.Line], text: str) -> int:
    """The line where `text` starts (its first words, when it runs over lines)."""
    words = text.split()
    for size in (len(words), 3, 1):
        needle = " ".join(words[:size])
        line = next((ln for ln in lines if needle and needle in ln.text), None)
        if line:
            return line.number
    return 0


def points_of(body: str, kinds: Sequence[PointKind]) -> list[FoundPoint]:
    """The points a letter's Markdown has, as a build finds them."""
    specs = [markup.KindSpec(k.id, k.prefix, k.label, k.phrases) for k in kinds]
    _, found = markup.render_letter(body, specs, True)
    return [(b.point.id, b.text, b.point.owners) for b in found.blocks if b.point]


def _summary(notes: list[tuple[str, int]], starts: list[tuple[int, int]],
             offset: int) -> list[str]:
    """Notes of the same kind in one line, with the lines of the written file they are about:
    `starts` gives (input line, Markdown line) of each block, the body starting after
    `offset` lines of front matter."""
    lines: dict[str, dict[str, None]] = {}   # a dict keeps the first of each, in order
    for text, number in notes:
        where = lines.setdefault(text, {})
        if number:
            at = max((out for given, out in starts if given <= number), default=1)
            where[str(offset + at)] = None
    return [f"{text} (line {', '.join(where)} of the file)" if where else text
            for text, where in lines.items()]


# Output --------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .'’()&/-]*")


def scalar(text: str, in_list: bool = False) -> str:
    """A YAML value: plain when that is safe, else in double quotes."""
    safe = _PLAIN.fullmatch(text) or (not in_list and _PLAIN.fullmatch(text.replace(", ", " ")))
    if safe and text.lower() not in ("yes", "no", "on", "off", "true", "false", "null", "y", "n"):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(values: Sequence[str]) -> str | None:
    if not values:
        return None
    return "[" + ", ".join(v if re.fullmatch(r"\d{4}-\d\d-\d\d", v) else scalar(v, True)
                           for v in values) + "]"
