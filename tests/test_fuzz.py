"""Bad input at scale (SPEC 8, 9): every kind of source file of FULL_SITE corrupted many ways.

Each corruption is written into a fresh copy of the site, beside a copy of a good build in
OUT; then `check` and `build --out OUT` run in-process as a user would. Whatever the bytes,
both end with exit 0 or 1 (never a traceback), each within a safety bound (not a
benchmark), the sources are never written, and a failed build leaves OUT byte-identical with
nothing left beside it. The number of corruptions tried is printed at the end of the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner, Result
from conftest import FULL_SITE, TODAY, build, check, write_files
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tracker.cli import main

KINDS = {
    "site.yml": "site.yml",
    "letter": "content/letters/herts-2023.md",
    "update with a poll": "content/updates/2023-10-01-poll.md",
    "record with sub-actions": "content/actions/data-dashboard.yml",
    "page": "content/pages/about.md",
}
EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", "40"))
"""Random corruptions per kind of file: the whole file stays well under a minute on 2 cores."""
BOUND = 10.0
"""Seconds any one `check` or `build` may take: a safety bound against hangs."""

PUNCTUATION = [":", ": ", "-", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!", "!!binary ",
               "!!python/object:os.system ", "|", "|-\n", ">", "#", " #", "'", '"', "\t", "\n",
               "---\n", "...\n", "? ", "<<: ", "%YAML 1.1\n", "@", "`", "\\", "\x00", "\x85",
               " {.priority #P1}", "{#P9}", " {.", "## ", "1. ", "](", "<", "&amp;", "\u200b"]
"""YAML punctuation, and the Markdown of letters (point markers, headings, lists, links)."""
INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc0\xae", b"\x80", b"\xed\xa0\x80", b"\xe2\x82",
                b"\xf8\x88\x80\x80\x80", b"\xef\xbb\xbf\xff"]
VALUES = [".nan", ".inf", "-.inf", "-1", "0", "1e400", "99999999999999999999999", "0001-01-01",
          "9999-12-31", "2023-02-30", "2023-10-01 25:61:00", "2023-10-01T12:00:00Z", "~", "[]",
          "{}", "[[]]", "[{}]", "yes", "no", '""', "'\u202e'", "0x1F", "0o17", "1_000", "3.5",
          "!!str 2023-10-01", "!!binary aGVsbG8=", "!!set {a}", "!!omap [a: 1]", "!!timestamp x",
          "letter:herts-2023#P99", "record:nope#x", "javascript:alert(1)", "[x](javascript:x)",
          "<script>alert(1)</script>", "static:../../etc/passwd", "page:../site", "- a"]
"""Values written in place of a field's value: wrong types, odd numbers and dates, bad refs."""


def billion_laughs() -> bytes:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return ("\n".join(rows) + "\n").encode()


PAYLOADS: dict[str, bytes] = {
    "100 KB line": b"note: " + b"x" * 100_000 + b"\n",
    "100 KB word": b"y" * 100_000,
    "100 KB brackets": b"[" * 100_000,
    "3 MB file": b"word " * 620_000,
    "[ x 5000": b"[" * 5000,
    "{a: x 5000": b"{a: " * 5000,
    "- x 5000": b"- " * 5000,
    "> x 5000": b"> " * 5000 + b"deep\n",
    "* x 5000": b"*a " * 5000,
    "billion laughs": billion_laughs(),
    "anchors and merge": b"base: &b {title: x}\nother:\n  <<: *b\n",
}
"""Fixed hostile values, each also tried at every place in every kind of file."""


def _place(data: bytes, where: str, payload: bytes) -> bytes:
    """`payload` put in the file: replacing it, at its start or end, or just after line 1 (in
    the front matter of a Markdown file)."""
    if where == "replace":
        return payload
    if where == "start":
        return payload + b"\n" + data
    if where == "after line 1":
        first, _, rest = data.partition(b"\n")
        return first + b"\n" + payload + b"\n" + rest
    return data + b"\n" + payload


