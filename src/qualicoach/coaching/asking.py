"""The guided interview: the engine's questions asked through a Prompter, one at a time.

Terminal-independent: what is shown goes through the Presenter seam, input comes from the
Prompter seam, answers go to the store through the engine the moment they are given.

Evidence is asked once per conversation (``ask_source``) and every answer inherits it; a key
at any question changes it for that answer (``e``) or adds a private note (``n``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from qualicoach.coaching.flow import QuestionFlow, Step
from qualicoach.coaching.prompts import Interrupted, Option, Prompter
from qualicoach.domain.answer import YES_NO_TITLES, Answer, Evidence, date_warning
from qualicoach.errors import InvalidValueError
from qualicoach.frameworks.model import SCALE_VALUES, UNCLEAR, UNKNOWN, Question

HELP = "__help__"
SKIP = "__skip__"
WHO = "__who__"
NOTE = "__note__"
BACK = "__back__"
# One order for every question: its answers, best first, then the two gaps,
# then the extras, skip last. A question never answered before has skip as its default, so
# Enter never records a strong answer the rep did not give.
_GAP_OPTIONS = [Option(UNKNOWN, "unknown - it never came up", "u", separated=True),
                Option(UNCLEAR, "unclear - discussed, still vague", "c")]
_SKIP_OPTION = Option(SKIP, "skip - not asked yet (asked again next time)", "s")
_SKIP_KEEPING = Option(SKIP, "skip - last time's answer stays, not confirmed today", "s")
_SKIP_AGAIN = Option(SKIP, "skip - the answer just given stays", "s")
# What a rep can type instead of an answer at a text, number or date question.
_TYPED_KEYS = {"?": HELP, "e": WHO, "n": NOTE, "s": SKIP, "u": UNKNOWN, "c": UNCLEAR,
               "b": BACK}
OWN_VIEW = "our own view"


class Presenter(Protocol):
    """Shows the rep what surrounds each question (``render.asking.ConsolePresenter`` is the
    terminal one)."""

    def intro(self, step: Step) -> None:
        """Before the first question: how many there are, and the keys that work at each."""

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
    sources: list[str] = field(default_factory=list)  # every "who said it" given, in order


def ask_source(prompter: Prompter, known: list[str], default: Evidence | None = None
               ) -> Evidence | None:
    """Who this conversation's answers come from: customer people (confirmed), or None
    (our own view, an assumption). One prompt for the whole interview."""
    hint = f"known: {'; '.join(known)}. " if known else ""
    typed = prompter.text(
        "Who gave you these answers?",
        default=default.source if default and default.verified else "",
        instruction=f"(who was on the call: 'Jane Doe, CFO; Bob Lee'. {hint}"
                    f"Enter: {OWN_VIEW})").strip()
    if not typed or typed.casefold() == OWN_VIEW:
        return None
    return Evidence(typed, verified=True)


def people_in(source: str) -> list[tuple[str, str]]:
    """The people a source names, as (name, title): 'Jane Doe, CFO; Bob (IT)' gives
    [('Jane Doe', 'CFO'), ('Bob', 'IT')]."""
    people = []
    for part in re.split(r"\s*[;\n]\s*|\s+and\s+|\s*&\s*", source.strip()):
        match = re.fullmatch(r"(?P<name>[^,(]+?)\s*(?:,\s*(?P<t1>.+)|\((?P<t2>[^)]*)\))?", part)
        if not match or not part or part.casefold() == OWN_VIEW:
            continue
        name = match["name"].strip()
        if name:
            people.append((name, (match["t1"] or match["t2"] or "").strip()))
    return people


def ask_questions(engine: QuestionFlow, prompter: Prompter, presenter: Presenter,
                  evidence: Evidence | None = None) -> AskOutcome:
    """Ask every remaining question; return what was answered and skipped.

    ``evidence``: where this conversation's answers come from (None: our own view). Ctrl-C
    (KeyboardInterrupt) and Ctrl-D (EOFError) propagate to the caller; every answer given
    before them is already stored, and a valid answer typed but not yet entered is stored
    too (``Interrupted.kept``).
    """
    outcome = AskOutcome()
    if evidence is not None:
        outcome.sources.append(evidence.source)
    first = True
    said_by: dict[str, Evidence | None] = {}
    while (step := engine.next_step()) is not None:
        if first:
            presenter.intro(step)
            first = False
        presenter.step(step)
        answer = _ask_until_valid(engine, prompter, presenter, step,
                                  _source_of(step, said_by, evidence), outcome, said_by)
        if isinstance(answer, str):  # BACK
            engine.back()
            continue
        if step.key in outcome.skipped:
            outcome.skipped.remove(step.key)
        if answer is None:
            if step.key not in outcome.answered:
                outcome.skipped.append(step.key)
            continue
        outcome.answered[step.key] = answer
    return outcome


def _source_of(step: Step, said_by: dict[str, Evidence | None],
               evidence: Evidence | None) -> Evidence | None:
    """Who said the answer to ``step``: for a follow-up (a question asked because of an
    earlier answer), whoever said that answer; else the conversation's source."""
    for clause in step.question.when:
        earlier = step.framework.question(clause.question)
        if earlier is not None and earlier.answer_key in said_by:
            said_by[step.key] = said_by[earlier.answer_key]
            return said_by[step.key]
    return evidence


