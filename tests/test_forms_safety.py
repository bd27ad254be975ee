"""The preview's forms without a browser: every other line of a record kept byte for byte
whatever its layout (`yamledit`), refusals of hostile submissions (size, type, names that
climb out of the site), nothing of the forms in a published build, and a page saying "saved"
only for a file a form really wrote.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from conftest import FULL_SITE, SiteMaker, build, running, tree_bytes

from tracker.authoring.yamledit import EditError, entry, with_entry
from tracker.preview.serve import Preview

DAY = dt.date(2024, 1, 5)


@pytest.mark.parametrize("layout", [
    # Compact lists (`- date:` at the key's column), a comment on the list's last line.
    "title: A\ntracks: [letter:x#P1]\ntimeline:\n- date: 2023-01-01\n  status: identified\n"
    "  evidence: [letter:x#P1]  # the point\n",
    # Four-space items, a quoted title, a blank line and a comment after the timeline.
    "title: 'A'\ntracks: [letter:x#P1]\ntimeline:\n    -   date: 2023-01-01\n"
    "        status: identified\n        evidence:\n            - letter:x#P1\n\n# the end\n",
    # No newline at the end of the file.
    "title: A\ntracks: [letter:x#P1]\ntimeline:\n  - {date: 2023-01-01, status: identified}",
])
def test_every_other_line_is_kept_byte_for_byte(layout: str) -> None:
    new = entry(DAY, "planned", "A note: with a colon", ["letter:x#P1"])
    text = with_entry(layout, new)
    old_lines = (layout if layout.endswith("\n") else layout + "\n").splitlines(keepends=True)
    new_lines = text.splitlines(keepends=True)
    added = [line for line in new_lines if line not in old_lines]
    assert [line for line in new_lines if line in old_lines] == old_lines  # all kept, in order
    assert [" ".join(line.split()) for line in added] == [
        "- date: 2024-01-05", "status: planned", "note: 'A note: with a colon'",
        "evidence: [letter:x#P1]"]
    at = new_lines.index(added[0])
    assert new_lines[at:at + 4] == added  # one block, straight after the last entry


def test_a_sub_actions_timeline_and_a_note_of_several_paragraphs() -> None:
    record = ("title: A\ntracks: [letter:x#P1]\ntimeline:\n  - date: 2023-01-01\n"
              "    status: identified\nactions:\n  - id: plan\n    title: Plan\n    timeline:\n"
              "      - date: 2023-02-01\n        status: planned\n# last line\n")
    text = with_entry(record, entry(DAY, "in-progress", "First.\n\nSecond.", []), action="plan")
    assert text == record.replace("# last line\n", "") + (
        "      - date: 2024-01-05\n        status: in-progress\n        note: |\n"
        "          First.\n\n          Second.\n# last line\n")


def test_a_file_the_form_cannot_add_to_safely_is_refused() -> None:
    with pytest.raises(EditError, match="has no timeline list"):
        with_entry("title: A\ntimeline: not a list\n", entry(DAY, "planned", "", []))
    with pytest.raises(EditError, match="no sub-action 'nope'"):
        with_entry("title: A\ntimeline: []\n", entry(DAY, "planned", "", []), action="nope")


# Over HTTP ---------------------------------------------------------------------------------

def open_form(preview: Preview, path: str) -> tuple[str, str]:
    """The token and version of the form at `path`."""
    page = fetch(preview, "GET", path)[1]
    token = re.search(r'name="token" value="([^"]*)"', page)
    version = re.search(r'name="version" value="([^"]*)"', page)
    assert token and version, page[:500]
    return token.group(1), version.group(1)


def fetch(preview: Preview, method: str, path: str, body: bytes = b"",
          headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, body and Location of one request from the preview's own pages."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=20)
    try:
        connection.request(method, path, body, {"Origin": preview.url.rstrip("/"), **(headers or {})})
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace"), answer.getheader("Location") or ""
    finally:
        connection.close()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def site(make_site: SiteMaker) -> Path:
    return make_site(FULL_SITE)


def test_a_published_build_has_no_forms_and_no_links_to_them(site: Path, tmp_path: Path) -> None:
    assert build(site, tmp_path / "out").exit_code == 0
    for path, data in tree_bytes(tmp_path / "out").items():
        assert not path.startswith("__tracker"), path
        for word in (b"__tracker", b"Record a change", b"Track this point", b'class="edit-bar"'):
            assert word not in data or not path.endswith(".html"), (path, word)


def test_names_that_climb_out_of_the_site_are_refused(site: Path) -> None:
    before = tree_bytes(site)
    with running(site) as preview:
        token, _ = open_form(preview, "/__tracker/forms/track/herts-2023/I1/")
        for name in ("../../site", "..", "x/../../y", "a b", "/etc/passwd", "%2e%2e"):
            fields = urlencode({"token": token, "title": "T", "id": name, "action": "save"})
            status, page, _ = fetch(preview, "POST", "/__tracker/forms/track/herts-2023/I1/",
                                    fields.encode(), FORM)
            assert status == 422 and "This is not a valid file name" in page, name
        for route in ("/__tracker/forms/record/..%2f..%2fsite/", "/__tracker/forms/record/nope/",
                      "/__tracker/forms/track/herts-2023/P9/", "/__tracker/forms/track/../x/I1/",
                      "/__tracker/forms/other/"):
            assert fetch(preview, "GET", route)[0] == 404, route
            fields = urlencode({"token": token, "action": "save"}).encode()
            assert fetch(preview, "POST", route, fields, FORM)[0] == 404, route
    assert tree_bytes(site) == before


def test_sizes_and_kinds_of_body_are_limited(site: Path) -> None:
    with running(site) as preview:
        token, _ = open_form(preview, "/__tracker/forms/letter/")
        form = "/__tracker/forms/letter/"
        big = {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": "70000000"}
        connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=20)
        connection.putrequest("POST", form)
        for name, value in {"Origin": preview.url.rstrip("/"), **big}.items():
            connection.putheader(name, value)
        connection.endheaders()  # the body is never sent: the answer comes first
        assert connection.getresponse().status == 413
        connection.close()
        assert fetch(preview, "POST", form, b"{}", {"Content-Type": "application/json"})[0] == 415
        assert fetch(preview, "POST", "/letters/", b"a=b", FORM)[0] == 405
        fields = urlencode({"token": token, "action": "save"}).encode()
        status, page, _ = fetch(preview, "POST", form, fields, FORM)
        assert status == 422 and "Choose the letter" in page


def test_a_page_says_saved_only_for_a_file_a_form_wrote(site: Path) -> None:
    with running(site) as preview:
        lie = quote("<script>alert(1)</script>")
        assert 'role="status"' not in fetch(preview, "GET", f"/areas/governance/?saved={lie}")[1]
        assert 'role="status"' not in fetch(
            preview, "GET", "/areas/governance/?saved=content/actions/governance.yml")[1]
        token, version = open_form(preview, "/__tracker/forms/record/governance/")
        fields = urlencode({"token": token, "version": version, "status": "planned",
                            "date": "2024-01-05", "evidence": "letter:herts-2023#P2",
                            "action": "save"}).encode()
        status, _, location = fetch(preview, "POST", "/__tracker/forms/record/governance/", fields, FORM)
        assert status == 303
        assert location == "/areas/governance/?saved=content/actions/governance.yml#entry-2024-01-05"
        page = fetch(preview, "GET", location.split("#")[0])[1]
        assert 'role="status"' in page and "content/actions/governance.yml" in page
        assert 'id="entry-2024-01-05"' in page


def test_a_browser_on_another_computer_may_read_the_preview_but_not_use_its_forms(site: Path) -> None:
    """`tracker serve --host 0.0.0.0` shows the preview to other computers; only this one's
    browser may open or send a form."""
    with running(site) as preview:
        form = "/__tracker/forms/update/"
        for elsewhere in ("192.168.1.20", "10.0.0.2", "::ffff:192.168.1.20", "fe80::1"):
            assert preview.desk.get(form, elsewhere).status == 403
            answer = preview.desk.post(form, {"Origin": preview.url.rstrip("/")}, lambda n: b"",
                                       elsewhere)
            assert answer.status == 403 and b"only in a browser on the computer" in answer.body
        for here in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
            assert preview.desk.get(form, here).status == 200


def test_a_form_never_writes_through_a_link_out_of_the_site(make_site: SiteMaker,
                                                            tmp_path: Path) -> None:
    """content/actions made a link to a folder elsewhere: the site still builds (the link is
    ignored, with a warning), and the form that would write a record there refuses."""
    site = make_site({"content/actions/data-dashboard.yml": None})  # no record yet
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "content/actions").symlink_to(elsewhere, target_is_directory=True)
    with running(site) as preview:
        token, _ = open_form(preview, "/__tracker/forms/track/herts-2023/I1/")
        fields = urlencode({"token": token, "title": "Plans", "id": "ehc-plans", "action": "save"})
        status, page, _ = fetch(preview, "POST", "/__tracker/forms/track/herts-2023/I1/",
                                fields.encode(), FORM)
        assert status == 422 and "outside the site folder" in page
    assert list(elsewhere.iterdir()) == []
