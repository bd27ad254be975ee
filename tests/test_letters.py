"""Letters: block anchors, point detection, numbering, labels, markers (SPEC section 3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.build import load_site
from tracker.content.config import DEFAULT_POINTS
from tracker.content.markdown import markup
from tracker.content.markdown.markup import KindSpec
from tracker.content.model import Letter
from tracker.content.safeyaml import Pos
from tracker.content.texts import parse_markup

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2024, 1, 1)


def errors(problems: list) -> list[str]:
    return [p.format() for p in problems if p.severity == "error"]


def read_letter(make_site, body: str, front: str = "", files: dict | None = None) -> Letter:
    """Write content/letters/test-letter.md (front matter + body) into a valid site; load it."""
    text = f"---\ntitle: Test letter\ndate: 2024-02-01\n{front}---\n{body}"
    site_path = make_site({"content/letters/test-letter.md": text, **(files or {})})
    site, problems = load_site(site_path, TODAY)
    assert site is not None, errors(problems)
    return site.letter_by_slug["test-letter"]


def walk(body: str) -> list[tuple[str, str, str]]:
    """The blocks the letter rule finds in `body`: (anchor, kind, plain text). The model keeps
    only their anchors, kinds and points."""
    kinds = [KindSpec(k.id, k.prefix, k.label, k.phrases) for k in DEFAULT_POINTS]
    return [(b.anchor, b.kind, b.text) for b in markup.render_letter(body, kinds, True)[1].blocks]


def points(letter: Letter) -> list[tuple[str, str, str]]:
    return [(p.id, p.label, p.text) for p in letter.points]


# Anchors -------------------------------------------------------------------------------

def test_every_block_gets_an_anchor_in_document_order(make_site):
    body = """\
# Heading

First paragraph.

- Item one

  Second paragraph of item one.
- Item two
  - Nested a
  - Nested b
1. Ordered

| Column | Other |
|---|---|
| Row one | x |
| Row two | y |

> Quoted paragraph.
"""
    assert walk(body) == [
        ("p1", "heading", "Heading"),
        ("p2", "paragraph", "First paragraph."),
        ("p3", "item", "Item one Second paragraph of item one."),
        ("p4", "item", "Item two"),
        ("p5", "item", "Nested a"),
        ("p6", "item", "Nested b"),
        ("p7", "item", "Ordered"),
        ("p8", "row", "Row one x"),
        ("p9", "row", "Row two y"),
        ("p10", "paragraph", "Quoted paragraph."),
    ]
    letter = read_letter(make_site, body)
    assert [(b.anchor, b.kind, b.point) for b in letter.blocks] == [
        (anchor, kind, "") for anchor, kind, _ in walk(body)]


def test_anchors_are_rendered_as_ids_and_markers_are_not_shown(make_site):
    letter = read_letter(make_site, "Intro\n\nPlease act. {.priority}\n")
    html = markup.fill(letter.body.html, letter.body.hrefs, lambda url: url)
    assert html == '<p id="p1">Intro</p>\n<p id="p2">Please act.</p>\n'


def test_a_letter_is_rendered_once_and_filled_per_page(make_site):
    """Links and notes are holes in HTML rendered once; each page fills them in."""
    letter = read_letter(make_site, "See [it](https://a.example/).\n\n- Item [x](<https://b.example/?a&b>)\n")
    html = markup.fill(letter.body.html, letter.body.hrefs, lambda url: f"{url}#here",
                       before={"p2": "<i>B</i>"}, after={"p1": "<i>A</i>"})
    assert html == ('<p id="p1">See <a href="https://a.example/#here">it</a>.<i>A</i></p>\n'
                    '<ul>\n<li id="p2"><i>B</i>Item <a href="https://b.example/?a&amp;b#here">x</a>'
                    '</li>\n</ul>\n')


def test_text_that_looks_like_a_hole_stays_text():
    body = parse_markup("A \x00L0\x00 and \x00Bp1\x00 [x](https://a.example/)", "x.md", Pos(1, 1), [])
    html = markup.fill(body.html, body.hrefs, lambda url: "LINK", {"p1": "NOTE"})
    assert html == '<p>A \ufffdL0\ufffd and \ufffdBp1\ufffd <a href="LINK">x</a></p>\n'


# Points under headings -----------------------------------------------------------------

@pytest.mark.parametrize("heading", [
    "Areas for improvement",
    "AREAS FOR IMPROVEMENT",
    "areas for improvement identified",
    "What does the school need to do to improve further?",
])
def test_heading_beginning_with_a_phrase_opens_a_point_section(make_site, heading):
    letter = read_letter(make_site, f"## {heading}\n\n- Improve attendance.\n- Improve reading.\n")
    assert [(p.id, p.kind, p.text, p.context) for p in letter.points] == [
        ("I1", "improvement", "Improve attendance.", heading),
        ("I2", "improvement", "Improve reading.", heading),
    ]
    assert [(p.anchor, p.line) for p in letter.points] == [("p2", 7), ("p3", 8)]


def test_heading_with_the_phrase_later_in_it_opens_no_section(make_site):
    letter = read_letter(make_site, "## Next steps: areas for improvement\n\n- Improve attendance.\n")
    assert letter.points == ()


def test_table_rows_under_a_heading_are_points_with_owners(make_site):
    letter = read_letter(make_site, """\
