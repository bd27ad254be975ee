"""Feeds, sitemap and open data, read back as a feed reader or a data user would."""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import MINIMAL_SITE
from hypothesis import given
from hypothesis import strategies as st

from tracker.build import load_site
from tracker.content.model import Site
from tracker.site.feeds import area_feeds, site_exports, sitemaps
from tracker.site.files import whole
from tracker.site.opendata import pretty_json

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "schema" / "tracker.schema.json").read_text(encoding="utf-8"))
A = "{http://www.w3.org/2005/Atom}"
TODAY = dt.date(2026, 1, 1)
BASE = "https://forum.example/tracker/"

RICH = {
    "site.yml": f"title: Test tracker\nbase_url: {BASE}\nowner: Test forum\n",
    "content/actions/data-dashboard.yml": """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        owner: [County council, Integrated care board]
        summary: The *dashboard* families see.
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
          - date: 2025-10-14
            status: in-progress
            note: Work on the "new" dashboard <started> & goes on.
            evidence:
              - update:2025-10-14-halfway
              - {url: "https://example.org/plan.pdf", title: Priority action plan}
        actions:
          - id: new-dashboard
            title: Publish a new dashboard
            owner: Council data team
            due: 2024-09-30
            timeline:
              - date: 2023-10-01
                status: planned
                evidence: [letter:herts-2023#P1]
              - date: 2024-09-01
                status: in-progress
                due: 2025-03-31
                note: Moved to wait for the new data system.
                evidence: [letter:herts-2023#p3]
        """,
    "content/actions/governance.yml": """\
        title: Strengthen partnership governance
        tracks: [letter:herts-2023#P2]
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P2]
        """,
    "content/updates/2025-10-14-halfway.md": """\
        ---
        title: Half-way update
        date: 2025-10-14
        author: Forum team
        about: [data-dashboard]
        poll:
          question: Has it improved?
          responses: 3
          results: [{label: "Yes", count: 1}, {label: "No", count: 2}]
        ---
        Inspectors are half-way through. See [governance](record:governance).
        """,
}
"""Two records (one with a sub-action that moved its deadline) and an update with a poll."""


def exports(site: Site, today: dt.date, base_url: str) -> dict[str, bytes]:
    """Every feed and open-data file of `site`, made whole."""
    made = {path: whole(content) for path, content in site_exports(site, today, base_url).items()}
    return {**made, **area_feeds(site, today, base_url)}  # type: ignore[dict-item]


def load(root: Path) -> Site:
    site, problems = load_site(root, TODAY)
    assert site is not None, problems
    return site


@pytest.fixture
def rich(make_site: Any) -> Site:
    return load(make_site(RICH))


@pytest.fixture(params=["example", "rich", "no updates"])
def any_site(request: Any, make_site: Any) -> Site:
    """The example site, RICH, and MINIMAL_SITE (whose open data has an empty list)."""
    if request.param == "example":
        return load(ROOT)
    return load(make_site(RICH if request.param == "rich" else MINIMAL_SITE))


def atom_entries(feed: ET.Element, base_url: str, path: str) -> list[ET.Element]:
    """Check that `feed` is a valid, well-ordered Atom feed; its entries."""
    assert feed.tag == f"{A}feed"
    entries = feed.findall(f"{A}entry")
    for element in (feed, *entries):
        for tag in ("id", "title", "updated"):
            assert (element.findtext(f"{A}{tag}") or "").strip(), (path, tag)
        dt.datetime.strptime(element.findtext(f"{A}updated") or "", "%Y-%m-%dT%H:%M:%SZ")
        assert href(element).startswith(base_url)
    assert feed.findtext(f"{A}author/{A}name")
    assert href(feed, "self") == base_url + path
    ids = [e.findtext(f"{A}id") or "" for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith(base_url) for i in ids)
    stamps = [e.findtext(f"{A}updated") or "" for e in entries]
    assert stamps == sorted(stamps, reverse=True)
    if entries:
        assert feed.findtext(f"{A}updated") == stamps[0]
    return entries


