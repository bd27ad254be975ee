"""`tracker build` as a user runs it: the pages SPEC 7 lists and what each shows. The
promises of SPEC 9 are in test_build_promises.py, links in test_build_links.py."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FULL_SITE, build, tree_bytes, write_files
from htmlpage import HtmlPage
from htmlpage import read_page as page


def ok(result) -> None:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Path:
    """FULL_SITE built once; its output folder."""
    folder = tmp_path_factory.mktemp("full")
    site = write_files(folder / "site", FULL_SITE)
    out = folder / "out"
    ok(build(site, out))
    return out


# The pages of SPEC 7 ------------------------------------------------------------------

SPEC_FILES = [
    "index.html", "areas/data-dashboard/index.html", "areas/governance/index.html",
    "letters/index.html", "letters/herts-2023/index.html", "letters/council-2023/index.html",
    "updates/index.html", "updates/2023-10-01-poll/index.html", "timeline/index.html",
    "search/index.html", "feed.xml", "areas/data-dashboard/feed.xml", "areas/governance/feed.xml",
    "data/tracker.json", "data/records.csv", "data/timeline.csv", "sitemap.xml", "404.html",
    "about/index.html", "assets/style.css", "docs/plan.pdf", "docs/Annual report été.pdf",
    "updates/2023-12-21-governance/index.html",
]


@pytest.mark.parametrize("path", SPEC_FILES)
def test_the_published_site_has_every_page(full, path):
    assert (full / path).is_file()
    assert (full / path).stat().st_size > 0


def test_the_search_index_is_built(full):
    index = full / "pagefind"
    assert index.is_dir()
    assert (index / "pagefind-ui.js").is_file() and (index / "pagefind-ui.css").is_file()
    assert any(index.glob("pagefind-entry.json")) or any(index.glob("pagefind.*"))


def test_the_search_index_holds_the_letters_records_and_updates_and_nothing_else(tmp_path):
    """SPEC 7: search over letters, updates and records. A page of the site's own static
    files is not searched, even one marked for Pagefind."""
    marked = "<!doctype html><html lang='en-GB'><body><main data-pagefind-body>Notes</main></body></html>"
    site = write_files(tmp_path / "site", {**FULL_SITE, "static/notes/index.html": marked})
    ok(build(site, tmp_path / "out"))
    data = json.loads((tmp_path / "out/data/tracker.json").read_text(encoding="utf-8"))
    entry = json.loads((tmp_path / "out/pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    assert indexed == sum(len(data[k]) for k in ("letters", "records", "updates"))


def test_a_search_index_that_cannot_be_made_fails_the_build_and_keeps_the_output(
        tmp_path, monkeypatch):
    site = write_files(tmp_path / "site", FULL_SITE)
    out = tmp_path / "out"
    ok(build(site, out))
    before = tree_bytes(out)
    failing = write_files(tmp_path / "bin", {
        "pagefind": "#!/bin/sh\necho 'Error: out of memory' >&2\nexit 3\n"})
    (failing / "pagefind").chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing / "pagefind"))
    result = build(site, out)
    assert result.exit_code == 1
    assert (f"{site}/site.yml:1:1: error: the search index could not be made: Pagefind stopped "
            "(exit status 3): Error: out of memory\n"
            "    hint: the pages are fine: build with --no-search to publish them without the "
            "search box\n") in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin", "out", "site"]


def test_the_search_index_starts_once_every_page_it_reads_is_written(tmp_path, monkeypatch):
    """It is made while the other pages, the feeds and the open data are written: it must
    find all of its own pages at its start, and nothing else may be written at their
    addresses later."""
    site = write_files(tmp_path / "site", FULL_SITE)
    fake = write_files(tmp_path / "bin", {"pagefind": (
        "#!/bin/sh\n"
        'while [ "$1" != "--site" ]; do shift; done\n'
        f'cd "$2" && find . -name index.html | sort > "{tmp_path}/seen"\n')})
    (fake / "pagefind").chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake / "pagefind"))
    ok(build(site, tmp_path / "out"))
    seen = (tmp_path / "seen").read_text(encoding="utf-8").split()
    data = json.loads((tmp_path / "out/data/tracker.json").read_text(encoding="utf-8"))
    searched = {*(f"./letters/{x['slug']}/index.html" for x in data["letters"]),
                *(f"./areas/{x['id']}/index.html" for x in data["records"]),
                *(f"./updates/{x['slug']}/index.html" for x in data["updates"])}
    assert searched <= set(seen)


def test_a_static_file_where_a_letter_record_or_update_page_goes_is_refused(tmp_path):
    site = write_files(tmp_path / "site", {**FULL_SITE,
                                           "static/letters/notes/index.html": "<p>mine</p>\n",
                                           "static/letters/notes/photo.html": "<p>kept</p>\n"})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.count(": error: ") == 1
    assert (f"{site}/static/letters/notes/index.html:1:1: error: 'letters/notes/index.html' is "
            "where the page of a letter, record or update goes\n"
            "    hint: move it to another folder\n") in result.stderr


def test_a_build_without_search_has_no_index_and_its_search_page_lists_everything(tmp_path):
    site = write_files(tmp_path / "site", FULL_SITE)
    ok(build(site, tmp_path / "out", "--no-search"))
    assert not (tmp_path / "out/pagefind").exists()
    search = page(tmp_path / "out", "search/index.html")
    assert search.all("script") == []
    assert "has no search box" in search.main.text
    data = json.loads((tmp_path / "out/data/tracker.json").read_text(encoding="utf-8"))
    listed = search.targets(search.main)
    assert {f"letters/{x['slug']}/index.html" for x in data["letters"]} <= set(listed)
    assert {f"areas/{x['id']}/index.html" for x in data["records"]} <= set(listed)
    assert {f"updates/{x['slug']}/index.html" for x in data["updates"]} <= set(listed)


def test_open_data_and_feeds_parse(full):
    data = json.loads((full / "data/tracker.json").read_text(encoding="utf-8"))
    assert {r["id"] for r in data["records"]} == {"data-dashboard", "governance"}
    header = (full / "data/records.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id,")
    assert len((full / "data/records.csv").read_text(encoding="utf-8").splitlines()) == 3
    assert len((full / "data/timeline.csv").read_text(encoding="utf-8").splitlines()) > 1
    for feed in ("feed.xml", "areas/data-dashboard/feed.xml", "sitemap.xml"):
        ET.parse(full / feed)


def test_a_site_past_the_sitemap_limit_writes_an_index_and_its_sitemaps(
        make_site, tmp_path, monkeypatch):
    monkeypatch.setattr("tracker.site.feeds.SITEMAP_LIMIT", 4)
    out = tmp_path / "out"
    result = build(make_site(FULL_SITE), out)
    assert result.exit_code == 0, result.output
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{ns}sitemapindex"
    listed = []
    for loc in index.iter(f"{ns}loc"):
        part = ET.parse(out / (loc.text or "").rsplit("/", 1)[-1]).getroot()
        locs = [url.text for url in part.iter(f"{ns}loc")]
        assert part.tag == f"{ns}urlset" and 1 <= len(locs) <= 4
        listed += locs
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html")
                   if "pagefind" not in p.parts)
    assert len(listed) == len(set(listed)) == len(pages)


def updates_site(count: int) -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {}
    for n in range(1, count + 1):
        files[f"content/updates/2023-{n:02d}-10-news.md"] = (
            f"---\ntitle: News number {n}\ndate: 2023-{n:02d}-10\n---\nWhat happened in month {n}.\n")
    return files


def update_titles(html: HtmlPage) -> list[str]:
    return [h.text for h in html.all("h3") if h.text.startswith("News number")]


def test_updates_are_paginated_newest_first(make_site, tmp_path):
    site = make_site(updates_site(12))
    out = tmp_path / "out"
    ok(build(site, out))
    first, second = page(out, "updates/index.html"), page(out, "updates/page/2/index.html")
    shown = update_titles(first) + update_titles(second)
    assert shown == [f"News number {n}" for n in range(12, 0, -1)]
    assert update_titles(first)[0] == "News number 12" and update_titles(second) == \
        ["News number 2", "News number 1"]
    assert "updates/page/2/index.html" in first.targets(first.main)
    assert "updates/index.html" in second.targets(second.main)
    assert not (out / "updates/page/3").exists()
    assert not (out / "updates/page/1").exists(), "page 1 is updates/index.html itself"


def test_ten_updates_or_fewer_make_one_page(make_site, tmp_path):
    site = make_site(updates_site(3))
    out = tmp_path / "out"
    ok(build(site, out))
    assert update_titles(page(out, "updates/index.html")) == [
        "News number 3", "News number 2", "News number 1"]
    assert not (out / "updates/page").exists()


# What the pages show ------------------------------------------------------------------

def test_home_page_counts_records_by_status(full):
    home = page(full, "index.html")
    counts = {li.text for li in home.all("li")}
    assert "1 In progress" in counts
    assert "1 Identified by inspectors" in counts
    assert "2 tracked areas, 1 with no recent update." in home.main.text


def test_home_page_lists_each_record_with_status_and_stale_flag(full):
    home = page(full, "index.html")
    [stale] = home.items_linking_to("areas/data-dashboard/index.html")
    assert "Improve the SEND data dashboard" in stale.text
    assert "In progress" in stale.text
    assert "1 October 2023" in stale.text, "the last change"
    assert "No recent update" in stale.text
    [fresh] = home.items_linking_to("areas/governance/index.html")
    assert "Identified by inspectors" in fresh.text
    assert "No recent update" not in fresh.text
    headings = [h for h in home.all("h3") if "letters/herts-2023/index.html" in home.targets(h)]
    assert len(headings) == 1, "records are grouped under their letter"


def test_home_page_shows_latest_updates(full):
    home = page(full, "index.html")
    latest = [t for t in home.targets(home.main) if t.startswith("updates/") and t != "updates/index.html"]
    assert latest == ["updates/2023-12-21-governance/index.html", "updates/2023-10-01-poll/index.html"]
    assert "updates/index.html" in home.targets(home.main)


def test_area_page_quotes_the_point_and_links_to_its_anchor(full):
    area = page(full, "areas/data-dashboard/index.html")
    quotes = [q.text for q in area.all("blockquote")]
    assert quotes == ["Leaders should improve the SEND data dashboard."]
    assert "letters/herts-2023/index.html#P1" in area.targets(area.main)
    assert "Area for priority action 1" in area.main.text
    assert "County council" in area.main.text, "the owner"
    assert "publish a plan" in area.main.text, "the summary"


def test_area_page_shows_the_timeline_with_titled_evidence(full):
    area = page(full, "areas/data-dashboard/index.html")
    timeline = area.all("ol")[0]
    text = timeline.text
    assert "12 September 2023" in text and "Identified by inspectors" in text
    assert "1 October 2023" in text and "In progress" in text
    assert text.index("1 October 2023") < text.index("12 September 2023"), "newest first"
    evidence = {a.text: area.target(a.attrs["href"]) for a in area.all("a") if a.text}
    title = "Ofsted and CQC full inspection letter, 12 September 2023, area for priority action 1"
    assert evidence[title] == "letters/herts-2023/index.html#P1"
    assert evidence["Forum update, 1 October 2023: Our poll on the dashboard"] == \
        "updates/2023-10-01-poll/index.html"
    assert evidence["The council's plan"] == "https://example.com/plan"
    assert "docs/plan.pdf" in area.targets(timeline)
    assert "letter:herts-2023" not in area.main.text, "never a bare reference code"
    assert "update:2023" not in area.main.text


def test_area_page_shows_sub_actions_with_due_dates_and_moves(full):
    area = page(full, "areas/data-dashboard/index.html")
    action = area.one("section", id="action-new-dashboard")
    text = action.text
    assert "Publish a new dashboard" in text
    assert "Council data team" in text
    assert "In progress" in text
    assert "31 March 2024" in text, "the current due date"
    assert "30 November 2023" in text, "the original due date"
    moves = [li for li in action.inside("li") if "15 November 2023" in li.text
             and "31 March 2024" in li.text and "The supplier delivered late." in li.text]
    assert moves, "each move is shown with its date, new deadline and reason"


def test_area_page_lists_related_updates_and_its_feed(full):
    area = page(full, "areas/data-dashboard/index.html")
    targets = area.targets(area.main)
    assert "updates/2023-10-01-poll/index.html" in targets, "the update's 'about' names it"
    assert "areas/data-dashboard/feed.xml" in targets
    assert "updates/2023-12-21-governance/index.html" not in targets


def test_an_update_that_links_to_a_record_is_related_to_it(full):
    area = page(full, "areas/governance/index.html")
    assert "updates/2023-12-21-governance/index.html" in area.targets(area.main)
    assert "Governance meeting" in area.main.text


def test_letter_page_labels_each_point_with_status_and_record(full):
    letter = page(full, "letters/herts-2023/index.html")
    for record, label, status in (("data-dashboard", "Area for priority action 1", "In progress"),
                                  ("governance", "Area for priority action 2",
                                   "Identified by inspectors")):
        items = letter.items_linking_to(f"areas/{record}/index.html")
        assert len(items) >= 2, "in the list of points and beside the point in the letter"
        assert all(label in li.text and status in li.text for li in items), [li.text for li in items]
    i1 = [li for li in letter.all("li") if "Area for improvement 1" in li.text]
    assert len(i1) >= 2
    assert all("not tracked yet" in li.text.lower() for li in i1)
    assert all(not t.startswith("areas/") for li in i1 for t in letter.targets(li))
    assert letter.one("li", id="p3").text.startswith("Area for priority action 1 In progress")


def test_letter_page_lists_where_each_cited_paragraph_is_cited(full):
    letter = page(full, "letters/herts-2023/index.html")
    first = letter.one("p", id="p1")
    assert "Cited in" in first.text
    assert "updates/2023-10-01-poll/index.html" in letter.targets(first)
    point = letter.one("li", id="p3")
    assert "Cited in" in point.text
    assert {"areas/data-dashboard/index.html", "updates/2023-10-01-poll/index.html"} <= \
        set(letter.targets(point))
    assert "Cited in" not in letter.one("li", id="p6").text, "I1 is cited nowhere"
    assert "Cited in" not in letter.one("h2", id="p2").text


def test_letter_page_keeps_the_letter_in_full(full):
    letter = page(full, "letters/herts-2023/index.html")
    for sentence in ("Dear colleague", "Leaders should improve the SEND data dashboard.",
                     "Leaders should strengthen partnership governance.",
                     "Leaders should improve the quality of EHC plans."):
        assert sentence in letter.main.text


def test_inspectorate_letter_credits_the_open_government_licence(full):
    letter = page(full, "letters/herts-2023/index.html")
    licence = [a for a in letter.all("a") if "Open Government Licence" in a.text]
    assert licence, "an Ofsted letter is credited under the Open Government Licence"
    assert licence[0].attrs["href"].startswith(
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/")
    assert "Crown copyright" in letter.main.text


def test_other_letters_are_not_called_crown_copyright(full):
    letter = page(full, "letters/council-2023/index.html")
    assert "Crown copyright" not in letter.main.text
    assert "Open Government Licence" not in letter.main.text


def test_letters_index_lists_every_letter(full):
    index = page(full, "letters/index.html")
    assert {"letters/herts-2023/index.html", "letters/council-2023/index.html"} <= \
        set(index.targets(index.main))


def test_poll_is_an_accessible_chart_and_a_table(full):
    update = page(full, "updates/2023-10-01-poll/index.html")
    [svg] = update.all("svg")
    assert svg.attrs.get("role") == "img"
    labels = [e.text for e in update.elements if e.attrs.get("id") == svg.attrs.get("aria-labelledby")]
    assert svg.attrs.get("aria-label") or any(labels), "the chart has an accessible name"
    [table] = update.all("table")
    rows = [[cell.text for cell in tr.children] for tr in table.inside("tr")]
    for label, count in (("Yes", "10"), ("No", "15"), ("Not sure", "5")):
        assert any(row[:2] == [label, count] for row in rows), (label, rows)
    assert "Is the dashboard useful?" in update.main.text
    assert "30" in update.main.text
    assert [th for th in table.inside("th") if th.attrs.get("scope") == "col"], "the table has headers"


def test_timeline_page_lists_every_event_newest_first(full):
    timeline = page(full, "timeline/index.html")
    entries = [li for li in timeline.main.inside("li") if li.inside("time")]
    dates = [li.inside("time")[0].attrs["datetime"] for li in entries]
    assert sorted(dates, reverse=True) == dates
    assert {"2023-09-12", "2023-09-20", "2023-10-01", "2023-11-15", "2023-12-20"} <= set(dates)


def test_plain_page_is_rendered_and_in_the_navigation(full):
    about = page(full, "about/index.html")
    assert about.one("h1").text == "About us"
    assert "We are a forum." in about.main.text
    home = page(full, "index.html")
    nav = home.one("nav")
    assert "about/index.html" in home.targets(nav)


def long_story(tmp_path) -> Path:
    """FULL_SITE with a record of 230 steps, one a day from 1 January 2020; built."""
    steps = "".join(f"  - date: {dt.date(2020, 1, 1) + dt.timedelta(days=n)}\n"
                    "    status: in-progress\n    evidence: [letter:herts-2023#P1]\n"
                    for n in range(230))
    site = write_files(tmp_path / "site", {
        **FULL_SITE,
        "content/actions/long-story.yml": "title: A long story\ntracks: [letter:herts-2023#P1]\n"
                                          f"timeline:\n{steps}",
    })
    out = tmp_path / "out"
    ok(build(site, out))
    return out


def test_a_long_timeline_is_paged_newest_first(tmp_path):
    """100 steps a page, like the updates list; following 'Older steps' reaches every step."""
    out = long_story(tmp_path)
    path, seen, titles = "timeline/index.html", [], []
    while True:
        timeline = page(out, path)
        entries = [li for li in timeline.main.inside("li") if li.inside("time")]
        seen += [li.inside("time")[0].attrs["datetime"] for li in entries]
        titles.append(timeline.one("h1").text)
        older = [e for e in timeline.main.inside("a") if e.attrs.get("rel") == "next"]
        if not older:
            break
        assert len(entries) == 100
        path = timeline.target(older[0].attrs["href"])
        newer = [e for e in page(out, path).main.inside("a") if e.attrs.get("rel") == "prev"]
        assert page(out, path).target(newer[0].attrs["href"]) == timeline.path
    assert path == "timeline/page/3/index.html"
    assert titles == ["Timeline", "Timeline, page 2 of 3", "Timeline, page 3 of 3"]
    assert len(seen) == 230 + 5 and sorted(seen, reverse=True) == seen
    assert "2020-01-01" in seen and "2020-08-17" in seen


def test_the_site_feed_has_the_newest_hundred_entries_and_a_record_feed_all(tmp_path):
    out = long_story(tmp_path)
    atom = "{http://www.w3.org/2005/Atom}"
    site_feed = ET.parse(out / "feed.xml").getroot().findall(f"{atom}entry")
    dates = [entry.findtext(f"{atom}published")[:10] for entry in site_feed]
    assert len(site_feed) == 100 and dates == sorted(dates, reverse=True)
    assert dates[0] == "2023-12-21" and "2020-08-17" in dates and "2020-01-01" not in dates
    own = ET.parse(out / "areas/long-story/feed.xml").getroot().findall(f"{atom}entry")
    assert len(own) == 230


def test_a_site_read_lean_builds_the_same_files(make_site, tmp_path, monkeypatch):
    """A national site keeps its files lean while it is checked; what it builds is the same."""
    from tracker.build import build_site, load_site
    from tracker.content import files, sources
    from tracker.scale import spool
    from tracker.scale.spool import Spooled

    root = make_site(FULL_SITE)
    today = dt.date(2024, 1, 1)
    assert build_site(root, tmp_path / "eager", today, search=False).ok
    monkeypatch.setattr(spool, "LEAN_FROM", 0)
    raw, _ = sources.read_site(root)
    assert all(isinstance(r.kept, files.OnDisk) for r in raw.records)
    assert all(isinstance(x.kept_body, files.OnDisk)
               for x in (*raw.letters, *raw.updates, *raw.pages))
    site, _ = load_site(root, today)
    assert all(isinstance(x.body.stored, Spooled) for x in site.letters)  # HTML waits on disk
    folders = []
    real = tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "TemporaryFile",
                        lambda **kwargs: folders.append(kwargs.get("dir")) or real(**kwargs))
    assert build_site(root, tmp_path / "lean", today, search=False).ok
    assert folders == [tmp_path]  # beside the output, not in a temporary folder that may be memory
    assert build_site(root, tmp_path / "lean-2", today, search=False, jobs=2).ok
    assert tree_bytes(tmp_path / "lean") == tree_bytes(tmp_path / "eager")
    assert tree_bytes(tmp_path / "lean-2") == tree_bytes(tmp_path / "eager")


def test_a_large_page_is_written_in_pieces_with_the_same_bytes(make_site, tmp_path,
                                                                 monkeypatch):
    """The home page of a national site is 100 MB of HTML: a build writes pages as they are
    rendered, a batch at a time, rather than holding each whole."""
    from tracker.build import build_site, load_site
    from tracker.site import render
    from tracker.site.plan import page_makers

    root = make_site(FULL_SITE)
    today = dt.date(2024, 1, 1)
    assert build_site(root, tmp_path / "whole", today, search=False).ok
    monkeypatch.setattr(render, "STREAM_BATCH", 200)
    site, _ = load_site(root, today)
    home = page_makers(site, today, "https://example.org/")[0]()
    renderer = render.Renderer(root, site.config.theme)
    pieces = list(renderer.pieces(home))
    # Pieces of about STREAM_BATCH; a chart, which a macro draws, comes whole (a few KB at most:
    # 36 columns of six statuses at the very most), whatever the size of the site.
    assert len(pieces) > 10 and all(len(p) < 10_000 for p in pieces)
    assert sum(len(p) < 1200 for p in pieces) >= len(pieces) - 3
    assert b"".join(pieces) == render.Renderer(root, site.config.theme).render(home)
    from tracker.output import produce
    kinds = set()
    real_write = produce.write_file

    def noting(folder, path, content):
        if path.endswith(".html"):
            kinds.add(type(content).__name__)
        real_write(folder, path, content)

    monkeypatch.setattr(produce, "write_file", noting)
    assert build_site(root, tmp_path / "pieces", today, search=False).ok
    assert kinds == {"Streamed"}  # every page written as it is rendered, none held whole
    assert tree_bytes(tmp_path / "pieces") == tree_bytes(tmp_path / "whole")


def test_the_lists_of_every_record_and_letter_are_made_as_they_are_written(make_site,
                                                                            monkeypatch):
    """The home page lists every record and the letters page every letter: 250,000 rows
    and 100,000 cards for a national site, about 400 MB held at once. They are made as
    the page is written, a row at a time."""
    from tracker.build import load_site
    from tracker.site import home as home_views
    from tracker.site import render
    from tracker.site.plan import page_makers

    root = make_site(FULL_SITE)
    today = dt.date(2024, 1, 1)
    site, _ = load_site(root, today)
    made: list[str] = []
    real_row = home_views.record_row
    monkeypatch.setattr(home_views, "record_row", lambda ctx, record, link: (
        made.append(record.id), real_row(ctx, record, link))[1])
    by_path = {page.frame.path: page
               for page in (make() for make in page_makers(site, today, "https://example.org/"))}
    home, letters = by_path["index.html"], by_path["letters/index.html"]
    assert made == [] and len(letters.view) == len(site.letters)
    assert len(home.view.groups) == len({record.tracks[0].target for record in site.records})
    monkeypatch.setattr(render, "STREAM_BATCH", 200)
    pieces = render.Renderer(root, site.config.theme).pieces(home)
    next(pieces)
    assert made == []  # the page has begun, its rows are yet to come
    html = b"".join(pieces).decode()
    assert sorted(made) == sorted(r.id for r in site.records)
    assert all(r.title in html for r in site.records)


def test_a_search_page_without_the_index_lists_everything_as_it_is_written(make_site,
                                                                          monkeypatch):
    """Without the index the search page lists every letter, record and update, for a
    browser's find in page: 350,000 links for a national site, made as the page is written
    rather than held at once."""
    from tracker.build import load_site
    from tracker.site import lists, render
    from tracker.site.plan import page_groups

    root = make_site(FULL_SITE)
    today = dt.date(2024, 1, 1)
    site, _ = load_site(root, today)
    made: list[str] = []
    real_link = lists.Link
    monkeypatch.setattr(lists, "Link", lambda text, href: (made.append(text),
                                                           real_link(text, href))[1])
    group = next(g for g in page_groups(site, today, "https://example.org/", search_index=False)
                 if g.name[0] == "search")
    search = group.makers()[0]()
    assert search.frame.path == "search/index.html" and made == []
    everything = [*(x.title for x in site.letters), *(r.title for r in site.records),
                  *(u.title for u in site.updates)]
    assert len(search.view.records) == len(site.records)
    monkeypatch.setattr(render, "STREAM_BATCH", 200)
    pieces = render.Renderer(root, site.config.theme).pieces(search)
    next(pieces)
    assert len(made) < len(everything)  # the page has begun, most links are yet to come
    html = b"".join(pieces).decode()
    assert made == everything
    items = HtmlPage("search/index.html", html).main.inside("li")
    assert [item.text for item in items] == everything
    assert items[0].hrefs == [f"../letters/{site.letters[0].slug}/index.html"]


def test_the_search_page_with_its_index_links_where_to_browse_whatever_the_site_s_size(
        tmp_path):
    """A phone opening the search page fetches the box and four links, not a list of the
    whole site (4 MB of links on a site of 10,000 letters): the same page for two letters
    and for seven. Without JavaScript, those links lead to every letter, record and update."""
    more = {f"content/letters/council-{year}.md": FULL_SITE["content/letters/council-2023.md"]
            .replace("2023-10-20", f"{year}-10-20") for year in range(2018, 2023)}
    written = {}
    for name, files in (("two", FULL_SITE), ("seven", {**FULL_SITE, **more})):
        ok(build(write_files(tmp_path / name, files), tmp_path / f"{name}-out"))
        written[name] = (tmp_path / f"{name}-out/search/index.html").read_bytes()
    assert written["two"] == written["seven"]
    out = tmp_path / "seven-out"
    search = page(out, "search/index.html")
    items = search.main.inside("li")
    assert [item.text for item in items] == [
        "Home: every tracked area and its status, by letter",
        "Letters: every letter, each point with its record",
        "Updates: every update, newest first",
        "Timeline: every dated event of every record, newest first"]
    browse = search.targets(search.main)
    assert browse == ["index.html", "letters/index.html", "updates/index.html",
                      "timeline/index.html"]
    reached = {target for listing in browse[:3] for target in page(out, listing).targets(
        page(out, listing).main)}
    data = json.loads((out / "data/tracker.json").read_text(encoding="utf-8"))
    assert len(data["letters"]) == 7
    assert {f"letters/{x['slug']}/index.html" for x in data["letters"]} <= reached
    assert {f"areas/{x['id']}/index.html" for x in data["records"]} <= reached
    assert {f"updates/{x['slug']}/index.html" for x in data["updates"]} <= reached


def test_home_page_names_each_letter_s_group_by_who_was_inspected(tmp_path):
    letter = textwrap.dedent(FULL_SITE["content/letters/herts-2023.md"])
    assert "\nkind: full-inspection\n" in letter
    subject = "kind: full-inspection\nsubject: Hertfordshire Local Area Partnership\n"
    site = write_files(tmp_path / "site", {
        **FULL_SITE,
        "content/letters/herts-2023.md": letter.replace("kind: full-inspection\n", subject)})
    ok(build(site, tmp_path / "out"))
    home = page(tmp_path / "out", "index.html")
    [heading] = [h for h in home.all("h3") if "letters/herts-2023/index.html" in home.targets(h)]
    assert heading.text.startswith("Hertfordshire Local Area Partnership: Ofsted and CQC full "
                                   "inspection letter, ")
