"""Every command the CLI suggests carries the run's --db and --frameworks-dir, so that
copying it reaches the same deals (docs/architecture.md: ``errors.command_hint``)."""

from __future__ import annotations

import re
import shlex
from datetime import date
from pathlib import Path

import pytest

from qualicoach.errors import command_hint
from qualicoach.storage.store import Store

from ..helpers.build import catalog_of, deal_with_answers
from ..helpers.home import Home, Run
from ..helpers.prompter import ScriptedPrompter

ANSWERS = "bant: {budget_status: approved}\n"


def hints(output: str) -> list[list[str]]:
    """Every suggested command in ``output``, as the words a shell would pass."""
    return [shlex.split(m) for m in re.findall(r"qualicoach (?:-|[a-z]).*", output)
            if not m.startswith("qualicoach:")]


def hint_after(output: str, marker: str) -> list[str]:
    """The suggested command on the line that holds ``marker``, as shell words."""
    line = next(line for line in output.splitlines() if marker in line)
    return shlex.split(line[line.index("qualicoach "):])


@pytest.fixture
def other_db(tmp_path: Path, home: Home) -> Path:
    """A database elsewhere than the default (a space in its path), with one interviewed
    deal; the default database stays empty."""
    path = tmp_path / "my deals" / "team.json"
    path.parent.mkdir()
    deal_with_answers(Store(path), catalog_of(home), "ACME renewal", ANSWERS,
                      close_date=date(2027, 1, 31))
    return path


def test_a_hint_outside_a_command_has_no_options() -> None:
    assert command_hint("report", "acme", "--full") == "qualicoach report acme --full"
    assert command_hint("deal", "contact", "add", "acme", "Ann Lee", rest="--role ROLE") == (
        "qualicoach deal contact add acme 'Ann Lee' --role ROLE")


@pytest.mark.parametrize("before", [True, False], ids=["db-first", "db-after-command"])
def test_a_missing_deal_error_names_the_database_it_looked_in(
        run: Run, other_db: Path, before: bool) -> None:
    db = ("--db", str(other_db))
    result = run(*db, "report", "nosuch") if before else run("report", "nosuch", *db)
    assert result.exit_code == 4
    words = hint_after(result.stderr, "list them with")
    assert words == ["qualicoach", "--db", str(other_db), "deals", "--all",
                     "--all-states"]
    # Copied as it is, it lists the deals of that database, not the empty default one.
    assert "acme-renewal" in run(*words[1:], ok=True).stdout
    # The library's own hint is back to bare once the command is over.
    assert command_hint("deals") == "qualicoach deals"


def test_without_db_hints_stay_bare(run: Run, home: Home) -> None:
    deal_with_answers(Store(home.db), catalog_of(home), "ACME renewal", ANSWERS)
    result = run("report", "acme-renewal", ok=True)
    assert hint_after(result.stdout, "The rest") == [
        "qualicoach", "report", "acme-renewal", "--full"]


def test_the_brief_points_to_the_full_report_in_the_same_database(
        run: Run, other_db: Path) -> None:
    result = run("--db", str(other_db), "report", "acme-renewal", ok=True)
    words = hint_after(result.stdout, "The rest")
    assert words == ["qualicoach", "--db", str(other_db), "report", "acme-renewal", "--full"]
    assert "Evidence: who said each answer" in run(*words[1:], ok=True).stdout


def test_a_long_hint_is_one_line_however_narrow_the_terminal(
        run: Run, other_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    result = run("--db", str(other_db), "report", "acme-renewal", ok=True)
    line = next(line for line in result.stdout.splitlines() if "The rest" in line)
    assert line.rstrip().endswith("acme-renewal --full")


def test_the_end_of_an_interview_points_to_the_report_in_the_same_database(
        run: Run, other_db: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("bant: {budget_fits: covers}\n")
    result = run("--db", str(other_db), "interview", "acme-renewal", "--answers",
                 str(answers), ok=True)
    assert hint_after(result.stdout, "Full report") == [
        "qualicoach", "--db", str(other_db), "report", "acme-renewal"]


def test_resume_hints_carry_the_database(run: Run, other_db: Path) -> None:
    nothing = run("--db", str(other_db), "interview", "acme-renewal", "--resume",
                  prompter=ScriptedPrompter())
    assert hint_after(nothing.stderr, "start one") == [
        "qualicoach", "--db", str(other_db), "interview", "acme-renewal"]
    stopped = run("--db", str(other_db), "interview", "acme-renewal", "-F", "bant", "--quick",
                  prompter=ScriptedPrompter(KeyboardInterrupt()))
    assert stopped.exit_code == 130
    assert hint_after(stopped.stderr, "Resume with") == [
        "qualicoach", "--db", str(other_db), "interview", "acme-renewal", "--resume"]


def test_framework_folders_given_on_the_command_line_are_repeated(
        run: Run, other_db: Path, tmp_path: Path) -> None:
    team = tmp_path / "team frameworks"
    team.mkdir()
    result = run("--db", str(other_db), "--frameworks-dir", str(team), "report", "nosuch")
    assert hint_after(result.stderr, "list them with") == [
        "qualicoach", "--db", str(other_db), "--frameworks-dir", str(team), "deals", "--all",
        "--all-states"]


def test_a_stakeholder_hint_quotes_the_name(run: Run, other_db: Path, tmp_path: Path) -> None:
    result = run("--db", str(other_db), "survey", "send", "acme-renewal", "--to", "Zed O'Neil",
                 "-o", str(tmp_path))
    assert hint_after(result.stderr, "add them with") == [
        "qualicoach", "--db", str(other_db), "deal", "contact", "add", "acme-renewal",
        "Zed O'Neil", "--role", "ROLE"]


def test_lookback_with_nothing_closed_says_how_to_close_a_deal_there(
        run: Run, other_db: Path) -> None:
    result = run("--db", str(other_db), "lookback", ok=True)
    words = hint_after(" ".join(result.stdout.split()), "Record how")
    assert words[:5] == ["qualicoach", "--db", str(other_db), "deal", "close"]


@pytest.mark.parametrize("given", [True, False], ids=["with-db", "default-demo-db"])
def test_the_demo_hints_name_the_demo_database(run: Run, home: Home, tmp_path: Path,
                                                given: bool) -> None:
    sample = tmp_path / "demo dir" / "demo.json" if given else home.db.with_name("demo.json")
    sample.parent.mkdir(parents=True, exist_ok=True)
    result = run(*(("--db", str(sample)) if given else ()), "demo", "--deals", "12", ok=True)
    suggested = hints(result.stdout)
    assert len(suggested) >= 3
    for words in suggested:
        assert words[1:3] == ["--db", str(sample)], words
    at_risk = next(w for w in suggested if "--at-risk" in w)
    # Copied as it is, it lists the sample, not the (empty) real database.
    assert "at risk" in run(*at_risk[1:], ok=True).stdout
    assert not home.db.exists()
