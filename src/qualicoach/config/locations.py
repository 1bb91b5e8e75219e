"""Where qualicoach keeps its files, from options, environment variables and platform rules.

Nothing here is read at import time: the CLI resolves a ``Locations`` once per run and
passes it down, so tests point everything at temporary folders.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from qualicoach.frameworks.catalog import Source
    from qualicoach.yamlio.cache import ParsedCache

APP_NAME = "qualicoach"
DB_ENV = "QUALICOACH_DB"
FRAMEWORKS_ENV = "QUALICOACH_FRAMEWORKS"
CONFIG_DIR_ENV = "QUALICOACH_CONFIG_DIR"
DATA_DIR_ENV = "QUALICOACH_DATA_DIR"
CACHE_DIR_ENV = "QUALICOACH_CACHE_DIR"


class Locations(NamedTuple):
    """The database file, the config folder and the team framework folders of one run,
    and the cache folder (None: nothing is cached between runs)."""

    database: Path
    config_dir: Path
    team_frameworks: tuple[Path, ...] = ()
    cache_dir: Path | None = None

    def parsed_cache(self) -> ParsedCache:
        """The cache of parsed framework and settings files (see ``yamlio.cache``)."""
        from qualicoach.yamlio.cache import ParsedCache

        return ParsedCache(None if self.cache_dir is None else self.cache_dir / "parsed.pickle")

    @property
    def user_frameworks(self) -> Path:
        """The user's own framework folder, inside the config folder."""
        return self.config_dir / "frameworks"

    @property
    def config_file(self) -> Path:
        """The user's settings file (thresholds and ages; see docs/scoring.md)."""
        return self.config_dir / "config.yaml"

    def framework_sources(self, cache: ParsedCache | None = None) -> list[Source]:
        """Framework folders in override order: built-in, user, team (the config file's
        ``frameworks_dirs``, then the folders of this run's option or environment)."""
        from qualicoach.config.settings import load_frameworks_dirs
        from qualicoach.frameworks.catalog import Source, builtin_folder

        # Read here, not when resolving: only commands that load frameworks need the file.
        configured = load_frameworks_dirs(self.config_file, cache)
        team = dict.fromkeys((*configured, *self.team_frameworks))
        return [
            Source("built-in", builtin_folder()),
            Source("user", self.user_frameworks),
            *(Source("team", folder) for folder in team),
        ]


def resolve_locations(
    database: Path | None = None,
    team_frameworks: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
) -> Locations:
    """Options win over environment variables, which win over the platform's folders."""
    env = os.environ if env is None else env
    if database is None and env.get(DB_ENV):
        database = Path(env[DB_ENV])
    if not team_frameworks and env.get(FRAMEWORKS_ENV):
        team_frameworks = [Path(p) for p in env[FRAMEWORKS_ENV].split(os.pathsep) if p]
    config_dir = Path(env[CONFIG_DIR_ENV]) if env.get(CONFIG_DIR_ENV) else None
    cache_dir = Path(env[CACHE_DIR_ENV]) if env.get(CACHE_DIR_ENV) else None
    if database is None or config_dir is None or cache_dir is None:
        # Imported here: only runs that need a platform folder pay for it.
        import platformdirs

        if database is None:
            data_dir = (Path(env[DATA_DIR_ENV]) if env.get(DATA_DIR_ENV)
                        else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
            database = data_dir / "qualicoach.json"
        if config_dir is None:
            config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        if cache_dir is None:
            cache_dir = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    return Locations(database.expanduser(), config_dir.expanduser(),
                     tuple(p.expanduser() for p in team_frameworks), cache_dir.expanduser())
