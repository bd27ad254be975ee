"""Front matter and bodies of letters, updates and pages → model objects as read: their links
are resolved once every target is known (`assemble`)."""

from __future__ import annotations

from dataclasses import replace

from ..errors import Problem, ProblemError, did_you_mean
from .fields import Fields
from .files import Document
from .folder import is_slug, slugify
from .markdown import markup
from .markdown.markup import KindSpec
from .model import (
    BlockKind,
    BlockTable,
    LetterOf,
    PageOf,
    ParsedLetter,
    ParsedPage,
    ParsedUpdate,
    Point,
    Poll,
    PollResult,
    SiteConfig,
    UpdateOf,
)
from .refs import is_point_id
from .safeyaml import Pos, YMap
from .texts import markup_of, parse_markup, report_nesting

LETTER_KEYS = ("title", "date", "inspectorate", "kind", "subject", "visit_dates", "inspectors",
               "source", "outcome", "points")
UPDATE_KEYS = ("title", "date", "author", "summary", "about", "draft", "poll")
PAGE_KEYS = ("title",)
POLL_KEYS = ("question", "responses", "results")
JUDGING_KINDS = ("monitoring", "revisit")


def slug_problem(path: str, slug: str) -> Problem | None:
    """A problem when a file name is not a usable slug."""
    if is_slug(slug):
        return None
    fixed = slugify(slug) or "name"
    suffix = path.rsplit(".", 1)[-1]
    return Problem(path, 1, 1, "error", f"the file name '{slug}' is not a valid slug",
                   f"use lower-case letters, digits and hyphens: rename it to '{fixed}.{suffix}'")


def read_letter(doc: Document, config: SiteConfig, problems: list[Problem]) -> ParsedLetter | None:
    """A letter with its blocks and points; its links are resolved later."""
    fields = Fields(doc.path, doc.meta, problems, allowed=LETTER_KEYS, required=("title", "date"))
    kind = fields.text("kind") or ""
    wanted = fields.flag("points")
    auto = wanted if wanted is not None else kind.lower() not in JUDGING_KINDS
    source = fields.text("source") or ""
    if source and not source.startswith(("https://", "http://")):
        fields.error(fields.at("source"), f"'source' must be a web address, not '{source}'",
                     "give the link to the official copy, starting with https://")
    kinds = [KindSpec(k.id, k.prefix, k.label, k.phrases) for k in config.points]
    text = _body(doc, problems)
    if text is None:
        return None
    prepared, found = markup.render_letter(text, kinds, auto)
    report_nesting(prepared, doc.path, Pos(doc.body_line, 1), problems)
    for line, written, known in found.bad_markers:
        problems.append(Problem(doc.path, doc.body_line + line, 1, "error",
                                f"unknown point kind '.{written}' in a marker",
                                did_you_mean(written, known.split(", "),
                                             fallback=f"point kinds: {known}")))
    blocks, points = _blocks_and_points(doc, found, problems)
    title, date = fields.text("title"), fields.date("date")
    inspectorate, inspectors = fields.names("inspectorate"), fields.names("inspectors")
    subject, visit_dates = fields.text("subject") or "", fields.dates("visit_dates")
    if not fields.ok or title is None or date is None:
        return None
    body = replace(markup_of(text, prepared), text="")  # nothing shows a letter's plain text
    return LetterOf(
        slug=doc.slug, path=doc.path, title=title, date=date, inspectorate=inspectorate,
        kind=kind, subject=subject, visit_dates=visit_dates, inspectors=inspectors,
        source=source, outcome=fields.text("outcome") or "", body=body, block_table=blocks,
        points=points,
    )


