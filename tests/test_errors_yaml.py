"""Files that cannot be read: YAML syntax, encodings, sizes, alias bombs, nesting, front matter.

Every case is a small site on disk checked with the real CLI: the exact line
`PATH:LINE:COL: error: MESSAGE` (with its hint), exit code 1, and no traceback.
"""

from __future__ import annotations

import datetime as dt
import time

from conftest import check, check_errors, lines

RECORD = "content/actions/data-dashboard.yml"
UPDATE_NAME = "2024-01-01-news.md"
UPDATE = "content/updates/2023-10-01-halfway.md"
SYNTAX_HINT = "    hint: check the indentation, and put text containing ': ' or ' #' in quotes"


# YAML syntax ----------------------------------------------------------------------------

def test_syntax_error_in_site_yml_is_not_also_a_missing_title(make_site):
    site = make_site({"site.yml": "title: Test tracker\ndescription: Plans: what was done\n"})
    assert check_errors(site) == [
        "site.yml:2:19: error: this is not valid YAML: mapping values are not allowed in this context\n"
        + SYNTAX_HINT,
    ]


def test_syntax_error_in_a_record(make_site):
    site = make_site({RECORD: """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
           status: identified
        """})
    assert check_errors(site) == [
        f"{RECORD}:5:4: error: this is not valid YAML: did not find expected '-' indicator\n"
        + SYNTAX_HINT,
    ]


def test_syntax_error_in_front_matter_is_at_the_files_line(make_site):
    site = make_site({
        UPDATE: """\
            ---
            title: Halfway: an update
            date: 2023-10-01
            ---
            Body.
            """,
        "content/letters/herts-2024.md": """\
            ---
            title: A second letter
            date: 2024-01-01
            inspectors: Ann: Bee
            ---
            Dear colleague
            """,
    })
    assert check_errors(site) == [
        "content/letters/herts-2024.md:4:16: error: this is not valid YAML: "
        "mapping values are not allowed in this context\n" + SYNTAX_HINT,
        f"{UPDATE}:2:15: error: this is not valid YAML: "
        "mapping values are not allowed in this context\n" + SYNTAX_HINT,
    ]


def test_unclosed_bracket_is_reported_where_it_opens(make_site):
    site = make_site({UPDATE: """\
        ---
        title: Halfway
        date: 2023-10-01
        about: [data-dashboard
        ---
        Body.
        """})
    assert check_errors(site) == [
        f"{UPDATE}:4:8: error: this is not valid YAML: this '[' is never closed\n"
        "    hint: add ']' at the end, and separate its items with commas",
    ]


def test_unclosed_brace_in_site_yml(make_site):
    site = make_site({"site.yml": """\
        title: Test tracker
        statuses:
          - {id: identified, label: Identified
          - {id: effective, label: Effective, verdict: true}
        """})
    assert check_errors(site) == [
        "site.yml:3:5: error: this is not valid YAML: this '{' is never closed\n"
        "    hint: add '}' at the end, and separate its items with commas",
    ]


def test_unclosed_quote_is_reported_where_it_opens(make_site):
    site = make_site({RECORD: """\
        title: "Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline: []
        """})
    assert check_errors(site) == [
        f"{RECORD}:1:8: error: this is not valid YAML: this quoted text is never closed\n"
        "    hint: add the closing quote mark at the end of the text",
    ]


def test_tab_indentation(make_site):
    site = make_site({RECORD: "title: Improve\ntracks:\n\t- letter:herts-2023#P1\n"})
    assert check_errors(site) == [
        f"{RECORD}:3:1: error: this is not valid YAML: a tab is used for indentation\n"
        "    hint: indent with spaces only: replace the tab with spaces",
    ]


def test_a_second_document_in_one_file(make_site):
    site = make_site({"site.yml": "title: Test tracker\n---\ntitle: Again\n"})
    assert check_errors(site) == [
        "site.yml:2:1: error: this is not valid YAML: a second document starts here\n"
        "    hint: a line '---' starts a new document in YAML: remove it",
    ]


