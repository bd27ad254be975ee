"""One file of the site folder, read: decoded as UTF-8 with every control and direction character
refused at its place, its front matter split from its body, and kept whole or (lean, for a
national site) as where to read it again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ProblemError, forbidden_at
from .folder import describe
from .safeyaml import Pos, YMap, load_yaml, located_error

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Content files larger than this are refused before they are read."""

@dataclass(frozen=True, slots=True)
class OnDisk:
    """Where a lean file is, and how it was when first read: its text is read again when
    needed, and refused if the file changed in between."""

    root: Path
    rel: str
    size: int
    mtime_ns: int

    def text(self) -> str:
        full = self.root / self.rel
        try:
            info = full.stat()
            data = full.read_bytes()
        except OSError:
            info, data = None, b""
        if info is None or (info.st_size, info.st_mtime_ns) != (self.size, self.mtime_ns) \
                or len(data) != self.size:
            raise located_error(self.rel, Pos(1, 1), "this file changed while the site was being built",
                                "build again once the file is saved")
        return decode(data, self.rel)


@dataclass(frozen=True)
class Document:
    """A Markdown file with YAML front matter."""

    path: str
    """Relative to the site folder."""
    slug: str
    """The file name without `.md`."""
    meta: YMap
    """The front matter."""
    kept_body: str | OnDisk
    """The Markdown after the front matter, or (lean) where to read it again."""
    body_line: int
    """The file line on which the body starts."""

    @property
    def body(self) -> str:
        """The Markdown after the front matter (raises ProblemError if a lean file changed)."""
        if isinstance(self.kept_body, OnDisk):
            lines = self.kept_body.text().split("\n")
            return "\n".join(lines[_front_matter_end(lines, self.path) + 1:])
        return self.kept_body


Outline = tuple[str, dict[str, str]]


def outline_of(mapping: YMap, slug: str) -> Outline:
    """A record mapping's title (else `slug`) and {sub-action id: title}, read leniently:
    mistakes in them are reported when the record is read."""
    title = mapping.get("title")
    actions: dict[str, str] = {}
    for item in mapping.get("actions") or ():
        if isinstance(item, YMap) and isinstance(item.get("id"), str):
            actions[item["id"]] = str(item.get("title") or item["id"])
    return (str(title) if title else slug), actions


@dataclass(frozen=True)
class DataFile:
    """A YAML file whose top level is a mapping."""

    path: str
    slug: str
    kept: YMap | OnDisk
    """The mapping, or (lean) where to read it again each time the mapping is asked for."""
    outline: Outline
    """Its title and sub-action titles, taken when it was read, so that references can name
    them without reading a lean file again."""

    @property
    def data(self) -> YMap:
        """The mapping, with the place of every key and value (raises ProblemError if a lean
        file changed)."""
        if isinstance(self.kept, OnDisk):
            data = load_yaml(self.kept.text(), self.path)  # it was read once, so it reads again
            assert isinstance(data, YMap)
            return data
        return self.kept


def decode(data: bytes, path: str) -> str:
    """UTF-8 text with Unix line ends; raise ProblemError at the first bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise located_error(
            path, Pos(line, column), f"this file is not UTF-8 text (byte 0x{data[exc.start]:02X})",
            "save the file as UTF-8 in your editor ('Save as' > encoding: UTF-8)",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    at = forbidden_at(text)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        message, hint = describe(text[at])
        raise located_error(path, Pos(line, column), f"this file contains {message}", hint)
    return text


def read_text(root: Path, path: str, lean: bool = False) -> tuple[str, OnDisk | None]:
    """A file's text, refusing huge or undecodable files; `lean`, also where to read it again."""
    full = root / path
    info = full.stat()
    if info.st_size > MAX_FILE_BYTES:
        raise located_error(
            path, Pos(1, 1),
            f"this file is {info.st_size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
            "split it into smaller files, or put large documents under static/",
        )
    data = full.read_bytes()
    again = OnDisk(root, path, len(data), info.st_mtime_ns) if lean else None
    return decode(data, path), again


def _front_matter_end(lines: list[str], path: str) -> int:
    """The index of the line that closes the front matter."""
    if not lines or lines[0].strip() != "---":
        raise located_error(
            path, Pos(1, 1), "this file has no front matter",
            "start the file with a line '---', then 'title: …' and 'date: YYYY-MM-DD', "
            "then another '---' line",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return index
    raise located_error(
        path, Pos(1, 1), "the front matter is not closed",
        "add a line '---' after the last front matter field",
    )


def split_front_matter(text: str, path: str) -> tuple[YMap, str, int]:
    """(front matter, body, first body line) of a Markdown file."""
    lines = text.split("\n")
    index = _front_matter_end(lines, path)
    meta = load_yaml("\n".join(lines[1:index]), path, line_offset=1)
    if meta is None:
        meta = YMap(Pos(2, 1))
    if not isinstance(meta, YMap):
        raise located_error(path, Pos(2, 1), "the front matter must be 'key: value' lines")
    return meta, "\n".join(lines[index + 1:]), index + 2


def read_document(root: Path, rel: str, lean: bool = False) -> Document | Problem:
    """A Markdown file with front matter, or the problem that stops it being read. A `lean`
    one keeps only where its body is: a one-off build of a national site holds every letter
    while it checks the references between them."""
    try:
        text, again = read_text(root, rel, lean)
    except ProblemError as exc:
        return exc.problem
    return document_from_text(text, rel, again)


def document_from_text(text: str, rel: str, again: OnDisk | None = None) -> Document | Problem:
    """A Markdown file with front matter read from its decoded `text`, or its problem."""
    try:
        meta, body, body_line = split_front_matter(text, rel)
    except ProblemError as exc:
        return exc.problem
    return Document(rel, Path(rel).stem, meta, again or body, body_line)


def read_data_file(root: Path, rel: str, lean: bool = False) -> DataFile | Problem:
    """A YAML mapping file, or the problem that stops it being read. A `lean` one keeps only
    where it is: a mapping with the places of its keys and values takes ten times the room
    of its text."""
    try:
        text, again = read_text(root, rel, lean)
    except ProblemError as exc:
        return exc.problem
    return data_file_from_text(text, rel, again)


def data_file_from_text(text: str, rel: str, again: OnDisk | None = None) -> DataFile | Problem:
    """A YAML mapping file read from its decoded `text`, or its problem."""
    try:
        data = load_yaml(text, rel)
    except ProblemError as exc:
        return exc.problem
    if not isinstance(data, YMap):
        return Problem(rel, 1, 1, "error",
                       "this file must be 'key: value' lines (a YAML mapping)",
                       "start with 'title: …'")
    slug = Path(rel).stem
    return DataFile(rel, slug, again or data, outline_of(data, slug))
