"""tracker's own time and memory at scale, without the Pagefind index (whose memory grows
with the site on its own account): time per stage and the peak resident memory of the
main process and of the largest worker.

    python bench/generate.py SITE --letters 100000
    python bench/scale.py SITE [--jobs 2]

The site is generated beforehand so that the generator's memory is not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import resource
import shutil
import tempfile
import time
from pathlib import Path

from tracker import build


def peaks() -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return f"main {own} MB, largest worker {workers} MB"


def timed(module: object, name: str, stages: list[str]) -> None:
    """Wrap `module.name` so that each call reports its time and the memory peaks so far."""
    original = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        started = time.perf_counter()
        result = original(*args, **kwargs)
        stages.append(f"| {name} | {time.perf_counter() - started:.2f} | {peaks()} |")
        return result

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    site = args.site
    work = Path(tempfile.mkdtemp(prefix="tracker-scale-", dir=site.parent))
    try:
        stages: list[str] = []
        timed(build, "load_site", stages)
        timed(build, "produce", stages)
        timed(build, "output_files", stages)
        gc.disable()  # as `tracker build` does
        started = time.perf_counter()
        result = build.build_site(site, work / "out", dt.date(2026, 1, 1), search=False,
                                  jobs=args.jobs)
        total = time.perf_counter() - started
        assert result.ok, [p.format() for p in result.problems if p.severity == "error"][:5]
        letters = len(list((site / "content" / "letters").glob("*.md")))
        print(f"{letters} letters, {result.pages} pages, {result.files} files, "
              f"--jobs {args.jobs}, no search index")
        print("| stage | seconds | peak memory so far |")
        print("|---|---:|---|")
        print("\n".join(stages))
        print(f"| whole build | {total:.2f} | {peaks()} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
