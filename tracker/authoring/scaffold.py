"""The only writer of source files: `new`, `init` and `import` create files through here."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..content.documents import read_letter
from ..content.files import Document, read_document
from ..content.folder import LETTERS, RECORDS, SLUG_HINT, UPDATES, is_slug, slug_within, slugify
from ..content.refs import is_paragraph_anchor, is_point_id, parse
from ..content.sources import lenient_config


class ExistsError(Exception):
    """The file is there already and --force was not given."""


class NotEmptyError(Exception):
    """`init` was given a folder that already holds something."""


class ArgumentError(ValueError):
    """A name or reference given on the command line that cannot be used: what, and a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(f"{message}; {hint}")
        self.message = message
        self.hint = hint


def write_source(path: Path, text: str, *, force: bool = False) -> None:
    """Write a new source file whole or not at all; refuse to replace one unless `force`.
    A new file gets the permissions the user's umask gives (as an editor's would); a
    replaced one keeps its own."""
    if path.exists() and not force:
        raise ExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        kept: int | None = path.stat().st_mode & 0o7777
    except OSError:
        kept = None
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"  # litter to readers
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # less the umask
    try:
        if kept is not None:
            os.fchmod(handle, kept)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        if force:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if the file appeared meanwhile: never overwrite
            os.unlink(temporary)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# Names and references given on the command line -----------------------------------------

def check_slug(text: str, what: str) -> str:
    """`text` when it is a valid file name (slug), else ArgumentError with a suggestion."""
    if is_slug(text):
        return text
    fixed = slugify(text)
    hint = f"{SLUG_HINT}, for example '{fixed}'" if fixed else SLUG_HINT
    raise ArgumentError(f"'{text}' is not a valid {what}", hint)


def parse_point_ref(text: str) -> tuple[str, str]:
    """(letter slug, point id) of `letter:SLUG#P1` (read by the reference grammar, `refs`), else
    ArgumentError saying how to write it."""
    text = text.strip()
    scheme, slug, point = parse(text)
    if scheme != "letter" or not point:
        hint = f"write it as letter:{text}" if "#" in text and ":" not in text else \
            "write it as letter:SLUG#P1, where SLUG is the letter's file name"
        raise ArgumentError(f"'{text}' is not a point of a letter", hint)
    check_slug(slug, "letter name")
    if is_paragraph_anchor(point):
        raise ArgumentError(f"'{text}' names a paragraph, not a point",
                            "records track points, like #P1 or #I2")
    if not is_point_id(point):
        raise ArgumentError(f"'{text}' has no valid point id after '#'",
                            "point ids are like P1 or I2")
    return slug, point


def update_slug(title: str, date: dt.date) -> str:
    """'2025-10-14-monitoring-inspection-half-way-update': the date, then the title's words
    (as many as fit in a slug)."""
    if not slugify(title):
        raise ArgumentError(f"the title '{title}' has no letters or digits",
                            "give the update a title in words")
    return slug_within(date.isoformat(), title)


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()?!&/-]*")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def yaml_text(text: str) -> str:
    """`text` as a YAML value on one line: plain when that is safe, else in double quotes."""
    text = " ".join(text.split())
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    escaped = "".join(
        "\\\\" if c == "\\" else '\\"' if c == '"' else c if c.isprintable() else f"\\u{ord(c):04x}"
        for c in text
    )
    return f'"{escaped}"'


def first_status(statuses: list[tuple[str, bool]]) -> str:
    """The status a new record starts with: 'identified' when the site has it, else its first."""
    return "identified" if "identified" in dict(statuses) else statuses[0][0]


def _statuses(root: Path) -> list[tuple[str, bool]]:
    """(id, verdict) of each status the site's records may use (defaults if site.yml is bad)."""
    config = lenient_config(root)
    return [(s.id, s.verdict) for s in config.statuses]


# Templates -------------------------------------------------------------------------------

def _status_notes(statuses: list[tuple[str, bool]]) -> str:
    ids = ", ".join(s for s, _ in statuses)
    verdicts = [s for s, verdict in statuses if verdict]
    text = f"#   status:   one of {ids}\n"
    if verdicts:
        text += (f"#             ({' and '.join(verdicts)}: only an inspectors' letter gives "
                 "these, so cite it)\n")
    return text


