"""The store: deals on disk, damaged files refused untouched, schema versions."""

from __future__ import annotations

import json
import stat
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from qualicoach.domain.deal import Contact
from qualicoach.domain.interview import Interview
from qualicoach.errors import AmbiguousError, DatabaseError, NotFoundError
from qualicoach.storage.layout import assessments_path, folder_of, shard_of
from qualicoach.storage.migrations import SCHEMA_VERSION
from qualicoach.storage.store import Store

from ..helpers.home import DATA
from ..helpers.shards import read_shard, shard_file

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
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
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


# --- the layout: an index, and each deal's interviews in its shard ----------------------


def _listing(store: Store) -> list[tuple[str, int, object]]:
    return sorted((item.fields["id"], item.revision, item.assessment)
                  for item in store.listing(include_archived=True))


def _two_deals_in_different_shards(store: Store) -> tuple[str, str]:
    first = store.add_deal("Deal 1").id
    n = 2
    while shard_of(f"deal-{n}") == shard_of(first):
        n += 1
    return first, store.add_deal(f"Deal {n}").id


def test_the_index_holds_the_deals_and_a_shard_each_deal_s_interviews(store: Store) -> None:
    store.add_deal("One", tags=("a",))
    interview = store.start_interview("one", {"bant": "1.0"})
    store.fold_journal()  # a start waits in the journal until the next write
    index = json.loads(store.path.read_bytes())
    assert set(index) == {"meta", "deals"}
    assert index["meta"]["1"]["schema_version"] == SCHEMA_VERSION == 2
    assert index["deals"]["1"]["name"] == "One"
    shard = read_shard(shard_file(store.path, "one"))
    assert [doc["id"] for doc in shard["interviews"].values()] == [interview.id]


