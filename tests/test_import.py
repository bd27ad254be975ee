"""`tracker import`: a pasted letter → content/letters/SLUG.md, every word kept (SPEC 3, 8)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import build, check, run

from tracker.authoring import importer, intake
from tracker.authoring.importer import import_letter
from tracker.build import load_site
from tracker.cli import main
from tracker.content.files import MAX_FILE_BYTES
from tracker.content.model import Letter

FIXTURES = Path(__file__).parent / "fixtures"
DACORUM = (FIXTURES / "letter-2009-dacorum-survey.txt").read_text(encoding="utf-8")
HARLINGTON = (FIXTURES / "letter-2010-harlington-survey.txt").read_text(encoding="utf-8")
TODAY = dt.date(2024, 1, 1)

HEAD = """\
Ofsted
Piccadilly Gate
Manchester M1 2WD

10 December 2015

Mrs J Smith
Headteacher
Oakwood Primary School
Oak Lane
Watford WD1 1AA

Dear Mrs Smith

Ofsted survey: reading for pleasure

Thank you for your hospitality during my visit on 8 December 2015.

"""
TAIL = "\nYours sincerely\n\nJane Doe\nHer Majesty's Inspector\n"


def letter(body: str, head: str = HEAD) -> str:
    """A small letter around `body` (dedented)."""
    return head + textwrap.dedent(body) + TAIL


def words(text: str) -> list[str]:
    """The words and numbers, in order: Markdown markers and spacing do not count."""
    return re.findall(r"[A-Za-z0-9]+", text)


def body(markdown: str) -> str:
    """The Markdown after the front matter."""
    assert markdown.startswith("---\n")
    return markdown.split("\n---\n", 1)[1].lstrip("\n")


def assert_every_word_kept(pasted: str) -> str:
    """Import `pasted`; every word of it is in the body, in order, and nothing else is."""
    imported = body(import_letter(pasted).text)
    assert words(imported) == words(pasted)
    return imported


def flattened(text: str) -> str:
    """The whole letter on one line."""
    return " ".join(text.split())


def import_into(site: Path, text: str, *args: str) -> Result:
    """`tracker import FILE --site SITE …` for `text` written to a file beside the site."""
    source = site.parent / "pasted" / "letter.txt"
    source.parent.mkdir(exist_ok=True)
    source.write_text(text, encoding="utf-8")
    return run("import", str(source), "--site", str(site), *args)


def loaded(site: Path, slug: str) -> Letter:
    """The letter as the real model reads it (the site must load without errors)."""
    model, problems = load_site(site, TODAY)
    assert model is not None, [p.message for p in problems]
    return model.letter_by_slug[slug]


# The seed letters ---------------------------------------------------------------------

SEEDS = {
    "dacorum": (DACORUM, "Ofsted survey: good practice in capturing the user voice",
                dt.date(2009, 3, 19), [dt.date(2009, 3, 3)], ("Barbara Crane",),
                "Dacorum Education Support Centre", ["I1"]),
    "harlington": (HARLINGTON, "Ofsted 2009-10 survey inspection programme: the impact that links"
                   " between parents/carers and schools have on supporting and encouraging young"
                   " people's achievement, well-being and personal development",
                   dt.date(2010, 2, 2), [dt.date(2010, 1, 21), dt.date(2010, 1, 22)],
                   ("Alan Taylor Bennett",), "Harlington Upper School", ["I1", "I2"]),
}


@pytest.mark.parametrize("shape", ["as pasted", "flattened to one line"])
@pytest.mark.parametrize("name", SEEDS)
def test_seed_letters_import_with_their_fields_and_points(make_site, tmp_path, name, shape):
    text, title, date, visits, inspectors, subject, points = SEEDS[name]
    if shape != "as pasted":
        text = flattened(text)
    site = make_site()
    assert import_into(site, text, "--slug", name).exit_code == 0
    found = loaded(site, name)
    assert (found.title, found.date, list(found.visit_dates)) == (title, date, visits)
    assert (found.inspectors, found.kind, found.inspectorate) == (inspectors, "survey", ("Ofsted",))
    assert found.subject == subject
    assert [p.id for p in found.points] == points
    assert check(site).exit_code == 0
    assert build(site, tmp_path / "out").exit_code == 0


@pytest.mark.parametrize("shape", ["as pasted", "flattened to one line"])
@pytest.mark.parametrize("name", SEEDS)
def test_every_word_of_a_seed_letter_is_kept_in_order(name, shape):
    text = SEEDS[name][0]
    assert_every_word_kept(text if shape == "as pasted" else flattened(text))


def test_the_seed_points_keep_their_wording(make_site):
    site = make_site()
    import_into(site, DACORUM, "--slug", "dacorum")
    import_into(site, HARLINGTON, "--slug", "harlington")
    (dacorum,) = loaded(site, "dacorum").points
    assert dacorum.text == ("Extend students' role in contributing their voice to the centre's "
                            "strategic development planning.")
    assert dacorum.context == "Areas for development"
    harlington = loaded(site, "harlington").points
    assert [p.text.split()[0] for p in harlington] == ["ensuring", "broadening"]


def test_a_one_line_letter_gets_its_structure_back():
    imported = assert_every_word_kept(flattened(DACORUM))
    assert "enquiries@ofsted.gov.uk\\\nwww.ofsted.gov.uk\n\n19 March 2009\n\nMrs R Harris-Cooksley\\\n" \
        "Headteacher\\\nDacorum Education Support Centre\\\n" in imported
    assert "\n\nDear Mrs Harris-Cooksley\n\nOfsted survey: good practice in capturing the user " \
        "voice\n\nThank you for your hospitality" in imported
    assert "\n\n## Features of good practice observed\n\n- The clear vision" in imported
    assert imported.count("\n- ") == 7
    assert "\n\n## Areas for development\n\n- Extend students' role" in imported
    assert "planning.\n\nI hope these observations" in imported
    assert imported.endswith("\n\nYours sincerely\n\nBarbara Crane\\\nAdditional Inspector\n")


# Each kind of damage ------------------------------------------------------------------

def test_letterhead_and_contact_lines_stay_as_lines():
    pasted = letter("", head=HEAD.replace("Ofsted\nPiccadilly Gate\nManchester M1 2WD",
                                          "Ofsted Piccadilly Gate Manchester M1 2WD T 0300 123 "
                                          "1231 enquiries@ofsted.gov.uk www.gov.uk/ofsted"))
    imported = assert_every_word_kept(pasted)
    assert imported.startswith("Ofsted Piccadilly Gate Manchester M1 2WD\\\nT 0300 123 1231\\\n"
                               "enquiries@ofsted.gov.uk\\\nwww.gov.uk/ofsted\n\n10 December 2015\n")


@pytest.mark.parametrize("joiner", ["\n", " "])
def test_date_addressee_greeting_and_subject_run_together(joiner):
    head = joiner.join(["Ofsted", "10 December 2015", "Mrs J Smith", "Headteacher",
                        "Oakwood Primary School", "Oak Lane", "Watford WD1 1AA", "Dear Mrs Smith",
                        "Ofsted survey: reading for pleasure",
                        "Thank you for your hospitality during my visit on 8 December 2015.\n"])
    imported = import_letter(letter("", head=head))
    assert imported.text.startswith('---\ntitle: "Ofsted survey: reading for pleasure"\n'
                                    "date: 2015-12-10\ninspectorate: [Ofsted]\nkind: survey\n"
                                    "subject: Oakwood Primary School\nvisit_dates: [2015-12-08]\n"
                                    "inspectors: [Jane Doe]\n---\n")
    markdown = assert_every_word_kept(letter("", head=head))
    assert "\n\n10 December 2015\n\nMrs J Smith\\\nHeadteacher\\\nOakwood Primary School\\\n" \
        in markdown
    assert "\n\nDear Mrs Smith\n\nOfsted survey: reading for pleasure\n\nThank you" in markdown


def test_headings_glued_to_the_next_sentence_are_separated():
    imported = assert_every_word_kept(letter("""\
        Evidence During the visit, I met pupils and staff.

        The library is well used. Areas for improvement - Improve the range of books.
        """))
    assert "\n\n## Evidence\n\nDuring the visit, I met" in imported
    assert "well used.\n\n## Areas for improvement\n\n- Improve the range of books.\n" in imported


def test_a_short_line_above_its_text_is_a_heading():
    imported = assert_every_word_kept(letter("""\
        Reading across the school
        Pupils read widely and often, and talk with enthusiasm about the books they enjoy.
        """))
    assert "\n\n## Reading across the school\n\nPupils read widely" in imported


def test_bullets_wrapped_across_lines_are_rejoined():
    imported = assert_every_word_kept(letter("""\
        Features of good practice observed
        - Pupils choose books from a well-stocked library and
          talk about them with their friends.
        • Staff model reading every day, and parents are invited to read with their
        children each week.
        """))
    assert ("\n\n## Features of good practice observed\n\n- Pupils choose books from a "
            "well-stocked library and talk about them with their friends.\n- Staff model "
            "reading every day, and parents are invited to read with their children each "
            "week.\n") in imported


def test_bullets_merged_into_one_line_are_split():
    imported = assert_every_word_kept(letter("""\
        Areas for improvement: - Improve the range of books. - Involve parents more - for
        example through workshops. - Check the impact of the new scheme.
        """))
    assert ("\n- Improve the range of books.\n- Involve parents more - for example through "
            "workshops.\n- Check the impact of the new scheme.\n") in imported


@pytest.mark.parametrize("footer", ["", "Page 2 of 3\n\n"])
def test_a_bullet_cut_by_a_page_break_is_continued(footer):
    imported = assert_every_word_kept(letter(f"""\
