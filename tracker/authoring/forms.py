"""The preview's forms, for staff who never open a YAML file (SPEC 8a): what each asks, the
file it would write, that file checked by the same code as `tracker check` before anything is
written (each problem shown at the field it came from), and the write itself, atomic and never
over a file that changed since the form was opened.

A form is plain data: `Form` with its `Field`s, made here and placed by the theme's
form.html. The four forms are `record_change`, `new_update`, `track_point` and `add_letter`;
`saving` checks and writes what a filled one says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup as Html

from ..content.model import Record, Site, long_date
from ..site import urls
from ..site.views import Linker
from .choices import Choice, evidence_choices, find_point, record_choices, status_choices
from .scaffold import (
    draft_title,
)

EVIDENCE_ROWS = 3
"""Evidence rows a form shows at least (one more than those filled in)."""

Values = Mapping[str, Sequence[str]]
"""What a submitted form says: each field's name → its values, in order."""


@dataclass(frozen=True)
class Field:
    """One labelled field of a form, with what was typed and the problem found in it."""

    name: str
    label: str
    kind: str
    """text, date, select, textarea, checkboxes, evidence, file or url."""
    value: str = ""
    values: tuple[str, ...] = ()
    """The values of a field with several (checkboxes; evidence rows: reference, title)."""
    titles: tuple[str, ...] = ()
    hint: str = ""
    error: str = ""
    choices: tuple[Choice, ...] = ()
    required: bool = False

    @property
    def id(self) -> str:
        return f"field-{self.name}"

    @property
    def described_by(self) -> str:
        """The ids of its hint and its error, which a screen reader reads with it."""
        return " ".join(([f"{self.id}-hint"] if self.hint else []) +
                        ([f"{self.id}-error"] if self.error else []))

    @property
    def rows(self) -> tuple[EvidenceRow, ...]:
        """An evidence field's rows: a reference or web address, and a title."""
        return tuple(EvidenceRow(n, ref, title) for n, (ref, title)
                     in enumerate(zip(self.values, self.titles, strict=True), 1))


@dataclass(frozen=True)
class EvidenceRow:
    number: int
    ref: str
    title: str


