"""Fit, readiness and no-decision risk, with numbers computed by hand (see docs/scoring.md)."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, timedelta, timezone

import pytest

from qualicoach.coaching.risk import Assessment, Cause, assess, combine
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Change, Contact, Deal
from qualicoach.frameworks.loader import parse_framework
from qualicoach.frameworks.model import Framework

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
          - {id: r2, prompt: R2?, type: yes_no, settle_by: proposal}
          - {id: r3, prompt: R3?, type: yes_no}
    """).encode(), "r.yaml")

MAPPED = (Contact("Ann", "champion"), Contact("Bob", "economic_buyer"))


def good(value: object, days_ago: int = 0) -> Answer:
    when = NOW - timedelta(days=days_ago)
    return Answer("answered", value, Evidence("Ann", verified=True), at=when,  # type: ignore[arg-type]
                  confirmed=when)


STRONG = {"f.q1": good("yes"), "f.q2": good("yes"), "f.q3": good("a"),
          "r.r1": good("yes"), "r.r2": good("yes"), "r.r3": good("yes")}


def deal(stage: str = "proposal", **fields: object) -> Deal:
    """A deal in ``stage``, mapped (champion and economic buyer), no close date, created
    and moved into its stage a week ago unless told otherwise."""
    values: dict[str, object] = {"contacts": MAPPED, "created": NOW - timedelta(days=7)}
    values.update(fields)
    return Deal("d", "D", stage=stage, **values)  # type: ignore[arg-type]


def run(answers: dict[str, Answer] | None = None, on: Deal | None = None,
        earlier: dict[str, Answer] | None = None,
        frameworks: tuple[Framework, ...] = (FIT, READY),
        settings: Settings | None = None) -> Assessment:
    return assess(on or deal(), list(frameworks), {**STRONG, **(answers or {})}, earlier or {},
                  NOW, settings or Settings())


def causes(a: Assessment) -> list[tuple[str, float]]:
    return [(c.kind, c.points) for c in a.causes]


def closing_in(days: int, stage: str = "proposal") -> Deal:
    return deal(stage, close_date=NOW.date() + timedelta(days=days))


def test_strong_fit_and_readiness_is_on_track_with_no_risk() -> None:
    a = run()
    assert (a.fit, a.readiness, a.risk, a.verdict, a.at_risk) == (100.0, 100.0, 0, "on_track",
                                                                  False)
    assert a.quadrant == "high_fit_high_readiness" and a.causes == () and a.gaps == ()
    assert a.headline == "On track (0/100)."


# --- stage: settle_by, to learn, and red flags at any stage -----------------------------------

def test_a_gap_before_its_settle_by_stage_is_to_learn_and_adds_no_risk() -> None:
    # r2 settles by proposal: in qualified it is still to learn.
    a = run({"r.r2": Answer("unknown", at=NOW)}, on=deal("qualified"))
    assert a.causes == () and a.risk == 0 and a.verdict == "on_track"
    assert [(g.question.id, g.due) for g in a.gaps] == [("r2", False)]
    assert [g.question.id for g in a.to_learn] == ["r2"]


@pytest.mark.parametrize("answer,kind,points", [
    (Answer("unknown", at=NOW), "unknown", 8.0),
    (Answer("unclear", at=NOW), "unclear", 5.0),
    (good("no"), "weak", 5.0),
])
def test_from_settle_by_on_gaps_count_unknown_over_unclear(answer: Answer, kind: str,
                                                           points: float) -> None:
    a = run({"r.r2": answer})  # the deal is in proposal
    assert causes(a) == [(kind, points)] and a.verdict == "on_track"


def test_a_known_weak_answer_counts_before_its_settle_by_stage() -> None:
    a = run({"r.r2": good("no")}, on=deal("discovery"))
    assert causes(a) == [("weak", 5.0)] and a.verdict == "early"


def test_a_known_weak_red_flag_alone_puts_the_deal_at_risk_at_any_stage() -> None:
    for stage in ("prospect", "discovery", "proposal"):
        a = run({"r.r1": good("no")}, on=deal(stage))
        assert causes(a) == [("red_flag_readiness", 40.0)], stage
        assert (a.risk, a.verdict) == (40, "at_risk")
        assert a.headline == "At risk of no decision (40/100): red flag in Ready: R1? (weak: No)."


def test_an_unknown_red_flag_counts_less_than_a_known_weak_one() -> None:
    a = run({"r.r1": Answer("unknown", at=NOW)})
    assert causes(a) == [("red_flag_readiness", 30.0)] and a.verdict == "on_track"
    assert run({"r.r1": Answer("unknown", at=NOW)}, on=deal("discovery")).causes == ()


