"""/summary/ (SPEC 7): every tracked area on one page to print for a meeting: status, since
when, the evidence of its latest entry that cites any, and the next due date."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FULL_SITE, build, check_errors, write_files
from htmlpage import HtmlPage

SITE = "https://forum.example.org/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("summary")
    site = write_files(folder / "site", FULL_SITE)
    result = build(site, folder / "out", "--base-url", SITE)
    assert result.exit_code == 0, result.stderr
    return folder / "out"


def rows(out: Path) -> dict[str, list[str]]:
    page = HtmlPage("summary/index.html", (out / "summary/index.html").read_text(encoding="utf-8"))
    found = {}
    for table in page.all("table"):
        caption = table.inside("caption")[0].text
        for row in table.inside("tbody")[0].inside("tr"):
            cells = [cell.text for cell in row.children]
            found[cells[0]] = [caption, *cells[1:]]
    return found


def test_every_tracked_area_with_status_since_evidence_and_next_due(out: Path) -> None:
    assert rows(out) == {
        "Improve the SEND data dashboard": [
            "Ofsted and CQC full inspection letter, 12 September 2023", "In progress",
            "1 October 2023 No recent update",
            f"Forum update, 1 October 2023: Our poll on the dashboard ({SITE}updates/2023-10-01-poll/); "
            f"plan.pdf ({SITE}docs/plan.pdf); "
            f"Annual report été.pdf ({SITE}docs/Annual%20report%20%C3%A9t%C3%A9.pdf); "
            "The council's plan (https://example.com/plan)",
            "31 March 2024"],
        "Strengthen partnership governance": [
            "Ofsted and CQC full inspection letter, 12 September 2023", "Identified by inspectors",
            "20 December 2023", "Ofsted and CQC full inspection letter, 12 September 2023, area for "
            f"priority action 2 ({SITE}letters/herts-2023/#P2)", "None set"],
    }


def test_the_home_page_leads_to_it(out: Path) -> None:
    home = HtmlPage("index.html", (out / "index.html").read_text(encoding="utf-8"))
    assert [a.attrs["href"] for a in home.all("a") if a.text == "Every area on one page, to print"] \
        == ["summary/index.html"]


def test_a_plain_page_may_not_take_its_address(make_site) -> None:
    site = make_site({**FULL_SITE, "content/pages/summary.md": "---\ntitle: Summary\n---\nHi.\n"})
    assert any("content/pages/summary.md" in line for line in check_errors(site))


def test_printed_pages_have_no_navigation_and_show_where_links_lead(browser, out: Path) -> None:
    from conftest import opened
    from playwright.sync_api import expect

    with opened(browser) as page:
        page.goto((out / "about/index.html").as_uri())
        page.emulate_media(media="print")
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
        expect(page.locator(".site-footer")).to_be_hidden()
        after = page.get_by_role("link", name="a forum").evaluate(
            "a => getComputedStyle(a, '::after').content")
        assert after == '" (https://example.com/forum)"'
        page.goto((out / "summary/index.html").as_uri())
        page.emulate_media(media="print")
        expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
        assert page.locator("table").first.evaluate("t => getComputedStyle(t).display") == "table"
        expect(page.locator(".print-url").first).to_be_visible()
