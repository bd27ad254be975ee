"""The `tracker` command: parse options, call one function, print problems, exit 0, 1 or 2."""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import sys
import time
from pathlib import Path

import click

from . import __version__
from .content.folder import CONFIG
from .errors import FORBIDDEN, Problem, has_errors, report_github, report_json, report_lines, totals

# The pipeline is imported inside each command, so that `tracker --version` and `--help`
# start at once.

SITE_OPTION = click.option(
    "--site", "site", default=".", show_default=True,
    type=click.Path(exists=True, file_okay=False),
    help="The site folder (with site.yml).",
)


def build_date(today: str | None) -> dt.date:
    """--today, else SOURCE_DATE_EPOCH, else today."""
    if today:
        try:
            return dt.date.fromisoformat(today)
        except ValueError:
            raise click.BadParameter(f"'{today}' is not a date (YYYY-MM-DD)",
                                     param_hint="--today") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise click.UsageError(f"SOURCE_DATE_EPOCH='{epoch}' is not a whole number of "
                                   "seconds") from None
    return dt.date.today()


def report(problems: list[Problem], site: str, fmt: str = "text") -> None:
    """Every problem, sorted: on standard error as text, or on standard output as JSON, with
    paths as typed from here, or as GitHub's workflow commands (then the totals as text)."""
    prefix = "" if site in (".", "") else site.rstrip("/") + "/"
    if fmt == "json":
        click.echo(report_json(problems, prefix))
    elif fmt == "github":
        for line in report_github(problems, _from_repository(site, prefix)):
            click.echo(line)
        if problems:
            click.echo(totals(problems), err=True)
    else:
        for line in report_lines(problems, prefix):
            click.echo(line, err=True)


def _from_repository(site: str, typed: str) -> str:
    """The site folder as GitHub names files ('site/' for --site site): from the repository's
    root, which is GITHUB_WORKSPACE in a workflow (whatever folder a step runs in), else the
    current folder; `typed` when there is no way from one to the other (another drive)."""
    root = os.environ.get("GITHUB_WORKSPACE") or "."
    try:
        path = Path(os.path.relpath(Path(site).resolve(), Path(root).resolve())).as_posix()
    except ValueError:
        return typed
    return "" if path == "." else path + "/"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
def main() -> None:
    """Publish what inspectors asked for, what was done, and the evidence."""


def run() -> None:
    """The `tracker` command: like `main`, but a failure of the machine (a folder that cannot
    be written, a full disk) or a fault in tracker itself is one clear line, not a traceback."""
    try:
        main()
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        click.echo(f"error: {exc.strerror or exc}{where}", err=True)
        sys.exit(1)
    except Exception as exc:  # a bug: say so plainly, keep the details for the report
        click.echo(f"error: tracker stopped unexpectedly: {type(exc).__name__}: {exc}\n"
                   "    hint: this is a fault in tracker, not in your files; please report it "
                   "with the command you ran", err=True)
        sys.exit(1)


@main.command()
@SITE_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="How to print the problems.")
@click.option("--today", metavar="DATE", help="The build date (YYYY-MM-DD).")
def check(site: str, strict: bool, fmt: str, today: str | None) -> None:
    """Check the site's files and report every problem at once."""
    from .build import check_site
    from .scale.processes import default_jobs

    gc.disable()  # a one-shot run: the model is acyclic, so cycle collection is wasted time
    problems = check_site(Path(site), build_date(today), jobs=default_jobs())
    if strict:
        problems = [p.as_error() for p in problems]
    report(problems, site, fmt)
    if fmt != "json" and not problems:
        click.echo("No problems found.", err=True)
    sys.exit(1 if has_errors(problems) else 0)


@main.command()
@SITE_OPTION
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Where to write the site (default: SITE/_site).")
@click.option("--drafts", is_flag=True, help="Include updates marked 'draft: true'.")
@click.option("--today", metavar="DATE", help="The build date (YYYY-MM-DD).")
@click.option("--base-url", "base_url", metavar="URL",
              help="The published site's address, overriding site.yml.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes to build with (default: one per core); the output is the same.")
