"""Records as stored, to and from the domain's values: deals, interviews, answers and the
stored assessment. A record that cannot be read raises DatabaseError naming the file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from qualicoach.domain.answer import Answer, Evidence, Status
from qualicoach.domain.deal import Change, Contact, Deal, deal_to_data
from qualicoach.domain.interview import INTERVIEW_STATUSES, Interview, InterviewStatus
from qualicoach.errors import DatabaseError


def deal_to_doc(deal: Deal) -> dict[str, Any]:
    """The deal as stored."""
    return deal_to_data(deal)


def deal_from_doc(doc: dict[str, Any], path: Path) -> Deal:
    """The deal a stored record holds; DatabaseError (naming ``path``) if it is damaged."""
    try:
        close = doc.get("close_date")
        history = tuple(
            Change(h["field"], revive(h["field"], h.get("old")), revive(h["field"], h.get("new")),
                   moment(h["at"]))
            for h in doc.get("history", [])
        )
        return Deal(
            id=doc["id"], name=doc["name"], account=doc.get("account", ""),
            owner=doc.get("owner", ""), stage=doc.get("stage", "prospect"),
            amount=doc.get("amount"), currency=doc.get("currency", ""),
            close_date=date.fromisoformat(close) if close else None,
            next_step=doc.get("next_step", ""),
            contacts=tuple(Contact(c["name"], c.get("role", "unknown"), c.get("title", ""))
                           for c in doc.get("contacts", [])),
            tags=tuple(doc.get("tags", [])),
            created=moment(doc["created"]),
            updated=moment(doc["updated"]),
            archived=bool(doc.get("archived", False)),
            history=history, crm_id=str(doc.get("crm_id") or ""),
            close_reason=str(doc.get("close_reason") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DatabaseError(f"database {path} is damaged: deal '{doc.get('id')}' cannot be "
                            f"read ({type(exc).__name__}: {exc}); the file was not "
                            "changed") from None


def interview_to_doc(interview: Interview) -> dict[str, Any]:
    """The interview as stored."""
    return {
        "id": interview.id, "deal": interview.deal_id, "frameworks": interview.frameworks,
        "started": interview.started.isoformat(), "status": interview.status,
        "ended": interview.ended.isoformat() if interview.ended else None,
        "answers": {k: answer_to_doc(a) for k, a in interview.answers.items()},
        **({"respondent": interview.respondent, "reply": interview.reply}
           if interview.respondent else {}),
    }


def interview_from_doc(doc: dict[str, Any], path: Path,
                       read_answer: Callable[[dict[str, Any]], Any] | None = None
                       ) -> Interview:
    """The interview a stored record holds; DatabaseError (naming ``path``) if damaged.

    ``read_answer`` replaces how each answer is read (``check_answer_doc`` checks them
    without building them).
    """
    read = answer_from_doc if read_answer is None else read_answer
    try:
        return Interview(
            id=doc["id"], deal_id=doc["deal"], frameworks=dict(doc["frameworks"]),
            started=moment(doc["started"]),
            status=interview_status(doc["status"]),
            ended=moment(doc["ended"]) if doc.get("ended") else None,
            answers={k: read(a) for k, a in doc["answers"].items()},
            respondent=str(doc.get("respondent") or ""), reply=str(doc.get("reply") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DatabaseError(f"database {path} is damaged: interview '{doc.get('id')}' cannot "
                            f"be read ({type(exc).__name__}: {exc}); the file was not "
                            "changed") from None


def interview_status(value: Any) -> InterviewStatus:
    """The status a stored value names (ValueError for anything else)."""
    for status in INTERVIEW_STATUSES:
        if value == status:
            return status
    raise ValueError(f"unknown status {value!r}")


def moment(text: str) -> datetime:
    """A stored moment; one written without a time zone (by hand, or by another tool) is
    read as UTC, the zone qualicoach writes, rather than failing every comparison with
    the moments that have one (ValueError for text that is not a moment)."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def revive(field: str, value: Any) -> Any:
    """A tracked change's stored value as the deal holds it (dates as dates)."""
    if field == "close_date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value



def answer_to_doc(answer: Answer) -> dict[str, Any]:
    """The answer as stored in the database.

    Empty parts are left out (a large pipeline holds hundreds of thousands of answers);
    ``confirmed`` is left out when it equals ``at``.
    """
    doc: dict[str, Any] = {"status": answer.status}
    if answer.value is not None:
        doc["value"] = answer.value
    if answer.evidence:
        doc["evidence"] = {"source": answer.evidence.source,
                           "verified": answer.evidence.verified}
    if answer.note:
        doc["note"] = answer.note
    if answer.private:
        doc["private"] = True
    if answer.at:
        doc["at"] = answer.at.isoformat()
    if answer.confirmed and answer.confirmed != answer.at:
        doc["confirmed"] = answer.confirmed.isoformat()
    return doc


def answer_from_doc(doc: dict[str, Any]) -> Answer:
    """An answer from its stored form (raises KeyError/TypeError/ValueError if damaged)."""
    status, at, confirmed, evidence = _stored_parts(doc)
    return Answer(
        status=status, value=doc.get("value"),
        evidence=Evidence(*evidence) if evidence else None,
        note=doc.get("note", ""), private=bool(doc.get("private", False)), at=at,
        confirmed=confirmed,
    )


def check_answer_doc(doc: dict[str, Any]) -> None:
    """Raise exactly as ``answer_from_doc`` would, without building the answer.

    Checking a whole database before a write would otherwise spend most of its time
    building answers only to drop them.
    """
    _stored_parts(doc)


def _stored_parts(doc: dict[str, Any]) -> tuple[Status, datetime | None, datetime | None,
                                                 tuple[str, bool] | None]:
    evidence = doc.get("evidence")
    status = doc["status"]
    if status not in ("answered", "unknown", "unclear"):
        raise ValueError(f"unknown answer status {status!r}")
    at = moment(doc["at"]) if doc.get("at") else None
    confirmed = moment(doc["confirmed"]) if doc.get("confirmed") else at
    source = (evidence["source"], bool(evidence.get("verified"))) if evidence else None
    return status, at, confirmed, source
