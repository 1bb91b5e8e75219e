"""Fit, readiness, the no-decision risk and the verdict of a deal, every point traced.

Pure functions over the deal, its answers and the settings; docs/scoring.md explains the
rules with worked examples, so anyone can recompute a number by hand.

What counts depends on where the deal is: a question's ``settle_by`` stage says from when a
gap counts (before it, the question is still *to learn*), and gaps count more as the close
date nears. Causes combine like probabilities, so more causes always mean more risk while
100 stays rare, and each cause shows the share of the risk it adds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple

from qualicoach.coaching.alignment import Alignment
from qualicoach.coaching.rules import MOVEMENT
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
from qualicoach.domain.vocabulary import OPEN_STAGES
from qualicoach.domain.wording import counted
from qualicoach.frameworks.model import Framework, Question

GapKind = Literal["unknown", "unclear", "weak"]
# Why a deal is at risk: a gap's kind is one of them.
CauseKind = Literal["readiness_not_assessed", "red_flag_readiness", "misaligned",
                    "red_flag_fit", "unknown",
                    "unclear", "weak", "assumption", "stale", "close_slipped", "close_passed",
                    "stuck", "long_cycle", "single_contact", "no_economic_buyer", "worse",
                    "fit_gap", "paper_outlasts_close", "assumed_readiness"]
Quadrant = Literal["high_fit_high_readiness", "high_fit_low_readiness",
                   "low_fit_high_readiness", "low_fit_low_readiness", "not_assessed"]
Verdict = Literal["early", "on_track", "at_risk", "stalled", "poor_fit", "closed"]
VERDICTS: tuple[Verdict, ...] = ("early", "on_track", "at_risk", "stalled", "poor_fit", "closed")
# The verdicts that mean "likely to end in no decision": what `deals --at-risk` lists.
AT_RISK_VERDICTS: tuple[Verdict, ...] = ("at_risk", "stalled")
VERDICT_WORDS: dict[str, str] = {
    "early": "early", "on_track": "on track", "at_risk": "at risk", "stalled": "stalled",
    "poor_fit": "poor fit", "closed": "closed",
}

# Ties between causes of equal points go to the more important one: the customer's own
# red flags first, our seller-side ones, the customer's other gaps, then how the deal
# moves, how sure we are, whom we know.
IMPORTANCE = {"red_flag_readiness": 0, "misaligned": 1, "readiness_not_assessed": 2,
              "red_flag_fit": 3, "paper_outlasts_close": 4, "unknown": 5, "unclear": 6,
              "weak": 7, "fit_gap": 8, "worse": 9, "close_passed": 10, "close_slipped": 11,
              "stale": 12, "stuck": 13, "long_cycle": 14, "assumed_readiness": 15,
              "assumption": 16, "single_contact": 17, "no_economic_buyer": 18}


class Gap(NamedTuple):
    """A question that counts for the deal and has no good answer yet.

    ``due``: the deal has reached the question's ``settle_by`` stage, so the gap counts;
    before that it is still to learn (a known weak answer is always due).
    """

    framework: Framework
    question: Question
    answer: Answer | None
    kind: GapKind
    due: bool = True

    @property
    def answer_text(self) -> str:
        """The answer as the rep gave it, or 'not answered'."""
        return describe_value(self.question, self.answer) if self.answer else "not answered"

    @property
    def shown(self) -> str:
        """'unclear', or 'weak: Only our contact': the kind, and the answer if it says more."""
        text = self.answer_text
        return self.kind if text == self.kind else f"{self.kind}: {text}"


class Cause(NamedTuple):
    """One reason for no-decision risk.

    ``base``: its own points (after urgency); ``points``: the share of the deal's risk it
    adds, in order (see docs/scoring.md): the points of all causes add up to the risk.
    """

    kind: CauseKind
    points: float
    message: str
    key: str | None = None
    short: str = ""  # the same in a few words, for lists
    base: float = 0.0

    @property
    def brief(self) -> str:
        """The short form, or the message when there is none."""
        return self.short or self.message

    @property
    def movement(self) -> bool:
        """True for causes that say the deal is not moving (slips, staleness, age)."""
        return self.kind in MOVEMENT


@dataclass(frozen=True)
class Assessment:
    """Everything the report says about a deal's qualification."""

    scores: tuple[FrameworkScore, ...]
    fit: float | None
    readiness: float | None
    risk: int
    verdict: Verdict
    headline: str  # the verdict in one sentence, with its main reason
    quadrant: Quadrant
    causes: tuple[Cause, ...]
    gaps: tuple[Gap, ...]
    unconfirmed: tuple[QuestionScore, ...]
    urgency: float = 1.0
    answered_fit: float | None = None  # fit over the answered questions only
    # Answers that are enough for "poor fit" by themselves (settings.disqualifiers).
    disqualifiers: tuple[QuestionScore, ...] = ()

    @property
    def at_risk(self) -> bool:
        """True when the deal is likely to end in no decision (at risk or stalled)."""
        return self.verdict in AT_RISK_VERDICTS

    @property
    def main_reason(self) -> str:
        """The cause with the largest share of the risk, in words ('' when there is none)."""
        return self.causes[0].message if self.causes else ""

    @property
    def to_learn(self) -> tuple[Gap, ...]:
        """Gaps not due yet, the soonest to settle first: what to learn next."""
        early = [g for g in self.gaps if not g.due]
        return tuple(sorted(early, key=lambda g: (
            OPEN_STAGES.index(g.question.settle_stage), g.framework.perspective != "readiness",
            not g.question.red_flag)))


