"""The output folder is tracker's only where tracker wrote it (SPEC 9, "Nothing lost"): other
files in it are kept, a file in the way is refused, each file is replaced in one step so that
readers never find a page missing, and a killed build leaves nothing for good."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import FULL_SITE, TODAY, build, tree_bytes, write_files

from tracker.output.publish import MANIFEST, STAGING

REPO = Path(__file__).resolve().parents[1]


def ok(result) -> None:
    assert result.exit_code == 0, result.stderr


def site_with(tmp_path: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    return write_files(tmp_path / "site", {**FULL_SITE, **(files or {})})


def ours(out: Path) -> dict[str, bytes]:
    """The files of a build, without its manifest."""
    return {p: data for p, data in tree_bytes(out).items() if p != MANIFEST}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                          check=True, env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL":
                                           "t@example.org", "GIT_COMMITTER_NAME": "t",
                                           "GIT_COMMITTER_EMAIL": "t@example.org"})
    return done.stdout


def test_a_folder_holding_another_sites_pages_is_refused_and_left_as_it_was(tmp_path):
    """A gh-pages clone with another generator's output: nothing in it is touched."""
    site = site_with(tmp_path)
    out = write_files(tmp_path / "gh-pages", {"index.html": "<p>old site</p>\n",
                                              "sitemap.xml": "<urlset/>\n", "404.html": "gone\n",
                                              "CNAME": "forum.example.org\n"})
    git(out, "init", "-q")
    git(out, "add", ".")
    git(out, "commit", "-qm", "old site")
    before = tree_bytes(out)
    result = build(site, out)
    assert result.exit_code == 2
    assert (f"Error: Invalid value for --out: '{out}' holds files that tracker did not write, "
            "where this build writes its own: index.html, sitemap.xml, 404.html.\n"
            "    hint: tracker never replaces them: move them away (an earlier tracker build "
            "can simply be deleted), or choose an empty or new folder for --out\n") in result.stderr
    assert tree_bytes(out) == before
    assert git(out, "status", "--porcelain") == ""


def test_a_git_clone_keeps_its_repository_and_cname_through_every_build(tmp_path):
    site = site_with(tmp_path)
    out = write_files(tmp_path / "gh-pages", {"CNAME": "forum.example.org\n"})
    git(out, "init", "-q")
    git(out, "add", ".")
    git(out, "commit", "-qm", "start")
    ok(build(site, out))
    ok(build(site, out))
    assert (out / "CNAME").read_text() == "forum.example.org\n"
    assert (out / "index.html").is_file()
    git(out, "add", ".")
    git(out, "commit", "-qm", "publish")
    assert git(out, "status", "--porcelain") == ""
    assert "CNAME" in git(out, "ls-files")


def test_a_rebuild_removes_what_is_gone_and_keeps_what_tracker_did_not_write(tmp_path):
    site = site_with(tmp_path, {"content/pages/contact.md": "---\ntitle: Contact\n---\nWrite.\n"})
    out = tmp_path / "out"
    ok(build(site, out))
    assert (out / "contact/index.html").is_file()
    write_files(out, {".nojekyll": "", "CNAME": "forum.example.org\n",
                      "contact/notes.txt": "mine\n"})
    write_files(site, {"content/pages/contact.md": None})
    ok(build(site, out))
    assert not (out / "contact/index.html").exists(), "the page of a deleted source is removed"
    assert (out / "contact/notes.txt").read_text() == "mine\n", "a file tracker did not write stays"
    assert (out / ".nojekyll").is_file() and (out / "CNAME").is_file()
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert "contact/index.html" not in manifest and "CNAME" not in manifest
    assert set(manifest) == set(ours(out)) - {".nojekyll", "CNAME", "contact/notes.txt"}


def test_the_folders_a_deleted_page_leaves_empty_are_removed(tmp_path):
    site = site_with(tmp_path, {"content/pages/contact.md": "---\ntitle: Contact\n---\nWrite.\n"})
    out = tmp_path / "out"
    ok(build(site, out))
    write_files(site, {"content/pages/contact.md": None})
    ok(build(site, out))
    assert not (out / "contact").exists()


def test_a_file_tracker_did_not_write_where_a_page_goes_is_refused_after_the_build(tmp_path):
    site = site_with(tmp_path)
    out = tmp_path / "out"
    ok(build(site, out))
    write_files(site, {"content/pages/contact.md": "---\ntitle: Contact\n---\nWrite.\n"})
    write_files(out, {"contact/index.html": "<p>my own page</p>\n"})
    before = tree_bytes(out)
    result = build(site, out)
    assert result.exit_code == 2
    assert "holds files that tracker did not write, where this build writes its own: " \
           "contact/index.html." in result.stderr
    assert tree_bytes(out) == before
    assert not any(p.name.startswith(STAGING) for p in out.iterdir())


