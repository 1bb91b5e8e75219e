"""``qualicoach interview`` driven through real questionary prompts with pipe input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from qualicoach.cli import terminal
from qualicoach.storage.store import Store

from ..helpers.frameworks import MINI
from ..helpers.home import Home, Run

DOWN, UP, ENTER, SPACE, CTRL_C = "\x1b[B", "\x1b[A", "\r", " ", "\x03"


@pytest.fixture
def keyboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
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


def test_a_whole_interview_is_stored(run: Run, home: Home, deal: str, keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(  # type: ignore[attr-defined]
        ENTER                         # agreed: Yes (first option)
        + "2027-01-15" + ENTER        # when
        + SPACE + DOWN + SPACE + ENTER  # pains: Cost and Risk
        + DOWN * 3 + ENTER            # level: 4
    )
    result = run("interview", deal, "-F", "mini", "--quick")
    assert result.exit_code == 0, result.output
    assert answers_of(home, deal) == [("finished", {
        "mini.agreed": ("answered", "yes"), "mini.when": ("answered", "2027-01-15"),
        "mini.pains": ("answered", ["cost", "risk"]), "mini.level": ("answered", 4.0)})]
    assert "Need - 1 of 4" in result.stdout and "Need - 4 of 4" in result.stdout
    assert "Readiness 94" in result.stdout


def test_a_bad_answer_is_asked_again_with_the_reason(run: Run, home: Home, deal: str,
                                                    keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(  # type: ignore[attr-defined]
        ENTER + "2026-02-30" + ENTER + "2027-02-28" + ENTER + ENTER + ENTER)
    result = run("interview", deal, "-F", "mini", "--quick")
    assert "'2026-02-30' is not a real date; try again" in result.stdout
    assert answers_of(home, deal)[0][1]["mini.when"] == ("answered", "2027-02-28")


def test_help_shows_why_and_how_then_asks_again(run: Run, deal: str, keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(DOWN * 5 + ENTER + ENTER + CTRL_C)  # type: ignore[attr-defined]
    result = run("interview", deal, "-F", "mini", "--quick")
    assert "WHY-TEXT" in result.stdout and "HOW-TEXT" in result.stdout


def test_unknown_and_unclear_are_kept_apart(run: Run, home: Home, deal: str, keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(  # type: ignore[attr-defined]
        DOWN * 3 + ENTER              # agreed: unknown
        + "unclear" + ENTER           # when: unclear
        + ENTER                       # pains: nothing ticked = skip for now
        + DOWN * 6 + ENTER)           # level: unclear
    run("interview", deal, "-F", "mini", "--quick")
    assert answers_of(home, deal)[0][1] == {
        "mini.agreed": ("unknown", None), "mini.when": ("unclear", None),
        "mini.level": ("unclear", None)}


def test_ctrl_c_keeps_every_answer_and_resume_continues(run: Run, home: Home, deal: str,
                                                       keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(ENTER + "2027-01-15" + ENTER + CTRL_C)  # type: ignore[attr-defined]
    result = run("interview", deal, "-F", "mini", "--quick")
    assert result.exit_code == 130
    assert ("All 2 answers so far are saved. Resume with: qualicoach interview acme-renewal "
            "--resume") in result.stderr
    assert answers_of(home, deal) == [("interrupted", {
        "mini.agreed": ("answered", "yes"), "mini.when": ("answered", "2027-01-15")})]

    keyboard.send_text(SPACE + ENTER + ENTER)  # type: ignore[attr-defined]
    result = run("interview", deal, "--resume", "--quick")
    assert result.exit_code == 0, result.output
    assert "Need - 3 of 4" in result.stdout
    assert answers_of(home, deal) == [("finished", {
        "mini.agreed": ("answered", "yes"), "mini.when": ("answered", "2027-01-15"),
        "mini.pains": ("answered", ["cost"]), "mini.level": ("answered", 1.0)})]


def test_previous_answers_are_the_defaults(run: Run, home: Home, deal: str, keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(DOWN * 2 + ENTER + "2027-01-15" + ENTER + SPACE + ENTER + ENTER)  # type: ignore[attr-defined]
    run("interview", deal, "-F", "mini", "--quick", ok=True)
    keyboard.send_text(ENTER * 4)  # type: ignore[attr-defined]
    result = run("interview", deal, "-F", "mini", "--quick", ok=True)
    assert "last time: No" in result.stdout
    second = answers_of(home, deal)[1][1]
    assert second == answers_of(home, deal)[0][1]


def test_evidence_and_a_private_note_are_asked_after_an_answer(run: Run, home: Home, deal: str,
                                                               keyboard) -> None:  # type: ignore[no-untyped-def]
    keyboard.send_text(  # type: ignore[attr-defined]
        ENTER + "Jane Doe (COO)" + ENTER + "y" + "budget talk only" + ENTER + "y" + CTRL_C)
    run("interview", deal, "-F", "mini")
    answer = Store(home.db).interviews(deal)[0].answers["mini.agreed"]
    assert answer.evidence is not None
    assert (answer.evidence.source, answer.evidence.verified) == ("Jane Doe (COO)", True)
    assert (answer.note, answer.private) == ("budget talk only", True)


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


def test_without_arguments_it_offers_a_new_deal_and_the_default_frameworks(
    run: Run, home: Home, keyboard  # type: ignore[no-untyped-def]
) -> None:
    keyboard.send_text(  # type: ignore[attr-defined]
        ENTER                        # Which deal? "+ a new deal" (the only choice)
        + "Hooli platform" + ENTER   # its name
        + ENTER                      # Which frameworks? the defaults: BANT and alignment
        + ENTER + CTRL_C)            # answer one question, then stop
    result = run("interview", "--quick")
    assert result.exit_code == 130
    (interview,) = Store(home.db).interviews("hooli-platform")
    assert interview.frameworks == {"bant": "1.1", "alignment": "1.1"}
    assert len(interview.answers) == 1


def test_choosing_an_existing_deal(run: Run, home: Home, deal: str, keyboard) -> None:  # type: ignore[no-untyped-def]
    # The most recently updated deal is the default: Enter picks it.
    keyboard.send_text(ENTER + ENTER + CTRL_C)  # type: ignore[attr-defined]
    run("interview", "-F", "mini", "--quick")
    assert Store(home.db).interviews(deal)[0].answers["mini.agreed"].value == "yes"


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
