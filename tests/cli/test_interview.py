"""``qualicoach interview`` driven through real questionary prompts with pipe input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

from qualicoach.cli import terminal
from qualicoach.coaching.asking import BACK, HELP, NOTE, SKIP, WHO
from qualicoach.coaching.prompts import SEARCH_SHOWN, Interrupted, Option, filter_options
from qualicoach.domain.answer import Evidence
from qualicoach.frameworks.model import UNCLEAR, UNKNOWN
from qualicoach.storage.store import Store

from ..helpers.frameworks import MINI
from ..helpers.home import Home, Run
from ..helpers.prompter import ENTER, EveryPrompt, ScriptedPrompter

DOWN, RETURN, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[PipeInput]:
    """Keys typed into every prompt of the run, through a real prompt_toolkit pipe."""
    monkeypatch.setattr(terminal, "stdin_is_terminal", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


@pytest.fixture
def deal(run: Run, home: Home) -> str:
    home.write_framework("mini.yaml", MINI)
    return run("deal", "add", "ACME renewal", ok=True).stdout.strip()


def answers_of(home: Home, deal_id: str) -> list[tuple[str, dict[str, object]]]:
    store = Store(home.db)
    return [(i.status, {k: (a.status, a.value) for k, a in i.answers.items()})
            for i in store.interviews(deal_id)]


def test_a_whole_interview_is_stored(run: Run, home: Home, deal: str, keyboard: PipeInput) -> None:
    # The one test of the terminal adapter through a real prompt_toolkit pipe: a select's
    # key answers at once, a checkbox ticks with space, text ends with Enter.
    keyboard.send_text(
        "1"                           # agreed: 1) Yes
        + "2027-01-15" + RETURN        # when
        + SPACE + DOWN + SPACE + RETURN  # pains: Cost and Risk
        + "4"                         # level: 4
    )
    result = run("interview", deal, "-F", "mini", "--quick")
    assert result.exit_code == 0, result.output
    assert answers_of(home, deal) == [("finished", {
        "mini.agreed": ("answered", "yes"), "mini.when": ("answered", "2027-01-15"),
        "mini.pains": ("answered", ["cost", "risk"]), "mini.level": ("answered", 4.0)})]
    assert "Need - 1 of 4" in result.stdout and "Need - 4 of 4" in result.stdout
    assert "Readiness 94" in result.stdout


def test_question_mark_shows_the_help_in_a_select_and_a_checkbox(run: Run, deal: str,
                                                                 keyboard: PipeInput) -> None:
    keyboard.send_text("?" + "1" + "2027-01-15" + RETURN + "?" + CTRL_C)
    result = run("interview", deal, "-F", "mini", "--quick")
    assert result.stdout.count("WHY-TEXT") == 1 and "HOW-TEXT" in result.stdout
    assert result.stdout.count("No coaching notes for this question.") == 1  # 'Which pains?'


def test_ctrl_c_keeps_a_valid_answer_typed_but_not_entered(run: Run, home: Home, deal: str,
                                                          keyboard: PipeInput) -> None:
    keyboard.send_text("1" + "2027-01-15" + CTRL_C)
    result = run("interview", deal, "-F", "mini", "--quick")
    assert result.exit_code == 130
    assert answers_of(home, deal)[0][1]["mini.when"] == ("answered", "2027-01-15")
    assert "All 2 answers so far are saved" in result.stderr


def test_ctrl_c_keeps_the_ticks_of_a_checkbox(run: Run, home: Home, deal: str,
                                             keyboard: PipeInput) -> None:
    keyboard.send_text("1" + RETURN + DOWN + SPACE + CTRL_C)
    run("interview", deal, "-F", "mini", "--quick")
    assert answers_of(home, deal)[0][1]["mini.pains"] == ("answered", ["risk"])


def test_ctrl_c_shows_typed_text_that_is_not_an_answer(run: Run, home: Home, deal: str,
                                                      keyboard: PipeInput) -> None:
    keyboard.send_text("Jane Do" + CTRL_C)
    result = run("interview", deal, "-F", "mini")
    assert result.exit_code == 130
    assert result.stderr.endswith("--resume\nWhat you had typed, not an answer so not saved:\n"
                                  "  Jane Do\n")


def test_the_deal_picker_filters_as_you_type(run: Run, home: Home, deal: str,
                                             keyboard: PipeInput) -> None:
    run("deal", "add", "Initech migration", ok=True)
    keyboard.send_text("renew" + RETURN + "1" + CTRL_C)
    run("interview", "-F", "mini", "--quick")
    assert answers_of(home, deal)[0][1] == {"mini.agreed": ("answered", "yes")}


# --- the same flow through the Prompter seam: what the rep answers, not which keys -------

def test_a_bad_answer_is_asked_again_with_the_reason(run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter("yes", "2026-02-30", "2027-02-28", ENTER, ENTER)
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert "'2026-02-30' is not a real date; try again" in result.stdout
    assert answers_of(home, deal)[0][1]["mini.when"] == ("answered", "2027-02-28")
    rep.done()


def test_help_shows_why_and_how_then_asks_again(run: Run, deal: str) -> None:
    rep = ScriptedPrompter(HELP, KeyboardInterrupt())
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert "WHY-TEXT" in result.stdout and "HOW-TEXT" in result.stdout
    assert [a.message for a in rep.asked] == ["Do they agree they must change?"] * 2


def test_question_mark_typed_at_a_text_prompt_shows_the_help(run: Run, deal: str) -> None:
    rep = ScriptedPrompter("yes", "?", KeyboardInterrupt())
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert "No coaching notes for this question." in result.stdout
    assert [a.message for a in rep.asked][1:] == ["By when?", "By when?"]


def test_unknown_and_unclear_are_kept_apart(run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter(UNKNOWN,      # agreed: unknown
                           "unclear",    # when: typed word
                           ENTER,        # pains: nothing ticked = skip for now
                           UNCLEAR)      # level: unclear
    run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert answers_of(home, deal)[0][1] == {
        "mini.agreed": ("unknown", None), "mini.when": ("unclear", None),
        "mini.level": ("unclear", None)}


def test_multi_choice_offers_unknown_and_unclear_apart_from_its_options(run: Run, home: Home,
                                                                       deal: str) -> None:
    rep = ScriptedPrompter("yes", "2027-01-15", [UNCLEAR], KeyboardInterrupt())
    run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    pains = rep.asked[2]
    assert pains.kind == "checkbox" and "u unknown, c unclear" in pains.instruction
    assert answers_of(home, deal)[0][1]["mini.pains"] == ("unclear", None)


def test_ctrl_c_keeps_every_answer_and_resume_continues(run: Run, home: Home,
                                                       deal: str) -> None:
    rep = ScriptedPrompter("yes", "2027-01-15", KeyboardInterrupt())
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert result.exit_code == 130
    assert ("All 2 answers so far are saved. Resume with: qualicoach interview acme-renewal "
            "--resume") in result.stderr
    assert answers_of(home, deal) == [("interrupted", {
        "mini.agreed": ("answered", "yes"), "mini.when": ("answered", "2027-01-15")})]

    rep = ScriptedPrompter(["cost"], "1")
    result = run("interview", deal, "--resume", "--quick", prompter=rep)
    assert result.exit_code == 0, result.output
    assert "Need - 3 of 4" in result.stdout
    assert answers_of(home, deal) == [("finished", {
        "mini.agreed": ("answered", "yes"), "mini.when": ("answered", "2027-01-15"),
        "mini.pains": ("answered", ["cost"]), "mini.level": ("answered", 1.0)})]


def test_previous_answers_are_the_defaults(run: Run, home: Home, deal: str) -> None:
    run("interview", deal, "-F", "mini", "--quick", ok=True,
        prompter=ScriptedPrompter("no", "2027-01-15", ["cost"], "1"))
    result = run("interview", deal, "-F", "mini", "--quick", ok=True,
                 prompter=ScriptedPrompter(ENTER, ENTER, ENTER, ENTER))
    assert "last time: No" in result.stdout
    second = answers_of(home, deal)[1][1]
    assert second == answers_of(home, deal)[0][1]


def test_enter_on_a_question_never_answered_records_nothing(run: Run, home: Home,
                                                           deal: str) -> None:
    rep = ScriptedPrompter(ENTER, ENTER, ENTER, ENTER)
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert result.exit_code == 0, result.output
    assert answers_of(home, deal) == [("finished", {})]
    assert rep.asked[0].default == SKIP and rep.asked[3].default == SKIP


def test_an_enter_only_run_on_a_new_deal_records_no_strong_answer(run: Run, home: Home) -> None:
    # Creating the deal is a choice (Enter would not); the rest is Enter.
    rep = EveryPrompt(enter_only=True, replies={"There is no deal": True})
    result = run("interview", "Brand new", prompter=rep)
    assert result.exit_code == 0, result.output
    (interview,) = Store(home.db).interviews("brand-new")
    assert interview.answers == {}
    assert "Saved: 0 answers this time" in result.stdout


def test_evidence_is_asked_once_and_every_answer_inherits_it(run: Run, home: Home,
                                                            deal: str) -> None:
    rep = ScriptedPrompter("Jane Doe, COO", "yes", "2027-01-15", ["cost"], "3",
                           "__no__")
    run("interview", deal, "-F", "mini", prompter=rep, ok=True)
    answers = Store(home.db).interviews(deal)[0].answers
    assert {a.evidence for a in answers.values()} == {Evidence("Jane Doe, COO", verified=True)}
    assert [a.message for a in rep.asked].count("Who gave you these answers?") == 1


def test_enter_at_who_gave_the_answers_means_our_own_view(run: Run, home: Home,
                                                         deal: str) -> None:
    run("interview", deal, "-F", "mini", ok=True,
        prompter=ScriptedPrompter(ENTER, "yes", ENTER, ENTER, ENTER))
    answer = Store(home.db).interviews(deal)[0].answers["mini.agreed"]
    assert answer.evidence is None  # an assumption, as the report says


def test_one_answer_can_name_its_own_source_and_a_private_note(run: Run, home: Home,
                                                              deal: str) -> None:
    rep = ScriptedPrompter("Jane Doe, COO",
                           WHO, "Bob Lee, IT", NOTE, "budget talk only", "yes",
                           "2027-01-15", KeyboardInterrupt())
    run("interview", deal, "-F", "mini", prompter=rep)
    answers = Store(home.db).interviews(deal)[0].answers
    agreed, when = answers["mini.agreed"], answers["mini.when"]
    assert agreed.evidence == Evidence("Bob Lee, IT", verified=True)
    assert (agreed.note, agreed.private) == ("budget talk only", True)
    assert when.evidence == Evidence("Jane Doe, COO", verified=True)
    assert (when.note, when.private) == ("", False)


def test_who_said_this_one_opens_empty_and_enter_keeps_who_it_is(run: Run, home: Home,
                                                                 deal: str) -> None:
    rep = ScriptedPrompter("Jane Doe, COO", WHO, "", "yes", KeyboardInterrupt())
    run("interview", deal, "-F", "mini", prompter=rep)
    who = next(a for a in rep.asked if a.message == "Who said this one?")
    assert who.default == ""
    assert "Enter keeps: Jane Doe, COO" in who.instruction
    agreed = Store(home.db).interviews(deal)[0].answers["mini.agreed"]
    assert agreed.evidence == Evidence("Jane Doe, COO", verified=True)


FOLLOW = """\
id: follow
name: Follow
version: "1"
perspective: readiness
elements:
  - id: need
    name: Need
    questions:
      - {id: budget, prompt: Is there a budget?, type: yes_no}
      - {id: amount, prompt: How much?, type: number, when: {budget: {in: [yes]}}}
      - {id: owner, prompt: Who owns the change?, type: text}