def test_a_link_where_a_folder_of_the_build_goes_is_refused_and_never_followed(tmp_path):
    site = site_with(tmp_path)
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    ok(build(site, out))
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine\n")
    (out / "letters").rename(tmp_path / "letters-moved")
    (out / "letters").symlink_to(elsewhere, target_is_directory=True)
    result = build(site, out)
    assert result.exit_code == 2
    assert "where this build writes its own: letters." in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]


def test_the_output_folder_keeps_its_permissions(tmp_path):
    site = site_with(tmp_path)
    out = tmp_path / "out"
    ok(build(site, out))
    out.chmod(0o750)
    ok(build(site, out))
    assert out.stat().st_mode & 0o777 == 0o750


def test_a_reader_never_finds_a_page_missing_while_builds_are_put_in_place(tmp_path):
    site = site_with(tmp_path)
    out = tmp_path / "out"
    ok(build(site, out))
    watched = [out / "index.html", out / "letters/herts-2023/index.html", out / "assets/style.css"]
    missing, looks, done = [], [0], threading.Event()

    def read() -> None:
        while not done.is_set():
            for path in watched:
                looks[0] += 1
                if not path.is_file():
                    missing.append(path)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for day in ("2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"):
            ok(build(site, out, "--today", day))
    finally:
        done.set()
        reader.join()
    assert looks[0] > 100
    assert missing == []


def test_names_tracker_keeps_for_itself_are_refused_in_static(tmp_path):
    site = site_with(tmp_path, {f"static/{MANIFEST}": "{}\n", f"static/{STAGING}x/a.txt": "a\n"})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert f"site/static/{MANIFEST}:1:1: error: '{MANIFEST}' is a name kept for tracker's list " \
           "of the files it wrote" in result.stderr
    assert f"site/static/{STAGING}x/a.txt:1:1: error: '{STAGING}x/a.txt' is a name kept for " \
           "the folder a build is made in" in result.stderr


# Killed builds --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    """A generated site of 300 letters: its build takes a few seconds, Pagefind's about one."""
    folder = tmp_path_factory.mktemp("big") / "site"
    subprocess.run([sys.executable, str(REPO / "bench/generate.py"), str(folder), "--letters",
                    "300"], check=True, capture_output=True)
    return folder


def start_build(site: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tracker", "build", "--site", str(site),
                             "--out", str(out), "--today", TODAY, "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pagefind_indexing(folder: Path) -> list[int]:
    """The processes running Pagefind over a folder inside `folder`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"pagefind" in part for part in command[:1]) and \
                any(part.startswith(os.fsencode(folder)) for part in command):
            found.append(int(entry.name))
    return found


def wait_for(condition, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("timed out")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc (Linux)")
def test_a_killed_build_leaves_the_output_whole_and_pagefind_dies_with_it(big_site, tmp_path):
    out = tmp_path / "out"
    assert start_build(big_site, out).wait(timeout=300) == 0
    before = tree_bytes(out)
    building = start_build(big_site, out)
    indexers = wait_for(lambda: pagefind_indexing(out))
    building.kill()
    building.wait(timeout=30)
    wait_for(lambda: not any(alive(pid) for pid in indexers), seconds=10)
    left = [p for p in out.iterdir() if p.name.startswith(STAGING)]
    assert len(left) == 1, "the killed build's folder is left until the next build"
    assert {p: b for p, b in tree_bytes(out).items() if not p.startswith(STAGING)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "nothing beside the output"
    assert start_build(big_site, out).wait(timeout=300) == 0
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING)], "the next build cleans up"
    assert tree_bytes(out) == before


def test_a_stopped_build_removes_what_it_made(big_site, tmp_path):
    out = tmp_path / "out"
    assert start_build(big_site, out).wait(timeout=300) == 0
    before = tree_bytes(out)
    building = start_build(big_site, out)
    wait_for(lambda: any(p.name.startswith(STAGING) for p in out.iterdir()))
    time.sleep(0.5)
    building.send_signal(signal.SIGTERM)
    assert building.wait(timeout=60) == 128 + signal.SIGTERM
    assert tree_bytes(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(STAGING)]
