"""Mistakes in action records: fields, timelines, statuses, verdicts, evidence, due dates, ids.

Every case is a small site on disk checked with the real CLI: the exact line
`PATH:LINE:COL: error: MESSAGE` (with its hint), exit code 1, and no traceback.
"""

from __future__ import annotations

import pytest
from conftest import check, check_errors

RECORD = "content/actions/data-dashboard.yml"
HEAD = "title: Improve the SEND data dashboard\ntracks: [letter:herts-2023#P1]\n"
"""Lines 1-2 of every record below."""
STATUSES = "identified, planned, in-progress, completed, effective, ineffective"
DATE_HINT = "    hint: write dates as YYYY-MM-DD, for example 2025-10-14"


def record(body: str) -> dict[str, str]:
    """The record file: HEAD, then `body` from line 3."""
    return {RECORD: HEAD + body}


# Fields ---------------------------------------------------------------------------------

def test_misspelt_tracks_and_evidence(make_site):
    site = make_site({RECORD: """\
        title: Improve the SEND data dashboard
        track: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
            status: identified
            evidnce: [letter:herts-2023#P1]
        """})
    assert check_errors(site) == [
        f"{RECORD}:2:1: error: unknown field 'track'\n    hint: did you mean 'tracks'?",
        f"{RECORD}:6:5: error: unknown field 'evidnce'\n    hint: did you mean 'evidence'?",
    ]


def test_record_without_timeline(make_site):
    site = make_site(record("owner: County council\n"))
    assert check_errors(site) == [
        f"{RECORD}:1:1: error: required field 'timeline' is missing\n    hint: add 'timeline: …'",
    ]


def test_empty_timeline(make_site):
    site = make_site(record("timeline: []\n"))
    assert check_errors(site) == [
        f"{RECORD}:3:11: error: the timeline needs at least one entry\n"
        "    hint: add an entry: '- date: YYYY-MM-DD', with 'status:' and 'evidence:'",
    ]


def test_timeline_entry_without_status(make_site):
    site = make_site(record("""\
timeline:
  - date: 2023-09-12
    evidence: [letter:herts-2023#P1]
"""))
    assert check_errors(site) == [
        f"{RECORD}:4:5: error: required field 'status' is missing\n    hint: add 'status: …'",
    ]


@pytest.mark.parametrize(("written", "message"), [
    ("2023-02-30", "'2023-02-30' is not a real date"),
    ("2023-9-1", "'date' must be a date, not '2023-9-1'"),
    ("last week", "'date' must be a date, not 'last week'"),
    ("20230912", "'date' must be a date, not a number"),
])
def test_entry_date_that_is_not_a_date(make_site, written, message):
    site = make_site(record(f"""\
timeline:
  - date: {written}
    status: identified
    evidence: [letter:herts-2023#P1]
"""))
    assert check_errors(site) == [f"{RECORD}:4:11: error: {message}\n" + DATE_HINT]


# Statuses and verdicts ------------------------------------------------------------------

def test_unknown_statuses(make_site):
    site = make_site(record("""\
timeline:
  - date: 2023-09-12
    status: in-progres
    evidence: [letter:herts-2023#P1]
  - date: 2023-10-12
    status: stalled
    evidence: [letter:herts-2023#P1]
"""))
    assert check_errors(site) == [
        f"{RECORD}:5:13: error: unknown status 'in-progres'\n    hint: did you mean 'in-progress'?",
        f"{RECORD}:8:13: error: unknown status 'stalled'\n    hint: statuses: {STATUSES}",
    ]


def test_verdict_without_a_letter(make_site):
    site = make_site({
        **record("""\
timeline:
  - date: 2023-09-12
    status: effective
    evidence: [update:2023-10-01-halfway, "https://example.org/report"]
"""),
        "content/updates/2023-10-01-halfway.md": "---\ntitle: Halfway\ndate: 2023-10-01\n---\nB.\n",
    })
    assert check_errors(site) == [
        f"{RECORD}:5:13: error: 'effective' is an inspectors' verdict: cite the letter that gives it\n"
        "    hint: add the letter to 'evidence', for example letter:SLUG#p12",
    ]