def stage_index(stage: str) -> int:
    """The position of an open stage (0 = prospect)."""
    return OPEN_STAGES.index(stage) if stage in OPEN_STAGES else len(OPEN_STAGES) - 1


# A headline counts the days to the close this near it (so it changes every day then).
SAY_DAYS_LEFT_WITHIN = 30


def urgency_of(deal: Deal, now: datetime, settings: Settings) -> tuple[float, int | None]:
    """How much gaps weigh by how near the close date is, and the days left (None: none)."""
    if deal.close_date is None:
        return 1.0, None
    days = (deal.close_date - now.date()).days
    if days <= settings.urgency_days_now:
        return settings.urgency_now, days
    if days <= settings.urgency_days_soon:
        return settings.urgency_soon, days
    return 1.0, days


def assess(deal: Deal, frameworks: Sequence[Framework], answers: Mapping[str, Answer],
           earlier: Mapping[str, Answer], now: datetime, settings: Settings,
           interviewed: bool = True, alignment: Alignment | None = None) -> Assessment:
    """Assess a deal on its latest ``answers`` (``earlier``: as they were before the last
    interview, to see what got worse; ``interviewed``: False when nothing was asked yet;
    ``alignment``: what the customer's own people said, whose disagreements are causes)."""
    scores = tuple(score_framework(f, answers) for f in frameworks)
    fit = perspective_score(scores, "fit")
    readiness = perspective_score(scores, "readiness")
    stage = stage_index(deal.open_stage)
    urgency, days_left = urgency_of(deal, now, settings)
    if deal.is_closed:
        urgency, days_left = 1.0, None  # judged as it stood, not against today
    gaps = _gaps(scores, stage, settings)
    raw: list[Cause] = []
    qualified = OPEN_STAGES.index("qualified")
    if readiness is None and stage >= qualified:
        raw.append(Cause(
            "readiness_not_assessed", 0.0,
            "The customer's own qualification was never checked: no readiness framework "
            "(such as alignment) has answers" if interviewed else
            f"Nothing was asked yet, at stage {deal.open_stage}: neither our fit nor the "
            "customer's own qualification was checked",
            short="readiness never assessed" if interviewed else "nothing asked yet",
            base=_cap(settings.points_readiness_not_assessed * urgency)))
    raw.extend(_further_ones_less(_gap_causes([g for g in gaps if g.due], stage, urgency,
                                                 settings), settings))
    raw.extend(_disagreement_causes(alignment, stage, urgency, settings))
    raw.extend(_evidence_causes(scores, stage, now, settings))
    raw.extend(_deal_causes(deal, stage, urgency, now, settings))
    paper = _paper_causes(deal, answers, days_left, settings)
    if paper:  # the same answer, said once: as the date it makes impossible
        raw = [c for c in raw if not (c.kind == "fit_gap" and c.key == paper[0].key)]
    raw.extend(paper)
    raw.extend(_worse_causes(scores, earlier, settings))
    # No single cause is worth most of the scale: the top ranks deals by how much is
    # wrong with them, not by which one thing is.
    causes = combine([c._replace(base=min(c.base, settings.cap_cause)) for c in raw])
    risk = round_half_up(sum(c.points for c in causes))
    answered_fit = _answered_fit(scores)
    disqualifiers = _disqualifiers(scores, stage, settings)
    high = settings.high_score
    quadrant = quadrant_of(fit, readiness, high)
    verdict = _verdict(deal, causes, risk, stage, answered_fit, settings, disqualifiers)
    unconfirmed: tuple[QuestionScore, ...] = ()
    if readiness is None or readiness < high or _mostly_assumed(scores):
        unconfirmed = tuple(
            qs for s in scores if s.framework.perspective == "fit"
            for e in s.elements for qs in e.questions
            if qs.answer is not None and qs.score >= settings.weak_below
        )
    assessment = Assessment(scores, fit, readiness, risk, verdict, "", quadrant,
                            tuple(causes), gaps, unconfirmed, urgency, answered_fit,
                            disqualifiers)
    headline = _headline(deal, assessment, interviewed, days_left, settings)
    return replace(assessment, headline=headline)


