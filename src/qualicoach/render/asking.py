"""What the interview shows around each question."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.flow import Step
from qualicoach.domain.answer import describe_value
from qualicoach.frameworks.model import Question
from qualicoach.render.console import literal, visible


def intro(step: Step) -> RenderableType:
    """Before the first question: how many there are, and the keys that work at each."""
    extra = (f" (+ up to {step.conditionals} more, only if earlier answers call for them)"
             if step.conditionals else "")
    lines = Text(f"\n{step.total} question{'s' if step.total != 1 else ''}{extra}. "
                 "Every answer is saved at once; Ctrl-C stops and keeps them.\n", style="bold")
    lines.append("At any question: ? why it matters and how to ask · u unknown (never came up) "
                 "· c unclear (discussed, still vague) · e who said this one · n private note "
                 "· b back to the previous question · s skip. Enter never answers a new "
                 "question for you.", style="dim")
    return lines


def step_header(step: Step) -> RenderableType:
    """'Economic buyer - 3 of 14 (MEDDIC)' and, when there is one, the previous answer."""
    line = Text("\n")
    line.append(literal(step.element.name, "bold cyan"))
    if step.conditional:
        line.append(f" - extra question after {step.number} of {step.total}", style="cyan")
    else:
        line.append(f" - {step.number} of {step.total}", style="cyan")
    context = Text("  (", style="dim")
    context.append(literal(step.framework.name))
    if step.shared_with:
        context.append(f"; counts for {', '.join(step.shared_with)} too")
    context.append(")")
    line.append_text(context)
    parts: list[RenderableType] = [line]
    if step.question.red_flag:
        parts.append(Text("  red flag: a weak answer alone puts the deal at risk", style="yellow"))
    previous = step.previous
    if previous is not None:
        said = Text("  just now: " if step.again else "  last time: ", style="dim")
        said.append(literal(describe_value(step.question, previous)))
        if previous.evidence:
            said.append(" (", style="dim")
            said.append(literal(previous.evidence.source))
            said.append(", confirmed" if previous.evidence.verified else ", our assumption",
                        style="dim")
            said.append(")", style="dim")
        when = previous.confirmed or previous.at
        if step.again:
            said.append("; Enter keeps it", style="dim")
        elif when:
            said.append(f" on {when:%Y-%m-%d}; Enter keeps it", style="dim")
        parts.append(said)
    if step.theirs:
        parts.append(Text("  their people disagree; bring them together on it:"
                          if step.disagreed else "  their people replied:",
                          style="yellow" if step.disagreed else "dim"))
        parts += [Text("    ").append_text(literal(line)) for line in step.theirs]
    return Group(*parts)


def help_text(question: Question) -> RenderableType:
    """Why the question matters, how to ask it, and what to ask next."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    if question.why:
        grid.add_row("  why", literal(question.why))
    if question.how_to_ask:
        grid.add_row("  how to ask", literal(question.how_to_ask))
    for follow_up in question.follow_ups:
        grid.add_row("  then ask", literal(follow_up))
    if not grid.rows:
        grid.add_row("  ", Text("No coaching notes for this question.", style="dim"))
    return grid


class ConsolePresenter:
    """Shows the interview's steps, help and refusals on a Rich console."""

    def __init__(self, console: Console) -> None:
        self._console = console

    def intro(self, step: Step) -> None:
        """How many questions there are, and the keys that work at each."""
        self._console.print(intro(step))

    def step(self, step: Step) -> None:
        """The step header: element, position, framework, and the previous answer."""
        self._console.print(step_header(step))

    def help(self, question: Question) -> None:
        """The question's coaching notes."""
        self._console.print(help_text(question))

    def retry(self, message: str) -> None:
        """Why the answer was refused, as text (never markup), before it is asked again."""
        self._console.print(f"  [red]x[/red] {escape(visible(message))}; try again")
