"""``qualicoach deals``: filters, sorting, formats, the exit-code flag, and stored assessments."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from qualicoach.coaching.pipeline import Row
from qualicoach.config.settings import Settings
from qualicoach.domain.deal import Contact
from qualicoach.storage.store import Store

from ..helpers.build import (
    builtin_catalog,
    catalog_of,
    deal_with_answers,
    record_answers_file,
)
from ..helpers.cache import cache_file, edit_assessments
from ..helpers.home import Home, Run

# Confirmed by the customer: answers that are all our own assumption put a deal at risk.
STRONG_READINESS = "alignment:\n" + "".join(
    f"  {key}: {{value: {value}, evidence: Ann, verified: yes}}\n" for key, value in (
        ("org_acknowledges_need", "organisation"), ("cost_of_inaction", "agreed_figure"),
        ("outcomes_shared", "specific_shared"), ("outcomes_measurable", "quantified"),
        ("priority_rank", "top"), ("resources_named", "yes"), ("sponsor_owns_change", "yes"),
        ("agendas_aligned", 5), ("change_capacity", "ready"), ("track_record", "finished"),
        ("process_agreed", "agreed"), ("decision_date_committed", "yes")))
WEAK_READINESS = "alignment: {org_acknowledges_need: nobody, priority_rank: unranked}\n"


@pytest.fixture(scope="module")
def pipeline_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Three deals, built through the library once per module (the CLI path has its own
    test below); each test gets its own copy of the file."""
    store = Store(tmp_path_factory.mktemp("pipeline") / "qualicoach.json")
    catalog = builtin_catalog()
    ids = {
        "risky": deal_with_answers(store, catalog, "Risky big", WEAK_READINESS,
                                   amount=90000.0, stage="proposal", owner="ana",
                                   close_date=date.today() + timedelta(days=10),
                                   tags=("q1",), account="Globex Corp"),
        "ready": deal_with_answers(store, catalog, "Ready one", STRONG_READINESS,
                                   amount=50000.0, stage="negotiation", owner="ben",
                                   close_date=date.today() + timedelta(days=200),
                                   account="Initech"),
        "new": deal_with_answers(store, catalog, "Brand new", amount=10000.0, owner="ana"),
    }
    for contact, role in (("Ann", "champion"), ("Bob", "economic_buyer")):
        store.add_contact(ids["ready"], Contact(contact, role))
    return store.path, ids


@pytest.fixture
def pipeline(home: Home, pipeline_template: tuple[Path, dict[str, str]]) -> dict[str, str]:
    """This test's copy of the three deals, as its database."""
    template, ids = pipeline_template
    home.db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template, home.db)
    return dict(ids)


def test_deals_added_and_interviewed_on_the_command_line_are_listed(run: Run,
                                                                   home: Home) -> None:
    """The end-to-end path the other tests' fixture takes through the library."""
    def add(name: str, answers: str | None, *options: str) -> str:
        deal_id = run("deal", "add", name, *options, ok=True).stdout.strip()
        if answers is not None:
            path = home.root / f"{deal_id}.yaml"
            path.write_text(answers)
            run("interview", deal_id, "--answers", str(path), ok=True)
        return deal_id

    soon = (date.today() + timedelta(days=10)).isoformat()
    later = (date.today() + timedelta(days=200)).isoformat()
    add("Risky big", WEAK_READINESS, "--amount", "90000", "--stage", "proposal", "--owner",
        "ana", "--close", soon, "--tag", "q1", "--account", "Globex Corp")
    ready = add("Ready one", STRONG_READINESS, "--amount", "50000", "--stage", "negotiation",
                "--owner", "ben", "--close", later, "--account", "Initech")
    add("Brand new", None, "--amount", "10000", "--owner", "ana")
    for contact, role in (("Ann", "champion"), ("Bob", "economic_buyer")):
        run("deal", "contact", "add", ready, contact, "--role", role, ok=True)
    assert listed(run) == ["risky-big", "ready-one", "brand-new"]
    assert listed(run, "--at-risk", "--owner", "ANA", "--tag", "q1", "--account", "globex",
                  "--closing-within", "30") == ["risky-big"]
    rows = json.loads(run("deals", "-f", "json", ok=True).stdout)
    assert rows[0]["main_reason"] == "Need to change: Nobody has said so (red flag)"
    assert rows[1]["contacts"] and rows[2]["main_reason"] == "not interviewed yet"


