"""The root command, and the one place errors become messages and exit codes.

Nothing imports this module but the entry point (``main``), ``__main__`` and tests: the
command modules take what they share from ``context`` and ``command``.
"""

import os
import sys
from typing import Annotated, Any

import typer
import typer.main

from qualicoach import __version__
from qualicoach.cli.command import CliTyper, Group, plain_metavars, shared_params

# Typer vendors click in recent releases; its base exception is reached through a public
# class rather than a private module path.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
DEBUG_ENV = "QUALICOACH_DEBUG"


def _error_line(message: str) -> None:
    from qualicoach.render.console import stderr_line

    stderr_line(f"qualicoach: {message}")


class _ErrorMappingGroup(Group):
    """Turns domain errors, interrupts and bugs into one-line messages and exit codes."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.params[:0] = shared_params()
        plain_metavars(self.params)

    def invoke(self, ctx: Any) -> Any:
        from qualicoach.errors import ExitCode, QualicoachError

        try:
            return super().invoke(ctx)
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


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qualicoach {__version__}")
        raise typer.Exit()


def root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """A qualification coach: seller fit and customer readiness, side by side."""


# Each command's name, and the module and function (or sub-app) that implement it, in the
# order --help lists them.
_COMMANDS: dict[str, tuple[str, str]] = {
    "deals": ("deals_cmd", "deals"),
    "interview": ("interview_cmd", "interview"),
    "report": ("report_cmd", "report"),
    "history": ("report_cmd", "history"),
    "demo": ("report_cmd", "demo"),
    "lookback": ("report_cmd", "lookback"),
    "import": ("crm_cmd", "import_deals"),
    "export": ("crm_cmd", "export_deals"),
    "deal": ("deal_cmd", "app"),
    "frameworks": ("frameworks_cmd", "app"),
    "survey": ("survey_cmd", "app"),
    "team": ("team_cmd", "app"),
    "help": ("help_cmd", "help_topic"),
}
# The root options that take a value, so the command's name can be found after them.
_VALUE_OPTIONS = ("--db", "--frameworks-dir")


def build_app(only: str | None = None) -> typer.Typer:
    """The command tree: every command, or only the one named ``only``.

    A run needs only the command it runs: building the others (importing their modules,
    turning their signatures into options) cost about 5% of a one-deal report's start-up.
    """
    import importlib

    built = CliTyper(
        cls=_ErrorMappingGroup,
        name="qualicoach",
        help="A qualification coach: seller fit and customer readiness, side by side.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    built.callback()(root)
    for name, (module_name, attribute) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"qualicoach.cli.{module_name}"), attribute)
        if isinstance(target, typer.Typer):
            built.add_typer(target, name=name)
        else:
            built.command(name)(target)
    return built


def command_named(args: list[str]) -> str | None:
    """The command ``args`` run, when it is one of ours; None for anything else (no
    command, --help, a misspelt name, shell completion), which needs the whole tree."""
    if os.environ.get("_QUALICOACH_COMPLETE"):
        return None
    words = iter(args)
    for word in words:
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in _COMMANDS else None
        elif word.split("=", 1)[0] not in _VALUE_OPTIONS:
            return None  # --help, --version, or an option the root does not know
    return None


def __getattr__(name: str) -> Any:
    # ``app``, the whole tree, is built on first use (tests and tools import it); the
    # console script builds only what it runs.
    if name == "app":
        globals()["app"] = built = build_app()
        return built
    raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    args = sys.argv[1:] if argv is None else argv
    try:
        build_app(command_named(args))(args=args, prog_name="qualicoach")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


def console() -> int:
    """The ``qualicoach`` command (and ``python -m qualicoach``): ``main`` in a process of
    its own, which ends right after."""
    import gc

    # A command parses the whole database file: hundreds of thousands of objects, none in
    # a reference cycle, which the cycle collector walked again and again as they were
    # made (two thirds of reading a 2,000-deal file). A command is over in a moment, so it
    # runs without the collector; an interview waits on a person for minutes, and its
    # terminal library makes cycles, so it collects as usual.
    if command_named(sys.argv[1:]) != "interview":
        gc.disable()
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left before the last of the output (`qualicoach deals | head`): not
        # an error. What is still buffered goes nowhere, rather than failing Python's own
        # flush on exit (status 120 and a traceback-like line).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    # On its way out Python collects garbage over every object still alive. A run that
    # read a team's index without parsing it (one deal's report, show or history) spent
    # 80-110 ms there, a quarter of its time; frozen objects are skipped, and nothing
    # needs collecting in a process about to end.
    gc.freeze()
    return code