## Areas for priority action

| Area | Responsible body |
|---|---|
| Improve the SEND data dashboard | County council, Integrated care board |
| Strengthen governance | County council; NHS trust |

| Area | Lead |
|---|---|
| Improve EHC plans | the council |
""")
    assert [(p.id, p.text, p.owners) for p in letter.points] == [
        ("P1", "Improve the SEND data dashboard", ("County council", "Integrated care board")),
        ("P2", "Strengthen governance", ("County council", "NHS trust")),
        ("P3", "Improve EHC plans the council", ()),
    ]
    # Header rows are no blocks; body rows are.
    assert [(b.anchor, b.kind) for b in letter.blocks] == [
        ("p1", "heading"), ("p2", "row"), ("p3", "row"), ("p4", "row"),
    ]


def test_section_continues_through_deeper_headings_and_ends_at_the_same_level(make_site):
    letter = read_letter(make_site, """\
## Areas for development

### Identifying needs

- Assess needs sooner.
- Share assessments.

#### Within schools

- Train staff.

## Other strengths

- Leaders are ambitious.

# Summary

- Not a point either.
""")
    assert [(p.id, p.label, p.context, p.text) for p in letter.points] == [
        ("I1", "area for development 1", "Identifying needs", "Assess needs sooner."),
        ("I2", "area for development 2", "Identifying needs", "Share assessments."),
        ("I3", "area for development 3", "Within schools", "Train staff."),
    ]


def test_sub_heading_with_a_phrase_does_not_end_the_outer_section(make_site):
    letter = read_letter(make_site, """\
## Areas for improvement

### Areas for development in the early years

- Share assessments.

### Identifying needs

- Assess needs sooner.

## Other strengths

- Leaders are ambitious.
""")
    assert [(p.id, p.label, p.context) for p in letter.points] == [
        ("I1", "area for development 1", "Areas for development in the early years"),
        ("I2", "area for improvement 2", "Identifying needs"),
    ]


# Points from lead-in paragraphs --------------------------------------------------------

def test_lead_in_paragraph_with_a_phrase_anywhere_opens_its_list(make_site):
    letter = read_letter(make_site, """\
## Next steps

The local area partnership should work to tackle the following areas of significant weakness:

- The timeliness of EHC plans.
- The quality of EHC plans.

Areas for improvement, which we discussed, include:

1. ensuring that parents are heard
2. broadening the curriculum
""")
    assert [(p.id, p.label, p.context, p.text) for p in letter.points] == [
        ("P1", "area of significant weakness 1", "Next steps", "The timeliness of EHC plans."),
        ("P2", "area of significant weakness 2", "Next steps", "The quality of EHC plans."),
        ("I1", "area for improvement 1", "Next steps", "ensuring that parents are heard"),
        ("I2", "area for improvement 2", "Next steps", "broadening the curriculum"),
    ]
    # The lead-in paragraph itself is no point.
    assert letter.blocks[1].anchor == "p2" and letter.blocks[1].point == ""


@pytest.mark.parametrize("between", ["Something else entirely.\n\n", "## A heading\n\n", "---\n\n"])
def test_phrase_in_a_paragraph_not_followed_by_a_list_creates_no_points(make_site, between):
    letter = read_letter(make_site, f"""\
The school should take further action to improve attendance.

{between}- Leaders are ambitious.
""")
    assert letter.points == ()


# Numbering and labels ------------------------------------------------------------------

def test_points_are_numbered_per_kind_in_document_order(make_site):
    letter = read_letter(make_site, """\
## Areas for priority action

- Priority one.

## Areas for improvement

