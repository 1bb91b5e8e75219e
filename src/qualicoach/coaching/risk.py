"""Fit, readiness and the no-decision risk of a deal, every point traced to its cause.

Pure functions over the deal, its answers and the settings; docs/scoring.md explains the
rules with worked examples, so anyone can recompute a number by hand.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from qualicoach.coaching.scoring import (
    FrameworkScore,
    QuestionScore,
    answer_score,
    perspective_score,
    score_framework,
)
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.domain.deal import Deal
from qualicoach.frameworks.model import Framework, Question

# The version of the scoring and risk rules. Bump it with EVERY change to how scores, risk
# points, causes or quadrants are computed (here or in scoring.py): stored assessments carry
# it in their basis, so a deal scored by an older release is rescored, not shown as it was.
RULES_VERSION = 1

GapKind = Literal["unknown", "unclear", "weak"]
# Why a deal is at risk: a gap's kind is one of them.
CauseKind = Literal["readiness_not_assessed", "red_flag", "unknown", "unclear", "weak",
                    "assumption", "stale", "close_slipped", "single_contact",
                    "no_economic_buyer", "worse"]
Quadrant = Literal["high_fit_high_readiness", "high_fit_low_readiness",
                   "low_fit_high_readiness", "low_fit_low_readiness", "not_assessed"]


@dataclass(frozen=True)
class Gap:
    """A question that counts for the deal and has no good answer yet."""

    framework: Framework
    question: Question
    answer: Answer | None
    kind: GapKind

    @property
    def answer_text(self) -> str:
        """The answer as the rep gave it, or 'not answered'."""
        return describe_value(self.question, self.answer) if self.answer else "not answered"

    @property
    def shown(self) -> str:
        """'unclear', or 'weak: Only our contact': the kind, and the answer if it says more."""
        text = self.answer_text
        return self.kind if text == self.kind else f"{self.kind}: {text}"


@dataclass(frozen=True)
class Cause:
    """One reason for no-decision risk and the points it adds."""

    kind: CauseKind
    points: float
    message: str
    key: str | None = None
    short: str = ""  # the same in a few words, for lists

    @property
    def brief(self) -> str:
        """The short form, or the message when there is none."""
        return self.short or self.message


@dataclass(frozen=True)
class Assessment:
    """Everything the report says about a deal's qualification."""

    scores: tuple[FrameworkScore, ...]
    fit: float | None
    readiness: float | None
    risk: int
    at_risk: bool
    quadrant: Quadrant
    causes: tuple[Cause, ...]
    gaps: tuple[Gap, ...]
    unconfirmed: tuple[QuestionScore, ...]

    @property
    def main_reason(self) -> str:
        """The cause with the most points, in words ('' when there is none)."""
        return self.causes[0].message if self.causes else ""



def assess(deal: Deal, frameworks: Sequence[Framework], answers: Mapping[str, Answer],
           earlier: Mapping[str, Answer], now: datetime, settings: Settings) -> Assessment:
    """Assess a deal on its latest ``answers`` (``earlier``: as they were before the last
    interview, to see what got worse)."""
    scores = tuple(score_framework(f, answers) for f in frameworks)
    fit = perspective_score(scores, "fit")
    readiness = perspective_score(scores, "readiness")
    gaps = _gaps(scores, settings)
    causes: list[Cause] = []
    # The customer's own gaps come first: they are why "qualified" deals end in no decision.
    if readiness is None:
        causes.append(Cause("readiness_not_assessed", settings.points_readiness_not_assessed,
                            "The customer's own qualification was never checked: no readiness "
                            "framework (such as alignment) has answers",
                            short="readiness never assessed"))
    customer = _gap_causes([g for g in gaps if g.framework.perspective == "readiness"], settings)
    customer.sort(key=lambda c: -c.points)
    others = _gap_causes([g for g in gaps if g.framework.perspective != "readiness"], settings)
    others.extend(_evidence_causes(scores, now, settings))
    others.extend(_deal_causes(deal, settings))
    others.extend(_worse_causes(scores, answers, earlier, settings))
    others.sort(key=lambda c: -c.points)
    causes.extend(customer + others)
    risk = min(100, math.floor(sum(c.points for c in causes) + 0.5))  # half up, by hand
    # A red flag is, by definition, a weak answer that alone puts the deal at risk.
    at_risk = risk >= settings.at_risk_from or any(c.kind == "red_flag" for c in causes)
    high = settings.high_score
    unconfirmed: tuple[QuestionScore, ...] = ()
    if readiness is None or readiness < high:
        unconfirmed = tuple(
            qs for s in scores if s.framework.perspective == "fit"
            for e in s.elements for qs in e.questions
            if qs.answer is not None and qs.score >= settings.weak_below
        )
    return Assessment(scores, fit, readiness, risk, at_risk,
                      quadrant_of(fit, readiness, high), tuple(causes), gaps, unconfirmed)


_QUADRANTS: dict[tuple[bool, bool], Quadrant] = {
    (True, True): "high_fit_high_readiness", (True, False): "high_fit_low_readiness",
    (False, True): "low_fit_high_readiness", (False, False): "low_fit_low_readiness",
}