@st.composite
def corruption(draw: Any, data: bytes) -> tuple[str, bytes]:
    """A description and the corrupted bytes: one to three mutations of `data`."""
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["insert bytes", "delete slice", "punctuation", "invalid utf-8",
                                   "payload", "swap lines", "truncate", "invalid file",
                                   "value", "value", "text", "text"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert bytes":
            data = data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at:]
        elif op == "delete slice":
            data = data[:at] + data[at + draw(st.integers(1, 80)):]
        elif op == "punctuation":
            for _ in range(draw(st.integers(1, 6))):
                at = draw(st.integers(0, len(data)))
                data = data[:at] + draw(st.sampled_from(PUNCTUATION)).encode() + data[at:]
        elif op == "invalid utf-8":
            data = data[:at] + draw(st.sampled_from(INVALID_UTF8)) + data[at:]
        elif op == "text" and re.search(rb"\n---\n", data) and draw(st.booleans()):
            body = re.search(rb"\n---\n", data).end()  # type: ignore[union-attr]
            at, words = draw(st.integers(body, len(data))), draw(st.text(max_size=40))
            data, op = data[:at] + words.encode(errors="surrogatepass") + data[at:], "body text"
        elif op in ("value", "text") and b": " in data:
            keys = [i for i in range(len(data)) if data.startswith(b": ", i)]
            start = draw(st.sampled_from(keys)) + 2
            end = data.find(b"\n", start) % (len(data) + 1)
            value = draw(st.sampled_from(VALUES)) if op == "value" else \
                json.dumps(draw(st.text(max_size=40)), ensure_ascii=False)
            data, op = data[:start] + value.encode(errors="surrogatepass") + data[end:], \
                f"{op} {value!r}"
        elif op == "invalid file":
            data = b"\xff" + draw(st.binary(max_size=200))
        elif op == "payload":
            name = draw(st.sampled_from(sorted(PAYLOADS)))
            where = draw(st.sampled_from(["replace", "start", "after line 1", "end"]))
            data, op = _place(data, where, PAYLOADS[name]), f"{name} ({where})"
        elif op == "swap lines":
            rows = data.split(b"\n")
            i, j = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(rows) - 1))
            rows[i], rows[j] = rows[j], rows[i]
            data = b"\n".join(rows)
        else:
            data, op = data[:at], "truncate"
        steps.append(op)
    return ", ".join(steps), data


TRIED: Counter[str] = Counter()
FAILED: Counter[str] = Counter()
BUILT: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest) -> Iterator[None]:
    """Say at the end how many corruptions were tried, and how many failed."""
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or not TRIED:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        for kind in sorted(TRIED):
            reporter.write_line(f"fuzz: {kind}: {TRIED[kind]} corruptions tried "
                                f"({BUILT[kind]} still built), {FAILED[kind]} failed")
        reporter.write_line(f"fuzz: in all {sum(TRIED.values())} tried, "
                            f"{sum(FAILED.values())} failed")


@pytest.fixture(scope="module")
def good_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build of FULL_SITE, copied into each example's OUT."""
    base = tmp_path_factory.mktemp("good")
    site = write_files(base / "site", FULL_SITE)
    out = base / "out"
    result = cli("build", "--site", str(site), "--out", str(out), "--today", TODAY)
    assert result.exit_code == 0, result.output
    return out


