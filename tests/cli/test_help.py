"""Every command and option explains itself in --help, and every command is in the README.

sqlite-utils' tests/test_docs.py is the model: what a user can type, they can read about.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
from typer.main import get_command

from qualicoach.cli.app import app

from ..helpers.home import ROOT, Home, Run


def commands() -> Iterator[tuple[list[str], Any]]:
    """Every command and group, with its path of names (the root's path is empty)."""

    def walk(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    return walk(get_command(app), [])


COMMANDS = list(commands())


# Type names and bounds as Typer prints them when a parameter has no metavar of ours.
PLACEHOLDER = re.compile(r"<[a-z]|list\[|\{[a-z_]+\}|x[<>]=|\brange\b|\[required\]")


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_every_command_and_option_has_help_and_no_type_placeholders(
        run: Run, path: list[str]) -> None:
    command = dict((tuple(p), c) for p, c in COMMANDS)[tuple(path)]
    assert command.help, f"{path}: no description"
    for param in command.params:
        assert param.help, f"{path}: {param.name} has no description"
    for flag in ("--help", "-h"):
        result = run(*path, flag, ok=True)
        assert result.stdout.startswith("Usage: qualicoach")
        assert not PLACEHOLDER.search(result.stdout), (path, PLACEHOLDER.search(result.stdout))
        assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_help_lists_every_option_with_its_value_name(run: Run) -> None:
    text = run("deals", "--help", ok=True).stdout
    assert "--closing-within DAYS" in text and "--limit N" in text and "--stage STAGE" in text
    assert "--db FILE" in text and "--frameworks-dir FOLDER" in text
    assert run("report", "-h", ok=True).stdout.startswith(
        "Usage: qualicoach report [OPTIONS] DEAL\n")
    assert run("interview", "-h", ok=True).stdout.startswith(
        "Usage: qualicoach interview [OPTIONS] [DEAL]\n")


# A command as the README writes it: `qualicoach deal add|show|edit ...` names three.
README_COMMAND = re.compile(r"`qualicoach ((?:[a-z][a-z-]*(?:\|[a-z][a-z-]*)*)(?: [a-z][a-z-]*"
                            r"(?:\|[a-z][a-z-]*)*)*)")


def readme_commands() -> set[tuple[str, ...]]:
    """Every command path the README names, with the groups above it."""
    found: set[tuple[str, ...]] = set()
    for words in README_COMMAND.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        for path in itertools.product(*(word.split("|") for word in words.split())):
            found.update(path[:n] for n in range(1, len(path) + 1))
    return found


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS if p], ids=" ".join)
def test_every_command_is_in_the_readme(path: list[str]) -> None:
    assert tuple(path) in readme_commands(), f"README.md: no `qualicoach {' '.join(path)}`"


def test_help_scoring_prints_the_scoring_guide(run: Run) -> None:
    text = run("help", "scoring", ok=True).stdout
    assert text == (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")


def test_help_lists_the_guides_and_refuses_others(run: Run) -> None:
    listed = run("help", ok=True).stdout
    assert "scoring" in listed and "import" in listed
    refused = run("help", "pricing")
    assert refused.exit_code == 2
    assert "no guide 'pricing'; guides: scoring, frameworks, import, self-assessment, team" in (
        refused.stderr)


def test_every_guide_ships_in_the_package() -> None:
    from qualicoach.cli.help_cmd import TOPICS

    build = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    wheel = build[build.index("[tool.hatch.build.targets.wheel.force-include]"):]
    assert '\n"docs" = "qualicoach/docs"\n' in wheel[:wheel.index("\n[", 1)]
    for guide, _ in TOPICS.values():
        assert (ROOT / "docs" / guide).is_file(), guide


def test_a_reps_outputs_never_cite_a_file_of_the_source_tree(run: Run, home: Home) -> None:
    deal = run("deal", "add", "ACME renewal", "--stage", "proposal", ok=True).stdout.strip()
    answers = home.root / "a.yaml"
    answers.write_text("alignment: {org_acknowledges_need: nobody, priority_rank: unranked}\n")
    run("interview", deal, "--answers", str(answers), ok=True)
    run("deal", "close", deal, "--outcome", "no_decision", "--reason", "status quo", ok=True)
    outputs = [run("report", deal, "--full", ok=True).stdout,
               run("report", deal, "-f", "markdown", ok=True).stdout,
               run("report", deal, "-f", "html", ok=True).stdout,
               run("lookback", ok=True).stdout]
    for output in outputs:
        assert "docs/" not in output and ".md)" not in output
    assert any("qualicoach help scoring" in output for output in outputs)
