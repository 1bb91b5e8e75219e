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

# Each test starts qualicoach in a pseudo-terminal and types as a person does, waiting on
# the screen: pytest --all runs them.
pytestmark = pytest.mark.slow

TIMEOUT = 20
DOWN = "\x1b[B"


@pytest.fixture
def deal(run: Run, home: Home) -> str:
    home.write_framework("mini.yaml", MINI)
    return run("deal", "add", "ACME renewal", ok=True).stdout.strip()


def spawn(*args: str, columns: int = 100) -> pexpect.spawn:
    # A terminal answers cursor-position requests; pexpect does not, so tell prompt_toolkit
    # not to wait for the answer.
    env = {**os.environ, "TERM": "xterm", "COLUMNS": str(columns), "LINES": "40",
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    env.pop("QUALICOACH_DEBUG", None)
    return pexpect.spawn(sys.executable, ["-m", "qualicoach", *args], env=env,
                         encoding="utf-8", timeout=TIMEOUT, dimensions=(40, columns))


def test_a_person_types_a_whole_interview(home: Home, deal: str) -> None:
    child = spawn("interview", deal, "-F", "mini")
    child.expect("Who gave you these answers")
    child.send("Jane Doe (COO)\r")                     # once, for every answer
    child.expect("Do they agree they must change")
    child.send("1")                                    # 1) Yes, at once
    child.expect("By when")
    child.send("2027-13-01\r")                         # not a date: asked again
    child.expect("is not a real date; try again")
    child.expect("By when")
    child.send("2027-12-01\r")
    child.expect("Which pains")
    child.send(" \r")                                  # Cost
    child.expect("How urgent")
    child.send("5")                                    # 5) 5
    child.expect("Jane Doe \\(COO\\) is not a stakeholder")
    child.send("0")                                    # no, do not add
    child.expect("Readiness 88")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = Store(home.db).interviews(deal)[0].answers
    assert {a.evidence.source for a in answers.values() if a.evidence} == {"Jane Doe (COO)"}
    assert answers["mini.when"].value == "2027-12-01"


def test_a_whole_bant_meddic_alignment_interview_takes_at_most_40_prompts(home: Home,
                                                                          run: Run) -> None:
    # Typed through the real terminal: one answer per question by what it asks for, the
    # evidence once, and the stakeholder offer at the end. Every prompt answered is counted.
    run("deal", "add", "Initech platform", ok=True)
    child = spawn("interview", "initech-platform", "-F", "bant", "-F", "meddic",
                  "-F", "alignment", columns=250)
    child.expect("Who gave you these answers")
    child.send("Jane Doe, CFO\r")
    prompts = 1
    # Short marks of each kind of prompt, on a terminal wide enough not to wrap them.
    kinds = {r"press a key": "1", r"space ticks": " \r", r"YYYY-MM-DD": "2027-03-01\r",
             r"50k": "50k\r", r"\(text;": "in their words\r"}
    while True:
        # The header is printed once per question; the prompt below it may be redrawn.
        found = child.expect([r" - \d+ of \d+", r"extra question after \d+ of \d+",
                              "is not a stakeholder of this deal yet", "Full report"])
        if found == 3:
            break
        if found == 2:                                 # the one person named: the last prompt
            child.send("2")                            # add as economic buyer
            prompts += 1
            child.expect("Full report")
            break
        child.expect(list(kinds))
        child.send(kinds[child.match.re.pattern])
        prompts += 1
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = Store(home.db).interviews("initech-platform")[0].answers
    assert len(answers) >= 25 and all(a.status == "answered" for a in answers.values())
    assert prompts <= 40
    assert prompts == len(answers) + 2  # the evidence once, the stakeholder offer once
    (contact,) = Store(home.db).deal("initech-platform").contacts
    assert (contact.name, contact.role) == ("Jane Doe", "economic_buyer")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_interview_cleanly_and_keeps_the_answers(
    home: Home, deal: str, signum: int
) -> None:
    child = spawn("interview", deal, "-F", "mini", "--quick")
    child.expect("Do they agree they must change")
    child.send("1")                                    # Yes
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


def test_a_40_column_menu_cuts_long_options_with_an_ellipsis(home: Home, deal: str) -> None:
    child = spawn("interview", deal, "-F", "mini", columns=40)
    child.expect("Who gave you these answers")
    child.send("Jane Doe, Chief Operating Officer\r")
    child.expect("e\\) who said this one \\(now: Jane")
    child.expect("…")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
