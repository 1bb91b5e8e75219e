"""A Prompter that answers from a script and records every prompt it was shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Union

from qualicoach.coaching.prompts import Option


class Keep:
    """Accept the prompt's default, as Enter would."""

    def __repr__(self) -> str:
        return "ENTER"


ENTER = Keep()
Item = Union[str, list[str], bool, Keep, BaseException]  # noqa: UP007 - runtime alias on 3.10
Kind = Literal["select", "checkbox", "text", "confirm", "search"]


@dataclass(frozen=True)
class Asked:
    """One prompt the rep was shown."""

    kind: Kind
    message: str
    values: tuple[str, ...] = ()
    default: object = None
    instruction: str = ""


class ScriptedPrompter:
    """Answers prompts from a script, in order: a test says what the rep answers, not
    which keys it takes. An exception in the script is raised at its prompt (Ctrl-C,
    Ctrl-D); a wrong kind of item, a value not offered or a prompt past the script's end
    fails with the prompt's number and message."""

    def __init__(self, *script: Item) -> None:
        self.script = list(script)
        self.asked: list[Asked] = []

    def _next(self, asked: Asked) -> Item:
        self.asked.append(asked)
        number = len(self.asked)
        if not self.script:
            raise AssertionError(f"prompt {number} ({asked.kind} {asked.message!r}): "
                                 "the script has ended")
        item = self.script.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item

    def _fail(self, item: Item) -> AssertionError:
        asked = self.asked[-1]
        return AssertionError(f"prompt {len(self.asked)} ({asked.kind} {asked.message!r}): "
                              f"script has {item!r}")

    def select(self, message: str, options: Sequence[Option], default: str | None = None
               ) -> str:
        values = tuple(o.value for o in options)
        item = self._next(Asked("select", message, values, default))
        if isinstance(item, Keep) and default is not None:
            return default
        if isinstance(item, str) and item in values:
            return item
        raise self._fail(item)

    def checkbox(self, message: str, options: Sequence[Option],
                 checked: Sequence[str] = (), instruction: str = "") -> list[str]:
        values = tuple(o.value for o in options)
        item = self._next(Asked("checkbox", message, values, list(checked), instruction))
        if isinstance(item, Keep):
            return list(checked)
        if isinstance(item, list) and all(v in values for v in item):
            return list(item)
        raise self._fail(item)

    def text(self, message: str, default: str = "", instruction: str = "") -> str:
        item = self._next(Asked("text", message, (), default, instruction))
        if isinstance(item, Keep):
            return default
        if isinstance(item, str):
            return item
        raise self._fail(item)

    def confirm(self, message: str, default: bool = False) -> bool:
        item = self._next(Asked("confirm", message, (), default))
        if isinstance(item, Keep):
            return default
        if isinstance(item, bool):
            return item
        raise self._fail(item)

    def search(self, message: str, options: Sequence[Option], instruction: str = "") -> str:
        item = self._next(Asked("search", message, tuple(o.value for o in options), None,
                                instruction))
        if isinstance(item, str):
            return item
        raise self._fail(item)

    def done(self) -> None:
        """Fail unless every scripted answer was used."""
        assert not self.script, f"unused script items: {self.script!r}"


class EveryPrompt:
    """Answers every prompt by one rule, for runs too long to script (a whole BANT + MEDDIC
    + alignment interview), and records every prompt shown.

    ``enter_only``: Enter everywhere (each prompt's default). Otherwise a real answer: the
    first option of a select or checkbox, a date, a number or words by what the prompt
    asks for. ``replies``: the reply to prompts whose message starts with a key.
    """

    def __init__(self, enter_only: bool = False,
                 replies: dict[str, str | list[str] | bool] | None = None) -> None:
        self.enter_only = enter_only
        self.replies = replies or {}
        self.asked: list[Asked] = []

    def _reply(self, asked: Asked) -> str | list[str] | bool | None:
        self.asked.append(asked)
        assert len(self.asked) < 500, "the interview does not end"
        for start, reply in self.replies.items():
            if asked.message.startswith(start):
                return reply
        return None

    def select(self, message: str, options: Sequence[Option], default: str | None = None
               ) -> str:
        reply = self._reply(Asked("select", message, tuple(o.value for o in options), default))
        if isinstance(reply, str):
            return reply
        if self.enter_only:
            assert default is not None, f"select {message!r} has no default"
            return default
        return options[0].value

    def checkbox(self, message: str, options: Sequence[Option],
                 checked: Sequence[str] = (), instruction: str = "") -> list[str]:
        reply = self._reply(Asked("checkbox", message, tuple(o.value for o in options),
                                  list(checked), instruction))
        if isinstance(reply, list):
            return reply
        return list(checked) if self.enter_only else [options[0].value]

    def text(self, message: str, default: str = "", instruction: str = "") -> str:
        reply = self._reply(Asked("text", message, (), default, instruction))
        if isinstance(reply, str):
            return reply
        if self.enter_only:
            return default
        if "YYYY-MM-DD" in instruction:
            return "2027-03-01"
        if "50k" in instruction:
            return "50k"
        return "in their words"

    def confirm(self, message: str, default: bool = False) -> bool:
        reply = self._reply(Asked("confirm", message, (), default))
        return reply if isinstance(reply, bool) else default

    def search(self, message: str, options: Sequence[Option], instruction: str = "") -> str:
        reply = self._reply(Asked("search", message, tuple(o.value for o in options), None,
                                  instruction))
        assert isinstance(reply, str), f"no reply for search {message!r}"
        return reply
