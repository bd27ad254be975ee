"""GitHub: `tracker check --format github`, and the workflow `tracker init` writes (SPEC 8)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import check, run

from tracker import __version__
from tracker.errors import Problem, command_data, command_property, report_github

HERTS = "content/letters/herts-2023.md"
WORKFLOW = ".github/workflows/publish.yml"


@pytest.fixture(autouse=True)
def outside_a_workflow(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests run as on a computer, even when they run in a GitHub workflow."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


# tracker check --format github -----------------------------------------------------------

AN_ERROR_AND_A_WARNING = {
    HERTS: """\
        ---
        title: "Ofsted and CQC: joint inspection of Hertfordshire"
        date: 2023-09-12
        ---
        ## Areas for priority action

        - Leaders should improve the SEND data dashboard.
        - Cut waits by 50%, and report: monthly.
        """,
    "content/updates/2023-10-01-news.md": """\
        ---
        title: News
        date: 2023-10-01
        about: ["data\\ndashboard"]
        ---
        Text.
        """,
}
"""P2 is not tracked (a warning quoting '%', ',' and ':'); the update names a record with a
line break in its name (an error)."""


def test_github_report_puts_each_problem_on_its_line(make_site, tmp_path, monkeypatch):
    site = make_site(AN_ERROR_AND_A_WARNING)
    folder = site.rename(tmp_path / "our site, v2: draft")
    monkeypatch.chdir(tmp_path)
    result = check(Path(folder.name), "--format", "github")
    assert result.exit_code == 1
    where = "our site%2C v2%3A draft"  # the folder's name, as a property's value
    named = "our site, v2: draft"  # and in the message
    assert result.stdout.splitlines() == [
        f"::warning file={where}/{HERTS},line=8,col=1,title=tracker check::{named}/{HERTS}:8:1: "
        "area for priority action 2 (P2) is not tracked by any record: “Cut waits by 50%25, and "
        "report: monthly.”%0Ahint: add a record with 'tracks: [letter:herts-2023#P2]'",
        f"::error file={where}/content/updates/2023-10-01-news.md,line=4,col=9,title=tracker check::"
        f"{named}/content/updates/2023-10-01-news.md:4:9: unknown record 'data\\ndashboard' in "
        "'about'%0Ahint: did you mean 'data-dashboard'?",
    ]
    assert result.stderr == "1 error(s), 1 warning(s)\n"


def test_github_report_names_files_from_the_repository_root(make_site, tmp_path, monkeypatch):
    """GitHub places a note by the file's path from the repository's root: the site folder's
    path from the current folder, or from GITHUB_WORKSPACE in a workflow."""
    site = make_site()  # tmp_path/site
    expected = "::warning file=site/content/actions/data-dashboard.yml,line=4,col=1,"
    monkeypatch.chdir(tmp_path)
    for given in ("site", "site/", "./site", str(site)):
        result = run("check", "--site", given, "--today", "2024-01-01", "--format", "github")
        assert result.stdout.startswith(expected), given
    monkeypatch.chdir(site)
    assert check(Path("."), "--format", "github").stdout.startswith(
        "::warning file=content/actions/data-dashboard.yml,line=4,col=1,")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))  # a step run inside the site folder
    assert check(Path("."), "--format", "github").stdout.startswith(expected)


def test_github_report_with_strict_and_with_no_problems(make_site):
    strict = check(make_site(), "--format", "github", "--strict")
    assert strict.exit_code == 1
    assert [line.split(" ")[0] for line in strict.stdout.splitlines()] == ["::error"] * 3
    assert strict.stderr == "3 error(s), 0 warning(s)\n"
    clean = run("check", "--site", str(make_site({"content/actions/rest.yml": """\
        title: Governance and EHC plans
        tracks: [letter:herts-2023#P2, letter:herts-2023#I1]
        timeline:
          - {date: 2023-09-12, status: identified, evidence: [letter:herts-2023]}
        """})), "--today", "2023-10-01", "--format", "github")
    assert (clean.exit_code, clean.stdout, clean.stderr) == (0, "", "No problems found.\n")


def test_github_is_one_of_the_formats():
    result = run("check", "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json', 'github'" in result.stderr


def test_workflow_commands_are_escaped_as_github_documents():
    assert command_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert command_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"
    assert command_data("%0A") == "%250A"  # an escape in the text stays text


def test_nothing_in_a_problem_can_end_its_command_or_start_another():
    problems = [
        Problem("a,b:c.md", 2, 3, "error", "line one\n::error::forged\r\x1b[31m%", "say\nso"),
        Problem("bidi\u202e.md", 1, 1, "warning", "fine"),
    ]
    assert report_github(problems, "site/") == [
        "::error file=site/a%2Cb%3Ac.md,line=2,col=3,title=tracker check::site/a,b:c.md:2:3: "
        "line one\\n::error::forged\\r\\x1b[31m%25%0Ahint: say\\nso",
        "::warning file=site/bidi\\u202e.md,line=1,col=1,title=tracker check::"
        "site/bidi\\u202e.md:1:1: fine",
    ]


# The workflow of a new site ----------------------------------------------------------------

def new_site(tmp_path: Path) -> Path:
    result = run("init", str(tmp_path / "forum"))
    assert result.exit_code == 0, result.stderr
    return tmp_path / "forum"


def workflow(site: Path) -> dict:
    found = yaml.safe_load((site / WORKFLOW).read_text(encoding="utf-8"))
    found["on"] = found.pop(True)  # YAML 1.1 reads the key `on` as true
    return found


def evaluate(condition: str, context: dict[str, str]) -> bool:
    """A GitHub `if:` made of ==, !=, &&, || and brackets over `github.…` values."""
    python = re.sub(r"github(\.\w+)+", lambda m: repr(context[m[0]]), condition)
    python = python.replace("&&", " and ").replace("||", " or ")
    assert re.fullmatch(r"('[^']*'|[\s()=!]|and|or)*", python), python
    return bool(eval(python, {"__builtins__": {}}))  # only quoted words and operators: see above


def test_init_writes_a_workflow_that_checks_everything_and_publishes_main(tmp_path):
    site = new_site(tmp_path)
    flow = workflow(site)
    assert set(flow["on"]) == {"push", "pull_request", "schedule", "workflow_dispatch"}
    minute, hour, day, month, weekday = flow["on"]["schedule"][0]["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit()  # once a week
    assert flow["permissions"] == {"contents": "read"}
    check_job, publish = flow["jobs"]["check"], flow["jobs"]["publish"]
    assert "permissions" not in check_job and "if" not in check_job
    assert [s["run"] for s in check_job["steps"] if "run" in s][-1] == "tracker check --format github"
    assert publish["needs"] == "check"
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert publish["concurrency"]["group"] == "pages"
    assert publish["environment"]["name"] == "github-pages"
    uses = [s["uses"] for job in flow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert {u.split("@")[0] for u in uses} >= {
        "actions/checkout", "actions/setup-python", "actions/configure-pages",
        "actions/upload-pages-artifact", "actions/deploy-pages"}
    assert all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in uses), uses
    python = {s["with"]["python-version"] for j in flow["jobs"].values() for s in j["steps"]
              if s.get("uses", "").startswith("actions/setup-python")}
    assert python == {"3.12"}
    assert (site / ".gitignore").read_text() == "_site/\n"  # the built site is never committed


@pytest.mark.parametrize(("event", "branch", "published"), [
    ("push", "main", True),
    ("push", "fix-a-typo", False),
    ("pull_request", "7/merge", False),
    ("schedule", "main", True),
    ("workflow_dispatch", "main", True),
    ("workflow_dispatch", "fix-a-typo", False),
])
def test_only_the_main_branch_is_published(tmp_path, event, branch, published):
    condition = workflow(new_site(tmp_path))["jobs"]["publish"]["if"]
    # GitHub's schedule event says nothing of the repository, so its default branch is unknown.
    default = "" if event == "schedule" else "main"
    context = {"github.event_name": event, "github.ref_name": branch,
               "github.event.repository.default_branch": default}
    assert evaluate(condition, context) is published


def step_run(site: Path, step: dict, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One `run:` step as GitHub runs it (bash), in the site folder, with `${{ … }}` values."""
    values = {"steps.pages.outputs.base_url": "https://forum.github.io/tracker"}

    def fill(text: str) -> str:
        return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: values[m[1]], text)

    env = {**env, **{name: fill(str(value)) for name, value in step.get("env", {}).items()}}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", fill(step["run"])],
                          cwd=site, env=env, capture_output=True, text=True, timeout=300)


