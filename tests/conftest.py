"""Shared fixtures: every test gets its own database, config and framework folders."""

from __future__ import annotations

import os
import shutil
import tempfile
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


def _leaves_out_slow(config: pytest.Config) -> bool:
    """Whether this run leaves out the tests marked slow: plain ``pytest`` (or one given
    folders) does; ``--all``, an explicit ``-m``, or a test file or test named on the
    command line (``file.py``, ``file.py::test``) runs them."""
    return not (config.getoption("run_all") or config.getoption("markexpr")
                or _names_files(config))


def _names_files(config: pytest.Config) -> bool:
    """Whether the command line names a test file or a test (``file.py``, ``file.py::t``)."""
    return any(str(arg).split("::")[0].endswith(".py") for arg in config.args)


# A folder in memory, where the quick loop keeps its temporary files (see pytest_configure).
RAM_FOLDER = Path("/dev/shm")


def pytest_configure(config: pytest.Config) -> None:
    """The quick loop's temporary files go to memory, where available: every test writes
    a database, and each write waits for the disk (fsync) as a user's must. On a disk
    shared with other work that waiting was about half the loop's time. Runs with
    --all keep the real temporary folder, on disk as a user's data is."""
    if (_leaves_out_slow(config) and config.option.basetemp is None
            and not hasattr(config, "workerinput")  # pytest-xdist: the controller chose
            and RAM_FOLDER.is_dir() and os.access(RAM_FOLDER, os.W_OK)):
        config.option.basetemp = tempfile.mkdtemp(prefix="qualicoach-tests-", dir=RAM_FOLDER)
        config.add_cleanup(lambda: shutil.rmtree(config.option.basetemp, ignore_errors=True))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Plain ``pytest`` is the loop a developer runs after every change, so it leaves out
    the slow tests (a killed process, concurrent writers, a real browser, an interpreter
    per module, thousands of generated examples)."""
    if not _leaves_out_slow(config):
        return
    slow = [item for item in items if item.get_closest_marker(SLOW) is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker(SLOW) is None]


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (the default, from pyproject.toml): a worker per core for a folder or the
    whole suite; none for a test file or test named on the command line, where starting
    workers would take longer than the tests."""
    return 0 if _names_files(config) else None


def pytest_report_header(config: pytest.Config) -> str | None:
    # Said first, in the controller too when pytest-xdist runs the tests in workers.
    return ("the tests marked slow are left out: pytest --all runs every test"
            if _leaves_out_slow(config) else None)


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
