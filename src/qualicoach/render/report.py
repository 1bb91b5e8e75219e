"""Rendering of the coaching report: text, Markdown, JSON, HTML and SVG.

Every piece of text that users or framework files supplied goes through ``literal`` (Rich),
``md`` (Markdown) or the exporters' own HTML escaping; none is ever interpreted.
"""

from __future__ import annotations

import io
import re
from typing import Any, Literal

from rich.box import SIMPLE_HEAD
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.report import Report
from qualicoach.coaching.scoring import FrameworkScore, percent
from qualicoach.domain.deal import plain_value
from qualicoach.render.console import literal, visible
from qualicoach.render.deals import deal_data, format_amount

REPORT_FORMAT_VERSION = 1


# --- JSON -------------------------------------------------------------------------------------

def report_data(report: Report) -> dict[str, Any]:
    """The report as plain data with stable keys (documented in docs/scoring.md)."""
    a = report.assessment
    last = report.last_interview
    return {
        "format": REPORT_FORMAT_VERSION,
        "generated": report.now.isoformat(),
        "deal": deal_data(report.deal),
        "last_interview": None if last is None else {
            "id": last.id, "started": last.started.isoformat(), "status": last.status,
            "age_days": (report.now - last.started).days,
        },
        "verdict": report.verdict,
        "fit": a.fit, "readiness": a.readiness, "risk": a.risk, "at_risk": a.at_risk,
        "quadrant": a.quadrant,
        "customer_gaps": [_gap_data(g) for g in a.gaps if g.framework.perspective == "readiness"],
        "fit_gaps": [_gap_data(g) for g in a.gaps if g.framework.perspective == "fit"],
        "risk_causes": [{"kind": c.kind, "points": c.points, "message": c.message,
                         "question": c.key} for c in a.causes],
        "unconfirmed_fit_answers": [
            {"question": qs.question.answer_key, "prompt": qs.question.prompt,
             "answer": _answer_text(qs.question, qs.answer)} for qs in a.unconfirmed],
        "frameworks": [_framework_data(s) for s in a.scores],
        "ask_next": [{"question": n.question.answer_key, "framework": n.framework.id,
                      "prompt": n.question.prompt, "answer": n.answer_text,
                      "ask": list(n.ask)} for n in report.ask_next],
        "changes": {
            "answers": [{"question": c.question.answer_key, "prompt": c.question.prompt,
                         "before": c.before, "after": c.after, "direction": c.direction}
                        for c in report.answer_changes],
            "deal": [{"field": c.field, "old": plain_value(c.old), "new": plain_value(c.new),
                      "at": c.at.isoformat()} for c in report.deal_changes],
        },
        "missing_frameworks": list(report.missing_frameworks),
    }



def _answer_text(question: Any, answer: Any) -> str:
    from qualicoach.domain.answer import describe_value

    return describe_value(question, answer) if answer is not None else "not answered"


def _gap_data(gap: Any) -> dict[str, Any]:
    q = gap.question
    return {"question": q.answer_key, "framework": gap.framework.id, "element": q.element_id,
            "prompt": q.prompt, "kind": gap.kind, "answer": gap.answer_text,
            "red_flag": q.red_flag, "why": q.why}


def _framework_data(s: FrameworkScore) -> dict[str, Any]:
    return {
        "id": s.framework.id, "name": s.framework.name, "version": s.framework.version,
        "perspective": s.framework.perspective, "score": _percent(s.score),
        "elements": [{"id": e.element.id, "name": e.element.name, "score": _percent(e.score)}
                     for e in s.elements],
    }


def _percent(score: float | None) -> float | None:
    return percent(score)


# --- text (Rich) --------------------------------------------------------------------------------

