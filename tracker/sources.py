"""The only reader of a site folder: a sorted walk, safe YAML with positions, front matter.

Everything read here keeps where it came from (file, line, column) so that later
stages can point at the exact place of a mistake.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, ProblemError

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Content files larger than this are refused before they are read."""
MAX_DEPTH = 32
"""YAML nested deeper than this is refused."""

_Loader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map",
))
"""The only YAML types a site file may hold; other tags (!!binary, !!python/…) are refused."""


@dataclass(frozen=True)
class Pos:
    """A place in a file: 1-based line and column."""

    line: int
    column: int


class YMap(dict[str, Any]):
    """A YAML mapping that remembers where it, each key and each value stand."""

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


class YList(list[Any]):
    """A YAML sequence that remembers where it and each item stand."""

    def __init__(self, pos: Pos) -> None:
        super().__init__()
        self.pos = pos
        self.item_pos: list[Pos] = []


@dataclass(frozen=True)
class Document:
    """A Markdown file with YAML front matter."""

    path: str
    """Relative to the site folder."""
    slug: str
    """The file name without `.md`."""
    meta: YMap
    """The front matter."""
    body: str
    """The Markdown after the front matter."""
    body_line: int
    """The file line on which the body starts."""


@dataclass(frozen=True)
class DataFile:
    """A YAML file whose top level is a mapping."""

    path: str
    slug: str
    data: YMap


@dataclass(frozen=True)
class RawSite:
    """Everything in a site folder, read but not yet understood."""

    config: YMap
    letters: tuple[Document, ...]
    updates: tuple[Document, ...]
    pages: tuple[Document, ...]
    records: tuple[DataFile, ...]
    static_files: tuple[str, ...]
    """Paths under `static/`, with forward slashes, sorted."""
    themes: tuple[str, ...]
    """Names of the site's own themes under `themes/`."""
    unreadable: tuple[str, ...] = ()
    """Content files that could not be read (their problems are reported)."""


def _pos(mark: Any, line_offset: int = 0) -> Pos:
    return Pos(mark.line + 1 + line_offset, mark.column + 1)


def _problem(path: str, pos: Pos, message: str, hint: str = "") -> ProblemError:
    return ProblemError(Problem(path, pos.line, pos.column, "error", message, hint))


