"""`tracker build --jobs N`: letters, pages and feeds are shared across processes, and the
files written are the same whatever N is (issue 6)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import TODAY, build, tree_bytes, write_files

from tracker.build import check_site
from tracker.scale import lazy, processes

REPO = Path(__file__).resolve().parents[1]
LETTERS = 150
"""Enough letters (and so pages and feeds) for every stage to be shared out."""


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "site"
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), str(root),
                    "--letters", str(LETTERS)], check=True, capture_output=True)
    return root


def test_any_number_of_jobs_writes_the_same_files(big_site: Path, tmp_path: Path) -> None:
    trees = {}
    for jobs in (1, 2, 3):
        result = build(big_site, tmp_path / f"out-{jobs}", "--jobs", str(jobs))
        assert result.exit_code == 0, result.stderr
        trees[jobs] = tree_bytes(tmp_path / f"out-{jobs}")
    assert len(trees[1]) > 4 * processes.CHUNK, "too few files for the work to be shared out"
    assert sum(p.startswith("pagefind/") for p in trees[1]) > 10
    assert trees[1] == trees[2] == trees[3]


def test_the_search_index_is_the_same_on_a_file_system_that_lists_files_as_made(
        big_site: Path) -> None:
    """On tmpfs a folder lists its entries in the order they were made, and Pagefind numbers
    pages in that order: two processes making page folders at once gave a different index
    on each build."""
    memory = Path("/dev/shm")
    assert memory.is_dir(), "this test needs a tmpfs at /dev/shm"
    with tempfile.TemporaryDirectory(dir=memory) as folder:
        indexes = []
        for number, jobs in enumerate((1, 2, 2, 2)):
            out = Path(folder) / f"out-{number}"
            result = build(big_site, out, "--jobs", str(jobs))
            assert result.exit_code == 0, result.stderr
            indexes.append({path: data for path, data in tree_bytes(out).items()
                            if path.startswith("pagefind/")})
    assert len(indexes[0]) > 10
    assert indexes[1] == indexes[0] and indexes[2] == indexes[0] and indexes[3] == indexes[0]


def test_a_lean_build_shared_across_processes_writes_the_same_files(
        big_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A national site's files are read again from the disk and its letters' HTML kept in a
    spool file, which the processes making pages read through the descriptor they inherit."""
    from tracker.scale import spool

    assert build(big_site, tmp_path / "eager", "--jobs", "1").exit_code == 0
    monkeypatch.setattr(spool, "LEAN_FROM", 0)
    result = build(big_site, tmp_path / "lean", "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    assert tree_bytes(tmp_path / "lean") == tree_bytes(tmp_path / "eager")


def test_work_is_shared_across_processes_in_order() -> None:
    def task(index: int) -> tuple[int, int]:
        time.sleep(0.002)  # long enough that both processes are started before the work is done
        return index, os.getpid()

    found = list(processes.share(task, 5 * processes.CHUNK, 3))
    assert [i for i, _ in found] == list(range(5 * processes.CHUNK))
    pids = {pid for _, pid in found}
    # This process does its share beside two forked helpers, rather than wait for them.
    assert len(pids) == 3 and os.getpid() in pids


def test_helpers_are_forked_afresh_for_each_round_of_work() -> None:
    """A helper's copies of the model's memory grow with the work it does: each round has
    new helpers, so that what the old ones copied is given back."""
    per_round = 2 * processes.ROUND_CHUNKS * processes.CHUNK
    found = list(processes.share(lambda index: (index, os.getpid()), 3 * per_round, 2))
    assert [i for i, _ in found] == list(range(3 * per_round))
    helpers = [{pid for i, pid in found[start:start + per_round] if pid != os.getpid()}
               for start in range(0, 3 * per_round, per_round)]
    assert [len(pids) for pids in helpers] == [1, 1, 1]
    assert len(set.union(*helpers)) == 3


def test_the_pages_that_read_the_whole_site_are_made_while_no_helper_is_alive(
        big_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading an object writes to its memory, which a forked helper would then have to
    copy: the home page, the letters list, the search page and the summary, which read every
    letter and record, are made while this process is alone, and so is the timeline of a
    national site, whose pages read every record between them."""
    import multiprocessing

    from tracker.build import load_site
    from tracker.scale import spool
    from tracker.site.plan import build_order

    site, _ = load_site(big_site, dt.date(2024, 1, 1))

    def first_pages() -> tuple[list[str], int]:
        """The first pages made after the search index's, and how many are made alone."""
        order = build_order(site, dt.date(2024, 1, 1), "https://example.org/")
        made = [page.frame.path for page in (make() for make in order.rest)]
        return made[:order.whole_site + 1], order.whole_site

    whole_site_pages = ["index.html", "letters/index.html", "search/index.html", "summary/index.html"]
    assert first_pages() == ([*whole_site_pages, "timeline/index.html"], 4)
    monkeypatch.setattr(spool, "LEAN_FROM", len(site.records) - 1)  # national scale
    first, whole_site = first_pages()
    assert whole_site > 5
    assert first == [*whole_site_pages, "timeline/index.html",
                     *(f"timeline/page/{n}/index.html" for n in range(2, whole_site - 3)),
                     "updates/index.html"]

    def task(index: int) -> tuple[int, int]:
        return os.getpid(), len(multiprocessing.active_children())

    found = list(processes.share(task, 4 * processes.CHUNK, 2, alone=3))
    assert found[:3] == [(os.getpid(), 0)] * 3
    assert len({pid for pid, _ in found[3:]}) == 2

    from tracker.build import build_site
    from tracker.output import produce

    alone: list[int] = []
    real = produce.share
    monkeypatch.setattr(produce, "share", lambda *args, **kwargs: (
        alone.append(kwargs.get("alone", 0)), real(*args, **kwargs))[1])
    assert build_site(big_site, tmp_path / "out", dt.date(2024, 1, 1), search=False, jobs=2).ok
    assert alone == [0, whole_site]  # the search index's pages first, then the others


def test_a_failing_helper_is_reported_not_hidden() -> None:
    def task(index: int) -> int:
        if index == processes.CHUNK + 1 and os.getpid() != parent:
            raise ValueError("broken on purpose")
        return index

    parent = os.getpid()
    with pytest.raises(RuntimeError, match="(?s)a helper process failed.*broken on purpose"):
        list(processes.share(task, 4 * processes.CHUNK, 2))


def test_lazy_makers_are_made_when_asked_for_and_chain_in_order() -> None:
    made: list[int] = []

    def make(n: int) -> int:
        made.append(n)
        return n * 10

    deferred = lazy.Lazy([1, 2, 3], make)
    assert made == [] and len(deferred) == 3
    chained = lazy.Chained([[], deferred, [], [40, 50], lazy.Lazy([], make)])
    assert len(chained) == 5 and made == []
    assert chained[2] == 30 and made == [3]
    assert list(chained) == [10, 20, 30, 40, 50] and chained[-1] == 50
    assert chained[1:4] == [20, 30, 40]
    with pytest.raises(IndexError):
        chained[5]
    assert list(lazy.Chained([])) == []


def test_a_little_work_stays_in_this_process() -> None:
    assert {pid for pid in processes.share(lambda i: os.getpid(), 10, 2)} == {os.getpid()}


def test_a_template_error_in_a_shared_build_is_reported_once(big_site: Path,
                                                               tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(["cp", "-r", str(big_site), str(site)], check=True)
    write_files(site, {
        "site.yml": (big_site / "site.yml").read_text() + "theme: mine\n",
        "themes/mine/templates/area.html": "{% extends 'base.html' %}\n{% block main %}\n"
                                           "{{ view.nothing_here }}\n{% endblock %}\n",
    })
    out = tmp_path / "out"
    result = build(site, out, "--jobs", "2")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{site}/themes/mine/templates/area.html:3:1: error: template error:")
    assert not out.exists() and not list(tmp_path.glob(".out.*")), "nothing is left behind"


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(big_site: Path, tmp_path: Path, jobs: str) -> None:
    result = build(big_site, tmp_path / "out", "--jobs", jobs)
    assert result.exit_code == 2
    assert "--jobs" in result.stderr


def test_check_reports_the_same_problems_in_the_same_order_across_processes(
        big_site: Path, tmp_path: Path) -> None:
    """`tracker check` reads letters across processes; their problems keep their order."""
    site = tmp_path / "site"
    subprocess.run(["cp", "-r", str(big_site), str(site)], check=True)
    for n in (3, 77, 140):  # mistakes found by the processes reading the letters
        letter = site / "content" / "letters" / f"letter-{n:06d}.md"
        letter.write_text(letter.read_text() + "\nA point {.nonsense}\n")
    one = check_site(site, dt.date.fromisoformat(TODAY), jobs=1)
    two = check_site(site, dt.date.fromisoformat(TODAY), jobs=2)
    assert [p.format() for p in one] == [p.format() for p in two]
    errors = [(p.path, p.message) for p in two if p.severity == "error"]
    assert errors == [(f"content/letters/letter-{n:06d}.md",
                       "unknown point kind '.nonsense' in a marker") for n in (3, 77, 140)]
