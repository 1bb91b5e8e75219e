"""The framework model: what a validated framework file becomes.

Plain frozen dataclasses; the loader (``qualicoach.frameworks.loader``) is the only thing
that builds them from files, and it has already checked every rule documented in docs/frameworks.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, NamedTuple, Union

Perspective = Literal["fit", "readiness"]
AnswerType = Literal["yes_no", "choice", "multi", "scale", "number", "date", "text"]

PERSPECTIVES: tuple[Perspective, ...] = ("fit", "readiness")
ANSWER_TYPES: tuple[AnswerType, ...] = (
    "yes_no", "choice", "multi", "scale", "number", "date", "text",
)
# Two ways of not having an answer, valid for every question: "unknown" means it never
# came up, "unclear" means it was discussed and is still vague. Both are gaps.
UNKNOWN = "unknown"
UNCLEAR = "unclear"
GAP_VALUES = (UNKNOWN, UNCLEAR)

# The open stages of a deal, in the order a deal moves through them: what a question's
# ``settle_by`` names (what must be known by when). Declared here, the one place, because
# the framework format may not depend on the deal model; ``domain.vocabulary`` takes them
# from here.
OPEN_STAGES = ("prospect", "discovery", "qualified", "proposal", "negotiation")
DEFAULT_SETTLE_BY = "qualified"

YES_NO_VALUES = ("yes", "partial", "no")
DEFAULT_YES_NO_SCORES = {"yes": 1.0, "partial": 0.5, "no": 0.0}
SCALE_VALUES = (1, 2, 3, 4, 5)
DEFAULT_SCALE_SCORES = {1: 0.0, 2: 0.25, 3: 0.5, 4: 0.75, 5: 1.0}

ConditionValue = Union[str, float]  # noqa: UP007 - a runtime alias on Python 3.10
ConditionOp = Literal["equals", "not", "in", "not_in", "at_least", "at_most"]
CONDITION_OPS: tuple[ConditionOp, ...] = ("in", "not", "not_in", "at_least", "at_most")


class Position(NamedTuple):
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int
    column: int


NOWHERE = Position("<memory>", 1, 1)


class Choice(NamedTuple):
    """One option of a choice or multi question."""

    value: str
    label: str
    score: float
    # The answer said to the customer, for what we send them. Labels are the rep's
    # reading ("Specific, with examples"); without this, a summary for the customer asks
    # the question again rather than read the rep's label back to them.
    customer_label: str = ""


class Band(NamedTuple):
    """A number question's score for answers of at least ``at_least``."""

    at_least: float
    score: float


class WhenClause(NamedTuple):
    """One clause of a ``when:`` condition: an earlier answer compared with values (see
    docs/frameworks.md)."""

    question: str
    op: ConditionOp
    values: tuple[ConditionValue, ...]
    position: Position = NOWHERE


@dataclass(frozen=True)
class Question:
    """A question: what to ask, why, how, and how its answers score."""

    id: str
    prompt: str
    type: AnswerType
    framework_id: str = ""
    element_id: str = ""
    why: str = ""
    how_to_ask: str = ""
    # The question in the customer's own voice, for what we send them (their summary, their
    # self-assessment); empty when it should not go to the customer as written.
    customer_prompt: str = ""
    customer_why: str = ""
    # A yes_no or scale answer in the customer's voice, by value ("yes", "5"): what the
    # self-assessment offers them instead of "Yes / Partly / No" or a bare number.
    customer_answers: dict[str, str] = field(default_factory=dict)
    follow_ups: tuple[str, ...] = ()
    weight: float = 1.0
    red_flag: bool = False
    when: tuple[WhenClause, ...] = ()
    choices: tuple[Choice, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    bands: tuple[Band, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    same_as: str | None = None
    # The open stage by which the answer must be settled (the question's own, else its
    # element's; None: the default, DEFAULT_SETTLE_BY). Before it, a gap is still to learn.
    settle_by: str | None = None
    position: Position = NOWHERE
    same_as_position: Position = NOWHERE

    @property
    def key(self) -> str:
        """The question's global name, ``framework.question``."""
        return f"{self.framework_id}.{self.id}"

    @property
    def settle_stage(self) -> str:
        """The stage by which the answer must be settled (``settle_by`` or the default)."""
        return self.settle_by or DEFAULT_SETTLE_BY

    @property
    def answer_key(self) -> str:
        """Where the answer is stored: the shared question's key, or this question's own."""
        return self.same_as or self.key

    def choice(self, value: str) -> Choice | None:
        """The choice with this value, if any."""
        return next((c for c in self.choices if c.value == value), None)

    def customer_options(self) -> tuple[tuple[str, str], ...]:
        """Each answer the customer can give and its words to them, (value, words), in
        order; a word is empty where the framework has none (see ``unworded_answers``)."""
        if self.type in ("choice", "multi"):
            return tuple((c.value, c.customer_label) for c in self.choices)
        if self.type == "yes_no":
            return tuple((v, self.customer_answers.get(v, "")) for v in YES_NO_VALUES)
        if self.type == "scale":
            return tuple((str(v), self.customer_answers.get(str(v), "")) for v in SCALE_VALUES)
        return ()

    def unworded_answers(self) -> tuple[str, ...]:
        """The answers a customer could give that have no customer wording: every choice
        needs its own; a scale needs only its ends (the middle reads as a number between
        them)."""
        options = self.customer_options()
        if self.type == "scale":
            options = (options[0], options[-1])
        return tuple(value for value, words in options if not words)

    def valid_values(self) -> tuple[str, ...]:
        """The answer values a condition may test, besides unknown/unclear."""
        if self.type == "yes_no":
            return YES_NO_VALUES
        if self.type in ("choice", "multi"):
            return tuple(c.value for c in self.choices)
        if self.type == "scale":
            return tuple(str(v) for v in SCALE_VALUES)
        return ()


@dataclass(frozen=True)
class Element:
    """A part of a framework (MEDDIC's Economic Buyer) and its questions."""

    id: str
    name: str
    questions: tuple[Question, ...]
    description: str = ""
    weight: float = 1.0
    optional: bool = False
    settle_by: str | None = None
    position: Position = NOWHERE


@dataclass(frozen=True)
class Framework:
    """A qualification framework: seller fit (BANT, MEDDIC, ICP) or customer readiness."""

    id: str
    name: str
    version: str
    perspective: Perspective
    elements: tuple[Element, ...]
    description: str = ""
    source: str = ""
    position: Position = NOWHERE

    def questions(self) -> Iterator[Question]:
        """Every question, in the order they are asked."""
        for element in self.elements:
            yield from element.questions

    def question(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return self._by_id.get(question_id)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        # Built once: resolving every same_as and answer by scanning all questions made
        # big frameworks quadratic. The first question of an id wins, as a scan would.
        by_id: dict[str, Question] = {}
        for question in self.questions():
            by_id.setdefault(question.id, question)
        return by_id

    @property
    def question_count(self) -> int:
        """How many questions the framework has."""
        return sum(len(e.questions) for e in self.elements)
