"""`tracker import REPORT.pdf`: the six area SEND reports in tests/fixtures/pdfs (as Ofsted
publishes them) → letters with exactly the report's points, facts and words (SPEC 3, 8)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import yaml
from click.testing import CliRunner
from htmlpage import HtmlPage

from tracker.build import load_site
from tracker.cli import main

TODAY = dt.date(2026, 12, 1)
PDFS = Path(__file__).parent / "fixtures" / "pdfs"
BURY_OWNERS = ("Bury Metropolitan Borough Council and NHS Greater Manchester ICB",)
HERTS_OWNERS = ("Hertfordshire County Council and NHS Hertfordshire and West Essex Integrated "
                "Care Board",)
BURY = {
    "title": "Area SEND inspection of Bury Local Area Partnership",
    "visits": ("2024-02-12", "2024-02-16"),
    "inspectors": ("Adam Sproston", "Kaye Goodfellow", "Louise Walker", "Andrea Crosby-Josephs",
                   "Lynne Kilford", "Claire Mason"),
    "outcome": "There are widespread and/or systemic failings",
    "footer": "Inspection report: Bury Local Area Partnership",
    "points": [
        ("P1", "Leaders across the partnership should", "improvement is maintained.", BURY_OWNERS),
        ("P2", "Leaders across the partnership should", "educational psychology service.",
         BURY_OWNERS),
        ("P3", "Leaders across the partnership should", "neurodevelopmental diagnostic pathway.",
         BURY_OWNERS),
        ("P4", "Leaders across the partnership should", "across the partnership.", BURY_OWNERS),
        ("P5", "Leaders across the partnership should", "birth to 25.", BURY_OWNERS),
        ("P6", "Leaders across the partnership should", "and outcomes improve.", BURY_OWNERS),
        ("I1", "Leaders across the partnership should", "sufficiently accurate information.", ()),
        ("I2", "Leaders across the partnership should", "is clearly understood.", ()),
        ("I3", "Leaders across the partnership should", "birth to 25.", ()),
    ],
}
REPORTS = {
    "bury-2024": BURY,
    "plymouth-2023": {
        "title": "Area SEND inspection of Plymouth Local Area Partnership",
        "visits": ("2023-06-26", "2023-06-30"),
        "inspectors": ("Phil Minns", "Tessa Valpy", "Anna Gravelle", "Elizabeth Fox"),
        "outcome": "There are widespread and/or systemic failings",
        "footer": "Inspection report: Plymouth Local Area Partnership",
        "points": [
            ("P1", "Leaders, including Plymouth City Council,", "and their families.",
             ("Plymouth City Council", "NHS Devon Integrated Care Board",
              "school and college leaders")),
            ("P2", "Leaders, including Plymouth City Council,", "and negative outcomes.",
             ("Plymouth City Council", "NHS Devon Integrated Care Board",
              "school and college leaders")),
            ("P3", "Leaders, including Plymouth City Council", "with an EHCP.",
             ("Plymouth City Council", "school and college leaders")),
            ("P4", "Devon Integrated Care Board should", "earliest support possible.",
             ("NHS Devon Integrated Care Board",)),
            ("P5", "Plymouth City Council leaders should", "when needs escalate.",
             ("Plymouth City Council",)),
            ("I1", "Leaders across health, social care", "applied graduated response.", ()),
            ("I2", "Leaders across the partnership should", "from health services.", ()),
            ("I3", "Leaders must ensure that all", "people with SEND.", ()),
            ("I4", "Leaders should use the information", "SEND in Plymouth.", ()),
        ],
    },
    "gloucestershire-2024": {
        "title": "Area SEND inspection of Gloucestershire Local Area Partnership",
        "visits": ("2023-12-11", "2023-12-15"),
        "inspectors": ("Dr Tina Pagett", "Daniel Carrick", "Marie Thomas", "Claire Mason"),
        "outcome": "The local area partnership’s arrangements lead to inconsistent experiences",
        "footer": "Inspection report: Gloucestershire Local Area Partnership",
        "points": [
            ("I1", "Leaders in the ICB and", "and decision-making processes.", ()),
            ("I2", "Leaders in education, health and", "and their family.", ()),
            ("I3", "Leaders in education should continue", "and their families.", ()),
            ("I4", "The partnership should further develop", "and their families.", ()),
        ],
    },
    "hertfordshire-2023": {
        "title": "Area SEND inspection of Hertfordshire Local Area Partnership",
        "visits": ("2023-07-10", "2023-07-14"),
        "inspectors": ("Katherine Douglas", "Daniel Carrick", "Margaret Burke", "Lesley Perry"),
        "outcome": "There are widespread and/or systemic failings",
        "footer": "Inspection report: Hertfordshire Local Area Partnership",
        "points": [
            ("P1", "Leaders should act with urgency", "is needed most.", HERTS_OWNERS),
            ("P2", "Leaders should work more collaboratively", "strategy for SEND.", HERTS_OWNERS),
            ("I1", "Leaders across the partnership should", "meets their needs.", ()),
            ("I2", "Leaders across the partnership should", "and their families.", ()),
            ("I3", "Leaders should take action to", "managed and monitored.", ()),
            ("I4", "Leaders should further address the", "speech and language.", ()),
            ("I5", "The local area partnership should", "follow formal routes.", ()),
        ],
    },
    "rutland-2023": {
        "title": "Area SEND inspection of Rutland Local Area Partnership",
        "visits": ("2023-05-15", "2023-05-19"),
        "inspectors": ("Dave Gilkerson", "Lyndsey McGeary", "Maire Atherton", "Kaye Goodfellow"),
        "outcome": "The local area partnership’s arrangements typically lead to positive",
        "footer": "Inspection report: Rutland Local Area Partnership",
        "points": [
            ("I1", "ICB leaders should ensure that", "mental health assessments.", ()),
            ("I2", "ICB leaders should ensure that", "assessed and met.", ()),
            ("I3", "Leaders across the partnership must", "using robust data.", ()),
        ],
    },
    "essex-2026": {
        "title": "Area SEND inspection of Essex Local Area Partnership",
        "visits": ("2026-01-19", "2026-01-23"),
        "inspectors": ("Charlie Fordham", "Geraldine Bates", "Nicki Shaw", "Tessa Valpy",
                       "Paul Bagnall", "Lea Decker"),
        "outcome": "The local area partnership’s arrangements lead to inconsistent experiences",
        "footer": "Area SEND inspection report: Essex Local Area Partnership",
        "points": [
            ("I1", "Leaders across the partnership should", "young people accurately.", ()),
            ("I2", "Leaders in health should implement", "to adult services.", ()),
            ("I3", "Leaders across the partnership should", "assessments or services.", ()),
            ("I4", "Leaders across the partnership should", "and communication needs.", ()),
        ],
    },
}


def _site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "content" / "letters").mkdir(parents=True)
    (root / "site.yml").write_text("title: Reports\n", encoding="utf-8")
    return root


def _import(root: Path, pdf: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["import", str(pdf), "--site", str(root), *extra])
    return result.exit_code, result.output


def _word_list(text: str) -> list[str]:
    """Words as a reader sees them, in order: Markdown's marks, bullets and escapes left out."""
    text = re.sub(r"[\\|#•◼▪●]|^\s*[-*] |^---$|^\|?-+\|", " ", text, flags=re.MULTILINE)
    return [w.strip("“”\"") for w in text.split() if w.strip("“”\"-")]


