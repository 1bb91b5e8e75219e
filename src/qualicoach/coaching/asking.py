"""The guided interview: the engine's questions asked through a Prompter, one at a time.

Terminal-independent: what is shown goes through the Presenter seam, input comes from the
Prompter seam, answers go to the store through the engine the moment they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from qualicoach.coaching.flow import QuestionFlow, Step
from qualicoach.coaching.prompts import Option, Prompter
from qualicoach.domain.answer import YES_NO_TITLES, Answer, Evidence
from qualicoach.errors import InvalidValueError
from qualicoach.frameworks.model import SCALE_VALUES, UNCLEAR, UNKNOWN, Question

HELP = "__help__"
SKIP = "__skip__"
_GAP_OPTIONS = [Option(UNKNOWN, "unknown - it never came up"),
                Option(UNCLEAR, "unclear - discussed, still vague")]
_EXTRA_OPTIONS = [Option(HELP, "? why it matters, how to ask"), Option(SKIP, "skip for now")]


class Presenter(Protocol):
    """Shows the rep what surrounds each question (``render.asking.ConsolePresenter`` is the
    terminal one)."""

    def step(self, step: Step) -> None:
        """Before a question is asked: where it stands, and the previous answer."""

    def help(self, question: Question) -> None:
        """The rep asked for help: why it matters and how to ask it."""

    def retry(self, message: str) -> None:
        """The answer was refused for ``message``; the question is asked again."""


@dataclass
class AskOutcome:
    """What happened in one run of the interview loop."""

    answered: dict[str, Answer] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def ask_questions(engine: QuestionFlow, prompter: Prompter, presenter: Presenter,
                  ask_evidence: bool = True) -> AskOutcome:
    """Ask every remaining question; return what was answered and skipped.

    Ctrl-C (KeyboardInterrupt) and Ctrl-D (EOFError) propagate to the caller; every answer
    given before them is already stored.
    """
    outcome = AskOutcome()
    while (step := engine.next_step()) is not None:
        presenter.step(step)
        answer = _ask_until_valid(engine, prompter, presenter, step)
        if answer is None:
            outcome.skipped.append(step.key)
            continue
        if ask_evidence:
            answer = _annotate(engine, prompter, step, answer)
        outcome.answered[step.key] = answer
    return outcome


def _ask_until_valid(engine: QuestionFlow, prompter: Prompter, presenter: Presenter,
                     step: Step) -> Answer | None:
    while True:
        reply = _ask(prompter, step)
        if reply == HELP:
            presenter.help(step.question)
            continue
        if reply == SKIP:
            engine.skip(step)
            return None
        try:
            return engine.submit(step, reply)
        except InvalidValueError as exc:
            presenter.retry(str(exc))


def _ask(prompter: Prompter, step: Step) -> str | list[str]:
    question, previous = step.question, step.previous
    default = _default_value(step)
    if question.type in ("yes_no", "choice", "scale"):
        if question.type == "yes_no":
            options = [Option(v, title) for v, title in YES_NO_TITLES.items()]
        elif question.type == "choice":
            options = [Option(c.value, c.label) for c in question.choices]
        else:
            options = [Option(str(v), str(v)) for v in SCALE_VALUES]
        return prompter.select(question.prompt, [*options, *_GAP_OPTIONS, *_EXTRA_OPTIONS],
                               default=default if isinstance(default, str) else None)
    if question.type == "multi":
        options = [Option(c.value, c.label) for c in question.choices]
        checked = default if isinstance(default, list) else ([default] if default else [])
        chosen = prompter.checkbox(question.prompt, [*options, *_GAP_OPTIONS, _EXTRA_OPTIONS[0]],
                                   checked=checked)
        if HELP in chosen:
            return HELP
        if not chosen:
            return SKIP
        gaps = [c for c in chosen if c in (UNKNOWN, UNCLEAR)]
        return gaps[0] if len(gaps) == 1 and len(chosen) == 1 else chosen
    hint = {"number": "a number", "date": "YYYY-MM-DD", "text": "text"}[question.type]
    reply = prompter.text(question.prompt, default=str(default or ""),
                          instruction=f"({hint}; unknown, unclear, ? for help, Enter to skip)")
    reply = reply.strip()
    if reply == "?":
        return HELP
    if not reply:
        return SKIP if previous is None else str(default)
    return reply


def _default_value(step: Step) -> str | list[str] | None:
    previous = step.previous
    if previous is None:
        return None
    if previous.status != "answered":
        return previous.status
    if isinstance(previous.value, list):
        return previous.value
    if isinstance(previous.value, float):
        return f"{previous.value:g}"
    return None if previous.value is None else str(previous.value)


def _annotate(engine: QuestionFlow, prompter: Prompter, step: Step, answer: Answer) -> Answer:
    evidence = answer.evidence
    if answer.status == "answered":
        source = prompter.text("Who said it?", default=evidence.source if evidence else "",
                               instruction="(name and role; Enter to skip)").strip()
        if source:
            verified = prompter.confirm("Confirmed by the customer (not our assumption)?",
                                        default=evidence.verified if evidence else False)
            evidence = Evidence(source, verified)
        else:
            evidence = None
    note = prompter.text("Note?", default=answer.note, instruction="(Enter to skip)").strip()
    private = answer.private
    if note:
        private = prompter.confirm("Keep the note private (never shown to the customer)?",
                                   default=answer.private)
    if (evidence, note, private) == (answer.evidence, answer.note, answer.private):
        return answer
    return engine.annotate(step, evidence, note, private)