def _refuse_aliases_and_depth(text: str, path: str, offset: int) -> None:
    """Read the YAML events once, before any node is built: aliases (the way to a "billion
    laughs" bomb) and deep nesting (which would overflow the composer) are refused here."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise _problem(
                path, _pos(event.start_mark, offset),
                "YAML anchors and aliases (& and *) are not allowed here",
                "write the value out in full where it is needed",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _problem(path, _pos(event.start_mark, offset),
                               f"YAML nested more than {MAX_DEPTH} levels deep",
                               "no site file needs this many levels: check the indentation")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


class _Converter:
    """Turns a composed YAML node tree (no aliases, not deep) into YMap/YList/scalars."""

    def __init__(self, path: str, line_offset: int, text: str) -> None:
        self.path = path
        self.offset = line_offset
        self.lines = ("",) * line_offset + tuple(text.split("\n"))

    def convert(self, node: yaml.Node) -> Any:
        pos = _pos(node.start_mark, self.offset)
        if node.tag not in _PLAIN_TAGS:
            raise _problem(self.path, pos, f"the YAML tag '{node.tag}' is not allowed",
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
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, pos: Pos) -> YMap:
        mapping = YMap(pos, self.lines)
        for key_node, value_node in node.value:
            key_pos = _pos(key_node.start_mark, self.offset)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _problem(self.path, key_pos, "YAML merge keys (<<) are not allowed",
                               "write the fields out in full where they are needed")
            if not isinstance(key_node, yaml.ScalarNode):
                raise _problem(self.path, key_pos, "a key must be a plain word")
            key = str(key_node.value)
            if key in mapping:
                raise _problem(
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
            return Pos(pos.line + 1, 1)
        return pos

    @staticmethod
    def _scalar(node: yaml.Node) -> Any:
        try:
            value = _constructor.construct_object(node)
        except (ValueError, OverflowError, yaml.constructor.ConstructorError):
            return str(node.value)
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
        return _problem(path, _pos(exc.context_mark, offset),
                        f"this is not valid YAML: {cause[0]}", cause[1])
    pos = _pos(mark, offset) if mark else Pos(1 + offset, 1)
    lines = text.split("\n")
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if mark and "\t" in indent and mark.column <= len(indent):
        return _problem(path, pos, "this is not valid YAML: a tab is used for indentation",
                        "indent with spaces only: replace the tab with spaces")
    if context.startswith("expected a single document"):
        return _problem(path, pos, "this is not valid YAML: a second document starts here",
                        "a line '---' starts a new document in YAML: remove it")
    return _problem(path, pos, f"this is not valid YAML: {problem or context or 'unreadable'}",
                    _SYNTAX_HINT)


def load_yaml(text: str, path: str, line_offset: int = 0) -> Any:
    """Parse YAML safely, with positions; raise ProblemError on anything wrong."""
    try:
        _refuse_aliases_and_depth(text, path, line_offset)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text, path, line_offset) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else 0
        at = max(text.find(chr(code)), 0)
        line = text.count("\n", 0, at) + 1 + line_offset
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise _problem(
            path, Pos(line, column),
            f"this file contains a control character (#x{code:04X}), "
            "which YAML does not allow",
            "delete it: it is invisible in most editors, so retype the text around it",
        ) from None
    except yaml.YAMLError as exc:
        raise _problem(path, Pos(1 + line_offset, 1), f"this is not valid YAML: {exc}") from None
    except RecursionError:
        raise _problem(path, Pos(1 + line_offset, 1), "YAML nested too deeply") from None
    if node is None:
        return None
    return _Converter(path, line_offset, text).convert(node)


def decode(data: bytes, path: str) -> str:
    """UTF-8 text with Unix line ends; raise ProblemError at the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _problem(
            path, Pos(line, column), f"this file is not UTF-8 text (byte 0x{data[exc.start]:02X})",
            "save the file as UTF-8 in your editor ('Save as' > encoding: UTF-8)",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(root: Path, path: str) -> str:
    """A file's text, refusing huge or undecodable files."""
    full = root / path
    size = full.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _problem(
            path, Pos(1, 1),
            f"this file is {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
            "split it into smaller files, or put large documents under static/",
        )
    return decode(full.read_bytes(), path)


def split_front_matter(text: str, path: str) -> tuple[YMap, str, int]:
    """(front matter, body, first body line) of a Markdown file."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise _problem(
            path, Pos(1, 1), "this file has no front matter",
            "start the file with a line '---', then 'title: …' and 'date: YYYY-MM-DD', "
            "then another '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise _problem(
            path, Pos(1, 1), "the front matter is not closed",
            "add a line '---' after the last front matter field",
        )
    meta = load_yaml("\n".join(lines[1:index]), path, line_offset=1)
    if meta is None:
        meta = YMap(Pos(2, 1))
    if not isinstance(meta, YMap):
        raise _problem(path, Pos(2, 1), "the front matter must be 'key: value' lines")
    return meta, "\n".join(lines[index + 1:]), index + 2


_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".bak")


def _is_editor_litter(name: str) -> bool:
    return name.startswith((".", "#")) or name.endswith(_IGNORED_SUFFIXES) or name == "4913"


def _listing(root: Path, folder: str, suffix: str, problems: list[Problem]) -> list[str]:
    """Sorted relative paths of `folder/*suffix`; other files there are reported."""
    base = root / folder
    if not base.is_dir():
        return []
    found = []
    with os.scandir(base) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        rel = f"{folder}/{entry.name}"
        if _is_editor_litter(entry.name) or entry.is_dir():
            continue
        if entry.name.endswith(suffix):
            found.append(rel)
        else:
            problems.append(Problem(
                rel, 1, 1, "warning", f"ignored: only '*{suffix}' files are read in {folder}/",
                f"rename it to end in '{suffix}'",
            ))
    return found


def read_document(root: Path, rel: str) -> Document | Problem:
    """A Markdown file with front matter, or the problem that stops it being read."""
    try:
        meta, body, body_line = split_front_matter(read_text(root, rel), rel)
    except ProblemError as exc:
        return exc.problem
    return Document(rel, Path(rel).stem, meta, body, body_line)


def read_data_file(root: Path, rel: str) -> DataFile | Problem:
    """A YAML mapping file, or the problem that stops it being read."""
    try:
        data = load_yaml(read_text(root, rel), rel)
    except ProblemError as exc:
        return exc.problem
    if not isinstance(data, YMap):
        return Problem(rel, 1, 1, "error",
                       "this file must be 'key: value' lines (a YAML mapping)",
                       "start with 'title: …'")
    return DataFile(rel, Path(rel).stem, data)


Reader = Callable[[Path, str], Any]


class FileCache:
    """Read results kept by file, reused while the file's size and modification time stay the
    same, so that a rebuild re-reads only what changed (and unchanged objects keep their
    identity for the caches downstream)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[tuple[int, int, int, int], Any]] = {}
        self.changed: set[str] | None = None

    def only(self, changed: set[str] | None) -> None:
        """Read again exactly the files in `changed` (the watcher said what changed) and trust
        the others; None looks at every file's size and times."""
        self.changed = changed

    def read(self, root: Path, rel: str, reader: Reader) -> Any:
        cached = self.entries.get(rel)
        if self.changed is not None and cached and rel not in self.changed:
            return cached[1]
        try:
            info = os.stat(os.path.join(root, rel))
        except OSError:
            return reader(root, rel)
        signature = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
        if cached and cached[0] == signature and (self.changed is None or rel not in self.changed):
            return cached[1]
        value = reader(root, rel)
        self.entries[rel] = (signature, value)
        return value


