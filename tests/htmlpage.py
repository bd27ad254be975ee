"""Reading a built HTML page as a user sees it: its elements with their text and links, and
any end tag that does not close what it should (html.parser from the standard library)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})


@dataclass(eq=False)
class Element:
    """One element, with the text and the links of everything inside it."""

    tag: str
    attrs: dict[str, str]
    line: int
    parts: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its text, entities decoded and white space collapsed."""
        return " ".join("".join(self.parts).split())

    def inside(self, tag: str) -> list[Element]:
        """Every element with this tag inside this one, in document order."""
        found = []
        for child in self.children:
            found += [child] if child.tag == tag else []
            found += child.inside(tag)
        return found


@dataclass(frozen=True)
class Link:
    """An href or src attribute."""

    tag: str
    attr: str
    url: str
    rel: str
    line: int


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[Element] = []
        self.found: list[Element] = []
        self.errors: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        element = Element(tag, {k: v or "" for k, v in attrs}, line)
        if len(element.attrs) != len(attrs):
            self.errors.append(f"line {line}: <{tag}> repeats an attribute")
        self.found.append(element)
        if self.stack:
            self.stack[-1].children.append(element)
        if "href" in element.attrs:
            for open_element in [*self.stack, element]:
                open_element.hrefs.append(element.attrs["href"])
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag in VOID:
            self.errors.append(f"line {line}: end tag </{tag}> of a void element")
            return
        if self.stack and self.stack[-1].tag == tag:
            self.stack.pop()
            return
        opened = f"<{self.stack[-1].tag}> opened on line {self.stack[-1].line}" if self.stack \
            else "nothing"
        self.errors.append(f"line {line}: </{tag}> closes {opened}")
        if any(e.tag == tag for e in self.stack):
            while self.stack.pop().tag != tag:
                pass

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.parts.append(data)


class HtmlPage:
    """A built page at output path `path`."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        reader = _Reader()
        reader.feed(source)
        reader.close()
        self.elements = reader.found
        self.doctype = reader.doctype
        self.errors = reader.errors + [f"<{e.tag}> opened on line {e.line} is never closed"
                                       for e in reader.stack]

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    def one(self, tag: str, **attrs: str) -> Element:
        found = [e for e in self.all(tag) if all(e.attrs.get(k) == v for k, v in attrs.items())]
        assert len(found) == 1, f"{self.path}: {len(found)} <{tag} {attrs}>"
        return found[0]

    @property
    def main(self) -> Element:
        return self.one("main")

    @property
    def ids(self) -> list[str]:
        return [e.attrs["id"] for e in self.elements if "id" in e.attrs]

    @property
    def links(self) -> list[Link]:
        return [Link(e.tag, attr, e.attrs[attr], e.attrs.get("rel", ""), e.line)
                for e in self.elements for attr in ("href", "src") if attr in e.attrs]

    def target(self, href: str) -> str:
        """Where a link on this page leads: an output path (with #fragment), or the URL itself
        when it is absolute."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return href
        if not parts.path:
            return f"{self.path}#{parts.fragment}"
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), unquote(parts.path)))
        return path + (f"#{parts.fragment}" if parts.fragment else "")

    def targets(self, element: Element) -> list[str]:
        """Where every link inside `element` leads."""
        return [self.target(h) for h in element.hrefs]

    def items_linking_to(self, target: str, tag: str = "li") -> list[Element]:
        """The innermost `tag` elements holding a link to `target`."""
        holding = [e for e in self.all(tag) if target in self.targets(e)]
        return [e for e in holding if not any(inner in holding for inner in e.inside(tag))]


def read_page(out: Path, path: str) -> HtmlPage:
    """The page written at `out/path`."""
    return HtmlPage(path, (out / path).read_text(encoding="utf-8"))


def html_pages(out: Path) -> dict[str, HtmlPage]:
    """Every HTML page of a built site by output path (Pagefind's own files left out)."""
    return {p.relative_to(out).as_posix(): HtmlPage(p.relative_to(out).as_posix(),
                                                     p.read_text(encoding="utf-8"))
            for p in sorted(out.rglob("*.html"))
            if not p.relative_to(out).as_posix().startswith("pagefind/")}
