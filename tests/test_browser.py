"""The live preview in a real browser (Debian's Chromium driven by Playwright; SPEC 8, 9).

Each test starts a real `Preview` on 127.0.0.1, port 0, against a fixture site in tmp_path.
Every wait is bounded (10 s at most); every browser context is closed in a `finally`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FULL_SITE, SiteMaker, build, opened, running

from tracker.preview.serve import Preview

WAIT_MS = 10_000
TODAY = dt.date(2024, 1, 1)
UPDATE = "content/updates/2023-10-01-poll.md"
UPDATE_URL = "updates/2023-10-01-poll/"
RECORD = "content/actions/governance.yml"
RECORD_URL = "areas/governance/"
HEADING = "The last change could not be built"
BAD_RECORD = """\
title: Broken title
tracks: [letter:herts-2023#P2
timeline:
  - date: 2023-12-20
"""
WHERE = f"{RECORD}:2:9"
"""Where `tracker check` puts BAD_RECORD's error: the '[' that is never closed."""


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return make_site(FULL_SITE)


def save(root: Path, rel: str, text: str) -> None:
    """Save as editors do: write a temporary file (litter to the watcher), then rename it."""
    target = root / rel
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, target)


def settled(preview: Preview, *, failed: bool) -> None:
    """Wait (at most 10 s) until the preview serves a build that failed, or not."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while preview.state.snapshot.failed != failed:
        assert time.monotonic() < deadline, f"no {'failed' if failed else 'good'} build in 10 s"
        time.sleep(0.05)


def overlay(page: Any) -> Any:
    return page.get_by_role("alert", name=HEADING)


def test_an_open_page_reloads_itself_after_an_edit(browser: Any, site: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    source = (site / UPDATE).read_text(encoding="utf-8")
    assert "opened kindly" in source
    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + UPDATE_URL)
        expect(page.locator("main")).to_contain_text("opened kindly")
        page.evaluate("window.__marker = 1")
        save(site, UPDATE, source.replace("The letter [opened kindly]",
                                          "A freshly edited sentence about [the letter]"))
        # New text AND no marker: the page really reloaded, nobody patched its DOM.
        try:
            page.wait_for_function(
                "() => window.__marker === undefined && document.querySelector('main') !== null"
                " && document.querySelector('main').innerText.includes('A freshly edited sentence')",
                timeout=WAIT_MS)
        except PlaywrightTimeout as exc:
            state = page.evaluate("[typeof window.__marker, document.body.innerText.slice(0, 300)]")
            raise AssertionError(f"the open page did not reload within 10 s of the edit (marker: "
                                 f"{state[0]}; served version {preview.state.version}; page: "
                                 f"{state[1]!r})") from exc
        expect(page.locator("main")).not_to_contain_text("opened kindly")
        assert page.evaluate("typeof window.__marker") == "undefined"


def test_the_error_overlay_appears_and_leaves(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    good = (site / RECORD).read_text(encoding="utf-8")
    with running(site) as preview, opened(browser) as page:
        page.goto(preview.url + RECORD_URL)
        heading = page.locator("main h1")
        expect(heading).to_contain_text("Strengthen partnership governance")
        expect(overlay(page)).to_have_count(0)
        save(site, RECORD, BAD_RECORD)
        panel = overlay(page)
        expect(panel).to_be_visible(timeout=WAIT_MS)
        expect(panel).to_contain_text(WHERE)
        expect(panel).to_contain_text("this is not valid YAML")
        # the page behind is the last good build, not the broken one
        expect(heading).to_contain_text("Strengthen partnership governance")
        expect(page.locator("main")).not_to_contain_text("Broken title")
        page.evaluate("window.__marker = 1")
        save(site, RECORD, good.replace("Strengthen partnership governance",
                                        "Strengthen the governance"))
        expect(panel).to_have_count(0, timeout=WAIT_MS)
        expect(heading).to_contain_text("Strengthen the governance", timeout=WAIT_MS)
        assert page.evaluate("typeof window.__marker") == "undefined"


def test_the_overlay_is_named_readable_and_needs_no_script(browser: Any, site: Path) -> None:
    from playwright.sync_api import expect

    good = (site / RECORD).read_text(encoding="utf-8")
    with running(site) as preview:
        save(site, RECORD, BAD_RECORD)
        settled(preview, failed=True)
        with opened(browser) as page:
            page.goto(preview.url + RECORD_URL)
            panel = overlay(page)
            expect(panel).to_be_visible()
            expect(panel).to_have_attribute("role", re.compile(r"^(alert|alertdialog)$"))
            expect(panel).to_have_accessible_name(HEADING)
            expect(panel.get_by_role("heading", name=HEADING)).to_be_visible()
            expect(panel).not_to_have_attribute("aria-hidden", "true")
            snapshot = panel.aria_snapshot()
            assert f'heading "{HEADING}"' in snapshot and WHERE in snapshot, snapshot
            # readable: on screen, large, dark text on a light ground, not hidden
            box, size = panel.bounding_box(), page.viewport_size
            assert box and size and box["width"] > size["width"] / 2, box
            assert 0 <= box["y"] < size["height"], box
            style = panel.evaluate("e => { const s = getComputedStyle(e);"
                                   " return [s.color, s.backgroundColor, s.visibility,"
                                   " s.opacity, s.fontSize]; }")
            assert style[:4] == ["rgb(0, 0, 0)", "rgb(255, 255, 255)", "visible", "1"], style
            assert float(style[4].removesuffix("px")) >= 14, style
            # the keyboard reaches the Hide button; Enter hides the panel, the page is there
            hide = panel.get_by_role("button", name="Hide")
            hide.focus()
            expect(hide).to_be_focused()
            page.keyboard.press("Enter")
            expect(panel).to_have_count(0)
            expect(page.locator("main h1")).to_have_text("Strengthen partnership governance")
        with opened(browser, java_script_enabled=False) as page:
            page.goto(preview.url + RECORD_URL)  # the problems need no script to be shown
            expect(overlay(page)).to_be_visible()
            expect(overlay(page)).to_contain_text(WHERE)
        save(site, RECORD, good)
        settled(preview, failed=False)
        with opened(browser, java_script_enabled=False) as page:
            page.goto(preview.url + RECORD_URL)
            main = page.locator("main")
            expect(main).to_be_visible()
            expect(main.locator("h1")).to_have_text("Strengthen partnership governance")
            expect(main).to_contain_text("Identified by inspectors")
            expect(overlay(page)).to_have_count(0)
            page.goto(preview.url + UPDATE_URL)
            expect(main.locator("h1")).to_have_text("Our poll on the dashboard")
            expect(main).to_contain_text("Is the dashboard useful?")
            expect(main).to_contain_text("opened kindly")
            assert "/__tracker/events" in page.content()  # served, but not needed to read


def test_built_pages_have_no_reload_script_and_no_console_errors(
        browser: Any, site: Path, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    out = tmp_path / "out"
    result = build(site, out)
    assert result.exit_code == 0, result.stderr
    for name in ("index.html", f"{UPDATE_URL}index.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert "__tracker" not in text and "EventSource" not in text and "<script" not in text
    with opened(browser) as page:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
        for name in ("index.html", f"{UPDATE_URL}index.html"):
            page.goto((out / name).as_uri(), wait_until="load")
            expect(page.locator("main h1")).to_be_visible()
            assert page.locator("script").count() == 0
            assert page.evaluate("document.styleSheets.length") >= 1  # the CSS loaded from disk
        expect(page.locator("main")).to_contain_text("opened kindly")
        assert errors == []
