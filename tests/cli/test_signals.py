"""SIGTERM and SIGHUP during an interview end the prompt as Ctrl-C does."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import weakref

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qualicoach.cli.interview_cmd import _stop_on_signals
from qualicoach.storage.store import Store

from ..helpers.home import Home


@pytest.mark.timeout(20)
def test_a_signal_that_lands_in_a_weakref_callback_still_ends_the_prompt() -> None:
    """Python runs a signal handler between any two bytecodes, also inside a weakref
    callback, where an exception is printed and dropped: raising KeyboardInterrupt there
    left the prompt waiting for ever (seen under load, pty tests)."""
    restore = _stop_on_signals()
    try:
        handler = signal.getsignal(signal.SIGTERM)
        assert callable(handler)

        class Thing:
            pass

        def signal_inside_a_weakref_callback() -> None:
            thing = Thing()
            ref = weakref.ref(thing, lambda _: handler(signal.SIGTERM, None))
            del thing  # the callback runs now
            assert ref() is None

        with create_pipe_input() as pipe:
            session: PromptSession[str] = PromptSession(input=pipe, output=DummyOutput())
            with pytest.raises(KeyboardInterrupt):
                session.prompt("By when? ", pre_run=signal_inside_a_weakref_callback)
    finally:
        restore()


def test_a_signal_between_prompts_is_a_keyboard_interrupt() -> None:
    restore = _stop_on_signals()
    try:
        handler = signal.getsignal(signal.SIGHUP)
        assert callable(handler)
        with pytest.raises(KeyboardInterrupt):
            handler(signal.SIGHUP, None)
    finally:
        restore()


# --- a reader that leaves early (`qualicoach demo | head`) ----------------------------------

EARLY_READER_RUN = """
import sys
from qualicoach.cli.app import console
sys.argv = ["qualicoach", *sys.argv[1:]]
sys.exit(console())
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("args", [
    ["demo", "--deals", "12"],  # printed through Rich
    ["deals", "--all"],  # a plain table
    ["deals", "--all", "--format", "json"],
])
def test_output_to_a_reader_that_has_left_ends_the_command_as_a_success(
        home: Home, args: list[str]) -> None:
    if args[0] == "deals":
        Store(home.db).add_deal("Acme")
    # The reader's end is closed before the command writes: its first write finds no one.
    read_end, write_end = os.pipe()
    os.close(read_end)
    # Buffered, as a user's shell runs it: the last of the output then meets the closed
    # pipe only when Python flushes it on the way out.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    try:
        done = subprocess.run([sys.executable, "-c", EARLY_READER_RUN, *args], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=60, env=env)
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_progress_console_whose_reader_left_falls_silent_and_the_command_goes_on(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from qualicoach.render.console import make_console

    read_end, write_end = os.pipe()
    os.close(read_end)
    gone = os.fdopen(write_end, "w", buffering=1)  # each line written as it comes
    monkeypatch.setattr(sys, "stderr", gone)
    try:
        console = make_console(stderr=True)
        console.print("Scoring them...")  # no exception: stdout's output goes on
        assert console.quiet
    finally:
        monkeypatch.undo()
        with contextlib.suppress(BrokenPipeError):
            gone.close()