def test_a_fit_red_flag_counts_in_full_at_any_stage() -> None:
    assert causes(run({"f.q1": good("no")})) == [("red_flag_fit", 15.0)]


@pytest.mark.parametrize("stage,points", [("discovery", None), ("qualified", 8.0),
                                          ("proposal", 14.0), ("negotiation", 20.0)])
def test_a_hole_on_our_side_counts_once_due_and_more_at_each_later_stage(
        stage: str, points: float | None) -> None:
    # q3 settles by qualified (the default): 8 there, x (1 + 0.75 per stage past it).
    a = run({"f.q3": good("b")}, on=deal(stage))
    assert causes(a) == ([] if points is None else [("fit_gap", points)])


# --- time: urgency by close date, movement ----------------------------------------------------

@pytest.mark.parametrize("days,points", [(None, 8.0), (91, 8.0), (90, 12.0), (31, 12.0),
                                         (30, 16.0), (0, 16.0), (-5, 16.0)])
def test_gaps_count_more_as_the_close_date_nears(days: int | None, points: float) -> None:
    on = deal() if days is None else closing_in(days)
    a = run({"r.r2": Answer("unknown", at=NOW)}, on=on)
    assert [c.base for c in a.causes if c.kind == "unknown"] == [points]


def test_slipped_close_dates_can_stall_a_deal_on_their_own() -> None:
    slips = tuple(Change("close_date", date(2026, 12, m), date(2027, 1, m), NOW)
                  for m in (1, 2, 3, 4, 5))
    assert causes(run(on=deal(history=slips[:1]))) == [("close_slipped", 14.0)]
    three = run(on=deal(history=slips[:3]))
    assert causes(three) == [("close_slipped", 40.0)] and three.verdict == "stalled"
    assert three.headline == ("Stalled (40/100): the close date slipped 3 times, last from "
                              "2026-12-03 to 2027-01-03.")
    assert causes(run(on=deal(history=slips))) == [("close_slipped", 40.0)]  # capped
    pulled_in = (Change("close_date", date(2027, 1, 1), date(2026, 12, 1), NOW),)
    assert causes(run(on=deal(history=pulled_in))) == []


@pytest.mark.parametrize("stage", ["prospect", "discovery", "qualified", "proposal",
                                   "negotiation"])
def test_a_passed_close_date_alone_stalls_an_open_deal_at_any_stage(stage: str) -> None:
    a = run(on=deal(stage, close_date=NOW.date() - timedelta(days=3)))
    # 40 (points_close_passed, = at_risk_from): a movement cause, all of the risk.
    assert causes(a) == [("close_passed", 40.0)]
    assert (a.risk, a.verdict, a.at_risk) == (40, "stalled", True)
    assert a.headline == ("Stalled (40/100): the close date 2026-11-20 has passed and the "
                          "deal is still open.")


def test_a_passed_close_date_stalls_the_deal_even_when_other_causes_weigh_more() -> None:
    # Past the close date gaps weigh x2: the red flag 40 x 2 = 80, capped at 40 (no
    # single cause is worth most of the scale); the red flag leads on importance, then
    # the passed date 40 of the 60 left = 24; risk 64. The movement causes are 24 of 64,
    # under half, but a deal that missed its own date is not moving: stalled.
    a = run({"r.r1": good("no")}, on=deal(close_date=NOW.date() - timedelta(days=3)))
    assert causes(a) == [("red_flag_readiness", 40.0), ("close_passed", 24.0)]
    assert (a.risk, a.verdict) == (64, "stalled")
    assert a.headline == ("Stalled (64/100): the close date 2026-11-20 has passed and the "
                          "deal is still open.")


def test_a_close_date_today_has_not_passed() -> None:
    a = run(on=deal("discovery", close_date=NOW.date()))
    assert (a.causes, a.verdict) == ((), "early")


@pytest.mark.parametrize("days,points", [(60, None), (61, 10.0), (89, 10.0), (90, 15.0),
                                         (150, 25.0), (400, 25.0)])
def test_time_in_the_current_stage(days: int, points: float | None) -> None:
    moved = (Change("stage", "qualified", "proposal", NOW - timedelta(days=days)),)
    a = run(on=deal(history=moved, created=NOW - timedelta(days=days + 1)))
    stuck = [p for kind, p in causes(a) if kind == "stuck"]
    assert stuck == ([] if points is None else [points])


def test_a_long_open_deal() -> None:
    moved = (Change("stage", "qualified", "proposal", NOW - timedelta(days=10)),)
    a = run(on=deal(history=moved, created=NOW - timedelta(days=271)))
    assert causes(a) == [("long_cycle", 10.0)]


