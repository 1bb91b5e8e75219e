"""Every error qualicoach reports to a user.

The library raises these; the CLI turns each into one line on stderr and an exit code
(see ``qualicoach.cli.app``). Messages name what is wrong and where, so they can be shown
as they are.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple


class ExitCode(enum.IntEnum):
    """Exit codes, by name, so scripts can tell failures apart."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID_DATA = 3
    NOT_FOUND = 4
    DAMAGED_DATABASE = 5
    # sysexits' EX_SOFTWARE: a bug in qualicoach.
    INTERNAL_ERROR = 70
    # sysexits' EX_IOERR: the machine, not qualicoach and not the data, failed.
    MACHINE_FAULT = 74
    INTERRUPTED = 130


class QualicoachError(Exception):
    """Base of all domain errors; ``str(error)`` is the user-facing message."""

    exit_code: ExitCode = ExitCode.ERROR

    def lines(self) -> list[str]:
        """The message as lines for stderr (most errors are one line)."""
        return [str(self)]


class Problem(NamedTuple):
    """One problem in a file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class FrameworkError(QualicoachError):
    """A framework file (or several) is invalid; carries every problem found."""

    exit_code = ExitCode.INVALID_DATA

    def __init__(self, problems: Sequence[Problem], partial: object = None) -> None:
        self.problems = list(problems)
        # What could be read of the framework despite its problems (a Framework, or None),
        # so its references can be checked in the same run.
        self.partial = partial
        super().__init__(
            "\n".join(str(p) for p in self.problems) or "invalid framework"
        )

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class NotFoundError(QualicoachError):
    """A framework, deal or interview that was asked for does not exist.

    ``near`` holds what the name may have been meant to be (ids), closest first.
    """

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, near: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.near = tuple(near)


class AmbiguousError(QualicoachError):
    """A name prefix matches more than one thing."""

    exit_code = ExitCode.USAGE


class UsageError(QualicoachError):
    """The command line asks for something that cannot be done as given (options that
    exclude each other, a prompt without a terminal); the message says what to type."""

    exit_code = ExitCode.USAGE


class InvalidValueError(QualicoachError):
    """A value given on the command line or in a file is not acceptable."""

    exit_code = ExitCode.INVALID_DATA


class AnswersFileError(InvalidValueError):
    """Every problem of an answers file, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def lines(self) -> list[str]:
        return self.problems


class SettingsError(InvalidValueError):
    """Every problem of the settings file (config.yaml), one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def lines(self) -> list[str]:
        return self.problems


class DatabaseError(QualicoachError):
    """The database cannot be used as it is (damaged, too new, unreadable)."""

    exit_code = ExitCode.DAMAGED_DATABASE


class DatabaseBusyError(DatabaseError):
    """Another process holds the database's write lock for longer than we wait."""


class StorageError(QualicoachError):
    """The machine refused a file operation on qualicoach's own files (disk full, read-only
    file system, permissions, something in the way): not a bug, and the data is intact."""

    exit_code = ExitCode.MACHINE_FAULT


class ReplyError(InvalidValueError):
    """A customer's self-assessment reply that cannot be kept: which reply, what is wrong,
    and that nothing of it was stored."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"reply {source} {problem}; nothing was imported")


# The options a hint must repeat for this run (--db FILE, --frameworks-dir FOLDER): without
# them a copied hint reads the default database, or scores without the team's frameworks.
# The CLI sets them once per command (``hint_options``); the library only reads them, so
# it never needs to know how it was started. A context variable, not a global, so that
# runs in one process (the tests) cannot see each other's.
_HINT_OPTIONS: ContextVar[tuple[str, ...]] = ContextVar("qualicoach_hint_options", default=())


@contextmanager
def hint_options(options: Sequence[str]) -> Iterator[None]:
    """Within the block, every ``command_hint`` carries ``options`` (such as
    ``("--db", "/tmp/demo.json")``) right after ``qualicoach``."""
    token = _HINT_OPTIONS.set(tuple(options))
    try:
        yield
    finally:
        _HINT_OPTIONS.reset(token)


def command_hint(*words: str, rest: str = "") -> str:
    """A qualicoach command line to suggest to the user, as it should be typed in this run.

    ``words`` (a deal id, a stakeholder's name, a file) are shell-quoted, and so are the
    run's location options, so the line pastes into a shell as it is. ``rest`` is added
    as written, for placeholders a user replaces (``DEAL``, ``won|lost|no_decision``).
    Every hint a user may copy is built here, so none can forget the options.
    """
    import shlex

    line = shlex.join(("qualicoach", *_HINT_OPTIONS.get(), *words))
    return f"{line} {rest}" if rest else line
