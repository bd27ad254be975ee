"""tracker's time and memory at scale, the search index included (its Pagefinds are processes
of the build): time per stage, the peak resident memory of the main process and of the
largest helper, and the peak of all of them together. A stage called twice has two rows:
`produce` makes the pages the search index reads, then the others and the record feeds.

    python bench/generate.py SITE --letters 100000
    python bench/scale.py SITE [--jobs 2] [--no-search]

The site is generated beforehand so that the generator's memory is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

from tracker import build


class Footprint:
    """The largest total memory of this process and its workers, sampled twice a second:
    the sum of their proportional set sizes, in which a page that forked workers share with
    the main process counts once (each process's resident size counts it again)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    @staticmethod
    def _pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                return next(int(line.split()[1]) * 1024 for line in rollup
                            if line.startswith("Pss:"))
        except (OSError, StopIteration):
            return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        """The processes that any thread of `pid` started (the helpers and the Pagefinds)."""
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as listed:
                    found += [int(child) for child in listed.read().split()]
            except OSError:
                continue
        return found

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, sum(map(self._pss, [me, *self._children(me)])))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak // 2**20


def peaks(footprint: Footprint) -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return (f"main {own} MB, largest worker {workers} MB, "
            f"all together {footprint.peak // 2**20} MB")


def timed(module: object, name: str, stages: list[str], footprint: Footprint) -> None:
    """Wrap `module.name` so that each call reports its time and the memory peaks so far."""
    original = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        result = original(*args, **kwargs)
        stages.append(f"| {name} | {time.perf_counter() - started:.2f} | {peaks(footprint)} |")
        return result

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-search", action="store_true", help="leave the search index out")
    args = parser.parse_args()
    site = args.site
    work = Path(tempfile.mkdtemp(prefix="tracker-scale-", dir=site.parent))
    try:
        stages: list[str] = []
        footprint = Footprint()
        for stage in ("load_site", "produce", "output_files"):
            timed(build, stage, stages, footprint)
        gc.disable()  # as `tracker build` does
        started = time.perf_counter()
        result = build.build_site(site, work / "out", dt.date(2026, 1, 1), search=not args.no_search,
                                  jobs=args.jobs)
        total = time.perf_counter() - started
        together = footprint.stop()
        assert result.ok, [p.format() for p in result.problems if p.severity == "error"][:5]
        letters = len(list((site / "content" / "letters").glob("*.md")))
        print(f"{letters} letters, {result.pages} pages, {result.files} files, "
              f"--jobs {args.jobs}, " + ("no search index" if args.no_search else "with the search index"))
        print("| stage | seconds | peak memory so far |")
        print("|---|---:|---|")
        print("\n".join(stages))
        print(f"| whole build | {total:.2f} | {peaks(footprint)} |")
        print(f"All processes together peaked at {together} MB (proportional set size: a page "
              "shared by forked workers counted once).")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