def combine(raw: Sequence[Cause]) -> list[Cause]:
    """Order causes (most points first, ties by importance) and give each its share.

    Risk = 100 x (1 - prod(1 - base/100)); in order, each cause takes its base points'
    share of the risk still left: c1 = b1, c2 = b2 x (100 - c1) / 100, ... Shares are rounded
    to one decimal, half up, and the next share is taken from the rounded remainder, so
    the listed points add up to the risk exactly as a reader recomputes it.
    """
    ordered = sorted((c for c in raw if c.base > 0), key=lambda c: (
        -c.base, IMPORTANCE.get(c.kind, 99), c.key or "", c.message))
    combined, total = [], 0.0
    for cause in ordered:
        share = round_one(cause.base * (100.0 - total) / 100.0)
        total += share
        combined.append(Cause(cause.kind, share, cause.message, cause.key, cause.short,
                              cause.base))
    return combined


def round_one(value: float) -> float:
    """One decimal, half up, as people round by hand."""
    return math.floor(value * 10 + 0.5 + 1e-9) / 10


def round_half_up(value: float) -> int:
    """A whole number, half up."""
    return min(100, math.floor(value + 0.5 + 1e-9))


def _cap(points: float) -> float:
    return min(100.0, points)


_QUADRANTS: dict[tuple[bool, bool], Quadrant] = {
    (True, True): "high_fit_high_readiness", (True, False): "high_fit_low_readiness",
    (False, True): "low_fit_high_readiness", (False, False): "low_fit_low_readiness",
}


def quadrant_of(fit: float | None, readiness: float | None, high: float) -> Quadrant:
    """Where fit and readiness put the deal."""
    if fit is None or readiness is None:
        return "not_assessed"
    return _QUADRANTS[fit >= high, readiness >= high]


def _gaps(scores: Sequence[FrameworkScore], stage: int, settings: Settings) -> tuple[Gap, ...]:
    """Counted questions with a weak answer or none; readiness frameworks first; a
    question shared by two frameworks once."""
    ordered = sorted(scores, key=lambda s: s.framework.perspective != "readiness")
    gaps, seen = [], set()
    for s in ordered:
        for element in s.elements:
            for qs in element.questions:
                key = qs.question.answer_key
                if qs.question.weight <= 0 or qs.score >= settings.weak_below or key in seen:
                    continue
                seen.add(key)
                answer = qs.answer
                kind: GapKind = ("unknown" if answer is None or answer.status == "unknown"
                                 else "unclear" if answer.status == "unclear" else "weak")
                due = kind == "weak" or stage >= OPEN_STAGES.index(qs.question.settle_stage)
                gaps.append(Gap(s.framework, qs.question, answer, kind, due))
    return tuple(gaps)


def _gap_causes(gaps: Sequence[Gap], stage: int, urgency: float,
                settings: Settings) -> list[Cause]:
    causes = []
    for gap in gaps:
        q, where = gap.question, gap.framework.name
        readiness = gap.framework.perspective == "readiness"
        element = next((e.name for e in gap.framework.elements if e.id == q.element_id),
                       q.element_id)
        if q.red_flag:
            if readiness:
                points = (settings.points_red_flag_weak if gap.kind == "weak"
                          else settings.points_red_flag_readiness)
            else:
                points = settings.points_red_flag_fit
            causes.append(Cause(
                "red_flag_readiness" if readiness else "red_flag_fit", 0.0,
                f"Red flag in {where}: {q.prompt} ({gap.shown})", q.answer_key,
                f"{element}: {gap.answer_text} (red flag)", _cap(points * urgency)))
        elif readiness:
            points = {"unknown": settings.points_unknown, "unclear": settings.points_unclear,
                      "weak": settings.points_weak}[gap.kind]
            causes.append(Cause(
                gap.kind, 0.0, f"{gap.kind.capitalize()} in {where}: {q.prompt}"
                + (f" ({gap.answer_text})" if gap.kind == "weak" else ""), q.answer_key,
                f"{element}: {gap.shown}", _cap(points * urgency)))
        elif stage >= OPEN_STAGES.index(q.settle_stage):
            # Our own qualification: a hole the forecast call asks about first, from the
            # stage it should be settled by (before it, even a weak answer is ours to
            # work on), more the later the deal is past that stage.
            past = stage - OPEN_STAGES.index(q.settle_stage)
            points = settings.points_fit_gap * (1 + settings.fit_gap_stage_step * past)
            settle = q.settle_stage
            causes.append(Cause(
                "fit_gap", 0.0, f"Not settled on our side by {settle}: {q.prompt} "
                f"({gap.shown})",
                q.answer_key, f"{element}: {gap.shown}", _cap(points * urgency)))
    return causes


