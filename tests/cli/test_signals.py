"""SIGTERM and SIGHUP during an interview end the prompt as Ctrl-C does."""

from __future__ import annotations

import signal
import weakref

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qualicoach.cli.interview_cmd import _stop_on_signals


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