def _ask_until_valid(engine: QuestionFlow, prompter: Prompter, presenter: Presenter,
                     step: Step, evidence: Evidence | None, outcome: AskOutcome,
                     said_by: dict[str, Evidence | None]) -> Answer | str | None:
    """The answer given to ``step``; None when skipped; BACK to go back a question."""
    note = ""
    if step.again and step.previous is not None:
        # Gone back to change an answer: its note and who said it stay with the question
        # until the rep changes them too.
        note = step.previous.note
        if step.previous.evidence is not None:
            evidence = said_by[step.key] = step.previous.evidence
    while True:
        try:
            reply = _ask(prompter, step, evidence, engine.can_go_back())
        except KeyboardInterrupt as stop:
            if isinstance(stop, Interrupted):
                _keep_typed(engine, step, stop, evidence, note)
                if stop.kept or stop.typed or not note:
                    raise
            if not note:
                raise
            # A note written, then Ctrl-C before any answer: the caller shows it to copy.
            carried = Interrupted(note)
            carried.note = True
            raise carried from None
        if reply == HELP:
            presenter.help(step.question)
            continue
        if reply == WHO:
            evidence = _who_said_this(prompter, evidence)
            said_by[step.key] = evidence
            if evidence is not None:
                outcome.sources.append(evidence.source)
            continue
        if reply == NOTE:
            try:
                note = prompter.text("Note on this answer:", default=note,
                                     instruction="(private: never shown to the customer)"
                                     ).strip()
            except Interrupted as stop:
                stop.note = True  # no answer to keep it with: the caller shows it
                raise
            continue
        if reply == SKIP:
            engine.skip(step)
            return None
        if reply == BACK:
            if engine.can_go_back():
                return BACK
            presenter.retry("this is the first question of the interview")
            continue
        if step.question.type == "date" and isinstance(reply, str):
            warning = date_warning(reply, engine.clock().date())
            if warning and not prompter.confirm(f"{warning}. Keep it?", default=False):
                continue
        try:
            return engine.submit(step, reply, evidence=evidence, note=note, private=bool(note))
        except InvalidValueError as exc:
            presenter.retry(str(exc))


def _keep_typed(engine: QuestionFlow, step: Step, stop: Interrupted,
                evidence: Evidence | None, note: str) -> None:
    """Ctrl-C with an answer typed but not entered: store it if it is a valid answer."""
    typed = stop.typed
    if not typed or (isinstance(typed, str) and typed.strip().lower() in _TYPED_KEYS):
        return
    try:
        engine.submit(step, typed, evidence=evidence, note=note, private=bool(note))
    except InvalidValueError:
        return
    stop.kept = True


