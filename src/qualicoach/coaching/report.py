"""The coaching report of one deal: gathered here, rendered by ``qualicoach.render.report``.

Data flows one way: store (deal, interviews) -> frameworks -> ``risk.assess`` -> ``Report``
-> a renderer (text, Markdown, JSON, HTML, SVG) or the customer-facing summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from qualicoach.coaching.risk import Assessment, assess
from qualicoach.coaching.scoring import answer_score
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.domain.deal import Change, Deal
from qualicoach.frameworks.catalog import Catalog
from qualicoach.frameworks.model import Framework, Question
from qualicoach.storage.store import Interview, Store

ASK_NEXT_LIMIT = 8


# How an answer moved since the previous interview ("new": given for the first time).
ChangeDirection = Literal["better", "worse", "changed", "new"]


@dataclass(frozen=True)
class AskNext:
    """A question for the next call, and the answer it follows up on."""

    framework: Framework
    question: Question
    ask: tuple[str, ...]
    answer_text: str


@dataclass(frozen=True)
class AnswerChange:
    """An answer that changed since the previous interview, or was given for the first time
    (``before`` None, direction "new")."""

    question: Question
    before: str | None
    after: str
    direction: ChangeDirection


@dataclass(frozen=True)
class Report:
    """Everything the report shows for one deal."""

    deal: Deal
    frameworks: tuple[Framework, ...]
    interviews: tuple[Interview, ...]
    answers: dict[str, Answer]
    assessment: Assessment
    ask_next: tuple[AskNext, ...]
    answer_changes: tuple[AnswerChange, ...]
    deal_changes: tuple[Change, ...]
    now: datetime
    missing_frameworks: tuple[str, ...] = ()

    @property
    def last_interview(self) -> Interview | None:
        """The most recent interview, if any."""
        return self.interviews[-1] if self.interviews else None

    @property
    def verdict(self) -> str:
        """The verdict in one sentence, with its main reason."""
        return self.assessment.headline


def frameworks_of(interviews: list[Interview], catalog: Catalog
                  ) -> tuple[list[Framework], list[str]]:
    """The frameworks a deal was interviewed on, as the catalog has them now, and the ids
    the catalog no longer has."""
    ids = list(dict.fromkeys(fw for i in interviews for fw in i.frameworks))
    found = [catalog.entries[i].framework for i in ids if i in catalog.entries]
    return found, [i for i in ids if i not in catalog.entries]


def build_report(store: Store, catalog: Catalog, deal_ref: str, settings: Settings,
                 now: datetime | None = None) -> Report:
    """Gather the report of the deal ``deal_ref`` names."""
    deal = store.deal(deal_ref)
    interviews = store.interviews(deal.id)
    return report_from(deal, interviews, catalog, settings, now or store.clock())


def report_from(deal: Deal, interviews: list[Interview], catalog: Catalog, settings: Settings,
                now: datetime) -> Report:
    """The report of a deal from its interviews (pure)."""
    frameworks, missing = frameworks_of(interviews, catalog)
    answers = merged_answers(interviews)
    earlier = merged_answers(interviews[:-1])
    assessment = assess(deal, frameworks, answers, earlier, now, settings,
                        interviewed=bool(interviews))
    return Report(deal, tuple(frameworks), tuple(interviews), answers, assessment,
                  _ask_next(assessment), _answer_changes(frameworks, answers, earlier,
                                                         interviews),
                  _deal_changes(deal, interviews), now, tuple(missing))


def merged_answers(interviews: list[Interview]) -> dict[str, Answer]:
    """The latest answer to each question over ``interviews`` (oldest first)."""
    merged: dict[str, Answer] = {}
    for interview in interviews:
        merged.update(interview.answers)
    return merged


def _ask_next(assessment: Assessment) -> tuple[AskNext, ...]:
    # Gaps that count now first (red flags first, then the customer's own, already first in
    # gaps), then what is still to learn, the soonest to settle first.
    due = sorted((g for g in assessment.gaps if g.due), key=lambda g: not g.question.red_flag)
    gaps = [*due, *assessment.to_learn]
    picked = []
    for gap in gaps[:ASK_NEXT_LIMIT]:
        q = gap.question
        ask = q.follow_ups if gap.kind == "weak" and q.follow_ups else (
            (q.how_to_ask,) if q.how_to_ask else (q.prompt,))
        picked.append(AskNext(gap.framework, q, tuple(ask), gap.answer_text))
    return tuple(picked)


def _answer_changes(frameworks: list[Framework], answers: dict[str, Answer],
                    earlier: dict[str, Answer], interviews: list[Interview]
                    ) -> tuple[AnswerChange, ...]:
    if len(interviews) < 2:
        return ()
    # What a rep learnt for the first time is news too: answers that changed come first.
    changes, first_answers, seen = [], [], set()
    for framework in frameworks:
        for q in framework.questions():
            key = q.answer_key
            before, after = earlier.get(key), answers.get(key)
            if key in seen or after is None:
                continue
            seen.add(key)
            if before is None:
                first_answers.append(AnswerChange(q, None, describe_value(q, after), "new"))
                continue
            if after.same_value(before):
                continue
            old, new = answer_score(q, before), answer_score(q, after)
            direction: ChangeDirection = ("better" if new > old else "worse" if new < old
                                          else "changed")
            changes.append(AnswerChange(q, describe_value(q, before), describe_value(q, after),
                                        direction))
    return tuple(changes + first_answers)


def _deal_changes(deal: Deal, interviews: list[Interview]) -> tuple[Change, ...]:
    """Field changes since the previous interview began (all of them for a first one)."""
    if len(interviews) < 2:
        return deal.history
    since = interviews[-2].started
    return tuple(c for c in deal.history if c.at >= since)
