"""Interviews in the database: start one, record answers (through the journal), end it."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from typing import Any

from tinydb import Query

from qualicoach.domain.answer import Answer
from qualicoach.domain.deal import resolve_deal
from qualicoach.domain.interview import Interview, InterviewStatus
from qualicoach.errors import NotFoundError
from qualicoach.storage.codec import (
    answer_to_doc,
    deal_from_doc,
    interview_from_doc,
    interview_to_doc,
)
from qualicoach.storage.database import Database, Transaction
from qualicoach.storage.layout import Records


class InterviewStore(Database):
    """The interviews table and the answer journal."""

    def start_interview(self, deal_id: str, frameworks: Mapping[str, str]) -> Interview:
        """Open a new interview of ``frameworks`` (id -> version) for a deal.

        Appended to the journal like an answer (issue 16: at 10,000 deals rewriting the
        index made the rep wait for the first question); the next full write folds it in.
        """
        started = self.clock()

        def start(deal: str, records: Records) -> dict[str, Any]:
            taken = {doc.get("id") for doc in records.values() if doc.get("deal") == deal}
            number = len(taken) + 1
            while f"{deal}#{number}" in taken:  # numbers freed by nothing, but be sure
                number += 1
            interview = Interview(id=f"{deal}#{number}", deal_id=deal,
                                  frameworks=dict(frameworks), started=started)
            return {"op": "start", "interview": interview.id, "doc": interview_to_doc(interview)}

        entry = self.append_to_shard(deal_id, lambda records: start(deal_id, records),
                                     "the new interview")
        if entry is not None:
            return interview_from_doc(entry["doc"], self.path)
        # A name or id prefix, or an older file (only a full write brings it up to date).
        with self.transaction() as txn:
            deals = txn.table("deals")
            exact = deals.search(Query().id == deal_id)
            found = exact if len(exact) == 1 else deals.all()
            deal = resolve_deal([deal_from_doc(d, self.path) for d in found], deal_id)
            table = txn.interviews(deal.id)
            doc = start(deal.id, {str(d.doc_id): d for d in table.search(Query().deal == deal.id)}
                        )["doc"]
            table.insert(doc)
            self._bump_deal(txn, deal.id)
        return interview_from_doc(doc, self.path)

    def record_answer(self, interview_id: str, key: str, answer: Answer) -> None:
        """Durably record one answer (appended to the journal: fast on any size)."""
        self.append_entry({"op": "answer", "interview": interview_id, "key": key,
                           "answer": answer_to_doc(answer)}, "this answer")

    def record_answers(self, interview_id: str, answers: Mapping[str, Answer]) -> None:
        """Record many answers at once, all or none (one database write)."""
        with self.transaction() as txn:
            table = txn.shard_of_interview(interview_id)
            doc = table.get(Query().id == interview_id) if table is not None else None
            if table is None or not isinstance(doc, dict):
                raise NotFoundError(f"no interview '{interview_id}'")
            merged = {**doc["answers"], **{k: answer_to_doc(a) for k, a in answers.items()}}
            table.update({"answers": merged}, Query().id == interview_id)
            self._bump_deal(txn, doc["deal"])

    def add_reply(self, deal_id: str, respondent: str, reply: str,
                  frameworks: Mapping[str, str], answers: Mapping[str, Answer],
                  answered: datetime) -> tuple[Interview, bool]:
        """Keep a customer's self-assessment reply as its own finished interview, beside
        (never over) the rep's answers; returns it and whether it is new.

        Idempotent: a reply with the same fingerprint already kept for this deal and
        respondent is returned as it is, and nothing is written.
        """
        with self.transaction() as txn:
            deals = [deal_from_doc(d, self.path) for d in txn.table("deals").all()]
            deal = resolve_deal(deals, deal_id)
            table = txn.interviews(deal.id)
            docs = table.search(Query().deal == deal.id)
            for doc in docs:
                if (doc.get("reply") == reply
                        and str(doc.get("respondent", "")).casefold() == respondent.casefold()):
                    return interview_from_doc(doc, self.path), False
            taken = {doc["id"] for doc in docs}
            number = len(taken) + 1
            while f"{deal.id}#{number}" in taken:
                number += 1
            interview = Interview(id=f"{deal.id}#{number}", deal_id=deal.id,
                                  frameworks=dict(frameworks), started=answered,
                                  status="finished", ended=answered, answers=dict(answers),
                                  respondent=respondent, reply=reply)
            table.insert(interview_to_doc(interview))
            self._bump_deal(txn, deal.id)
        return interview, True

    def end_interview(self, interview_id: str, status: InterviewStatus) -> Interview:
        """Mark an interview finished or interrupted (and fold its answers in)."""
        with self.transaction() as txn:
            table = txn.shard_of_interview(interview_id)
            if table is None:
                raise NotFoundError(f"no interview '{interview_id}'")
            table.update({"status": status, "ended": self.clock().isoformat()},
                         Query().id == interview_id)
            doc = table.get(Query().id == interview_id)
            assert isinstance(doc, dict)
            return interview_from_doc(doc, self.path)

    def interviews(self, deal_id: str) -> list[Interview]:
        """A deal's interviews, oldest first (reading that deal's shard alone)."""
        found = [interview_from_doc(d, self.path) for d in self.interview_docs([deal_id])]
        return sorted(found, key=lambda i: i.started)

    def interviews_by_deal(self, deal_ids: Collection[str] | None = None
                           ) -> dict[str, list[Interview]]:
        """Every interview (of ``deal_ids`` only, if given), grouped by deal id, oldest
        first (reading only the shards that hold them)."""
        grouped: dict[str, list[Interview]] = {}
        for doc in self.interview_docs(deal_ids):
            interview = interview_from_doc(doc, self.path)
            grouped.setdefault(interview.deal_id, []).append(interview)
        for interviews in grouped.values():
            interviews.sort(key=lambda i: i.started)
        return grouped

    def interviews_by_deal_in_batches(self, deal_ids: Collection[str]
                                      ) -> Iterator[tuple[list[str], dict[str, list[Interview]]]]:
        """``deal_ids`` in batches, each with its interviews grouped by deal, oldest first;
        a batch is one shard, read and then let go."""
        for ids, docs in self.interview_batches(deal_ids):
            grouped: dict[str, list[Interview]] = {}
            for doc in docs:
                interview = interview_from_doc(doc, self.path)
                grouped.setdefault(interview.deal_id, []).append(interview)
            for interviews in grouped.values():
                interviews.sort(key=lambda i: i.started)
            yield ids, grouped

    def latest_answers(self, deal_id: str) -> dict[str, Answer]:
        """The latest answer to every question ever answered for a deal."""
        latest: dict[str, Answer] = {}
        for interview in self.interviews(deal_id):
            latest.update(interview.answers)
        return latest

    @staticmethod
    def _bump_deal(txn: Transaction, deal_id: str) -> None:
        table = txn.table("deals")
        doc = table.get(Query().id == deal_id)
        if isinstance(doc, dict):
            table.update({"revision": doc.get("revision", 0) + 1}, doc_ids=[doc.doc_id])
