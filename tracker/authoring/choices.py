"""What the preview's forms offer to choose from, taken from the site as built: its statuses, its
records, and everything a timeline entry may cite as evidence (the letters, their points and
paragraphs with their first words, the updates, the files of `static/`), each with the
reference a record uses and the title the site shows for it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..content.files import read_text
from ..content.model import Letter, Point, Site
from ..content.refs import parse, update_title
from ..errors import ProblemError

PARAGRAPH_WORDS = 12
"""Words of a paragraph shown beside its reference."""
MOST_CHOICES = 20_000
"""Evidence choices at most (a national site's paragraphs are millions): letters, points,
updates and files first, then paragraphs, newest letters first."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def status_choices(site: Site) -> tuple[Choice, ...]:
    return tuple(Choice(s.id, s.label) for s in site.config.statuses)


def record_choices(site: Site) -> tuple[Choice, ...]:
    return tuple(Choice(r.id, r.title) for r in sorted(site.records, key=lambda r: r.title.lower()))


def find_point(site: Site, ref: str) -> tuple[Letter, Point]:
    """The letter and point `letter:SLUG#ID` names; KeyError when there is none."""
    scheme, slug, point_id = parse(ref)
    letter = site.letter_by_slug.get(slug) if scheme == "letter" else None
    if letter is None:
        raise KeyError(ref)
    return letter, letter.point(point_id)


_made: list[tuple[Site, Path, tuple[Choice, ...]]] = []
"""The choices of the last site asked about: a form is made for each request, and a site of
a thousand letters would otherwise have each letter's file read again for every one."""


def evidence_choices(site: Site, root: Path) -> tuple[Choice, ...]:
    """Everything a timeline entry may cite, as a reference and its title (made once a site:
    the model is frozen, so the same site object has the same choices)."""
    last = _made[-1] if _made else None
    if last and last[0] is site and last[1] == root:
        return last[2]
    made = _evidence_choices(site, root)
    _made[:] = [(site, root, made)]
    return made


def _evidence_choices(site: Site, root: Path) -> tuple[Choice, ...]:
    letters = sorted(site.letters, key=lambda x: (x.date, x.slug), reverse=True)
    found: list[Choice] = []
    for letter in letters:
        found.append(Choice(f"letter:{letter.slug}", letter.name))
        found += [Choice(f"letter:{letter.slug}#{p.id}", f"{letter.name}, {p.label}: {_first_words(p.text)}")
                  for p in letter.points]
    found += [Choice(f"update:{u.slug}", update_title(u.title, u.date))
              for u in sorted(site.updates, key=lambda u: (u.date, u.slug), reverse=True)]
    found += [Choice(f"static:{path}", path) for path in site.static_files]
    for letter in letters:
        if len(found) >= MOST_CHOICES:
            break
        found += _paragraphs(letter, root)
    return tuple(found[:MOST_CHOICES])


def _paragraphs(letter: Letter, root: Path) -> list[Choice]:
    try:
        lines = read_text(root, letter.path)[0].split("\n")
    except (OSError, ProblemError):
        return []
    return [Choice(f"letter:{letter.slug}#{block.anchor}",
                   f"{letter.name}, paragraph {block.anchor[1:]}: "
                   f"{_first_words(lines[block.line - 1] if block.line <= len(lines) else '')}")
            for block in letter.blocks if not block.point]


_MARKUP = re.compile(r"^\s*(?:#+|[-*+]|\d+[.)]|\|)\s*|[*_`|]|\{[.#][^}]*\}\s*$")


def _first_words(text: str) -> str:
    words = _MARKUP.sub("", text).split()
    return " ".join(words[:PARAGRAPH_WORDS]) + (" …" if len(words) > PARAGRAPH_WORDS else "")
