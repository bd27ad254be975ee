"""`tracker init`: a new site with sample content, clearly marked as made up, that checks and
builds at once."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import re
import shlex
from pathlib import Path

from .. import __version__
from ..content.config import DEFAULT_POINTS, DEFAULT_PRESET, PRESETS
from ..content.folder import CONFIG, LETTERS, PAGES, RECORDS, STATIC, UPDATES
from ..content.model import long_date
from .launchers import LAUNCHERS, LINUX, MAC, made_runnable
from .scaffold import NotEmptyError, entry_text, record_text, update_slug, write_new, yaml_text

SAMPLE_LETTER = "sample-letter"
SAMPLE_RECORD = "sample-support-plan-changes"


def site_yml_text(title: str) -> str:
    """site.yml for a new site, with a note before each setting."""
    return (
        "# The site's settings. Lines starting with '#' are notes for you: the tracker ignores them.\n"
        "\n"
        "# The site's name, shown at the top of every page.\n"
        f"title: {yaml_text(title)}\n"
        "# One sentence saying what the site is for.\n"
        "description: What inspectors asked for, what has been done, and the evidence.\n"
        "# The address the site will be published at. Change it before you publish.\n"
        "base_url: https://example.org/tracker/\n"
        "# The language of the pages: en-GB is British English.\n"
        "language: en-GB\n"
        "# Who runs the site.\n"
        "owner: Example parent carer forum\n"
        "# A banner on every page. Delete this line once the sample content is gone.\n"
        'notice: "Sample content: the letter, record and update on this site are made up, '
        'to show how the tracker works."\n'
        "# The look of the site: default, or the name of a folder in themes/.\n"
        "theme: default\n"
        "# A record with no new entry for this many days is marked 'no update recorded since ...'.\n"
        "stale_after_days: 90\n"
        "# true: every timeline entry must cite its evidence. Keep it true.\n"
        "require_evidence: true\n"
        "# The statuses records may use. send-2023 gives identified, planned, in-progress and\n"
        "# completed, and the inspectors' verdicts effective and ineffective. Other choices:\n"
        "# send-2016 (sufficient-progress, insufficient-progress) and school-monitoring\n"
        "# (taking-effective-action, not-taking-effective-action).\n"
        "statuses: send-2023\n"
        "# Where a letter's points are: a heading or lead-in that starts with one of a kind's\n"
        "# phrases opens a section whose list items (or table rows) are points of that kind.\n"
        "# Add a phrase your inspectorate uses; points are numbered with the prefix (P1, I1).\n"
        "points:\n" + "".join(
            f"  {kind.id}:\n    label: {yaml_text(kind.label)}\n    prefix: {kind.prefix}\n"
            f"    phrases: [{', '.join(yaml_text(p) for p in kind.phrases)}]\n"
            for kind in DEFAULT_POINTS)
    )


def sample_letter_text(date: dt.date, visit: dt.date) -> str:
    """A short, made-up letter with two areas for improvement, marked as a sample."""
    return (
        "---\n"
        "# A SAMPLE letter, made up to show how the tracker works. Replace it with a real one\n"
        "# (tracker import LETTER.txt), or delete it and the sample record that tracks it.\n"
        'title: "Sample inspection letter (made up: not a real letter)"\n'
        f"date: {date.isoformat()}\n"
        "kind: sample\n"
        "subject: Example Primary School\n"
        f"visit_dates: [{visit.isoformat()}]\n"
        "inspectors: [A. Inspector]\n"
        "---\n"
        "\n"
        "**This is a sample letter, made up to show how the tracker works. It is not a real\n"
        "inspection letter, and Example Primary School is not a real school.**\n"
        "\n"
        "Dear Headteacher\n"
        "\n"
        f"Thank you for welcoming me to Example Primary School on {long_date(visit)}. I looked\n"
        "at how the school works with the families of children with special educational needs\n"
        "and disabilities (SEND).\n"
        "\n"
        "Staff know the children well, and parents told me that they feel listened to.\n"
        "\n"
        "## Areas for improvement\n"
        "\n"
        "- Tell parents about changes to their child's support plan in good time.\n"
        "- Ask children with SEND for their views when their support is reviewed.\n"
        "\n"
        "Yours sincerely\n"
        "\n"
        "A. Inspector\n"
    )


def sample_update_text(title: str, date: dt.date) -> str:
    """A made-up forum update about the sample record."""
    return (
        "---\n"
        f"title: {yaml_text(title)}\n"
        f"date: {date.isoformat()}\n"
        "author: Forum team\n"
        "summary: A made-up update, to show how updates, letters and records link together.\n"
        f"about: [{SAMPLE_RECORD}]\n"
        "---\n"
        "\n"
        "This is a sample update, made up to show how the tracker works. Replace it with your\n"
        "own news, or delete it.\n"
        "\n"
        f"An update can link to [a point in a letter](letter:{SAMPLE_LETTER}#I1) or to\n"
        f"[an action record](record:{SAMPLE_RECORD}), and it is listed on the pages of the\n"
        "records it is about.\n"
    )


ABOUT_TEXT = """\
---
title: About this tracker
---

