"""The root command: global options, and the one place errors become messages and exit codes."""

import enum
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from qualicoach import __version__

if TYPE_CHECKING:
    from qualicoach.config.locations import Locations
    from qualicoach.config.settings import Settings
    from qualicoach.frameworks.catalog import Catalog
    from qualicoach.storage.store import Store

# Typer vendors click in recent releases; its base exception is reached through a public
# class rather than a private module path.
_ClickException: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
DEBUG_ENV = "QUALICOACH_DEBUG"
_F = TypeVar("_F", bound=Callable[..., Any])


def _error_line(message: str) -> None:
    from qualicoach.render.console import stderr_line

    stderr_line(f"qualicoach: {message}")


class TextOrJson(str, enum.Enum):
    """The --format of commands that show one thing: for people, or for scripts."""

    text = "text"
    json = "json"


def _plain_message(exc: Exception) -> None:
    """Say a rejected option value in the user's words, not the validator's.

    Typer validates values with pydantic, whose messages ("Input should be greater than or
    equal to 0", "Value error, 'x' is not one of ...") describe the validator.
    """
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors) or not isinstance(exc, typer.BadParameter):
        return
    found = errors()
    if not found:
        return
    kind, given, limits = found[0].get("type"), found[0].get("input"), found[0].get("ctx") or {}
    plain = {
        "greater_than_equal": f"{given} is too small: give {limits.get('ge')} or more",
        "less_than_equal": f"{given} is too large: give {limits.get('le')} or less",
        "int_parsing": f"'{given}' is not a whole number",
        "int_from_float": f"'{given}' is not a whole number",
        "float_parsing": f"'{given}' is not a number",
    }.get(str(kind))
    exc.message = plain or exc.message.removeprefix("Value error, ")


class _ErrorMappingGroup(TyperGroup):
    """Turns domain errors, interrupts and bugs into one-line messages and exit codes."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.params[:0] = shared_params()
        _plain_metavars(self.params)

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except typer.BadParameter as exc:
            _plain_message(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        from qualicoach.errors import ExitCode, QualicoachError

        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:
            _plain_message(exc)
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
            raise typer.Exit(0) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            _error_line(f"internal error: {type(exc).__name__}: {exc} (this is a bug; set "
                        f"{DEBUG_ENV}=1 to see where, and please report it)")
            raise typer.Exit(70) from None


class Command(TyperCommand):
    """A qualicoach command: it accepts the shared options (--db, --frameworks-dir) after
    its name as well as before, and its help names values in words (DEAL, FILE, DAYS)
    rather than types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(shared_params())
        _plain_metavars(self.params)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                piece = f"{param.metavar}{'...' if param.nargs != 1 else ''}"
                pieces.append(piece if param.required else f"[{piece}]")
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments = [(f"{p.metavar}{'...' if p.nargs != 1 else ''}", p.help or "")
                     for p in self.get_params(ctx) if isinstance(p, TyperArgument)]
        options = [record for p in self.get_params(ctx) if isinstance(p, TyperOption)
                   if (record := p.get_help_record(ctx)) is not None]
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class CliTyper(typer.Typer):
    """A Typer whose commands are ``Command``s, so no command can miss the shared options."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[_F], _F]:
        kwargs.setdefault("cls", Command)
        decorator: Callable[[_F], _F] = super().command(*args, **kwargs)
        return decorator


def _plain_metavars(params: list[Any]) -> None:
    """Name each value in words (the parameter's name unless a metavar is given)."""
    for param in params:
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = param.name.upper()
        # Typer prints bounds as "[x>=0]"; the help text says them in words instead. The
        # value is still checked against the bounds declared on the option.
        if isinstance(param, TyperOption | TyperArgument):
            param.min = param.max = None


def _record_db(ctx: typer.Context, value: Path | None) -> None:
    if value is not None:
        _options(ctx).db = value


def _record_frameworks_dirs(ctx: typer.Context, value: list[Path] | None) -> None:
    if value:
        options = _options(ctx)
        options.frameworks_dirs = (*options.frameworks_dirs, *value)


def _shared_options(
    db: Annotated[Path | None, typer.Option(
        "--db", metavar="FILE", dir_okay=False, expose_value=False, callback=_record_db,
        help="Database file (default: the platform's data folder; env QUALICOACH_DB).",
    )] = None,
    frameworks_dir: Annotated[list[Path] | None, typer.Option(
        "--frameworks-dir", metavar="FOLDER", expose_value=False,
        callback=_record_frameworks_dirs,
        help="A team's framework folder, besides the config file's frameworks_dirs; "
        "repeatable (env QUALICOACH_FRAMEWORKS, folders separated by ':').")] = None,
) -> None:
    """Declares the options every command accepts, before or after its name; never run."""


@functools.cache
def shared_params() -> tuple[Any, ...]:
    """The parameters of ``_shared_options``; they record their values on the run's
    ``_Options``, whichever command they were given to."""
    holder = typer.Typer(add_completion=False)
    holder.command()(_shared_options)
    return tuple(typer.main.get_command(holder).params)


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


class _Options:
    """Global options, resolved into Locations only when a command needs them."""

    def __init__(self) -> None:
        # Only what was given on the command line; environment and platform defaults are
        # resolved in ``locations``.
        self.db: Path | None = None
        self.frameworks_dirs: tuple[Path, ...] = ()
        self._locations: Locations | None = None

    def locations(self) -> "Locations":
        if self._locations is None:
            from qualicoach.config.locations import resolve_locations

            self._locations = resolve_locations(self.db, self.frameworks_dirs)
        return self._locations


def _options(ctx: typer.Context) -> _Options:
    root = ctx.find_root()
    if not isinstance(root.obj, _Options):
        root.obj = _Options()
    return root.obj


def locations(ctx: typer.Context) -> "Locations":
    """The run's Locations (database, config and framework folders)."""
    return _options(ctx).locations()


def explicit_database(ctx: typer.Context) -> Path | None:
    """The database named with --db on this command line, if any."""
    return _options(ctx).db


def open_store(path: Path) -> "Store":
    """The store of the database at ``path``, warning on stderr about what it sets aside."""
    from qualicoach.render.console import stderr_line
    from qualicoach.storage.store import Store

    return Store(path, warn=lambda message: stderr_line(f"warning: {message}"))


def require_database(ctx: typer.Context) -> None:
    """Refuse to read a database named with --db that does not exist.

    An empty listing would read as lost data when the path has a typo. Commands that
    write create the file, and the default database may not exist yet on a first run.
    """
    from qualicoach.errors import NotFound

    path = explicit_database(ctx)
    if path is not None and not path.exists():
        raise NotFound(f"no database at {path} (--db names a file that does not exist)")


def open_workspace(ctx: typer.Context, *, read: bool = False,
                   ) -> "tuple[Store, Settings, Catalog]":
    """The run's store, settings and frameworks; framework files that did not load are
    warned about on stderr and left out. ``read``: the command only reads the database,
    so one named with --db must exist."""
    from qualicoach.config.settings import load_settings
    from qualicoach.frameworks.catalog import load_catalog
    from qualicoach.render.console import stderr_line

    if read:
        require_database(ctx)
    locs = locations(ctx)
    catalog = load_catalog(locs.framework_sources())
    for problem in catalog.problems:
        stderr_line(f"warning: {problem}")
    return open_store(locs.database), load_settings(locs.config_file), catalog


def _register_commands() -> None:
    from qualicoach.cli import (
        crm_cmd,
        deal_cmd,
        deals_cmd,
        frameworks_cmd,
        interview_cmd,
        report_cmd,
    )

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
