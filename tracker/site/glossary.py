"""Plain words: the glossary page (glossary.html), and the first use of each glossary term on a
page linked to its entry there, with its meaning in full as an abbreviation's title. The
marking adds tags around words and never changes one: a letter stays verbatim."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..content.model import Term
from . import urls
from .views import Context, PageOf, frame

_TAG = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SKIPPED = {"a", "abbr", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style",
            "svg", "title", "button"}
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
        self.by_word: dict[str, list[Form]] = {}
        for term in terms:
            for words in term.forms:
                first = _WORD.match(words)
                if first is None:
                    continue
                exact = any(c.isupper() for c in words[1:])
                self.by_word.setdefault(first.group().lower(), []).append(Form(words, exact, term))
        for forms in self.by_word.values():
            forms.sort(key=lambda f: -len(f.words))  # the longest form wins

    def mark(self, fragment: str, seen: set[str], href: str) -> str:
        """`fragment` (HTML) with the first use of each term not in `seen` linked to its
        entry (`href` + '#' + its slug); the terms marked are added to `seen`."""
        if not self.by_word or len(seen) >= len(self.terms):
            return fragment
        out, skipping = [], 0
        for piece in _TAG.split(fragment):
            if piece.startswith("<"):
                name = piece[1:].split(None, 1)[0].strip("/>").lower() if len(piece) > 2 else ""
                if name in _SKIPPED and not piece.endswith("/>"):
                    skipping += -1 if piece.startswith("</") else 1
                out.append(piece)
            elif skipping > 0 or not piece.strip():
                out.append(piece)
            else:
                out.append(self._text(piece, seen, href))
        return "".join(out)

    def _text(self, text: str, seen: set[str], href: str) -> str:
        found, last = [], 0
        for word in _WORD.finditer(text):
            if word.start() < last:
                continue
            key = word.group().lower()
            forms = self.by_word.get(key) or self.by_word.get(key[:-1] if key.endswith("s") else "")
            for form in forms or ():
                if form.term.slug in seen:
                    continue
                end = _matches(text, word.start(), form)
                if end:
                    seen.add(form.term.slug)
                    found.append(text[last:word.start()])
                    found.append(_marked(text[word.start():end], form.term, href))
                    last = end
                    break
        return "".join(found) + text[last:] if found else text


def _matches(text: str, at: int, form: Form) -> int:
    """Where the form written at `at` ends (an 's' after it too), else 0."""
    size = len(form.words)
    written = text[at:at + size]
    if written != form.words and (form.exact or written.lower() != form.words.lower()):
        return 0
    end = at + size
    if text[end:end + 1] == "s":
        end += 1
    return end if not text[end:end + 1].isalnum() else 0


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

