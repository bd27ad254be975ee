"""Action records (content/actions/ID.yml) → Record, with timelines, sub-actions and evidence."""

from __future__ import annotations

from typing import Any

from ..errors import Problem, ProblemError, did_you_mean
from .fields import Fields
from .files import DataFile
from .folder import is_slug, slugify
from .model import Action, Entry, Record, Ref, SiteConfig
from .refs import Targets
from .safeyaml import Pos, YList, YMap
from .texts import markdown_field, reference_item

RECORD_KEYS = ("title", "tracks", "owner", "summary", "timeline", "actions")
ACTION_KEYS = ("id", "title", "owner", "due", "timeline")
ENTRY_KEYS = ("date", "status", "note", "evidence", "due")


class _RecordReader:
    """Reads one record file, reporting every mistake in it."""

    def __init__(self, data: DataFile, config: SiteConfig, targets: Targets,
                 problems: list[Problem]) -> None:
        self.path = data.path
        self.config = config
        self.targets = targets
        self.problems = problems

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, pos.line, pos.column, "error", message, hint))

    def record(self, data: DataFile) -> Record | None:
        try:
            mapping = data.data
        except ProblemError as exc:  # a lean file that changed since it was read
            self.problems.append(exc.problem)
            return None
        fields = Fields(self.path, mapping, self.problems, allowed=RECORD_KEYS,
                        required=("title", "tracks", "timeline"))
        tracks = self._tracks(fields)
        summary = markdown_field(mapping, "summary", self.path, self.targets, self.problems)
        timeline = self._timeline(fields, sub_action=False)
        actions = self._actions(fields)
        title = fields.text("title")
        if not fields.ok or title is None or not timeline or not tracks:
            return None
        return Record(data.slug, self.path, title, tracks, fields.names("owner"), summary,
                      timeline, actions, mapping.pos.line)

    def _tracks(self, fields: Fields) -> tuple[Ref, ...]:
        refs = []
        items = fields.items("tracks", single=True)
        key = "tracks"
        if not items and isinstance(fields.mapping.get(key), YList):  # written as tracks: []
            fields.error(fields.at(key), f"required field '{key}' is empty",
                         "write it as [letter:SLUG#P1]")
        for item, pos in items:
            ref = reference_item(item, pos, self.path, self.targets, self.problems)
            if ref is None:
                continue
            if ref.kind != "point":
                letter = self.targets.letters.get(ref.target) if ref.is_letter else None
                ids = ", ".join(f"letter:{ref.target}#{p.id}" for p in letter.points) \
                    if letter else ""
                self.error(pos, f"'tracks' must name points of letters, not '{ref.written}'",
                           f"this letter's points are {ids}" if ids else
                           "write it as letter:SLUG#P1")
                continue
            refs.append(ref)
        return tuple(refs)

    def _timeline(self, fields: Fields, *, sub_action: bool) -> tuple[Entry, ...]:
        entries = []
        items = fields.items("timeline")
        if not items and "timeline" in fields.mapping and fields.ok:
            fields.error(fields.at("timeline"), "the timeline needs at least one entry",
                         "add an entry: '- date: YYYY-MM-DD', with 'status:' and 'evidence:'")
        for item, pos in items:
            entry = self._entry(item, pos, sub_action=sub_action)
            if entry:
                entries.append(entry)
        return tuple(sorted(entries, key=lambda e: e.date))

    def _entry(self, item: Any, pos: Pos, *, sub_action: bool) -> Entry | None:
        if not isinstance(item, YMap):
            self.error(pos, "each timeline entry is a block with date, status and evidence")
            return None
        fields = Fields(self.path, item, self.problems, allowed=ENTRY_KEYS,
                        required=("date", "status"))
        if not sub_action and "due" in item:
            fields.error(item.key_pos["due"], "only sub-actions have a due date",
                         "move this entry into a sub-action under 'actions:'")
        status = self._status(fields)
        note = markdown_field(item, "note", self.path, self.targets, self.problems)
        written = fields.items("evidence", single=True)
        evidence = [
            ref for ref in (reference_item(v, p, self.path, self.targets, self.problems)
                            for v, p in written)
            if ref is not None
        ]
        due = fields.date("due") if sub_action else None
        date = fields.date("date")
        if due is not None and note is None:
            fields.error(fields.at("due"), "a new due date needs a 'note' saying why it moved",
                         "add 'note: …' to this entry")
        if status and status.verdict and not any(r.is_letter for r in evidence) and fields.ok:
            fields.error(fields.at("status"),
                         f"'{status.id}' is an inspectors' verdict: cite the letter that gives it",
                         "add the letter to 'evidence', for example letter:SLUG#p12")
        if self.config.require_evidence and not written and fields.ok:
            fields.error(item.pos, "this timeline entry cites no evidence",
                         "add 'evidence: [letter:…]', or set 'require_evidence: false' "
                         "in site.yml")
        if not fields.ok or status is None or date is None:
            return None
        return Entry(date, status, note, tuple(evidence), due, item.pos.line)

    def _status(self, fields: Fields) -> Any:
        status_id = fields.text("status")
        if status_id is None:
            return None
        status = self.config.status_by_id.get(status_id)
        if status is None:
            ids = list(self.config.status_by_id)
            fields.error(fields.at("status"), f"unknown status '{status_id}'",
                         did_you_mean(status_id, ids, fallback="statuses: " + ", ".join(ids)))
        return status

    def _actions(self, fields: Fields) -> tuple[Action, ...]:
        actions: list[Action] = []
        seen: set[str] = set()
        for item, pos in fields.items("actions"):
            if not isinstance(item, YMap):
                self.error(pos, "each sub-action is a block with id, title and timeline")
                continue
            one = Fields(self.path, item, self.problems, allowed=ACTION_KEYS,
                         required=("id", "title", "timeline"))
            action_id = one.text("id")
            if action_id and not is_slug(action_id.lower()):
                one.error(one.at("id"), f"sub-action id '{action_id}' may only use letters, "
                          "digits and hyphens", f"for example '{slugify(action_id) or 'step-1'}'")
            elif action_id and action_id in seen:
                one.error(one.at("id"), f"sub-action id '{action_id}' is used twice",
                          "give each sub-action its own id")
            seen.add(action_id or "")
            timeline = self._timeline(one, sub_action=True)
            title = one.text("title")
            if one.ok and action_id and title and timeline:
                actions.append(Action(action_id, title, one.names("owner"), one.date("due"),
                                      timeline, item.pos.line))
        return tuple(actions)


def read_record(data: DataFile, config: SiteConfig, targets: Targets,
                problems: list[Problem]) -> Record | None:
    """One action record, or None when it has errors (all reported)."""
    return _RecordReader(data, config, targets, problems).record(data)
