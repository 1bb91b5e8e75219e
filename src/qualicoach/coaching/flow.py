"""The interview engine: which question comes next, and taking answers to it.

It knows nothing of terminals. A front end (``qualicoach.coaching.prompts``) asks ``next_step()``,
shows the step however it likes, and hands back what the rep said; every accepted answer
goes straight to the sink (the store), so nothing answered is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from qualicoach.coaching.conditions import applies
from qualicoach.coaching.scoring import WEAK_BELOW, is_weak
from qualicoach.domain.answer import Answer, Evidence, parse_value
from qualicoach.frameworks.model import Element, Framework, Question


class AnswerSink(Protocol):
    """Where accepted answers go, one at a time (the store)."""

    def __call__(self, key: str, answer: Answer) -> None: ...


@dataclass(frozen=True)
class Step:
    """The next question to ask, with what the rep needs to see around it."""

    framework: Framework
    element: Element
    question: Question
    number: int
    total: int
    previous: Answer | None
    shared_with: tuple[str, ...] = ()
    conditional: bool = False  # asked only because of earlier answers; not in ``total``
    conditionals: int = 0  # how many such questions the run may add to ``total``
    # What the customer's people said on their self-assessments, one line each ("Dana
    # Ruiz (VP Finance): Their top priority"), shown beside the rep's last answer.
    theirs: tuple[str, ...] = ()
    disagreed: bool = False  # their people disagree on it
    again: bool = False  # gone back to: ``previous`` is this interview's own answer

    @property
    def key(self) -> str:
        """Where the answer is stored."""
        return self.question.answer_key


@dataclass(frozen=True)
class _Planned:
    framework: Framework
    element: Element
    question: Question


class QuestionFlow:
    """Walks one or more frameworks for one deal, honouring conditions and shared questions."""

    def __init__(
        self,
        frameworks: Iterable[Framework],
        sink: AnswerSink,
        clock: Callable[[], datetime],
        previous: Mapping[str, Answer] | None = None,
        given: Mapping[str, Answer] | None = None,
        only_gaps: bool = False,
        stale_after: timedelta | None = None,
        include_optional: bool = False,
        weak_below: float = WEAK_BELOW,
        theirs: Mapping[str, tuple[str, ...]] | None = None,
        disagreed: Iterable[str] = (),
    ) -> None:
        """``previous``: answers from earlier interviews (the defaults); ``given``: answers
        already given in this interview (when resuming). ``theirs``: by answer key, what
        the customer's people replied, to show beside ``previous``; ``disagreed``: the
        answer keys they disagree on, asked with ``only_gaps`` however good the rep's
        answer is (that is the gap to work on)."""
        self.frameworks = list(frameworks)
        self.sink = sink
        self.clock = clock
        self.previous = dict(previous or {})
        self.given: dict[str, Answer] = dict(given or {})
        self.only_gaps = only_gaps
        self.theirs = dict(theirs or {})
        self.disagreed = set(disagreed)
        self.stale_after = stale_after
        self.weak_below = weak_below
        self.plan: list[_Planned] = []
        sharing: dict[str, list[str]] = {}
        for framework in self.frameworks:
            for element in framework.elements:
                if element.optional and not include_optional:
                    continue
                for question in element.questions:
                    sharing.setdefault(question.answer_key, []).append(framework.id)
                    if len(sharing[question.answer_key]) == 1:
                        self.plan.append(_Planned(framework, element, question))
        self._sharing = sharing
        self._skipped: set[str] = set()
        # The questions this run answered or skipped, in order, for going back; and the
        # one gone back to, asked next whatever else remains.
        self._done: list[str] = []
        self._back_to: str | None = None
        # The count the rep sees is fixed at the start, so it never jumps: the questions
        # without a condition (those this run wants), plus how many conditional ones exist.
        self._counted = [p for p in self.plan if not p.question.when and self._wanted(p)]
        self._conditionals = sum(1 for p in self.plan if p.question.when)

    # --- what to ask -------------------------------------------------------------------

    def answers(self) -> dict[str, Answer]:
        """Every answer known now: earlier interviews overlaid with this one's."""
        return {**self.previous, **self.given}

    def next_step(self) -> Step | None:
        """The next question to ask, or None when the interview is complete."""
        if self._back_to is not None:
            planned = next(p for p in self.plan if p.question.answer_key == self._back_to)
            # This run's answer is the default, as a previous interview's would be.
            answer = self.given.get(self._back_to)
            return replace(self._step(planned, answer or self.previous.get(self._back_to)),
                           again=answer is not None)
        remaining = [p for p in self.plan if p.question.answer_key not in self.given
                     and p.question.answer_key not in self._skipped and self._wanted(p)]
        if not remaining:
            return None
        return self._step(remaining[0], self.previous.get(remaining[0].question.answer_key))

    def can_go_back(self) -> bool:
        """True when this run has answered or skipped a question to go back to."""
        return bool(self._done)

    def back(self) -> None:
        """Make the question answered or skipped just before the current one the next
        step, to change its answer; its answer stays until a new one is given."""
        if not self._done:
            return
        # From a question gone back to, the one before it: that one left ``_done``.
        self._back_to = self._done.pop()
        self._skipped.discard(self._back_to)

    def _step(self, first: _Planned, previous: Answer | None) -> Step:
        shared = tuple(fw for fw in self._sharing[first.question.answer_key]
                       if fw != first.framework.id)
        conditional = bool(first.question.when)
        place = self.plan.index(first)
        # A question's number is its place among the counted ones; a conditional question
        # carries the number of the last counted question before it.
        before = sum(1 for p in self._counted if self.plan.index(p) < place)
        return Step(first.framework, first.element, first.question,
                    before if conditional else before + 1, len(self._counted),
                    previous, shared, conditional,
                    self._conditionals, self.theirs.get(first.question.answer_key, ()),
                    first.question.answer_key in self.disagreed)

    def _wanted(self, planned: _Planned) -> bool:
        question = planned.question
        if not self.condition_holds(planned.framework, question):
            return False
        if not self.only_gaps or question.answer_key in self.disagreed:
            return True
        previous = self.previous.get(question.answer_key)
        if previous is None or is_weak(question, previous, self.weak_below):
            return True
        if self.stale_after is not None:
            last = previous.confirmed or previous.at
            return last is None or self.clock() - last > self.stale_after
        return False

    def condition_holds(self, framework: Framework, question: Question) -> bool:
        """True when the question's condition holds on the answers so far."""
        return applies(framework, question, self.answers())

    # --- taking answers ------------------------------------------------------------------

    def submit(self, step: Step, raw: Any, evidence: Evidence | None = None,
               note: str = "", private: bool = False) -> Answer:
        """Validate and record an answer; raises InvalidValueError (nothing recorded) if bad."""
        status, value = parse_value(step.question, raw)
        now = self.clock()
        previous = step.previous
        if previous is not None and (previous.status, previous.value) == (status, value):
            # Re-qualifying: the same answer keeps when it was first given, its evidence and
            # note unless new ones are given, and is confirmed today.
            answer = replace(previous, confirmed=now,
                             evidence=evidence if evidence is not None else previous.evidence,
                             note=note or previous.note, private=private or previous.private)
        else:
            answer = Answer(status=status, value=value, evidence=evidence, note=note,
                            private=private, at=now, confirmed=now)
        return self._record(step, answer)

    def annotate(self, step: Step, evidence: Evidence | None, note: str,
                 private: bool) -> Answer:
        """Add evidence and a note to the answer just given to ``step``."""
        answer = replace(self.given[step.key], evidence=evidence, note=note, private=private)
        return self._record(step, answer)

    def skip(self, step: Step) -> None:
        """Leave a question for now (it stays a gap and is asked again next time); one
        gone back to keeps the answer it has."""
        if step.key not in self.given:
            self._skipped.add(step.key)
        self._did(step.key)

    def _record(self, step: Step, answer: Answer) -> Answer:
        self.sink(step.key, answer)
        self.given[step.key] = answer
        self._did(step.key)
        return answer

    def _did(self, key: str) -> None:
        if key in self._done:
            self._done.remove(key)
        self._done.append(key)
        if self._back_to == key:
            self._back_to = None
