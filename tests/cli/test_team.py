"""``qualicoach team review`` and ``qualicoach lookback PATH...``: a manager's review over
copies of every rep's database and JSON export, read without being written."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from qualicoach.domain.clock import utc_now
from qualicoach.errors import ExitCode
from qualicoach.storage.store import Store

from ..helpers.build import builtin_catalog, deal_with_answers
from ..helpers.home import Home, Run

WEAK_READINESS = "alignment: {org_acknowledges_need: nobody, priority_rank: unranked}\n"
SOON = date.today() + timedelta(days=10)
LATER = date.today() + timedelta(days=200)

TEAM_CONFIG = """\
default_currency: EUR
owners:
  ana: {aliases: [Ana Lopez]}
  ben: {}
  chen: {aliases: [Chen Li]}
  dana: {}
stages:
  Solution Fit: qualified
no_decision_reasons: [Status quo, no budget this year]
"""


def _db(path: Path, days_ago: int = 0) -> Store:
    path.parent.mkdir(parents=True, exist_ok=True)
    return Store(path, clock=lambda: utc_now() - timedelta(days=days_ago))


@pytest.fixture(scope="module")
def team_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three reps' databases and one rep's JSON export, built once per module through the
    library: overlapping deals, three currencies and a deal with none, a custom stage,
    a closed deal, and one interview asked with another version of BANT."""
    root = tmp_path_factory.mktemp("team")
    catalog = builtin_catalog()
    ana = _db(root / "ana" / "qualicoach.json")
    deal_with_answers(ana, catalog, "Globex expansion", WEAK_READINESS, owner="Ana Lopez",
                      amount=100000.0, currency="EUR", stage="proposal", close_date=SOON,
                      account="Globex", crm_id="SF-1")
    deal_with_answers(ana, catalog, "Initech renewal", WEAK_READINESS, owner="ana",
                      amount=50000.0, currency="USD", stage="negotiation", close_date=LATER,
                      account="Initech")
    deal_with_answers(ana, catalog, "Brand new", owner="ana", account="Hooli")
    # Ben's database was last worked on a week ago.
    ben = _db(root / "shared-readonly" / "ben.json", days_ago=7)
    deal_with_answers(ben, catalog, "Umbrella pilot", WEAK_READINESS, owner="ben",
                      amount=80000.0, currency="USD", stage="qualified", close_date=SOON,
                      account="Umbrella")
    # Ana's deal again, copied into Ben's database: the same CRM id. Her copy, worked on
    # since, is the one counted.
    deal_with_answers(ben, catalog, "Globex expansion (copy)", owner="ana",
                      amount=100000.0, currency="EUR", stage="proposal", close_date=SOON,
                      account="Globex", crm_id="SF-1")
    deal_with_answers(ben, catalog, "Stark trial", owner="ben", amount=20000.0,
                      stage="discovery", account="Stark")
    chen = _db(root / "chen.json")
    # Ben's deal again in Chen's database, an older copy: the same id and account, no
    # CRM id.
    deal_with_answers(_db(chen.path, days_ago=30), catalog, "Umbrella pilot", owner="ben",
                      amount=80000.0, currency="USD", stage="qualified", close_date=SOON,
                      account="Umbrella")
    deal_with_answers(chen, catalog, "Wayne upgrade", WEAK_READINESS, owner="Chen Li",
                      amount=30000.0, currency="GBP", stage="proposal", close_date=SOON,
                      account="Wayne")
    won = deal_with_answers(chen, catalog, "Tyrell deal", WEAK_READINESS, owner="chen",
                            amount=5000.0, currency="GBP", stage="proposal", account="Tyrell")
    chen.edit_deal(won, stage="lost", close_reason="status quo")
    old = chen.add_deal("Soylent audit", owner="chen", amount=7000.0, currency="GBP",
                        stage="discovery", account="Soylent")
    session = chen.start_interview(old.id, {"bant": "0.9"})
    chen.end_interview(session.id, "finished")
    export = [{
        "id": "cyberdyne-core", "name": "Cyberdyne core", "account": "Cyberdyne",
        "owner": "dana", "stage": "Solution Fit", "amount": 40000.0, "currency": "EUR",
        "close_date": SOON.isoformat(), "created": "2026-01-05T10:00:00+00:00",
        "updated": "2026-02-01T10:00:00+00:00", "last_interview": "2026-02-01T10:00:00+00:00",
        "answers": {"alignment.org_acknowledges_need": {"status": "answered",
                                                        "value": "nobody",
                                                        "at": "2026-02-01T10:00:00+00:00"}},
    }]
    (root / "dana-export.json").write_text(json.dumps(export), encoding="utf-8")
    (root / "broken.json").write_text('{"_default": {"1": {"id": ', encoding="utf-8")
    (root / "team.yaml").write_text(TEAM_CONFIG, encoding="utf-8")
    return root


