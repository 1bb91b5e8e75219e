"""What the interview shows around each question, and the closing summary."""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.flow import Step
from qualicoach.coaching.report import Report
from qualicoach.coaching.risk import Assessment
from qualicoach.domain.answer import describe_value
from qualicoach.frameworks.model import Question
from qualicoach.render.console import literal
from qualicoach.render.report import missing_frameworks_sentence


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


def summary(report: Report, answered_now: int, skipped: int) -> RenderableType:
    """The end of an interview: what was saved, the gaps, fit vs readiness, what next.

    Every figure comes from ``report`` (built by ``qualicoach.coaching.report`` with the run's
    settings), so the summary and ``qualicoach report`` never disagree.
    """
    a = report.assessment
    kinds = Counter(g.kind for g in a.gaps)
    lines = Text("\n")
    lines.append(f"Saved: {answered_now} answer{'s' if answered_now != 1 else ''}")
    lines.append(f", {skipped} skipped" if skipped else "")
    lines.append(" for ")
    lines.append(literal(report.deal.name, "bold"))
    lines.append(f".\nGaps: {kinds['unknown']} unknown or unanswered, {kinds['unclear']} "
                 f"unclear, {kinds['weak']} weak.\n")
    if report.missing_frameworks:
        lines.append(missing_frameworks_sentence(report.missing_frameworks) + "\n",
                     style="yellow")
    lines.append(f"Fit {_figure(a.fit)}  Readiness {_figure(a.readiness)}\n", style="bold")
    lines.append(quadrant_sentence(a) + "\n")
    lines.append(f"Full report: qualicoach report {report.deal.id}", style="dim")
    return lines


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def quadrant_sentence(assessment: Assessment) -> str:
    """Fit against readiness in one sentence, as the assessment places the deal."""
    if assessment.readiness is None:
        return ("Readiness not assessed: run a readiness framework (such as alignment) to see "
                "whether the customer has qualified themselves.")
    if assessment.fit is None:
        return "Fit not assessed: run a fit framework too (BANT, MEDDIC or your ICP)."
    return {
        "high_fit_low_readiness": "High fit, low readiness: we want this deal, but the customer "
        "has not qualified themselves yet. This is how deals end in no decision.",
        "high_fit_high_readiness": "High fit and high readiness: a deal to push forward.",
        "low_fit_high_readiness": "Ready customer, weak fit: they will decide, but maybe not "
        "for us. Check the fit gaps.",
    }.get(assessment.quadrant, "Low fit and low readiness: qualify further before investing "
          "more time.")
