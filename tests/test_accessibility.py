"""Every page type in real Chromium, as the families who read the tracker meet it (SPEC 9):
axe-core at WCAG 2.2 AA, 320 px wide, 200% zoom, no JavaScript, the keyboard alone, print;
and the page weight budget of the example site.

The fixture site (FULL_SITE and a letter whose points are rows of a table) is built once into
tmp and served over http on 127.0.0.1, port 0, as a static host would serve it: unknown
addresses get 404.html (so the 404 page, whose links are absolute, is built for that address)
and the search page runs Pagefind. axe-core comes bundled in `axe-playwright-python` and is
evaluated in the page: nothing is fetched from outside.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import importlib.util
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import ARGS, CHROMIUM, FULL_SITE, build, write_files
from conftest import BROWSER_WAIT_MS as WAIT_MS
from htmlpage import html_pages, read_page

REPOSITORY = Path(__file__).resolve().parents[1]
TABLE_LETTER = """\
    ---
    title: "Joint inspection of local area SEND arrangements"
    date: 2023-11-02
    inspectorate: [Ofsted, CQC]
    kind: full-inspection
    ---
    Dear colleague

    ## Areas for priority action

    | Area for action | Responsible body |
    |---|---|
    | Leaders should cut waiting times for autism assessments. | Integrated care board |
    | Leaders should improve moves to adult health services. | County council, NHS trust |
    """
PAGES = {
    "home": "",
    "record": "areas/data-dashboard/",
    "letter": "letters/herts-2023/",
    "letter-table": "letters/table-2023/",
    "letters": "letters/",
    "updates": "updates/",
    "update-poll": "updates/2023-10-01-poll/",
    "timeline": "timeline/",
    "summary": "summary/",
    "glossary": "glossary/",
    "search": "search/",
    "page": "about/",
    "404": "no/such/page/",
}
"""One address of each page type (the search page is shown with results for QUERY)."""
QUERY = "dashboard"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HOME_BUDGET = 50_000
"""Bytes, uncompressed: the home page's HTML with every stylesheet, script and image it loads."""
PAGE_BUDGET = 100_000
"""Bytes of HTML, uncompressed, for any page of the example site."""


class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host: files from the output folder, 404.html for any other address."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site, built once for this module and served at the URL returned."""
    tmp = tmp_path_factory.mktemp("a11y")
    out = tmp / "out"
    out.mkdir()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Host, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        source = write_files(tmp / "site", {**FULL_SITE,
                                            "content/letters/table-2023.md": TABLE_LETTER})
        result = build(source, out, "--base-url", url)
        assert result.exit_code == 0, result.stderr
        table = read_page(out, "letters/table-2023/index.html")
        assert "Responsible body" in [e.text for e in table.all("th")]
        assert len([e for e in table.all("td") if e.inside("span")]) == 2, "two points as rows"
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
A4 = {"width": 794, "height": 1123}


class Tabs:
    """Debian's Chromium, driven from a thread of its own (the sync API drives one Playwright
    per thread, and test_browser's session-wide one may hold the main thread), with one page
    per set of context options shared by this module's tests: a new context for every test
    would cost more than the checks."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="chromium")
        self.contexts: dict[str, Any] = {}
        self.driver: Any = None
        self.browser: Any = None

    def start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.driver = sync_playwright().start()
        self.browser = self.driver.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                                   args=ARGS, timeout=30_000)

    def stop(self) -> None:
        for context in self.contexts.values():
            context.close()
        if self.browser is not None:
            self.browser.close()
        if self.driver is not None:
            self.driver.stop()

    def open(self, name: str, **options: Any) -> Any:
        """Page type `name`, the search page with results for QUERY when scripts run."""
        key = repr(sorted(options.items()))
        if key not in self.contexts:
            self.contexts[key] = self.browser.new_context(**options)
            self.contexts[key].set_default_timeout(WAIT_MS)
            self.contexts[key].new_page()
        page = self.contexts[key].pages[0]
        page.emulate_media(media="screen")
        response = page.goto(self.url + PAGES[name], wait_until="load")
        assert response is not None and response.status == (404 if name == "404" else 200)
        if name == "search" and options.get("java_script_enabled", True):
            page.locator(".pagefind-ui__search-input").fill(QUERY)
            page.locator(".pagefind-ui__result-link").first.wait_for()
            page.wait_for_function("() => !document.querySelector('.pagefind-ui__loading')")
        return page


@pytest.fixture(scope="module")
def tabs(site_url: str) -> Iterator[Tabs]:
    """Chromium for this module; fails (never skips) when it or Playwright is missing."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test, which installs chromium "
                    "(never `playwright install`)", pytrace=False)
    if importlib.util.find_spec("playwright") is None:
        pytest.fail("playwright is missing: pip install -e '.[test]'", pytrace=False)
    chromium = Tabs(site_url)
    try:
        chromium.thread.submit(chromium.start).result()
        yield chromium
    finally:
        chromium.thread.submit(chromium.stop).result()
        chromium.thread.shutdown()


