"""The internal report as Markdown (for a wiki or a deal review), one function per
section of ``sections.ReportView``, saying what the text report says. Supplied text goes
through ``md``."""

from __future__ import annotations

from qualicoach.coaching.report import Report
from qualicoach.render.quadrant import quadrant_sentence
from qualicoach.render.report.sections import (
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
from qualicoach.render.widgets import figure, md


def report_markdown(report: Report, high: float = 60.0) -> str:
    """The internal report as Markdown (for a wiki or a deal review): the brief, then the
    rest."""
    view = report_view(report)
    out = [*header(view.header), *verdict(view.verdict)]
    if view.figures is not None:
        out += figures(view.figures, high)
    if view.brief is not None:
        out += brief(view.brief)
    if view.unconfirmed is not None:
        out += unconfirmed(view.unconfirmed)
    if view.alignment is not None:
        out += alignment(view.alignment)
    if view.causes is not None and view.causes.rows:
        out += causes(view.causes)
    if view.gaps is not None and view.gaps.items:
        out += gaps(view.gaps)
    if view.scorecards is not None:
        out += scorecards(view.scorecards)
    if view.evidence is not None and view.evidence.rows:
        out += evidence(view.evidence)
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
    out = [f"**{md(section.short)}**", ""]
    if section.differs:
        out += [md(section.differs), ""]
    if section.missing:
        out += [f"> {md(section.missing)}", ""]
    return out


def figures(section: Figures, high: float) -> list[str]:
    """Fit, readiness and risk on one line, and where that puts the deal."""
    return [f"Fit **{figure(section.fit)}** · Readiness **{figure(section.readiness)}** · "
            f"No-decision risk **{section.risk}**", "",
            md(quadrant_sentence(section.fit, section.readiness, high)), ""]


def brief(section: Brief) -> list[str]:
    """The reasons that matter most, the questions to ask next and whom, what changed."""
    out: list[str] = []
    if section.reasons:
        out += [f"## {section.reasons_title}", ""]
        out += [f"- **{r.points:g}** {md(r.text)}" + (" (red flag)" if r.red_flag else "")
                for r in section.reasons]
        out.append("")
    if section.asks:
        out += [f"## {section.asks_title}", ""]
        for number, ask in enumerate(section.asks, 1):
            about = f"reason {ask.reason}" if ask.reason else md(ask.about)
            whom = f"**{md(ask.whom)}**: " if ask.whom else ""
            out.append(f"{number}. {whom}{md(ask.ask)} ({about})")
        out.append("")
    return [*out, md(section.since), ""]


def unconfirmed(section: Unconfirmed) -> list[str]:
    """The warning about seller-side answers the customer has not confirmed."""
    return [f"> **Unconfirmed:** {md(section.text + section.elements)}", ""]


def gaps(section: Gaps) -> list[str]:
    """What is still to learn, by when, and how to ask it."""
    out = [f"## {section.title}", ""]
    for gap in section.items:
        line = f"- **{md(gap.prompt)}** by {gap.learn_by}"
        if gap.red_flag:
            line += " (red flag)"
        if gap.why:
            line += f"  \n  {md(gap.why)}"
        if gap.ask:
            line += f"  \n  Ask {md(gap.whom or 'them')}: *{md(' '.join(gap.ask))}*"
        out.append(line)
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
    """The points of risk the brief leaves out, with why and what to ask, and the total."""
    out = [f"## {section.title}", "", "| points | of | cause |", "|---:|---:|---|"]
    for row in section.rows:
        cell = md(row.message)
        if row.why:
            cell += f"<br>{md(row.why)}"
        if row.ask:
            cell += f"<br>Ask {md(row.whom or 'them')}: *{md(' '.join(row.ask))}*"
        elif row.asked_in_brief:
            cell += f"<br>Asked in the brief: question {row.asked_in_brief}."
        out.append(f"| {row.points:g} | {row.base:g} | {cell} |")
    return [*out, f"| {section.in_brief:g} | | the brief's three reasons |",
            f"| **{section.total}** | | {section.total_label} |", ""]


def scorecards(section: Scorecards) -> list[str]:
    """Every framework's score with its elements' scores below it."""
    out = [f"## {section.title}", ""]
    for card in section.frameworks:
        out.append(f"- **{md(card.framework.name)}** ({card.perspective}): "
                   f"{figure(card.framework.figure)}")
        out += [f"  - {md(e.name)}: {figure(e.figure)}" for e in card.elements]
    return [*out, ""]


def evidence(section: Evidence) -> list[str]:
    """Every answer, who gave it, confirmed or assumed, and when."""
    out = [f"## {section.title}", "", "| question | answer | who said it | how | when |",
           "|---|---|---|---|---|"]
    for r in section.rows:
        out.append(f"| {md(r.question)} | {md(r.answer)} | "
                   f"{md(r.who) if r.who else 'nobody named'} "
                   f"| {r.standing} | {r.when} |")
        if r.note:  # a row of its own, under the answer it belongs to
            out.append(f"| | ↳ **{md(r.note_title)}:** {md(r.note)} | | | |")
    return [*out, ""]


def changes(section: Changes) -> list[str]:
    """Answers that moved and deal fields that changed since the previous interview."""
    out = [f"## {section.title}", ""]
    out += [f"- {c.word}: {md(c.prompt)}: "
            + (f"{md(c.before)} -> " if c.before is not None else "") + md(c.after)
            for c in section.answers]
    out += [f"- {c.day} {c.field}: {md(c.old)} -> {md(c.new)}" for c in section.deal_fields]
    if section.empty_text is not None:
        out.append(f"- {section.empty_text}")
    return [*out, ""]