def test_the_workflow_checks_and_builds_a_new_site(tmp_path):
    """Every `run:` step in order, but for installing tracker (installed here already): the
    check shows the sample's one warning on its line, and the build writes the folder the
    upload step sends to GitHub Pages, for the address the Pages settings give."""
    site = new_site(tmp_path)
    flow = workflow(site)
    assert list(flow["jobs"]) == ["check", "publish"]  # publish needs check: this is their order
    bin_folder = Path(sys.executable).parent
    env = {"PATH": f"{bin_folder}:/usr/bin:/bin", "GITHUB_WORKSPACE": str(site),
           **{name: str(value) for name, value in flow["env"].items()}}
    ran, skipped = [], []
    for job in flow["jobs"].values():
        for step in job["steps"]:
            if "run" not in step:
                continue
            if step["run"].rstrip().endswith('python -m pip install "$TRACKER"'):
                skipped.append(step["name"])
                continue
            done = step_run(site, step, env)
            assert done.returncode == 0, done.stderr
            ran.append((step["run"], done.stdout))
    assert skipped == ["Install tracker", "Install tracker"]
    assert [command for command, _ in ran] == [
        "tracker check --format github", 'tracker build --base-url "$BASE_URL/" --out _site']
    assert ran[0][1].startswith("::warning file=content/letters/sample-letter.md,line=26,col=1,")
    upload = next(s for s in flow["jobs"]["publish"]["steps"]
                  if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    built = site / upload["with"]["path"]
    assert (built / "index.html").is_file()
    assert "<loc>https://forum.github.io/tracker/</loc>" in (built / "sitemap.xml").read_text()


def test_the_workflow_says_plainly_when_tracker_is_not_set(tmp_path):
    site = new_site(tmp_path)
    install = workflow(site)["jobs"]["check"]["steps"][2]
    assert install["name"] == "Install tracker"
    done = step_run(site, install, {"PATH": "/usr/bin:/bin", "TRACKER": ""})
    assert done.returncode == 1
    assert done.stdout == ("::error title=TRACKER is not set::Write where to install tracker from "
                           "after TRACKER: near the top of .github/workflows/publish.yml (its notes "
                           "say how).\n")
    comments = (site / WORKFLOW).read_text().split("\nname:")[0]
    assert "Settings, open Pages" in comments and '"GitHub Actions"' in comments
    assert f"TRACKER: git+https://github.com/OWNER/tracker@v{__version__}" in comments


def test_init_names_the_tracker_that_made_the_site_when_others_can_install_it(monkeypatch):
    """Installed from a git repository, `tracker init` fills in TRACKER with it, at the very
    commit; installed from a folder on this machine, it leaves TRACKER for the maintainer."""
    from tracker.authoring import starter

    class Installed:
        def __init__(self, text: str) -> None:
            self.text = text

        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return self.text

    git = ('{"url": "https://github.com/forum/tracker.git", '
           '"vcs_info": {"vcs": "git", "commit_id": "0123abc"}}')
    monkeypatch.setattr(starter.importlib.metadata, "distribution", lambda name: Installed(git))
    assert starter.install_source() == "git+https://github.com/forum/tracker.git@0123abc"
    workflow = yaml.safe_load(starter.workflow_text("0.1.0", starter.install_source()))
    assert workflow["env"]["TRACKER"] == "git+https://github.com/forum/tracker.git@0123abc"
    folder = '{"url": "file:///home/someone/tracker", "dir_info": {}}'
    monkeypatch.setattr(starter.importlib.metadata, "distribution", lambda name: Installed(folder))
    assert starter.install_source() == ""
