"""The pages that are a body or lists of links: the search page (search.html, with
_lists.html on a site without its index), the page for addresses that lead nowhere (404.html)
and the site's plain pages such as About (page.html)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup as Html

from ..content.model import Page as PlainPage
from ..scale.lazy import Lazy
from . import urls
from .views import SECTIONS, Context, Link, Linker, PageOf, frame, page_linker


@dataclass(frozen=True)
class Browse:
    """A page that lists part of the site, and what it lists."""

    link: Link
    lists: str


@dataclass(frozen=True)
class ListView:
    """A simple page: a body, or lists of links (the search page's, 404)."""

    body: Html
    letters: Sequence[Link] = ()
    records: Sequence[Link] = ()
    updates: Sequence[Link] = ()
    browse: Sequence[Browse] = ()
    """The pages that list the site, for a search page whose box needs JavaScript."""


def _index_lists(ctx: Context, link: Linker) -> ListView:
    """Every letter, record and update, each link made as the page is written: 350,000 of
    them for a national site."""
    return ListView(
        Html(""),
        letters=Lazy(ctx.site.letters, lambda x: Link(x.title, link.to(urls.letter(x.slug)))),
        records=Lazy(ctx.site.records, lambda r: Link(r.title, link.to(urls.area(r.id)))),
        updates=Lazy(ctx.site.updates, lambda u: Link(u.title, link.to(urls.update(u.slug)))),
    )


_BROWSE = {urls.HOME: "every tracked area and its status, by letter",
           urls.LETTERS: "every letter, each point with its record",
           urls.UPDATES: "every update, newest first",
           urls.TIMELINE: "every dated event of every record, newest first"}
"""What each section that lists the site holds, for the search page."""


def _browse(link: Linker) -> ListView:
    """Where to browse the site when the search box cannot run: the same few links on a site
    of any size, so that a phone opening the search page fetches only the box."""
    return ListView(Html(""), browse=tuple(
        Browse(Link(text, link.to(target)), _BROWSE[target])
        for text, target in SECTIONS if target in _BROWSE))


def search_page(ctx: Context) -> PageOf[ListView]:
    """With the index, the search box and where to browse instead; without it, every letter,
    record and update, so that a browser's find in page searches their titles."""
    link = Linker(urls.SEARCH)
    view = _browse(link) if ctx.search_index else _index_lists(ctx, link)
    return PageOf("search.html", frame(ctx, urls.SEARCH, "Search", current=urls.SEARCH,
                                       search=ctx.search_index), view)


def not_found_page(ctx: Context) -> PageOf[ListView]:
    """The 404 page is served at any address, so its links start from the host's root
    (the path of `base_url`): they work on any host that publishes the site at that path,
    the preview included."""
    base = ctx.base_url
    view = ListView(Html(""), letters=(), records=(), updates=())
    page_frame = frame(ctx, urls.NOT_FOUND, "Page not found")
    nav = tuple((Link(link.text, urls.rooted(base, link.href)), False)
                for link, _ in page_frame.nav)
    return PageOf("404.html", replace(page_frame, nav=nav, home=urls.rooted(base, urls.HOME),
                                      stylesheet=urls.rooted(base, urls.STYLESHEET),
                                      glossary=urls.rooted(base, urls.GLOSSARY)
                                      if page_frame.glossary else ""), view)


def plain_page(ctx: Context, item: PlainPage) -> PageOf[ListView]:
    path = urls.page(item.slug)
    view = ListView(page_linker(ctx, path).html(item.body))
    return PageOf("page.html", frame(ctx, path, item.title, current=path), view)