@click.option("--no-search", "no_search", is_flag=True,
              help="Leave out the search index (a third of a build): the search page "
                   "then lists everything.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
def build(site: str, out: str | None, drafts: bool, today: str | None, base_url: str | None,
          jobs: int | None, no_search: bool, quiet: bool) -> None:
    """Check the site, then write it (the old output is replaced only on success)."""
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("must start with https:// or http://", param_hint="--base-url")
    if base_url is not None and (FORBIDDEN.search(base_url) or len(base_url.split()) != 1):
        raise click.BadParameter("must be one web address, without spaces or control "
                                 "characters", param_hint="--base-url")
    root = Path(site)
    target = Path(out) if out else root / "_site"
    date = build_date(today)
    show = not quiet and sys.stderr.isatty()
    started = time.perf_counter()
    from .build import build_site
    from .output.publish import OutputError
    from .progress import Progress
    from .scale.processes import default_jobs

    gc.disable()  # reading makes millions of lasting objects: collecting meanwhile is wasted
    # Stopped (SIGTERM, as by a CI runner or `kill`), a build removes what it had made.
    before = signal.signal(signal.SIGTERM, _stop)
    try:
        with Progress(show) as progress:
            result = build_site(root, target, date, drafts=drafts, base_url=base_url,
                                search=not no_search, jobs=jobs or default_jobs(),
                                progress=progress.update)
    except OutputError as exc:
        raise click.BadParameter(f"'{target}' {exc.message}.\n    hint: {exc.hint}",
                                 param_hint="--out") from None
    finally:
        signal.signal(signal.SIGTERM, before)
    report(result.problems, site)
    if not result.ok:
        click.echo(f"Build failed; the output in {target} was left as it was.", err=True)
        sys.exit(1)
    if not quiet:
        seconds = time.perf_counter() - started
        click.echo(f"Built {result.pages} pages ({result.files} files) into {target} "
                   f"in {seconds:.2f} s.", err=True)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@main.command()
@SITE_OPTION
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; anything but this machine is reachable by others.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a browser.")
@click.option("--today", metavar="DATE", help="The build date (YYYY-MM-DD).")
def serve(site: str, host: str, port: int, open_browser: bool, today: str | None) -> None:
    """Build the site into a temporary folder, serve it, and rebuild on every change."""
    from .preview.handler import ServeError
    from .preview.serve import Published
    from .preview.serve import serve as run_preview

    date = build_date(today)
    if host not in LOCAL_HOSTS:
        click.echo(f"warning: serving on {host}: the preview is reachable from other machines",
                   err=True)

    def built(state: Published, seconds: float) -> None:
        snapshot = state.snapshot
        if state.rebuilds == 1 or snapshot.failed:
            report(list(snapshot.problems), site)
        if snapshot.failed:
            kept = "; it keeps serving the last good build" if snapshot.files else ""
            click.echo(f"Build failed: the problems are shown in the pages{kept}.", err=True)
        elif state.rebuilds > 1:
            click.echo(f"Rebuilt in {seconds:.2f} s (version {state.version}).", err=True)

    try:
        run_preview(Path(site), host, port, date, open_browser=open_browser, on_build=built,
                    ready=lambda url: click.echo(f"Serving {site} at {url} (Ctrl-C to stop)"))
    except ServeError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo("Stopped.", err=True)


# Writing new source files: `tracker new …` and `tracker init` ---------------------------

def _shown(site: str, path: Path) -> str:
    """A written file's path as the user would type it: relative to where they are."""
    rel = path.relative_to(Path(site)).as_posix()
    return rel if site in (".", "") else f"{site.rstrip('/')}/{rel}"


def _site_root(site: str) -> Path:
    """The site folder, once it is known to hold a site.yml."""
    root = Path(site)
    if not (root / CONFIG).is_file():
        raise click.UsageError(f"there is no site.yml in '{site}': pass --site DIR, or start a "
                               "site with 'tracker init DIR'")
    return root


def _bad(exc: ValueError, param: str) -> click.BadParameter:
    """A name or reference that cannot be used, said with its hint (exit 2)."""
    return click.BadParameter(str(exc), param_hint=param)


def _exists(site: str, exc: Exception, retry: str) -> SystemExit:
    """Say the file is there already and was left as it was (exit 1)."""
    click.echo(f"Error: {_shown(site, Path(str(exc)))} already exists, and was left as it was: "
               f"edit it, or {retry}.", err=True)
    return SystemExit(1)


def _done(site: str, path: Path) -> None:
    """Print the new file's path (standard output), then what to do next."""
    click.echo(_shown(site, path))
    click.echo("Edit it, then run 'tracker check' (or watch it in 'tracker serve').", err=True)


@main.group()
def new() -> None:
    """Write a new update, record or letter from a template and print its path."""


@new.command("update")
@click.argument("title")
@SITE_OPTION
@click.option("--date", "date", metavar="DATE", help="The update's date (default: today).")
def new_update_command(title: str, site: str, date: str | None) -> None:
    """Write content/updates/DATE-TITLE-WORDS.md, an update called TITLE."""
    from .authoring.scaffold import ArgumentError, ExistsError, new_update

    root = _site_root(site)
    try:
        day = dt.date.fromisoformat(date) if date else build_date(None)
    except ValueError:
        raise click.BadParameter(f"'{date}' is not a date (YYYY-MM-DD)", param_hint="--date") \
            from None
    try:
        path = new_update(root, title, day)
    except ArgumentError as exc:
        raise _bad(exc, "TITLE") from None
    except ExistsError as exc:
        raise _exists(site, exc, "choose another title") from None
    _done(site, path)


@new.command("record")
@click.argument("record_id", metavar="ID")
@click.option("--tracks", "tracks", multiple=True, required=True, metavar="letter:SLUG#P1",
              help="A letter point the record tracks (give --tracks again for more).")
@SITE_OPTION
def new_record_command(record_id: str, tracks: tuple[str, ...], site: str) -> None:
    """Write content/actions/ID.yml, a record tracking the given points."""
    from .authoring.scaffold import ArgumentError, ExistsError, check_slug, check_targets, new_record

    root = _site_root(site)
    try:
        check_slug(record_id, "record id")
    except ArgumentError as exc:
        raise _bad(exc, "ID") from None
    try:
        check_targets(root, list(tracks))
    except ArgumentError as exc:
        raise _bad(exc, "--tracks") from None
    try:
        path = new_record(root, record_id, list(tracks))
    except ExistsError as exc:
        raise _exists(site, exc, "choose another ID") from None
    _done(site, path)


@new.command("letter")
@click.argument("slug")
@SITE_OPTION
def new_letter_command(slug: str, site: str) -> None:
    """Write content/letters/SLUG.md, an empty letter to fill in and paste the text into."""
    from .authoring.scaffold import ArgumentError, ExistsError, new_letter

    root = _site_root(site)
    try:
        path = new_letter(root, slug, build_date(None))
    except ArgumentError as exc:
        raise _bad(exc, "SLUG") from None
    except ExistsError as exc:
        raise _exists(site, exc, "choose another name") from None
    _done(site, path)


@main.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=True, dir_okay=True))
def init(folder: str) -> None:
    """Make a new site in DIR (new or empty), with sample content that builds at once."""
    from .authoring.scaffold import NotEmptyError
    from .authoring.starter import init_site, next_steps

    try:
        written = init_site(Path(folder), build_date(None))
    except NotEmptyError:
        what = "a file" if Path(folder).is_file() else "a folder that is not empty"
        click.echo(f"Error: '{folder}' is {what}; nothing was written. Give the name of a new "
                   "folder, and 'tracker init' makes it.", err=True)
        sys.exit(1)
    click.echo(f"Made a new site in {folder}, with sample content:")
    for path in written:
        click.echo(f"  {_shown(folder, path)}")
    click.echo(next_steps(folder))


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--slug", metavar="SLUG",
              help="The letter's file name (default: FILE's name, or letter-YYYY-subject).")