def listed(run: Run, *args: str) -> list[str]:
    return run("deals", *args, "-f", "ids", ok=True).stdout.split()


def test_default_order_is_risk_first(run: Run, pipeline: dict[str, str]) -> None:
    assert listed(run) == ["risky-big", "ready-one", "brand-new"]


def test_at_risk_lists_only_deals_at_risk(run: Run, pipeline: dict[str, str]) -> None:
    assert listed(run, "--at-risk") == ["risky-big"]


@pytest.mark.parametrize("args,expected", [
    (["--stage", "proposal"], ["risky-big"]),
    (["--stage", "Proposal", "--stage", "negotiation"], ["risky-big", "ready-one"]),
    (["--owner", "ANA"], ["risky-big", "brand-new"]),
    (["--account", "globex"], ["risky-big"]),
    (["--tag", "q1"], ["risky-big"]),
    (["--closing-within", "30"], ["risky-big"]),
    (["--stale", "30"], ["brand-new"]),
    (["--owner", "nobody"], []),
])
def test_filters(run: Run, pipeline: dict[str, str], args: list[str],
                 expected: list[str]) -> None:
    assert listed(run, *args) == expected


@pytest.mark.parametrize("key,expected", [
    ("amount", ["risky-big", "ready-one", "brand-new"]),
    ("close", ["risky-big", "ready-one", "brand-new"]),
    ("readiness", ["risky-big", "ready-one", "brand-new"]),
    ("fit", ["brand-new", "ready-one", "risky-big"]),  # nobody has a fit score: by id
])
def test_sorting(run: Run, pipeline: dict[str, str], key: str, expected: list[str]) -> None:
    assert listed(run, "--sort", key) == expected


def test_json_has_every_field_and_all_reasons(run: Run, pipeline: dict[str, str]) -> None:
    rows = json.loads(run("deals", "-f", "json", ok=True).stdout)
    risky = rows[0]
    assert risky["id"] == "risky-big" and risky["at_risk"] is True
    assert {"name", "account", "owner", "stage", "amount", "close_date", "tags", "contacts",
            "fit", "readiness", "risk", "quadrant", "main_reason", "reasons"} <= set(risky)
    assert risky["main_reason"] == "Need to change: Nobody has said so (red flag)"
    # Every point is explained: the risk is the sum of the reasons' points, at most 100.
    # Every point is traced: the reasons' shares add up to the risk (rounded half up).
    assert int(sum(r["points"] for r in risky["reasons"]) + 0.5) == risky["risk"] >= 90
    assert risky["verdict_kind"] == "at_risk"
    assert risky["verdict"].startswith("At risk of no decision")
    ready = rows[1]
    assert ready["id"] == "ready-one" and ready["risk"] == sum(r["points"] for r in
                                                                 ready["reasons"]) == 0
    assert ready["verdict"] == "On track (0/100)." and ready["verdict_kind"] == "on_track"
    # Nothing asked yet still gets a verdict: early, at stage prospect.
    assert rows[2]["main_reason"] == "not interviewed yet" and rows[2]["risk"] == 0
    assert rows[2]["verdict_kind"] == "early"


def test_csv_has_a_header_and_a_row_per_deal(run: Run, pipeline: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(run("deals", "-f", "csv", ok=True).stdout)))
    assert [r["id"] for r in rows] == ["risky-big", "ready-one", "brand-new"]
    assert rows[0]["at_risk"] == "true" and rows[0]["tags"] == "q1"


def test_table_shows_the_main_reason_and_never_truncates_when_piped(
    run: Run, pipeline: dict[str, str]
) -> None:
    out = run("deals", ok=True).stdout
    header, first = out.splitlines()[:2]
    assert header.split() == ["deal", "account", "stage", "amount", "close", "fit", "ready",
                              "risk", "verdict", "main", "reason"]
    assert first.startswith("risky-big") and first.endswith("Nobody has said so (red flag)")
    assert "…" not in out