"""


def test_who_said_an_answer_holds_for_its_follow_up_questions(run: Run, home: Home,
                                                              deal: str) -> None:
    home.write_framework("follow.yaml", FOLLOW)
    rep = ScriptedPrompter("Jane Doe, COO", WHO, "Bob Lee, CFO", "yes", "50k", "Ann",
                           "__no__", "__no__")
    run("interview", deal, "-F", "follow", prompter=rep, ok=True)
    answers = Store(home.db).interviews(deal)[0].answers
    said = {key: a.evidence.source if a.evidence else None for key, a in answers.items()}
    assert said == {"follow.budget": "Bob Lee, CFO", "follow.amount": "Bob Lee, CFO",
                    "follow.owner": "Jane Doe, COO"}


def test_ctrl_c_while_typing_a_note_shows_the_note_apart_from_the_resume_hint(
        run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter(NOTE, Interrupted("call the CFO before Friday"))
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert result.exit_code == 130
    assert result.stderr.splitlines()[-3:] == [
        f"Stopped. No answer yet. Resume with: qualicoach interview {deal} --resume",
        "Your note, not saved (the question had no answer yet):",
        "  call the CFO before Friday",
    ]


def test_ctrl_c_after_a_note_before_the_answer_shows_the_note(run: Run, home: Home,
                                                              deal: str) -> None:
    rep = ScriptedPrompter(NOTE, "call the CFO", KeyboardInterrupt())
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert result.stderr.splitlines()[-1] == "  call the CFO"


def test_b_goes_back_to_the_previous_question_to_change_its_answer(run: Run, home: Home,
                                                                    deal: str) -> None:
    rep = ScriptedPrompter("yes", BACK, "no", "2027-01-15", KeyboardInterrupt())
    result = run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert "just now: Yes; Enter keeps it" in result.stdout
    again = rep.asked[2]
    assert again.message == "Do they agree they must change?" and again.default == "yes"
    assert BACK not in rep.asked[0].values  # nothing to go back to at the first question
    assert answers_of(home, deal)[0][1] == {"mini.agreed": ("answered", "no"),
                                            "mini.when": ("answered", "2027-01-15")}


def test_an_answer_changed_after_going_back_keeps_its_note_and_who_said_it(
        run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter("Jane Doe, COO", WHO, "Bob Lee, IT", NOTE, "ask for the KPI deck",
                           "yes", BACK, "no", "2027-01-15", KeyboardInterrupt())
    run("interview", deal, "-F", "mini", prompter=rep)
    agreed = Store(home.db).interviews(deal)[0].answers["mini.agreed"]
    assert agreed.value == "no"
    assert agreed.evidence == Evidence("Bob Lee, IT", verified=True)
    assert (agreed.note, agreed.private) == ("ask for the KPI deck", True)


def test_b_typed_at_a_text_question_goes_back_too(run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter("yes", "b", "partial", ENTER, KeyboardInterrupt())
    run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert "b back" in rep.asked[1].instruction
    assert [a.message for a in rep.asked[:4]] == [
        "Do they agree they must change?", "By when?", "Do they agree they must change?",
        "By when?"]
    assert answers_of(home, deal)[0][1] == {"mini.agreed": ("answered", "partial")}


def test_going_back_past_a_skipped_question_asks_it_again(run: Run, home: Home,
                                                         deal: str) -> None:
    rep = ScriptedPrompter(SKIP, "2027-01-15", [BACK], "b", "yes", KeyboardInterrupt())
    run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    # Back twice from the pains; then on to the first question not answered yet.
    assert [a.message for a in rep.asked] == [
        "Do they agree they must change?", "By when?", "Which pains?", "By when?",
        "Do they agree they must change?", "Which pains?"]
    assert answers_of(home, deal)[0][1] == {"mini.agreed": ("answered", "yes"),
                                            "mini.when": ("answered", "2027-01-15")}


def test_a_date_far_in_the_past_is_confirmed(run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter("yes", "2020-01-15", False, "2027-01-15", KeyboardInterrupt())
    run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    confirm = rep.asked[2]
    assert confirm.kind == "confirm" and confirm.message.startswith("2020-01-15 is ")
    assert answers_of(home, deal)[0][1]["mini.when"] == ("answered", "2027-01-15")


def test_a_date_far_ahead_is_kept_once_confirmed(run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter("yes", "2040-01-15", True, KeyboardInterrupt())
    run("interview", deal, "-F", "mini", "--quick", prompter=rep)
    assert "from now" in rep.asked[2].message
    assert answers_of(home, deal)[0][1]["mini.when"] == ("answered", "2040-01-15")


NUMBERS = """\
id: nums
name: Nums
version: "1"
perspective: fit
elements:
  - id: money
    name: Money
    questions:
      - {id: budget, prompt: Budget?, type: number, min: 0, max: 10000000}
