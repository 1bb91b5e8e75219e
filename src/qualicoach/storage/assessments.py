"""Stored assessments, so listing many deals needs no rescoring, and the listing's read of
the deals alone."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from qualicoach.domain.deal import Deal
from qualicoach.errors import QualicoachError
from qualicoach.storage.codec import deal_from_doc, stored_assessment
from qualicoach.storage.database import Database, writable
from qualicoach.storage.journal import UnfitEntry, bump, journal_entry
from qualicoach.storage.layout import Records, read_deals_table
from qualicoach.storage.migrations import SCHEMA_VERSION, shape_problem


@dataclass(frozen=True)
class Listed:
    """A deal as stored (read-only fields), its revision and its stored assessment."""

    fields: Mapping[str, Any]
    revision: int
    assessment: Mapping[str, Any] | None


class AssessmentStore(Database):
    """Each deal's stored assessment, kept with the revision it was made at."""

    def listing(self, include_archived: bool = False) -> list[Listed]:
        """Every deal's stored fields, revision and stored assessment, without parsing its
        interviews: what a pipeline listing needs."""
        deals = None if self._cache_is_current() else self._deals_only()
        if deals is None:
            # The records themselves, read-only: copying 10,000 of them into TinyDB
            # documents costs more than everything else a listing does.
            deals = self._read().get("deals", {})
        return [Listed(doc, doc.get("revision", 0), stored_assessment(doc))
                for doc in deals.values() if include_archived or not doc.get("archived")]

    def _deals_only(self) -> Records | None:
        """The deals table alone, read through the layout the file starts with, with the
        journal's revision bumps applied; None when the file does not allow it (written
        by something else, an older schema, anything unexpected), and the caller reads the
        whole file, which also reports any damage properly."""
        table = read_deals_table(self.path)
        if table is None:
            return None
        meta, deals = table
        if meta.get("schema_version") != SCHEMA_VERSION or shape_problem({"deals": deals}):
            return None
        token, entries = self.journal.read()
        if token is not None and meta.get("journal_applied") != token:
            by_id = {doc.get("id"): doc for doc in deals.values()}
            for raw in entries:
                try:
                    deal_id = journal_entry(raw)["interview"].rpartition("#")[0]
                except UnfitEntry:
                    return None  # the full read sets it aside and says so
                if deal_id in by_id:
                    bump(by_id[deal_id])
        return deals

    def parse_deal(self, fields: Mapping[str, Any]) -> Deal:
        """The deal a listing's stored fields describe."""
        return deal_from_doc(dict(fields), self.path)

    def save_assessments(self, assessments: Mapping[str, tuple[int, dict[str, Any]]]) -> int:
        """Keep assessments (deal id -> (revision it was made at, assessment)) for the next
        listing, if that can be done without waiting; returns how many were stored.

        A cache, and opportunistic: called by reads, it never fails them and never makes
        them wait. Nothing is stored when the database is read-only, the lock is held (a
        writer is busy), the disk is full or the file is damaged. One whose deal changed
        meanwhile (another revision) is dropped: it no longer holds.
        """
        if not assessments or not writable(self.path):
            return 0
        try:
            with self.transaction(lock_timeout=0) as db:
                table = db.table("deals")
                still_current = [
                    doc.doc_id for doc in table.all()
                    if (wanted := assessments.get(doc.get("id", ""))) is not None
                    and doc.get("revision", 0) == wanted[0]
                ]

                def store_assessment(doc: MutableMapping[str, Any]) -> None:
                    doc["assessment"] = assessments[doc["id"]][1]

                # One pass: TinyDB rewrites the whole table on every update() call.
                if still_current:
                    table.update(store_assessment, doc_ids=still_current)
        except (QualicoachError, OSError):
            return 0
        return len(still_current)