def test_stale_answers_count_by_their_share() -> None:
    old = {key: good(a.value, days_ago=120) for key, a in STRONG.items()}
    assert causes(run(old)) == [("stale", 30.0)]
    assert run(old).main_reason.startswith("No answer was confirmed in the last 90 days")
    half = {key: good(a.value, days_ago=91) for key, a in list(STRONG.items())[:3]}
    assert causes(run(half)) == [("stale", 15.0)]
    assert causes(run({"f.q2": good("yes", days_ago=90)})) == []


# --- evidence and people ----------------------------------------------------------------------

def test_answers_that_are_only_our_assumption_count_by_the_square_of_their_share() -> None:
    every = {key: Answer("answered", a.value, Evidence("Ann", verified=False), at=NOW,
                         confirmed=NOW) for key, a in STRONG.items()}
    a = run(every)
    # 40 (every answer) + 25 (all of their own) x the 60 left = 15: 55
    assert causes(a) == [("assumption", 40.0), ("assumed_readiness", 15.0)]
    assert a.verdict == "at_risk"
    assert a.headline == ("At risk of no decision (55/100): every answer (6) is only our "
                          "assumption: nothing was confirmed by the customer.")
    # Mostly assumed: the good seller-side answers are unconfirmed, whatever readiness says.
    assert a.readiness == 100.0 and len(a.unconfirmed) == 3
    half = dict(list(every.items())[:3])
    assert causes(run(half)) == [("assumption", 10.0)]  # 40 x (3/6)^2
    assert run(every, on=deal("discovery")).causes == ()  # early on, that is normal


def test_their_own_qualification_assumed_weighs_by_its_share_not_squared() -> None:
    theirs = {key: Answer("answered", a.value, Evidence("Ann", verified=False), at=NOW,
                          confirmed=NOW) for key, a in STRONG.items() if key.startswith("r.")}
    a = run(theirs)
    # 25 x 3/3 (their own answers), then ours: 40 x (3/6)^2 = 10 of the 75 left = 7.5
    assert causes(a) == [("assumed_readiness", 25.0), ("assumption", 7.5)]
    assert a.main_reason == ("Their own qualification is only our reading: none of its 3 "
                             "answers was confirmed by the customer")
    one = dict(list(theirs.items())[:1])
    assert causes(run(one))[0] == ("assumed_readiness", 8.3)  # 25 x 1/3


@pytest.mark.parametrize("stage,points", [("discovery", None), ("qualified", 10.0),
                                          ("proposal", 15.0), ("negotiation", 20.0)])
def test_a_single_contact_counts_more_at_each_later_stage(stage: str,
                                                          points: float | None) -> None:
    a = run(on=deal(stage, contacts=(Contact("Bob", "economic_buyer"),)))
    assert causes(a) == ([] if points is None else [("single_contact", points)])


def test_no_economic_buyer_counts_from_proposal_on() -> None:
    mapped = (Contact("Ann", "champion"), Contact("Cy", "user"))
    assert causes(run(on=deal("qualified", contacts=mapped))) == []
    assert causes(run(on=deal("proposal", contacts=mapped))) == [("no_economic_buyer", 10.0)]


def test_single_threaded_late_is_at_risk() -> None:
    a = run(on=deal("negotiation", contacts=(Contact("Ann", "champion"),),
                    close_date=NOW.date() + timedelta(days=20)))
    # 20 x 2 = 40 (one contact); 10 x 2 = 20 of the 60 left = 12 (no economic buyer)
    assert causes(a) == [("single_contact", 40.0), ("no_economic_buyer", 12.0)]
    assert (a.risk, a.verdict) == (52, "at_risk")


def test_answers_that_got_worse_since_the_last_interview() -> None:
    a = run({"r.r2": good("partial")}, earlier={"r.r2": good("yes")})
    assert causes(a) == [("worse", 15.0)]
    assert "R2?" in a.causes[0].message


def test_readiness_never_assessed_counts_from_qualified_on() -> None:
    a = run(frameworks=(FIT,))
    assert causes(a) == [("readiness_not_assessed", 30.0)]
    assert (a.readiness, a.risk, a.verdict, a.quadrant) == (None, 30, "on_track", "not_assessed")
    assert run(frameworks=(FIT,), on=closing_in(60)).verdict == "at_risk"  # 45
    assert run(frameworks=(FIT,), on=deal("discovery")).causes == ()


# --- combining: traced, ranking, rarely capped -------------------------------------------------