def href(element: ET.Element, rel: str = "alternate") -> str:
    """The address of the element's first link with that `rel`."""
    link = element.find(f"{A}link[@rel='{rel}']")
    assert link is not None
    return link.get("href") or ""


def by_title(entries: list[ET.Element]) -> dict[str, ET.Element]:
    return {e.findtext(f"{A}title") or "": e for e in entries}


def test_every_feed_is_atom_dated_by_its_entries(any_site: Site) -> None:
    base = any_site.config.base_url
    out = exports(any_site, TODAY, base)
    feeds = sorted(path for path in out if path.endswith("feed.xml"))
    assert feeds == ["areas/" + r.id + "/feed.xml" for r in any_site.records] + ["feed.xml"]
    for path in feeds:
        entries = atom_entries(ET.fromstring(out[path]), base, path)
        assert entries, path
        assert TODAY.isoformat().encode() not in out[path]
        assert dt.date.today().isoformat().encode() not in out[path]


def test_site_feed_has_updates_and_every_status_change(rich: Site) -> None:
    entries = atom_entries(ET.fromstring(exports(rich, TODAY, BASE)["feed.xml"]), BASE, "feed.xml")
    found = by_title(entries)
    assert len(entries) == 6
    update = found["Half-way update"]
    assert href(update) == BASE + "updates/2025-10-14-halfway/"
    assert update.findtext(f"{A}summary") == "Inspectors are half-way through. See governance."
    change = found["Improve the SEND data dashboard: In progress"]
    assert href(change) == BASE + "areas/data-dashboard/"
    assert change.findtext(f"{A}id") == BASE + "areas/data-dashboard/#2025-10-14-1"
    content = change.findtext(f"{A}content") or ""
    assert 'Work on the "new" dashboard <started> & goes on.' in content
    assert "Forum update, 14 October 2025: Half-way update; Priority action plan" in content
    moved = found["Improve the SEND data dashboard – Publish a new dashboard: In progress"]
    assert "Due date moved to 31 March 2025." in (moved.findtext(f"{A}content") or "")
    assert href(moved) == BASE + "areas/data-dashboard/#action-new-dashboard"
    assert entries[-1].findtext(f"{A}published") == "2023-09-12T00:00:00Z"


def test_area_feeds_have_their_record_and_related_updates(rich: Site) -> None:
    out = exports(rich, TODAY, BASE)
    path = "areas/governance/feed.xml"
    governance = by_title(atom_entries(ET.fromstring(out[path]), BASE, path))
    assert sorted(governance) == [
        "Half-way update", "Strengthen partnership governance: Identified by inspectors"]
    path = "areas/data-dashboard/feed.xml"
    feed = ET.fromstring(out[path])
    dashboard = by_title(atom_entries(feed, BASE, path))
    assert len(dashboard) == 5 and "Half-way update" in dashboard
    assert not [title for title in dashboard if "governance" in title]
    assert href(feed) == BASE + "areas/data-dashboard/"


def test_making_feeds_leaves_no_cycles_behind(rich: Site) -> None:
    """A build makes its pages and 250,000 record feeds with the cycle collector off: a feed
    that left a reference cycle would keep its memory until the build ends."""
    from tracker.site.feeds import area_feed

    gc.collect()
    gc.disable()
    try:
        for record in rich.records:
            area_feed(rich, TODAY, BASE, record, [])
        left = gc.collect()
    finally:
        gc.enable()
    assert left == 0


def test_feed_without_entries_is_dated_by_the_build_date(make_site: Any) -> None:
    site = load(make_site({"content/actions/data-dashboard.yml": None}))
    out = exports(site, dt.date(2031, 2, 3), BASE)
    feed = ET.fromstring(out["feed.xml"])
    assert atom_entries(feed, BASE, "feed.xml") == []
    assert feed.findtext(f"{A}updated") == "2031-02-03T00:00:00Z"
    assert sorted(out) == ["data/records.csv", "data/timeline.csv", "data/tracker.json", "feed.xml"]


