"""Safe YAML with positions: mappings and lists that remember where each value stands.

Aliases, tags other than plain types, merge keys and deep nesting are refused at their own
place, before any value is built, so hostile files are cheap to reject.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from ..errors import Problem, ProblemError, forbidden_at
from .folder import describe

MAX_DEPTH = 32
"""YAML nested deeper than this is refused."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map",
))
"""The only YAML types a site file may hold; other tags (!!binary, !!python/…) are refused."""


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a file: 1-based line and column."""

    line: int
    column: int


class YMap(dict[str, Any]):
    """A YAML mapping that remembers where it, each key and each value stand."""

    __slots__ = ("pos", "key_pos", "value_pos", "value_end", "lines")  # millions, at scale

    def __init__(self, pos: Pos, lines: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}
        self.value_pos: dict[str, Pos] = {}
        self.value_end: dict[str, Pos] = {}
        """Where the value of each key ends (just after its last character)."""
        self.lines = lines
        """The file's lines (line N is `lines[N - 1]`), to find words inside a value."""

    def at(self, key: str) -> Pos:
        """Where the value of `key` stands, else the key, else the mapping."""
        return self.value_pos.get(key) or self.key_pos.get(key) or self.pos


class Unread(YMap):
    """Stands in for a file that could not be read: its problem is already reported."""

    __slots__ = ()


class YList(list[Any]):
    """A YAML sequence that remembers where it and each item stand."""

    __slots__ = ("pos", "item_pos")

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []


def _pos(mark: Any, line_offset: int = 0) -> Pos:
    return _shared_pos(mark.line + 1 + line_offset, mark.column + 1)


@lru_cache(maxsize=1 << 16)
def _shared_pos(line: int, column: int) -> Pos:
    """One Pos for each place: files have the same few thousand, and each key has three."""
    return Pos(line, column)


def located_error(path: str, pos: Pos, message: str, hint: str = "") -> ProblemError:
    return ProblemError(Problem(path, pos.line, pos.column, "error", message, hint))


def _too_deep(path: str, pos: Pos) -> ProblemError:
    return located_error(path, pos, f"YAML nested more than {MAX_DEPTH} levels deep",
                         "no site file needs this many levels: check the indentation")


