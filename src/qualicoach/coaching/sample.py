"""Realistic sample deals for ``qualicoach demo`` and the benchmarks.

Deals are spread over the four corners of fit against readiness, with unknown and unclear
answers, evidence that is sometimes only our assumption, stale answers, slipped close
dates and thin stakeholder maps: everything the report has to explain.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Change, Contact, Deal
from qualicoach.domain.vocabulary import STAGES
from qualicoach.frameworks.model import SCALE_VALUES, YES_NO_VALUES, Framework, Question
from qualicoach.storage.store import Interview

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
    "high_fit_low_readiness": (0.9, 0.25),
    "high_fit_high_readiness": (0.98, 0.99),
    "low_fit_high_readiness": (0.25, 0.95),
    "low_fit_low_readiness": (0.25, 0.25),
}
PROFILE_WEIGHTS = [0.35, 0.3, 0.15, 0.2]


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
    created = now - timedelta(days=rng.randrange(20, 200))
    close = (now + timedelta(days=rng.randrange(10, 240))).date()
    history: list[Change] = []
    if rng.random() < (0.5 if profile.endswith("low_readiness") else 0.15):
        for slip in range(rng.randrange(1, 3)):
            earlier = close - timedelta(days=30 * (slip + 1))
            history.insert(0, Change("close_date", earlier, earlier + timedelta(days=30),
                                     created + timedelta(days=10 * (slip + 1))))
    contacts = tuple(
        Contact(person, role, rng.choice(TITLES))
        for person, role in zip(rng.sample(PEOPLE, rng.randrange(1, 5)),
                                rng.sample(["champion", "economic_buyer", "influencer",
                                            "user", "decision_maker", "blocker"], 4),
                                strict=False)
    )
    deal = Deal(
        id=deal_id, name=name, account=f"{company} Inc.", owner=rng.choice(OWNERS),
        stage=rng.choice(STAGES[:5]), amount=float(rng.randrange(5, 400) * 1000),
        currency="EUR", close_date=close, next_step=rng.choice(
            ["Demo to the CFO", "Joint plan review", "Security review", "Send proposal", ""]),
        contacts=contacts, tags=(rng.choice(["q1", "q2", "strategic", "partner"]),),
        created=created, updated=now - timedelta(days=rng.randrange(0, 20)),
        history=tuple(history),
    )
    fit_odds, ready_odds = PROFILES[profile]
    interviews = []
    count = rng.randrange(1, 4)
    for i in range(count):
        started = now - timedelta(days=(count - i) * rng.randrange(10, 60))
        answers: dict[str, Answer] = {}
        for framework in frameworks:
            odds = fit_odds if framework.perspective == "fit" else ready_odds
            # Earlier interviews knew less.
            odds -= 0.05 * (count - 1 - i)
            for question in framework.questions():
                if question.answer_key in answers or rng.random() < 0.04 * (1 - odds):
                    continue
                answers[question.answer_key] = _answer(question, rng, odds, started)
        interviews.append(Interview(
            id=f"{deal_id}#{i + 1}", deal_id=deal_id,
            frameworks={f.id: f.version for f in frameworks}, started=started,
            status="finished", ended=started + timedelta(minutes=rng.randrange(8, 25)),
            answers=answers))
    return SampleDeal(deal, interviews, profile)


def _answer(question: Question, rng: random.Random, odds: float, when: datetime) -> Answer:
    # Gaps are rarer where the rep (and the customer) did the work.
    roll = rng.random() / max(0.05, 1.0 - odds)
    if roll < 0.25:
        return Answer("unknown", at=when, confirmed=when)
    if roll < 0.4:
        return Answer("unclear", at=when, confirmed=when)
    strong = rng.random() < odds
    value: str | float | list[str]
    if question.type == "yes_no":
        value = "yes" if strong else rng.choice(YES_NO_VALUES[1:])
    elif question.type in ("choice", "multi"):
        ranked = sorted(question.choices, key=lambda c: c.score)
        pool = ranked[len(ranked) // 2:] if strong else ranked[: max(1, len(ranked) // 2)]
        picked = rng.choice(pool).value
        value = [picked] if question.type == "multi" else picked
    elif question.type == "scale":
        value = float(rng.choice(SCALE_VALUES[3:] if strong else SCALE_VALUES[:2]))
    elif question.type == "number":
        top = max((b.at_least for b in question.bands), default=100.0)
        low = question.minimum or 0.0
        value = float(int(top * rng.uniform(1.0, 2.0) if strong else low + top * rng.random() / 3))
        if question.maximum is not None:
            value = min(value, question.maximum)
    elif question.type == "date":
        value = (date.today() + timedelta(days=rng.randrange(30, 300))).isoformat()
    else:
        value = "See call notes"
    verified = rng.random() < (0.9 if odds > 0.9 else 0.6 if strong else 0.3)
    evidence = Evidence(rng.choice(PEOPLE), verified) if rng.random() < 0.7 else None
    return Answer("answered", value, evidence, "", False, when, when)
