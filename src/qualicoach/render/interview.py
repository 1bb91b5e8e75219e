"""What the interview shows around each question, and the closing summary."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..answers import Answer, describe_value
from ..deals import Deal
from ..engine import Step
from ..framework import Framework, Question
from ..scoring import WEAK_BELOW, perspective_score, score_framework
from .console import literal


def step_header(step: Step) -> RenderableType:
    """'Economic buyer - 3 of 14 (MEDDIC)' and, when there is one, the previous answer."""
    line = Text("\n")
    line.append(literal(step.element.name, "bold cyan"))
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
        said = Text("  last time: ", style="dim")
        said.append(literal(describe_value(step.question, previous)))
        if previous.evidence:
            said.append(" (", style="dim")
            said.append(literal(previous.evidence.source))
            said.append(", confirmed" if previous.evidence.verified else ", our assumption",
                        style="dim")
            said.append(")", style="dim")
        when = previous.confirmed or previous.at
        if when:
            said.append(f" on {when:%Y-%m-%d}; Enter keeps it", style="dim")
        parts.append(said)
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


def summary(deal: Deal, frameworks: list[Framework], answers: Mapping[str, Answer],
            answered_now: int, skipped: int) -> RenderableType:
    """The end of an interview: what was saved, the gaps, fit vs readiness, what next."""
    scores = [score_framework(f, answers) for f in frameworks]
    counted = [qs for s in scores for e in s.elements for qs in e.questions
               if qs.question.weight > 0]
    unknown = sum(1 for qs in counted if qs.answer is None or qs.answer.status == "unknown")
    unclear = sum(1 for qs in counted if qs.answer is not None and qs.answer.status == "unclear")
    weak = sum(1 for qs in counted if qs.answer is not None
               and qs.answer.status == "answered" and qs.score < WEAK_BELOW)
    fit = perspective_score(scores, "fit")
    readiness = perspective_score(scores, "readiness")
    lines = Text("\n")
    lines.append(f"Saved: {answered_now} answer{'s' if answered_now != 1 else ''}")
    lines.append(f", {skipped} skipped" if skipped else "")
    lines.append(" for ")
    lines.append(literal(deal.name, "bold"))
    lines.append(f".\nGaps: {unknown} unknown or unanswered, {unclear} unclear, {weak} weak.\n")
    lines.append(f"Fit {_figure(fit)}  Readiness {_figure(readiness)}\n", style="bold")
    lines.append(quadrant_sentence(fit, readiness) + "\n")
    lines.append(f"Full report: qualicoach report {deal.id}", style="dim")
    return lines


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def quadrant_sentence(fit: float | None, readiness: float | None, high: float = 60) -> str:
    """Fit against readiness in one sentence."""
    if readiness is None:
        return ("Readiness not assessed: run the alignment framework to see whether the "
                "customer has qualified themselves.")
    if fit is None:
        return "Fit not assessed: run BANT, MEDDIC or your ICP too."
    if fit >= high and readiness < high:
        return ("High fit, low readiness: we want this deal, but the customer has not "
                "qualified themselves yet. This is how deals end in no decision.")
    if fit >= high:
        return "High fit and high readiness: a deal to push forward."
    if readiness >= high:
        return ("Ready customer, weak fit: they will decide, but maybe not for us. Check "
                "the fit gaps.")
    return "Low fit and low readiness: qualify further before investing more time."