This tracker shows what inspectors asked for, what has been done about it, and the evidence.

The letter, the record and the update on this site are samples, made up to show how the
tracker works. They do not describe a real school. Replace them with your own, then delete
the `notice:` line in site.yml.
"""


def _install_note(version: str, source: str) -> str:
    if source:
        return ("# 2. TRACKER below is where the tracker that made this site (release "
                f"{version}) was installed\n#    from; the checks and builds here use it too.\n")
    return (f"# 2. Set TRACKER below to where tracker {version}, which made this site, is "
            "installed from,\n"
            f"#    for example  TRACKER: git+https://github.com/OWNER/tracker@v{version}\n"
            "#    with OWNER the account that publishes tracker. tracker is not on PyPI: a "
            "package\n#    there called \"tracker\" is someone else's, so never write just "
            "\"tracker\".\n")


def workflow_text(version: str, source: str = "") -> str:
    """.github/workflows/publish.yml: GitHub checks every push and pull request, showing each
    problem on its line; the main branch is built and published with GitHub Pages after each
    push and once a week, so that the build date (the day of the run) keeps "no update
    recorded since" true when nobody pushes. Deploying is a job of its own: only it has the
    Pages permissions and environment, and it never runs for a pull request."""
    return f"""\
# Checks the site on every push and pull request, showing each problem on its line. Then the
# main branch is built and published with GitHub Pages: after every push, once a week (so that
# "no update recorded since" stays true when nobody pushes), and from the "Run workflow" button.
#
# Before the first run:
# 1. In the repository's Settings, open Pages and, under "Source", choose "GitHub Actions".
{_install_note(version, source)}name: Check and publish

on:
  push:
  pull_request:
  schedule:
    - cron: "17 6 * * 1"  # every Monday at 06:17 UTC
  workflow_dispatch:

env:
  TRACKER: {json.dumps(source)}

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v7
      - uses: actions/setup-python@v7
        with:
          python-version: "3.12"
      - name: Install tracker
        run: |
          if [ -z "$TRACKER" ]; then
            echo "::error title=TRACKER is not set::Write where to install tracker from after" \\
              "TRACKER: near the top of .github/workflows/publish.yml (its notes say how)."
            exit 1
          fi
          python -m pip install "$TRACKER"
      - name: Check the site
        run: tracker check --format github

  publish:
    # The main branch only, never a pull request.
    if: >-
      github.event_name == 'schedule' ||
      (github.event_name != 'pull_request' && github.ref_name == github.event.repository.default_branch)
    needs: check
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pages: write
      id-token: write
    concurrency:
      group: pages
      cancel-in-progress: false
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - uses: actions/checkout@v7
      - uses: actions/setup-python@v7
        with:
          python-version: "3.12"
      - name: Install tracker
        run: python -m pip install "$TRACKER"
      - name: Find the site's address in the Pages settings
        id: pages
        uses: actions/configure-pages@v6
      - name: Build the site, dated today
        run: tracker build --base-url "$BASE_URL/" --out _site
        env:
          BASE_URL: ${{{{ steps.pages.outputs.base_url }}}}
      - uses: actions/upload-pages-artifact@v5
        with:
          path: _site
      - name: Publish
        id: deployment
        uses: actions/deploy-pages@v5
