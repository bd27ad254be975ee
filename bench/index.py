"""The search index alone, made as a build makes it, over the pages of a built site whose index
was removed: its parts, `--jobs` at a time.

    python bench/index.py OUT [--jobs 2]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.output.search import index_search, is_searched_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    pages = [p.relative_to(args.out).as_posix() for p in args.out.glob("*/*/index.html")]
    index_search(args.out, [p for p in pages if is_searched_page(p)], at_once=args.jobs)


if __name__ == "__main__":
    main()
