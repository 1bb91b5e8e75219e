"""The command classes every qualicoach command is built from, and the options they share.

Only typer and the standard library are imported here: building the command tree is
part of every start-up, ``--help`` included.
"""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from qualicoach.cli.context import run_options

_F = TypeVar("_F", bound=Callable[..., Any])


class Group(TyperGroup):
    """A group of qualicoach commands (``deal``, ``frameworks``, ``survey``)."""


class Command(TyperCommand):
    """A qualicoach command: it accepts the shared options (--db, --frameworks-dir) after
    its name as well as before, and its help names values in words (DEAL, FILE, DAYS)
    rather than types."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(shared_params())
        plain_metavars(self.params)

    def invoke(self, ctx: Any) -> Any:
        # Set once here, after every option is parsed (before or after the command's
        # name), so every hint the command and the library print carries them.
        from qualicoach.errors import hint_options

        with hint_options(run_options(ctx).hint_options()):
            return super().invoke(ctx)

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
    """A Typer whose commands are ``Command``s, so no command can miss the shared options,
    and whose groups are ``Group``s."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", Group)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Callable[[_F], _F]:
        kwargs.setdefault("cls", Command)
        decorator: Callable[[_F], _F] = super().command(*args, **kwargs)
        return decorator


def plain_metavars(params: list[Any]) -> None:
    """Name each value in words (the parameter's name unless a metavar is given)."""
    for param in params:
        if param.metavar is None and not getattr(param, "is_flag", False):
            param.metavar = param.name.upper()


def _record_db(ctx: typer.Context, value: Path | None) -> None:
    if value is not None:
        run_options(ctx).db = value


def _record_frameworks_dirs(ctx: typer.Context, value: list[Path] | None) -> None:
    if value:
        options = run_options(ctx)
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
    ``RunOptions``, whichever command they were given to."""
    holder = typer.Typer(add_completion=False)
    holder.command()(_shared_options)
    return tuple(typer.main.get_command(holder).params)
