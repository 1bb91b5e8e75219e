"""The real terminal behind the ``Prompter`` seam.

questionary and prompt_toolkit cost about 0.2 s to import, so they are imported on first
use, and only the interview path ever gets here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from qualicoach.coaching.prompts import Interrupted, Option, filter_options
from qualicoach.render.console import visible


def stdin_is_terminal() -> bool:
    """True when a person can answer prompts (standard input is a terminal)."""
    return sys.stdin.isatty()


class QuestionaryPrompter:
    """Prompts in the terminal through questionary.

    Messages and option titles (deal names, framework questions) are shown by the one
    rule for supplied text: control and bidi characters as visible escapes.
    """

    def __init__(self) -> None:
        import questionary

        self._q = questionary

    def _run(self, question: Any) -> Any:
        # unsafe_ask: let Ctrl-C reach us as KeyboardInterrupt instead of a printed
        # "Cancelled" and a None answer that would look like an empty reply.
        answer = question.unsafe_ask()
        if answer is None:
            raise KeyboardInterrupt
        return answer

    def select(self, message: str, options: Sequence[Option], default: str | None = None
               ) -> str:
        choices: list[Any] = []
        room = _menu_room()
        for o in options:
            if o.separated:
                choices.append(self._q.Separator(" "))
            title = f"{o.key}) {visible(o.title)}" if o.key else visible(o.title)
            choices.append(self._q.Choice(fit(title, room), value=o.value))
        keyed = any(o.key for o in options)
        chosen = next((c for c in choices if getattr(c, "value", None) == default), None)
        shown, instruction = _fold(visible(message), "(press a key)" if keyed else "")
        question = self._q.select(
            shown, choices=choices, default=chosen, qmark="?", instruction=instruction or None)
        self._pick_by_key(question, options, lambda value: value)
        return str(self._run(question))

    @staticmethod
    def _pick_by_key(question: Any, options: Sequence[Option],
                     result: Callable[[str], object]) -> None:
        """An option's key answers with it at once. questionary's own shortcuts allow no
        '?' and only move the pointer. Keys added to the prompt's own KeyBindings win over
        its defaults."""
        bindings: Any = question.application.key_bindings
        control = _choices_control(question)

        def pick(event: Any, value: str) -> None:
            # As Enter does: point at the choice and mark the prompt answered, so the line
            # left on screen shows what was picked.
            for index, choice in enumerate(control.choices):
                if getattr(choice, "value", None) == value:
                    control.pointed_at = index
            control.is_answered = True
            event.app.exit(result=result(value))

        for option in options:
            if option.key:
                bindings.add(option.key, eager=True)(
                    lambda event, value=option.value: pick(event, value))

    def checkbox(self, message: str, options: Sequence[Option],
                 checked: Sequence[str] = (), instruction: str = "") -> list[str]:
        # A checkbox line has the pointer and a box before the title: "» ● ".
        room = _menu_room() - 2
        choices = [self._q.Choice(fit(visible(o.title), room), value=o.value,
                                  checked=o.value in checked)
                   for o in options if not o.key]
        shown, instruction = _fold(visible(message), instruction)
        question = self._q.checkbox(shown, choices=choices, qmark="?",
                                    instruction=instruction or None)
        self._pick_by_key(question, options, lambda value: [value])
        control = _choices_control(question)

        def interrupt(event: Any) -> None:
            # questionary's Ctrl-C would drop the ticks: keep them for the caller.
            event.app.exit(exception=Interrupted([str(v) for v in control.selected_options]),
                           style="class:aborting")

        bindings: Any = question.application.key_bindings
        bindings.add("c-c", eager=True)(interrupt)
        return [str(v) for v in self._run(question)]

    def text(self, message: str, default: str = "", instruction: str = "") -> str:
        shown, instruction = _fold(visible(message), instruction)
        return str(self._run(self._q.text(shown, default=default, qmark="?",
                                          instruction=instruction or None,
                                          key_bindings=_keep_typed())))

    def search(self, message: str, options: Sequence[Option], instruction: str = "") -> str:
        shown, instruction = _fold(visible(message), instruction)
        title = shown + (f" {instruction}" if instruction else "")
        question = self._q.autocomplete(title, choices=[], completer=_filter_completer(options),
                                        qmark="?", key_bindings=_keep_typed())
        # Show the first matches (the most recent deals) before anything is typed.
        buffer = question.application.current_buffer
        question.application.pre_run_callables.append(
            lambda: buffer.start_completion(select_first=False))
        return str(self._run(question))

    def confirm(self, message: str, default: bool = False) -> bool:
        # questionary adds "(y/N)" after the message itself.
        shown, _ = _fold(visible(message), "(y/N)")
        return bool(self._run(self._q.confirm(shown, default=default, qmark="?")))


def fold(message: str, instruction: str, width: int) -> tuple[str, str]:
    """A prompt's message and instruction broken between words to fit ``width`` columns
    after questionary's "? " and the space it puts between them: the terminal would break
    them in the middle of a word."""
    import textwrap

    if width < 20 or len(message) + len(instruction) + 3 <= width:
        return message, instruction

    def wrap(text: str, offset: int) -> tuple[str, int]:
        # The first line starts ``offset`` columns in; the lines after it at the margin.
        lines = textwrap.wrap("\0" * offset + text, width, break_long_words=False,
                              break_on_hyphens=False)
        lines[0] = lines[0].lstrip("\0")
        last = len(lines[-1]) + (offset if len(lines) == 1 else 0)
        return "\n".join(lines), last

    shown, end = wrap(message, 2)
    if not instruction:
        return shown, ""
    if end + 1 + len(instruction.split()[0]) > width:
        folded, _ = wrap(instruction, 0)
        return shown, "\n" + folded
    folded, _ = wrap(instruction, end + 1)
    return shown, folded


def _fold(message: str, instruction: str) -> tuple[str, str]:
    import shutil

    return fold(message, instruction, shutil.get_terminal_size().columns)


def fit(title: str, room: int) -> str:
    """A menu line's title within ``room`` columns, cut with an ellipsis: prompt_toolkit
    cuts a long line at the terminal's edge with no sign that anything is missing."""
    return title if len(title) <= room else title[: max(1, room - 1)] + "…"


