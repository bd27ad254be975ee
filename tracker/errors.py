"""Problems found in a site: one type for every error and warning, with its place and a hint."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (all but tab and line feed) and the bidirectional embeddings,
overrides and isolates that make text read differently from what it holds."""


FORBIDDEN_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""In a file or folder name, tab and line feed are forbidden too."""


_EACH_FORBIDDEN = tuple(chr(code) for code in (*range(0, 9), *range(11, 32), *range(127, 160),
                                                *range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def forbidden_at(text: str, *, name: bool = False) -> int | None:
    """The index of the first forbidden character in `text` (a file's `name`), if any."""
    if not name and len(text) > 200 and not any(char in text for char in _EACH_FORBIDDEN):
        return None  # a whole file: a search for each character costs a fifth of the pattern's
    found = (FORBIDDEN_IN_NAMES if name else FORBIDDEN).search(text)
    return found.start() if found else None


def shown(text: str) -> str:
    """`text` on one line, safe for a terminal or a log: each control or direction character
    (a line break too) as an escape (`\\x1b`, `\\n`, `\\u202e`), never as itself."""
    if forbidden_at(text, name=True) is None:
        return text
    return FORBIDDEN_IN_NAMES.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with a source file, pointing at where it is."""

    path: str
    """The file, relative to the site folder, with forward slashes."""
    line: int
    """1-based line in the file (1 when the whole file is at fault)."""
    column: int
    """1-based column in the line."""
    severity: Severity
    """'error' stops a build; 'warning' does not, unless checks are strict."""
    message: str
    """What is wrong, in plain words."""
    hint: str = ""
    """How to fix it, when we can say."""

    def format(self, prefix: str = "") -> str:
        """`path:line:col: severity: message`, then the hint on its own line; a control or
        direction character (in a file name, or a value quoted) is shown as an escape, so
        that nothing printed can act on a terminal."""
        text = shown(f"{prefix}{self.path}:{self.line}:{self.column}: {self.severity}: "
                     f"{self.message}")
        return text + f"\n    hint: {shown(self.hint)}" if self.hint else text

    def as_error(self) -> Problem:
        """The same problem, counted as an error (used by `--strict`)."""
        return Problem(self.path, self.line, self.column, "error", self.message, self.hint)

    def as_dict(self) -> dict[str, object]:
        """The problem as plain data, for `--format json`."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class ProblemError(Exception):
    """Raised by helpers that cannot go on; the caller turns it into a Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `word`, if any is close enough to suggest."""
    pool = sorted(set(candidates))
    matches = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = [lowered[m] for m in difflib.get_close_matches(word.lower(), lowered, 1, 0.6)]
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], *, fallback: str = "") -> str:
    """A "did you mean" hint, or `fallback` when nothing is close."""
    match = closest(word, candidates)
    return f"did you mean '{match}'?" if match else fallback


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in report order: by path, then line and column; duplicates dropped."""
    return sorted(set(problems))


def has_errors(problems: Iterable[Problem]) -> bool:
    """True when any problem is an error."""
    return any(p.severity == "error" for p in problems)


SHOWN_PER_FILE = 50
"""The most problems printed for one file: a file with thousands (a pasted list of unknown
fields) would bury every other file's."""


def report_lines(problems: Iterable[Problem], prefix: str = "") -> list[str]:
    """The lines of a text report: every problem sorted (at most SHOWN_PER_FILE a file, then
    a count), each path after `prefix`, then the totals."""
    ordered = sort_problems(problems)
    lines, per_file = [], dict[str, int]()
    for problem in ordered:
        per_file[problem.path] = per_file.get(problem.path, 0) + 1
        if per_file[problem.path] <= SHOWN_PER_FILE:
            lines.append(problem.format(prefix))
    for path, count in per_file.items():
        if count > SHOWN_PER_FILE:
            lines.append(shown(f"… and {count - SHOWN_PER_FILE:,} more problems in "
                               f"{prefix}{path} (all of them: tracker check --format json)"))
    if ordered:
        lines.append(totals(ordered))
    return lines


def totals(problems: Iterable[Problem]) -> str:
    """The last line of a report: '2 error(s), 1 warning(s)'."""
    found = list(problems)
    errors = sum(p.severity == "error" for p in found)
    return f"{errors} error(s), {len(found) - errors} warning(s)"


def report_json(problems: Iterable[Problem], prefix: str = "") -> str:
    """Every problem sorted, as a JSON list, each path after `prefix` (as the text report has
    it); control and direction characters as JSON escapes, never as themselves."""
    found = [{**p.as_dict(), "path": prefix + p.path} for p in sort_problems(problems)]
    text = json.dumps(found, indent=2, ensure_ascii=False)
    return FORBIDDEN.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def command_data(text: str) -> str:
    """`text` as the message of a GitHub Actions workflow command, escaped as GitHub documents
    it: a line break cannot end the command, nor start another."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command_property(text: str) -> str:
    """`text` as a property's value (`file=…`) of a workflow command: as data, and a ':' or ','
    cannot end the value either."""
    return command_data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(problems: Iterable[Problem], prefix: str = "") -> list[str]:
    """Every problem sorted, as a GitHub Actions workflow command (`::error file=…,line=…,
    col=…,title=…::message`) that GitHub shows on the file's line, each path after `prefix`
    (the site folder from the repository's root).

    The message repeats `path:line:column` because GitHub's log shows the message alone, and
    the log is where every problem is seen: GitHub makes notes on the files of only the first
    ten errors and ten warnings of a step. The hint is on a line of its own, as in the text
    report: GitHub keeps a message's line breaks, so a note reads as the problem, then how to
    fix it, rather than as one long line."""
    lines = []
    for problem in sort_problems(problems):
        where = shown(f"{prefix}{problem.path}")
        text = f"{where}:{problem.line}:{problem.column}: {shown(problem.message)}"
        if problem.hint:
            text += f"\nhint: {shown(problem.hint)}"
        lines.append(f"::{problem.severity} file={command_property(where)},line={problem.line},"
                     f"col={problem.column},title=tracker check::{command_data(text)}")
    return lines
