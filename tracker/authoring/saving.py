"""What a filled form says, written as a person would write it: the file made (a record's
timeline given one more entry through the round-trip YAML of `yamledit`, or a new update,
record or letter), checked by the same code as `tracker check` with nothing written, each
problem shown at the field its line came from, and then written in one step, only under
content/ and static/, and never over a file changed since the form was opened.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..build import load_site
from ..content.folder import CONTENT, LETTERS, RECORDS, SLUG_HINT, STATIC, UPDATES, is_slug, leads_out
from ..content.model import Markup, Record, Site
from ..content.sources import FileCache
from ..errors import Problem
from ..scale.memo import Memo
from ..site import urls
from ..site.views import Linker
from .choices import find_point
from .forms import Form, Values, add_letter, form_date, new_update, record_change, track_point, version_of
from .importer import slug_from_name
from .intake import Refused, prepare, write_letter
from .scaffold import (
    ArgumentError,
    ExistsError,
    check_slug,
    entry_text,
    first_status,
    record_text,
    update_slug,
    write_source,
    yaml_text,
)
from .yamledit import EditError, Evidence, entry, with_entry

# Submitting --------------------------------------------------------------------------------

Upload = tuple[str, bytes]
"""An uploaded file's name and bytes."""


@dataclass
class _Proposal:
    """A file a form would write, and which field each of its lines came from."""

    rel: str
    text: str
    fields: dict[int, str] = field(default_factory=dict)
    first_entry_line: int = 0


@dataclass
class Checks:
    """Checking a form's file against the site at `root` as of `today`: the files read and
    the letters parsed are kept between checks (`cache`, `memo`), so that on a site of a
    thousand letters a second check reads again only what changed."""

    root: Path
    today: dt.date
    cache: FileCache = field(default_factory=FileCache)
    memo: Memo = field(default_factory=Memo)

    def load(self, proposal: _Proposal | None) -> tuple[Site | None, list[Problem]]:
        """The site as it would be with `proposal` written, and its problems (without one:
        as it is, which makes the next check quick)."""
        self.cache.only(None)
        found = load_site(self.root, self.today, cache=self.cache, memo=self.memo,
                          proposed={proposal.rel: proposal.text} if proposal else None)
        self.memo.sweep()
        return found


def checked(checks: Checks, form: Form, proposal: _Proposal) -> tuple[Form, Site | None]:
    """`form`, with every error `tracker check` finds in the file it would write shown at the
    field its line came from (else above the form), and the site as it would be then."""
    site, problems = checks.load(proposal)
    errors: dict[str, str] = {}
    general: list[str] = []
    for problem in problems:
        if problem.path != proposal.rel or problem.severity != "error":
            continue
        name = _field_of(problem, proposal, form)
        if name and name not in errors:
            errors[name] = _said(problem)
        elif not name:
            general.append(f"{problem.path}:{problem.line}:{problem.column}: {_said(problem)}")
    return _with_errors(form, errors, general), site


def _field_of(problem: Problem, proposal: _Proposal, form: Form) -> str:
    name = proposal.fields.get(problem.line, "")
    if problem.line == proposal.first_entry_line and "evidence" in problem.message:
        name = "evidence"
    return name if any(f.name == name for f in form.fields) else ""


def _said(problem: Problem) -> str:
    text = problem.message[0].upper() + problem.message[1:]
    return f"{text} ({problem.hint})" if problem.hint else text


def _with_errors(form: Form, errors: Mapping[str, str], general: Sequence[str] = ()) -> Form:
    return replace(form, fields=tuple(replace(f, error=errors.get(f.name, f.error))
                                      for f in form.fields),
                   problems=form.problems + tuple(general))


def _lines_of_keys(text: str, start: int, keys: Mapping[str, str]) -> dict[int, str]:
    """Line number → field, for the `key:` lines of the YAML in `text` from line `start` (and
    the lines that continue each)."""
    found: dict[int, str] = {}
    current = ""
    for number, line in enumerate(text.split("\n")[start - 1:], start):
        word = line.strip().removeprefix("- ").split(":", 1)[0].strip()
        if ":" in line and word in keys:
            current = keys[word]
        if current:
            found[number] = current
    return found


def _outside_content(root: Path, rel: str) -> str:
    """Why the file `rel` of the site may not be written by a form ('' when it may): forms
    write only under content/ and static/, and never through a link that leads elsewhere."""
    path = root / rel
    if rel.split("/", 1)[0] not in (CONTENT, STATIC) or ".." in rel.split("/") \
            or leads_out(path.parent, root.resolve()) or path.is_symlink():
        return (f"{rel} is a link to somewhere outside the site folder, or not under "
                f"{CONTENT}/ or {STATIC}/: nothing was saved. Ask your maintainer to check "
                "the site folder.")
    return ""