"""


@pytest.mark.parametrize(("typed", "stored"), [("50k", 50_000.0), ("1.2m", 1_200_000.0),
                                                ("12,500", 12_500.0), ("7", 7.0)])
def test_numbers_read_as_a_rep_types_them(run: Run, home: Home, deal: str, typed: str,
                                         stored: float) -> None:
    home.write_framework("nums.yaml", NUMBERS)
    rep = ScriptedPrompter(typed)
    run("interview", deal, "-F", "nums", "--quick", prompter=rep, ok=True)
    assert answers_of(home, deal)[0][1]["nums.budget"] == ("answered", stored)


def test_a_number_shows_its_range_before_the_first_try(run: Run, home: Home, deal: str) -> None:
    home.write_framework("nums.yaml", NUMBERS)
    rep = ScriptedPrompter(KeyboardInterrupt())
    run("interview", deal, "-F", "nums", "--quick", prompter=rep)
    assert "0 to 1e+07" in rep.asked[0].instruction or "0 to 10000000" in rep.asked[0].instruction


def test_the_summary_counts_the_deals_answers_not_only_this_sessions(run: Run, home: Home,
                                                                    deal: str) -> None:
    run("interview", deal, "-F", "mini", "--quick",
        prompter=ScriptedPrompter("yes", "2027-01-15", KeyboardInterrupt()))
    result = run("interview", deal, "--resume", "--quick", ok=True,
                 prompter=ScriptedPrompter(["cost"], "2"))
    assert "Saved: 2 answers this time. ACME renewal now has 4 of 4 questions answered" \
        in result.stdout


def test_without_a_terminal_or_answers_file_it_says_so(run: Run, deal: str) -> None:
    result = run("interview", deal, "-F", "mini")
    assert result.exit_code == 2
    assert result.stderr == ("qualicoach: the interview needs a terminal (standard input is "
                             "not one); give the answers with --answers FILE instead\n")


# --- --answers FILE ------------------------------------------------------------------------

def test_answers_file_stores_every_answer(run: Run, home: Home, deal: str, tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"mini": {
        "agreed": {"value": "partial", "evidence": "Jane", "verified": True, "note": "n"},
        "when": "unknown", "pains": ["risk"], "level": 3}}))
    result = run("interview", deal, "--answers", str(path), ok=True)
    assert "Saved: 4 answers" in result.stdout
    assert answers_of(home, deal) == [("finished", {
        "mini.agreed": ("answered", "partial"), "mini.when": ("unknown", None),
        "mini.pains": ("answered", ["risk"]), "mini.level": ("answered", 3.0)})]


def test_answers_file_yaml_words_keep_their_meaning(run: Run, home: Home, deal: str,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  agreed: no\n  when: 2027-03-01\n")
    run("interview", deal, "--answers", str(path), ok=True)
    assert answers_of(home, deal)[0][1] == {"mini.agreed": ("answered", "no"),
                                           "mini.when": ("answered", "2027-03-01")}


def test_invalid_answers_file_reports_everything_and_stores_nothing(
    run: Run, home: Home, deal: str, tmp_path: Path
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  agreed: maybe\n  level: 9\n  wen: 2027-01-01\nnope:\n  x: 1\n")
    before = home.db.read_bytes()
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"qualicoach: {path}:2:11: mini.agreed: 'maybe' is not an answer: expected yes, "
        "partial, no, unknown or unclear",
        f"qualicoach: {path}:3:10: mini.level: '9' is not on the scale: expected a whole "
        "number from 1 to 5",
        f"qualicoach: {path}:4:3: mini.wen: no such question in mini (did you mean 'when'?)",
        f"qualicoach: {path}:5:1: no framework 'nope'; known: alignment, bant, icp, meddic, "
        "mini",
    ]
    assert home.db.read_bytes() == before


def test_answers_file_that_is_not_yaml(run: Run, deal: str, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini: [unclosed\n")
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"qualicoach: {path}:2:1: YAML syntax error: ")


def test_without_arguments_a_new_name_creates_the_deal_with_its_details(run: Run,
                                                                        home: Home) -> None:
    rep = ScriptedPrompter(
        "Hooli platform",            # Which deal? a name that matches none: a new deal
        "Hooli", "proposal",         # account, stage
        "50k", ENTER,                # amount (50k), close date skipped
        ENTER,                       # Which frameworks? the defaults: BANT and alignment
        ENTER,                       # Who gave you these answers? our own view
        "allocated", KeyboardInterrupt())  # answer one question, then stop
    result = run("interview", prompter=rep)
    assert result.exit_code == 130
    store = Store(home.db)
    hooli = store.deal("hooli-platform")
    assert (hooli.account, hooli.stage, hooli.amount, hooli.close_date) == (
        "Hooli", "proposal", 50_000.0, None)
    (interview,) = store.interviews("hooli-platform")
    assert interview.frameworks == {"bant": "1.1", "alignment": "1.2"}
    assert len(interview.answers) == 1


def test_interview_of_a_missing_deal_offers_to_create_it(run: Run, home: Home) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text("default_currency: EUR\n")
    rep = ScriptedPrompter(True, ENTER, ENTER, "1.2m", "2027-06-30", KeyboardInterrupt())
    result = run("interview", "Quick Test", "-F", "bant", prompter=rep)
    assert result.exit_code == 130
    assert rep.asked[0].message == "There is no deal 'Quick Test'. Create it?"
    stage = rep.asked[2]
    assert stage.message == "Stage:" and stage.values == (
        "prospect", "discovery", "qualified", "proposal", "negotiation")
    deal = Store(home.db).deal("quick-test")
    assert (deal.name, deal.account, deal.stage, deal.amount, deal.currency,
            str(deal.close_date)) == ("Quick Test", "", "prospect", 1_200_000.0, "EUR",
                                      "2027-06-30")


def test_declining_to_create_a_missing_deal_changes_nothing(run: Run, home: Home) -> None:
    result = run("interview", "Quick Test", "-F", "bant", prompter=ScriptedPrompter(False))
    assert result.exit_code == 4
    assert "no deal matches 'Quick Test'" in result.stderr


def test_creating_a_missing_deal_is_not_the_default(run: Run, home: Home) -> None:
    result = run("interview", "Quick Test", "-F", "bant", prompter=ScriptedPrompter(ENTER))
    assert result.exit_code == 4
    assert not Store(home.db).deals()


def test_a_mistyped_deal_offers_the_deal_it_is_close_to(run: Run, home: Home,
                                                       deal: str) -> None:
    rep = ScriptedPrompter(ENTER, "yes", KeyboardInterrupt())
    run("interview", "acme renewl", "-F", "mini", "--quick", prompter=rep)
    assert rep.asked[0].message == "There is no deal 'acme renewl'. Did you mean:"
    assert rep.asked[0].default == deal
    assert Store(home.db).interviews(deal)[0].answers["mini.agreed"].value == "yes"
    assert [d.id for d in Store(home.db).deals()] == [deal]


def test_a_mistyped_deal_in_the_picker_offers_the_deal_it_is_close_to(run: Run, home: Home,
                                                                     deal: str) -> None:
    rep = ScriptedPrompter("acme renewl", ENTER, "yes", KeyboardInterrupt())
    run("interview", "-F", "mini", "--quick", prompter=rep)
    assert rep.asked[1].message == "There is no deal 'acme renewl'. Did you mean:"
    assert [d.id for d in Store(home.db).deals()] == [deal]


def test_a_mistyped_deal_on_any_command_names_the_deal_it_is_close_to(run: Run,
                                                                      deal: str) -> None:
    result = run("report", "acme renewl")
    assert result.exit_code == 4
    assert ("no deal matches 'acme renewl'; did you mean acme-renewal (ACME renewal)?"
            in result.stderr)


def test_choosing_an_existing_deal(run: Run, home: Home, deal: str) -> None:
    rep = ScriptedPrompter("acme", "yes", KeyboardInterrupt())
    run("interview", "-F", "mini", "--quick", prompter=rep)
    assert Store(home.db).interviews(deal)[0].answers["mini.agreed"].value == "yes"
    assert rep.asked[0].values == (deal,)


def test_the_picker_scales_to_ten_thousand_deals(home: Home) -> None:
    options = [Option(f"deal-{n}", f"Deal {n} (deal-{n})") for n in range(10_000)]
    assert [o.value for o in filter_options(options, "deal 9999")] == ["deal-9999"]
    assert len(filter_options(options, "deal")) == SEARCH_SHOWN


def test_the_last_frameworks_used_on_a_deal_are_the_default(run: Run, home: Home,
                                                           deal: str) -> None:
    run("interview", deal, "-F", "mini", "--quick", prompter=ScriptedPrompter(KeyboardInterrupt()))
    rep = ScriptedPrompter(ENTER, KeyboardInterrupt())
    run("interview", deal, "--quick", prompter=rep)
    assert (rep.asked[0].message, rep.asked[0].default) == ("Which frameworks?", ["mini"])


# --- the closing summary agrees with the report --------------------------------------------

READY = ("alignment: {org_acknowledges_need: organisation, cost_of_inaction: agreed_figure, "
         "outcomes_shared: specific_shared, outcomes_measurable: quantified, priority_rank: top, "
         "resources_named: yes, sponsor_owns_change: partial, agendas_aligned: 4, "
         "change_capacity: ready, track_record: finished, process_agreed: agreed, "
         "decision_date_committed: partial}\n")
FIT = ("bant: {budget_status: approved, budget_fits: covers, decision_maker_engaged: met, "
       "need_importance: 4, compelling_event: partial, target_date: 2027-03-01, "
       "timeline_source: their_plan}\n")


def interview_with(run: Run, home: Home, deal_id: str, text: str) -> str:
    path = home.root / "answers.yaml"
    path.write_text(text)
    return run("interview", deal_id, "--answers", str(path), ok=True).stdout


def test_the_closing_summary_applies_the_settings_as_the_report_does(run: Run,
                                                                     home: Home) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    home.locations.config_file.write_text("high_score: 95\nweak_below: 0.8\n")
    deal_id = run("deal", "add", "Hooli", ok=True).stdout.strip()
    summary = interview_with(run, home, deal_id, READY + FIT)
    report = json.loads(run("report", deal_id, "-f", "json", ok=True).stdout)
    weak = [g for g in report["customer_gaps"] + report["fit_gaps"] if g["kind"] == "weak"]
    assert len(weak) == 5  # three partial answers (0.5) and two 4 of 5 (0.75), under 0.8
    assert f"{len(weak)} weak." in summary
    assert report["quadrant"] == "low_fit_low_readiness"
    assert "Low fit and low readiness" in summary


def test_the_closing_summary_scores_every_framework_the_deal_was_interviewed_on(
        run: Run, home: Home) -> None:
    deal_id = run("deal", "add", "Hooli", ok=True).stdout.strip()
    interview_with(run, home, deal_id, READY)
    summary = interview_with(run, home, deal_id, FIT)  # a fit-only interview, after alignment
    report = json.loads(run("report", deal_id, "-f", "json", ok=True).stdout)
    assert report["readiness"] is not None
    assert f"Fit {report['fit']:.0f}  Readiness {report['readiness']:.0f}" in summary
    assert "Readiness not assessed" not in summary


# --- a whole interview in about 40 prompts ------------------------------------------------

def test_a_full_interview_with_evidence_takes_at_most_40_prompts(run: Run, home: Home) -> None:
    rep = EveryPrompt(replies={
        "Which deal?": "Initech platform",
        "Which frameworks?": ["bant", "meddic", "alignment"],
        "Who gave you these answers?": "Jane Doe, CFO",
        "Jane Doe (CFO) is not a stakeholder": "economic_buyer"})
    result = run("interview", prompter=rep, ok=True)
    (interview,) = Store(home.db).interviews("initech-platform")
    asked = [a for a in rep.asked if a.message.endswith("?") and a.kind != "confirm"]
    questions = len(interview.answers)
    assert questions >= 25  # every question answered: the run is a whole interview
    assert len(rep.asked) <= 40, [a.message for a in rep.asked]
    assert len(asked) >= questions
    assert "Saved: " in result.stdout


def test_a_cfo_named_as_evidence_becomes_the_economic_buyer_in_the_report(run: Run,
                                                                        home: Home) -> None:
    rep = EveryPrompt(replies={
        "Who gave you these answers?": "Jane Doe, CFO",
        "Jane Doe (CFO) is not a stakeholder": "economic_buyer"})
    run("deal", "add", "ACME", ok=True)
    result = run("interview", "acme", "-F", "bant", "-F", "meddic", "-F", "alignment",
                 prompter=rep, ok=True)
    assert "new stakeholders: Jane Doe (CFO): economic buyer" in " ".join(result.stdout.split())
    (contact,) = Store(home.db).deal("acme").contacts
    assert (contact.name, contact.title, contact.role) == ("Jane Doe", "CFO", "economic_buyer")
    report = run("report", "acme", ok=True).stdout
    assert "No contact recorded" not in report and "No economic buyer" not in report


def test_declining_the_stakeholder_offer_keeps_the_deal_as_it_was(run: Run, home: Home,
                                                                 deal: str) -> None:
    rep = ScriptedPrompter("Jane Doe, CFO", "yes", ENTER, ENTER, ENTER, "__no__")
    run("interview", deal, "-F", "mini", prompter=rep, ok=True)
    assert Store(home.db).deal(deal).contacts == ()
    # A missing stakeholder map counts from qualified on (before, it is still to learn).
    run("deal", "edit", deal, "--stage", "qualified", ok=True)
    # Among the brief's reasons, in their few words (the full report does not repeat them).
    assert "no contacts" in run("report", deal, ok=True).stdout