def source(rel: str) -> bytes:
    """The good bytes of one file of FULL_SITE, as written to disk."""
    text = FULL_SITE[rel]
    assert isinstance(text, str)
    return textwrap.dedent(text).encode()


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def hashes(root: Path) -> dict[str, str]:
    """Every file under `root` (relative path → SHA-256)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def timed(*args: str) -> tuple[Result, float]:
    started = time.monotonic()
    result = cli(*args)
    return result, time.monotonic() - started


def assert_clean(result: Result, seconds: float, what: str) -> None:
    """Exit 0 or 1, no traceback or unexpected exception, within the bound."""
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        what, repr(result.exception), text[-2000:])
    assert result.exit_code in (0, 1), (what, result.exit_code, text[-2000:])
    assert "Traceback" not in text and "stopped unexpectedly" not in text, (what, text[-2000:])
    assert seconds < BOUND, f"{what} took {seconds:.1f} s"


def try_corruption(base: Path, good: Path, rel: str, data: bytes) -> bool:
    """Write the site with `rel` replaced by `data`, then check and build it over OUT; True
    when it built."""
    site = write_files(base / "site", FULL_SITE)
    (site / rel).write_bytes(data)
    out = base / "built" / "out"
    shutil.copytree(good, out)
    sources, before = hashes(site), hashes(out)
    checked, seconds = timed("check", "--site", str(site), "--today", TODAY)
    assert_clean(checked, seconds, "check")
    built, seconds = timed("build", "--site", str(site), "--out", str(out), "--today", TODAY)
    assert_clean(built, seconds, "build")
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"], "stray folder beside OUT"
    assert hashes(site) == sources, "a source file was written"
    if built.exit_code == 1:
        assert "Build failed" in built.output
        assert hashes(out) == before, "a failed build changed OUT"
    else:
        assert checked.exit_code == 0, "build passed what check refused"
        assert (out / "index.html").is_file()
        for path in [*out.rglob("*.xml"), *out.rglob("*.json")]:  # feeds and data still parse
            ElementTree.parse(path) if path.suffix == ".xml" else json.loads(path.read_bytes())
    assert checked.exit_code == 0 or built.exit_code == 1, "build failed what check passed"
    return built.exit_code == 0


def counted(kind: str, attempt: Callable[[], bool]) -> None:
    TRIED[kind] += 1
    try:
        BUILT[kind] += attempt()
    except BaseException:
        FAILED[kind] += 1
        raise


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_any_corruption_ends_in_exit_0_or_1_and_keeps_the_output(
    kind: str, data: st.DataObject, good_output: Path, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    rel = KINDS[kind]
    what, corrupted = data.draw(corruption(source(rel)), label="corruption")
    note(f"{rel}: {what}")
    base = tmp_path_factory.mktemp("fuzz")
    counted(kind, lambda: try_corruption(base, good_output, rel, corrupted))


@pytest.mark.parametrize("payload", sorted(PAYLOADS))
@pytest.mark.parametrize("kind", KINDS)
def test_each_hostile_value_in_the_front_matter_of_each_kind(
    kind: str, payload: str, good_output: Path, tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Every fixed payload at least once in every kind of file, whatever the random draw."""
    rel = KINDS[kind]
    corrupted = _place(source(rel), "after line 1", PAYLOADS[payload])
    base = tmp_path_factory.mktemp("payload")
    counted(f"{kind} (fixed payloads)", lambda: try_corruption(base, good_output, rel, corrupted))


# Crashes the fuzzing found, kept as plain regression tests ------------------------------

@pytest.mark.parametrize("value", ["!!timestamp x", "!!bool x", '!!int ""', "!!float", "!!int _"])
def test_a_plain_tag_on_a_value_it_cannot_hold_is_read_as_text(make_site: Any, value: str) -> None:
    """PyYAML's safe constructor fails on these with KeyError, IndexError or AttributeError
    (not ValueError): they were tracebacks; now the text is kept and the field checked."""
    site = make_site({"content/updates/2023-10-01-poll.md":
                      f"---\ntitle: {value}\ndate: !!timestamp x\n---\nBody.\n"})
    result = check(site)
    assert result.exit_code == 1, result.stderr
    assert "content/updates/2023-10-01-poll.md:3:7: error: 'date' must be a date, not 'x'" \
        in result.stderr


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("title", ['""', "'  '", "!!str"])
def test_an_empty_title_is_an_error_not_a_silently_dropped_file(
    make_site: Any, tmp_path: Path, kind: str, title: str,
) -> None:
    """An empty title passed the 'required' check but was read as None, so the file was
    dropped without a word: check said 'No problems' and build crashed (KeyError)."""
    rel = KINDS[kind]
    data = re.sub(rb"(?m)^title: .*$", b"title: " + title.encode(), source(rel), count=1)
    site = make_site({**FULL_SITE, rel: data})
    assert check(site).exit_code == 1
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{rel}:1:8: error: required field 'title' is empty" in result.stderr \
        or f"{rel}:2:8: error: required field 'title' is empty" in result.stderr, result.stderr


def test_a_record_tracking_an_empty_list_is_an_error(make_site: Any, tmp_path: Path) -> None:
    """`tracks: []` dropped the record without a word; the update about it crashed build."""
    rel = KINDS["record with sub-actions"]
    data = source(rel).replace(b"tracks: [letter:herts-2023#P1]", b"tracks: []")
    site = make_site({**FULL_SITE, rel: data})
    result = build(site, tmp_path / "out")
    assert result.exit_code == 1
    assert f"{rel}:2:9: error: required field 'tracks' is empty" in result.stderr
