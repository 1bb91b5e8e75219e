"""Judgement a sales leader trusts: one deal per situation, built through the CLI as a rep
would, each with the verdict and the first reason a seasoned sales leader would give
(docs/scoring.md, "Fourteen situations"). And the demo pipeline's figures.

Time is the store's clock, moved by the ``world`` fixture: deals age, stages last, answers
go stale and close dates near, all through the real commands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from qualicoach.storage.store import Store

from ..helpers.home import Home, Run

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)

# The strongest answer to every built-in question a deal is asked.
BANT = {"budget_status": "approved", "budget_fits": "covers", "need_importance": 5,
        "compelling_event": "yes", "target_date": "2027-01-15", "timeline_source": "their_plan"}
MEDDIC = {"metrics_defined": "quantified", "metrics_baseline": "yes",
          "economic_buyer_identified": "yes", "economic_buyer_access": "met",
          "criteria_known": "written", "criteria_shaped": "yes", "process_mapped": "full",
          "process_confirmed": "yes", "pain_identified": "specific",
          "pain_worth_price": "over_3x", "champion_identified": "yes",
          "champion_tested": "acted", "champion_influence": 5}
ALIGNMENT = {"org_acknowledges_need": "organisation", "cost_of_inaction": "agreed_figure",
             "outcomes_shared": "specific_shared", "priority_rank": "top",
             "resources_named": "yes", "sponsor_owns_change": "yes", "agendas_aligned": 5,
             "change_capacity": "ready", "track_record": "finished",
             "process_agreed": "agreed", "decision_date_committed": "yes"}
MAPPED = (("Ann Lee", "champion"), ("Bo Chen", "economic_buyer"), ("Cy Park", "user"))


class World:
    """Deals built through the CLI at chosen moments of the store's clock."""

    def __init__(self, run: Run, home: Home, clock: list[datetime]) -> None:
        self.run, self.home, self.clock = run, home, clock

    def at(self, days_ago: float) -> None:
        """Move the clock to ``days_ago`` days before NOW."""
        self.clock[0] = NOW - timedelta(days=days_ago)

    def deal(self, name: str, stage: str, close_in: int | None, contacts: tuple[
            tuple[str, str], ...] = MAPPED, days_ago: float = 30,
             path: tuple[str, ...] = ()) -> str:
        """A deal created ``days_ago``, moved through ``path`` to ``stage`` (a stage a
        week, ending a week before NOW), closing ``close_in`` days after NOW."""
        self.at(days_ago)
        options = ["--stage", path[0] if path else stage]
        if close_in is not None:
            options += ["--close", (NOW + timedelta(days=close_in)).date().isoformat()]
        deal_id = self.run("deal", "add", name, *options, ok=True).stdout.strip()
        for person, role in contacts:
            self.run("deal", "contact", "add", deal_id, person, "--role", role, ok=True)
        for n, later in enumerate(path[1:]):
            self.at(7 * (len(path) - 1 - n))
            self.run("deal", "edit", deal_id, "--stage", later, ok=True)
        return deal_id

    def interview(self, deal_id: str, verified: bool = True, days_ago: float = 0,
                  **frameworks: dict[str, Any]) -> None:
        """Answer ``frameworks`` ({framework: {question: value}}) through --answers FILE."""
        self.at(days_ago)
        lines = []
        for framework, answers in frameworks.items():
            lines.append(f"{framework}:")
            for key, value in answers.items():
                detail = (f"{{value: {value}, evidence: Ann Lee, verified: "
                          f"{'yes' if verified else 'no'}}}")
                lines.append(f"  {key}: {detail if value not in ('unknown', 'unclear') else value}")
        path = self.home.root / f"{deal_id}-{len(list(self.home.root.glob('*.yaml')))}.yaml"
        path.write_text("\n".join(lines) + "\n")
        self.run("interview", deal_id, "--answers", str(path), ok=True)

    def judged(self, deal_id: str) -> tuple[str, str, int]:
        """The verdict, its sentence and the risk, as the report says them at NOW."""
        self.at(0)
        data = json.loads(self.run("report", deal_id, "-f", "json", ok=True).stdout)
        return data["verdict_kind"], data["verdict"], data["risk"]