def _disagreement_causes(alignment: Alignment | None, stage: int, urgency: float,
                         settings: Settings) -> list[Cause]:
    """Each question the customer's own people disagree on, naming who said what: from
    proposal on at risk by itself (a proposal to people who have not agreed is the classic
    no decision), before it a warning; x urgency."""
    if alignment is None:
        return []
    points = (settings.points_disagreement if stage >= OPEN_STAGES.index("proposal")
              else settings.points_disagreement_early)
    return [Cause(
        "misaligned", 0.0,
        f"Their people disagree on {q.framework.name}: {q.question.prompt} ({q.said_text()})",
        q.question.answer_key,
        f"disagree: {q.question.prompt}",
        _cap(points * urgency))
        for q in alignment.disagreements]


def _further_ones_less(causes: list[Cause], settings: Settings) -> list[Cause]:
    """Within each family of gaps (red flags; the customer's other gaps; ours), the first
    counts in full and each further one that share of the one before it
    (``further_red_flag``, ``further_gap``): gaps of one family are seldom independent
    (red flags mostly say, each in its own way, that nobody has decided; ten unknowns say
    one thing, that nobody asked), so a pile of them must not read as certainty, and
    however many there are, a family stays below a few times its first."""
    families = ({"red_flag_readiness", "red_flag_fit"}, {"unknown", "unclear", "weak"},
                {"fit_gap"})
    factor: dict[int, float] = {}
    for kinds in families:
        step = settings.further_red_flag if "red_flag_fit" in kinds else settings.further_gap
        members = sorted((c for c in causes if c.kind in kinds),
                         key=lambda c: (-c.base, IMPORTANCE[c.kind]))
        factor.update({id(c): step ** n for n, c in enumerate(members)})
    return [Cause(c.kind, c.points, c.message, c.key, c.short,
                  round_one(c.base * factor[id(c)])) if factor.get(id(c), 1.0) < 1.0 else c
            for c in causes]


def _answered(scores: Sequence[FrameworkScore]) -> list[QuestionScore]:
    return [qs for s in scores for e in s.elements for qs in e.questions
            if qs.answer is not None and qs.answer.status == "answered"
            and qs.question.weight > 0]


def _assumed(answered: Sequence[QuestionScore]) -> list[QuestionScore]:
    return [qs for qs in answered if qs.answer is not None
            and not (qs.answer.evidence and qs.answer.evidence.verified)]


def _readiness_ids(scores: Sequence[FrameworkScore]) -> set[str]:
    return {s.framework.id for s in scores if s.framework.perspective == "readiness"}


def _mostly_assumed(scores: Sequence[FrameworkScore]) -> bool:
    answered = _answered(scores)
    return bool(answered) and len(_assumed(answered)) * 2 > len(answered)


def _evidence_causes(scores: Sequence[FrameworkScore], stage: int, now: datetime,
                     settings: Settings) -> list[Cause]:
    answered = _answered(scores)
    causes: list[Cause] = []
    if not answered:
        return causes
    assumed = _assumed(answered)
    # Early on, most of what a rep knows is still their reading of the account.
    qualified = stage >= OPEN_STAGES.index("qualified")
    # The customer's own qualification only as we read it is a guess about a decision
    # they have not confirmed making: it weighs in proportion, not squared.
    theirs = [qs for qs in answered if qs.question.framework_id in _readiness_ids(scores)]
    theirs_assumed = [qs for qs in assumed if qs in theirs]
    if theirs_assumed and qualified:
        share = len(theirs_assumed) / len(theirs)
        every = len(theirs_assumed) == len(theirs)
        causes.append(Cause(
            "assumed_readiness", 0.0,
            ("Their own qualification is only our reading: none of its "
             f"{counted(len(theirs), 'answer')} was confirmed by the customer" if every else
             f"{len(theirs_assumed)} of the customer's own {counted(len(theirs), 'answer')} "
             f"{'is' if len(theirs_assumed) == 1 else 'are'} only our reading, not "
             "confirmed by them"),
            short="their readiness assumed" if every else
            f"{len(theirs_assumed)} of their answers assumed",
            base=_cap(round_one(settings.points_assumed_readiness * share))))
    if assumed and qualified:
        share = len(assumed) / len(answered)
        every = len(assumed) == len(answered)
        causes.append(Cause(
            "assumption", 0.0,
            (f"Every answer ({len(assumed)}) is only our assumption: nothing was confirmed by "
             "the customer" if every else
             f"{len(assumed)} of {counted(len(answered), 'answer')} "
             f"{'is' if len(assumed) == 1 else 'are'} only our assumption, not confirmed by "
             "the customer"),
            short="every answer assumed" if every else counted(len(assumed), "assumed answer"),
            base=_cap(round_one(settings.points_assumption * share * share))))
    limit = timedelta(days=settings.stale_after_days)
    confirmed = [qs.answer.confirmed or qs.answer.at or now for qs in answered
                 if qs.answer is not None]
    stale = [when for when in confirmed if now - when > limit]
    if stale:
        every = len(stale) == len(confirmed)
        causes.append(Cause(
            "stale", 0.0,
            (f"No answer was confirmed in the last {settings.stale_after_days} days: budget, "
             "timing and even the need change along the way" if every else
             f"{len(stale)} of {counted(len(confirmed), 'answer')} "
             f"{'was' if len(stale) == 1 else 'were'} last confirmed more than "
             f"{settings.stale_after_days} days ago"),
            short=f"nothing confirmed in {settings.stale_after_days} days" if every
            else counted(len(stale), "stale answer"),
            base=_cap(settings.points_stale * len(stale) / len(confirmed))))
    return causes


