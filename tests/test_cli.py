"""The `tracker` command: check, --strict, --format json, exit codes, build date, version (SPEC 8)."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import check, lines, run

from tracker import __version__
from tracker.cli import main
from tracker.content.model import long_date

REPO = Path(__file__).resolve().parents[1]
RECORD = "content/actions/data-dashboard.yml"


def invoke(*args: str, env: dict[str, str | None]) -> Result:
    """`tracker ARGS…` in-process with the given environment (None unsets a variable)."""
    return CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)


def epoch(date: dt.date, hour: int = 12) -> str:
    return str(int(dt.datetime(date.year, date.month, date.day, hour, tzinfo=dt.UTC).timestamp()))


def copy_example(target: Path) -> Path:
    """A fresh copy of the example site at the repository root."""
    shutil.copy(REPO / "site.yml", target / "site.yml")
    shutil.copytree(REPO / "content", target / "content")
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# The example site ----------------------------------------------------------------------

@pytest.mark.parametrize("today", [[], ["--today", "2024-01-01"]])
def test_example_site_checks_without_errors(today):
    result = run("check", "--site", str(REPO), *today)
    assert result.exit_code == 0, result.stderr
    assert [line for line in lines(result) if ": error: " in line] == []
    assert "Traceback" not in result.stderr


def test_example_site_in_a_subprocess_from_its_own_folder(tmp_path):
    site = copy_example(tmp_path)
    before = snapshot(site)
    tracker = shutil.which("tracker", path=str(Path(sys.executable).parent))
    assert tracker is not None, "the tracker script is installed beside the Python running the tests"
    done = subprocess.run([tracker, "check"], cwd=site, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": epoch(dt.date(2024, 1, 1))})
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    reported = [line for line in done.stderr.splitlines() if not line.startswith("    hint: ")]
    assert reported[-1].startswith("0 error(s), ")
    assert all(line.startswith("content/") and ": warning: " in line for line in reported[:-1])
    assert snapshot(site) == before


def test_broken_site_in_a_subprocess_reports_without_a_traceback(make_site):
    site = make_site({
        RECORD: "title: [unclosed\n",
        "content/letters/bad.md": b"---\ntitle: Bad\ndate: 2024-01-01\n---\nCaf\xe9\n",
        "content/updates/no-front-matter.md": "Just text.\n",
    })
    done = subprocess.run([sys.executable, "-m", "tracker", "check", "--site", str(site)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if ": error: " in line]
    assert [line.split(":")[0] for line in errors] == [
        f"{site}/{RECORD}", f"{site}/content/letters/bad.md", f"{site}/content/updates/no-front-matter.md",
    ]


# Reports -------------------------------------------------------------------------------

def test_text_report_lists_every_problem_with_hints_and_a_summary(make_site):
    site = make_site()
    result = check(site)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == (
        f"{site}/{RECORD}:4:1: warning: no update recorded since 12 September 2023\n"
        "    hint: add a timeline entry when there is news (records are flagged after 90 days)\n"
        f"{site}/content/letters/herts-2023.md:12:1: warning: "
        "area for priority action 2 (P2) is not tracked by any record: "
        "“Leaders should strengthen partnership governance.”\n"
        "    hint: add a record with 'tracks: [letter:herts-2023#P2]'\n"
        f"{site}/content/letters/herts-2023.md:16:1: warning: "
        "area for improvement 1 (I1) is not tracked by any record: "
        "“Leaders should improve the quality of EHC plans.”\n"
        "    hint: add a record with 'tracks: [letter:herts-2023#I1]'\n"
        "0 error(s), 3 warning(s)\n"
    )


TRACK_THE_REST = {
    "content/actions/the-rest.yml": """\
        title: Governance and EHC plans
        tracks: [letter:herts-2023#P2, letter:herts-2023#I1]
        timeline:
          - {date: 2023-09-12, status: identified, evidence: [letter:herts-2023]}
        """,
}


def test_clean_site_says_so(make_site):
    result = run("check", "--site", str(make_site(TRACK_THE_REST)), "--today", "2023-10-01")
    assert result.exit_code == 0
    assert result.stderr == "No problems found.\n"


def test_strict_turns_warnings_into_errors(make_site):
    site = make_site()
    result = check(site, "--strict")
    assert result.exit_code == 1
    assert lines(result) == [
        f"{site}/{RECORD}:4:1: error: no update recorded since 12 September 2023",
        f"{site}/content/letters/herts-2023.md:12:1: error: "
        "area for priority action 2 (P2) is not tracked by any record: "
        "“Leaders should strengthen partnership governance.”",
        f"{site}/content/letters/herts-2023.md:16:1: error: "
        "area for improvement 1 (I1) is not tracked by any record: "
        "“Leaders should improve the quality of EHC plans.”",
    ]
    assert result.stderr.endswith("3 error(s), 0 warning(s)\n")


def test_strict_passes_a_site_without_warnings(make_site):
    result = run("check", "--site", str(make_site(TRACK_THE_REST)), "--today", "2023-10-01", "--strict")
    assert result.exit_code == 0, result.stderr


def test_json_report_on_standard_output(make_site):
    site = make_site()
    result = check(site, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    found = json.loads(result.stdout)
    assert isinstance(found, list)
    assert found[0] == {
        "path": f"{site}/{RECORD}", "line": 4, "column": 1, "severity": "warning",
        "message": "no update recorded since 12 September 2023",
        "hint": "add a timeline entry when there is news (records are flagged after 90 days)",
    }
    assert [(p["path"], p["line"], p["severity"]) for p in found] == [
        (f"{site}/{RECORD}", 4, "warning"),
        (f"{site}/content/letters/herts-2023.md", 12, "warning"),
        (f"{site}/content/letters/herts-2023.md", 16, "warning"),
    ]
    assert all(set(p) == {"path", "line", "column", "severity", "message", "hint"} for p in found)


def test_json_report_with_strict_and_with_no_problems(make_site):
    strict = check(make_site(), "--format", "json", "--strict")
    assert strict.exit_code == 1
    assert {p["severity"] for p in json.loads(strict.stdout)} == {"error"}
    clean = run("check", "--site", str(make_site(TRACK_THE_REST)), "--today", "2023-10-01",
                "--format", "json")
    assert (clean.exit_code, json.loads(clean.stdout), clean.stderr) == (0, [], "")


def test_problems_are_sorted_by_path_then_line(make_site):
    site = make_site({
        "site.yml": "title: Test tracker\ncolour: blue\n",
        "content/letters/z-letter.md": "---\ntitle: Z\ndate: 2024-01-01\n---\nDo this. {.urgent}\n",
        RECORD: """\
            title: Improve the SEND data dashboard
            timeline:
              - date: 2023-09-12
                status: identifed
                evidence: [letter:herts-2023#P1]
            # Four lines of comments, so that the next problem is on line 10:
            # lines sort as numbers, not as text.
            #
            #
            tracks: [letter:herts-2023#P9]
            """,
    })
    result = check(site)
    assert result.exit_code == 1
    assert [line.split(": error: ")[0] for line in lines(result)] == [
        f"{site}/{RECORD}:4:13",
        f"{site}/{RECORD}:10:10",
        f"{site}/content/letters/z-letter.md:5:1",
        f"{site}/site.yml:2:1",
    ]
    found = json.loads(check(site, "--format", "json").stdout)
    assert [(p["path"], p["line"]) for p in found] == [
        (f"{site}/{RECORD}", 4), (f"{site}/{RECORD}", 10),
        (f"{site}/content/letters/z-letter.md", 5), (f"{site}/site.yml", 2),
    ]


# Usage errors --------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["check", "--bogus"], "No such option '--bogus'"),
    (["check", "--site", "{tmp}/missing"], "does not exist"),
    (["check", "--today", "2024-13-01"], "'2024-13-01' is not a date (YYYY-MM-DD)"),
    (["check", "--today", "yesterday"], "'yesterday' is not a date (YYYY-MM-DD)"),
    (["check", "--format", "xml"], "'xml' is not one of 'text', 'json'"),
    (["frobnicate"], "No such command 'frobnicate'"),
])
def test_usage_errors_exit_2(make_site, tmp_path, args, message):
    site = make_site()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--site" not in args and args[0] == "check":
        args += ["--site", str(site)]
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_site_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "site.yml").write_text("title: T\n", encoding="utf-8")
    result = run("check", "--site", str(tmp_path / "site.yml"))
    assert result.exit_code == 2
    assert "is a file" in result.stderr


def test_folder_without_site_yml(tmp_path):
    result = run("check", "--site", str(tmp_path), "--today", "2024-01-01")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path}/site.yml:1:1: error: there is no site.yml in this folder\n"
        "    hint: run 'tracker init DIR' to start a site, or pass --site DIR\n"
        "1 error(s), 0 warning(s)\n"
    )


# The build date ------------------------------------------------------------------------

def site_last_updated(make_site, last: dt.date) -> Path:
    return make_site({RECORD: f"""\
        title: Improve the SEND data dashboard
        tracks: [letter:herts-2023#P1]
        timeline:
          - {{date: {last.isoformat()}, status: identified, evidence: [letter:herts-2023#P1]}}
        """})


def stale(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [line.split(": warning: ")[1] for line in lines(result) if "no update recorded" in line]


def test_build_date_from_today_option_before_source_date_epoch(make_site):
    site = site_last_updated(make_site, dt.date(2023, 9, 12))
    env = {"SOURCE_DATE_EPOCH": epoch(dt.date(2024, 6, 1))}
    assert stale(invoke("check", "--site", str(site), "--today", "2023-10-01", env=env)) == []
    assert stale(invoke("check", "--site", str(site), "--today", "2024-06-01", env=env)) == [
        "no update recorded since 12 September 2023",
    ]


def test_build_date_from_source_date_epoch(make_site):
    site = site_last_updated(make_site, dt.date(2023, 9, 12))
    early = {"SOURCE_DATE_EPOCH": epoch(dt.date(2023, 10, 1))}
    late = {"SOURCE_DATE_EPOCH": epoch(dt.date(2024, 6, 1))}
    assert stale(invoke("check", "--site", str(site), env=early)) == []
    assert stale(invoke("check", "--site", str(site), env=late)) == [
        "no update recorded since 12 September 2023",
    ]


def test_source_date_epoch_is_read_as_utc(make_site):
    site = site_last_updated(make_site, dt.date(2023, 10, 2))
    # 23:30 UTC on 31 December is 90 days after the entry; midnight after it is 91.
    evening = {"SOURCE_DATE_EPOCH": str(int(epoch(dt.date(2023, 12, 31), hour=23)) + 1800)}
    assert stale(invoke("check", "--site", str(site), env=evening)) == []
    midnight = {"SOURCE_DATE_EPOCH": epoch(dt.date(2024, 1, 1), hour=0)}
    assert stale(invoke("check", "--site", str(site), env=midnight)) == [
        "no update recorded since 2 October 2023",
    ]


def test_build_date_is_today_without_option_or_source_date_epoch(make_site):
    last = dt.date.today() - dt.timedelta(days=91)
    site = site_last_updated(make_site, last)
    unset: dict[str, str | None] = {"SOURCE_DATE_EPOCH": None}
    assert stale(invoke("check", "--site", str(site), env=unset)) == [
        f"no update recorded since {long_date(last)}",
    ]
    assert stale(invoke("check", "--site", str(site), env={"SOURCE_DATE_EPOCH": epoch(last)})) == []


def test_bad_source_date_epoch_is_a_usage_error(make_site):
    result = invoke("check", "--site", str(make_site()), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH='yesterday' is not a whole number of seconds" in result.stderr


# Version -------------------------------------------------------------------------------

def test_version_option():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"tracker, version {__version__}\n"
    assert __version__ == importlib.metadata.version("tracker")


def test_python_dash_m_tracker_version():
    done = subprocess.run([sys.executable, "-m", "tracker", "--version"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"tracker, version {__version__}\n"


def test_a_folder_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path):
    """A failure of the machine, not of the content, is still a plain message and exit 1."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the output folder's parent should be\n")
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "build", "--site", str(REPO), "-q",
         "--out", str(blocker / "out"), "--today", "2026-01-01"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")


def test_untracked_points_are_said_beside_errors_elsewhere(make_site):
    """Staff see what was found in a letter even while another file has an error."""
    site = make_site({"content/updates/broken.md": "---\ntitle: Broken\n---\nNo date.\n"})
    result = check(site)
    assert result.exit_code == 1
    assert lines(result) == [
        f"{site}/content/letters/herts-2023.md:12:1: warning: area for priority action 2 (P2) "
        "is not tracked by any record: “Leaders should strengthen partnership governance.”",
        f"{site}/content/letters/herts-2023.md:16:1: warning: area for improvement 1 (I1) is "
        "not tracked by any record: “Leaders should improve the quality of EHC plans.”",
        f"{site}/content/updates/broken.md:2:1: error: required field 'date' is missing",
    ]
