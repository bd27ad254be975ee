"""The search index in parts (issue 21): a site whose index is made by several Pagefinds,
each over its own share of the pages, finds in Chromium exactly what one index finds, ranks
the page that says a word most first, and its search box shows results from every part.

One generated site is built twice, with the default part size (one part) and with parts of
80 pages, and each is served below a sub-path, as GitHub Pages serves a project site.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BROWSER_WAIT_MS, build, opened, serving, tree_bytes, write_files
from htmlpage import read_page

from tracker.output.search import search_parts
from tracker.site import urls

REPO = Path(__file__).resolve().parents[1]
PART_PAGES = 80
RARE = "hydrotherapy"
"""A word only the three updates below use, one of them five times."""
UPDATES = {
    "content/updates/2024-02-01-pool.md": (
        "---\ntitle: Pool sessions\ndate: 2024-02-01\n---\n"
        f"The {RARE} pool reopened. {RARE.capitalize()} sessions run on Mondays; "
        f"{RARE} staff are trained; {RARE} is in the plan; parents asked for {RARE}.\n"),
    "content/updates/2024-02-02-survey.md": (
        "---\ntitle: Survey results\ndate: 2024-02-02\n---\n"
        "Parents answered the survey about therapies, transport, short breaks, the local "
        f"offer, waiting times for assessments and the new {RARE} sessions at the centre.\n"),
    "content/updates/2024-02-03-meeting.md": (
        "---\ntitle: Meeting notes\ndate: 2024-02-03\n---\n"
        "The board met to discuss autism assessments, annual reviews, school places, "
        f"transport to college and, briefly, {RARE}, before the next steps were agreed.\n"),
}
QUERIES = ("dashboard", "parents carers", "governance assurance", "Forum update", RARE,
           "zebra crossing")
"""Common words, pairs, titles, the rare word and words no page has."""

FOUND = """async ({bundle, parts, query}) => {
  const search = await import(bundle + 'pagefind.js');
  await search.options({});
  for (const part of parts) await search.mergeIndex(part);
  const found = await search.search(query);
  return Promise.all(found.results.map(r => r.data().then(d => d.url)));
}"""
"""Every result of `query`, in rank order, from the module the search box loads, with the
parts the search page names merged, as the search box calls it."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The site built whole and in parts, each served at /tracker/ (name → URL)."""
    tmp = tmp_path_factory.mktemp("parts")
    source = tmp / "site"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(source),
                    "--letters", "60"], check=True, capture_output=True)
    write_files(source, UPDATES)
    served = {}
    with pytest.MonkeyPatch.context() as patch:
        for name, size in (("whole", urls.SEARCH_PART_PAGES), ("parts", PART_PAGES)):
            patch.setattr(urls, "SEARCH_PART_PAGES", size)
            result = build(source, tmp / name / "tracker", "--jobs", "2")
            assert result.exit_code == 0, result.stderr
    with serving(tmp / "whole") as whole, serving(tmp / "parts") as parts:
        served = {"whole": whole + "tracker/", "parts": parts + "tracker/",
                  "folder": str(tmp)}
        yield served


def found(browser: Any, url: str, query: str) -> list[str]:
    """What a search finds on the site at `url`, as addresses below it."""
    with opened(browser) as page:
        page.goto(url)
        named = page.evaluate("""async (url) => {
            const html = await (await fetch(url + 'search/')).text();
            const box = new DOMParser().parseFromString(html, 'text/html')
                .getElementById('search');
            const path = (link) => new URL(link, url + 'search/').pathname;
            return {bundle: path(box.getAttribute('data-bundle')),
                    parts: (box.getAttribute('data-parts') || '').split(' ').filter(Boolean)
                        .map(path)};
        }""", url)
        results = page.evaluate(FOUND, {**named, "query": query})
    prefix = url.split("/", 3)[3]
    return [u.removeprefix("/" + prefix) for u in results]


def searched(built: Path) -> int:
    """How many pages of the site built in `built` the search index reads."""
    return len([p for p in built.rglob("index.html")
                if p.parts[-3] in ("letters", "areas", "updates") and p.parts[-2] != "page"])


