"""Whom to ask next: from the deal's stakeholders and who gave the answer."""

from __future__ import annotations

from qualicoach.coaching.report import whom_to_ask
from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Contact, Deal

PEOPLE = (Contact("Ann Lee", "champion", "COO"), Contact("Bo Chan", "economic_buyer", "CFO"),
          Contact("Cy Diaz", "blocker", "CIO"), Contact("Di Eve", "unknown", "Analyst"))


def deal(*contacts: Contact) -> Deal:
    return Deal(id="d", name="D", contacts=contacts)


def said_by(source: str) -> Answer:
    return Answer("unclear", None, Evidence(source, False))


def test_the_customers_alignment_goes_to_who_decides() -> None:
    assert whom_to_ask(deal(*PEOPLE), "readiness", None) == "Bo Chan (economic buyer)"


def test_a_seller_side_fact_goes_to_the_champion_first() -> None:
    assert whom_to_ask(deal(*PEOPLE), "fit", None) == "Ann Lee (champion)"


def test_a_weak_answer_wants_a_second_voice() -> None:
    assert whom_to_ask(deal(*PEOPLE), "readiness", said_by("Bo Chan (CFO)")) == (
        "Ann Lee (champion)")


def test_the_only_person_is_asked_again_and_a_blocker_never() -> None:
    assert whom_to_ask(deal(PEOPLE[0], PEOPLE[2]), "readiness", said_by("Ann Lee")) == (
        "Ann Lee (champion)")
    assert whom_to_ask(deal(PEOPLE[3]), "fit", None) == "Di Eve (Analyst)"  # title, no role


def test_without_stakeholders_it_is_your_contact() -> None:
    assert whom_to_ask(deal(), "fit", None) == "your contact"
    assert whom_to_ask(deal(), "fit", said_by("Zed")) == "Zed, and who else is involved"
