"""The site folder's rules for names and characters, in one place: where each kind of file
lives, slugs, editor litter, links that lead out of the site, and the characters no file, name
or text may hold."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..errors import forbidden_at

# Where each kind of file lives, relative to the site folder (forward slashes) ---------------

CONFIG = "site.yml"
"""The site's settings."""
CONTENT = "content"
"""The folder of letters, updates, pages and records."""
LETTERS = f"{CONTENT}/letters"
"""Inspection letters, SLUG.md."""
UPDATES = f"{CONTENT}/updates"
"""Forum updates, DATE-TITLE-WORDS.md."""
PAGES = f"{CONTENT}/pages"
"""Plain pages, SLUG.md."""
RECORDS = f"{CONTENT}/actions"
"""Action records, ID.yml."""
STATIC = "static"
"""Files published as they are."""
THEMES = "themes"
"""The site's own themes, a folder each."""
SOURCES = (CONFIG, CONTENT, STATIC, THEMES)
"""Everything of the site folder that a build reads."""


# Slugs -------------------------------------------------------------------------------------

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A slug: lower-case letters and digits, words joined by single hyphens (match it whole)."""
SLUG_HINT = "use lower-case letters, digits and hyphens only"


def is_slug(text: str) -> bool:
    """Whether `text`, all of it, is a slug (a trailing newline is not)."""
    return SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """'Children’s views: café!' → 'childrens-views-cafe' (accents dropped, '' if no word)."""
    text = re.sub(r"['’]", "", text)  # "children's" → "childrens", not "children-s"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


MAX_SLUG = 60
"""A file name made from a title (an update's, an imported letter's) is cut to stay this short,
without its suffix."""


def slug_within(start: str, text: str) -> str:
    """`start`, then the words of `text` in order while they fit in MAX_SLUG characters:
    ('2025-10-14', 'Half-way update') → '2025-10-14-half-way-update'. When not even the first
    word fits, it is cut to fit; `start` alone when `text` has no word."""
    slug = start
    for word in slugify(text).split("-"):
        room = MAX_SLUG - len(slug) - 1
        if len(word) > room:
            if slug == start and room > 0:
                slug += "-" + word[:room]
            break
        if word:
            slug += "-" + word
    return slug


# Editor and system litter ------------------------------------------------------------------

_LITTER_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini", ".git", ".hg",
                           ".svn"})
_LITTER_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", ".kate-swp")
_LITTER_STARTS = (".#", ".goutputstream-", ".~lock.")


def is_litter(name: str) -> bool:
    """Whether one file or folder name is left by an editor or the system, never content:
    swap, backup and lock files (vim's `.x.swp` and `4913`, Emacs's `.#x` and `#x#`,
    `x~`, `.tmp`, `.bak`), `.DS_Store` and its kind, and version-control folders."""
    return (name in _LITTER_NAMES or name.endswith(_LITTER_SUFFIXES)
            or name.startswith(_LITTER_STARTS)
            or (len(name) > 1 and name.startswith("#") and name.endswith("#")))


def is_hidden(name: str) -> bool:
    """A name starting with '.': never a letter, update, page, record or template (a
    site's own `static/.well-known/` is published)."""
    return name.startswith(".")


def leads_out(path: Path, root: Path) -> bool:
    """Whether `path` is a link (or sits in a linked folder) that leads outside `root`, once
    every link is followed. `root` is resolved already."""
    try:
        return not path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):  # a broken or looping link
        return True


# Characters --------------------------------------------------------------------------------

def describe(char: str) -> tuple[str, str]:
    """A problem's message and hint for one forbidden character."""
    code = f"U+{ord(char):04X}"
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        name = unicodedata.name(char, "a direction control").lower()
        return (f"an invisible character that changes the direction of text ({code}, {name})",
                "delete it: it can make text show differently from what it says")
    return (f"a control character ({code})",
            "delete it: it is invisible in most editors, so retype the text around it")


def usable_name(name: str) -> bool:
    """Whether a file or folder name is one the site may publish: no forbidden character,
    and nothing the operating system would read as a drive or another folder."""
    return forbidden_at(name, name=True) is None and name not in ("", ".", "..") \
        and "/" not in name \
        and not (os.sep != "/" and (os.sep in name or ":" in name))


def default_theme() -> Path:
    """The default theme: packaged beside the code, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]  # tracker/
    packaged = package / "themes" / "default"
    return packaged if packaged.is_dir() else package.parent / "themes" / "default"
