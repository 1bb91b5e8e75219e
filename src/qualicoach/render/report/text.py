"""The report as a rep reads it in the terminal before a call (Rich), one function per
section of ``sections.ReportView``. Supplied text goes through ``literal``."""

from __future__ import annotations

from rich.box import SIMPLE_HEAD
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.report import Report
from qualicoach.domain.wording import counted
from qualicoach.render.console import literal, unwrapped
from qualicoach.render.quadrant import quadrant_sentence, quadrant_text, size_for
from qualicoach.render.report.sections import (
    BRIEF_ITEMS,
    AlignmentView,
    Brief,
    Causes,
    Changes,
    Evidence,
    Figures,
    Gaps,
    Header,
    Scorecards,
    Unconfirmed,
    Verdict,
    report_view,
)
from qualicoach.render.widgets import bar, figure, list_grid, section_title

_DIRECTION_STYLES = {"better": "green", "worse": "red", "new": "cyan"}


def report_renderable(report: Report, high: float = 60.0, full: bool = True,
                      more_hint: str = "") -> RenderableType:
    """The report as a rep reads it in the terminal before a call: the brief (one screen
    at 80 columns), then, when ``full``, everything else; ``more_hint`` closes a brief
    (print the result with ``crop=False``: it holds a command to copy)."""
    view = report_view(report)
    parts: list[RenderableType] = [*header(view.header)]
    if view.figures is None:
        parts += verdict(view.verdict)
        return Group(*parts)
    parts.append(Text())
    parts.append(Picture(view.verdict, view.figures, high))
    if view.brief is not None:
        parts += brief(view.brief, full)
    if not full:
        if more_hint and not (view.brief and view.brief.cause_count > BRIEF_ITEMS):
            parts.append(unwrapped(more_hint))
        return Group(*parts)
    if view.unconfirmed is not None:
        parts.append(unconfirmed(view.unconfirmed))
    if view.alignment is not None:
        parts += alignment(view.alignment)
    if view.causes is not None and view.causes.rows:
        parts += causes(view.causes)
    if view.gaps is not None and view.gaps.items:
        parts += gaps(view.gaps)
    if view.scorecards is not None:
        parts += scorecards(view.scorecards)
    if view.evidence is not None and view.evidence.rows:
        parts += evidence(view.evidence)
    if view.changes is not None:
        parts += changes(view.changes)
    return Group(*parts)


def header(section: Header) -> list[RenderableType]:
    """The deal's name, id and when it was last interviewed, then its facts on one dim
    line (two short lines fit 80 columns where one long one would wrap)."""
    title = Text()
    title.append(literal(section.name, "bold"))
    title.append(f"  {section.id}", style="dim")
    *facts, last = section.facts
    title.append(" · ", style="dim")
    title.append(literal(last, "dim"))
    return [title, literal(" · ".join(facts), "dim")]


VERDICT_STYLES = {"at_risk": "bold red", "stalled": "bold red", "poor_fit": "bold magenta",
                  "early": "bold cyan", "closed": "bold"}


def verdict(section: Verdict) -> list[RenderableType]:
    """The verdict, and beside it the frameworks the figures leave out."""
    parts: list[RenderableType] = [
        Text("\n" + section.text, style=VERDICT_STYLES.get(section.kind, "bold green"))]
    if section.missing:
        parts.append(Text(section.missing, style="bold yellow"))
    return parts


def figures_line(section: Figures) -> Text:
    """Fit, readiness and risk on one line."""
    line = Text()
    line.append(f"Fit {figure(section.fit)}", style="bold")
    line.append(" · ")
    line.append(f"Ready {figure(section.readiness)}", style="bold")
    line.append(" · ")
    line.append(f"Risk {section.risk}", style="bold red" if section.at_risk else "bold")
    return line


class Picture:
    """The verdict, the figures and the fit/readiness picture, laid out for the width at
    hand: side by side when both fit, the picture under the words when only it fits, and
    the words alone (they name the corner) below the narrowest picture."""

    def __init__(self, verdict: Verdict, figures: Figures, high: float) -> None:
        self.verdict, self.figures, self.high = verdict, figures, high

    def words(self) -> list[Text]:
        """The verdict, the figures and where the picture puts the deal."""
        out = [Text(self.verdict.short,
                    style=VERDICT_STYLES.get(self.verdict.kind, "bold green"))]
        if self.verdict.missing:
            out.append(Text(self.verdict.missing, style="bold yellow"))
        out.append(figures_line(self.figures))
        out.append(Text(quadrant_sentence(self.figures.fit, self.figures.readiness,
                                          self.high), style="dim"))
        if self.verdict.differs:
            out.append(Text(self.verdict.differs))
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        words = self.words()
        # Side by side needs room for the picture and about 30 columns of words.
        side = size_for(width - 33, wide=False)
        # A warning about missing frameworks reads as a sentence, not a narrow column.
        if side is not None and not self.verdict.missing:
            picture = quadrant_text(self.figures.fit, self.figures.readiness, self.high, side)
            grid = Table.grid(padding=(0, 3))
            grid.add_column(no_wrap=True)
            grid.add_column()
            column = Text("\n").join(words)
            grid.add_row(picture, column)
            yield grid
            return
        yield from words
        alone = size_for(width)
        if alone is not None:
            yield quadrant_text(self.figures.fit, self.figures.readiness, self.high, alone)