def test_the_table_shows_one_page_and_says_how_many_more(run: Run, home: Home) -> None:
    store = Store(home.db)
    for n in range(23):
        store.add_deal(f"Deal {n:02d}")
    result = run("deals", ok=True)
    assert len(result.stdout.splitlines()) == 21  # header + 20
    assert result.stderr == "... and 3 more deals (--all shows every one)\n"
    assert len(run("deals", "--all", ok=True).stdout.splitlines()) == 24
    assert len(listed(run)) == 23  # ids (like json and csv) print every deal
    assert len(listed(run, "--limit", "5")) == 5


def test_fail_if_any_exits_1_when_the_list_is_not_empty(run: Run,
                                                        pipeline: dict[str, str]) -> None:
    assert run("deals", "--at-risk", "--fail-if-any", "-f", "ids").exit_code == 1
    assert run("deals", "--owner", "nobody", "--fail-if-any").exit_code == 0


def test_empty_database(run: Run) -> None:
    result = run("deals", ok=True)
    assert result.stdout == "No deals match.\n"
    assert run("deals", "-f", "json", ok=True).stdout == "[]\n"


def test_archived_deals_only_on_request(run: Run, home: Home,
                                        pipeline: dict[str, str]) -> None:
    Store(home.db).archive_deal("brand-new")
    assert "brand-new" not in listed(run)
    assert "brand-new" in listed(run, "--archived")


def test_bad_stage_and_limit_with_all(run: Run) -> None:
    assert run("deals", "--stage", "closing").exit_code == 2
    assert run("deals", "--all", "--limit", "3").exit_code == 2  # a usage error


# --- stored assessments ------------------------------------------------------------------------

def test_a_listing_keeps_assessments_and_reuses_them(run: Run, home: Home,
                                                    pipeline: dict[str, str]) -> None:
    run("deals", ok=True)
    kept = {entry["id"]: entry for entry in json.loads(cache_file(home).read_bytes()).values()}
    assert kept["risky-big"]["risk"] > 0
    files = (home.db, cache_file(home))
    before = [f.stat().st_mtime_ns for f in files]
    run("deals", ok=True)
    assert [f.stat().st_mtime_ns for f in files] == before  # nothing rescored, nothing written


def test_deleting_the_cache_changes_no_output(run: Run, home: Home,
                                              pipeline: dict[str, str]) -> None:
    first = run("deals", "-f", "json", ok=True).stdout
    assert run("deals", "-f", "json", ok=True).stdout == first  # from the cache
    shutil.rmtree(cache_file(home).parent)
    assert run("deals", "-f", "json", ok=True).stdout == first


def test_a_new_answer_is_seen_by_the_next_listing(run: Run, home: Home,
                                                  pipeline: dict[str, str]) -> None:
    assert "risky-big" in listed(run, "--at-risk")
    store = Store(home.db)
    record_answers_file(store, catalog_of(home), "risky-big", STRONG_READINESS)
    for contact, role in (("Cy", "champion"), ("Di", "economic_buyer")):
        store.add_contact("risky-big", Contact(contact, role))
    assert listed(run, "--at-risk") == []


def test_a_framework_change_rescores(run: Run, home: Home, pipeline: dict[str, str]) -> None:
    def first_reason() -> str:
        rows = json.loads(run("deals", "-f", "json", ok=True).stdout)
        reason: str = next(r for r in rows if r["id"] == "risky-big")["main_reason"]
        return reason

    assert first_reason().endswith("(red flag)")
    # A team's alignment without red flags: the same answers are no longer red flags.
    from qualicoach.frameworks.catalog import builtin_folder

    text = (builtin_folder() / "alignment.yaml").read_text().replace("red_flag: true",
                                                                    "red_flag: false")
    (home.team_frameworks / "alignment.yaml").write_text(text)
    assert not first_reason().endswith("(red flag)")