"""


def _site_title(folder: Path) -> str:
    name = re.sub(r"[-_]+", " ", folder.resolve().name).strip()
    return name[:1].upper() + name[1:] if name else "My tracker"


def init_site(folder: Path, today: dt.date) -> list[Path]:
    """A new site with sample content in `folder` (new or empty); the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NotEmptyError(str(folder))
    letter_date, visit = today - dt.timedelta(days=42), today - dt.timedelta(days=49)
    news = today - dt.timedelta(days=14)
    update_title = "Sample update: how this tracker works"
    update = update_slug(update_title, news)
    point = f"letter:{SAMPLE_LETTER}#I1"
    entries = [
        entry_text(letter_date, "identified",
                   "Named as an area for improvement in the sample letter.", [point]),
        entry_text(news, "in-progress", "Sample: the school now writes to parents within a "
                   "week of any change to their child's plan.", [f"update:{update}"]),
    ]
    record = record_text(
        SAMPLE_RECORD, "Tell parents about changes to support plans in good time", [point],
        entries, [(s.id, s.verdict) for s in PRESETS[DEFAULT_PRESET]], owner="Example Primary School",
        summary="A sample record, made up to show how records work.",
        intro="# A SAMPLE record, made up to show how records work. Replace it, or delete it.\n",
    )
    files = {
        CONFIG: site_yml_text(_site_title(folder)),
        f"{LETTERS}/{SAMPLE_LETTER}.md": sample_letter_text(letter_date, visit),
        f"{RECORDS}/{SAMPLE_RECORD}.yml": record,
        f"{UPDATES}/{update}.md": sample_update_text(update_title, news),
        f"{PAGES}/about.md": ABOUT_TEXT,
        f"{STATIC}/.gitkeep": "",
        ".gitignore": "_site/\n",
        ".github/workflows/publish.yml": workflow_text(__version__, install_source()),
        **LAUNCHERS,
    }
    written = [write_new(folder, rel, text) for rel, text in files.items()]
    for name in (MAC, LINUX):
        made_runnable(folder / name)
    return written


def install_source() -> str:
    """Where this tracker was installed from, as pip names it, when another machine can install
    it from there too (a git repository, at the very commit); else ''."""
    try:
        found = json.loads(importlib.metadata.distribution("tracker").read_text("direct_url.json")
                           or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return ""
    url, vcs = found.get("url", ""), found.get("vcs_info") or {}
    if vcs.get("vcs") != "git" or not str(url).startswith("https://") or not vcs.get("commit_id"):
        return ""
    return f"git+{url}@{vcs['commit_id']}"


def next_steps(folder: str) -> str:
    """What to do after `tracker init FOLDER`, in plain words."""
    return (
        "\nNext steps: preview it with\n"
        f"  cd {shlex.quote(folder)} && tracker serve\n"
        "then open http://127.0.0.1:8000/ in a web browser (staff can double-click 'Open the "
        "preview' in the folder instead). 'tracker check' says that the sample letter's second "
        "point is not tracked yet: press 'Track this point' beside it on the letter's page, or "
        "type this in another terminal, in the same folder:\n"
        "  tracker new record sample-children-views --tracks letter:sample-letter#I2\n"
        "Then replace the samples with your own letters, records and updates.\n"
        "To publish it with GitHub Pages, put the folder in a GitHub repository and follow the "
        "notes at the top of .github/workflows/publish.yml, which checks every change and "
        "publishes the site."
    )