def in_chromium(test: Callable[[Tabs, str], None]) -> Callable[[Tabs, str], None]:
    """Run the test in Chromium's thread, for each page type."""

    @functools.wraps(test)
    def run(tabs: Tabs, name: str) -> None:
        tabs.thread.submit(test, tabs, name).result()

    return pytest.mark.parametrize("name", list(PAGES))(run)


# axe-core -----------------------------------------------------------------------------------

def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.0/2.1/2.2 A and AA violations, one line per failing element. The
    axe.min.js bundled in axe-playwright-python is evaluated in the page: no download."""
    from axe_playwright_python.sync_playwright import Axe

    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(Axe().axe_script)
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    return [f"{v['id']} ({v['impact']}) at {node['target']}: {v['help']}"
            for v in results["violations"] for node in v["nodes"]]


@in_chromium
def test_no_axe_violations_on_a_desktop_or_a_phone(tabs: Tabs, name: str) -> None:
    page = tabs.open(name, viewport=DESKTOP)
    found = [f"1280 px: {line}" for line in axe_violations(page)]
    try:
        page.set_viewport_size(PHONE)
        found += [f"320 px: {line}" for line in axe_violations(page)]
    finally:
        page.set_viewport_size(DESKTOP)
    assert not found, f"{name}: {len(found)} axe violation(s):\n" + "\n".join(found)


# Reflow and zoom ----------------------------------------------------------------------------

CUT_TEXT = """() => {
  // Every piece of visible text, with the box it is drawn in: off the page, or clipped by an
  // ancestor that hides its overflow, is text cut off. A data table may scroll by itself, or in
  // a labelled region of its own (WCAG 1.4.10 exempts two-dimensional tables); nothing else may.
  const hidden = e => e.closest('.visually-hidden, .skip-link, [hidden]');
  const width = document.documentElement.clientWidth, cut = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || hidden(parent)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const box of range.getClientRects()) {
      if (box.width === 0) continue;
      let clip = '';
      for (let e = parent; e && e !== document.body && clip !== 'TABLE'; e = e.parentElement) {
        const s = getComputedStyle(e), r = e.getBoundingClientRect();
        const table = e.tagName === 'TABLE' ||
          (e.getAttribute('role') === 'region' && e.querySelector(':scope > table'));
        if (table && s.overflowX === 'auto') clip = 'TABLE';  // its own scroll box, focusable
        else if (s.overflowX !== 'visible' && (box.left < r.left - 1 || box.right > r.right + 1))
          clip = e.tagName;
      }
      if (clip !== 'TABLE' && (clip || box.left < -1 || box.right > width + 1))
        cut.push(`<${parent.tagName.toLowerCase()}> "${node.textContent.trim().slice(0, 40)}" at `
                 + `${Math.round(box.left)}..${Math.round(box.right)} of ${width} px ${clip}`);
    }
  }
  return cut;
}"""
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll('main *')]
  .filter(e => e.checkVisibility() && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => parseFloat(getComputedStyle(e).fontSize)))"""


