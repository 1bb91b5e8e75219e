"""Scoring, as pure functions: how good each answer is (the report is built on this).

See docs/frameworks.md ("Answer types and how they score"). Cached assessments are keyed
by a fingerprint of this code (``pipeline.rules_fingerprint``): a change here rescores them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from qualicoach.coaching.conditions import applies
from qualicoach.domain.answer import Answer, Value
from qualicoach.frameworks.model import Element, Framework, Perspective, Question

WEAK_BELOW = 0.5


def answer_score(question: Question, answer: Answer | None) -> float:
    """The answer's score from 0 (weak) to 1 (strong); a gap (none, unknown, unclear) is 0."""
    if answer is None or answer.status != "answered" or answer.value is None:
        return 0.0
    value = answer.value
    kind = question.type
    if kind == "yes_no":
        return question.scores.get(str(value), 0.0)
    if kind == "choice":
        choice = question.choice(str(value))
        return choice.score if choice else 0.0
    if kind == "multi":
        values = value if isinstance(value, list) else [str(value)]
        total = sum(c.score for v in values if (c := question.choice(v)) is not None)
        return min(1.0, total)
    if kind == "scale":
        return question.scores.get(str(int(_number(value))), 0.0)
    if kind == "number":
        if not question.bands:
            return 1.0
        number = _number(value)
        return next((b.score for b in question.bands if number >= b.at_least), 0.0)
    return 1.0  # date and text: a specific answer was given


def _number(value: Value) -> float:
    """A stored scale or number answer as a number; anything else (a list, or text that a
    hand edit of the database put there) counts as 0, as a choice the question lacks does."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def is_weak(question: Question, answer: Answer | None, weak_below: float = WEAK_BELOW) -> bool:
    """True when the answer is a gap or scores below ``weak_below``."""
    return answer_score(question, answer) < weak_below


class QuestionScore(NamedTuple):
    """A question that counts for the deal now, its answer and score."""

    question: Question
    answer: Answer | None
    score: float


class ElementScore(NamedTuple):
    """An element's weighted score (None when nothing in it counts)."""

    element: Element
    score: float | None
    questions: tuple[QuestionScore, ...]


class FrameworkScore(NamedTuple):
    """A framework's weighted score (None when nothing in it counts)."""

    framework: Framework
    score: float | None
    elements: tuple[ElementScore, ...]


def score_framework(framework: Framework, answers: Mapping[str, Answer]) -> FrameworkScore:
    """Score a framework on the answers (keyed by ``Question.answer_key``).

    A question counts when its condition holds; an optional element counts once any of
    its questions has an answer. Unanswered questions that count score 0: a gap.
    """
    elements = []
    for element in framework.elements:
        if element.optional and not any(q.answer_key in answers for q in element.questions):
            continue
        counted = tuple(
            QuestionScore(q, answers.get(q.answer_key), answer_score(q, answers.get(q.answer_key)))
            for q in element.questions if applies(framework, q, answers)
        )
        elements.append(ElementScore(element, _weighted(
            (qs.score, qs.question.weight) for qs in counted), counted))
    score = _weighted((e.score, e.element.weight) for e in elements if e.score is not None)
    return FrameworkScore(framework, score, tuple(elements))


def perspective_score(scores: Iterable[FrameworkScore], perspective: Perspective
                      ) -> float | None:
    """The mean score, 0-100, of the frameworks of one perspective (fit or readiness)."""
    values = [s.score for s in scores
              if s.framework.perspective == perspective and s.score is not None]
    return percent(sum(values) / len(values)) if values else None


def percent(score: float | None) -> float | None:
    """A 0..1 score as 0-100 with one decimal, rounded half up as people do by hand."""
    if score is None:
        return None
    return math.floor(score * 1000 + 0.5 + 1e-9) / 10


def _weighted(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    total = weight_sum = 0.0
    for score, weight in pairs:
        if score is None or weight <= 0:
            continue
        total += score * weight
        weight_sum += weight
    return total / weight_sum if weight_sum else None
