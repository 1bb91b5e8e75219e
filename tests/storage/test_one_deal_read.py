"""One deal's read of a team-size index: that deal's record, never the others parsed, and
nothing damaged ever read as sound."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qualicoach.domain.answer import Answer
from qualicoach.domain.deal import Deal
from qualicoach.errors import DatabaseError, NotFoundError
from qualicoach.storage.store import Store

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
# Long enough fields that the index passes 1 MB, where one deal's read stops parsing it all.
DEALS = 600


@pytest.fixture
def large(tmp_path: Path) -> Path:
    path = tmp_path / "q.json"
    store = Store(path, clock=lambda: NOW)
    deals = [Deal(id=f"deal-{n}", name=f"Deal {n}", account="ACME", stage="discovery",
                  next_step="call back " * 190, created=NOW, updated=NOW)
             for n in range(DEALS)]
    store.insert_many(deals, [])
    session = store.start_interview("deal-300", {"mini": "1"})
    store.record_answer(session.id, "mini.good", Answer("unclear"))
    store.add_deal("After the journal")  # folds the journal in: none is left beside it
    assert path.stat().st_size > 1 << 20
    return path


@pytest.mark.parametrize("deal_id", ["deal-0", "deal-300", "deal-599", "after-the-journal"])
def test_one_deal_of_a_large_index_is_read_alone_and_as_the_whole_read_gives_it(
        large: Path, deal_id: str) -> None:
    whole = {d.id: d for d in Store(large).deals(include_archived=True)}
    store = Store(large)
    assert store.deal_record(deal_id) is not None
    assert store.deal(deal_id) == whole[deal_id]
    assert store.interviews(deal_id) == Store(large).interviews_by_deal().get(deal_id, [])


def test_an_id_that_only_starts_another_is_not_taken_for_it(large: Path) -> None:
    assert Store(large).deal_record("deal-30") is not None
    assert Store(large).deal("deal-30").id == "deal-30"
    assert Store(large).deal_record("deal-6000") is None


@pytest.mark.parametrize("name", ["Deal X", "Deal XY"])  # the second of the same length
def test_a_large_index_changed_by_hand_is_read_whole(large: Path, name: str) -> None:
    # The deals' bytes no longer match the digest the last write recorded.
    large.write_bytes(large.read_bytes().replace(b'"name":"Deal 12"',
                                                 f'"name":"{name}"'.encode()))
    store = Store(large)
    assert store.deal_record("deal-12") is None
    assert store.deal("deal-12").name == name


def _recorded_by_an_earlier_version(large: Path, deals_hash: str) -> None:
    raw = large.read_bytes()
    recorded = json.loads(raw[:raw.index(b',"deals":')] + b"}")["meta"]["1"]["deals_digest"]
    assert recorded.startswith("crc32:")
    large.write_bytes(raw.replace(recorded.encode(), deals_hash.encode()))


def test_a_large_index_whose_digest_an_earlier_version_wrote_is_still_read_alone(
        large: Path) -> None:
    raw = large.read_bytes()
    deals = raw[raw.index(b',"deals":') + len(b',"deals":'):-1]
    _recorded_by_an_earlier_version(large, hashlib.blake2b(deals, digest_size=16).hexdigest())
    assert Store(large).deal_record("deal-12") is not None


def test_a_large_index_whose_earlier_digest_does_not_match_is_read_whole(large: Path) -> None:
    _recorded_by_an_earlier_version(large, hashlib.blake2b(b"other", digest_size=16).hexdigest())
    assert Store(large).deal_record("deal-12") is None
    assert Store(large).deal("deal-12").name == "Deal 12"


def test_a_large_index_damaged_in_another_deal_is_refused_by_a_one_deal_read(
        large: Path) -> None:
    content = large.read_bytes().replace(b'{"id":"deal-7","name":', b'{"id":"deal-7","nome":')
    large.write_bytes(content)
    with pytest.raises(DatabaseError, match="has no id or name"):
        Store(large).deal("deal-8")
    with pytest.raises(DatabaseError, match="has no id or name"):
        Store(large).interviews("deal-300")
    assert large.read_bytes() == content


def test_a_journal_beside_a_large_index_is_applied_by_the_whole_read(large: Path) -> None:
    store = Store(large)
    session = store.start_interview("deal-5", {"mini": "1"})
    store.record_answer(session.id, "mini.good", Answer("unknown"))
    reader = Store(large)
    assert reader.deal_record("deal-5") is None
    assert [i.answers["mini.good"].status for i in reader.interviews("deal-5")] == ["unknown"]


def test_an_interview_started_on_a_large_index_is_there_for_every_later_read(
        large: Path) -> None:
    before = {i.fields["id"]: i.revision for i in Store(large).listing()}
    started = Store(large).start_interview("deal-450", {"mini": "1"})
    assert started.id == "deal-450#1"
    fresh = Store(large)
    assert [i.id for i in fresh.interviews("deal-450")] == ["deal-450#1"]
    revisions = {i.fields["id"]: i.revision for i in fresh.listing()}
    assert revisions["deal-450"] == before["deal-450"] + 1
    assert Store(large).start_interview("deal-450", {"mini": "1"}).id == "deal-450#2"


def test_a_start_on_a_large_index_by_an_id_prefix_or_unknown_id_is_left_to_the_whole_read(
        large: Path) -> None:
    started = Store(large).start_interview("after-the", {"mini": "1"})
    assert started.deal_id == "after-the-journal"
    with pytest.raises(NotFoundError):
        Store(large).start_interview("deal-6000", {"mini": "1"})