def test_settings_change_rescores(run: Run, home: Home, pipeline: dict[str, str]) -> None:
    assert listed(run, "--at-risk") == ["risky-big"]
    home.config_dir.mkdir(parents=True, exist_ok=True)
    home.locations.config_file.write_text("points_red_flag_weak: 0\nat_risk_from: 100\n"
                                          "points_red_flag_readiness: 0\n"
                                          "points_single_contact: 0\n"
                                          "points_no_economic_buyer: 0\n"
                                          "points_unknown: 0\n")
    # The verdict follows the number: no red flag overrides it, and a cause worth no
    # points is no reason.
    assert listed(run, "--at-risk") == []
    rows = json.loads(run("deals", "-f", "json", ok=True).stdout)
    risky = next(r for r in rows if r["id"] == "risky-big")
    assert "red_flag_readiness" not in {r["kind"] for r in risky["reasons"]}


def test_an_assessment_stored_under_older_scoring_rules_is_recomputed(
        run: Run, home: Home, pipeline: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from qualicoach.coaching import pipeline as listing

    def risk_listed() -> int:
        rows = json.loads(run("deals", "-f", "json", ok=True).stdout)
        return int(next(r for r in rows if r["id"] == "risky-big")["risk"])

    true_risk = risk_listed()
    # What an older release stored: another figure, on the same deal, frameworks and settings.
    edit_assessments(home, lambda stored: stored["risky-big"].update(risk=true_risk - 7))
    assert risk_listed() == true_risk - 7  # the same rules: the stored figure is reused
    # Any change to the scoring code changes its fingerprint, with no number to bump.
    monkeypatch.setattr(listing, "rules_fingerprint", lambda: "other code")
    assert risk_listed() == true_risk


def test_a_day_later_a_listing_counts_the_days_to_the_close_again(
        home: Home, pipeline: dict[str, str]) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.config.settings import Settings

    def headline(now: datetime) -> str:
        rows = listing(Store(home.db, clock=lambda: now), catalog_of(home), Settings(), now)
        return next(r.headline for r in rows if r.id == "risky-big")

    today = datetime.combine(date.today(), time(9), timezone.utc)
    left = (date.today() + timedelta(days=10) - today.date()).days
    assert headline(today).endswith(f"Closes in {left} days.")
    # Stored this morning, and nothing else about the deal changes tonight.
    assert headline(today + timedelta(days=1)).endswith(f"Closes in {left - 1} days.")


def test_text_edited_by_hand_into_a_scale_answer_counts_as_no_score(
        run: Run, home: Home, pipeline: dict[str, str]) -> None:
    data = json.loads(home.db.read_text())
    edited = 0
    for interview in data["interviews"].values():
        answer = interview["answers"].get("alignment.agendas_aligned")
        if answer is not None:
            answer["value"] = "2026-11-23T09:00:00+00:00"
            edited += 1
    assert edited
    home.db.write_text(json.dumps(data))
    rows = json.loads(run("deals", "--format", "json", ok=True).stdout)
    assert {r["id"] for r in rows} == set(pipeline.values())
    run("report", pipeline["ready"], ok=True)


def test_a_deal_stuck_for_many_months_has_its_days_in_stage_counted_anew(home: Home) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.config.settings import Settings
    from qualicoach.storage.cache import AssessmentCache

    start = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
    Store(home.db, clock=lambda: start).add_deal("Old", stage="proposal")
    cache = AssessmentCache.of(home.root / "cache", home.db)

    def stuck(at: datetime, kept: AssessmentCache | None) -> str:
        rows = listing(Store(home.db, clock=lambda: at), catalog_of(home), Settings(), at,
                       cache=kept)
        return next(str(r["brief"]) for r in rows[0].reasons if r["kind"] == "stuck")

    # Listed every month for a year: each listing says what a fresh one would, long
    # after the first few steps of 30 days.
    for month in range(8, 20):
        at = start + timedelta(days=30 * month + 3)
        assert stuck(at, cache) == stuck(at, None), month
    assert stuck(start + timedelta(days=30 * 19 + 3), cache) == "over 570 days in proposal"
    # Made again, each was kept again: the last listing's span is in the cache.
    [kept] = cache.load().values()
    assert kept["valid_from"] < (start + timedelta(days=30 * 19 + 3)).isoformat() < \
        kept["valid_until"]


def test_a_clock_set_back_does_not_trust_what_was_listed_at_a_later_time(home: Home) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.coaching.pipeline import row_data
    from qualicoach.storage.cache import AssessmentCache

    now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    deal_with_answers(Store(home.db, clock=lambda: now), catalog_of(home), "Edge",
                      WEAK_READINESS, stage="proposal",
                      close_date=(now + timedelta(days=20)).date())
    cache = AssessmentCache.of(home.root / "cache", home.db)

    def listed(at: datetime, kept: AssessmentCache | None) -> list[dict[str, Any]]:
        return [row_data(r) for r in listing(Store(home.db), catalog_of(home), Settings(),
                                             at, cache=kept)]

    listed(now + timedelta(days=120), cache)  # a clock running four months ahead
    assert listed(now, cache) == listed(now, None)  # ... corrected


def test_the_days_left_against_a_contracting_time_are_counted_anew_each_day(
        home: Home) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.coaching.pipeline import row_data
    from qualicoach.storage.cache import AssessmentCache

    now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    deal_with_answers(Store(home.db, clock=lambda: now), catalog_of(home), "Paper",
                      "meddic: {contracting_days: 90}\n", stage="negotiation",
                      close_date=(now + timedelta(days=60)).date())
    cache = AssessmentCache.of(home.root / "cache", home.db)

    def listed(at: datetime, kept: AssessmentCache | None) -> list[dict[str, Any]]:
        return [row_data(r) for r in listing(Store(home.db), catalog_of(home), Settings(),
                                             at, cache=kept)]

    [today] = listed(now, cache)
    assert "contracting 90 days, 60 left" in {r["brief"] for r in today["reasons"]}
    tomorrow = now + timedelta(days=1)
    assert listed(tomorrow, cache) == listed(tomorrow, None)  # 59 left, not 60


def test_the_headline_starts_counting_the_days_whatever_the_urgency_settings(
        home: Home) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.coaching.pipeline import row_data
    from qualicoach.storage.cache import AssessmentCache

    now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    settings = Settings(urgency_days_now=14, urgency_days_soon=60)
    deal_with_answers(Store(home.db, clock=lambda: now), catalog_of(home), "Soon",
                      WEAK_READINESS, stage="proposal",
                      close_date=(now + timedelta(days=32)).date())
    cache = AssessmentCache.of(home.root / "cache", home.db)

    def listed(at: datetime, kept: AssessmentCache | None) -> list[dict[str, Any]]:
        return [row_data(r) for r in listing(Store(home.db), catalog_of(home), settings,
                                             at, cache=kept)]

    listed(now, cache)
    later = now + timedelta(days=2)
    assert "Closes in 30 days." in listed(later, None)[0]["verdict"]
    assert listed(later, cache) == listed(later, None)


def test_a_contracting_time_of_a_framework_not_installed_still_counts_the_days(
        home: Home) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.coaching.pipeline import row_data
    from qualicoach.domain.answer import Answer
    from qualicoach.storage.cache import AssessmentCache

    now = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
    settings = Settings(contracting_questions=("paper.days",))
    store = Store(home.db, clock=lambda: now)
    store.add_deal("Paper", stage="negotiation", close_date=(now + timedelta(days=45)).date())
    store.start_interview("paper", {"paper": "1"},
                          {"paper.days": Answer("answered", 60.0, at=now)})
    cache = AssessmentCache.of(home.root / "cache", home.db)

    def listed(at: datetime, kept: AssessmentCache | None) -> list[dict[str, Any]]:
        return [row_data(r) for r in listing(Store(home.db), catalog_of(home), settings,
                                             at, cache=kept)]

    assert "contracting 60 days, 45 left" in {r["brief"] for r in listed(now, cache)[0][
        "reasons"]}
    tomorrow = now + timedelta(days=1)
    assert listed(tomorrow, cache) == listed(tomorrow, None)


def test_a_moment_written_without_a_time_zone_is_read_as_utc(run: Run, home: Home) -> None:
    run("deal", "add", "ACME", "--stage", "proposal", ok=True)
    data = json.loads(home.db.read_text())
    data["deals"]["1"]["created"] = "2026-11-01T09:00:00"
    home.db.write_text(json.dumps(data))
    [row] = json.loads(run("deals", "--format", "json", ok=True).stdout)
    assert row["id"] == "acme"


def test_answers_turning_stale_the_moment_after_the_listing_are_stale_in_the_next(
        home: Home) -> None:
    from qualicoach.coaching.pipeline import pipeline as listing
    from qualicoach.config.settings import Settings

    now = datetime(2026, 12, 2, 1, 22, 55, tzinfo=timezone.utc)
    settings = Settings()
    # Answered exactly stale_after_days ago: not yet stale now, stale a second later (a
    # demo database's deals are interviewed whole days before it is made).
    answered = now - timedelta(days=settings.stale_after_days)
    deal_id = deal_with_answers(Store(home.db, clock=lambda: answered), catalog_of(home),
                                "Edge", WEAK_READINESS)

    def reasons(at: datetime) -> set[str]:
        rows = listing(Store(home.db, clock=lambda: at), catalog_of(home), settings, at)
        return {str(r["kind"]) for r in next(r for r in rows if r.id == deal_id).reasons}

    assert "stale" not in reasons(now)  # and stored
    assert "stale" in reasons(now + timedelta(seconds=1))


@pytest.mark.parametrize("until", [12, "next tuesday", "2099-01-01"])
def test_a_damaged_valid_until_in_a_stored_assessment_is_made_again(
        run: Run, home: Home, pipeline: dict[str, str], until: object) -> None:
    true_risk = {r["id"]: r["risk"] for r in json.loads(run("deals", "-f", "json",
                                                            ok=True).stdout)}
    edit_assessments(home, lambda stored: stored["risky-big"].update(
        valid_until=until, risk=1))
    rows = json.loads(run("deals", "-f", "json", ok=True).stdout)
    assert {r["id"]: r["risk"] for r in rows} == true_risk


def test_sort_orders_put_what_needs_attention_first() -> None:
    from qualicoach.coaching.pipeline import sort_rows

    def row(deal_id: str, updated: str, amount: float, readiness: float | None) -> Row:
        return Row({"id": deal_id, "updated": updated, "amount": amount}, readiness=readiness)

    rows = [row("a", "2026-11-01T00:00:00", 5, 80), row("b", "2026-11-03T00:00:00", 1, None),
            row("c", "2026-11-02T00:00:00", 9, 20)]
    assert [r.id for r in sort_rows(rows, "updated")] == ["b", "c", "a"]
    assert [r.id for r in sort_rows(rows, "readiness")] == ["c", "a", "b"]  # lowest first
    assert [r.id for r in sort_rows(rows, "amount")] == ["c", "a", "b"]


def test_a_deal_without_the_sort_value_needs_no_other_value_to_be_sorted() -> None:
    from qualicoach.coaching.pipeline import sort_rows

    # Its amount is text (a file edited by hand); it goes last, by id, as before.
    rows = [Row({"id": "b", "amount": "100"}), Row({"id": "a", "close_date": "2027-01-01"})]
    assert [r.id for r in sort_rows(rows, "close")] == ["a", "b"]


@pytest.fixture
def one_won(run: Run, pipeline: dict[str, str]) -> dict[str, str]:
    """The three deals, the ready one won."""
    run("deal", "close", pipeline["ready"], "--outcome", "won", ok=True)
    return pipeline


def test_closed_deals_are_listed_only_when_asked_for(run: Run, one_won: dict[str, str]) -> None:
    assert listed(run) == ["risky-big", "brand-new"]
    assert listed(run, "--closed") == ["ready-one"]
    assert listed(run, "--all-states") == ["risky-big", "brand-new", "ready-one"]
    assert listed(run, "--stage", "won") == ["ready-one"]  # naming the stage asks for it


def test_closed_and_all_states_together_are_a_usage_error(run: Run) -> None:
    result = run("deals", "--closed", "--all-states")
    assert result.exit_code == 2
    assert "give --closed or --all-states, not both" in result.stderr


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_a_closed_deal_never_reads_as_an_open_one_at_any_width(width: int) -> None:
    from qualicoach.render.pipeline import table_text

    open_deal, won = _rows()
    won = won._replace(fields={**won.fields, "id": "won-deal", "stage": "no_decision",
                               "close_reason": "Kept the spreadsheets"}, verdict="closed")
    lines = table_text([open_deal, won], width=width).splitlines()
    won_lines = "\n".join(lines[lines.index(next(x for x in lines if "won-deal" in x)):])
    assert "70" not in won_lines  # no risk left to show
    assert "closed: no decision" in won_lines


def _rows() -> list[Row]:
    reasons = [{"brief": "Need to change: Only our contact (red flag)"}]
    return [Row({"id": f"deal-{n}", "account": "A very long account name Inc.",
                 "stage": "negotiation", "amount": 125000.0, "currency": "EUR",
                 "close_date": "2027-01-31"}, fit=80, readiness=20, risk=70, at_risk=True,
                reasons=reasons, last_interview="2026-11-01T00:00:00+00:00")
            for n in range(2)]


def test_piped_tables_keep_every_column_in_full() -> None:
    from qualicoach.render.pipeline import table_text

    text = table_text(_rows(), width=None)
    assert "A very long account name Inc." in text and "(red flag)" in text
    assert all(len(line.split("  ")) > 5 for line in text.splitlines())


def test_a_terminal_table_fits_its_width() -> None:
    from qualicoach.render.pipeline import table_text

    for width in (60, 80, 100, 120, 160):
        lines = table_text(_rows(), width=width).splitlines()
        assert max(len(line) for line in lines) <= width, width
    narrow = table_text(_rows(), width=80)
    assert "account" not in narrow.splitlines()[0]  # left out before anything wraps
    assert "Need to change: Only our con…" in narrow
    very_narrow = table_text(_rows(), width=60)
    assert "\n    Need to change: Only our contact (red flag)\n" in very_narrow


def test_colors_only_when_asked() -> None:
    from qualicoach.render.pipeline import table_text

    assert "\x1b[" not in table_text(_rows(), width=120)
    assert "\x1b[1;31m" in table_text(_rows(), width=120, color=True)


def test_a_60_column_table_with_long_ids_never_wraps() -> None:

    from qualicoach.render.pipeline import table_text

    rows = [r._replace(fields={**r.fields, "id": "dunder-mifflin-renewal"}) for r in _rows()]
    lines = table_text(rows, width=60).splitlines()
    assert max(len(line) for line in lines) <= 60, "\n".join(lines)
    assert lines[0].split() == ["deal", "amount", "fit", "ready", "risk"]
    assert lines[1].startswith("dunder-mifflin-renewal ")


def test_a_40_column_table_never_wraps_and_keeps_the_deal_and_its_risk() -> None:
    from qualicoach.render.pipeline import table_text

    rows = [r._replace(fields={**r.fields, "id": "umbrella-expansion", "amount": 363000.0})
            for r in _rows()]
    lines = table_text(rows, width=40).splitlines()
    assert max(len(line) for line in lines) <= 40, "\n".join(lines)
    assert lines[0].split()[0] == "deal" and lines[0].split()[-1] == "risk"
    assert lines[1].startswith("umbrella-expansion ") and lines[1].endswith("70")
    assert lines[2].startswith("    Need to change")


LISTING_RUN = """
import sys
from qualicoach.cli.app import main
code = main(["deals", "--format", "json"])
print("scored" if "qualicoach.coaching.risk" in sys.modules else "read", file=sys.stderr)
sys.exit(code)
"""


def test_a_listing_whose_stored_assessments_hold_does_not_load_the_scoring_code(
        run: Run, pipeline: dict[str, str]) -> None:
    import subprocess
    import sys

    seen = []
    for _ in range(2):  # the first listing scores the deals and stores their assessments
        done = subprocess.run([sys.executable, "-c", LISTING_RUN], capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        seen.append(done.stderr.split()[-1])
    assert seen == ["scored", "read"]
