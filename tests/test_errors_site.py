"""Mistakes in site.yml, in the front matter of letters, updates and pages, and in file names.

Every case is a small site on disk checked with the real CLI: the exact line
`PATH:LINE:COL: error: MESSAGE` (with its hint), exit code 1, and no traceback.
"""

from __future__ import annotations

import pytest
from conftest import check, check_errors

UPDATE = "content/updates/2023-10-01-halfway.md"
LETTER = "content/letters/herts-2024.md"
"""A second letter, cited by nothing, so that its mistakes stand alone."""
SITE_KEYS = ("title, description, base_url, language, owner, notice, theme, stale_after_days, "
             "require_evidence, statuses, points, glossary")
DATE_HINT = "    hint: write dates as YYYY-MM-DD, for example 2025-10-14"


def update(front_matter: str) -> dict[str, str]:
    """An update with this front matter (lines 2…) and a one-line body."""
    return {UPDATE: f"---\n{front_matter}---\nBody.\n"}


# site.yml: keys and types ---------------------------------------------------------------

def test_misspelt_key_in_site_yml_is_one_error(make_site):
    # 'titel' is the title, misspelt: one mistake, one message (not also "title is missing").
    site = make_site({"site.yml": "titel: Test tracker\n"})
    assert check_errors(site) == [
        "site.yml:1:1: error: unknown field 'titel'\n    hint: did you mean 'title'?",
    ]


def test_unknown_key_in_site_yml_lists_the_known_ones(make_site):
    site = make_site({"site.yml": "title: Test tracker\ncolour: blue\n"})
    assert check_errors(site) == [
        f"site.yml:2:1: error: unknown field 'colour'\n    hint: known fields: {SITE_KEYS}",
    ]


def test_missing_and_empty_title(make_site):
    assert check_errors(make_site({"site.yml": "owner: Forum\n"})) == [
        "site.yml:1:1: error: required field 'title' is missing\n    hint: add 'title: …'",
    ]
    assert check_errors(make_site({"site.yml": "title:\nowner: Forum\n"})) == [
        "site.yml:1:7: error: required field 'title' is empty\n    hint: add 'title: …'",
    ]


def test_stale_after_days_must_be_a_number(make_site):
    site = make_site({"site.yml": "title: Test tracker\nstale_after_days: soon\n"})
    assert check_errors(site) == [
        "site.yml:2:19: error: 'stale_after_days' must be a whole number, not text\n"
        "    hint: write it in digits, like 12",
    ]


def test_title_that_yaml_reads_as_a_list(make_site):
    site = make_site({"site.yml": "title: [a, b]\n"})
    assert check_errors(site) == [
        "site.yml:1:8: error: 'title' must be text, not a list\n"
        "    hint: put the text in quotes when it starts with [ or {",
    ]


def test_require_evidence_must_be_yes_or_no(make_site):
    site = make_site({"site.yml": "title: Test tracker\nrequire_evidence: always\n"})
    assert check_errors(site) == [
        "site.yml:2:19: error: 'require_evidence' must be true or false, not text",
    ]


@pytest.mark.parametrize("url", ["example.org/tracker/", "http://example.org/tracker/",
                                 "ftp://example.org/", "https://"])
def test_base_url_must_be_https(make_site, url):
    site = make_site({"site.yml": f"title: Test tracker\nbase_url: {url}\n"})
    assert check_errors(site) == [
        f"site.yml:2:11: error: base_url '{url}' must start with https://\n"
        "    hint: give the full address of the published site, e.g. https://example.org/tracker/",
    ]


@pytest.mark.parametrize("url", ["https://example.org/tracker/", "http://localhost:8000/"])
def test_base_url_https_or_a_local_preview(make_site, url):
    result = check(make_site({"site.yml": f"title: Test tracker\nbase_url: {url}\n"}))
    assert result.exit_code == 0, result.stderr


def test_theme_that_does_not_exist(make_site):
    site = make_site({"site.yml": "title: Test tracker\ntheme: dark\n",
                      "themes/darker/templates/base.html": "{{ page }}"})
    assert check_errors(site) == [
        "site.yml:2:8: error: there is no theme 'dark' in themes/\n    hint: did you mean 'darker'?",
    ]


# site.yml: statuses ---------------------------------------------------------------------