def _refuse_aliases_and_depth(text: str, path: str, offset: int,
                              loader: type[Any] = _Loader) -> None:
    """Read the YAML events, refusing aliases (the way to a "billion laughs" bomb) and deep
    nesting at their own place. Only a text that has one of them is read this way (see
    `load_yaml`), or one that is not valid YAML, so that the first problem is reported."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise located_error(
                path, _pos(event.start_mark, offset),
                "YAML anchors and aliases (& and *) are not allowed here",
                "write the value out in full where it is needed",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(path, _pos(event.start_mark, offset))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _FlowDepthLoader(yaml.SafeLoader):
    """The pure-Python reader, refusing deep nesting as it scans each '[' or '{'.

    The scanner reads up to 1,024 characters ahead of the events (a '[' may start a key), and
    libyaml since PyYAML 6.0.4 refuses more than 1,000 levels while it does so: on
    `[[[[…` its error would come before the events that this project's own limit reads."""

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 (PyYAML's name)
        if self.flow_level + len(self.indents) >= MAX_DEPTH:
            raise _FlowTooDeep(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


class _FlowTooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__()
        self.mark = mark


def _bracket_depth(text: str) -> int:
    """The deepest run of '[' and '{' not yet closed, counting every bracket (quoted too)."""
    depth = deepest = 0
    for bracket in re.findall(r"[\[\]{}]", text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _own_guard_first(text: str, path: str, offset: int) -> None:
    """Raise this project's own problem when its guards would have stopped a text before the
    YAML library's error did (only texts with deep brackets are read again, slowly)."""
    if _bracket_depth(text) <= MAX_DEPTH:
        return
    try:
        _refuse_aliases_and_depth(text, path, offset, loader=_FlowDepthLoader)
    except _FlowTooDeep as exc:
        raise _too_deep(path, _pos(exc.mark, offset)) from None
    except yaml.YAMLError:
        return


class _ReadAgain(Exception):
    """The composed tree has an alias or is nested too deeply: the events tell where."""


class _Converter:
    """Turns a composed YAML node tree into YMap/YList/scalars; stops at the second sight of a
    node (an alias: the tree is then a graph, which a "billion laughs" file makes huge) and
    at nesting deeper than MAX_DEPTH, before going on."""

    def __init__(self, path: str, line_offset: int, text: str) -> None:
        self.path = path
        self.offset = line_offset
        self.lines = ("",) * line_offset + tuple(text.split("\n"))
        self.seen: set[int] = set()
        self.depth = 0

    def convert(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:
            raise _ReadAgain
        self.seen.add(id(node))
        if isinstance(node, yaml.CollectionNode):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _ReadAgain
            try:
                return self._convert(node)
            finally:
                self.depth -= 1
        return self._convert(node)

    def _convert(self, node: yaml.Node) -> Any:
        pos = _pos(node.start_mark, self.offset)
        if node.tag not in _PLAIN_TAGS:
            raise located_error(self.path, pos, f"the YAML tag '{node.tag}' is not allowed",
                           "remove it: site files hold only text, numbers, dates, yes/no, "
                           "lists and 'key: value' blocks")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pos)
        if isinstance(node, yaml.SequenceNode):
            items = YList(pos)
            for child in node.value:
                items.append(self.convert(child))
                items.item_pos.append(self._value_pos(child))
            return items
        value = self._scalar(node)
        if isinstance(value, str):
            self._refuse_forbidden(value, pos)
        return value

    def _refuse_forbidden(self, text: str, pos: Pos) -> None:
        """Control and direction characters are refused in a file's text (see `sources`);
        here, those written as escapes in quotes ("\\e", "\\0", "\\u202e")."""
        at = forbidden_at(text)
        if at is not None:
            raise located_error(self.path, pos,
                                f"this text holds {describe(text[at])[0]}, written as an escape",
                                "remove that escape from the quoted text: no page can show it")

    def _mapping(self, node: yaml.MappingNode, pos: Pos) -> YMap:
        mapping = YMap(pos, self.lines)
        for key_node, value_node in node.value:
            key_pos = _pos(key_node.start_mark, self.offset)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise located_error(self.path, key_pos, "YAML merge keys (<<) are not allowed",
                               "write the fields out in full where they are needed")
            if not isinstance(key_node, yaml.ScalarNode):
                raise located_error(self.path, key_pos, "a key must be a plain word")
            key = str(key_node.value)
            self._refuse_forbidden(key, key_pos)
            if key in mapping:
                raise located_error(
                    self.path, key_pos, f"'{key}' is given twice in this block",
                    "keep one of them",
                )
            mapping[key] = self.convert(value_node)
            mapping.key_pos[key] = key_pos
            mapping.value_pos[key] = self._value_pos(value_node)
            mapping.value_end[key] = _pos(value_node.end_mark, self.offset)
        return mapping

    def _value_pos(self, node: yaml.Node) -> Pos:
        pos = _pos(node.start_mark, self.offset)
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return _shared_pos(pos.line + 1, 1)
        return pos

    @staticmethod
    def _scalar(node: yaml.Node) -> Any:
        try:
            value = _constructor.construct_object(node)
        except (ValueError, OverflowError, LookupError, AttributeError,
                yaml.constructor.ConstructorError):
            # Not a valid value of its type (2023-02-30, or an explicit `!!bool x`,
            # `!!timestamp x`, `!!int ""`, which PyYAML fails on with Key/Index/AttributeError).
            return str(node.value)
        finally:
            # The constructor remembers every node it has built, which would keep each
            # file's parse tree alive for good (33,000 nodes for 1,000 letters).
            _constructor.constructed_objects.clear()
            _constructor.recursive_objects.clear()
        return value


_UNCLOSED = {
    "while scanning a quoted scalar": ("this quoted text is never closed",
                                       "add the closing quote mark at the end of the text"),
    "while parsing a flow mapping": ("this '{' is never closed",
                                     "add '}' at the end, and separate its items with commas"),
    "while parsing a flow sequence": ("this '[' is never closed",
                                      "add ']' at the end, and separate its items with commas"),
}
"""Mistakes YAML notices only further on, reported where they were made."""
_SYNTAX_HINT = "check the indentation, and put text containing ': ' or ' #' in quotes"


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, offset: int) -> ProblemError:
    """A plain-words problem for a YAML syntax error, at the place of the mistake."""
    problem, context = exc.problem or "", exc.context or ""
    mark, cause = exc.problem_mark or exc.context_mark, _UNCLOSED.get(context)
    if cause and exc.context_mark and mark and exc.context_mark.line != mark.line:
        return located_error(path, _pos(exc.context_mark, offset),
                        f"this is not valid YAML: {cause[0]}", cause[1])
    pos = _pos(mark, offset) if mark else Pos(1 + offset, 1)
    lines = text.split("\n")
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if mark and "\t" in indent and mark.column <= len(indent):
        return located_error(path, pos, "this is not valid YAML: a tab is used for indentation",
                        "indent with spaces only: replace the tab with spaces")
    if context.startswith("expected a single document"):
        return located_error(path, pos, "this is not valid YAML: a second document starts here",
                        "a line '---' starts a new document in YAML: remove it")
    return located_error(path, pos, f"this is not valid YAML: {problem or context or 'unreadable'}",
                    _SYNTAX_HINT)


def load_yaml(text: str, path: str, line_offset: int = 0) -> Any:
    """Parse YAML safely, with positions; raise ProblemError on anything wrong."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        with suppress(yaml.YAMLError):  # an alias or deep nesting before the error comes first
            _refuse_aliases_and_depth(text, path, line_offset)
        _own_guard_first(text, path, line_offset)
        raise _syntax_problem(exc, text, path, line_offset) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else 0
        at = max(text.find(chr(code)), 0)
        line = text.count("\n", 0, at) + 1 + line_offset
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise located_error(
            path, Pos(line, column),
            f"this file contains a character that YAML does not allow (U+{code:04X})",
            "delete it: it is invisible in most editors, so retype the text around it",
        ) from None
    except yaml.YAMLError as exc:
        raise located_error(path, Pos(1 + line_offset, 1), f"this is not valid YAML: {exc}") from None
    except RecursionError:
        _refuse_aliases_and_depth(text, path, line_offset)
        raise located_error(path, Pos(1 + line_offset, 1), "YAML nested too deeply") from None
    if node is None:
        return None
    try:
        return _Converter(path, line_offset, text).convert(node)
    except _ReadAgain:
        _refuse_aliases_and_depth(text, path, line_offset)
        raise located_error(path, Pos(1 + line_offset, 1), "YAML nested too deeply") from None
