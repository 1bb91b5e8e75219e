"""The one seam every prompt goes through.

The interview flow asks a ``Prompter``; ``qualicoach.cli.terminal.QuestionaryPrompter`` is
the terminal one, and tests script their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Option:
    """One option of a select or checkbox prompt."""

    value: str
    title: str


class Prompter(Protocol):
    """Asks the rep things. Ctrl-C raises KeyboardInterrupt, Ctrl-D EOFError."""

    def select(self, message: str, options: Sequence[Option], default: str | None = None
               ) -> str: ...

    def checkbox(self, message: str, options: Sequence[Option],
                 checked: Sequence[str] = ()) -> list[str]: ...

    def text(self, message: str, default: str = "", instruction: str = "") -> str: ...

    def confirm(self, message: str, default: bool = False) -> bool: ...
