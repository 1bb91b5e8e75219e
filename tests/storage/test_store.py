"""The store: deals on disk, damaged files refused untouched, schema versions."""

from __future__ import annotations

import json
import os
import stat
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from qualicoach.domain.deal import Contact
from qualicoach.domain.interview import Interview
from qualicoach.errors import AmbiguousError, DatabaseError, NotFoundError
from qualicoach.storage.migrations import SCHEMA_VERSION
from qualicoach.storage.store import Store

from ..helpers.home import DATA

FIXTURES = DATA / "databases"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "db" / "qualicoach.json", clock=Clock())


def test_a_new_deal_gets_a_short_typable_id(store: Store) -> None:
    deal = store.add_deal("ACME Corp — Renewal 2027", account="ACME")
    assert deal.id == "acme-corp-renewal-2027"
    assert store.deal("acme-corp-renewal-2027") == deal


def test_ids_stay_unique_and_stable(store: Store) -> None:
    first = store.add_deal("Globex")
    second = store.add_deal("globex")
    assert (first.id, second.id) == ("globex", "globex-2")
    store.edit_deal("globex-2", name="Globex Europe")
    assert store.deal("globex-2").name == "Globex Europe"


def test_deal_is_found_by_unambiguous_name_prefix(store: Store) -> None:
    store.add_deal("Initech upgrade")
    store.add_deal("Initrode pilot")
    assert store.deal("INITE").id == "initech-upgrade"
    with pytest.raises(AmbiguousError, match="'init' matches 2 deals: initech-upgrade"):
        store.deal("init")
    with pytest.raises(NotFoundError, match="no deal matches 'hooli'"):
        store.deal("hooli")


def test_an_exact_id_wins_over_longer_ids_it_prefixes(store: Store) -> None:
    store.add_deal("Acme")
    store.add_deal("Acme")
    assert store.deal("acme").id == "acme"


def test_tracked_changes_are_recorded_with_their_time(store: Store) -> None:
    clock = store.clock
    assert isinstance(clock, Clock)
    store.add_deal("Umbrella", close_date=date(2026, 12, 31), amount=1000.0)
    clock.now = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    store.edit_deal("umbrella", close_date=date(2027, 2, 28), next_step="demo")
    deal = store.deal("umbrella")
    assert [(c.field, c.old, c.new, c.at) for c in deal.history] == [
        ("close_date", date(2026, 12, 31), date(2027, 2, 28), clock.now)
    ]
    assert deal.updated == clock.now and deal.next_step == "demo"


def test_contacts_are_added_updated_and_removed(store: Store) -> None:
    store.add_deal("Hooli")
    store.add_contact("hooli", Contact("Gavin", "economic_buyer", "CEO"))
    store.add_contact("hooli", Contact("gavin", "blocker", "CEO"))
    assert store.deal("hooli").contacts == (Contact("gavin", "blocker", "CEO"),)
    store.remove_contact("hooli", "GAVIN")
    assert store.deal("hooli").contacts == ()
    with pytest.raises(NotFoundError, match="has no contact 'Nobody'"):
        store.remove_contact("hooli", "Nobody")


def test_archived_deals_leave_the_list_but_stay_reachable(store: Store) -> None:
    store.add_deal("Stark")
    store.archive_deal("stark")
    assert store.deals() == []
    assert store.deal("stark").archived
    store.archive_deal("stark", archived=False)
    assert [d.id for d in store.deals()] == ["stark"]


def test_remove_deletes_for_good(store: Store) -> None:
    store.add_deal("Wayne")
    store.remove_deal("wayne")
    assert store.deals(include_archived=True) == []


def test_database_file_is_private_to_its_owner(store: Store) -> None:
    store.add_deal("Private")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_the_previous_version_is_kept_as_backup(store: Store) -> None:
    store.add_deal("One")
    store.add_deal("Two")
    backup = json.loads(store.backup_path.read_text())
    assert [d["name"] for d in backup["deals"].values()] == ["One"]


def test_leftover_temporary_files_are_cleaned_up(store: Store) -> None:
    store.add_deal("One")
    leftover = store.path.parent / f".{store.path.name}.tmp-999-dead"
    leftover.write_text("half a write")
    store.add_deal("Two")
    assert not leftover.exists()


def test_a_failed_transaction_writes_nothing(store: Store) -> None:
    store.add_deal("One")
    before = store.path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.table("deals").truncate()
        raise RuntimeError("crash half way")
    assert store.path.read_bytes() == before
    assert [d.name for d in store.deals()] == ["One"]