def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def report_renderable(report: Report, high: float = 60.0) -> RenderableType:
    """The report as a rep reads it in the terminal before a call."""
    a = report.assessment
    deal = report.deal
    parts: list[RenderableType] = []
    title = Text()
    title.append(literal(deal.name, "bold"))
    title.append(f"  {deal.id}", style="dim")
    parts.append(title)
    facts = [deal.account or "no account", deal.stage,
             format_amount(deal.amount, deal.currency),
             f"close {deal.close_date.isoformat()}" if deal.close_date else "no close date"]
    last = report.last_interview
    if last:
        age = (report.now - last.started).days
        facts.append(f"last interview {last.started:%Y-%m-%d} ({age} day{'s' if age != 1 else ''}"
                     f" ago{', interrupted' if last.status != 'finished' else ''})")
    else:
        facts.append("no interview yet")
    parts.append(literal(" · ".join(facts), "dim"))
    style = "bold red" if a.at_risk else "bold green"
    parts.append(Text("\n" + report.verdict, style=style))
    if report.missing_frameworks:
        # Next to the verdict: the figures below leave these answers out.
        parts.append(Text(missing_frameworks_sentence(report.missing_frameworks),
                          style="bold yellow"))
    if not report.interviews:
        return Group(*parts)

    figures = Text()
    figures.append(f"Fit {_figure(a.fit)}", style="bold")
    figures.append("   ")
    figures.append(f"Readiness {_figure(a.readiness)}", style="bold")
    figures.append("   ")
    figures.append(f"No-decision risk {a.risk}", style="bold red" if a.at_risk else "bold")
    side = Table.grid(padding=(0, 4))
    side.add_column()
    side.add_column()
    side.add_row(quadrant_picture(a.fit, a.readiness, high), figures)
    parts.append(Text())
    parts.append(side)

    if a.unconfirmed:
        warning = Text("\nUnconfirmed: ", style="bold yellow")
        warning.append("readiness is low, so the customer has not decided internally yet; "
                       if a.readiness is not None else
                       "nobody has checked whether the customer has decided internally; ")
        warning.append("until they do, these good seller-side answers are hopes, not facts: ")
        warning.append(literal(_unconfirmed_elements(report)))
        parts.append(warning)

    customer_gaps = [g for g in a.gaps if g.framework.perspective == "readiness"]
    parts.append(_section("The customer's own qualification gaps"))
    if customer_gaps:
        gap_list = _list_grid()
        for gap in customer_gaps:
            line = Text()
            line.append(literal(gap.question.prompt, "bold"))
            line.append(f"  {gap.kind}", style="red" if gap.question.red_flag else "yellow")
            if gap.answer_text != gap.kind:
                line.append(" (")
                line.append(literal(gap.answer_text))
                line.append(")")
            if gap.question.red_flag:
                line.append("  red flag", style="bold red")
            if gap.question.why:
                line.append("\n")
                line.append(literal(gap.question.why, "dim"))
            gap_list.add_row("•", line)
        parts.append(gap_list)
    elif a.readiness is None:
        parts.append(Text("  Not assessed: run 'qualicoach interview' with the alignment "
                          "framework.", style="yellow"))
    else:
        parts.append(Text("  None: the customer's organisation looks aligned.", style="green"))

    parts.append(_section("Why: each point of risk"))
    causes = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False)
    causes.add_column("points", justify="right")
    causes.add_column("cause")
    for cause in a.causes:
        causes.add_row(f"{cause.points:g}", literal(cause.message))
    causes.add_row(Text(str(a.risk), style="bold"), Text("total (at most 100)", style="bold"))
    parts.append(causes)

    parts.append(_section("Scorecards"))
    parts.append(_scorecards(a.scores))

    if report.ask_next:
        parts.append(_section("Ask next"))
        asks = _list_grid()
        for number, item in enumerate(report.ask_next, 1):
            line = Text()
            line.append(literal("\n".join(item.ask)))
            line.append("\n(", style="dim")
            line.append(literal(item.question.prompt, "dim"))
            line.append(" Now: ", style="dim")
            line.append(literal(item.answer_text, "dim"))
            line.append(")", style="dim")
            asks.add_row(f"{number}.", line)
        parts.append(asks)

    parts.append(_section("What changed since the previous interview"))
    if not report.answer_changes and not report.deal_changes:
        parts.append(Text("  Nothing yet." if len(report.interviews) < 2
                          else "  No answers or deal fields changed.", style="dim"))
    changes = _list_grid()
    for change in report.answer_changes:
        style = {"better": "green", "worse": "red", "new": "cyan"}.get(change.direction,
                                                                       "yellow")
        line = literal(change.question.prompt)
        line.append(": ")
        if change.before is not None:
            line.append(literal(change.before))
            line.append(" -> ")
        line.append(literal(change.after, "bold"))
        changes.add_row(Text(change.direction, style=style), line)
    for field_change in report.deal_changes:
        line = Text(field_change.field.replace("_", " ") + ": ")
        line.append(literal(str(plain_value(field_change.old) or "-")))
        line.append(" -> ")
        line.append(literal(str(plain_value(field_change.new) or "-"), "bold"))
        changes.add_row(Text(f"{field_change.at:%Y-%m-%d}", style="dim"), line)
    if changes.rows:
        parts.append(changes)
    return Group(*parts)


