"""``qualicoach frameworks ...`` and where frameworks come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qualicoach.frameworks.catalog import builtin_folder

from ..helpers.home import ROOT, Home, Run

MINIMAL = """\
id: {id}
name: {name}
version: "2.0"
perspective: fit
elements:
  - id: e
    name: E
    questions:
      - {{id: q1, prompt: Q1?, type: yes_no}}
      - {{id: q2, prompt: Q2?, type: text}}
"""


def test_list_shows_builtins_with_their_source(run: Run) -> None:
    result = run("frameworks", "list", "--format", "json", ok=True)
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"alignment", "bant", "icp", "meddic"}
    assert rows["alignment"]["perspective"] == "readiness"
    assert rows["meddic"]["source"] == "built-in"
    assert rows["bant"]["questions"] == 9


def test_team_file_overrides_builtin_with_same_id(run: Run, home: Home) -> None:
    path = home.write_framework("icp.yaml", MINIMAL.format(id="icp", name="Our ICP"))
    rows = {r["id"]: r for r in json.loads(run("frameworks", "list", "-f", "json").stdout)}
    assert rows["icp"]["name"] == "Our ICP"
    assert rows["icp"]["source"] == "team"
    assert rows["icp"]["path"] == str(path)
    assert rows["icp"]["overrides"] == [str(builtin_folder() / "icp.yaml")]


def test_team_overrides_user_which_overrides_builtin(run: Run, home: Home) -> None:
    home.write_framework("icp.yaml", MINIMAL.format(id="icp", name="Mine"),
                         folder=home.locations.user_frameworks)
    rows = {r["id"]: r for r in json.loads(run("frameworks", "list", "-f", "json").stdout)}
    assert (rows["icp"]["name"], rows["icp"]["source"]) == ("Mine", "user")
    home.write_framework("icp.yaml", MINIMAL.format(id="icp", name="Team's"))
    rows = {r["id"]: r for r in json.loads(run("frameworks", "list", "-f", "json").stdout)}
    assert (rows["icp"]["name"], len(rows["icp"]["overrides"])) == ("Team's", 2)


def test_frameworks_dir_option_wins_over_environment(run: Run, home: Home, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other"
    home.write_framework("x.yaml", MINIMAL.format(id="x_only_here", name="X"), folder=other)
    result = run("--frameworks-dir", str(other), "frameworks", "list", "-f", "json", ok=True)
    assert "x_only_here" in {r["id"] for r in json.loads(result.stdout)}


def test_the_config_file_names_team_folders_so_no_option_is_needed(
        run: Run, home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUALICOACH_FRAMEWORKS")
    shared = tmp_path / "shared"
    home.write_framework("a.yaml", MINIMAL.format(id="from_absolute", name="A"), folder=shared)
    beside = home.config_dir / "team"  # a relative folder is read from the config folder
    home.write_framework("b.yaml", MINIMAL.format(id="from_relative", name="B"), folder=beside)
    home.locations.config_file.write_text(f"frameworks_dirs:\n  - {shared}\n  - team\n"
                                          "stale_after_days: 30\n")
    rows = {r["id"]: r for r in json.loads(run("frameworks", "list", "-f", "json",
                                                ok=True).stdout)}
    assert (rows["from_absolute"]["source"], rows["from_relative"]["source"]) == ("team",
                                                                                  "team")
    # An option adds a folder for this run; the configured ones stay.
    extra = tmp_path / "extra"
    home.write_framework("c.yaml", MINIMAL.format(id="from_option", name="C"), folder=extra)
    result = run("--frameworks-dir", str(extra), "frameworks", "list", "-f", "json", ok=True)
    assert {"from_absolute", "from_relative", "from_option"} <= {
        r["id"] for r in json.loads(result.stdout)}


def test_a_bad_frameworks_dirs_setting_names_the_file(run: Run, home: Home) -> None:
    home.config_dir.mkdir(parents=True)
    home.locations.config_file.write_text("frameworks_dirs: 5\n")
    result = run("frameworks", "list")
    assert result.exit_code == 3
    assert result.stderr == (f"qualicoach: {home.locations.config_file}:1:18: frameworks_dirs "
                             "must be a list of folders\n")


def test_a_report_without_a_framework_the_deal_was_interviewed_on_says_so_first(
        run: Run, home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    home.write_framework("spin.yaml", MINIMAL.format(id="spin", name="SPIN"))
    deal_id = run("deal", "add", "Hooli", ok=True).stdout.strip()
    answers = home.root / "a.yaml"
    answers.write_text("spin: {q1: yes, q2: Budget owner}\nbant: {budget_status: approved}\n")
    run("interview", deal_id, "--answers", str(answers), ok=True)
    monkeypatch.delenv("QUALICOACH_FRAMEWORKS")  # the team folder forgotten
    text = " ".join(run("report", deal_id, ok=True).stdout.split())
    warning = ("Scored without spin: the deal was interviewed on it, but it is not installed "
               "here. Add the team's framework folder with --frameworks-dir or frameworks_dirs "
               "in config.yaml.")
    # Right under the verdict, before any figure it changes.
    assert text.index("Early: not yet qualified") < text.index(warning) < text.index("Fit ")
    markdown = run("report", deal_id, "-f", "markdown", ok=True).stdout
    assert markdown.index("Scored without spin") < markdown.index("Fit **")


def test_table_lists_every_framework(run: Run) -> None:
    out = run("frameworks", "list", ok=True).stdout
    for word in ("alignment", "bant", "icp", "meddic", "readiness", "built-in"):
        assert word in out


def test_broken_team_file_is_warned_about_and_left_out(run: Run, home: Home) -> None:
    home.write_framework("bad.yaml", "id: bad\n")
    result = run("frameworks", "list", "-f", "json", ok=True)
    assert "bad" not in {r["id"] for r in json.loads(result.stdout)}
    assert "bad.yaml:1:1: framework: missing required key 'name'" in result.stderr


def test_show_prints_questions_with_coaching(run: Run) -> None:
    out = run("frameworks", "show", "alignment", ok=True).stdout
    assert "Who in their organisation agrees that they must change?" in out
    assert "how to ask" in out and "red flag" in out


def test_show_json_has_elements_and_questions(run: Run) -> None:
    data = json.loads(run("frameworks", "show", "meddic", "-f", "json", ok=True).stdout)
    element = next(e for e in data["elements"] if e["id"] == "economic_buyer")
    assert element["questions"][0]["id"] == "economic_buyer_identified"
    assert element["questions"][0]["red_flag"] is True


def test_show_says_by_which_stage_each_answer_must_be_known(run: Run) -> None:
    out = run("frameworks", "show", "alignment", ok=True).stdout
    assert "settle by   proposal" in out
    data = json.loads(run("frameworks", "show", "alignment", "-f", "json", ok=True).stdout)
    questions = {q["id"]: q for e in data["elements"] for q in e["questions"]}
    assert questions["priority_rank"]["settle_by"] == "proposal"


def test_show_unknown_framework_is_one_line_and_exit_4(run: Run) -> None:
    result = run("frameworks", "show", "medic")
    assert result.exit_code == 4
    assert result.stderr == ("qualicoach: no framework 'medic' (did you mean 'meddic'?); "
                             "known: alignment, bant, icp, meddic\n")


def test_validate_reports_file_line_column_and_fails(run: Run, home: Home) -> None:
    good = home.write_framework("good.yaml", MINIMAL.format(id="good", name="G"))
    bad = home.write_framework("bad.yaml", MINIMAL.format(id="bad", name="B").replace(
        "type: text", "type: txt"))
    result = run("frameworks", "validate", str(good), str(bad))
    assert result.exit_code == 3
    assert result.stderr == (
        f"{bad}:10:37: question 'q2': type 'txt' is not valid (did you mean 'text'?); "
        "expected one of: yes_no, choice, multi, scale, number, date, text\n")


def test_validate_folder_passes_when_all_valid(run: Run) -> None:
    result = run("frameworks", "validate", str(builtin_folder()), ok=True)
    assert result.stdout == "4 framework files valid\n"


def test_validate_missing_path(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run("frameworks", "validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 3
    assert "nope.yaml:1:1: no such file or folder" in result.stderr


def test_validate_checks_shared_question_references(run: Run, home: Home) -> None:
    path = home.write_framework("s.yaml", MINIMAL.format(id="s", name="S").replace(
        "{id: q1, prompt: Q1?, type: yes_no}",
        "{id: q1, prompt: Q1?, type: yes_no, same_as: meddic.economic_buyer}"))
    result = run("frameworks", "validate", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        f"{path}:9:54: question 'q1': same_as names unknown question 'economic_buyer' of "
        "'meddic' (did you mean 'economic_buyer_access'?)\n")


def test_validate_reports_same_as_problems_with_the_others_in_line_order(
        run: Run, home: Home) -> None:
    path = home.write_framework("s.yaml", MINIMAL.format(id="s", name="S").replace(
        "{id: q1, prompt: Q1?, type: yes_no}",
        "{id: q1, prompt: Q1?, type: yes_no, same_as: meddic.economic_buyer}").replace(
        "{id: q2, prompt: Q2?, type: text}", "{id: q2, prompt: Q2?, type: txt}"))
    result = run("frameworks", "validate", str(path))
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:9:54: question 'q1': same_as names unknown question")
    assert lines[1].startswith(f"{path}:10:")  # the type problem, one line further down
    assert "'txt'" in lines[1]


def test_validate_says_when_it_stops_at_100_problems(run: Run, home: Home) -> None:
    questions = "".join(f"      - {{id: q{n}, prompt: Q?, type: nope}}\n" for n in range(150))
    path = home.write_framework("many.yaml", MINIMAL.format(id="many", name="Many").split(
        "    questions:\n")[0] + "    questions:\n" + questions)
    result = run("frameworks", "validate", str(path))
    lines = result.stderr.splitlines()
    assert len(lines) == 101
    assert lines[-1].endswith("stopped after 100 problems (50 more); fix these and validate "
                              "again")


def test_validate_rejects_pointing_at_a_shared_question(run: Run, home: Home) -> None:
    path = home.write_framework("s.yaml", MINIMAL.format(id="s", name="S").replace(
        "{id: q2, prompt: Q2?, type: text}",
        "{id: q2, prompt: Q2?, type: yes_no, same_as: bant.decision_maker_identified}"))
    result = run("frameworks", "validate", str(path))
    assert "point to 'meddic.economic_buyer_identified' directly" in result.stderr


def test_validate_rejects_shared_question_of_another_type(run: Run, home: Home) -> None:
    path = home.write_framework("s.yaml", MINIMAL.format(id="s", name="S").replace(
        "{id: q2, prompt: Q2?, type: text}",
        "{id: q2, prompt: Q2?, type: text, same_as: meddic.economic_buyer_identified}"))
    result = run("frameworks", "validate", str(path))
    assert "of type yes_no, but this question is of type text" in result.stderr


SHARING = MINIMAL.replace("{id: q1, prompt: Q1?, type: yes_no}",
                          "{id: q1, prompt: Q1?, type: yes_no, same_as: base.q1}")


@pytest.fixture
def team_repo(home: Home, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A team repository: frameworks/base.yaml, and ext.yaml sharing base's question q1;
    the current folder is the repository, as for a pre-commit hook."""
    repo = home.root / "repo"
    home.write_framework("base.yaml", MINIMAL.format(id="base", name="Base"), repo / "frameworks")
    home.write_framework("ext.yaml", SHARING.format(id="ext", name="Ext"), repo / "frameworks")
    monkeypatch.chdir(repo)
    return repo