def _deal_causes(deal: Deal, stage: int, urgency: float, now: datetime,
                 settings: Settings) -> list[Cause]:
    causes = []
    slips = [c for c in deal.history if c.field == "close_date" and c.old is not None
             and c.new is not None and c.new > c.old]
    if slips:
        last = slips[-1]
        causes.append(Cause(
            "close_slipped", 0.0,
            f"The close date slipped {counted(len(slips), 'time')}, last "
            f"from {last.old} to {last.new}", short=f"close date slipped {len(slips)}x",
            base=min(settings.cap_close_slip, settings.points_close_slip * len(slips))))
    if deal.close_date is not None and not deal.is_closed and deal.close_date < now.date():
        causes.append(Cause(
            "close_passed", 0.0, f"The close date {deal.close_date} has passed and the deal "
            "is still open",
            short="close date passed", base=settings.points_close_passed))
    in_stage = (now - deal.stage_since()).days
    if not deal.is_closed and in_stage > settings.stuck_after_days:
        more = (in_stage - settings.stuck_after_days) // 30
        # Said in whole steps, so the sentence holds until the points change.
        over = settings.stuck_after_days + 30 * more
        causes.append(Cause(
            "stuck", 0.0, f"In {deal.stage} for over {over} days without moving on",
            short=f"over {over} days in {deal.stage}",
            base=min(settings.cap_stuck, settings.points_stuck + settings.points_stuck_more
                     * more)))
    age = (now - deal.created).days
    if not deal.is_closed and age > settings.long_cycle_days:
        causes.append(Cause(
            "long_cycle", 0.0, f"Open for over {settings.long_cycle_days} days: the longer a "
            "deal runs, the less likely it closes", short=f"open over "
            f"{settings.long_cycle_days} days", base=settings.points_long_cycle))
    qualified = OPEN_STAGES.index("qualified")
    if len(deal.contacts) <= 1 and stage >= qualified:
        points = settings.points_single_contact + settings.points_single_contact_step * (
            stage - qualified)
        causes.append(Cause(
            "single_contact", 0.0,
            (f"No contact recorded at the customer, at stage {deal.open_stage}"
             if not deal.contacts else
             f"Only one contact at the customer, at stage {deal.open_stage}: one voice is not "
             "an organisation"),
            short="no contacts" if not deal.contacts else "single-threaded",
            base=_cap(points * urgency)))
    if stage >= OPEN_STAGES.index("proposal") and not any(
            c.role == "economic_buyer" for c in deal.contacts):
        causes.append(Cause(
            "no_economic_buyer", 0.0,
            f"No economic buyer among the stakeholders, at stage {deal.open_stage}",
            short="no economic buyer", base=_cap(settings.points_no_economic_buyer * urgency)))
    return causes


def _paper_causes(deal: Deal, answers: Mapping[str, Answer], days_left: int | None,
                  settings: Settings) -> list[Cause]:
    """Contracting that usually takes longer than the days left to the close date: the
    date cannot be met, whatever else is true of the deal (a slip, not a no decision)."""
    if deal.is_closed or days_left is None or days_left < 0:
        return []
    for key in settings.contracting_questions:
        answer = answers.get(key)
        if answer is None or answer.status != "answered" or isinstance(
                answer.value, (list, type(None))):
            continue
        try:
            days = float(answer.value)
        except (TypeError, ValueError):  # a hand edit of the database put other data there
            continue
        if days > days_left:
            # Two days over is a week's slip; a month over, the date is fiction.
            over = min(1.0, (days - days_left) / settings.paper_overrun_full_days)
            return [Cause(
                "paper_outlasts_close", 0.0,
                f"Their contracting usually takes {days:.0f} days and {counted(days_left, 'day')}"
                f" {'is' if days_left == 1 else 'are'} left to the close date "
                f"{deal.close_date}: the date cannot be met (it will slip)", key,
                short=f"contracting {days:.0f} days, {days_left} left",
                base=_cap(settings.points_paper_outlasts_close * over))]
    return []


