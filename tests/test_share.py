"""Links that travel well (issue: families understand at a glance): every page says what it is
and where it stands, in its description and in the Open Graph and Twitter card tags that
share previewers read (WhatsApp, Facebook, Slack, X and others all read og:title,
og:description, og:url; X reads twitter:card), with its canonical address."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FULL_SITE, build, write_files
from htmlpage import HtmlPage

BASE = "https://forum.example.org/tracker/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("share")
    site = write_files(folder / "site", {
        **FULL_SITE, "site.yml": "title: Test tracker\ndescription: What was asked, and done.\n"})
    result = build(site, folder / "out", "--base-url", BASE)
    assert result.exit_code == 0, result.stderr
    return folder / "out"


def card(out: Path, path: str) -> dict[str, str]:
    page = HtmlPage(path, (out / path).read_text(encoding="utf-8"))
    tags = {m.attrs.get("property") or m.attrs.get("name", ""): m.attrs.get("content", "")
            for m in page.all("meta") if "content" in m.attrs}
    tags["canonical"] = page.one("link", rel="canonical").attrs["href"]
    tags["title"] = page.all("title")[0].text  # the head's; a chart has its own
    return tags


EXPECTED = {
    "index.html": ("Test tracker", "website", "What was asked, and done. 2 areas tracked: "
                   "1 identified by inspectors, 1 in progress."),
    "areas/data-dashboard/index.html": (
        "Improve the SEND data dashboard", "article",
        "Improve the SEND data dashboard: in progress since 1 October 2023."),
    "areas/governance/index.html": (
        "Strengthen partnership governance", "article",
        "Strengthen partnership governance: identified by inspectors since 20 December 2023."),
    "letters/herts-2023/index.html": (
        "Ofsted and CQC: joint inspection of Hertfordshire", "article",
        "Ofsted and CQC full inspection letter, 12 September 2023. 2 areas for priority action "
        "and 1 area for improvement, 2 of them tracked."),
    "letters/council-2023/index.html": (
        "The council's reply to the inspectors", "article",
        "Hertfordshire County Council: Reply letter, 20 October 2023."),
    "updates/2023-12-21-governance/index.html": (
        "Governance meeting", "article", "We went to a meeting about governance."),
}


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_a_shared_link_says_what_the_page_is_and_where_it_stands(out: Path, path: str) -> None:
    title, kind, summary = EXPECTED[path]
    tags = card(out, path)
    assert tags["description"] == tags["og:description"] == summary
    assert tags["og:title"] == title
    assert tags["og:type"] == kind
    assert tags["og:url"] == tags["canonical"] == BASE + path.removesuffix("index.html")
    assert tags["og:site_name"] == "Test tracker"
    assert tags["og:locale"] == "en_GB"
    assert tags["twitter:card"] == "summary"


def test_every_page_has_its_card(out: Path) -> None:
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert len(pages) >= 13
    for path in pages:
        tags = card(out, path)
        for name in ("description", "og:title", "og:description", "og:url", "og:type",
                     "twitter:card"):
            assert tags.get(name), (path, name)
        if path != "404.html":
            assert tags["og:url"] == tags["canonical"], path
