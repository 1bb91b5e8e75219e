"""CRM import (messy real exports) and export back out (JSON, formula-safe CSV)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from qualicoach.storage.store import Store

from ..helpers.build import catalog_of, record_answers_file
from ..helpers.home import DATA, Home, Run

CRM = DATA / "crm"


def deals_of(home: Home) -> dict[str, dict]:  # type: ignore[type-arg]
    return {d.name: d.__dict__ for d in Store(home.db).deals(include_archived=True)}


# --- amounts in whole files --------------------------------------------------------------------


def test_a_european_export_without_decimals_imports_thousands(run: Run, home: Home,
                                                              tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("Record ID;Deal Name;Amount\n1;Hooli;12.500 EUR\n2;Stark;€1.250\n"
                    "3;Umbrella;8.000,50 EUR\n", encoding="utf-8")
    run("import", str(path), ok=True)
    amounts = {name: d["amount"] for name, d in deals_of(home).items()}
    assert amounts == {"Hooli": 12500.0, "Stark": 1250.0, "Umbrella": 8000.5}


def test_rows_the_rest_of_the_file_contradicts_are_refused_by_line(run: Run, home: Home,
                                                                   tmp_path: Path) -> None:
    # The other rows show '.' as the decimal mark, so '12.500' may be 12.5 or 12,500.
    path = tmp_path / "us.csv"
    path.write_text("Deal Name,Record ID,Amount\nA,1,99.99\nB,2,12.500\nC,3,1250.50\n"
                    "D,4,99999999999999999999\n", encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "us.csv:3: amount '12.500' is ambiguous: other rows use '.' as the decimal mark, but "
        "three digits follow it here; write it as 12500 or 12.50",
        "us.csv:5: amount '99999999999999999999' is too large (more than "
        "1,000,000,000,000); check the column",
    ]
    assert {name: d["amount"] for name, d in deals_of(home).items()} == {"A": 99.99,
                                                                        "C": 1250.5}


# --- whole files ------------------------------------------------------------------------------

def test_a_salesforce_report_is_recognised_and_imported(run: Run, home: Home) -> None:
    result = run("import", str(CRM / "salesforce.csv"), ok=True)
    assert result.stdout == ("imported 3 deals (salesforce): 3 new, 0 updated, 0 unchanged; "
                             "1 empty row(s)\n")
    deals = deals_of(home)
    acme = deals["ACME renewal"]
    assert (acme["crm_id"], acme["account"], acme["owner"], acme["stage"], acme["amount"],
            acme["currency"], acme["close_date"], acme["next_step"]) == (
        "0061x00000AbCdE", "ACME Corp", "Ana Lima", "proposal", 12500.0, "USD",
        date(2026, 11, 30), "Send quote, then call")  # BOM gone, quoted comma kept
    assert deals["Globex pilot"]["next_step"] == "Line one\nline two"  # quoted new line
    assert deals["Initech upgrade"]["amount"] == 1250000.5
    assert deals["Initech upgrade"]["stage"] == "won"


def test_a_hubspot_export_with_semicolons_and_european_numbers(run: Run, home: Home) -> None:
    result = run("import", str(CRM / "hubspot.csv"), ok=True)
    assert result.stdout == ("imported 2 deals (hubspot): 2 new, 0 updated, 0 unchanged; "
                             "1 duplicate row(s)\n")
    assert "hubspot.csv:4: the same deal as line 3" in result.stderr
    hooli = deals_of(home)["Hooli platform"]
    assert (hooli["crm_id"], hooli["amount"], hooli["currency"], hooli["close_date"],
            hooli["stage"], hooli["account"]) == ("1001", 12500.0, "EUR", date(2026, 11, 30),
                                                  "qualified", "Hooli")


@pytest.mark.parametrize("text,outcomes", [
    ("Opportunity Name,Stage,Close Date,Loss Reason\n"
     "A,Closed Lost,2026-10-01,No Decision - kept the status quo\n"
     "B,Closed Lost,2026-10-02,Lost to competitor\n"
     "C,Closed Won,2026-10-03,\n"
     "D,Closed Lost,2026-10-04,Project shelved\n",
     {"A": ("no_decision", "No Decision - kept the status quo"),
      "B": ("lost", "Lost to competitor"), "C": ("won", ""), "D": ("no_decision",
                                                                "Project shelved")}),
    ("Record ID,Deal Name,Deal Stage,Close Date,Closed lost reason\n"
     "1,A,closedlost,2026-10-01,They decided to do nothing this year\n"
     "2,B,Closed Lost,2026-10-02,Price\n"
     "3,C,closedwon,2026-10-03,\n",
     {"A": ("no_decision", "They decided to do nothing this year"), "B": ("lost", "Price"),
      "C": ("won", "")}),
])
def test_a_lost_deal_whose_reason_says_they_did_nothing_ended_in_no_decision(
        run: Run, home: Home, tmp_path: Path, text: str,
        outcomes: dict[str, tuple[str, str]]) -> None:
    path = tmp_path / "closed.csv"
    path.write_text(text)
    run("import", str(path), ok=True)
    deals = deals_of(home)
    assert {name: (d["stage"], d["close_reason"]) for name, d in deals.items()} == outcomes


def test_reimporting_updates_by_crm_id_and_records_the_slip(run: Run, home: Home,
                                                            tmp_path: Path) -> None:
    run("import", str(CRM / "salesforce.csv"), ok=True)
    moved = tmp_path / "again.csv"
    moved.write_bytes((CRM / "salesforce.csv").read_bytes().replace(b"11/30/2026", b"1/31/2027")
                      .replace(b"ACME renewal", b"ACME renewal 2027"))
    result = run("import", str(moved), ok=True)
    assert result.stdout.startswith("imported 3 deals (salesforce): 0 new, 1 updated, "
                                    "2 unchanged")
    deals = deals_of(home)
    assert len(deals) == 3
    acme = deals["ACME renewal 2027"]
    assert acme["id"] == "acme-renewal"  # same deal, same id
    assert [(c.field, c.old, c.new) for c in acme["history"]] == [
        ("close_date", date(2026, 11, 30), date(2027, 1, 31))]


def test_reimporting_an_unchanged_export_writes_nothing_and_says_so(run: Run,
                                                                   home: Home) -> None:
    run("import", str(CRM / "salesforce.csv"), ok=True)
    def files() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in home.db.parent.iterdir()}

    before = files()
    result = run("import", str(CRM / "salesforce.csv"), ok=True)
    assert result.stdout.startswith("imported 3 deals (salesforce): 0 new, 0 updated, "
                                    "3 unchanged; ")
    assert result.stdout.endswith("no change: the database was not written\n")
    assert files() == before  # the database, and no backup made of it either


def test_a_plain_csv_maps_columns_and_reports_bad_rows(run: Run, home: Home) -> None:
    result = run("import", str(CRM / "generic.csv"), "--map", "Deal=name", "--map",
                 "Company=account", "--map", "Value=amount", "--map", "Expected=close_date")
    assert result.exit_code == 3  # some rows were bad; the rest still imported
    assert result.stderr.splitlines() == [
        "generic.csv:3: amount 'lots' is not a number",
        "generic.csv:4: close date '2026-13-45' is not a date (YYYY-MM-DD, MM/DD/YYYY or "
        "DD.MM.YYYY)",
    ]
    assert result.stdout.startswith("imported 2 deals (csv): 2 new")
    assert set(deals_of(home)) == {"Wayne expansion", '=HYPERLINK("http://evil")'}
    assert deals_of(home)["Wayne expansion"]["amount"] == 45000.0


def test_strict_imports_nothing_when_a_row_is_bad(run: Run, home: Home) -> None:
    result = run("import", str(CRM / "generic.csv"), "--strict", "--map", "Deal=name",
                 "--map", "Value=amount", "--map", "Expected=close_date")
    assert result.exit_code == 3 and "nothing imported" in result.stderr
    assert not home.db.exists()


def test_dry_run_changes_nothing(run: Run, home: Home) -> None:
    result = run("import", str(CRM / "salesforce.csv"), "--dry-run", ok=True)
    assert "would import 3 deals (salesforce): 3 new" in result.stdout
    assert not home.db.exists()


def test_a_plain_csv_without_a_name_column_says_how_to_map(run: Run) -> None:
    result = run("import", str(CRM / "generic.csv"))
    assert result.exit_code == 3
    assert "no column gives the deal's name; map one with --map 'COLUMN=name'" in result.stderr


def test_bad_map_options(run: Run) -> None:
    assert "unknown field 'title'" in run("import", str(CRM / "generic.csv"), "--map",
                                          "Deal=title").stderr
    assert "does not have: Nope" in run("import", str(CRM / "generic.csv"), "--map",
                                        "Nope=name").stderr


# --- encodings --------------------------------------------------------------------------------

HEADER = "Opportunity Name,Account Name,Amount"


def test_a_windows_1252_file_imports_as_text(run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(f"{HEADER}\nCafé renewal,Müller GmbH,100\n€ deal,Señor,5\n".encode("cp1252"))
    run("import", str(path), ok=True)
    assert set(deals_of(home)) == {"Café renewal", "€ deal"}
    assert deals_of(home)["Café renewal"]["account"] == "Müller GmbH"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_excel_unicode_text_imports(run: Run, home: Home, tmp_path: Path, codec: str) -> None:
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated, CRLF.
    path = tmp_path / "u.txt"
    text = "Opportunity Name\tAccount Name\tAmount\r\nCafé renewal\t北京 Ltd\t100\r\n"
    path.write_bytes((codecs.BOM_UTF16_BE if codec == "utf-16-be" else b"")
                     + text.encode(codec))
    result = run("import", str(path), ok=True)
    assert result.stderr == ""
    assert deals_of(home)["Café renewal"]["account"] == "北京 Ltd"


def test_utf8_rows_then_latin1_rows_are_refused(run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"{HEADER}\nCafé A,Zürich AG,1\nPlain,ACME,2\n".encode()
                     + "Café B,Zürich AG,3\n".encode("latin-1"))
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == ("qualicoach: mixed.csv:4: Windows-1252 text, but line 2 is UTF-8: "
                             "the file mixes encodings; save it again as UTF-8\n")
    assert not home.db.exists()


def test_latin1_rows_then_utf8_rows_are_refused(run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"{HEADER}\nCafé B,Zürich AG,3\n".encode("latin-1")
                     + "Café A,Zürich AG,1\n".encode())
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == ("qualicoach: mixed.csv:3: UTF-8 text, but line 2 is Windows-1252: "
                             "the file mixes encodings; save it again as UTF-8\n")
    assert not home.db.exists()


def test_bytes_of_no_known_encoding_are_refused(run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(f"{HEADER}\nPlain,ACME,2\nOdd \x81 deal,ACME,1\n".encode("latin-1"))
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == ("qualicoach: odd.csv:3: byte 0x81 is neither UTF-8 nor "
                             "Windows-1252 text; save the file as UTF-8\n")


def test_utf16_without_a_byte_order_mark_is_refused(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(f"{HEADER}\r\nA,B,1\r\n".encode("utf-16-le"))
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == ("qualicoach: u.csv:1: a NUL byte, so not a text file (UTF-16 "
                             "without a byte-order mark?); save it as UTF-8\n")


def test_an_empty_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("")
    result = run("import", str(path))
    assert result.exit_code == 3 and "is empty" in result.stderr


# --- export -----------------------------------------------------------------------------------

@pytest.fixture
def qualified(run: Run, home: Home) -> None:
    """A Salesforce import, one deal interviewed, and a formula in another's next step."""
    run("import", str(CRM / "salesforce.csv"), ok=True)
    store = Store(home.db)
    record_answers_file(store, catalog_of(home), "acme-renewal",
                        "bant: {budget_status: approved, need_specific: vague}\n"
                        "alignment: {org_acknowledges_need: nobody}\n")
    store.edit_deal("globex-pilot", next_step="=cmd|' /C calc'!A0")