- Improvement one.
- Improvement two.

## Priorities for further improvement

- Priority two.
""")
    assert [(p.id, p.kind, p.number, p.anchor) for p in letter.points] == [
        ("P1", "priority", 1, "p2"),
        ("I1", "improvement", 1, "p4"),
        ("I2", "improvement", 2, "p5"),
        ("P2", "priority", 2, "p7"),
    ]
    assert [b.point for b in letter.blocks] == ["", "P1", "", "I1", "I2", "", "P2"]


@pytest.mark.parametrize(("heading", "label"), [
    ("Areas for development", "area for development 1"),
    ("Areas for improvement", "area for improvement 1"),
    ("Areas for priority action", "area for priority action 1"),
    ("Priorities for further improvement", "priority for further improvement 1"),
    ("The school should take further action to:", "area for improvement 1"),
    ("What does the school need to do to improve further?", "area for improvement 1"),
])
def test_labels_come_from_the_phrase(make_site, heading, label):
    letter = read_letter(make_site, f"## {heading}\n\n- Do it.\n")
    assert [p.label for p in letter.points] == [label]


# Explicit markers ----------------------------------------------------------------------

def test_markers_on_a_paragraph_an_item_and_a_row(make_site):
    letter = read_letter(make_site, """\
## Findings

Leaders must act on waiting times. {.priority}

