"""The root command, and the one place errors become messages and exit codes.

Nothing imports this module but the entry point (``main``), ``__main__`` and tests: the
command modules take what they share from ``context`` and ``command``.
"""

import os
import sys
from typing import Annotated, Any

import typer
import typer.main
from typer.core import TyperGroup

from qualicoach import __version__
from qualicoach.cli.command import CliTyper, plain_message, plain_metavars, shared_params

# Typer vendors click in recent releases; its base exception is reached through a public
# class rather than a private module path.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
DEBUG_ENV = "QUALICOACH_DEBUG"


def _error_line(message: str) -> None:
    from qualicoach.render.console import stderr_line

    stderr_line(f"qualicoach: {message}")


class _ErrorMappingGroup(TyperGroup):
    """Turns domain errors, interrupts and bugs into one-line messages and exit codes."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.params[:0] = shared_params()
        plain_metavars(self.params)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except typer.BadParameter as exc:
            plain_message(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        from qualicoach.errors import ExitCode, QualicoachError

        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            plain_message(exc)
            raise
        except (typer.Exit, typer.Abort, _ClickException):
            raise
        except QualicoachError as exc:
            for line in exc.lines():
                _error_line(line)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            _error_line("interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            # `qualicoach deals | head`: the reader left; that is not an error.
            sys.stderr.close()
            raise typer.Exit(int(ExitCode.OK)) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _error_line(f"internal error: {type(exc).__name__}: {exc} (this is a bug; set "
                        f"{DEBUG_ENV}=1 to see where, and please report it)")
            raise typer.Exit(int(ExitCode.INTERNAL_ERROR)) from None


app = CliTyper(
    cls=_ErrorMappingGroup,
    name="qualicoach",
    help="A qualification coach: seller fit and customer readiness, side by side.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qualicoach {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """A qualification coach: seller fit and customer readiness, side by side."""


def _register_commands() -> None:
    from qualicoach.cli import (
        crm_cmd,
        deal_cmd,
        deals_cmd,
        frameworks_cmd,
        interview_cmd,
        report_cmd,
        survey_cmd,
    )

    app.command("deals")(deals_cmd.deals)
    app.command("interview")(interview_cmd.interview)
    app.command("report")(report_cmd.report)
    app.command("history")(report_cmd.history)
    app.command("demo")(report_cmd.demo)
    app.command("lookback")(report_cmd.lookback)
    app.command("import")(crm_cmd.import_deals)
    app.command("export")(crm_cmd.export_deals)
    app.add_typer(deal_cmd.app, name="deal")
    app.add_typer(frameworks_cmd.app, name="frameworks")
    app.add_typer(survey_cmd.app, name="survey")


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        app(args=argv, prog_name="qualicoach")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