def _who_said_this(prompter: Prompter, evidence: Evidence | None) -> Evidence | None:
    """Who said this answer (and its follow-ups'): opens empty, so what is typed is the
    whole name; Enter keeps who it is now."""
    now = evidence.source if evidence else OWN_VIEW
    typed = prompter.text(
        "Who said this one?",
        instruction=f"(this answer and its follow-ups; Enter keeps: {now}; "
                    f"'{OWN_VIEW}' when nobody said it)").strip()
    if not typed:
        return evidence
    if typed.casefold() == OWN_VIEW:
        return None
    return Evidence(typed, verified=True)


def _extras(evidence: Evidence | None, previous: bool = False,
            back: bool = False, again: bool = False) -> list[Option]:
    who = evidence.source if evidence else OWN_VIEW
    return [Option(HELP, "why it matters, how to ask", "?", separated=True),
            Option(WHO, f"who said this one (now: {who})", "e"),
            Option(NOTE, "add a private note", "n"),
            *([Option(BACK, "back to the previous question", "b")] if back else []),
            _SKIP_AGAIN if again else _SKIP_OPTION if not previous else _SKIP_KEEPING]


def _ask(prompter: Prompter, step: Step, evidence: Evidence | None,
         back: bool = False) -> str | list[str]:
    question, previous = step.question, step.previous
    default = _default_value(step)
    if question.type in ("yes_no", "choice", "scale"):
        # Best answer first for every type, as yes/no reads (Yes, Partly, No).
        if question.type == "yes_no":
            options = [Option(v, title, str(n))
                       for n, (v, title) in enumerate(YES_NO_TITLES.items(), 1)]
        elif question.type == "choice":
            ranked = sorted(question.choices, key=lambda c: -c.score)
            options = [Option(c.value, c.label, str(n) if len(ranked) <= 9 else "")
                       for n, c in enumerate(ranked, 1)]
        else:
            options = [Option(f"{v:g}", f"{v:g}", f"{v:g}") for v in reversed(SCALE_VALUES)]
        extras = _extras(evidence, previous is not None, back, step.again)
        return prompter.select(question.prompt, [*options, *_GAP_OPTIONS, *extras],
                               default=default if isinstance(default, str) else SKIP)
    if question.type == "multi":
        options = [Option(c.value, c.label)
                   for c in sorted(question.choices, key=lambda c: -c.score)]
        checked = default if isinstance(default, list) else []
        chosen = prompter.checkbox(
            question.prompt,
            [*options, *_GAP_OPTIONS,
             *_extras(evidence, previous is not None, back, step.again)],
            checked=checked,
            instruction="(space ticks, Enter goes on; u unknown, c unclear, ? help, "
                        f"e who said it, n note,{' b back,' if back else ''} s skip)")
        if not chosen:
            # Nothing ticked: keep a previous gap, else skip; never an answer not given.
            return default if isinstance(default, str) else SKIP
        return chosen[0] if len(chosen) == 1 and chosen[0] in (
            HELP, WHO, NOTE, BACK, SKIP, UNKNOWN, UNCLEAR) else chosen
    reply = prompter.text(question.prompt, default=str(default or ""),
                          instruction=f"({_hint(step)}; ? help,{' b back,' if back else ''} "
                                      f"Enter {'keeps' if previous is not None else 'skips'})")
    reply = reply.strip()
    if reply.lower() in _TYPED_KEYS:
        return _TYPED_KEYS[reply.lower()]
    if not reply:
        return SKIP if previous is None else str(default)
    return reply


def _hint(step: Step) -> str:
    """What a typed answer looks like, range included, before the rep gets it wrong."""
    question = step.question
    if question.type == "date":
        return "YYYY-MM-DD"
    if question.type == "number":
        low, high = question.minimum, question.maximum
        bounds = (f"{low:g} to {high:g}" if low is not None and high is not None
                  else f"at least {low:g}" if low is not None
                  else f"at most {high:g}" if high is not None else "a number")
        return f"{bounds}; 50k, 1.2m, 12,500 work"
    return "text"


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
