"""Rendering of a deal's history: fit, readiness and risk after each interview and each
reply of the customer's people, and the deal's field changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.box import SIMPLE_HEAD
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.coaching.alignment import is_reply, who_is
from qualicoach.coaching.report import Report
from qualicoach.domain.deal import Deal, plain_value
from qualicoach.render.console import literal
from qualicoach.render.widgets import bar, figure


def history_data(deal: Deal, points: Sequence[Report]) -> dict[str, Any]:
    """The history as plain data: one entry per interview or reply (``kind``), and the
    deal's field changes."""
    return {
        "deal": deal.id,
        "interviews": [
            {"id": r.interviews[-1].id, "kind": _kind(r),
             "respondent": r.interviews[-1].respondent or None,
             "started": r.interviews[-1].started.isoformat(),
             "status": r.interviews[-1].status,
             "frameworks": r.interviews[-1].frameworks,
             "answers": len(r.interviews[-1].answers),
             "fit": r.assessment.fit, "readiness": r.assessment.readiness,
             "risk": r.assessment.risk}
            for r in points
        ],
        "changes": [{"field": c.field, "old": plain_value(c.old), "new": plain_value(c.new),
                     "at": c.at.isoformat()} for c in deal.history],
    }



_BAR = 10
_GAP = 2  # between cells: one space of padding and the box's divider


def history_renderable(deal: Deal, points: Sequence[Report], width: int | None = None
                       ) -> RenderableType:
    """A table of interviews, oldest first, with fit and readiness (and bars where
    ``width`` leaves room), then the field changes. Every column has a header and no id
    or date is cut: narrower terminals drop the bars first."""
    parts: list[RenderableType] = [Text.assemble(literal(deal.name, "bold"),
                                                 (f"  {deal.id}", "dim"))]
    ordered = sorted(points, key=lambda r: r.interviews[-1].started)
    if not ordered:
        parts.append(Text("No interviews yet.", style="dim"))
    else:
        def plain(short: bool) -> int:
            # id, date, answers, fit, ready, risk and the gaps between them.
            return max(len(event_label(deal, r, short)) + (
                len(r.interviews[-1].status) + 3 if r.interviews[-1].status != "finished"
                else 0) for r in ordered) + 10 + 7 + 3 + 5 + 4 + 5 * _GAP

        header = len("interview or reply") if any(
            is_reply(r.interviews[-1]) for r in ordered) else len("interview")

        def plain_or_header(short: bool) -> int:
            return plain(short) + max(0, header - max(
                len(event_label(deal, r, short)) for r in ordered))

        # A long deal id is already in the title: narrow, each interview is its number.
        short = width is not None and plain_or_header(False) > width
        bars = width is None or plain_or_header(short) + 2 * (_BAR + 1) <= width
        table = Table(box=SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
        replies = any(is_reply(r.interviews[-1]) for r in ordered)
        table.add_column("interview or reply" if replies else "interview", no_wrap=True)
        table.add_column("date", no_wrap=True)
        table.add_column("answers", justify="right", no_wrap=True)
        table.add_column("fit", no_wrap=True)
        table.add_column("ready", no_wrap=True)
        table.add_column("risk", justify="right", no_wrap=True)
        for report in ordered:
            interview = report.interviews[-1]
            a = report.assessment
            status = "" if interview.status == "finished" else f" ({interview.status})"
            label = literal(event_label(deal, report, short),
                            "italic" if is_reply(interview) else "")
            table.add_row(label + status,
                          f"{interview.started:%Y-%m-%d}",
                          str(len(interview.answers)), _figure_bar(a.fit, bars),
                          _figure_bar(a.readiness, bars),
                          Text(str(a.risk), style="red" if a.at_risk else ""))
        parts.append(table)
    if deal.history:
        changes = Table(title="Field changes", title_justify="left", box=SIMPLE_HEAD,
                        show_edge=False, pad_edge=False)
        for column in ("date", "field", "from", "to"):
            changes.add_column(column, no_wrap=column == "date")
        for change in sorted(deal.history, key=lambda c: c.at):
            changes.add_row(f"{change.at:%Y-%m-%d}", change.field.replace("_", " "),
                            literal(str(plain_value(change.old) or "-")),
                            literal(str(plain_value(change.new) or "-")))
        parts.append(changes)
    return Group(*parts)


def _kind(report: Report) -> str:
    return "reply" if is_reply(report.interviews[-1]) else "interview"


def event_label(deal: Deal, report: Report, short: bool) -> str:
    """An interview's id, or whose reply it was: 'reply from Dana Ruiz (VP Finance)';
    ``short``: the interview's number, 'reply: Dana Ruiz'."""
    event = report.interviews[-1]
    if is_reply(event):
        # Narrow, the name alone: the title is in the deal's contacts.
        return (f"reply: {event.respondent}" if short
                else f"reply from {who_is(deal, event.respondent)}")
    return _interview_id(event.id, short)


def _interview_id(interview_id: str, short: bool) -> str:
    return "#" + interview_id.rsplit("#", 1)[-1] if short and "#" in interview_id else (
        interview_id)


def _figure_bar(value: float | None, with_bar: bool) -> Text:
    text = Text(figure(value).rjust(3))
    if with_bar:
        text.append(" ")
        text.append_text(bar(None if value is None else value / 100, _BAR))
    return text
