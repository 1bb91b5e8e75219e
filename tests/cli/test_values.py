"""Option and argument values are converted without pydantic, as Typer would convert them."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from typer.testing import CliRunner

from qualicoach.cli.command import CliTyper
from qualicoach.storage.store import Store

from ..helpers.home import Home

# --- no pydantic on a run -----------------------------------------------------------------

PYDANTIC_RUN = """
import sys
from qualicoach.cli.app import main
code = main(sys.argv[1:])
print("pydantic" if "pydantic" in sys.modules else "no pydantic", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.parametrize("args", [
    ["deals", "--at-risk", "--format", "json", "--sort", "close", "--limit", "5",
     "--stale", "3"],
    ["report", "acme"],
    ["deal", "show", "acme", "--db", "DB"],
    ["history", "acme"],
    ["frameworks", "list"],
    ["deal", "--help"],
])
def test_a_run_does_not_import_pydantic(home: Home, args: list[str]) -> None:
    # Importing it and building its validators was a quarter of a one-deal report's start.
    Store(home.db).add_deal("Acme")
    args = [str(home.db) if a == "DB" else a for a in args]
    done = subprocess.run([sys.executable, "-c", PYDANTIC_RUN, *args], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "no pydantic"


# --- what a command receives --------------------------------------------------------------

class Colour(Enum):
    RED = "red"
    GREEN = "green"


received: dict[str, Any] = {}
sample = CliTyper(rich_markup_mode=None, pretty_exceptions_enable=False)


@sample.command()
def take(
    name: str,
    count: Annotated[int, typer.Option(min=1, max=10)] = 1,
    colour: Annotated[Colour, typer.Option(case_sensitive=False)] = Colour.RED,
    tag: Annotated[list[str] | None, typer.Option()] = None,
    folder: Annotated[list[Path] | None, typer.Option(file_okay=False)] = None,
    out: Annotated[Path | None, typer.Option(dir_okay=False)] = None,
    loud: Annotated[bool, typer.Option("--loud/--quiet")] = False,
) -> None:
    """Records what it was given."""
    received.update(name=name, count=count, colour=colour, tag=tag, folder=folder, out=out,
                    loud=loud)


@sample.command()
def other() -> None:
    """Makes ``take`` a command of its own rather than the whole app."""


def take_(*args: str) -> tuple[int, str]:
    received.clear()
    result = CliRunner().invoke(sample, ["take", *args])
    return result.exit_code, result.output.strip().splitlines()[-1] if result.output else ""


def test_each_kind_arrives_as_its_type(tmp_path: Path) -> None:
    code, _ = take_("acme", "--count", "3", "--colour", "GREEN", "--tag", "a", "--tag", "b",
                    "--folder", str(tmp_path), "--out", str(tmp_path / "x.json"), "--loud")
    assert code == 0
    assert received == {"name": "acme", "count": 3, "colour": Colour.GREEN, "tag": ["a", "b"],
                        "folder": [tmp_path], "out": tmp_path / "x.json", "loud": True}


def test_defaults_arrive_untouched() -> None:
    assert take_("acme")[0] == 0
    assert received == {"name": "acme", "count": 1, "colour": Colour.RED, "tag": None,
                        "folder": None, "out": None, "loud": False}


@pytest.mark.parametrize("args,message", [
    (["--count", "0"], "Invalid value for '--count': 0 is too small: give 1 or more"),
    (["--count", "11"], "Invalid value for '--count': 11 is too large: give 10 or less"),
    (["--count", "2.5"], "Invalid value for '--count': '2.5' is not a whole number"),
    (["--colour", "blue"], "Invalid value for '--colour': 'blue' is not one of 'red', "
                           "'green'."),
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


def test_every_parameter_of_every_command_is_converted_here() -> None:
    # A new kind of parameter would fall back to Typer, and to pydantic's messages.
    from typer.main import get_command

    from qualicoach.cli.app import build_app
    from qualicoach.cli.values import PlainValue, convert_plainly

    def params(command: Any) -> list[Any]:
        found = list(command.params)
        for sub in getattr(command, "commands", {}).values():
            found += params(sub)
        return found

    every = params(get_command(build_app()))
    convert_plainly(every)
    unconverted = [p.name for p in every if not isinstance(p._runtime_param, PlainValue)]
    assert every and unconverted == []