def test_causes_combine_like_probabilities_and_their_shares_add_up_to_the_risk() -> None:
    # docs/scoring.md, worked example 1.
    on = deal("proposal", contacts=(Contact("Ann", "champion"),),
              close_date=NOW.date() + timedelta(days=60),
              history=(Change("close_date", date(2026, 12, 1), date(2027, 1, 20), NOW),) * 2)
    a = run({"r.r1": good("no"), "r.r2": Answer("unknown", at=NOW),
             "r.r3": Answer("unclear", at=NOW)}, on=on)
    assert [(c.kind, c.base, c.points) for c in a.causes] == [
        ("red_flag_readiness", 40.0, 40.0),  # 40 x 1.5 = 60, capped at 40
        ("close_slipped", 28.0, 16.8),       # 2 x 14, of the 60 left
        ("single_contact", 22.5, 9.7),       # 15 (proposal) x 1.5, of the 43.2 left
        ("no_economic_buyer", 15.0, 5.0),    # 10 x 1.5, of 33.5
        ("unknown", 12.0, 3.4),              # 8 x 1.5, of 28.5
        ("unclear", 3.8, 1.0)]               # 5 x 1.5 x 0.5 (a further gap), of 25.1
    assert a.risk == 76  # 75.9, half up
    assert a.verdict == "at_risk" and a.main_reason.startswith("Red flag in Ready: R1?")


def test_more_causes_always_mean_more_risk_and_100_only_when_overwhelming() -> None:
    base = [Cause("unknown", 0, "a", base=30.0), Cause("stale", 0, "b", base=30.0)]
    two = sum(c.points for c in combine(base))
    three = sum(c.points for c in combine([*base, Cause("stuck", 0, "c", base=10.0)]))
    assert two == 51.0 and three == pytest.approx(55.9) and three > two
    pile = [Cause("unknown", 0, str(n), base=60.0) for n in range(7)]
    assert sum(c.points for c in combine(pile)) < 100  # 99.8: rounds to 100 only in the end


def test_ties_go_to_the_more_important_cause() -> None:
    ordered = combine([Cause("single_contact", 0, "people", base=20.0),
                       Cause("close_slipped", 0, "slips", base=20.0),
                       Cause("red_flag_readiness", 0, "flag", base=20.0)])
    assert [c.message for c in ordered] == ["flag", "slips", "people"]


def test_the_verdict_follows_the_number_with_no_override() -> None:
    just_below = run({"r.r1": good("no")}, settings=Settings(points_red_flag_weak=39))
    at = run({"r.r1": good("no")}, settings=Settings(points_red_flag_weak=40))
    assert (just_below.risk, just_below.verdict) == (39, "on_track")
    assert (at.risk, at.verdict) == (40, "at_risk")


# --- verdicts ----------------------------------------------------------------------------------

def test_poor_fit_on_what_we_know_says_qualify_out() -> None:
    a = run({"f.q1": good("no"), "f.q2": good("no"), "f.q3": good("b")})
    # e1 = 0, e2 = 0.25 -> (0 + 0.75) / 4 = 18.8 on the answered questions
    assert (a.answered_fit, a.verdict) == (18.8, "poor_fit")
    assert a.headline == ("Poor fit (19/100 on what we know, weakest: e1): consider "
                          "qualifying out.")


def test_poor_fit_wins_over_a_passed_close_date() -> None:
    a = run({"f.q1": good("no"), "f.q2": good("no"), "f.q3": good("b")},
            on=deal(close_date=NOW.date() - timedelta(days=3)))
    assert ("close_passed", 40.0) in causes(a) and a.verdict == "poor_fit"


def test_unknown_fit_is_not_poor_fit() -> None:
    unknown = {k: Answer("unknown", at=NOW) for k in ("f.q1", "f.q2", "f.q3")}
    assert run(unknown).verdict != "poor_fit"


def test_early_deals_say_what_to_learn_next() -> None:
    a = run({"r.r1": Answer("unknown", at=NOW), "r.r2": Answer("unknown", at=NOW)},
            on=deal("discovery"))
    assert (a.risk, a.verdict) == (0, "early")
    assert a.headline == "Early: not yet qualified. Learn next: R1?"


def test_a_closed_deal_is_closed() -> None:
    a = run(on=deal("no_decision", close_reason="kept their spreadsheets"))
    assert (a.verdict, a.at_risk) == ("closed", False)
    assert a.headline == "Closed: ended in no decision (kept their spreadsheets)."


def test_thresholds_come_from_settings() -> None:
    a = run({"r.r2": Answer("unknown", at=NOW)}, settings=Settings(at_risk_from=5))
    assert (a.risk, a.verdict) == (8, "at_risk")
