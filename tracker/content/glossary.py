"""The glossary: the SEND words a site's pages use, each said plainly. The default theme ships
one (`themes/default/glossary.yml`); `glossary:` in site.yml adds entries, or replaces one
that has the same term or short form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from ..errors import Problem, ProblemError
from .fields import Fields
from .folder import CONFIG, default_theme, slugify
from .safeyaml import Pos, YList, YMap, load_yaml

GLOSSARY_KEYS = ("term", "short", "also", "means")


@dataclass(frozen=True)
class Term:
    """One entry of the glossary."""

    term: str
    """The words in full: 'Education, health and care plan'."""
    short: str
    """How letters usually write it ('EHC plan'), else ''."""
    forms: tuple[str, ...]
    """Every way a page may write it: the term, the short form and the others."""
    means: str

    @cached_property
    def slug(self) -> str:
        """Its anchor on the glossary page."""
        return slugify(self.short or self.term) or "term"

    @property
    def named(self) -> str:
        """'Education, health and care plan (EHC plan)'."""
        return f"{self.term} ({self.short})" if self.short else self.term


def entries(items: list[tuple[Any, Pos]], path: str, problems: list[Problem]) -> list[Term]:
    """The entries of a glossary list; each mistake is a problem at its place."""
    found: list[Term] = []
    for item, pos in items:
        if not isinstance(item, YMap):
            problems.append(Problem(path, pos.line, pos.column, "error",
                                    "each glossary entry is a block with term and means",
                                    "write '- term: …', then 'means: …' on the next line"))
            continue
        one = Fields(path, item, problems, allowed=GLOSSARY_KEYS, required=("term", "means"))
        term, short, means = one.text("term"), one.text("short") or "", one.text("means")
        also = one.names("also")
        if one.ok and term and means:
            forms = tuple(dict.fromkeys(f for f in (term, short, *also) if f))
            found.append(Term(term, short, forms, " ".join(means.split())))
    return found


@cache
def default_glossary() -> tuple[Term, ...]:
    """The default theme's glossary."""
    path = default_theme() / "glossary.yml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), "glossary.yml")
    except (OSError, ProblemError):
        return ()
    items = list(zip(data, data.item_pos, strict=True)) if isinstance(data, YList) else []
    return tuple(sorted(entries(items, "glossary.yml", []), key=lambda t: t.term.lower()))


def site_glossary(fields: Fields) -> tuple[Term, ...]:
    """The default glossary with site.yml's entries added, each replacing a default entry
    with the same term or short form; none with `glossary: false`."""
    if "glossary" not in fields.mapping:
        return default_glossary()
    if fields.mapping["glossary"] is False:  # `glossary: false`: no glossary at all
        return ()
    own = entries(fields.items("glossary"), CONFIG, fields.problems)
    names = {n.lower() for t in own for n in (t.term, t.short) if n}
    kept = [t for t in default_glossary()
            if t.term.lower() not in names and t.short.lower() not in names]
    return tuple(sorted([*kept, *own], key=lambda t: t.term.lower()))
