"""References that do not resolve, unsafe links, and how all errors are reported together.

Every case is a small site on disk checked with the real CLI: the exact line
`PATH:LINE:COL: error: MESSAGE` (with its hint), exit code 1, and no traceback.
"""

from __future__ import annotations

import pytest
from conftest import check, check_errors

RECORD = "content/actions/data-dashboard.yml"
UPDATE = "content/updates/2023-10-01-halfway.md"
TARGETS: dict[str, str | bytes | None] = {
    UPDATE: "---\ntitle: Halfway\ndate: 2023-10-01\n---\nBody.\n",
    "content/pages/about.md": "---\ntitle: About us\n---\nWe are a forum.\n",
    "static/plan.pdf": b"%PDF-1.4\n",
    "content/actions/board-plans.yml": """\
        title: Strengthen partnership governance
        tracks: [letter:herts-2023#P2]
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P2]
        actions:
          - id: board
            title: Set up a new board
            timeline:
              - date: 2023-09-12
                status: planned
                evidence: [letter:herts-2023#P2]
        """,
}
"""Besides MINIMAL_SITE: an update, a page, a static file, and a record with a sub-action."""
HEAD = "title: Improve the SEND data dashboard\ntracks: [letter:herts-2023#P1]\n"
LETTER_ANCHORS = "its points are P1, P2, I1; paragraphs are p1 to p6"
FORBIDDEN_HINT = ("    hint: link only to this site's pages (letter:, update:, …) "
                  "or to https:// addresses")


def citing(written: str) -> dict[str, str | bytes | None]:
    """TARGETS, and the record citing `written` as evidence on line 6, column 16."""
    return {**TARGETS, RECORD: HEAD + f"""\
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [{written}]
"""}


# Dangling references --------------------------------------------------------------------

@pytest.mark.parametrize(("written", "message", "hint"), [
    ("letter:herts-2024", "unknown letter 'herts-2024' in 'letter:herts-2024'",
     "did you mean 'letter:herts-2023'?"),
    ("letter:herts-2024#P1", "unknown letter 'herts-2024' in 'letter:herts-2024#P1'",
     "did you mean 'letter:herts-2023#P1'?"),
    ("letter:ofsted", "unknown letter 'ofsted' in 'letter:ofsted'",
     "no letter is called that; check the file name"),
    ("letter:herts-2023#P11", "letter 'herts-2023' has no point or paragraph 'P11'",
     f"did you mean 'letter:herts-2023#P1'? ({LETTER_ANCHORS.split(';')[0]})"),
    ("letter:herts-2023#P3", "letter 'herts-2023' has no point or paragraph 'P3'",
     LETTER_ANCHORS),
    ("letter:herts-2023#p9", "letter 'herts-2023' has no point or paragraph 'p9'",
     LETTER_ANCHORS),
    ("letter:herts-2023#p0", "letter 'herts-2023' has no point or paragraph 'p0'",
     LETTER_ANCHORS),
    ("letter:herts-2023#p01", "letter 'herts-2023' has no point or paragraph 'p01'",
     f"did you mean 'letter:herts-2023#p1'? ({LETTER_ANCHORS.split(';')[0]})"),
    ("letter:herts-2023#p²", "letter 'herts-2023' has no point or paragraph 'p²'",
     LETTER_ANCHORS),
    ("update:2023-10-01-halfwya", "unknown update '2023-10-01-halfwya' in "
     "'update:2023-10-01-halfwya'", "did you mean 'update:2023-10-01-halfway'?"),
    ("record:board-plan", "unknown record 'board-plan' in 'record:board-plan'",
     "did you mean 'record:board-plans'?"),
    ("record:board-plans#bord", "record 'board-plans' has no sub-action 'bord'",
     "did you mean 'record:board-plans#board'?"),
    ("record:board-plans#boar", "record 'board-plans' has no sub-action 'boar'",
     "did you mean 'record:board-plans#board'?"),
    ("record:data-dashboard#x", "record 'data-dashboard' has no sub-action 'x'",
     "record 'data-dashboard' has no sub-actions"),
    ("page:abut", "unknown page 'abut' in 'page:abut'", "did you mean 'page:about'?"),
    ("static:plan.pfd", "there is no file 'static/plan.pfd' for 'static:plan.pfd'",
     "did you mean 'static:plan.pdf'?"),
    ("page:about#team", "'page:about#team' cannot have a '#' part",
     "only letters (#P1, #p7) and records (#ACTION) have parts"),
    ("leter:herts-2023", "'leter:herts-2023' is not a reference",
     "did you mean 'letter:herts-2023'?"),
    ("herts-2023#P1", "'herts-2023#P1' is not a reference",
     "did you mean 'letter:herts-2023#P1'?"),
    ("https:example.org", "'https:example.org' is not a complete web address",
     "write it as https://example.org/page"),
])
def test_dangling_reference(make_site, written, message, hint):
    site = make_site(citing(written))
    assert check_errors(site) == [f"{RECORD}:6:16: error: {message}\n    hint: {hint}"]


