"""How long `tracker import` takes to read a report's PDF: seconds per page.

    python bench/import_pdf.py [PDF ...] [--runs K]

With no PDF given, the six area SEND reports in tests/fixtures/pdfs. Each is read K times
(the whole import: the PDF read, its blocks joined and written as Markdown, its facts and
points found) in this process; the median is printed per report and per page, and the
total over all pages.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pdfplumber

from tracker.authoring.report import import_report

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pdfs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    pdfs = args.pdfs or sorted(p for p in FIXTURES.glob("*.pdf") if "untagged" not in p.name)
    print(f"| report | pages | points | s (median of {args.runs}) | s per page |")
    print("|---|---:|---:|---:|---:|")
    all_pages, all_seconds = 0, 0.0
    for pdf in pdfs:
        with pdfplumber.open(pdf) as document:
            pages = len(document.pages)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            imported = import_report(pdf)
            times.append(time.perf_counter() - start)
        seconds = statistics.median(times)
        all_pages += pages
        all_seconds += seconds
        print(f"| {pdf.stem} | {pages} | {len(imported.points)} | {seconds:.2f} | "
              f"{seconds / pages:.3f} |")
    print(f"| all | {all_pages} | | {all_seconds:.2f} | {all_seconds / all_pages:.3f} |")


if __name__ == "__main__":
    main()