def _write(root: Path, form: Form, rel: str, text: str, landing: str, *,
           replacing: str = "") -> Form:
    """Write `text` at `rel` in one step: a new file only when none is there, an existing one
    only while it is still as it was when the form was opened (`replacing`, its version)."""
    refused = _outside_content(root, rel)
    if refused:
        return _with_errors(form, {}, [refused])
    path = root / rel
    if replacing and version_of(path) != replacing:
        return _stale(form, path)
    try:
        write_source(path, text, force=bool(replacing))
    except ExistsError:
        return _with_errors(form, {}, [f"{rel} was created meanwhile (in another window?). "
                                       "Nothing was saved; what you typed is kept below."])
    return replace(form, written=rel, landing=landing)


def _stale(form: Form, path: Path) -> Form:
    return replace(_with_errors(form, {}, [
        "This file was changed since you opened this form (in another window, or by another "
        "program). Nothing was saved, and what you typed is kept below: look at the page "
        "again if you need to, then save once more."]), version=version_of(path))


def submit_record_change(site: Site, root: Path, record: Record, today: dt.date, values: Values,
                         preview: bool = False, checks: Checks | None = None) -> Form:
    """Check, then (unless only a `preview` is asked for) append the entry the form describes."""
    checks = checks or Checks(root, today)
    form = record_change(site, root, record, today, values)
    if values.get("version", [""])[0] != form.version:
        return _stale(form, root / record.path)
    evidence: list[Evidence] = []
    for ref, title in zip(form.field("evidence").values, form.field("evidence").titles, strict=True):
        if ref and title:
            evidence.append({"url" if ref.startswith(("http:", "https:")) else "ref": ref,
                             "title": title})
        elif ref:
            evidence.append(ref)
    status, note = form.field("status").value, form.field("note").value
    part = _one_of(form, "part")
    action = next((a for a in record.actions if a.id == part), None)
    if part and action is None:
        return _with_errors(form, {"part": "Choose the area or one of its sub-actions."})
    old = (root / record.path).read_text(encoding="utf-8")
    made = entry(form_date(form.field("date").value), status, note, evidence,
                 form_date(_one_of(form, "due")) if _one_of(form, "due") else "")
    try:
        text = with_entry(old, made, action.id if action else None)
    except EditError as exc:
        return _with_errors(form, {}, [f"{record.path}: {exc}. Add the entry in the file itself."])
    start = _first_new_line(old, text)
    keys = {"date": "date", "status": "status", "due": "due", "note": "note", "evidence": "evidence",
            "url": "evidence", "title": "evidence", "ref": "evidence"}
    proposal = _Proposal(record.path, text, _lines_of_keys(text, start, keys), start)
    form, site_then = checked(checks, form, proposal)
    if form.failed or preview:
        return _previewed(form, site_then, "note", lambda s: _new_note(s, record.id, start))
    date = form.field("date").value
    timeline = action.timeline if action else record.timeline
    anchor = urls.entry_anchor(date, 1 + sum(e.date.isoformat() == date for e in timeline),
                               action.id if action else "")
    return _write(root, form, record.path, text, f"{urls.area(record.id)}#{anchor}",
                  replacing=form.version)


def _one_of(form: Form, name: str) -> str:
    """A field's value, '' when the form has no such field."""
    return next((f.value for f in form.fields if f.name == name), "")


def _first_new_line(old: str, new: str) -> int:
    old_lines, new_lines = old.split("\n"), new.split("\n")
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if a != b:
            return number
    return min(len(old_lines), len(new_lines))


def submit_new_update(site: Site, root: Path, today: dt.date, values: Values,
                      preview: bool = False, checks: Checks | None = None) -> Form:
    """Check, then write a new update."""
    checks = checks or Checks(root, today)
    form = new_update(site, today, values)
    title, date, text = (form.field(n).value for n in ("title", "date", "text"))
    about = [a for a in form.field("about").values if a]
    day = form_date(date)
    try:
        slug = update_slug(title or "update", day if isinstance(day, dt.date) else today)
    except ArgumentError as exc:
        return _with_errors(form, {"title": f"{exc.message[0].upper()}{exc.message[1:]}"})
    lines = ["---", f"title: {yaml_text(title)}",
             f"date: {day.isoformat() if isinstance(day, dt.date) else yaml_text(date)}"]
    if about:
        lines.append(f"about: [{', '.join(yaml_text(a) for a in about)}]")
    body = text + "\n" if text else ""
    source = "\n".join(lines) + "\n---\n\n" + body
    rel = f"{UPDATES}/{slug}.md"
    fields = {2: "title", 3: "date", **({4: "about"} if about else {})}
    fields.update({n: "text" for n in range(len(lines) + 2, source.count("\n") + 2)})
    proposal = _Proposal(rel, source, fields)
    if (root / rel).exists():
        return _with_errors(form, {"title": f"There is already an update called {rel}: give "
                                            "this one another title."})
    form, site_then = checked(checks, form, proposal)
    if form.failed or preview:
        return _previewed(form, site_then, "text",
                          lambda s: next((u.body for u in s.updates if u.slug == slug), None))
    return _write(root, form, rel, source, urls.update(slug))


