"""The text of a document or a note in the model, and the references it links to: Markdown
rendered once, read as a `ParsedText` (its links unresolved), then a `Markup` with every `Ref`
resolved. No IO and no storage tricks: HTML is a `Stored` object that gives its text back,
however it is kept (`scale.spool` keeps it). `model` exports these names too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

RefKind = Literal["letter", "point", "paragraph", "update", "record", "action", "page", "static",
                  "external"]
"""What a resolved reference points at: a letter, one of its points or paragraphs, an update,
a record or one of its sub-actions, a page, a file of static/, or an outside address."""
LETTER_KINDS: tuple[RefKind, ...] = ("letter", "point", "paragraph")
"""The kinds of reference that point at a letter or a part of it."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A resolved reference to a letter, point, paragraph, update, record, page or URL."""

    written: str
    """The reference as the author wrote it."""
    kind: RefKind
    target: str
    """Letter or update slug, record id, page slug, static path, or the outside URL."""
    anchor: str = ""
    """Point id or paragraph anchor in a letter; sub-action id in a record."""
    title: str = ""
    """The target's own title: 'Ofsted survey letter, 19 March 2009, area for development 1'."""
    link_text: str = ""
    """A title the author gave (`{url: …, title: …}`), else ''."""
    line: int = 0
    """Where it was written, in its file."""

    @property
    def label(self) -> str:
        """What a link to it says."""
        return self.link_text or self.title

    @property
    def is_letter(self) -> bool:
        """Points at a letter, one of its points or one of its paragraphs."""
        return self.kind in LETTER_KINDS


class Stored(Protocol):
    """HTML kept for later, however it is kept (compressed in memory, or in a temporary file
    for a national site: see `scale.spool`)."""

    def text(self) -> str:
        """The HTML."""
        ...


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Markdown rendered once, its references not yet resolved: what reading a document or a
    note gives, before every target is known. `resolved` makes it a Markup."""

    places: tuple[tuple[int, int], ...]
    """Where each link target is written (line, column), counted from the text's start."""
    stored: Stored = field(repr=False)
    """The HTML with holes (`markup.Prepared.html`)."""
    hrefs: tuple[str, ...] = ()
    """The link targets as written, by hole."""
    links: tuple[tuple[str, int], ...] = ()
    """Every link and image target with the 0-based line of its block."""
    text: str = ""
    """Plain text, for summaries and search."""
    lead: str = ""
    """The plain text of the first paragraph."""

    @property
    def html(self) -> str:
        """The HTML with holes."""
        return self.stored.text()

    def resolved(self, refs: tuple[Ref, ...]) -> Markup:
        """The same text with its references resolved."""
        return Markup(self.stored, self.hrefs, self.text, refs)


@dataclass(frozen=True, slots=True)
class Markup:
    """Markdown rendered once, every reference resolved, with holes for what depends on the
    page showing it: links relative to that page, and notes at block anchors (`markup.fill`)."""

    stored: Stored = field(repr=False)
    """The HTML with holes (`markup.Prepared.html`)."""
    hrefs: tuple[str, ...]
    """The link targets as written, by hole."""
    text: str
    """Plain text, for summaries and search."""
    refs: tuple[Ref, ...]
    """Every reference linked from the text, resolved."""

    @property
    def html(self) -> str:
        """The HTML with holes."""
        return self.stored.text()


Body = TypeVar("Body", ParsedText, Markup)
"""A document's body: parsed (its links unresolved), or finished."""
