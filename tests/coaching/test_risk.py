"""Fit, readiness and no-decision risk, with numbers computed by hand (see docs/scoring.md)."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, timedelta, timezone

import pytest

from qualicoach.coaching.risk import Assessment, assess
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Change, Contact, Deal
from qualicoach.frameworks.loader import parse_framework

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

FIT = parse_framework(textwrap.dedent("""\
    id: f
    name: Fit
    version: "1"
    perspective: fit
    elements:
      - id: e1
        name: E1
        weight: 1
        questions:
          - {id: q1, prompt: Q1?, type: yes_no, red_flag: true}
          - {id: q2, prompt: Q2?, type: yes_no}
      - id: e2
        name: E2
        weight: 3
        questions:
          - id: q3
            prompt: Q3?
            type: choice
            choices: [{value: a, score: 1}, {value: b, score: 0.25}]
    """).encode(), "f.yaml")

READY = parse_framework(textwrap.dedent("""\
    id: r
    name: Ready
    version: "1"
    perspective: readiness
    elements:
      - id: n
        name: Need
        questions:
          - {id: r1, prompt: R1?, type: yes_no, red_flag: true}
          - {id: r2, prompt: R2?, type: yes_no}
          - {id: r3, prompt: R3?, type: yes_no}
    """).encode(), "r.yaml")

MAPPED = (Contact("Ann", "champion"), Contact("Bob", "economic_buyer"))


def good(value: object, days_ago: int = 0) -> Answer:
    when = NOW - timedelta(days=days_ago)
    return Answer("answered", value, Evidence("Ann", verified=True), at=when,  # type: ignore[arg-type]
                  confirmed=when)


STRONG = {"f.q1": good("yes"), "f.q2": good("yes"), "f.q3": good("a"),
          "r.r1": good("yes"), "r.r2": good("yes"), "r.r3": good("yes")}


def run(answers: dict[str, Answer] | None = None, deal: Deal | None = None,
        earlier: dict[str, Answer] | None = None, frameworks=(FIT, READY),  # type: ignore[no-untyped-def]
        settings: Settings | None = None) -> Assessment:
    return assess(deal or Deal("d", "D", contacts=MAPPED), list(frameworks),
                  {**STRONG, **(answers or {})}, earlier or {}, NOW, settings or Settings())


def causes(a: Assessment) -> list[tuple[str, float]]:
    return [(c.kind, c.points) for c in a.causes]


def test_strong_fit_and_readiness_is_not_at_risk() -> None:
    a = run()
    assert (a.fit, a.readiness, a.risk, a.at_risk) == (100.0, 100.0, 0, False)
    assert a.quadrant == "high_fit_high_readiness" and a.causes == () and a.gaps == ()


def test_a_readiness_red_flag_alone_puts_the_deal_at_risk() -> None:
    a = run({"r.r1": good("no")})
    assert causes(a) == [("red_flag", 15.0)]
    assert (a.risk, a.at_risk) == (15, True)
    assert a.readiness == pytest.approx(66.7)  # (0 + 1 + 1) / 3


@pytest.mark.parametrize("answer,kind,points", [
    (Answer("unknown", at=NOW), "unknown", 6.0),
    (Answer("unclear", at=NOW), "unclear", 4.0),
    (good("no"), "weak", 3.0),
])
def test_readiness_gaps_score_unknown_worse_than_unclear_worse_than_weak(
    answer: Answer, kind: str, points: float
) -> None:
    a = run({"r.r2": answer})
    assert causes(a) == [(kind, points)]
    assert a.at_risk is False  # below 40 and no red flag


def test_an_unanswered_question_counts_as_unknown() -> None:
    answers = {**STRONG}
    del answers["r.r3"]
    a = assess(Deal("d", "D", contacts=MAPPED), [FIT, READY], answers, {}, NOW, Settings())
    assert causes(a) == [("unknown", 6.0)]


@pytest.mark.parametrize("status", ["unknown", "unclear"])
def test_unknown_and_unclear_are_never_neutral(status: str) -> None:
    a = run({"r.r2": Answer(status, at=NOW)})  # type: ignore[arg-type]
    assert a.readiness == pytest.approx(66.7) and a.readiness < run().readiness  # type: ignore[operator]


def test_fit_is_weighted_by_element() -> None:
    # e1 = (0 + 1) / 2 = 0.5 with weight 1; e2 = 1 with weight 3 -> (0.5 + 3) / 4 = 0.875
    assert run({"f.q1": good("no")}).fit == 87.5
    # e1 = 1; e2 = 0.25 -> (1 + 0.75) / 4 = 0.4375
    assert run({"f.q3": good("b")}).fit == pytest.approx(43.8)


def test_the_worked_example_of_the_docs_rounds_half_up() -> None:
    # docs/scoring.md: E1 = (0 + 1) / 2, E2 = 0.25 -> (0.5 + 0.75) / 4 = 0.3125 -> 31.3
    assert run({"f.q1": good("no"), "f.q3": good("b")}).fit == 31.3


def test_a_fit_red_flag_counts_but_other_fit_gaps_only_lower_fit() -> None:
    assert causes(run({"f.q1": good("no")})) == [("red_flag", 10.0)]
    a = run({"f.q3": good("b")})
    assert causes(a) == [] and a.risk == 0


def test_answers_that_are_only_our_assumption() -> None:
    assumed = {key: Answer("answered", a.value, None, at=NOW, confirmed=NOW)
               for key, a in list(STRONG.items())[:3]}
    assert causes(run(assumed)) == [("assumption", 6.0)]  # 3 x 2
    every = {key: Answer("answered", a.value, Evidence("Ann", verified=False), at=NOW,
                         confirmed=NOW) for key, a in STRONG.items()}
    assert causes(run(every)) == [("assumption", 10.0)]  # 6 x 2, capped at 10


def test_stale_answers() -> None:
    old = {"f.q2": good("yes", days_ago=91), "r.r3": good("yes", days_ago=200)}
    assert causes(run(old)) == [("stale", 4.0)]
    assert causes(run({"f.q2": good("yes", days_ago=90)})) == []


def test_a_slipped_close_date() -> None:
    slips = tuple(Change("close_date", date(2026, 12, m), date(2027, 1, m), NOW)
                  for m in (1, 2, 3))
    assert causes(run(deal=Deal("d", "D", contacts=MAPPED, history=slips[:1]))) == [
        ("close_slipped", 8.0)]
    assert causes(run(deal=Deal("d", "D", contacts=MAPPED, history=slips))) == [
        ("close_slipped", 16.0)]  # 3 x 8, capped at 16
    pulled_in = (Change("close_date", date(2027, 1, 1), date(2026, 12, 1), NOW),)
    assert causes(run(deal=Deal("d", "D", contacts=MAPPED, history=pulled_in))) == []


def test_a_thin_stakeholder_map() -> None:
    assert causes(run(deal=Deal("d", "D", contacts=(Contact("Ann", "champion"),)))) == [
        ("no_economic_buyer", 8.0), ("single_contact", 6.0)]
    assert causes(run(deal=Deal("d", "D", contacts=(Contact("Bob", "economic_buyer"),)))) == [
        ("single_contact", 6.0)]


def test_answers_that_got_worse_since_the_last_interview() -> None:
    a = run({"r.r2": good("partial")}, earlier={"r.r2": good("yes")})
    assert causes(a) == [("worse", 4.0)]
    assert "R2?" in a.causes[0].message


def test_readiness_never_assessed() -> None:
    a = run(frameworks=(FIT,))
    assert causes(a) == [("readiness_not_assessed", 40.0)]
    assert (a.readiness, a.risk, a.at_risk, a.quadrant) == (None, 40, True, "not_assessed")


def test_strong_fit_weak_alignment_is_at_risk_and_names_the_alignment_gap_first() -> None:
    deal = Deal("d", "D", contacts=(Contact("Ann", "champion"),),
                history=(Change("close_date", date(2026, 12, 1), date(2027, 3, 1), NOW),) * 2)
    a = run({"r.r1": good("no"), "r.r2": Answer("unknown", at=NOW),
             "r.r3": Answer("unclear", at=NOW)}, deal=deal)
    # 15 + 6 + 4 (customer) + 16 (slips) + 8 (no EB) + 6 (single contact) = 55
    assert causes(a) == [("red_flag", 15.0), ("unknown", 6.0), ("unclear", 4.0),
                         ("close_slipped", 16.0), ("no_economic_buyer", 8.0),
                         ("single_contact", 6.0)]
    assert (a.fit, a.readiness, a.risk, a.at_risk) == (100.0, 0.0, 55, True)
    assert a.quadrant == "high_fit_low_readiness"
    assert a.main_reason.startswith("Red flag in Ready: R1?")


def test_low_readiness_marks_good_fit_answers_unconfirmed() -> None:
    a = run({"r.r1": good("no"), "r.r2": good("no")})
    assert a.readiness == pytest.approx(33.3)
    assert [qs.question.key for qs in a.unconfirmed] == ["f.q1", "f.q2", "f.q3"]
    assert run().unconfirmed == ()


def test_risk_is_capped_at_100() -> None:
    settings = Settings(points_red_flag_readiness=80, points_unknown=50)
    a = run({"r.r1": good("no"), "r.r2": Answer("unknown", at=NOW)}, settings=settings)
    assert sum(c.points for c in a.causes) == 130 and a.risk == 100


def test_thresholds_come_from_settings() -> None:
    a = run({"r.r2": Answer("unknown", at=NOW)}, settings=Settings(at_risk_from=5))
    assert (a.risk, a.at_risk) == (6, True)