@pytest.fixture
def team(tmp_path: Path, team_template: Path) -> Iterator[Path]:
    """This test's copy of the team folder, Ben's part read-only."""
    root = tmp_path / "team"
    shutil.copytree(team_template, root)
    readonly = root / "shared-readonly"
    for path in readonly.rglob("*"):
        path.chmod(stat.S_IRUSR | (stat.S_IXUSR if path.is_dir() else 0))
    readonly.chmod(stat.S_IRUSR | stat.S_IXUSR)
    yield root
    for path in [readonly, *readonly.rglob("*")]:
        path.chmod(stat.S_IRWXU)


def _tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``root`` with a digest of its bytes and its modification time."""
    return {str(p.relative_to(root)): (hashlib.sha1(p.read_bytes()).hexdigest(),
                                       p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def _review(run: Run, team: Path, *options: str) -> tuple[Any, dict[str, Any]]:
    result = run("team", "review", str(team), "--team-config", str(team / "team.yaml"),
                 "--format", "json", *options)
    return result, json.loads(result.stdout)


def _owners(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["owner"]: o for o in data["owners"]}


def test_the_review_adds_up_each_owner_across_every_file(run: Run, team: Path) -> None:
    result, data = _review(run, team)
    owners = _owners(data)
    assert set(owners) == {"ana", "ben", "chen", "dana"}
    # Ana: her two copies of Globex count once; her deal with no amount counts as a deal.
    assert owners["ana"]["open_deals"] == 3
    assert owners["ana"]["open_amount"] == {"EUR": 100000.0, "USD": 50000.0}
    assert owners["ana"]["never_interviewed"] == 1
    # Ben: Umbrella once (also in Chen's file); Stark has no currency, so the team's EUR.
    assert owners["ben"]["open_deals"] == 2
    assert owners["ben"]["open_amount"] == {"EUR": 20000.0, "USD": 80000.0}
    # Chen: "Chen Li" is an alias; the lost deal is not open.
    assert owners["chen"]["open_deals"] == 2
    assert owners["chen"]["open_amount"] == {"GBP": 37000.0}
    # Dana's export: its custom stage is the team's name for "qualified".
    assert owners["dana"]["open_deals"] == 1
    assert data["total"]["open_deals"] == 8
    assert result.exit_code == ExitCode.DAMAGED_DATABASE


def test_the_amount_at_risk_is_what_each_reps_own_listing_says_is_at_risk(
        run: Run, team: Path) -> None:
    expected: dict[str, dict[str, float]] = {}
    listings = [team / "ana" / "qualicoach.json", team / "shared-readonly" / "ben.json",
                team / "chen.json"]
    seen = set()
    for db in listings:
        rows = json.loads(run("--db", str(db), "deals", "--format", "json").stdout)
        for row in rows:
            key = row["crm_id"] or (row["id"], row["account"])
            if key in seen or not row["at_risk"]:
                continue
            seen.add(key)
            owner = {"Ana Lopez": "ana", "Chen Li": "chen"}.get(row["owner"], row["owner"])
            money = expected.setdefault(owner, {})
            money[row["currency"] or "EUR"] = money.get(row["currency"] or "EUR", 0.0) + \
                row["amount"]
    _, data = _review(run, team)
    assert expected  # weak readiness puts deals at risk: the comparison is not empty
    for owner, figures in _owners(data).items():
        if owner != "dana":
            assert figures["at_risk_amount"] == expected.get(owner, {}), owner


def test_amounts_in_two_currencies_are_never_added_together_without_rates(
        run: Run, team: Path) -> None:
    _, data = _review(run, team)
    assert data["total"]["open_amount"] == {"EUR": 160000.0, "GBP": 37000.0, "USD": 130000.0}


def test_rates_in_the_team_config_convert_into_its_default_currency(run: Run,
                                                                    team: Path) -> None:
    config = team / "team.yaml"
    config.write_text(TEAM_CONFIG + "rates: {USD: 0.5}\n", encoding="utf-8")
    _, data = _review(run, team)
    # GBP has no rate: it stays apart.
    assert data["total"]["open_amount"] == {"EUR": 160000.0 + 65000.0, "GBP": 37000.0}


def test_without_a_default_currency_a_deal_without_one_is_counted_apart(
        run: Run, team: Path) -> None:
    (team / "team.yaml").write_text(TEAM_CONFIG.replace("default_currency: EUR\n", ""),
                                    encoding="utf-8")
    _, data = _review(run, team)
    assert _owners(data)["ben"]["open_amount"] == {"USD": 80000.0, "no_currency": 20000.0}


def test_a_deal_in_two_files_is_counted_once_and_named_once(run: Run, team: Path) -> None:
    _, data = _review(run, team)
    duplicates = {(d["crm_id"], d["id"]): d for d in data["duplicates"]}
    assert len(data["duplicates"]) == 2
    globex = duplicates[("SF-1", "globex-expansion")]
    assert len(globex["also_in"]) == 1
    umbrella = duplicates[(None, "umbrella-pilot")]
    assert {umbrella["counted_from"], *umbrella["also_in"]} == {
        str(team / "shared-readonly" / "ben.json"), str(team / "chen.json")}


def test_a_damaged_file_is_listed_with_why_and_the_rest_reviewed(run: Run,
                                                                 team: Path) -> None:
    result, data = _review(run, team)
    assert [s["file"] for s in data["skipped"]] == [str(team / "broken.json")]
    assert "damaged" in data["skipped"][0]["why"]
    assert result.exit_code == ExitCode.DAMAGED_DATABASE
    assert "broken.json" in result.stderr


def test_every_file_read_exits_zero(run: Run, team: Path) -> None:
    (team / "broken.json").unlink()
    result, data = _review(run, team)
    assert result.exit_code == 0, result.stderr
    assert data["skipped"] == []


def test_the_review_writes_nothing_in_the_folders_it_reads(run: Run, team: Path) -> None:
    before = _tree(team)
    for form in ("json", "table", "csv", "html"):
        run("team", "review", str(team), "--team-config", str(team / "team.yaml"),
            "--format", form)
    assert _tree(team) == before


def test_the_review_does_not_wait_for_a_rep_who_is_writing(run: Run, team: Path) -> None:
    """Another process holds Ana's database's write lock (an interview in progress on a
    synced copy): the review reads the file as it is, without waiting."""
    hold = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from qualicoach.storage.durable import exclusive_lock\n"
         "with exclusive_lock(Path(sys.argv[1]), 0):\n"
         "    print('held', flush=True); time.sleep(60)",
         str(team / "ana" / "qualicoach.json")], stdout=subprocess.PIPE, text=True)
    try:
        assert hold.stdout is not None and hold.stdout.readline() == "held\n"
        started = time.monotonic()
        result, data = _review(run, team)
        assert time.monotonic() - started < 10
        assert _owners(data)["ana"]["open_deals"] == 3
        assert str(team / "ana" / "qualicoach.json") in data["files"]
    finally:
        hold.kill()
        hold.wait()


def test_an_unmapped_custom_stage_skips_the_file_naming_the_stage(run: Run,
                                                                  team: Path) -> None:
    (team / "team.yaml").write_text(TEAM_CONFIG.replace("  Solution Fit: qualified\n",
                                                        "  Legal: negotiation\n"))
    result, data = _review(run, team)
    skipped = {Path(s["file"]).name: s["why"] for s in data["skipped"]}
    assert "Solution Fit" in skipped["dana-export.json"]
    assert "dana" not in _owners(data) or _owners(data)["dana"]["open_deals"] == 0
    assert result.exit_code == ExitCode.DAMAGED_DATABASE


def test_a_rep_whose_frameworks_differ_from_the_teams_is_named(run: Run, team: Path) -> None:
    _, data = _review(run, team)
    differences = [d for d in data["framework_differences"]
                   if d["file"] == str(team / "chen.json")]
    assert [(d["framework"], d["theirs"]) for d in differences] == [("bant", "0.9")]
    assert differences[0]["team"] not in (None, "0.9")


def test_the_deals_to_discuss_first_say_whom_to_ask_what(run: Run, team: Path) -> None:
    _, data = _review(run, team, "--limit", "3")
    first = data["discuss_first"]
    assert len(first) == 3
    for item in first:
        assert {"id", "owner", "verdict", "reason", "question"} <= set(item)
        assert item["question"].endswith("?")
    # Most at stake first: Globex (100,000 EUR, closing in 10 days, at risk) leads.
    assert first[0]["id"] == "globex-expansion"
    assert first[0]["owner"] == "ana"


def test_owner_and_closing_within_narrow_the_review(run: Run, team: Path) -> None:
    _, data = _review(run, team, "--owner", "ANA", "--closing-within", "30")
    assert [o["owner"] for o in data["owners"]] == ["ana"]
    assert data["owners"][0]["open_deals"] == 1
    assert {d["owner"] for d in data["discuss_first"]} == {"ana"}


def test_coverage_is_the_amount_closing_in_the_period_over_the_quota(
        run: Run, team: Path) -> None:
    period = f"{SOON.year}-{SOON.month:02d}"
    (team / "team.yaml").write_text(TEAM_CONFIG.replace(
        "  ana: {aliases: [Ana Lopez]}", f"  ana: {{aliases: [Ana Lopez], quota: "
        f"{{'{period}': 50000}}}}"))
    _, data = _review(run, team, "--period", period)
    ana = _owners(data)["ana"]
    assert ana["quota"] == 50000.0
    assert ana["coverage"] == 2.0  # Globex's 100,000 EUR closes in the period


def test_a_mistake_in_the_team_config_is_named_at_its_line_and_column(
        run: Run, team: Path) -> None:
    (team / "team.yaml").write_text("default_currency: EUR\nrates:\n  usd: 0.9\n")
    result = run("team", "review", str(team), "--team-config", str(team / "team.yaml"))
    assert result.exit_code == ExitCode.INVALID_DATA
    assert f"{team / 'team.yaml'}:3:3: rates: 'usd' must be a three-letter" in result.stderr


def test_the_team_config_can_be_named_in_config_yaml(run: Run, team: Path,
                                                     home: Home) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text(f"team_config: {team / 'team.yaml'}\n")
    result = run("team", "review", str(team), "--format", "json")
    # Its stage names are known: the export is read.
    assert "dana" in _owners(json.loads(result.stdout))


def test_the_table_fits_80_columns_and_names_what_was_skipped(run: Run, team: Path) -> None:
    result = run("team", "review", str(team), "--team-config", str(team / "team.yaml"))
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert "Discuss first" in result.stdout
    assert "Counted once" in result.stdout
    assert any("broken.json" in line for line in lines)


def test_csv_has_one_row_per_owner_and_a_column_per_currency(run: Run, team: Path) -> None:
    result = run("team", "review", str(team), "--team-config", str(team / "team.yaml"),
                 "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["owner"] for r in rows] == ["ana", "ben", "chen", "dana", "team"]
    assert rows[0]["open_amount_EUR"] == "100000.0"
    assert rows[0]["open_amount_USD"] == "50000.0"


def test_the_html_page_is_standalone(run: Run, team: Path, tmp_path: Path) -> None:
    page = tmp_path / "review.html"
    run("team", "review", str(team), "--team-config", str(team / "team.yaml"), "-o",
        str(page))
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<svg") >= 2
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text


def test_a_path_that_names_nothing_is_an_error(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("team", "review", str(empty))
    assert result.exit_code == ExitCode.NOT_FOUND
    assert "no database or JSON export" in result.stderr


def test_lookback_covers_every_reps_closed_deals(run: Run, team: Path) -> None:
    result = run("lookback", str(team), "--team-config", str(team / "team.yaml"),
                 "--format", "json")
    data = json.loads(result.stdout)
    # Chen's loss to the status quo is, for this team, a no decision.
    assert [(d["id"], d["outcome"]) for d in data["deals"]] == [("tyrell-deal",
                                                                 "no_decision")]
    assert result.exit_code == ExitCode.DAMAGED_DATABASE  # broken.json
    assert [s["file"] for s in data["skipped"]] == [str(team / "broken.json")]


def test_lookback_by_owner_and_framework(run: Run, team: Path) -> None:
    (team / "broken.json").unlink()
    config = ("--team-config", str(team / "team.yaml"))
    mine = run("lookback", str(team), *config, "--owner", "ben", "--format", "json")
    assert json.loads(mine.stdout)["closed"] == 0
    assert mine.exit_code == 0, mine.stderr
    chen = run("lookback", str(team), *config, "--owner", "chen", "--framework", "alignment",
               "--format", "json")
    assert json.loads(chen.stdout)["closed"] == 1
    other = run("lookback", str(team), *config, "--framework", "meddic", "--format", "json")
    assert json.loads(other.stdout)["closed"] == 0


def test_lookback_keeps_reading_the_own_database_without_paths(run: Run, home: Home,
                                                               team: Path) -> None:
    home.db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(team / "chen.json", home.db)
    data = json.loads(run("lookback", "--format", "json", ok=True).stdout)
    assert [(d["id"], d["outcome"]) for d in data["deals"]] == [("tyrell-deal", "lost")]


def test_text_from_reps_files_is_shown_as_text_in_every_format(run: Run,
                                                                tmp_path: Path) -> None:
    export = [{"id": "evil", "name": "<script>alert(1)</script>", "owner": "=1+1\x1b[31m",
               "account": "Evil", "stage": "proposal", "amount": 1000.0, "currency": "EUR",
               "close_date": SOON.isoformat(), "created": "2026-01-05T10:00:00+00:00",
               "updated": "2026-02-01T10:00:00+00:00"}]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    table = run("team", "review", str(path)).stdout
    assert "\x1b" not in table and "=1+1\\x1b[31m" in table
    rows = list(csv.reader(io.StringIO(run("team", "review", str(path), "-f", "csv").stdout)))
    assert rows[1][0] == "'=1+1\\x1b[31m"
    page = tmp_path / "r.html"
    run("team", "review", str(path), "-o", str(page))
    assert "<script>" not in page.read_text() and "&lt;script&gt;" in page.read_text()
    assert "\\u001b" in run("team", "review", str(path), "-f", "json").stdout


def test_an_export_written_by_hand_without_time_zones_is_reviewed(run: Run,
                                                                   tmp_path: Path) -> None:
    export = [{"id": "by-hand", "name": "By hand", "owner": "eve", "stage": "proposal",
               "created": "2026-01-05T10:00:00", "updated": "2026-02-01T10:00:00",
               "last_interview": "2026-02-01",
               "answers": {"bant.budget": {"status": "unknown", "at": "2026-02-01T10:00:00"}}}]
    path = tmp_path / "eve.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    result = run("team", "review", str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert _owners(json.loads(result.stdout))["eve"]["open_deals"] == 1
