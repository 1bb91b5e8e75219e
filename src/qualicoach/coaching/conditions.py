"""Conditions on earlier answers (``when:``), evaluated as data, never as code."""

from __future__ import annotations

from collections.abc import Mapping

from qualicoach.domain.answer import Answer, Value
from qualicoach.frameworks.model import Framework, Question, WhenClause


def applies(framework: Framework, question: Question, answers: Mapping[str, Answer]) -> bool:
    """True when every clause of the question's condition holds on ``answers``.

    A clause on a question with no answer at all does not hold: the question is not asked,
    and does not count in scores, until the earlier question is answered.
    """
    for clause in question.when:
        target = framework.question(clause.question)
        if target is None:
            return False
        answer = answers.get(target.answer_key)
        if answer is None or not _holds(clause, answer):
            return False
    return True


def _holds(clause: WhenClause, answer: Answer) -> bool:
    value: Value = answer.value if answer.status == "answered" else answer.status
    if clause.op in ("at_least", "at_most"):
        if answer.status != "answered" or not isinstance(value, (int, float)):
            return False
        limit = float(clause.values[0])
        return value >= limit if clause.op == "at_least" else value <= limit
    given = _as_texts(value)
    wanted = {_normalise(v) for v in clause.values}
    hit = bool(given & wanted)
    return hit if clause.op in ("equals", "in") else not hit


def _as_texts(value: Value) -> set[str]:
    if isinstance(value, list):
        return {_normalise(v) for v in value}
    return {_normalise(value)}


def _normalise(value: object) -> str:
    # Numbers compare by value: a scale answer 4.0 equals the condition value "4".
    if isinstance(value, float) or (isinstance(value, str) and _is_number(value)):
        return f"{float(value):g}"
    return str(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