def test_validate_judges_a_file_with_the_files_of_its_folder(run: Run, team_repo: Path) -> None:
    # Only ext.yaml changed; its same_as points into base.yaml, which is loaded with it.
    result = run("frameworks", "validate", "frameworks/ext.yaml", ok=True)
    assert result.stdout == "1 framework file valid\n" and result.stderr == ""


def test_validate_reports_a_neighbour_that_the_change_breaks(run: Run, team_repo: Path) -> None:
    base = team_repo / "frameworks" / "base.yaml"
    base.write_text(base.read_text().replace("id: q1", "id: q9"))
    result = run("frameworks", "validate", "frameworks/base.yaml")
    assert result.exit_code == 3
    assert result.stderr == ("frameworks/ext.yaml:9:54: question 'q1': same_as names unknown "
                             "question 'q1' of 'base'\n")


def test_validate_reports_an_id_two_files_of_a_folder_use(run: Run, team_repo: Path) -> None:
    (team_repo / "frameworks" / "copy.yaml").write_text((team_repo / "frameworks" /
                                                        "base.yaml").read_text())
    result = run("frameworks", "validate", "frameworks/copy.yaml")
    assert result.exit_code == 3
    assert result.stderr == ("frameworks/copy.yaml:1:1: framework id 'base' is also used by "
                             "frameworks/base.yaml\n")