def test_verdict_with_a_letters_paragraph(make_site):
    site = make_site(record("""\
timeline:
  - date: 2023-09-12
    status: effective
    evidence: [letter:herts-2023#p2]
"""))
    result = check(site)
    assert result.exit_code == 0, result.stderr


# Evidence -------------------------------------------------------------------------------

NO_EVIDENCE = (
    "error: this timeline entry cites no evidence\n"
    "    hint: add 'evidence: [letter:…]', or set 'require_evidence: false' in site.yml"
)
WITHOUT_EVIDENCE = """\
timeline:
  - date: 2023-09-12
    status: identified
  - date: 2023-10-12
    status: planned
    evidence: []
"""


def test_require_evidence(make_site):
    site = make_site(record(WITHOUT_EVIDENCE))
    assert check_errors(site) == [f"{RECORD}:4:5: {NO_EVIDENCE}", f"{RECORD}:6:5: {NO_EVIDENCE}"]


def test_require_evidence_false_lifts_it(make_site):
    site = make_site({**record(WITHOUT_EVIDENCE),
                      "site.yml": "title: Test tracker\nrequire_evidence: false\n"})
    result = check(site)
    assert result.exit_code == 0, result.stderr


# Due dates ------------------------------------------------------------------------------

def test_due_date_move_without_a_note(make_site):
    site = make_site(record("""\
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [letter:herts-2023#P1]
actions:
  - id: new-dashboard
    title: Publish a new dashboard
    due: 2024-06-30
    timeline:
      - date: 2023-12-01
        status: planned
        due: 2024-09-30
        evidence: [letter:herts-2023#P1]
"""))
    assert check_errors(site) == [
        f"{RECORD}:14:14: error: a new due date needs a 'note' saying why it moved\n"
        "    hint: add 'note: …' to this entry",
    ]


def test_due_in_the_records_own_timeline(make_site):
    site = make_site(record("""\
timeline:
  - date: 2023-09-12
    status: identified
    due: 2024-06-30
    note: The council promised a date.
    evidence: [letter:herts-2023#P1]
"""))
    assert check_errors(site) == [
        f"{RECORD}:6:5: error: only sub-actions have a due date\n"
        "    hint: move this entry into a sub-action under 'actions:'",
    ]


# Duplicate ids --------------------------------------------------------------------------

SUB_ACTION = """\
  - id: new-dashboard
    title: {title}
    timeline:
      - date: 2023-09-12
        status: {status}
        evidence: [letter:herts-2023#P1]
"""
OWN_TIMELINE = """\
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [letter:herts-2023#P1]
actions:
"""


def test_sub_action_id_twice(make_site):
    site = make_site(record(
        OWN_TIMELINE
        + SUB_ACTION.format(title="Publish a new dashboard", status="planned")
        + SUB_ACTION.format(title="Publish it again", status="planned")
    ))
    assert check_errors(site) == [
        f"{RECORD}:14:9: error: sub-action id 'new-dashboard' is used twice\n"
        "    hint: give each sub-action its own id",
    ]


def test_sub_action_id_twice_after_a_broken_one(make_site):
    site = make_site(record(
        OWN_TIMELINE
        + SUB_ACTION.format(title="Publish a new dashboard", status="plannd")
        + SUB_ACTION.format(title="Publish it again", status="planned")
    ))
    assert check_errors(site) == [
        f"{RECORD}:12:17: error: unknown status 'plannd'\n    hint: did you mean 'planned'?",
        f"{RECORD}:14:9: error: sub-action id 'new-dashboard' is used twice\n"
        "    hint: give each sub-action its own id",
    ]
