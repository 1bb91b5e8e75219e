"""``qualicoach import`` and ``export``: deals in from a CRM, qualification back out."""

import contextlib
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from qualicoach.cli.context import (
    assessment_cache,
    load_run_settings,
    open_store,
    open_workspace,
)
from qualicoach.cli.values import choice

# Library modules are imported inside the commands: `--help` pays only for Typer.


class CrmLayout(str, Enum):
    """Which CRM's export layout --from names (auto: recognised by the header)."""

    auto = "auto"
    salesforce = "salesforce"
    hubspot = "hubspot"
    csv = "csv"


class ExportFormat(str, Enum):
    json = "json"
    csv = "csv"


def import_deals(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV export.", exists=True, dir_okay=False)],
    source: Annotated[CrmLayout, typer.Option(
        "--from", parser=choice(CrmLayout),
        help="auto (Salesforce and HubSpot exports, recognised by their headers), "
        "salesforce, hubspot, or csv (needs --map).")] = CrmLayout.auto,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", metavar="COLUMN=FIELD", help="Read a column as a field (repeatable); "
        "fields: crm_id, name, account, owner, stage, amount, currency, close_date, "
        "next_step, tags.")] = None,
    stage_mapping: Annotated[list[str] | None, typer.Option(
        "--map-stage", metavar="NAME=STAGE", help="Read a CRM stage name as a stage "
        "(repeatable), e.g. \"Legal Review=negotiation\"; Salesforce's and HubSpot's "
        "standard stages are known.")] = None,
    day_first: Annotated[bool, typer.Option(
        "--day-first",
        help="Read 01/02/2026 as 1 February (default: month first, as US exports).")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what would change; change nothing.")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Import nothing if any row is bad.")] = False,
) -> None:
    """Import deals from a CRM export; importing again updates them instead of duplicating."""
    from qualicoach.crm.parse import parse_file, parse_mapping
    from qualicoach.crm.plan import changed_fields, import_rows, plan_import
    from qualicoach.domain.stages import parse_stage_mapping
    from qualicoach.errors import ExitCode
    from qualicoach.render.console import stderr_line
    from qualicoach.render.deals import import_plan_lines

    extra = parse_mapping(mapping or ())
    stages = parse_stage_mapping(stage_mapping or ())
    settings = load_run_settings(ctx)
    with _progress() as advance:
        parsed = parse_file(file, source.value, extra, day_first, progress=advance,
                            stages=stages, outcomes=(settings.no_decision_reasons,
                                                     settings.lost_reasons))
    for line in parsed.problems + parsed.warnings:
        stderr_line(line)
    if strict and parsed.problems:
        stderr_line(f"nothing imported: {parsed.bad_rows} bad row(s) and --strict")
        raise typer.Exit(int(ExitCode.INVALID_DATA))
    defaults = {"currency": settings.default_currency} if settings.default_currency else {}
    store = open_store(ctx)
    rows = [d.fields for d in parsed.deals]
    if dry_run:
        plan = plan_import(store, rows, defaults)
        before = {d.id: d for d in store.deals(include_archived=True)}
        for line in import_plan_lines(plan.created, [(d, changed_fields(before[d.id], d))
                                                     for d in plan.updated]):
            typer.echo(line)
    else:
        plan = import_rows(store, rows, defaults)
    verb = "would import" if dry_run else "imported"
    summary = (f"{verb} {len(parsed.deals)} deal{'s' if len(parsed.deals) != 1 else ''} "
               f"({parsed.layout}): {len(plan.created)} new, {len(plan.updated)} updated, "
               f"{plan.unchanged} unchanged")
    skipped = [f"{parsed.bad_rows} bad row(s) skipped"] if parsed.bad_rows else []
    if parsed.duplicates:
        skipped.append(f"{parsed.duplicates} duplicate row(s)")
    if parsed.empty:
        skipped.append(f"{parsed.empty} empty row(s)")
    if not dry_run and not (plan.created or plan.updated):
        skipped.append("no change: the database was not written")
    typer.echo(summary + (f"; {', '.join(skipped)}" if skipped else ""))
    if parsed.problems:
        raise typer.Exit(int(ExitCode.INVALID_DATA))


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for large files in a terminal; nothing otherwise."""
    bar: Any = None
    task: Any = None

    def advance(step: int, total: int) -> None:
        nonlocal bar, task
        if bar is None and total > 2000 and sys.stderr.isatty():
            from rich.progress import Progress

            bar = Progress(transient=True)
            bar.start()
            task = bar.add_task("Reading rows", total=total)
        if bar is not None:
            bar.advance(task, step)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()


def export_deals(
    ctx: typer.Context,
    format: Annotated[ExportFormat, typer.Option(
        "--format", "-f", parser=choice(ExportFormat),
        help="json, or csv for a spreadsheet or a CRM import.")] = (
        ExportFormat.json),
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE instead of standard output.",
        dir_okay=False)] = None,
    archived: Annotated[bool, typer.Option("--archived", help="Include archived deals.")] =
    False,
    excel: Annotated[bool, typer.Option(
        "--excel", help="Start the CSV with a byte-order mark, so Excel reads accented names "
        "right (other programs may show it).")] = False,
) -> None:
    """Export deals with their latest scores and answers (for your CRM)."""
    import io

    from qualicoach.cli.output import write_output
    from qualicoach.coaching.export import export_records
    from qualicoach.errors import UsageError
    from qualicoach.render.console import stderr_line
    from qualicoach.render.export import records_csv, records_json
    from qualicoach.render.report.sections import missing_frameworks_warning

    if excel and format is not ExportFormat.csv:
        raise UsageError("--excel is for --format csv")
    store, settings, catalog = open_workspace(ctx, read=True)
    records, missing = export_records(store, catalog, settings, store.clock(), archived,
                                      cache=assessment_cache(ctx, store))
    if missing:
        stderr_line(missing_frameworks_warning(missing))
    buffer = io.StringIO()
    if excel:
        # Excel opens a CSV without a byte-order mark in the machine's legacy code page.
        buffer.write("\ufeff")
    if format is ExportFormat.json:
        buffer.write(records_json(records))
    else:
        records_csv(records, buffer)
    if output is None:
        sys.stdout.write(buffer.getvalue())
        return
    write_output(output, buffer.getvalue(), newline="")
    stderr_line(f"exported {len(records)} deals to {output}")