def test_unknown_status_preset(make_site):
    assert check_errors(make_site({"site.yml": "title: Test tracker\nstatuses: send-2024\n"})) == [
        "site.yml:2:11: error: unknown status preset 'send-2024'\n"
        "    hint: did you mean 'send-2023'?",
    ]
    assert check_errors(make_site({"site.yml": "title: Test tracker\nstatuses: ofsted\n"})) == [
        "site.yml:2:11: error: unknown status preset 'ofsted'\n"
        "    hint: presets: send-2023, send-2016, school-monitoring",
    ]


def test_unknown_tone(make_site):
    site = make_site({"site.yml": """\
        title: Test tracker
        statuses:
          - {id: identified, label: Identified, tone: nuetral}
          - {id: effective, label: Effective, tone: green, verdict: true}
        """})
    assert check_errors(site) == [
        "site.yml:3:47: error: unknown tone 'nuetral'\n    hint: did you mean 'neutral'?",
        "site.yml:4:45: error: unknown tone 'green'\n"
        "    hint: tones: neutral, info, good, warning, bad",
    ]


def test_status_listed_twice(make_site):
    site = make_site({"site.yml": """\
        title: Test tracker
        statuses:
          - {id: identified, label: Identified}
          - {id: effective, label: Effective, tone: good, verdict: true}
          - {id: identified, label: Seen by inspectors}
        """})
    assert check_errors(site) == [
        "site.yml:5:10: error: status 'identified' is listed twice\n"
        "    hint: give each status its own id",
    ]


def test_status_listed_twice_after_a_broken_one(make_site):
    site = make_site({"site.yml": """\
        title: Test tracker
        statuses:
          - {id: identified, tone: purple}
          - {id: identified, label: Identified}
        """})
    assert check_errors(site) == [
        "site.yml:3:28: error: unknown tone 'purple'\n"
        "    hint: tones: neutral, info, good, warning, bad",
        "site.yml:4:10: error: status 'identified' is listed twice\n"
        "    hint: give each status its own id",
    ]


# Letters --------------------------------------------------------------------------------

def test_letter_without_date(make_site):
    site = make_site({LETTER: "---\ntitle: A second letter\n---\nDear colleague\n"})
    assert check_errors(site) == [
        f"{LETTER}:2:1: error: required field 'date' is missing\n    hint: add 'date: …'",
    ]


@pytest.mark.parametrize(("written", "message"), [
    ("2023-02-30", "'2023-02-30' is not a real date"),
    ("12/09/2023", "'date' must be a date, not '12/09/2023'"),
    ("September 2023", "'date' must be a date, not 'September 2023'"),
])
def test_letter_date_that_is_not_a_date(make_site, written, message):
    site = make_site({LETTER: f"---\ntitle: A second letter\ndate: {written}\n---\nDear colleague\n"})
    assert check_errors(site) == [f"{LETTER}:3:7: error: {message}\n" + DATE_HINT]


def test_letter_reports_every_mistake_at_once(make_site):
    # documents.read_letter stops before reading visit_dates when the date is wrong.
    site = make_site({LETTER: """\
        ---
        title: A second letter
        date: 2023-13-01
        visit_dates: [2023-02-30]
        ---
        Dear colleague
        """})
    assert check_errors(site) == [
        f"{LETTER}:3:7: error: '2023-13-01' is not a real date\n" + DATE_HINT,
        f"{LETTER}:4:15: error: '2023-02-30' is not a real date\n" + DATE_HINT,
    ]


def test_unknown_marker_kind(make_site):
    site = make_site({LETTER: """\
        ---
        title: A second letter
        date: 2024-01-01
        ---
        Dear colleague

        The plans must improve. {.priorty}
        """})
    assert check_errors(site) == [
        f"{LETTER}:7:1: error: unknown point kind '.priorty' in a marker\n"
        "    hint: did you mean 'priority'?",
    ]


def test_two_markers_with_the_same_id(make_site):
    site = make_site({LETTER: """\
        ---
        title: A second letter
        date: 2024-01-01
        ---
        Dear colleague

        The dashboard must improve. {.priority #dashboard}

        The board must improve. {.improvement #dashboard}
        """})
    assert check_errors(site) == [
        f"{LETTER}:9:1: error: point id 'dashboard' is used twice in this letter\n"
        "    hint: give the marker another #id",
    ]


