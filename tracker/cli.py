"""The `tracker` command: parse options, call one function, print problems, exit 0, 1 or 2."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .build import build_site, check_site
from .errors import Problem, has_errors, sort_problems
from .progress import Progress

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
    """Every problem, sorted: on standard error as text, or on standard output as JSON."""
    ordered = sort_problems(problems)
    prefix = "" if site in (".", "") else site.rstrip("/") + "/"
    if fmt == "json":
        # The same paths as the text report, so that both open the file from here.
        found = [{**p.as_dict(), "path": prefix + p.path} for p in ordered]
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for problem in ordered:
        click.echo(problem.format(prefix), err=True)
    errors = sum(p.severity == "error" for p in ordered)
    warnings = len(ordered) - errors
    if ordered:
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
def main() -> None:
    """Publish what inspectors asked for, what was done, and the evidence."""


@main.command()
@SITE_OPTION
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to print the problems.")
@click.option("--today", metavar="DATE", help="The build date (YYYY-MM-DD).")
def check(site: str, strict: bool, fmt: str, today: str | None) -> None:
    """Check the site's files and report every problem at once."""
    problems = check_site(Path(site), build_date(today))
    if strict:
        problems = [p.as_error() for p in problems]
    report(problems, site, fmt)
    if fmt == "text" and not problems:
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
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
def build(site: str, out: str | None, drafts: bool, today: str | None, base_url: str | None,
          quiet: bool) -> None:
    """Check the site, then write it (the old output is replaced only on success)."""
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise click.BadParameter("must start with https:// or http://", param_hint="--base-url")
    root = Path(site)
    target = Path(out) if out else root / "_site"
    date = build_date(today)
    show = not quiet and sys.stderr.isatty()
    started = time.perf_counter()
    with Progress(show) as progress:
        result = build_site(root, target, date, drafts=drafts, base_url=base_url,
                            progress=progress.update)
    report(result.problems, site)
    if not result.ok:
        click.echo(f"Build failed; the output in {target} was left as it was.", err=True)
        sys.exit(1)
    if not quiet:
        seconds = time.perf_counter() - started
        click.echo(f"Built {result.pages} pages ({result.files} files) into {target} "
                   f"in {seconds:.2f} s.", err=True)


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
    from .serve import Published, ServeError
    from .serve import serve as run_preview

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
