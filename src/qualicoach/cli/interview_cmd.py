"""``qualicoach interview``: the guided interview, or a whole answers file at once."""

import signal
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qualicoach.cli import completion
from qualicoach.cli.context import is_terminal, open_workspace
from qualicoach.cli.context import prompter as run_prompter

if TYPE_CHECKING:
    from rich.console import Console

    from qualicoach.coaching.prompts import Prompter
    from qualicoach.config.settings import Settings
    from qualicoach.domain.deal import Deal
    from qualicoach.domain.interview import Interview
    from qualicoach.frameworks.catalog import Catalog
    from qualicoach.frameworks.model import Framework
    from qualicoach.storage.store import Store

# Library modules are imported inside the command: `--help` pays only for Typer.


def interview(
    ctx: typer.Context,
    deal: Annotated[str | None, typer.Argument(
        help="Deal id or name start; without it, pick or create one.",
        autocompletion=completion.deal_ids)] = None,
    framework: Annotated[list[str] | None, typer.Option(
        "--framework", "-F", metavar="ID", autocompletion=completion.framework_ids,
        help="Framework id to run; repeatable (default: ask).")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the deal's last interrupted interview.")] = False,
    answers: Annotated[Path | None, typer.Option(
        "--answers", metavar="FILE", help="Take all answers from a YAML or JSON file; no prompts.",
        dir_okay=False)] = None,
    only_gaps: Annotated[bool, typer.Option(
        "--only-gaps", help="Ask only what is weak, unknown, unclear or stale.")] = False,
    with_optional: Annotated[bool, typer.Option(
        "--with-optional",
        help="Include optional elements (MEDDPICC's Paper process, Competition).")] = False,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Do not ask who gave the answers: all are our own view.")] = False,
) -> None:
    """Qualify a deal: questions one at a time, with why each matters and how to ask it.

    First: the deal (type to filter; a new name creates it), the frameworks (last time's
    are ticked) and who gave you the answers (once; every answer inherits it). At any
    question: ? help, u unknown, c unclear, e who said this one, n private note, b back,
    s skip.
    Every answer is saved the moment it is given; Ctrl-C stops and keeps them all.
    """
    from qualicoach.coaching.sessions import find_or_create, last_frameworks, pick_deal
    from qualicoach.errors import ExitCode, UsageError
    from qualicoach.render.console import make_console, stderr_line

    store, settings, catalog = open_workspace(ctx)
    if answers is not None:
        _from_file(store, catalog, deal, answers, settings)
        return
    if not is_terminal(ctx):
        raise UsageError("the interview needs a terminal (standard input is not one); "
                         "give the answers with --answers FILE instead")
    prompter = run_prompter(ctx)
    console = make_console()
    try:
        currency = settings.default_currency
        the_deal = (find_or_create(store, deal, prompter, stderr_line, currency) if deal
                    else pick_deal(store, prompter, stderr_line, currency))
        earlier = store.interviews(the_deal.id)
        if resume:
            session, frameworks = _resumable(catalog, the_deal, earlier)
        else:
            frameworks = _choose_frameworks(catalog, framework, settings, prompter,
                                            last_frameworks(earlier))
            session = store.start_interview(the_deal.id, {f.id: f.version for f in frameworks})
    except (KeyboardInterrupt, EOFError):
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    _run(store, catalog, session, the_deal, frameworks, settings, prompter, console,
         earlier=[i for i in earlier if i.id != session.id], only_gaps=only_gaps,
         include_optional=with_optional, quick=quick)


def _run(store: "Store", catalog: "Catalog", session: "Interview", deal: "Deal",
         frameworks: "list[Framework]", settings: "Settings", prompter: "Prompter",
         console: "Console", *, earlier: "list[Interview]", only_gaps: bool,
         include_optional: bool, quick: bool) -> None:
    from qualicoach.coaching.alignment import measure, rep_answers
    from qualicoach.coaching.asking import ask_questions, ask_source
    from qualicoach.coaching.flow import QuestionFlow
    from qualicoach.coaching.prompts import Interrupted
    from qualicoach.coaching.report import build_report
    from qualicoach.coaching.sessions import contact_text, offer_stakeholders, session_source
    from qualicoach.errors import ExitCode, command_hint
    from qualicoach.render.asking import ConsolePresenter
    from qualicoach.render.summary import summary

    # The rep's own earlier answers are the defaults; a customer's reply stands beside
    # them and never becomes what the rep is shown as their own answer.
    previous = rep_answers(earlier)
    # Their people's own answers stand beside the rep's; where they disagree, --only-gaps
    # asks the question again: that disagreement is the gap.
    aligned = measure(deal, frameworks, previous, earlier, settings.disagree_from)
    engine = QuestionFlow(
        frameworks, lambda key, answer: store.record_answer(session.id, key, answer),
        store.clock, previous=previous, given=session.answers, only_gaps=only_gaps,
        stale_after=timedelta(days=settings.stale_after_days),
        include_optional=include_optional, weak_below=settings.weak_below,
        theirs={q.question.answer_key: tuple(f"{s.who}: {s.text}" for s in q.said)
                for q in aligned.questions},
        disagreed=[q.question.answer_key for q in aligned.disagreements])
    if engine.next_step() is None:
        store.end_interview(session.id, "finished")
        typer.echo("Nothing to ask: every question is answered and fresh.")
        return
    restore = _stop_on_signals()
    try:
        evidence = None if quick else ask_source(
            prompter, [contact_text(c) for c in deal.contacts], session_source(session))
        outcome = ask_questions(engine, prompter, ConsolePresenter(console), evidence)
    except (KeyboardInterrupt, EOFError) as stop:
        store.end_interview(session.id, "interrupted")
        count = len(engine.given)
        saved = "No answer yet" if not count else (
            "The answer so far is saved" if count == 1 else f"All {count} answers so far are saved")
        _safe_stderr(f"\nStopped. {saved}. Resume with: "
                     f"{command_hint('interview', deal.id, '--resume')}")
        if isinstance(stop, Interrupted) and stop.typed and not stop.kept:
            # On lines of its own, to copy: not run into the resume hint.
            typed = stop.typed if isinstance(stop.typed, str) else ", ".join(stop.typed)
            what = ("Your note, not saved (the question had no answer yet):" if stop.note
                    else "What you had typed, not an answer so not saved:")
            _safe_stderr(what + "\n  " + typed.replace("\n", "\n  "))
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    finally:
        restore()
    store.end_interview(session.id, "finished")
    try:
        added = offer_stakeholders(store, deal, outcome.sources, prompter)
    except (KeyboardInterrupt, EOFError):  # every answer is saved; only the offer is left
        added = ()
    console.print(summary(build_report(store, catalog, deal.id, settings),
                          len(outcome.answered), len(outcome.skipped), added), crop=False)


def _stop_on_signals() -> Callable[[], None]:
    """Treat SIGTERM and SIGHUP (a closed terminal) like Ctrl-C; return the undo."""
    def stop(signum: int, frame: FrameType | None) -> None:
        from qualicoach.cli.terminal import interrupt_prompt

        if not interrupt_prompt():
            raise KeyboardInterrupt

    saved: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            saved[number] = signal.signal(number, stop)

    def restore() -> None:
        for number, handler in saved.items():
            signal.signal(number, handler)

    return restore


def _safe_stderr(message: str) -> None:
    from qualicoach.render.console import stderr_line

    try:
        stderr_line(message)
    except OSError:  # the terminal is gone (SIGHUP); the answers are saved all the same
        pass


def _resumable(catalog: "Catalog", deal: "Deal", interviews: "list[Interview]"
               ) -> "tuple[Interview, list[Framework]]":
    from qualicoach.errors import NotFoundError, command_hint

    unfinished = [i for i in interviews if i.status != "finished"]
    if not unfinished:
        raise NotFoundError(f"deal '{deal.id}' has no interrupted interview to resume; start one "
                            f"with: {command_hint('interview', deal.id)}")
    session = unfinished[-1]
    return session, [catalog.get(fw_id) for fw_id in session.frameworks]


def _choose_frameworks(catalog: "Catalog", chosen: list[str] | None, settings: "Settings",
                       prompter: "Prompter", last: list[str]) -> "list[Framework]":
    if chosen:
        return [catalog.get(fw_id) for fw_id in dict.fromkeys(chosen)]
    from qualicoach.coaching.prompts import Option
    from qualicoach.render.console import stderr_line

    options = [Option(f.id, f"{f.name} ({f.perspective}, {f.question_count} questions)")
               for f in catalog.frameworks()]
    defaults = [fw_id for fw_id in last if fw_id in catalog.entries] or [
        fw_id for fw_id in settings.default_frameworks if fw_id in catalog.entries]
    while True:
        picked = prompter.checkbox("Which frameworks?", options, checked=defaults)
        if picked:
            return [catalog.get(fw_id) for fw_id in picked]
        stderr_line("Choose at least one framework (space to tick, Enter to go on).")


def _from_file(store: "Store", catalog: "Catalog", deal_ref: str | None, path: Path,
               settings: "Settings") -> None:
    from qualicoach.coaching.answers_file import load_answers_file
    from qualicoach.coaching.report import build_report
    from qualicoach.errors import UsageError
    from qualicoach.render.console import make_console
    from qualicoach.render.summary import summary

    if not deal_ref:
        raise UsageError("--answers needs the DEAL it answers for")
    deal = store.deal(deal_ref)
    frameworks, answers = load_answers_file(path, catalog, store.clock())
    # One write: answers a full disk refuses leave no empty interview behind.
    session = store.start_interview(deal.id, {f.id: f.version for f in frameworks}, answers)
    store.end_interview(session.id, "finished")
    make_console().print(summary(build_report(store, catalog, deal.id, settings),
                                 len(answers), 0), crop=False)