def test_export_json_has_scores_and_answers(run: Run, qualified: None) -> None:
    records = {r["id"]: r for r in json.loads(run("export", ok=True).stdout)}
    acme = records["acme-renewal"]
    assert acme["crm_id"] == "0061x00000AbCdE" and acme["at_risk"] is True
    assert acme["answers"]["bant.budget_status"]["value"] == "approved"
    assert acme["answers"]["meddic.pain_identified"]["value"] == "vague"  # shared question
    assert records["globex-pilot"]["answers"] == {}


def test_export_csv_neutralises_formulas(run: Run, qualified: None) -> None:
    rows = list(csv.DictReader(io.StringIO(run("export", "-f", "csv", ok=True).stdout)))
    by_id = {r["id"]: r for r in rows}
    assert by_id["globex-pilot"]["next_step"] == "'=cmd|' /C calc'!A0"
    assert by_id["acme-renewal"]["answer:bant.budget_status"] == "approved"
    assert by_id["acme-renewal"]["answer:alignment.org_acknowledges_need"] == "nobody"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value


def test_export_csv_carries_the_verdict_and_the_loss_reason(run: Run, qualified: None) -> None:
    run("deal", "close", "globex-pilot", "--outcome", "no_decision", "--reason",
        "Stayed with spreadsheets", ok=True)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(
        run("export", "-f", "csv", ok=True).stdout))}
    assert rows["globex-pilot"]["close_reason"] == "Stayed with spreadsheets"
    assert rows["globex-pilot"]["verdict_kind"] == "closed"
    listed = {r["id"]: r for r in json.loads(run("deals", "-f", "json", ok=True).stdout)}
    acme = listed["acme-renewal"]
    assert (rows["acme-renewal"]["verdict_kind"], rows["acme-renewal"]["verdict"]) == (
        acme["verdict_kind"], acme["verdict"])
    assert acme["verdict_kind"] in ("at_risk", "stalled") and acme["verdict"]


