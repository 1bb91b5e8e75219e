"""What every command shares: where options go, help, exit codes, completion, --db."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.main import get_command

from qualicoach.cli.app import app, command_named, main
from qualicoach.storage.store import Store

from ..helpers.home import ROOT, Home, Run


@pytest.fixture
def other_db(home: Home) -> Path:
    """A second database with one deal, 'elsewhere', while the default one stays empty."""
    path = home.root / "other.json"
    Store(path).add_deal("Elsewhere")
    return path


# --- --db and --frameworks-dir, before or after the command ---------------------------------

@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize("command", [
    ["deals", "-f", "ids"], ["report", "elsewhere", "-f", "json"], ["history", "elsewhere"],
    ["deal", "show", "elsewhere"], ["export"],
])
def test_db_is_accepted_before_or_after_the_command(run: Run, other_db: Path, where: str,
                                                    command: list[str]) -> None:
    option = ["--db", str(other_db)]
    args = [*option, *command] if where == "before" else [*command, *option]
    result = run(*args, ok=True)
    assert "elsewhere" in result.stdout


def test_db_after_a_write_command_writes_there(run: Run, home: Home, other_db: Path) -> None:
    run("deal", "add", "Second", f"--db={other_db}", ok=True)
    assert {d.id for d in Store(other_db).deals()} == {"elsewhere", "second"}
    assert not home.db.exists()


def test_frameworks_dir_after_interview(run: Run, home: Home, other_db: Path) -> None:
    folder = home.root / "ours"
    home.write_framework("ours.yaml", """\
        id: ours
        name: Ours
        version: "1"
        perspective: fit
        elements:
          - id: e
            name: E
            questions:
              - {id: q, prompt: Q?, type: yes_no}
        """, folder)
    answers = home.root / "answers.yaml"
    answers.write_text("ours: {q: yes}\n")
    run("interview", "elsewhere", "--answers", str(answers), "--db", str(other_db),
        "--frameworks-dir", str(folder), ok=True)
    (interview,) = Store(other_db).interviews("elsewhere")
    assert interview.frameworks == {"ours": "1"}


def test_demo_db_names_the_sample_database_wherever_it_is_given(run: Run, home: Home) -> None:
    sample = home.root / "sample.json"
    run("demo", "--deals", "3", "--db", str(sample), ok=True)
    assert Store(sample).counts()[0] == 3 and Store(sample).is_sample()
    assert not home.db.with_name("demo.json").exists()


# --- an explicit database that does not exist ------------------------------------------------

@pytest.mark.parametrize("command", [
    ["deals"], ["deals", "-f", "json"], ["report", "acme"], ["history", "acme"],
    ["deal", "show", "acme"], ["export"],
])
def test_reading_a_db_given_with_db_that_does_not_exist_is_an_error(
        run: Run, home: Home, command: list[str]) -> None:
    missing = home.root / "typo" / "x.json"
    result = run("--db", str(missing), *command)
    assert result.exit_code == 4
    assert result.stderr == (f"qualicoach: no database at {missing} (--db names a file that "
                             "does not exist)\n")
    assert result.stdout == ""


def test_writing_to_a_new_db_creates_it(run: Run, home: Home) -> None:
    new = home.root / "new.json"
    run("--db", str(new), "deal", "add", "First", ok=True)
    assert [d.id for d in Store(new).deals()] == ["first"]


def test_the_default_db_may_not_exist_yet(run: Run, home: Home) -> None:
    assert not home.db.exists()
    assert run("deals", ok=True).stdout == "No deals match.\n"


# --- option values ---------------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (["deals", "--sort", "bogus"], "Invalid value for '--sort': 'bogus' is not one of 'risk', "
                                   "'close', 'amount', 'updated', 'fit', 'readiness', "
                                   "'attention'."),
    (["deals", "--stale", "-1"], "Invalid value for '--stale': -1 is too small: give 0 or more"),
    (["deals", "--limit", "x"], "Invalid value for '--limit': 'x' is not a whole number"),
    (["demo", "--deals", "0"], "Invalid value for '--deals': 0 is too small: give 1 or more"),
])
def test_bad_option_values_are_said_in_words(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: {message}"


STAGES_SAID = ("prospect, discovery, qualified, proposal, negotiation, won, lost, "
               "no_decision")


@pytest.mark.parametrize("args,message", [
    (["deals", "--stage", "propsal"], f"unknown stage 'propsal'; give one of {STAGES_SAID}"),
    (["deal", "add", "Acme", "--stage", "propsal"],
     f"unknown stage 'propsal'; give one of {STAGES_SAID}"),
    (["deal", "edit", "elsewhere", "--stage", "propsal"],
     f"unknown stage 'propsal'; give one of {STAGES_SAID}"),
    (["deal", "close", "elsewhere", "--outcome", "wn"],
     "unknown outcome 'wn'; give one of won, lost, no_decision"),
    (["deal", "contact", "add", "elsewhere", "Dana", "--role", "boss"],
     "unknown role 'boss'; give one of champion, economic_buyer, decision_maker, influencer, "
     "user, blocker, unknown"),
])
def test_a_word_outside_an_options_list_is_a_usage_error_like_any_bad_value(
        run: Run, other_db: Path, args: list[str], message: str) -> None:
    # Exit 2 as for `--sort riks`: a script tells a mistyped command from a failed one.
    result = run("--db", str(other_db), *args)
    assert result.exit_code == 2
    option = next(a for a in args if a.startswith("--"))
    assert result.stderr.splitlines()[-1] == f"Error: Invalid value for '{option}': {message}"
    assert Store(other_db).deals()[0].stage == "prospect"


# --- exit codes of usage errors ----------------------------------------------------------------

def test_a_customer_summary_in_another_format_is_a_usage_error(run: Run, other_db: Path) -> None:
    result = run("--db", str(other_db), "report", "elsewhere", "--for", "customer", "-f", "json")
    assert result.exit_code == 2
    assert result.stderr == ("qualicoach: the customer summary is text, Markdown or HTML, not "
                             "json: use --format text, markdown or html\n")


def test_rm_without_a_terminal_is_a_usage_error_that_names_yes(run: Run, other_db: Path) -> None:
    result = run("--db", str(other_db), "deal", "rm", "elsewhere")
    assert result.exit_code == 2
    assert result.stderr == ("qualicoach: not deleting 'elsewhere' without confirmation "
                             "(standard input is not a terminal): add --yes\n")
    assert [d.id for d in Store(other_db).deals()] == ["elsewhere"]


# --- shell completion ----------------------------------------------------------------------------

def complete(line: str) -> list[str]:
    """What bash completion offers for ``line`` (the word being completed is its last)."""
    from typer.testing import CliRunner

    words = line.split(" ")
    result = CliRunner().invoke(app, [], prog_name="qualicoach", env={
        "_QUALICOACH_COMPLETE": "complete_bash", "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1)})
    return result.stdout.split()


@pytest.fixture
def pipeline_db(home: Home) -> Path:
    store = Store(home.db)
    store.add_deal("Acme renewal", tags=("q4",))
    store.add_deal("Acme expansion")
    store.add_deal("Globex", tags=("q1", "big"))
    return home.db


def test_deal_ids_complete_from_the_database(pipeline_db: Path) -> None:
    from typer import Context

    from qualicoach.cli import completion

    ctx = Context(get_command(app))
    assert completion.deal_ids(ctx, "acme") == [("acme-expansion", "Acme expansion"),
                                                ("acme-renewal", "Acme renewal")]
    assert completion.deal_ids(ctx, "") == [("acme-expansion", "Acme expansion"),
                                            ("acme-renewal", "Acme renewal"),
                                            ("globex", "Globex")]


def test_completion_of_a_missing_or_damaged_database_is_empty(home: Home) -> None:
    from typer import Context

    from qualicoach.cli import completion

    ctx = Context(get_command(app))
    assert completion.deal_ids(ctx, "") == [] and completion.tags(ctx, "") == []
    assert not home.db.exists()  # completing never creates the database
    home.db.parent.mkdir(parents=True)
    home.db.write_text("{not json")
    assert completion.deal_ids(ctx, "") == []


@pytest.mark.parametrize("line,offered", [
    ("qualicoach report ac", ["acme-expansion", "acme-renewal"]),
    ("qualicoach history g", ["globex"]),
    ("qualicoach interview ", ["acme-expansion", "acme-renewal", "globex"]),
    ("qualicoach deal show acme-r", ["acme-renewal"]),
    ("qualicoach deal contact add globex Jo --role e", ["economic_buyer"]),
    ("qualicoach deals --stage ne", ["negotiation"]),
    ("qualicoach deal edit globex --stage pro", ["prospect", "proposal"]),
    ("qualicoach deals --tag q", ["q1", "q4"]),
    ("qualicoach deal edit globex --untag b", ["big"]),
    ("qualicoach interview globex -F me", ["meddic"]),
    ("qualicoach frameworks show ", ["alignment", "bant", "icp", "meddic"]),
])
def test_shell_completion_offers_deals_frameworks_stages_roles_and_tags(
        pipeline_db: Path, line: str, offered: list[str]) -> None:
    assert complete(line) == offered


def test_completion_reads_the_db_given_on_the_line(home: Home, other_db: Path,
                                                   pipeline_db: Path) -> None:
    assert complete(f"qualicoach report --db {other_db} e") == ["elsewhere"]


# --- the README's pipeline example ---------------------------------------------------------------

def test_the_readme_pipeline_runs_no_report_when_nothing_matches(
        home: Home, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    readme = (ROOT / "README.md").read_text()
    (line,) = [x.strip() for x in readme.splitlines() if "| xargs" in x]
    shim = tmp_path / "bin" / "qualicoach"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m qualicoach "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(["bash", "-c", f"set -o pipefail; {line}"], env=env, timeout=60,
                            capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("args,command", [
    (["report", "acme"], "report"),
    (["--db", "report", "deals"], "deals"),  # 'report' is the --db value here
    (["--db=x.json", "deal", "show", "acme"], "deal"),
    (["--frameworks-dir", "team", "frameworks", "list"], "frameworks"),
    (["reprot", "acme"], None),  # misspelt: the whole tree, for click's suggestion
    (["--help"], None),
    (["--version"], None),
    ([], None),
])
def test_a_run_builds_only_the_command_it_runs(args: list[str], command: str | None) -> None:
    assert command_named(args) == command


LEAN_RUN = """
import sys
from qualicoach.cli.app import main
code = main(sys.argv[1:])
others = sorted(m for m in sys.modules if m.startswith("qualicoach.cli.") and
                m.endswith("_cmd"))
print(" ".join(others), file=sys.stderr)
sys.exit(code)
"""


def test_the_console_script_imports_only_the_command_it_runs(home: Home) -> None:
    done = subprocess.run([sys.executable, "-c", LEAN_RUN, "deals", "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.split() == ["qualicoach.cli.deals_cmd"]


def test_the_console_script_still_lists_every_command_in_its_help(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name in ("deals", "interview", "report", "history", "demo", "lookback", "import",
                 "export", "deal", "frameworks", "survey"):
        assert f"\n  {name} " in listed


def test_a_misspelt_command_is_still_suggested_by_the_console_script(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reprot"]) == 2
    assert "report" in capsys.readouterr().err
