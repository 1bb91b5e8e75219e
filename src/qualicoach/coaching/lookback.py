"""The look back: what the coach said before each closed deal closed, against how it ended.

For every closed deal, the assessment is recomputed, with today's rules, from the
interviews held before the close and the deal as it stood then (its last open stage, its
history up to the close): the same last risk ``qualicoach report`` shows for it. Deals are
grouped by risk band, with how many were won, lost or ended in no decision; then the
questions most often weak in deals that ended in no decision. A deal never interviewed
before it closed (imported closed from a CRM, say) has no assessment to compare: it is
counted apart, not scored. It never changes a weight: it shows the evidence, a team
decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from qualicoach.coaching.report import assess_interviews, frameworks_of
from qualicoach.coaching.risk import Assessment
from qualicoach.config.settings import Settings
from qualicoach.domain.deal import Deal
from qualicoach.domain.interview import Interview
from qualicoach.domain.vocabulary import CLOSED_STAGES
from qualicoach.frameworks.catalog import Catalog

BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))
TOP_QUESTIONS = 10


@dataclass(frozen=True)
class Band:
    """One risk band: how many deals the coach put there, and how they ended."""

    low: int
    high: int
    outcomes: dict[str, int]

    @property
    def deals(self) -> int:
        """How many closed deals had their last risk in this band."""
        return sum(self.outcomes.values())

    @property
    def label(self) -> str:
        """'40-59'."""
        return f"{self.low}-{self.high}"


@dataclass(frozen=True)
class WeakQuestion:
    """A question weak (or a gap that counted) before a close in no decision."""

    key: str
    prompt: str
    deals: int  # no-decision deals where it was weak
    of: int  # no-decision deals that were asked it


@dataclass(frozen=True)
class Closed:
    """A closed deal and the coach's last assessment before it closed."""

    deal: Deal
    outcome: str
    closed_at: datetime | None
    assessment: Assessment


@dataclass(frozen=True)
class Lookback:
    """The look back over every closed deal."""

    closed: tuple[Closed, ...]
    bands: tuple[Band, ...]
    weak_in_no_decision: tuple[WeakQuestion, ...]
    # Closed deals never interviewed before they closed, by outcome: nothing to compare.
    not_interviewed: dict[str, int] | None = None
    missing_frameworks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when no deal has closed yet: nothing to compare."""
        return not self.closed and not sum((self.not_interviewed or {}).values())


def look_back(deals: Sequence[Deal], interviews: Mapping[str, list[Interview]],
              catalog: Catalog, settings: Settings, owner: str | None = None,
              framework: str | None = None) -> Lookback:
    """Compare the coach's last assessment before each close with the outcome.

    ``owner``: only that owner's deals (any case); ``framework``: only deals interviewed
    on that framework before they closed.
    """
    closed = []
    apart = dict.fromkeys(CLOSED_STAGES, 0)
    missing: dict[str, None] = {}
    for deal in deals:
        if not deal.is_closed:
            continue
        if owner is not None and deal.owner.casefold() != owner.casefold():
            continue
        at = deal.closed_at or deal.updated
        before = [i for i in interviews.get(deal.id, []) if i.started <= at]
        if framework is not None and not any(framework in i.frameworks for i in before):
            continue
        if not before:
            apart[deal.stage] += 1
            continue
        frameworks, gone = frameworks_of(before, catalog)
        missing.update(dict.fromkeys(gone))
        # The same computation as the deal's own report: as it stood when it closed.
        assessment = assess_interviews(deal, interviews.get(deal.id, []), frameworks, at,
                                       settings)[3]
        closed.append(Closed(deal, deal.stage, deal.closed_at, assessment))
    bands = tuple(Band(low, high, {
        outcome: sum(1 for c in closed if low <= c.assessment.risk <= high
                     and c.outcome == outcome) for outcome in CLOSED_STAGES})
        for low, high in BANDS)
    return Lookback(tuple(closed), bands, _weak_in_no_decision(closed), apart,
                    tuple(missing))


def _weak_in_no_decision(closed: Sequence[Closed]) -> tuple[WeakQuestion, ...]:
    weak: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    prompts: dict[str, str] = {}
    for item in closed:
        if item.outcome != "no_decision":
            continue
        seen: set[str] = set()
        for s in item.assessment.scores:
            for e in s.elements:
                for qs in e.questions:
                    key = qs.question.answer_key
                    if key in seen or qs.question.weight <= 0:
                        continue
                    seen.add(key)
                    prompts.setdefault(key, qs.question.prompt)
                    asked[key] += 1
        # Weak answers, and gaps that counted at the stage the deal had reached.
        for gap in item.assessment.gaps:
            if gap.due:
                weak[gap.question.answer_key] += 1
    ranked = sorted(weak, key=lambda k: (-weak[k] / asked[k], -weak[k], k))
    return tuple(WeakQuestion(k, prompts[k], weak[k], asked[k]) for k in ranked[:TOP_QUESTIONS])
