"""Action records: timelines, sub-actions, statuses, reference titles, policy warnings (SPEC 2, 5, 6)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import check, lines
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.build import load_site
from tracker.content.model import Record, Site

TODAY = dt.date(2024, 1, 1)
RECORD = "content/actions/data-dashboard.yml"


def load(site_path: Path) -> Site:
    site, problems = load_site(site_path, TODAY)
    assert site is not None, [p.format() for p in problems if p.severity == "error"]
    return site


def read_record(make_site, text: str, files: dict | None = None) -> Record:
    """The record written as content/actions/data-dashboard.yml in the minimal site."""
    site = load(make_site({RECORD: text, **(files or {})}))
    return next(r for r in site.records if r.id == "data-dashboard")


def record_warnings(site_path: Path, *extra: str) -> list[str]:
    """The problem lines of `tracker check` about records (letters left out)."""
    return [line for line in lines(check(site_path, *extra)) if "/content/actions/" in line]


HEAD = "title: Improve the SEND data dashboard\ntracks: [letter:herts-2023#P1]\ntimeline:\n"
"""A record's first three lines: its timeline entries start on line 4."""


def entries(*steps: str) -> str:
    """Timeline lines, one entry a line, each written 'DATE STATUS'."""
    return "".join(f"  - {{date: {date}, status: {status}, evidence: [letter:herts-2023#P1]}}\n"
                   for date, status in (step.split() for step in steps))


def dated(record_or_action) -> list[tuple[str, str]]:
    return [(e.date.isoformat(), e.status.id) for e in record_or_action.timeline]


# Timelines -----------------------------------------------------------------------------

def test_entries_in_any_order_are_sorted_by_date(make_site):
    record = read_record(make_site, HEAD + entries(
        "2024-03-01 in-progress", "2023-09-12 identified", "2023-11-20 planned"))
    assert dated(record) == [
        ("2023-09-12", "identified"), ("2023-11-20", "planned"), ("2024-03-01", "in-progress"),
    ]
    assert record.status.id == "in-progress"
    assert record.status.label == "In progress"
    assert record.last_change == dt.date(2024, 3, 1)
    assert [e.line for e in record.timeline] == [5, 6, 4]


@pytest.mark.parametrize(("first", "second"), [("planned", "in-progress"), ("in-progress", "planned")])
def test_entries_on_the_same_date_keep_file_order(make_site, first, second):
    record = read_record(make_site, HEAD + entries(
        f"2023-10-01 {first}", f"2023-10-01 {second}", "2023-09-12 identified"))
    assert dated(record) == [("2023-09-12", "identified"), ("2023-10-01", first), ("2023-10-01", second)]
    assert record.status.id == second


@pytest.mark.parametrize(("owner", "owners"), [
    ("County council", ("County council",)),
    ("[County council, Integrated care board]", ("County council", "Integrated care board")),
    ("\n  - County council\n  - Integrated care board", ("County council", "Integrated care board")),
])
def test_owner_is_one_name_or_a_list(make_site, owner, owners):
    record = read_record(make_site, f"owner: {owner}\n" + HEAD + entries("2023-09-12 identified"))
    assert record.owners == owners


def test_record_without_owner_has_none(make_site):
    record = read_record(make_site, """\
        title: Improve the SEND data dashboard
        tracks: letter:herts-2023#P1
        timeline:
          - {date: 2023-09-12, status: identified, evidence: letter:herts-2023#P1}
        """)
    assert record.owners == ()
    assert [(t.kind, t.target, t.anchor) for t in record.tracks] == [("point", "herts-2023", "P1")]


# Sub-actions ---------------------------------------------------------------------------

SUB_ACTION = """\
    title: Improve the SEND data dashboard
    tracks: [letter:herts-2023#P1]
    timeline:
      - date: 2023-09-12
        status: identified
        evidence: [letter:herts-2023#P1]
    actions:
      - id: new-dashboard
        title: Publish a new dashboard
        owner: Council data team
        due: 2023-12-31
        timeline:
          - date: 2024-02-01
            status: in-progress
            due: 2024-06-30
            note: The supplier went out of business.
            evidence: [letter:herts-2023#P1]
          - date: 2023-10-01
            status: planned
            evidence: [letter:herts-2023#P1]
          - date: 2023-11-15
            status: planned
            due: 2024-03-31
            note: Waiting for the new data system.
            evidence: [letter:herts-2023#P1]
    """


