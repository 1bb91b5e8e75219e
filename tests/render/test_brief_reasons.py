"""The brief's reasons, word for word: each question whole, each count with its noun."""

from __future__ import annotations

import re
from datetime import date

import pytest

from qualicoach.coaching.report import Report, report_from
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer
from qualicoach.domain.deal import Contact, Deal
from qualicoach.domain.interview import Interview
from qualicoach.domain.wording import counted
from qualicoach.render.report.sections import report_view

from ..helpers.reports import CATALOG, NOW, answer, at, render_text

SCALE_PROMPT = "How aligned are the affected groups' agendas and priorities (1-5)?"
# Every other alignment question answered well, so the scale question and the answers that
# got worse are among the brief's three reasons.
GOOD = {"alignment.org_acknowledges_need": "organisation",
        "alignment.cost_of_inaction": "agreed_figure",
        "alignment.outcomes_shared": "specific_shared", "alignment.priority_rank": "top",
        "alignment.resources_named": "yes", "alignment.sponsor_owns_change": "yes",
        "alignment.change_capacity": "ready", "alignment.track_record": "finished",
        "alignment.process_agreed": "agreed", "alignment.decision_date_committed": "yes"}


def report_with(before: dict[str, object], after: dict[str, object]) -> Report:
    """A deal at proposal, two alignment interviews: ``before`` then ``after`` (on top of
    the good answers)."""
    deal = Deal(id="acme", name="ACME", account="ACME Corp", owner="ana", stage="proposal",
                amount=100000.0, currency="EUR", close_date=date(2027, 2, 28), next_step="",
                contacts=(Contact("Ann Lee", "champion", "COO"),
                          Contact("Bo Ek", "economic_buyer", "CFO")),
                created=at(30), updated=at(1), history=())

    def answers(values: dict[str, object], days_ago: int) -> dict[str, Answer]:
        return {key: answer(value, days_ago) for key, value in {**GOOD, **values}.items()}

    interviews = [
        Interview("acme#1", "acme", {"alignment": "1.0"}, at(20), "finished", at(20),
                  answers(before, 20)),
        Interview("acme#2", "acme", {"alignment": "1.0"}, at(2), "finished", at(2),
                  answers(after, 2)),
    ]
    return report_from(deal, interviews, CATALOG, Settings(), NOW)


def reasons(report: Report) -> list[str]:
    view = report_view(report)
    assert view.brief is not None
    return [r.text for r in view.brief.reasons]


def test_a_scale_question_keeps_its_scale_and_its_answer() -> None:
    report = report_with({"alignment.agendas_aligned": 4.0},
                         {"alignment.agendas_aligned": 2.0})
    assert f"{SCALE_PROMPT} 2" in reasons(report)
    assert f"{SCALE_PROMPT} 2" in render_text(report)


def test_one_answer_that_got_worse_is_said_in_the_singular() -> None:
    report = report_with({"alignment.agendas_aligned": 4.0},
                         {"alignment.agendas_aligned": 2.0})
    assert "1 answer got worse" in reasons(report)
    text = render_text(report)
    assert "1 answer got worse" in text and "1 answers" not in text


def test_two_answers_that_got_worse_are_said_in_the_plural() -> None:
    report = report_with({"alignment.agendas_aligned": 4.0, "alignment.priority_rank": "top"},
                         {"alignment.agendas_aligned": 2.0,
                          "alignment.priority_rank": "top_five"})
    assert "2 answers got worse" in reasons(report)


def test_an_unclear_answer_reads_unclear_not_unknown() -> None:
    report = report_with({}, {"alignment.agendas_aligned": "unclear"})
    assert f"{SCALE_PROMPT} unclear" in reasons(report)


def test_one_assumed_or_stale_answer_is_said_in_the_singular() -> None:
    report = report_with({}, {})
    last = report.interviews[-1]
    key = "alignment.priority_rank"
    # One answer the customer never confirmed, and one confirmed long ago.
    answers = {**last.answers, key: answer("top", 2, verified=False),
               "alignment.track_record": answer("finished", 200)}
    report = report_from(report.deal, [report.interviews[0], Interview(
        last.id, last.deal_id, last.frameworks, last.started, last.status, last.ended,
        answers)], CATALOG, Settings(), NOW)
    causes = {c.kind: c for c in report.assessment.causes}
    assert causes["assumption"].short == "1 assumed answer"
    assert re.match(r"1 of \d+ answers is only our assumption", causes["assumption"].message)
    assert causes["stale"].short == "1 stale answer"
    assert re.match(r"1 of \d+ answers was last confirmed", causes["stale"].message)


@pytest.mark.parametrize("count,noun,said", [
    (0, "answer", "0 answers"), (1, "answer", "1 answer"), (2, "stale answer", "2 stale answers"),
    (1, "day", "1 day"), (3, "person", "3 people")])
def test_counted_says_a_count_with_its_noun(count: int, noun: str, said: str) -> None:
    assert counted(count, noun, "people" if noun == "person" else "") == said


@pytest.mark.parametrize("red_flag", [True, False])
def test_the_red_flag_key_is_there_only_with_a_red_flag_among_the_reasons(
        red_flag: bool) -> None:
    from qualicoach.render.report.sections import Brief, Reason
    from qualicoach.render.report.text import brief

    section = Brief(reasons=(Reason(30.0, "nothing confirmed in 90 days", red_flag),),
                    reasons_total=30.0, cause_count=1, asks=(), since="")
    title = str(brief(section)[0])
    assert title.strip() == "Why  30 of the risk's points" + ("; ! red flag" if red_flag
                                                               else "")