def _disqualifiers(scores: Sequence[FrameworkScore], stage: int, settings: Settings
                   ) -> tuple[QuestionScore, ...]:
    """The fit answers that settings.disqualifiers names: enough for "poor fit" however
    much is still unknown (no budget and none coming, nobody who can say yes, the need
    only in our words), once the deal has reached the stage the question settles by:
    before it, the customer is still working it out and the rep still finding out."""
    wanted = {tuple(item.split("=", 1)) for item in settings.disqualifiers}
    found, seen = [], set()
    for s in scores:
        if s.framework.perspective != "fit":
            continue
        for e in s.elements:
            for qs in e.questions:
                a = qs.answer
                if a is None or a.status != "answered" or qs.question.answer_key in seen or \
                        stage < OPEN_STAGES.index(qs.question.settle_stage):
                    continue
                values = a.value if isinstance(a.value, list) else [a.value]
                if any((qs.question.key, str(v)) in wanted or (qs.question.answer_key, str(v))
                       in wanted for v in values):
                    seen.add(qs.question.answer_key)  # a shared question, once
                    found.append(qs)
    return tuple(found)


def _worse_causes(scores: Sequence[FrameworkScore], earlier: Mapping[str, Answer],
                  settings: Settings) -> list[Cause]:
    worse, seen = [], set()
    for s in scores:
        for element in s.elements:
            for qs in element.questions:
                key = qs.question.answer_key
                before = earlier.get(key)
                if key in seen or before is None:
                    continue
                seen.add(key)
                # Re-recorded as unknown or unclear: not asked again, which says nothing
                # about the customer (it is a gap, and counts as one).
                if qs.answer is None or qs.answer.status != "answered":
                    continue
                if answer_score(qs.question, before) > qs.score:
                    worse.append(qs.question.prompt)
    if not worse:
        return []
    shown = "; ".join(worse[:3]) + ("; ..." if len(worse) > 3 else "")
    points = min(settings.cap_worse_answer, settings.points_worse_answer * len(worse))
    return [Cause("worse", 0.0,
                  f"{counted(len(worse), 'answer')} got worse since the last interview: "
                  f"{shown}", short=f"{counted(len(worse), 'answer')} got worse",
                  base=points)]


def _answered_fit(scores: Sequence[FrameworkScore], share: float = 0.5) -> float | None:
    """Fit (0-100) on what we know: over the fit frameworks with at least ``share`` of
    their counted questions answered, each scored on its answered questions only (None
    when no fit framework is answered that far)."""
    values = []
    for s in scores:
        if s.framework.perspective != "fit":
            continue
        total = weights = 0.0
        counted = answered = 0
        for e in s.elements:
            known = [qs for qs in e.questions if qs.question.weight > 0]
            counted += len(known)
            known = [qs for qs in known if qs.answer is not None
                     and qs.answer.status == "answered"]
            answered += len(known)
            weight = sum(qs.question.weight for qs in known)
            if weight and e.element.weight > 0:
                total += e.element.weight * sum(qs.score * qs.question.weight
                                                for qs in known) / weight
                weights += e.element.weight
        if weights and counted and answered / counted >= share:
            values.append(total / weights)
    return round_one(100 * sum(values) / len(values)) if values else None


def _verdict(deal: Deal, causes: Sequence[Cause], risk: int, stage: int,
             answered_fit: float | None, settings: Settings,
             disqualifiers: Sequence[QuestionScore] = ()) -> Verdict:
    if deal.is_closed:
        return "closed"
    if disqualifiers or (answered_fit is not None and answered_fit < settings.poor_fit_below):
        return "poor_fit"
    if risk >= settings.at_risk_from:
        # A deal past its own close date is not moving, whatever else is wrong with it:
        # the first thing to do is find out where it stands and get a real date.
        passed = any(c.kind == "close_passed" for c in causes)
        moving = sum(c.points for c in causes if c.movement)
        return "stalled" if passed or moving * 2 >= risk else "at_risk"
    if stage < OPEN_STAGES.index("qualified"):
        return "early"
    return "on_track"


