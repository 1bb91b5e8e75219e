"""``qualicoach deal ...``: what a user types and sees."""

from __future__ import annotations

import json

import pytest

from ..helpers.home import Home, Run

HOSTILE = "[bold red]Evil[/bold red] \x1b[31mred\x1b[0m \x07bell\x9b2J =1+1"


def test_add_prints_the_new_id(run: Run) -> None:
    result = run("deal", "add", "ACME Renewal", "--account", "ACME", "--amount", "12500",
                 "--currency", "eur", "--close", "2026-12-31", "--tag", "q4", ok=True)
    assert result.stdout == "acme-renewal\n"


def test_show_json_has_every_field(run: Run) -> None:
    run("deal", "add", "ACME Renewal", "--account", "ACME", "--stage", "Discovery",
        "--amount", "12500.5", "--currency", "eur", "--close", "2026-12-31",
        "--next-step", "demo", "--tag", "q4", ok=True)
    data = json.loads(run("deal", "show", "acme", "--format", "json", ok=True).stdout)
    assert {k: data[k] for k in ("id", "name", "account", "stage", "amount", "currency",
                                 "close_date", "next_step", "tags", "archived")} == {
        "id": "acme-renewal", "name": "ACME Renewal", "account": "ACME",
        "stage": "discovery", "amount": 12500.5, "currency": "EUR",
        "close_date": "2026-12-31", "next_step": "demo", "tags": ["q4"], "archived": False,
    }


def test_edit_records_a_slipped_close_date(run: Run) -> None:
    run("deal", "add", "Globex", "--close", "2026-12-31", ok=True)
    run("deal", "edit", "globex", "--close", "2027-03-31", ok=True)
    data = json.loads(run("deal", "show", "globex", "-f", "json").stdout)
    assert [(h["field"], h["old"], h["new"]) for h in data["history"]] == [
        ("close_date", "2026-12-31", "2027-03-31")]
    assert "close date" in run("deal", "show", "globex").stdout


def test_edit_tags_and_untags(run: Run) -> None:
    run("deal", "add", "Globex", "--tag", "a", "--tag", "b", ok=True)
    run("deal", "edit", "globex", "--tag", "c", "--untag", "a", ok=True)
    assert json.loads(run("deal", "show", "globex", "-f", "json").stdout)["tags"] == ["b", "c"]


def test_an_edit_to_what_the_deal_holds_writes_nothing_and_says_so(run: Run,
                                                                   home: Home) -> None:
    run("deal", "add", "ACME", "--stage", "proposal", ok=True)
    run("deal", "edit", "acme", "--next-step", "call", ok=True)
    before = home.db.read_bytes(), home.db.with_name(home.db.name + ".bak").read_bytes()
    result = run("deal", "edit", "acme", "--stage", "proposal", ok=True)
    assert result.stdout == "no change: acme already holds that\n"
    assert (home.db.read_bytes(), home.db.with_name(home.db.name + ".bak").read_bytes()
            ) == before


def test_edit_with_nothing_to_change_is_an_error(run: Run) -> None:
    run("deal", "add", "Globex", ok=True)
    result = run("deal", "edit", "globex")
    assert result.exit_code == 2 and "nothing to change" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["--close", "2026-13-40"], "close date '2026-13-40' is not a real date"),
    (["--close", "31/12/2026"],
     "close date '31/12/2026' is not a date; write it as YYYY-MM-DD"),
    (["--amount", "-5"], "amount -5 must be a number of 0 or more"),
    (["--amount", "lots"], "amount 'lots' is not a number"),
    (["--amount", "nan"], "amount nan must be a number of 0 or more"),
    (["--stage", "closing"], "unknown stage 'closing'; give one of prospect, discovery, "
     "qualified, proposal, negotiation, won, lost, no_decision"),
    (["--currency", "euro"], "currency 'euro' is not a three-letter code such as EUR or USD"),
    (["--account", "x" * 5000], "account is 5,000 characters; at most 2,000 fit"),
])
def test_bad_values_are_usage_errors_that_change_nothing(
    run: Run, home: Home, args: list[str], message: str
) -> None:
    run("deal", "add", "Globex", ok=True)
    before = home.db.read_bytes()
    for command in (["deal", "add", "Other", *args], ["deal", "edit", "globex", *args]):
        result = run(*command)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for '{args[0]}': {message}")
    assert home.db.read_bytes() == before