def assert_reflows(page: Any, name: str, width: int, how: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: {scroll} px of content in a {width} px viewport ({how})"
    cut = page.evaluate(CUT_TEXT)
    assert not cut, f"{name}: text cut off ({how}):\n" + "\n".join(cut)


@in_chromium
def test_no_horizontal_scrolling_at_320_px(tabs: Tabs, name: str) -> None:
    assert_reflows(tabs.open(name, viewport=PHONE), name, 320, "320 px wide")


@in_chromium
def test_readable_at_200_percent_zoom(tabs: Tabs, name: str) -> None:
    """Chromium zoomed to 200% in a 1280 x 720 window lays a page out in a 640 x 360 CSS px
    viewport at two device pixels to the CSS pixel: emulated exactly so."""
    page = tabs.open(name, viewport={"width": 640, "height": 360}, device_scale_factor=2)
    assert_reflows(page, name, 640, "200% zoom")
    smallest = page.evaluate(SMALLEST_TEXT)
    assert smallest >= 15, f"{name}: text as small as {smallest} CSS px in the main content"


# Without JavaScript -------------------------------------------------------------------------

@in_chromium
def test_everything_readable_without_javascript(tabs: Tabs, name: str) -> None:
    from playwright.sync_api import expect

    page = tabs.open(name, viewport=DESKTOP)
    links = page.get_by_role("navigation", name="Main").locator("a").all_inner_texts()
    text = page.locator("main").inner_text()
    page = tabs.open(name, java_script_enabled=False)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    assert nav.locator("a").all_inner_texts() == links and len(links) >= 5, links
    for link in nav.locator("a").all():
        expect(link).to_be_visible()
    main = page.locator("main")
    expect(main.locator("h1")).to_be_visible()
    if name != "search":
        assert main.inner_text() == text, f"{name}: the page differs without JavaScript"
        return
    expect(main.get_by_text("Search needs JavaScript")).to_be_visible()
    for link in main.locator("ul a").all():
        expect(link).to_be_visible()
    main.get_by_role("link", name="Home").click()  # where every tracked area is listed
    expect(page.locator("main").get_by_role("link", name="Strengthen partnership governance")
           ).to_be_visible()


# Keyboard -----------------------------------------------------------------------------------

TABBABLE = """() => {
  // Everything Tab should reach, in document order, and how each looks without focus (a
  // change of text colour alone is no focus indicator). Focus starts at the top of the
  // document, as on a page just opened.
  const top = document.documentElement;
  top.tabIndex = -1; top.focus(); top.removeAttribute('tabindex');
  const all = [...document.querySelectorAll(
      'a[href], button, input, select, textarea, summary, [tabindex]')].filter(e =>
      e.tabIndex >= 0 && !e.disabled && e.checkVisibility({visibilityProperty: true}));
  window.__tabbable = all;
  window.__look = e => { const s = getComputedStyle(e);
    return [s.outlineStyle === 'none' ? 'none' : s.outline, s.boxShadow, s.backgroundColor,
            s.borderStyle === 'none' ? 'none' : s.borderWidth + s.borderColor].join('|'); };
  window.__before = all.map(e => window.__look(e));
  return all.map(e => `<${e.tagName.toLowerCase()}> "${(e.innerText || e.value
      || e.getAttribute('aria-label') || '').trim().slice(0, 40)}"`);
}"""
FOCUSED = """() => {
  // Which of them has focus, whether it looks focused, and whether it is on screen.
  const e = document.activeElement, i = window.__tabbable.indexOf(e);
  if (i < 0) return [i, e ? e.outerHTML.slice(0, 80) : '', false, false];
  const r = e.getBoundingClientRect(), shown = window.__look(e) !== window.__before[i];
  return [i, '', shown, r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight];
}"""


@in_chromium
def test_keyboard_reaches_everything_in_order_with_focus_shown(tabs: Tabs, name: str) -> None:
    page = tabs.open(name, viewport=DESKTOP)
    expected = page.evaluate(TABBABLE)
    assert expected[0] == '<a> "Skip to main content"', expected[:3]
    order, unseen, plain = [], [], []
    for _ in expected:
        page.keyboard.press("Tab")
        index, html, shown, seen = page.evaluate(FOCUSED)
        assert index >= 0, f"{name}: after {[expected[i] for i in order]}, Tab reached {html}"
        order.append(index)
        unseen += [] if seen else [expected[index]]
        plain += [] if shown else [expected[index]]
    assert order == list(range(len(expected))), \
        f"{name}: focus went {[expected[i] for i in order]}, not in document order"
    assert not unseen, f"{name}: focused but off screen: {unseen}"
    assert not plain, f"{name}: no visible focus indicator on {plain}"
    page.evaluate("window.__tabbable[0].focus()")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "the skip link skips to <main>"


# Print --------------------------------------------------------------------------------------

@in_chromium
def test_print_hides_navigation_and_shows_evidence_targets(tabs: Tabs, name: str) -> None:
    from playwright.sync_api import expect

    page = tabs.open(name, viewport=A4)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".skip-link")).to_be_hidden()
    expect(page.locator("main h1")).to_be_visible()
    evidence = page.locator(".evidence li")
    assert evidence.count() >= (4 if name in ("record", "timeline") else 0)
    for item in evidence.all():
        printed = item.locator(".print-url")
        expect(printed).to_be_visible()
        href = item.locator("a").evaluate("a => a.href.replace('/index.html', '/')")
        assert printed.inner_text().strip() == f"({href})", f"{name}: {href} printed as " \
            f"{printed.inner_text()!r}"


# Page weight --------------------------------------------------------------------------------

def test_page_weight_of_the_example_site(tmp_path: Path) -> None:
    """Uncompressed bytes: the home page with everything it loads, and every page's HTML."""
    out = tmp_path / "out"
    result = build(REPOSITORY, out)
    assert result.exit_code == 0, result.stderr
    home = read_page(out, "index.html")
    loaded = [link.url for link in home.links
              if (link.tag == "link" and "stylesheet" in link.rel) or link.tag in ("script", "img")]
    files = ["index.html", *(home.target(url) for url in loaded)]
    sizes = {f: (out / f).stat().st_size for f in files}
    total = sum(sizes.values())
    zipped = sum(len(gzip.compress((out / f).read_bytes())) for f in files)
    pages = {path: (out / path).stat().st_size for path in html_pages(out)}
    largest = max(pages, key=pages.__getitem__)
    report = (f"home page with its resources: {total:,} bytes uncompressed ({zipped:,} gzipped): "
              f"{sizes}; largest page: {largest} at {pages[largest]:,} bytes of HTML "
              f"({len(pages)} pages)")
    print(report)
    assert total < HOME_BUDGET, report
    assert all(size < PAGE_BUDGET for size in pages.values()), report
