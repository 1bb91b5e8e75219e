"""End to end: the installed program in a real pseudo-terminal, typed at as a person would.

Every expect has a timeout, so a hung prompt fails the test instead of hanging CI.
"""

from __future__ import annotations

import os
import signal
import sys

import pexpect
import pytest

from qualicoach.storage.store import Store

from ..helpers.frameworks import MINI
from ..helpers.home import Home, Run

TIMEOUT = 20
DOWN = "\x1b[B"


@pytest.fixture
def deal(run: Run, home: Home) -> str:
    home.write_framework("mini.yaml", MINI)
    return run("deal", "add", "ACME renewal", ok=True).stdout.strip()


def spawn(*args: str) -> pexpect.spawn:
    # A terminal answers cursor-position requests; pexpect does not, so tell prompt_toolkit
    # not to wait for the answer.
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100", "LINES": "40",
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("QUALICOACH_DEBUG", None)
    return pexpect.spawn(sys.executable, ["-m", "qualicoach", *args], env=env,
                         encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100))


def test_a_person_types_a_whole_interview(home: Home, deal: str) -> None:
    child = spawn("interview", deal, "-F", "mini")
    child.expect("Do they agree they must change")
    child.send("\r")                                   # Yes
    child.expect("Who said it")
    child.send("Jane Doe (COO)\r")
    child.expect("Confirmed by the customer")
    child.send("y")
    child.expect("Note")
    child.send("\r")
    child.expect("By when")
    child.send("2027-13-01\r")                         # not a date: asked again
    child.expect("is not a real date; try again")
    child.expect("By when")
    child.send("2027-12-01\r")
    child.expect("Who said it")
    child.send("\r")
    child.expect("Note")
    child.send("\r")
    child.expect("Which pains")
    child.send(" \r")                                  # Cost
    child.expect("Who said it")
    child.send("\r")
    child.expect("Note")
    child.send("\r")
    child.expect("How urgent")
    child.send(DOWN * 4 + "\r")                        # 5
    child.expect("Who said it")
    child.send("\r")
    child.expect("Note")
    child.send("\r")
    child.expect("Readiness 88")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = Store(home.db).interviews(deal)[0].answers
    assert answers["mini.agreed"].evidence.source == "Jane Doe (COO)"  # type: ignore[union-attr]
    assert answers["mini.when"].value == "2027-12-01"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_interview_cleanly_and_keeps_the_answers(
    home: Home, deal: str, signum: int
) -> None:
    child = spawn("interview", deal, "-F", "mini", "--quick")
    child.expect("Do they agree they must change")
    child.send("\r")
    child.expect("By when")
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    (interview,) = Store(home.db).interviews(deal)
    assert interview.status == "interrupted"
    assert interview.answers["mini.agreed"].value == "yes"


def test_ctrl_c_prints_how_to_resume(deal: str) -> None:
    child = spawn("interview", deal, "-F", "mini", "--quick")
    child.expect("Do they agree they must change")
    child.sendintr()
    child.expect("Resume with: qualicoach interview acme-renewal --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
