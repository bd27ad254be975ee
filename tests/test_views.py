"""The views that pages share: a letter's body in parts, one pager for lists in pages, one rule
for a reference's full URL, one point label; and the theme's say over the letter's badges."""

from __future__ import annotations

import datetime as dt

from tracker.build import build_site
from tracker.content.markdown import markup
from tracker.content.model import Ref
from tracker.site import urls
from tracker.site.views import Linker, chunks, paged_title, pager

PREPARED = f"<p>A{markup.HOLE}Bp1{markup.HOLE} <a href=\"{markup.HOLE}L0{markup.HOLE}\">x</a>" \
           f"{markup.HOLE}Ap1{markup.HOLE}</p>\n<p>B{markup.HOLE}Ap2{markup.HOLE}</p>\n"


def test_a_body_in_parts_keeps_its_notes_as_given_and_joins_as_fill_does():
    parts = markup.fill_parts(PREPARED, ("x.md",), lambda url: f"../{url}?a&b", {"p1": 1},
                              {"p1": 2})
    assert parts == ["<p>A", 1, ' <a href="../x.md?a&amp;b">x</a>', 2,
                     "</p>\n<p>B</p>\n"]
    assert markup.fill(PREPARED, ("x.md",), lambda url: url, {"p1": "<i>"}, {"p2": "</i>"}) == \
        '<p>A<i> <a href="x.md">x</a></p>\n<p>B</i></p>\n'


def test_lists_in_pages_share_one_chunking_and_one_pager():
    assert chunks(range(5), 2) == [(0, 1), (2, 3), (4,)]
    assert chunks((), 10) == [()]
    link = Linker(urls.updates_page(2))
    middle = pager(link, 2, 3, urls.updates_page)
    assert (middle.previous, middle.next) == ("../../index.html", "../3/index.html")
    first, last = pager(Linker(urls.TIMELINE), 1, 2, urls.timeline_page), \
        pager(link, 3, 3, urls.updates_page)
    assert (first.previous, last.next) == ("", "")
    assert paged_title("Updates", 1, 3) == "Updates"
    assert paged_title("Timeline", 2, 3) == "Timeline, page 2 of 3"


def test_a_reference_in_full_is_an_outside_url_as_written_else_this_sites():
    base = "https://example.org/tracker/"
    outside = Ref("https://a.example/x?y#z", "external", "https://a.example/x?y#z")
    point = Ref("letter:herts-2023#P1", "point", "herts-2023", "P1")
    assert urls.absolute_ref(base, outside) == "https://a.example/x?y#z"
    assert urls.absolute_ref(base, point) == base + "letters/herts-2023/#P1"


def test_a_theme_can_change_a_letters_badges_alone(make_site, tmp_path):
    """The badge at the start of a point and the list of points come from _points.html:
    a theme that replaces it alone changes them, and nothing else of the page."""
    day = dt.date(2024, 1, 1)
    plain = make_site()
    assert build_site(plain, tmp_path / "plain", day, search=False).ok
    themed = make_site({
        "site.yml": "title: Test tracker\ntheme: mine\n",
        "themes/mine/templates/_points.html": (
            "{% macro point_state(point) %}[{{ point.status.label if point.status "
            "else 'none' }}]{% endmacro %}\n"
            "{% macro point_badge(point) %}<b id=\"{{ point.id }}\">{{ point.label }}</b> "
            "{% endmacro %}\n{% macro cited_in(places) %}{% endmacro %}\n"),
    })
    assert build_site(themed, tmp_path / "themed", day, search=False).ok
    page = "letters/herts-2023/index.html"
    before = (tmp_path / "plain" / page).read_text()
    after = (tmp_path / "themed" / page).read_text()
    assert '<span class="point-badge" id="P1"><span class="point-label">Area for priority '\
           'action 1</span> <strong class="tag tag-' in before
    assert '<b id="P1">Area for priority action 1</b> Leaders should improve' in after
    assert "[Identified by inspectors]" in after and "[none]" in after and "point-badge" not in after
    assert before.split("<h1>")[0] == after.split("<h1>")[0]


def test_visit_dates_read_as_a_range():
    from tracker.site.views import date_range

    days = [dt.date(2023, 6, 26) + dt.timedelta(days=n) for n in range(5)]
    assert date_range(tuple(days)) == "26 to 30 June 2023"
    assert date_range((dt.date(2023, 11, 27), dt.date(2023, 11, 28), dt.date(2023, 11, 29),
                       dt.date(2023, 11, 30), dt.date(2023, 12, 1))) == \
        "27 November to 1 December 2023"
    assert date_range((dt.date(2023, 12, 31), dt.date(2024, 1, 1))) == \
        "31 December 2023 to 1 January 2024"
    assert date_range((dt.date(2010, 1, 21), dt.date(2010, 1, 23))) == \
        "21 January 2010 and 23 January 2010"
    assert date_range((dt.date(2009, 3, 3),)) == "3 March 2009"
    assert date_range(()) == ""