def test_reference_with_a_title_is_reported_at_its_target(make_site):
    site = make_site({**TARGETS, RECORD: HEAD + """\
timeline:
  - date: 2023-09-12
    status: identified
    evidence:
      - {ref: "letter:herts-2023#P1", title: The letter}
      - {url: "static:plans.pdf", title: The plan}
"""})
    assert check_errors(site) == [
        f"{RECORD}:8:15: error: there is no file 'static/plans.pdf' for 'static:plans.pdf'\n"
        "    hint: did you mean 'static:plan.pdf'?",
    ]


def test_tracks_must_name_points(make_site):
    site = make_site({**TARGETS, RECORD: """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#p3, letter:herts-2023, update:2023-10-01-halfway]
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
        """})
    points = "letter:herts-2023#P1, letter:herts-2023#P2, letter:herts-2023#I1"
    assert check_errors(site) == [
        f"{RECORD}:2:10: error: 'tracks' must name points of letters, not 'letter:herts-2023#p3'\n"
        f"    hint: this letter's points are {points}",
        f"{RECORD}:2:32: error: 'tracks' must name points of letters, not 'letter:herts-2023'\n"
        f"    hint: this letter's points are {points}",
        f"{RECORD}:2:51: error: 'tracks' must name points of letters, not "
        "'update:2023-10-01-halfway'\n"
        "    hint: write it as letter:SLUG#P1",
    ]


def test_about_names_each_unknown_record_where_it_is_written(make_site):
    # assemble._check_about reports every unknown id at the start of the list.
    site = make_site({UPDATE: """\
        ---
        title: Halfway
        date: 2023-10-01
        about: [data-dashbord, nothing-like-it]
        ---
        Body.
        """})
    assert check_errors(site) == [
        f"{UPDATE}:4:9: error: unknown record 'data-dashbord' in 'about'\n"
        "    hint: did you mean 'data-dashboard'?",
        f"{UPDATE}:4:24: error: unknown record 'nothing-like-it' in 'about'\n"
        "    hint: 'about' lists record ids: the file names in content/actions/",
    ]


def test_a_letter_with_a_mistake_is_not_also_unknown_where_it_is_cited(make_site):
    # assemble leaves a letter that has errors out of the targets, so every reference to
    # it is also reported as "unknown letter … no letter is called that; check the file
    # name", which sends staff to look for a file that is there.
    site = make_site({"content/letters/herts-2023.md": """\
        ---
        title: "Ofsted and CQC: joint inspection of Hertfordshire"
        date: 2023-09-31
        ---
        ## Areas for priority action

        - Leaders should improve the SEND data dashboard.
        """})
    assert check_errors(site) == [
        "content/letters/herts-2023.md:3:7: error: '2023-09-31' is not a real date\n"
        "    hint: write dates as YYYY-MM-DD, for example 2025-10-14",
    ]


# Links in Markdown ----------------------------------------------------------------------

