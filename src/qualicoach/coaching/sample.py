"""Realistic sample deals for ``qualicoach demo`` and the benchmarks.

Deals are spread over every stage and the four corners of fit against readiness, with
unknown and unclear answers, evidence that is sometimes only our assumption, stale deals,
slipped close dates, thin stakeholder maps, and closed deals whose outcomes follow the
published base rates (about a quarter of closed deals end in no decision), so the demo's
lists, reports and look back all have something true to show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Change, Contact, Deal
from qualicoach.domain.interview import Interview
from qualicoach.domain.vocabulary import CLOSED_STAGES, OPEN_STAGES
from qualicoach.frameworks.model import SCALE_VALUES, YES_NO_VALUES, Framework, Question

COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Soylent",
             "Tyrell", "Cyberdyne", "Wonka", "Vandelay", "Pied Piper", "Massive Dynamic",
             "Dunder Mifflin", "Oceanic", "Monarch", "Aperture", "Black Mesa", "Gringotts",
             "Nakatomi", "Prestige", "Sterling Cooper", "Wernham Hogg", "Bluth", "Krusty"]
PROJECTS = ["renewal", "expansion", "pilot", "platform", "rollout", "migration", "upgrade"]
PEOPLE = ["Ana Lima", "Ben Okafor", "Chen Wei", "Dana Levi", "Eva Novak", "Femi Adeyemi",
          "Greta Berg", "Hugo Silva", "Ines Costa", "Jon Park", "Kira Ivanova", "Luis Ortega"]
TITLES = ["CFO", "COO", "Head of Operations", "IT Director", "VP Sales", "Procurement lead"]
OWNERS = ["ana", "ben", "chen", "dana"]

# How likely a strong answer is, per profile, for fit and readiness frameworks.
PROFILES = {
    "high_fit_low_readiness": (0.85, 0.45),
    "high_fit_high_readiness": (0.97, 0.995),
    "low_fit_high_readiness": (0.3, 0.97),
    "low_fit_low_readiness": (0.35, 0.45),
}
PROFILE_WEIGHTS = [0.22, 0.45, 0.15, 0.18]
# Where a pipeline's deals are: about a fifth already closed, and the open ones a funnel,
# fewer at each stage from discovery on (prospects are often not logged as deals yet). A
# pipeline heavy at the late stages would read as far more at risk than a real one: gaps
# count from the stage they settle by, so the later the stage, the more of them count.
STAGE_WEIGHTS = {"prospect": 0.15, "discovery": 0.2, "qualified": 0.18, "proposal": 0.15,
                 "negotiation": 0.1, "closed": 0.22}
# How closed deals of each profile ended (won, lost, no decision): overall about a quarter
# of closed deals end in no decision (CSO Insights 2016: 23.8% of forecast deals).
OUTCOMES = {
    "high_fit_low_readiness": (0.3, 0.15, 0.55),
    "high_fit_high_readiness": (0.7, 0.22, 0.08),
    "low_fit_high_readiness": (0.2, 0.7, 0.1),
    "low_fit_low_readiness": (0.15, 0.5, 0.35),
}


@dataclass(frozen=True)
class SampleDeal:
    """A generated deal with its interviews and the profile it was drawn from."""

    deal: Deal
    interviews: list[Interview]
    profile: str


def sample_deals(count: int, frameworks: Sequence[Framework], now: datetime,
                 seed: int = 7) -> Iterator[SampleDeal]:
    """``count`` sample deals interviewed on ``frameworks``; the same seed, the same deals."""
    rng = random.Random(seed)
    for n in range(count):
        profile = rng.choices(list(PROFILES), PROFILE_WEIGHTS)[0]
        yield _one(n, rng, profile, frameworks, now)


def _one(n: int, rng: random.Random, profile: str, frameworks: Sequence[Framework],
         now: datetime) -> SampleDeal:
    company = COMPANIES[n % len(COMPANIES)]
    project = PROJECTS[(n // len(COMPANIES)) % len(PROJECTS)]
    round_no = n // (len(COMPANIES) * len(PROJECTS))
    name = f"{company} {project}" + (f" {round_no + 1}" if round_no else "")
    deal_id = name.lower().replace(" ", "-")
    fit_odds, ready_odds = PROFILES[profile]
    ready = profile.endswith("high_readiness")
    picked = rng.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0]
    closed = picked == "closed"
    outcome = rng.choices(CLOSED_STAGES, OUTCOMES[profile])[0] if closed else None
    # The last open stage it reached: closed deals mostly got far.
    stage = rng.choice(OPEN_STAGES[2:]) if closed else picked
    reached = OPEN_STAGES.index(stage)
    # Each stage took two to seven weeks; the current one has lasted up to three months
    # (longer for deals whose customer is not moving).
    durations = [rng.randrange(14, 50) for _ in range(reached)]
    in_stage = rng.randrange(3, 50 if ready else 110)
    closed_ago = rng.randrange(5, 120) if closed else 0
    created = now - timedelta(days=sum(durations) + in_stage + closed_ago + 1)
    history: list[Change] = []
    at = created
    for index, days in enumerate(durations):
        at += timedelta(days=days)
        history.append(Change("stage", OPEN_STAGES[index], OPEN_STAGES[index + 1], at))
    horizon = {0: (90, 240), 1: (60, 200), 2: (40, 150), 3: (20, 90), 4: (5, 45)}[reached]
    close = (now + timedelta(days=rng.randrange(*horizon))).date()
    if not closed and rng.random() < 0.04:
        close = (now - timedelta(days=rng.randrange(1, 20))).date()  # forgotten in the CRM
    end = now - timedelta(days=closed_ago)
    if closed:
        close = end.date()  # a closed deal's close date is the day it closed
    slip_odds = 0.35 if not ready else 0.15
    if reached >= 2 and rng.random() < slip_odds:
        # The slips' own draws come from a generator of their own, so how they are timed
        # leaves every other draw of the demo as it was.
        history.extend(_slips(random.Random(f"{deal_id} {close}"), rng.choice((1, 1, 2, 3)),
                              close, created, end))
    history.sort(key=lambda c: c.at)
    if closed:
        history.append(Change("stage", stage, outcome, end))
    # Later deals know more people; some stay single-threaded whatever the stage.
    people = 1 if rng.random() < 0.12 else min(6, 1 + reached + rng.randrange(0, 2))
    roles = ["champion", "economic_buyer", "influencer", "user", "decision_maker", "blocker"]
    if reached < 3 or rng.random() < 0.15:
        roles = [r for r in roles if r != "economic_buyer"] + ["economic_buyer"]
    contacts = tuple(Contact(person, role, rng.choice(TITLES))
                     for person, role in zip(rng.sample(PEOPLE, people), roles, strict=False))
    deal = Deal(
        id=deal_id, name=name, account=f"{company} Inc.", owner=rng.choice(OWNERS),
        stage=outcome or stage, amount=float(rng.randrange(5, 400) * 1000),
        currency="EUR", close_date=close, next_step=rng.choice(
            ["Demo to the CFO", "Joint plan review", "Security review", "Send proposal", ""]),
        contacts=contacts, tags=(rng.choice(["q1", "q2", "strategic", "partner"]),),
        created=created, updated=now - timedelta(days=rng.randrange(0, 20)),
        history=tuple(history),
        close_reason=rng.choice(NO_DECISION_REASONS) if outcome == "no_decision" else "",
    )
    # A stale deal: nobody has asked anything for months.
    stale = not closed and rng.random() < (0.12 if not ready else 0.08)
    last = end - timedelta(days=rng.randrange(100, 160) if stale else rng.randrange(1, 40))
    last = max(last, created + timedelta(days=1))
    interviews = []
    count = 1 + min(reached, rng.randrange(0, 3))
    # What a rep can know grows with the stage: the later a question settles, the less
    # likely an early deal has an answer to it.
    answers: dict[str, Answer] = {}
    for i in range(count):
        started = last - timedelta(days=(count - 1 - i) * rng.randrange(10, 30))
        # Each interview starts from what the last one knew: gaps get filled, a few answers
        # change (mostly for the better), the rest are confirmed again.
        answers = {key: replace(a, confirmed=started) if rng.random() < 0.8 else a
                   for key, a in answers.items()}
        for framework in frameworks:
            odds = fit_odds if framework.perspective == "fit" else ready_odds
            for question in framework.questions():
                key = question.answer_key
                known = answers.get(key)
                if known is not None and known.status == "answered" and rng.random() > 0.06:
                    continue
                if known is not None and known.status != "answered" and rng.random() < 0.5:
                    continue
                ahead = OPEN_STAGES.index(question.settle_stage) - reached
                if known is None and ahead > 0 and rng.random() < 0.5 + 0.2 * ahead:
                    continue  # not asked yet: still to learn
                answers[key] = _answer(question, rng, odds, started, ahead)
        interviews.append(Interview(
            id=f"{deal_id}#{i + 1}", deal_id=deal_id,
            frameworks={f.id: f.version for f in frameworks}, started=started,
            status="finished", ended=started + timedelta(minutes=rng.randrange(8, 25)),
            answers=dict(answers)))
    return SampleDeal(deal, interviews, profile)


def _slips(rng: random.Random, count: int, close: date, created: datetime,
           end: datetime) -> list[Change]:
    """``count`` slips of the close date, in time order, that end at ``close``.

    Each moves the date from where the previous one left it (the first from the date the
    deal was opened with), as a CRM records them; a deal whose dates do not chain tells a
    reader a story that cannot have happened. Dates move by up to a month at a time, and
    the first date still lies at least two weeks after the deal was opened. A slip is
    recorded about when its old date comes up (a rep pushes the date as it nears), or at
    some point while the deal was open when that date is still ahead; never before the
    deal was opened, nor after ``end`` (now, or when it closed).
    """
    room = (close - (created + timedelta(days=14)).date()).days
    count = min(count, room // 7)  # at least a week per slip
    if count <= 0:
        return []
    step = min(30, room // count)
    dates = [close - timedelta(days=step * (count - i)) for i in range(count + 1)]
    slips, low = [], created + timedelta(days=1)
    for i in range(count):
        high = end - timedelta(hours=count - i)  # room left for the slips still to come
        when = datetime.combine(dates[i], created.timetz()) - timedelta(
            days=rng.randrange(0, 8))
        if when > high:  # the old date is still ahead: pushed early
            when = low + (high - low) * rng.uniform(0.2, 0.8)
        when = min(max(when, low), high).replace(second=0, microsecond=0)
        slips.append(Change("close_date", dates[i], dates[i + 1], when))
        low = when + timedelta(hours=1)
    return slips


NO_DECISION_REASONS = ["Kept the current process", "Budget moved to another initiative",
                       "Sponsor left", "Re-organisation froze all projects",
                       "Could not agree internally"]


def _answer(question: Question, rng: random.Random, odds: float, when: datetime,
            ahead: int = 0) -> Answer:
    # Gaps are rarer where the rep (and the customer) did the work, and where the deal is
    # past the stage the question settles by.
    roll = rng.random() / max(0.05, 1.0 - odds) * (0.6 if ahead > 0 else 1.0)
    # Where the customer has not done the work, reps mostly have not asked (unknown) or
    # heard something vague (unclear), more often than a plain "no".
    if roll < 0.4:
        return Answer("unknown", at=when, confirmed=when)
    if roll < 0.65:
        return Answer("unclear", at=when, confirmed=when)
    strong = rng.random() < odds
    value: str | float | list[str]
    if question.type == "yes_no":
        value = "yes" if strong else rng.choice(YES_NO_VALUES[1:])
    elif question.type in ("choice", "multi"):
        ranked = sorted(question.choices, key=lambda c: c.score)
        # Strong means it scores as strong (0.5 or more), not merely the upper half.
        good = [c for c in ranked if c.score >= 0.5] or ranked[-1:]
        weak = [c for c in ranked if c.score < 0.5] or ranked[:1]
        pool = good if strong else weak
        picked = rng.choice(pool).value
        value = [picked] if question.type == "multi" else picked
    elif question.type == "scale":
        value = float(rng.choice(SCALE_VALUES[3:] if strong else SCALE_VALUES[:2]))
    elif question.type == "number":
        # One draw either way, so the rest of the demo is drawn as before.
        value = _number_in_bands(question, strong, rng.uniform(1.0, 2.0) - 1.0 if strong
                                 else rng.random())
    elif question.type == "date":
        value = (date.today() + timedelta(days=rng.randrange(30, 300))).isoformat()
    else:
        value = "See call notes"
    verified = rng.random() < (0.85 if odds > 0.8 else 0.7 if strong else 0.4)
    evidence = Evidence(rng.choice(PEOPLE), verified) if rng.random() < 0.7 else None
    return Answer("answered", value, evidence, "", False, when, when)


def _number_in_bands(question: Question, strong: bool, share: float) -> float:
    """A number that scores strong (or weak) by the question's bands, ``share`` (0..1) of
    the way through the numbers that do: a contracting time is strong when it is short,
    a team size when it is large, as the bands say."""
    low = question.minimum or 0.0
    if not question.bands:
        return float(int(low + 100 * share))
    edges = sorted(question.bands, key=lambda b: b.at_least)
    spans = []
    for n, band in enumerate(edges):
        end = edges[n + 1].at_least if n + 1 < len(edges) else max(band.at_least * 2, 10.0)
        if (band.score >= 0.5) == strong:
            spans.append((max(band.at_least, low), end))
    if not spans:  # every band scores alike: take them all
        spans = [(max(edges[0].at_least, low), max(edges[-1].at_least * 2, 10.0))]
    total = sum(end - start for start, end in spans)
    at = share * total
    for start, end in spans:
        if at <= end - start:
            value = start + at
            break
        at -= end - start
    else:
        value = spans[-1][1]
    if question.maximum is not None:
        value = min(value, question.maximum)
    return float(int(value))
