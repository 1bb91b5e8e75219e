"""Answers files, settings and import paths from a hostile or careless user: one clear
line naming the file and the place, quickly, and nothing stored."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from qualicoach.domain.answer import Evidence
from qualicoach.storage.store import Store

from ..helpers.frameworks import MINI
from ..helpers.home import Home, Run

MEMORY_LIMIT = 1 << 30  # a runaway reader fails fast instead of eating the machine


@pytest.fixture
def deal(run: Run, home: Home) -> str:
    home.write_framework("mini.yaml", MINI)
    return run("deal", "add", "ACME renewal", ok=True).stdout.strip()


def qualicoach(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process with 1 GB of memory and 60 s at most."""
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    env = {**os.environ, "QUALICOACH_DEBUG": ""}
    return subprocess.run([sys.executable, "-m", "qualicoach", *args], capture_output=True,
                          text=True, timeout=60, preexec_fn=limit_memory, env=env)


def billion_laughs(last_line: str) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n" + last_line + "\n"


# --- answers files --------------------------------------------------------------------------

def test_an_alias_bomb_in_an_answers_file_is_refused_at_once(home: Home, deal: str,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(billion_laughs("mini:\n  when: *a9"))  # 400 bytes, 9**10 values
    before = home.db.read_bytes()
    result = qualicoach("interview", deal, "--answers", str(path))
    assert result.returncode == 3, result.stderr
    # The list the alias stands for starts on line 10; its first item, a list, on line 9.
    assert f"qualicoach: {path}:9:5: mini.when: a list of answers holds options, got a " \
        "list" in result.stderr.splitlines()
    assert home.db.read_bytes() == before


def test_deep_nesting_in_an_answers_file_is_an_error(run: Run, deal: str,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"mini": {"when": ' + "[" * 100_000)
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr == (f"qualicoach: {path}:1:41: nested more than 24 levels deep; an "
                             "answers file needs far fewer\n")


def test_an_impossible_date_is_an_invalid_answer(run: Run, deal: str, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  when: 2026-02-30\n")
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr == f"qualicoach: {path}:2:9: mini.when: '2026-02-30' is not a real date\n"


def test_duplicate_keys_in_an_answers_file_are_errors(run: Run, home: Home, deal: str,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  agreed: yes\n  agreed: no\n"
                    "  level: {value: 3, note: a, note: b}\nmini:\n  when: 2027-01-01\n")
    before = home.db.read_bytes()
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"qualicoach: {path}:3:3: duplicate key 'agreed' (first at line 2); YAML would "
        "silently keep only the last",
        f"qualicoach: {path}:4:30: duplicate key 'note' (first at line 4); YAML would "
        "silently keep only the last",
        f"qualicoach: {path}:5:1: duplicate key 'mini' (first at line 1); YAML would "
        "silently keep only the last",
    ]
    assert home.db.read_bytes() == before


def test_answers_file_values_are_the_words_written(run: Run, home: Home, deal: str,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  agreed: {value: yes, evidence: Off, note: no, verified: on}\n")
    run("interview", deal, "--answers", str(path), ok=True)
    answer = Store(home.db).interviews(deal)[0].answers["mini.agreed"]
    assert (answer.value, answer.evidence, answer.note) == ("yes", Evidence("Off", True), "no")


@pytest.mark.parametrize("first", [True, False])
def test_an_answers_file_says_once_who_gave_all_its_answers(run: Run, home: Home,
                                                             deal: str, tmp_path: Path,
                                                             first: bool) -> None:
    path = tmp_path / "a.yaml"
    who, given = ("answered_by: Dana Ruiz, COO\n",
                  "mini:\n  agreed: yes\n  when: {value: 2027-01-15, evidence: Bob Lee}\n")
    path.write_text(who + given if first else given + who)
    run("interview", deal, "--answers", str(path), ok=True)
    answers = Store(home.db).interviews(deal)[0].answers
    assert answers["mini.agreed"].evidence == Evidence("Dana Ruiz, COO", True)
    assert answers["mini.when"].evidence == Evidence("Bob Lee", False)  # its own wins


def test_answered_by_must_be_text(run: Run, deal: str, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("answered_by: [Dana, Bob]\nmini:\n  agreed: yes\n")
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert "a.yaml:1:14: answered_by must be text, got a list" in result.stderr


@pytest.mark.parametrize("written,stored", [("Partly", "partial"), ("partial", "partial"),
                                            ("Yes", "yes"), ("NO", "no")])
def test_an_answers_file_takes_the_answers_the_menu_shows(run: Run, home: Home, deal: str,
                                                          tmp_path: Path, written: str,
                                                          stored: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(f'{{"mini": {{"agreed": "{written}"}}}}')
    run("interview", deal, "--answers", str(path), ok=True)
    assert Store(home.db).interviews(deal)[0].answers["mini.agreed"].value == stored


def test_an_answers_file_that_is_a_python_object_is_refused(run: Run, deal: str,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  agreed: !!python/object/apply:os.system [true]\n")
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr == (f"qualicoach: {path}:2:11: tag '!!python/object/apply:os.system' "
                             "is not allowed: answers files are plain data (text, numbers, "
                             "lists and mappings)\n")


# --- endless files --------------------------------------------------------------------------

needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


@needs_dev_zero
def test_an_endless_answers_file_is_refused(deal: str) -> None:
    result = qualicoach("interview", deal, "--answers", "/dev/zero")
    assert (result.returncode, result.stderr) == (3, (
        "qualicoach: /dev/zero:1:1: file is larger than 1,000,000 bytes; an answers file may "
        "be at most 1,000,000 bytes\n"))


@needs_dev_zero
def test_an_endless_framework_file_is_refused() -> None:
    result = qualicoach("frameworks", "validate", "/dev/zero")
    assert result.returncode == 3
    assert result.stderr.startswith(
        "/dev/zero:1:1: file is larger than 1,000,000 bytes; a framework file "
        "may be at most 1,000,000 bytes")


@needs_dev_zero
def test_an_endless_import_file_is_refused(home: Home) -> None:
    result = qualicoach("import", "/dev/zero")
    assert (result.returncode, result.stderr) == (3, (
        "qualicoach: /dev/zero is larger than 100 MB; split the export into smaller files\n"))
    assert not home.db.exists()


@needs_dev_zero
def test_endless_settings_are_refused(home: Home) -> None:
    home.config_dir.mkdir(parents=True)
    (home.config_dir / "config.yaml").symlink_to("/dev/zero")
    result = qualicoach("deals")
    assert (result.returncode, result.stderr) == (3, (
        f"qualicoach: {home.config_dir / 'config.yaml'}:1:1: file is larger than 1,000,000 "
        "bytes; a settings file may be at most 1,000,000 bytes\n"))


# --- settings -------------------------------------------------------------------------------

def write_settings(home: Home, text: str) -> Path:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    path = home.config_dir / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_deep_nesting_in_settings_is_an_error(run: Run, home: Home) -> None:
    path = write_settings(home, "default_frameworks: " + "[" * 100_000)
    result = run("deals")
    assert result.exit_code == 3
    assert result.stderr == (f"qualicoach: {path}:1:44: nested more than 24 levels deep; a "
                             "settings file needs far fewer\n")


def test_a_duplicate_setting_is_an_error(run: Run, home: Home) -> None:
    path = write_settings(home, "stale_after_days: 30\nweak_below: 0.4\nstale_after_days: 60\n")
    result = run("deals")
    assert result.exit_code == 3
    assert result.stderr == (f"qualicoach: {path}:3:1: duplicate setting 'stale_after_days' "
                             "(first at line 1); YAML would silently keep only the last\n")


def test_settings_name_the_line_of_a_bad_value(run: Run, home: Home) -> None:
    path = write_settings(home, "# team defaults\nstale_after_days: 30\nweak_below: '0.4'\n")
    result = run("deals")
    assert result.exit_code == 3
    assert result.stderr == f"qualicoach: {path}:3:13: weak_below must be a number\n"


def test_settings_numbers_and_lists_are_read(home: Home) -> None:
    from qualicoach.config.settings import load_settings

    path = write_settings(home, "stale_after_days: 30\nweak_below: .4\n"
                          "default_frameworks: [meddic, alignment]\npoints_unknown: 1e1\n")
    settings = load_settings(path)
    assert (settings.stale_after_days, settings.weak_below, settings.default_frameworks,
            settings.points_unknown) == (30, 0.4, ("meddic", "alignment"), 10.0)


def test_a_team_lists_its_own_disqualifiers(run: Run, home: Home) -> None:
    from qualicoach.config.settings import load_settings

    path = write_settings(home, "disqualifiers: [bant.budget_status=none]\n"
                          "contracting_questions: []\n")
    settings = load_settings(path)
    assert settings.disqualifiers == ("bant.budget_status=none",)
    assert settings.contracting_questions == ()
    path = write_settings(home, "disqualifiers: [no budget]\n")
    result = run("deals")
    assert result.exit_code == 3
    assert result.stderr == (f"qualicoach: {path}:1:16: disqualifiers must be written "
                             "'framework.question=value'\n")


def test_settings_report_every_problem_at_once(run: Run, home: Home) -> None:
    path = write_settings(home, "weak_below: 2\nstale_afer_days: 30\nhigh_score: lots\n"
                          "weak_below: 0.4\n")
    result = run("deals")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"qualicoach: {path}:1:13: weak_below must be a number above 0 and at most 1",
        f"qualicoach: {path}:2:1: unknown setting 'stale_afer_days'; known: "
        "default_frameworks, stale_after_days, weak_below, high_score, at_risk_from, "
        "poor_fit_below, urgency_days_soon, urgency_days_now, urgency_soon, urgency_now, "
        "stuck_after_days, long_cycle_days, points_readiness_not_assessed, "
        "points_red_flag_weak, points_red_flag_readiness, points_red_flag_fit, "
        "further_red_flag, further_gap, points_unknown, points_unclear, points_weak, "
        "points_assumption, "
        "points_stale, points_close_slip, cap_close_slip, points_close_passed, points_stuck, "
        "points_stuck_more, cap_stuck, points_long_cycle, points_single_contact, "
        "points_single_contact_step, points_no_economic_buyer, points_worse_answer, "
        "cap_worse_answer, disagree_from, points_disagreement, points_disagreement_early, "
        "cap_cause, points_fit_gap, fit_gap_stage_step, points_paper_outlasts_close, "
        "paper_overrun_full_days, contracting_questions, points_assumed_readiness, "
        "watch_from, disqualifiers, default_currency, no_decision_reasons, lost_reasons, "
        "frameworks_dirs, team_config",
        f"qualicoach: {path}:3:13: high_score must be a number",
        f"qualicoach: {path}:4:1: duplicate setting 'weak_below' (first at line 1); YAML "
        "would silently keep only the last",
    ]


def test_answers_file_details_report_every_problem_of_an_answer(run: Run, deal: str,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("mini:\n  agreed: {value: yes, evidence: [a], verified: maybe}\n")
    result = run("interview", deal, "--answers", str(path))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f"qualicoach: {path}:2:34: mini.agreed: evidence (who said it) must be text, got a list",
        f"qualicoach: {path}:2:49: mini.agreed: verified must be true or false, got 'maybe'",
    ]


@pytest.mark.parametrize("key", ["cap_assumption", "cap_stale"])
def test_a_setting_of_the_old_risk_rules_is_named_as_retired(tmp_path: Path, key: str) -> None:
    from qualicoach.config.settings import load_settings
    from qualicoach.errors import InvalidValueError

    path = tmp_path / "config.yaml"
    path.write_text(f"stale_after_days: 60\n{key}: 10\n")
    retired = rf":2:1: setting '{key}' is no longer used .*remove it"
    with pytest.raises(InvalidValueError, match=retired):
        load_settings(path)


def test_every_day_setting_is_a_whole_number(tmp_path: Path) -> None:
    from qualicoach.config.settings import load_settings
    from qualicoach.errors import InvalidValueError

    path = tmp_path / "config.yaml"
    path.write_text("stuck_after_days: 1.5\n")
    with pytest.raises(InvalidValueError, match="stuck_after_days must be a whole number of days"):
        load_settings(path)
    path.write_text("urgency_days_now: 14\nlong_cycle_days: 180\npoor_fit_below: 30\n")
    settings = load_settings(path)
    assert (settings.urgency_days_now, settings.long_cycle_days, settings.poor_fit_below) == (
        14, 180, 30.0)


def test_the_documented_answers_files_record_as_documented(run: Run, home: Home,
                                                           tmp_path: Path) -> None:
    import re

    from ..helpers.home import ROOT

    deal = run("deal", "add", "Docs deal", ok=True).stdout.strip()
    doc = (ROOT / "docs" / "answers-file.md").read_text(encoding="utf-8")
    for kind, body in re.findall(r"```(yaml|json)\n(.*?)```", doc, re.S):
        path = tmp_path / f"answers.{kind}"
        path.write_text(body, encoding="utf-8")
        run("interview", deal, "--answers", str(path), ok=True)
    answers = Store(home.db).interviews(deal)[0].answers
    assert answers["bant.budget_fits"].value == "close"
    assert answers["alignment.sponsor_owns_change"].value == "partial"
    assert answers["alignment.sponsor_owns_change"].evidence == Evidence(
        "Dana Ruiz, COO; Chen Wei, CFO", True)
    assert answers["alignment.cost_of_inaction"].evidence == Evidence("Bob Lee, IT lead", True)