def test_entry_ids_stay_the_same_when_entries_are_added(make_site: Any) -> None:
    def ids(site: Site) -> set[str]:
        feed = ET.fromstring(exports(site, TODAY, BASE)["areas/data-dashboard/feed.xml"])
        return {e.findtext(f"{A}id") or "" for e in feed.findall(f"{A}entry")}

    before = ids(load(make_site(RICH)))
    record = RICH["content/actions/data-dashboard.yml"].replace("        actions:", """\
          - date: 2025-10-14
            status: in-progress
            note: A second entry on the same day.
            evidence: [letter:herts-2023#P1]
        actions:""")
    after = ids(load(make_site({**RICH, "content/actions/data-dashboard.yml": record})))
    assert before < after
    assert after - before == {BASE + "areas/data-dashboard/#2025-10-14-2"}


def test_tracker_json_is_valid_open_data(any_site: Site) -> None:
    raw = exports(any_site, TODAY, any_site.config.base_url)["data/tracker.json"]
    data = json.loads(raw.decode("utf-8"))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(data)] == []
    assert raw == (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    assert [r["id"] for r in data["records"]] == [r.id for r in any_site.records]


def test_schema_closes_every_object() -> None:
    def objects(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, list):
            return [o for item in node for o in objects(item)]
        if not isinstance(node, dict):
            return []
        return ([node] if node.get("type") == "object" else []) + objects(list(node.values()))

    found = objects(SCHEMA)
    assert len(found) >= 10
    for schema in found:
        assert schema["additionalProperties"] is False
        assert sorted(schema["required"]) == sorted(schema["properties"])


def test_tracker_json_values(rich: Site) -> None:
    data = json.loads(exports(rich, TODAY, BASE)["data/tracker.json"])
    assert data["site"] == {
        "title": "Test tracker", "description": "", "base_url": BASE, "language": "en-GB",
        "owner": "Test forum", "notice": "", "build_date": "2026-01-01",
    }
    assert [s["id"] for s in data["statuses"]][:2] == ["identified", "planned"]
    assert data["letters"][0]["outcome"] is None
    points = {p["id"]: p for p in data["letters"][0]["points"]}
    assert points["P1"]["tracked_by"] == ["data-dashboard"] and points["I1"]["tracked_by"] == []
    assert points["P1"]["url"] == BASE + "letters/herts-2023/#P1"
    records = {r["id"]: r for r in data["records"]}
    dashboard, governance = records["data-dashboard"], records["governance"]
    assert (dashboard["status"], dashboard["status_label"], dashboard["stale"]) == (
        "in-progress", "In progress", False)
    assert governance["stale"] is True and governance["summary"] is None
    assert dashboard["summary"] == "The dashboard families see."
    assert dashboard["owners"] == ["County council", "Integrated care board"]
    assert dashboard["url"] == BASE + "areas/data-dashboard/"
    assert [e["url"] for e in dashboard["timeline"][1]["evidence"]] == [
        BASE + "updates/2025-10-14-halfway/", "https://example.org/plan.pdf"]
    action = dashboard["actions"][0]
    assert (action["due"], action["current_due"], action["overdue"]) == ("2024-09-30", "2025-03-31", True)
    assert [e["due"] for e in action["timeline"]] == [None, "2025-03-31"]
    assert action["timeline"][1]["evidence"][0]["url"] == BASE + "letters/herts-2023/#p3"
    (update,) = data["updates"]
    assert update["about"] == ["data-dashboard"] and update["url"] == BASE + "updates/2025-10-14-halfway/"
    assert update["poll"] == {"question": "Has it improved?", "responses": 3,
                              "results": [{"label": "Yes", "count": 1}, {"label": "No", "count": 2}]}


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    return list(reader.fieldnames or []), list(reader)


def test_records_csv(rich: Site) -> None:
    header, rows = read_csv(exports(rich, TODAY, BASE)["data/records.csv"])
    assert header == [
        "id", "title", "status", "status_label", "last_change", "stale", "tracks", "owners", "url"]
    assert [r["id"] for r in rows] == ["data-dashboard", "governance"]
    assert rows[0] == {
        "id": "data-dashboard", "title": "Improve the SEND data dashboard", "status": "in-progress",
        "status_label": "In progress", "last_change": "2025-10-14", "stale": "false",
        "tracks": "letter:herts-2023#P1", "owners": "County council; Integrated care board",
        "url": BASE + "areas/data-dashboard/",
    }
    assert rows[1]["stale"] == "true"


def test_timeline_csv(rich: Site) -> None:
    raw = exports(rich, TODAY, BASE)["data/timeline.csv"]
    assert b"\r" not in raw
    header, rows = read_csv(raw)
    assert header == [
        "record", "action", "date", "status", "status_label", "due", "note", "evidence", "url"]
    dashboard = [r for r in rows if r["record"] == "data-dashboard"]
    assert [(r["date"], r["action"]) for r in dashboard] == [
        ("2023-09-12", ""), ("2023-10-01", "new-dashboard"), ("2024-09-01", "new-dashboard"),
        ("2025-10-14", "")]
    moved = dashboard[2]
    assert (moved["due"], moved["note"], moved["status_label"]) == (
        "2025-03-31", "Moved to wait for the new data system.", "In progress")
    assert moved["url"] == BASE + "areas/data-dashboard/#action-new-dashboard"
    assert dashboard[3]["evidence"] == "Forum update, 14 October 2025: Half-way update; Priority action plan"
    assert dashboard[3]["note"] == 'Work on the "new" dashboard <started> & goes on.'
    assert [r["record"] for r in rows][-1] == "governance"


def test_csv_is_written_in_pieces_that_make_the_same_text() -> None:
    """The open data of a national site is written as it is made, never held whole."""
    from tracker.site.opendata import csv_pieces

    rows = [[str(n), f"a title, with a comma {n}", 'a "quoted" note\non two lines'] for n in range(1300)]
    pieces = list(csv_pieces(("id", "title", "note"), iter(rows)))
    whole = io.StringIO()
    writer = csv.writer(whole, lineterminator="\n")
    writer.writerow(("id", "title", "note"))
    writer.writerows(rows)
    assert len(pieces) == 3
    assert b"".join(pieces) == whole.getvalue().encode("utf-8")


def test_exports_are_byte_identical_across_builds(make_site: Any) -> None:
    for root in (ROOT, make_site(RICH)):
        first, second = load(root), load(root)
        assert exports(first, TODAY, BASE) == exports(second, TODAY, BASE)


def test_base_url_is_used_everywhere(rich: Site) -> None:
    other = "https://other.example/a/b/"
    out = exports(rich, TODAY, other)
    for path, data in out.items():
        assert b"forum.example" not in data, path
    assert json.loads(out["data/tracker.json"])["records"][0]["url"] == other + "areas/data-dashboard/"


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_locs(xml: bytes, root_tag: str, item: str) -> list[str]:
    root = ET.fromstring(xml)
    assert root.tag == f"{SITEMAP_NS}{root_tag}"
    return [url.findtext(f"{SITEMAP_NS}loc") or "" for url in root.findall(f"{SITEMAP_NS}{item}")]


def test_sitemap_lists_absolute_directory_urls() -> None:
    pages = ["letters/herts-2023/index.html", "index.html", "404.html", "about/index.html"]
    made = sitemaps(BASE, pages)
    assert list(made) == ["sitemap.xml"]
    locs = sitemap_locs(made["sitemap.xml"], "urlset", "url")
    assert locs == [BASE + "about/", BASE, BASE + "letters/herts-2023/"]
    assert all(loc.startswith(BASE) and "index.html" not in loc for loc in locs)
    assert made == sitemaps(BASE, list(reversed(pages)))


def test_sitemap_escapes_what_xml_must() -> None:
    base = "https://example.org/a&b/"
    made = sitemaps(base, ["index.html"])["sitemap.xml"]
    assert b"a&amp;b" in made and sitemap_locs(made, "urlset", "url") == [base]


def test_past_the_limit_sitemap_xml_is_an_index_of_several_sitemaps() -> None:
    """sitemaps.org allows 50,000 URLs a file: a national site has more pages than that."""
    pages = [f"letters/l{n:02}/index.html" for n in range(7)] + ["404.html"]
    made = sitemaps(BASE, pages, limit=3)
    assert list(made) == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = sitemap_locs(made["sitemap.xml"], "sitemapindex", "sitemap")
    assert index == [BASE + "sitemap-1.xml", BASE + "sitemap-2.xml", BASE + "sitemap-3.xml"]
    parts = [sitemap_locs(made[f"sitemap-{n}.xml"], "urlset", "url") for n in (1, 2, 3)]
    assert [len(part) for part in parts] == [3, 3, 1]
    assert sum(parts, []) == [BASE + f"letters/l{n:02}/" for n in range(7)]


def test_feeds_carry_any_text_as_written_escaped_as_xml_must(make_site: Any) -> None:
    """Titles, notes and the site's description reach a feed reader as written: what XML
    must escape is escaped (in text and in attributes); characters XML cannot carry at all
    never reach it (they are refused where they are written: tests/test_errors_yaml.py)."""
    base = "https://forum.example/a&b/"
    record = textwrap.dedent("""\
        title: 'Plans & "targets" <soon>'
        tracks: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
            status: identified
            note: "Fish & chips > 3 < 4, été kept"
            evidence: [letter:herts-2023#P1]
        """)
    site = load(make_site({
        "site.yml": 'title: Forum & co\ndescription: "Tom & Jerry <b> \\"q\\"\\tend"\n'
                    "language: en-GB\nowner: \"Parents' forum\"\n",
        "content/actions/data-dashboard.yml": record,
    }))
    made = exports(site, TODAY, base)["areas/data-dashboard/feed.xml"]
    assert made.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns=")
    feed = ET.fromstring(made)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert feed.findtext(f"{A}subtitle") == 'Tom & Jerry <b> "q"\tend'
    assert feed.findtext(f"{A}author/{A}name") == "Parents' forum"
    [entry] = atom_entries(feed, base, "areas/data-dashboard/feed.xml")
    assert entry.findtext(f"{A}title") == 'Plans & "targets" <soon>: Identified by inspectors'
    content = entry.findtext(f"{A}content") or ""
    assert content.startswith("Fish & chips > 3 < 4, été kept\n\nEvidence: ")
    assert href(entry) == base + "areas/data-dashboard/"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=25)


@given(JSON_VALUES, st.sampled_from(["", "  ", "    "]))
def test_the_open_data_is_laid_out_as_pythons_json_module_lays_it_out(value, indent):
    """data/tracker.json is laid out as json.dumps(sort_keys=True, indent=2) lays it out:
    a value a line, so that a diff of two builds shows what changed."""
    expected = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
    assert pretty_json(value, indent) == expected.replace("\n", "\n" + indent)


def test_open_data_carries_a_report_s_outcome() -> None:
    data = json.loads(exports(load(ROOT), TODAY, BASE)["data/tracker.json"])
    herts = next(x for x in data["letters"] if x["slug"] == "herts-2023")
    assert herts["outcome"] == (
        "There are widespread and/or systemic failings leading to significant concerns about "
        "the experiences and outcomes of children and young people with special educational "
        "needs and/or disabilities (SEND), which the local area partnership must address "
        "urgently.")