def _headline(deal: Deal, a: Assessment, interviewed: bool, days_left: int | None,
              settings: Settings) -> str:
    """The verdict in one sentence: what it is and its main reason."""
    reason = _lower_first(a.main_reason)
    # Only a cause that would change what the rep does is worth a "Watch:" line.
    worth = bool(a.causes) and a.causes[0].base >= settings.watch_from
    if a.verdict == "closed":
        return closed_headline(deal)
    if a.verdict == "poor_fit":
        if a.answered_fit is not None and a.answered_fit < settings.poor_fit_below:
            weakest = _weakest_fit_element(a)
            return (f"Poor fit ({a.answered_fit:.0f}/100 on what we know"
                    f"{', weakest: ' + weakest if weakest else ''}): consider qualifying out.")
        first = a.disqualifiers[0]
        return (f"Poor fit: {_lower_first(first.question.prompt).rstrip('?')}? "
                f"{said(first)}. Confirm it, then consider "
                "qualifying out.")
    # Near the close, say so: the same gaps are an emergency two weeks out.
    soon = (f" Closes in {counted(days_left, 'day')}."
            if days_left is not None and 0 <= days_left <= SAY_DAYS_LEFT_WITHIN else "")
    if a.verdict == "stalled":
        # Say why it is stalled: the largest cause that says the deal is not moving.
        moving = next((c.message for c in a.causes if c.movement), a.main_reason)
        return f"Stalled ({a.risk}/100): {_lower_first(moving)}.{soon}"
    if a.verdict == "at_risk":
        # Most risks end in no decision; contracting that outlasts the date ends in a slip.
        what = "slipping" if a.causes[0].kind == "paper_outlasts_close" else "no decision"
        return f"At risk of {what} ({a.risk}/100): {reason}.{soon}"
    if a.verdict == "early":
        if not interviewed:
            return ("Early: nothing asked yet. Start with the alignment checklist: has their "
                    "organisation agreed it must change?")
        early_watch = f" Watch: {reason}." if worth else ""
        learn = learn_next(a, deal)
        if learn:
            return (f"Early: not yet qualified.{early_watch} Learn next: "
                    f"{learn[0].question.prompt}")
        return f"Early: not yet qualified, and nothing is missing so far.{early_watch}"
    watch = f" Watch: {reason}." if worth else ""
    if not interviewed:
        return f"On track ({a.risk}/100), but nothing was asked yet.{watch}"
    if a.quadrant not in ("high_fit_high_readiness", "not_assessed"):
        # The picture puts it in a low corner: say why the verdict is not there.
        return f"On track ({a.risk}/100) for {deal.open_stage}: {_why_low(a)}.{watch}"
    return f"On track ({a.risk}/100).{watch}"


def _why_low(a: Assessment) -> str:
    """Why a deal whose fit or readiness is low is still on track at its stage: the
    questions it has not answered yet are still to learn, or what is missing is minor."""
    fit_low = a.quadrant.startswith("low_fit")
    ready_low = a.quadrant.endswith("low_readiness")
    sides = [(side, value) for side, value, low in (("fit", a.fit, fit_low),
                                                    ("readiness", a.readiness, ready_low))
             if low and value is not None]
    perspectives = {side for side, _ in sides}
    low = " and ".join(side for side, _ in sides)
    figures = ", ".join(f"{value:.0f}" for _, value in sides)
    said = f"{low} {'are' if len(sides) > 1 else 'is'} low ({figures})"
    theirs = [g for g in a.gaps if g.framework.perspective in perspectives]
    later = [g for g in theirs if not g.due]
    if later and len(later) * 2 >= len(theirs):
        return f"{said} on what is still to learn ({counted(len(later), 'question')})"
    return f"{said}, but what is missing by this stage weighs little yet"


def why_they_differ(a: Assessment, stage: str) -> str:
    """One line saying why the verdict and the picture of fit against readiness tell
    different stories, or '' when they agree (the picture places the deal by its
    answers; the verdict adds its stage, its people, its dates and the time left)."""
    if a.at_risk and a.quadrant == "high_fit_high_readiness" and a.causes:
        return (f"Fit and readiness are high, but at stage {stage} one thing weighs more: "
                f"{_lower_first(a.causes[0].brief)}.")
    if a.verdict == "poor_fit" and a.quadrant.startswith("high_fit") and a.disqualifiers:
        first = a.disqualifiers[0]
        return ("Fit scores high on average, but one answer is enough to walk away: "
                f"{said(first)}.")
    if a.verdict == "on_track" and a.quadrant not in ("high_fit_high_readiness",
                                                      "not_assessed"):
        return f"On track for {stage}: {_why_low(a)}."
    return ""


def said(qs: QuestionScore) -> str:
    """The answer of a scored question in words ('not answered' when there is none)."""
    return describe_value(qs.question, qs.answer) if qs.answer else "not answered"


