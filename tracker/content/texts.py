"""Markdown texts and written references → ParsedText, then Markup and Refs, each mistake at its
line and column."""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem
from ..scale.spool import Packed
from .markdown import markup
from .refs import RefError, Targets, resolve
from .rendered import Markup, ParsedText, Ref
from .safeyaml import Pos, YMap

_MARKDOWN_INSIDE = re.compile(r"[^ \S]|[\\`*_~\[\]<&\x00-\x1f]")
"""Whitespace other than a space (a line break), or a character that may start Markdown
inside a line: escapes, code, emphasis, strikethrough, links, autolinks, entities."""


def parse_markup(source: str, path: str, start: Pos, problems: list[Problem]) -> ParsedText:
    """Markdown parsed, its references not yet resolved; text nested too deeply to be shown
    is reported at its line (the text starts at `start` in the file at `path`)."""
    if source[:1].isalpha() and not source[-1].isspace() and not _MARKDOWN_INSIDE.search(source):
        # One line of words with no Markdown in it, as most notes are: one paragraph,
        # rendered as the parser would, at a tenth of the cost.
        text = " ".join(source.split())
        return ParsedText((), Packed(f"<p>{markup.escape_html(source)}</p>\n"), text=text,
                          lead=text)
    prepared = markup.render_text(source)
    report_nesting(prepared, path, start, problems)
    return markup_of(source, prepared)


def report_nesting(prepared: markup.Prepared, path: str, start: Pos,
                   problems: list[Problem]) -> None:
    """A problem where text is nested too deeply to be shown, if it is anywhere."""
    line = prepared.too_deep
    if line is not None:
        problems.append(Problem(
            path, start.line + line, 1, "error",
            "this text is nested too deeply to be shown (lists in lists, or quotes in quotes)",
            "use fewer levels: indent less, or start fewer lines with '>'"))


def markup_of(source: str, done: markup.Prepared) -> ParsedText:
    """Rendered Markdown, its references not yet resolved. Where each link target is written
    is found now, so that the source need not be kept."""
    places = _locate(tuple(source.split("\n")), Pos(1, 1), None, done.links)
    return ParsedText(tuple((p.line, p.column) for p in places), Packed(done.html),
                      done.hrefs, done.links, done.text, done.lead)


_LOOK_AHEAD = 50
"""How many lines past the start of its block a link target is looked for first."""


def _link_targets(lines: tuple[str, ...], start: Pos, last: int, target: str) -> list[Pos]:
    """The places from `start` to line `last` where `target` is written as a link target."""
    found = []
    for number in range(start.line, min(last, len(lines)) + 1):
        line = lines[number - 1]
        column = line.find(target, start.column - 1 if number == start.line else 0)
        while column >= 0:
            if line[:column].rstrip().endswith(("(", "<", "]:")):
                found.append(Pos(number, column + 1))
            column = line.find(target, column + 1)
    return found


def resolve_links(
    text: ParsedText, path: str, start: Pos, targets: Targets, problems: list[Problem],
    *, file_lines: tuple[str, ...] = (), end: Pos | None = None,
) -> Markup:
    """The text with every link target resolved; bad ones reported where written.

    `file_lines` are the lines of the file the text was taken from (when it was not
    copied verbatim, as a YAML value is not); by default the text stands at `start`.
    """
    if file_lines:
        places = _locate(file_lines, start, end, text.links)
    else:  # where they stand in the text, moved to where the text stands
        places = tuple(Pos(start.line - 1 + line, column + start.column - 1 if line == 1
                           else column) for line, column in text.places)
    refs = []
    for (href, _), pos in zip(text.links, places, strict=True):
        try:
            refs.append(resolve(href, targets, line=pos.line))
        except RefError as exc:
            if exc.message:
                problems.append(Problem(path, pos.line, pos.column, "error", exc.message,
                                        exc.hint))
    return text.resolved(tuple(refs))


def _locate(lines: tuple[str, ...], start: Pos, end: Pos | None,
            links: tuple[tuple[str, int], ...]) -> tuple[Pos, ...]:
    """Where each link target is written, for text standing at `start` (and ending at `end`)
    in a file of `lines`: the n-th link to a target in a block is the n-th place it is
    written there, else the start of the block."""
    found = []
    seen: dict[tuple[str, int], int] = {}
    last = end.line if end else len(lines)
    for href, line in links:
        block = Pos(start.line + line, start.column if line == 0 else 1)
        places = (_link_targets(lines, block, min(last, block.line + _LOOK_AHEAD), href)
                  or _link_targets(lines, start, last, href)) if href else []
        nth = seen.get((href, line), 0)
        seen[href, line] = nth + 1
        found.append(places[min(nth, len(places) - 1)] if places else block)
    return tuple(found)


def markdown_field(
    mapping: YMap, key: str, path: str, targets: Targets, problems: list[Problem],
) -> Markup | None:
    """A Markdown value of a YAML mapping, parsed and resolved."""
    value = mapping.get(key)
    if value is None:
        return None
    pos = mapping.at(key)
    if not isinstance(value, str):
        problems.append(Problem(path, pos.line, pos.column, "error",
                                f"'{key}' must be text", "put the text in quotes"))
        return None
    return resolve_links(parse_markup(value, path, pos, problems), path, pos, targets, problems,
                         file_lines=mapping.lines, end=mapping.value_end.get(key))


def reference_item(
    item: Any, pos: Pos, path: str, targets: Targets, problems: list[Problem],
) -> Ref | None:
    """One written reference: 'letter:x#P1', or {url|ref: …, title: …}."""
    link_text = ""
    if isinstance(item, YMap):
        unknown = [k for k in item if k not in ("url", "ref", "title")]
        written = item.get("url", item.get("ref"))
        if unknown or not isinstance(written, str) or ("url" in item and "ref" in item):
            problems.append(Problem(
                path, pos.line, pos.column, "error", "a reference with a title is written "
                "{url: https://…, title: …} or {ref: letter:…, title: …}",
                f"unexpected field '{unknown[0]}'" if unknown else "",
            ))
            return None
        title = item.get("title")
        link_text = str(title).strip() if title is not None else ""
        pos = item.at("url" if "url" in item else "ref")
    elif isinstance(item, str):
        written = item
    else:
        problems.append(Problem(path, pos.line, pos.column, "error",
                                "a reference must be text like letter:SLUG#P1"))
        return None
    try:
        return resolve(written, targets, link_text=link_text, line=pos.line)
    except RefError as exc:
        if exc.message:
            problems.append(Problem(path, pos.line, pos.column, "error", exc.message, exc.hint))
        return None
