"""What every page's view is made of: links, dates, status tags, the frame around a page, the
page itself, links relative to a page, timeline entries, update cards, the pager of a list in
pages; and what every view builder reads (`Context`). Labels, dates, counts and relative links
are made here and in the view modules, so that templates only place them.

Each template family has its own module: `home` (home.html), `letters` (letter.html and its
_points.html, letters.html), `area` (area.html), `updates` (update.html, updates.html),
`timeline` (timeline.html) and `lists` (search.html with _lists.html, 404.html, page.html).
The views here feed base.html (`Frame`) and the macros of _macros.html (`status_tag`, `date`,
`evidence`, `timeline`, `update_list`, `pagination`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from markupsafe import Markup as Html

from ..content.markdown import markup
from ..content.model import Entry, Markup, Point, Record, Ref, Site, Status, Tone, Update, long_date
from . import urls
from .relations import Relations

V = TypeVar("V")
T = TypeVar("T")
B = TypeVar("B")
A = TypeVar("A")


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Date:
    iso: str
    text: str


def date_view(date: dt.date) -> Date:
    return Date(date.isoformat(), long_date(date))


@dataclass(frozen=True)
class Tag:
    """A status, always shown with its words, never by colour alone."""

    label: str
    tone: Tone


def tag(status: Status) -> Tag:
    return Tag(status.label, status.tone)


def point_label(point: Point) -> str:
    """A point's label as a page shows it, at the start of a line: 'Area for development 1'."""
    return point.label[0].upper() + point.label[1:]


@dataclass(frozen=True)
class Frame:
    """What every page shows around its content."""

    path: str
    title: str
    site_title: str
    description: str
    language: str
    notice: str
    owner: str
    home: str
    stylesheet: str
    canonical: str
    nav: tuple[tuple[Link, bool], ...]
    feed: str = ""
    search_css: str = ""
    """Links to the search bundle, on the search page only."""
    search_js: str = ""
    search_bundle: str = ""
    """The folder of the module the search box loads, which searches the index's parts as one."""
    search_parts: str = ""
    """Links to the search index's other parts, which the search page's script merges into
    the first, separated by spaces."""
    edits: tuple[Link, ...] = ()
    """In the preview only: links to the forms that change what this page shows."""
    glossary: str = ""
    """The glossary page, linked from every page's footer."""
    summary: str = ""
    """What this page is and where it stands, in a sentence: for search results and the card
    a shared link shows (the site's description when the page has nothing of its own)."""
    kind: str = "website"
    """Its Open Graph type: 'article' for a letter, an area or an update."""
    locale: str = "en_GB"


@dataclass(frozen=True)
class Page:
    """One HTML page to render: a template, its frame and its view, whatever the view's type
    (what rendering and the page plan hold). Page makers make a `PageOf` their view's type."""

    template: str
    frame: Frame
    view: object


@dataclass(frozen=True)
class PageOf(Page, Generic[V]):
    """A page whose view has the type its template reads (`PageOf[AreaView]` for area.html),
    so that the type checker holds each page maker to what its template is given."""

    view: V


class Marker(Protocol):
    """What marks the first use of each glossary term on a page (`glossary.Glossary`)."""

    def mark(self, fragment: str, seen: set[str], href: str) -> str: ...