def test_unknown_role_is_rejected(run: Run, home: Home) -> None:
    run("deal", "add", "Globex", ok=True)
    result = run("deal", "contact", "add", "globex", "Hank", "--role", "boss")
    assert result.exit_code == 2 and "unknown role 'boss'" in result.stderr


def test_contacts_with_roles_show_on_the_deal(run: Run) -> None:
    run("deal", "add", "Globex", ok=True)
    run("deal", "contact", "add", "globex", "Hank Scorpio", "--role", "economic-buyer",
        "--title", "CEO", ok=True)
    data = json.loads(run("deal", "show", "globex", "-f", "json").stdout)
    assert data["contacts"] == [{"name": "Hank Scorpio", "role": "economic_buyer", "title": "CEO"}]
    run("deal", "contact", "rm", "globex", "hank scorpio", ok=True)
    assert json.loads(run("deal", "show", "globex", "-f", "json").stdout)["contacts"] == []


def test_ambiguous_prefix_lists_the_candidates(run: Run) -> None:
    run("deal", "add", "Initech upgrade", ok=True)
    run("deal", "add", "Initrode pilot", ok=True)
    result = run("deal", "show", "ini")
    assert result.exit_code == 2
    assert result.stderr == ("qualicoach: 'ini' matches 2 deals: initech-upgrade (Initech "
                             "upgrade), initrode-pilot (Initrode pilot); give more of the "
                             "name or the id\n")


def test_archive_and_restore(run: Run) -> None:
    run("deal", "add", "Globex", ok=True)
    assert run("deal", "archive", "globex", ok=True).stdout == "archived globex\n"
    assert json.loads(run("deal", "show", "globex", "-f", "json").stdout)["archived"] is True
    run("deal", "archive", "globex", "--restore", ok=True)
    assert json.loads(run("deal", "show", "globex", "-f", "json").stdout)["archived"] is False


def test_rm_without_a_terminal_needs_yes(run: Run) -> None:
    run("deal", "add", "Globex", ok=True)
    result = run("deal", "rm", "globex")
    assert result.exit_code == 2 and "add --yes" in result.stderr
    assert run("deal", "rm", "globex", "--yes", ok=True).stdout == "deleted globex\n"
    assert run("deal", "show", "globex").exit_code == 4


def test_damaged_database_is_a_one_line_error_with_exit_5(run: Run, home: Home) -> None:
    home.db.parent.mkdir(parents=True)
    home.db.write_text('{"deals": ')
    result = run("deal", "add", "Globex")
    assert result.exit_code == 5
    assert result.stderr.count("\n") == 1 and "is damaged: not valid JSON" in result.stderr
    assert home.db.read_text() == '{"deals": '


def test_hostile_text_is_stored_as_given_and_shown_literally(run: Run) -> None:
    deal_id = run("deal", "add", HOSTILE, "--account", HOSTILE, "--owner", HOSTILE,
                  "--next-step", HOSTILE, "--tag", HOSTILE, ok=True).stdout.strip()
    assert deal_id == "bold-red-evil-bold-red-31mred-0m-bell2j"
    run("deal", "contact", "add", deal_id, HOSTILE, "--title", HOSTILE, ok=True)
    data = json.loads(run("deal", "show", deal_id, "-f", "json").stdout)
    assert data["name"] == data["account"] == data["owner"] == data["next_step"] == HOSTILE
    assert data["tags"] == [HOSTILE] and data["contacts"][0]["title"] == HOSTILE
    shown = run("deal", "show", deal_id, ok=True).stdout
    assert "[bold red]Evil[/bold red]" in shown  # markup shown, not applied
    assert "\x1b" not in shown and "\x07" not in shown and "\x9b" not in shown
    assert "\\x1b[31mred" in shown  # escape codes made visible
