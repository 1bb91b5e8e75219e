"""Stored assessments, so listing many deals needs no rescoring; a listing reads the index
and them, never an interview."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from qualicoach.domain.deal import Deal
from qualicoach.errors import QualicoachError
from qualicoach.storage.codec import deal_from_doc, stored_assessment
from qualicoach.storage.database import Database, writable


class Listed(NamedTuple):
    """A deal as stored (read-only fields), its revision and its stored assessment."""

    fields: Mapping[str, Any]
    revision: int
    assessment: Mapping[str, Any] | None


class AssessmentStore(Database):
    """Each deal's stored assessment, kept with the revision it was made at."""

    def listing(self, include_archived: bool = False) -> list[Listed]:
        """Every deal's stored fields, revision and stored assessment, without reading
        any interview: what a pipeline listing needs."""
        loaded = self._read()
        stored = self.stored_assessments(loaded)
        # The records themselves, read-only: copying 10,000 of them into TinyDB
        # documents costs more than everything else a listing does.
        return [Listed(doc, doc.get("revision", 0), stored_assessment(stored, doc))
                for doc in loaded.index.get("deals", {}).values()
                if include_archived or not doc.get("archived")]

    def parse_deal(self, fields: Mapping[str, Any]) -> Deal:
        """The deal a listing's stored fields describe."""
        return deal_from_doc(dict(fields), self.path)

    def save_assessments(self, assessments: Mapping[str, tuple[int, dict[str, Any]]]) -> int:
        """Keep assessments (deal id -> (revision it was made at, assessment)) for the next
        listing, if that can be done without waiting; returns how many were stored.

        A cache, and opportunistic: called by reads, it never fails them and never makes
        them wait. Nothing is stored when the database is read-only, the lock is held (a
        writer is busy), the disk is full or the file is damaged. One whose deal changed
        meanwhile (another revision) is dropped: it no longer holds. The first call on an
        older database also splits it into the current layout.
        """
        if not assessments or not writable(self.path):
            return 0
        try:
            with self.transaction(lock_timeout=0) as txn:
                revisions = {doc.get("id"): doc.get("revision", 0)
                             for doc in txn.table("deals").all()}
                txn.assessments = {deal_id: (revision, assessment)
                                   for deal_id, (revision, assessment) in assessments.items()
                                   if revisions.get(deal_id) == revision}
        except (QualicoachError, OSError):
            return 0
        return len(txn.assessments)