def _menu_room() -> int:
    """Columns left for a menu title after questionary's pointer (" » ")."""
    import shutil

    return max(10, shutil.get_terminal_size().columns - 4)


def _choices_control(question: Any) -> Any:
    """questionary's list of choices inside a select or checkbox prompt."""
    return next(c for c in question.application.layout.find_all_controls()
                if hasattr(c, "pointed_at"))


def _keep_typed() -> Any:
    """Ctrl-C in a text prompt raises ``Interrupted`` with the text typed so far."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    def interrupt(event: Any) -> None:
        event.app.exit(exception=Interrupted(event.app.current_buffer.text),
                       style="class:aborting")

    bindings.add("c-c", eager=True)(interrupt)
    return bindings


def _filter_completer(options: Sequence[Option]) -> Any:
    from prompt_toolkit.completion import Completer, Completion

    class FilterCompleter(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Any:
            typed = document.text_before_cursor
            for option in filter_options(options, typed):
                yield Completion(option.value, start_position=-len(typed),
                                 display=visible(option.title))

    return FilterCompleter()


def interrupt_prompt() -> bool:
    """End the prompt on the screen as Ctrl-C would, from a signal handler; False when no
    prompt is running.

    A handler that raises KeyboardInterrupt instead can land in a weakref callback inside
    prompt_toolkit, where Python prints the exception and drops it: the prompt then waits
    for ever on a terminal that is gone (seen under load with SIGHUP and SIGTERM).
    """
    if "prompt_toolkit" not in sys.modules:
        return False
    from prompt_toolkit.application.current import get_app_or_none

    app = get_app_or_none()
    loop = getattr(app, "loop", None)
    if app is None or not app.is_running or loop is None:
        return False

    def end() -> None:
        future = app.future
        if app.is_running and future is not None and not future.done():
            app.exit(exception=KeyboardInterrupt, style="class:aborting")

    # Through the loop: it wakes the loop's wait, and exits between its callbacks.
    loop.call_soon_threadsafe(end)
    return True
