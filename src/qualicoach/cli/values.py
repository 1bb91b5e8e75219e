"""Parsers for option and argument values, said in the user's words.

Each is passed to Typer as ``parser=``, the way Typer documents for custom types: it takes
the word as typed and returns the value, or raises ``typer.BadParameter``, which Typer
reports as a usage error (exit 2) naming the option: "Invalid value for '--limit': 'x' is
not a whole number". Typer's own conversion would say the same things in pydantic's words
("Input should be a valid integer, unable to parse string as an integer"), and differently
from one Typer release to the next.

Plain text, flags and paths are left to Typer: their checks (a file that must exist, a
folder that must not be a file) are Typer's and already say what and where.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import Enum
from typing import TypeVar

import typer

_E = TypeVar("_E", bound=Enum)

# As people write whole numbers: ASCII digits (int() alone takes any script's), a sign, a
# zero fraction ("5.0"), an underscore between digits, spaces around.
_WHOLE = re.compile(r"\s*([+-]?[0-9](?:_?[0-9])*)(?:\.0*)?\s*", re.ASCII)


def whole_number(minimum: int | None = None, maximum: int | None = None
                 ) -> Callable[[str], int]:
    """A parser of whole numbers from ``minimum`` to ``maximum`` (either may be open)."""
    def parse(word: str) -> int:
        if isinstance(word, int) and not isinstance(word, bool):
            number = word  # a default, already a number
        elif isinstance(word, str) and (match := _WHOLE.fullmatch(word)):
            number = int(match[1])
        else:
            raise typer.BadParameter(f"'{word}' is not a whole number")
        if minimum is not None and number < minimum:
            raise typer.BadParameter(f"{str(word).strip()} is too small: give {minimum} or more")
        if maximum is not None and number > maximum:
            raise typer.BadParameter(f"{str(word).strip()} is too large: give {maximum} or less")
        return number

    return parse


def _quoted(words: Sequence[str]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def choice(choices: type[_E]) -> Callable[[str], _E]:
    """A parser of one of an enum's values, as typed (``--sort risk``)."""
    by_value = {str(member.value): member for member in choices}

    def parse(word: str | _E) -> _E:
        if isinstance(word, choices):
            return word  # a default, already a member
        if word in by_value:
            return by_value[str(word)]
        raise typer.BadParameter(f"'{word}' is not one of {_quoted(list(by_value))}.")

    return parse


def one_of(options: Sequence[str], what: str) -> Callable[[str], str]:
    """A parser of one of ``options``, case-insensitive, with '-' and ' ' read as '_'
    (``--stage Needs-Analysis``), as the domain's ``parse_choice`` reads them."""
    def parse(word: str) -> str:
        from qualicoach.domain.deal import parse_choice
        from qualicoach.errors import InvalidValueError

        try:
            return parse_choice(word, tuple(options), what)
        except InvalidValueError:
            raise typer.BadParameter(
                f"unknown {what} '{word}'; give one of {', '.join(options)}") from None

    return parse


def checked(parse: Callable[[str], object], *, empty_clears: bool = False
            ) -> Callable[[str], str]:
    """A parser that checks a word with one of the domain's ``parse`` functions and passes
    it on as typed (the command parses it into its value): a word the domain refuses is a
    usage error, as any bad option value is, rather than invalid data (exit 3), which
    is what a bad value in a file is. With ``empty_clears``, an empty word passes unchecked
    (``deal edit --amount ''`` clears the amount)."""
    def parse_checked(word: str) -> str:
        from qualicoach.errors import InvalidValueError

        if empty_clears and not word.strip():
            return word
        try:
            parse(word)
        except InvalidValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        return word

    return parse_checked
