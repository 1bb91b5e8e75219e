"""The internal report as Markdown (for a wiki or a deal review), one function per
section of ``sections.ReportView``, saying what the text report says. Supplied text goes
through ``md``."""

from __future__ import annotations

from qualicoach.coaching.report import Report
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
from qualicoach.render.widgets import figure, md


def report_markdown(report: Report) -> str:
    """The internal report as Markdown (for a wiki or a deal review)."""
    view = report_view(report)
    out = [*header(view.header), *verdict(view.verdict)]
    if view.figures is not None:
        out += figures(view.figures)
    if view.unconfirmed is not None:
        out += unconfirmed(view.unconfirmed)
    if view.gaps is not None:
        out += gaps(view.gaps)
    if view.alignment is not None:
        out += alignment(view.alignment)
    if view.causes is not None:
        out += causes(view.causes)
    if view.scorecards is not None:
        out += scorecards(view.scorecards)
    if view.ask_next is not None:
        out += ask_next(view.ask_next)
    if view.changes is not None:
        out += changes(view.changes)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def header(section: Header) -> list[str]:
    """The deal's name as the title, then its facts."""
    return [f"# {md(section.name)}", "", " · ".join(md(fact) for fact in section.facts), ""]


def verdict(section: Verdict) -> list[str]:
    """The verdict in bold, and the frameworks the figures leave out as a quote."""
    out = [f"**{md(section.text)}**", ""]
    if section.missing:
        out += [f"> {md(section.missing)}", ""]
    return out


def figures(section: Figures) -> list[str]:
    """Fit, readiness and risk on one line."""
    return [f"Fit **{figure(section.fit)}** · Readiness **{figure(section.readiness)}** · "
            f"No-decision risk **{section.risk}**", ""]


def unconfirmed(section: Unconfirmed) -> list[str]:
    """The warning about seller-side answers the customer has not confirmed."""
    return [f"> **Unconfirmed:** {md(section.text + section.elements)}", ""]


def gaps(section: Gaps) -> list[str]:
    """The customer's own gaps, red flags marked, each with why it matters."""
    out = [f"## {section.title}", ""]
    for gap in section.items:
        line = f"- **{md(gap.prompt)}** {gap.kind}"
        if gap.answer is not None:
            line += f" ({md(gap.answer)})"
        if gap.red_flag:
            line += " - red flag"
        if gap.learn_by:
            line += f" - to learn by {gap.learn_by}"
        if gap.why:
            line += f"  \n  {md(gap.why)}"
        out.append(line)
    if not section.items:
        out.append(f"- {md(section.empty_text)}")
    return [*out, ""]


def alignment(section: AlignmentView) -> list[str]:
    """Per question their people answered: agree or not, who said what, and what we
    believe where it differs."""
    out = [f"## {section.title}", "", f"From: {md(section.respondents)}", ""]
    for item in section.items:
        out.append(f"- **{md(item.prompt)}** {item.state}")
        for said in item.said:
            comment = f" ({md(said.comment)})" if said.comment else ""
            out.append(f"  - {md(said.who)}: {md(said.answer)}{comment}"
                       + (f" ({said.day})" if said.day else ""))
        if item.we_believe is not None:
            more = " (more than they said)" if item.we_hope_more else ""
            out.append(f"  - *We believe:* {md(item.we_believe)}{more}")
    return [*out, ""]


def causes(section: Causes) -> list[str]:
    """A table of points and causes, with the total."""
    out = [f"## {section.title}", "", "| points | of | cause |", "|---:|---:|---|"]
    out += [f"| {row.points:g} | {row.base:g} | {md(row.message)} |" for row in section.rows]
    return [*out, f"| **{section.total}** | | {section.total_label} |", ""]


def scorecards(section: Scorecards) -> list[str]:
    """Every framework's score with its elements' scores below it."""
    out = [f"## {section.title}", ""]
    for card in section.frameworks:
        out.append(f"- **{md(card.framework.name)}** ({card.perspective}): "
                   f"{figure(card.framework.figure)}")
        out += [f"  - {md(e.name)}: {figure(e.figure)}" for e in card.elements]
    return [*out, ""]


def ask_next(section: AskNext) -> list[str]:
    """Numbered questions for the next call, each with what it follows up on."""
    out = [f"## {section.title}", ""]
    for number, item in enumerate(section.items, 1):
        lines = "  \n   ".join(md(line) for line in item.lines)
        out.append(f"{number}. {lines}  \n   ({md(item.prompt)} Now: {md(item.now)})")
    return [*out, ""]


def changes(section: Changes) -> list[str]:
    """Answers that moved and deal fields that changed since the previous interview."""
    out = [f"## {section.title}", ""]
    out += [f"- {c.direction}: {md(c.prompt)}: "
            + (f"{md(c.before)} -> " if c.before is not None else "") + md(c.after)
            for c in section.answers]
    out += [f"- {c.day} {c.field}: {md(c.old)} -> {md(c.new)}" for c in section.deal_fields]
    if section.empty_text is not None:
        out.append(f"- {section.empty_text}")
    return [*out, ""]
