"""The watcher: a pure table for `classify`, then real files changed under a running Watcher."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.preview.watch import Change, Watcher, classify

CLASSIFY_TABLE = [
    ("site.yml", Change.CONFIG),
    ("content/letters/x.md", Change.CONTENT),
    ("content/updates/2024-01-02-news.md", Change.CONTENT),
    ("content/actions/x.yml", Change.CONTENT),
    ("content/pages/about.md", Change.CONTENT),
    ("content/letters", Change.CONTENT),  # a deleted or moved folder
    ("content", Change.CONTENT),
    ("static/a/b.pdf", Change.STATIC),
    ("static/logo.png", Change.STATIC),
    ("themes/mine/templates/base.html", Change.THEME),
    ("themes/mine/static/style.css", Change.THEME),
    ("themes/mine", Change.THEME),
    # not one of the four sources
    ("_site/index.html", None),
    ("README.md", None),
    ("site.yaml", None),
    ("other/site.yml", None),
    ("contents/x.md", None),
    ("", None),
    (".", None),
    ("/content/x.md", None),
    ("../content/x.md", None),
    # editor litter, anywhere
    ("content/letters/.x.md.swp", None),
    ("content/letters/x.md.swx", None),
    ("content/letters/x.md.swo", None),
    ("content/letters/x.md~", None),
    ("site.yml~", None),
    ("static/a/b.pdf.bak", None),
    ("content/actions/x.yml.tmp", None),
    ("4913", None),
    ("content/letters/4913", None),
    ("themes/mine/templates/4913", None),
    (".#x.md", None),
    ("content/letters/.#x.md", None),
    ("#x.md#", None),
    ("content/letters/#x.md#", None),
    (".DS_Store", None),
    ("static/.DS_Store", None),
    (".git/HEAD", None),
    (".git", None),
    ("content/.hidden/x.md", None),
    ("content/letters/.x.md.tmp123", None),
    ("themes/.cache/base.html", None),
    # hidden files under static/ are published (.well-known/, .nojekyll), so they count
    ("static/.well-known/security.txt", Change.STATIC),
    ("static/.nojekyll", Change.STATIC),
    ("static/.well-known/.security.txt.swp", None),
]


@pytest.mark.parametrize(("relpath", "expected"), CLASSIFY_TABLE)
def test_classify(relpath: str, expected: Change | None) -> None:
    assert classify(relpath) == expected


class Recorder:
    """Collects on_change calls and lets a test wait for them with a bounded timeout."""

    def __init__(self, fail_first: bool = False) -> None:
        self.calls: list[frozenset[str]] = []
        self.fail_first = fail_first
        self._cond = threading.Condition()

    def __call__(self, paths: frozenset[str]) -> None:
        with self._cond:
            self.calls.append(paths)
            self._cond.notify_all()
        if self.fail_first and len(self.calls) == 1:
            raise RuntimeError("broken rebuild")

    def wait_for(self, count: int, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: len(self.calls) >= count, timeout)

    def seen(self) -> set[str]:
        return set().union(*self.calls)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    for folder in ("content/letters", "static", "_site"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "site.yml").write_text("title: T\n")
    (tmp_path / "content/letters/x.md").write_text("old\n")
    return tmp_path


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def watcher(site: Path, recorder: Recorder) -> Iterator[Watcher]:
    w = Watcher(site, recorder, ignore=[site / "_site"], debounce=0.05, max_wait=0.5)
    w.start()
    yield w
    w.stop()


def settle(recorder: Recorder, quiet: float = 0.2) -> None:
    """Wait until no call has arrived for `quiet` seconds (bounded to 5 s)."""
    end = time.monotonic() + 5.0
    count = -1
    while len(recorder.calls) != count and time.monotonic() < end:
        count = len(recorder.calls)
        recorder.wait_for(count + 1, quiet)


def test_plain_write_gives_one_call(site: Path, recorder: Recorder, watcher: Watcher) -> None:
    assert watcher.mode == "native"
    (site / "content/letters/x.md").write_text("new\n")
    assert recorder.wait_for(1)
    settle(recorder)
    assert recorder.calls == [frozenset({"content/letters/x.md"})]


@pytest.mark.parametrize("temp_name", [".x.md.tmp123", "x.md~", "4913", ".#x.md"])
def test_atomic_save_counts_as_edit_of_the_real_file(
    site: Path, recorder: Recorder, watcher: Watcher, temp_name: str
) -> None:
    temp = site / "content/letters" / temp_name
    temp.write_text("saved\n")
    os.replace(temp, site / "content/letters/x.md")
    assert recorder.wait_for(1)
    settle(recorder)
    assert recorder.seen() == {"content/letters/x.md"}


def test_burst_of_writes_is_debounced(site: Path, recorder: Recorder, watcher: Watcher) -> None:
    target = site / "content/letters/x.md"
    for i in range(20):
        target.write_text(f"edit {i}\n")
        time.sleep(0.01)
    assert recorder.wait_for(1)
    settle(recorder)
    assert 1 <= len(recorder.calls) <= 2
    assert recorder.seen() == {"content/letters/x.md"}


def test_max_wait_flushes_a_long_burst(site: Path, recorder: Recorder, watcher: Watcher) -> None:
    target = site / "static/a.css"
    started = time.monotonic()
    while not recorder.calls and time.monotonic() - started < 3.0:
        target.write_text(str(time.monotonic()))
        time.sleep(0.02)
    assert recorder.calls, "a steady stream of events must still produce a call after max_wait"


def test_deletion_is_reported(site: Path, recorder: Recorder, watcher: Watcher) -> None:
    (site / "content/letters/x.md").unlink()
    assert recorder.wait_for(1)
    assert "content/letters/x.md" in recorder.seen()


def test_directory_deletion_is_reported(site: Path, recorder: Recorder, watcher: Watcher) -> None:
    (site / "content/letters/x.md").unlink()
    (site / "content/letters").rmdir()
    assert recorder.wait_for(1)
    settle(recorder)
    assert "content/letters" in recorder.seen()


def test_ignored_folder_and_litter_give_no_call(site: Path, recorder: Recorder, watcher: Watcher) -> None:
    (site / "_site/index.html").write_text("<p>out</p>")
    (site / "content/_site").mkdir()  # not ignored: only the site's own _site is
    (site / "content/letters/.x.md.swp").write_text("swap")
    (site / "README.md").write_text("readme")
    (site / "static/probe").write_text("seen")  # a marker proving the watcher is alive
    assert recorder.wait_for(1)
    settle(recorder)
    assert recorder.seen() == {"content/_site", "static/probe"}


def test_exception_in_on_change_does_not_stop_later_calls(
    site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(fail_first=True)
    w = Watcher(site, recorder, debounce=0.05)
    w.start()
    try:
        (site / "site.yml").write_text("title: A\n")
        assert recorder.wait_for(1)
        settle(recorder)
        (site / "static/b.txt").write_text("b")
        assert recorder.wait_for(len(recorder.calls) + 1)
        assert "static/b.txt" in recorder.calls[-1]
    finally:
        w.stop()
    assert "broken rebuild" in caplog.text


def test_polling_mode_sees_a_write(site: Path, recorder: Recorder) -> None:
    w = Watcher(site, recorder, debounce=0.05, polling=True)
    assert w.mode == "polling"
    w.start()
    try:
        time.sleep(0.1)  # let the first snapshot be taken
        (site / "content/letters/y.md").write_text("new\n")
        assert recorder.wait_for(1, timeout=3.0)
        assert recorder.seen() == {"content/letters/y.md"}
    finally:
        w.stop()


def test_native_failure_falls_back_to_polling(
    site: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_inotify(**_: object) -> None:
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr("tracker.preview.watch.Observer", no_inotify)
    w = Watcher(site, recorder, debounce=0.05)
    assert w.mode == "native"
    w.start()
    try:
        assert w.mode == "polling"
        time.sleep(0.1)
        (site / "site.yml").write_text("title: B\n")
        assert recorder.wait_for(1, timeout=3.0)
        assert recorder.seen() == {"site.yml"}
    finally:
        w.stop()


def test_stop_is_idempotent_and_quick(site: Path, recorder: Recorder) -> None:
    w = Watcher(site, recorder)
    w.stop()  # before start: harmless
    w2 = Watcher(site, recorder)
    w2.start()
    started = time.monotonic()
    w2.stop()
    w2.stop()
    assert time.monotonic() - started < 1.5
    with pytest.raises(RuntimeError):
        w2.start()


@pytest.fixture
def settling(site: Path, recorder: Recorder) -> Iterator[Watcher]:
    """A watcher whose debounce is far longer than the waits below: only settling is quick."""
    w = Watcher(site, recorder, debounce=6.0, settle=0.01, max_wait=12.0)
    w.start()
    yield w
    w.stop()


def test_a_write_closed_is_passed_on_without_waiting_for_the_debounce(
        site: Path, recorder: Recorder, settling: Watcher) -> None:
    (site / "content/letters/x.md").write_text("new\n")
    assert recorder.wait_for(1, timeout=3.0)
    assert recorder.calls == [frozenset({"content/letters/x.md"})]


def test_a_rename_into_place_is_passed_on_without_waiting_for_the_debounce(
        site: Path, recorder: Recorder, settling: Watcher) -> None:
    temp = site / "content/letters/.x.md.tmp123"
    temp.write_text("saved\n")
    os.replace(temp, site / "content/letters/x.md")
    assert recorder.wait_for(1, timeout=3.0)
    assert recorder.seen() == {"content/letters/x.md"}


def test_a_file_still_open_for_writing_waits_until_it_is_closed(
        site: Path, recorder: Recorder, settling: Watcher) -> None:
    with (site / "content/letters/x.md").open("w") as half_written:
        half_written.write("half of it")
        half_written.flush()
        assert not recorder.wait_for(1, timeout=1.0)
        half_written.write(", then the rest\n")
    assert recorder.wait_for(1, timeout=3.0)
    assert recorder.calls == [frozenset({"content/letters/x.md"})]


def test_a_file_moved_away_waits_for_the_debounce(site: Path, recorder: Recorder) -> None:
    """An editor that keeps a backup renames the file away, then writes it again: the
    preview must not rebuild in between, when the file seems deleted."""
    w = Watcher(site, recorder, debounce=2.0, settle=0.01)
    w.start()
    try:
        os.replace(site / "content/letters/x.md", site / "content/letters/x.md~")
        assert not recorder.wait_for(1, timeout=1.0)
        (site / "content/letters/x.md").write_text("written again\n")
        assert recorder.wait_for(1, timeout=3.0)
        assert recorder.calls == [frozenset({"content/letters/x.md"})]
    finally:
        w.stop()
