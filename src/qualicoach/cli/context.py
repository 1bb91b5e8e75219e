"""What every command shares: the run's options, the workspace it opens, and its prompter.

Command modules import this, never ``cli.app`` (which imports them). Only typer and the
standard library are imported at module level, so ``--help`` stays fast; the library is
imported inside the functions that need it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from qualicoach.coaching.prompts import Prompter
    from qualicoach.config.locations import Locations
    from qualicoach.config.settings import Settings
    from qualicoach.domain.clock import Clock
    from qualicoach.frameworks.catalog import Catalog
    from qualicoach.storage.cache import AssessmentCache
    from qualicoach.storage.store import Store
    from qualicoach.yamlio.cache import ParsedCache


class TextOrJson(str, enum.Enum):
    """The --format of commands that show one thing: for people, or for scripts."""

    text = "text"
    json = "json"


class TableOrJson(str, enum.Enum):
    """The --format of commands that list things: a table for people, or JSON for scripts."""

    table = "table"
    json = "json"


@dataclass
class RunOptions:
    """One run's options, resolved into Locations only when a command needs them.

    ``db`` and ``frameworks_dirs`` hold only what was given on the command line (the
    environment and platform defaults are resolved in ``locations``). ``prompter`` and
    ``is_terminal`` are the terminal seams, ``clock`` the time's: None means the real one; a
    caller such as a test passes its own with ``obj=RunOptions(...)``.
    """

    db: Path | None = None
    frameworks_dirs: tuple[Path, ...] = ()
    prompter: Prompter | None = None
    is_terminal: Callable[[], bool] | None = None
    # The time a run stamps changes with and judges deals at (None: the real clock).
    clock: Clock | None = None
    _locations: Locations | None = field(default=None, init=False, repr=False)
    _parsed: ParsedCache | None = field(default=None, init=False, repr=False)

    def hint_options(self, db: Path | None = None) -> tuple[str, ...]:
        """The options given on this command line that a suggested command must repeat to
        reach the same data (``db`` instead of --db's value, for a database the command
        chose itself, such as the demo's)."""
        options: list[str] = []
        database = db if db is not None else self.db
        if database is not None:
            options += ["--db", str(database)]
        for folder in self.frameworks_dirs:
            options += ["--frameworks-dir", str(folder)]
        return tuple(options)

    def parsed_cache(self) -> ParsedCache:
        """The run's cache of parsed framework and settings files, read once per run."""
        if self._parsed is None:
            self._parsed = self.locations().parsed_cache()
        return self._parsed

    def locations(self) -> Locations:
        if self._locations is None:
            from qualicoach.config.locations import resolve_locations

            self._locations = resolve_locations(self.db, self.frameworks_dirs)
        return self._locations


def run_options(ctx: typer.Context) -> RunOptions:
    """The run's options, kept on the root context (created on first use)."""
    root = ctx.find_root()
    if not isinstance(root.obj, RunOptions):
        root.obj = RunOptions()
    return root.obj


def locations(ctx: typer.Context) -> Locations:
    """The run's Locations (database, config and framework folders)."""
    return run_options(ctx).locations()


def explicit_database(ctx: typer.Context) -> Path | None:
    """The database named with --db on this command line, if any."""
    return run_options(ctx).db


def open_store(ctx: typer.Context, path: Path | None = None) -> Store:
    """The store of the run's database (or the one at ``path``), on the run's clock."""
    from qualicoach.domain.clock import utc_now
    from qualicoach.storage.store import Store

    return Store(locations(ctx).database if path is None else path,
                 clock=run_options(ctx).clock or utc_now)


def require_database(ctx: typer.Context) -> None:
    """Refuse to read a database named with --db that does not exist.

    An empty listing would read as lost data when the path has a typo. Commands that
    write create the file, and the default database may not exist yet on a first run.
    """
    from qualicoach.errors import NotFoundError

    path = explicit_database(ctx)
    if path is not None and not path.exists():
        raise NotFoundError(f"no database at {path} (--db names a file that does not exist)")


def load_frameworks(ctx: typer.Context) -> Catalog:
    """The run's frameworks, through the cache of parsed files (written back when anything
    had to be parsed)."""
    from qualicoach.frameworks.catalog import load_catalog

    cache = run_options(ctx).parsed_cache()
    catalog = load_catalog(locations(ctx).framework_sources(cache), cache)
    cache.save()
    return catalog


def load_rules(ctx: typer.Context) -> tuple[Settings, Catalog]:
    """The run's settings and frameworks (see ``load_frameworks``); framework files that
    did not load are warned about on stderr and left out."""
    from qualicoach.config.settings import load_settings
    from qualicoach.render.console import stderr_line

    catalog = load_frameworks(ctx)
    cache = run_options(ctx).parsed_cache()
    settings = load_settings(locations(ctx).config_file, cache)
    cache.save()
    for problem in catalog.problems:
        stderr_line(f"warning: {problem}")
    return settings, catalog


def load_run_settings(ctx: typer.Context) -> Settings:
    """The run's settings alone, for commands that need no frameworks."""
    from qualicoach.config.settings import load_settings

    cache = run_options(ctx).parsed_cache()
    settings = load_settings(locations(ctx).config_file, cache)
    cache.save()
    return settings


def default_currency(ctx: typer.Context) -> str:
    """The currency of a deal created without one: the settings' (or "")."""
    return load_run_settings(ctx).default_currency


def open_workspace(ctx: typer.Context, *, read: bool = False,
                   ) -> tuple[Store, Settings, Catalog]:
    """The run's store, settings and frameworks (see ``load_rules``). ``read``: the
    command only reads the database, so one named with --db must exist."""
    if read:
        require_database(ctx)
    settings, catalog = load_rules(ctx)
    return open_store(ctx), settings, catalog


def assessment_cache(ctx: typer.Context, store: Store) -> AssessmentCache:
    """The cache of the run's assessments of ``store``'s deals, in the cache folder."""
    from qualicoach.storage.cache import AssessmentCache

    return AssessmentCache.of(locations(ctx).cache_dir, store.path)


def prompter(ctx: typer.Context) -> Prompter:
    """The run's prompter: the one given in ``RunOptions``, else the terminal."""
    given = run_options(ctx).prompter
    if given is not None:
        return given
    from qualicoach.cli.terminal import QuestionaryPrompter

    return QuestionaryPrompter()


def is_terminal(ctx: typer.Context) -> bool:
    """True when a person can answer prompts in this run."""
    check = run_options(ctx).is_terminal
    if check is not None:
        return check()
    from qualicoach.cli import terminal

    return terminal.stdin_is_terminal()
