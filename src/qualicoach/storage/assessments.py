"""Stored assessments, so listing many deals needs no rescoring; a listing reads the index
and them, never an interview."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from qualicoach.domain.deal import Deal
from qualicoach.errors import QualicoachError
from qualicoach.storage.codec import deal_from_doc
from qualicoach.storage.database import Database, Shortlist, writable
from qualicoach.storage.layout import collector_paused, deal_records


class Listed(NamedTuple):
    """A deal as stored (read-only fields), its revision and its stored assessment."""

    fields: Mapping[str, Any]
    revision: int
    assessment: Mapping[str, Any] | None


class Listing(NamedTuple):
    """Every deal of a listing, and whether saving their assessments again, even unchanged,
    would let the next listing trust them without reading every deal: they were saved
    against another version of the index or without a shortlist, and no journal is waiting
    to be folded in (while one is, the index on disk is not the one a listing sees)."""

    deals: list[Listed]
    resave: bool


class AssessmentStore(Database):
    """Each deal's stored assessment, kept with the revision it was made at."""

    def listing(self, include_archived: bool = False) -> list[Listed]:
        """Every deal's stored fields, revision and stored assessment, without reading
        any interview: what a pipeline listing needs."""
        return self.read_listing(include_archived).deals

    def read_listing(self, include_archived: bool = False) -> Listing:
        """``listing``, with whether its assessments are worth saving again."""
        loaded = self._read()
        stored = self.stored_assessments(loaded)
        deals = []
        # The records themselves, read-only: copying 10,000 of them into TinyDB
        # documents costs more than everything else a listing does.
        for doc in loaded.index.get("deals", {}).values():
            if include_archived or not doc.get("archived"):
                deal_id = doc.get("id", "")
                assessment = None
                if deal_id in stored.deals:
                    # A cache: a damaged entry is made again, not a reason to refuse the deal.
                    try:
                        assessment = stored.assessment(deal_id)
                    except (TypeError, IndexError):
                        pass
                deals.append(Listed(doc, doc.get("revision", 0), assessment))
        digest = stored.deals_digest
        resave = loaded.token is None and (digest is None or not stored.shortlisted
                                           or digest != loaded.meta.get("deals_digest"))
        return Listing(deals, resave)

    def quick_listing(self, holds: Callable[[Any], bool]) -> list[Listed] | None:
        """The open deals the last save's shortlist chose, with their stored assessments,
        reading only those deals' records and those assessments, when ``holds`` accepts
        the shortlist's summary; None when this quick way cannot tell (then ``listing``
        reads every deal).

        It needs a team-size index as the last write left it (see ``Database._light``) and a
        shortlist saved against exactly these deals: the index's digest of its deals then
        vouches that every open deal's assessment was made at its deal's revision, and that
        the shortlist chose among all of them.
        """
        light = self._light()
        if light is None:
            return None
        loaded, raw, start, stop = light
        shortlist = self.stored_shortlist(loaded)
        if (shortlist.deals_digest is None
                or shortlist.deals_digest != loaded.meta.get("deals_digest")
                or not holds(shortlist.summary)):
            return None
        listed = []
        # Thousands of records, assessments and their reasons, and no reference cycle.
        with collector_paused():
            # In the index's order, as the shortlist was saved: one pass over its bytes.
            records = deal_records(raw, start, stop, shortlist.deals)
            if records is None:
                return None
            try:
                for deal_id, doc in records.items():
                    revision = shortlist.revisions[deal_id]
                    if (not isinstance(doc, dict) or doc.get("id") != deal_id
                            or doc.get("revision", 0) != revision):
                        return None
                    listed.append(Listed(doc, revision, shortlist.assessment(deal_id)))
            except (TypeError, IndexError, KeyError):  # a damaged shortlist: the whole read
                return None
        return listed

    def parse_deal(self, fields: Mapping[str, Any]) -> Deal:
        """The deal a listing's stored fields describe."""
        return deal_from_doc(dict(fields), self.path)

    def save_assessments(self, assessments: Mapping[str, tuple[int, Mapping[str, Any]]],
                         shortlist: Shortlist | None = None) -> int:
        """Replace the stored assessments with ``assessments`` (deal id -> (revision it was
        made at, assessment)) for the next listing, if that can be done without waiting;
        returns how many were stored. Those ``shortlist`` chooses are also kept apart for
        ``quick_listing``, when ``assessments`` are every open deal's.

        A cache, and opportunistic: called by reads, it never fails them and never makes
        them wait. Nothing is stored when the database is read-only, the lock is held (a
        writer is busy), the disk is full or the file is damaged. One whose deal changed
        meanwhile (another revision) is dropped: it no longer holds. The first call on an
        older database also splits it into the current layout.
        """
        if not writable(self.path):
            return 0
        try:
            with self.transaction(lock_timeout=0) as txn:
                txn.assessments = {deal_id: (revision, dict(assessment))
                                   for deal_id, (revision, assessment) in assessments.items()}
                txn.shortlist = shortlist
        except (QualicoachError, OSError):
            return 0
        return txn.assessments_saved