def closed_headline(deal: Deal) -> str:
    """A closed deal's verdict: how it ended, and why when the rep said."""
    said = {"won": "won", "lost": "lost", "no_decision": "ended in no decision"}
    why = f" ({deal.close_reason})" if deal.close_reason else ""
    return f"Closed: {said.get(deal.stage, deal.stage)}{why}."


# Elements about the people of a deal: asked first while the rep knows one person or none.
_PEOPLE_ELEMENTS = frozenset({"stakeholders", "authority", "economic_buyer", "champion"})


def learn_next(a: Assessment, deal: Deal) -> tuple[Gap, ...]:
    """What is still to learn, in the order worth learning it for this deal.

    The soonest to settle first (what the next stage will ask for); then the side it
    knows less about (fit or the customer's readiness, by score); while the rep knows one
    person or none, who is involved; then the parts of a framework it knows least about
    (a breadth of answers before depth in one); red flags first; then the framework's
    order. So two early deals that lack different things are asked different things.
    """
    weaker = "readiness" if (a.readiness or 0.0) <= (a.fit or 0.0) else "fit"
    known: dict[tuple[str, str], float] = {}
    for s in a.scores:
        for e in s.elements:
            counted_ = [qs for qs in e.questions if qs.question.weight > 0]
            if counted_:
                known[s.framework.id, e.element.id] = sum(
                    qs.answer is not None and qs.answer.status == "answered"
                    for qs in counted_) / len(counted_)
    alone = len(deal.contacts) <= 1
    order = {id(g): n for n, g in enumerate(a.to_learn)}
    return tuple(sorted(a.to_learn, key=lambda g: (
        OPEN_STAGES.index(g.question.settle_stage),
        g.framework.perspective != weaker,
        not (alone and g.question.element_id in _PEOPLE_ELEMENTS),
        known.get((g.framework.id, g.question.element_id), 0.0),
        not g.question.red_flag, order[id(g)])))


def _weakest_fit_element(a: Assessment) -> str:
    weakest: tuple[float, str] | None = None
    for s in a.scores:
        if s.framework.perspective != "fit":
            continue
        for e in s.elements:
            known = [qs.score for qs in e.questions
                     if qs.answer is not None and qs.answer.status == "answered"]
            if known:
                score = sum(known) / len(known)
                if weakest is None or score < weakest[0]:
                    weakest = (score, e.element.name.lower())
    return weakest[1] if weakest else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def moments_of_change(deal: Deal, assessment: Assessment, answers: Mapping[str, Answer],
                      now: datetime, settings: Settings) -> list[datetime]:
    """The moments around ``now`` at which time alone would change ``assessment``: an
    answer turns stale, the close date nears or passes (near it, or with a contracting
    time to set against it, the days left are counted, so every midnight), the deal has
    been too long in its stage (its reason counts the days in steps of 30) or open too
    long. Kept beside the rules that read the clock: a rule that reads it adds its moments
    here, or a cached assessment (``pipeline``) outlives what it says.
    """

    def midnight(day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), now.tzinfo)

    limit = timedelta(days=settings.stale_after_days)
    moments = [
        when + limit
        for s in assessment.scores for e in s.elements for qs in e.questions
        if qs.answer is not None and (when := qs.answer.confirmed or qs.answer.at) is not None
    ]
    if not deal.is_closed:
        if deal.close_date is not None:
            close = midnight(deal.close_date)
            for days in (settings.urgency_days_soon, settings.urgency_days_now, -1):
                moments.append(close - timedelta(days=days))
            # Days are counted in the clock's dates: a count changes at midnight. The
            # headline counts them near the close; a contracting time set against the
            # days left counts them whenever it is known.
            # (Every answer the deal was scored on counts, scored or not: a question of a
            # framework that is not installed still gives its contracting time.)
            contracting = any(key in answers and answers[key].status == "answered"
                              for key in settings.contracting_questions)
            if contracting or (0 <= (deal.close_date - now.date()).days
                               <= SAY_DAYS_LEFT_WITHIN + 1):
                moments += [midnight(now.date()), midnight(now.date() + timedelta(days=1))]
            # The headline starts counting the days whatever the urgency settings say.
            moments.append(close - timedelta(days=SAY_DAYS_LEFT_WITHIN))
        since = deal.stage_since()
        stuck = settings.stuck_after_days
        moments.append(since + timedelta(days=stuck + 1))
        step = max(0, ((now - since).days - stuck) // 30)
        moments += [since + timedelta(days=stuck + 30 * n) for n in (step, step + 1) if n]
        moments.append(deal.created + timedelta(days=settings.long_cycle_days + 1))
    return moments
