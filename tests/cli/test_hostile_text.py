"""Text from users and imports is shown as text in every output.

One rule (``qualicoach.render.console``): control characters, C1 controls and bidi
controls become visible escapes in terminal output and CSV, ``\\uXXXX`` in JSON; Rich
markup is never interpreted; a CSV cell never starts a formula.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.plain_text import PlainTextOutput

from qualicoach.cli import terminal

from ..helpers.home import Home, Run

# An OSC 52 clipboard write, a bell, a clear screen, a C1 CSI, a right-to-left override,
# Rich markup and a spreadsheet formula.
NAME = "Evil\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m\u202eexe.txt [red]x[/red]"
ACCOUNT = '=HYPERLINK("http://evil","click")\u2066'
NOTE = "said\x1b[8m hidden\x07\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")

FRAMEWORK = """\
id: talk
name: Talk
version: "1"
perspective: readiness
elements:
  - id: need
    name: Need
    questions:
      - id: agreed
        prompt: Do they agree they must change?
        type: yes_no
      - id: pain
        prompt: What hurts?
        customer_prompt: What hurts you?
        type: text
"""


@pytest.fixture
def deal(run: Run, home: Home, tmp_path: Path) -> str:
    home.write_framework("talk.yaml", FRAMEWORK)
    deal_id = run("deal", "add", NAME, "--account", ACCOUNT, "--owner", NAME, "--next-step",
                  NAME, "--tag", "t\x1bx", ok=True).stdout.strip()
    run("deal", "edit", deal_id, "--account", ACCOUNT + "!", ok=True)  # a recorded change
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"talk": {
        "agreed": {"value": "no", "note": NOTE, "evidence": NAME},
        "pain": {"value": NAME, "note": NOTE}}}))
    run("interview", deal_id, "--answers", str(answers), ok=True)
    return deal_id


def assert_no_raw_codes(text: str) -> None:
    assert not [c for c in RAW if c in text], repr(text)


OUTPUTS = {
    "deals table": ("deals",),
    "deals ids": ("deals", "--format", "ids"),
    "report text": ("report", "DEAL"),
    "report markdown": ("report", "DEAL", "--format", "markdown"),
    "report customer": ("report", "DEAL", "--for", "customer", "--format", "markdown"),
    "report html": ("report", "DEAL", "--format", "html"),
    "report svg": ("report", "DEAL", "--format", "svg"),
    "history": ("history", "DEAL"),
    "deal show": ("deal", "show", "DEAL"),
}


@pytest.mark.parametrize("args", OUTPUTS.values(), ids=OUTPUTS.keys())
def test_text_outputs_show_codes_as_escapes(run: Run, deal: str, args: tuple[str, ...]) -> None:
    result = run(*(deal if a == "DEAL" else a for a in args), ok=True)
    assert_no_raw_codes(result.stdout)
    if args[0] != "deals":
        # Markdown escapes backslashes and brackets; SVG writes spaces as &#160;.
        shown = result.stdout.replace("\\", "").replace("&#160;", " ")
        assert "x1b]52;c;ZXZpbA==x07x1b[2Jx9b31mu202eexe.txt [red]x[/red]" in shown


JSON_OUTPUTS = {
    "deals": ("deals", "--format", "json"),
    "export": ("export", "--format", "json"),
    "report": ("report", "DEAL", "--format", "json"),
    "history": ("history", "DEAL", "--format", "json"),
    "deal show": ("deal", "show", "DEAL", "--format", "json"),
}


@pytest.mark.parametrize("args", JSON_OUTPUTS.values(), ids=JSON_OUTPUTS.keys())
def test_json_escapes_codes_and_keeps_the_text(run: Run, deal: str,
                                              args: tuple[str, ...]) -> None:
    result = run(*(deal if a == "DEAL" else a for a in args), ok=True)
    assert_no_raw_codes(result.stdout)
    if args[0] != "history":  # (which has no names)
        assert "\\u009b31m\\u202eexe.txt" in result.stdout
        assert NAME in strings_in(json.loads(result.stdout))  # the same data for a program


def strings_in(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in strings_in(key) + strings_in(value)]
    if isinstance(data, list):
        return [s for item in data for s in strings_in(item)]
    return []


@pytest.mark.parametrize("command", ["deals", "export"])
def test_csv_cells_are_text(run: Run, deal: str, command: str) -> None:
    result = run(command, "--format", "csv", ok=True)
    assert_no_raw_codes(result.stdout)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["name"].startswith("Evil\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\x9b31m\\u202e")
    assert rows[0]["account"] == '\'=HYPERLINK("http://evil","click")\\u2066!'
    if command == "export":
        assert rows[0]["answer:talk.pain"].startswith("Evil\\x1b]52")


def test_the_interview_deal_picker_shows_codes_as_escapes(
    run: Run, deal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal, "stdin_is_terminal", lambda: True)
    screen = io.StringIO()
    with create_pipe_input() as keys, create_app_session(input=keys,
                                                         output=PlainTextOutput(screen)):
        # The picker lists the deals as the rep types: give the list time to draw (under
        # load too), then Ctrl-C.
        keys.send_text("Evil")
        stop = threading.Timer(1.0, keys.send_text, ["\x03"])
        stop.start()
        run("interview")
        stop.join()
    shown = screen.getvalue()
    assert "Evil\\x1b]52;c;ZXZpbA==\\x07" in shown
    assert_no_raw_codes(shown)
