"""Every page of a built site parses and every link in it works from the file system and
under a sub-path (SPEC 7): relative links that name a file, fragments that exist, absolute
URLs only where they must be (canonical links, feeds, sitemap), links from the host's root
only on the 404 page (served at any address)."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import FULL_SITE, build, write_files
from htmlpage import HtmlPage, Link, html_pages
from hypothesis import given
from hypothesis import strategies as st

from tracker.site import urls

REPO = Path(__file__).resolve().parents[1]
BASE = "https://example.org/tracker/"
"""The base_url of both sites below (the example's site.yml, and FULL_SITE's with it added)."""

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class Built:
    out: Path
    pages: dict[str, HtmlPage]
    """Every HTML page by output path."""


def parse_site(out: Path) -> Built:
    return Built(out, html_pages(out))


def build_example(out: Path) -> Path:
    result = build(REPO, out)
    assert result.exit_code == 0, result.stderr
    return out


def build_fixture(folder: Path, *extra: str) -> Path:
    site = write_files(folder / "site", {**FULL_SITE, "site.yml": f"title: Test tracker\nbase_url: {BASE}\n"})
    out = folder / "out"
    result = build(site, out, *extra)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Built:
    """The example site at the repository root, built once into a temporary folder."""
    return parse_site(build_example(tmp_path_factory.mktemp("example") / "out"))


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Built:
    """FULL_SITE, built once."""
    return parse_site(build_fixture(tmp_path_factory.mktemp("fixture")))


@pytest.fixture(scope="module")
def unsearched_site(tmp_path_factory) -> Built:
    """FULL_SITE built with --no-search: no link may lead to the index it leaves out."""
    return parse_site(build_fixture(tmp_path_factory.mktemp("unsearched"), "--no-search"))


@pytest.fixture(scope="module", params=["example", "fixture", "unsearched"])
def site(request) -> Built:
    return request.getfixturevalue(f"{request.param}_site")


def internal(link: Link) -> bool:
    """A link to somewhere in this site (relative, root-relative, or under the base URL)."""
    parts = urlsplit(link.url)
    return not parts.scheme and not parts.netloc or link.url.startswith(BASE)


def resolve(page: str, url: str) -> tuple[str, str]:
    """(output path, fragment) that a relative link from `page` names."""
    parts = urlsplit(url)
    if not parts.path:
        return page, unquote(parts.fragment)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    return target, unquote(parts.fragment)


def where(page: str, link: Link) -> str:
    return f"{page}:{link.line}: <{link.tag} {link.attr}=\"{link.url}\">"


# Pages parse ---------------------------------------------------------------------------

def test_there_are_pages(site):
    assert {"index.html", "404.html", "letters/index.html", "search/index.html"} <= set(site.pages)


def test_every_page_parses_with_balanced_tags(site):
    problems = [f"{path}: {error}" for path, page in site.pages.items() for error in page.errors]
    assert problems == []


def test_every_page_is_an_html5_document_with_unique_ids(site):
    for path, page in site.pages.items():
        assert page.doctype.lower() == "doctype html", path
        duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
        assert duplicates == [], f"{path} repeats ids {duplicates}"


# Links -------------------------------------------------------------------------------

def test_no_link_is_empty_or_root_relative_but_the_404_pages(site):
    bad = [where(path, link) for path, page in site.pages.items() for link in page.links
           if not link.url.strip() or (link.url.startswith("/") and path != "404.html")]
    assert bad == []


def test_no_script_scheme_links(site):
    bad = [where(path, link) for path, page in site.pages.items() for link in page.links
           if urlsplit(link.url.strip().lower()).scheme in ("javascript", "vbscript", "data")]
    assert bad == []


def test_internal_links_are_relative_except_canonical(site):
    bad = [where(path, link) for path, page in site.pages.items() for link in page.links
           if link.url.startswith(BASE) and link.rel != "canonical"]
    assert bad == []


def test_every_relative_link_names_an_existing_file(site):
    bad = []
    for path, page in site.pages.items():
        for link in page.links:
            if not internal(link) or link.url.startswith(BASE) or link.url.startswith("/"):
                continue
            target, _ = resolve(path, link.url)
            file = site.out / target
            if target.startswith("..") or not file.is_file():
                why = "is a folder, not a file" if file.is_dir() else "does not exist"
                bad.append(f"{where(path, link)} → {target} {why}")
    assert bad == []


def test_every_fragment_is_an_id_of_the_target_page(site):
    bad = []
    for path, page in site.pages.items():
        for link in page.links:
            if not internal(link) or link.url.startswith((BASE, "/")):
                continue
            target, fragment = resolve(path, link.url)
            if not fragment or target not in site.pages:
                continue
            if fragment not in site.pages[target].ids:
                bad.append(f"{where(path, link)} → no id '{fragment}' in {target}")
    assert bad == []


def test_canonical_link_is_the_absolute_url_of_each_page(site):
    for path, page in site.pages.items():
        if path == "404.html":
            continue
        canonical = [link.url for link in page.links if link.rel == "canonical"]
        directory = path.removesuffix("index.html")
        assert canonical == [BASE + directory], path


def test_the_404_page_links_from_the_hosts_root_to_pages_that_exist(site):
    """Served at any address, on any host that publishes the site at its path (the preview
    too), the 404 page's links start from the host's root: /tracker/…"""
    page = site.pages["404.html"]
    root = urlsplit(BASE).path
    assert page.links, "the 404 page has links (home, stylesheet, navigation)"
    for link in page.links:
        if link.url.startswith(("https://", "http://")):
            assert link.rel == "canonical" or not link.url.startswith(BASE), where("404.html", link)
            continue  # its canonical address, or outside the site
        if link.url.startswith("#"):
            assert link.url[1:] in page.ids, where("404.html", link)
            continue
        assert link.url.startswith(root), f"{where('404.html', link)} is not from the root"
        rest = unquote(urlsplit(link.url[len(root):]).path)
        file = site.out / rest
        assert file.is_file() or (file / "index.html").is_file(), where("404.html", link)
    stylesheet = [link.url for link in page.links if link.rel == "stylesheet"]
    assert stylesheet == [root + "assets/style.css"]


def test_sitemap_lists_every_page_but_404_at_its_absolute_url(site):
    root = ET.parse(site.out / "sitemap.xml").getroot()
    locs = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    assert locs == sorted(set(locs), key=locs.index), "no page is listed twice"
    expected = {BASE + p.removesuffix("index.html") for p in site.pages if p != "404.html"}
    assert set(locs) == expected


def test_feed_links_point_at_existing_pages_and_anchors(site):
    feeds = [site.out / "feed.xml", *sorted((site.out / "areas").glob("*/feed.xml"))]
    assert len(feeds) > 1
    for feed in feeds:
        root = ET.parse(feed).getroot()
        for link in root.iter(f"{ATOM}link"):
            href = link.get("href") or ""
            assert href.startswith(BASE), f"{feed}: {href}"
            parts = urlsplit(href[len(BASE):])
            target = parts.path + "index.html" if parts.path.endswith("/") or not parts.path \
                else parts.path
            assert (site.out / target).is_file(), f"{feed}: {href}"
            if parts.fragment:
                assert parts.fragment in site.pages[target].ids, f"{feed}: {href}"


def test_the_fixture_links_every_kind_of_reference(fixture_site):
    """FULL_SITE's pages link to a paragraph, a point, a sub-action, a page and a static file."""
    out, pages = fixture_site.out, fixture_site.pages
    update = {link.url for link in pages["updates/2023-10-01-poll/index.html"].links}
    assert {"../../letters/herts-2023/index.html#p1", "../../letters/herts-2023/index.html#P1",
            "../../areas/data-dashboard/index.html#action-new-dashboard",
            "../../about/index.html", "../../docs/plan.pdf"} <= update
    area = {link.url for link in pages["areas/data-dashboard/index.html"].links}
    assert {"../../docs/plan.pdf", "../../letters/herts-2023/index.html#p1",
            "../../about/index.html", "https://example.com/plan"} <= area
    assert (out / "docs" / "plan.pdf").read_bytes() == FULL_SITE["static/docs/plan.pdf"]


SEGMENT = st.sampled_from(["a", "b", "letters", "index.html", "x y", "%20", "é"])
OUTPUT_PATH = st.lists(SEGMENT, min_size=1, max_size=5).map("/".join)


@given(page=OUTPUT_PATH, target=OUTPUT_PATH, fragment=st.sampled_from(["", "#p3", "#a#b"]))
def test_relative_links_match_the_standard_library(page: str, target: str, fragment: str):
    """Links are computed without the file system; they must equal posixpath.relpath's."""
    expected = posixpath.relpath(target, posixpath.dirname(page) or ".")
    if fragment and target == page:
        expected = ""
    assert urls.relative(page, target + fragment) == expected + fragment
