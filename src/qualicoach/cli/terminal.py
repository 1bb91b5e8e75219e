"""The real terminal behind the ``Prompter`` seam.

questionary and prompt_toolkit cost about 0.2 s to import, so they are imported on first
use, and only the interview path ever gets here.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from qualicoach.coaching.prompts import Option
from qualicoach.render.console import visible


def stdin_is_terminal() -> bool:
    """True when a person can answer prompts (standard input is a terminal)."""
    return sys.stdin.isatty()


class QuestionaryPrompter:
    """Prompts in the terminal through questionary.

    Messages and option titles (deal names, framework questions) are shown by the one
    rule for supplied text: control and bidi characters as visible escapes.
    """

    def __init__(self) -> None:
        import questionary

        self._q = questionary

    def _run(self, question: Any) -> Any:
        # unsafe_ask: let Ctrl-C reach us as KeyboardInterrupt instead of a printed
        # "Cancelled" and a None answer that would look like an empty reply.
        answer = question.unsafe_ask()
        if answer is None:
            raise KeyboardInterrupt
        return answer

    def select(self, message: str, options: Sequence[Option], default: str | None = None
               ) -> str:
        choices = [self._q.Choice(visible(o.title), value=o.value) for o in options]
        chosen = next((c for c in choices if c.value == default), None)
        return str(self._run(self._q.select(visible(message), choices=choices,
                                            default=chosen, qmark="?")))

    def checkbox(self, message: str, options: Sequence[Option],
                 checked: Sequence[str] = ()) -> list[str]:
        choices = [self._q.Choice(visible(o.title), value=o.value, checked=o.value in checked)
                   for o in options]
        return [str(v) for v in self._run(self._q.checkbox(visible(message), choices=choices,
                                                           qmark="?"))]

    def text(self, message: str, default: str = "", instruction: str = "") -> str:
        return str(self._run(self._q.text(visible(message), default=default, qmark="?",
                                          instruction=instruction or None)))

    def confirm(self, message: str, default: bool = False) -> bool:
        return bool(self._run(self._q.confirm(visible(message), default=default, qmark="?")))