def test_one_deal_s_work_reads_its_own_shard_and_no_other(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    mine, other = _two_deals_in_different_shards(store)
    store.start_interview(mine, {"bant": "1.0"})
    store.start_interview(other, {"bant": "1.0"})
    store.fold_journal()
    damaged = shard_file(path, other)
    damaged.write_bytes(b"not a shard")
    fresh = Store(path)
    assert [i.deal_id for i in fresh.interviews(mine)] == [mine]
    assert fresh.start_interview(mine, {"bant": "1.0"}).id == f"{mine}#2"
    with pytest.raises(DatabaseError, match=f"interview file {damaged} cannot be read"):
        Store(path).interviews(other)
    assert damaged.read_bytes() == b"not a shard"


def test_a_damaged_shard_is_refused_by_a_write_that_needs_it_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    store.start_interview("one", {"bant": "1.0"})
    store.fold_journal()
    shard = shard_file(path, "one")
    shard.write_bytes(shard.read_bytes()[:-5])
    content = path.read_bytes(), shard.read_bytes()
    with pytest.raises(DatabaseError, match=f"interview file {shard} cannot be read"):
        Store(path).start_interview("one", {"bant": "1.0"})
    assert (path.read_bytes(), shard.read_bytes()) == content


def test_replaced_shards_go_once_neither_the_index_nor_its_backup_names_them(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    for _ in range(3):
        store.start_interview("one", {"bant": "1.0"})
        store.fold_journal()
    named = {json.loads(p.read_text())["meta"]["1"]["shards"][str(shard_of("one"))]
             for p in (path, store.backup_path)}
    assert {p.name for p in folder_of(path).glob("interviews-*")} == named
    # The backup is a whole earlier version: copied over the index, it reads.
    path.write_bytes(store.backup_path.read_bytes())
    assert [i.id for i in Store(path).interviews("one")] == ["one#1", "one#2"]


def test_stored_assessments_come_back_as_they_were_saved(store: Store) -> None:
    store.add_deal("One")
    store.add_deal("Two")
    reason = {"kind": "red_flag", "points": 15.0, "message": "Red flag", "brief": "flag"}
    saved = {"one": (1 - 1, {"basis": "0:x", "risk": 40, "reasons": [reason]}),
             "two": (0, {"basis": "0:x", "risk": 15, "reasons": [reason, dict(reason)]})}
    assert store.save_assessments(saved) == 2
    assert {i: a for i, _, a in _listing(Store(store.path))} == {
        deal_id: assessment for deal_id, (_, assessment) in saved.items()}
    stored = json.loads(assessments_path(store.path).read_bytes())
    assert stored["reasons"] == [reason]  # kept once, named by number


def test_a_version_1_file_is_read_as_it_is_and_split_by_the_first_write(
        tmp_path: Path) -> None:
    original = (FIXTURES / "v1_one_file.json").read_bytes()
    old = json.loads(original)
    path = tmp_path / "q.json"
    path.write_bytes(original)
    store = Store(path)
    ids = [doc["id"] for doc in old["deals"].values()]
    interviews = {deal_id: store.interviews(deal_id) for deal_id in ids}
    assert sum(len(i) for i in interviews.values()) == len(old["interviews"]) == 5
    assert {i: a for i, _, a in _listing(store)} == {
        doc["id"]: doc["assessment"] for doc in old["deals"].values()}
    assert path.read_bytes() == original and not folder_of(path).exists()  # reads change nothing
    store.edit_deal(ids[0], next_step="call the CFO")
    assert (tmp_path / "q.json.v1.bak").read_bytes() == original
    index = json.loads(path.read_bytes())
    assert set(index) == {"meta", "deals"} and index["meta"]["1"]["schema_version"] == 2
    assert index["meta"]["1"]["sample"] is True
    fresh = Store(path)
    assert {deal_id: fresh.interviews(deal_id) for deal_id in ids} == interviews
    assert fresh.deal(ids[0]).next_step == "call the CFO"
    # The stored assessments moved to their own file, but for the deal just changed: one
    # made at an earlier revision no longer holds.
    assert {i: a for i, _, a in _listing(fresh)} == {
        doc["id"]: doc["assessment"] if doc["id"] != ids[0] else None
        for doc in old["deals"].values()}


def test_a_listing_counts_journalled_answers_in_the_revision(tmp_path: Path) -> None:
    from qualicoach.domain.answer import Answer

    path = tmp_path / "q.json"
    writer = Store(path)
    for name in ("One", "Two", "Three"):
        writer.add_deal(name)
    interview = writer.start_interview("two", {"bant": "1.0"})
    writer.archive_deal("three")
    for n in range(3):  # journal entries not yet folded in: they bump the revision
        writer.record_answer(interview.id, f"bant.q{n}", Answer("unknown"))
    fast = _listing(Store(path))
    reader = Store(path)
    reader.snapshot()  # a listing from the cached view, as after another command
    assert fast == _listing(reader)
    assert dict((i, r) for i, r, _ in fast)["two"] == 4  # start_interview + 3 answers


def test_an_index_rewritten_by_another_tool_is_read(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("One")
    data = json.loads(path.read_text())
    path.write_text(json.dumps(data))  # as another tool would write it
    assert [i for i, _, _ in _listing(Store(path))] == ["one"]


def test_a_damaged_deals_table_is_still_reported(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("One")
    raw = path.read_bytes()
    damaged = raw.replace(b'"name":"One"', b'"name":"One', 1)
    path.write_bytes(damaged)
    with pytest.raises(DatabaseError, match="not valid JSON"):
        Store(path).listing()
    assert path.read_bytes() == damaged


def test_deals_inserted_in_bulk_join_the_interviews_already_stored(tmp_path: Path) -> None:
    from qualicoach.domain.deal import Deal
    from qualicoach.domain.interview import Interview

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


def test_an_index_moved_away_keeps_its_shards_and_the_new_database_owns_none_of_them(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    old = Store(path)
    old.add_deal("One")
    old.start_interview("one", {"bant": "1.0"})
    old.fold_journal()
    old.save_assessments({"one": (1, {"basis": "1:x", "risk": 40})})
    moved = tmp_path / "kept.json"
    path.rename(moved)  # "move qualicoach.json away to start afresh"
    fresh = Store(path)
    fresh.add_deal("One")
    fresh.start_interview("one", {"bant": "1.0"})
    assert [i.assessment for i in fresh.listing()] == [None]  # not the old database's
    # The old index, moved back beside its folder, still has every interview.
    moved.rename(tmp_path / "back.json")
    (tmp_path / "back.json.d").symlink_to(tmp_path / "q.json.d")
    assert [i.id for i in Store(tmp_path / "back.json").interviews("one")] == ["one#1"]


def test_a_deal_edited_in_place_is_refused_by_a_write_after_a_read(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    store.add_deal("Two")
    raw = path.read_bytes()
    cut = raw.rfind(b'"crm_id":""')  # deal two's; a later "created" wins
    damaged = raw[:cut] + b'"crm_id":"","created":"x"' + raw[cut + len(b'"crm_id":""'):]
    path.write_bytes(damaged)
    fresh = Store(path)
    assert fresh.deal("one").name == "One"  # a read first: the write reuses what it read
    with pytest.raises(DatabaseError, match="deal 'two' cannot be read"):
        fresh.archive_deal("one")  # builds deal one alone
    assert path.read_bytes() == damaged


# --- an interview's start goes to the journal, like its answers (issue 16) --------------------

def _one_deal_started(path: Path) -> tuple[Store, Interview]:
    """A database at ``path`` with deal "one" and its first interview started."""
    store = Store(path)
    store.add_deal("One")
    return store, store.start_interview("one", {"bant": "1.0"})


def test_starting_an_interview_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store = Store(path)
    store.add_deal("One")
    before = path.read_bytes()
    interview = store.start_interview("one", {"bant": "1.0"})
    assert path.read_bytes() == before
    assert Store(path).interviews("one") == [interview]


def test_interviews_started_one_after_another_are_numbered_in_turn(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("One")
    started = [Store(path).start_interview("one", {"bant": "1.0"}).id for _ in range(3)]
    assert started == ["one#1", "one#2", "one#3"]
    assert [i.id for i in Store(path).interviews("one")] == started


def test_a_journalled_start_and_its_answers_are_folded_in_by_the_next_write(
        tmp_path: Path) -> None:
    from qualicoach.domain.answer import Answer

    path = tmp_path / "q.json"
    store, interview = _one_deal_started(path)
    store.record_answer(interview.id, "bant.budget", Answer("unknown"))
    store.end_interview(interview.id, "finished")  # a full write
    assert not store.journal.path.exists()
    [kept] = read_shard(shard_file(path, "one"))["interviews"].values()
    assert (kept["id"], kept["status"], list(kept["answers"])) == (
        "one#1", "finished", ["bant.budget"])


def test_a_start_already_in_the_database_is_set_aside_not_applied_twice(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store, _ = _one_deal_started(path)
    token, *lines = store.journal.path.read_bytes().splitlines()
    store.journal.path.write_bytes(b"\n".join([token, *lines, lines[0]]) + b"\n")
    warnings: list[str] = []
    fresh = Store(path, warn=warnings.append)
    assert [i.id for i in fresh.interviews("one")] == ["one#1"]
    assert warnings and "already in the database" in warnings[0]


def test_a_journal_left_beside_a_new_database_does_not_start_its_interviews(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    _one_deal_started(path)
    path.rename(tmp_path / "kept.json")  # moved away mid-interview, journal left behind
    fresh = Store(path, warn=lambda message: None)
    fresh.add_deal("One")
    assert Store(path, warn=lambda message: None).interviews("one") == []


def test_a_deal_named_by_the_start_of_its_name_still_starts_an_interview(
        tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    Store(path).add_deal("Umbrella renewal")
    assert Store(path).start_interview("umbr", {"bant": "1.0"}).id == "umbrella-renewal#1"


def test_an_older_file_is_brought_up_to_date_by_an_interview_start(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_bytes((DATA / "databases" / "v1_one_file.json").read_bytes())
    store = Store(path)
    deal = store.deals()[0]
    interview = store.start_interview(deal.id, {"bant": "1.0"})
    assert json.loads(path.read_text())["meta"]["1"]["schema_version"] == SCHEMA_VERSION
    assert interview in Store(path).interviews(deal.id)


def test_folding_the_journal_writes_its_entries_and_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    store, _ = _one_deal_started(path)
    store.fold_journal()
    assert not store.journal.path.exists()
    assert [d["id"] for d in read_shard(shard_file(path, "one"))["interviews"].values()] == [
        "one#1"]
