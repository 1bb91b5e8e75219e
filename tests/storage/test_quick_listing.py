"""A team's at-risk listing reads only the deals it shows, trusting the stored assessments
only while they were saved against exactly the deals the index holds."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from qualicoach.domain.answer import Answer
from qualicoach.domain.deal import Deal
from qualicoach.storage.database import Shortlist
from qualicoach.storage.layout import assessments_path, shortlist_path
from qualicoach.storage.store import Store

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
# Long enough fields that the index passes 1 MB, where reads stop parsing it all.
DEALS = 600


# What the caller says of all the assessments it saves; it checks it before trusting them.
SUMMARY = {"rules": 1}
AT_RISK = Shortlist(lambda stored: bool(stored.get("at_risk")), SUMMARY)


def holds(summary: Any) -> bool:
    return bool(summary == SUMMARY)


def assessment(deal_id: str, revision: int) -> dict[str, Any]:
    risky = int(deal_id.rsplit("-", 1)[1]) % 4 == 0
    return {"basis": f"{revision}:rules", "at_risk": risky, "risk": 80 if risky else 10,
            "reasons": [{"kind": "single_contact", "brief": "one contact"}] if risky else []}


def save_all(store: Store, leave_out: str | None = None,
             shortlist: Shortlist | None = AT_RISK) -> int:
    """Save an assessment of every deal (but ``leave_out``), as a whole listing does, with
    the deals at risk shortlisted."""
    return store.save_assessments({
        item.fields["id"]: (item.revision, assessment(item.fields["id"], item.revision))
        for item in store.listing(include_archived=True) if item.fields["id"] != leave_out},
        shortlist)


def ids(listed: list[Any] | None) -> list[str] | None:
    return None if listed is None else [item.fields["id"] for item in listed]


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "q.json"
    store = Store(path, clock=lambda: NOW)
    store.insert_many([Deal(id=f"deal-{n}", name=f"Deal {n}", account="ACME",
                            stage="discovery", next_step="call back " * 190, created=NOW,
                            updated=NOW) for n in range(DEALS)], [])
    assert path.stat().st_size > 1 << 20
    return path


def test_with_every_deal_assessed_it_gives_the_wanted_deals_as_the_whole_read_does(
        team: Path) -> None:
    assert save_all(Store(team)) == DEALS
    quick = Store(team).quick_listing(holds)
    whole = [item for item in Store(team).listing() if (item.assessment or {})["at_risk"]]
    assert quick is not None and len(quick) == DEALS // 4
    assert quick == whole  # fields, revisions and assessments, reasons in full


def test_it_declines_until_every_open_deal_has_an_assessment(team: Path) -> None:
    save_all(Store(team), leave_out="deal-7")
    assert Store(team).quick_listing(holds) is None
    save_all(Store(team))
    assert Store(team).quick_listing(holds) is not None


def test_a_deal_changed_since_the_save_makes_it_decline_until_the_next_save(
        team: Path) -> None:
    save_all(Store(team))
    Store(team).edit_deal("deal-8", stage="proposal")
    assert Store(team).quick_listing(holds) is None
    save_all(Store(team))
    assert ids(Store(team).quick_listing(holds))[:3] == [  # type: ignore[index]
        "deal-0", "deal-4", "deal-8"]


def test_a_deal_added_or_removed_since_the_save_makes_it_decline(team: Path) -> None:
    save_all(Store(team))
    Store(team).add_deal("Deal 600")
    assert Store(team).quick_listing(holds) is None
    save_all(Store(team))
    Store(team).remove_deal("deal-12")
    assert Store(team).quick_listing(holds) is None


def test_a_summary_the_caller_no_longer_accepts_makes_it_decline(team: Path) -> None:
    save_all(Store(team))
    assert Store(team).quick_listing(holds) is not None
    assert Store(team).quick_listing(lambda summary: summary == {"rules": 2}) is None


def test_the_shortlist_holds_only_the_chosen_deals_apart_from_the_others(team: Path) -> None:
    save_all(Store(team))
    shortlist = json.loads(shortlist_path(team).read_bytes())
    assert shortlist["summary"] == SUMMARY
    assert list(shortlist["deals"]) == [f"deal-{n}" for n in range(0, DEALS, 4)]
    assert len(json.loads(assessments_path(team).read_bytes())["deals"]) == DEALS


def test_a_save_without_a_shortlist_leaves_the_next_listing_to_save_again(
        team: Path) -> None:
    save_all(Store(team), shortlist=None)
    assert Store(team).quick_listing(holds) is None
    assert Store(team).read_listing().resave
    save_all(Store(team))
    assert not Store(team).read_listing().resave
    assert Store(team).quick_listing(holds) is not None


def test_a_save_that_leaves_an_open_deal_s_assessment_as_it_was_shortlists_nothing(
        team: Path) -> None:
    save_all(Store(team))
    Store(team).edit_deal("deal-8", stage="proposal")
    store = Store(team)
    # Only deal-8's: the others are carried along, which the shortlist cannot choose among.
    store.save_assessments({"deal-8": (2, assessment("deal-8", 2))}, AT_RISK)
    assert Store(team).quick_listing(holds) is None
    assert Store(team).read_listing().resave


def test_a_save_racing_another_listing_shortlists_nothing(team: Path) -> None:
    save_all(Store(team))
    read = {item.fields["id"]: (item.revision, assessment(item.fields["id"], item.revision))
            for item in Store(team).listing()}  # what this listing read
    Store(team).edit_deal("deal-8", stage="proposal")
    # Another listing, on other rules, saves every deal's assessment ...
    save_all(Store(team), shortlist=Shortlist(AT_RISK.chosen, {"rules": 2}))
    # ... and then this one saves what it made from the deals it read.
    Store(team).save_assessments(read, AT_RISK)
    # deal-8's is carried along, and this save's summary does not describe it.
    assert Store(team).quick_listing(holds) is None
    assert Store(team).read_listing().resave


def test_a_shortlist_saved_against_an_older_index_is_not_trusted(team: Path) -> None:
    save_all(Store(team))
    older = shortlist_path(team).read_bytes()
    Store(team).edit_deal("deal-8", stage="proposal")
    save_all(Store(team))
    shortlist_path(team).write_bytes(older)  # as if the save had stopped between the two
    assert Store(team).quick_listing(holds) is None


@pytest.mark.parametrize("damage", [b"", b"{", b'{"format": 2}', b"[]"])
def test_a_damaged_shortlist_makes_it_decline(team: Path, damage: bytes) -> None:
    save_all(Store(team))
    shortlist_path(team).write_bytes(damage)
    assert Store(team).quick_listing(holds) is None


def test_a_shortlisted_assessment_naming_no_reason_makes_it_decline(team: Path) -> None:
    save_all(Store(team))
    shortlist = json.loads(shortlist_path(team).read_bytes())
    shortlist["reasons"] = []
    shortlist_path(team).write_bytes(json.dumps(shortlist).encode())
    assert Store(team).quick_listing(holds) is None


def test_answers_waiting_in_the_journal_make_it_decline(team: Path) -> None:
    store = Store(team)
    session = store.start_interview("deal-3", {"mini": "1"})
    store.record_answer(session.id, "mini.good", Answer("unclear"))
    save_all(Store(team))  # made while the journal waits: the index on disk is older
    assert Store(team).quick_listing(holds) is None
    assert Store(team).read_listing().resave is False  # saving again would not help


def test_archived_deals_are_left_out_even_with_an_assessment(team: Path) -> None:
    Store(team).archive_deal("deal-4")
    save_all(Store(team))  # deal-4's too, as a listing with --archived saves it
    quick = ids(Store(team).quick_listing(holds))
    assert quick is not None and "deal-4" not in quick and "deal-8" in quick


def test_archived_deals_need_no_assessment(team: Path) -> None:
    Store(team).archive_deal("deal-4")
    save_all(Store(team), leave_out="deal-4")
    quick = ids(Store(team).quick_listing(holds))
    assert quick is not None and "deal-4" not in quick and "deal-8" in quick


def test_a_save_of_the_open_deals_keeps_the_archived_deals_assessments(team: Path) -> None:
    Store(team).archive_deal("deal-4")
    save_all(Store(team))
    store = Store(team)
    store.save_assessments({item.fields["id"]: (item.revision, {"basis": "new"})
                            for item in store.listing()})  # the open deals only
    stored = {i.fields["id"]: dict(i.assessment or {})
              for i in Store(team).listing(include_archived=True)}
    assert stored["deal-4"] == assessment("deal-4", 1)
    assert stored["deal-8"] == {"basis": "new"}


def test_an_index_changed_by_hand_is_not_trusted(team: Path) -> None:
    save_all(Store(team))
    # The deals' bytes no longer match the digest the last write recorded.
    team.write_bytes(team.read_bytes().replace(b'"name":"Deal 12"', b'"name":"Deal X"'))
    assert Store(team).quick_listing(holds) is None


def test_stored_assessments_of_the_format_before_revisions_are_an_empty_cache(
        team: Path) -> None:
    save_all(Store(team))
    stored = json.loads(assessments_path(team).read_bytes())
    older = {"format": 1, "database": stored["database"], "reasons": stored["reasons"],
             "deals": {deal_id: dict(zip(stored["fields"], values, strict=True))
                       for deal_id, values in stored["deals"].items()}}
    assessments_path(team).write_bytes(json.dumps(older).encode())
    shortlist_path(team).unlink()  # that release wrote none
    assert Store(team).quick_listing(holds) is None
    listing = Store(team).read_listing()
    assert listing.resave and {item.assessment for item in listing.deals} == {None}


def test_a_save_records_whether_it_covers_the_index(team: Path) -> None:
    save_all(Store(team), leave_out="deal-1")
    assert Store(team).read_listing().resave  # deal-1 has none: worth saving again
    save_all(Store(team))
    assert not Store(team).read_listing().resave


def test_assessments_with_other_keys_than_the_first_come_back_as_saved(tmp_path: Path) -> None:
    store = Store(tmp_path / "q.json")
    for name in ("One", "Two", "Three"):
        store.add_deal(name)
    saved: dict[str, dict[str, Any]] = {"one": {"basis": "0:rules", "risk": 40, "reasons": []},
                                        "two": {"risk": 15, "basis": "0:rules",
                                                "reasons": []},  # another order
                                        "three": {"basis": "0:rules", "reasons": [],
                                                  "note": None}}
    assert store.save_assessments({k: (0, a) for k, a in saved.items()}) == 3
    back = {i.fields["id"]: i.assessment for i in Store(store.path).listing()}
    assert back == saved
    assert [list(a or {}) for a in back.values()] == [list(a) for a in saved.values()]


def test_a_field_that_looks_like_a_deal_s_record_is_not_taken_for_it() -> None:
    from qualicoach.storage.layout import deal_records, serialize, split_index

    deals: dict[str, dict[str, Any]] = {
        "1": {"id": "one", "name": "One", "extra": {"id": "two", "name": "fake"}},
        "2": {"id": "two", "name": "Two", "contacts": [{"id": "one"}],
              "custom": {"x": {"y": 1}}, "tags": []},  # `},"` inside a record
        "3": {"id": "three", "name": "Three"}}
    raw = serialize({"meta": {"1": {"schema_version": 2}}, "deals": deals})
    parts = split_index(raw)
    assert parts is not None
    _, start, stop = parts
    assert deal_records(raw, start, stop, ["two", "three"]) == {"two": deals["2"],
                                                               "three": deals["3"]}
    assert deal_records(raw, start, stop, ["three", "one"]) == {"three": deals["3"],
                                                               "one": deals["1"]}
    assert deal_records(raw, start, stop, ["four"]) is None


def test_a_save_over_an_index_changed_by_hand_vouches_for_nothing(team: Path) -> None:
    original = team.read_bytes()
    team.write_bytes(original.replace(b'"name":"Deal 12"', b'"name":"Deal X"'))
    save_all(Store(team))  # made from the edited deals, which the digest does not describe
    assert json.loads(assessments_path(team).read_bytes())["deals_digest"] is None
    team.write_bytes(original)
    assert Store(team).quick_listing(holds) is None


def test_a_table_with_a_deals_key_of_its_own_is_not_taken_for_the_deals() -> None:
    from qualicoach.storage.layout import serialize, split_index

    deals = {"1": {"id": "one", "name": "One"}}
    notes = {"a": {"n": 1}, "deals": {"n": 2}}
    raw = serialize({"meta": {"1": {"schema_version": 2}}, "notes": notes, "deals": deals})
    parts = split_index(raw)
    # Either declined (then the file is read whole) or split where the deals really are.
    assert parts is None or json.loads(raw[parts[1]:parts[2]]) == deals


@pytest.mark.parametrize("refs", [[-1], ["0"], [0.0], [0, 5], [None]])
def test_a_stored_assessment_naming_reasons_the_file_lacks_is_refused(refs: list[Any]) -> None:
    from qualicoach.storage.layout import StoredAssessments

    stored = StoredAssessments({"one": {"reasons": refs}}, [{"kind": "a"}, {"kind": "b"}],
                               {"one": 0})
    with pytest.raises((IndexError, TypeError)):
        stored.assessment("one")
