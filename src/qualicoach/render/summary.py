"""The closing summary of an interview: what was saved, the gaps, fit against readiness."""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.text import Text

from qualicoach.coaching.report import Report
from qualicoach.coaching.risk import Assessment, why_they_differ
from qualicoach.errors import command_hint
from qualicoach.render.console import literal, unwrapped
from qualicoach.render.report.sections import missing_frameworks_sentence
from qualicoach.render.widgets import figure


def summary(report: Report, answered_now: int, skipped: int,
            added: tuple[str, ...] = ()) -> RenderableType:
    """The end of an interview: what was saved, the gaps, fit vs readiness, what next.

    Every figure comes from ``report`` (built by ``qualicoach.coaching.report`` with the run's
    settings), so the summary and ``qualicoach report`` never disagree. ``added``: the
    stakeholders this interview added.
    """
    a = report.assessment
    kinds = Counter(g.kind for g in a.gaps)
    # The deal's answers to the questions that count now, from every interview, not only
    # this one; a question shared by two frameworks counts once.
    asked = {qs.question.answer_key: qs.answer is not None
             for s in a.scores for e in s.elements for qs in e.questions}
    known = sum(asked.values())
    lines = Text("\n")
    lines.append(f"Saved: {answered_now} answer{'s' if answered_now != 1 else ''} this time")
    lines.append(f", {skipped} skipped" if skipped else "")
    lines.append(". ")
    lines.append(literal(report.deal.name, "bold"))
    lines.append(f" now has {known} of {len(asked)} questions answered")
    if added:
        lines.append("; new stakeholders: ")
        lines.append(literal(", ".join(added)))
    lines.append(f".\nGaps: {kinds['unknown']} unknown or unanswered, {kinds['unclear']} "
                 f"unclear, {kinds['weak']} weak.\n")
    if report.missing_frameworks:
        lines.append(missing_frameworks_sentence(report.missing_frameworks) + "\n",
                     style="yellow")
    lines.append(f"Fit {figure(a.fit)}  Readiness {figure(a.readiness)}\n", style="bold")
    lines.append(quadrant_sentence(a) + "\n")
    # The verdict, as `qualicoach report` gives it: the picture places the deal, the
    # verdict adds its stage and time, and where they differ one line says why.
    lines.append(report.verdict, style="bold")
    differs = why_they_differ(a, report.deal.open_stage)
    if differs and differs not in report.verdict:
        lines.append("\n" + differs)
    # Print with crop=False: the last line is a command to copy, never wrapped.
    return Group(lines, unwrapped(f"Full report: {command_hint('report', report.deal.id)}"))


def quadrant_sentence(assessment: Assessment) -> str:
    """Fit against readiness in one sentence, as the assessment places the deal."""
    if assessment.readiness is None:
        return ("Readiness not assessed: run a readiness framework (such as alignment) to see "
                "whether the customer has qualified themselves.")
    if assessment.fit is None:
        return "Fit not assessed: run a fit framework too (BANT, MEDDIC or your ICP)."
    # Where the answers place the deal, never a verdict of its own (the verdict follows).
    return {
        "high_fit_low_readiness": "High fit, low readiness: we want this deal, but the customer "
        "has not qualified themselves yet, the corner where deals end in no decision.",
        "high_fit_high_readiness": "High fit and high readiness.",
        "low_fit_high_readiness": "Ready customer, low fit: they will decide, maybe not for us.",
    }.get(assessment.quadrant, "Low fit and low readiness.")