def test_another_writer_is_seen_even_with_a_cached_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    mine, theirs = Store(path), Store(path)
    mine.add_deal("Mine")
    theirs.add_deal("Theirs")
    mine.add_deal("Mine again")
    assert [d.name for d in Store(path).deals()] == ["Mine", "Theirs", "Mine again"]


# --- damaged files: a clear error, and the file unchanged byte for byte -------------------

DAMAGED = {
    "empty": (b"", "is empty (0 bytes)"),
    "whitespace": (b"  \n", "is empty (0 bytes)"),
    "truncated": (b'{"meta": {"1": {"schema_version": 1}}, "deals": {"1": {"id": "a", "na',
                  "is damaged: not valid JSON at line 1, column"),
    "not json": (b"<html>oops</html>", "is damaged: not valid JSON at line 1, column 1"),
    "a list": (b"[1, 2, 3]", "expected a JSON object of tables, found a JSON list"),
    "table not object": (b'{"deals": [1]}', "table 'deals' is a JSON list, not an object"),
    "bad record": (b'{"deals": {"x": 3}}', "record 'x' of table 'deals' is not a record"),
    "deal without name": (b'{"meta": {"1": {"schema_version": 1}}, "deals": {"1": {"id": "a"}}}',
                          "deal record 1 has no id or name"),
}