def test_links_in_an_update_body(make_site):
    site = make_site({**TARGETS, "content/updates/2023-11-01-news.md": """\
        ---
        title: News
        date: 2023-11-01
        ---
        The letter [named the dashboard](letter:herts-2023#P1) first.

        Later it spoke of
        the [board](letter:herts-2023#P7) and [the plan](record:board-plan).

        - an item with [a page](page:abut)

        | Where | Link |
        |---|---|
        | table | [update](update:2023-10-01-halfwya) |

        See [the about page][about].

        [about]: page:abouts
        """})
    path = "content/updates/2023-11-01-news.md"
    assert check_errors(site) == [
        f"{path}:8:13: error: letter 'herts-2023' has no point or paragraph 'P7'\n"
        f"    hint: {LETTER_ANCHORS}",
        f"{path}:8:50: error: unknown record 'board-plan' in 'record:board-plan'\n"
        "    hint: did you mean 'record:board-plans'?",
        f"{path}:10:25: error: unknown page 'abut' in 'page:abut'\n"
        "    hint: did you mean 'page:about'?",
        f"{path}:14:20: error: unknown update '2023-10-01-halfwya' in 'update:2023-10-01-halfwya'\n"
        "    hint: did you mean 'update:2023-10-01-halfway'?",
        f"{path}:18:10: error: unknown page 'abouts' in 'page:abouts'\n"
        "    hint: did you mean 'page:about'?",
    ]


def test_the_same_bad_link_twice_is_reported_at_each(make_site):
    site = make_site({UPDATE: """\
        ---
        title: Halfway
        date: 2023-10-01
        ---
        Not a link: update:gone. A link: [gone](update:gone), [again](update:gone).
        """})
    message = ("error: unknown update 'gone' in 'update:gone'\n"
               "    hint: no update is called that; check the file name")
    assert check_errors(site) == [f"{UPDATE}:5:41: {message}", f"{UPDATE}:5:63: {message}"]


def test_links_in_record_notes_of_every_yaml_style(make_site):
    site = make_site({**TARGETS, RECORD: HEAD + """\
summary: See [the letter](letter:herts-2023#P9).
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [letter:herts-2023#P1]
    note: |
      A literal block.
      Then [a bad link](update:nope) here.
  - date: 2023-09-13
    status: identified
    evidence: [letter:herts-2023#P1]
    note: >
      A folded block
      with [a link](page:abut).
  - date: 2023-09-14
    status: identified
    evidence: [letter:herts-2023#P1]
    note: "Quoted [link](record:board-plan)"
  - date: 2023-09-15
    status: identified
    evidence: [letter:herts-2023#P1]
    note: A plain note
      over two lines [with a link](static:plan.pfd).
"""})
    assert check_errors(site) == [
        f"{RECORD}:3:27: error: letter 'herts-2023' has no point or paragraph 'P9'\n"
        f"    hint: {LETTER_ANCHORS}",
        f"{RECORD}:10:25: error: unknown update 'nope' in 'update:nope'\n"
        "    hint: no update is called that; check the file name",
        f"{RECORD}:16:21: error: unknown page 'abut' in 'page:abut'\n"
        "    hint: did you mean 'page:about'?",
        f"{RECORD}:20:26: error: unknown record 'board-plan' in 'record:board-plan'\n"
        "    hint: did you mean 'record:board-plans'?",
        f"{RECORD}:25:36: error: there is no file 'static/plan.pfd' for 'static:plan.pfd'\n"
        "    hint: did you mean 'static:plan.pdf'?",
    ]