def _words(text: str) -> Counter[str]:
    return Counter(_word_list(text))


def _lost(printed: list[str], written: str) -> list[str]:
    """The printed words not in the written file: none, but for the two halves of a word the
    PDF breaks over two lines without a hyphen (a long web address), written joined."""
    kept = _words(written)
    joined = {(a, b) for a, b in zip(printed, printed[1:], strict=False) if kept[a + b]}
    halves = {half for pair in joined for half in pair}
    return [w for w in Counter(printed) - kept if w not in halves]


def _printed_words(pdf: Path) -> list[str]:
    """The words of the report's tagged text (what its structure tree holds: not furniture),
    read straight from the PDF, in order."""
    words: list[str] = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            marked = page.filter(lambda o: o.get("object_type") != "char" or
                                 o.get("mcid") is not None)
            text = marked.extract_text()
            text = re.sub(r"-\n", "-", text)   # a word broken at a hyphen is one word
            words += _word_list(text)
    return words


def test_the_word_check_can_fail() -> None:
    """A written file that lost a word, or kept only one half of a broken web address, is
    caught; one that joined the halves is not."""
    printed = ["Visit", "www.example.ic", "b.nhs.uk", "to", "read", "the", "plan"]
    assert _lost(printed, "Visit www.example.icb.nhs.uk to read the plan") == []
    assert _lost(printed, "Visit www.example.icb.nhs.uk to the plan") == ["read"]
    assert _lost(printed, "Visit www.example.ic to read the plan") == ["b.nhs.uk"]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_report_imports_with_its_facts_and_exactly_its_points(tmp_path: Path, name: str) -> None:
    expected = REPORTS[name]
    root = _site(tmp_path)
    code, output = _import(root, PDFS / f"{name}.pdf", "--slug", name,
                           "--source", "https://files.ofsted.gov.uk/example")
    assert code == 0, output
    written = (root / "content" / "letters" / f"{name}.md").read_text(encoding="utf-8")
    site, problems = load_site(root, TODAY)
    assert site is not None, problems
    letter = site.letters[0]
    assert letter.title == expected["title"]
    assert (letter.visit_dates[0].isoformat(), letter.visit_dates[-1].isoformat()) == \
        expected["visits"]
    assert len(letter.visit_dates) == 5   # every day of the week's visit
    assert letter.inspectors == expected["inspectors"]
    assert letter.inspectorate == ("Ofsted", "CQC")
    assert letter.outcome.startswith(expected["outcome"])
    assert letter.source == "https://files.ofsted.gov.uk/example"
    assert letter.date.isoformat() == expected["visits"][1]   # the last day, flagged to confirm
    assert "change it to the day the report was published" in output
    found = [(p.id, " ".join(p.text.split()[:5]), " ".join(p.text.split()[-3:]), p.owners)
             for p in letter.points]
    assert found == expected["points"]
    assert expected["footer"] not in written   # page furniture dropped
    assert not re.search(r"^\d{1,2}$", written, flags=re.MULTILINE)   # and page numbers
    assert _lost(_printed_words(PDFS / f"{name}.pdf"), written) == []   # every word kept
    for point_id, *_ in expected["points"]:   # each point said, with where it is in the file
        assert re.search(rf"^  {point_id}\b.*\(page \d+, line \d+ of the file\)$", output,
                         flags=re.MULTILINE)