def test_control_character(make_site):
    site = make_site({"site.yml": "title: Test\x07 tracker\n"})
    assert check_errors(site) == [
        "site.yml:1:12: error: this file contains a control character (U+0007)\n"
        "    hint: delete it: it is invisible in most editors, so retype the text around it",
    ]


def test_duplicate_key_in_a_mapping(make_site):
    site = make_site({RECORD: """\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
            status: planned
        """})
    assert check_errors(site) == [
        f"{RECORD}:7:5: error: 'status' is given twice in this block\n    hint: keep one of them",
    ]


def test_duplicate_key_in_a_flow_mapping(make_site):
    site = make_site({"site.yml": "title: Test tracker\nstatuses:\n  - {id: a, label: A, id: b}\n"})
    assert check_errors(site) == [
        "site.yml:3:23: error: 'id' is given twice in this block\n    hint: keep one of them",
    ]


def test_yaml_tags_are_refused(make_site):
    site = make_site({"site.yml": "title: !!python/object/apply:os.system [echo hi]\n"})
    assert check_errors(site) == [
        "site.yml:1:8: error: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' "
        "is not allowed\n"
        "    hint: remove it: site files hold only text, numbers, dates, yes/no, lists and "
        "'key: value' blocks",
    ]


def test_merge_keys_are_refused(make_site):
    site = make_site({"site.yml": "title: Test tracker\n<<: {owner: Forum}\n"})
    assert check_errors(site) == [
        "site.yml:2:1: error: YAML merge keys (<<) are not allowed\n"
        "    hint: write the fields out in full where they are needed",
    ]


# Aliases, nesting, size -----------------------------------------------------------------

def test_alias_is_refused_where_it_is_used(make_site):
    site = make_site({RECORD: """\
        title: &name Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        owner: *name
        timeline:
          - date: 2023-09-12
            status: identified
            evidence: [letter:herts-2023#P1]
        """})
    assert check_errors(site) == [
        f"{RECORD}:3:8: error: YAML anchors and aliases (& and *) are not allowed here\n"
        "    hint: write the value out in full where it is needed",
    ]