Areas for development

- Pupils who read less often are not yet given books that

{footer}match their interests.
- Leaders do not check the impact of the scheme.
"""))
    page = footer.strip() + " " if footer else ""
    assert (f"- Pupils who read less often are not yet given books that {page}match their "
            "interests.\n- Leaders do not check the impact of the scheme.\n") in imported


def test_a_list_written_inline_after_a_colon_is_split_into_items(make_site):
    pasted = letter("""\
        The school should take further action to: broaden the range of books; ensure that
        parents know how to help; and check the impact of the scheme. I look forward to it.
        """)
    imported = assert_every_word_kept(pasted)
    assert ("\n\nThe school should take further action to:\n\n- broaden the range of books;\n"
            "- ensure that parents know how to help; and\n- check the impact of the scheme.\n\n"
            "I look forward to it.\n") in imported
    site = make_site()
    import_into(site, pasted, "--slug", "oakwood")
    assert [p.id for p in loaded(site, "oakwood").points] == ["I1", "I2", "I3"]


def test_lost_apostrophes_are_restored_and_reported():
    imported = import_letter(letter("The centre s work, Ofsted?s report: we don t doubt it.\n"))
    assert "The centre's work, Ofsted's report: we don't doubt it." in imported.text
    assert words(body(imported.text)) == words(letter(
        "The centre s work, Ofsted s report: we don t doubt it.\n"))
    assert any("'centre's', 'Ofsted's', 'don't'" in note for note in imported.notes)


def test_windows_line_ends_and_form_feeds_are_read():
    pasted = letter("Main findings\n\nPupils read well.\f- Books are chosen well.\n")
    imported = assert_every_word_kept(pasted.replace("\n", "\r\n"))
    assert "\n\n## Main findings\n\nPupils read well.\n\n- Books are chosen well.\n" in imported


# The front matter guesses -------------------------------------------------------------

@pytest.mark.parametrize(("opening", "expected"), [
    ("during my visit on 3 March 2009 to look at", ["2009-03-03"]),
    ("during my visit on 21 and 22 January 2010 to look at", ["2010-01-21", "2010-01-22"]),
    ("following my visit on 8–9 December 2015, I write", ["2015-12-08", "2015-12-09"]),
    ("Between 19 and 21 May 2021, Ofsted and CQC revisited",
     ["2021-05-19", "2021-05-20", "2021-05-21"]),
    ("Between 1 October 2018 and 5 October 2018, inspectors visited",
     ["2018-10-01", "2018-10-02", "2018-10-03", "2018-10-04", "2018-10-05"]),
    ("on 30 November and 1 December 2015, inspectors visited", ["2015-11-30", "2015-12-01"]),
])
def test_visit_dates_are_read_from_the_opening_sentence(opening, expected):
    head = HEAD.replace("Thank you for your hospitality during my visit on 8 December 2015.",
                        f"Thank you. {opening} the school.")
    imported = import_letter(letter("", head=head))
    assert f"\nvisit_dates: [{', '.join(expected)}]\n" in imported.text


def test_co_inspectors_named_in_the_opening_are_inspectors():
    head = HEAD.replace("during my visit on 8 December 2015.", "during my visit on 8 December "
                        "2015 with Susan Lomas, Ofsted Inspector, and Peter Jones HMI.")
    imported = import_letter(letter("", head=head))
    assert "\ninspectors: [Jane Doe, Susan Lomas, Peter Jones]\n" in imported.text
    assert any(g.startswith("inspectors: [Jane Doe, Susan Lomas, Peter Jones] (from the sign-off "
                            "on line 20 and the opening on line 17)") for g in imported.guesses)


@pytest.mark.parametrize(("subject", "kind"), [
    ("Special measures monitoring inspection of Oakwood", "monitoring"),
    ("Joint area SEND revisit in Hertfordshire", "revisit"),
    ("Ofsted survey: reading for pleasure", "survey"),
    ("Joint local area SEND inspection in Hertfordshire", "full-inspection"),
    ("Our findings", None),
])
def test_the_kind_comes_from_the_subject_line(subject, kind):
    imported = import_letter(letter("", head=HEAD.replace("Ofsted survey: reading for pleasure",
                                                          subject)))
    assert (f"\nkind: {kind}\n" in imported.text) == (kind is not None)
    if kind is None:
        assert "no kind found: add `kind:` (survey, monitoring, revisit or full-inspection)" \
            in imported.missing


def test_a_monitoring_letter_that_asks_for_action_gets_points(make_site):
    monitoring = HEAD.replace("Ofsted survey: reading for pleasure",
                              "Special measures monitoring inspection of Oakwood Primary School")
    asks = letter("The school should take further action to:\n\n- improve attendance.\n",
                  head=monitoring)
    judges = letter("Leaders are taking effective action.\n", head=monitoring)
    site = make_site()
    assert "points: true (a monitoring letter that asks for action: I1)" in \
        import_into(site, asks, "--slug", "asks").stdout
    assert "a monitoring letter: it creates no points" in \
        import_into(site, judges, "--slug", "judges").stdout
    assert [p.id for p in loaded(site, "asks").points] == ["I1"]
    assert loaded(site, "judges").points == ()


def test_a_field_it_cannot_find_is_left_out_and_named():
    imported = import_letter("Dear colleague\n\nThank you for your time.\n\nYours sincerely\n")
    assert imported.text.startswith("---\n---\n")
    assert imported.missing == (
        "no title found: add `title:` (the letter's subject line)", "no date found: add `date:`",
        "no inspectorate found: add `inspectorate:` (Ofsted, CQC)",
        "no kind found: add `kind:` (survey, monitoring, revisit or full-inspection)",
        "no subject found: add `subject:` (who was inspected)",
        "no visit dates found: add `visit_dates:`", "no inspectors found: add `inspectors:`")


def test_a_title_with_quotes_and_colons_is_valid_yaml(make_site):
    subject = 'Ofsted survey: "Parents\' voice" #2: a \\ review'
    site = make_site()
    pasted = letter("", head=HEAD.replace("Ofsted survey: reading for pleasure", subject))
    assert import_into(site, pasted, "--slug", "quoted").exit_code == 0
    assert loaded(site, "quoted").title == subject


# The command --------------------------------------------------------------------------

def test_it_prints_each_guess_with_where_it_came_from(make_site):
    site = make_site()
    result = import_into(site, DACORUM)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote {site}/content/letters/letter.md",
        "Guessed (check each against the letter):",
        '  title: "Ofsted survey: good practice in capturing the user voice" (from the subject '
        "line on line 27)",
        "  date: 2009-03-19 (from '19 March 2009' on line 15)",
        "  inspectorate: [Ofsted] (named on line 10)",
        "  kind: survey (from 'survey' in the subject line)",
        "  subject: Dacorum Education Support Centre (from the addressee block on line 19)",
        "  visit_dates: [2009-03-03] (from 'on 3 March 2009' on line 29)",
        "  inspectors: [Barbara Crane] (from the sign-off on line 55)",
        "Notes:",
        "  joined text cut by a page break (line 46 of the file)",
        "  found points I1: check them with 'tracker check'",
    ]


def test_standard_input_gets_a_slug_from_the_year_and_subject(make_site):
    site = make_site()
    result = CliRunner().invoke(main, ["import", "-", "--site", str(site)], input=HARLINGTON)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        f"Wrote {site}/content/letters/letter-2010-harlington-upper-school.md\n")
    assert loaded(site, "letter-2010-harlington-upper-school").date == dt.date(2010, 2, 2)


def test_the_slug_defaults_to_the_file_name(make_site, tmp_path):
    site, source = make_site(), tmp_path / "Dacorum Survey 2009.txt"
    source.write_text(DACORUM, encoding="utf-8")
    assert run("import", str(source), "--site", str(site)).exit_code == 0
    assert (site / "content/letters/dacorum-survey-2009.md").is_file()


def test_it_refuses_to_overwrite_a_letter_unless_forced(make_site):
    site = make_site()
    target = site / "content/letters/herts-2023.md"
    before = target.read_bytes()
    refused = import_into(site, DACORUM, "--slug", "herts-2023")
    assert refused.exit_code == 1
    assert "content/letters/herts-2023.md exists; use --force to replace it" in refused.stderr
    assert target.read_bytes() == before
    forced = import_into(site, DACORUM, "--slug", "herts-2023", "--force")
    assert forced.exit_code == 0
    assert forced.stdout.startswith(f"Replaced {site}/content/letters/herts-2023.md\n")
    assert target.read_bytes() == import_letter(DACORUM).text.encode()
    assert sorted(p.name for p in target.parent.iterdir()) == ["herts-2023.md"]


def test_bad_input_is_refused_with_a_clear_message(make_site, tmp_path):
    site = make_site()
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 letter".encode("latin-1"))
    not_utf8 = run("import", str(latin), "--site", str(site))
    assert not_utf8.exit_code == 1
    assert "is not UTF-8 text" in not_utf8.stderr
    assert run("import", str(tmp_path / "missing.txt"), "--site", str(site)).exit_code == 2
    bad_slug = import_into(site, DACORUM, "--slug", "Not A Slug")
    assert bad_slug.exit_code == 2
    assert "lower-case letters, digits and hyphens" in bad_slug.stderr
    assert sorted(p.name for p in (site / "content/letters").iterdir()) == ["herts-2023.md"]


# Size and speed -----------------------------------------------------------------------

def work_of_import(text: str) -> int:
    """Import `text`, and count the characters that the importer's own code hands to functions
    and string methods. Reading each part once keeps this in proportion to the text; handing
    over the text joined so far for each line makes it grow as the square of the length."""
    own = {"tracker.authoring.importer", "tracker.authoring.letter_text",
           "tracker.authoring.letterhead", "tracker.authoring.pasted_lines"}
    total = 0

    def count(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal total
        caller = frame.f_back if event == "call" else frame
        if caller is None or caller.f_globals.get("__name__") not in own:
            return
        if event == "call":
            total += sum(len(v) for v in frame.f_locals.values() if isinstance(v, str))
        elif event == "c_call" and isinstance(getattr(arg, "__self__", None), str):
            total += len(arg.__self__)

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        assert_every_word_kept(text)
    finally:
        sys.setprofile(previous)
    return total


GROWING: dict[str, Callable[[int], str]] = {
    "one paragraph of wrapped lines": lambda n: letter(textwrap.fill(
        "Pupils read widely and often, and talk about the books they enjoy. " * n, 70) + "\n"),
    "wrapped lines cut apart by blank lines": lambda n: letter("\n\n".join(textwrap.wrap(
        "pupils read widely and talk about the books they enjoy " * n, 70)) + "\n"),
    "a subject line run on into the text": lambda n: HEAD.replace(
        "pleasure\n\n", "pleasure\n" + textwrap.fill("Reading and writing " * n, 70) + "\n") + TAIL,
    "lists after a colon, all on one line": lambda n: letter(
        "The school should take further action to: read; write; and count. " * n + "\n"),
    "dashes inside a sentence, all on one line": lambda n: letter(
        "Pupils say " + "reading - and writing - " * n + "matter.\n"),
}


@pytest.mark.parametrize("shape", GROWING)
def test_the_work_grows_in_proportion_to_the_text(shape):
    """Four times the text is about four times the work (it was sixteen: a 20 MB letter
    never finished). Speed itself is measured by a benchmark, not by a test."""
    small, large = (work_of_import(GROWING[shape](n)) for n in (100, 400))
    assert large < 5 * small


def test_a_letter_as_large_as_the_limit_imports_keeping_every_word(make_site, tmp_path):
    """The worst shape at the largest size: one paragraph of 2 MiB, wrapped, no blank line."""
    wrapped = textwrap.fill("Pupils read widely and often, and talk about the books they "
                            "enjoy with their friends and families. " * 40_000, 70)
    room = MAX_FILE_BYTES - len(HEAD) - len(TAIL) - 1
    pasted = HEAD + wrapped[:room] + "\n" + TAIL
    source = tmp_path / "largest.txt"
    source.write_text(pasted, encoding="ascii")
    assert source.stat().st_size == MAX_FILE_BYTES
    site = make_site()
    result = run("import", str(source), "--site", str(site))
    assert result.exit_code == 0, result.stderr
    written = (site / "content/letters/largest.md").read_text(encoding="utf-8")
    assert words(body(written)) == words(pasted)


def _distinct_lost_apostrophes(count: int) -> str:
    """'aaaa s aaab s …': `count` different words whose apostrophe was lost."""
    names = ("".join(t) for t in itertools.product("abcdefghijklmnopqrstuvwxyz", repeat=4))
    return " ".join(f"{name} s" for name in itertools.islice(names, count))


@pytest.mark.parametrize("pasted", [
    letter("Evidence Context " * 3000 + "end.\n"),   # a heading after each heading
    "AB1" * 30_000 + " Dear Sir\n\nThank you.\n",   # one long run of capitals and digits
    letter("# Evidence " + "#" * 100_000 + "x\n"),    # a heading ending in a long run of #
    letter(_distinct_lost_apostrophes(40_000) + "\n"),
], ids=["headings one after another", "a long run of capitals", "a long run of #",
        "many different words with a lost apostrophe"])
def test_text_that_took_minutes_or_failed_imports_keeping_every_word(pasted):
    """Each read a long run again from many places in it: the headings stopped with a
    RecursionError, the others took 181 s, 54 s and 55 s (now well under a second)."""
    assert_every_word_kept(pasted)


# What cannot be imported ---------------------------------------------------------------

def never(*args: object) -> None:
    """Stands in for the importer where the command must stop before it does any work."""
    raise AssertionError("the letter was imported")


def letter_files(site: Path) -> list[str]:
    return sorted(p.name for p in (site / "content/letters").iterdir())


def test_a_file_larger_than_the_limit_is_refused_before_any_work(make_site, tmp_path,
                                                                 monkeypatch):
    site = make_site()
    large = tmp_path / "large.txt"
    large.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    monkeypatch.setattr(importer, "import_letter", never)
    result = run("import", str(large), "--site", str(site))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {large} is 2,097,153 bytes, more than the limit of "
                             "2,097,152 bytes for a letter: check that it is the right file, "
                             "with one letter in it.\n")
    piped = CliRunner().invoke(main, ["import", "-", "--site", str(site)],
                               input=b"x" * (MAX_FILE_BYTES + 10))
    assert piped.exit_code == 1
    assert piped.stderr.startswith("Error: standard input is more than the limit of 2,097,152 "
                                   "bytes for a letter")
    assert letter_files(site) == ["herts-2023.md"]


@pytest.mark.parametrize("named_by", ["--slug", "the file name"])
def test_an_existing_letter_is_found_before_the_import(make_site, tmp_path, monkeypatch,
                                                       named_by):
    site = make_site()
    target = site / "content/letters/herts-2023.md"
    before = target.read_bytes()
    source = tmp_path / ("pasted.txt" if named_by == "--slug" else "Herts 2023.txt")
    source.write_text(DACORUM, encoding="utf-8")
    monkeypatch.setattr(importer, "import_letter", never)
    slug = ["--slug", "herts-2023"] if named_by == "--slug" else []
    result = run("import", str(source), "--site", str(site), *slug)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"Error: {site}/content/letters/herts-2023.md exists; use --force "
                             "to replace it.\n")
    assert target.read_bytes() == before


def test_a_slug_from_the_letter_itself_is_checked_once_it_is_known(make_site):
    site = make_site()
    target = site / "content/letters/letter-2010-harlington-upper-school.md"
    target.write_text("kept\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "-", "--site", str(site)], input=HARLINGTON)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {target} exists; use --force to replace it.\n"
    assert target.read_text(encoding="utf-8") == "kept\n"


def test_a_letter_that_appears_during_the_import_is_not_overwritten(make_site, monkeypatch):
    site = make_site()
    target = site / "content/letters/dacorum.md"

    def meanwhile(*args: Any) -> importer.Imported:
        target.write_text("written meanwhile\n", encoding="utf-8")
        return import_letter(*args)

    monkeypatch.setattr(intake, "import_letter", meanwhile)
    result = import_into(site, DACORUM, "--slug", "dacorum")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {target} exists; use --force to replace it.\n"
    assert target.read_text(encoding="utf-8") == "written meanwhile\n"
    assert letter_files(site) == ["dacorum.md", "herts-2023.md"]


EMPTY = "has no text to import: it is empty, or holds only spaces and blank lines."
PDF = ("is a PDF: give its file name instead, as in 'tracker import report.pdf', and it is read "
       "with its pages' layout.")
BINARY = "is not a text file: save the letter's text as UTF-8 plain text (a .txt file) and " \
    "import that."


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 44 >>\nstream\n\x8f\x03\xff\nendstream\n",
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
], ids=["binary", "ASCII"])
def test_a_pdf_is_read_from_its_file_not_from_standard_input(make_site, tmp_path, data):
    site = make_site()
    piped = CliRunner().invoke(main, ["import", "-", "--site", str(site)], input=data)
    assert (piped.exit_code, piped.stderr) == (1, f"Error: standard input {PDF}\n")
    source = tmp_path / "letter.txt"   # by its first bytes, whatever its name
    source.write_bytes(data)
    result = run("import", str(source), "--site", str(site))
    assert result.exit_code == 1
    assert re.fullmatch(rf"Error: {re.escape(str(source))} cannot be imported: (it could not be "
                        r"read as a PDF \(\w+\)|it has no pages)\. Nothing was written\.\n",
                        result.stderr)
    assert letter_files(site) == ["herts-2023.md"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", EMPTY),
    (b"\xef\xbb\xbf \n\t\r\n\n  \f\n", EMPTY),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml", BINARY),
    (b"Dear Mrs Smith\x00\x00\x00\nThank you.\n", BINARY),
], ids=["empty", "only spaces", "a Word document", "NUL bytes"])
def test_what_is_not_a_letter_s_text_is_refused_with_a_clear_message(make_site, tmp_path, data,
                                                                      message):
    site = make_site()
    source = tmp_path / "letter.txt"
    source.write_bytes(data)
    result = run("import", str(source), "--site", str(site))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {source} {message}\n"
    assert letter_files(site) == ["herts-2023.md"]
    piped = CliRunner().invoke(main, ["import", "-", "--site", str(site)], input=data)
    assert (piped.exit_code, piped.stderr) == (1, f"Error: standard input {message}\n")
    assert letter_files(site) == ["herts-2023.md"]


def test_records_are_not_written_for_a_letter_without_a_date(make_site):
    site = make_site()
    pasted = "Dear colleague\n\n## Areas for improvement\n\n- Improve attendance.\n"
    result = CliRunner().invoke(main, ["import", "-", "--slug", "undated", "--records",
                                       "--site", str(site)], input=pasted)
    assert result.exit_code == 0, result.stderr
    assert "warning: no records were written: the letter has no date yet" in result.stderr
    assert not (site / "content/actions/undated-i1.yml").exists()