@SITE_OPTION
@click.option("--force", is_flag=True, help="Replace the letter if it is there already.")
@click.option("--source", metavar="URL", default="",
              help="Where the official copy is published (https://...): the letter links to it.")
@click.option("--records", is_flag=True,
              help="Also write a record for each point found, for you to give a title.")
def import_letter(file: str, slug: str | None, site: str, force: bool, source: str,
                  records: bool) -> None:
    """Turn a letter as published (FILE: a PDF, or its text; - for standard input) into
    content/letters/SLUG.md, keeping every word, and print what it found for you to confirm."""
    from .authoring.intake import Refused, shown_path, take_in
    from .content.folder import is_slug

    if slug is not None and not is_slug(slug):
        raise click.BadParameter(f"'{slug}' is not a valid name: use lower-case letters, digits "
                                 "and hyphens, like dacorum-2009", param_hint="--slug")
    if source and not source.startswith(("https://", "http://")):
        raise click.BadParameter(f"'{source}' is not a web address: give the address of the "
                                 "official copy, starting https://", param_hint="--source")
    root = Path(site)
    if not (root / CONFIG).is_file():
        click.echo(f"warning: no site.yml in {site}: using the default point phrases", err=True)
    try:
        taken = take_in(root, file, slug=slug, source=source, force=force, records=records,
                        shown=site)
    except Refused as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    letter = taken.letter
    click.echo(f"{'Replaced' if taken.replaced else 'Wrote'} {shown_path(root, taken.path, site)}")
    for heading, lines in (("Guessed (check each against the letter):", letter.guesses),
                           ("Not found:", letter.missing), ("Notes:", letter.notes)):
        if lines:
            click.echo(heading)
            for line in lines:
                click.echo(f"  {line}")
    for path, written in taken.records:
        shown = shown_path(root, path, site)
        click.echo(f"Wrote {shown}" if written else f"Left {shown} as it was: it exists")
    if taken.no_records:
        click.echo(f"warning: {taken.no_records}", err=True)
