"""``qualicoach frameworks``: list, show, validate and start framework files."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from qualicoach.cli import completion
from qualicoach.cli.command import CliTyper
from qualicoach.cli.context import TableOrJson, TextOrJson, load_frameworks
from qualicoach.cli.values import choice

# Library modules are imported inside the commands: `--help` pays only for Typer.

app = CliTyper(help="List, show, validate and create qualification frameworks.",
               no_args_is_help=True)


@app.command("list")
def list_frameworks(
    ctx: typer.Context,
    format: Annotated[TableOrJson, typer.Option("--format", "-f", parser=choice(TableOrJson),
                                                help="table, or json for scripts.")] =
    TableOrJson.table,
) -> None:
    """List the frameworks: id, name, version, perspective, questions and source."""
    from qualicoach.render.console import make_console, print_json
    from qualicoach.render.frameworks import catalog_table, entry_summary, warn_catalog_problems

    catalog = load_frameworks(ctx)
    if format is TableOrJson.json:
        print_json([entry_summary(e) for e in catalog.entries.values()])
    else:
        make_console().print(catalog_table(catalog))
    warn_catalog_problems(catalog)


@app.command("show")
def show(
    ctx: typer.Context,
    framework_id: Annotated[str, typer.Argument(
        metavar="ID", help="Framework id.", autocompletion=completion.framework_ids)],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", parser=choice(TextOrJson),
                                               help="text, or json for scripts.")] =
    TextOrJson.text,
) -> None:
    """Show a framework's elements and questions, with why and how to ask each."""
    from qualicoach.render.console import make_console, print_json
    from qualicoach.render.frameworks import framework_data, framework_detail

    framework = load_frameworks(ctx).get(framework_id)
    if format is TextOrJson.json:
        print_json(framework_data(framework))
    else:
        make_console().print(framework_detail(framework))


@app.command("validate")
def validate(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        metavar="PATH", help="Framework files, or folders of them (as qualicoach loads "
        "them: the files directly inside).")],
) -> None:
    """Check framework files; print one 'file:line:col: message' line per problem.

    Exits 0 only when every file is valid (usable as a pre-commit hook).
    """
    from qualicoach.errors import ExitCode
    from qualicoach.frameworks.catalog import validate_paths
    from qualicoach.render.console import stderr_line

    result = validate_paths(paths, load_frameworks(ctx))
    for problem in result.problems:
        stderr_line(str(problem))
    if not result.ok:
        raise typer.Exit(int(ExitCode.INVALID_DATA))
    count = len(result.files)
    typer.echo(f"{count} framework file{'s' if count != 1 else ''} valid")


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of framework files (for editors and CI)."""
    import json

    from qualicoach.frameworks.schema import SCHEMA

    sys.stdout.write(json.dumps(SCHEMA, indent=2) + "\n")


@app.command("new")
def new(
    framework_id: Annotated[str, typer.Argument(metavar="ID", help="Id of the new framework.")],
    perspective: Annotated[str, typer.Option(help="fit or readiness.")] = "fit",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write to FILE (never overwrites) instead of standard output.",
        dir_okay=False)] = None,
) -> None:
    """Write a commented starter framework to edit."""
    from qualicoach.errors import InvalidValueError, command_hint
    from qualicoach.frameworks.starter import starter_framework

    text = starter_framework(framework_id, perspective, output.name if output else "")
    if output is None:
        sys.stdout.write(text)
        return
    try:
        with output.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise InvalidValueError(f"{output} already exists; choose another file name") from None
    except OSError as exc:
        raise InvalidValueError(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(f"wrote {output}; check it with: "
               f"{command_hint('frameworks', 'validate', str(output))}")
