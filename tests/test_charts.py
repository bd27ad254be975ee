"""Where things stand, as a picture (issue: families understand at a glance): on the home page
and on each letter, the points by the status of the area that tracks them and how that
changed month by month, as SVG drawn at build time, each with a sentence and a table whose
figures are the model's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import FULL_SITE, build, write_files
from htmlpage import Element, HtmlPage

from tracker.build import load_site

TODAY = "2024-01-01"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_files(tmp_path_factory.mktemp("charts") / "site", FULL_SITE)


@pytest.fixture(scope="module")
def out(site: Path) -> Path:
    result = build(site, site.parent / "out", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return site.parent / "out"


def page(out: Path, path: str) -> HtmlPage:
    return HtmlPage(path, (out / path).read_text(encoding="utf-8"))


def table(element: Element) -> list[list[str]]:
    return [[cell.text for cell in row.children] for row in element.inside("tr")]


def model_counts(site: Path, slugs: list[str]) -> dict[str, int]:
    """Points by the status label of the record that tracks them, from the model itself."""
    model, _ = load_site(site, dt.date.fromisoformat(TODAY))
    assert model is not None
    counts: dict[str, int] = {}
    for letter in model.letters:
        for point in letter.points if letter.slug in slugs else ():
            records = model.tracked_points.get((letter.slug, point.id), ())
            label = records[0].status.label if records else "Not tracked yet"
            counts[label] = counts.get(label, 0) + 1
    return counts


SENTENCE = ("Of 2 areas for priority action, 1 is identified by inspectors and 1 in progress; of 1 "
            "area for improvement, 1 is not tracked yet; none has an inspectors' verdict yet.")
HISTORY = ("By month: in September 2023, 1 identified by inspectors and 2 not tracked yet; "
           "in January 2024, 1 identified by inspectors, 1 in progress and 1 not tracked yet.")


@pytest.mark.parametrize("path, heading", [
    ("index.html", "The inspectors' points, by status"),
    ("letters/herts-2023/index.html", "Where its points stand"),
])
def test_points_by_status_as_a_chart_a_sentence_and_a_table(site: Path, out: Path, path: str,
                                                            heading: str) -> None:
    html = page(out, path)
    assert html.errors == []
    assert [p.text for p in html.all("p") if "chart-sentence" in p.attrs.get("class", "")] == \
        [SENTENCE, HISTORY]
    chart = next(s for s in html.all("svg") if "status-chart" in s.attrs.get("class", ""))
    assert chart.attrs["role"] == "img"
    assert chart.inside("title")[0].text.startswith(f"Bar chart: {SENTENCE}")
    words = " ".join(t.text for t in chart.inside("text"))  # wrapped to fit a phone
    assert words == ("Identified by inspectors: 1 (33%) In progress: 1 (33%) "
                     "Not tracked yet: 1 (33%)")  # every bar says what it is, not only its colour
    assert len(chart.inside("rect")) == 3
    figures = next(t for t in html.all("table") if t.inside("caption")[0].text == "The points by status")
    rows = table(figures)
    assert rows[0] == ["Status", "Areas for priority action", "Areas for improvement", "All points"]
    assert {row[0]: int(row[-1]) for row in rows[1:]} == model_counts(site, ["herts-2023"])
    assert html.one("h3", id=f"{'all' if path == 'index.html' else 'letter'}-standing").text == heading


def test_how_the_statuses_changed_month_by_month(out: Path) -> None:
    html = page(out, "letters/herts-2023/index.html")
    chart = next(s for s in html.all("svg") if "history-chart" in s.attrs.get("class", ""))
    assert [t.text for t in chart.inside("text")] == ["September 2023", "January 2024"]
    # A column a month, its segments stacked in the legend's order, each its status's pattern.
    segments = [(r.attrs["x"], r.attrs["fill"]) for r in chart.inside("rect")]
    tones = {"identified": "neutral", "progress": "info", "not": "none"}
    expected = [("0.0%", "identified"), ("0.0%", "not"), ("20.0%", "progress"), ("20.0%", "not"),
                ("40.0%", "progress"), ("40.0%", "not"), ("60.0%", "identified"),
                ("60.0%", "progress"), ("60.0%", "not"), ("80.0%", "identified"),
                ("80.0%", "progress"), ("80.0%", "not")]
    assert segments == [(x, f"url(#tone-{tones[s]})") for x, s in expected]
    figures = next(t for t in html.all("table") if "each month" in t.inside("caption")[0].text)
    assert table(figures) == [
        ["Month", "Identified by inspectors", "In progress", "Not tracked yet"],
        ["September 2023", "1", "0", "2"], ["October 2023", "0", "1", "2"],
        ["November 2023", "0", "1", "2"], ["December 2023", "1", "1", "1"],
        ["January 2024", "1", "1", "1"]]
    legend = next(u for u in html.all("ul") if "chart-legend" in u.attrs.get("class", ""))
    assert [li.text for li in legend.inside("li")] == [
        "Identified by inspectors", "In progress", "Not tracked yet"]


def test_a_letter_without_points_has_no_chart(out: Path) -> None:
    assert not [s for s in page(out, "letters/council-2023/index.html").all("svg")
                if "chart" in s.attrs.get("class", "")]


def test_a_long_history_is_drawn_by_quarter_or_year(make_site, tmp_path: Path) -> None:
    site = make_site(FULL_SITE)
    for today, period, columns in (("2026-10-15", "quarter", 14), ("2035-01-01", "year", 13)):
        out = tmp_path / today
        assert build(site, out, "--today", today).exit_code == 0
        chart = next(s for s in page(out, "index.html").all("svg")
                     if "history-chart" in s.attrs.get("class", ""))
        assert chart.inside("title")[0].text.startswith(f"Column chart, a column a {period}")
        assert len({r.attrs["x"] for r in chart.inside("rect")}) == columns


def test_charts_are_readable_in_high_contrast_and_in_print(browser, out: Path) -> None:
    from conftest import opened

    with opened(browser) as page:
        page.goto((out / "letters/herts-2023/index.html").as_uri())
        page.emulate_media(forced_colors="active")
        label = page.locator(".status-chart text").first
        body = page.evaluate("getComputedStyle(document.body).color")
        assert label.evaluate("t => getComputedStyle(t).fill") == body  # the system's text colour
        bar = page.locator(".status-chart rect").first
        assert bar.evaluate("r => getComputedStyle(r).fill").startswith("url(")  # pattern kept
        page.emulate_media(forced_colors="none", media="print")
        assert page.locator(".status-chart").is_visible()
        assert page.locator(".chart-details table").is_visible()  # the figures print open
