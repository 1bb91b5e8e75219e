"""Alignment measured from the customer's own answers (their self-assessment replies).

Alignment is a property of several people agreeing, so it is measured by asking them:
each stakeholder's latest reply gives their answer to each question; where several
answered, the spread of their answers' scores says whether they agree. The rep's answer
stays what it was, shown beside theirs where the two differ; readiness uses the
customer's own answers where they exist. docs/scoring.md explains the measure with a
worked example. Pure functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qualicoach.coaching.scoring import answer_score
from qualicoach.domain.answer import Answer, describe_value
from qualicoach.domain.deal import Deal
from qualicoach.domain.interview import Interview
from qualicoach.frameworks.model import Framework, Question


class Said(NamedTuple):
    """What one stakeholder answered to one question, in their latest reply."""

    respondent: str
    who: str  # the name with their title or role: "Ann Lee (CFO)"
    answer: Answer
    text: str
    score: float


class QuestionAlignment(NamedTuple):
    """One question the customer's people answered: who said what, and whether they agree.

    ``spread``: the highest score minus the lowest (None when not measured: a single
    respondent, or an answer in words). ``customer``: the answer readiness uses, the lower
    middle one by score. ``rep``: the rep's own answer, if any.
    """

    framework: Framework
    question: Question
    said: tuple[Said, ...]
    spread: float | None
    agree: bool | None
    customer: Answer
    customer_score: float
    rep: Answer | None
    rep_differs: bool

    @property
    def rep_text(self) -> str | None:
        """The rep's answer in words, if the rep gave one."""
        return describe_value(self.question, self.rep) if self.rep is not None else None

    @property
    def rep_hopes_more(self) -> bool:
        """True when the rep's answer is better than what the customer's people said."""
        return self.rep is not None and answer_score(self.question, self.rep) > \
            self.customer_score

    def said_text(self) -> str:
        """'Ann Lee (CFO): Their top priority; Bob (user): Not ranked'."""
        return "; ".join(f"{s.who}: {s.text}" for s in self.said)

    @property
    def state(self) -> str:
        """How their answers compare, in a word: "one answer", "in words" (not measured),
        "disagree", "not sure" (someone said so), "agree" (all the same answer), or
        "close" (different answers whose scores are near: never called agreement)."""
        if len(self.said) == 1:
            return "in words" if self.question.type == "text" else "one answer"
        if self.agree is None:
            return "in words"
        if not self.agree:
            return "disagree"
        if any(s.answer.status != "answered" for s in self.said):
            return "not sure"
        first = self.said[0].answer
        return "agree" if all(s.answer.same_value(first) for s in self.said) else "close"

    def whose(self) -> str:
        """Whose answer readiness uses: 'Ann Lee (CFO)', or with several replies 'Ann Lee
        (CFO), the middle of 3 replies'."""
        said = next((s for s in self.said if s.answer is self.customer), self.said[0])
        return said.who if len(self.said) == 1 else (
            f"{said.who}, the middle of {len(self.said)} replies")


class Alignment(NamedTuple):
    """Every question the customer's people answered, and who replied."""

    questions: tuple[QuestionAlignment, ...] = ()
    respondents: tuple[str, ...] = ()

    @property
    def disagreements(self) -> tuple[QuestionAlignment, ...]:
        """The questions the customer's own people disagree on, widest spread first."""
        return tuple(sorted((q for q in self.questions if q.agree is False),
                            key=lambda q: -(q.spread or 0.0)))

    @property
    def rep_differences(self) -> tuple[QuestionAlignment, ...]:
        """The questions where what we believe differs from what they said."""
        return tuple(q for q in self.questions if q.rep_differs)


def is_reply(interview: Interview) -> bool:
    """True for a customer's self-assessment reply, False for the rep's own interview."""
    return bool(interview.respondent)


def rep_answers(interviews: Sequence[Interview]) -> dict[str, Answer]:
    """The rep's latest answer to each question (replies left out)."""
    merged: dict[str, Answer] = {}
    for interview in interviews:
        if not is_reply(interview):
            merged.update(interview.answers)
    return merged


def deal_answers(deal: Deal, interviews: Sequence[Interview], frameworks: Sequence[Framework],
                 disagree_from: float) -> tuple[dict[str, Answer], Alignment]:
    """The answers a deal is scored on, and its alignment: the rep's answers, with the
    customer's own (the lower middle of their latest answers) where they replied."""
    rep = rep_answers(interviews)
    alignment = measure(deal, frameworks, rep, interviews, disagree_from)
    answers = dict(rep)
    for qa in alignment.questions:
        answers[qa.question.answer_key] = qa.customer
    return answers, alignment


def measure(deal: Deal, frameworks: Sequence[Framework], rep: dict[str, Answer],
            interviews: Sequence[Interview], disagree_from: float) -> Alignment:
    """Per question, the respondents' latest answers and whether they agree (their
    scores spread less than ``disagree_from``)."""
    latest: dict[str, dict[str, Answer]] = {}  # answer key -> respondent -> answer
    names: dict[str, str] = {}
    for interview in interviews:  # oldest first: a later reply replaces an earlier one
        if not is_reply(interview):
            continue
        person = interview.respondent.casefold()
        names.setdefault(person, interview.respondent)
        for key, answer in interview.answers.items():
            latest.setdefault(key, {})[person] = answer
    if not latest:
        return Alignment()
    found, seen = [], set()
    for framework in frameworks:
        for q in framework.questions():
            key = q.answer_key
            if key in seen or key not in latest:
                continue
            seen.add(key)
            found.append(_question(deal, framework, q, latest[key], names, rep.get(key),
                                   disagree_from))
    return Alignment(tuple(found), tuple(sorted(names.values(), key=str.casefold)))


def _question(deal: Deal, framework: Framework, q: Question, by_person: dict[str, Answer],
              names: dict[str, str], rep: Answer | None, disagree_from: float
              ) -> QuestionAlignment:
    said = tuple(sorted(
        (Said(names[p], who_is(deal, names[p]), a,
              # What the form offered them: "Not sure", not our word for it.
              "not sure" if a.status == "unclear" else describe_value(q, a),
              answer_score(q, a))
         for p, a in by_person.items()), key=lambda s: (-s.score, s.respondent.casefold())))
    # The lower middle answer: one enthusiast does not make the organisation ready, and
    # one sceptic among many does not sink it (disagreement is its own cause).
    ranked = sorted(said, key=lambda s: s.score)
    middle = ranked[(len(ranked) - 1) // 2]
    measured = len(said) > 1 and q.type != "text"
    spread = max(s.score for s in said) - min(s.score for s in said) if measured else None
    agree = None if spread is None else spread < disagree_from
    rep_differs = (rep is not None and rep.status == "answered" and q.type != "text"
                   and abs(answer_score(q, rep) - middle.score) >= disagree_from)
    return QuestionAlignment(framework, q, said, spread, agree, middle.answer, middle.score,
                             rep, rep_differs)


def who_is(deal: Deal, name: str) -> str:
    """A stakeholder's name with their title (or role): 'Ann Lee (CFO)'."""
    contact = next((c for c in deal.contacts if c.name.casefold() == name.casefold()), None)
    if contact is None:
        return name
    what = contact.title or ("" if contact.role == "unknown" else contact.role.replace("_", " "))
    return f"{contact.name} ({what})" if what else contact.name
