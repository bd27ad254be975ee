"""Plain words: the glossary page (glossary.html), and the first use of each glossary term on a
page linked to its entry there, with its meaning in full as an abbreviation's title. The
marking adds tags around words and never changes one: a letter stays verbatim."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..content.model import Term
from . import urls
from .views import Context, PageOf, frame

_LEFT_ALONE = re.compile(r"<(a|abbr|code|pre|h[1-6]|script|style|svg|button)\b[^>]*>.*?</\1>",
                         re.IGNORECASE | re.DOTALL)
"""Elements whose words are never marked: links already, code, headings."""


@dataclass(frozen=True)
class Form:
    """One way of writing a term, matched at a word's start."""

    words: str
    exact: bool
    """Matched with its capitals (EHC plan, ICB); else in any case (local offer)."""
    term: Term


class Glossary:
    """The terms of a site, ready to mark the first use of each on a page."""

    def __init__(self, terms: Sequence[Term]) -> None:
        self.terms = tuple(terms)
        self.by_form: dict[str, list[Form]] = {}
        """Each way of writing a term, in small letters: the forms written so (and the case
        each must keep: 'AP' is alternative provision, 'ap' nothing)."""
        for term in terms:
            for words in term.forms:
                exact = any(c.isupper() for c in words[1:])
                self.by_form.setdefault(words.lower(), []).append(Form(words, exact, term))
        self.candidates = re.compile(r"\b(?:" + _trie(self.by_form) + r")s?\b", re.IGNORECASE) \
            if self.by_form else None
        """Every use of a term, found by the regex engine: the forms as a tree of their
        letters, so that a page's text is read once, at the speed of C."""

    def mark(self, fragment: str, seen: set[str], href: str) -> str:
        """`fragment` (HTML) with the first use of each term not in `seen` linked to its
        entry (`href` + '#' + its slug); the terms marked are added to `seen`. Words inside a
        tag, a link, code or a heading are left alone."""
        if self.candidates is None or len(seen) >= len(self.terms):
            return fragment
        found, last = [], 0
        left_alone: list[tuple[int, int]] | None = None
        for use in self.candidates.finditer(fragment):
            written = use.group()
            forms = self.by_form.get(written.lower()) or self.by_form.get(written.lower()[:-1], [])
            form = next((f for f in forms if f.term.slug not in seen
                         and (not f.exact or written.startswith(f.words))), None)
            if form is None:  # most uses: the term is marked already on this page
                continue
            at = use.start()
            if fragment.rfind("<", last, at) > fragment.rfind(">", last, at):
                continue  # inside a tag's attributes
            if left_alone is None:
                left_alone = [m.span() for m in _LEFT_ALONE.finditer(fragment)]
            if any(start <= at < end for start, end in left_alone):
                continue
            seen.add(form.term.slug)
            found += [fragment[last:at], _marked(written, form.term, href)]
            last = use.end()
        return "".join(found) + fragment[last:] if found else fragment


_Node = dict[str, "_Node"]


def _trie(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, its branches sharing their prefixes."""
    root: _Node = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: _Node) -> str:
        ends = "" in node
        alternatives = [re.escape(char) + branch(rest) for char, rest in sorted(node.items()) if char]
        if not alternatives:
            return ""
        joined = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{joined})?" if ends else joined

    return branch(root)


def _marked(words: str, term: Term, href: str) -> str:
    """The words as written, linked to the term's entry; an abbreviation says what it stands
    for."""
    target = html.escape(f"{href}#{term.slug}", quote=True)
    inner = words
    if term.short and not words.lower().startswith(term.term.lower()):
        inner = f'<abbr title="{html.escape(term.term, quote=True)}">{words}</abbr>'
    return f'<a class="term" href="{target}">{inner}</a>'


@dataclass(frozen=True)
class Entry:
    slug: str
    named: str
    means: str


def glossary_page(ctx: Context) -> PageOf[tuple[Entry, ...]]:
    view = tuple(Entry(t.slug, t.named, t.means) for t in ctx.site.config.glossary)
    return PageOf("glossary.html", frame(
        ctx, urls.GLOSSARY, "Words used on this site",
        summary="The words of special educational needs and disabilities (SEND) that this site "
                "and the inspectors' letters use, each in a plain sentence."), view)

