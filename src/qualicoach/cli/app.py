"""The root command: global options, and the one place errors become messages and exit codes."""

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__

if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..locations import Locations
    from ..settings import Settings
    from ..store import Store

# Typer vendors click in recent releases; its base exception is reached through a public
# class rather than a private module path.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
DEBUG_ENV = "QUALICOACH_DEBUG"


def _error_line(message: str) -> None:
    from ..render.console import stderr_line

    stderr_line(f"qualicoach: {message}")


class TextOrJson(str, enum.Enum):
    """The --format of commands that show one thing: for people, or for scripts."""

    text = "text"
    json = "json"


class _ErrorMappingGroup(TyperGroup):
    """Turns domain errors, interrupts and bugs into one-line messages and exit codes."""

    def invoke(self, ctx: Any) -> Any:
        from ..errors import ExitCode, QualicoachError

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
            raise typer.Exit(0) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _error_line(f"internal error: {type(exc).__name__}: {exc} (this is a bug; set "
                        f"{DEBUG_ENV}=1 to see where, and please report it)")
            raise typer.Exit(70) from None


app = typer.Typer(
    cls=_ErrorMappingGroup,
    name="qualicoach",
    help="A qualification coach: seller fit and customer readiness, side by side.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qualicoach {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option(
        "--db", help="Database file (default: the platform's data folder; env QUALICOACH_DB).",
        dir_okay=False)] = None,
    frameworks_dir: Annotated[list[Path] | None, typer.Option(
        "--frameworks-dir", help="A team's framework folder; repeatable "
        "(env QUALICOACH_FRAMEWORKS, folders separated by ':').")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """A qualification coach: seller fit and customer readiness, side by side."""
    ctx.obj = _Options(db, tuple(frameworks_dir or ()))


class _Options:
    """Global options, resolved into Locations only when a command needs them."""

    def __init__(self, db: Path | None, frameworks_dirs: tuple[Path, ...]) -> None:
        self.db = db
        self.frameworks_dirs = frameworks_dirs
        self._locations: Locations | None = None

    def locations(self) -> "Locations":
        if self._locations is None:
            from ..locations import resolve_locations

            self._locations = resolve_locations(self.db, self.frameworks_dirs)
        return self._locations


def locations(ctx: typer.Context) -> "Locations":
    """The run's Locations (database, config and framework folders)."""
    options = ctx.find_root().obj
    assert isinstance(options, _Options)
    return options.locations()


def open_store(path: Path) -> "Store":
    """The store of the database at ``path``, warning on stderr about what it sets aside."""
    from ..render.console import stderr_line
    from ..store import Store

    return Store(path, warn=lambda message: stderr_line(f"warning: {message}"))


def open_workspace(ctx: typer.Context) -> "tuple[Store, Settings, Catalog]":
    """The run's store, settings and frameworks; framework files that did not load are
    warned about on stderr and left out."""
    from ..catalog import load_catalog
    from ..render.console import stderr_line
    from ..settings import load_settings

    locs = locations(ctx)
    catalog = load_catalog(locs.framework_sources())
    for problem in catalog.problems:
        stderr_line(f"warning: {problem}")
    return open_store(locs.database), load_settings(locs.config_file), catalog


def _register_commands() -> None:
    from . import crm_cmd, deal_cmd, deals_cmd, frameworks_cmd, interview_cmd, report_cmd

    app.command("deals")(deals_cmd.deals)
    app.command("interview")(interview_cmd.interview)
    app.command("report")(report_cmd.report)
    app.command("history")(report_cmd.history)
    app.command("demo")(report_cmd.demo)
    app.command("import")(crm_cmd.import_deals)
    app.command("export")(crm_cmd.export_deals)
    app.add_typer(deal_cmd.app, name="deal")
    app.add_typer(frameworks_cmd.app, name="frameworks")


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        app(args=argv, prog_name="qualicoach")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
