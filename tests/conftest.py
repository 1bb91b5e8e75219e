"""Shared fixtures: every test gets its own database, config and framework folders."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from qualicoach.cli.app import app
from qualicoach.cli.context import RunOptions
from qualicoach.coaching.prompts import Prompter

from .helpers.home import Home, Run

SLOW = "slow"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all", action="store_true", dest="run_all",
                     help="Run every test, the ones marked slow too (the README's test "
                     "command and .ci/run do; plain pytest is the quick loop).")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Plain ``pytest`` leaves out the tests marked slow (killed processes, concurrent
    writers, a real browser): the loop a developer runs after every change. ``--all``, an
    explicit ``-m``, or a test named by its id (``file.py::test``) runs them."""
    if (config.getoption("run_all") or config.getoption("markexpr")
            or any("::" in str(arg) for arg in config.args)):
        return
    slow = [item for item in items if item.get_closest_marker(SLOW) is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker(SLOW) is None]
        config.stash[_LEFT_OUT] = len(slow)


_LEFT_OUT = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter,
                            config: pytest.Config) -> None:
    left_out = config.stash.get(_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(f"{left_out} slow tests left out: pytest --all runs "
                                    "every test")


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """Point every qualicoach path at a fresh temporary folder, for every test."""
    root = tmp_path / "home"
    h = Home(root, root / "data" / "qualicoach.json", root / "config", root / "team")
    h.team_frameworks.mkdir(parents=True)
    monkeypatch.setenv("QUALICOACH_DB", str(h.db))
    monkeypatch.setenv("QUALICOACH_CONFIG_DIR", str(h.config_dir))
    monkeypatch.setenv("QUALICOACH_DATA_DIR", str(root / "data"))
    monkeypatch.setenv("QUALICOACH_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("QUALICOACH_FRAMEWORKS", str(h.team_frameworks))
    monkeypatch.setenv("HOME", str(root))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    # Bugs should fail tests with their traceback, not as a tidy "internal error" line.
    monkeypatch.setenv("QUALICOACH_DEBUG", "1")
    return h



@pytest.fixture
def run() -> Run:
    """Run the CLI in-process: ``run("frameworks", "list")`` returns the click Result."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, ok: bool | None = None,
               prompter: Prompter | None = None) -> Result:
        # A scripted prompter stands in for the rep at a terminal.
        options = RunOptions(prompter=prompter,
                             is_terminal=(lambda: True) if prompter is not None else None)
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False,
                               obj=options)
        if ok is True:
            assert result.exit_code == 0, result.output
        return result

    return invoke
