"""The preview's forms in a real browser (SPEC 8a): Debian's Chromium driven by Playwright fills
each form by its labels on a real preview, and the tests read the file on disk, byte for byte,
and the page the browser lands on. Also: a form that `tracker check` would refuse writes
nothing, a stale form is refused, requests without the token or from elsewhere get 403, and
axe-core finds no violation on the form pages, at 1280 px and at 320 px.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import FULL_SITE, SiteMaker, opened, running
from test_accessibility import axe_violations

from tracker.preview.serve import Preview

FIXTURES = Path(__file__).parent / "fixtures"
RECORD = "content/actions/governance.yml"
COMMENTED_RECORD = """\
# Governance: kept by the forum's chair.
title:   Strengthen partnership governance    # the board's own words
tracks: [letter:herts-2023#P2]
owner: "Partnership board"

timeline:
  # From the letter.
  - date: 2023-12-20
    status: identified
    evidence: [letter:herts-2023#P2]   # the point itself

  - date: 2023-12-28
    status: 'planned'
    note: >-
      The board agreed
      a plan.
    evidence:
      - letter:herts-2023#P2
# Sub-actions follow.
actions:
  - id: terms
    title: New terms of reference
    timeline:
      - date: 2023-12-28
        status: planned
        evidence: [letter:herts-2023#P2]
"""
NEW_ENTRY = """\
  - date: 2024-01-05
    status: in-progress
    note: Met the **board**; minutes below.
    evidence:
      - letter:herts-2023#p1
      - url: https://example.com/minutes
        title: Board minutes
"""
"""The entry the form adds, as a person adds one: after the last entry, in the file's layout."""
SITE = {**FULL_SITE, RECORD: COMMENTED_RECORD}


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return make_site(SITE)


def no_axe_violations(page: Any) -> None:
    found = [f"1280 px: {line}" for line in axe_violations(page)]
    page.set_viewport_size({"width": 320, "height": 800})
    found += [f"320 px: {line}" for line in axe_violations(page)]
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not found, f"{page.url}: axe violations:\n" + "\n".join(found)


def test_record_a_change_appends_the_entry_as_a_person_would(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "areas/governance/")
        page.get_by_role("link", name="Record a change").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Record a change: Strengthen partnership governance")
        no_axe_violations(page)
        # The picker offers what exists: points and paragraphs, updates, static files.
        offered = page.locator("datalist option").evaluate_all("os => os.map(o => o.value)")
        for ref in ("letter:herts-2023#P2", "letter:herts-2023#p1", "update:2023-10-01-poll",
                    "static:docs/plan.pdf", "letter:council-2023"):
            assert ref in offered
        page.get_by_label("Status").select_option(label="In progress")
        page.get_by_label("Date", exact=True).fill("2024-01-05")
        page.get_by_label("What happened").fill("Met the **board**; minutes below.")
        page.get_by_label("Evidence 1", exact=True).fill("letter:herts-2023#p1")
        page.get_by_label("Evidence 2", exact=True).fill("https://example.com/minutes")
        page.get_by_label("Title of evidence 2, for a web address (optional)").fill("Board minutes")
        page.get_by_role("button", name="Preview the text").click()
        expect(page.locator(".text-preview strong")).to_have_text("board")
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD  # a preview writes nothing
        page.get_by_role("button", name="Save the change").click()

        assert page.url == (preview.url + "areas/governance/?saved=content/actions/governance.yml"
                            "#entry-2024-01-05")
        at = COMMENTED_RECORD.index("# Sub-actions follow.")
        assert (site / RECORD).read_text(encoding="utf-8") == \
            COMMENTED_RECORD[:at] + NEW_ENTRY + COMMENTED_RECORD[at:]
        entry = page.locator("#entry-2024-01-05")
        expect(entry).to_contain_text("In progress")
        expect(entry.locator(".note strong")).to_have_text("board")
        expect(entry.get_by_role("link", name="Board minutes")).to_have_attribute(
            "href", "https://example.com/minutes")
        assert entry.evaluate("e => e.matches(':target')")  # highlighted: the page's own anchor
        expect(page.get_by_role("status")).to_contain_text("Saved")
        expect(page.locator(".status-line")).to_contain_text("In progress since 5 January 2024")


def test_a_change_check_would_refuse_is_shown_at_its_field(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "__tracker/forms/record/governance/")
        page.get_by_label("Status").select_option(label="Effective action")
        page.get_by_label("What happened").fill("The board says it is done.")
        page.get_by_label("Evidence 1", exact=True).fill("update:2023-12-21-governance")
        page.get_by_label("Evidence 2", exact=True).fill("letter:herts-2023#P9")
        page.get_by_role("button", name="Save the change").click()
        expect(page.get_by_role("alert")).to_contain_text("There is a problem: nothing was saved")
        expect(page.locator("#field-evidence-error")).to_contain_text(
            "Letter 'herts-2023' has no point or paragraph 'P9' (its points are P1, P2, I1; "
            "paragraphs are p1 to p6)")
        expect(page.get_by_label("What happened")).to_have_value("The board says it is done.")
        expect(page.get_by_label("Evidence 2", exact=True)).to_have_value("letter:herts-2023#P9")
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD
        no_axe_violations(page)
        page.get_by_label("Evidence 2", exact=True).fill("")
        page.get_by_role("button", name="Save the change").click()
        expect(page.locator("#field-status-error")).to_contain_text(
            "'effective' is an inspectors' verdict: cite the letter that gives it")
        expect(page.get_by_label("Status")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#field-evidence-error")).to_have_count(0)
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD
        page.get_by_role("button", name="Add another piece of evidence").click()
        expect(page.get_by_label("Evidence 1", exact=True)).to_have_value("update:2023-12-21-governance")
        expect(page.get_by_label("Evidence 4", exact=True)).to_have_value("")
        expect(page.get_by_role("alert")).to_have_count(0)  # more boxes: nothing checked, nothing saved
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD


def test_a_form_opened_before_the_file_changed_is_refused(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "areas/governance/")
        page.get_by_role("link", name="Record a change").click()
        page.get_by_label("What happened").fill("Typed before someone else saved.")
        page.get_by_label("Evidence 1", exact=True).fill("letter:herts-2023#P2")
        changed = COMMENTED_RECORD.replace("a plan.", "a plan and a budget.")
        (site / RECORD).write_text(changed, encoding="utf-8")
        page.get_by_role("button", name="Save the change").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "This file was changed since you opened this form")
        expect(page.get_by_label("What happened")).to_have_value("Typed before someone else saved.")
        assert (site / RECORD).read_text(encoding="utf-8") == changed
        page.get_by_role("button", name="Save the change").click()  # seen it: save on top
        expect(page).to_have_url(re.compile(r"/areas/governance/\?saved="))
        assert "Typed before someone else saved." in (site / RECORD).read_text(encoding="utf-8")
        assert "a plan and a budget." in (site / RECORD).read_text(encoding="utf-8")


def test_new_update(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "updates/")
        page.get_by_role("link", name="New update").click()
        no_axe_violations(page)
        page.get_by_label("Title").fill("Coffee morning: what parents said")
        page.get_by_label("Date", exact=True).fill("2024-01-02")
        page.get_by_label("Strengthen partnership governance").check()
        page.get_by_label("Text").fill("Twelve parents came.\n\nSee [the point](letter:herts-2023#P2).")
        page.get_by_role("button", name="Preview the text").click()
        expect(page.locator(".text-preview").get_by_role("link", name="the point")).to_be_visible()
        page.get_by_role("button", name="Save the update").click()
        slug = "2024-01-02-coffee-morning-what-parents-said"
        expect(page).to_have_url(re.compile(rf"/updates/{slug}/\?saved="))
        expect(page.get_by_role("heading", level=1)).to_have_text("Coffee morning: what parents said")
        assert (site / f"content/updates/{slug}.md").read_text(encoding="utf-8") == (
            "---\n"
            'title: "Coffee morning: what parents said"\n'
            "date: 2024-01-02\n"
            "about: [governance]\n"
            "---\n"
            "\n"
            "Twelve parents came.\n"
            "\n"
            "See [the point](letter:herts-2023#P2).\n")
        page.goto(preview.url + "areas/governance/")
        expect(page.locator("main")).to_contain_text("Coffee morning: what parents said")


def test_an_update_without_a_title_is_refused(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "__tracker/forms/update/")
        page.get_by_label("Text").fill("Words without a title.")
        page.get_by_role("button", name="Save the update").click()
        expect(page.locator("#field-title-error")).to_be_visible()
        expect(page.get_by_label("Text")).to_have_value("Words without a title.")
        assert sorted(p.name for p in (site / "content/updates").iterdir()) == [
            "2023-10-01-poll.md", "2023-12-21-governance.md"]


def test_track_this_point(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "letters/herts-2023/")
        tracks = page.get_by_role("link", name="Track this point")
        expect(tracks).to_have_count(2)  # I1, in the list of points and in the letter
        tracks.first.click()
        no_axe_violations(page)
        expect(page.locator("blockquote")).to_have_text("Leaders should improve the quality of EHC plans.")
        expect(page.get_by_label("Title")).to_have_value("Improve the quality of EHC plans")
        page.get_by_label("File name").fill("ehc-plans")
        page.get_by_label("Responsible").fill("County council; Health board")
        page.get_by_role("button", name="Start tracking").click()
        expect(page).to_have_url(re.compile(r"/areas/ehc-plans/\?saved="))
        expect(page.get_by_role("heading", level=1)).to_have_text("Improve the quality of EHC plans")
        expect(page.locator(".status-line")).to_contain_text(
            "Identified by inspectors since 12 September 2023")
        written = (site / "content/actions/ehc-plans.yml").read_text(encoding="utf-8")
        assert "title: Improve the quality of EHC plans\n" in written
        assert "owner: [County council, Health board]\n" in written
        assert written.endswith("timeline:\n  - date: 2023-09-12\n    status: identified\n"
                                "    note: Named in the inspection letter.\n"
                                "    evidence: [letter:herts-2023#I1]\n")
        page.goto(preview.url + "letters/herts-2023/")
        expect(page.get_by_role("link", name="Track this point")).to_have_count(0)


def test_add_a_letter_imports_it_as_tracker_import_does(browser: Any, site: Path,
                                                         tmp_path: Path) -> None:
    from playwright.sync_api import expect

    report = FIXTURES / "pdfs" / "bury-2024.pdf"
    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "letters/")
        page.get_by_role("link", name="Add a letter").click()
        no_axe_violations(page)
        page.get_by_label("Letter or report").set_input_files(str(report))
        page.get_by_role("button", name="Add the letter").click()
        expect(page).to_have_url(re.compile(r"/letters/bury-2024/\?saved="), timeout=30_000)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Bury")
        expect(page.get_by_role("link", name="Track this point")).not_to_have_count(0)
    # The same file as the command line writes, from the same PDF.
    other = tmp_path / "other"
    other.mkdir()
    (other / "site.yml").write_text("title: Test tracker\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "tracker", "import", str(report), "--site", str(other)],
                   check=True, capture_output=True)
    assert (site / "content/letters/bury-2024.md").read_bytes() == \
        (other / "content/letters/bury-2024.md").read_bytes()


def test_an_upload_that_is_not_a_letter_is_refused(browser: Any, site: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    picture = tmp_path / "photo.pdf"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "__tracker/forms/letter/")
        page.get_by_label("Letter or report").set_input_files(str(picture))
        page.get_by_role("button", name="Add the letter").click()
        expect(page.locator("#field-file-error")).to_contain_text("is neither a PDF nor plain text")
        no_axe_violations(page)
    assert sorted(p.name for p in (site / "content/letters").iterdir()) == [
        "council-2023.md", "herts-2023.md"]


def post(preview: Preview, path: str, body: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.request("POST", path, body.encode(), {
            "Content-Type": "application/x-www-form-urlencoded", **headers})
        return connection.getresponse().status
    finally:
        connection.close()


def test_only_the_previews_own_pages_may_send_a_form(browser: Any, site: Path) -> None:
    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "__tracker/forms/record/governance/")
        token = page.locator("input[name=token]").get_attribute("value")
        version = page.locator("input[name=version]").get_attribute("value")
        assert token and len(token) >= 40
        fields = (f"token={token}&version={version}&status=planned&date=2024-01-05"
                  "&evidence=letter%3Aherts-2023%23P2&action=save")
        origin = preview.url.rstrip("/")
        form = "/__tracker/forms/record/governance/"
        # From the browser, on another page's behalf: another origin, no token.
        answer = page.request.post(preview.url + form.lstrip("/"), data=fields.replace(token, "x"),
                                   headers={"Content-Type": "application/x-www-form-urlencoded",
                                            "Origin": origin})
        assert answer.status == 403
        assert post(preview, form, fields.replace(f"token={token}&", ""), {"Origin": origin}) == 403
        assert post(preview, form, fields, {"Origin": "http://evil.example"}) == 403
        assert post(preview, form, fields, {"Origin": "null"}) == 403
        assert post(preview, form, fields, {}) == 403  # no Origin at all
        assert post(preview, form, fields, {"Origin": origin, "Sec-Fetch-Site": "cross-site"}) == 403
        assert post(preview, form, fields, {"Origin": f"http://evil.example:{preview.port}",
                                            "Host": f"evil.example:{preview.port}"}) == 403
        assert post(preview, form, fields, {"Origin": origin, "Host": f"evil.example:{preview.port}"}) == 403
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD
        assert post(preview, form, fields, {"Origin": origin}) == 303  # the real thing works
        assert "date: 2024-01-05" in (site / RECORD).read_text(encoding="utf-8")


def test_a_form_works_at_320_px_with_the_keyboard_alone(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser, viewport={"width": 320, "height": 640}) as page:
        page.goto(preview.url + "__tracker/forms/record/governance/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        order = []
        for _ in range(40):
            page.keyboard.press("Tab")
            order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
            if order[-1] == "Save the change":
                break
        fields = list(dict.fromkeys(name for name in order if name.startswith("field-")))  # a date: 3 stops
        assert fields[:6] == ["field-part", "field-status", "field-date", "field-due", "field-note",
                              "field-evidence-1"]
        assert order[-1] == "Save the change"
        page.focus("#field-note")
        page.keyboard.type("Typed with the keyboard.")
        page.focus("#field-evidence-1")
        page.keyboard.type("letter:herts-2023#P2")
        page.keyboard.press("Enter")  # Enter in a text box sends the form: its first button saves
        expect(page).to_have_url(re.compile(r"/areas/governance/\?saved="))
        assert "Typed with the keyboard." in (site / RECORD).read_text(encoding="utf-8")


def test_a_sub_actions_deadline_moves_with_its_reason(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + "__tracker/forms/record/governance/")
        page.get_by_label("Part of the work").select_option(label="Sub-action: New terms of reference")
        page.get_by_label("Status").select_option(label="In progress")
        page.get_by_label("Date", exact=True).fill("2024-01-05")
        page.get_by_label("New due date").fill("2024-03-31")
        page.get_by_label("Evidence 1", exact=True).fill("letter:herts-2023#P2")
        page.get_by_role("button", name="Save the change").click()
        expect(page.locator("#field-due-error")).to_contain_text(
            "A new due date needs a 'note' saying why it moved")
        expect(page.locator("#problems")).to_be_focused()  # the summary is read out first
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD
        page.get_by_label("What happened").fill("The board meets in March.")
        page.get_by_role("button", name="Save the change").click()
        expect(page).to_have_url(re.compile(r"/areas/governance/\?saved=.*#terms-entry-2024-01-05$"))
        assert (site / RECORD).read_text(encoding="utf-8") == COMMENTED_RECORD + (
            "      - date: 2024-01-05\n"
            "        status: in-progress\n"
            "        due: 2024-03-31\n"
            "        note: The board meets in March.\n"
            "        evidence: [letter:herts-2023#P2]\n")
        expect(page.locator("#terms-entry-2024-01-05")).to_contain_text("Deadline moved to 31 March 2024")
