"""The bare floor of a Markdown site build, for comparison: read each letter, parse its YAML
front matter, render its Markdown with markdown-it-py, put it in a minimal Jinja page and
write it. Nothing else: no validation, no links, no lists, no feeds, no search.

    python bench/floor.py SITE OUT [--jobs N]
"""

from __future__ import annotations

import argparse
import os
from multiprocessing import Pool
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

PAGE = jinja2.Template(
    "<!doctype html><html lang=en><meta charset=utf-8><title>{{ title }}</title>"
    "<body><main><h1>{{ title }}</h1>{{ body }}</main></body></html>\n", autoescape=True)
MD = MarkdownIt("commonmark", {"html": False}).enable("table")
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def one(job: tuple[Path, Path]) -> int:
    """Build one letter's page; return its size."""
    source, out = job
    text = source.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=LOADER)
    html = PAGE.render(title=meta["title"], body=jinja2.utils.markupsafe.Markup(MD.render(body)))
    target = out / source.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return len(html)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    jobs = [(p, args.out) for p in sorted((args.site / "content" / "letters").glob("*.md"))]
    os.makedirs(args.out, exist_ok=True)
    if args.jobs > 1:
        with Pool(args.jobs) as pool:
            sum(pool.imap_unordered(one, jobs, chunksize=64))
    else:
        sum(map(one, jobs))


if __name__ == "__main__":
    main()