def record_text(record_id: str, title: str, tracks: list[str], entries: list[str],
                statuses: list[tuple[str, bool]], *, owner: str | tuple[str, ...] = "",
                summary: str = "", intro: str = "") -> str:
    """An action record with a note (YAML comment) before each field, in plain words."""
    refs = ", ".join(tracks)
    owners = (owner,) if isinstance(owner, str) else owner
    owner_value = yaml_text(owners[0]) if len(owners) == 1 else \
        "[" + ", ".join(yaml_text(o) for o in owners) + "]"
    owner_line = f"owner: {owner_value}" if any(owners) else "# owner: County council"
    summary_lines = (f"summary: >-\n  {summary}" if summary else
                     "# summary: >-\n#   What the inspectors asked for, and what was promised.")
    return (
        intro +
        f"# Action record '{record_id}': what has been done about {refs}.\n"
        "# Lines starting with '#' are notes for you: the tracker ignores them.\n"
        f"# Other files link to this record as record:{record_id}\n"
        "\n"
        "# A short name for the work, in plain words. It heads the record's page.\n"
        f"title: {yaml_text(title)}\n"
        "\n"
        "# The letter points this record follows, written letter:SLUG#P1\n"
        f"# (SLUG is the letter's file name in {LETTERS}/, without .md).\n"
        f"tracks: [{refs}]\n"
        "\n"
        "# Who must do the work: one name, or a list like [County council, Health board].\n"
        "# To use a line that starts with '#', delete the '# ' at its start.\n"
        f"{owner_line}\n"
        "\n"
        "# A few sentences about the work (Markdown: links like [the plan](https://...)).\n"
        f"{summary_lines}\n"
        "\n"
        "# What has happened, one entry per change. Each entry has:\n"
        "#   date:     the day it happened, written YYYY-MM-DD\n"
        f"{_status_notes(statuses)}"
        "#   note:     what happened, in a sentence or two (optional)\n"
        "#   evidence: where it is written down: letter:SLUG#P1, letter:SLUG#p12 (a paragraph),\n"
        "#             update:SLUG, static:FILE.pdf or a web address starting https://\n"
        "# The status of the latest entry is the record's current status.\n"
        "timeline:\n" + "".join(entries)
    )


def entry_text(date: dt.date, status: str, note: str, evidence: list[str]) -> str:
    """One timeline entry, indented for `timeline:`."""
    return (f"  - date: {date.isoformat()}\n    status: {status}\n"
            f"    note: {yaml_text(note)}\n    evidence: [{', '.join(evidence)}]\n")


def letter_text(today: dt.date) -> str:
    """An empty letter: valid as it stands, ready for its fields and text."""
    return (
        "---\n"
        "# A new letter. Fill in the fields below, then paste the letter's text, word for word,\n"
        "# under the second '---' line. Or let the tracker make this file from a plain-text\n"
        "# copy of the letter: tracker import LETTER.txt\n"
        "# Lines starting with '#' are notes for you: the tracker ignores them.\n"
        'title: "New letter: replace this title"\n'
        f"date: {today.isoformat()}          # the date written on the letter (YYYY-MM-DD)\n"
        "inspectorate: []          # who wrote it, for example [Ofsted, CQC]\n"
        "kind:                     # full-inspection, monitoring, revisit or survey\n"
        "subject:                  # who was inspected, for example Example County Council\n"
        "visit_dates: []           # the days of the visit, for example [2024-03-04, 2024-03-05]\n"
        "inspectors: []            # the inspectors' names, for example [A. Inspector]\n"
        "# source: https://example.org/letter.pdf   # the link to the official copy\n"
        "# Monitoring and revisit letters judge an earlier letter's points and make no points\n"
        "# of their own; add 'points: true' to change that.\n"
        "---\n"
    )


def update_text(title: str, date: dt.date) -> str:
    """A forum update with its optional fields explained."""
    return (
        "---\n"
        "# A forum update. Lines starting with '#' are notes for you: the tracker ignores them.\n"
        "# To use a line that starts with '#', delete the '# ' at its start.\n"
        f"title: {yaml_text(title)}\n"
        f"date: {date.isoformat()}\n"
        "# author: Forum team\n"
        "# One sentence for lists and feeds (else the first paragraph is used):\n"
        "# summary: What this update is about.\n"
        f"# The records this update is about: their file names in {RECORDS}/, without .yml\n"
        "# about: [record-id]\n"
        "# To keep it off the published site while you write, add the line: draft: true\n"
        "# In the text, link to a letter's point like this: [the first priority](letter:SLUG#P1)\n"
        "---\n"
        "\n"
        "Write the update here. Leave an empty line between paragraphs.\n"
    )