def test_sub_action_keeps_its_original_due_date_and_every_move(make_site):
    action = read_record(make_site, SUB_ACTION).actions[0]
    assert (action.id, action.title, action.owners) == (
        "new-dashboard", "Publish a new dashboard", ("Council data team",))
    assert action.due == dt.date(2023, 12, 31)
    assert [(e.date, e.due, e.note.text if e.note else "") for e in action.moves] == [
        (dt.date(2023, 11, 15), dt.date(2024, 3, 31), "Waiting for the new data system."),
        (dt.date(2024, 2, 1), dt.date(2024, 6, 30), "The supplier went out of business."),
    ]
    assert action.current_due == dt.date(2024, 6, 30)
    assert dated(action) == [
        ("2023-10-01", "planned"), ("2023-11-15", "planned"), ("2024-02-01", "in-progress"),
    ]
    assert action.status.id == "in-progress"
    assert action.line == 8


def test_sub_action_without_moves_or_due_date(make_site):
    record = read_record(make_site, HEAD + entries("2023-09-12 identified") + """\
actions:
  - id: consult
    title: Consult families
    timeline:
""" + textwrap.indent(entries("2023-10-01 completed"), "    "))
    action = record.actions[0]
    assert (action.due, action.moves, action.current_due) == (None, (), None)
    assert action.owners == ()
    assert action.status.done


# Statuses ------------------------------------------------------------------------------

DELIVERY = [("identified", False, False), ("planned", False, False),
            ("in-progress", False, False), ("completed", True, False)]


@pytest.mark.parametrize(("preset", "verdicts"), [
    ("send-2023", [("effective", True, True), ("ineffective", False, True)]),
    ("send-2016", [("sufficient-progress", True, True), ("insufficient-progress", False, True)]),
    ("school-monitoring", [("taking-effective-action", True, True),
                           ("not-taking-effective-action", False, True)]),
])
def test_status_presets(make_site, preset, verdicts):
    site = load(make_site({"site.yml": f"title: Test tracker\nstatuses: {preset}\n"}))
    assert [(s.id, s.done, s.verdict) for s in site.config.statuses] == DELIVERY + verdicts


def test_default_statuses_are_send_2023(make_site):
    site = load(make_site())
    assert [s.id for s in site.config.statuses] == [
        "identified", "planned", "in-progress", "completed", "effective", "ineffective",
    ]
    assert site.records[0].status.label == "Identified by inspectors"


def test_verdict_of_a_preset_cited_with_a_letter(make_site):
    record = read_record(make_site, HEAD + entries("2023-09-12 identified", "2025-10-14 effective"))
    assert (record.status.id, record.status.done, record.status.verdict) == ("effective", True, True)


def test_custom_statuses(make_site):
    site_yml = """\
        title: Test tracker
        statuses:
          - {id: raised, label: Raised by the forum}
          - {id: working, label: Being worked on, tone: info}
          - {id: fixed, label: Fixed, tone: good, done: true}
          - {id: judged-good, label: Judged good, tone: good, done: true, verdict: true}
        """
    record = read_record(make_site, HEAD + entries("2023-09-12 raised", "2023-10-12 working"),
                         {"site.yml": site_yml})
    assert record.status.id == "working"
    assert (record.status.label, record.status.tone) == ("Being worked on", "info")
    site = load(make_site({"site.yml": site_yml, RECORD: None}))
    assert [(s.id, s.label, s.tone, s.done, s.verdict) for s in site.config.statuses] == [
        ("raised", "Raised by the forum", "neutral", False, False),
        ("working", "Being worked on", "info", False, False),
        ("fixed", "Fixed", "good", True, False),
        ("judged-good", "Judged good", "good", True, True),
    ]


# Reference titles ----------------------------------------------------------------------

