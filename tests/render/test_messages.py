"""Messages on stderr: whole words in a terminal, one line for scripts."""

from __future__ import annotations

import io

import pytest

from qualicoach.render.console import stderr_line, wrap_message

MESSAGE = ("qualicoach: cannot write a .pdf file: write .html and print it to PDF from the "
           "browser (it is laid out for A4 and Letter)")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_message_in_an_80_column_terminal_breaks_between_words(
        monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("COLUMNS", "80")
    stderr_line(MESSAGE)
    lines = terminal.getvalue().splitlines()
    assert len(lines) == 2 and all(len(line) <= 80 for line in lines)
    assert lines[0].endswith(" the") and lines[1] == "  browser (it is laid out for A4 and Letter)"


def test_a_piped_message_stays_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    monkeypatch.setenv("COLUMNS", "80")
    stderr_line(MESSAGE)
    assert piped.getvalue() == MESSAGE + "\n"


def test_a_word_longer_than_the_line_is_kept_whole() -> None:
    path = "/home/rep/" + "x" * 90 + ".csv"
    wrapped = wrap_message(f"cannot read {path}: No such file", 80)
    assert path in wrapped.splitlines()[1]


@pytest.mark.parametrize("width", [40, 80])
def test_a_prompt_and_its_hint_break_between_words(width: int) -> None:
    from qualicoach.cli.terminal import fold

    message = "Who gave you these answers?"
    hint = "(who was on the call: 'Jane Doe, CFO; Bob Lee'. Enter: our own view)"
    shown, folded = fold(message, hint, width)
    screen = f"? {shown} {folded}"
    assert all(len(line) <= width for line in screen.splitlines()), screen
    assert screen.split() == f"? {message} {hint}".split()  # every word whole