def test_marker_id_that_is_a_paragraph_anchor(make_site):
    # documents._blocks_and_points says "used twice" though the marker is used once:
    # the id is taken by the anchor of the first paragraph.
    site = make_site({LETTER: """\
        ---
        title: A second letter
        date: 2024-01-01
        ---
        Dear colleague

        The dashboard must improve. {.priority #p1}
        """})
    assert check_errors(site) == [
        f"{LETTER}:7:1: error: point id 'p1' is the anchor of paragraph 1 in this letter\n"
        "    hint: give the marker another #id: p1, p2, … name the letter's paragraphs",
    ]


# Updates --------------------------------------------------------------------------------

def test_update_without_title(make_site):
    site = make_site(update("date: 2023-10-01\n"))
    assert check_errors(site) == [
        f"{UPDATE}:2:1: error: required field 'title' is missing\n    hint: add 'title: …'",
    ]


def test_update_date_that_is_not_a_date(make_site):
    site = make_site(update("title: Halfway\ndate: last Tuesday\n"))
    assert check_errors(site) == [
        f"{UPDATE}:3:7: error: 'date' must be a date, not 'last Tuesday'\n" + DATE_HINT,
    ]


def test_unknown_key_in_front_matter(make_site):
    site = make_site(update("title: Halfway\ndate: 2023-10-01\nauthors: Forum team\n"))
    assert check_errors(site) == [
        f"{UPDATE}:4:1: error: unknown field 'authors'\n    hint: did you mean 'author'?",
    ]


POLL = """\
title: Our poll
date: 2023-10-01
poll:
  question: Has the dashboard helped?
  responses: {responses}
  results:
    - {{label: "Yes", count: 10}}
    - {{label: {no}, count: 20}}
"""


def test_poll_label_no_unquoted_is_yes_or_no(make_site):
    site = make_site(update(POLL.format(responses=30, no="No")))
    assert check_errors(site) == [
        f"{UPDATE}:9:15: error: 'label' must be text, not yes/no\n"
        "    hint: put the value in quotes: words like yes, no, on and off mean true or false",
    ]


def test_poll_counts_that_do_not_add_up(make_site):
    site = make_site(update(POLL.format(responses=460, no='"No"')))
    assert check_errors(site) == [
        f"{UPDATE}:6:14: error: the poll counts add up to 30, but 'responses' is 460\n"
        "    hint: correct the counts, or leave 'responses' out",
    ]


def test_poll_counts_that_add_up(make_site):
    result = check(make_site(update(POLL.format(responses=30, no='"No"'))))
    assert result.exit_code == 0, result.stderr


# File names -----------------------------------------------------------------------------

def test_file_names_that_are_not_slugs(make_site):
    site = make_site({
        "content/updates/Halfway Update.md": "---\ntitle: Halfway\ndate: 2023-10-01\n---\nBody.\n",
        "content/actions/Data_Board.yml": "title: Board\n",
        "content/pages/About.md": "---\ntitle: About\n---\nUs.\n",
    })
    assert check_errors(site) == [
        "content/actions/Data_Board.yml:1:1: error: the file name 'Data_Board' is not a valid slug\n"
        "    hint: use lower-case letters, digits and hyphens: rename it to 'data-board.yml'",
        "content/pages/About.md:1:1: error: the file name 'About' is not a valid slug\n"
        "    hint: use lower-case letters, digits and hyphens: rename it to 'about.md'",
        "content/updates/Halfway Update.md:1:1: error: the file name 'Halfway Update' is not a "
        "valid slug\n"
        "    hint: use lower-case letters, digits and hyphens: rename it to 'halfway-update.md'",
    ]


@pytest.mark.parametrize("slug", ["letters", "areas", "updates", "timeline", "search", "data"])
def test_page_that_collides_with_a_section(make_site, slug):
    site = make_site({f"content/pages/{slug}.md": "---\ntitle: Our page\n---\nText.\n"})
    assert check_errors(site) == [
        f"content/pages/{slug}.md:1:1: error: the page name '{slug}' is taken by a section of "
        "the site\n"
        f"    hint: rename the file, for example to 'about-{slug}.md'",
    ]