@dataclass(frozen=True)
class Form:
    """A form as shown: its fields, the problems that are not one field's, and once saved,
    what was written and where the page that shows it is."""

    kind: str
    page: str
    """Where the form is served (`urls.form_*`)."""
    title: str
    intro: str
    fields: tuple[Field, ...]
    submit: str
    version: str = ""
    """What the file was when the form was opened (empty for a new file)."""
    quote: str = ""
    """The words the form is about (a point's text), shown above it."""
    problems: tuple[str, ...] = ()
    preview: str = ""
    """The Markdown text as the site will show it (HTML), when asked for."""
    previewed: str = ""
    """Which field `preview` shows."""
    written: str = ""
    """The file written, relative to the site folder."""
    landing: str = ""
    """The output path (and #fragment) of the page to go to once written."""
    back: str = ""
    """The page the form was opened from, relative to the form."""
    token: str = ""
    """The running preview's token, which every submission must carry."""
    action: str = ""
    """Where the form is sent (its own address)."""

    @property
    def upload(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    @property
    def preview_html(self) -> Html:
        return Html(self.preview)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def failed(self) -> bool:
        return bool(self.problems) or any(f.error for f in self.fields)


def version_of(path: Path) -> str:
    """A short fingerprint of a file as it is on disk ('' when there is none)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:32]
    except OSError:
        return ""


def _one(values: Values, name: str, default: str = "") -> str:
    given = values.get(name)
    return given[0].replace("\r\n", "\n").strip() if given else default


def form_date(text: str) -> dt.date | str:
    """A date as YAML will read it; anything else is written as typed, for the check to find."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text


def _back(form_page: str, target: str, anchor: str = "") -> str:
    return Linker(form_page).to(target) + (f"#{anchor}" if anchor else "")


# The forms ---------------------------------------------------------------------------------

def record_change(site: Site, root: Path, record: Record, today: dt.date,
                  values: Values | None = None) -> Form:
    """Record a change: an entry added to the record's timeline."""
    values = values or {}
    refs = [r.strip() for r in values.get("evidence", ())]
    titles = [t.strip() for t in values.get("evidence_title", ())]
    filled = [(r, titles[i] if i < len(titles) else "") for i, r in enumerate(refs) if r or
              (i < len(titles) and titles[i])]
    rows = filled + [("", "")] * (max(EVIDENCE_ROWS - len(filled), 1) + (_one(values, "action") == "more"))
    parts = (Field("part", "Part of the work", "select", _one(values, "part"),
                   choices=(Choice("", "The whole area"),
                            *(Choice(a.id, f"Sub-action: {a.title}") for a in record.actions)),
                   required=True, hint="The area as a whole, or one of its sub-actions."),
             Field("due", "New due date", "date", _one(values, "due"),
                   hint="Only when a sub-action's deadline moves; say why under What happened."),
             ) if record.actions else ()
    return Form(
        "record", urls.form_record(record.id), f"Record a change: {record.title}",
        "Add what has happened to this area's timeline. The newest entry gives its status.",
        (
            *parts[:1],
            Field("status", "Status", "select", _one(values, "status", record.status.id),
                  choices=status_choices(site), required=True,
                  hint="Inspectors' verdicts must cite the letter that gives them."),
            Field("date", "Date", "date", _one(values, "date", today.isoformat()), required=True,
                  hint="The day it happened, for example 2025-10-14."),
            *parts[1:],
            Field("note", "What happened", "textarea", _one(values, "note"),
                  hint="A sentence or two. Markdown works: **bold**, [a link](https://…)."),
            Field("evidence", "Evidence", "evidence", values=tuple(r for r, _ in rows),
                  titles=tuple(t for _, t in rows), choices=evidence_choices(site, root),
                  hint="Start typing a letter, point, paragraph, update or file name, or paste "
                       "a web address (https://…). A title is needed only for a web address."),
        ),
        "Save the change", version_of(root / record.path),
        back=_back(urls.form_record(record.id), urls.area(record.id)))


def new_update(site: Site, today: dt.date, values: Values | None = None) -> Form:
    """New update: a forum update written to content/updates/."""
    values = values or {}
    return Form(
        "update", urls.FORM_UPDATE, "New update",
        "Write an update for families. It is published with the site.",
        (
            Field("title", "Title", "text", _one(values, "title"), required=True),
            Field("date", "Date", "date", _one(values, "date", today.isoformat()), required=True),
            Field("about", "About", "checkboxes", values=tuple(values.get("about", ())),
                  choices=record_choices(site),
                  hint="The areas this update is about: it is listed on their pages."),
            Field("text", "Text", "textarea", _one(values, "text"), required=True,
                  hint="Leave an empty line between paragraphs. Link to a point like this: "
                       "[the first priority](letter:SLUG#P1)."),
        ),
        "Save the update", back=_back(urls.FORM_UPDATE, urls.UPDATES))


def track_point(site: Site, ref: str, values: Values | None = None) -> Form:
    """Track this point: a new record following one point, first entry 'identified' on the
    letter's date."""
    values = values or {}
    letter, point = find_point(site, ref)
    record_id = f"{letter.slug}-{point.id.lower()}"
    return Form(
        "track", urls.form_track(letter.slug, point.id), f"Track {point.label}",
        f"A new area to follow, from {letter.name}. Its first entry says the point was "
        f"identified on {long_date(letter.date)}.",
        (
            Field("title", "Title", "text", _one(values, "title", draft_title(point.text)),
                  required=True, hint="A short name for the work, in plain words."),
            Field("id", "File name", "text", _one(values, "id", record_id), required=True,
                  hint="Lower-case letters, digits and hyphens: the page's address."),
            Field("owner", "Responsible", "text", _one(values, "owner", "; ".join(point.owners)),
                  hint="Who must do the work. Separate several with a semicolon (;)."),
        ),
        "Start tracking", quote=point.text,
        back=_back(urls.form_track(letter.slug, point.id), urls.letter(letter.slug), point.id))


def add_letter(values: Values | None = None) -> Form:
    """Add a letter: a report's PDF or a letter's text, imported as `tracker import` does."""
    values = values or {}
    return Form(
        "letter", urls.FORM_LETTER, "Add a letter",
        "Upload an inspection report as published (PDF), or a letter's text (.txt). Every word "
        "is kept, and its points are found for you.",
        (
            Field("file", "Letter or report", "file", required=True,
                  hint="A PDF from the inspectorate's website, or a plain-text file."),
            Field("source", "Web address of the official copy", "url", _one(values, "source"),
                  hint="For example https://reports.ofsted.gov.uk/…"),
            Field("slug", "File name", "text", _one(values, "slug"),
                  hint="Lower-case letters, digits and hyphens. Left empty, the uploaded "
                       "file's name is used, else who was inspected and the year."),
        ),
        "Add the letter", back=_back(urls.FORM_LETTER, urls.LETTERS))