def write_new(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    write_source(path, text)
    return path


def new_update(root: Path, title: str, today: dt.date) -> Path:
    """content/updates/DATE-TITLE-WORDS.md, dated `today`."""
    return write_new(root, f"{UPDATES}/{update_slug(title, today)}.md",
                  update_text(title, today))


@dataclass(frozen=True)
class LetterPoints:
    """What a record needs of a letter: its date and its points' ids."""

    date: dt.date
    points: tuple[str, ...]


def letter_points(root: Path, slug: str) -> LetterPoints | None:
    """The date and point ids of content/letters/SLUG.md, read as a build reads it; None when
    there is no such letter, or it cannot be read."""
    if not (root / LETTERS / f"{slug}.md").is_file():
        return None
    document = read_document(root, f"{LETTERS}/{slug}.md")
    if not isinstance(document, Document):
        return None
    letter = read_letter(document, lenient_config(root), [])
    return LetterPoints(letter.date, tuple(p.id for p in letter.points)) if letter else None


def check_targets(root: Path, tracks: list[str]) -> dt.date:
    """The earliest date of the letters `tracks` points into, when every point exists; else
    ArgumentError naming what is there."""
    dates = []
    for ref in tracks:
        slug, point = parse_point_ref(ref)
        found = letter_points(root, slug)
        if found is None:
            letters = sorted(p.stem for p in (root / LETTERS).glob("*.md"))
            raise ArgumentError(f"there is no letter {LETTERS}/{slug}.md", (
                f"letters: {', '.join(letters)}" if letters else
                "import the letter first, with 'tracker import'"))
        if point not in found.points:
            raise ArgumentError(f"letter:{slug} has no point {point}", (
                f"its points are {', '.join(found.points)}" if found.points else
                "it has no points: mark them in the letter with {.priority} or {.improvement}"))
        dates.append(found.date)
    return min(dates)


def new_record(root: Path, record_id: str, tracks: list[str]) -> Path:
    """content/actions/ID.yml tracking `tracks` (points that exist), with one entry: identified
    on the day of the letter."""
    check_slug(record_id, "record id")
    tracks = list(dict.fromkeys(t.strip() for t in tracks))
    since = check_targets(root, tracks)
    statuses = _statuses(root)
    first = first_status(statuses)
    entry = entry_text(since, first, "Named in the inspection letter.", tracks)
    title = record_id.replace("-", " ").capitalize()
    return write_new(root, f"{RECORDS}/{record_id}.yml",
                     record_text(record_id, title, tracks, [entry], statuses))


_LEAD = re.compile(r"^.*?\b(?:should|must|needs? to)\s+(?:(?:urgently|also|further|now)\s+)*",
                   re.IGNORECASE)
_LOOSE_END = {"and", "or", "the", "of", "to", "for", "with", "that", "a", "an", "in", "on", "by",
              "their", "its", "so", "as", "from", "at"}


def draft_title(point_text: str, words: int = 9) -> str:
    """A short title for a record, drafted from its point for staff to edit: what must be done,
    in the point's own words ('Leaders should act with urgency to accelerate …' → 'Act with
    urgency to accelerate …', cut after a few words)."""
    sentence = re.split(r"(?<=[.:;])\s", point_text, maxsplit=1)[0].rstrip(".:;")
    action = _LEAD.sub("", sentence, count=1) or sentence
    kept = action.split()[:words]
    while len(kept) > 3 and kept[-1].lower().strip(",") in _LOOSE_END:
        kept.pop()
    title = " ".join(kept).rstrip(",;")
    return title[:1].upper() + title[1:]


def point_records(root: Path, slug: str, date: dt.date,
                  points: list[tuple[str, str, tuple[str, ...]]]) -> list[tuple[Path, bool]]:
    """One record per point (id, text, owners) of letter SLUG, content/actions/SLUG-ID.yml,
    first entry 'identified' on `date` citing the point; (path, written) for each, a record
    already there left as it is."""
    statuses = _statuses(root)
    first = first_status(statuses)
    out = []
    for point_id, text, owners in points:
        record_id = f"{slug}-{point_id.lower()}"
        ref = f"letter:{slug}#{point_id}"
        body = record_text(record_id, draft_title(text), [ref],
                           [entry_text(date, first, "Named in the inspection report.", [ref])],
                           statuses, owner=owners,
                           intro="# Drafted by 'tracker import --records': edit the title.\n")
        path = root / RECORDS / f"{record_id}.yml"
        try:
            write_source(path, body)
            out.append((path, True))
        except ExistsError:
            out.append((path, False))
    return out


def new_letter(root: Path, slug: str, today: dt.date) -> Path:
    """content/letters/SLUG.md, an empty letter dated `today`."""
    check_slug(slug, "letter name")
    return write_new(root, f"{LETTERS}/{slug}.md", letter_text(today))


# A new site ------------------------------------------------------------------------------