EVERY_KIND = {
    "content/updates/2024-01-10-news.md": """\
        ---
        title: News from the forum
        date: 2024-01-10
        ---
        Hello.
        """,
    "content/pages/about.md": "---\ntitle: About us\n---\nWho we are.\n",
    "static/docs/plan.pdf": b"%PDF-1.4\n",
    "content/actions/governance.yml": """\
        title: Strengthen partnership governance
        tracks: [letter:herts-2023#P2]
        timeline:
          - {date: 2023-09-12, status: identified, evidence: [letter:herts-2023#P2]}
        actions:
          - id: new-board
            title: Set up a new board
            timeline:
              - {date: 2023-09-12, status: planned, evidence: [letter:herts-2023#P2]}
        """,
    RECORD: """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
            status: identified
            note: Named in [the letter](letter:herts-2023#P1), see [its paragraph](letter:herts-2023#p3).
            evidence:
              - letter:herts-2023
              - letter:herts-2023#P2
              - letter:herts-2023#p3
              - update:2024-01-10-news
              - record:governance
              - record:governance#new-board
              - page:about
              - static:docs/plan.pdf
              - https://example.org/report
              - {url: "https://example.org/plan.pdf", title: Priority action plan}
              - {ref: "letter:herts-2023#P1", title: The inspectors' letter}
        """,
}
LETTER_NAME = "Ofsted and CQC full inspection letter, 12 September 2023"


def test_every_kind_of_reference_has_its_targets_title(make_site):
    record = read_record(make_site, "", EVERY_KIND)
    refs = record.timeline[0].evidence
    assert [(r.kind, r.target, r.anchor, r.label) for r in refs] == [
        ("letter", "herts-2023", "", LETTER_NAME),
        ("point", "herts-2023", "P2", f"{LETTER_NAME}, area for priority action 2"),
        ("paragraph", "herts-2023", "p3", f"{LETTER_NAME}, paragraph 3"),
        ("update", "2024-01-10-news", "", "Forum update, 10 January 2024: News from the forum"),
        ("record", "governance", "", "Strengthen partnership governance"),
        ("action", "governance", "new-board", "Strengthen partnership governance: Set up a new board"),
        ("page", "about", "", "About us"),
        ("static", "docs/plan.pdf", "", "plan.pdf"),
        ("external", "https://example.org/report", "", "https://example.org/report"),
        ("external", "https://example.org/plan.pdf", "", "Priority action plan"),
        ("point", "herts-2023", "P1", "The inspectors' letter"),
    ]
    assert all(r.title == r.label for r in refs[:-2])
    assert [(r.title, r.link_text) for r in refs[-2:]] == [
        ("https://example.org/plan.pdf", "Priority action plan"),
        (f"{LETTER_NAME}, area for priority action 1", "The inspectors' letter"),
    ]
    assert [r.line for r in refs] == list(range(8, 19))
    assert all(r.is_letter for r in refs[:3]) and not any(r.is_letter for r in refs[3:-1])


def test_links_in_notes_are_resolved_with_titles(make_site):
    note = read_record(make_site, "", EVERY_KIND).timeline[0].note
    assert note is not None
    assert [(r.kind, r.title) for r in note.refs] == [
        ("point", f"{LETTER_NAME}, area for priority action 1"),
        ("paragraph", f"{LETTER_NAME}, paragraph 3"),
    ]


def test_seed_point_title(make_site):
    site = load(Path(__file__).resolve().parents[1])
    record = next(r for r in site.records if r.id == "dacorum-student-voice-planning")
    assert record.tracks[0].title == "Ofsted survey letter, 19 March 2009, area for development 1"


# Policy warnings -----------------------------------------------------------------------

def test_stale_record_is_flagged_at_its_latest_entry(make_site):
    site = make_site({RECORD: HEAD + entries("2023-09-12 planned", "2023-08-01 identified")})
    assert record_warnings(site) == [
        f"{site}/{RECORD}:4:1: warning: no update recorded since 12 September 2023",
    ]
    result = check(site)
    assert "hint: add a timeline entry when there is news (records are flagged after 90 days)" \
        in result.stderr


@pytest.mark.parametrize(("last", "stale"), [("2023-10-03", False), ("2023-10-02", True)])
def test_stale_after_days_is_counted_from_the_build_date(make_site, last, stale):
    site = make_site({RECORD: HEAD + entries(f"{last} identified")})
    expected = [f"{site}/{RECORD}:4:1: warning: no update recorded since 2 October 2023"]
    assert record_warnings(site) == (expected if stale else [])


def test_stale_after_days_from_site_yml(make_site):
    site = make_site({"site.yml": "title: Test tracker\nstale_after_days: 200\n"})
    assert record_warnings(site) == []
    assert record_warnings(site, "--today", "2024-04-01") == [
        f"{site}/{RECORD}:4:1: warning: no update recorded since 12 September 2023",
    ]


@pytest.mark.parametrize("status", ["completed", "effective"])
def test_done_record_is_never_stale(make_site, status):
    site = make_site({RECORD: HEAD + entries("2019-01-01 identified", f"2020-01-01 {status}")})
    assert record_warnings(site) == []


