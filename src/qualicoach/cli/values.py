"""Command-line words into values, without pydantic.

Typer (0.2x) converts every value that is not a flag through a pydantic ``TypeAdapter``
built when the command runs. Importing pydantic and building those adapters was about a
quarter of a one-deal command's start-up (``python -X importtime``: ``typer._adapters``,
100 ms of 400 on this machine), paid to turn a deal's name into a ``str``. Our parameters
are of a few plain kinds: text, whole numbers with bounds, choices from an enum, paths, and
lists of those. This module converts them itself, with Typer's own checks for choices and
paths and with messages in the user's words, and leaves any other kind to Typer.

Typer's seam for this is ``get_runtime_param`` on its parameters, which builds the
converter on first use and keeps it in ``_runtime_param``; the checks are
``typer._param_types``'s. Where a Typer release lacks any of them, nothing is installed
and Typer converts as before; ``tests/cli/test_values.py`` notices if a run imports
pydantic again.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any, get_args, get_origin

import typer

_Convert = Callable[[Any, Any, Any], Any]


class PlainValue:
    """Converts one parameter's words: ``coerce`` as Typer's own converters do."""

    def __init__(self, convert: _Convert) -> None:
        self._convert = convert

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """The value ``param`` takes from ``value`` (a word, or a tuple of words)."""
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        if not many:
            return self._convert(value, param, ctx)
        if isinstance(value, str):
            raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
        return [self._convert(item, param, ctx) for item in value]


def _text(value: Any, param: Any, ctx: Any) -> str:
    if isinstance(value, bytes):
        return os.fsdecode(value)
    return str(value)


_YES = frozenset({"1", "true", "t", "yes", "y", "on"})
_NO = frozenset({"", "0", "false", "f", "no", "n", "off"})


def _yes_or_no(value: Any, param: Any, ctx: Any) -> bool:
    # A flag's value is a bool already; a word comes from an environment variable.
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _YES or word in _NO:
        return word in _YES
    raise typer.BadParameter(f"'{value}' is not yes or no", ctx=ctx, param=param)


# As pydantic took them: ASCII digits (int() alone takes any script's), a sign, a zero
# fraction ("5.0"), spaces around.
_WHOLE = re.compile(r"\s*([+-]?[0-9](?:_?[0-9])*)(?:\.0*)?\s*", re.ASCII)


def _whole_number(value: Any, param: Any, ctx: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise typer.BadParameter(f"'{value}' is not a whole number", ctx=ctx, param=param)
    if isinstance(value, int):
        number = value
    elif match := _WHOLE.fullmatch(value):
        number = int(match[1])
    else:
        raise typer.BadParameter(f"'{value}' is not a whole number", ctx=ctx, param=param)
    info = param.type_descriptor.parameter_info
    if info.min is not None and number < info.min:
        raise typer.BadParameter(f"{value} is too small: give {info.min} or more", ctx=ctx,
                                 param=param)
    if info.max is not None and number > info.max:
        raise typer.BadParameter(f"{value} is too large: give {info.max} or less", ctx=ctx,
                                 param=param)
    return number


def _choice(choices: type[Enum], checks: ModuleType) -> _Convert:
    def convert(value: Any, param: Any, ctx: Any) -> Any:
        try:
            return checks.coerce_cli_choice(
                value, choices=list(choices), ctx=ctx,
                case_sensitive=param.type_descriptor.parameter_info.case_sensitive)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), ctx=ctx, param=param) from None

    return convert


def _path(checks: ModuleType) -> _Convert:
    def convert(value: Any, param: Any, ctx: Any) -> Any:
        info = param.type_descriptor.parameter_info
        # Checked as the word given (path_type None: no TypeAdapter, and its messages name
        # the path as typed, './missing.csv' rather than 'missing.csv'), then made a Path.
        checked = checks.coerce_cli_path(value, info, path_type=None, param=param, ctx=ctx)
        return Path(os.fsdecode(checked)) if isinstance(checked, str | bytes) else checked

    return convert


@functools.cache
def _typer_checks() -> ModuleType | None:
    """Typer's checks of choices and paths, where this Typer has the seam."""
    import typer.core

    try:
        from typer import _param_types as checks
    except ImportError:
        return None
    parameter = getattr(typer.core, "_TyperParameter", None)
    if not hasattr(parameter, "get_runtime_param") or not all(
            hasattr(checks, name) for name in ("coerce_cli_choice", "coerce_cli_path")):
        return None
    return checks


def _converter(annotation: Any, info: Any, checks: ModuleType) -> _Convert | None:
    if getattr(info, "parser", None) is not None or getattr(info, "clamp", False):
        return None
    if get_origin(annotation) is list:
        (annotation,) = get_args(annotation)
    if annotation is str:
        return _text
    if annotation is bool:
        return _yes_or_no
    if annotation is int:
        return _whole_number
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation, checks)
    if annotation is Path and info.path_type in (None, Path):
        return _path(checks)
    return None


def convert_plainly(params: list[Any]) -> None:
    """Give each parameter of a plain kind a converter from this module; leave the rest
    (and every parameter, where Typer lacks the seam) to Typer."""
    checks = _typer_checks()
    if checks is None:
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(descriptor, "file_annotation", None) is not None:
            continue
        if isinstance(getattr(param, "_runtime_param", None), PlainValue):
            continue
        convert = _converter(descriptor.annotation, descriptor.parameter_info, checks)
        if convert is not None:
            param._runtime_param = PlainValue(convert)