def test_validate_a_folder_as_the_catalog_loads_it(run: Run, team_repo: Path) -> None:
    old = team_repo / "frameworks" / "old" / "base-v1.yaml"
    old.parent.mkdir()
    old.write_text(MINIMAL.format(id="base_v1", name="Old"))
    result = run("frameworks", "validate", "frameworks")
    assert result.exit_code == 3
    assert result.stderr == ("frameworks/old/base-v1.yaml:1:1: never loaded: qualicoach reads "
                             "only the files directly in a framework folder (frameworks); move "
                             "it there, or out of the folder\n")
    listed = run("--frameworks-dir", "frameworks", "frameworks", "list", "-f", "json", ok=True)
    assert "base_v1" not in {row["id"] for row in json.loads(listed.stdout)}
    old.unlink()
    assert run("frameworks", "validate", "frameworks", ok=True).stdout == (
        "2 framework files valid\n")


def test_schema_is_json_schema(run: Run) -> None:
    schema = json.loads(run("frameworks", "schema", ok=True).stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "prompt" in schema["$defs"]["question"]["properties"]


def test_new_writes_a_valid_commented_starter(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "ours.yaml"
    run("frameworks", "new", "ours", "--perspective", "readiness", "-o", str(target), ok=True)
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=framework.schema.json")
    assert "perspective: readiness" in text
    assert "customer_prompt:" in text
    run("frameworks", "validate", str(target), ok=True)
    shown = json.loads(run("frameworks", "show", "ours", "-f", "json", "--frameworks-dir",
                           str(tmp_path), ok=True).stdout)
    settle = {q["id"]: q["settle_by"] for e in shown["elements"] for q in e["questions"]}
    assert settle["pain_confirmed"] == "discovery"  # the example settle_by


def test_new_never_overwrites(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "ours.yaml"
    target.write_text("keep me")
    result = run("frameworks", "new", "ours", "-o", str(target))
    assert result.exit_code == 3 and "already exists" in result.stderr
    assert target.read_text() == "keep me"


def test_new_rejects_a_bad_id(run: Run) -> None:
    result = run("frameworks", "new", "Bad Id")
    assert result.exit_code == 3
    assert result.stderr.startswith("qualicoach: framework id 'Bad Id' is not valid")


def test_version(run: Run) -> None:
    from qualicoach import __version__

    assert run("--version", ok=True).stdout == f"qualicoach {__version__}\n"




def test_unexpected_errors_are_one_line_without_traceback(run: Run, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("QUALICOACH_DEBUG")
    import qualicoach.frameworks.catalog

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("secret_local=42 went wrong")

    monkeypatch.setattr(qualicoach.frameworks.catalog, "load_catalog", boom)
    result = run("frameworks", "list")
    assert result.exit_code == 70
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert "internal error: RuntimeError" in result.stderr


def test_the_pre_commit_hook_file_is_valid_and_runs_validate(run: Run) -> None:
    import re

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "qualicoach-validate" and hook["language"] == "python"
    assert hook["entry"] == "qualicoach frameworks validate"
    assert re.search(hook["files"], "frameworks/bant.yaml")
    # The hook validates its folders whatever YAML file changed: no file names are passed,
    # so no other YAML file (.pre-commit-config.yaml) is ever taken for a framework.
    assert hook["pass_filenames"] is False and hook["args"] == ["frameworks"]
    assert run(*hook["entry"].split()[1:], "--help").exit_code == 0


def hook_command() -> list[str]:
    """The command pre-commit runs for the hook: its entry and args, no file names."""
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml")
                             .read_text())
    return [*hook["entry"].split()[1:], *hook["args"]]


def test_the_hook_passes_a_valid_team_folder_with_shared_questions(
        run: Run, team_repo: Path) -> None:
    assert run(*hook_command(), ok=True).stdout == "2 framework files valid\n"


def test_the_hook_fails_loudly_where_there_is_no_framework_folder(
        run: Run, team_repo: Path) -> None:
    (team_repo / "frameworks").rename(team_repo / "qualification")
    result = run(*hook_command())
    assert result.exit_code == 3
    assert result.stderr == "frameworks:1:1: no such file or folder\n"


@pytest.mark.parametrize("text,hint", [
    ("id: t\nname: T\nelements:\n  - id: e\n    questions:\n\t- id: q\n",
     "a tab indents this line, and YAML indents with spaces only: replace the tab with spaces"),
    ("id: t\nname: T\nelements:\n  - id: e\n    name: E\n     questions:\n",
     "check the indentation of this line and the one above"),
    ("id: t\nelements:\n  - id: e\n    questions:\n    - id: q\n   - id: r\n",
     "check the indentation of this line and the one above"),
])
def test_yaml_tab_and_indentation_errors_say_how_to_fix_them(run: Run, tmp_path: Path,
                                                             text: str, hint: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    result = run("frameworks", "validate", str(path))
    assert result.exit_code == 3
    assert "YAML syntax error" in result.stderr and hint in result.stderr


def test_hidden_yaml_files_in_a_framework_folder_are_not_frameworks(run: Run,
                                                                   team_repo: Path) -> None:
    folder = team_repo / "frameworks"
    (folder / ".pre-commit-config.yaml").write_text("repos:\n  - repo: local\n")
    result = run("frameworks", "validate", "frameworks", ok=True)
    assert result.stdout == "2 framework files valid\n"
    listed = run("frameworks", "list", "--frameworks-dir", str(folder), ok=True)
    assert listed.stderr == ""


def test_the_documented_size_limit_is_the_one_enforced() -> None:
    from qualicoach.yamlio.files import MAX_BYTES

    from ..helpers.home import ROOT

    doc = (ROOT / "docs" / "frameworks.md").read_text(encoding="utf-8")
    assert f"at most 1 MB ({MAX_BYTES:,} bytes)" in doc
