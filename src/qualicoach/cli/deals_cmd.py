"""``qualicoach deals``: the pipeline from the shell, fast enough for a prompt hook."""

import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from qualicoach.cli import completion
from qualicoach.cli.context import assessment_cache, open_workspace
from qualicoach.cli.values import choice, one_of, whole_number
from qualicoach.domain.vocabulary import STAGES

if TYPE_CHECKING:
    from qualicoach.coaching.pipeline import Row

# Library modules are imported inside the command: `--help` pays only for Typer.

PAGE = 20


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    ids = "ids"


class SortBy(str, Enum):
    risk = "risk"
    close = "close"
    amount = "amount"
    updated = "updated"
    fit = "fit"
    readiness = "readiness"
    attention = "attention"


def deals(
    ctx: typer.Context,
    at_risk: Annotated[bool, typer.Option("--at-risk", help="Only deals at risk of no "
                                          "decision.")] = False,
    stage: Annotated[list[str] | None, typer.Option(
        metavar="STAGE", autocompletion=completion.stages, parser=one_of(STAGES, "stage"),
        help=f"Only this stage (repeatable): {', '.join(STAGES)}.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only this owner.")] = None,
    account: Annotated[str | None, typer.Option(metavar="TEXT",
                                                help="Only accounts containing TEXT.")] = None,
    tag: Annotated[list[str] | None, typer.Option(metavar="TAG", autocompletion=completion.tags,
                                                  help="Only deals with this tag "
                                                  "(repeatable: all of them).")] = None,
    closing_within: Annotated[int | None, typer.Option(
        metavar="DAYS", help="Only deals closing within DAYS, 0 or more (overdue ones "
        "included).", parser=whole_number(0))] = None,
    stale: Annotated[int | None, typer.Option(
        metavar="DAYS", help="Only deals not interviewed for DAYS, 0 or more (or never).",
        parser=whole_number(0))] = None,
    sort: Annotated[SortBy | None, typer.Option(
        parser=choice(SortBy),
        help="risk (highest first), close (soonest), amount (largest), updated (latest), "
        "fit (highest), readiness (lowest), attention (what to discuss first: risk x amount "
        "x nearness of the close; the default with --at-risk, else risk).")] = None,
    limit: Annotated[int | None, typer.Option(metavar="N", help="Show at most N deals (1 or "
                                              "more).", parser=whole_number(1))] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Show every deal (the table "
                                           f"shows {PAGE} by default).")] = False,
    format: Annotated[ListFormat, typer.Option("--format", "-f", parser=choice(ListFormat),
                                               help="table, json, csv or "
                                               "ids (one id per line).")] = ListFormat.table,
    archived: Annotated[bool, typer.Option("--archived", help="Include archived deals.")] =
    False,
    closed: Annotated[bool, typer.Option(
        "--closed", help="Only closed deals (won, lost, no decision); the list shows open "
        "deals unless --stage names a closed stage.")] = False,
    all_states: Annotated[bool, typer.Option(
        "--all-states", help="Open and closed deals.")] = False,
    fail_if_any: Annotated[bool, typer.Option(
        "--fail-if-any", help="Exit 1 when the list is not empty (for scripts).")] = False,
) -> None:
    """List deals with fit, readiness, no-decision risk and the main reason.

    The table shows the first page; json, csv and ids print every matching deal unless
    --limit is given.
    """
    from qualicoach.coaching.pipeline import SORT_KEYS, Filters, pipeline, select, sort_rows
    from qualicoach.domain.vocabulary import CLOSED_STAGES
    from qualicoach.errors import ExitCode, UsageError
    from qualicoach.render.console import stderr_line

    if limit is not None and show_all:
        raise UsageError("give --limit or --all, not both")
    if closed and all_states:
        raise UsageError("give --closed or --all-states, not both")
    stages = tuple(stage or ())  # each checked by its option's parser
    # A won deal is history, not pipeline: listed only when asked for, by a flag or by
    # naming its stage.
    state: Literal["open", "closed", "any"] = (
        "closed" if closed else
        "any" if all_states or any(s in CLOSED_STAGES for s in stages) else "open")
    store, settings, catalog = open_workspace(ctx, read=True)
    now = store.clock()
    filters = Filters(
        at_risk=at_risk, stages=stages, owner=owner, account=account, tags=tuple(tag or ()),
        closing_within=closing_within, stale=stale, state=state)
    chosen = select(pipeline(store, catalog, settings, now, include_archived=archived,
                             at_risk_only=at_risk, cache=assessment_cache(ctx, store)),
                    filters, now.date())
    missing = {m for row in chosen for m in row.missing_frameworks}
    if missing:
        from qualicoach.render.report.sections import missing_frameworks_warning

        stderr_line(missing_frameworks_warning(missing))
    by = sort or (SortBy.attention if at_risk else SortBy.risk)
    if by is SortBy.attention:
        from qualicoach.coaching.attention import ORDER_WORDS, rows_in_discussion_order

        rows = rows_in_discussion_order(chosen, now.date(), settings)
        if format is ListFormat.table and rows:
            sys.stdout.write(ORDER_WORDS + "\n")
    else:
        rows = sort_rows(chosen, next(k for k in SORT_KEYS if k == by.value))
    shown = rows
    if limit is not None:
        shown = rows[:limit]
    elif format is ListFormat.table and not show_all:
        shown = rows[:PAGE]
    _print(shown, format)
    if len(shown) < len(rows):
        more = len(rows) - len(shown)
        stderr_line(f"... and {more:,} more deal{'s' if more != 1 else ''} (--all shows "
                    "every one)")
    if fail_if_any and rows:
        raise typer.Exit(int(ExitCode.ERROR))


def _print(rows: "list[Row]", format: ListFormat) -> None:
    # The renderers are imported where used: the table's bring Rich, which JSON output
    # (a prompt hook, a script) need not pay for.
    out = sys.stdout
    if format is ListFormat.json:
        from qualicoach.coaching.pipeline import row_data
        from qualicoach.render.console import write_json_list

        # Bytes straight to the binary stream: at 100,000 deals, decoding the JSON and
        # appending a newline copied several hundred megabytes twice.
        out.flush()
        write_json_list((row_data(r) for r in rows), out.buffer)
    elif format is ListFormat.csv:
        from qualicoach.render.pipeline import write_csv

        write_csv(rows, out)
    elif format is ListFormat.ids:
        out.write("".join(f"{r.id}\n" for r in rows))
    elif not rows:
        out.write("No deals match.\n")
    else:
        import os
        import shutil

        from qualicoach.render.pipeline import table_text

        terminal = out.isatty()
        width = shutil.get_terminal_size().columns if terminal else None
        color = terminal and "NO_COLOR" not in os.environ
        out.write(table_text(rows, width=width, color=color))
