"""Time from saving one update to the preview serving the new version, on a generated site.

    python bench/serve_latency.py [--letters 1000] [--saves 20]

Generates a site (bench/generate.py), starts the real preview on a free local port, then
saves one update repeatedly (atomically: write a temporary file, rename it over the real
one) and waits on the preview's event stream (what open pages listen to) for the new
version, then fetches the page. Prints the median, fastest and slowest times in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from tracker.preview.serve import Preview  # noqa: E402


def next_version(events: Any) -> str:
    """The next version announced on the event stream."""
    while True:
        line = events.readline().decode().strip()
        if line.startswith("data:"):
            return line[5:].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "site"
        generate(root, args.letters)
        started = time.perf_counter()
        preview = Preview(root, "127.0.0.1", 0, dt.date(2026, 1, 1)).start()
        print(f"first build: {time.perf_counter() - started:.1f} s")
        url = preview.url
        update = sorted((root / "content" / "updates").glob("*.md"))[0]
        page = f"{url}updates/{update.stem}/"
        original = update.read_text()
        times = []
        events = urllib.request.urlopen(url + "__tracker/events", timeout=30)
        next_version(events)
        try:
            for n in range(args.saves):
                temporary = update.with_name(f".{update.name}.tmp")
                temporary.write_text(original + f"\nSaved number {n}.\n")
                began = time.perf_counter()
                os.replace(temporary, update)
                next_version(events)
                with urllib.request.urlopen(page, timeout=10) as response:
                    assert f"Saved number {n}." in response.read().decode()
                times.append((time.perf_counter() - began) * 1000)
                time.sleep(0.3)
        finally:
            events.close()
            preview.shutdown()
    print(f"save to served ({args.letters} letters, {args.saves} saves): "
          f"median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
