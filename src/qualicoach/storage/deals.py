"""Deals in the database: add, change, archive, remove, and many at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence
from typing import Any, Protocol, TypeVar

from tinydb import Query

from qualicoach.domain.deal import Contact, Deal, check_deal_fields, resolve_deal, slugify
from qualicoach.domain.interview import Interview
from qualicoach.errors import InvalidValueError, NotFoundError
from qualicoach.storage.codec import deal_from_doc, deal_to_doc, interview_to_doc
from qualicoach.storage.database import Database


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
        table = self.snapshot().table("deals")
        deals = [deal_from_doc(doc, self.path) for doc in table.all()]
        return [d for d in deals if include_archived or not d.archived]

    def deal(self, ref: str) -> Deal:
        """The deal that ``ref`` names: its id, or an unambiguous name or id prefix."""
        wanted = ref.strip()
        record = self.deal_record(wanted)
        if record is not None:
            return deal_from_doc(record, self.path)
        docs = self._read().index.get("deals", {})
        # An exact id names one deal: build that one, not the whole team's.
        exact = [doc for doc in docs.values() if doc.get("id") == wanted]
        if len(exact) == 1:
            return deal_from_doc(exact[0], self.path)
        return resolve_deal(self.deals(include_archived=True), ref)

    def add_deal(self, name: str, **fields: Any) -> Deal:
        """Create a deal with a new short id and return it."""
        check_deal_fields(fields)
        with self.transaction() as txn:
            table = txn.table("deals")
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
        two people tagging at once both keep their tags.
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
        """Delete a deal for good."""
        with self.transaction() as txn:
            table = txn.table("deals")
            deal = resolve_deal([deal_from_doc(d, self.path) for d in table.all()], ref)
            table.remove(Query().id == deal.id)
            txn.interviews(deal.id).remove(Query().deal == deal.id)
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
        """Add deals, each with its interviews, in one write, taking them one at a time
        (a generator of 10,000 sample deals is never held whole); returns how many.

        Deal ids must be new. ``sample`` marks the database as sample data, which
        ``qualicoach demo`` may replace. ``more`` are interviews of deals already there.
        """
        with self.transaction() as txn:
            table = txn.table("deals")
            taken = {doc.get("id") for doc in table.all()}
            docs = []
            clashes = []
            for deal, interviews in items:
                if deal.id in taken:
                    clashes.append(deal.id)
                    continue
                taken.add(deal.id)
                docs.append(deal_to_doc(deal))
                for interview in interviews:
                    txn.stream(interview.deal_id).append(interview_to_doc(interview))
            for interview in more:
                txn.stream(interview.deal_id).append(interview_to_doc(interview))
            if clashes:
                raise InvalidValueError(f"deal ids already used: {', '.join(clashes[:5])}")
            table.insert_multiple(docs)
            if sample:
                txn.table("meta").update({"sample": True}, doc_ids=[1])
        return len(docs)

    def apply_deal_changes(self, plan: Callable[[list[Deal]], P]) -> P:
        """In one transaction: read every deal, ask ``plan`` what to create and change,
        write both (a changed deal's revision goes up), and return the plan."""
        with self.transaction() as txn:
            table = txn.table("deals")
            docs = {d["id"]: d for d in table.all()}
            changes = plan([deal_from_doc(d, self.path) for d in docs.values()])
            changed = {deal.id: {**deal_to_doc(deal),
                                 "revision": docs[deal.id].get("revision", 0) + 1}
                       for deal in changes.updated}

            def apply(doc: MutableMapping[str, Any]) -> None:
                doc.update(changed[doc["id"]])

            if changed:
                table.update(apply, doc_ids=[docs[i].doc_id for i in changed])
            table.insert_multiple(deal_to_doc(d) for d in changes.created)
        return changes

    def is_sample(self) -> bool:
        """True for a database ``qualicoach demo`` filled."""
        meta = self.snapshot().table("meta").get(doc_id=1)
        return bool(meta and meta.get("sample"))

    def counts(self) -> tuple[int, int]:
        """How many deals the database holds, and how many interviews of them."""
        deals = self.snapshot().table("deals")
        ids = [doc.get("id", "") for doc in deals.all()]
        # Shard by shard, none kept: counting a team's interviews holds one shard at a time.
        return len(ids), sum(len(docs) for _, docs in self.interview_batches(ids))

    def _update(self, ref: str, change: Callable[[Deal], Deal]) -> Deal:
        with self.transaction() as txn:
            table = txn.table("deals")
            docs = {d["id"]: d for d in table.all()}
            deal = resolve_deal([deal_from_doc(d, self.path) for d in docs.values()], ref)
            updated = change(deal)
            revision = docs[deal.id].get("revision", 0) + 1
            table.update({**deal_to_doc(updated), "revision": revision}, Query().id == deal.id)
        return updated