def test_a_point_keeps_its_sub_list(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _import(root, PDFS / "bury-2024.pdf", "--slug", "bury-2024")
    site, _ = load_site(root, TODAY)
    assert site is not None
    p2 = site.letters[0].point("P2")
    assert p2.text.startswith("Leaders across the partnership should work collaboratively")
    assert "should urgently improve: • children’s access to support from education" in p2.text
    assert p2.text.endswith("access to an effective, well-resourced educational psychology "
                            "service.")


def test_an_untagged_copy_gives_the_same_points_from_its_layout(tmp_path: Path) -> None:
    """bury-2024-untagged.pdf is bury-2024.pdf with its structure tree unhooked."""
    assert b"/StructTreeRoot" not in (PDFS / "bury-2024-untagged.pdf").read_bytes()
    root = _site(tmp_path)
    code, output = _import(root, PDFS / "bury-2024-untagged.pdf", "--slug", "bury-untagged")
    assert code == 0, output
    written = (root / "content" / "letters" / "bury-untagged.md").read_text(encoding="utf-8")
    site, _ = load_site(root, TODAY)
    assert site is not None
    letter = site.letters[0]
    found = [(p.id, " ".join(p.text.split()[:5]), " ".join(p.text.split()[-3:]), p.owners)
             for p in letter.points]
    assert found == BURY["points"]
    assert letter.title == BURY["title"]
    assert letter.inspectors == BURY["inspectors"]
    assert (letter.visit_dates[0].isoformat(), letter.visit_dates[-1].isoformat()) == \
        BURY["visits"]
    assert letter.outcome.startswith(BURY["outcome"])
    assert BURY["footer"] not in written
    assert _lost(_printed_words(PDFS / "bury-2024.pdf"), written) == []


def _pdf(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` (no fonts: no text layer)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return out


def test_a_scan_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = _site(tmp_path)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_pdf(b"0 0 0 rg 50 50 400 700 re f"))   # a page that is only a picture
    code, output = _import(root, scan)
    assert code == 1
    assert output == (f"Error: {scan} cannot be imported: it has no text to read: it is a scan "
                      "(pictures of pages). Ask the inspectorate for the PDF from their website, "
                      "or type the text out and import it as a .txt file. Nothing was written.\n")
    assert list((root / "content" / "letters").iterdir()) == []


def test_a_broken_pdf_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = _site(tmp_path)
    broken = tmp_path / "report.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    code, output = _import(root, broken)
    assert code == 1
    assert output.startswith(f"Error: {broken} cannot be imported: it could not be read as a PDF")
    assert list((root / "content" / "letters").iterdir()) == []


def test_source_must_be_a_web_address(tmp_path: Path) -> None:
    root = _site(tmp_path)
    code, output = _import(root, PDFS / "rutland-2023.pdf", "--source", "files.ofsted.gov.uk/x")
    assert code == 2
    assert "'files.ofsted.gov.uk/x' is not a web address" in output


def test_records_track_every_point_at_once_from_the_report_s_date(tmp_path: Path) -> None:
    root = _site(tmp_path)
    code, output = _import(root, PDFS / "hertfordshire-2023.pdf", "--slug", "herts-2023",
                           "--records")
    assert code == 0, output
    written = sorted(p.name for p in (root / "content" / "actions").iterdir())
    assert written == [f"herts-2023-{p}.yml" for p in ("i1", "i2", "i3", "i4", "i5", "p1", "p2")]
    assert f"Wrote {root}/content/actions/herts-2023-p1.yml" in output
    p1 = yaml.safe_load((root / "content/actions/herts-2023-p1.yml").read_text(encoding="utf-8"))
    assert p1 == {
        "title": "Act with urgency to accelerate their data dashboard work",
        "tracks": ["letter:herts-2023#P1"],
        "owner": HERTS_OWNERS[0],
        "timeline": [{"date": dt.date(2023, 7, 14), "status": "identified",
                      "note": "Named in the inspection report.",
                      "evidence": ["letter:herts-2023#P1"]}],
    }
    result = CliRunner().invoke(main, ["check", "--site", str(root), "--today", "2023-08-01"])
    assert (result.exit_code, result.output) == (0, "No problems found.\n")
    again = tmp_path / "again.pdf"
    again.write_bytes((PDFS / "hertfordshire-2023.pdf").read_bytes())
    code, output = _import(root, again, "--slug", "herts-2023", "--records", "--force")
    assert code == 0, output
    assert f"Left {root}/content/actions/herts-2023-p1.yml as it was: it exists" in output


def test_the_letter_page_shows_the_visit_as_a_range_and_the_outcome(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _import(root, PDFS / "rutland-2023.pdf", "--slug", "rutland-2023")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--site", str(root), "--out", str(out),
                                       "--today", "2023-08-01", "--no-search"])
    assert result.exit_code == 0, result.output
    page = HtmlPage("letters/rutland-2023/index.html",
                    (out / "letters/rutland-2023/index.html").read_text(encoding="utf-8"))
    facts = {dt_.text: dd.text for dt_, dd in zip(page.all("dt"), page.all("dd"), strict=True)}
    assert facts["Visited"] == "15 to 19 May 2023"
    assert facts["Outcome"].startswith("The local area partnership’s arrangements typically lead")
    assert facts["About"] == "Rutland Local Area Partnership"


def test_an_area_page_quotes_the_whole_point_with_its_sub_list(tmp_path: Path) -> None:
    root = _site(tmp_path)
    _import(root, PDFS / "bury-2024.pdf", "--slug", "bury-2024", "--records")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--site", str(root), "--out", str(out),
                                       "--today", "2024-03-01", "--no-search"])
    assert result.exit_code == 0, result.output
    page = HtmlPage("areas/bury-2024-p2/index.html",
                    (out / "areas/bury-2024-p2/index.html").read_text(encoding="utf-8"))
    [quote] = page.all("blockquote")
    assert quote.inside("p")[0].text.endswith("In particular, they should urgently improve:")
    assert [li.text for li in quote.inside("li")] == [
        "children’s access to support from education, health and social care to improve the "
        "early identification of needs",
        "children, young people’s and professionals’ access to an effective, well-resourced "
        "educational psychology service.",
    ]