def test_the_index_is_made_in_parts_of_about_the_size_set(sites: dict[str, str]) -> None:
    folder = Path(sites["folder"])
    whole, parts = folder / "whole/tracker/pagefind", folder / "parts/tracker/pagefind"
    assert not [p for p in whole.iterdir() if p.name.startswith("part-")]
    made = sorted(p.name for p in parts.iterdir() if p.name.startswith("part-"))
    pages = searched(folder / "parts/tracker")
    assert pages > 2 * PART_PAGES
    assert len(made) + 1 == -(-pages // PART_PAGES)
    for name in made:  # only what merging needs: the scripts come from the first part
        kept = {p.name for p in (parts / name).iterdir()}
        assert {"pagefind-entry.json", "index", "fragment"} <= kept
        assert not [k for k in kept if k.endswith((".js", ".css", ".pagefind"))], kept
    search = read_page(folder / "parts/tracker", "search/index.html")
    box = next(e for e in search.all("div") if e.attrs.get("id") == "search")
    assert box.attrs["data-parts"].split() == [f"../pagefind/{n}/" for n in
                                               sorted(made, key=lambda n: int(n[5:]))]
    assert not [p for p in (folder / "parts/tracker").iterdir() if p.name.startswith(".tracker-s")]


def test_every_page_is_in_exactly_one_part_and_the_parts_are_alike() -> None:
    pages = [urls.letter(f"letter-{n:04d}") for n in range(300)] + \
        [urls.area(f"record-{n:04d}") for n in range(700)]
    parts = search_parts(pages)
    assert len(parts) == 1
    shares = search_parts(pages * 1 + [urls.update(f"u-{n}") for n in range(1_500)])
    assert len(shares) == 2
    together = [p for _, share in shares for p in share]
    assert sorted(together) == sorted(pages + [urls.update(f"u-{n}") for n in range(1_500)])
    for _, share in shares:
        assert share == sorted(share), "a part reads its pages in address order"
        letters = sum(p.startswith("letters/") for p in share)
        assert 100 < letters < 200, "each part holds a like share of each kind of page"


def test_the_parts_find_exactly_what_one_index_finds(browser: Any, sites: dict[str, str]) -> None:
    for query in QUERIES:
        whole = found(browser, sites["whole"], query)
        parts = found(browser, sites["parts"], query)
        assert sorted(parts) == sorted(whole), query
        assert len(parts) == len(set(parts)), f"{query}: a page found twice"
        if query != "zebra crossing":
            assert whole, f"{query}: the test's query finds nothing"
    assert not found(browser, sites["parts"], "zebra crossing")


def test_the_page_that_says_a_word_most_comes_first_in_both(browser: Any,
                                                           sites: dict[str, str]) -> None:
    pool = "updates/2024-02-01-pool/index.html"
    count = -(-searched(Path(sites["folder"]) / "parts/tracker") // PART_PAGES)
    spread = {urls.search_part_of(urls.update(Path(p).stem), count) for p in UPDATES}
    assert len(spread) > 1, "the three updates should be read by different parts"
    for site in ("whole", "parts"):
        results = found(browser, sites[site], RARE)
        assert len(results) == 3 and results[0] == pool, (site, results)


def test_the_search_box_shows_results_from_every_part(browser: Any,
                                                      sites: dict[str, str]) -> None:
    from playwright.sync_api import expect

    with opened(browser) as page:
        page.goto(sites["parts"] + "search/")
        page.locator(".pagefind-ui__search-input").fill(RARE)
        links = page.locator(".pagefind-ui__result-link")
        expect(links).to_have_count(3, timeout=BROWSER_WAIT_MS)
        titles = sorted(links.all_inner_texts())
        assert titles == ["Meeting notes", "Pool sessions", "Survey results"]
        links.first.click()
        page.wait_for_url(sites["parts"] + "updates/2024-02-01-pool/index.html")
        expect(page.locator("h1")).to_have_text("Pool sessions")


def test_each_part_is_the_same_on_every_build(sites: dict[str, str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = Path(sites["folder"])
    monkeypatch.setattr(urls, "SEARCH_PART_PAGES", PART_PAGES)
    assert build(folder / "site", tmp_path / "again", "--jobs", "1").exit_code == 0
    index = {p: b for p, b in tree_bytes(tmp_path / "again").items() if p.startswith("pagefind/")}
    before = {p: b for p, b in tree_bytes(folder / "parts/tracker").items()
              if p.startswith("pagefind/")}
    assert len(index) > 20 and index == before


def test_no_part_reads_much_more_than_its_share_and_a_national_sites_parts_are_smaller() -> None:
    """Pagefind's memory grows with the pages of the part it makes: about 500 MB for 4,000. A
    site of more than 2,000 pages has two parts at least, made side by side; on a national
    site the build's own processes need most of 2 GB while a part is made."""
    for pages, count in ((1_900, 1), (2_100, 2), (7_000, 2), (60_000, 15), (120_000, 120)):
        shares = [len(share) for _, share in search_parts(
            [urls.area(f"record-{n:06d}") for n in range(pages)])]
        assert len(shares) == count, (pages, len(shares))
        most = pages / count
        assert max(shares) < most * 1.15 and min(shares) > most * 0.85, (pages, min(shares),
                                                                        max(shares))


def test_link_addresses_printed_for_paper_are_not_searched(browser: Any,
                                                           sites: dict[str, str]) -> None:
    """Every evidence link carries its full address for print: 'https', 'example' and 'org'
    would otherwise find every area page."""
    built = Path(sites["folder"]) / "parts/tracker"
    assert "(https://example.org/bench/letters/" in next(
        built.glob("areas/*/index.html")).read_text(encoding="utf-8")
    for site in ("whole", "parts"):
        assert found(browser, sites[site], "https example") == [], site