def test_unsafe_links_in_an_update(make_site):
    site = make_site({UPDATE: """\
        ---
        title: Halfway
        date: 2023-10-01
        ---
        Click [here](javascript:alert(1)) or <javascript:alert(2)>.

        - [Old browsers]( VBScript:MsgBox(1) )

        ![A chart](data:image/svg+xml;base64,PHN2Zz4=)

        [later]: JAVASCRIPT:alert(3)

        And [later] too.
        """})
    assert check_errors(site) == [
        f"{UPDATE}:5:14: error: 'javascript:' links are not allowed\n" + FORBIDDEN_HINT,
        f"{UPDATE}:5:39: error: 'javascript:' links are not allowed\n" + FORBIDDEN_HINT,
        f"{UPDATE}:7:19: error: 'vbscript:' links are not allowed\n" + FORBIDDEN_HINT,
        f"{UPDATE}:9:12: error: 'data:' links are not allowed\n" + FORBIDDEN_HINT,
        f"{UPDATE}:11:10: error: 'javascript:' links are not allowed\n" + FORBIDDEN_HINT,
    ]


def test_unsafe_links_in_a_record_note_and_a_page(make_site):
    site = make_site({
        RECORD: HEAD + """\
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [letter:herts-2023#P1]
    note: |
      See [the data](data:text/html,<b>hi</b>).
""",
        "content/pages/about.md": "---\ntitle: About\n---\nWrite [to us](javascript:void(0)).\n",
    })
    assert check_errors(site) == [
        f"{RECORD}:8:22: error: 'data:' links are not allowed\n" + FORBIDDEN_HINT,
        "content/pages/about.md:4:15: error: 'javascript:' links are not allowed\n"
        + FORBIDDEN_HINT,
    ]


# All at once ----------------------------------------------------------------------------

def test_errors_from_several_files_are_reported_at_once_sorted_by_path_then_line(make_site):
    site = make_site({
        **TARGETS,
        "site.yml": "title: Test tracker\ntheme: dark\n",
        UPDATE: "---\ntitle: Halfway\ndate: 2023-10-32\n---\nBody.\n",
        "content/pages/contact.md": "---\ntitel: Contact\n---\nUs.\n",
        RECORD: HEAD + """\
timeline:
  - date: 2023-09-12
    status: identified
    evidence: [letter:herts-2023#P1]
  - date: 2023-09-13
    status: identified
    evidence: [letter:herts-2023#P1]
  - date: 2023-09-14
    status: identified
    evidence: [letter:herts-2023#P1]
  - date: 2023-09-15
    status: unknown
    evidence: [letter:herts-2023#P1]
  - date: 2023-09-16
    status: identified
    evidence: [page:abut]
""",
        "content/actions/z-last.yml": "title: [Last\n",
    })
    result = check(site)
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    assert check_errors(site) == [
        f"{RECORD}:14:13: error: unknown status 'unknown'\n    hint: statuses: "
        "identified, planned, in-progress, completed, effective, ineffective",
        f"{RECORD}:18:16: error: unknown page 'abut' in 'page:abut'\n"
        "    hint: did you mean 'page:about'?",
        "content/actions/z-last.yml:1:8: error: this is not valid YAML: this '[' is never closed\n"
        "    hint: add ']' at the end, and separate its items with commas",
        "content/pages/contact.md:2:1: error: unknown field 'titel'\n"
        "    hint: did you mean 'title'?",
        f"{UPDATE}:3:7: error: '2023-10-32' is not a real date\n"
        "    hint: write dates as YYYY-MM-DD, for example 2025-10-14",
        "site.yml:2:8: error: there is no theme 'dark' in themes/",
    ]
    assert result.stderr.splitlines()[-1] == "6 error(s), 0 warning(s)"


def test_a_static_file_name_may_hold_a_hash(make_site):
    """'#' names a part of letters and records; in a static file's name it is just a letter."""
    site = make_site({
        "static/docs/plan#2.pdf": b"%PDF-1.4\n",
        "content/pages/about.md": "---\ntitle: About\n---\n"
                                  "[plan](static:docs/plan#2.pdf) [typo](static:docs/plan#3.pdf)\n",
    })
    assert check_errors(site) == [
        "content/pages/about.md:4:39: error: there is no file 'static/docs/plan#3.pdf' "
        "for 'static:docs/plan#3.pdf'\n    hint: did you mean 'static:docs/plan#2.pdf'?",
    ]
