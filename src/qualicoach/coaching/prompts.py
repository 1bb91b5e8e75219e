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
    """One option of a select or checkbox prompt.

    ``key``: one character that answers with the option at once (in a checkbox, for
    options that are not boxes to tick, such as help). ``separated``: a gap is drawn above
    it, setting the answers apart from the extras.
    """

    value: str
    title: str
    key: str = ""
    separated: bool = False


class Interrupted(KeyboardInterrupt):
    """Ctrl-C at a prompt, with what the rep had typed or ticked there (nothing is lost)."""

    def __init__(self, typed: str | list[str] = "") -> None:
        super().__init__()
        self.typed = typed
        self.kept = False  # set once what was typed is stored as the answer
        self.note = False  # what was typed is a note on the answer, not the answer


class Prompter(Protocol):
    """Asks the rep things. Ctrl-C raises KeyboardInterrupt (``Interrupted`` when something
    was typed), Ctrl-D EOFError."""

    def select(self, message: str, options: Sequence[Option], default: str | None = None
               ) -> str: ...

    def checkbox(self, message: str, options: Sequence[Option],
                 checked: Sequence[str] = (), instruction: str = "") -> list[str]:
        """The ticked values; ``[value]`` alone when an option was picked by its ``key``."""
        ...

    def text(self, message: str, default: str = "", instruction: str = "") -> str: ...

    def confirm(self, message: str, default: bool = False) -> bool: ...

    def search(self, message: str, options: Sequence[Option], instruction: str = "") -> str:
        """Text typed with the options filtered as the rep types (by title, anywhere in
        it): an option's value when one was picked, else the text itself."""
        ...


# Enough to choose from, few enough to draw at once: more matches mean the rep types more.
SEARCH_SHOWN = 30


def filter_options(options: Sequence[Option], typed: str, limit: int = SEARCH_SHOWN
                   ) -> list[Option]:
    """The options whose title contains every word typed (any case), at most ``limit``.
    It stops at the limit, so 10,000 deals cost no more to filter than 30."""
    words = typed.casefold().split()
    found: list[Option] = []
    for option in options:
        title = option.title.casefold()
        if all(w in title for w in words):
            found.append(option)
            if len(found) == limit:
                break
    return found
