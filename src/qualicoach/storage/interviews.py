"""Interviews in the database: start one, record answers, end it, keep a customer's reply."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from tinydb import Query, TinyDB

from qualicoach.domain.answer import Answer
from qualicoach.domain.interview import Interview, InterviewStatus
from qualicoach.errors import NotFoundError
from qualicoach.storage.codec import answer_to_doc, interview_from_doc, interview_to_doc
from qualicoach.storage.deals import DealStore


class InterviewStore(DealStore):
    """The interviews table. Every answer is written to the file before the call returns."""

    def start_interview(self, deal_ref: str, frameworks: Mapping[str, str],
                        answers: Mapping[str, Answer] | None = None) -> Interview:
        """Open a new interview of ``frameworks`` (id -> version) for a deal; with
        ``answers``, it holds them from the start (one write: an answers file)."""
        with self.transaction() as db:
            deal = self._resolve(db, deal_ref)
            interview = Interview(id=_next_id(db, deal.id), deal_id=deal.id,
                                  frameworks=dict(frameworks), started=self.clock(),
                                  answers=dict(answers or {}))
            db.table("interviews").insert(interview_to_doc(interview))
        return interview

    def record_answer(self, interview_id: str, key: str, answer: Answer) -> None:
        """Durably record one answer: it is in the file when this returns."""
        self.record_answers(interview_id, {key: answer}, unsaved="this answer was not saved")

    def record_answers(self, interview_id: str, answers: Mapping[str, Answer],
                       unsaved: str = "these answers were not saved") -> None:
        """Record answers to an interview, all or none (one write)."""
        with self.transaction(unsaved=unsaved) as db:
            table = db.table("interviews")
            doc = _interview(db, interview_id)
            merged = {**doc["answers"], **{k: answer_to_doc(a) for k, a in answers.items()}}
            table.update({"answers": merged}, doc_ids=[doc.doc_id])

    def add_reply(self, deal_id: str, respondent: str, reply: str,
                  frameworks: Mapping[str, str], answers: Mapping[str, Answer],
                  answered: datetime) -> tuple[Interview, bool]:
        """Keep a customer's self-assessment reply as its own finished interview, beside
        (never over) the rep's answers; returns it and whether it is new.

        Idempotent: a reply with the same fingerprint already kept for this deal and
        respondent is returned as it is, and nothing is written.
        """
        with self.transaction() as db:
            deal = self._resolve(db, deal_id)
            for doc in db.table("interviews").search(Query().deal == deal.id):
                if (doc.get("reply") == reply
                        and str(doc.get("respondent", "")).casefold() == respondent.casefold()):
                    return interview_from_doc(doc, self.path), False
            interview = Interview(id=_next_id(db, deal.id), deal_id=deal.id,
                                  frameworks=dict(frameworks), started=answered,
                                  status="finished", ended=answered, answers=dict(answers),
                                  respondent=respondent, reply=reply)
            db.table("interviews").insert(interview_to_doc(interview))
        return interview, True

    def end_interview(self, interview_id: str, status: InterviewStatus) -> Interview:
        """Mark an interview finished or interrupted."""
        with self.transaction() as db:
            doc = _interview(db, interview_id)
            db.table("interviews").update({"status": status, "ended": self.clock().isoformat()},
                                          doc_ids=[doc.doc_id])
            doc = _interview(db, interview_id)
        return interview_from_doc(doc, self.path)

    def remove_interview(self, interview_id: str) -> None:
        """Delete an interview (one that never got an answer, say)."""
        with self.transaction() as db:
            db.table("interviews").remove(doc_ids=[_interview(db, interview_id).doc_id])

    def interviews(self, deal_id: str) -> list[Interview]:
        """A deal's interviews, oldest first."""
        return self.interviews_by_deal([deal_id]).get(deal_id, [])

    def interviews_by_deal(self, deal_ids: Collection[str] | None = None
                           ) -> dict[str, list[Interview]]:
        """Every interview (of ``deal_ids`` only, if given), grouped by deal id, oldest
        first."""
        wanted = None if deal_ids is None else set(deal_ids)
        grouped: dict[str, list[Interview]] = {}
        for doc in self.data()["interviews"].values():
            if wanted is None or doc.get("deal") in wanted:
                interview = interview_from_doc(doc, self.path)
                grouped.setdefault(interview.deal_id, []).append(interview)
        for interviews in grouped.values():
            interviews.sort(key=lambda i: i.started)
        return grouped

    def latest_answers(self, deal_id: str) -> dict[str, Answer]:
        """The latest answer to every question ever answered for a deal."""
        latest: dict[str, Answer] = {}
        for interview in self.interviews(deal_id):
            latest.update(interview.answers)
        return latest

    def records(self, include_archived: bool = False
                ) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Every deal's record with its interviews' records, as the file holds them
        (read-only: what a listing keys its cache by, before parsing any of them)."""
        data = self.data()
        interviews: dict[str, list[dict[str, Any]]] = {}
        for doc in data["interviews"].values():
            interviews.setdefault(doc["deal"], []).append(doc)
        return [(doc, interviews.get(doc["id"], [])) for doc in data["deals"].values()
                if include_archived or not doc.get("archived")]


def _next_id(db: TinyDB, deal_id: str) -> str:
    """The next free interview id of a deal: ``DEAL#N``."""
    taken = {doc.get("id") for doc in db.table("interviews").search(Query().deal == deal_id)}
    number = len(taken) + 1
    while f"{deal_id}#{number}" in taken:
        number += 1
    return f"{deal_id}#{number}"


def _interview(db: TinyDB, interview_id: str) -> Any:
    doc = db.table("interviews").get(Query().id == interview_id)
    if not isinstance(doc, dict):
        raise NotFoundError(f"no interview '{interview_id}'")
    return doc
