"""``qualicoach team review``: every rep's deals in one review, for the forecast call."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qualicoach.cli.command import CliTyper
from qualicoach.cli.context import load_rules, locations, run_options
from qualicoach.cli.values import choice, whole_number

if TYPE_CHECKING:
    from qualicoach.coaching.team_config import TeamConfig
    from qualicoach.domain.clock import Clock

# Library modules are imported inside the command: `--help` pays only for Typer.

app = CliTyper(help="Review the whole team's deals: copies of reps' databases or their JSON "
               "exports.", no_args_is_help=True)


class ReviewFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    html = "html"


PATHS_HELP = ("A rep's database, a JSON export (qualicoach export --format json) or a folder "
              "holding them (repeatable); read, never written.")
TEAM_CONFIG_HELP = ("The team config (owners, quotas, currencies, stage names); default: "
                    "team_config in config.yaml.")


def run_clock(ctx: typer.Context) -> Clock:
    """The run's clock (tests set one); the real time otherwise."""
    from qualicoach.domain.clock import utc_now

    return run_options(ctx).clock or utc_now


@contextlib.contextmanager
def reading_files() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr while many files are read, in a terminal; nothing
    otherwise (a first review of 50 reps scores every deal: seconds)."""
    bar: Any = None
    task: Any = None

    def advance(done: int, total: int) -> None:
        nonlocal bar, task
        if bar is None and total >= 5 and sys.stderr.isatty():
            from rich.progress import Progress

            from qualicoach.render.console import make_console

            bar = Progress(console=make_console(stderr=True), transient=True)
            bar.start()
            task = bar.add_task("Reading the reps' files", total=total)
        if bar is not None:
            bar.update(task, completed=done - 1)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def team_config(ctx: typer.Context, given: Path | None) -> TeamConfig:
    """The team config named with --team-config, else the one config.yaml names, else
    none (no quotas, rates or stage names)."""
    from qualicoach.coaching.team_config import TeamConfig, load_team_config
    from qualicoach.config.settings import team_config_path

    path = given if given is not None else team_config_path(locations(ctx).config_file)
    return TeamConfig() if path is None else load_team_config(path)


@app.command("review")
def review(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="PATH", help=PATHS_HELP)],
    owner: Annotated[str | None, typer.Option(metavar="NAME", help="Only this owner.")] = None,
    closing_within: Annotated[int | None, typer.Option(
        metavar="DAYS", help="Only deals closing within DAYS, 0 or more (overdue ones "
        "included).", parser=whole_number(0))] = None,
    limit: Annotated[int, typer.Option(metavar="N", help="How many deals to discuss first "
                                       "(1 or more).", parser=whole_number(1))] = 10,
    period: Annotated[str | None, typer.Option(
        metavar="PERIOD", help="The quota period coverage is measured on: 2026, 2026-Q4 or "
        "2026-11 (default: this quarter).")] = None,
    format: Annotated[ReviewFormat | None, typer.Option(
        "--format", "-f", parser=choice(ReviewFormat),
        help="table (default), json, csv (one row per owner) or html "
        "(a standalone page).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE, in the format its extension "
        "names (.html, .json, .csv, .txt) unless --format says otherwise.",
        dir_okay=False)] = None,
    team_config_file: Annotated[Path | None, typer.Option(
        "--team-config", metavar="FILE", help=TEAM_CONFIG_HELP, dir_okay=False)] = None,
) -> None:
    """Per owner: open deals and amount, amount at risk of no decision, stalled, poor fit,
    never interviewed, stale and quota coverage; then the deals to discuss first, each
    with the question to put to its owner.

    Exit status 0 when every file was read; 5 when the review was made but a file was
    skipped (listed with why).
    """
    from qualicoach.coaching.team import collect
    from qualicoach.coaching.team import review as make_review
    from qualicoach.coaching.team_config import check_period, quarter_of
    from qualicoach.errors import ExitCode
    from qualicoach.render.console import stderr_line
    from qualicoach.render.team import review_csv, review_data, review_html, review_text

    chosen = format or _format_of(output) or ReviewFormat.table
    team = team_config(ctx, team_config_file)
    settings, catalog = load_rules(ctx)
    now = run_clock(ctx)()
    quota_period = check_period(period) if period else quarter_of(now.date())
    with reading_files() as progress:
        collected = collect(paths, catalog, settings, team, now,
                            cache_dir=locations(ctx).cache_dir, progress=progress)
    result = make_review(collected, team, settings, catalog, now, quota_period, owner,
                         closing_within, limit)
    if chosen is ReviewFormat.json:
        from qualicoach.render.console import json_text

        text = json_text(review_data(result))
    elif chosen is ReviewFormat.csv:
        import io

        buffer = io.StringIO()
        review_csv(result, buffer)
        text = buffer.getvalue()
    elif chosen is ReviewFormat.html:
        text = review_html(result)
    else:
        import shutil

        width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
        text = review_text(result, width)
    if output is None:
        sys.stdout.write(text)
    else:
        from qualicoach.cli.output import write_output

        write_output(output, text, newline="")
        stderr_line(f"wrote the team review to {output}")
    if collected.skipped:
        count = len(collected.skipped)
        stderr_line(f"qualicoach: {count} file{'s' if count != 1 else ''} skipped, not "
                    "reviewed: " + "; ".join(f"{s.path} ({s.why})" for s in collected.skipped))
        raise typer.Exit(int(ExitCode.DAMAGED_DATABASE))


def _format_of(output: Path | None) -> ReviewFormat | None:
    if output is None:
        return None
    return {".html": ReviewFormat.html, ".htm": ReviewFormat.html, ".json": ReviewFormat.json,
            ".csv": ReviewFormat.csv}.get(output.suffix.lower())