def missing_frameworks_sentence(missing: tuple[str, ...]) -> str:
    """Why the figures leave out frameworks the deal was interviewed on, and the fix."""
    names = ", ".join(missing)
    them = "it" if len(missing) == 1 else "them"
    return (f"Scored without {names}: the deal was interviewed on {them}, but {them} "
            f"{'is' if len(missing) == 1 else 'are'} not installed here. Add the team's "
            "framework folder with --frameworks-dir or frameworks_dirs in config.yaml.")


def _unconfirmed_elements(report: Report, most: int = 6) -> str:
    names = {(f.id, e.id): e.name for f in report.frameworks for e in f.elements}
    elements = list(dict.fromkeys(
        names.get((qs.question.framework_id, qs.question.element_id), qs.question.element_id)
        for qs in report.assessment.unconfirmed))
    shown = ", ".join(elements[:most])
    return shown + (f" and {len(elements) - most} more" if len(elements) > most else "")


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _list_grid() -> Table:
    """A two-column grid: a marker, then text that wraps within its own column."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right", min_width=3)
    grid.add_column()
    return grid


def _scorecards(scores: tuple[FrameworkScore, ...]) -> RenderableType:
    """Every framework and element with a bar, in one grid so the bars line up."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    for number, score in enumerate(scores):
        head = Text("" if number == 0 else "\n")
        head.append(literal(score.framework.name, "bold"))
        head.append(f" ({score.framework.perspective})", style="dim")
        table.add_row(head, Text("\n" if number else "") + bar(score.score),
                      ("\n" if number else "") + _figure(_percent(score.score)))
        for element in score.elements:
            table.add_row(Text("  ").append_text(literal(element.element.name)),
                          bar(element.score), _figure(_percent(element.score)))
    return table


def bar(score: float | None, width: int = 20) -> Text:
    """A horizontal bar for a 0..1 score, colored by strength."""
    if score is None:
        return Text("·" * width, style="dim")
    filled = int(round(score * width))
    color = "green" if score >= 0.7 else "yellow" if score >= 0.5 else "red"
    return Text("█" * filled, style=color) + Text("░" * (width - filled), style="dim")


def quadrant_picture(fit: float | None, readiness: float | None, high: float = 60.0,
                     width: int = 31, height: int = 9) -> Text:
    """Fit (across) against readiness (up), with the deal as a dot.

    The bottom-right corner (high fit, low readiness) is where deals end in no decision.
    """
    split_x = round(high / 100 * (width - 1))
    split_y = height - 1 - round(high / 100 * (height - 1))
    grid = [[" "] * width for _ in range(height)]
    for y in range(height):
        grid[y][split_x] = "│"
    for x in range(width):
        grid[split_y][x] = "┼" if x == split_x else "─"
    labels = {(1, 1): "ready, poor fit", (1, split_x + 2): "on track",
              (height - 2, 1): "qualify more", (height - 2, split_x + 1): "NO DECISION"}
    for (y, x), label in labels.items():
        for i, ch in enumerate(label):
            if x + i < width and grid[y][x + i] == " ":
                grid[y][x + i] = ch
    text = Text()
    if fit is not None and readiness is not None:
        dot_x = round(fit / 100 * (width - 1))
        dot_y = height - 1 - round(readiness / 100 * (height - 1))
        grid[dot_y][dot_x] = "●"
    for y, row in enumerate(grid):
        prefix = "readiness " if y == 0 else "          "
        text.append(prefix, style="dim")
        for x, ch in enumerate(row):
            style = ("bold magenta" if ch == "●" else
                     "red" if y > split_y and x > split_x and ch not in "│─┼" else
                     "dim" if ch in "│─┼" else "")
            text.append(ch, style=style)
        text.append("\n")
    text.append("          " + "fit ->".rjust(width), style="dim")
    return text


# --- HTML and SVG (the same report, for sharing) -----------------------------------------------

def report_export(report: Report, kind: Literal["html", "svg"], high: float = 60.0) -> str:
    """The text report exported as HTML or SVG (Rich escapes all text in both)."""
    console = Console(record=True, width=100, file=io.StringIO(), color_system="truecolor",
                      force_terminal=True, highlight=False, emoji=False)
    console.print(report_renderable(report, high))
    title = f"qualicoach report: {visible(report.deal.name)}"
    if kind == "html":
        return console.export_html(inline_styles=True)
    return console.export_svg(title=title)


# --- Markdown ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def md(text: str) -> str:
    """User text made literal in Markdown (and HTML inside it)."""
    escaped = visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped).replace("\n", " ")