def test_billion_laughs_is_refused_fast(make_site):
    bomb = ['title: Test tracker', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    site = make_site({"site.yml": "\n".join(bomb) + "\n"})
    started = time.monotonic()
    errors = check_errors(site)
    assert time.monotonic() - started < 2
    assert errors == [
        "site.yml:3:8: error: YAML anchors and aliases (& and *) are not allowed here\n"
        "    hint: write the value out in full where it is needed",
    ]


def test_deeply_nested_yaml(make_site):
    site = make_site({RECORD: "title: Improve\ntracks: " + "[" * 40 + "]" * 40 + "\n"})
    assert check_errors(site) == [
        f"{RECORD}:2:40: error: YAML nested more than 32 levels deep\n"
        "    hint: no site file needs this many levels: check the indentation",
    ]


def test_very_deeply_nested_yaml_does_not_crash(make_site):
    # 100,000 levels in a 200 kB file once overflowed the C stack of the YAML composer.
    site = make_site({RECORD: "tracks: " + "[" * 100_000 + "]" * 100_000 + "\n"})
    assert check_errors(site) == [
        f"{RECORD}:1:40: error: YAML nested more than 32 levels deep\n"
        "    hint: no site file needs this many levels: check the indentation",
    ]


def test_deeply_nested_block_yaml(make_site):
    nested = "".join("  " * depth + f"level{depth}:\n" for depth in range(40))
    site = make_site({RECORD: "title: Improve\n" + nested})
    assert check_errors(site) == [
        f"{RECORD}:34:65: error: YAML nested more than 32 levels deep\n"
        "    hint: no site file needs this many levels: check the indentation",
    ]


def test_oversized_file_is_refused(make_site):
    body = "Words words words.\n\n" * (2 * 1024 * 1024 // 20 + 1)
    text = "---\ntitle: Halfway\ndate: 2023-10-01\n---\n" + body
    site = make_site({UPDATE: text.encode("utf-8")})
    size = len(text.encode("utf-8"))
    assert size > 2 * 1024 * 1024
    assert check_errors(site) == [
        f"{UPDATE}:1:1: error: this file is {size:,} bytes, more than the limit of 2,097,152\n"
        "    hint: split it into smaller files, or put large documents under static/",
    ]


# Encodings ------------------------------------------------------------------------------

UTF8_HINT = "    hint: save the file as UTF-8 in your editor ('Save as' > encoding: UTF-8)"


def test_record_not_in_utf8(make_site):
    text = "title: Improve\ntracks: [letter:herts-2023#P1]\nowner: Caf\xe9 team\n"
    site = make_site({RECORD: text.encode("latin-1")})
    assert check_errors(site) == [
        f"{RECORD}:3:11: error: this file is not UTF-8 text (byte 0xE9)\n" + UTF8_HINT,
    ]


def test_update_body_not_in_utf8(make_site):
    text = "---\ntitle: Halfway\ndate: 2023-10-01\n---\nFirst.\n\nParents \u2018said\u2019 so.\n"
    site = make_site({UPDATE: text.encode("cp1252")})
    assert check_errors(site) == [
        f"{UPDATE}:7:9: error: this file is not UTF-8 text (byte 0x91)\n" + UTF8_HINT,
    ]


def test_site_yml_in_utf16(make_site):
    site = make_site({"site.yml": "title: Test tracker\n".encode("utf-16")})
    assert check_errors(site) == [
        "site.yml:1:1: error: this file is not UTF-8 text (byte 0xFF)\n" + UTF8_HINT,
    ]


def test_utf8_with_byte_order_mark_is_fine(make_site):
    site = make_site({"site.yml": "\ufefftitle: Test tracker\n".encode()})
    result = check(site)
    assert result.exit_code == 0, result.stderr


# Not a mapping, no front matter ---------------------------------------------------------

def test_record_that_is_a_list(make_site):
    site = make_site({RECORD: "- title: Improve\n- tracks: [letter:herts-2023#P1]\n"})
    assert check_errors(site) == [
        f"{RECORD}:1:1: error: this file must be 'key: value' lines (a YAML mapping)\n"
        "    hint: start with 'title: …'",
    ]


def test_site_yml_that_is_a_list_is_not_also_a_missing_title(make_site):
    site = make_site({"site.yml": "- title: Test tracker\n"})
    assert check_errors(site) == [
        "site.yml:1:1: error: site.yml must be 'key: value' lines\n    hint: start with 'title: …'",
    ]


def test_missing_site_yml(make_site):
    site = make_site({"site.yml": None})
    assert check_errors(site) == [
        "site.yml:1:1: error: there is no site.yml in this folder\n"
        "    hint: run 'tracker init DIR' to start a site, or pass --site DIR",
    ]


NO_FRONT_MATTER = (
    "1:1: error: this file has no front matter\n"
    "    hint: start the file with a line '---', then 'title: …' and 'date: YYYY-MM-DD', "
    "then another '---' line"
)


def test_letter_without_front_matter(make_site):
    site = make_site({"content/letters/herts-2024.md": "Dear colleague\n\nThank you.\n"})
    assert check_errors(site) == ["content/letters/herts-2024.md:" + NO_FRONT_MATTER]


def test_update_without_front_matter(make_site):
    site = make_site({UPDATE: "title: Halfway\ndate: 2023-10-01\n\nBody.\n"})
    assert check_errors(site) == [f"{UPDATE}:" + NO_FRONT_MATTER]


def test_unclosed_front_matter(make_site):
    site = make_site({UPDATE: "---\ntitle: Halfway\ndate: 2023-10-01\n\nBody.\n"})
    assert check_errors(site) == [
        f"{UPDATE}:1:1: error: the front matter is not closed\n"
        "    hint: add a line '---' after the last front matter field",
    ]


def test_front_matter_that_is_a_list(make_site):
    site = make_site({UPDATE: "---\n- title: Halfway\n---\nBody.\n"})
    assert check_errors(site) == [
        f"{UPDATE}:2:1: error: the front matter must be 'key: value' lines",
    ]


def test_unreadable_record_gives_no_untracked_warnings(make_site):
    # The record that tracks P1 cannot be read: saying P1 "is not tracked by any record"
    # too would send staff looking for a missing record. (build.load_site runs the policy
    # checks even when reading the site found errors.)
    site = make_site({RECORD: "title: [Improve\n"})
    result = check(site)
    assert "Traceback" not in result.output + result.stderr
    assert lines(result) == [
        f"{site}/{RECORD}:1:8: error: this is not valid YAML: this '[' is never closed",
    ]


def test_reading_yaml_keeps_nothing_of_the_parse():
    """A national site reads 100,000 files: none of their parse trees may stay in memory."""
    import gc

    import yaml

    from tracker.content.safeyaml import load_yaml

    def nodes() -> int:
        gc.collect()
        return sum(isinstance(o, yaml.Node) for o in gc.get_objects())

    before = nodes()
    for n in range(50):
        load_yaml(f"title: Record {n}\ndate: 2024-01-0{n % 9 + 1}\nbad: 2023-02-30\n"
                  "list: [a, b, {c: d}]\n", "x.yml")
    assert nodes() == before


def test_a_lean_file_reads_again_the_same_mapping_and_places(make_site, tmp_path):
    """A one-off build of a national site keeps only where each file is; what the files give
    back when read again must be exactly what was read, with every place."""
    from tracker.content.files import OnDisk, read_data_file, read_document

    site = make_site()
    record = read_data_file(site, RECORD)
    lean = read_data_file(site, RECORD, lean=True)
    assert isinstance(lean.kept, OnDisk) and not isinstance(record.kept, OnDisk)
    again = lean.data
    assert again == record.data and again is not lean.data
    assert (again.key_pos, again.value_pos, again.value_end) == (
        record.data.key_pos, record.data.value_pos, record.data.value_end)
    letter = read_document(site, "content/letters/herts-2023.md")
    kept = read_document(site, "content/letters/herts-2023.md", lean=True)
    assert isinstance(kept.kept_body, OnDisk)
    assert kept.body == letter.body and kept.body_line == letter.body_line


def test_a_lean_file_changed_during_a_build_is_refused_not_mixed(make_site, monkeypatch):
    """A file saved again between the first reading and the second would mix two versions
    (the front matter of one, the words of the other): the build stops with an error."""
    from tracker.build import check_site
    from tracker.content import files
    from tracker.scale import spool

    site = make_site({f"content/updates/{UPDATE_NAME}": "---\ntitle: News\ndate: 2024-01-01\n---\nWords.\n"})
    monkeypatch.setattr(spool, "LEAN_FROM", 0)
    real = files.read_text

    def then_saved(root, rel, lean=False):
        found = real(root, rel, lean)
        if rel in (RECORD, "content/letters/herts-2023.md"):
            path = root / rel
            path.write_text(path.read_text() + "\n# saved again\n")
        if rel == "content/updates/" + UPDATE_NAME:
            (root / rel).unlink()  # moved away, as some editors do while saving
        return found

    monkeypatch.setattr(files, "read_text", then_saved)
    found = check_site(site, dt.date(2024, 1, 1))
    errors = [p.format().splitlines()[0] for p in found if p.severity == "error"]
    message = "error: this file changed while the site was being built"
    assert f"{RECORD}:1:1: {message}" in errors
    assert f"content/letters/herts-2023.md:1:1: {message}" in errors
    assert f"content/updates/{UPDATE_NAME}:1:1: {message}" in errors


def test_a_lean_record_is_read_again_once_its_outline_taken_at_the_first_reading(
        make_site, monkeypatch):
    """A national site's references name records by title: the titles are taken when a lean
    file is first read, so a check reads each record again only to check it (a third
    parse of 250,000 records cost about 25 seconds)."""
    from collections import Counter

    from tracker.build import check_site
    from tracker.content import files
    from tracker.scale import spool

    site = make_site()
    monkeypatch.setattr(spool, "LEAN_FROM", 0)
    reads: Counter[str] = Counter()
    real = files.OnDisk.text

    def counted(self):
        reads[self.rel] += 1
        return real(self)

    monkeypatch.setattr(files.OnDisk, "text", counted)
    assert not [p for p in check_site(site, dt.date(2024, 1, 1)) if p.severity == "error"]
    assert reads[RECORD] == 1
