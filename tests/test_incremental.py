"""Preview rebuilds reuse what did not change: after every kind of edit, the files they
serve must be exactly those of a clean build of the same folder."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import FULL_SITE, SiteMaker, tree_bytes, write_files

from tracker.build import build_site
from tracker.errors import Problem
from tracker.output.publish import MANIFEST
from tracker.output.search import SEARCH_FOLDER
from tracker.preview.rebuild import Incremental
from tracker.scale.memo import Memo
from tracker.site.theme import default_theme

T = TypeVar("T")

TODAY = dt.date(2024, 1, 1)
QUIET_RECORD = "content/actions/plans.yml"
GOVERNANCE_NEWS = "content/updates/2023-12-21-governance.md"
POLL = "content/updates/2023-10-01-poll.md"
LETTER = "content/letters/herts-2023.md"


def record(title: str, point: str) -> str:
    return f"""\
        title: {title}
        tracks: [letter:herts-2023#{point}]
        timeline:
          - date: 2023-12-01
            status: identified
            evidence: [letter:herts-2023#{point}]
        """


def governance_news(words: str, about: str = "") -> str:
    return f"""\
        ---
        title: Governance meeting
        date: 2023-12-21
        {about}
        ---
        {words} We went to a meeting about [governance](record:governance).
        """


# Each step: what it changes, then the files it writes (None deletes one).
BASE = "themes/default/templates/base.html"


def theme_base(footer: str) -> str:
    """The default theme's base template with `footer` added at the end of every page."""
    base = (default_theme() / "templates" / "base.html").read_text()
    return base.replace("</body>", footer + "\n</body>")


EDITS: list[tuple[str, dict[str, str | bytes | None]]] = [
    ("a record no update is about", {QUIET_RECORD: record("Better plans", "I1")}),
    ("the words of an update", {GOVERNANCE_NEWS: governance_news("Busy month.")}),
    ("an update now about the quiet record",
     {GOVERNANCE_NEWS: governance_news("Busy month.", "about: [plans]")}),
    ("the title of an update that cites the letter",
     {POLL: str(FULL_SITE[POLL]).replace("Our poll on the dashboard", "The dashboard poll")}),
    ("a record's title", {QUIET_RECORD: record("Much better plans", "I1")}),
    ("the point a record tracks", {QUIET_RECORD: record("Much better plans", "P2")}),
    ("the site's title", {"site.yml": "title: A renamed tracker\n"}),
    ("an update no longer about the record", {GOVERNANCE_NEWS: governance_news("Quiet month.")}),
    ("the words of the point the quiet record tracks",
     {LETTER: str(FULL_SITE[LETTER]).replace("strengthen partnership", "strengthen their partnership")}),
    ("an update deleted", {GOVERNANCE_NEWS: None}),
    ("a page that cites a paragraph",
     {"content/pages/history.md": "---\ntitle: History\n---\nSee [this](letter:herts-2023#p1).\n"}),
    ("a record deleted", {QUIET_RECORD: None}),
    ("a base template of the site's own", {BASE: theme_base("<p>Our forum.</p>")}),
    ("that template edited again", {BASE: theme_base("<p>Our parent carer forum.</p>")}),
]


def served(builder: Incremental) -> dict[str, bytes]:
    files = builder.current.files
    return {path: (content.read_bytes() if isinstance(content, Path) else bytes(content))
            for path, content in ((p, files[p]) for p in files)}


def clean(root: Path, out: Path) -> dict[str, bytes]:
    """What a clean build writes, but for the search index (the preview makes its own)."""
    result = build_site(root, out, TODAY, drafts=True)
    assert result.ok, [p.format() for p in result.problems]
    return {path: data for path, data in tree_bytes(out).items()
            if not path.startswith(SEARCH_FOLDER) and path != MANIFEST}


def test_every_rebuild_serves_what_a_clean_build_writes(make_site: SiteMaker, tmp_path: Path) -> None:
    root = make_site(FULL_SITE)
    builder = Incremental(root, TODAY)
    builder.rebuild()
    assert served(builder) == clean(root, tmp_path / "first")
    for number, (what, files) in enumerate(EDITS):
        write_files(root, files)
        snapshot = builder.rebuild(set(files))
        assert not snapshot.failed, (what, [p.format() for p in snapshot.problems])
        expected = clean(root, tmp_path / f"after-{number}")
        mine = served(builder)
        assert sorted(mine) == sorted(expected), what
        wrong = [path for path in expected if mine[path] != expected[path]]
        assert not wrong, (what, wrong)


class Recording(Memo):
    """A memo that notes which steps were consulted, and which of them were made again."""

    def __init__(self) -> None:
        super().__init__()
        self.consulted: list[Hashable] = []
        self.made: list[Hashable] = []

    def call(self, key: Hashable, inputs: tuple[Any, ...], compute: Callable[[], T],
             problems: list[Problem] | None = None) -> T:
        self.consulted.append(key)
        misses = self.misses
        value = super().call(key, inputs, compute, problems)
        if self.misses > misses:
            self.made.append(key)
        return value

    def call_watching(self, key: Hashable, inputs: tuple[Any, ...], versions: dict[str, int],
                      compute: Callable[[set[str]], T], problems: list[Problem]) -> T:
        self.consulted.append(key)
        misses = self.misses
        value = super().call_watching(key, inputs, versions, compute, problems)
        if self.misses > misses:
            self.made.append(key)
        return value


def pages(keys: list[Hashable]) -> set[Hashable]:
    return {key[1] for key in keys if isinstance(key, tuple) and key[0] == "page"}


def test_an_update_edit_looks_only_at_the_pages_it_can_reach(make_site: SiteMaker) -> None:
    root = make_site({**FULL_SITE, **EDITS[0][1]})
    builder = Incremental(root, TODAY)
    builder.memo = memo = Recording()
    builder.rebuild()
    memo.consulted.clear()
    memo.made.clear()
    write_files(root, dict(EDITS[1][1]))  # the words of the governance update
    builder.rebuild({GOVERNANCE_NEWS})
    assert pages(memo.made) == {("update", "2023-12-21-governance"), ("updates", 1, 1), "home",
                                ("area", "governance")}
    # Not even looked at: the letter's page, and the page of the record no update is about.
    assert not {("letter", "herts-2023"), ("area", "plans")} & {
        name if not isinstance(name, tuple) else name[:2] for name in pages(memo.consulted)}
    # Looked at, and reused: the pages of records that updates are about.
    assert {("area", "governance"), ("area", "data-dashboard")} <= pages(memo.consulted)


@pytest.mark.parametrize("reported", ["content/pages", "content"])
def test_a_folder_moved_away_is_read_again(make_site: SiteMaker, tmp_path: Path,
                                           reported: str) -> None:
    """The watcher reports a moved folder by its own path (or its parent's): the files in
    it must go, although none of them was reported one by one."""
    root = make_site(FULL_SITE)
    builder = Incremental(root, TODAY)
    builder.rebuild()
    assert "about/index.html" in builder.current.files
    (root / "content/pages").rename(tmp_path / "pages-elsewhere")
    gone = builder.rebuild({reported})
    assert any("unknown page 'about'" in p.message for p in gone.problems)  # cited elsewhere
    (tmp_path / "pages-elsewhere").rename(root / "content/pages")
    back = builder.rebuild({reported})
    assert not back.failed
    assert served(builder) == clean(root, tmp_path / "clean")


def test_a_new_update_rereads_only_the_files_whose_references_look_at_updates(
        make_site: SiteMaker) -> None:
    root = make_site({**FULL_SITE, **EDITS[0][1]})
    builder = Incremental(root, TODAY)
    builder.memo = memo = Recording()
    builder.rebuild()
    memo.made.clear()
    news = "content/updates/2024-01-02-new.md"
    write_files(root, {news: "---\ntitle: New\ndate: 2024-01-02\n---\nSee [P1](letter:herts-2023#P1).\n"})
    builder.rebuild({news})
    records = {key for key in memo.made if isinstance(key, str) and key.startswith("content/actions/")}
    # data-dashboard cites an update as evidence; governance and plans cite only the letter.
    assert records == {"content/actions/data-dashboard.yml"}
    assert ("resolved", news) in memo.made
    assert ("resolved", "content/letters/herts-2023.md") not in memo.made