- Leaders should publish the *local offer*. {.improvement #local-offer}
- Leaders are ambitious.

| Area | Responsible body |
|---|---|
| Improve transitions {.improvement #transitions} | County council |
| Celebrate success | County council |
""")
    assert [(p.id, p.kind, p.label, p.context, p.text, p.owners) for p in letter.points] == [
        ("P1", "priority", "area for priority action 1", "Findings",
         "Leaders must act on waiting times.", ()),
        ("local-offer", "improvement", "area for improvement 1", "Findings",
         "Leaders should publish the local offer.", ()),
        ("transitions", "improvement", "area for improvement 2", "Findings",
         "Improve transitions", ("County council",)),
    ]
    assert [(b.anchor, b.point) for b in letter.blocks] == [
        ("p1", ""), ("p2", "P1"), ("p3", "local-offer"), ("p4", ""), ("p5", "transitions"),
        ("p6", ""),
    ]
    assert "{" not in markup.fill(letter.body.html, letter.body.hrefs, lambda url: url)


def test_points_with_custom_ids_can_be_tracked(make_site):
    site_path = make_site({
        "content/letters/test-letter.md":
            "---\ntitle: T\ndate: 2024-02-01\n---\nAct now. {.priority #act-now}\n",
        "content/actions/act-now.yml": """\
            title: Act now
            tracks: [letter:test-letter#act-now]
            timeline:
              - {date: 2024-02-01, status: identified, evidence: [letter:test-letter#act-now]}
            """,
    })
    site, problems = load_site(site_path, TODAY)
    assert site is not None, errors(problems)
    record = next(r for r in site.records if r.id == "act-now")
    assert record.tracks[0].title == "Letter, 1 February 2024, area for priority action 1"
    assert not [p for p in problems if p.path == "content/letters/test-letter.md"]


def test_explicit_beats_guessed_one_marker_removes_every_guess(make_site):
    body = """\
## Areas for improvement

- Improve attendance.
- Keep children safe. {.priority}

Leaders should also:

- publish the local offer {.improvement}
"""
    assert [(p.id, p.label, p.text) for p in read_letter(make_site, body).points] == [
        ("P1", "area for priority action 1", "Keep children safe."),
        ("I1", "area for improvement 1", "publish the local offer"),
    ]
    guessed = body.replace(" {.priority}", "").replace(" {.improvement}", "")
    assert [p.id for p in read_letter(make_site, guessed).points] == ["I1", "I2", "I3"]


def test_a_marked_nested_item_is_the_point_in_document_order(make_site):
    letter = read_letter(make_site, """\
## Areas for priority action

- First area.
  - A nested step. {.priority}
- Second area. {.priority}
""")
    assert [(p.id, p.anchor, p.text) for p in letter.points] == [
        ("P1", "p3", "A nested step."),
        ("P2", "p4", "Second area."),
    ]


def test_a_point_is_its_whole_item_with_its_sub_list_and_no_sub_item_is_a_point(make_site):
    letter = read_letter(make_site, """\
## Areas for priority action

- Leaders should urgently improve:
  - access to speech and language therapy
  - the educational psychology service.
- Leaders should publish the local offer.
""")
    assert [(p.id, p.anchor, p.text) for p in letter.points] == [
        ("P1", "p2", "Leaders should urgently improve: • access to speech and language therapy "
                     "• the educational psychology service."),
        ("P2", "p5", "Leaders should publish the local offer."),
    ]


def test_braces_that_are_not_a_marker_stay_in_the_text(make_site):
    body = "The plan {in draft} was shared.\n\nCode `{.priority}`\n"
    assert read_letter(make_site, body).points == ()
    assert [text for _, _, text in walk(body)] == ["The plan {in draft} was shared.",
                                                   "Code {.priority}"]


# Turning detection off and on ----------------------------------------------------------

SECTION = "## Areas for priority action\n\n- Improve the dashboard.\n"


def test_points_false_creates_none(make_site):
    letter = read_letter(make_site, SECTION, front="points: false\n")
    assert letter.points == ()
    assert [b.anchor for b in letter.blocks] == ["p1", "p2"]


@pytest.mark.parametrize("kind", ["monitoring", "revisit", "Monitoring"])
def test_judging_letters_create_no_points(make_site, kind):
    letter = read_letter(make_site, SECTION, front=f"kind: {kind}\n")
    assert letter.points == ()


@pytest.mark.parametrize("kind", ["monitoring", "revisit"])
def test_judging_letters_create_points_when_asked(make_site, kind):
    letter = read_letter(make_site, SECTION, front=f"kind: {kind}\npoints: true\n")
    assert points(letter) == [("P1", "area for priority action 1", "Improve the dashboard.")]


def test_custom_point_kinds_from_site_yml(make_site):
    site_yml = """\
        title: Test tracker
        points:
          recommendation:
            label: Recommendation
            prefix: R
            phrases: [Recommendations, we recommend that]
          concern:
            label: Key concern
            prefix: KC
            phrases: [Key concerns]
        """
    body = """\
## Recommendations for the council

- Publish the plan.

## Key concerns

- Waiting lists.

In summary, we recommend that the partnership:

- meets monthly.

## Areas for improvement

- Not a point with these settings.
"""
    letter = read_letter(make_site, body, files={
        "site.yml": site_yml, "content/actions/data-dashboard.yml": None,
    })
    assert [(p.id, p.kind, p.label, p.text) for p in letter.points] == [
        ("R1", "recommendation", "recommendation 1", "Publish the plan."),
        ("KC1", "concern", "key concern 1", "Waiting lists."),
        ("R2", "recommendation", "recommendation 2", "meets monthly."),
    ]


# The example site's letters ------------------------------------------------------------

@pytest.fixture(scope="module")
def example() -> dict[str, Letter]:
    site, problems = load_site(REPO, TODAY)
    assert site is not None, errors(problems)
    return site.letter_by_slug


def test_dacorum_letter_has_one_area_for_development(example):
    letter = example["dacorum-2009"]
    assert [(p.id, p.kind, p.label, p.context) for p in letter.points] == [
        ("I1", "improvement", "area for development 1", "Areas for development"),
    ]
    assert letter.points[0].text.startswith("Extend students' role")
    assert {b.anchor: b.point for b in letter.blocks}[letter.points[0].anchor] == "I1"


def test_harlington_letter_has_two_areas_for_improvement(example):
    letter = example["harlington-2010"]
    assert [(p.id, p.label) for p in letter.points] == [
        ("I1", "area for improvement 1"), ("I2", "area for improvement 2"),
    ]
    assert letter.points[0].text.startswith("ensuring that opportunities")
    assert letter.points[1].text.startswith("broadening the involvement")


def test_letter_name_says_inspectorate_kind_and_date(example, make_site):
    assert example["dacorum-2009"].name == "Ofsted survey letter, 19 March 2009"
    assert example["harlington-2010"].name == "Ofsted survey letter, 2 February 2010"
    site, problems = load_site(make_site(), TODAY)
    assert site is not None, errors(problems)
    assert site.letter_by_slug["herts-2023"].name == \
        "Ofsted and CQC full inspection letter, 12 September 2023"
    assert read_letter(make_site, "Text.\n").name == "Letter, 1 February 2024"


def test_letter_name_lists_three_inspectorates_as_english(make_site):
    letter = read_letter(make_site, "Text.\n", front="inspectorate: [Ofsted, CQC, HMICFRS]\nkind: joint\n")
    assert letter.name == "Ofsted, CQC and HMICFRS joint letter, 1 February 2024"