def test_export_excel_starts_with_a_byte_order_mark(run: Run, home: Home, qualified: None,
                                                    tmp_path: Path) -> None:
    Store(home.db).edit_deal("acme-renewal", account="Société Générale")
    target = tmp_path / "for-excel.csv"
    run("export", "-f", "csv", "--excel", "-o", str(target), ok=True)
    raw = target.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    assert "Société Générale" in raw.decode("utf-8-sig")
    assert not run("export", "-f", "csv", ok=True).stdout.startswith("\ufeff")
    refused = run("export", "--excel")
    assert refused.exit_code == 2 and "--excel is for --format csv" in refused.stderr


def test_export_csv_round_trips_through_import(run: Run, home: Home, qualified: None,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    exported = tmp_path / "out.csv"
    run("export", "-f", "csv", "-o", str(exported), ok=True)
    before = {name: {k: d[k] for k in ("crm_id", "account", "owner", "stage", "amount",
                                       "currency", "close_date")}
              for name, d in deals_of(home).items() if name != "Globex pilot"}
    fresh = tmp_path / "fresh.json"
    result = run("--db", str(fresh), "import", str(exported), ok=True)
    assert "(qualicoach)" in result.stdout
    after = {d.name: {k: getattr(d, k) for k in ("crm_id", "account", "owner", "stage",
                                                 "amount", "currency", "close_date")}
             for d in Store(fresh).deals()}
    assert {k: v for k, v in after.items() if k in before} == before


def test_export_json_round_trips(run: Run, home: Home, qualified: None) -> None:
    records = json.loads(run("export", ok=True).stdout)
    stored = {d.id: d for d in Store(home.db).deals()}
    for record in records:
        deal = stored[record["id"]]
        assert (record["name"], record["amount"], record["close_date"]) == (
            deal.name, deal.amount, deal.close_date.isoformat() if deal.close_date else None)


def test_export_to_a_file(run: Run, qualified: None, tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    result = run("export", "-o", str(target), ok=True)
    assert result.stdout == "" and "exported 3 deals" in result.stderr
    assert len(json.loads(target.read_text())) == 3


def test_a_large_file_imports_in_one_write(run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    lines = ["Opportunity Name,Account Name,Amount,Close Date,Opportunity ID"]
    lines += [f"Deal {n},Account {n % 50},{n * 10},12/{n % 28 + 1}/2026,ID{n}"
              for n in range(3000)]
    path.write_text("\n".join(lines) + "\n")
    run("import", str(path), ok=True)
    assert len(Store(home.db).deals()) == 3000
    shutil.copy(path, tmp_path / "again.csv")
    result = run("import", str(tmp_path / "again.csv"), ok=True)
    assert "0 new, 0 updated, 3000 unchanged" in result.stdout


# --- stages ------------------------------------------------------------------------------------

SALESFORCE_PIPELINE = ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
                       "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
                       "Negotiation/Review")


def test_salesforce_standard_stages_import_in_salesforce_order(run: Run, home: Home,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "pipeline.csv"
    path.write_text("Opportunity Name,Stage\n" + "".join(
        f"{n},{stage}\n" for n, stage in enumerate(SALESFORCE_PIPELINE)), encoding="utf-8")
    run("import", str(path), ok=True)
    stages = [deals_of(home)[str(n)]["stage"] for n in range(len(SALESFORCE_PIPELINE))]
    order = ("prospect", "discovery", "qualified", "proposal", "negotiation")
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)
    # Identifying the people who decide comes after qualifying, not before.
    assert stages[SALESFORCE_PIPELINE.index("Id. Decision Makers")] == "qualified"


def test_an_unknown_stage_is_reported_with_its_rows_not_read_as_prospect(
        run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    path.write_text("Opportunity Name,Stage\nA,Legal Review\nB,Prospecting\nC,Legal Review\n",
                    encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == (
        "custom.csv:2: stage 'Legal Review' (also line 4) is not one qualicoach knows; map it "
        "with --map-stage \"Legal Review=STAGE\" (stages: prospect, discovery, qualified, "
        "proposal, negotiation, won, lost, no_decision)\n")
    assert result.stdout.endswith("; 2 bad row(s) skipped\n")
    assert set(deals_of(home)) == {"B"}


def test_map_stage_names_a_teams_own_stage(run: Run, home: Home, tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    path.write_text("Opportunity Name,Stage\nA,Legal Review\nB,Qualification\n",
                    encoding="utf-8")
    run("import", str(path), "--map-stage", "legal review=negotiation", "--map-stage",
        "Qualification=qualified", ok=True)
    assert {n: d["stage"] for n, d in deals_of(home).items()} == {"A": "negotiation",
                                                                   "B": "qualified"}


def test_map_stage_refuses_a_stage_qualicoach_does_not_have(run: Run, tmp_path: Path) -> None:
    result = run("import", str(CRM / "salesforce.csv"), "--map-stage", "Legal=closing")
    assert result.exit_code == 3
    assert "--map-stage 'Legal=closing': unknown stage 'closing'" in result.stderr


def test_dry_run_lists_what_would_change_per_deal(run: Run, home: Home,
                                                 tmp_path: Path) -> None:
    run("import", str(CRM / "salesforce.csv"), ok=True)
    moved = tmp_path / "moved.csv"
    moved.write_bytes((CRM / "salesforce.csv").read_bytes().replace(b"11/30/2026", b"1/31/2027")
                      .replace(b"Needs Analysis", b"Value Proposition")
                      + b"Umbrella pilot,Umbrella,Ana Lima,Prospecting,$900,2/1/2027,0062,\n")
    result = run("import", str(moved), "--dry-run", ok=True)
    assert result.stdout.splitlines() == [
        "new     umbrella-pilot: Umbrella pilot (Umbrella), prospect, 900 USD, closes "
        "2027-02-01",
        "update  acme-renewal: close_date 2026-11-30 -> 2027-01-31",
        "update  globex-pilot: stage discovery -> qualified",
        "would import 4 deals (salesforce): 1 new, 2 updated, 1 unchanged; 1 empty row(s)",
    ]
    assert deals_of(home)["ACME renewal"]["close_date"] == date(2026, 11, 30)


def test_a_new_deal_without_a_currency_takes_the_default_currency(run: Run, home: Home,
                                                                  tmp_path: Path) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text("default_currency: eur\n")
    path = tmp_path / "plain.csv"
    path.write_text("Opportunity Name,Amount,Amount Currency\nA,100,\nB,200,USD\nC,$300,\n")
    run("import", str(path), ok=True)
    assert {n: d["currency"] for n, d in deals_of(home).items()} == {"A": "EUR", "B": "USD",
                                                                      "C": "USD"}
    run("deal", "add", "D", "--amount", "5", ok=True)
    assert deals_of(home)["D"]["currency"] == "EUR"


def test_an_existing_deal_keeps_its_currency_when_a_file_has_none(run: Run, home: Home,
                                                                   tmp_path: Path) -> None:
    run("import", str(CRM / "salesforce.csv"), ok=True)  # $: USD
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text("default_currency: EUR\n")
    path = tmp_path / "again.csv"
    path.write_text("Opportunity Name,Opportunity ID,Amount\nACME renewal,0061x00000AbCdE,"
                    "13000\n")
    run("import", str(path), ok=True)
    assert deals_of(home)["ACME renewal"]["currency"] == "USD"


def test_a_default_currency_that_is_not_a_code_is_refused(run: Run, home: Home) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text("default_currency: euros\n")
    result = run("deal", "add", "D")
    assert "default_currency must be a three-letter code such as EUR or USD" in result.stderr


# --- broken files and how deals ended ----------------------------------------------------------

def test_a_quote_that_never_closes_is_refused_at_the_line_it_opens(run: Run, home: Home,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text('Opportunity Name,Stage,Amount\nA,Prospecting,100\n'
                    '"B, Inc,Qualification,200\nC,Qualification,300\nD,Prospecting,5\n')
    result = run("import", str(path))
    assert result.exit_code == 3
    assert result.stderr == ('qualicoach: quote.csv:3: a quote (") opens in this row and '
                             "never closes, so the rest of the file would read as one value; "
                             "close or remove it\n")
    assert not home.db.exists()


def test_a_quoted_new_line_in_the_last_row_is_not_an_open_quote(run: Run, home: Home,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "last.csv"
    path.write_text('Opportunity Name,Next Step\nA,"call\nthen quote"\n')
    run("import", str(path), ok=True)
    assert deals_of(home)["A"]["next_step"] == "call\nthen quote"


@pytest.mark.parametrize("reason,stage", [
    ("Customer chose to stay with spreadsheets", "no_decision"),
    ("Deprioritized", "no_decision"),
    ("Project cancelled", "no_decision"),
    ("Lost to competitor - did nothing for a year then chose X", "lost"),
    ("Price", "lost"),
])
def test_which_loss_reasons_mean_no_decision_by_default(run: Run, home: Home, tmp_path: Path,
                                                        reason: str, stage: str) -> None:
    path = tmp_path / "lost.csv"
    path.write_text(f"Opportunity Name,Stage,Loss Reason\nA,Closed Lost,{reason}\n")
    run("import", str(path), ok=True)
    assert deals_of(home)["A"]["stage"] == stage


def test_which_loss_reasons_mean_no_decision_is_the_teams_setting(run: Run, home: Home,
                                                                   tmp_path: Path) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text(
        "no_decision_reasons: [Budget frozen, status quo]\nlost_reasons: [Chose]\n")
    path = tmp_path / "lost.csv"
    path.write_text("Opportunity Name,Stage,Loss Reason\nA,Closed Lost,budget FROZEN in Q3\n"
                    "B,Closed Lost,Deprioritized\nC,Closed Lost,Status quo then chose X\n")
    run("import", str(path), ok=True)
    assert {n: d["stage"] for n, d in deals_of(home).items()} == {
        "A": "no_decision", "B": "lost", "C": "lost"}


def test_no_decision_reasons_must_be_a_list_of_phrases(run: Run, home: Home) -> None:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    (home.config_dir / "config.yaml").write_text("no_decision_reasons: status quo\n")
    result = run("import", str(CRM / "salesforce.csv"))
    assert result.exit_code != 0
    assert "no_decision_reasons must be a list of phrases" in result.stderr
