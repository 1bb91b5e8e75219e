"""The report as a rep reads it in the terminal before a call (Rich), one function per
section of ``sections.ReportView``. Supplied text goes through ``literal``."""

from __future__ import annotations

from rich.box import SIMPLE_HEAD
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.report import Report
from qualicoach.render.console import literal
from qualicoach.render.report.sections import (
    AlignmentView,
    AskNext,
    Causes,
    Changes,
    Figures,
    Gaps,
    Header,
    Scorecards,
    Unconfirmed,
    Verdict,
    report_view,
)
from qualicoach.render.widgets import bar, figure, list_grid, quadrant_picture, section_title

_DIRECTION_STYLES = {"better": "green", "worse": "red", "new": "cyan"}


def report_renderable(report: Report, high: float = 60.0) -> RenderableType:
    """The report as a rep reads it in the terminal before a call."""
    view = report_view(report)
    parts: list[RenderableType] = [*header(view.header), *verdict(view.verdict)]
    if view.figures is not None:
        parts += figures(view.figures, high)
    if view.unconfirmed is not None:
        parts.append(unconfirmed(view.unconfirmed))
    if view.gaps is not None:
        parts += gaps(view.gaps)
    if view.alignment is not None:
        parts += alignment(view.alignment)
    if view.causes is not None:
        parts += causes(view.causes)
    if view.scorecards is not None:
        parts += scorecards(view.scorecards)
    if view.ask_next is not None:
        parts += ask_next(view.ask_next)
    if view.changes is not None:
        parts += changes(view.changes)
    return Group(*parts)


def header(section: Header) -> list[RenderableType]:
    """The deal's name and id, then its facts on one dim line."""
    title = Text()
    title.append(literal(section.name, "bold"))
    title.append(f"  {section.id}", style="dim")
    return [title, literal(" · ".join(section.facts), "dim")]


VERDICT_STYLES = {"at_risk": "bold red", "stalled": "bold red", "poor_fit": "bold magenta",
                  "early": "bold cyan", "closed": "bold"}


def verdict(section: Verdict) -> list[RenderableType]:
    """The verdict, and beside it the frameworks the figures leave out."""
    parts: list[RenderableType] = [
        Text("\n" + section.text, style=VERDICT_STYLES.get(section.kind, "bold green"))]
    if section.missing:
        parts.append(Text(section.missing, style="bold yellow"))
    return parts


def figures(section: Figures, high: float) -> list[RenderableType]:
    """The quadrant picture with fit, readiness and risk beside it."""
    line = Text()
    line.append(f"Fit {figure(section.fit)}", style="bold")
    line.append("   ")
    line.append(f"Readiness {figure(section.readiness)}", style="bold")
    line.append("   ")
    line.append(f"No-decision risk {section.risk}",
                style="bold red" if section.at_risk else "bold")
    side = Table.grid(padding=(0, 4))
    side.add_column()
    side.add_column()
    side.add_row(quadrant_picture(section.fit, section.readiness, high), line)
    return [Text(), side]


def unconfirmed(section: Unconfirmed) -> RenderableType:
    """The warning about seller-side answers the customer has not confirmed."""
    warning = Text("\nUnconfirmed: ", style="bold yellow")
    warning.append(section.text)
    warning.append(literal(section.elements))
    return warning


def gaps(section: Gaps) -> list[RenderableType]:
    """The customer's own gaps, red flags marked, each with why it matters."""
    parts: list[RenderableType] = [section_title(section.title)]
    if not section.items:
        parts.append(Text(f"  {section.empty_text}",
                          style="green" if section.assessed else "yellow"))
        return parts
    grid = list_grid()
    for gap in section.items:
        line = Text()
        line.append(literal(gap.prompt, "bold"))
        line.append(f"  {gap.kind}", style="red" if gap.red_flag else "yellow")
        if gap.answer is not None:
            line.append(" (")
            line.append(literal(gap.answer))
            line.append(")")
        if gap.red_flag:
            line.append("  red flag", style="bold red")
        if gap.learn_by:
            line.append(f"  to learn by {gap.learn_by}", style="cyan")
        if gap.why:
            line.append("\n")
            line.append(literal(gap.why, "dim"))
        grid.add_row("•", line)
    parts.append(grid)
    return parts


