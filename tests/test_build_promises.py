"""The promises of SPEC 9 kept by `tracker build`: deterministic output, nothing lost,
sources never written, raw HTML shown as text; and drafts, --base-url, themes, names that
collide, and the progress display."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FULL_SITE, TODAY, build, run, tree_bytes, write_files
from htmlpage import html_pages
from htmlpage import read_page as page

from tracker import progress

REPO = Path(__file__).resolve().parents[1]
RECORD = "content/actions/data-dashboard.yml"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def ok(result) -> None:
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def fingerprint(root: Path, skip: str = "") -> dict[str, tuple[str, int]]:
    """Every file under `root` with its hash and modification time (files under `skip` left out)."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if skip and (rel == skip or rel.startswith(skip + "/")):
            continue
        if path.is_file():
            found[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        else:
            found[rel] = ("folder", 0)
    return found


def site_with(tmp_path: Path, files: dict[str, str | bytes | None] | None = None,
              *, base: dict[str, str | bytes | None] = FULL_SITE) -> Path:
    return write_files(tmp_path / "site", {**base, **(files or {})})


def many_updates(count: int) -> dict[str, str | bytes | None]:
    return {f"content/updates/2023-{n:02d}-10-news.md":
            f"---\ntitle: News number {n}\ndate: 2023-{n:02d}-10\n---\nWhat happened.\n"
            for n in range(1, count + 1)}


# Promises: deterministic, nothing lost, sources untouched -----------------------------

def test_same_input_and_date_give_byte_identical_output(tmp_path):
    site = site_with(tmp_path)
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    outputs = []
    for seed, name in (("1", "one"), ("2", "two")):
        env["PYTHONHASHSEED"] = seed
        done = subprocess.run(
            [sys.executable, "-m", "tracker", "build", "--site", str(site), "--out",
             str(tmp_path / name), "--today", TODAY, "-q"],
            capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr
        outputs.append(tree_bytes(tmp_path / name))
    assert sorted(outputs[0]) == sorted(outputs[1])
    differ = [path for path in outputs[0] if outputs[0][path] != outputs[1][path]]
    assert differ == []


def test_example_site_builds_identically_twice_without_touching_its_sources(tmp_path):
    sources = {name: fingerprint(REPO / name) for name in ("content", "themes", "static")
               if (REPO / name).exists()}
    config = (REPO / "site.yml").read_bytes(), (REPO / "site.yml").stat().st_mtime_ns
    ok(build(REPO, tmp_path / "a"))
    ok(build(REPO, tmp_path / "b"))
    first, second = tree_bytes(tmp_path / "a"), tree_bytes(tmp_path / "b")
    assert sorted(first) == sorted(second)
    assert [p for p in first if first[p] != second[p]] == []
    assert {name: fingerprint(REPO / name) for name in sources} == sources
    assert ((REPO / "site.yml").read_bytes(), (REPO / "site.yml").stat().st_mtime_ns) == config
    assert len(first) > 20


def test_rebuilding_into_the_same_folder_gives_the_same_bytes(tmp_path):
    site = site_with(tmp_path)
    out = tmp_path / "out"
    ok(build(site, out))
    before = tree_bytes(out)
    ok(build(site, out))
    assert tree_bytes(out) == before


def test_build_never_writes_source_files(tmp_path):
    site = site_with(tmp_path)
    before = fingerprint(site)
    ok(build(site, tmp_path / "out"))
    ok(build(site, tmp_path / "out", "--drafts"))
    assert fingerprint(site) == before
    ok(run("build", "--site", str(site), "--today", TODAY, "-q"))
    assert fingerprint(site, skip="_site") == before
    assert (site / "_site" / "index.html").is_file(), "the default output is SITE/_site"


BREAKAGES = {
    "record": {RECORD: "title: Improve the SEND data dashboard\ntracks: [letter:herts-2023#P9]\n"
                       "timeline:\n  - date: 2023-09-12\n    status: nonsense\n"},
    "template": {"themes/default/templates/home.html":
                 '{% extends "base.html" %}{% block main %}{{ view.no_such_field }}{% endblock %}\n'},
    "static clash": {"static/index.html": "<p>mine</p>\n"},
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_failed_build_leaves_the_previous_output_untouched(tmp_path, breakage):
    site = site_with(tmp_path)
    out = tmp_path / "out"
    ok(build(site, out))
    before, beside = tree_bytes(out), sorted(p.name for p in tmp_path.iterdir())
    write_files(site, breakage)
    sources = fingerprint(site)
    result = build(site, out)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert ": error: " in result.stderr
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == beside, "no stray folders beside the output"
    assert fingerprint(site) == sources


def test_failed_first_build_creates_no_output(tmp_path):
    site = site_with(tmp_path, {RECORD: "title: [unclosed\n"})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize("where", [".", "content", "content/letters", "static", "themes", ".."])
def test_output_folder_over_the_sources_is_refused(tmp_path, where):
    site = site_with(tmp_path, {"themes/mine/templates/base.html": "{% block main %}{% endblock %}\n"})
    before = fingerprint(tmp_path)
    result = build(site, site / where)
    assert result.exit_code == 2, "a usage error: the wrong --out"
    assert "Traceback" not in result.stderr
    assert f"Error: Invalid value for --out: '{site / where}' is where the site's own files " \
        "are: building there would overwrite them.\n    hint: choose another --out, such as " \
        "_site\n" in result.stderr
    assert fingerprint(tmp_path) == before, "nothing deleted or written"


# Promises: safe ------------------------------------------------------------------------

RAW_HTML = {
    "content/updates/2023-10-02-raw.md": """\
        ---
        title: Raw HTML <i>in a title</i>
        date: 2023-10-02
        summary: A summary with <img src=x onerror=alert(2)> in it.
        ---
        Before.

        <script>alert(1)</script>

        Inline <b>bold</b> and <a href="https://evil.example/">a link</a>.
        """,
    "content/letters/herts-2023.md": """\
        ---
        title: "Ofsted and CQC: joint inspection of Hertfordshire"
        date: 2023-09-12
        inspectorate: [Ofsted, CQC]
        kind: full-inspection
        ---
        Dear <b>colleague</b>

        <div onclick="alert(3)">A block of HTML</div>

        ## Areas for priority action

        - Leaders should improve the <b>SEND</b> data dashboard.
        - Leaders should strengthen partnership governance.

        ## Areas for improvement

        - Leaders should improve the quality of EHC plans.
        """,
}


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    site = write_files(folder / "site", {**FULL_SITE, **RAW_HTML})
    ok(build(site, folder / "out"))
    return folder / "out"


def test_raw_html_in_an_update_is_shown_as_text(raw):
    update = page(raw, "updates/2023-10-02-raw/index.html")
    assert update.all("script") == []
    assert update.all("b") == []
    assert "evil.example" not in " ".join(update.targets(update.main))
    assert "<script>alert(1)</script>" in update.main.text
    assert "<b>bold</b>" in update.main.text
    assert "Raw HTML <i>in a title</i>" in update.one("h1").text


def test_raw_html_in_a_letter_is_shown_as_text(raw):
    letter = page(raw, "letters/herts-2023/index.html")
    assert letter.all("b") == []
    assert [d for d in letter.all("div") if "onclick" in d.attrs] == []
    assert "Dear <b>colleague</b>" in letter.main.text
    assert '<div onclick="alert(3)">A block of HTML</div>' in letter.main.text
    area = page(raw, "areas/data-dashboard/index.html")
    assert [q.text for q in area.all("blockquote")] == [
        "Leaders should improve the <b>SEND</b> data dashboard."]
    assert area.all("b") == []


def test_raw_html_never_becomes_markup_on_any_page(raw):
    for html in html_pages(raw).values():
        assert [e for e in html.elements if e.tag in ("b", "i", "img")] == [], html.path
        assert not [e for e in html.elements if any(k.startswith("on") for k in e.attrs)], html.path
        scripts = html.all("script")
        assert all("alert" not in s.text for s in scripts), html.path


DRAFT = {
    "content/updates/2023-12-01-secret.md": """\
        ---
        title: A secret draft update
        date: 2023-12-01
        draft: true
        about: [data-dashboard]
        ---
        Not ready yet.
        """,
}


def text_files(out: Path) -> dict[str, str]:
    return {path: data.decode("utf-8") for path, data in tree_bytes(out).items()
            if not path.startswith("pagefind/") and path.endswith((".html", ".xml", ".json", ".csv"))}


def test_drafts_are_left_out_unless_asked_for(tmp_path):
    site = site_with(tmp_path, DRAFT)
    out = tmp_path / "out"
    ok(build(site, out))
    assert not (out / "updates/2023-12-01-secret").exists()
    mentions = [p for p, text in text_files(out).items()
                if "secret draft" in text or "2023-12-01-secret" in text]
    assert mentions == []
    ok(build(site, out, "--drafts"))
    assert (out / "updates/2023-12-01-secret/index.html").is_file()
    mentions = [p for p, text in text_files(out).items() if "secret draft" in text]
    assert {"index.html", "updates/index.html", "feed.xml", "data/tracker.json",
            "areas/data-dashboard/index.html"} <= set(mentions)
    updates = page(out, "updates/index.html")
    assert "updates/2023-12-01-secret/index.html" in updates.targets(updates.main)


@pytest.mark.parametrize("given", ["https://example.org/sub/", "https://example.org/sub"])
def test_base_url_sets_canonical_links_sitemap_and_feeds(tmp_path, given):
    site = site_with(tmp_path, {"site.yml": "title: Test tracker\nbase_url: https://old.example/\n"})
    out = tmp_path / "out"
    ok(build(site, out, "--base-url", given))
    base = "https://example.org/sub/"
    for rel, html in html_pages(out).items():
        canonical = [e.attrs["href"] for e in html.all("link") if e.attrs.get("rel") == "canonical"]
        if rel != "404.html":
            assert canonical == [base + rel.removesuffix("index.html")], rel
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert base in locs
    assert base + "letters/herts-2023/" in locs
    assert all(loc.startswith(base) for loc in locs)
    assert base + "feed.xml" in (out / "feed.xml").read_text(encoding="utf-8")
    leaks = [p for p, text in text_files(out).items() if "old.example" in text]
    assert leaks == []


# Themes, and names that collide --------------------------------------------------------

THEME = {
    "site.yml": "title: Test tracker\ntheme: mine\n",
    "themes/mine/templates/base.html": """\
        <!doctype html>
        <html lang="{{ page.language }}">
        <head><meta charset="utf-8"><title>{{ page.title }}</title>
        <link rel="stylesheet" href="{{ page.stylesheet }}">{% block head %}{% endblock %}</head>
        <body><p class="my-theme">MY THEME</p><main id="main">{% block main %}{% endblock %}</main></body>
        </html>
        """,
    "themes/mine/static/style.css": "body { color: rebeccapurple; }\n",
}


def test_site_theme_overrides_only_its_own_files(tmp_path):
    site = site_with(tmp_path, THEME)
    out = tmp_path / "out"
    ok(build(site, out))
    assert (out / "assets/style.css").read_text(encoding="utf-8") == THEME["themes/mine/static/style.css"]
    for rel in ("index.html", "letters/herts-2023/index.html", "areas/data-dashboard/index.html"):
        html = page(out, rel)
        assert [p.text for p in html.all("p") if p.attrs.get("class") == "my-theme"] == ["MY THEME"]
    home = page(out, "index.html")
    assert "Where things stand" in home.main.text, "home.html comes from the default theme"
    letter = page(out, "letters/herts-2023/index.html")
    assert "Points in this letter" in letter.main.text, "letter.html comes from the default theme"
    default_css = (REPO / "themes/default/static/style.css").read_bytes()
    assert (REPO / "themes/default/static/style.css").read_bytes() == default_css


@pytest.mark.parametrize("slug", ["letters", "updates", "areas", "timeline", "search", "data"])
def test_page_named_after_a_section_is_an_error(tmp_path, slug):
    site = site_with(tmp_path, {f"content/pages/{slug}.md": "---\ntitle: Clash\n---\nText.\n"})
    out = tmp_path / "out"
    result = build(site, out)
    assert result.exit_code == 1
    assert f"content/pages/{slug}.md" in result.stderr
    assert ": error: " in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["index.html", "letters/index.html", "feed.xml", "data/tracker.json",
                                  "sitemap.xml", "assets/style.css", "pagefind/pagefind-ui.js"])
def test_static_file_over_a_generated_file_is_an_error(tmp_path, name):
    site = site_with(tmp_path, {f"static/{name}": "<p>mine</p>\n"})
    out = tmp_path / "out"
    result = build(site, out)
    assert result.exit_code == 1, f"static/{name} silently replaces, or is replaced by, a generated file"
    assert ": error: " in result.stderr
    assert name in result.stderr
    assert not out.exists()


def test_static_file_clash_names_the_static_file(tmp_path):
    """SPEC: every mistake gets a message naming the file (here, the one to rename)."""
    site = site_with(tmp_path, {"static/index.html": "<p>mine</p>\n"})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    [error] = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert error == (f"{site}/static/index.html:1:1: error: 'index.html' would be written "
                     "twice (by the pages and by static/)")


# The progress display ------------------------------------------------------------------

def problems_only(stderr: str) -> list[str]:
    """Lines of standard error that are not problems, hints or the count of problems."""
    count = re.compile(r"\d+ error\(s\), \d+ warning\(s\)")
    return [line for line in stderr.splitlines() if line.strip()
            and ": error: " not in line and ": warning: " not in line
            and not line.startswith("    hint: ") and not count.fullmatch(line)]


def test_quiet_build_prints_nothing_but_problems(tmp_path):
    site = site_with(tmp_path)
    result = build(site, tmp_path / "out", "-q")
    ok(result)
    assert result.stdout == ""
    assert problems_only(result.stderr) == []
    assert "warning: no update recorded since 1 October 2023" in result.stderr


def test_quiet_build_without_problems_prints_nothing(make_site, tmp_path):
    site = make_site({"content/letters/herts-2023.md": "---\ntitle: A letter\ndate: 2023-09-12\n"
                      "points: false\n---\nHello.\n", RECORD: None}, base=True)
    result = build(site, tmp_path / "out", "-q")
    ok(result)
    assert (result.stdout, result.stderr) == ("", "")


def run_on_terminal(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `tracker ARGS…` with standard error on a pseudo-terminal; (exit code, what it showed)."""
    import pty  # POSIX: the tests run on Linux, in CI too; never skipped
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "tracker", *args], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    process.wait(timeout=120)
    assert process.stdout is not None
    assert process.stdout.read() == b""
    return process.returncode, shown.decode("utf-8", "replace")


def test_quiet_build_on_a_terminal_shows_no_progress(tmp_path):
    site = site_with(tmp_path, many_updates(12))
    code, shown = run_on_terminal("build", "--site", str(site), "--out", str(tmp_path / "out"),
                                  "--today", TODAY, "-q")
    assert code == 0, shown
    assert "warning: no update recorded since 1 October 2023" in shown, "problems are shown"
    assert "Writing files" not in shown
    assert "\r" not in shown.replace("\r\n", "\n")
    assert problems_only(shown) == []


def test_build_into_a_pipe_shows_no_progress(tmp_path):
    site = site_with(tmp_path, many_updates(12))
    done = subprocess.run([sys.executable, "-m", "tracker", "build", "--site", str(site), "--out",
                           str(tmp_path / "out"), "--today", TODAY],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Writing files" not in done.stderr
    assert "\r" not in done.stderr and "\033" not in done.stderr
    assert done.stdout == ""
    assert [line for line in problems_only(done.stderr) if not line.startswith("Built ")] == []


def test_progress_line_is_what_the_quiet_tests_look_for(monkeypatch, capsys):
    """The progress display does say 'Writing files' when shown (so the tests above mean something)."""
    monkeypatch.setattr(progress, "DELAY", 0)
    with progress.Progress(True) as shown:
        shown.update(1, 2)
        shown.update(2, 2)
    assert "Writing files: 2/2" in capsys.readouterr().err
    with progress.Progress(False) as hidden:
        hidden.update(1, 2)
    assert capsys.readouterr().err == ""


def test_template_error_names_the_template_and_line(tmp_path):
    site = site_with(tmp_path, {
        "site.yml": "title: T\ntheme: mine\n",
        "themes/mine/templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n"
                                          "{{ view.nothing_here }}\n{% endblock %}\n",
        "content/pages/about.md": "---\ntitle: About\n---\nText.\n",
    })
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{site}/themes/mine/templates/page.html:3:1: error: template error:" in result.stderr
