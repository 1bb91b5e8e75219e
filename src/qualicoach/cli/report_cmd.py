"""``qualicoach report``, ``history`` and ``demo``: what the answers mean."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from qualicoach.cli import completion
from qualicoach.cli.context import (
    TextOrJson,
    assessment_cache,
    explicit_database,
    load_rules,
    locations,
    open_store,
    open_workspace,
    run_options,
)
from qualicoach.cli.values import choice, whole_number

# Library modules are imported inside the commands: `--help` pays only for Typer.


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    html = "html"
    svg = "svg"


class Audience(str, Enum):
    rep = "rep"
    customer = "customer"


def report(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id or name start.",
                                        autocompletion=completion.deal_ids)],
    format: Annotated[ReportFormat | None, typer.Option(
        "--format", "-f", parser=choice(ReportFormat),
        help="text (default), markdown, json, html or svg; the customer "
        "summary is text (for an e-mail's body), markdown or html.")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE instead of standard output, "
        "in the format its extension names (.html, .md, .json, .svg, .txt) unless --format "
        "says otherwise.", dir_okay=False)] = None,
    audience: Annotated[Audience, typer.Option(
        "--for", parser=choice(Audience),
        help="rep: the coaching report; customer: what we understood, to send "
        "them (no scores, verdicts or private notes).")] = Audience.rep,
    full: Annotated[bool, typer.Option(
        "--full", help="After the one-screen brief, the rest: every point of risk with why "
        "it matters, what is still to learn, scorecards, evidence and changes. Files "
        "(-o) and the markdown, json, html and svg formats are always full.")] = False,
) -> None:
    """The coaching report: fit, readiness, no-decision risk and why, what to ask next."""
    # Each renderer is imported in its own branch: a report pays only for its format.
    from qualicoach.coaching.report import build_report
    from qualicoach.errors import UsageError

    named = _format_of(output)  # an extension it cannot write is refused even with --format
    chosen = format or named
    if audience is Audience.customer and chosen in (ReportFormat.json, ReportFormat.svg):
        how = ("--format text, markdown or html" if format
               else "a .txt, .md or .html file name")
        raise UsageError(f"the customer summary is text, Markdown or HTML, not "
                         f"{chosen.value}: use {how}")
    store, settings, catalog = open_workspace(ctx, read=True)
    the_report = build_report(store, catalog, deal, settings)
    if audience is Audience.customer:
        from qualicoach.render.report import customer

        render, what = {
            ReportFormat.markdown: (customer.customer_markdown, "Markdown"),
            ReportFormat.html: (customer.customer_html, "HTML"),
        }.get(chosen, (customer.customer_text, "plain text"))
        _emit(render(the_report, settings.weak_below), output, f"customer summary ({what})")
    elif chosen is ReportFormat.json:
        from qualicoach.render.console import json_text
        from qualicoach.render.report.data import report_data

        _emit(json_text(report_data(the_report)), output, "report as JSON")
    elif chosen is ReportFormat.markdown:
        from qualicoach.render.report.markdown import report_markdown

        _emit(report_markdown(the_report, settings.high_score), output, "report as Markdown")
    elif chosen in (ReportFormat.html, ReportFormat.svg):
        from qualicoach.render.report.export import report_export

        _emit(report_export(the_report, "html" if chosen is ReportFormat.html else "svg",
                            settings.high_score), output,
              f"report as {chosen.value.upper()}")
    elif output is not None:
        import io

        from qualicoach.render.console import make_console
        from qualicoach.render.report.text import report_renderable

        buffer = io.StringIO()
        make_console(file=buffer, width=100).print(
            report_renderable(the_report, settings.high_score))
        _emit(buffer.getvalue(), output, "report as plain text")
    else:
        from qualicoach.render.console import make_console
        from qualicoach.render.report.text import report_renderable

        make_console().print(report_renderable(the_report, settings.high_score, full=full,
                                               more_hint="" if full else more_hint(
                                                   the_report.deal.id)), crop=False)


def more_hint(deal_id: str) -> str:
    """The line under a brief that says how to see the rest of the report."""
    from qualicoach.errors import command_hint

    return ("The rest (every point of risk, evidence, scorecards): "
            + command_hint("report", deal_id, "--full"))


_FORMAT_OF_SUFFIX = {
    ".html": ReportFormat.html, ".htm": ReportFormat.html, ".md": ReportFormat.markdown,
    ".markdown": ReportFormat.markdown, ".json": ReportFormat.json, ".svg": ReportFormat.svg,
}


_TEXT_SUFFIXES = ("", ".txt", ".text")


def _format_of(output: Path | None) -> ReportFormat:
    """The format an output file's extension names: plain text for .txt or none. Any other
    extension is refused: plain text in a file named .pdf or .docx opens as a broken file."""
    from qualicoach.errors import UsageError

    if output is None:
        return ReportFormat.text
    suffix = output.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        return ReportFormat.text
    if suffix not in _FORMAT_OF_SUFFIX:
        hint = ("write .html and print it to PDF from the browser (it is laid out for A4 and "
                "Letter)" if suffix == ".pdf" else "write .html (a page to print or send), "
                ".md, .json, .svg or .txt")
        raise UsageError(f"cannot write a {suffix} file: {hint}")
    return _FORMAT_OF_SUFFIX[suffix]


def _emit(text: str, output: Path | None, what: str) -> None:
    """Print ``text``, or write it to ``output`` and say on stderr what was written where."""
    from qualicoach.cli.output import write_output
    from qualicoach.render.console import stderr_line

    if output is None:
        sys.stdout.write(text)
        return
    write_output(output, text)
    stderr_line(f"wrote the {what} to {output}")


def history(
    ctx: typer.Context,
    deal: Annotated[str, typer.Argument(help="Deal id or name start.",
                                        autocompletion=completion.deal_ids)],
    format: Annotated[TextOrJson, typer.Option(
        "--format", "-f", parser=choice(TextOrJson),
        help="text, or json for scripts.")] = TextOrJson.text,
) -> None:
    """A deal over time: fit, readiness and risk after each interview and each reply of
    their people, and how its fields moved."""
    from qualicoach.coaching.report import report_from
    from qualicoach.render.console import make_console, print_json
    from qualicoach.render.history import history_data, history_renderable

    store, settings, catalog = open_workspace(ctx, read=True)
    the_deal = store.deal(deal)
    # Oldest first, whatever order they were stored in (imports can add older ones). A
    # session stopped before its first answer changed nothing: it is not listed.
    interviews = sorted((i for i in store.interviews(the_deal.id) if i.answers),
                        key=lambda i: i.started)
    points = [report_from(the_deal, interviews[: n + 1], catalog, settings,
                          interviews[n].ended or interviews[n].started)
              for n in range(len(interviews))]
    if format is TextOrJson.json:
        print_json(history_data(the_deal, points))
    else:
        console = make_console()
        console.print(history_renderable(the_deal, points, console.width))


def lookback(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="PATH", help="Reps' databases, JSON exports or folders of them, for "
        "the team's look back (read, never written); default: your own database.")] = None,
    owner: Annotated[str | None, typer.Option(metavar="NAME",
                                              help="Only this owner's deals.")] = None,
    framework: Annotated[str | None, typer.Option(
        metavar="ID", help="Only deals interviewed with this framework.")] = None,
    team_config_file: Annotated[Path | None, typer.Option(
        "--team-config", metavar="FILE", help="The team config (its no_decision_reasons "
        "count such losses as no decision); default: team_config in config.yaml.",
        dir_okay=False)] = None,
    format: Annotated[TextOrJson, typer.Option(
        "--format", "-f", parser=choice(TextOrJson),
        help="text, or json for scripts.")] = TextOrJson.text,
) -> None:
    """Look back over closed deals: the coach's last risk before each close, by risk band,
    against won, lost and no decision; and the questions most often weak before a no
    decision. Works from the first closed deal; never changes a weight.

    Given PATHs, it looks back over every rep's deals in them (exit status 5 when a file
    was skipped, listed with why)."""
    from qualicoach.cli.team_cmd import reading_files, run_clock, team_config
    from qualicoach.coaching.lookback import look_back
    from qualicoach.coaching.team import closed_deals, collect, own_database
    from qualicoach.errors import ExitCode
    from qualicoach.render.console import make_console, print_json, stderr_line
    from qualicoach.render.lookback import lookback_data, lookback_renderable
    from qualicoach.render.report.sections import missing_frameworks_warning

    team = team_config(ctx, team_config_file)
    if paths:
        settings, catalog = load_rules(ctx)
        with reading_files() as progress:
            collected = collect(paths, catalog, settings, team, run_clock(ctx)(),
                                include_archived=True, cache_dir=locations(ctx).cache_dir,
                                progress=progress)
    else:
        store, settings, catalog = open_workspace(ctx, read=True)
        collected = own_database(store, team)
    deals, interviews = closed_deals(collected, team, owner, framework)
    result = look_back(deals, interviews, catalog, settings)
    if result.missing_frameworks:
        stderr_line(missing_frameworks_warning(result.missing_frameworks))
    if format is TextOrJson.json:
        data = lookback_data(result)
        if paths:
            data["skipped"] = [{"file": s.path, "why": s.why} for s in collected.skipped]
        print_json(data)
    else:
        make_console().print(lookback_renderable(result))
    if collected.skipped:
        count = len(collected.skipped)
        stderr_line(f"qualicoach: {count} file{'s' if count != 1 else ''} skipped, not "
                    "looked back on: " + "; ".join(f"{s.path} ({s.why})"
                                                   for s in collected.skipped))
        raise typer.Exit(int(ExitCode.DAMAGED_DATABASE))


def demo(
    ctx: typer.Context,
    deals: Annotated[int, typer.Option(
        "--deals", metavar="N", help="How many sample deals, 1 to 1,000,000.",
        parser=whole_number(1, 1_000_000))] = 40,
    seed: Annotated[int, typer.Option(metavar="N", parser=whole_number(),
                                      help="Same seed, same sample deals.")] = 7,
) -> None:
    """Fill a sample database with realistic deals and show the at-risk list and a report.

    The sample goes to demo.json beside your database, or to the file named with --db
    (never one that holds real deals).
    """
    from qualicoach.errors import hint_options

    locs = locations(ctx)
    path = explicit_database(ctx) or locs.database.with_name("demo.json")
    # The demo's database is its own: every hint it prints must name it, or a copied hint
    # would read the rep's real deals.
    with hint_options(run_options(ctx).hint_options(db=path)):
        _demo(ctx, path, deals, seed)


def _demo(ctx: typer.Context, path: Path, deals: int, seed: int) -> None:
    """The demo itself, in ``path``, with the hints naming it."""
    from qualicoach.coaching.pipeline import pipeline, sort_rows
    from qualicoach.coaching.report import report_from
    from qualicoach.coaching.sample import sample_deals
    from qualicoach.errors import InvalidValueError, command_hint
    from qualicoach.render.console import make_console
    from qualicoach.render.pipeline import table_text
    from qualicoach.render.report.text import report_renderable

    store = open_store(ctx, path)
    if store.counts()[0] and not store.is_sample():
        raise InvalidValueError(f"{path} holds real deals; the demo fills only a new or a sample "
                                "database (give another --db)")
    for leftover in (path, store.backup_path):
        leftover.unlink(missing_ok=True)
    store = open_store(ctx, path)
    settings, catalog = load_rules(ctx)
    frameworks = [catalog.get(f) for f in ("bant", "meddic", "alignment")
                  if f in catalog.entries]
    now = store.clock()
    console = make_console(stderr=True)
    with console.status(f"Creating {deals:,} sample deals..."):
        # One deal at a time: 10,000 generated deals held at once took a gigabyte.
        store.insert_deals(((g.deal, g.interviews)
                            for g in sample_deals(deals, frameworks, now, seed)), sample=True)
    with console.status("Scoring them..."):
        rows = pipeline(store, catalog, settings, now, cache=assessment_cache(ctx, store))
    at_risk = sort_rows([r for r in rows if r.at_risk], "risk")
    out = make_console()
    from qualicoach.coaching.pipeline import figures

    found = figures(rows)
    out.print(f"Sample database: {path} ({deals:,} deals: {found.open:,} open, of which "
              f"{found.at_risk:,} at risk of no decision ({found.at_risk_share:.0%}); "
              f"{deals - found.open:,} closed)\n", highlight=False, markup=False)
    out.print("Deals most at risk of no decision", style="bold")
    # Five rows and the brief: the whole demo stays about one screen high.
    out.out(table_text(at_risk[:5], width=out.width if out.is_terminal else None,
                       color=out.is_terminal and not out.no_color), end="")
    example = next((r for r in at_risk if r.quadrant == "high_fit_low_readiness"), None)
    if example is not None:
        out.rule(f"Report: {example.id}")
        deal = store.deal(example.id)
        out.print(report_renderable(report_from(deal, store.interviews(deal.id), catalog,
                                                settings, now), settings.high_score,
                                    full=False, more_hint=more_hint(deal.id)), crop=False)
    out.print("\nTry:\n" + "\n".join(
        f"  {command_hint(*words, rest=rest)}" for words, rest in (
            (("report",), "DEAL --full"), (("deals", "--at-risk"), ""), (("lookback",), ""))),
              highlight=False, markup=False, soft_wrap=True)