_STATE_STYLES = {"disagree": "bold red", "agree": "green"}


def alignment(section: AlignmentView) -> list[RenderableType]:
    """Per question their people answered: agree or not, who said what, and what we
    believe where it differs."""
    parts: list[RenderableType] = [section_title(section.title),
                                   literal(f"  From: {section.respondents}", "dim")]
    grid = list_grid()
    for item in section.items:
        line = Text()
        line.append(literal(item.prompt, "bold"))
        line.append(f"  {item.state}", style=_STATE_STYLES.get(item.state, "dim"))
        for said in item.said:
            line.append("\n  ")
            line.append(literal(said.who))
            line.append(": ")
            line.append(literal(said.answer, "bold"))
            if said.comment:
                line.append(" (")
                line.append(literal(said.comment))
                line.append(")")
            if said.day:
                line.append(f"  {said.day}", style="dim")
        if item.we_believe is not None:
            line.append("\n  We believe: ", style="yellow")
            line.append(literal(item.we_believe, "yellow"))
            if item.we_hope_more:
                line.append("  (more than they said)", style="yellow")
        grid.add_row("•", line)
    parts.append(grid)
    return parts


def causes(section: Causes) -> list[RenderableType]:
    """A table of points and causes, with the total."""
    table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("points", justify="right")
    table.add_column("of", justify="right")
    table.add_column("cause")
    for row in section.rows:
        table.add_row(f"{row.points:g}", f"{row.base:g}", literal(row.message))
    table.add_row(Text(str(section.total), style="bold"), "",
                  Text(section.total_label, style="bold"))
    return [section_title(section.title), table]


def scorecards(section: Scorecards) -> list[RenderableType]:
    """Every framework and element with a bar, in one grid so the bars line up."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for number, card in enumerate(section.frameworks):
        head = Text("" if number == 0 else "\n")
        head.append(literal(card.framework.name, "bold"))
        head.append(f" ({card.perspective})", style="dim")
        table.add_row(head, Text("\n" if number else "") + bar(card.framework.score),
                      ("\n" if number else "") + figure(card.framework.figure))
        for element in card.elements:
            table.add_row(Text("  ").append_text(literal(element.name)),
                          bar(element.score), figure(element.figure))
    return [section_title(section.title), table]


def ask_next(section: AskNext) -> list[RenderableType]:
    """Numbered questions for the next call, each with what it follows up on."""
    grid = list_grid()
    for number, item in enumerate(section.items, 1):
        line = Text()
        line.append(literal("\n".join(item.lines)))
        line.append("\n(", style="dim")
        line.append(literal(item.prompt, "dim"))
        line.append(" Now: ", style="dim")
        line.append(literal(item.now, "dim"))
        line.append(")", style="dim")
        grid.add_row(f"{number}.", line)
    return [section_title(section.title), grid]


def changes(section: Changes) -> list[RenderableType]:
    """Answers that moved and deal fields that changed since the previous interview."""
    parts: list[RenderableType] = [section_title(section.title)]
    if section.empty_text is not None:
        parts.append(Text(f"  {section.empty_text}", style="dim"))
    grid = list_grid()
    for change in section.answers:
        line = literal(change.prompt)
        line.append(": ")
        if change.before is not None:
            line.append(literal(change.before))
            line.append(" -> ")
        line.append(literal(change.after, "bold"))
        grid.add_row(Text(change.direction,
                          style=_DIRECTION_STYLES.get(change.direction, "yellow")), line)
    for field in section.deal_fields:
        line = Text(field.field + ": ")
        line.append(literal(field.old))
        line.append(" -> ")
        line.append(literal(field.new, "bold"))
        grid.add_row(Text(field.day, style="dim"), line)
    if grid.rows:
        parts.append(grid)
    return parts