def quadrant_of(fit: float | None, readiness: float | None, high: float) -> Quadrant:
    """Where fit and readiness put the deal."""
    if fit is None or readiness is None:
        return "not_assessed"
    return _QUADRANTS[fit >= high, readiness >= high]


def _gaps(scores: Sequence[FrameworkScore], settings: Settings) -> tuple[Gap, ...]:
    """Counted questions with a weak answer or none; readiness frameworks first."""
    ordered = sorted(scores, key=lambda s: s.framework.perspective != "readiness")
    gaps = []
    for s in ordered:
        for element in s.elements:
            for qs in element.questions:
                if qs.question.weight <= 0 or qs.score >= settings.weak_below:
                    continue
                answer = qs.answer
                kind: GapKind = ("unknown" if answer is None or answer.status == "unknown"
                                 else "unclear" if answer.status == "unclear" else "weak")
                gaps.append(Gap(s.framework, qs.question, answer, kind))
    return tuple(gaps)


def _gap_causes(gaps: Sequence[Gap], settings: Settings) -> list[Cause]:
    causes = []
    elements = {(g.framework.id, e.id): e.name for g in gaps for e in g.framework.elements}
    for gap in gaps:
        q, where = gap.question, gap.framework.name
        readiness = gap.framework.perspective == "readiness"
        element = elements.get((gap.framework.id, q.element_id), q.element_id)
        if q.red_flag:
            points = (settings.points_red_flag_readiness if readiness
                      else settings.points_red_flag_fit)
            causes.append(Cause("red_flag", points, f"Red flag in {where}: {q.prompt} "
                                f"({gap.shown})", q.answer_key,
                                f"{element}: {gap.answer_text} (red flag)"))
        elif readiness:
            points = {"unknown": settings.points_unknown, "unclear": settings.points_unclear,
                      "weak": settings.points_weak}[gap.kind]
            causes.append(Cause(gap.kind, points, f"{gap.kind.capitalize()} in {where}: "
                                f"{q.prompt}" + (f" ({gap.answer_text})" if gap.kind == "weak"
                                                 else ""), q.answer_key,
                                f"{element}: {gap.shown}"))
    return causes


def _evidence_causes(scores: Sequence[FrameworkScore], now: datetime,
                     settings: Settings) -> list[Cause]:
    answered = [qs for s in scores for e in s.elements for qs in e.questions
                if qs.answer is not None and qs.answer.status == "answered"
                and qs.question.weight > 0]
    causes = []
    assumed = [qs for qs in answered if qs.answer is not None
               and not (qs.answer.evidence and qs.answer.evidence.verified)]
    if assumed:
        causes.append(Cause(
            "assumption", min(settings.cap_assumption, settings.points_assumption * len(assumed)),
            f"{len(assumed)} answer{'s are' if len(assumed) != 1 else ' is'} only our "
            "assumption, not confirmed by the customer", short=f"{len(assumed)} assumed answers"))
    limit = timedelta(days=settings.stale_after_days)
    stale = [qs for qs in answered if qs.answer is not None
             and now - (qs.answer.confirmed or qs.answer.at or now) > limit]
    if stale:
        causes.append(Cause(
            "stale", min(settings.cap_stale, settings.points_stale * len(stale)),
            f"{len(stale)} answer{'s were' if len(stale) != 1 else ' was'} last confirmed more "
            f"than {settings.stale_after_days} days ago", short=f"{len(stale)} stale answers"))
    return causes


def _deal_causes(deal: Deal, settings: Settings) -> list[Cause]:
    causes = []
    slips = [c for c in deal.history if c.field == "close_date" and c.old is not None
             and c.new is not None and c.new > c.old]
    if slips:
        last = slips[-1]
        causes.append(Cause(
            "close_slipped", min(settings.cap_close_slip, settings.points_close_slip * len(slips)),
            f"The close date slipped {len(slips)} time{'s' if len(slips) != 1 else ''}, last "
            f"from {last.old} to {last.new}", short=f"close date slipped {len(slips)}x"))
    if len(deal.contacts) <= 1:
        causes.append(Cause("single_contact", settings.points_single_contact,
                            "No contact recorded at the customer" if not deal.contacts else
                            "Only one contact at the customer: one voice is not an organisation",
                            short="no contacts" if not deal.contacts else "single contact"))
    if not any(c.role == "economic_buyer" for c in deal.contacts):
        causes.append(Cause("no_economic_buyer", settings.points_no_economic_buyer,
                            "No economic buyer among the stakeholders",
                            short="no economic buyer"))
    return causes


def _worse_causes(scores: Sequence[FrameworkScore], answers: Mapping[str, Answer],
                  earlier: Mapping[str, Answer], settings: Settings) -> list[Cause]:
    worse = []
    for s in scores:
        for element in s.elements:
            for qs in element.questions:
                before = earlier.get(qs.question.answer_key)
                if before is not None and answer_score(qs.question, before) > qs.score:
                    worse.append(qs.question.prompt)
    if not worse:
        return []
    shown = "; ".join(worse[:3]) + ("; ..." if len(worse) > 3 else "")
    points = min(settings.cap_worse_answer, settings.points_worse_answer * len(worse))
    return [Cause("worse", points,
                  f"{len(worse)} answer{'s' if len(worse) != 1 else ''} got worse since the "
                  f"last interview: {shown}", short=f"{len(worse)} answers got worse")]