@pytest.mark.parametrize("content,message", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_file_is_refused_and_left_unchanged(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "q.json"
    path.write_bytes(content)
    store = Store(path)
    with pytest.raises(DatabaseError, match=str(path)) as caught:
        store.deals()
    assert message in str(caught.value)
    with pytest.raises(DatabaseError):
        store.add_deal("Would overwrite")
    assert path.read_bytes() == content


def test_a_damaged_record_is_named_and_the_file_kept_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text('{"meta": {"1": {"schema_version": 1}}, "deals": {"1": {"id": "a", '
                    '"name": "A", "created": "yesterday", "updated": "x"}}}')
    content = path.read_bytes()
    store = Store(path)
    with pytest.raises(DatabaseError, match="deal 'a' cannot be read"):
        store.deals()
    # A write refuses what a read refuses: it would carry the damage into a new version.
    with pytest.raises(DatabaseError, match="deal 'a' cannot be read"):
        store.add_deal("B")
    assert path.read_bytes() == content


def test_damaged_file_error_says_how_to_recover(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_bytes(b"{")
    with pytest.raises(DatabaseError) as caught:
        Store(path).deals()
    assert f"The previous version is kept as {path}.bak" in str(caught.value)


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "q.json"
    path.write_text("{}")

    # Tests may run as root, who can read a chmod 000 file; make the OS refusal explicit.
    real_open = os.open

    def refuse(path: object, flags: int, *args: int) -> int:
        if str(path) == str(tmp_path / "q.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DatabaseError, match="cannot read database .*: Permission denied"):
        Store(path).deals()


def test_a_folder_in_place_of_the_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "q.json").mkdir()
    with pytest.raises(DatabaseError, match="is a folder"):
        Store(tmp_path / "q.json").deals()


# --- schema versions ---------------------------------------------------------------------


def test_new_files_record_the_schema_version(store: Store) -> None:
    store.add_deal("One")
    assert json.loads(store.path.read_text())["meta"]["1"]["schema_version"] == SCHEMA_VERSION


def test_an_older_file_is_migrated_and_the_original_kept(tmp_path: Path) -> None:
    original = (FIXTURES / "v0_plain_tinydb.json").read_bytes()
    path = tmp_path / "q.json"
    path.write_bytes(original)
    store = Store(path, clock=Clock())
    deals = store.deals()
    assert [(d.id, d.name, d.close_date) for d in deals] == [
        ("acme", "ACME renewal", date(2026, 12, 31)), ("globex", "Globex pilot", None)]
    assert path.read_bytes() == original  # reading alone changes nothing
    store.edit_deal("acme", next_step="call the CFO")
    assert (tmp_path / "q.json.v0.bak").read_bytes() == original
    data = json.loads(path.read_text())
    assert data["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert data["deals"]["1"]["next_step"] == "call the CFO"


def test_a_newer_file_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    content = json.dumps({"meta": {"1": {"schema_version": SCHEMA_VERSION + 1}},
                          "deals": {}}).encode()
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match="written by a newer qualicoach"):
        Store(path).add_deal("x")
    assert path.read_bytes() == content


# --- one file: deals and interviews, as a user can read and edit them -----------------------


def test_the_file_holds_the_deals_and_their_interviews_one_record_a_line(store: Store) -> None:
    from qualicoach.domain.answer import Answer

    store.add_deal("One", tags=("a",))
    interview = store.start_interview("one", {"bant": "1.0"})
    store.record_answer(interview.id, "bant.budget", Answer("answered", "allocated"))
    text = store.path.read_text()
    data = json.loads(text)
    assert set(data) == {"meta", "deals", "interviews"}
    assert data["meta"]["1"]["schema_version"] == SCHEMA_VERSION == 3
    assert data["deals"]["1"]["name"] == "One"
    [kept] = data["interviews"].values()
    assert (kept["id"], kept["answers"]["bant.budget"]["value"]) == ("one#1", "allocated")
    # One record a line: a diff names the records a change touched.
    lines = text.splitlines()
    assert lines[lines.index('"deals": {') + 1].startswith('  "1": {"id":"one","name":"One"')


def test_each_answer_is_in_the_file_when_record_answer_returns(tmp_path: Path) -> None:
    from qualicoach.domain.answer import Answer

    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    interview = store.start_interview("one", {"bant": "1.0"})
    for n in range(3):
        store.record_answer(interview.id, f"bant.q{n}", Answer("unknown"))
        [doc] = json.loads(path.read_text())["interviews"].values()
        assert list(doc["answers"]) == [f"bant.q{i}" for i in range(n + 1)]


def test_a_hand_edit_is_what_the_next_read_uses(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One", stage="proposal")
    assert store.deal("one").stage == "proposal"
    path.write_text(path.read_text().replace('"proposal"', '"negotiation"'))
    assert store.deal("one").stage == "negotiation"  # the same Store: no stale copy
    assert Store(path).deal("one").stage == "negotiation"


def test_a_file_rewritten_by_another_tool_is_read(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("One")
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data))  # compact, as another tool would write it
    assert [d.id for d in Store(path).deals()] == ["one"]


def test_a_change_to_what_the_deal_holds_already_writes_nothing(store: Store) -> None:
    store.add_deal("One", stage="proposal")
    store.add_deal("Two")
    before = store.path.read_bytes(), store.backup_path.read_bytes()
    deal = store.edit_deal("one", stage="proposal")
    assert deal == store.deal("one")
    assert (store.path.read_bytes(), store.backup_path.read_bytes()) == before


def test_a_deal_removed_and_added_again_starts_without_the_old_interviews(
        store: Store) -> None:
    store.add_deal("One")
    store.start_interview("one", {"bant": "1.0"})
    store.remove_deal("one")
    store.add_deal("One")
    assert store.interviews("one") == []
    assert store.start_interview("one", {"bant": "1.0"}).id == "one#1"


def test_a_damaged_interview_is_refused_by_any_write_and_the_file_kept(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    store.add_deal("Two")
    store.start_interview("two", {"bant": "1.0"})
    data = json.loads(path.read_text())
    data["interviews"]["1"]["started"] = "last week"
    path.write_text(json.dumps(data))
    damaged = path.read_bytes()
    with pytest.raises(DatabaseError, match="interview 'two#1' cannot be read"):
        Store(path).edit_deal("one", next_step="call")
    assert path.read_bytes() == damaged


def test_a_version_1_file_is_read_as_it_is_and_brought_up_by_the_first_write(
        tmp_path: Path) -> None:
    original = (FIXTURES / "v1_one_file.json").read_bytes()
    old = json.loads(original)
    path = tmp_path / "q.json"
    path.write_bytes(original)
    store = Store(path)
    ids = [doc["id"] for doc in old["deals"].values()]
    interviews = {deal_id: store.interviews(deal_id) for deal_id in ids}
    assert sum(len(i) for i in interviews.values()) == len(old["interviews"]) == 5
    assert path.read_bytes() == original  # reads change nothing
    store.edit_deal(ids[0], next_step="call the CFO")
    assert (tmp_path / "q.json.v1.bak").read_bytes() == original
    data = json.loads(path.read_bytes())
    assert data["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert data["meta"]["1"]["sample"] is True
    # Stored assessments and revision counters are gone: a cache keyed by content took
    # their place.
    assert not any("assessment" in d or "revision" in d for d in data["deals"].values())
    fresh = Store(path)
    assert {deal_id: fresh.interviews(deal_id) for deal_id in ids} == interviews
    assert fresh.deal(ids[0]).next_step == "call the CFO"


def test_a_version_2_index_with_shards_and_a_journal_is_brought_into_one_file(
        tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "v2_index_and_shards", folder)
    path = folder / "qualicoach.json"
    original = path.read_bytes()
    store = Store(path)
    # The shard's interview, and the start and answer still waiting in the journal.
    [acme] = store.interviews("acme-renewal")
    assert acme.answers["bant.budget_status"].value == "allocated"
    [globex] = store.interviews("globex-pilot")
    assert list(globex.answers) == ["bant.budget_status"]
    assert path.read_bytes() == original
    store.edit_deal("globex-pilot", next_step="call")
    assert (folder / "qualicoach.json.v2.bak").read_bytes() == original
    data = json.loads(path.read_text())
    assert sorted(d["id"] for d in data["interviews"].values()) == [
        "acme-renewal#1", "globex-pilot#1"]
    assert set(data["meta"]["1"]) == {"schema_version"}
    assert Store(path).interviews("globex-pilot") == [globex]


def test_deals_inserted_in_bulk_join_the_interviews_already_stored(tmp_path: Path) -> None:
    from qualicoach.domain.deal import Deal

    path = tmp_path / "q.json"
    store = Store(path, clock=Clock())
    store.add_deal("One")
    store.start_interview("one", {"bant": "1.0"})
    now = store.clock()
    store.insert_many([Deal(id="two", name="Two", created=now, updated=now)],
                      [Interview("two#1", "two", {"bant": "1.0"}, now),
                       Interview("one#2", "one", {"bant": "1.0"}, now)])
    fresh = Store(path)
    assert [i.id for i in fresh.interviews("one")] == ["one#1", "one#2"]
    assert [i.id for i in fresh.interviews("two")] == ["two#1"]
    assert fresh.counts() == (2, 3)


def test_interviews_started_one_after_another_are_numbered_in_turn(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("One")
    started = [Store(path).start_interview("one", {"bant": "1.0"}).id for _ in range(3)]
    assert started == ["one#1", "one#2", "one#3"]
    assert [i.id for i in Store(path).interviews("one")] == started


def test_a_deal_named_by_the_start_of_its_name_still_starts_an_interview(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("Umbrella renewal")
    assert Store(path).start_interview("umbr", {"bant": "1.0"}).id == "umbrella-renewal#1"


def test_an_interview_started_with_answers_is_one_write(tmp_path: Path) -> None:
    from qualicoach.domain.answer import Answer

    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    before = path.read_bytes()
    store.start_interview("one", {"bant": "1.0"}, {"bant.budget": Answer("unknown")})
    assert store.backup_path.read_bytes() == before
    [interview] = Store(path).interviews("one")
    assert list(interview.answers) == ["bant.budget"]


def test_a_damaged_entry_of_a_version_2_journal_is_left_out_not_the_database(
        tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "old"
    shutil.copytree(FIXTURES / "v2_index_and_shards", folder)
    journal = folder / "qualicoach.json.journal"
    journal.write_bytes(journal.read_bytes() + b'{"op":"answer","interview":"globex-pilot#1",'
                        b'"key":"bant.need","answer":{"status":"bogus"}}\n')
    store = Store(folder / "qualicoach.json")
    [globex] = store.interviews("globex-pilot")
    assert list(globex.answers) == ["bant.budget_status"]
    store.edit_deal("globex-pilot", next_step="call")  # and writes work
    assert b'"bogus"' in journal.read_bytes()  # the original journal is kept as it was


def test_a_migration_refused_by_the_disk_leaves_nothing_of_the_change_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from qualicoach.errors import StorageError
    from qualicoach.storage import durable

    path = tmp_path / "q.json"
    path.write_bytes((FIXTURES / "v1_one_file.json").read_bytes())
    store = Store(path)
    before = [d.id for d in store.deals()]
    write = durable.write_atomically

    def full_for_the_original(target: Path, payload: bytes, backup: Path | None = None
                              ) -> durable.Signature:
        if target.name.endswith(".v1.bak"):
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return write(target, payload, backup)

    monkeypatch.setattr(durable, "write_atomically", full_for_the_original)
    with pytest.raises(StorageError, match="the database was not changed"):
        store.add_deal("Beta")
    assert [d.id for d in store.deals()] == before  # the same process forgets it too