@pytest.fixture
def world(run: Run, home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    clock = [NOW]
    original = Store.__init__

    def init(self: Store, path: Path, *args: Any, **kwargs: Any) -> None:
        kwargs["clock"] = lambda: clock[0]
        original(self, path, *args, **kwargs)

    monkeypatch.setattr(Store, "__init__", init)
    yield World(run, home, clock)


def unknown(answers: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {**answers, **dict.fromkeys(keys, "unknown")}


# --- the fourteen situations ------------------------------------------------------------------

def test_textbook_bant_without_alignment(world: World) -> None:
    deal = world.deal("Textbook", "proposal", close_in=60)
    world.interview(deal, bant=BANT, meddic=MEDDIC)
    assert world.judged(deal) == (
        "at_risk", "At risk of no decision (40/100): the customer's own qualification was "
        "never checked: no readiness framework (such as alignment) has answers.", 40)


def test_strong_on_both(world: World) -> None:
    deal = world.deal("Strong", "proposal", close_in=60)
    world.interview(deal, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    assert world.judged(deal) == ("on_track", "On track (0/100).", 0)


def test_aligned_customer_with_poor_fit(world: World) -> None:
    deal = world.deal("Misfit", "qualified", close_in=120)
    poor = {"budget_status": "none", "budget_fits": "far_below", "need_importance": 2,
            "compelling_event": "no", "target_date": "unknown", "timeline_source": "our_guess"}
    world.interview(deal, bant=poor, meddic={"economic_buyer_identified": "yes",
                                             "pain_identified": "our_words"},
                    alignment=ALIGNMENT)
    # On the answered BANT questions: budget 0, authority 1 (identified), need 0.225
    # (our words 0.2, importance 2 of 5: 0.25), timeline 0 -> 1.225 / 4 = 30.6
    assert world.judged(deal)[:2] == (
        "poor_fit", "Poor fit (31/100 on what we know, weakest: budget): consider qualifying "
        "out.")


def test_serial_abandoner(world: World) -> None:
    deal = world.deal("Abandoner", "qualified", close_in=150)
    world.interview(deal, bant=BANT, meddic=MEDDIC,
                    alignment={**ALIGNMENT, "track_record": "abandoned"})
    assert world.judged(deal) == (
        "at_risk", "At risk of no decision (40/100): red flag in Customer alignment: How have "
        "their comparable initiatives ended in the past? (weak: Mostly abandoned or stalled).",
        40)


def test_nothing_asked_yet(world: World) -> None:
    deal = world.deal("Fresh", "discovery", close_in=150)
    assert world.judged(deal) == (
        "early", "Early: nothing asked yet. Start with the alignment checklist: has their "
        "organisation agreed it must change?", 0)


def test_nothing_asked_yet_in_proposal_is_an_alarm(world: World) -> None:
    deal = world.deal("Unasked", "proposal", close_in=60)
    verdict, sentence, risk = world.judged(deal)
    assert (verdict, risk) == ("at_risk", 40)
    assert sentence == ("At risk of no decision (40/100): nothing was asked yet, at stage "
                        "proposal: neither our fit nor the customer's own qualification was "
                        "checked.")


def test_stale(world: World) -> None:
    deal = world.deal("Stale", "discovery", close_in=120, days_ago=200)
    world.at(150)
    world.run("deal", "edit", deal, "--stage", "proposal", ok=True)
    world.interview(deal, days_ago=120, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    # 30 (nothing confirmed) + 25 (150 days in proposal: 10 + 3 x 5, the cap) x 0.7
    assert world.judged(deal) == (
        "stalled", "Stalled (48/100): no answer was confirmed in the last 90 days: budget, "
        "timing and even the need change along the way.", 48)


def test_slipping_three_times(world: World) -> None:
    deal = world.deal("Slipper", "negotiation", close_in=0, days_ago=70)
    world.interview(deal, days_ago=60, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    for n, days_ago in enumerate((60, 40, 20)):
        world.at(days_ago)
        close = (NOW + timedelta(days=30 * (n + 1))).date().isoformat()
        world.run("deal", "edit", deal, "--close", close, ok=True)
    world.interview(deal, days_ago=5, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    # 40 (3 x 14 = 42, capped) + 10 (70 days in negotiation) x 0.6
    assert world.judged(deal) == (
        "stalled", "Stalled (46/100): the close date slipped 3 times, last from 2027-01-22 "
        "to 2027-02-21.", 46)


def test_close_date_passed(world: World) -> None:
    early = world.deal("Forgotten", "discovery", close_in=-10, days_ago=60)
    world.interview(early, days_ago=30, bant={"need_importance": 4},
                    alignment=EARLY_AND_UNKNOWN)
    # 40 (points_close_passed): the only cause, and it says the deal is not moving.
    assert world.judged(early) == (
        "stalled", "Stalled (40/100): the close date 2026-11-13 has passed and the deal is "
        "still open.", 40)
    late = world.deal("Overdue", "proposal", close_in=-10, days_ago=60)
    world.interview(late, days_ago=30, bant=BANT, meddic=MEDDIC,
                    alignment=unknown(ALIGNMENT, "cost_of_inaction"))
    # The red flag 30 x 2 (past the close date) = 60, capped at 40; the passed date 40 of
    # the 60 left = 24: 64. Under half of it is movement, but a deal past its own date is
    # stalled.
    assert world.judged(late) == (
        "stalled", "Stalled (64/100): the close date 2026-11-13 has passed and the deal is "
        "still open.", 64)
    rows = json.loads(world.run("deals", "--at-risk", "-f", "json", ok=True).stdout)
    assert [(r["id"], r["verdict_kind"], r["main_reason"]) for r in rows] == [
        ("overdue", "stalled", "close date passed"), ("forgotten", "stalled",
                                                      "close date passed")]


def test_single_threaded_late(world: World) -> None:
    deal = world.deal("Lonely", "negotiation", close_in=20, contacts=(("Ann Lee", "champion"),))
    world.interview(deal, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    assert world.judged(deal) == (
        "at_risk", "At risk of no decision (52/100): only one contact at the customer, at "
        "stage negotiation: one voice is not an organisation. Closes in 20 days.", 52)


def test_all_assumed(world: World) -> None:
    deal = world.deal("Assumed", "proposal", close_in=120)
    world.interview(deal, verified=False, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    verdict, sentence, risk = world.judged(deal)
    # 40 (every answer) + 25 (all of their own) x the 60 left = 15: 55
    assert (verdict, risk) == ("at_risk", 55)
    assert sentence == ("At risk of no decision (55/100): every answer (34) is only our "
                        "assumption: nothing was confirmed by the customer.")


def test_regressed_since_the_last_interview(world: World) -> None:
    deal = world.deal("Regressed", "proposal", close_in=120)
    world.interview(deal, days_ago=20, bant=BANT, meddic=MEDDIC, alignment=ALIGNMENT)
    world.interview(deal, bant=BANT, meddic={**MEDDIC, "champion_influence": 2},
                    alignment={**ALIGNMENT, "agendas_aligned": 2, "change_capacity":
                               "stretched", "decision_date_committed": "no"})
    verdict, sentence, risk = world.judged(deal)
    # 40 (4 worse answers: 60, capped at 45, then at 40), then each of what is left: 8
    # (champion influence, weak, due by proposal on our side) = 4.8; 5 (a weak answer of
    # theirs) = 2.8; 5 x 0.5 (their second weak answer) = 1.3: 48.9
    assert verdict == "at_risk" and risk == 49
    assert sentence.startswith("At risk of no decision (49/100): 4 answers got worse since "
                               "the last interview: ")


def test_cost_of_inaction_unknown(world: World) -> None:
    deal = world.deal("Why now", "proposal", close_in=45)
    world.interview(deal, bant=BANT, meddic=MEDDIC,
                    alignment=unknown(ALIGNMENT, "cost_of_inaction"))
    assert world.judged(deal) == (
        "at_risk", "At risk of no decision (40/100): red flag in Customer alignment: Do they "
        "know what doing nothing costs them? (unknown).", 40)


EARLY_AND_UNKNOWN = unknown({}, *ALIGNMENT)


def test_early_discovery(world: World) -> None:
    deal = world.deal("Discovery", "discovery", close_in=180,
                      contacts=(("Ann Lee", "champion"),))
    world.interview(deal, bant={"need_importance": 4}, alignment=EARLY_AND_UNKNOWN)
    # One contact: who owns the change on their side comes first.
    assert world.judged(deal) == (
        "early", "Early: not yet qualified. Learn next: Is there a senior sponsor who owns "
        "the change, not just the purchase?", 0)


def test_learn_next_follows_what_the_deal_lacks_and_whom_we_know(world: World) -> None:
    mapped = world.deal("Mapped", "discovery", close_in=180)
    world.interview(mapped, bant={"need_importance": 4}, alignment=EARLY_AND_UNKNOWN)
    # Three people known, readiness weaker than fit: the need to change, first.
    assert world.judged(mapped)[1] == ("Early: not yet qualified. Learn next: Who in their "
                                       "organisation agrees that they must change?")
    aligned = world.deal("Aligned", "discovery", close_in=180)
    world.interview(aligned, alignment=ALIGNMENT, bant={"need_importance": 4})
    # Their side is known; ours is the weaker: what qualifies it for us comes first.
    assert world.judged(aligned)[1] == ("Early: not yet qualified. Learn next: Do we know "
                                        "who can say yes to this purchase?")


def test_late_and_unready(world: World) -> None:
    deal = world.deal("Late", "negotiation", close_in=14, contacts=(("Ann Lee", "champion"),))
    world.interview(deal, bant=BANT, meddic=MEDDIC, alignment=EARLY_AND_UNKNOWN)
    verdict, sentence, risk = world.judged(deal)
    assert (verdict, risk) == ("at_risk", 89)
    assert sentence == ("At risk of no decision (89/100): red flag in Customer alignment: Who "
                        "in their organisation agrees that they must change? (unknown). Closes "
                        "in 14 days.")


def test_late_and_unready_is_the_loudest_alarm(world: World) -> None:
    early = world.deal("Discovery", "discovery", close_in=180,
                       contacts=(("Ann Lee", "champion"),))
    world.interview(early, bant={"need_importance": 4}, alignment=EARLY_AND_UNKNOWN)
    late = world.deal("Late", "negotiation", close_in=14, contacts=(("Ann Lee", "champion"),))
    world.interview(late, bant=BANT, meddic=MEDDIC, alignment=EARLY_AND_UNKNOWN)
    abandoner = world.deal("Abandoner", "qualified", close_in=150)
    world.interview(abandoner, bant=BANT, meddic=MEDDIC,
                    alignment={**ALIGNMENT, "track_record": "abandoned"})
    world.at(0)
    rows = json.loads(world.run("deals", "--at-risk", "-f", "json", ok=True).stdout)
    assert [r["id"] for r in rows] == ["late", "abandoner"]
    assert [r["verdict_kind"] for r in rows] == ["at_risk", "at_risk"]
    assert world.judged(early)[0] == "early"


# --- outcomes ----------------------------------------------------------------------------------

def test_closing_as_no_decision_needs_a_reason_and_is_looked_back_on(world: World) -> None:
    deal = world.deal("Stuck", "proposal", close_in=30)
    world.interview(deal, days_ago=10, bant=BANT, meddic=MEDDIC,
                    alignment=unknown(ALIGNMENT, "cost_of_inaction", "priority_rank"))
    result = world.run("deal", "close", deal, "--outcome", "no_decision")
    assert result.exit_code == 2 and "needs --reason" in result.stderr
    assert world.run("lookback", ok=True).stdout.startswith("Nothing to compare yet")
    world.run("deal", "close", deal, "--outcome", "no-decision", "--reason",
              "Kept their spreadsheets", ok=True)
    assert world.judged(deal)[:2] == ("closed", "Closed: ended in no decision (Kept their "
                                                "spreadsheets).")
    data = json.loads(world.run("lookback", "-f", "json", ok=True).stdout)
    assert data["closed"] == 1
    band = next(b for b in data["bands"] if b["deals"])
    assert (band["risk"], band["no_decision"]) == ("40-59", 1)
    assert data["weak_in_no_decision"][0]["question"] == "alignment.cost_of_inaction"
    assert world.run("deals", "--at-risk", "-f", "ids", ok=True).stdout == ""


# --- the demo pipeline looks like a real one --------------------------------------------------

def test_the_demo_pipeline_tells_deals_apart(run: Run, home: Home,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from qualicoach.coaching.pipeline import figures, pipeline
    from qualicoach.config.settings import Settings
    from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog

    db = home.root / "demo.json"
    run("--db", str(db), "demo", "--deals", "200", ok=True)
    store = Store(db)
    rows = pipeline(store, load_catalog([Source("built-in", builtin_folder())]), Settings(),
                    store.clock())
    found = figures(rows)
    with capsys.disabled():  # the pipeline's figures, in the test log
        print(f"\ndemo --deals 200: {found.open} open, {found.at_risk} at risk "
              f"({found.at_risk_share:.0%}), {found.at_cap} at the cap "
              f"({found.at_cap_share:.1%}); {found.verdicts}; closed {found.outcomes}")
    assert 0.15 <= found.at_risk_share <= 0.40
    assert found.at_cap_share < 0.05
    # The top ranks: at most a few percent at 95 or more.
    assert sum(1 for r in rows if r.verdict != "closed" and (r.risk or 0) >= 95) <= \
        0.05 * found.open
    assert all(found.verdicts.values()), found.verdicts
    closed = sum(found.outcomes.values())
    assert 0.15 <= found.outcomes["no_decision"] / closed <= 0.40
    at_risk = [r for r in rows if r.at_risk]
    # Varied enough to act on: not one reason, not one risk.
    assert len({r.main_reason for r in at_risk}) >= 10
    assert len({r.risk for r in at_risk}) >= 15
