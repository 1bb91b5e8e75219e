"""Option and argument values arrive as their types, and a bad one is said in words."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from qualicoach.cli.command import CliTyper
from qualicoach.cli.values import choice, one_of, whole_number

# --- what a command receives --------------------------------------------------------------

class Colour(Enum):
    RED = "red"
    GREEN = "green"


received: dict[str, Any] = {}
sample = CliTyper(rich_markup_mode=None, pretty_exceptions_enable=False)


@sample.command()
def take(
    name: str,
    count: Annotated[int, typer.Option(parser=whole_number(1, 10))] = 1,
    colour: Annotated[Colour, typer.Option(parser=choice(Colour))] = Colour.RED,
    stage: Annotated[str | None, typer.Option(parser=one_of(("early", "late_stage"),
                                                             "stage"))] = None,
    tag: Annotated[list[str] | None, typer.Option()] = None,
    folder: Annotated[list[Path] | None, typer.Option(file_okay=False)] = None,
    out: Annotated[Path | None, typer.Option(dir_okay=False)] = None,
    loud: Annotated[bool, typer.Option("--loud/--quiet")] = False,
) -> None:
    """Records what it was given."""
    received.update(name=name, count=count, colour=colour, stage=stage, tag=tag,
                    folder=folder, out=out, loud=loud)


@sample.command()
def other() -> None:
    """Makes ``take`` a command of its own rather than the whole app."""


def take_(*args: str) -> tuple[int, str]:
    received.clear()
    result = CliRunner().invoke(sample, ["take", *args])
    return result.exit_code, result.output.strip().splitlines()[-1] if result.output else ""


def test_each_kind_arrives_as_its_type(tmp_path: Path) -> None:
    code, _ = take_("acme", "--count", "3", "--colour", "green", "--stage", "Late-Stage",
                    "--tag", "a", "--tag", "b",
                    "--folder", str(tmp_path), "--out", str(tmp_path / "x.json"), "--loud")
    assert code == 0
    assert received == {"name": "acme", "count": 3, "colour": Colour.GREEN,
                        "stage": "late_stage", "tag": ["a", "b"],
                        "folder": [tmp_path], "out": tmp_path / "x.json", "loud": True}


def test_defaults_arrive_untouched() -> None:
    assert take_("acme")[0] == 0
    assert received == {"name": "acme", "count": 1, "colour": Colour.RED, "stage": None,
                        "tag": None,
                        "folder": None, "out": None, "loud": False}


@pytest.mark.parametrize("args,message", [
    (["--count", "0"], "Invalid value for '--count': 0 is too small: give 1 or more"),
    (["--count", "11"], "Invalid value for '--count': 11 is too large: give 10 or less"),
    (["--count", "2.5"], "Invalid value for '--count': '2.5' is not a whole number"),
    (["--colour", "blue"], "Invalid value for '--colour': 'blue' is not one of 'red', "
                           "'green'."),
    (["--colour", "GREEN"], "Invalid value for '--colour': 'GREEN' is not one of 'red', "
                            "'green'."),
    (["--stage", "erly"], "Invalid value for '--stage': unknown stage 'erly'; give one of "
                          "early, late_stage"),
])
def test_a_bad_value_is_said_in_words(args: list[str], message: str) -> None:
    code, last = take_("acme", *args)
    assert code == 2
    assert last == f"Error: {message}"


def test_a_path_is_checked_as_typer_checks_it_and_named_as_typed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("")
    (tmp_path / "d").mkdir()
    assert take_("acme", "--out", "./d//") == (
        2, "Error: Invalid value for '--out': file './d//' is a directory.")
    assert take_("acme", "--folder", "./f") == (
        2, "Error: Invalid value for '--folder': dir './f' is a file.")
    assert take_("acme", "--out", "./new.json")[0] == 0
    assert received["out"] == Path("new.json")


@pytest.mark.parametrize("word,number", [("3", 3), (" 4 ", 4), ("+5", 5), ("5.0", 5),
                                         ("1_0", 10)])
def test_a_whole_number_is_read_as_pydantic_read_it(word: str, number: int) -> None:
    assert take_("acme", "--count", word)[0] == 0
    assert received["count"] == number


@pytest.mark.parametrize("word", ["2.5", "\u0665", "0x10", "1e3", "", "x"])  # \u0665: 5
def test_anything_else_is_not_a_whole_number(word: str) -> None:
    assert take_("acme", "--count", word) == (
        2, f"Error: Invalid value for '--count': '{word}' is not a whole number")


def test_a_bound_is_said_with_the_number_as_typed() -> None:
    assert take_("acme", "--count", "-01")[1] == (
        "Error: Invalid value for '--count': -01 is too small: give 1 or more")
