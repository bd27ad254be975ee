"""Build one generated corpus with the bare floor, with tracker (one process, the default of
one per core, and without the search index), and with Pelican and MkDocs, several runs each
in alternation, and print a table: median wall seconds, ms per letter, peak memory, and the
ratio to the single-process floor measured in the same run. A last row runs Pagefind alone,
as a build runs it, on tracker's output with the index removed first (a build has none yet).

    python bench/run.py [--letters 1000] [--runs 3] [--no-peers] [--in FOLDER] [--record-heavy]

Pelican and MkDocs are installed into bench/.peers (a separate virtual environment, never
a dependency of tracker) on first use. Peak memory is the largest resident set size of the
build process or of any process it started (Pagefind, the workers), as GNU time reports it;
`scale.py` tells tracker's own processes apart.

The corpus and every output go to a new folder in FOLDER (by default the system's temporary
folder). A disk's speed can vary from run to run; `--in /dev/shm` (memory) measures the
work without it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
TIME = "/usr/bin/time"

sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def peers_python() -> Path:
    """The Python of the peers' environment, made (with Pelican and MkDocs) when missing."""
    python = PEERS / "bin" / "python"
    if not python.exists():
        venv.create(PEERS, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "pelican[markdown]",
                        "mkdocs"], check=True)
    return python


def pelican_copy(site: Path, into: Path) -> Path:
    """The letters as a Pelican project (metadata lines instead of YAML front matter)."""
    content = into / "content"
    content.mkdir(parents=True)
    for letter in sorted((site / "content" / "letters").glob("*.md")):
        _, front, body = letter.read_text(encoding="utf-8").split("---\n", 2)
        fields = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
        title = fields["title"].strip('"')
        (content / letter.name).write_text(f"Title: {title}\nDate: {fields['date']}\n\n{body}")
    (into / "pelicanconf.py").write_text(
        "SITENAME = 'bench'\nPATH = 'content'\nTIMEZONE = 'UTC'\nDEFAULT_LANG = 'en'\n"
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nRELATIVE_URLS = True\n")
    return into


def mkdocs_copy(site: Path, into: Path) -> Path:
    """The letters as a MkDocs project (its default navigation lists every page)."""
    docs = into / "docs"
    shutil.copytree(site / "content" / "letters", docs)
    (docs / "index.md").write_text("# Letters\n")
    (into / "mkdocs.yml").write_text("site_name: bench\n")
    return into


PAGEFIND = "… of which the Pagefind index"


def timed(command: list[str], cwd: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds of all its processes) of one run of `command`."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run([TIME, "-f", "%e %M %U %S", "-o", report.name, *command], cwd=cwd,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds, kilobytes, user, system = report.read().split()[-4:]
    return float(seconds), int(kilobytes) / 1024, float(user) + float(system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-peers", action="store_true", help="floor and tracker only")
    parser.add_argument("--in", dest="folder", type=Path, default=None,
                        help="where to write the corpus and the outputs (default: the system's "
                        "temporary folder); /dev/shm leaves the disk out")
    parser.add_argument("--record-heavy", action="store_true",
                        help="four records of six steps for every letter (see generate.py)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-", dir=args.folder))
    try:
        site = work / "site"
        generate(site, args.letters, record_heavy=args.record_heavy)
        out = work / "out"
        python = sys.executable

        def tracker(*extra: str) -> tuple[list[str], None]:
            return ([python, "-m", "tracker", "build", "--site", str(site), "--out", str(out),
                     "--today", "2026-01-01", "-q", *extra], None)

        tools: dict[str, tuple[list[str], Path | None]] = {
            "floor": ([python, str(HERE / "floor.py"), str(site), str(out)], None),
            "floor, 2 processes": ([python, str(HERE / "floor.py"), str(site), str(out),
                                    "--jobs", "2"], None),
            "tracker build --jobs 1": tracker("--jobs", "1"),
            "tracker build": tracker(),
            # run again on the output just built, without its index: the share of the build
            # that is Pagefind's (on a folder that has one, it takes 40% less time)
            PAGEFIND: ([python, str(HERE / "index.py"), str(out)], None),
            "tracker build --no-search": tracker("--no-search"),
        }
        if not args.no_peers:
            peer = str(peers_python())
            pelican = pelican_copy(site, work / "pelican")
            docs = mkdocs_copy(site, work / "mkdocs")
            tools["Pelican"] = ([peer, "-m", "pelican", "content", "-o", str(out), "-s",
                                 "pelicanconf.py", "-q"], pelican)
            tools["MkDocs"] = ([peer, "-m", "mkdocs", "build", "-q", "-d", str(out)], docs)
        results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, (command, cwd) in tools.items():
                shutil.rmtree(out / "pagefind" if name == PAGEFIND else out, ignore_errors=True)
                results[name].append(timed(command, cwd))
        floor = statistics.median(s for s, _, _ in results["floor"])
        pelican_s = statistics.median(s for s, _, _ in results.get("Pelican", [(0, 0, 0)]))
        print(f"{args.letters} letters{' (record-heavy)' if args.record_heavy else ''}, "
              f"{args.runs} runs each, {os.cpu_count()} cores, "
              f"Python {sys.version.split()[0]}, in {work.parent}")
        print("| tool | median s | CPU s | ms per letter | peak MB | × floor | × Pelican |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for name, runs in results.items():
            seconds = statistics.median(s for s, _, _ in runs)
            cpu = statistics.median(c for _, _, c in runs)
            peak = max(m for _, m, _ in runs)
            print(f"| {name} | {seconds:.2f} | {cpu:.2f} | {1000 * seconds / args.letters:.2f} | "
                  f"{peak:.0f} | {seconds / floor:.2f} | "
                  + (f"{seconds / pelican_s:.2f} |" if pelican_s else "|"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
