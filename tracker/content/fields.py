"""Typed reading of YAML mappings: unknown keys, missing keys and wrong types become problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from sys import intern
from typing import Any

from ..errors import Problem, closest, did_you_mean
from .safeyaml import Pos, YList, YMap

DATE_HINT = "write dates as YYYY-MM-DD, for example 2025-10-14"


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, YMap):
        return "a block of 'key: value' lines"
    if isinstance(value, YList):
        return "a list"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, int | float):
        return "a number"
    return "text"


class Fields:
    """Reads the fields of one mapping, reporting each mistake where it stands."""

    def __init__(
        self,
        path: str,
        mapping: YMap,
        problems: list[Problem],
        *,
        allowed: Iterable[str],
        required: Iterable[str] = (),
    ) -> None:
        self.path = path
        self.mapping = mapping
        self.problems = problems
        self.count_before = len(problems)
        allowed = list(allowed)
        misspelt = set()
        for key in mapping:
            if key not in allowed:
                misspelt.add(closest(key, allowed))
                self.error(
                    mapping.key_pos[key], f"unknown field '{key}'",
                    did_you_mean(key, allowed, fallback="known fields: " + ", ".join(allowed)),
                )
        for key in required:
            if key not in mapping and key in misspelt:
                continue  # the unknown field's "did you mean" already says it
            value = mapping.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                where = "missing" if key not in mapping else "empty"
                self.error(
                    mapping.at(key), f"required field '{key}' is {where}", f"add '{key}: …'",
                )

    @property
    def ok(self) -> bool:
        """True when reading this mapping has found no error so far."""
        return not any(p.severity == "error" for p in self.problems[self.count_before:])

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        """Report an error at `pos` in this file."""
        self.problems.append(Problem(self.path, pos.line, pos.column, "error", message, hint))

    def at(self, key: str) -> Pos:
        """Where the value of `key` stands."""
        return self.mapping.at(key)

    def _wrong(self, key: str, wanted: str, value: Any, hint: str = "") -> None:
        if not hint and isinstance(value, bool):
            hint = "put the value in quotes: words like yes, no, on and off mean true or false"
        self.error(self.at(key), f"'{key}' must be {wanted}, not {_kind_of(value)}", hint)

    def text(self, key: str) -> str | None:
        """A text field; numbers and dates are taken as written."""
        value = self.mapping.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
            return str(value)
        hint = "put the text in quotes when it starts with [ or {" \
            if isinstance(value, YList | YMap) else ""
        self._wrong(key, "text", value, hint)
        return None

    def date(self, key: str) -> dt.date | None:
        """A YYYY-MM-DD date."""
        return self.date_value(self.mapping.get(key), self.at(key), key)

    def date_value(self, value: Any, pos: Pos, key: str) -> dt.date | None:
        """Check one value as a date, reporting at `pos`."""
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            shape = len(value) == 10 and value[4] == "-" and value[7] == "-"
            message = (f"'{value}' is not a real date" if shape
                       else f"'{key}' must be a date, not '{value}'")
            self.error(pos, message, DATE_HINT)
            return None
        self.error(pos, f"'{key}' must be a date, not {_kind_of(value)}", DATE_HINT)
        return None

    def flag(self, key: str) -> bool | None:
        """A true/false field."""
        value = self.mapping.get(key)
        if value is None or isinstance(value, bool):
            return value
        self._wrong(key, "true or false", value)
        return None

    def integer(self, key: str, minimum: int = 0) -> int | None:
        """A whole number no smaller than `minimum`."""
        value = self.mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(key, "a whole number", value, "write it in digits, like 12")
            return None
        if value < minimum:
            self.error(self.at(key), f"'{key}' must be at least {minimum}, not {value}")
            return None
        return value

    def mapping_field(self, key: str) -> YMap | None:
        """A nested block of 'key: value' lines."""
        value = self.mapping.get(key)
        if value is None or isinstance(value, YMap):
            return value
        self._wrong(key, "a block of 'key: value' lines", value)
        return None

    def items(self, key: str, *, single: bool = False) -> list[tuple[Any, Pos]]:
        """A list's items with their places; with `single`, one value counts as a list of one."""
        value = self.mapping.get(key)
        if value is None:
            return []
        if isinstance(value, YList):
            return list(zip(value, value.item_pos, strict=True))
        if single and not isinstance(value, YMap):
            return [(value, self.at(key))]
        self._wrong(key, "a list", value, "write it as [a, b] or as lines starting with '- '")
        return []

    def names(self, key: str) -> tuple[str, ...]:
        """One name or a list of names."""
        names = []
        for value, pos in self.items(key, single=True):
            if isinstance(value, str) and value.strip():
                names.append(intern(value.strip()))  # owners and bodies repeat across records
            elif isinstance(value, int | float) and not isinstance(value, bool):
                names.append(str(value))
            else:
                self.error(pos, f"each of '{key}' must be text, not {_kind_of(value)}")
        return tuple(names)

    def dates(self, key: str) -> tuple[dt.date, ...]:
        """One date or a list of dates."""
        found = []
        for value, pos in self.items(key, single=True):
            date = self.date_value(value, pos, key)
            if date is not None:
                found.append(date)
        return tuple(found)
