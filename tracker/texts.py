"""Markdown texts and written references → Markup and Refs, each mistake at its line and column."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import markup
from .errors import Problem
from .model import Markup, Ref
from .refs import RefError, Targets, resolve
from .sources import Pos, YMap


def parse_markup(source: str) -> Markup:
    """Markdown parsed, its references not yet resolved."""
    tokens = markup.parse(source)
    return Markup(source, tuple(tokens), (), markup.all_text(tokens))


def _locate(lines: list[str], line: int, target: str, start: Pos) -> Pos:
    """Where `target` is written, searching from the block's first line."""
    for offset in range(line, min(line + 50, len(lines))):
        column = lines[offset].find(target)
        if column >= 0:
            first = start.column - 1 if offset == 0 else 0
            return Pos(start.line + offset, first + column + 1)
    return Pos(start.line + line, start.column if line == 0 else 1)


def resolve_links(
    text: Markup, path: str, start: Pos, targets: Targets, problems: list[Problem],
) -> Markup:
    """The same Markup with every link target resolved; bad ones reported where written."""
    lines = text.source.split("\n")
    refs = []
    for href, line in markup.links(text.tokens):
        pos = _locate(lines, line, href, start)
        try:
            refs.append(resolve(href, targets, line=pos.line))
        except RefError as exc:
            problems.append(Problem(path, pos.line, pos.column, "error", exc.message, exc.hint))
    return replace(text, refs=tuple(refs))


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
    return resolve_links(parse_markup(value), path, pos, targets, problems)


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
        problems.append(Problem(path, pos.line, pos.column, "error", exc.message, exc.hint))
        return None