def _read(root: Path, rel: str, reader: Reader, cache: FileCache | None) -> Any:
    return cache.read(root, rel, reader) if cache else reader(root, rel)


def _read_folder(root: Path, folder: str, suffix: str, reader: Reader, problems: list[Problem],
                 unreadable: list[str], cache: FileCache | None) -> tuple[Any, ...]:
    """Every `folder/*suffix` file read by `reader`; those that cannot be read are reported."""
    found = []
    for rel in _listing(root, folder, suffix, problems):
        result = _read(root, rel, reader, cache)
        if isinstance(result, Problem):
            problems.append(result)
            unreadable.append(rel)
        else:
            found.append(result)
    return tuple(found)


def _walk_files(root: Path, folder: str, problems: list[Problem]) -> list[str]:
    """Files under `folder`, sorted; links that lead out of the site are left out."""
    base = root / folder
    if not base.is_dir():
        return []
    inside = root.resolve()
    found = []
    for path in base.rglob("*"):
        rel = path.relative_to(base)
        if any(_is_editor_litter(part) for part in rel.parts) or not path.is_file():
            continue
        if not path.resolve().is_relative_to(inside):
            problems.append(Problem(f"{folder}/{rel.as_posix()}", 1, 1, "warning",
                                    "ignored: this link points outside the site folder",
                                    "copy the file into the site instead of linking to it"))
            continue
        found.append(rel.as_posix())
    return sorted(found)


def read_config(root: Path, problems: list[Problem], cache: FileCache | None = None) -> YMap:
    """site.yml as a mapping; an empty `Unread` mapping (and a problem) when it cannot be read."""
    if not (root / "site.yml").is_file():
        problems.append(Problem(
            "site.yml", 1, 1, "error", "there is no site.yml in this folder",
            "run 'tracker init DIR' to start a site, or pass --site DIR",
        ))
        return Unread(Pos(1, 1))
    data = _read(root, "site.yml", _config_yaml, cache)
    if isinstance(data, Problem):
        problems.append(data)
        return Unread(Pos(1, 1))
    if data is None:
        data = YMap(Pos(1, 1))
    if not isinstance(data, YMap):
        problems.append(Problem("site.yml", 1, 1, "error", "site.yml must be 'key: value' lines",
                                "start with 'title: …'"))
        return Unread(Pos(1, 1))
    return data


def _config_yaml(root: Path, rel: str) -> Any:
    try:
        return load_yaml(read_text(root, rel), rel)
    except ProblemError as exc:
        return exc.problem


def read_site(root: Path, cache: FileCache | None = None) -> tuple[RawSite, list[Problem]]:
    """Read every source file of the site at `root`, in a stable order; with a `cache`,
    only files that changed since the last read are read again."""
    problems: list[Problem] = []
    config = read_config(root, problems, cache)
    themes_dir = root / "themes"
    themes = tuple(sorted(p.name for p in themes_dir.iterdir() if p.is_dir())) \
        if themes_dir.is_dir() else ()
    unreadable: list[str] = []
    rest = (problems, unreadable, cache)
    raw = RawSite(
        config=config,
        letters=_read_folder(root, "content/letters", ".md", read_document, *rest),
        updates=_read_folder(root, "content/updates", ".md", read_document, *rest),
        pages=_read_folder(root, "content/pages", ".md", read_document, *rest),
        records=_read_folder(root, "content/actions", ".yml", read_data_file, *rest),
        static_files=tuple(_walk_files(root, "static", problems)),
        themes=themes,
        unreadable=tuple(unreadable),
    )
    return raw, problems
