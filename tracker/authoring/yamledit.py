"""An entry added to a record's timeline the way a person would add it: the file read and
written again by a round-trip YAML library (comments, quotes, flow lists and indentation kept),
and then only the lines it added taken into the file, so that every other line stays exactly
as it was, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent


class EditError(Exception):
    """The file cannot be added to safely; nothing is written."""


Evidence = str | Mapping[str, str]


def entry(date: dt.date | str, status: str, note: str, evidence: Sequence[Evidence],
          due: dt.date | str = "") -> CommentedMap:
    """A timeline entry as staff write one: date, status, a sub-action's new due date, note,
    then evidence, a list of references on one line (`[letter:x#P1, update:y]`), or one item a
    line when an item has a title."""
    made = CommentedMap()
    made["date"] = date
    made["status"] = status
    if due:
        made["due"] = due
    if note.strip():
        text = note.strip().replace("\r\n", "\n")
        made["note"] = LiteralScalarString(text + "\n") if "\n" in text else text
    if evidence:
        items = CommentedSeq(dict(item) if isinstance(item, Mapping) else item for item in evidence)
        if all(isinstance(item, str) for item in evidence):
            items.fa.set_flow_style()
        made["evidence"] = items
    return made


def with_entry(text: str, new: CommentedMap, action: str | None = None) -> str:
    """`text` (a record) with `new` at the end of its timeline, or of sub-action `action`'s;
    EditError when the file has no such timeline or cannot be added to without changing
    another line."""
    try:
        data = load_yaml_guess_indent(text)[0]
    except YAMLError as exc:
        raise EditError(f"the file cannot be read: {exc}") from None
    timeline = _timeline(data, action)
    expected = _plain(data)
    _timeline(expected, action).append(_plain(new))
    writer = YAML()
    writer.preserve_quotes = True
    writer.width = 1 << 20  # never wrap a line the file did not wrap
    sequence, offset = _list_layout(text, _owner(data, action), timeline)
    writer.indent(mapping=2, sequence=sequence, offset=offset)  # a note's lines: 2 in from `note:`
    before = _dump(writer, data)
    timeline.append(new)
    at, lines = _added(before, _dump(writer, data))
    old = (text if text.endswith("\n") else text + "\n").splitlines(keepends=True)
    where = _above_trailing_notes(old, _in_original(old, before, at), lines)
    result = "".join(old[:where] + lines + old[where:])
    try:
        again = _plain(YAML(typ="rt").load(result))
    except YAMLError:
        again = None
    if again != expected:
        raise EditError("this file is laid out in a way the form cannot add to without changing "
                        "its other lines")
    return result


def _list_layout(text: str, owner: CommentedMap, timeline: Any) -> tuple[int, int]:
    """(sequence, offset) as the file lays out this list: how far in from its key an item's
    first key and its dash are (`  - date:` is (4, 2), `- date:` is (2, 0))."""
    if not timeline or not isinstance(timeline, CommentedSeq) or timeline.fa.flow_style():
        return 4, 2
    line, column = timeline.lc.item(0)
    lines = text.splitlines()
    dash = lines[line].rfind("-", 0, column) if line < len(lines) else -1
    key_column = owner.lc.key("timeline")[1]
    if dash < key_column:
        return 4, 2
    return column - key_column, dash - key_column


def _above_trailing_notes(old: list[str], where: int, lines: list[str]) -> int:
    """`where`, moved above the empty lines and the comments further out than the entry that
    the writer keeps with the list's last item: the entry goes where a person would add it,
    straight after the last one."""
    dash = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    while where > 0:
        above = old[where - 1]
        outdented_note = above.lstrip().startswith("#") and len(above) - len(above.lstrip()) < dash
        if not (above.strip() == "" or outdented_note or (dash == 0 and above.startswith("#"))):
            break
        where -= 1
    return where


def _dump(writer: YAML, data: Any) -> list[str]:
    out = io.StringIO()
    writer.dump(data, out)
    return out.getvalue().splitlines(keepends=True)


def _added(before: list[str], after: list[str]) -> tuple[int, list[str]]:
    """Where the writer put the new entry's lines (an index into `before`), and those lines."""
    changes = [op for op in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
               if op[0] != "equal"]
    if len(changes) != 1 or changes[0][0] != "insert":
        raise EditError("the new entry could not be placed in this file")
    _, i1, _, j1, j2 = changes[0]
    return i1, after[j1:j2]


def _in_original(old: list[str], written: list[str], at: int) -> int:
    """The line of the file as it is that line `at` of the writer's copy of it stands for."""
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, written, autojunk=False).get_opcodes():
        if op == "equal" and j1 <= at < j2:
            return i1 + (at - j1)
        if j1 <= at <= j2 and op != "equal":
            return i2
    return len(old)


def _owner(data: Any, action: str | None) -> Any:
    """The record, or its sub-action `action`."""
    if action is None:
        return data
    actions = data.get("actions") if isinstance(data, Mapping) else None
    found = [a for a in actions or () if isinstance(a, Mapping) and a.get("id") == action]
    if not found:
        raise EditError(f"the record has no sub-action '{action}'")
    return found[0]


def _timeline(data: Any, action: str | None) -> Any:
    """The list the entry goes into."""
    owner = _owner(data, action)
    timeline = owner.get("timeline") if isinstance(owner, Mapping) else None
    if not isinstance(timeline, list):
        raise EditError("the record has no timeline list to add to")
    return timeline


def _plain(value: Any) -> Any:
    """A loaded value as plain dicts, lists and scalars, to compare."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
