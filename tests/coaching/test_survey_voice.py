"""Every built-in self-assessment speaks to the customer: its questions and each answer it
offers are in their voice, never in the rep's words about them."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from qualicoach.coaching.survey import Form, form_text, make_form, survey_questions
from qualicoach.domain.deal import Contact, Deal
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.render.survey import form_html

# The rep's words about the customer, and ours about ourselves, that must not reach them.
SELLER_VOICE = re.compile(
    r"\b(they|their|them|theirs|our contact|our estimate|our suggested|we proposed|"
    r"the customer|economic buyer|champion)\b", re.I)

CATALOG = load_catalog([Source("built-in", builtin_folder())])
READINESS = [f.id for f in CATALOG.frameworks() if f.perspective == "readiness"]


def a_form(framework_id: str) -> Form:
    deal = Deal(id="acme-renewal", name="ACME renewal", account="Acme Corp",
                created=datetime(2026, 1, 5, tzinfo=timezone.utc),
                contacts=(Contact("Dana Ruiz", "economic_buyer", "VP Finance"),))
    return make_form(deal, deal.contacts[0], survey_questions(CATALOG, [framework_id]),
                     date(2026, 3, 1))


@pytest.mark.parametrize("framework_id", READINESS)
def test_every_question_and_answer_on_a_builtin_form_is_in_the_customers_voice(
        framework_id: str) -> None:
    form = a_form(framework_id)
    assert form.questions and not form.rep_worded
    for q in form.questions:
        for words in (q.text, q.why, *(o.label for o in q.options)):
            assert not SELLER_VOICE.search(words), (q.key, words)


@pytest.mark.parametrize("framework_id", READINESS)
def test_the_rendered_forms_carry_no_seller_voice_either(framework_id: str) -> None:
    form = a_form(framework_id)
    for page in (form_text(form), form_html(form)):
        # The one sentence about who reads the answers speaks of the customer's own team.
        found = {m.group(0).lower() for m in SELLER_VOICE.finditer(page)}
        assert not found, (framework_id, found)


def test_a_yes_no_question_offers_the_customers_words_not_yes_partly_no() -> None:
    form = a_form("alignment")
    date_question = next(q for q in form.questions
                         if q.key == "alignment.decision_date_committed")
    assert date_question.text == "Have you set a date by which you will decide, either way?"
    assert [o.label for o in date_question.options] == [
        "Yes, a date is set (which one? write it in the comment)",
        "A rough time frame, not a date", "No date yet", "Not sure"]


def test_a_scale_says_what_its_ends_mean() -> None:
    form = a_form("alignment")
    scale = next(q for q in form.questions
                 if q.key == "alignment.agendas_aligned")
    labels = [o.label for o in scale.options]
    assert labels[0].startswith("1 - Not at all") and labels[4].startswith("5 - Completely")