def overdue_site(make_site, more: str) -> Path:
    return make_site({RECORD: HEAD + entries("2023-12-01 in-progress") + f"""\
actions:
  - id: new-dashboard
    title: Publish a new dashboard
    due: 2023-12-15
    timeline:
      - {{date: 2023-10-01, status: planned, evidence: [letter:herts-2023#P1]}}
{more}"""})


def test_overdue_sub_action(make_site):
    site = overdue_site(make_site, "")
    assert record_warnings(site) == [
        f"{site}/{RECORD}:6:1: warning: sub-action 'new-dashboard' was due on 15 December 2023 "
        "and is not done",
    ]


def test_sub_action_moved_into_the_future_is_not_overdue(make_site):
    site = overdue_site(make_site, """\
      - date: 2023-12-10
        status: in-progress
        due: 2024-03-31
        note: The supplier is late.
        evidence: [letter:herts-2023#P1]
""")
    assert record_warnings(site) == []
    assert record_warnings(site, "--today", "2024-04-01") == [
        f"{site}/{RECORD}:4:1: warning: no update recorded since 1 December 2023",
        f"{site}/{RECORD}:6:1: warning: sub-action 'new-dashboard' was due on 31 March 2024 "
        "and is not done",
    ]


def test_sub_action_moved_but_still_past_is_overdue_by_its_new_date(make_site):
    site = overdue_site(make_site, """\
      - date: 2023-12-10
        status: in-progress
        due: 2023-12-20
        note: A short delay.
        evidence: [letter:herts-2023#P1]
""")
    assert record_warnings(site) == [
        f"{site}/{RECORD}:6:1: warning: sub-action 'new-dashboard' was due on 20 December 2023 "
        "and is not done",
    ]


def test_done_sub_action_is_not_overdue(make_site):
    site = overdue_site(make_site, """\
      - {date: 2023-12-20, status: completed, evidence: [letter:herts-2023#P1]}
""")
    assert record_warnings(site) == []


def test_sub_action_due_on_the_build_date_is_not_overdue(make_site):
    site = overdue_site(make_site, "")
    assert record_warnings(site, "--today", "2023-12-15") == []


def test_untracked_points_are_flagged_at_their_line(make_site):
    site = make_site()
    result = check(site)
    letter_lines = [line for line in lines(result) if "/content/letters/" in line]
    assert letter_lines == [
        f"{site}/content/letters/herts-2023.md:12:1: warning: "
        "area for priority action 2 (P2) is not tracked by any record: "
        "“Leaders should strengthen partnership governance.”",
        f"{site}/content/letters/herts-2023.md:16:1: warning: "
        "area for improvement 1 (I1) is not tracked by any record: "
        "“Leaders should improve the quality of EHC plans.”",
    ]
    assert "hint: add a record with 'tracks: [letter:herts-2023#P2]'" in result.stderr


def test_point_tracked_by_any_record_is_not_flagged(make_site):
    site = make_site({"content/actions/all-points.yml": """\
        title: Everything at once
        tracks: [letter:herts-2023#P2, letter:herts-2023#I1]
        timeline:
          - {date: 2023-12-01, status: planned, evidence: [letter:herts-2023]}
        """})
    assert [line for line in lines(check(site)) if "/content/letters/" in line] == []


_NOTE_PIECES = st.sampled_from(
    list("aZé Ω  \t\n\r\x00\x0b\x1f\x7f\x85\u2028\u3000\ufffd") + list("0123456789")
    + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
    + ["&amp;", "&#35;", "&copy;", "<https://a.example>", "[a](b)", "**b**", "~~s~~", "1. ", "- "])
_NOTES = st.lists(_NOTE_PIECES, max_size=10).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_NOTES.map(lambda s: "Plan " + s) | _NOTES)
def test_a_note_of_plain_words_renders_as_the_parser_renders_it(note):
    """Most notes are one line of words, which skip the Markdown parser: whatever the note,
    what is kept (HTML, plain text, lead, links) is what the parser makes of it."""
    from tracker.content.markdown import markup
    from tracker.content.safeyaml import Pos
    from tracker.content.texts import markup_of, parse_markup

    parsed = parse_markup(note, "note.yml", Pos(1, 1), [])
    assert parsed == markup_of(note, markup.render_text(note))
    assert parsed.html == markup_of(note, markup.render_text(note)).html
