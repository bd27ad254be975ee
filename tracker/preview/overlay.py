"""What the preview adds to the pages it serves (never to `tracker build` output): the script
that reloads a page when a rebuild finishes, and the panel that shows a failed build's problems.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from ..errors import Problem, sort_problems

EVENTS = "/__tracker/events"
STATUS = "/__tracker/status"
SHOWN = 50
"""At most this many problems in the panel; the terminal has them all."""
_LONGEST_SOURCE = 2_000_000
"""Source files larger than this are not read to quote a line."""


def reload_script(version: int) -> str:
    """Reloads the page once the preview serves a version other than `version`."""
    return (
        "<script>(function(){var v=" + _js_string(str(version)) + ";"
        "if(!window.EventSource)return;var s=new EventSource(" + _js_string(EVENTS) + ");"
        "s.onmessage=function(e){if(e.data!==v){s.close();location.reload();}};})();</script>\n"
    )


def _js_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\u003c") + '"'


def source_line(root: Path, problem: Problem) -> str | None:
    """The line of the site file a problem points at, if it can be read."""
    base = root.resolve()
    try:
        path = (base / problem.path).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None
        if path.stat().st_size > _LONGEST_SOURCE:
            return None
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, ValueError):
        return None
    if 1 <= problem.line <= len(lines):
        return lines[problem.line - 1]
    return None


def _problem_item(root: Path, problem: Problem) -> str:
    where = f"{problem.path}:{problem.line}:{problem.column}"
    parts = [f"<p><strong>{html.escape(f'{where}: {problem.severity}: {problem.message}')}"
             "</strong></p>"]
    if problem.hint:
        parts.append(f"<p>hint: {html.escape(problem.hint)}</p>")
    line = source_line(root, problem)
    if line is not None:
        shown = line.expandtabs(4).rstrip()
        caret = " " * max(0, min(problem.column - 1, len(shown))) + "^"
        number = f"{problem.line} | "
        parts.append(f"<pre>{html.escape(number + shown)}\n"
                     f"{' ' * len(number)}{html.escape(caret)}</pre>")
    return "<li>" + "".join(parts) + "</li>"


_STYLE = (
    "position:fixed;inset:1rem;z-index:2147483647;overflow:auto;margin:0;padding:1rem 1.25rem;"
    "background:#fff;color:#000;border:0.3rem solid #b00020;border-radius:0.3rem;"
    "box-shadow:0 0 0 100vmax rgba(0,0,0,0.6);font:16px/1.45 system-ui,sans-serif;"
    "text-align:left;max-width:none"
)
_INNER_STYLE = (
    "<style>#tracker-overlay h2{font-size:1.4rem;margin:0 0 0.5rem}"
    "#tracker-overlay ol{padding-left:1.5rem}#tracker-overlay li{margin:0 0 1rem}"
    "#tracker-overlay p{margin:0.2rem 0}#tracker-overlay pre{margin:0.3rem 0;padding:0.5rem;"
    "background:#f2f2f2;color:#000;overflow:auto;white-space:pre;font:14px/1.4 monospace}"
    "#tracker-overlay button{font:inherit;padding:0.2rem 0.8rem;margin-top:0.5rem}</style>"
)


def overlay(root: Path, problems: Iterable[Problem], *, kept: bool = True) -> str:
    """The panel listing a failed build's errors, each with its hint and source line;
    `kept` says the pages are an earlier build's."""
    ordered = sort_problems(problems)
    errors = [p for p in ordered if p.severity == "error"]
    warnings = len(ordered) - len(errors)
    items = "".join(_problem_item(root, p) for p in errors[:SHOWN])
    more = []
    if len(errors) > SHOWN:
        more.append(f"{len(errors) - SHOWN} more error(s)")
    if warnings:
        more.append(f"{warnings} warning(s)")
    note = (f"<p>Not shown: {', '.join(more)}; run <code>tracker check</code> to see them.</p>"
            if more else "")
    return (
        f'<section id="tracker-overlay" role="alert" aria-labelledby="tracker-overlay-title" '
        f'style="{_STYLE}">{_INNER_STYLE}'
        '<h2 id="tracker-overlay-title">The last change could not be built</h2>'
        f"<p>{'The preview shows the last build that worked. ' if kept else ''}"
        "Fix the problems below and save; this page reloads by itself.</p>"
        f"<ol>{items}</ol>{note}"
        '<button type="button" onclick="this.parentNode.remove()">Hide</button>'
        "</section>\n"
    )


def inject(page: bytes, extra: str) -> bytes:
    """`page` with `extra` just before its last `</body>` (or at the end when it has none)."""
    if not extra:
        return page
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + extra.encode()
    return page[:at] + extra.encode() + page[at:]


def inject_in_main(page: bytes, extra: str) -> bytes:
    """`page` with `extra` at the start of its `<main>` (unchanged when it has none)."""
    if not extra:
        return page
    start = page.find(b"<main")
    end = page.find(b">", start) + 1 if start >= 0 else 0
    return page[:end] + extra.encode() + page[end:] if end else page


def failed_page(panel: str) -> bytes:
    """The page served when the first build failed and there is nothing else to show."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Build failed – tracker preview</title>\n</head>\n<body>\n<main>\n"
        "<h1>The site could not be built</h1>\n"
        "<p>Nothing has been built yet. Fix the problems and save; this page reloads by itself.</p>\n"
        f"</main>\n{panel}</body>\n</html>\n"
    ).encode()