def brief(section: Brief, full: bool = False) -> list[RenderableType]:
    """The reasons that matter most, and the questions to ask next and whom. ``full``:
    the rest of the report follows, so the other causes are "below", not "with --full"
    (the reader is already reading it)."""
    parts: list[RenderableType] = []
    if section.reasons:
        title = Text(f"\n{section.reasons_title}", style="bold underline")
        more = section.cause_count - len(section.reasons)
        # The key to the "!" column, only when the column shows one.
        key = "; ! red flag" if any(r.red_flag for r in section.reasons) else ""
        title.append(f"  {section.reasons_total:g} of the risk's points" + (
            f"; {counted(more, 'more cause')} {'below' if full else 'with --full'}" if more
            else "") + key, style="dim")
        parts.append(title)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right", min_width=3)
        grid.add_column(no_wrap=True, width=1)
        grid.add_column()
        for reason in section.reasons:
            grid.add_row(f"{reason.points:g}", Text("!" if reason.red_flag else "",
                                                     style="bold red"), literal(reason.text))
        parts.append(grid)
    if section.asks:
        # One person for every question is named once, in the title.
        one = len({ask.whom for ask in section.asks}) == 1 and bool(section.asks[0].whom)
        # No blank line above: the brief must fit one screen, and the title stands out.
        title = Text(section.asks_title, style="bold underline")
        if one:
            title.append(": ", style="bold")
            title.append(literal(section.asks[0].whom, "bold"))
        parts.append(title)
        grid = list_grid()
        for number, ask in enumerate(section.asks, 1):
            line = Text()
            if not one and ask.whom:
                line.append(literal(ask.whom, "bold"))
                line.append(": ")
            line.append(literal(ask.ask))
            if ask.reason is not None:
                line.append(f"  (reason {ask.reason})", style="dim")
            else:
                line.append("  (", style="dim")
                line.append(literal(ask.about, "dim"))
                line.append(")", style="dim")
            grid.add_row(f"{number}.", line)
        parts.append(grid)
    parts.append(Text(section.since, style="dim"))
    return parts


def unconfirmed(section: Unconfirmed) -> RenderableType:
    """The warning about seller-side answers the customer has not confirmed."""
    warning = Text("\nUnconfirmed: ", style="bold yellow")
    warning.append(section.text)
    warning.append(literal(section.elements))
    return warning


def gaps(section: Gaps) -> list[RenderableType]:
    """What is still to learn, by when, and how to ask it."""
    parts: list[RenderableType] = [section_title(section.title)]
    grid = list_grid()
    for gap in section.items:
        line = Text()
        line.append(literal(gap.prompt, "bold"))
        line.append(f"  by {gap.learn_by}", style="cyan")
        if gap.red_flag:
            line.append("  red flag", style="red")
        if gap.why:
            line.append("\n")
            line.append(literal(gap.why, "dim"))
        if gap.ask:
            line.append("\nAsk ")
            line.append(literal(gap.whom or "them", "bold"))
            line.append(": ")
            line.append(literal(" ".join(gap.ask), "italic"))
        grid.add_row("•", line)
    parts.append(grid)
    return parts


_STATE_STYLES = {"disagree": "bold red", "not sure": "yellow", "agree": "green"}


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
    """The points of risk the brief leaves out, each gap with why it matters and what to
    ask, and the total."""
    table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("points", justify="right")
    table.add_column("of", justify="right")
    table.add_column("cause, why it matters, what to ask")
    for row in section.rows:
        cell = literal(row.message)
        if row.why:
            cell.append("\n")
            cell.append(literal(row.why, "dim"))
        if row.ask:
            cell.append("\nAsk ")
            cell.append(literal(row.whom or "them", "bold"))
            cell.append(": ")
            cell.append(literal(" ".join(row.ask), "italic"))
        elif row.asked_in_brief:
            cell.append(f"\nAsked in the brief: question {row.asked_in_brief}.", style="dim")
        table.add_row(f"{row.points:g}", f"{row.base:g}", cell)
    table.add_row(f"{section.in_brief:g}", "", Text("the brief's three reasons", style="dim"))
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


def evidence(section: Evidence) -> list[RenderableType]:
    """Every answer, who gave it, confirmed by the customer or assumed, and when."""
    grid = list_grid()
    for row in section.rows:
        line = literal(row.question)
        line.append("\n")
        line.append(literal(row.answer, "bold"))
        line.append(" · ")
        line.append(literal(row.who) if row.who else Text("nobody named", style="yellow"))
        line.append(" · ")
        line.append(row.standing, style={"confirmed": "green", "assumed": "yellow"}.get(
            row.standing, "dim"))
        line.append(f" · {row.when}")
        if row.note:
            line.append("\n")
            line.append(f"{row.note_title}: ", style="bold magenta" if row.private else "bold")
            line.append(literal(row.note, "italic"))
        grid.add_row("•", line)
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
        grid.add_row(Text(change.word,
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
