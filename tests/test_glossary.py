"""Plain words (issue: families understand at a glance): a glossary of SEND terms ships with the
default theme, site.yml adds to it or replaces entries, /glossary/ lists them all, and the
first use of a term on a page links to it, adding tags around a letter's words and never
changing one."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import FULL_SITE, build, check_errors, write_files
from htmlpage import HtmlPage

from tracker.content.glossary import default_glossary

LETTER = """\
---
title: "Ofsted and CQC: joint inspection of Hertfordshire"
date: 2023-09-12
inspectorate: [Ofsted, CQC]
kind: full-inspection
---
Dear colleague

## The SEND system and EHC plans

Too many EHC plans were late, and the ICB did not check the quality of EHC plans. The
integrated care board said the local offer would improve. The [SENCo network](https://example.com)
helps; SENCos in every school and the SENCo in each college say so.

## Areas for priority action

- Leaders should improve the SEND data dashboard.
- Leaders should strengthen partnership governance.

## Areas for improvement

- Leaders should improve the quality of EHC plans.
"""


def built(folder: Path, files: dict[str, str | bytes | None]) -> Path:
    site = write_files(folder / "site", {**FULL_SITE, "content/letters/herts-2023.md": LETTER,
                                          **files})
    result = build(site, folder / "out", "--today", "2024-01-01")
    assert result.exit_code == 0, result.stderr
    return folder / "out"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory.mktemp("glossary"), {})


def body(out: Path, slug: str = "herts-2023") -> str:
    """The letter's own words, as its page shows them."""
    source = (out / f"letters/{slug}/index.html").read_text(encoding="utf-8")
    start = source.index('<div class="letter-body">')
    return source[start:source.index("\n</div>", start)]


def test_the_default_glossary_has_forty_plain_entries() -> None:
    terms = default_glossary()
    assert len(terms) >= 40
    for term in terms:
        words = term.means.split()
        assert term.means.endswith(".") and 8 <= len(words) <= 60, term.term
    must = {"EHC plan", "ICB", "AP", "EOTAS", "CAMHS", "SENCo", "WSOA", "CCG"}
    assert must <= {t.short for t in terms}
    assert {"Graduated approach", "Local offer", "Co-production"} <= {t.term for t in terms}
    assert len({t.slug for t in terms}) == len(terms)


def test_the_first_use_of_each_term_links_to_it_and_only_the_first(out: Path) -> None:
    letter = body(out)
    links = re.findall(r'<a class="term" href="([^"]+)">(.*?)</a>', letter)
    targets = [href.split("#")[1] for href, _ in links]
    assert len(targets) == len(set(targets))  # once a page each
    found = dict((href.split("#")[1], words) for href, words in links)
    assert found["ehc-plan"] == '<abbr title="Education, health and care plan">EHC plans</abbr>'
    assert found["icb"] == '<abbr title="Integrated care board">ICB</abbr>'
    assert found["local-offer"] == "local offer"
    assert found["senco"] == '<abbr title="Special educational needs co-ordinator">SENCos</abbr>'
    assert "send" in found  # in the text: the heading's SEND is left alone
    assert all(href.startswith("../../glossary/index.html#") for href, _ in links)
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", letter)
    assert heading and "term" not in heading.group(1)
    assert '<a href="https://example.com">SENCo network</a>' in letter  # a link is left alone


def test_a_letters_words_are_kept_exactly(out: Path, tmp_path: Path) -> None:
    plain = built(tmp_path, {"site.yml": "title: Test tracker\nglossary: false\n"})
    assert 'class="term"' not in body(plain)
    words = [html.unescape(re.sub(r"<[^>]+>", "", body(folder))) for folder in (out, plain)]
    assert words[0] == words[1]


def test_the_glossary_page_lists_every_term(out: Path) -> None:
    page = HtmlPage("glossary/index.html", (out / "glossary/index.html").read_text(encoding="utf-8"))
    terms = page.all("dt")
    assert [t.attrs["id"] for t in terms] == [t.slug for t in default_glossary()]
    assert terms[0].text == "Alternative provision (AP)"
    letter = HtmlPage("x", (out / "letters/herts-2023/index.html").read_text(encoding="utf-8"))
    for link in letter.links:
        if "glossary/index.html#" in link.url:
            assert link.url.split("#")[1] in {t.attrs["id"] for t in terms}
    footer = page.one("footer")
    assert "Words used on this site" in footer.text


def test_site_yml_adds_and_replaces_entries(tmp_path: Path) -> None:
    out = built(tmp_path, {"site.yml": (
        "title: Test tracker\nglossary:\n"
        "  - term: Partnership board\n    means: Where the council and the forum meet.\n"
        "  - term: Education, health and care plan\n    short: EHC plan\n"
        "    means: Our own words for it.\n")})
    page = HtmlPage("g", (out / "glossary/index.html").read_text(encoding="utf-8"))
    entries = dict(zip((t.text for t in page.all("dt")), (d.text for d in page.all("dd")),
                       strict=True))
    assert entries["Partnership board"] == "Where the council and the forum meet."
    assert entries["Education, health and care plan (EHC plan)"] == "Our own words for it."
    assert len(entries) == len(default_glossary()) + 1


def test_a_glossary_entry_without_its_meaning_is_an_error(make_site) -> None:
    site = make_site({**FULL_SITE, "site.yml": (
        "title: Test tracker\nglossary:\n  - term: Board\n  - Just words\n")})
    assert check_errors(site) == [
        "site.yml:3:5: error: required field 'means' is missing\n    hint: add 'means: …'",
        "site.yml:4:5: error: each glossary entry is a block with term and means\n"
        "    hint: write '- term: …', then 'means: …' on the next line",
    ]


def test_a_real_report_has_its_jargon_explained(tmp_path: Path) -> None:
    """Bury's area SEND report, imported from the inspectorate's PDF: each of the terms that
    families meet in it links to the glossary once, and every word of the report is kept."""
    from conftest import run

    site = tmp_path / "site"
    assert run("init", str(site)).exit_code == 0
    report = Path(__file__).parent / "fixtures" / "pdfs" / "bury-2024.pdf"
    assert run("import", str(report), "--site", str(site)).exit_code == 0
    outs = {}
    for name, extra in (("marked", ""), ("plain", "glossary: false\n")):
        settings = site / "site.yml"
        settings.write_text(settings.read_text(encoding="utf-8").split("glossary:")[0] + extra,
                            encoding="utf-8")
        assert build(site, tmp_path / name, "--today", "2024-06-01").exit_code == 0
        outs[name] = tmp_path / name
    source = (outs["marked"] / "letters/bury-2024/index.html").read_text(encoding="utf-8")
    marked = re.findall(r'glossary/index\.html#([a-z-]+)"', source)
    for slug in ("ehc-plan", "icb", "ap", "eotas", "camhs", "graduated-approach", "local-offer",
                 "co-production"):
        assert marked.count(slug) == 1, slug
    words = [html.unescape(re.sub(r"<[^>]+>", "", body(outs[n], "bury-2024")))
             for n in ("marked", "plain")]
    assert words[0] == words[1]
