"""An interview: one run of one or more frameworks for one deal, and its answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from qualicoach.domain.answer import Answer

InterviewStatus = Literal["in_progress", "finished", "interrupted"]
INTERVIEW_STATUSES: tuple[InterviewStatus, ...] = ("in_progress", "finished", "interrupted")


@dataclass(frozen=True)
class Interview:
    """One run of one or more frameworks for one deal, and the answers given in it."""

    id: str
    deal_id: str
    frameworks: dict[str, str]  # framework id -> version asked
    started: datetime
    status: InterviewStatus = "in_progress"
    ended: datetime | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    # A customer's self-assessment reply rather than the rep's interview: who answered
    # (a stakeholder of the deal) and the reply's fingerprint, so importing it twice is
    # noticed. Their answers stand beside the rep's, never over them.
    respondent: str = ""
    reply: str = ""