def _blocks_and_points(
    doc: Document, found: markup.LetterStructure, problems: list[Problem],
) -> tuple[BlockTable, tuple[Point, ...]]:
    blocks: list[tuple[BlockKind, int]] = []
    points: list[Point] = []
    anchors = {b.anchor for b in found.blocks}
    for b in found.blocks:
        line = doc.body_line + b.line
        point_id = b.point.id if b.point else ""
        blocks.append((b.kind, line))
        if not b.point:
            continue
        if point_id in anchors:
            problems.append(Problem(
                doc.path, line, 1, "error",
                f"point id '{point_id}' is the anchor of paragraph {point_id[1:]} in this letter",
                "give the marker another #id: p1, p2, … name the letter's paragraphs"))
            continue
        if point_id in {p.id for p in points}:
            problems.append(Problem(doc.path, line, 1, "error",
                                    f"point id '{point_id}' is used twice in this letter",
                                    "give the marker another #id"))
            continue
        if not is_point_id(point_id):
            problems.append(Problem(
                doc.path, line, 1, "error",
                f"point id '{point_id}' may only use letters, digits and hyphens"))
            continue
        p = b.point
        points.append(Point(point_id, p.kind, p.number, p.label, p.context, b.anchor,
                            b.text, p.owners, line))
    return BlockTable.of(blocks), tuple(points)


def read_update(doc: Document, problems: list[Problem]) -> ParsedUpdate | None:
    """An update; `about` and its links are checked once every target is known."""
    fields = Fields(doc.path, doc.meta, problems, allowed=UPDATE_KEYS, required=("title", "date"))
    text = _body(doc, problems)
    if text is None:
        return None
    body = parse_markup(text, doc.path, Pos(doc.body_line, 1), problems)
    summary = fields.text("summary") or body.lead
    about = tuple(a.removeprefix("record:") for a in fields.names("about"))
    poll = _poll(fields)
    draft = fields.flag("draft")
    title, date, author = fields.text("title"), fields.date("date"), fields.text("author")
    if not fields.ok or title is None or date is None:
        return None
    return UpdateOf(doc.slug, doc.path, title, date, author or "", summary,
                    about, bool(draft), poll, body)


def _poll(fields: Fields) -> Poll | None:
    block = fields.mapping_field("poll")
    if block is None:
        return None
    poll = Fields(fields.path, block, fields.problems, allowed=POLL_KEYS, required=("question",))
    results = []
    for item, pos in poll.items("results"):
        result = _poll_result(poll, item, pos)
        if result:
            results.append(result)
    responses = poll.integer("responses")
    total = sum(r.count for r in results)
    if poll.ok and results and responses is not None and total != responses:
        poll.error(poll.at("responses"),
                   f"the poll counts add up to {total}, but 'responses' is {responses}",
                   "correct the counts, or leave 'responses' out")
    question = poll.text("question")
    if not poll.ok or question is None:
        return None
    return Poll(question, responses, tuple(results))


def _poll_result(poll: Fields, item: object, pos: Pos) -> PollResult | None:
    if not isinstance(item, YMap):
        poll.error(pos, "each poll result is written {label: \"Yes\", count: 12}")
        return None
    one = Fields(poll.path, item, poll.problems, allowed=("label", "count"),
                 required=("label", "count"))
    label, count = one.text("label"), one.integer("count")
    if not one.ok or label is None or count is None:
        return None
    return PollResult(label, count)


def read_page(doc: Document, problems: list[Problem]) -> ParsedPage | None:
    """A plain page."""
    fields = Fields(doc.path, doc.meta, problems, allowed=PAGE_KEYS, required=("title",))
    title, text = fields.text("title"), _body(doc, problems)
    if not fields.ok or title is None or text is None:
        return None
    return PageOf(doc.slug, doc.path, title,
                  parse_markup(text, doc.path, Pos(doc.body_line, 1), problems))


def _body(doc: Document, problems: list[Problem]) -> str | None:
    """The document's Markdown, or None when a lean file changed since it was read."""
    try:
        return doc.body
    except ProblemError as exc:
        problems.append(exc.problem)
        return None
