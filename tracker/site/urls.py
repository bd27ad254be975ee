"""The one URL scheme: where each page is written, and relative links between pages.

Internal links name the target file (`../letters/x/index.html`), so the site works from
any sub-path and when opened from the file system. Absolute URLs (from `base_url`) are
made only for feeds, the sitemap and canonical links.
"""

from __future__ import annotations

import posixpath
import zlib
from urllib.parse import quote, urlsplit

from ..content.model import Ref, Site

HOME = "index.html"
LETTERS = "letters/index.html"
UPDATES = "updates/index.html"
TIMELINE = "timeline/index.html"
SEARCH = "search/index.html"
SUMMARY = "summary/index.html"
GLOSSARY = "glossary/index.html"
NOT_FOUND = "404.html"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
DATA_JSON = "data/tracker.json"
RECORDS_CSV = "data/records.csv"
TIMELINE_CSV = "data/timeline.csv"
STYLESHEET = "assets/style.css"
SEARCH_FOLDER = "pagefind/"
"""The search index: the first of its parts, with the search page's script."""
SEARCH_CSS = f"{SEARCH_FOLDER}pagefind-ui.css"
SEARCH_JS = f"{SEARCH_FOLDER}pagefind-ui.js"
SEARCH_MODULE = "assets/search/"
"""The default theme's module that searches the index's parts as one (`pagefind.js`)."""
SEARCH_PART_PAGES = 4_000
"""The most pages one part of the search index reads. Pagefind holds the pages of the part
it makes in memory (about 0.12 MB a page, 500 MB a part), so a site's index is made in
parts of at most this size, each by its own Pagefind, and the search page merges them. A
search fetches each part's metadata and word chunks: on 10,000 letters, parts of 2,000
pages cost a search 43% more bytes than one index, parts of 4,000 pages 7% more. A site of
more than half as many pages has at least two parts, made side by side."""
NATIONAL_PAGES = 100_000
"""A site of more searched pages than this is made in parts of `NATIONAL_PART_PAGES`, one at a
time: there the build's own processes need most of 2 GB while a part is made."""
NATIONAL_PART_PAGES = 1_000


def letter(slug: str) -> str:
    return f"letters/{slug}/index.html"


def update(slug: str) -> str:
    return f"updates/{slug}/index.html"


def updates_page(number: int) -> str:
    """The n-th page of the updates list (1 is the list itself)."""
    return UPDATES if number == 1 else f"updates/page/{number}/index.html"


def timeline_page(number: int) -> str:
    """The n-th page of the timeline (1 is the timeline itself)."""
    return TIMELINE if number == 1 else f"timeline/page/{number}/index.html"


def area(record_id: str) -> str:
    return f"areas/{record_id}/index.html"


def area_feed(record_id: str) -> str:
    return f"areas/{record_id}/feed.xml"


def page(slug: str) -> str:
    return f"{slug}/index.html"


def searched_pages(site: Site) -> list[str]:
    """The pages the search index reads: those with text to search (their templates mark it
    with `data-pagefind-body`), not the lists, where the largest pages of a big site are."""
    return [*(letter(x.slug) for x in site.letters), *(area(r.id) for r in site.records),
            *(update(u.slug) for u in site.updates)]


def search_parts(pages: int) -> list[str]:
    """The folders of the search index's parts for a site of `pages` searched pages: the
    first holds the search page's script, which merges the others into it. How many depends
    on the site alone, never on the machine that builds it."""
    size = SEARCH_PART_PAGES if pages <= NATIONAL_PAGES else NATIONAL_PART_PAGES
    count = max(-(-pages // size), 2 if pages > size // 2 else 1)
    return [SEARCH_FOLDER, *(f"{SEARCH_FOLDER}part-{n}/" for n in range(2, count + 1))]


def search_part_of(path: str, parts: int) -> int:
    """Which of `parts` parts of the search index reads the page at `path`: by a hash of its
    address, so that each part holds a like share of letters, areas and updates (their
    rankings can then be compared), and a new page changes only its own part."""
    return zlib.crc32(path.encode("utf-8")) % parts


def action_anchor(action_id: str) -> str:
    """The fragment of a sub-action on its record's page."""
    return f"action-{action_id}"


def entry_anchor(date: str, nth: int, action_id: str = "") -> str:
    """The fragment of a timeline entry on its area page: its date (ISO), and after it the
    entry's number among those of the same date when it is not the first
    ('entry-2025-10-14', 'entry-2025-10-14-2'); a sub-action's entries start with its id."""
    own = f"entry-{date}" + (f"-{nth}" if nth > 1 else "")
    return f"{action_id}-{own}" if action_id else own


FORMS = "__tracker/forms/"
"""Where the preview serves its forms (SPEC 8a); a build never writes them."""
FORM_UPDATE = f"{FORMS}update/index.html"
FORM_LETTER = f"{FORMS}letter/index.html"


def form_record(record_id: str) -> str:
    return f"{FORMS}record/{record_id}/index.html"


def form_track(slug: str, point_id: str) -> str:
    return f"{FORMS}track/{slug}/{point_id}/index.html"


def of_ref(ref: Ref) -> str:
    """The output path (with #fragment) a reference points at, or its outside URL."""
    if ref.kind == "external":
        return ref.target
    if ref.kind in ("letter", "point", "paragraph"):
        return letter(ref.target) + (f"#{ref.anchor}" if ref.anchor else "")
    if ref.kind == "update":
        return update(ref.target)
    if ref.kind == "record":
        return area(ref.target)
    if ref.kind == "action":
        return f"{area(ref.target)}#{action_anchor(ref.anchor)}"
    if ref.kind == "page":
        return page(ref.target)
    return quote(ref.target)


def absolute_ref(base_url: str, ref: Ref) -> str:
    """Where a reference points, as followed from anywhere (a feed, the open data, a printed
    page): an outside URL as written, else the absolute URL of this site's page."""
    return ref.target if ref.kind == "external" else absolute(base_url, of_ref(ref))


def relative(from_path: str, to_path: str) -> str:
    """A link from the page written at `from_path` to `to_path` (which may carry #fragment)."""
    if "://" in to_path or to_path.startswith("mailto:"):
        return to_path
    target, hash_, fragment = to_path.partition("#")
    if target == from_path and hash_:
        return f"#{fragment}"
    link = _climb(posixpath.dirname(from_path), target)
    return link + (f"#{fragment}" if hash_ else "")


def _climb(start: str, target: str) -> str:
    """`posixpath.relpath(target, start)` for the clean relative paths of the output folder,
    without its calls to the file system (a page makes dozens of links)."""
    here = start.split("/") if start else []
    there = target.split("/") if target else []
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:]) or "."


def absolute(base_url: str, path: str) -> str:
    """The public URL of an output path (which may carry #fragment), directory-style for pages."""
    target, hash_, fragment = path.partition("#")
    if target.endswith("index.html"):
        target = target[: -len("index.html")]
    return base_url + target + hash_ + fragment


def rooted(base_url: str, path: str) -> str:
    """An output path as a link from the root of the host the site is published on
    (`/tracker/letters/`): it works from a page served at any address, on any host that
    publishes the site at the same path."""
    return absolute(urlsplit(base_url).path or "/", path)
