"""Write a synthetic site of N letters (with records and updates in proportion), deterministic
from a seed. The letters are modelled on the real seed letters: letterhead, addressee,
paragraphs, headings and a list of points.

    python bench/generate.py OUT_DIR --letters 1000 [--seed 1] [--record-heavy]

`--record-heavy` gives every letter four points, each tracked by a record of six steps, and
an update for every second letter: the site of a forum that records everything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from pathlib import Path

WORDS = (  # noqa: SIM905 (a sentence reads better than a list of words)
    "the centre school partnership leaders parents carers students children young people "
    "support plan needs assessment provision outcomes improvement evidence quality review "
    "staff training health care education local area strategic development voice inclusion "
    "progress targets communication families services data dashboard governance assurance"
).split()

SITE_YML = """\
title: Generated tracker
description: A synthetic site for measuring build speed.
base_url: https://example.org/bench/
notice: "Generated data for benchmarks: nothing here is real."
stale_after_days: 90
"""


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(3, 6)))


def letter(rng: random.Random, number: int, date: dt.date,
           points: int | None = None) -> tuple[str, int]:
    """A letter of 5-8 KB and the number of its improvement points."""
    points = points or rng.randint(1, 4)
    parts = [
        "---",
        f'title: "Ofsted survey {number}: {sentence(rng, 5)[:-1]}"',
        f"date: {date.isoformat()}",
        "inspectorate: [Ofsted]",
        "kind: survey",
        f"subject: School number {number}",
        "---",
        "",
        "Aviation House\\\n125 Kingsway\\\nLondon\\\nWC2B 6SE",
        "",
        date.strftime("%d %B %Y").lstrip("0"),
        "",
        f"Dear Headteacher {number}",
        "",
    ]
    for section in range(rng.randint(3, 4)):
        parts += [f"## {sentence(rng, 6)[:-1]}", "", paragraph(rng), ""]
        parts += [f"- {sentence(rng, rng.randint(15, 30))}" for _ in range(rng.randint(2, 4))]
        parts += ["", paragraph(rng), ""]
        if section == 0:
            parts += [paragraph(rng), ""]
    parts += ["## Areas for improvement", ""]
    parts += [f"- {sentence(rng, rng.randint(12, 25))}" for _ in range(points)]
    parts += ["", "Yours sincerely", "", f"Inspector {number}", ""]
    return "\n".join(parts), points


def record(slug: str, point: int, date: dt.date, rng: random.Random, steps: int = 2) -> str:
    later = date + dt.timedelta(days=rng.randint(20, 400))
    title, summary = sentence(rng, 6)[:-1], sentence(rng, 14)
    entries = [f"""\
  - date: {date.isoformat()}
    status: identified
    evidence: [letter:{slug}#I{point}]
"""]
    for step in range(steps - 1):
        if step:
            later += dt.timedelta(days=rng.randint(20, 400))
        note = sentence(rng, 12)
        entries.append(f"""\
  - date: {later.isoformat()}
    status: in-progress
    note: {note}
    evidence: [letter:{slug}#p{rng.randint(2, 5)}]
""")
    return f"""\
title: "{title}"
tracks: [letter:{slug}#I{point}]
owner: School
summary: {summary}
timeline:
""" + "".join(entries)


def update(number: int, date: dt.date, about: str, rng: random.Random) -> str:
    body = "\n\n".join(paragraph(rng) for _ in range(4))
    return f"""\
---
title: "Forum update {number}"
date: {date.isoformat()}
author: Forum team
about: [{about}]
---
{body}

See [the record](record:{about}).
"""


def generate(out: Path, letters: int, seed: int = 1, *, record_heavy: bool = False) -> None:
    """Write the site into `out` (replacing it)."""
    points, steps, every = (4, 6, 2) if record_heavy else (None, 2, 4)
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    for folder in ("letters", "actions", "updates"):
        (out / "content" / folder).mkdir(parents=True)
    (out / "site.yml").write_text(SITE_YML)
    start = dt.date(2009, 1, 5)
    record_ids = []
    for number in range(1, letters + 1):
        date = start + dt.timedelta(days=number * 3 % 5000)
        slug = f"letter-{number:06d}"
        text, count = letter(rng, number, date, points)
        (out / "content" / "letters" / f"{slug}.md").write_text(text)
        for point in range(1, count + 1):
            record_id = f"{slug}-i{point}"
            (out / "content" / "actions" / f"{record_id}.yml").write_text(
                record(slug, point, date, rng, steps))
            record_ids.append(record_id)
        if number % every == 0:
            (out / "content" / "updates" / f"update-{number:06d}.md").write_text(
                update(number, date + dt.timedelta(days=30), record_ids[-1], rng))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record-heavy", action="store_true")
    args = parser.parse_args()
    generate(args.out, args.letters, args.seed, record_heavy=args.record_heavy)


if __name__ == "__main__":
    main()