def submit_track_point(site: Site, root: Path, today: dt.date, ref: str, values: Values,
                       checks: Checks | None = None) -> Form:
    """Check, then write a new record tracking the point `ref`."""
    checks = checks or Checks(root, today)
    form = track_point(site, ref, values)
    letter, _ = find_point(site, ref)
    record_id, title = form.field("id").value, form.field("title").value
    owners = tuple(o.strip() for o in form.field("owner").value.split(";") if o.strip())
    try:
        check_slug(record_id, "file name")
    except ArgumentError as exc:
        return _with_errors(form, {"id": f"This is not a valid file name: {exc.hint}"})
    rel = f"{RECORDS}/{record_id}.yml"
    if (root / rel).exists():
        return _with_errors(form, {"id": "There is already a record with this file name: "
                                         "choose another."})
    statuses = [(s.id, s.verdict) for s in site.config.statuses]
    text = record_text(record_id, title or " ", [ref],
                       [entry_text(letter.date, first_status(statuses),
                                   "Named in the inspection letter.", [ref])],
                       statuses, owner=owners)
    keys = {"title": "title", "owner": "owner"}
    form, _ = checked(checks, form, _Proposal(rel, text, _lines_of_keys(text, 1, keys)))
    if form.failed:
        return form
    return _write(root, form, rel, text, urls.area(record_id))


def _previewed(form: Form, site: Site | None, name: str, find: Callable[[Site], object]) -> Form:
    """`form` with its Markdown field shown as the site (as checked, the file written) will
    show it, when the file checks."""
    if form.failed:
        return form
    text = find(site) if site else None
    html = Linker(form.page).html(text) if isinstance(text, Markup) else ""
    return replace(form, preview=html or "<p>(Nothing written yet.)</p>", previewed=name)


def _new_note(site: Site, record_id: str, line: int) -> object:
    """The note of the entry that starts at `line` of the record (the one the form adds)."""
    record = next((r for r in site.records if r.id == record_id), None)
    entries = [*record.timeline, *(e for a in record.actions for e in a.timeline)] if record else []
    return next((e.note for e in entries if e.line == line), None)


def submit_add_letter(site: Site, root: Path, today: dt.date, values: Values,
                      upload: Upload | None, checks: Checks | None = None) -> Form:
    """Check, then write the letter an uploaded PDF or text file holds, as `tracker import`."""
    checks = checks or Checks(root, today)
    form = add_letter(values)
    slug, source = form.field("slug").value, form.field("source").value
    if upload is None or not upload[1]:
        return _with_errors(form, {"file": "Choose the letter's file: a PDF or a .txt file."})
    name, data = upload
    kind = ".pdf" if data.startswith(b"%PDF-") else ".txt"
    if kind == ".txt" and not _is_text(data):
        return _with_errors(form, {"file": f"{name or 'This file'} is neither a PDF nor plain "
                                           "text: upload the report's PDF, or its text as .txt."})
    if slug and not is_slug(slug):
        return _with_errors(form, {"slug": f"This is not a valid file name: {SLUG_HINT}."})
    with tempfile.TemporaryDirectory(prefix="tracker-upload-") as folder:
        stem = slug_from_name(Path(name).stem) if name else ""
        file = Path(folder) / f"{stem or '_'}{kind}"  # '_': no name, the letter names itself
        file.write_bytes(data)
        try:
            prepared = prepare(root, str(file), slug=slug or None, source=source,
                               shown=LETTERS)
        except Refused as exc:
            return _with_errors(form, {"file": str(exc).replace(str(file), name or "the file")})
    rel = f"{LETTERS}/{prepared.path.name}"
    if prepared.path.exists():
        return _with_errors(form, {"slug": f"There is already a letter {rel}: choose another "
                                           "file name."})
    form, _ = checked(checks, form, _Proposal(rel, prepared.letter.text, {}))
    if form.failed:
        return form
    refused = _outside_content(root, rel)
    if refused:
        return _with_errors(form, {}, [refused])
    try:
        write_letter(root, prepared)
    except Refused as exc:
        return _with_errors(form, {}, [str(exc)])
    return replace(form, written=rel, landing=urls.letter(prepared.path.stem))


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return b"\0" not in data