class Linker:
    """Links relative to one page; with a `marker`, the Markdown texts it renders for the page
    have the first use of each glossary term linked to its entry."""

    def __init__(self, path: str, marker: Marker | None = None) -> None:
        self.path = path
        self.marker = marker
        self.seen: set[str] = set()
        """The glossary terms marked on this page so far."""
        self.glossary = ""

    def _marked(self, fragment: str) -> str:
        if self.marker is None:
            return fragment
        if not self.glossary:
            self.glossary = self.to(urls.GLOSSARY)
        return self.marker.mark(fragment, self.seen, self.glossary)

    def to(self, target: str) -> str:
        return urls.relative(self.path, target)

    def ref(self, ref: Ref) -> Link:
        return Link(ref.label, self.to(urls.of_ref(ref)))

    def hrefs(self, text: Markup) -> Callable[[str], str]:
        """Where each link of a Markdown text, as written, leads from this page."""
        refs = {r.written: r for r in text.refs}
        return lambda written: self.to(urls.of_ref(refs[written]))

    def html(self, text: Markup | None) -> Html:
        """A Markdown text rendered for this page."""
        if text is None:
            return Html("")
        return Html(self._marked(markup.fill(text.html, text.hrefs, self.hrefs(text))))

    def parts(self, text: Markup, before: Mapping[str, B],
              after: Mapping[str, A]) -> list[Html | B | A]:
        """A Markdown text rendered for this page, in chunks of HTML with the notes `before`
        and `after` hold for the start and end of a block in their places between them, for
        the template to render (`markup.fill_parts`)."""
        return [Html(self._marked(part)) if isinstance(part, str) else part
                for part in markup.fill_parts(text.html, text.hrefs, self.hrefs(text),
                                              before, after)]


@dataclass(frozen=True)
class Evidence:
    """An evidence link, with the full address a printed page shows after it."""

    text: str
    href: str
    url: str


@dataclass(frozen=True)
class EntryView:
    date: Date
    status: Tag
    note: Html
    evidence: tuple[Evidence, ...]
    due: Date | None
    anchor: str = ""
    """Its fragment on the area page (`urls.entry_anchor`)."""


@dataclass(frozen=True)
class UpdateItem:
    title: str
    href: str
    date: Date
    summary: str
    author: str = ""


@dataclass(frozen=True)
class Pager:
    """Where one page of a list in pages stands (the updates, the timeline), for the
    `pagination` macro."""

    number: int
    """This page's number, from 1."""
    pages: int
    """How many pages the list has."""
    previous: str
    """A link to the page before (newer), else ''."""
    next: str
    """A link to the page after (older), else ''."""


@dataclass(frozen=True)
class Context:
    """What every view builder needs: the site, its reverse links, the build date."""

    site: Site
    relations: Relations
    today: dt.date
    base_url: str
    records: dict[str, Record] = field(default_factory=dict)
    updates: dict[str, Update] = field(default_factory=dict)
    search_index: bool = True
    """Whether the site is published with its search index (the search page's script)."""
    editing: bool = False
    """Whether pages link to the preview's forms (never in a build)."""
    glossary: Marker | None = None
    """Marks the first use of each glossary term in a page's texts."""


def page_linker(ctx: Context, path: str) -> Linker:
    """Links relative to the page at `path`, its texts marked with the glossary's terms."""
    return Linker(path, ctx.glossary)


SECTIONS = (("Home", urls.HOME), ("Letters", urls.LETTERS), ("Updates", urls.UPDATES),
            ("Timeline", urls.TIMELINE), ("Search", urls.SEARCH))
"""The site's sections, as every page's navigation names them, the plain pages after them."""


def frame(ctx: Context, path: str, title: str, *, feed: str = "", current: str = "",
          search: bool = False, edits: Sequence[tuple[str, str]] = (), summary: str = "",
          kind: str = "website") -> Frame:
    link = Linker(path)
    config = ctx.site.config
    sections = [*SECTIONS, *((p.title, urls.page(p.slug)) for p in ctx.site.pages)]
    nav = tuple((Link(text, link.to(target)), target == current) for text, target in sections)
    return Frame(
        path=path, title=title, site_title=config.title, description=config.description,
        language=config.language, notice=config.notice, owner=config.owner,
        home=link.to(urls.HOME), stylesheet=link.to(urls.STYLESHEET),
        canonical=urls.absolute(ctx.base_url, path), nav=nav,
        feed=link.to(feed) if feed else "",
        search_css=link.to(urls.SEARCH_CSS) if search else "",
        search_js=link.to(urls.SEARCH_JS) if search else "",
        search_bundle=link.to(urls.SEARCH_MODULE) if search else "",
        search_parts=" ".join(link.to(part) for part in urls.search_parts(
            len(urls.searched_pages(ctx.site)))[1:]) if search else "",
        edits=tuple(Link(text, link.to(form)) for text, form in edits) if ctx.editing else (),
        glossary=link.to(urls.GLOSSARY) if config.glossary else "",
        summary=summary or config.description, kind=kind,
        locale=config.language.replace("-", "_"),
    )


