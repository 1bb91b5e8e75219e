"""Deals in the database: read, add, change, archive, remove, and many at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol, TypeVar

from tinydb import Query, TinyDB

from qualicoach.domain.deal import Contact, Deal, check_deal_fields, resolve_deal, slugify
from qualicoach.domain.interview import Interview
from qualicoach.errors import InvalidValueError, NotFoundError
from qualicoach.storage.codec import deal_from_doc, deal_to_doc, interview_to_doc
from qualicoach.storage.database import Database, by_id


class DealChanges(Protocol):
    """What a change of many deals at once creates and updates (an import's plan)."""

    @property
    def created(self) -> tuple[Deal, ...]: ...

    @property
    def updated(self) -> tuple[Deal, ...]: ...


P = TypeVar("P", bound=DealChanges)


class DealStore(Database):
    """The deals table."""

    def deals(self, include_archived: bool = False) -> list[Deal]:
        """Every deal, oldest first; archived ones only when asked for."""
        deals = [deal_from_doc(doc, self.path) for doc in self.data()["deals"].values()]
        return [d for d in deals if include_archived or not d.archived]

    def deal(self, ref: str) -> Deal:
        """The deal that ``ref`` names: its id, or an unambiguous name or id prefix."""
        doc = by_id(self.data()["deals"].values(), ref.strip())
        if doc is not None:
            return deal_from_doc(doc, self.path)
        return resolve_deal(self.deals(include_archived=True), ref)

    def add_deal(self, name: str, **fields: Any) -> Deal:
        """Create a deal with a new short id and return it."""
        check_deal_fields(fields)
        with self.transaction() as db:
            table = db.table("deals")
            taken = {doc.get("id") for doc in table.all()}
            base = slugify(name)
            deal_id, n = base, 1
            while deal_id in taken:
                n += 1
                deal_id = f"{base}-{n}"
            now = self.clock()
            deal = Deal(id=deal_id, name=name, created=now, updated=now, **fields)
            table.insert(deal_to_doc(deal))
        return deal

    def edit_deal(self, ref: str, add_tags: tuple[str, ...] = (),
                  remove_tags: tuple[str, ...] = (), **changes: Any) -> Deal:
        """Change a deal's fields; changes to amount, stage and close date are recorded.

        Tags are added and removed against the deal as stored, inside the transaction, so
        two people tagging at once both keep their tags. A change to what the deal already
        holds writes nothing and returns the deal as it was.
        """
        check_deal_fields(changes)

        def change(deal: Deal) -> Deal:
            fields = dict(changes)
            if add_tags or remove_tags:
                fields["tags"] = tuple(t for t in dict.fromkeys((*deal.tags, *add_tags))
                                       if t not in remove_tags)
            return deal.with_changes(fields, self.clock())

        return self._update(ref, change)

    def archive_deal(self, ref: str, archived: bool = True) -> Deal:
        """Archive (or restore) a deal: archived deals leave the lists, not the database."""
        return self._update(ref, lambda deal: deal.with_changes({"archived": archived},
                                                                self.clock()))

    def remove_deal(self, ref: str) -> Deal:
        """Delete a deal and its interviews for good."""
        with self.transaction() as db:
            deal = self._resolve(db, ref)
            db.table("deals").remove(Query().id == deal.id)
            db.table("interviews").remove(Query().deal == deal.id)
        return deal

    def add_contact(self, ref: str, contact: Contact) -> Deal:
        """Add a stakeholder to a deal, or update the one with the same name."""
        def change(deal: Deal) -> Deal:
            others = tuple(c for c in deal.contacts if c.name.casefold() != contact.name.casefold())
            return deal.with_changes({"contacts": (*others, contact)}, self.clock())
        return self._update(ref, change)

    def remove_contact(self, ref: str, name: str) -> Deal:
        """Remove a stakeholder, by name (case-insensitive)."""
        def change(deal: Deal) -> Deal:
            kept = tuple(c for c in deal.contacts if c.name.casefold() != name.casefold())
            if len(kept) == len(deal.contacts):
                names = ", ".join(c.name for c in deal.contacts) or "none"
                raise NotFoundError(f"deal '{deal.id}' has no contact '{name}' (contacts: {names})")
            return deal.with_changes({"contacts": kept}, self.clock())
        return self._update(ref, change)

    def insert_many(self, deals: list[Deal], interviews: list[Interview],
                    sample: bool = False) -> None:
        """Add many deals and interviews in one write (demo data, imports).

        Deal ids must be new. ``sample`` marks the database as sample data, which
        ``qualicoach demo`` may replace.
        """
        by_deal: dict[str, list[Interview]] = {d.id: [] for d in deals}
        for interview in interviews:
            by_deal.setdefault(interview.deal_id, []).append(interview)
        ids = {d.id for d in deals}
        self.insert_deals(((d, by_deal[d.id]) for d in deals), sample=sample,
                          more=[i for i in interviews if i.deal_id not in ids])

    def insert_deals(self, items: Iterable[tuple[Deal, Sequence[Interview]]],
                     sample: bool = False, more: Sequence[Interview] = ()) -> int:
        """Add deals, each with its interviews, in one write; returns how many.

        Deal ids must be new. ``sample`` marks the database as sample data, which
        ``qualicoach demo`` may replace. ``more`` are interviews of deals already there.
        """
        with self.transaction() as db:
            table = db.table("deals")
            taken = {doc.get("id") for doc in table.all()}
            deals, interviews, clashes = [], [], []
            for deal, its_interviews in items:
                if deal.id in taken:
                    clashes.append(deal.id)
                    continue
                taken.add(deal.id)
                deals.append(deal_to_doc(deal))
                interviews += [interview_to_doc(i) for i in its_interviews]
            if clashes:
                raise InvalidValueError(f"deal ids already used: {', '.join(clashes[:5])}")
            table.insert_multiple(deals)
            db.table("interviews").insert_multiple(
                [*interviews, *(interview_to_doc(i) for i in more)])
            if sample:
                db.table("meta").update({"sample": True}, doc_ids=[1])
        return len(deals)

    def apply_deal_changes(self, plan: Callable[[list[Deal]], P]) -> P:
        """In one transaction: read every deal, ask ``plan`` what to create and change,
        write both, and return the plan. A plan that changes nothing writes nothing."""
        with self.transaction() as db:
            table = db.table("deals")
            docs = {d["id"]: d for d in table.all()}
            changes = plan([deal_from_doc(d, self.path) for d in docs.values()])
            for deal in changes.updated:
                table.update(deal_to_doc(deal), doc_ids=[docs[deal.id].doc_id])
            if changes.created:
                table.insert_multiple(deal_to_doc(d) for d in changes.created)
        return changes

    def is_sample(self) -> bool:
        """True for a database ``qualicoach demo`` filled."""
        meta = self.data().get("meta", {}).get("1")
        return bool(isinstance(meta, dict) and meta.get("sample"))

    def counts(self) -> tuple[int, int]:
        """How many deals the database holds, and how many interviews of them."""
        data = self.data()
        return len(data.get("deals", {})), len(data.get("interviews", {}))

    def _resolve(self, db: TinyDB, ref: str) -> Deal:
        """The deal ``ref`` names, as the transaction's data holds it."""
        doc = by_id(db.table("deals").all(), ref.strip())
        if doc is not None:
            return deal_from_doc(doc, self.path)
        return resolve_deal([deal_from_doc(d, self.path) for d in db.table("deals").all()],
                            ref)

    def _update(self, ref: str, change: Callable[[Deal], Deal]) -> Deal:
        with self.transaction() as db:
            deal = self._resolve(db, ref)
            updated = change(deal)
            if replace(updated, updated=deal.updated) == deal:
                return deal  # nothing to record: the file and its backup stay as they are
            db.table("deals").update(deal_to_doc(updated), Query().id == deal.id)
        return updated