def report_markdown(report: Report) -> str:
    """The internal report as Markdown (for a wiki or a deal review)."""
    a = report.assessment
    deal = report.deal
    out = [f"# {md(deal.name)}", ""]
    out.append(" · ".join(md(x) for x in [
        deal.account or "no account", deal.stage, format_amount(deal.amount, deal.currency),
        f"close {deal.close_date.isoformat()}" if deal.close_date else "no close date"]))
    out += ["", f"**{md(report.verdict)}**", ""]
    if report.missing_frameworks:
        out += [f"> {md(missing_frameworks_sentence(report.missing_frameworks))}", ""]
    if not report.interviews:
        return "\n".join(out) + "\n"
    out.append(f"Fit **{_figure(a.fit)}** · Readiness **{_figure(a.readiness)}** · "
               f"No-decision risk **{a.risk}**")
    if a.unconfirmed:
        out += ["", "> Readiness is low: the strong seller-side answers are unconfirmed until "
                "the customer has decided internally."]
    out += ["", "## The customer's own qualification gaps", ""]
    gaps = [g for g in a.gaps if g.framework.perspective == "readiness"]
    out += [f"- **{md(g.question.prompt)}** {g.kind} ({md(g.answer_text)})"
            f"{' - red flag' if g.question.red_flag else ''}"
            + (f"  \n  {md(g.question.why)}" if g.question.why else "") for g in gaps] or [
        "- None" if a.readiness is not None else "- Not assessed"]
    out += ["", "## Why: each point of risk", "", "| points | cause |", "|---:|---|"]
    out += [f"| {c.points:g} | {md(c.message)} |" for c in a.causes]
    out += [f"| **{a.risk}** | total (at most 100) |", "", "## Scorecards", ""]
    for s in a.scores:
        out.append(f"- **{md(s.framework.name)}** ({s.framework.perspective}): "
                   f"{_figure(_percent(s.score))}")
        out += [f"  - {md(e.element.name)}: {_figure(_percent(e.score))}" for e in s.elements]
    if report.ask_next:
        out += ["", "## Ask next", ""]
        out += [f"{n}. {md(item.ask[0])}" for n, item in enumerate(report.ask_next, 1)]
    out += ["", "## What changed since the previous interview", ""]
    out += [f"- {c.direction}: {md(c.question.prompt)}: "
            + (f"{md(c.before)} -> " if c.before is not None else "") + md(c.after)
            for c in report.answer_changes]
    out += [f"- {c.at:%Y-%m-%d} {c.field.replace('_', ' ')}: {md(str(plain_value(c.old)))} -> "
            f"{md(str(plain_value(c.new)))}" for c in report.deal_changes]
    if not report.answer_changes and not report.deal_changes:
        out.append("- Nothing yet." if len(report.interviews) < 2
                   else "- No answers or deal fields changed.")
    return "\n".join(out) + "\n"


def customer_markdown(report: Report) -> str:
    """What we understood, for the customer to confirm or correct.

    Only the customer's own situation (readiness frameworks), the timeline and open
    questions: no scores, verdicts, seller-side judgements or private notes.
    """
    deal = report.deal
    out = [f"# {md(deal.account or deal.name)}: what we understood", "",
           "Thank you for the conversations so far. This is our understanding of where you "
           "are; please correct anything we got wrong.", ""]
    readiness = [f for f in report.frameworks if f.perspective == "readiness"]
    understood, open_questions = [], []
    for framework in readiness:
        for element in framework.elements:
            for q in element.questions:
                answer = report.answers.get(q.answer_key)
                if answer is None or answer.status != "answered":
                    open_questions.append(q.prompt)
                    continue
                line = f"- **{md(element.name)}**: {md(q.prompt)} {md(_answer_text(q, answer))}"
                if answer.note and not answer.private:
                    line += f" ({md(answer.note)})"
                understood.append(line)
    out += ["## Your situation, goals and decision process", ""]
    out += understood or ["- We have not yet discussed this in detail."]
    out += ["", "## Timeline", ""]
    timeline = []
    if deal.close_date:
        timeline.append(f"- Decision expected by {deal.close_date.isoformat()}")
    for framework in report.frameworks:
        for q in framework.questions():
            answer = report.answers.get(q.answer_key)
            if q.type == "date" and answer is not None and answer.status == "answered":
                timeline.append(f"- {md(q.prompt)} {md(str(answer.value))}")
    if deal.next_step:
        timeline.append(f"- Next step: {md(deal.next_step)}")
    out += timeline or ["- To be agreed together."]
    out += ["", "## Questions we would like to settle together", ""]
    out += [f"- {md(p)}" for p in dict.fromkeys(open_questions)] or ["- None for now."]
    return "\n".join(out) + "\n"