def in_a_sentence(label: str) -> str:
    """A status's label inside a sentence: 'in progress', but 'SEND board' as it is."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def counted(count: int, label: str) -> str:
    """'1 area for improvement', '5 areas for improvement'."""
    first, _, rest = in_a_sentence(label).partition(" ")
    word = first if count == 1 or first.endswith("s") else first + "s"
    return " ".join(filter(None, (str(count), word, rest)))


def standing(status: Status, since: dt.date) -> str:
    """'in progress since 15 March 2022'."""
    return f"{in_a_sentence(status.label)} since {long_date(since)}"


def evidence(ref: Ref, link: Linker, base_url: str) -> Evidence:
    return Evidence(ref.label, link.to(urls.of_ref(ref)), urls.absolute_ref(base_url, ref))


def entry_view(entry: Entry, link: Linker, base_url: str, anchor: str = "") -> EntryView:
    return EntryView(
        date_view(entry.date), tag(entry.status), link.html(entry.note),
        tuple(evidence(r, link, base_url) for r in entry.evidence),
        date_view(entry.due) if entry.due else None, anchor,
    )


def timeline_views(entries: Sequence[Entry], link: Linker, base_url: str,
                   action_id: str = "") -> tuple[EntryView, ...]:
    """A timeline (oldest first) as shown, newest first, each entry with its anchor."""
    seen: dict[dt.date, int] = {}
    shown = []
    for entry in entries:
        seen[entry.date] = seen.get(entry.date, 0) + 1
        anchor = urls.entry_anchor(entry.date.isoformat(), seen[entry.date], action_id)
        shown.append(entry_view(entry, link, base_url, anchor))
    return tuple(reversed(shown))


def update_item(update: Update, link: Linker) -> UpdateItem:
    return UpdateItem(update.title, link.to(urls.update(update.slug)), date_view(update.date),
                      update.summary, update.author)


def chunks(items: Sequence[T], size: int) -> list[tuple[T, ...]]:
    """`items` as they fall on the pages of a list, `size` to a page (one empty page when
    there are none)."""
    return [tuple(items[i:i + size]) for i in range(0, len(items), size)] or [()]


def pager(link: Linker, number: int, pages: int, page_path: Callable[[int], str]) -> Pager:
    """Page `number` of `pages` of a list whose n-th page is written at `page_path(n)`."""
    return Pager(number, pages, link.to(page_path(number - 1)) if number > 1 else "",
                 link.to(page_path(number + 1)) if number < pages else "")


def paged_title(title: str, number: int, pages: int) -> str:
    """The title of a page of a list: the list's own on its first page."""
    return title if number == 1 else f"{title}, page {number} of {pages}"


def date_range(dates: tuple[dt.date, ...]) -> str:
    """'26 to 30 June 2023' for days in a row ('27 November to 1 December 2023', '30 December
    2023 to 2 January 2024' across a month or year), else each date: '3 and 5 March 2009'."""
    if not dates:
        return ""
    first, last = dates[0], dates[-1]
    in_a_row = len(dates) > 1 and all((b - a).days == 1 for a, b in zip(dates, dates[1:], strict=False))
    if not in_a_row:
        shown = [long_date(d) for d in dates]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    if first.year != last.year:
        return f"{long_date(first)} to {long_date(last)}"
    start = f"{first.day}" if first.month == last.month else long_date(first).rsplit(" ", 1)[0]
    return f"{start} to {long_date(last)}"
